//! The `/api/v1` handlers. Each one: check the input, build the context, call the store, return JSON.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use duban_core::periods::{custom, monthly, parse_date, quarterly};
use duban_core::{Error, Role};
use duban_store::{Ctx, Idempotency, ItemPatch, NewIndicator, NewUnit, NewUser, ReportDraft, ReportFilter};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::Digest;

use crate::AppState;
use crate::auth::{API_TTL_SECS, Auth, BROWSER_TTL_SECS, SESSION_COOKIE, bearer, cookie};
use crate::error::{ApiError, ApiResult, bad_json};

/// Uploads (plan documents) are limited to what the parser accepts, plus room for the envelope.
pub const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024 + 4096;
/// A sign-in is a name and a password: its body is refused past this before it is read further.
pub const LOGIN_BODY_BYTES: usize = 16 * 1024;

mod audit;
mod periods;
mod plans;
mod reports;
mod sessions;
mod units;

use self::audit::*;
use self::periods::*;
use self::plans::*;
use self::reports::*;
use self::sessions::*;
use self::units::*;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", post(login).layer(axum::extract::DefaultBodyLimit::max(LOGIN_BODY_BYTES)))
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route("/openapi.json", get(openapi))
        .route("/units", get(list_units).post(create_unit))
        .route("/units/{id}", patch(update_unit))
        .route("/units/{id}/aliases", post(add_alias))
        .route("/unit-groups/{name}", put(set_group))
        .route("/users", get(list_users).post(create_user))
        .route("/plans", get(list_plans).post(import_plan))
        .route("/plans/{id}", get(ledger))
        .route("/plans/{id}/source", get(plan_source))
        .route("/plans/{id}/unresolved", get(unresolved))
        .route("/plans/{id}/resolve", post(resolve))
        .route("/plans/{id}/publish", post(publish))
        .route("/plans/{id}/periods", get(list_periods).post(create_periods))
        .route("/plans/{id}/summary", get(summary))
        .route("/plans/{id}/todo", get(todo))
        .route("/plans/{id}/ledger.xlsx", get(ledger_xlsx))
        .route("/plans/{id}/ledger.csv", get(ledger_csv))
        .route("/plans/{id}/bulletin.docx", get(bulletin_docx))
        .route("/plans/{id}/report-sheet.xlsx", get(report_sheet))
        .route("/plans/{id}/report-sheet", post(upload_report_sheet))
        .route("/plans/{id}/versions", get(plan_versions))
        .route("/plans/{id}/diff", get(plan_diff))
        .route("/items/{id}", patch(update_item).delete(delete_item))
        .route("/plans/{id}/items", post(add_item))
        .route("/indicators/{id}", patch(update_indicator).delete(delete_indicator))
        .route("/indicators/{id}/shares", get(list_shares).put(set_shares))
        .route("/reports/{id}/evidence", get(list_evidence).post(add_evidence))
        .route("/evidence/{id}", get(download_evidence).delete(delete_evidence))
        .route("/items/{id}/indicators", post(add_indicator))
        .route("/periods/{id}/exceptions", post(grant_exception))
        .route("/reports", get(list_reports).put(save_report))
        .route("/reports/{id}", get(get_report))
        .route("/reports/{id}/submit", post(submit_report))
        .route("/reports/{id}/approve", post(approve_report))
        .route("/reports/{id}/return", post(return_report))
        .route("/reports/{id}/reopen", post(reopen_report))
        .route("/reminders", post(remind))
        .route("/extensions", get(list_extensions).post(request_extension))
        .route("/extensions/{id}/decide", post(decide_extension))
        .route("/audit", get(audit_of))
        .route("/audit/verify", get(verify_audit))
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> ApiResult<T> {
    serde_json::from_slice(body).map_err(bad_json)
}

/// The parts of a request that a write's idempotency fingerprint covers.
pub(crate) struct Meta {
    headers: HeaderMap,
    method: Method,
    uri: Uri,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Meta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Meta { headers: parts.headers.clone(), method: parts.method.clone(), uri: parts.uri.clone() })
    }
}

/// A JSON write: the caller (checked first, CSRF included), the parsed body, and the write's context with
/// its idempotency fingerprint over the raw body.
pub(crate) struct Write<T> {
    ctx: Ctx,
    body: T,
}

impl<T: DeserializeOwned> axum::extract::FromRequest<AppState> for Write<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, Self::Rejection> {
        use axum::extract::FromRequestParts as _;
        let (mut parts, raw) = req.into_parts();
        let auth = Auth::from_request_parts(&mut parts, state).await.map_err(IntoResponse::into_response)?;
        let meta = Meta { headers: parts.headers.clone(), method: parts.method.clone(), uri: parts.uri.clone() };
        // Through the `Bytes` extractor, so the body limit and its rejection stay the router's.
        let bytes = Bytes::from_request(axum::extract::Request::from_parts(parts, raw), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let body = parse(&bytes).map_err(IntoResponse::into_response)?;
        let ctx = write_ctx(state, &auth, &meta, &bytes).map_err(IntoResponse::into_response)?;
        Ok(Write { ctx, body })
    }
}

/// The context of a write: the caller, the clock, and the `Idempotency-Key` with a fingerprint of the
/// request (method, path and body), so that a retried request is answered from the first one.
fn write_ctx(state: &AppState, auth: &Auth, meta: &Meta, body: &[u8]) -> ApiResult<Ctx> {
    let (headers, method, uri) = (&meta.headers, &meta.method, &meta.uri);
    let mut ctx = Ctx::new(auth.actor.clone(), state.now());
    if let Some(key) = headers.get("idempotency-key") {
        let key = key.to_str().unwrap_or("").trim();
        if key.is_empty() || key.len() > 200 {
            return Err(ApiError(Error::bad_input("idempotency.key")));
        }
        let mut h = sha2::Sha256::new();
        h.update(method.as_str());
        h.update(b" ");
        h.update(uri.path());
        h.update(b"\n");
        h.update(body);
        ctx.idempotency = Some(Idempotency { key: key.to_string(), fingerprint: hex::encode(h.finalize()) });
    }
    Ok(ctx)
}

fn read_ctx(state: &AppState, auth: &Auth) -> Ctx {
    Ctx::new(auth.actor.clone(), state.now())
}

fn download(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut res = bytes.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
