//! Errors as JSON: `{"error": {"code": "...", "message": "..."}}` with the HTTP status of the error's kind
//! and the message in the request's language (zh-CN unless `Accept-Language` prefers English).
//!
//! Handlers return [`ApiError`] without knowing the language; [`localize`] writes the body on the way out.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use duban_core::{Error, ErrorKind, Lang};

#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

pub fn status_of(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::BadInput => StatusCode::BAD_REQUEST,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::Locked => StatusCode::LOCKED,
        ErrorKind::TooMany => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = status_of(self.0.kind).into_response();
        r.extensions_mut().insert(Arc::new(self.0));
        r
    }
}

pub fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

pub fn body_for(e: &Error, lang: Lang) -> serde_json::Value {
    serde_json::json!({ "error": { "code": e.code, "message": e.message(lang) } })
}

/// Middleware: turns an [`ApiError`] left in a response into its JSON body in the request's language.
pub async fn localize(req: Request, next: Next) -> Response {
    let lang = lang_of(req.headers());
    let page = !req.uri().path().starts_with("/api/");
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let mut res = next.run(req).await;
    if let Some(e) = res.extensions_mut().remove::<Arc<Error>>() {
        log_error(&e, method.as_str(), &path);
        let status = res.status();
        let body = body_for(&e, lang).to_string();
        let mut out = Response::new(Body::from(body));
        *out.status_mut() = status;
        out.headers_mut()
            .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json; charset=utf-8"));
        out.headers_mut().insert(header::CONTENT_LANGUAGE, header::HeaderValue::from_static(lang.code()));
        return out;
    }
    // axum's own rejections (a path segment that is not a number, a missing header) come as plain text or
    // empty: the API gives them the same JSON shape (the pages turn them into an error page themselves).
    if page {
        return res;
    }
    match as_rejection(res).await {
        Ok((status, e)) => {
            let mut out = Response::new(Body::from(body_for(&e, lang).to_string()));
            *out.status_mut() = status;
            out.headers_mut()
                .insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json; charset=utf-8"));
            out
        }
        Err(res) => res,
    }
}

/// An error answer that is neither ours (JSON) nor a page (HTML), i.e. axum's own rejection, as one of our
/// errors with its status; any other answer back unchanged.
pub async fn as_rejection(res: Response) -> Result<(StatusCode, Error), Response> {
    let status = res.status();
    let content_type = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let is_json = content_type.starts_with("application/json");
    let is_html = content_type.starts_with("text/html");
    if !(status.is_client_error() || status.is_server_error()) || is_json || is_html {
        return Err(res);
    }
    let text = axum::body::to_bytes(res.into_body(), 64 * 1024).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let code = match status {
        StatusCode::NOT_FOUND => "route.not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        // axum's own text is English and names Rust types: it goes to the log, not to the reader.
        _ => "bad_request",
    };
    if !text.is_empty() {
        tracing::info!(status = status.as_u16(), detail = %text, "request rejected");
    }
    Ok((status, Error::new(ErrorKind::BadInput, code).with_detail(text)))
}

/// Failures inside the server go to the log with their detail (the client gets the code and a fixed
/// message only).
pub fn log_error(e: &Error, method: &str, path: &str) {
    match e.kind {
        ErrorKind::Internal => {
            tracing::error!(code = e.code, detail = e.detail.as_deref().unwrap_or(""), method, path, "request failed")
        }
        ErrorKind::Unavailable => {
            tracing::warn!(code = e.code, detail = e.detail.as_deref().unwrap_or(""), method, path, "request refused")
        }
        _ => {}
    }
}

pub fn bad_json(e: impl std::fmt::Display) -> ApiError {
    ApiError(Error::bad_input("bad_json").arg("e", e))
}
