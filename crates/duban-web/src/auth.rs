//! Who is calling: a browser session (cookie `duban_session`, HTTP-only, SameSite=Strict, with a CSRF token
//! that every state-changing request must echo in `X-CSRF-Token`) or an API token (`Authorization: Bearer`).
//! Failed sign-ins make the next try wait longer (see `duban_core::signin`).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use duban_core::{Actor, Error, ErrorKind, Lang, Role};

use crate::AppState;
use crate::error::{ApiError, lang_of};
use crate::serve::ClientAddr;

pub const SESSION_COOKIE: &str = "duban_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Browser sessions last at most a working day and a night (their absolute lifetime), and end sooner when
/// unused for [`IDLE_SECS`]; API tokens 30 days.
pub const BROWSER_TTL_SECS: i64 = 12 * 3600;
/// The default idle time after which a browser session ends (`duban serve --idle-minutes`).
pub const IDLE_SECS: i64 = 30 * 60;
pub const API_TTL_SECS: i64 = 30 * 24 * 3600;

/// The signed-in caller.
#[derive(Debug, Clone)]
pub struct Auth {
    pub actor: Actor,
    pub lang: Lang,
    /// The stored key of the session this request came with.
    pub session_key: String,
}

/// What an account that must change its password may still do: change it, see who it is, sign out.
const WHILE_MUST_CHANGE: [&str; 3] = ["/api/v1/me/password", "/api/v1/me", "/api/v1/logout"];

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        let (token, from_cookie) = match bearer(&parts.headers) {
            Some(t) => (t, false),
            None => match cookie(&parts.headers, SESSION_COOKIE) {
                Some(t) => (t, true),
                None => return Err(unauthenticated()),
            },
        };
        let session = state.store.session(&token, state.now(), state.idle_secs).await?.ok_or_else(unauthenticated)?;
        if session.must_change_password && !WHILE_MUST_CHANGE.contains(&parts.uri.path()) {
            return Err(ApiError(Error::new(ErrorKind::Forbidden, "password.must_change")));
        }
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if from_cookie && !safe {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
            if !constant_time_eq(sent.as_bytes(), session.csrf.as_bytes()) {
                return Err(ApiError(Error::new(ErrorKind::Forbidden, "csrf")));
            }
        }
        crate::trace::record_user(&session.actor.username);
        Ok(Auth { actor: session.actor, lang, session_key: session.key })
    }
}

/// Checks a name and password from `client`, within the sign-in limits (`duban_core::signin`): the
/// account, or why not. Over-long input is refused before anything else; the password check runs in the
/// password gate (a few at once, off the async workers).
pub async fn authenticate(
    state: &AppState,
    username: &str,
    password: &str,
    client: ClientAddr,
) -> Result<duban_store::UserRecord, ApiError> {
    use duban_core::signin::{MAX_PASSWORD_BYTES, MAX_USERNAME_CHARS};
    let name = username.trim();
    if name.chars().count() > MAX_USERNAME_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(ApiError(
            Error::bad_input("login.too_long").arg("chars", MAX_USERNAME_CHARS).arg("bytes", MAX_PASSWORD_BYTES),
        ));
    }
    let now = state.now().timestamp();
    let client = client.0.to_string();
    let wait = state.store.signin_wait(name, &client, now).await?;
    if wait > 0 {
        return Err(ApiError(Error::new(ErrorKind::TooMany, "login.too_many").arg("wait", wait)));
    }
    let found = state.store.user_for_login(name).await?;
    // Verify against a hash even for an unknown name, so that timing does not tell which names exist.
    let (user, hash) = match found {
        Some((u, h)) if !u.disabled => (Some(u), h),
        _ => (None, dummy_hash().to_string()),
    };
    let password = password.to_string();
    let ok = state.passwords.verify(password, hash).await?;
    let Some(user) = user.filter(|_| ok) else {
        state.store.signin_failed(name, &client, now).await?;
        // The record of sign-ins (等级保护): each failure, and the one that locks the name out.
        let tried =
            Actor { user_id: duban_core::UserId(0), username: name.to_string(), role: Role::Viewer, unit_id: None };
        let ctx = duban_store::Ctx::new(tried, state.now());
        state.store.record_signin(&ctx, "signin.failed", &client).await?;
        if state.store.signin_wait(name, &client, now).await? > 0 {
            state.store.record_signin(&ctx, "signin.locked", &client).await?;
        }
        return Err(ApiError(Error::new(ErrorKind::Unauthenticated, "login.failed")));
    };
    state.store.signin_succeeded(name, &client).await?;
    let who = Actor { user_id: user.id, username: user.username.clone(), role: user.role, unit_id: user.unit_id };
    state.store.record_signin(&duban_store::Ctx::new(who, state.now()), "signin.ok", &client).await?;
    Ok(user)
}

/// A real argon2id hash of a random password, checked when the account does not exist.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| duban_store::hash_password(&duban_store::random_token()).unwrap_or_default())
}

pub fn unauthenticated() -> ApiError {
    ApiError(Error::new(ErrorKind::Unauthenticated, "unauthenticated"))
}

/// The token of `Authorization: Bearer TOKEN`.
pub fn bearer(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
}

pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    for v in headers.get_all(header::COOKIE) {
        let Ok(v) = v.to_str() else { continue };
        for part in v.split(';') {
            if let Some((k, val)) = part.trim().split_once('=')
                && k == name
            {
                return Some(val.to_string());
            }
        }
    }
    None
}

pub(crate) use duban_core::secret::constant_time_eq;
