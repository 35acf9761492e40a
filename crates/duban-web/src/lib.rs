//! duban's HTTP face: the JSON API under `/api/v1` and the web pages ([`pages`]), thin handlers over
//! [`duban_store::Store`].
//!
//! Handlers parse the request, build a [`duban_store::Ctx`] (who, the clock's time, the idempotency key) and
//! call one store function; the rules live in `duban-core` and the store. The clock is part of the state so
//! that tests can move it.

pub mod account;
mod api;
pub mod auth;
pub mod error;
pub mod gate;
pub mod i18n;
pub mod openapi;
pub mod pages;
pub mod serve;
pub mod trace;

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
    /// Uploads are read here, a few at once, off the async workers.
    pub uploads: gate::Gate,
    /// Passwords are checked here, on one thread per core.
    pub passwords: gate::PasswordChecks,
    /// Set cookies with `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// A browser session unused this long ends (等级保护: session time-out); 30 minutes by default.
    pub idle_secs: i64,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("store", &self.store).field("thresholds", &self.thresholds).finish()
    }
}

impl AppState {
    /// The server's state on the system clock: the one place the web layer reads it.
    #[allow(clippy::disallowed_methods)]
    pub fn new(store: Store) -> AppState {
        AppState {
            store,
            clock: Arc::new(Utc::now),
            thresholds: Thresholds::default(),
            uploads: gate::Gate::uploads(),
            passwords: gate::PasswordChecks::per_core(),
            secure_cookies: false,
            idle_secs: auth::IDLE_SECS,
        }
    }
    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(axum::Router::from(api::routes()))
        .merge(pages::routes())
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/readyz", axum::routing::get(readyz))
        .route(
            "/api/docs/swagger",
            axum::routing::get(|| async { axum::response::Redirect::permanent("/api/docs/swagger/") }),
        )
        .route("/api/docs/swagger/", axum::routing::get(|| openapi::swagger_ui(axum::extract::Path(String::new()))))
        .route("/api/docs/swagger/{*file}", axum::routing::get(openapi::swagger_ui))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES))
        .layer(axum::middleware::from_fn(error::localize))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(trace::trace_requests))
        .with_state(state)
}

/// Ready for traffic: the database takes writes. After a failed write this says 503 until a write
/// succeeds again (a probe write is tried on each call), so a load balancer or an operator sees it.
async fn readyz(axum::extract::State(state): axum::extract::State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    if state.store.ready().await {
        "ready".into_response()
    } else {
        (axum::http::StatusCode::SERVICE_UNAVAILABLE, "not ready: the database does not take writes").into_response()
    }
}

/// An unknown address: JSON under `/api/`, an error page elsewhere.
async fn not_found(uri: axum::http::Uri, headers: axum::http::HeaderMap) -> axum::response::Response {
    use axum::response::IntoResponse;
    let e = duban_core::Error::new(duban_core::ErrorKind::NotFound, "route.not_found");
    if uri.path().starts_with("/api/") {
        return error::ApiError(e).into_response();
    }
    pages::error_page(None, i18n::Tr::new(error::lang_of(&headers)), &e)
}

/// The headers every response carries; a Content-Security-Policy for those that have none of their own
/// (pages set theirs): Swagger UI needs inline styles and data: images, everything else loads nothing.
async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let swagger = req.uri().path().starts_with("/api/docs");
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        let csp = if swagger {
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
             frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        } else {
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
        };
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    }
    r
}

/// How often the server looks for scheduled notices to write (a deadline in three days or one, a period
/// locked); each is written once however often it looks.
pub const NOTICE_SWEEP: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Writes the scheduled notices now and every [`NOTICE_SWEEP`] after, on the state's clock, for as long as
/// the server runs. A failed sweep is logged and tried again at the next.
pub fn spawn_scheduled_notices(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(NOTICE_SWEEP);
        loop {
            tick.tick().await;
            match state.store.sweep_scheduled_notices(state.now()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(notices = n, "scheduled notices written"),
                Err(e) => crate::error::log_error(&e, "notice sweep", ""),
            }
        }
    });
}
