//! duban's HTTP face: the JSON API under `/api/v1` and the web pages ([`pages`]), thin handlers over
//! [`duban_store::Store`].
//!
//! Handlers parse the request, build a [`duban_store::Ctx`] (who, the clock's time, the idempotency key) and
//! call one store function; the rules live in `duban-core` and the store. The clock is part of the state so
//! that tests can move it.

mod api;
pub mod auth;
pub mod demo;
pub mod error;
pub mod exports;
pub mod i18n;
pub mod imports;
pub mod offline;
pub mod openapi;
pub mod pages;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use chrono::{DateTime, Utc};
use duban_core::Thresholds;
use duban_store::Store;

pub use api::MAX_UPLOAD_BYTES;

/// Where the time comes from: the system clock in `duban serve`, a settable one in tests.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub clock: Clock,
    pub thresholds: Thresholds,
    pub limiter: Arc<auth::LoginLimiter>,
    /// Set cookies with `Secure` (behind HTTPS).
    pub secure_cookies: bool,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("store", &self.store).field("thresholds", &self.thresholds).finish()
    }
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        AppState {
            store,
            clock: Arc::new(Utc::now),
            thresholds: Thresholds::default(),
            limiter: Arc::new(auth::LoginLimiter::default()),
            secure_cookies: false,
        }
    }
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .nest("/api/v1", api::routes())
        .merge(pages::routes())
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/api/docs", axum::routing::get(|| async { axum::response::Html(openapi::docs_page()) }))
        .route(
            "/api/docs/swagger",
            axum::routing::get(|| async { axum::response::Redirect::permanent("/api/docs/swagger/") }),
        )
        .route("/api/docs/swagger/", axum::routing::get(|| openapi::swagger_ui(axum::extract::Path(String::new()))))
        .route("/api/docs/swagger/{*file}", axum::routing::get(openapi::swagger_ui))
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .layer(axum::middleware::from_fn(error::localize))
        .with_state(state)
}
