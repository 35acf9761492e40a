//! The audit trail.

use super::*;

#[derive(Deserialize)]
pub(super) struct AuditQuery {
    entity: String,
    id: String,
}

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

pub(super) async fn verify_audit(State(s): State<AppState>, auth: Auth) -> ApiResult<Json<duban_store::AuditReport>> {
    auth.actor.require_admin()?;
    Ok(Json(s.store.verify_audit().await?))
}
