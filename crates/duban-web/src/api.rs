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
            return Err(ApiError(Error::bad_input(
                "idempotency.key",
                "Idempotency-Key 须为1至200个字符",
                "An Idempotency-Key is 1 to 200 characters",
            )));
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

// ---- sessions -------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct LoginBody {
    username: String,
    password: String,
    /// `api` for a long-lived token for integrations; default a browser session.
    #[serde(default)]
    kind: Option<String>,
}

async fn login(State(state): State<AppState>, client: crate::serve::ClientAddr, body: Bytes) -> ApiResult<Response> {
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

async fn logout(State(state): State<AppState>, _auth: Auth, headers: HeaderMap) -> ApiResult<Response> {
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

async fn me(auth: Auth) -> Json<serde_json::Value> {
    Json(serde_json::json!({ "user": auth.actor, "lang": auth.lang.code() }))
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}

// ---- units and users ------------------------------------------------------------------------------------

async fn list_units(State(state): State<AppState>, _auth: Auth) -> ApiResult<Json<Vec<duban_store::UnitRecord>>> {
    Ok(Json(state.store.list_units().await?))
}

async fn create_unit(
    State(s): State<AppState>,
    w: Write<NewUnit>,
) -> ApiResult<(StatusCode, Json<duban_store::UnitRecord>)> {
    let (ctx, new) = (w.ctx, w.body);
    Ok((StatusCode::CREATED, Json(s.store.create_unit(&ctx, &new).await?)))
}

#[derive(Deserialize)]
struct AliasBody {
    alias: String,
}

async fn add_alias(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<AliasBody>,
) -> ApiResult<Json<duban_store::UnitRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.add_alias(&ctx, id, &b.alias).await?))
}

#[derive(Deserialize)]
struct GroupBody {
    unit_ids: Vec<i64>,
}

async fn set_group(State(s): State<AppState>, Path(name): Path<String>, w: Write<GroupBody>) -> ApiResult<StatusCode> {
    let (ctx, b) = (w.ctx, w.body);
    s.store.set_group(&ctx, &name, &b.unit_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_users(State(s): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<duban_store::UserRecord>>> {
    auth.actor.require_admin()?;
    Ok(Json(s.store.list_users().await?))
}

async fn create_user(
    State(s): State<AppState>,
    auth: Auth,
    meta: Meta,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<duban_store::UserRecord>)> {
    auth.actor.require_admin()?;
    let new: NewUser = parse(&body)?;
    duban_store::check_password(&new.password)?;
    let ctx = write_ctx(&s, &auth, &meta, &body)?;
    let pw = new.password.clone();
    let hash = tokio::task::spawn_blocking(move || duban_store::hash_password(&pw))
        .await
        .map_err(|e| ApiError(Error::internal(e)))??;
    Ok((StatusCode::CREATED, Json(s.store.create_user(&ctx, &new, &hash).await?)))
}

// ---- plans ----------------------------------------------------------------------------------------------

async fn list_plans(State(s): State<AppState>, _auth: Auth) -> ApiResult<Json<Vec<duban_store::PlanRecord>>> {
    Ok(Json(s.store.list_plans().await?))
}

#[derive(Deserialize)]
struct ImportQuery {
    #[serde(default)]
    name: Option<String>,
}

/// The body is the document itself (.txt in UTF-8 or GBK, or .docx); `?name=` is its file name.
async fn import_plan(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<ImportQuery>,
    meta: Meta,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    auth.actor.require_admin()?;
    let ctx = write_ctx(&s, &auth, &meta, &body)?;
    let name = q.name.unwrap_or_else(|| "upload".into());
    let (plan, source) = {
        let (body, name) = (body.clone(), name.clone());
        s.uploads.run(move || duban_app::imports::read_plan(&body, &name)).await??
    };
    let rec = s.store.import_plan(&ctx, &name, &source, &plan).await?;
    let unresolved = s.store.unresolved_names(rec.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "plan": rec, "warnings": plan.warnings, "unresolved": unresolved })),
    ))
}

async fn ledger(State(s): State<AppState>, _auth: Auth, Path(id): Path<i64>) -> ApiResult<Json<duban_store::Ledger>> {
    Ok(Json(s.store.ledger(id).await?))
}

