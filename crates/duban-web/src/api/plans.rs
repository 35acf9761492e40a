//! Plans: import, the ledger, corrections, publication, versions, shares, and the ledger and bulletin files.

use super::*;

pub(super) async fn list_plans(
    State(s): State<AppState>,
    _auth: Auth,
) -> ApiResult<Json<Vec<duban_store::PlanRecord>>> {
    Ok(Json(s.store.list_plans().await?))
}

#[derive(Deserialize)]
pub(super) struct ImportQuery {
    #[serde(default)]
    name: Option<String>,
}

/// The body is the document itself (.txt in UTF-8 or GBK, or .docx); `?name=` is its file name.
pub(super) async fn import_plan(
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

pub(super) async fn ledger(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<duban_store::Ledger>> {
    Ok(Json(s.store.ledger(id).await?))
}

pub(super) async fn plan_source(State(s): State<AppState>, _auth: Auth, Path(id): Path<i64>) -> ApiResult<Response> {
    let text = s.store.plan_source(id).await?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

pub(super) async fn unresolved(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<duban_store::UnresolvedName>>> {
    s.store.plan(id).await?;
    Ok(Json(s.store.unresolved_names(id).await?))
}

pub(super) async fn resolve(
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
pub(super) struct RowVersion {
    row_version: i64,
}

pub(super) async fn publish(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<RowVersion>,
) -> ApiResult<Json<duban_store::PlanRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.publish_plan(&ctx, id, b.row_version).await?))
}

#[derive(Deserialize)]
pub(super) struct PatchBody {
    row_version: i64,
    #[serde(flatten)]
    patch: ItemPatchBody,
}

#[derive(Deserialize)]
pub(super) struct ItemPatchBody {
    title: Option<String>,
    text: Option<String>,
    deadline: Option<String>,
    units: Option<Vec<UnitRole>>,
    reason: Option<String>,
}

#[derive(Deserialize)]
pub(super) struct UnitRole {
    unit_id: i64,
    role: String,
}

pub(super) async fn update_item(
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

pub(super) async fn delete_item(
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
pub(super) struct IndicatorBody {
    row_version: i64,
    #[serde(flatten)]
    indicator: NewIndicator,
}

pub(super) async fn add_indicator(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<IndicatorBody>,
) -> ApiResult<(StatusCode, Json<duban_store::IndicatorRecord>)> {
    let (ctx, b) = (w.ctx, w.body);
    Ok((StatusCode::CREATED, Json(s.store.add_indicator(&ctx, id, b.row_version, &b.indicator).await?)))
}

#[derive(Deserialize)]
pub(super) struct DeleteQuery {
    row_version: i64,
    #[serde(default)]
    reason: Option<String>,
}

pub(super) async fn plan_versions(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<duban_store::PlanVersion>>> {
    Ok(Json(s.store.plan_versions(id).await?))
}

#[derive(Deserialize)]
pub(super) struct DiffQuery {
    from: i64,
    to: i64,
}

pub(super) async fn plan_diff(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<DiffQuery>,
) -> ApiResult<Json<duban_store::PlanDiff>> {
    Ok(Json(s.store.plan_diff(id, q.from, q.to).await?))
}

pub(super) async fn list_shares(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<duban_store::ShareRecord>>> {
    Ok(Json(s.store.shares(id).await?))
}

#[derive(Deserialize)]
pub(super) struct SharesBody {
    shares: Vec<duban_store::ShareInput>,
}

pub(super) async fn set_shares(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<SharesBody>,
) -> ApiResult<Json<Vec<duban_store::ShareRecord>>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.set_shares(&ctx, id, &b.shares).await?))
}

#[derive(Deserialize)]
pub(super) struct NewItemBody {
    row_version: i64,
    #[serde(flatten)]
    item: duban_store::NewItem,
}

pub(super) async fn add_item(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<NewItemBody>,
) -> ApiResult<(StatusCode, Json<duban_store::LedgerItem>)> {
    let (ctx, b) = (w.ctx, w.body);
    Ok((StatusCode::CREATED, Json(s.store.add_item(&ctx, id, b.row_version, &b.item).await?)))
}

#[derive(Deserialize)]
pub(super) struct IndicatorPatchBody {
    row_version: i64,
    #[serde(flatten)]
    patch: duban_store::IndicatorPatch,
}

pub(super) async fn update_indicator(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<IndicatorPatchBody>,
) -> ApiResult<Json<duban_store::IndicatorRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.update_indicator(&ctx, id, b.row_version, &b.patch).await?))
}

pub(super) async fn delete_indicator(
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
pub(super) struct LedgerFileQuery {
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    per_unit: bool,
}

pub(super) async fn ledger_xlsx(
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

pub(super) async fn ledger_csv(
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
pub(super) struct BulletinQuery {
    period: String,
    #[serde(default)]
    issuer: Option<String>,
}

/// The office's and leadership's: a bulletin is issued by the office, not read by units before it is.
pub(super) async fn bulletin_docx(
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
