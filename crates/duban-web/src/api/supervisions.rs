//! 督办: issue (one task or many), list, reply, accept, escalate, the printed 督办通知单, files on replies.

use super::*;
use chrono::NaiveDate;
use duban_core::supervision::{Level, SupervisionState};
use duban_core::{ItemId, PlanId, ReplyFileId, SupervisionId, UnitId};
use duban_model::SupervisionRecord;
use duban_store::{Escalation, SupervisionFilter, SupervisionReply};

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct IssueBody {
    plan_id: PlanId,
    /// The period whose standing the notices cite (`2022-06`); the 督办事由 is written from it.
    #[serde(default)]
    period: Option<String>,
    item_ids: Vec<ItemId>,
    level: Level,
    reply_by: NaiveDate,
    /// 督办要求; the default asks for causes, measures and a new timetable.
    #[serde(default)]
    demand: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/supervisions",
    tag = "supervision",
    summary = "Issue 督办 on tasks, all or none {plan_id, period, item_ids, level, reply_by, demand}",
    request_body = IssueBody,
    responses((status = 201, description = "Created", body = Vec<SupervisionRecord>), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn issue_supervisions(
    State(s): State<AppState>,
    w: Write<IssueBody>,
) -> ApiResult<(StatusCode, Json<Vec<SupervisionRecord>>)> {
    let (ctx, b) = (w.ctx, w.body);
    let req = duban_app::supervision::IssueRequest {
        plan_id: b.plan_id,
        period: b.period.as_deref(),
        items: &b.item_ids,
        level: b.level,
        reply_by: b.reply_by,
        demand: b.demand.as_deref().unwrap_or(duban_app::supervision::DEFAULT_DEMAND),
    };
    Ok((StatusCode::CREATED, Json(duban_app::supervision::issue(&s.store, &ctx, &req, &s.thresholds).await?)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SupervisionQuery {
    #[serde(default)]
    plan_id: Option<PlanId>,
    #[serde(default)]
    item_id: Option<ItemId>,
    #[serde(default)]
    unit_id: Option<UnitId>,
    /// open, accepted or escalated.
    #[serde(default)]
    state: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/supervisions",
    tag = "supervision",
    summary = "督办s, newest first (a unit's people: those sent to their unit, with their own reply only)",
    params(SupervisionQuery),
    responses((status = 200, description = "OK", body = Vec<SupervisionRecord>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn list_supervisions(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<SupervisionQuery>,
) -> ApiResult<Json<Vec<SupervisionRecord>>> {
    // A state we do not have is a mistake, not an empty list.
    let state = match q.state.as_deref() {
        Some(t) => Some(SupervisionState::parse(t).ok_or_else(|| Error::bad_input("supervision.state"))?),
        None => None,
    };
    let f = SupervisionFilter { plan_id: q.plan_id, item_id: q.item_id, unit_id: q.unit_id, state };
    Ok(Json(s.store.supervisions(&auth.actor, &f).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/supervisions/{id}",
    tag = "supervision",
    summary = "One 督办 with the replies the caller may see",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = SupervisionRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn get_supervision(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<SupervisionId>,
) -> ApiResult<Json<SupervisionRecord>> {
    Ok(Json(s.store.supervision(&auth.actor, id).await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/supervisions/{id}/reply",
    tag = "supervision",
    summary = "A unit's reply {unit_id, measures, new_deadline}; may be amended while the 督办 is open",
    params(("id" = i64, Path)),
    request_body = SupervisionReply,
    responses((status = 200, description = "OK", body = SupervisionRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Unit")))
)]
pub(super) async fn reply_supervision(
    State(s): State<AppState>,
    Path(id): Path<SupervisionId>,
    w: Write<SupervisionReply>,
) -> ApiResult<Json<SupervisionRecord>> {
    Ok(Json(s.store.reply_supervision(&w.ctx, id, &w.body).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct AcceptBody {
    /// The version of the 督办 the office decided on.
    version: i64,
    #[serde(default)]
    note: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/supervisions/{id}/accept",
    tag = "supervision",
    summary = "Accept the replies and close the 督办 {version, note}",
    params(("id" = i64, Path)),
    request_body = AcceptBody,
    responses((status = 200, description = "OK", body = SupervisionRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn accept_supervision(
    State(s): State<AppState>,
    Path(id): Path<SupervisionId>,
    w: Write<AcceptBody>,
) -> ApiResult<Json<SupervisionRecord>> {
    Ok(Json(s.store.accept_supervision(&w.ctx, id, w.body.version, &w.body.note).await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/supervisions/{id}/escalate",
    tag = "supervision",
    summary = "Escalate one level up: a new 督办 replaces this one {version, reply_by, demand, note, units}",
    params(("id" = i64, Path)),
    request_body = Escalation,
    responses((status = 201, description = "The new 督办", body = SupervisionRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn escalate_supervision(
    State(s): State<AppState>,
    Path(id): Path<SupervisionId>,
    w: Write<Escalation>,
) -> ApiResult<(StatusCode, Json<SupervisionRecord>)> {
    Ok((StatusCode::CREATED, Json(s.store.escalate_supervision(&w.ctx, id, &w.body).await?)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct NoticeQuery {
    /// Who signs it; default: the plan's issuer.
    #[serde(default)]
    issuer: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/supervisions/{id}/notice.docx",
    tag = "supervision",
    summary = "The 督办通知单 as a Word document (?issuer=)",
    params(("id" = i64, Path), NoticeQuery),
    responses((status = 200, description = "The .docx", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = Vec<u8>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn supervision_notice(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<SupervisionId>,
    Query(q): Query<NoticeQuery>,
) -> ApiResult<Response> {
    let (name, bytes) = duban_app::supervision::notice_file(&s.store, &auth.actor, id, q.issuer.as_deref()).await?;
    Ok(named_download(bytes, DOCX_TYPE, &format!("supervision-{id}.docx"), &name))
}

/// The content type of a Word document.
const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

#[utoipa::path(
    get,
    path = "/api/v1/supervisions/{id}/files",
    tag = "supervision",
    summary = "Files on the replies the caller may see",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = Vec<duban_store::ReplyFile>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn list_reply_files(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<SupervisionId>,
) -> ApiResult<Json<Vec<duban_store::ReplyFile>>> {
    Ok(Json(s.store.reply_files(&auth.actor, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ReplyFileQuery {
    unit_id: UnitId,
    name: String,
}

/// The body is the file itself.
#[utoipa::path(
    post,
    path = "/api/v1/supervisions/{id}/files",
    tag = "supervision",
    summary = "Attach a file to the unit's reply (body: the bytes; ?unit_id=&name=FILE; the evidence formats and limits)",
    params(("id" = i64, Path), ReplyFileQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file"),
    responses((status = 201, description = "Created", body = duban_store::ReplyFile), crate::openapi::Refusals),
    extensions(("x-access" = json!("Unit")))
)]
pub(super) async fn add_reply_file(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<SupervisionId>,
    Query(q): Query<ReplyFileQuery>,
    meta: Meta,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<duban_store::ReplyFile>)> {
    let ctx = write_ctx(&s, &auth, &meta, &body)?;
    Ok((StatusCode::CREATED, Json(s.store.add_reply_file(&ctx, id, q.unit_id, &q.name, &body).await?)))
}

#[utoipa::path(
    get,
    path = "/api/v1/reply-files/{id}",
    tag = "supervision",
    summary = "Download a file of a reply",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The file"), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn download_reply_file(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<ReplyFileId>,
) -> ApiResult<Response> {
    let (meta, bytes) = s.store.reply_file(&auth.actor, id).await?;
    Ok(named_download(bytes, &meta.content_type, &format!("reply-file-{id}"), &meta.file_name))
}