async fn plan_source(State(s): State<AppState>, _auth: Auth, Path(id): Path<i64>) -> ApiResult<Response> {
    let text = s.store.plan_source(id).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

async fn unresolved(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<duban_store::UnresolvedName>>> {
    s.store.plan(id).await?;
    Ok(Json(s.store.unresolved_names(id).await?))
}

async fn resolve(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    meta: Meta,
    body: Bytes,
) -> ApiResult<Json<Vec<duban_store::UnresolvedName>>> {
    let ctx = write_ctx(&s, &auth, &meta, &body)?;
    Ok(Json(s.store.resolve_plan_names(&ctx, id).await?))
}

#[derive(Deserialize)]
struct RowVersion {
    row_version: i64,
}

async fn publish(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<RowVersion>,
) -> ApiResult<Json<duban_store::PlanRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.publish_plan(&ctx, id, b.row_version).await?))
}

#[derive(Deserialize)]
struct PatchBody {
    row_version: i64,
    #[serde(flatten)]
    patch: ItemPatchBody,
}

#[derive(Deserialize)]
struct ItemPatchBody {
    title: Option<String>,
    text: Option<String>,
    deadline: Option<String>,
    units: Option<Vec<UnitRole>>,
    reason: Option<String>,
}

#[derive(Deserialize)]
struct UnitRole {
    unit_id: i64,
    role: String,
}

async fn update_item(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<PatchBody>,
) -> ApiResult<Json<duban_store::PlanRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    let patch = ItemPatch {
        title: b.patch.title,
        text: b.patch.text,
        deadline: b.patch.deadline,
        units: b.patch.units.map(|us| us.into_iter().map(|x| (x.unit_id, x.role)).collect()),
        reason: b.patch.reason,
    };
    Ok(Json(s.store.update_item(&ctx, id, b.row_version, &patch).await?))
}

async fn delete_item(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<DeleteQuery>,
    meta: Meta,
) -> ApiResult<Json<duban_store::PlanRecord>> {
    let ctx = write_ctx(&s, &auth, &meta, b"")?;
    Ok(Json(s.store.delete_item(&ctx, id, q.row_version, q.reason.as_deref()).await?))
}

#[derive(Deserialize)]
struct IndicatorBody {
    row_version: i64,
    #[serde(flatten)]
    indicator: NewIndicator,
}

async fn add_indicator(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<IndicatorBody>,
) -> ApiResult<(StatusCode, Json<duban_store::IndicatorRecord>)> {
    let (ctx, b) = (w.ctx, w.body);
    Ok((StatusCode::CREATED, Json(s.store.add_indicator(&ctx, id, b.row_version, &b.indicator).await?)))
}

#[derive(Deserialize)]
struct DeleteQuery {
    row_version: i64,
    #[serde(default)]
    reason: Option<String>,
}

async fn plan_versions(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<duban_store::PlanVersion>>> {
    Ok(Json(s.store.plan_versions(id).await?))
}

#[derive(Deserialize)]
struct DiffQuery {
    from: i64,
    to: i64,
}

async fn plan_diff(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<DiffQuery>,
) -> ApiResult<Json<duban_store::PlanDiff>> {
    Ok(Json(s.store.plan_diff(id, q.from, q.to).await?))
}

async fn list_shares(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<duban_store::ShareRecord>>> {
    Ok(Json(s.store.shares(id).await?))
}

#[derive(Deserialize)]
struct SharesBody {
    shares: Vec<duban_store::ShareInput>,
}

async fn set_shares(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<SharesBody>,
) -> ApiResult<Json<Vec<duban_store::ShareRecord>>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.set_shares(&ctx, id, &b.shares).await?))
}

