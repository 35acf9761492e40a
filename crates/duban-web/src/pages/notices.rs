//! The notices page: a person's notices, unread first in bold, each opening where to act on it.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use duban_core::NoticeId;
use duban_store::NoticeRecord;
use serde::Deserialize;

use super::{FormGuard, Nav, OrPage, PageForm, PageResult, PageUser, render, safe_next, see_other};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notices", get(page))
        .route("/notices/read-all", post(read_all))
        .route("/notices/{id}/open", post(open))
}

#[derive(Debug, Default, Deserialize)]
struct NoticesQuery {
    #[serde(default)]
    all: Option<u8>,
}

#[derive(Template)]
#[template(path = "notices.html")]
struct NoticesPage {
    nav: Nav,
    rows: Vec<NoticeRecord>,
    all: bool,
}

impl NoticesPage {
    fn text(&self, n: &NoticeRecord) -> String {
        self.nav.tr.notice(n)
    }
}

async fn page(State(state): State<AppState>, user: PageUser, Query(q): Query<NoticesQuery>) -> PageResult {
    let all = q.all == Some(1);
    let rows = state.store.notices(&user.actor, !all, 200).await.or_page(&user)?;
    Ok(render(&NoticesPage { nav: Nav::new(&user, "notices"), rows, all }))
}

/// Opens a notice: marks it read and goes where it says (a page of this site only).
async fn open(
    State(state): State<AppState>,
    Path(id): Path<NoticeId>,
    PageForm { user, ctx, .. }: PageForm<FormGuard>,
) -> PageResult {
    let link = state.store.mark_notices_read(&ctx, Some(id)).await.or_page(&user)?;
    Ok(see_other(&safe_next(link.as_deref())))
}

async fn read_all(State(state): State<AppState>, PageForm { user, ctx, .. }: PageForm<FormGuard>) -> PageResult {
    state.store.mark_notices_read(&ctx, None).await.or_page(&user)?;
    Ok(see_other("/notices"))
}
