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
    if !matches!(auth.actor.role, Role::Admin | Role::Viewer) {
        return Err(ApiError(Error::forbidden()));
    }
    Ok(Json(s.store.audit_of(&q.entity, &q.id).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/audit/verify",
    tag = "audit",
    summary = "Walk the audit chain and report edited or deleted rows",
    responses((status = 200, description = "OK", body = duban_store::AuditReport), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn verify_audit(State(s): State<AppState>, auth: Auth) -> ApiResult<Json<duban_store::AuditReport>> {
    auth.actor.require_admin()?;
    Ok(Json(s.store.verify_audit().await?))
}