async fn list_evidence(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<duban_store::EvidenceRecord>>> {
    Ok(Json(s.store.list_evidence(&auth.actor, id).await?))
}

#[derive(Deserialize)]
struct EvidenceQuery {
    name: String,
}

/// The body is the file itself; `?name=` its file name.
async fn add_evidence(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<EvidenceQuery>,
    meta: Meta,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<duban_store::EvidenceRecord>)> {
    let ctx = write_ctx(&s, &auth, &meta, &body)?;
    Ok((StatusCode::CREATED, Json(s.store.add_evidence(&ctx, id, &q.name, &body).await?)))
}

async fn download_evidence(State(s): State<AppState>, auth: Auth, Path(id): Path<i64>) -> ApiResult<Response> {
    let (meta, bytes) = s.store.get_evidence(&auth.actor, id).await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&meta.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    // RFC 5987 name for non-ASCII file names; always a download, never rendered in place.
    let encoded: String = meta
        .file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"evidence-{id}\"; filename*=UTF-8''{encoded}"))
    {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(res)
}

async fn delete_evidence(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    meta: Meta,
) -> ApiResult<StatusCode> {
    let ctx = write_ctx(&s, &auth, &meta, b"")?;
    s.store.delete_evidence(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
struct NewItemBody {
    row_version: i64,
    #[serde(flatten)]
    item: duban_store::NewItem,
}

async fn add_item(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<NewItemBody>,
) -> ApiResult<(StatusCode, Json<duban_store::LedgerItem>)> {
    let (ctx, b) = (w.ctx, w.body);
    Ok((StatusCode::CREATED, Json(s.store.add_item(&ctx, id, b.row_version, &b.item).await?)))
}

#[derive(Deserialize)]
struct IndicatorPatchBody {
    row_version: i64,
    #[serde(flatten)]
    patch: duban_store::IndicatorPatch,
}

async fn update_indicator(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<IndicatorPatchBody>,
) -> ApiResult<Json<duban_store::IndicatorRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.update_indicator(&ctx, id, b.row_version, &b.patch).await?))
}

async fn update_unit(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<duban_store::UnitPatch>,
) -> ApiResult<Json<duban_store::UnitRecord>> {
    let (ctx, p) = (w.ctx, w.body);
    Ok(Json(s.store.update_unit(&ctx, id, &p).await?))
}

async fn delete_indicator(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<DeleteQuery>,
    meta: Meta,
) -> ApiResult<Json<duban_store::PlanRecord>> {
    let ctx = write_ctx(&s, &auth, &meta, b"")?;
    Ok(Json(s.store.delete_indicator(&ctx, id, q.row_version, q.reason.as_deref()).await?))
}

#[derive(Deserialize)]
struct LedgerFileQuery {
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    per_unit: bool,
}

async fn ledger_xlsx(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<LedgerFileQuery>,
) -> ApiResult<Response> {
    let bytes = duban_app::exports::ledger_file(
        &s.store,
        &auth.actor,
        id,
        q.period.as_deref(),
        q.per_unit,
        false,
        &s.thresholds,
    )
    .await?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("ledger-{id}.xlsx"),
    ))
}

async fn ledger_csv(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<LedgerFileQuery>,
) -> ApiResult<Response> {
    let bytes =
        duban_app::exports::ledger_file(&s.store, &auth.actor, id, q.period.as_deref(), false, true, &s.thresholds)
            .await?;
    Ok(download(bytes, "text/csv; charset=utf-8", &format!("ledger-{id}.csv")))
}

#[derive(Deserialize)]
struct BulletinQuery {
    period: String,
    #[serde(default)]
    issuer: Option<String>,
}

/// The office's and leadership's: a bulletin is issued by the office, not read by units before it is.
async fn bulletin_docx(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    q: Result<Query<BulletinQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    // Who may ask is settled before what was asked is read (the rule is the use case's).
    if auth.actor.role.needs_unit() {
        return Err(ApiError(Error::forbidden()));
    }
    let q = match q {
        Ok(Query(q)) => q,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    let bytes =
        duban_app::exports::bulletin_file(&s.store, &auth.actor, id, &q.period, q.issuer.as_deref(), &s.thresholds)
            .await?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!("bulletin-{id}-{}.docx", q.period.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_")),
    ))
}

async fn report_sheet(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Response> {
    let unit = q
        .unit
        .or(auth.actor.unit_id)
        .ok_or_else(|| ApiError(Error::bad_input("todo.unit", "请指定单位（unit=）", "Name the unit (unit=)")))?;
    let bytes = duban_app::offline::report_sheet_file(&s.store, &read_ctx(&s, &auth), id, &q.period, unit).await?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!(
            "report-{id}-{}-unit{unit}.xlsx",
            q.period.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_")
        ),
    ))
}

