//! The audit trail.

use super::*;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AuditQuery {
    entity: String,
    id: String,
}

#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    summary = "History of one record ?entity=report&id=7",
    params(AuditQuery),
    responses((status = 200, description = "OK", body = Vec<duban_store::AuditEntry>), crate::openapi::Refusals),
    extensions(("x-access" = json!("AdminOrViewer")))
)]
pub(super) async fn audit_of(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Vec<duban_store::AuditEntry>>> {
    if !matches!(auth.actor.role, Role::Admin | Role::Viewer | Role::Auditor) {
        return Err(ApiError(Error::forbidden()));
    }
    // The sign-in records are the security auditor's (the office's too while the duties are not separated).
    if q.entity == "signin" {
        s.store.require_duty(&auth.actor, duban_core::access::Duty::Audit).await?;
    }
    Ok(Json(s.store.audit_of(&q.entity, &q.id).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/audit/verify",
    tag = "audit",
    summary = "Walk the audit chain and report edited or deleted rows",
    responses((status = 200, description = "OK", body = duban_store::AuditReport), crate::openapi::Refusals),
    extensions(("x-access" = json!("Audit")))
)]
pub(super) async fn verify_audit(State(s): State<AppState>, auth: Auth) -> ApiResult<Json<duban_store::AuditReport>> {
    s.store.require_duty(&auth.actor, duban_core::access::Duty::Audit).await?;
    Ok(Json(s.store.verify_audit().await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct RecentQuery {
    /// `signin`, `user`, `unit`, `settings` …
    entity: String,
    #[serde(default)]
    limit: Option<i64>,
}

#[utoipa::path(
    get,
    path = "/api/v1/audit/recent",
    tag = "audit",
    summary = "The latest audit rows about one kind of record ?entity=signin[&limit=100]: the security auditor's reading",
    params(RecentQuery),
    responses((status = 200, description = "OK", body = Vec<duban_store::AuditEntry>), crate::openapi::Refusals),
    extensions(("x-access" = json!("Audit")))
)]
pub(super) async fn recent_audit(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<RecentQuery>,
) -> ApiResult<Json<Vec<duban_store::AuditEntry>>> {
    s.store.require_duty(&auth.actor, duban_core::access::Duty::Audit).await?;
    Ok(Json(s.store.recent_audit(&q.entity, q.limit.unwrap_or(100)).await?))
}

#[derive(Deserialize, serde::Serialize, utoipa::ToSchema)]
pub(super) struct Separation {
    on: bool,
}

#[utoipa::path(
    get,
    path = "/api/v1/settings/separation",
    tag = "audit",
    summary = "Whether the duties are separated (三员分立)",
    responses((status = 200, description = "OK", body = Separation), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn get_separation(State(s): State<AppState>, _auth: Auth) -> ApiResult<Json<Separation>> {
    Ok(Json(Separation { on: s.store.separation_of_duties().await? }))
}

#[utoipa::path(
    put,
    path = "/api/v1/settings/separation",
    tag = "audit",
    summary = "Separate the duties (三员分立) or join them {on}: separating needs an enabled system administrator and security auditor",
    request_body = Separation,
    responses((status = 200, description = "OK", body = Separation), crate::openapi::Refusals),
    extensions(("x-access" = json!("Accounts")))
)]
pub(super) async fn set_separation(State(s): State<AppState>, w: Write<Separation>) -> ApiResult<Json<Separation>> {
    let (ctx, b) = (w.ctx, w.body);
    s.store.set_separation_of_duties(&ctx, b.on).await?;
    Ok(Json(Separation { on: b.on }))
}
