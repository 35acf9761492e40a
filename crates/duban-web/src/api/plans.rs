//! Plans: import, the ledger, corrections, publication, versions, shares, and the ledger and bulletin files.

use super::*;
use duban_core::{IndicatorId, ItemId, PlanId, UnitId};

#[utoipa::path(
    get,
    path = "/api/v1/plans",
    tag = "plans",
    summary = "Plans",
    responses((status = 200, description = "OK", body = Vec<duban_store::PlanRecord>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn list_plans(
    State(s): State<AppState>,
    _auth: Auth,
) -> ApiResult<Json<Vec<duban_store::PlanRecord>>> {
    Ok(Json(s.store.list_plans().await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ImportQuery {
    #[serde(default)]
    name: Option<String>,
}

/// The body is the document itself (.txt in UTF-8 or GBK, or .docx); `?name=` is its file name.
#[utoipa::path(
    post,
    path = "/api/v1/plans",
    tag = "plans",
    summary = "Import a plan document (body: .txt or .docx bytes; ?name=FILE) as a draft",
    params(ImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The document: .txt (UTF-8 or GBK), .docx or .xlsx"),
    responses((status = 201, description = "Created", body = Imported), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn import_plan(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<ImportQuery>,
    meta: Meta,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<Imported>)> {
    auth.actor.require_admin()?;
    let ctx = write_ctx(&s, &auth, &meta, &body)?;
    let name = q.name.unwrap_or_else(|| "upload".into());
    let (plan, source) = {
        let (body, name) = (body.clone(), name.clone());
        s.uploads.run(move || duban_app::imports::read_plan(&body, &name)).await??
    };
    let rec = s.store.import_plan(&ctx, &name, &source, &plan).await?;
    let unresolved = s.store.unresolved_names(rec.id).await?;
    Ok((StatusCode::CREATED, Json(Imported { plan: rec, warnings: plan.warnings, unresolved })))
}

/// An imported draft: the plan, what the parser warns of, and the unit names that resolve to no unit.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct Imported {
    plan: duban_store::PlanRecord,
    warnings: Vec<duban_plan::Warning>,
    unresolved: Vec<duban_store::UnresolvedName>,
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}",
    tag = "plans",
    summary = "The ledger: items as in duban.plan/1 with ids, assignments and indicators",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = duban_store::Ledger), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn ledger(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<PlanId>,
) -> ApiResult<Json<duban_store::Ledger>> {
    Ok(Json(s.store.ledger(id).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/source",
    tag = "plans",
    summary = "The source text the plan was imported from",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The plan's source text", content_type = "text/plain; charset=utf-8", body = Vec<u8>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn plan_source(State(s): State<AppState>, _auth: Auth, Path(id): Path<PlanId>) -> ApiResult<Response> {
    let text = s.store.plan_source(id).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/unresolved",
    tag = "plans",
    summary = "Unit names that resolve to no unit",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = Vec<duban_store::UnresolvedName>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn unresolved(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<PlanId>,
) -> ApiResult<Json<Vec<duban_store::UnresolvedName>>> {
    s.store.plan(id).await?;
    Ok(Json(s.store.unresolved_names(id).await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/plans/{id}/resolve",
    tag = "plans",
    summary = "Resolve the unmapped names again after adding units, aliases or groups",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = Vec<duban_store::UnresolvedName>), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn resolve(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<PlanId>,
    meta: Meta,
    body: Bytes,
) -> ApiResult<Json<Vec<duban_store::UnresolvedName>>> {
    let ctx = write_ctx(&s, &auth, &meta, &body)?;
    Ok(Json(s.store.resolve_plan_names(&ctx, id).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/proposals",
    tag = "plans",
    summary = "For each unmapped name: directory units it may mean (by abbreviation and full name), and the kind and parent a new unit of that name would get",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = Vec<duban_app::directory::NameProposal>), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn name_proposals(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<PlanId>,
) -> ApiResult<Json<Vec<duban_app::directory::NameProposal>>> {
    auth.actor.require_admin()?;
    s.store.plan(id).await?;
    Ok(Json(duban_app::directory::proposals(&s.store, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct NewPlanUnits {
    units: Vec<NewPlanUnit>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct NewPlanUnit {
    name: String,
    kind: duban_model::UnitKind,
    #[serde(default)]
    parent_id: Option<UnitId>,
}

#[utoipa::path(
    post,
    path = "/api/v1/plans/{id}/units",
    tag = "plans",
    summary = "Create units for unmapped names of the plan {units: [{name, kind[, parent_id]}]}, all or none, and resolve the plan's names through them",
    params(("id" = i64, Path)),
    request_body = NewPlanUnits,
    responses((status = 200, description = "The names still unmapped", body = Vec<duban_store::UnresolvedName>), crate::openapi::Refusals),
    extensions(("x-access" = json!("Accounts")))
)]
pub(super) async fn create_plan_units(
    State(s): State<AppState>,
    Path(id): Path<PlanId>,
    w: Write<NewPlanUnits>,
) -> ApiResult<Json<Vec<duban_store::UnresolvedName>>> {
    let (ctx, b) = (w.ctx, w.body);
    // Creating units is the accounts-and-units duty.
    s.store.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
    let proposals = duban_app::directory::proposals(&s.store, id).await?;
    let chosen: Vec<_> = b.units.into_iter().map(|u| (u.name, u.kind, u.parent_id)).collect();
    let units = duban_app::directory::units_to_create(&proposals, &chosen)?;
    Ok(Json(s.store.create_units_for_plan(&ctx, id, &units).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct RowVersion {
    row_version: i64,
}

#[utoipa::path(
    post,
    path = "/api/v1/plans/{id}/publish",
    tag = "plans",
    summary = "Publish a draft {row_version}",
    params(("id" = i64, Path)),
    request_body = RowVersion,
    responses((status = 200, description = "OK", body = duban_store::PlanRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn publish(
    State(s): State<AppState>,
    Path(id): Path<PlanId>,
    w: Write<RowVersion>,
) -> ApiResult<Json<duban_store::PlanRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.publish_plan(&ctx, id, b.row_version).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct PatchBody {
    row_version: i64,
    #[serde(flatten)]
    patch: ItemPatchBody,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct ItemPatchBody {
    title: Option<String>,
    text: Option<String>,
    deadline: Option<String>,
    units: Option<Vec<UnitRole>>,
    reason: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct UnitRole {
    unit_id: UnitId,
    role: String,
}

#[utoipa::path(
    patch,
    path = "/api/v1/items/{id}",
    tag = "plans",
    summary = "Correct an item {row_version, title, text, deadline, units[, reason]}; on a published plan a reason is required and it becomes a new version",
    params(("id" = i64, Path)),
    request_body = PatchBody,
    responses((status = 200, description = "OK", body = duban_store::PlanRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn update_item(
    State(s): State<AppState>,
    Path(id): Path<ItemId>,
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

#[utoipa::path(
    post,
    path = "/api/v1/items/{id}/check",
    tag = "plans",
    summary = "Confirm an item as the parser read it (核对无误) {row_version}: its doubts no longer count as open; not a change of the plan",
    params(("id" = i64, Path)),
    request_body = RowVersion,
    responses((status = 200, description = "OK", body = duban_store::PlanRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn check_item(
    State(s): State<AppState>,
    Path(id): Path<ItemId>,
    w: Write<RowVersion>,
) -> ApiResult<Json<duban_store::PlanRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.check_item(&ctx, id, b.row_version).await?))
}

#[utoipa::path(
    delete,
    path = "/api/v1/items/{id}",
    tag = "plans",
    summary = "Remove an item without reports ?row_version=[&reason=]",
    params(("id" = i64, Path), DeleteQuery),
    responses((status = 200, description = "OK", body = duban_store::PlanRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn delete_item(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<ItemId>,
    Query(q): Query<DeleteQuery>,
    meta: Meta,
) -> ApiResult<Json<duban_store::PlanRecord>> {
    let ctx = write_ctx(&s, &auth, &meta, b"")?;
    Ok(Json(s.store.delete_item(&ctx, id, q.row_version, q.reason.as_deref()).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct IndicatorBody {
    row_version: i64,
    #[serde(flatten)]
    indicator: NewIndicator,
}

#[utoipa::path(
    post,
    path = "/api/v1/items/{id}/indicators",
    tag = "plans",
    summary = "Add an indicator {row_version, text, metric, value, unit, op[, reason]}",
    params(("id" = i64, Path)),
    request_body = IndicatorBody,
    responses((status = 201, description = "Created", body = duban_store::IndicatorRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn add_indicator(
    State(s): State<AppState>,
    Path(id): Path<ItemId>,
    w: Write<IndicatorBody>,
) -> ApiResult<(StatusCode, Json<duban_store::IndicatorRecord>)> {
    let (ctx, b) = (w.ctx, w.body);
    Ok((StatusCode::CREATED, Json(s.store.add_indicator(&ctx, id, b.row_version, &b.indicator).await?)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DeleteQuery {
    row_version: i64,
    #[serde(default)]
    reason: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/versions",
    tag = "plans",
    summary = "Versions of a published plan, each with its reason",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = Vec<duban_store::PlanVersion>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn plan_versions(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<PlanId>,
) -> ApiResult<Json<Vec<duban_store::PlanVersion>>> {
    Ok(Json(s.store.plan_versions(id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DiffQuery {
    from: i64,
    to: i64,
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/diff",
    tag = "plans",
    summary = "What changed between two versions ?from=1&to=2",
    params(("id" = i64, Path), DiffQuery),
    responses((status = 200, description = "OK", body = duban_store::PlanDiff), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn plan_diff(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<PlanId>,
    Query(q): Query<DiffQuery>,
) -> ApiResult<Json<duban_store::PlanDiff>> {
    Ok(Json(s.store.plan_diff(id, q.from, q.to).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/indicators/{id}/shares",
    tag = "plans",
    summary = "How a target is split across units",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = Vec<duban_store::ShareRecord>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn list_shares(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<IndicatorId>,
) -> ApiResult<Json<Vec<duban_store::ShareRecord>>> {
    Ok(Json(s.store.shares(id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct SharesBody {
    shares: Vec<duban_store::ShareInput>,
}

#[utoipa::path(
    put,
    path = "/api/v1/indicators/{id}/shares",
    tag = "plans",
    summary = "Split a target across units {shares: [{unit_id, target}]}; must add up",
    params(("id" = i64, Path)),
    request_body = SharesBody,
    responses((status = 200, description = "OK", body = Vec<duban_store::ShareRecord>), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn set_shares(
    State(s): State<AppState>,
    Path(id): Path<IndicatorId>,
    w: Write<SharesBody>,
) -> ApiResult<Json<Vec<duban_store::ShareRecord>>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.set_shares(&ctx, id, &b.shares).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct NewItemBody {
    row_version: i64,
    #[serde(flatten)]
    item: duban_store::NewItem,
}

#[utoipa::path(
    post,
    path = "/api/v1/plans/{id}/items",
    tag = "plans",
    summary = "Add a task {row_version, parent_id, title, text, deadline[, reason]}",
    params(("id" = i64, Path)),
    request_body = NewItemBody,
    responses((status = 201, description = "Created", body = duban_store::LedgerItem), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn add_item(
    State(s): State<AppState>,
    Path(id): Path<PlanId>,
    w: Write<NewItemBody>,
) -> ApiResult<(StatusCode, Json<duban_store::LedgerItem>)> {
    let (ctx, b) = (w.ctx, w.body);
    Ok((StatusCode::CREATED, Json(s.store.add_item(&ctx, id, b.row_version, &b.item).await?)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct IndicatorPatchBody {
    row_version: i64,
    #[serde(flatten)]
    patch: duban_store::IndicatorPatch,
}

#[utoipa::path(
    patch,
    path = "/api/v1/indicators/{id}",
    tag = "plans",
    summary = "Correct an indicator {row_version, value, op, unit, baseline, deadline, milestones: [{date, value}][, reason]}",
    params(("id" = i64, Path)),
    request_body = IndicatorPatchBody,
    responses((status = 200, description = "OK", body = duban_store::IndicatorRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn update_indicator(
    State(s): State<AppState>,
    Path(id): Path<IndicatorId>,
    w: Write<IndicatorPatchBody>,
) -> ApiResult<Json<duban_store::IndicatorRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.update_indicator(&ctx, id, b.row_version, &b.patch).await?))
}

#[utoipa::path(
    delete,
    path = "/api/v1/indicators/{id}",
    tag = "plans",
    summary = "Remove an indicator no report has a value for ?row_version=[&reason=]",
    params(("id" = i64, Path), DeleteQuery),
    responses((status = 200, description = "OK", body = duban_store::PlanRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn delete_indicator(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<IndicatorId>,
    Query(q): Query<DeleteQuery>,
    meta: Meta,
) -> ApiResult<Json<duban_store::PlanRecord>> {
    let ctx = write_ctx(&s, &auth, &meta, b"")?;
    Ok(Json(s.store.delete_indicator(&ctx, id, q.row_version, q.reason.as_deref()).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct LedgerFileQuery {
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    per_unit: bool,
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/ledger.xlsx",
    tag = "plans",
    summary = "The task ledger (任务分解台账) as Excel; ?period= adds progress and status (a unit's people get their own unit's progress only), &per_unit=true a sheet per unit",
    params(("id" = i64, Path), LedgerFileQuery),
    responses((status = 200, description = "The ledger workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn ledger_xlsx(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<PlanId>,
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

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/ledger.csv",
    tag = "plans",
    summary = "The task ledger as CSV (UTF-8 with BOM); ?period= as above",
    params(("id" = i64, Path), LedgerFileQuery),
    responses((status = 200, description = "The ledger as CSV", content_type = "text/csv; charset=utf-8", body = Vec<u8>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn ledger_csv(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<PlanId>,
    Query(q): Query<LedgerFileQuery>,
) -> ApiResult<Response> {
    let bytes =
        duban_app::exports::ledger_file(&s.store, &auth.actor, id, q.period.as_deref(), false, true, &s.thresholds)
            .await?;
    Ok(download(bytes, "text/csv; charset=utf-8", &format!("ledger-{id}.csv")))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct BulletinQuery {
    period: String,
    #[serde(default)]
    issuer: Option<String>,
}

/// The office's and leadership's: a bulletin is issued by the office, not read by units before it is.
#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/bulletin.docx",
    tag = "plans",
    summary = "The 调度通报 of ?period=2022-06 as a Word document (&issuer= overrides the issuing office)",
    params(("id" = i64, Path), BulletinQuery),
    responses((status = 200, description = "The bulletin", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>), crate::openapi::Refusals),
    extensions(("x-access" = json!("AdminOrViewer")))
)]
pub(super) async fn bulletin_docx(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<PlanId>,
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
