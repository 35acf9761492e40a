//! The `/api/v1` handlers. Each one: check the input, build the context, call the store, return JSON.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use duban_core::periods::{custom, monthly, parse_date, quarterly};
use duban_core::{Error, Role};
use duban_store::{Ctx, Idempotency, ItemPatch, NewIndicator, NewUnit, NewUser, ReportDraft, ReportFilter};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::Digest;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::{API_TTL_SECS, Auth, BROWSER_TTL_SECS, SESSION_COOKIE, bearer, cookie};
use crate::error::{ApiError, ApiResult, bad_json};

/// Uploads (plan documents) are limited to what the parser accepts, plus room for the envelope.
pub const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024 + 4096;
/// A sign-in is a name and a password: its body is refused past this before it is read further.
pub const LOGIN_BODY_BYTES: usize = 16 * 1024;

mod assessment;
mod audit;
mod notices;
mod periods;
mod plans;
mod reports;
mod sessions;
mod supervisions;
mod units;

use self::assessment::*;
use self::audit::*;
use self::notices::*;
use self::periods::*;
use self::plans::*;
use self::reports::*;
use self::sessions::*;
use self::supervisions::*;
use self::units::*;

/// The API's routes with their description: each handler's `#[utoipa::path]` gives both its route and
/// its operation in the OpenAPI document, so the two cannot drift apart.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::ApiDoc::openapi())
        .routes(routes!(login))
        .layer(axum::extract::DefaultBodyLimit::max(LOGIN_BODY_BYTES))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(openapi))
        .routes(routes!(crate::openapi::docs))
        .routes(routes!(list_units, create_unit))
        .routes(routes!(update_unit))
        .routes(routes!(add_alias))
        .routes(routes!(set_group))
        .routes(routes!(activation_sheet))
        .routes(routes!(recent_audit))
        .routes(routes!(get_separation, set_separation))
        .routes(routes!(units_sheet, upload_units_sheet))
        .routes(routes!(accounts_sheet, upload_accounts_sheet))
        .routes(routes!(disable_user))
        .routes(routes!(enable_user))
        .routes(routes!(unlock_user))
        .routes(routes!(change_password))
        .routes(routes!(my_sessions))
        .routes(routes!(end_my_session))
        .routes(routes!(list_users, create_user))
        .routes(routes!(list_plans, import_plan))
        .routes(routes!(ledger))
        .routes(routes!(plan_source))
        .routes(routes!(unresolved))
        .routes(routes!(resolve))
        .routes(routes!(publish))
        .routes(routes!(list_periods, create_periods))
        .routes(routes!(summary))
        .routes(routes!(todo))
        .routes(routes!(ledger_xlsx))
        .routes(routes!(ledger_csv))
        .routes(routes!(bulletin_docx))
        .routes(routes!(report_sheet))
        .routes(routes!(upload_report_sheet))
        .routes(routes!(plan_versions))
        .routes(routes!(plan_diff))
        .routes(routes!(update_item, delete_item))
        .routes(routes!(check_item))
        .routes(routes!(name_proposals))
        .routes(routes!(create_plan_units))
        .routes(routes!(add_item))
        .routes(routes!(update_indicator, delete_indicator))
        .routes(routes!(list_shares, set_shares))
        .routes(routes!(list_evidence, add_evidence))
        .routes(routes!(download_evidence, delete_evidence))
        .routes(routes!(add_indicator))
        .routes(routes!(grant_exception))
        .routes(routes!(list_reports, save_report))
        .routes(routes!(get_report))
        .routes(routes!(submit_report))
        .routes(routes!(sign_report))
        .routes(routes!(return_contribution))
        .routes(routes!(list_contributions))
        .routes(routes!(get_reporting, set_reporting))
        .routes(routes!(approve_report))
        .routes(routes!(return_report))
        .routes(routes!(reopen_report))
        .routes(routes!(remind))
        .routes(routes!(list_extensions, request_extension))
        .routes(routes!(decide_extension))
        .routes(routes!(list_supervisions, issue_supervisions))
        .routes(routes!(get_supervision))
        .routes(routes!(reply_supervision))
        .routes(routes!(accept_supervision))
        .routes(routes!(escalate_supervision))
        .routes(routes!(supervision_notice))
        .routes(routes!(list_reply_files, add_reply_file))
        .routes(routes!(download_reply_file))
        .routes(routes!(list_notices))
        .routes(routes!(read_notice))
        .routes(routes!(read_all_notices))
        .routes(routes!(assessment))
        .routes(routes!(assessment_xlsx))
        .routes(routes!(assessment_rules, set_assessment_rules))
        .routes(routes!(audit_of))
        .routes(routes!(verify_audit))
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

/// A file under its own (often Chinese) name: the RFC 5987 `filename*` beside an ASCII `fallback`; always a
/// download, never rendered in place.
fn named_download(bytes: Vec<u8>, content_type: &str, fallback: &str, name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

fn download(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut res = bytes.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
