//! The API's description: one table of endpoints, from which the OpenAPI document is generated and against
//! which the access tests run. `docs/openapi.json` is a committed copy; a test fails when they differ.

use serde_json::{Value, json};

/// Who may call an endpoint.
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
}

#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    pub access: Access,
}

const fn ep(method: &'static str, path: &'static str, summary: &'static str, access: Access) -> Endpoint {
    Endpoint { method, path, summary, access }
}

use Access::*;

pub const ENDPOINTS: &[Endpoint] = &[
    ep(
        "POST",
        "/api/v1/login",
        "Sign in: {username, password[, kind: \"api\"]} → {token, csrf, user}; sets the session cookie unless kind is api",
        Public,
    ),
    ep("POST", "/api/v1/logout", "End the session or token", SignedIn),
    ep("GET", "/api/v1/me", "The signed-in account", SignedIn),
    ep("GET", "/api/v1/openapi.json", "This document", Public),
    ep("GET", "/api/docs", "This list of endpoints as a page", Public),
    ep("GET", "/api/v1/units", "The units directory", SignedIn),
    ep("POST", "/api/v1/units", "Add a unit {name, kind, parent_id, contact, aliases}", Admin),
    ep(
        "PATCH",
        "/api/v1/units/{id}",
        "Rename a unit (the old name stays an alias) or change kind, parent_id, contact",
        Admin,
    ),
    ep("POST", "/api/v1/units/{id}/aliases", "Add an alias {alias}", Admin),
    ep("PUT", "/api/v1/unit-groups/{name}", "Say which units a generic name stands for {unit_ids}", Admin),
    ep("GET", "/api/v1/users", "Accounts", Admin),
    ep("POST", "/api/v1/users", "Add an account {username, display_name, password, role, unit_id}", Admin),
    ep("GET", "/api/v1/plans", "Plans", SignedIn),
    ep("POST", "/api/v1/plans", "Import a plan document (body: .txt or .docx bytes; ?name=FILE) as a draft", Admin),
    ep(
        "GET",
        "/api/v1/plans/{id}",
        "The ledger: items as in duban.plan/1 with ids, assignments and indicators",
        SignedIn,
    ),
    ep("GET", "/api/v1/plans/{id}/source", "The source text the plan was imported from", SignedIn),
    ep("GET", "/api/v1/plans/{id}/unresolved", "Unit names that resolve to no unit", SignedIn),
    ep(
        "POST",
        "/api/v1/plans/{id}/resolve",
        "Resolve the unmapped names again after adding units, aliases or groups",
        Admin,
    ),
    ep("POST", "/api/v1/plans/{id}/publish", "Publish a draft {row_version}", Admin),
    ep("GET", "/api/v1/plans/{id}/periods", "Reporting periods", SignedIn),
    ep(
        "POST",
        "/api/v1/plans/{id}/periods",
        "Add periods {kind: monthly|quarterly|custom, due_day, grace_days, …}",
        Admin,
    ),
    ep(
        "GET",
        "/api/v1/plans/{id}/summary",
        "Status, completeness, on-time rates, lagging tasks and forecasts for ?period=2022-06 (kept until a report or the plan changes; &fresh=true recomputes)",
        SignedIn,
    ),
    ep(
        "GET",
        "/api/v1/plans/{id}/ledger.xlsx",
        "The task ledger (任务分解台账) as Excel; ?period= adds progress and status (a unit's people get their own unit's progress only), &per_unit=true a sheet per unit",
        SignedIn,
    ),
    ep("GET", "/api/v1/plans/{id}/ledger.csv", "The task ledger as CSV (UTF-8 with BOM); ?period= as above", SignedIn),
    ep(
        "GET",
        "/api/v1/plans/{id}/bulletin.docx",
        "The 调度通报 of ?period=2022-06 as a Word document (&issuer= overrides the issuing office)",
        AdminOrViewer,
    ),
    ep(
        "GET",
        "/api/v1/plans/{id}/report-sheet.xlsx",
        "A unit's offline report sheet for ?period= (&unit=; a unit's people: their own), pre-filled from this or the last period",
        SignedIn,
    ),
    ep(
        "POST",
        "/api/v1/plans/{id}/report-sheet",
        "Upload a filled report sheet (body: the .xlsx; &submit=true also sends): every bad cell is listed by row and column and nothing is saved until all are right",
        Unit,
    ),
    ep(
        "GET",
        "/api/v1/plans/{id}/todo",
        "What a unit owes for ?period= (&unit=; a unit's people: their own)",
        SignedIn,
    ),
    ep("GET", "/api/v1/plans/{id}/versions", "Versions of a published plan, each with its reason", SignedIn),
    ep("GET", "/api/v1/plans/{id}/diff", "What changed between two versions ?from=1&to=2", SignedIn),
    ep(
        "PATCH",
        "/api/v1/items/{id}",
        "Correct an item {row_version, title, text, deadline, units[, reason]}; on a published plan a reason is required and it becomes a new version",
        Admin,
    ),
    ep("DELETE", "/api/v1/items/{id}", "Remove an item without reports ?row_version=[&reason=]", Admin),
    ep(
        "POST",
        "/api/v1/items/{id}/indicators",
        "Add an indicator {row_version, text, metric, value, unit, op[, reason]}",
        Admin,
    ),
    ep(
        "POST",
        "/api/v1/plans/{id}/items",
        "Add a task {row_version, parent_id, title, text, deadline[, reason]}",
        Admin,
    ),
    ep(
        "PATCH",
        "/api/v1/indicators/{id}",
        "Correct an indicator {row_version, value, op, unit, baseline, deadline, milestones: [{date, value}][, reason]}",
        Admin,
    ),
    ep(
        "DELETE",
        "/api/v1/indicators/{id}",
        "Remove an indicator no report has a value for ?row_version=[&reason=]",
        Admin,
    ),
    ep("GET", "/api/v1/indicators/{id}/shares", "How a target is split across units", SignedIn),
    ep(
        "PUT",
        "/api/v1/indicators/{id}/shares",
        "Split a target across units {shares: [{unit_id, target}]}; must add up",
        Admin,
    ),
    ep("POST", "/api/v1/periods/{id}/exceptions", "Let a unit report into a locked period {unit_id, until}", Admin),
    ep(
        "GET",
        "/api/v1/reports",
        "Reports (?plan_id, period_id, unit_id, item_id, state); a unit's people see their own",
        SignedIn,
    ),
    ep(
        "PUT",
        "/api/v1/reports",
        "Create or edit a draft report {period_id, item_id, unit_id, progress, …, version}",
        Unit,
    ),
    ep("GET", "/api/v1/reports/{id}", "One report (a unit's people: their own unit's)", SignedIn),
    ep("POST", "/api/v1/reports/{id}/submit", "Submit {version}", Unit),
    ep("POST", "/api/v1/reports/{id}/approve", "Approve {version}", Admin),
    ep("POST", "/api/v1/reports/{id}/return", "Return with a reason {version, reason}", Admin),
    ep("POST", "/api/v1/reports/{id}/reopen", "Reopen as a draft {reason}", Admin),
    ep("GET", "/api/v1/reports/{id}/evidence", "Evidence files of a report", SignedIn),
    ep(
        "POST",
        "/api/v1/reports/{id}/evidence",
        "Attach a file (body: the bytes; ?name=FILE; PDF, PNG, JPEG, docx, xlsx, pptx, txt; 20 MB)",
        Unit,
    ),
    ep("GET", "/api/v1/evidence/{id}", "Download an evidence file", SignedIn),
    ep("DELETE", "/api/v1/evidence/{id}", "Remove an evidence file from an editable report", Unit),
    ep("POST", "/api/v1/reminders", "Record a 催报 reminder {period_id, unit_id, item_id, note}", Admin),
    ep("GET", "/api/v1/extensions", "Extension requests (?state=pending)", SignedIn),
    ep("POST", "/api/v1/extensions", "Ask for a later deadline {item_id, unit_id, requested_on, reason}", Unit),
    ep("POST", "/api/v1/extensions/{id}/decide", "Approve or refuse {approve, note}", Admin),
    ep("GET", "/api/v1/audit", "History of one record ?entity=report&id=7", AdminOrViewer),
    ep("GET", "/api/v1/audit/verify", "Walk the audit chain and report edited or deleted rows", Admin),
];

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
    for e in ENDPOINTS {
        rows.push_str(&format!(
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{:?}</td></tr>\n",
            e.method,
            esc(e.path),
            esc(e.summary),
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

/// The OpenAPI 3.1 document.
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    for e in ENDPOINTS {
        let entry = paths.entry(e.path.to_string()).or_insert_with(|| json!({}));
        let params: Vec<Value> = e
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| {
                let schema = if name == "name" { json!({ "type": "string" }) } else { json!({ "type": "integer" }) };
                json!({ "name": name, "in": "path", "required": true, "schema": schema })
            })
            .collect();
        let mut op = json!({
            "summary": e.summary,
            "x-access": format!("{:?}", e.access),
            "responses": {
                "200": { "description": "OK", "content": { "application/json": {} } },
                "4XX": { "description": "Error", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            }
        });
        if let Value::Object(fields) = &mut op {
            if !params.is_empty() {
                fields.insert("parameters".into(), Value::Array(params));
            }
            if e.access != Access::Public {
                fields.insert("security".into(), json!([{ "bearer": [] }, { "cookie": [] }]));
            }
        }
        if let Value::Object(m) = entry {
            m.insert(e.method.to_ascii_lowercase(), op);
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "duban API",
            "version": "1",
            "description": "督办: work plans, ledgers, progress reports and their review. Errors are {\"error\": {\"code\", \"message\"}} with the message in the Accept-Language of the request (zh-CN by default, en). Writes accept an Idempotency-Key header; edits carry the version they were made on and get 409 when it is stale. Cookie sessions send the CSRF token from login in X-CSRF-Token."
        },
        "paths": Value::Object(paths),
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "cookie": { "type": "apiKey", "in": "cookie", "name": "duban_session" }
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": { "error": { "type": "object", "properties": { "code": { "type": "string" }, "message": { "type": "string" } } } }
                }
            }
        }
    })
}
