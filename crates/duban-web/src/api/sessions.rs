//! Sign-in, sign-out, who am I, and the OpenAPI document.

use super::*;

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct LoginBody {
    username: String,
    password: String,
    /// `api` for a long-lived token for integrations; default a browser session.
    #[serde(default)]
    kind: Option<String>,
}

/// A signed-in session: the bearer token (also set as the cookie for a browser), the CSRF token that
/// cookie sessions send in `X-CSRF-Token`, and the account.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct LoginReply {
    token: String,
    csrf: String,
    user: duban_store::UserRecord,
    /// Seconds until the session or token ends.
    expires_in: i64,
}

/// The signed-in account and the language of its pages.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct Me {
    user: duban_core::Actor,
    lang: duban_core::Lang,
}

#[utoipa::path(
    post,
    path = "/api/v1/login",
    tag = "sessions",
    summary = "Sign in: {username, password[, kind: \"api\"]} → {token, csrf, user}; sets the session cookie unless kind is api",
    request_body = LoginBody,
    responses((status = 200, description = "OK", body = LoginReply), crate::openapi::Refusals),
    security(()),
    extensions(("x-access" = json!("Public")))
)]
pub(super) async fn login(
    State(state): State<AppState>,
    client: crate::serve::ClientAddr,
    body: Bytes,
) -> ApiResult<Response> {
    let b: LoginBody = parse(&body)?;
    let now = state.now();
    let user = crate::auth::authenticate(&state, &b.username, &b.password, client).await?;
    let api = b.kind.as_deref() == Some("api");
    let (kind, ttl) = if api { ("api", API_TTL_SECS) } else { ("browser", BROWSER_TTL_SECS) };
    let (token, csrf) = state.store.create_session(&user, kind, now, ttl).await?;
    let mut res = Json(LoginReply { token: token.clone(), csrf, user, expires_in: ttl }).into_response();
    if !api {
        let secure = if state.secure_cookies { "; Secure" } else { "" };
        let c = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={ttl}{secure}");
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

#[utoipa::path(
    post,
    path = "/api/v1/logout",
    tag = "sessions",
    summary = "End the session or token",
    responses((status = 204, description = "Signed out"), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn logout(State(state): State<AppState>, _auth: Auth, headers: HeaderMap) -> ApiResult<Response> {
    let token = bearer(&headers).or_else(|| cookie(&headers, SESSION_COOKIE));
    if let Some(t) = token {
        state.store.end_session(&t).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("duban_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    Ok(res)
}

#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "sessions",
    summary = "The signed-in account",
    responses((status = 200, description = "OK", body = Me), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn me(auth: Auth) -> Json<Me> {
    Json(Me { user: auth.actor, lang: auth.lang })
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct PasswordBody {
    current: String,
    new: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/me/password",
    tag = "sessions",
    summary = "Change your own password {current, new}: the rules of 等级保护 (8 characters, three of four classes, not the account name, not common, none of the last three); your other sessions end",
    request_body = PasswordBody,
    responses((status = 204, description = "Changed"), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn change_password(State(s): State<AppState>, auth: Auth, body: Bytes) -> ApiResult<StatusCode> {
    let b: PasswordBody = parse(&body)?;
    let ctx = Ctx::new(auth.actor.clone(), s.now());
    crate::account::change_own(&s, &ctx, &auth.session_key, &b.current, &b.new, &b.new).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/api/v1/me/sessions",
    tag = "sessions",
    summary = "Your open sessions and tokens, newest first",
    responses((status = 200, description = "OK", body = Vec<duban_store::SessionInfo>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn my_sessions(
    State(s): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<Vec<duban_store::SessionInfo>>> {
    Ok(Json(s.store.sessions_of(auth.actor.user_id, &auth.session_key, s.now().timestamp()).await?))
}

#[utoipa::path(
    delete,
    path = "/api/v1/me/sessions/{id}",
    tag = "sessions",
    summary = "End one of your sessions or tokens",
    params(("id" = String, Path)),
    responses((status = 204, description = "Ended"), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn end_my_session(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let ctx = Ctx::new(auth.actor.clone(), s.now());
    s.store.end_own_session(&ctx, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "sessions",
    summary = "This document",
    responses((status = 200, description = "OK", body = Object), crate::openapi::Refusals),
    security(()),
    extensions(("x-access" = json!("Public")))
)]
pub(super) async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}
