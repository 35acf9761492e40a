//! The pages over plain HTTP: user text is escaped on every page that shows it, nothing refers to another
//! origin, and forms need the session's CSRF token (and write once when sent twice).

use chrono::{TimeZone, Utc};
use reqwest::{Client, StatusCode, redirect};
use serde_json::{Value, json};

use super::{Server, housing_task, start, token};

/// A browser-like client: keeps cookies, does not follow redirects (so they can be checked).
struct Browser {
    http: Client,
    base: String,
}

impl Browser {
    async fn login(s: &Server, user: &str) -> Browser {
        Browser::login_with(s, user, "demo-password").await
    }
    async fn login_with(s: &Server, user: &str, password: &str) -> Browser {
        let http = Client::builder().cookie_store(true).redirect(redirect::Policy::none()).build().unwrap();
        let form = http.get(s.url("/login")).send().await.unwrap().text().await.unwrap();
        let login_token = super::hardening::hidden_field(&form, "login_token");
        let r = http
            .post(s.url("/login"))
            .form(&[("username", user), ("password", password), ("next", "/"), ("login_token", &login_token)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{user} signs in");
        Browser { http, base: s.url("") }
    }
    /// The CSRF token of the page at `path`.
    async fn csrf_of(&self, path: &str) -> String {
        let body = self.page(path).await;
        let at = body.find("name=\"csrf\" value=\"").unwrap() + 19;
        body[at..at + 64].to_string()
    }
    async fn get(&self, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
        let r = self.http.get(format!("{}{path}", self.base)).send().await.unwrap();
        (r.status(), r.headers().clone(), r.text().await.unwrap())
    }
    async fn page(&self, path: &str) -> String {
        let (st, _, body) = self.get(path).await;
        assert_eq!(st, StatusCode::OK, "{path}: {body}");
        body
    }
    /// The CSRF token the pages carry.
    async fn csrf(&self) -> String {
        let body = self.page("/dashboard").await;
        let at = body.find("name=\"csrf\" value=\"").unwrap() + 19;
        body[at..at + 64].to_string()
    }
    async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let r = self.http.post(format!("{}{path}", self.base)).form(form).send().await.unwrap();
        let st = r.status();
        (st, r.text().await.unwrap())
    }
    async fn post_file(&self, path: &str, fields: &[(&str, &str)], file: (&str, Vec<u8>)) -> (StatusCode, String) {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        form = form.part("file", reqwest::multipart::Part::bytes(file.1).file_name(file.0.to_string()));
        let r = self.http.post(format!("{}{path}", self.base)).multipart(form).send().await.unwrap();
        let st = r.status();
        (st, r.text().await.unwrap())
    }
}

const PAYLOAD: &str = "<script>alert(\"x\")</script><img src=x onerror=alert(1)>\"'&";

fn assert_escaped(path: &str, body: &str) {
    for raw in ["<script>alert", "<img src=x", "onerror=alert(1)>"] {
        assert!(!body.contains(raw), "{path} shows user text unescaped ({raw})");
    }
}

/// Script and HTML in every text field and file name, then every page that shows them.
#[tokio::test]
async fn user_text_is_escaped_on_every_page() {
    let s = start().await;
    s.set_time(Utc.with_ymd_and_hms(2022, 8, 2, 2, 0, 0).unwrap());
    let (item, unit) = housing_task(&s).await;
    let office = Browser::login(&s, "office").await;
    let csrf = office.csrf().await;
    let unit_name = format!("单位{PAYLOAD}");
    // A unit, an alias, an account, an imported plan with the payload in its file name, title and text.
    for (path, form) in [
        ("/admin/units", vec![("name", unit_name.as_str()), ("kind", "department")]),
        ("/admin/aliases", vec![("unit", "1"), ("alias", PAYLOAD)]),
    ] {
        let mut f = form.clone();
        f.push(("csrf", &csrf));
        let (st, body) = office.post(path, &f).await;
        assert_eq!(st, StatusCode::SEE_OTHER, "{path}: {body}");
    }
    let (st, body) = office
        .post(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "xss"),
                ("display_name", PAYLOAD),
                ("password", "A long password1"),
                ("role", "reporter"),
                ("unit", &unit.to_string()),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let doc = format!(
        "2022年{PAYLOAD}工作要点\n一、第一部分{PAYLOAD}\n（一）任务{PAYLOAD}。建设保障性住房100套。（{unit_name}负责）\n"
    );
    let (st, body) =
        office.post_file("/import", &[("csrf", &csrf)], (&format!("{PAYLOAD}.txt"), doc.into_bytes())).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let (_, plans) =
        super::call(&s, Some(&token(&s, "office").await), reqwest::Method::GET, "/api/v1/plans", None).await;
    let imported = plans.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).max().unwrap();

