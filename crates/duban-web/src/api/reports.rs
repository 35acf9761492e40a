//! Reports, their evidence, the offline sheet, reminders and extension requests.

use super::*;
use duban_core::{EvidenceId, ExtensionId, ItemId, PeriodId, PlanId, ReportId, UnitId};

#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}/evidence",
    tag = "reports",
    summary = "Evidence files of a report",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = Vec<duban_store::EvidenceRecord>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn list_evidence(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<ReportId>,
) -> ApiResult<Json<Vec<duban_store::EvidenceRecord>>> {
    Ok(Json(s.store.list_evidence(&auth.actor, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct EvidenceQuery {
    name: String,
}

/// The body is the file itself; `?name=` its file name.
#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/evidence",
    tag = "reports",
    summary = "Attach a file (body: the bytes; ?name=FILE; PDF, PNG, JPEG, docx, xlsx, pptx, txt; 20 MB)",
    params(("id" = i64, Path), EvidenceQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file"),
    responses((status = 201, description = "Created", body = duban_store::EvidenceRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Unit")))
)]
pub(super) async fn add_evidence(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<ReportId>,
    Query(q): Query<EvidenceQuery>,
    meta: Meta,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<duban_store::EvidenceRecord>)> {
    let ctx = write_ctx(&s, &auth, &meta, &body)?;
    Ok((StatusCode::CREATED, Json(s.store.add_evidence(&ctx, id, &q.name, &body).await?)))
}

#[utoipa::path(
    get,
    path = "/api/v1/evidence/{id}",
    tag = "reports",
    summary = "Download an evidence file",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The file as uploaded", content_type = "application/octet-stream", body = Vec<u8>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn download_evidence(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<EvidenceId>,
) -> ApiResult<Response> {
    let (meta, bytes) = s.store.get_evidence(&auth.actor, id).await?;
    Ok(named_download(bytes, &meta.content_type, &format!("evidence-{id}"), &meta.file_name))
}

#[utoipa::path(
    delete,
    path = "/api/v1/evidence/{id}",
    tag = "reports",
    summary = "Remove an evidence file from an editable report",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Done"), crate::openapi::Refusals),
    extensions(("x-access" = json!("Unit")))
)]
pub(super) async fn delete_evidence(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<EvidenceId>,
    meta: Meta,
) -> ApiResult<StatusCode> {
    let ctx = write_ctx(&s, &auth, &meta, b"")?;
    s.store.delete_evidence(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/report-sheet.xlsx",
    tag = "reports",
    summary = "A unit's offline report sheet for ?period= (&unit=; a unit's people: their own), pre-filled from this or the last period",
    params(("id" = i64, Path), PeriodQuery),
    responses((status = 200, description = "The report sheet", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn report_sheet(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<PlanId>,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Response> {
    let unit = q.unit.or(auth.actor.unit_id).ok_or_else(|| ApiError(Error::bad_input("todo.unit")))?;
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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SheetUploadQuery {
    #[serde(default)]
    submit: bool,
}

#[utoipa::path(
    post,
    path = "/api/v1/plans/{id}/report-sheet",
    tag = "reports",
    summary = "Upload a filled report sheet (body: the .xlsx; &submit=true also sends): every bad cell is listed by row and column and nothing is saved until all are right",
    params(("id" = i64, Path), SheetUploadQuery),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "The filled report sheet"),
    responses((status = 200, description = "OK", body = duban_app::offline::SheetOutcome), crate::openapi::Refusals),
    extensions(("x-access" = json!("Unit")))
)]
pub(super) async fn upload_report_sheet(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<PlanId>,
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

// ---- reports --------------------------------------------------------------------------------------------

#[utoipa::path(
    get,
    path = "/api/v1/reports",
    tag = "reports",
    summary = "Reports (?plan_id, period_id, unit_id, item_id, state); a unit's people see their own",
    params(ReportQuery),
    responses((status = 200, description = "OK", body = Vec<duban_store::ReportRecord>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn list_reports(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<ReportQuery>,
) -> ApiResult<Json<Vec<duban_store::ReportRecord>>> {
    Ok(Json(s.store.list_reports(&auth.actor, &q.filter()?).await?))
}

/// The query string of `GET /reports`: the store's [`ReportFilter`], with the state as written.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ReportQuery {
    plan_id: Option<PlanId>,
    period_id: Option<PeriodId>,
    unit_id: Option<UnitId>,
    item_id: Option<ItemId>,
    /// draft, submitted, returned or approved.
    state: Option<String>,
    /// At most this many (default 500, at most 5000)…
    limit: Option<i64>,
    /// …with ids above this one (to page through: pass the last id seen).
    after_id: Option<ReportId>,
}

impl ReportQuery {
    fn filter(self) -> Result<ReportFilter, Error> {
        // A state we do not have is a mistake, not an empty list.
        let state = match self.state.as_deref() {
            Some(s) => Some(duban_core::ReportState::parse(s).ok_or_else(|| Error::bad_input("report.state"))?),
            None => None,
        };
        Ok(ReportFilter {
            plan_id: self.plan_id,
            period_id: self.period_id,
            unit_id: self.unit_id,
            item_id: self.item_id,
            state,
            limit: self.limit,
            after_id: self.after_id,
        })
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}",
    tag = "reports",
    summary = "One report (a unit's people: their own unit's)",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = duban_store::ReportRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn get_report(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<ReportId>,
) -> ApiResult<Json<duban_store::ReportRecord>> {
    Ok(Json(s.store.get_report(&auth.actor, id).await?))
}

#[utoipa::path(
    put,
    path = "/api/v1/reports",
    tag = "reports",
    summary = "Create or edit a draft report {period_id, item_id, unit_id, progress, …, version}",
    request_body = ReportDraft,
    responses((status = 200, description = "OK", body = duban_store::ReportRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Unit")))
)]
pub(super) async fn save_report(
    State(s): State<AppState>,
    w: Write<ReportDraft>,
) -> ApiResult<Json<duban_store::ReportRecord>> {
    let (ctx, d) = (w.ctx, w.body);
    Ok(Json(s.store.save_report(&ctx, &d).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct VersionBody {
    version: i64,
    #[serde(default)]
    reason: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/submit",
    tag = "reports",
    summary = "Submit {version}",
    params(("id" = i64, Path)),
    request_body = VersionBody,
    responses((status = 200, description = "OK", body = duban_store::ReportRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Unit")))
)]
pub(super) async fn submit_report(
    State(s): State<AppState>,
    Path(id): Path<ReportId>,
    w: Write<VersionBody>,
) -> ApiResult<Json<duban_store::ReportRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.submit_report(&ctx, id, b.version).await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/approve",
    tag = "reports",
    summary = "Approve {version}",
    params(("id" = i64, Path)),
    request_body = VersionBody,
    responses((status = 200, description = "OK", body = duban_store::ReportRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn approve_report(
    State(s): State<AppState>,
    Path(id): Path<ReportId>,
    w: Write<VersionBody>,
) -> ApiResult<Json<duban_store::ReportRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.review_report(&ctx, id, b.version, true, &b.reason).await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/return",
    tag = "reports",
    summary = "Return with a reason {version, reason}",
    params(("id" = i64, Path)),
    request_body = VersionBody,
    responses((status = 200, description = "OK", body = duban_store::ReportRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn return_report(
    State(s): State<AppState>,
    Path(id): Path<ReportId>,
    w: Write<VersionBody>,
) -> ApiResult<Json<duban_store::ReportRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.review_report(&ctx, id, b.version, false, &b.reason).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct SignBody {
    version: i64,
    /// true: sign and send to the office; false: send back inside the unit (a `note` is required).
    sign: bool,
    #[serde(default)]
    note: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/sign",
    tag = "reports",
    summary = "单位审签: the unit's leader signs a report awaiting it (to the office) or sends it back {version, sign, note}",
    params(("id" = i64, Path)),
    request_body = SignBody,
    responses((status = 200, description = "OK", body = duban_store::ReportRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("UnitLeader")))
)]
pub(super) async fn sign_report(
    State(s): State<AppState>,
    Path(id): Path<ReportId>,
    w: Write<SignBody>,
) -> ApiResult<Json<duban_store::ReportRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.sign_report(&ctx, id, b.version, b.sign, &b.note).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct ReasonBody {
    #[serde(default)]
    reason: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/reopen",
    tag = "reports",
    summary = "Reopen as a draft {reason}",
    params(("id" = i64, Path)),
    request_body = ReasonBody,
    responses((status = 200, description = "OK", body = duban_store::ReportRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn reopen_report(
    State(s): State<AppState>,
    Path(id): Path<ReportId>,
    w: Write<ReasonBody>,
) -> ApiResult<Json<duban_store::ReportRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.reopen_report(&ctx, id, &b.reason).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct RemindBody {
    period_id: PeriodId,
    unit_id: UnitId,
    #[serde(default)]
    item_id: Option<ItemId>,
    #[serde(default)]
    note: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/reminders",
    tag = "reports",
    summary = "Record a 催报 reminder {period_id, unit_id, item_id, note}",
    request_body = RemindBody,
    responses((status = 201, description = "Created", body = duban_store::ReminderRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn remind(
    State(s): State<AppState>,
    w: Write<RemindBody>,
) -> ApiResult<(StatusCode, Json<duban_store::ReminderRecord>)> {
    let (ctx, b) = (w.ctx, w.body);
    Ok((StatusCode::CREATED, Json(s.store.remind(&ctx, b.period_id, b.unit_id, b.item_id, &b.note).await?)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ExtensionQuery {
    /// pending, approved or refused.
    #[serde(default)]
    state: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/extensions",
    tag = "reports",
    summary = "Extension requests (?state=pending)",
    params(ExtensionQuery),
    responses((status = 200, description = "OK", body = Vec<duban_store::ExtensionRecord>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn list_extensions(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<ExtensionQuery>,
) -> ApiResult<Json<Vec<duban_store::ExtensionRecord>>> {
    // A state we do not have is a mistake, not an empty list.
    let state = match q.state.as_deref() {
        Some(t) => Some(duban_model::ExtensionState::parse(t).ok_or_else(|| Error::bad_input("extension.state"))?),
        None => None,
    };
    Ok(Json(s.store.extensions(&auth.actor, state).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct ExtensionBody {
    item_id: ItemId,
    unit_id: UnitId,
    requested_on: String,
    reason: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/extensions",
    tag = "reports",
    summary = "Ask for a later deadline {item_id, unit_id, requested_on, reason}",
    request_body = ExtensionBody,
    responses((status = 201, description = "Created", body = duban_store::ExtensionRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Unit")))
)]
pub(super) async fn request_extension(
    State(s): State<AppState>,
    w: Write<ExtensionBody>,
) -> ApiResult<(StatusCode, Json<duban_store::ExtensionRecord>)> {
    let (ctx, b) = (w.ctx, w.body);
    Ok((
        StatusCode::CREATED,
        Json(s.store.request_extension(&ctx, b.item_id, b.unit_id, &b.requested_on, &b.reason).await?),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct DecideBody {
    approve: bool,
    #[serde(default)]
    note: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/extensions/{id}/decide",
    tag = "reports",
    summary = "Approve or refuse {approve, note}",
    params(("id" = i64, Path)),
    request_body = DecideBody,
    responses((status = 200, description = "OK", body = duban_store::ExtensionRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn decide_extension(
    State(s): State<AppState>,
    Path(id): Path<ExtensionId>,
    w: Write<DecideBody>,
) -> ApiResult<Json<duban_store::ExtensionRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.decide_extension(&ctx, id, b.approve, &b.note).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/reporting",
    tag = "reports",
    summary = "How the plan's units report: direct, or consolidated by the leads (with the co-units' lead days); every version, newest first",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The mode in force, then the history", body = Vec<duban_store::ReportingSetting>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn get_reporting(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<PlanId>,
) -> ApiResult<Json<Vec<duban_store::ReportingSetting>>> {
    s.store.plan(id).await?;
    let mut out = vec![s.store.reporting(id).await?];
    out.extend(s.store.reporting_history(id).await?.into_iter().skip(1));
    Ok(Json(out))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct ReportingBody {
    mode: duban_core::reporting::ReportingMode,
    #[serde(default = "default_lead_days")]
    lead_days: u32,
    reason: String,
}

fn default_lead_days() -> u32 {
    duban_core::reporting::DEFAULT_LEAD_DAYS
}

#[utoipa::path(
    put,
    path = "/api/v1/plans/{id}/reporting",
    tag = "reports",
    summary = "Set the reporting mode {mode: direct|consolidated, lead_days, reason}",
    params(("id" = i64, Path)),
    request_body = ReportingBody,
    responses((status = 200, description = "OK", body = duban_store::ReportingSetting), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn set_reporting(
    State(s): State<AppState>,
    Path(id): Path<PlanId>,
    w: Write<ReportingBody>,
) -> ApiResult<Json<duban_store::ReportingSetting>> {
    let b = w.body;
    Ok(Json(s.store.set_reporting(&w.ctx, id, b.mode, b.lead_days, &b.reason).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ContributionQuery {
    period_id: PeriodId,
    item_id: ItemId,
}

#[utoipa::path(
    get,
    path = "/api/v1/contributions",
    tag = "reports",
    summary = "The co-units' contributions to a task for a period (?period_id=&item_id=; the lead's people, the office, leadership)",
    params(ContributionQuery),
    responses((status = 200, description = "OK", body = Vec<duban_store::ReportRecord>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn list_contributions(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<ContributionQuery>,
) -> ApiResult<Json<Vec<duban_store::ReportRecord>>> {
    Ok(Json(s.store.contributions(&auth.actor, q.period_id, q.item_id).await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/reports/{id}/return-contribution",
    tag = "reports",
    summary = "The lead passes a co-unit's contribution back with a reason {version, reason}",
    params(("id" = i64, Path)),
    request_body = VersionBody,
    responses((status = 200, description = "OK", body = duban_store::ReportRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Unit")))
)]
pub(super) async fn return_contribution(
    State(s): State<AppState>,
    Path(id): Path<ReportId>,
    w: Write<VersionBody>,
) -> ApiResult<Json<duban_store::ReportRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.return_contribution(&ctx, id, b.version, &b.reason).await?))
}
