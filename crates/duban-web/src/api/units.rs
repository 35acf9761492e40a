//! The units directory and the accounts.

use super::*;
use duban_core::{UnitId, UserId};

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
    extensions(("x-access" = json!("Accounts")))
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
    extensions(("x-access" = json!("Accounts")))
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
    extensions(("x-access" = json!("Accounts")))
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
    extensions(("x-access" = json!("Accounts")))
)]
pub(super) async fn list_users(State(s): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<duban_store::UserRecord>>> {
    s.store.require_duty(&auth.actor, duban_core::access::Duty::Accounts).await?;
    Ok(Json(s.store.list_users().await?))
}

/// A new account, with its initial password when duban generated it (shown this once, never stored).
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct CreatedUser {
    #[serde(flatten)]
    user: duban_store::UserRecord,
    initial_password: Option<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/users",
    tag = "units",
    summary = "Add an account {username, display_name, role, unit_id[, password]}; without a password one is generated and returned once; either way it must be changed at the first sign-in",
    request_body = NewUser,
    responses((status = 201, description = "Created", body = CreatedUser), crate::openapi::Refusals),
    extensions(("x-access" = json!("Accounts")))
)]
pub(super) async fn create_user(
    State(s): State<AppState>,
    auth: Auth,
    meta: Meta,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<CreatedUser>)> {
    s.store.require_duty(&auth.actor, duban_core::access::Duty::Accounts).await?;
    let mut new: NewUser = parse(&body)?;
    let generated = new.password.is_empty();
    let password = if generated { duban_store::generate_initial_password() } else { new.password.clone() };
    duban_store::check_password(&password, &new.username)?;
    new.must_change_password = true;
    let ctx = write_ctx(&s, &auth, &meta, &body)?;
    let hash = crate::account::hash(&password).await?;
    let user = s.store.create_user(&ctx, &new, &hash).await?;
    Ok((StatusCode::CREATED, Json(CreatedUser { user, initial_password: generated.then_some(password) })))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct UserIds {
    user_ids: Vec<UserId>,
}

#[utoipa::path(
    post,
    path = "/api/v1/users/activation-sheet",
    tag = "units",
    summary = "Issue new initial passwords to the accounts {user_ids} and get the printable 开通通知 (.xlsx) that holds them, the one place they are given",
    request_body = UserIds,
    responses((status = 200, description = "The 开通通知 workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), crate::openapi::Refusals),
    extensions(("x-access" = json!("Accounts")))
)]
pub(super) async fn activation_sheet(
    State(s): State<AppState>,
    auth: Auth,
    meta: Meta,
    body: Bytes,
) -> ApiResult<Response> {
    s.store.require_duty(&auth.actor, duban_core::access::Duty::Accounts).await?;
    let b: UserIds = parse(&body)?;
    // Not idempotent by key: a repeat issues new passwords, so the key is not taken.
    let ctx = Ctx::new(auth.actor.clone(), s.now());
    let issued = crate::account::issue_initial_passwords(&s, &ctx, &b.user_ids).await?;
    let address = crate::account::address(&s, &meta.headers);
    let bytes = crate::account::activation_sheet(&s, &issued, &address).await?;
    let name = format!("activation-{}.xlsx", crate::account::today(&s));
    Ok(super::download(bytes, XLSX_TYPE, &name))
}

#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/disable",
    tag = "units",
    summary = "Disable an account: it cannot sign in, and its sessions end",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = duban_store::UserRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Accounts")))
)]
pub(super) async fn disable_user(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<UserId>,
) -> ApiResult<Json<duban_store::UserRecord>> {
    let ctx = Ctx::new(auth.actor.clone(), s.now());
    Ok(Json(s.store.set_user_disabled(&ctx, id, true).await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/enable",
    tag = "units",
    summary = "Enable a disabled account again",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = duban_store::UserRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Accounts")))
)]
pub(super) async fn enable_user(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<UserId>,
) -> ApiResult<Json<duban_store::UserRecord>> {
    let ctx = Ctx::new(auth.actor.clone(), s.now());
    Ok(Json(s.store.set_user_disabled(&ctx, id, false).await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/users/{id}/unlock",
    tag = "units",
    summary = "Lift the sign-in limits of an account (its failed sign-ins are forgotten)",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = duban_store::UserRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Accounts")))
)]
pub(super) async fn unlock_user(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<UserId>,
) -> ApiResult<Json<duban_store::UserRecord>> {
    let ctx = Ctx::new(auth.actor.clone(), s.now());
    Ok(Json(s.store.unlock_user(&ctx, id).await?))
}

#[utoipa::path(
    patch,
    path = "/api/v1/units/{id}",
    tag = "units",
    summary = "Rename a unit (the old name stays an alias) or change kind, parent_id, contact, signoff (单位审签)",
    params(("id" = i64, Path)),
    request_body = duban_store::UnitPatch,
    responses((status = 200, description = "OK", body = duban_store::UnitRecord), crate::openapi::Refusals),
    extensions(("x-access" = json!("Accounts")))
)]
pub(super) async fn update_unit(
    State(s): State<AppState>,
    Path(id): Path<UnitId>,
    w: Write<duban_store::UnitPatch>,
) -> ApiResult<Json<duban_store::UnitRecord>> {
    let (ctx, p) = (w.ctx, w.body);
    Ok(Json(s.store.update_unit(&ctx, id, &p).await?))
}