    // A corrected title and measure word on the check page.
    let admin = token(&s, "office").await;
    let (_, l) = super::call(&s, Some(&admin), reqwest::Method::GET, &format!("/api/v1/plans/{imported}"), None).await;
    let first = &l["items"][0]["children"][0];
    let version = l["plan"]["row_version"].to_string();
    let (st, body) = office
        .post(
            &format!("/items/{}/edit", first["id"]),
            &[
                ("csrf", &csrf),
                ("plan", &imported.to_string()),
                ("row_version", &version),
                ("title", PAYLOAD),
                ("deadline", "2022-12-31"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    if let Some(t) = first["targets"].as_array().and_then(|t| t.first()) {
        let (_, l) =
            super::call(&s, Some(&admin), reqwest::Method::GET, &format!("/api/v1/plans/{imported}"), None).await;
        let version = l["plan"]["row_version"].to_string();
        let (st, body) = office
            .post(
                &format!("/indicators/{}/edit", t["id"]),
                &[
                    ("csrf", &csrf),
                    ("plan", &imported.to_string()),
                    ("row_version", &version),
                    ("value", "100"),
                    ("op", ">="),
                    ("unit", PAYLOAD),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    }

    // The reporter writes the payload into every field, an evidence file name and an extension request.
    let reporter = Browser::login(&s, &format!("unit{unit:02}")).await;
    let rcsrf = reporter.csrf().await;
    let (st, body) = reporter
        .post(
            "/report",
            &[
                ("csrf", &rcsrf),
                ("plan", "1"),
                ("period", "2022-07"),
                ("item", &item.to_string()),
                ("progress", PAYLOAD),
                ("problems", PAYLOAD),
                ("next_steps", PAYLOAD),
                ("percent", "50"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let report = s.july_report(item, unit).await;
    let (st, body) = reporter
        .post_file(
            "/report/evidence",
            &[("csrf", &rcsrf), ("report_id", &report["id"].to_string()), ("back", "/todo")],
            (&format!("{PAYLOAD}.txt"), "佐证".as_bytes().to_vec()),
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let rtoken = token(&s, &format!("unit{unit:02}")).await;
    let (st, e) = super::call(
        &s,
        Some(&rtoken),
        reqwest::Method::POST,
        "/api/v1/extensions",
        Some(json!({ "item_id": item, "unit_id": unit, "requested_on": "2023-03-31", "reason": PAYLOAD })),
    )
    .await;
    assert!(st.is_success(), "{e}");
    let (st, body) = reporter
        .post(
            "/report",
            &[
                ("csrf", &rcsrf),
                ("plan", "1"),
                ("period", "2022-07"),
                ("item", &item.to_string()),
                ("version", &report["version"].to_string()),
                ("progress", PAYLOAD),
                ("action", "submit"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    // The office returns it with the payload as the reason.
    let report = s.july_report(item, unit).await;
    let pick = format!("{}:{}", report["id"], report["version"]);
    let (st, body) = office
        .post(
            "/review",
            &[
                ("csrf", &csrf),
                ("plan", "1"),
                ("period", "2022-07"),
                ("pick", &pick),
                ("reason", PAYLOAD),
                ("action", "return"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");

    let report_page = format!("/report?plan=1&period=2022-07&item={item}&unit={unit}");
    let shown_by_office = [
        ("/dashboard?plan=1&period=2022-07", false),
        ("/dashboard?plan=1&period=2022-07&screen=1", false),
        ("/ledger?plan=1&period=2022-07", false),
        ("/review?plan=1&period=2022-07", true),
        (&format!("/items/{item}?plan=1&period=2022-07"), true),
        (&format!("/units/{unit}?plan=1&period=2022-07"), false),
        ("/import", true),
        (&format!("/plans/{imported}/check"), true),
        ("/admin", true),
        (&report_page, true),
        (&format!("/todo?plan=1&period=2022-07&unit={unit}"), true),
    ];
    for (path, shows) in shown_by_office {
        let body = office.page(path).await;
        assert_escaped(path, &body);
        if shows {
            assert!(
                body.contains("&lt;script&gt;") || body.contains("&#60;script&#62;"),
                "{path} shows the text, escaped"
            );
        }
    }
    for path in ["/todo?plan=1&period=2022-07", report_page.as_str(), &format!("/items/{item}?plan=1")] {
        let body = reporter.page(path).await;
        assert_escaped(path, &body);
    }
    let todo = reporter.page("/todo?plan=1&period=2022-07").await;
    assert!(
        todo.contains("&#60;script&#62;") || todo.contains("&lt;script&gt;"),
        "the return reason is shown, escaped"
    );
}

/// Every page and asset stays on this origin, and says so in its Content-Security-Policy.
#[tokio::test]
async fn nothing_loads_from_another_origin() {
    let s = start().await;
    let office = Browser::login(&s, "office").await;
    let (item, unit) = housing_task(&s).await;
    let mut paths: Vec<String> = [
        "/login",
        "/dashboard",
        "/dashboard?screen=1",
        "/ledger",
        "/review",
        "/todo",
        "/import",
        "/plans/1/check",
        "/admin",
        "/static/app.css",
        "/static/app.js",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    paths.push(format!("/items/{item}?plan=1"));
    paths.push(format!("/units/{unit}?plan=1"));
    paths.push(format!("/report?plan=1&period=2022-06&item={item}&unit={unit}"));
    for path in &paths {
        let (st, headers, body) = office.get(path).await;
        assert_eq!(st, StatusCode::OK, "{path}");
        let lower = body.to_ascii_lowercase();
        for bad in [
            "src=\"http",
            "href=\"http",
            "src=\"//",
            "href=\"//",
            "action=\"http",
            "action=\"//",
            "url(http",
            "url(//",
            "@import",
        ] {
            assert!(!lower.contains(bad), "{path} refers to another origin ({bad})");
        }
        if !path.starts_with("/static/") {
            let csp = headers["content-security-policy"].to_str().unwrap();
            assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"), "{path}: {csp}");
            assert!(body.contains("/static/app.css"));
        }
    }
}

/// A form without the session's CSRF token changes nothing; a form sent twice writes once.
#[tokio::test]
async fn forms_need_the_csrf_token_and_write_once() {
    let s = start().await;
    let office = Browser::login(&s, "office").await;
    let csrf = office.csrf().await;
    let period = s.store.period_by_key(duban_core::PlanId(1), "2022-06").await.unwrap();
    let before = s.store.reminders(period.id).await.unwrap().len();
    for bad in ["", "0000000000000000000000000000000000000000000000000000000000000000"] {
        let (st, body) =
            office.post("/remind", &[("csrf", bad), ("plan", "1"), ("period", "2022-06"), ("unit", "1")]).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
        assert!(body.contains("CSRF"), "{body}");
    }
    assert_eq!(s.store.reminders(period.id).await.unwrap().len(), before, "nothing written");
    let form =
        [("csrf", csrf.as_str()), ("form_token", "once-123"), ("plan", "1"), ("period", "2022-06"), ("unit", "1")];
    for _ in 0..2 {
        let (st, body) = office.post("/remind", &form).await;
        assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    }
    assert_eq!(s.store.reminders(period.id).await.unwrap().len(), before + 1, "the same form twice writes once");
    // Another site's form has no session cookie to send (SameSite=Strict) and no token: refused too.
    let anon = Client::builder().redirect(redirect::Policy::none()).build().unwrap();
    let r = anon.post(s.url("/remind")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));
    let _: Value = json!(null);
}

/// The office imports a plan on the pages, maps an unknown unit name on the spot, corrects a task's units
/// and a target the parser read, creates periods and publishes.
#[tokio::test]
async fn import_map_correct_and_publish_on_the_pages() {
    let s = start().await;
    let office = Browser::login(&s, "office").await;
    let csrf = office.csrf().await;
    let doc = "2023年某市城镇化工作要点\n一、住房保障\n（一）建设保障性住房100套。（省数据局负责）\n（二）推进老旧小区改造。（西安市政府负责）\n";
    let (st, body) = office.post_file("/import", &[("csrf", &csrf)], ("要点.txt", doc.as_bytes().to_vec())).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let admin = token(&s, "office").await;
    let (_, plans) = super::call(&s, Some(&admin), reqwest::Method::GET, "/api/v1/plans", None).await;
    let id = plans.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).max().unwrap();
    let check = office.page(&format!("/plans/{id}/check")).await;
    assert!(check.contains("省数据局") && check.contains("id=\"unmapped\""), "the unmapped name is listed");
    assert!(check.contains("disabled aria-describedby=\"unmapped\""), "publishing waits for the mapping");
    // Map the name to a unit of the directory.
    let (st, body) =
        office.post(&format!("/plans/{id}/map"), &[("csrf", &csrf), ("name", "省数据局"), ("unit", "1")]).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    assert!(!office.page(&format!("/plans/{id}/check")).await.contains("id=\"unmapped\""));
    let ledger = |v: &Value| v["items"][0]["children"].as_array().unwrap().clone();
    let (_, l) = super::call(&s, Some(&admin), reqwest::Method::GET, &format!("/api/v1/plans/{id}"), None).await;
    let task = ledger(&l)[0].clone();
    let version = l["plan"]["row_version"].to_string();
    // Units corrected by name, with the lead marked; an unknown name is refused with a message.
    let item_path = format!("/items/{}/edit", task["id"]);
    let base =
        [("csrf", csrf.as_str()), ("plan", &id.to_string()), ("title", "建设保障性住房"), ("deadline", "2023-12-31")];
    let mut bad = base.to_vec();
    bad.extend([("row_version", version.as_str()), ("units", "无此单位（牵头）"), ("units_before", "")]);
    let (st, body) = office.post(&item_path, &bad).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(body.contains("无此单位"), "{body}");
    let mut good = base.to_vec();
    good.extend([
        ("row_version", version.as_str()),
        ("units", "省发展改革委（牵头）、西安市政府"),
        ("units_before", ""),
    ]);
    let (st, body) = office.post(&item_path, &good).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let (_, l) = super::call(&s, Some(&admin), reqwest::Method::GET, &format!("/api/v1/plans/{id}"), None).await;
    let task = ledger(&l)[0].clone();
    let roles: Vec<(String, String)> = task["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["name"].as_str().unwrap().to_string(), u["role"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(roles, [("省发展改革委".to_string(), "lead".to_string()), ("西安市政府".to_string(), "co".to_string())]);
    assert_eq!(task["title"], "建设保障性住房");
    // The target: 100套 read by the parser, corrected to at least 120.
    assert_eq!(task["targets"][0]["value"], 100.0);
    let version = l["plan"]["row_version"].to_string();
    let (st, body) = office
        .post(
            &format!("/indicators/{}/edit", task["targets"][0]["id"]),
            &[
                ("csrf", &csrf),
                ("plan", &id.to_string()),
                ("row_version", &version),
                ("value", "120"),
                ("op", ">="),
                ("unit", "套"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let (_, l) = super::call(&s, Some(&admin), reqwest::Method::GET, &format!("/api/v1/plans/{id}"), None).await;
    assert_eq!(ledger(&l)[0]["targets"][0]["value"], 120.0);
    assert_eq!(ledger(&l)[0]["targets"][0]["op"], ">=");
    // Periods, then publish.
    let (st, body) =
        office.post(&format!("/plans/{id}/periods"), &[("csrf", &csrf), ("due_day", "5"), ("grace_days", "3")]).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let version = l["plan"]["row_version"].to_string();
    let (st, body) = office.post(&format!("/plans/{id}/publish"), &[("csrf", &csrf), ("row_version", &version)]).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let (_, p) = super::call(&s, Some(&admin), reqwest::Method::GET, &format!("/api/v1/plans/{id}"), None).await;
    assert_eq!(p["plan"]["state"], "published");
    let (_, periods) =
        super::call(&s, Some(&admin), reqwest::Method::GET, &format!("/api/v1/plans/{id}/periods"), None).await;
    assert_eq!(periods.as_array().unwrap().len(), 12);
}

/// Offline reporting from the to-do page: the sheet downloaded with the session, a bad sheet's errors
/// shown on a page, a good one saved and sent.
#[tokio::test]
async fn offline_sheet_through_the_to_do_page() {
    let s = start().await;
    s.set_time(Utc.with_ymd_and_hms(2022, 7, 20, 2, 0, 0).unwrap());
    let (_, unit) = housing_task(&s).await;
    let reporter = Browser::login(&s, &format!("unit{unit:02}")).await;
    let csrf = reporter.csrf().await;
    let todo = reporter.page("/todo?plan=1&period=2022-07").await;
    let link = "/api/v1/plans/1/report-sheet.xlsx?period=2022-07&amp;unit=";
    assert!(todo.contains(link), "the page offers the sheet");
    let r = reporter
        .http
        .get(s.url(&format!("/api/v1/plans/1/report-sheet.xlsx?period=2022-07&unit={unit}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let sheet = r.bytes().await.unwrap().to_vec();
    let bad = super::refill(&sheet, &[(3, 9, "120")]);
    let (st, body) =
        reporter.post_file("/todo/sheet", &[("csrf", &csrf), ("plan", "1"), ("submit", "on")], ("表.xlsx", bad)).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(body.contains("第4行“完成进度（%）”列"), "{body}");
    let good = super::refill(&sheet, &[]);
    let (st, body) =
        reporter.post_file("/todo/sheet", &[("csrf", &csrf), ("plan", "1"), ("submit", "on")], ("表.xlsx", good)).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let todo = reporter.page("/todo?plan=1&period=2022-07&ok=uploaded").await;
    assert!(todo.contains("报送表已上传"));
    let sent = todo.matches("st-submitted").count();
    assert!(sent > 0, "the carried-over reports were sent");
}

/// 延期申请 on the pages: the unit asks on the report form, the office approves it on the review page, and
/// the task's deadline moves.
#[tokio::test]
async fn extension_request_and_decision_on_the_pages() {
    let s = start().await;
    s.set_time(Utc.with_ymd_and_hms(2022, 8, 2, 2, 0, 0).unwrap());
    let (item, unit) = housing_task(&s).await;
    let reporter = Browser::login(&s, &format!("unit{unit:02}")).await;
    let rcsrf = reporter.csrf().await;
    let form = reporter.page(&format!("/report?plan=1&period=2022-07&item={item}&unit={unit}")).await;
    assert!(form.contains("action=\"/report/extension\""));
    let (st, body) = reporter
        .post(
            "/report/extension",
            &[
                ("csrf", &rcsrf),
                ("plan", "1"),
                ("period", "2022-07"),
                ("item", &item.to_string()),
                ("requested_on", "2023-03-31"),
                ("reason", "受征地进度影响，部分项目年底前无法竣工"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let office = Browser::login(&s, "office").await;
    let csrf = office.csrf().await;
    let review = office.page("/review?plan=1&period=2022-07").await;
    assert!(review.contains("受征地进度影响"), "the request is on the review page");
    let at = review.find("action=\"/extensions/").unwrap() + "action=\"/extensions/".len();
    let id: String = review[at..].chars().take_while(char::is_ascii_digit).collect();
    let (st, body) = office
        .post(
            &format!("/extensions/{id}"),
            &[("csrf", &csrf), ("decision", "approve"), ("note", "同意"), ("back", "/review")],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let admin = token(&s, "office").await;
    let (_, l) = super::call(&s, Some(&admin), reqwest::Method::GET, "/api/v1/plans/1", None).await;
    let mut stack: Vec<Value> = l["items"].as_array().unwrap().clone();
    let mut deadline = Value::Null;
    while let Some(i) = stack.pop() {
        if i["id"] == item {
            deadline = i["deadline"].clone();
        }
        stack.extend(i["children"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(deadline, "2023-03-31", "an approved extension moves the deadline");
}

/// Every field on every page has a label: a `<label for>` naming its id, a wrapping `<label>`, or an
/// `aria-label`.
#[tokio::test]
async fn every_field_has_a_label() {
    let s = start().await;
    s.set_time(Utc.with_ymd_and_hms(2022, 8, 2, 2, 0, 0).unwrap());
    let (item, unit) = housing_task(&s).await;
    let office = Browser::login(&s, "office").await;
    let reporter = Browser::login(&s, &format!("unit{unit:02}")).await;
    let mut checked = 0;
    let pages: Vec<(&Browser, String)> = vec![
        (&office, "/dashboard".into()),
        (&office, "/ledger".into()),
        (&office, "/review?plan=1&period=2022-06".into()),
        (&office, "/todo".into()),
        (&office, "/import".into()),
        (&office, "/plans/1/check".into()),
        (&office, "/admin".into()),
        (&office, "/password".into()),
        (&office, format!("/items/{item}?plan=1")),
        (&office, format!("/units/{unit}?plan=1")),
        (&reporter, "/todo?plan=1&period=2022-07".into()),
        (&reporter, format!("/report?plan=1&period=2022-07&item={item}&unit={unit}")),
    ];
    for (who, path) in pages {
        let body = who.page(&path).await;
        for tag in ["<input", "<select", "<textarea"] {
            let mut from = 0;
            while let Some(at) = body[from..].find(tag).map(|i| i + from) {
                from = at + tag.len();
                let end = body[at..].find('>').map_or(body.len(), |i| at + i);
                let element = &body[at..end];
                if ["type=\"hidden\"", "type=\"submit\"", "type=\"button\""].iter().any(|t| element.contains(t)) {
                    continue;
                }
                checked += 1;
                let id = element.split("id=\"").nth(1).and_then(|r| r.split('"').next());
                let by_for = id.is_some_and(|id| body.contains(&format!("for=\"{id}\"")));
                let wrapped = body[..at].rfind("<label").unwrap_or(0) > body[..at].rfind("</label>").unwrap_or(0)
                    && body[..at].rfind("<label").is_some();
                let aria = element.contains("aria-label=");
                assert!(by_for || wrapped || aria, "{path}: a field without a label: {element}");
            }
        }
    }
    assert!(checked > 50, "{checked} fields checked");
}

/// The parser's warnings are shown in the reader's language, from the catalogs (never the English text
/// on a Chinese page).
#[tokio::test]
async fn parser_warnings_are_in_the_readers_language() {
    let s = start().await;
    let office = Browser::login(&s, "office").await;
    let csrf = office.csrf().await;
    // A task without units, and numbering that jumps from （一） to （三）.
    let doc = "2023年某市城镇化工作要点\n一、住房保障\n（一）建设保障性住房100套。\n（三）推进老旧小区改造。（西安市政府负责）\n";
    let (st, body) = office.post_file("/import", &[("csrf", &csrf)], ("要点.txt", doc.as_bytes().to_vec())).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let admin = token(&s, "office").await;
    let (_, plans) = super::call(&s, Some(&admin), reqwest::Method::GET, "/api/v1/plans", None).await;
    let id = plans.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).max().unwrap();
    let (_, l) = super::call(&s, Some(&admin), reqwest::Method::GET, &format!("/api/v1/plans/{id}"), None).await;
    let codes: Vec<&str> = l["warnings"].as_array().unwrap().iter().map(|w| w["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"no_units") && codes.contains(&"numbering_gap"), "{codes:?}");
    let zh = office.page(&format!("/plans/{id}/check")).await;
    assert!(zh.contains("（一）建设保障性住房100套：未找到责任单位"), "{zh}");
    assert!(zh.contains("编号从 1 跳到 3"), "{zh}");
    assert!(!zh.contains("no responsible units") && !zh.contains("numbering jumps"), "English on a Chinese page");
    let (st, _) = office.post("/lang", &[("csrf", &csrf), ("lang", "en"), ("back", "/")]).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let en = office.page(&format!("/plans/{id}/check")).await;
    assert!(en.contains("no responsible units found") && en.contains("numbering jumps from 1 to 3"), "{en}");
    assert!(!en.contains("未找到责任单位"), "Chinese on an English page");
    s.store.close().await;
}

/// Accounts as 等级保护 2.0 asks, over HTTP: an account made without a password shows its generated one
/// once; its first sign-in can do nothing but change it, under the rules; the 开通通知 holds new initial
/// passwords that work; a session idle for longer than the limit ends (the clock moved, not slept); a
/// disabled account cannot sign in; sign-ins and failures are in the audit log.
#[tokio::test]
async fn accounts_follow_the_graded_protection_rules() {
    let s = start().await;
    let office = Browser::login(&s, "office").await;
    let csrf = office.csrf().await;
    let (st, page) = office
        .post(
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "xa_lly"),
                ("display_name", "李联络"),
                ("password", ""),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    let marker = "<p class=\"secret\"><code>";
    let at = page.find(marker).expect("the initial password, shown once") + marker.len();
    let initial = page[at..at + page[at..].find('<').unwrap()].to_string();
    assert_eq!(duban_core::password::classes(&initial), 4, "{initial}");
    assert!(!office.page("/admin").await.contains(&initial), "shown once only");

    // The first sign-in: every page leads to the password form; the API refuses all but the change.
    let person = Browser::login_with(&s, "xa_lly", &initial).await;
    let (st, headers, _) = person.get("/dashboard").await;
    assert_eq!((st, headers["location"].to_str().unwrap()), (StatusCode::SEE_OTHER, "/password"));
    let form = person.page("/password").await;
    assert!(form.contains("id=\"must-change\""), "{form}");
    let pcsrf = person.csrf_of("/password").await;
    let change = |new: &str| {
        vec![
            ("csrf", pcsrf.clone()),
            ("current", initial.clone()),
            ("new", new.to_string()),
            ("repeat", new.to_string()),
        ]
    };
    for (new, says) in [
        ("short1A", "口令至少 8 个字符"),
        ("onlylowercase1", "至少三类"),
        ("Xa_lly-2026", "不能包含账号名"),
        ("P@ssw0rd", "常见口令"),
        (initial.as_str(), "最近三次"),
    ] {
        let f = change(new);
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (st, body) = person.post("/password", &pairs).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{new}");
        assert!(body.contains(says), "{new}: {says} in {body}");
    }
    let f = change("Xian-report-2026");
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (st, body) = person.post("/password", &pairs).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(person.get("/dashboard").await.0, StatusCode::OK, "changed: the pages open");

    // Idle for 31 minutes: the session has ended; within the time it lives on.
    let t0 = Utc.with_ymd_and_hms(2022, 7, 2, 2, 0, 0).unwrap();
    s.set_time(t0 + chrono::Duration::minutes(29));
    assert_eq!(person.get("/dashboard").await.0, StatusCode::OK);
    s.set_time(t0 + chrono::Duration::minutes(29 + 31));
    let (st, headers, _) = person.get("/dashboard").await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert!(headers["location"].to_str().unwrap().starts_with("/login"), "idle: signed out");

    // The 开通通知: new initial passwords for the ticked account, read back, and they work (and must be
    // changed).
    let office = Browser::login(&s, "office").await;
    let admin = token(&s, "office").await;
    let (_, users) = super::call(&s, Some(&admin), reqwest::Method::GET, "/api/v1/users", None).await;
    let id = users.as_array().unwrap().iter().find(|u| u["username"] == "xa_lly").unwrap()["id"].to_string();
    let issue = form_fields(&office.page("/admin").await, "id=\"issue\"");
    let mut pairs: Vec<(&str, &str)> = issue.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.push(("user", &id));
    let r =
        office.http.post(format!("{}/admin/users/activation-sheet", office.base)).form(&pairs).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains(".xlsx"));
    let bytes = r.bytes().await.unwrap();
    let grid = duban_office::workbook::read_grid(&bytes, Some("开通通知")).unwrap();
    let row = grid.cells.iter().find(|r| r.get(1).is_some_and(|c| c == "xa_lly")).expect("the account's row");
    assert_eq!(row[2], "李联络");
    let issued = row[5].clone();
    assert!(grid.cells[1][0].contains(&s.url("/").replace("http://", "")), "the address: {:?}", grid.cells[1]);
    let again = Browser::login_with(&s, "xa_lly", &issued).await;
    assert_eq!(again.get("/dashboard").await.1["location"], "/password", "an issued password must be changed");

    // Disabled: no sign-in; enabled again: it signs in.
    let disable = form_fields(&office.page("/admin").await, &format!("action=\"/admin/users/{id}/disable\""));
    let pairs: Vec<(&str, &str)> = disable.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (st, _) = office.post(&format!("/admin/users/{id}/disable"), &pairs).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(again.get("/password").await.0, StatusCode::SEE_OTHER, "its session ended");
    let r = reqwest::Client::new()
        .post(s.url("/api/v1/login"))
        .json(&json!({ "username": "xa_lly", "password": issued, "kind": "api" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "disabled");
    let audit_of = |name: &str| format!("/api/v1/audit?entity=signin&id={name}");
    let (_, log) = super::call(&s, Some(&admin), reqwest::Method::GET, &audit_of("xa_lly"), None).await;
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"signin.ok") && actions.contains(&"signin.failed"), "{actions:?}");
    s.store.close().await;
}

/// What a browser would send for the form of `page` that holds `marker`: its hidden and text inputs, the
/// ticked boxes and the selected option of each select (the first where none is selected).
fn form_fields(page: &str, marker: &str) -> Vec<(String, String)> {
    let start = page.find(marker).unwrap_or_else(|| panic!("a form with {marker} on the page"));
    let start = page[..start].rfind("<form").unwrap();
    let end = start + page[start..].find("</form>").unwrap();
    let form = &page[start..end];
    let attr = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[at..at + tag[at..].find('"')?].replace("&#34;", "\"").replace("&amp;", "&"))
    };
    let mut out = Vec::new();
    let mut rest = form;
    while let Some(k) = rest.find('<') {
        rest = &rest[k..];
        let tag_end = rest.find('>').unwrap();
        let tag = &rest[..tag_end];
        if tag.starts_with("<input") {
            let kind = attr(tag, "type").unwrap_or_default();
            if let (Some(name), Some(value)) = (attr(tag, "name"), attr(tag, "value"))
                && (kind != "checkbox" || tag.contains(" checked"))
            {
                out.push((name, value));
            }
        } else if tag.starts_with("<select") {
            let name = attr(tag, "name").unwrap();
            let close = rest.find("</select>").unwrap();
            let options: Vec<&str> = rest[..close].split("<option").skip(1).collect();
            let chosen = options.iter().find(|o| o.contains(" selected")).or(options.first()).unwrap();
            out.push((name, attr(chosen, "value").unwrap_or_default()));
            rest = &rest[close..];
            continue;
        }
        rest = &rest[tag_end..];
    }
    out
}

/// An office's first plan: every unmapped name is mapped to a suggested unit, created as a new one (kind and
/// parent as guessed, from the "create all" table) or mapped as a group, all on the check page; the plan is
/// published without a visit to the administration, and next year's plan resolves through the directory.
#[tokio::test]
async fn every_name_is_mapped_or_created_from_the_check_page() {
    let s = start().await;
    let office = Browser::login(&s, "office").await;
    let csrf = office.csrf().await;
    let doc = "2023年某省新型城镇化工作要点\n一、重点任务\n\
               （一）推进农业转移人口市民化。（省发改委、省人社厅、省公安厅负责）\n\
               （二）建设数字政府。（省数据局、西安市数据局、沣东新城管委会、陕西数字产业集团负责）\n\
               （三）推进县城建设。（各县（市、区）政府负责）\n";
    async fn import(office: &Browser, csrf: &str, doc: &str) {
        let (st, body) = office.post_file("/import", &[("csrf", csrf)], ("要点.txt", doc.as_bytes().to_vec())).await;
        assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    }
    import(&office, &csrf, doc).await;
    let admin = token(&s, "office").await;
    let latest = || async {
        let (_, plans) = super::call(&s, Some(&admin), reqwest::Method::GET, "/api/v1/plans", None).await;
        plans.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).max().unwrap()
    };
    let id = latest().await;
    let (_, proposals) =
        super::call(&s, Some(&admin), reqwest::Method::GET, &format!("/api/v1/plans/{id}/proposals"), None).await;
    let names: Vec<&str> = proposals.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 7, "省公安厅 is in the directory already: {names:?}");
    let check = office.page(&format!("/plans/{id}/check")).await;
    // Suggestions by abbreviation: one click maps the name.
    assert!(check.contains("对应到“省发展改革委”") && check.contains("对应到“省人力资源社会保障厅”"), "{check}");
    for short in ["省发改委", "省人社厅"] {
        let p = proposals.as_array().unwrap().iter().find(|p| p["name"] == short).unwrap();
        assert_eq!(p["candidates"][0]["how"], "abbreviation", "{p}");
        let unit = p["candidates"][0]["unit_id"].to_string();
        let (st, body) =
            office.post(&format!("/plans/{id}/map"), &[("csrf", &csrf), ("name", short), ("unit", &unit)]).await;
        assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    }
    // "Create all", as the page fills it in: kinds and the parent guessed from the names.
    let check = office.page(&format!("/plans/{id}/check")).await;
    let fields = form_fields(&check, "id=\"create-all\"");
    let taken: Vec<&str> = fields.iter().filter(|(k, _)| k.starts_with("name_")).map(|(_, v)| v.as_str()).collect();
    assert_eq!(taken, ["省数据局", "西安市数据局", "沣东新城管委会", "陕西数字产业集团"], "{fields:?}");
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (st, body) = office.post(&format!("/plans/{id}/create-units"), &pairs).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let (_, units) = super::call(&s, Some(&admin), reqwest::Method::GET, "/api/v1/units", None).await;
    let unit =
        |n: &str| units.as_array().unwrap().iter().find(|u| u["name"] == n).unwrap_or_else(|| panic!("{n}")).clone();
    assert_eq!(unit("沣东新城管委会")["kind"], "zone");
    assert_eq!(unit("陕西数字产业集团")["kind"], "enterprise");
    assert_eq!(unit("省数据局")["kind"], "department");
    assert_eq!(unit("西安市数据局")["parent_id"], unit("西安市政府")["id"]);
    // The generic name: the governments are ticked; saving maps it as a group.
    let check = office.page(&format!("/plans/{id}/check")).await;
    assert!(check.contains("这一名称指代哪些单位"), "{check}");
    let pairs = form_fields(&check, "name=\"name\" value=\"各县（市、区）政府\"");
    assert!(pairs.iter().filter(|(k, _)| k == "unit").count() > 5, "the directory's governments are ticked: {pairs:?}");
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (st, body) = office.post(&format!("/plans/{id}/group"), &pairs).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    // Every name mapped: the plan publishes.
    let check = office.page(&format!("/plans/{id}/check")).await;
    assert!(!check.contains("id=\"unmapped\""), "{check}");
    let (_, l) = super::call(&s, Some(&admin), reqwest::Method::GET, &format!("/api/v1/plans/{id}"), None).await;
    let version = l["plan"]["row_version"].to_string();
    let (st, body) = office.post(&format!("/plans/{id}/publish"), &[("csrf", &csrf), ("row_version", &version)]).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let (_, l) = super::call(&s, Some(&admin), reqwest::Method::GET, &format!("/api/v1/plans/{id}"), None).await;
    assert_eq!(l["plan"]["state"], "published");
    let first = &l["items"][0]["children"][0]["units"];
    assert_eq!(first.as_array().unwrap().len(), 3, "{first}");
    // Next year's plan resolves through the directory: nothing is left to map.
    import(&office, &csrf, doc).await;
    let next = latest().await;
    assert_ne!(next, id);
    let (_, left) =
        super::call(&s, Some(&admin), reqwest::Method::GET, &format!("/api/v1/plans/{next}/unresolved"), None).await;
    assert_eq!(left, json!([]));
    // A name that is not one of the plan's unmapped ones, or a generic one, is refused by name.
    let (st, body) = super::call(
        &s,
        Some(&admin),
        reqwest::Method::POST,
        &format!("/api/v1/plans/{next}/units"),
        Some(json!({ "units": [{ "name": "无此名称", "kind": "department" }] })),
    )
    .await;
    assert_eq!((st, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("unit.not_unmapped")), "{body}");
    s.store.close().await;
}

/// The check page lists first the items the parser guessed at, each with its doubts in the reader's
/// language and what every unit and target was read from; 核对无误 takes an item off that list.
#[tokio::test]
async fn the_check_page_shows_the_doubtful_items_first_and_why_each_was_read() {
    let s = start().await;
    let office = Browser::login(&s, "office").await;
    let csrf = office.csrf().await;
    let doc = "2023年某市城镇化工作要点\n一、住房保障\n（一）建设保障性住房不少于100套。（西安市政府负责）\n\
               （二）扩大有效投资。力争引进项目10个以上，新注册企业3家。（牵头单位：西安市政府；西安市政府、省发展改革委）\n\
               （三）推进老旧小区改造。（西安市政府负责）\n";
    let (st, body) = office.post_file("/import", &[("csrf", &csrf)], ("要点.txt", doc.as_bytes().to_vec())).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let admin = token(&s, "office").await;
    let (_, plans) = super::call(&s, Some(&admin), reqwest::Method::GET, "/api/v1/plans", None).await;
    let id = plans.as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).max().unwrap();
    let sections = |page: &str| -> (String, String) {
        let at = page.find("id=\"doubtful\"").expect("the list of doubtful items");
        let rest = page[at..].find("<section class=\"card\">").map(|k| at + k).expect("the rest of the ledger");
        let source = page.find("<section class=\"card source\">").expect("the source text");
        (page[at..rest].to_string(), page[rest..source].to_string())
    };
    let page = office.page(&format!("/plans/{id}/check")).await;
    let (first, rest) = sections(&page);
    assert!(first.contains("扩大有效投资") && !first.contains("建设保障性住房"), "{first}");
    assert!(rest.contains("建设保障性住房") && rest.contains("推进老旧小区改造") && !rest.contains("扩大有效投资"));
    // The doubts, in Chinese: the list with no duty word, the comparator carried from 力争.
    assert!(first.contains("名单后没有“负责”“牵头”等字样"), "{first}");
    assert!(first.contains("的比较方式取自句中前面的“力争”"), "{first}");
    // Why each unit and target was read so.
    assert!(first.contains("按“牵头单位”标签") && first.contains("按“以上”"), "{first}");
    assert!(rest.contains("按名单后的“负责”") && rest.contains("按“不少于”"), "{rest}");
    assert!(page.contains("待核对 1 项"), "the count of items to check first");

    let (_, l) = super::call(&s, Some(&admin), reqwest::Method::GET, &format!("/api/v1/plans/{id}"), None).await;
    let doubtful = l["items"][0]["children"][1].clone();
    assert_eq!(doubtful["title"], "扩大有效投资");
    let codes: Vec<&str> = doubtful["doubts"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"units_without_duty") && codes.contains(&"op_from_sentence"), "{codes:?}");
    let version = l["plan"]["row_version"].to_string();
    let (st, body) = office
        .post(
            &format!("/items/{}/check", doubtful["id"]),
            &[("csrf", &csrf), ("plan", &id.to_string()), ("row_version", &version)],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let page = office.page(&format!("/plans/{id}/check")).await;
    let (first, rest) = sections(&page);
    assert!(!first.contains("扩大有效投资") && first.contains("没有需要优先核对的事项"), "{first}");
    assert!(rest.contains("扩大有效投资") && rest.contains("已核对"), "{rest}");
    let (st, _) = office.post("/lang", &[("csrf", &csrf), ("lang", "en"), ("back", "/")]).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let en = office.page(&format!("/plans/{id}/check")).await;
    assert!(en.contains("Nothing needs checking first") && en.contains("by “不少于”"), "{en}");
    s.store.close().await;
}

/// A page asked for without what it needs (here the report form without `plan`) gets an error page in the
/// person's language, with the pages' headers, not axum's English text; the detail is for the log.
#[tokio::test]
async fn a_malformed_page_request_gets_an_error_page_in_the_readers_language() {
    let s = start().await;
    let office = Browser::login(&s, "office").await;
    let (st, headers, body) = office.get("/report?period=2022-06&item=1").await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"), "{headers:?}");
    assert!(headers["content-security-policy"].to_str().unwrap().contains("default-src 'self'"));
    assert!(body.contains("请求无效"), "{body}");
    for english in ["Failed to deserialize", "missing field", "Something went wrong"] {
        assert!(!body.contains(english), "{english} on a Chinese page: {body}");
    }
    s.store.close().await;
}

/// 三员分立 on the pages: the auditor's page lists the sign-ins; separated, the office's administration page
/// keeps the periods and loses the accounts, the system administrator's keeps the accounts and has no
/// periods, and the audit page is the auditor's alone.
#[tokio::test]
async fn separated_duties_show_each_role_its_part_of_the_pages() {
    let s = start().await;
    let admin = token(&s, "office").await;
    super::new_account(&s, &admin, json!({ "username": "sa1", "role": "sysadmin" })).await;
    super::new_account(&s, &admin, json!({ "username": "au1", "role": "auditor" })).await;
    let office = Browser::login(&s, "office").await;
    let page = office.page("/admin").await;
    assert!(page.contains("id=\"users\"") && page.contains("admin/exceptions"), "joined: everything");
    let csrf = office.csrf().await;
    let (st, body) = office.post("/admin/separation", &[("csrf", &csrf), ("on", "on")]).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let page = office.page("/admin").await;
    assert!(!page.contains("id=\"users\"") && page.contains("admin/exceptions"), "separated: the business only");
    assert_eq!(office.get("/audit").await.0, StatusCode::FORBIDDEN);
    let sysadmin = Browser::login_with(&s, "sa1", "Changed-pass1").await;
    let page = sysadmin.page("/admin").await;
    assert!(page.contains("id=\"users\"") && !page.contains("admin/exceptions"), "the accounts only");
    assert!(page.contains("href=\"/admin\"") && !page.contains("href=\"/import\""), "its menu");
    let auditor = Browser::login_with(&s, "au1", "Changed-pass1").await;
    let audit = auditor.page("/audit").await;
    assert!(audit.contains("登录记录") && audit.contains("signin.ok") && audit.contains("sa1"), "{audit}");
    assert!(audit.contains("settings.separation_of_duties"), "the setting's change is on record");
    assert_eq!(auditor.get("/admin").await.0, StatusCode::FORBIDDEN);
    s.store.close().await;
}

/// The first week on a fresh server with a real plan (Shaanxi 2022, 36 names, none in the empty directory):
/// every name created from "create all" (one unticked by the office and then mapped to its suggestion),
/// the generic 相关市政府 mapped to the governments just created, and the plan published, all from the
/// check page.
#[tokio::test]
async fn a_real_plan_on_a_fresh_server_is_set_up_from_the_check_page() {
    let s = super::start_fresh().await;
    let office = Browser::login(&s, "office").await;
    let csrf = office.csrf_of("/import").await;
    let plan = duban_app::demo::SHAANXI_2022.as_bytes().to_vec();
    let (st, body) = office.post_file("/import", &[("csrf", &csrf)], ("陕西2022.txt", plan)).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let admin = token(&s, "office").await;
    let (_, proposals) = super::call(&s, Some(&admin), reqwest::Method::GET, "/api/v1/plans/1/proposals", None).await;
    let names: Vec<String> =
        proposals.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect();
    assert!(names.len() >= 30 && names.contains(&"相关市政府".to_string()), "{names:?}");
    // "Create all", with 西安市 unticked: the office will map it to 西安市政府 once that exists.
    let check = office.page("/plans/1/check").await;
    let mut fields = form_fields(&check, "id=\"create-all\"");
    let xian =
        fields.iter().find(|(k, v)| k.starts_with("name_") && v == "西安市").map(|(k, _)| k.replace("name_", "take_"));
    fields.retain(|(k, _)| Some(k) != xian.as_ref());
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (st, body) = office.post("/plans/1/create-units", &pairs).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let (_, proposals) = super::call(&s, Some(&admin), reqwest::Method::GET, "/api/v1/plans/1/proposals", None).await;
    let mut left: Vec<&str> = proposals.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    left.sort();
    assert_eq!(left, ["相关市政府", "西安市"], "the rest were created");
    let xian = proposals.as_array().unwrap().iter().find(|p| p["name"] == "西安市").unwrap();
    assert_eq!(xian["candidates"][0]["name"], "西安市政府", "{xian}");
    let unit = xian["candidates"][0]["unit_id"].to_string();
    let (st, _) = office.post("/plans/1/map", &[("csrf", &csrf), ("name", "西安市"), ("unit", &unit)]).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    // 相关市政府: the governments the plan named, ticked.
    let check = office.page("/plans/1/check").await;
    let group = form_fields(&check, "name=\"name\" value=\"相关市政府\"");
    assert!(group.iter().filter(|(k, _)| k == "unit").count() >= 2, "{group:?}");
    let pairs: Vec<(&str, &str)> = group.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (st, body) = office.post("/plans/1/group", &pairs).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let (_, l) = super::call(&s, Some(&admin), reqwest::Method::GET, "/api/v1/plans/1", None).await;
    let version = l["plan"]["row_version"].to_string();
    let (st, body) = office.post("/plans/1/publish", &[("csrf", &csrf), ("row_version", &version)]).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let (_, l) = super::call(&s, Some(&admin), reqwest::Method::GET, "/api/v1/plans/1", None).await;
    assert_eq!(l["plan"]["state"], "published");
    let (_, units) = super::call(&s, Some(&admin), reqwest::Method::GET, "/api/v1/units", None).await;
    let kind = |n: &str| units.as_array().unwrap().iter().find(|u| u["name"] == n).map(|u| u["kind"].clone());
    assert_eq!(kind("杨凌示范区管委会"), Some(json!("zone")));
    assert_eq!(kind("咸阳市政府"), Some(json!("government")));
    s.store.close().await;
}