#[derive(Deserialize)]
struct SheetUploadQuery {
    #[serde(default)]
    submit: bool,
}

async fn upload_report_sheet(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<SheetUploadQuery>,
    meta: Meta,
    body: Bytes,
) -> ApiResult<Json<duban_app::offline::SheetOutcome>> {
    if !matches!(auth.actor.role, duban_core::Role::Leader | duban_core::Role::Reporter) {
        return Err(ApiError(Error::forbidden()));
    }
    let ctx = write_ctx(&s, &auth, &meta, &body)?;
    let sheet = s.uploads.run(move || duban_app::offline::read_report_sheet(&body)).await??;
    Ok(Json(duban_app::offline::apply_report_sheet(&s.store, &ctx, id, sheet, q.submit).await?))
}

fn download(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut res = bytes.into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

// ---- periods --------------------------------------------------------------------------------------------

async fn list_periods(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<duban_store::PeriodRecord>>> {
    s.store.plan(id).await?;
    Ok(Json(s.store.periods(id).await?))
}

#[derive(Deserialize)]
struct PeriodsBody {
    /// monthly, quarterly or custom.
    kind: String,
    #[serde(default)]
    year: Option<i32>,
    #[serde(default = "default_due_day")]
    due_day: u32,
    #[serde(default = "default_grace")]
    grace_days: u32,
    #[serde(default)]
    key: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    due_on: String,
}

fn default_due_day() -> u32 {
    5
}
fn default_grace() -> u32 {
    3
}

async fn create_periods(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<PeriodsBody>,
) -> ApiResult<(StatusCode, Json<Vec<duban_store::PeriodRecord>>)> {
    let (ctx, b) = (w.ctx, w.body);
    let plan = s.store.plan(id).await?;
    let year = b.year.unwrap_or(i32::try_from(plan.year).unwrap_or(0));
    let specs = match b.kind.as_str() {
        "monthly" => monthly(year, b.due_day, b.grace_days)?,
        "quarterly" => quarterly(year, b.due_day, b.grace_days)?,
        "custom" => vec![custom(
            &b.key,
            &b.label,
            parse_date(&b.starts_on)?,
            parse_date(&b.ends_on)?,
            parse_date(&b.due_on)?,
            b.grace_days,
        )?],
        _ => {
            return Err(ApiError(Error::bad_input(
                "period.kind",
                "期次类型应为 monthly、quarterly 或 custom",
                "kind is monthly, quarterly or custom",
            )));
        }
    };
    Ok((StatusCode::CREATED, Json(s.store.create_periods(&ctx, id, &specs).await?)))
}

#[derive(Deserialize)]
struct PeriodQuery {
    period: String,
    #[serde(default)]
    unit: Option<i64>,
}

#[derive(Deserialize)]
struct SummaryQuery {
    period: String,
    /// Compute from the records even when a kept summary is current (for measuring and checking).
    #[serde(default)]
    fresh: bool,
}

async fn summary(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<SummaryQuery>,
) -> ApiResult<Json<duban_store::Summary>> {
    if q.fresh {
        let plan = s.store.plan(id).await?;
        let period = s.store.period_by_key(id, &q.period).await?;
        return Ok(Json(s.store.compute_summary(&plan, period, &s.thresholds).await?));
    }
    Ok(Json(s.store.summary(id, &q.period, &s.thresholds).await?))
}

async fn todo(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<Vec<duban_store::TodoRow>>> {
    let unit = q
        .unit
        .or(auth.actor.unit_id)
        .ok_or_else(|| ApiError(Error::bad_input("todo.unit", "请指定单位（unit=）", "Name the unit (unit=)")))?;
    let period = s.store.period_by_key(id, &q.period).await?;
    Ok(Json(s.store.todo(&read_ctx(&s, &auth), period.id, unit).await?))
}

#[derive(Deserialize)]
struct ExceptionBody {
    unit_id: i64,
    until: String,
}

async fn grant_exception(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<ExceptionBody>,
) -> ApiResult<StatusCode> {
    let (ctx, b) = (w.ctx, w.body);
    s.store.grant_exception(&ctx, id, b.unit_id, &b.until).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- reports --------------------------------------------------------------------------------------------

async fn list_reports(
    State(s): State<AppState>,
    auth: Auth,
    Query(f): Query<ReportFilter>,
) -> ApiResult<Json<Vec<duban_store::ReportRecord>>> {
    Ok(Json(s.store.list_reports(&auth.actor, &f).await?))
}

async fn get_report(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<duban_store::ReportRecord>> {
    Ok(Json(s.store.get_report(&auth.actor, id).await?))
}

async fn save_report(State(s): State<AppState>, w: Write<ReportDraft>) -> ApiResult<Json<duban_store::ReportRecord>> {
    let (ctx, d) = (w.ctx, w.body);
    Ok(Json(s.store.save_report(&ctx, &d).await?))
}

#[derive(Deserialize)]
struct VersionBody {
    version: i64,
    #[serde(default)]
    reason: String,
}

async fn submit_report(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<VersionBody>,
) -> ApiResult<Json<duban_store::ReportRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.submit_report(&ctx, id, b.version).await?))
}

async fn approve_report(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<VersionBody>,
) -> ApiResult<Json<duban_store::ReportRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.review_report(&ctx, id, b.version, true, &b.reason).await?))
}