const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[utoipa::path(
    get,
    path = "/api/v1/units.xlsx",
    tag = "units",
    summary = "The units directory as the sheet offices keep (名称, 简称/别名, 类型, 上级单位, 排序, 联系人, 电话, 邮箱)",
    responses((status = 200, description = "The units sheet", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), crate::openapi::Refusals),
    extensions(("x-access" = json!("Accounts")))
)]
pub(super) async fn units_sheet(State(s): State<AppState>, auth: Auth) -> ApiResult<Response> {
    s.store.require_duty(&auth.actor, duban_core::access::Duty::Accounts).await?;
    Ok(super::download(duban_app::directory::units_sheet(&s.store).await?, XLSX_TYPE, "units.xlsx"))
}

/// What a sheet upload did.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct SheetApplied {
    created: usize,
    updated: usize,
    /// The accounts created (to be issued initial passwords through the 开通通知).
    created_ids: Vec<UserId>,
}

#[utoipa::path(
    post,
    path = "/api/v1/units.xlsx",
    tag = "units",
    summary = "Upload the units sheet filled in (body: the .xlsx): every bad cell listed by row and column, nothing written until all are right; units found by name are updated, the rest created",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "The units sheet"),
    responses((status = 200, description = "OK", body = SheetApplied), crate::openapi::Refusals),
    extensions(("x-access" = json!("Accounts")))
)]
pub(super) async fn upload_units_sheet(
    State(s): State<AppState>,
    auth: Auth,
    meta: Meta,
    body: Bytes,
) -> ApiResult<Json<SheetApplied>> {
    s.store.require_duty(&auth.actor, duban_core::access::Duty::Accounts).await?;
    let ctx = write_ctx(&s, &auth, &meta, &body)?;
    let known = duban_app::directory::known_names(&s.store).await?;
    let rows = s.uploads.run(move || duban_office::directory_sheets::read_units_sheet(&body, &known)).await??;
    let (created, updated) = duban_app::directory::apply_units_sheet(&s.store, &ctx, rows).await?;
    Ok(Json(SheetApplied { created, updated, created_ids: Vec::new() }))
}

#[utoipa::path(
    get,
    path = "/api/v1/users.xlsx",
    tag = "units",
    summary = "The accounts as a sheet (账号, 姓名, 单位, 角色, 手机, 邮箱, 状态)",
    responses((status = 200, description = "The accounts sheet", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), crate::openapi::Refusals),
    extensions(("x-access" = json!("Accounts")))
)]
pub(super) async fn accounts_sheet(State(s): State<AppState>, auth: Auth) -> ApiResult<Response> {
    s.store.require_duty(&auth.actor, duban_core::access::Duty::Accounts).await?;
    Ok(super::download(duban_app::directory::accounts_sheet(&s.store).await?, XLSX_TYPE, "accounts.xlsx"))
}

#[utoipa::path(
    post,
    path = "/api/v1/users.xlsx",
    tag = "units",
    summary = "Upload the accounts sheet filled in (body: the .xlsx): every bad cell listed, nothing written until all are right; new accounts must be issued initial passwords (POST /api/v1/users/activation-sheet with created_ids)",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "The accounts sheet"),
    responses((status = 200, description = "OK", body = SheetApplied), crate::openapi::Refusals),
    extensions(("x-access" = json!("Accounts")))
)]
pub(super) async fn upload_accounts_sheet(
    State(s): State<AppState>,
    auth: Auth,
    meta: Meta,
    body: Bytes,
) -> ApiResult<Json<SheetApplied>> {
    s.store.require_duty(&auth.actor, duban_core::access::Duty::Accounts).await?;
    let ctx = write_ctx(&s, &auth, &meta, &body)?;
    let known = duban_app::directory::known_names(&s.store).await?;
    let rows = s.uploads.run(move || duban_office::directory_sheets::read_accounts_sheet(&body, &known)).await??;
    let total = rows.len();
    let unknown = crate::account::hash(&duban_store::random_token()).await?;
    let created_ids = duban_app::directory::apply_accounts_sheet(&s.store, &ctx, rows, &unknown).await?;
    Ok(Json(SheetApplied { created: created_ids.len(), updated: total - created_ids.len(), created_ids }))
}
