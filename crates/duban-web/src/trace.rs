//! One log line per request, inside a span that every log line of the request belongs to: a request
//! id (from `X-Request-Id` when the client or a proxy sent a sane one, else made here, and sent back in
//! the answer), the method, the path, the signed-in user (filled in by the auth extractors), the status
//! and the latency. Slow requests are logged as warnings.

use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

pub const REQUEST_ID: &str = "x-request-id";
/// Requests slower than this are logged at WARN.
pub const SLOW: Duration = Duration::from_millis(1000);

pub async fn trace_requests(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .map(str::to_string)
        .unwrap_or_else(|| duban_store::random_token().chars().take(16).collect());
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        path = %req.uri().path(),
        user = tracing::field::Empty,
    );
    let started = Instant::now();
    let mut res = next.run(req).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = res.status().as_u16();
    let ms = elapsed.as_secs_f64() * 1000.0;
    if elapsed >= SLOW {
        tracing::warn!(parent: &span, status, ms, "slow request");
    } else {
        tracing::info!(parent: &span, status, ms, "request");
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    res
}

/// Names the signed-in user on the current request's span.
pub fn record_user(username: &str) {
    tracing::Span::current().record("user", username);
}
