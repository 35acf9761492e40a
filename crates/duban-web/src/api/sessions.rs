//! Sign-in, sign-out, who am I, and the OpenAPI document.

use super::*;

#[derive(Deserialize)]
pub(super) struct LoginBody {
    username: String,
    password: String,
    /// `api` for a long-lived token for integrations; default a browser session.
    #[serde(default)]
    kind: Option<String>,
}

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
    let mut res =
        Json(serde_json::json!({ "token": token, "csrf": csrf, "user": user, "expires_in": ttl })).into_response();
    if !api {
        let secure = if state.secure_cookies { "; Secure" } else { "" };
        let c = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={ttl}{secure}");
        if let Ok(v) = HeaderValue::from_str(&c) {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    Ok(res)
}

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

pub(super) async fn me(auth: Auth) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "user": auth.actor, "lang": auth.lang.code() }))
}

pub(super) async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}
