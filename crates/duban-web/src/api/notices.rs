//! A person's in-app notices.

use super::*;
use duban_core::NoticeId;
use duban_store::NoticeRecord;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct NoticesQuery {
    /// true: unread only.
    #[serde(default)]
    unread: bool,
}

/// A notice with its text in the caller's language.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub(super) struct NoticeOut {
    #[serde(flatten)]
    notice: NoticeRecord,
    text: String,
}

#[utoipa::path(
    get,
    path = "/api/v1/notices",
    tag = "notices",
    summary = "The caller's notices, newest first (?unread=true), each with its text in the caller's language",
    params(NoticesQuery),
    responses((status = 200, description = "OK", body = Vec<NoticeOut>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn list_notices(
    State(s): State<AppState>,
    auth: Auth,
    Query(q): Query<NoticesQuery>,
) -> ApiResult<Json<Vec<NoticeOut>>> {
    let tr = crate::i18n::Tr::new(auth.lang);
    let rows = s.store.notices(&auth.actor, q.unread, 500).await?;
    Ok(Json(rows.into_iter().map(|n| NoticeOut { text: tr.notice(&n), notice: n }).collect()))
}

#[utoipa::path(
    post,
    path = "/api/v1/notices/{id}/read",
    tag = "notices",
    summary = "Mark one of the caller's notices read",
    params(("id" = i64, Path)),
    responses((status = 204, description = "Done"), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn read_notice(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<NoticeId>,
    meta: Meta,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let ctx = write_ctx(&s, &auth, &meta, &body)?;
    s.store.mark_notices_read(&ctx, Some(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/api/v1/notices/read-all",
    tag = "notices",
    summary = "Mark all the caller's notices read",
    responses((status = 204, description = "Done"), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn read_all_notices(
    State(s): State<AppState>,
    auth: Auth,
    meta: Meta,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let ctx = write_ctx(&s, &auth, &meta, &body)?;
    s.store.mark_notices_read(&ctx, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
