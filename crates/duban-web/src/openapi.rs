//! The API's description, generated from the handlers (`#[utoipa::path]` on each, `ToSchema` on every
//! body and response type) by the same router that serves them. `docs/openapi.json` is a committed copy;
//! a test fails when they differ. The access tests walk [`endpoints`], read from the same document.

use std::sync::LazyLock;

use serde_json::Value;

/// Who may call an endpoint (the operation's `x-access`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No sign-in.
    Public,
    /// Anyone signed in.
    SignedIn,
    /// The office.
    Admin,
    /// The office and leadership (read-only views of everything).
    AdminOrViewer,
    /// A unit's leader or reporter (for their own unit).
    Unit,
    /// A unit's leader (for their own unit): 单位审签.
    UnitLeader,
    /// Accounts and the units directory: the system administrator, and the office while the duties are not
    /// separated (三员分立).
    Accounts,
    /// The audit log and the sign-in records: the security auditor, and the office while not separated.
    Audit,
}

impl Access {
    fn parse(s: &str) -> Option<Access> {
        use Access::*;
        [Public, SignedIn, Admin, AdminOrViewer, Unit, UnitLeader, Accounts, Audit]
            .into_iter()
            .find(|a| format!("{a:?}") == s)
    }
}

/// One operation of the API, as the document describes it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub method: String,
    pub path: String,
    pub summary: String,
    pub access: Access,
}

/// The body of every refusal and failure.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code for programs: `report.stale_version`, `period.locked` …
    pub code: String,
    /// What went wrong, in the request's `Accept-Language` (zh-CN by default, or en).
    pub message: String,
}

/// What any operation may answer besides its own success: a refusal (4XX) or a failure (5XX), each as
/// an [`ErrorBody`].
#[derive(Debug, utoipa::IntoResponses)]
pub enum Refusals {
    /// Refused: the error's code and a message in the reader's language.
    #[response(status = "4XX")]
    Refused(ErrorBody),
    /// The server could not do it (the detail is in its log).
    #[response(status = "5XX")]
    Failed(ErrorBody),
}

/// The document's frame; the paths and schemas come from the handlers.
#[derive(Debug, utoipa::OpenApi)]
#[openapi(
    info(
        title = "duban API",
        version = "1",
        description = "督办: work plans, ledgers, progress reports and their review. Errors are {\"error\": {\"code\", \"message\"}} with the message in the Accept-Language of the request (zh-CN by default, en). Writes accept an Idempotency-Key header; edits carry the version they were made on and get 409 when it is stale. Cookie sessions send the CSRF token from login in X-CSRF-Token."
    ),
    modifiers(&Security),
    components(schemas(ErrorBody)),
    // Every operation needs a session or a token unless it says otherwise (`security(())`).
    security(("bearer" = []), ("cookie" = []))
)]
pub struct ApiDoc;

struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))),
        );
    }
}

static DOCUMENT: LazyLock<Value> = LazyLock::new(|| {
    let (_, doc) = crate::api::routes().split_for_parts();
    serde_json::to_value(doc).unwrap_or(Value::Null)
});

/// The OpenAPI 3.1 document.
pub fn document() -> Value {
    DOCUMENT.clone()
}

/// Every operation in the document, in its order.
pub fn endpoints() -> Vec<Endpoint> {
    let mut out = Vec::new();
    let Some(paths) = DOCUMENT.get("paths").and_then(Value::as_object) else { return out };
    for (path, item) in paths {
        let Some(ops) = item.as_object() else { continue };
        for (method, op) in ops {
            let text = |k: &str| op.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let Some(access) = Access::parse(&text("x-access")) else { continue };
            out.push(Endpoint {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                summary: text("summary"),
                access,
            });
        }
    }
    out
}

#[utoipa::path(
    get,
    path = "/api/docs",
    tag = "sessions",
    summary = "This list of endpoints as a page",
    responses((status = 200, description = "The page", content_type = "text/html; charset=utf-8", body = String)),
    security(()),
    extensions(("x-access" = json!("Public")))
)]
pub(crate) async fn docs() -> axum::response::Html<String> {
    axum::response::Html(docs_page())
}

/// `/api/docs/swagger/`: Swagger UI over `/api/v1/openapi.json`, served from the assets the
/// `utoipa-swagger-ui` crate packages (vendored), with the online validator switched off so that the page
/// loads nothing from another origin.
pub async fn swagger_ui(axum::extract::Path(file): axum::extract::Path<String>) -> axum::response::Response {
    use axum::response::IntoResponse;
    let config = std::sync::Arc::new(utoipa_swagger_ui::Config::from("/api/v1/openapi.json").validator_url("none"));
    match utoipa_swagger_ui::serve(&file, config) {
        Ok(Some(f)) => ([(axum::http::header::CONTENT_TYPE, f.content_type)], f.bytes.into_owned()).into_response(),
        Ok(None) => axum::http::StatusCode::NOT_FOUND.into_response(),
        Err(e) => (axum::http::StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// `/api/docs`: the endpoints as a plain page, drawn here (no third-party viewer, nothing from elsewhere).
pub fn docs_page() -> String {
    fn esc(s: &str) -> String {
        s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
    }
    let mut rows = String::new();
    for e in endpoints() {
        rows.push_str(&format!(
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{:?}</td></tr>\n",
            e.method,
            esc(&e.path),
            esc(&e.summary),
            e.access
        ));
    }
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>duban API</title>\
         <style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}</style>\
         </head><body><h1>duban API 接口</h1><p>机器可读的描述 / machine-readable: <a href=\"/api/v1/openapi.json\">/api/v1/openapi.json</a>; \
         交互式文档 / interactive: <a href=\"/api/docs/swagger/\">Swagger UI</a>. \
         错误格式 / errors: <code>{{\"error\": {{\"code\", \"message\"}}}}</code>.</p>\
         <table><tr><th>method</th><th>path</th><th>what</th><th>who</th></tr>\n{rows}</table></body></html>"
    )
}
