//! The units directory and the accounts.

use super::*;

pub(super) async fn list_units(
    State(state): State<AppState>,
    _auth: Auth,
) -> ApiResult<Json<Vec<duban_store::UnitRecord>>> {
    Ok(Json(state.store.list_units().await?))
}

pub(super) async fn create_unit(
    State(s): State<AppState>,
    w: Write<NewUnit>,
) -> ApiResult<(StatusCode, Json<duban_store::UnitRecord>)> {
    let (ctx, new) = (w.ctx, w.body);
    Ok((StatusCode::CREATED, Json(s.store.create_unit(&ctx, &new).await?)))
}

#[derive(Deserialize)]
pub(super) struct AliasBody {
    alias: String,
}

pub(super) async fn add_alias(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<AliasBody>,
) -> ApiResult<Json<duban_store::UnitRecord>> {
    let (ctx, b) = (w.ctx, w.body);
    Ok(Json(s.store.add_alias(&ctx, id, &b.alias).await?))
}

#[derive(Deserialize)]
pub(super) struct GroupBody {
    unit_ids: Vec<i64>,
}

pub(super) async fn set_group(
    State(s): State<AppState>,
    Path(name): Path<String>,
    w: Write<GroupBody>,
) -> ApiResult<StatusCode> {
    let (ctx, b) = (w.ctx, w.body);
    s.store.set_group(&ctx, &name, &b.unit_ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn list_users(State(s): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<duban_store::UserRecord>>> {
    auth.actor.require_admin()?;
    Ok(Json(s.store.list_users().await?))
}

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

pub(super) async fn update_unit(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<duban_store::UnitPatch>,
) -> ApiResult<Json<duban_store::UnitRecord>> {
    let (ctx, p) = (w.ctx, w.body);
    Ok(Json(s.store.update_unit(&ctx, id, &p).await?))
}