async fn return_report(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<VersionBody>,
) -> ApiResult<Json<duban_store::ReportRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.review_report(&ctx, id, b.version, false, &b.reason).await?))
}

#[derive(Deserialize)]
struct ReasonBody {
    #[serde(default)]
    reason: String,
}

async fn reopen_report(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<ReasonBody>,
) -> ApiResult<Json<duban_store::ReportRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.reopen_report(&ctx, id, &b.reason).await?))
}

#[derive(Deserialize)]
struct RemindBody {
    period_id: i64,
    unit_id: i64,
    #[serde(default)]
    item_id: Option<i64>,
    #[serde(default)]
    note: String,
}

async fn remind(
    State(s): State<AppState>,
    w: Write<RemindBody>,
) -> ApiResult<(StatusCode, Json<duban_store::ReminderRecord>)> {
    let (ctx, b) = (w.ctx, w.body);
    Ok((StatusCode::CREATED, Json(s.store.remind(&ctx, b.period_id, b.unit_id, b.item_id, &b.note).await?)))
}

#[derive(Deserialize)]
struct ExtensionQuery {
    #[serde(default)]
    state: Option<String>,
}

async fn list_extensions(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<ExtensionQuery>,
) -> ApiResult<Json<Vec<duban_store::ExtensionRecord>>> {
    Ok(Json(s.store.extensions(&auth.actor, q.state.as_deref()).await?))
}

#[derive(Deserialize)]
struct ExtensionBody {
    item_id: i64,
    unit_id: i64,
    requested_on: String,
    reason: String,
}

async fn request_extension(
    State(s): State<AppState>,
    w: Write<ExtensionBody>,
) -> ApiResult<(StatusCode, Json<duban_store::ExtensionRecord>)> {
    let (ctx, b) = (w.ctx, w.body);
    Ok((
        StatusCode::CREATED,
        Json(s.store.request_extension(&ctx, b.item_id, b.unit_id, &b.requested_on, &b.reason).await?),
    ))
}

#[derive(Deserialize)]
struct DecideBody {
    approve: bool,
    #[serde(default)]
    note: String,
}

async fn decide_extension(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<DecideBody>,
) -> ApiResult<Json<duban_store::ExtensionRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.decide_extension(&ctx, id, b.approve, &b.note).await?))
}

// ---- audit ----------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct AuditQuery {
    entity: String,
    id: String,
}

async fn audit_of(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Vec<duban_store::AuditEntry>>> {
    if !matches!(auth.actor.role, Role::Admin | Role::Viewer) {
        return Err(ApiError(Error::forbidden()));
    }
    Ok(Json(s.store.audit_of(&q.entity, &q.id).await?))
}

async fn verify_audit(State(s): State<AppState>, auth: Auth) -> ApiResult<Json<duban_store::AuditReport>> {
    auth.actor.require_admin()?;
    Ok(Json(s.store.verify_audit().await?))
}
