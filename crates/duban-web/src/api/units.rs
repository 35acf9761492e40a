//! The units directory and the accounts.

use super::*;
use duban_core::UnitId;

#[utoipa::path(
    get,
    path = "/api/v1/units",
    tag = "units",
    summary = "The units directory",
    responses((status = 200, description = "OK", body = Vec<duban_store::UnitRecord>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn list_units(
    State(state): State<AppState>,
    _auth: Auth,
) -> ApiResult<Json<Vec<duban_store::UnitRecord>>> {
    Ok(Json(state.store.list_units().await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/units",
    tag = "units",
    summary = "Add a unit {name, kind, parent_id, contact, aliases}",
    request_body = NewUnit,
    responses((status = 201, description = "Created", body = duban_store::UnitRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn create_unit(
    State(s): State<AppState>,
    w: Write<NewUnit>,
) -> ApiResult<(StatusCode, Json<duban_store::UnitRecord>)> {
    let (ctx, new) = (w.ctx, w.body);
    Ok((StatusCode::CREATED, Json(s.store.create_unit(&ctx, &new).await?)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct AliasBody {
    alias: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/units/{id}/aliases",
    tag = "units",
    summary = "Add an alias {alias}",
    params(("id" = i64, Path)),
    request_body = AliasBody,
    responses((status = 200, description = "OK", body = duban_store::UnitRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn add_alias(
    State(s): State<AppState>,
    Path(id): Path<UnitId>,
    w: Write<AliasBody>,
) -> ApiResult<Json<duban_store::UnitRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.add_alias(&ctx, id, &b.alias).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct GroupBody {
    unit_ids: Vec<UnitId>,
}

#[utoipa::path(
    put,
    path = "/api/v1/unit-groups/{name}",
    tag = "units",
    summary = "Say which units a generic name stands for {unit_ids}",
    params(("name" = String, Path)),
    request_body = GroupBody,
    responses((status = 204, description = "Done"), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn set_group(
    State(s): State<AppState>,
    Path(name): Path<String>,
    w: Write<GroupBody>,
) -> ApiResult<StatusCode> {
    let (ctx, b) = (w.ctx, w.body);
    s.store.set_group(&ctx, &name, &b.unit_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/api/v1/users",
    tag = "units",
    summary = "Accounts",
    responses((status = 200, description = "OK", body = Vec<duban_store::UserRecord>), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn list_users(State(s): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<duban_store::UserRecord>>> {
    auth.actor.require_admin()?;
    Ok(Json(s.store.list_users().await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "units",
    summary = "Add an account {username, display_name, password, role, unit_id}",
    request_body = NewUser,
    responses((status = 201, description = "Created", body = duban_store::UserRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn create_user(
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

#[utoipa::path(
    patch,
    path = "/api/v1/units/{id}",
    tag = "units",
    summary = "Rename a unit (the old name stays an alias) or change kind, parent_id, contact",
    params(("id" = i64, Path)),
    request_body = duban_store::UnitPatch,
    responses((status = 200, description = "OK", body = duban_store::UnitRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn update_unit(
    State(s): State<AppState>,
    Path(id): Path<UnitId>,
    w: Write<duban_store::UnitPatch>,
) -> ApiResult<Json<duban_store::UnitRecord>> {
    let (ctx, p) = (w.ctx, w.body);
    Ok(Json(s.store.update_unit(&ctx, id, &p).await?))
}
