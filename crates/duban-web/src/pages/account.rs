//! A person's own account: change the password (first of all when the office gave it), and see and end
//! the account's sessions.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{Nav, OrPage, PageForm, PageResult, PageUser, render, see_other};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/password", get(password_page).post(change_password))
        .route("/sessions/{id}/end", post(end_session))
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    nav: Nav,
    must_change: bool,
    error: Option<String>,
    sessions: Vec<duban_store::SessionInfo>,
}

#[derive(Debug, Default, Deserialize)]
struct OkQuery {
    #[serde(default)]
    ok: Option<String>,
}

async fn view(state: &AppState, user: &PageUser, flash: Option<&str>, error: Option<String>) -> PageResult {
    let sessions =
        state.store.sessions_of(user.actor.user_id, &user.session_key, state.now().timestamp()).await.or_page(user)?;
    Ok(render(&PasswordPage {
        nav: Nav::new(user, "password").with_flash(flash),
        must_change: user.must_change_password,
        error,
        sessions,
    }))
}

async fn password_page(State(state): State<AppState>, user: PageUser, Query(q): Query<OkQuery>) -> PageResult {
    view(&state, &user, q.ok.as_deref(), None).await
}

#[derive(Debug, Deserialize)]
struct PasswordForm {
    current: String,
    new: String,
    repeat: String,
}

/// A refused password is shown on the form, in the reader's language, so the person can try again.
async fn change_password(
    State(state): State<AppState>,
    PageForm { user, ctx, form: f }: PageForm<PasswordForm>,
) -> PageResult {
    match crate::account::change_own(&state, &ctx, &user.session_key, &f.current, &f.new, &f.repeat).await {
        Ok(()) => Ok(see_other("/?ok=password_changed")),
        Err(e) if e.kind == duban_core::ErrorKind::BadInput => {
            let message = e.message(user.tr.lang).to_string();
            let mut page = view(&state, &user, None, Some(message)).await?;
            *page.status_mut() = axum::http::StatusCode::BAD_REQUEST;
            Ok(page)
        }
        Err(e) => Err(e).or_page(&user),
    }
}

async fn end_session(
    State(state): State<AppState>,
    Path(id): Path<String>,
    PageForm { user, ctx, form: _ }: PageForm<Vec<(String, String)>>,
) -> PageResult {
    state.store.end_own_session(&ctx, &id).await.or_page(&user)?;
    Ok(see_other("/password?ok=ended#sessions"))
}
