//! The API over real HTTP: every endpoint × role, the report life cycle with a moving clock, CSRF,
//! idempotency, stale edits, rate-limited logins, localized errors, and the committed OpenAPI document.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use duban_store::Store;
use duban_web::openapi::{Access, endpoints};
use duban_web::{AppState, router};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

#[path = "web/browser.rs"]
mod browser;
#[path = "web/hardening.rs"]
mod hardening;
#[path = "web/pages.rs"]
mod pages;

struct Server {
    base: String,
    clock: Arc<AtomicI64>,
    store: Store,
}

impl Server {
    fn set_time(&self, t: DateTime<Utc>) {
        self.clock.store(t.timestamp(), Ordering::SeqCst);
    }
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

async fn start() -> Server {
    start_with(|_| {}).await
}

/// The demo on a fresh database, with the state changed by `tweak` before the server starts.
async fn start_with(tweak: impl FnOnce(&mut AppState)) -> Server {
    let dir = std::env::temp_dir().join(format!("duban_api_{}_{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(dir.join("api.db").to_str().unwrap()).await.unwrap();
    let hash = duban_store::hash_password("demo-password").unwrap();
    duban_app::demo::load(&store, &hash).await.unwrap();
    let clock = Arc::new(AtomicI64::new(Utc.with_ymd_and_hms(2022, 7, 2, 2, 0, 0).unwrap().timestamp()));
    let mut state = AppState::new(store.clone());
    let c = clock.clone();
    state.clock = Arc::new(move || DateTime::from_timestamp(c.load(Ordering::SeqCst), 0).unwrap());
    tweak(&mut state);
    serve_state(state, clock, store).await
}

/// A fresh server as an office gets it: an empty directory, no plan, one office account.
async fn start_fresh() -> Server {
    let dir = std::env::temp_dir().join(format!("duban_fresh_{}_{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(dir.join("fresh.db").to_str().unwrap()).await.unwrap();
    let now = Utc.with_ymd_and_hms(2022, 2, 10, 2, 0, 0).unwrap();
    let office = duban_store::NewUser {
        username: "office".into(),
        display_name: "办公室".into(),
        password: String::new(),
        role: duban_core::Role::Admin,
        unit_id: None,
        must_change_password: false,
    };
    let hash = duban_store::hash_password("demo-password").unwrap();
    store.create_user(&duban_store::Ctx::new(duban_core::Actor::system(), now), &office, &hash).await.unwrap();
    let clock = Arc::new(AtomicI64::new(now.timestamp()));
    let mut state = AppState::new(store.clone());
    let c = clock.clone();
    state.clock = Arc::new(move || DateTime::from_timestamp(c.load(Ordering::SeqCst), 0).unwrap());
    serve_state(state, clock, store).await
}

async fn serve_state(state: AppState, clock: Arc<AtomicI64>, store: Store) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(
        async move { duban_web::serve::serve(listener, router(state), std::future::pending()).await.unwrap() },
    );
    Server { base: format!("http://{addr}"), clock, store }
}

/// A second server on the same database and clock (as when several run behind one address).
async fn serve_store(s: &Server) -> Server {
    let mut state = AppState::new(s.store.clone());
    let c = s.clock.clone();
    state.clock = Arc::new(move || DateTime::from_timestamp(c.load(Ordering::SeqCst), 0).unwrap());
    serve_state(state, s.clock.clone(), s.store.clone()).await
}

/// The demo's housing task (保障性租赁住房) and the first unit that holds it.
async fn housing_task(s: &Server) -> (i64, i64) {
    let admin = token(s, "office").await;
    let (_, ledger) = call(s, Some(&admin), Method::GET, "/api/v1/plans/1", None).await;
    let mut stack: Vec<Value> = ledger["items"].as_array().unwrap().clone();
    while let Some(i) = stack.pop() {
        if i["is_task"] == true && i["targets"].to_string().contains("保障性租赁住房") {
            return (i["id"].as_i64().unwrap(), i["units"][0]["unit_id"].as_i64().unwrap());
        }
        stack.extend(i["children"].as_array().unwrap().iter().cloned());
    }
    panic!("the demo plan has the housing task")
}

impl Server {
    /// The unit's July 2022 report on a task, as the API shows it.
    async fn july_report(&self, item: i64, unit: i64) -> Value {
        let admin = token(self, "office").await;
        let (_, periods) = call(self, Some(&admin), Method::GET, "/api/v1/plans/1/periods", None).await;
        let july = periods.as_array().unwrap().iter().find(|p| p["key"] == "2022-07").unwrap()["id"].as_i64().unwrap();
        let (_, r) = call(
            self,
            Some(&admin),
            Method::GET,
            &format!("/api/v1/reports?period_id={july}&unit_id={unit}&item_id={item}"),
            None,
        )
        .await;
        r[0].clone()
    }
}

/// A suffix for temporary directory names (not a time the code under test sees).
#[allow(clippy::disallowed_methods)]
fn rand_suffix() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64 % 1_000_000_007
}

async fn token(s: &Server, user: &str) -> String {
    let r = Client::new()
        .post(s.url("/api/v1/login"))
        .json(&json!({ "username": user, "password": "demo-password", "kind": "api" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "login {user}");
    r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
}

/// An account the office makes (its initial password generated), signed in once by its holder to change
/// that password, as the first sign-in must: the holder's API token, which stays valid.
pub(crate) async fn new_account(s: &Server, admin: &str, body: Value) -> String {
    let (st, made) = call(s, Some(admin), Method::POST, "/api/v1/users", Some(body)).await;
    assert_eq!(st, StatusCode::CREATED, "{made}");
    let initial = made["initial_password"].as_str().expect("a generated initial password").to_string();
    let login = json!({ "username": made["username"], "password": initial, "kind": "api" });
    let r = Client::new().post(s.url("/api/v1/login")).json(&login).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let tok = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    let change = json!({ "current": initial, "new": "Changed-pass1" });
    let (st, body) = call(s, Some(&tok), Method::POST, "/api/v1/me/password", Some(change)).await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{body}");
    tok
}

/// The body of a GET, as bytes.
async fn download(s: &Server, tok: &str, path: &str) -> Vec<u8> {
    Client::new().get(s.url(path)).bearer_auth(tok).send().await.unwrap().bytes().await.unwrap().to_vec()
}

async fn call(s: &Server, tok: Option<&str>, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut req = Client::new().request(method, s.url(path));
    if let Some(t) = tok {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let status = r.status();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Ids to fill into paths: the demo plan, a report of unit `unit`, a period, an item.
struct Ids {
    plan: i64,
    period: i64,
    item: i64,
    unit: i64,
    report: i64,
    evidence: i64,
    /// An account made for the table, which it may disable, enable and unlock.
    user: i64,
    /// A 督办 on `item`, sent to `unit` among others, and a file on the unit's reply.
    supervision: i64,
    reply_file: i64,
}

async fn ids(s: &Server, admin: &str, unit: i64) -> Ids {
    let (_, periods) = call(s, Some(admin), Method::GET, "/api/v1/plans/1/periods", None).await;
    let (_, reports) = call(
        s,
        Some(admin),
        Method::GET,
        &format!("/api/v1/reports?unit_id={unit}&period_id={}", periods[5]["id"]),
        None,
    )
    .await;
    let report = &reports.as_array().unwrap()[0];
    let spare = json!({ "username": format!("spare{}", rand_suffix()), "role": "viewer" });
    let (_, user) = call(s, Some(admin), Method::POST, "/api/v1/users", Some(spare)).await;
    Ids {
        user: user["id"].as_i64().unwrap(),
        plan: 1,
        period: periods[5]["id"].as_i64().unwrap(),
        item: report["item_id"].as_i64().unwrap(),
        unit,
        report: report["id"].as_i64().unwrap(),
        evidence: 0,
        supervision: 0,
        reply_file: 0,
    }
}

fn fill(path: &str, ids: &Ids) -> String {
    let p = path.replace("/plans/{id}", &format!("/plans/{}", ids.plan));
    let p = p.replace("/items/{id}", &format!("/items/{}", ids.item));
    let p = p.replace("/periods/{id}", &format!("/periods/{}", ids.period));
    let p = p.replace("/reports/{id}", &format!("/reports/{}", ids.report));
    let p = p.replace("/units/{id}", &format!("/units/{}", ids.unit));
    let p = p.replace("/extensions/{id}", "/extensions/1");
    let p = p.replace("/indicators/{id}", "/indicators/1");
    let p = p.replace("/plans/{id}/items", "/plans/1/items");
    let p = p.replace("/evidence/{id}", &format!("/evidence/{}", ids.evidence));
    let p = p.replace("/users/{id}", &format!("/users/{}", ids.user));
    let p = p.replace("/supervisions/{id}", &format!("/supervisions/{}", ids.supervision));
    let p = p.replace("/reply-files/{id}", &format!("/reply-files/{}", ids.reply_file));
    let p = p.replace("/notices/{id}", "/notices/1");
    let files = format!("?unit_id={}&name=a.txt", ids.unit);
    let contributions = format!("?period_id={}&item_id={}", ids.period, ids.item);
    let p = p.replace("{name}", "%E7%9B%B8%E5%85%B3%E5%B8%82%E6%94%BF%E5%BA%9C");
    let todo = format!("?period=2022-06&unit={}", ids.unit);
    let query = match p.as_str() {
        "/api/v1/plans/1/summary" => "?period=2022-06",
        "/api/v1/contributions" => contributions.as_str(),
        "/api/v1/plans/1/todo" => todo.as_str(),
        "/api/v1/audit" => "?entity=report&id=1",
        "/api/v1/audit/recent" => "?entity=signin",
        "/api/v1/plans/1/diff" => "?from=1&to=1",
        "/api/v1/plans/1/ledger.xlsx" | "/api/v1/plans/1/ledger.csv" => "?period=2022-06",
        _ if p.ends_with("/evidence") => "?name=a.txt",
        _ if p.starts_with("/api/v1/supervisions/") && p.ends_with("/files") => files.as_str(),
        _ if p.starts_with("/api/v1/items/") && !p.ends_with("indicators") => "?row_version=1",
        "/api/v1/indicators/1" => "?row_version=1",
        _ => "",
    };
    format!("{p}{query}")
}

/// A plausible body for each write, so that a request that is allowed gets past parsing.
fn body_for(method: &str, path: &str, ids: &Ids) -> Option<Value> {
    if method == "GET" || method == "DELETE" {
        return None;
    }
    Some(match path {
        "/api/v1/login" => json!({ "username": "office", "password": "demo-password" }),
        "/api/v1/units" => json!({ "name": format!("新单位{}", rand_suffix()) }),
        "/api/v1/units/{id}/aliases" => json!({ "alias": format!("别名{}", rand_suffix()) }),
        "/api/v1/unit-groups/{name}" => json!({ "unit_ids": [ids.unit] }),
        "/api/v1/users" => {
            json!({ "username": format!("u{}", rand_suffix()), "password": "Long-enough1", "role": "viewer" })
        }
        "/api/v1/plans/{id}/publish" => json!({ "row_version": 1 }),
        "/api/v1/plans/{id}/periods" => {
            json!({ "kind": "custom", "key": format!("K{}", rand_suffix()), "starts_on": "2022-07-01", "ends_on": "2022-07-31", "due_on": "2022-08-05" })
        }
        "/api/v1/items/{id}" => json!({ "row_version": 1, "title": "改" }),
        "/api/v1/items/{id}/check" => json!({ "row_version": 1 }),
        "/api/v1/plans/{id}/units" => json!({ "units": [{ "name": "无此名称", "kind": "department" }] }),
        "/api/v1/users/activation-sheet" => json!({ "user_ids": [ids.user] }),
        "/api/v1/settings/separation" => json!({ "on": false }),
        "/api/v1/me/password" => json!({ "current": "wrong", "new": "Never-applied1" }),
        "/api/v1/items/{id}/indicators" => {
            json!({ "row_version": 1, "text": "t", "metric": "m", "value": 1.0, "unit": "个", "op": ">=" })
        }
        "/api/v1/periods/{id}/exceptions" => json!({ "unit_id": ids.unit, "until": "2022-07-10" }),
        "/api/v1/reports" => {
            json!({ "period_id": ids.period, "item_id": ids.item, "unit_id": ids.unit, "progress": "p", "version": 0 })
        }
        "/api/v1/reports/{id}/return" => json!({ "version": 0, "reason": "r" }),
        "/api/v1/reports/{id}/reopen" => json!({ "reason": "r" }),
        "/api/v1/reports/{id}/sign" => json!({ "version": 0, "sign": true }),
        "/api/v1/reports/{id}/return-contribution" => json!({ "version": 0, "reason": "r" }),
        "/api/v1/plans/{id}/reporting" => json!({ "mode": "direct", "reason": "r" }),
        "/api/v1/reminders" => json!({ "period_id": ids.period, "unit_id": ids.unit, "note": "请报送" }),
        "/api/v1/extensions" => {
            json!({ "item_id": ids.item, "unit_id": ids.unit, "requested_on": "2023-03-31", "reason": "r" })
        }
        "/api/v1/extensions/{id}/decide" => json!({ "approve": false }),
        "/api/v1/indicators/{id}/shares" => json!({ "shares": [] }),
        "/api/v1/plans/{id}/items" => json!({ "row_version": 0, "title": "新任务" }),
        "/api/v1/indicators/{id}" => json!({ "row_version": 0, "baseline": 1.0 }),
        "/api/v1/supervisions" => {
            json!({ "plan_id": ids.plan, "item_ids": [ids.item], "level": "blue", "reply_by": "2022-07-20" })
        }
        "/api/v1/supervisions/{id}/reply" => {
            json!({ "unit_id": ids.unit, "measures": "加快推进", "new_deadline": "2022-09-30" })
        }
        "/api/v1/plans/{id}/assessment/rules" => json!({ "rules": { "base": 100, "points": {} }, "reason": "r" }),
        "/api/v1/supervisions/{id}/escalate" => json!({ "version": 0, "reply_by": "2022-07-20", "demand": "d" }),
        _ => json!({ "version": 0 }),
    })
}

#[tokio::test]
async fn every_endpoint_for_every_role() {
    let s = start().await;
    let admin = token(&s, "office").await;
    let (_, users) = call(&s, Some(&admin), Method::GET, "/api/v1/users", None).await;
    let rep = users.as_array().unwrap().iter().find(|u| u["role"] == "reporter").unwrap().clone();
    let unit = rep["unit_id"].as_i64().unwrap();
    let mut ids = ids(&s, &admin, unit).await;
    // A July draft with a file, so that the evidence endpoints have something to act on.
    let rep_token = token(&s, rep["username"].as_str().unwrap()).await;
    let (_, periods) = call(&s, Some(&admin), Method::GET, "/api/v1/plans/1/periods", None).await;
    let july = periods.as_array().unwrap().iter().find(|p| p["key"] == "2022-07").unwrap()["id"].as_i64().unwrap();
    let (st, draft) = call(
        &s,
        Some(&rep_token),
        Method::PUT,
        "/api/v1/reports",
        Some(json!({ "period_id": july, "item_id": ids.item, "unit_id": unit, "progress": "七月" })),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{draft}");
    let r = Client::new()
        .post(s.url(&format!("/api/v1/reports/{}/evidence?name=%E8%AF%B4%E6%98%8E.txt", draft["id"])))
        .bearer_auth(&rep_token)
        .body("佐证说明")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    ids.evidence = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = Client::new()
        .get(s.url(&format!("/api/v1/evidence/{}", ids.evidence)))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"evidence-1\"; filename*=UTF-8''%E8%AF%B4%E6%98%8E.txt"
    );
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.text().await.unwrap(), "佐证说明");
    // A 督办 on the unit's task with a file on its reply, for the 督办 endpoints.
    let (st, issued) = call(
        &s,
        Some(&admin),
        Method::POST,
        "/api/v1/supervisions",
        Some(json!({ "plan_id": 1, "period": "2022-06", "item_ids": [ids.item], "level": "blue", "reply_by": "2022-07-20" })),
    )
    .await;
    assert_eq!(st, StatusCode::CREATED, "{issued}");
    ids.supervision = issued[0]["id"].as_i64().unwrap();
    let r =
        Client::new()
            .post(s.url(&format!(
                "/api/v1/supervisions/{}/files?unit_id={unit}&name=%E6%96%B9%E6%A1%88.txt",
                ids.supervision
            )))
            .bearer_auth(&rep_token)
            .body("整改方案")
            .send()
            .await
            .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    ids.reply_file = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    // A leader of the same unit.
    let leader = new_account(&s, &admin, json!({ "username": "lead1", "role": "leader", "unit_id": unit })).await;
    let tokens = [
        ("admin", Some(admin.clone())),
        ("leader", Some(leader)),
        ("reporter", Some(token(&s, rep["username"].as_str().unwrap()).await)),
        ("viewer", Some(token(&s, "leader").await)),
        ("anonymous", None),
    ];
    let mut table = Vec::new();
    for e in endpoints() {
        if e.path == "/api/v1/logout" {
            continue; // ends the token; tested below
        }
        for (role, tok) in &tokens {
            let method = Method::from_bytes(e.method.as_bytes()).unwrap();
            let (status, body) =
                call(&s, tok.as_deref(), method, &fill(&e.path, &ids), body_for(&e.method, &e.path, &ids)).await;
            let allowed = match (e.access, *role) {
                (Access::Public, _) => true,
                (_, "anonymous") => false,
                (Access::SignedIn, _) => true,
                (Access::Admin, r) => r == "admin",
                (Access::AdminOrViewer, r) => r == "admin" || r == "viewer",
                // The duties are not separated here: the office carries both.
                (Access::Accounts | Access::Audit, r) => r == "admin",
                (Access::Unit, r) => r == "leader" || r == "reporter",
                (Access::UnitLeader, r) => r == "leader",
            };
            let denied = status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN;
            table.push(format!("{:6} {:40} {:9} -> {}", e.method, e.path, role, status.as_u16()));
            assert_eq!(!denied, allowed, "{} {} as {role}: {status} {body}", e.method, e.path);
            assert_ne!(body["error"]["code"], "route.not_found", "{} {} is routed", e.method, e.path);
            assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{} {} is routed", e.method, e.path);
            if denied {
                assert!(body["error"]["code"].is_string(), "JSON error body: {body}");
            }
            if *role == "anonymous" && !allowed {
                assert_eq!(status, StatusCode::UNAUTHORIZED);
            }
        }
    }
    eprintln!("{}", table.join("\n"));
    // A unit's people see only their unit's reports.
    let (_, all) = call(&s, tokens[2].1.as_deref(), Method::GET, "/api/v1/reports", None).await;
    assert!(!all.as_array().unwrap().is_empty());
    assert!(all.as_array().unwrap().iter().all(|r| r["unit_id"] == unit));
    let (_, others) =
        call(&s, Some(&admin), Method::GET, &format!("/api/v1/reports?period_id={}", ids.period), None).await;
    let foreign = others.as_array().unwrap().iter().find(|r| r["unit_id"] != unit).unwrap()["id"].as_i64().unwrap();
    let (st, _) = call(&s, tokens[2].1.as_deref(), Method::GET, &format!("/api/v1/reports/{foreign}"), None).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) =
        call(&s, tokens[2].1.as_deref(), Method::GET, "/api/v1/plans/1/todo?period=2022-06&unit=1", None).await;
    assert_eq!(st, if unit == 1 { StatusCode::OK } else { StatusCode::FORBIDDEN });
    // Logout ends the token.
    let (st, _) = call(&s, tokens[1].1.as_deref(), Method::POST, "/api/v1/logout", None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (st, _) = call(&s, tokens[1].1.as_deref(), Method::GET, "/api/v1/me", None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_month_of_reporting_over_http() {
    let s = start().await;
    // The monthly periods of 2022 are there; the reporter works on July, early in August.
    s.set_time(Utc.with_ymd_and_hms(2022, 8, 2, 2, 0, 0).unwrap());
    let admin = token(&s, "office").await;
    let (_, users) = call(&s, Some(&admin), Method::GET, "/api/v1/users", None).await;
    let rep_user = users.as_array().unwrap().iter().find(|u| u["role"] == "reporter").unwrap().clone();
    let unit = rep_user["unit_id"].as_i64().unwrap();
    let rep = token(&s, rep_user["username"].as_str().unwrap()).await;
    let (st, todo) = call(&s, Some(&rep), Method::GET, "/api/v1/plans/1/todo?period=2022-07", None).await;
    assert_eq!(st, StatusCode::OK, "{todo}");
    let row = todo.as_array().unwrap()[0].clone();
    assert!(row["state"].is_null(), "nothing written for July yet: {row}");
    let (_, periods) = call(&s, Some(&rep), Method::GET, "/api/v1/plans/1/periods", None).await;
    let july = periods.as_array().unwrap().iter().find(|p| p["key"] == "2022-07").unwrap()["id"].as_i64().unwrap();
    let before = call(&s, Some(&admin), Method::GET, "/api/v1/plans/1/summary?period=2022-07", None).await.1;

    // Save with an Idempotency-Key twice: one report, the same answer.
    let draft = json!({ "period_id": july, "item_id": row["item_id"], "unit_id": unit, "progress": "7月进展", "percent": 60.0 });
    let send = |key: &'static str, body: Value| {
        let rep = rep.clone();
        let url = s.url("/api/v1/reports");
        async move {
            let r = Client::new()
                .put(url)
                .bearer_auth(rep)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
                .unwrap();
            (r.status(), r.json::<Value>().await.unwrap())
        }
    };
    let (a, b) = tokio::join!(send("save-1", draft.clone()), send("save-1", draft.clone()));
    assert_eq!(a.0, StatusCode::OK, "{}", a.1);
    assert_eq!(a, b);
    assert_eq!(a.1["version"], 1);
    let (st, e) =
        send("save-1", json!({ "period_id": july, "item_id": row["item_id"], "unit_id": unit, "progress": "不同" }))
            .await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("idempotency.key_reused")));
    let id = a.1["id"].as_i64().unwrap();

    // Two people edit version 1 at once: one wins, the other gets 409.
    let edit = |text: &'static str| {
        let rep = rep.clone();
        let url = s.url("/api/v1/reports");
        let body =
            json!({ "period_id": july, "item_id": row["item_id"], "unit_id": unit, "progress": text, "version": 1 });
        async move { Client::new().put(url).bearer_auth(rep).json(&body).send().await.unwrap().status() }
    };
    let (x, y) = tokio::join!(edit("甲的修改"), edit("乙的修改"));
    let mut got = [x, y];
    got.sort();
    assert_eq!(got, [StatusCode::OK, StatusCode::CONFLICT]);

    // Submit, return with a reason (in English on request), fix, resubmit, approve.
    let (_, r) = call(&s, Some(&rep), Method::GET, &format!("/api/v1/reports/{id}"), None).await;
    let (st, r) = call(
        &s,
        Some(&rep),
        Method::POST,
        &format!("/api/v1/reports/{id}/submit"),
        Some(json!({ "version": r["version"] })),
    )
    .await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let en = Client::new()
        .post(s.url(&format!("/api/v1/reports/{id}/return")))
        .bearer_auth(&admin)
        .header("Accept-Language", "en-US,en;q=0.9")
        .json(&json!({ "version": r["version"], "reason": "" }))
        .send()
        .await
        .unwrap();
    assert_eq!(en.status(), StatusCode::BAD_REQUEST);
    assert_eq!(en.json::<Value>().await.unwrap()["error"]["message"], "A return needs a reason");
    let (st, r) = call(
        &s,
        Some(&admin),
        Method::POST,
        &format!("/api/v1/reports/{id}/return"),
        Some(json!({ "version": r["version"], "reason": "请补充数据" })),
    )
    .await;
    assert_eq!((st, r["state"].as_str()), (StatusCode::OK, Some("returned")));
    let (_, todo) = call(&s, Some(&rep), Method::GET, "/api/v1/plans/1/todo?period=2022-07", None).await;
    let mine = todo.as_array().unwrap().iter().find(|t| t["report_id"] == id).unwrap().clone();
    assert_eq!((mine["state"].as_str(), mine["return_reason"].as_str()), (Some("returned"), Some("请补充数据")));
    let fixed = json!({ "period_id": july, "item_id": row["item_id"], "unit_id": unit, "progress": "7月进展（补充）", "percent": 60.0, "version": r["version"] });
    let (_, r) = call(&s, Some(&rep), Method::PUT, "/api/v1/reports", Some(fixed)).await;
    let (_, r) = call(
        &s,
        Some(&rep),
        Method::POST,
        &format!("/api/v1/reports/{id}/submit"),
        Some(json!({ "version": r["version"] })),
    )
    .await;
    let (st, r) = call(
        &s,
        Some(&admin),
        Method::POST,
        &format!("/api/v1/reports/{id}/approve"),
        Some(json!({ "version": r["version"] })),
    )
    .await;
    assert_eq!((st, r["state"].as_str()), (StatusCode::OK, Some("approved")));
    let after = call(&s, Some(&admin), Method::GET, "/api/v1/plans/1/summary?period=2022-07", None).await.1;
    assert_eq!(after["reports_received"].as_i64().unwrap(), before["reports_received"].as_i64().unwrap() + 1);
    assert_eq!(after["reports_on_time"].as_i64().unwrap(), before["reports_on_time"].as_i64().unwrap() + 1);

    // After due + grace the period is locked (423) for a new report.
    s.set_time(Utc.with_ymd_and_hms(2022, 8, 20, 2, 0, 0).unwrap());
    let other = todo.as_array().unwrap().iter().find(|t| t["report_id"].is_null());
    if let Some(other) = other {
        let body = json!({ "period_id": july, "item_id": other["item_id"], "unit_id": unit, "progress": "迟到" });
        let (st, e) = call(&s, Some(&rep), Method::PUT, "/api/v1/reports", Some(body)).await;
        assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::LOCKED, Some("period.locked")), "{e}");
    }
    // Every change is in the audit chain.
    let (_, v) = call(&s, Some(&admin), Method::GET, "/api/v1/audit/verify", None).await;
    assert_eq!(v["breaks"], json!([]));
    let (_, h) = call(&s, Some(&admin), Method::GET, &format!("/api/v1/audit?entity=report&id={id}"), None).await;
    let actions: Vec<&str> = h.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "report.save",
            "report.save",
            "report.submit",
            "report.return",
            "report.save",
            "report.submit",
            "report.approve"
        ]
    );
    s.store.close().await;
}

/// States and ids come in as text at the edge (query strings, JSON bodies) and are read into their types
/// there: a state or id that is not one is a 400 naming what was wrong, never an empty list.
#[tokio::test]
async fn states_and_ids_in_requests_are_read_at_the_edge() {
    let s = start().await;
    s.set_time(Utc.with_ymd_and_hms(2022, 8, 2, 2, 0, 0).unwrap());
    let admin = token(&s, "office").await;
    let (st, e) = call(&s, Some(&admin), Method::GET, "/api/v1/reports?state=bogus", None).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("report.state")), "{e}");
    let (st, e) = call(&s, Some(&admin), Method::GET, "/api/v1/extensions?state=maybe", None).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("extension.state")), "{e}");
    let (st, e) = call(&s, Some(&admin), Method::GET, "/api/v1/reports?unit_id=abc", None).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    let (st, list) = call(&s, Some(&admin), Method::GET, "/api/v1/reports?state=approved&limit=3", None).await;
    assert_eq!(st, StatusCode::OK, "{list}");
    let list = list.as_array().unwrap();
    assert!(!list.is_empty() && list.iter().all(|r| r["state"] == "approved"), "{list:?}");
    let (st, e) = call(&s, Some(&admin), Method::GET, "/api/v1/plans/x1/summary?period=2022-07", None).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");

    // A project's state is one of three words.
    let (_, users) = call(&s, Some(&admin), Method::GET, "/api/v1/users", None).await;
    let rep_user = users.as_array().unwrap().iter().find(|u| u["role"] == "reporter").unwrap().clone();
    let rep = token(&s, rep_user["username"].as_str().unwrap()).await;
    let (_, todo) = call(&s, Some(&rep), Method::GET, "/api/v1/plans/1/todo?period=2022-07", None).await;
    let row = todo.as_array().unwrap()[0].clone();
    let draft = |state: &str| {
        json!({ "period_id": row["period_id"], "item_id": row["item_id"], "unit_id": row["unit_id"],
                "progress": "进展", "milestones": [{ "name": "某项目 开工建设", "state": state }] })
    };
    let (st, e) = call(&s, Some(&rep), Method::PUT, "/api/v1/reports", Some(draft("maybe"))).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    let (st, r) = call(&s, Some(&rep), Method::PUT, "/api/v1/reports", Some(draft("in_progress"))).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    assert_eq!(r["milestones"][0]["state"], "in_progress");
}

#[tokio::test]
async fn browser_sessions_need_the_csrf_token_and_logins_are_limited() {
    let s = start().await;
    let client = Client::builder().cookie_store(true).build().unwrap();
    let r = client
        .post(s.url("/api/v1/login"))
        .json(&json!({ "username": "office", "password": "demo-password" }))
        .send()
        .await
        .unwrap();
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let csrf = r.json::<Value>().await.unwrap()["csrf"].as_str().unwrap().to_string();
    // Reads work with the cookie alone; writes need the token.
    assert_eq!(client.get(s.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::OK);
    let body = json!({ "name": "新设单位" });
    let r = client.post(s.url("/api/v1/units")).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "csrf");
    let r = client.post(s.url("/api/v1/units")).header("X-CSRF-Token", "wrong").json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = client.post(s.url("/api/v1/units")).header("X-CSRF-Token", &csrf).json(&body).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);

    // Five wrong passwords, then even the right one is refused for a while.
    for _ in 0..5 {
        let r = Client::new()
            .post(s.url("/api/v1/login"))
            .json(&json!({ "username": "leader", "password": "wrong" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = Client::new()
        .post(s.url("/api/v1/login"))
        .json(&json!({ "username": "leader", "password": "demo-password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    s.set_time(Utc.with_ymd_and_hms(2022, 7, 2, 3, 0, 0).unwrap());
    let r = Client::new()
        .post(s.url("/api/v1/login"))
        .json(&json!({ "username": "leader", "password": "demo-password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "the window has passed");

    // Bad input: clear 4xx JSON, nothing written.
    let admin = token(&s, "office").await;
    let plans_before = call(&s, Some(&admin), Method::GET, "/api/v1/plans", None).await.1;
    for (body, code) in [
        (b"%PDF-1.4 ...".to_vec(), "plan.unreadable"),
        (Vec::new(), "plan.unreadable"),
        ("没有任务的文字".as_bytes().to_vec(), "plan.year"),
    ] {
        let r =
            Client::new().post(s.url("/api/v1/plans?name=x.txt")).bearer_auth(&admin).body(body).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], code);
    }
    let r = Client::new().put(s.url("/api/v1/reports")).bearer_auth(&admin).body("{not json").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(call(&s, Some(&admin), Method::GET, "/api/v1/plans", None).await.1, plans_before);
    // A good upload becomes a draft with its unmapped names listed.
    let r = Client::new()
        .post(s.url("/api/v1/plans?name=shaanxi.txt"))
        .bearer_auth(&admin)
        .body(duban_app::demo::SHAANXI_2022.as_bytes().to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["plan"]["state"], "draft");
    assert!(v["unresolved"].as_array().unwrap().is_empty(), "the demo directory knows every name: {}", v["unresolved"]);
}

#[tokio::test]
async fn the_excel_ledger_reads_back() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let s = start().await;
    let admin = token(&s, "leader").await;
    let r = Client::new()
        .get(s.url("/api/v1/plans/1/ledger.xlsx?period=2022-06&per_unit=true"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-disposition"], "attachment; filename=\"ledger-1.xlsx\"");
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut x: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let names = x.sheet_names();
    assert_eq!(names[0], "全部任务");
    assert_eq!(names.len(), 1 + 42, "one sheet per unit: {names:?}");
    let range = x.worksheet_range("全部任务").unwrap();
    let cell = |r: u32, c: u32| match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        other => format!("{other:?}"),
    };
    assert!(cell(0, 0).contains("任务分解台账（2022年6月）"), "{}", cell(0, 0));
    assert_eq!(
        (2..8).map(|c| cell(1, c)).collect::<Vec<_>>(),
        ["具体举措", "责任单位", "量化指标", "完成时限", "本期进展", "状态"]
    );
    assert!(cell(2, 0).starts_with("一、"), "part row: {}", cell(2, 0));
    let merges = x.worksheet_merge_cells("全部任务").unwrap().unwrap();
    assert_eq!(merges.len(), 1 + 6, "the title and six part rows are merged across: {merges:?}");
    // 24 tasks, numbered 1..24, each with a status of June; the housing task shows its figures.
    let tasks: Vec<u32> = (2..range.height() as u32).filter(|r| cell(*r, 0).parse::<u32>().is_ok()).collect();
    assert_eq!(tasks.len(), 24);
    let statuses = ["已完成", "正常推进", "滞后", "未报送", "逾期"];
    assert!(tasks.iter().all(|r| statuses.contains(&cell(*r, 7).as_str())), "every task has a status");
    let housing = tasks.iter().find(|r| cell(**r, 4).contains("保障性租赁住房")).unwrap();
    assert!(cell(*housing, 4).contains("8.8万"), "{}", cell(*housing, 4));
    assert!(cell(*housing, 6).contains("（模拟数据）"), "progress of June: {}", cell(*housing, 6));
    assert!(cell(*housing, 3).contains("省住房城乡建设厅"));
    // 完成时限 as the plan writes it (年内, 年底前) where it says, else the date the task is judged by.
    let deadlines: Vec<String> = tasks.iter().map(|r| cell(*r, 5)).collect();
    assert!(deadlines.iter().any(|d| d == "年底前" || d == "年内"), "{deadlines:?}");
    assert!(
        deadlines.iter().all(|d| d.contains('年') || chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()),
        "{deadlines:?}"
    );
    // The same data gives the same bytes.
    let again = Client::new()
        .get(s.url("/api/v1/plans/1/ledger.xlsx?period=2022-06&per_unit=true"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(again.bytes().await.unwrap().to_vec(), bytes);
    // CSV: BOM, header, 6 parts + 24 tasks.
    let csv = Client::new()
        .get(s.url("/api/v1/plans/1/ledger.csv?period=2022-06"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.starts_with("\u{feff}序号,重点任务,具体举措,责任单位,量化指标,完成时限,本期进展,状态\r\n"));
    let (st, e) = call(&s, Some(&admin), Method::GET, "/api/v1/plans/1/ledger.xlsx?period=2031-01", None).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
}

#[tokio::test]
async fn swagger_ui_is_served_from_the_binary() {
    let s = start().await;
    let index = Client::new().get(s.url("/api/docs/swagger/")).send().await.unwrap();
    assert_eq!(index.status(), StatusCode::OK);
    let html = index.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    let init = Client::new()
        .get(s.url("/api/docs/swagger/swagger-initializer.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(init.contains("/api/v1/openapi.json"), "{init}");
    // Nothing is loaded from another origin: local assets, and no online validator.
    for text in [&html, &init] {
        assert!(!text.contains("http://") && !text.contains("https://"), "{text}");
    }
    assert!(init.contains("\"validatorUrl\": \"none\"") || init.contains("validatorUrl\":\"none"), "{init}");
    let js = Client::new().get(s.url("/api/docs/swagger/swagger-ui-bundle.js")).send().await.unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    assert!(js.bytes().await.unwrap().len() > 100_000);
}

#[tokio::test]
async fn the_committed_openapi_document_is_current() {
    let doc = serde_json::to_string_pretty(&duban_web::openapi::document()).unwrap() + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    if std::env::var("DUBAN_WRITE_OPENAPI").as_deref() == Ok("1") {
        std::fs::write(path, &doc).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == doc,
        "docs/openapi.json is out of date: run DUBAN_WRITE_OPENAPI=1 cargo test -p duban-web --test api openapi"
    );
    let v: Value = serde_json::from_str(&doc).unwrap();
    assert!(v["paths"]["/api/v1/plans/{id}/summary"]["get"].is_object());
    // Every operation says who may call it, and every body it takes or gives has a schema.
    let ops = endpoints();
    assert!(ops.len() >= 56, "{} operations", ops.len());
    let mut without_schema = Vec::new();
    for (path, item) in v["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(op["x-access"].is_string(), "{method} {path} has no x-access");
            let mut bodies: Vec<(&str, &Value)> = Vec::new();
            if let Some(c) = op["requestBody"]["content"].as_object() {
                bodies.extend(c.iter().map(|(t, b)| (t.as_str(), b)));
            }
            for r in op["responses"].as_object().unwrap().values() {
                if let Some(c) = r["content"].as_object() {
                    bodies.extend(c.iter().map(|(t, b)| (t.as_str(), b)));
                }
            }
            for (content_type, body) in bodies {
                if !body["schema"].is_object() {
                    without_schema.push(format!("{method} {path} {content_type}"));
                }
            }
        }
    }
    assert!(without_schema.is_empty(), "{without_schema:#?}");
    // The summary's shape is described down to its fields.
    let summary = &v["components"]["schemas"]["Summary"]["properties"];
    assert!(summary["tasks"].is_object() && summary["units"].is_object(), "{summary}");
    // The docs page lists every endpoint and refers to nothing on another origin.
    let page = duban_web::openapi::docs_page();
    for e in endpoints() {
        assert!(page.contains(&e.path.replace('&', "&amp;")), "{}", e.path);
    }
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains("//cdn"));
}

/// 督办 over HTTP: issued on June's lagging tasks with their standing as the reason, replied to by a unit
/// (which sees its own reply only), escalated, printed as a 督办通知单 that reads back with the case and
/// the reply, and counted in the bulletin.
#[tokio::test]
async fn a_supervision_is_issued_replied_to_escalated_and_printed() {
    let s = start().await;
    let admin = token(&s, "office").await;
    let (_, summary) = call(&s, Some(&admin), Method::GET, "/api/v1/plans/1/summary?period=2022-06", None).await;
    let lagging: Vec<i64> =
        summary["lagging"].as_array().unwrap().iter().map(|t| t["item_id"].as_i64().unwrap()).take(2).collect();
    assert_eq!(lagging.len(), 2, "the demo has lagging tasks in June");
    let body =
        json!({ "plan_id": 1, "period": "2022-06", "item_ids": lagging, "level": "blue", "reply_by": "2022-07-10" });
    // A level we do not have is refused before anything is written.
    let mut bad = body.clone();
    bad["level"] = json!("green");
    let (st, _) = call(&s, Some(&admin), Method::POST, "/api/v1/supervisions", Some(bad)).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, issued) = call(&s, Some(&admin), Method::POST, "/api/v1/supervisions", Some(body.clone())).await;
    assert_eq!(st, StatusCode::CREATED, "{issued}");
    let first = &issued[0];
    assert_eq!(first["number"], "督办〔2022〕1号");
    assert_eq!(issued[1]["number"], "督办〔2022〕2号");
    let reason = first["reason"].as_str().unwrap();
    assert!(reason.starts_with("2022年6月调度显示，该任务"), "{reason}");
    assert!(reason.contains("滞后") || reason.contains("逾期"), "{reason}");
    assert!(first["demand"].as_str().unwrap().contains("整改措施"), "the default demand");
    // Both again: all or none, the first conflict refuses the lot.
    let (st, e) = call(&s, Some(&admin), Method::POST, "/api/v1/supervisions", Some(body)).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("supervision.open_exists")));
    let (_, open) = call(&s, Some(&admin), Method::GET, "/api/v1/supervisions?plan_id=1&state=open", None).await;
    assert_eq!(open.as_array().unwrap().len(), 2);
    let (st, e) = call(&s, Some(&admin), Method::GET, "/api/v1/supervisions?state=closed", None).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("supervision.state")));

    // The unit of the first: a reporter of it replies, and sees only its own unit's line.
    let id = first["id"].as_i64().unwrap();
    let unit = first["units"][0]["unit_id"].as_i64().unwrap();
    let name = format!("rep{}", rand_suffix());
    let rep = new_account(&s, &admin, json!({ "username": name, "role": "reporter", "unit_id": unit })).await;
    let (_, mine) = call(&s, Some(&rep), Method::GET, "/api/v1/supervisions", None).await;
    assert!(mine.as_array().unwrap().iter().any(|m| m["id"] == id));
    assert!(mine.as_array().unwrap().iter().all(|m| m["units"].as_array().unwrap().len() == 1));
    let reply = json!({ "unit_id": unit, "measures": "倒排工期，8月底前完成", "new_deadline": "2022-08-31" });
    let (st, replied) =
        call(&s, Some(&rep), Method::POST, &format!("/api/v1/supervisions/{id}/reply"), Some(reply.clone())).await;
    assert_eq!(st, StatusCode::OK, "{replied}");
    let (st, e) = call(&s, Some(&admin), Method::POST, &format!("/api/v1/supervisions/{id}/reply"), Some(reply)).await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden")),
        "the office does not reply"
    );

    // The notice reads back with the case and the reply.
    let r = Client::new()
        .get(s.url(&format!("/api/v1/supervisions/{id}/notice.docx")))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"));
    let bytes = r.bytes().await.unwrap().to_vec();
    assert_eq!(bytes, download(&s, &admin, &format!("/api/v1/supervisions/{id}/notice.docx")).await, "same bytes");
    let text = duban_plan::docx::docx_text(&bytes).unwrap();
    for want in [
        "督办通知单",
        "督办〔2022〕1号",
        "蓝色督办（提醒）",
        first["task_title"].as_str().unwrap(),
        reason,
        "倒排工期，8月底前完成",
        "2022年8月31日",
        "2022年7月10日",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    let unit_name = first["units"][0]["name"].as_str().unwrap();
    assert!(text.contains(&format!("{unit_name}：")) || text.contains(&format!("{unit_name}、")), "the addressee");

    // Escalated: a yellow one replaces it; the old one can no longer be replied to.
    let esc = json!({ "version": replied["version"], "reply_by": "2022-07-15", "demand": "请分管负责同志说明情况", "note": "措施不具体" });
    let (st, yellow) =
        call(&s, Some(&admin), Method::POST, &format!("/api/v1/supervisions/{id}/escalate"), Some(esc)).await;
    assert_eq!(st, StatusCode::CREATED, "{yellow}");
    assert_eq!((yellow["level"].as_str(), yellow["number"].as_str()), (Some("yellow"), Some("督办〔2022〕3号")));
    let text = duban_plan::docx::docx_text(
        &download(&s, &admin, &format!("/api/v1/supervisions/{}/notice.docx", yellow["id"])).await,
    )
    .unwrap();
    assert!(
        text.contains("黄色督办") && text.contains("由督办〔2022〕1号升级") && text.contains("措施不具体"),
        "{text}"
    );

    // The bulletin of June counts the open ones by level.
    let bulletin =
        duban_plan::docx::docx_text(&download(&s, &admin, "/api/v1/plans/1/bulletin.docx?period=2022-06").await)
            .unwrap();
    assert!(bulletin.contains("目前在办督办事项2件（黄色1件、蓝色1件）"), "{bulletin}");
    assert!(bulletin.contains("督办〔2022〕3号") && bulletin.contains("督办〔2022〕2号"));
    assert!(!bulletin.contains("督办〔2022〕1号"), "the escalated one is not open");
}

/// The 调度通报 of June 2022 (demo data): a well-formed Word package whose text names every lagging task
/// with its lead unit and every unit that did not report on time, and nothing else in those sections.
#[tokio::test]
async fn the_bulletin_names_every_lagging_task_and_late_unit() {
    use std::io::Read;
    let s = start().await;
    let leader = token(&s, "leader").await;
    let get = async |path: &str| {
        let r = Client::new().get(s.url(path)).bearer_auth(&leader).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        r.bytes().await.unwrap().to_vec()
    };
    let bytes = get("/api/v1/plans/1/bulletin.docx?period=2022-06").await;
    assert_eq!(bytes, get("/api/v1/plans/1/bulletin.docx?period=2022-06").await, "same data, same bytes");

    // Every XML part parses; every relationship points at a part in the package; the pictures are PNGs.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let names: Vec<String> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
    for name in &names {
        let mut data = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut data).unwrap();
        if name.ends_with(".xml") || name.ends_with(".rels") {
            let text = String::from_utf8(data).unwrap();
            let mut r = quick_xml::Reader::from_str(&text);
            loop {
                match r.read_event() {
                    Ok(quick_xml::events::Event::Eof) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{name} is not well-formed: {e}"),
                }
            }
            if name == "word/_rels/document.xml.rels" {
                for target in text.split("Target=\"").skip(1).map(|t| &t[..t.find('"').unwrap()]) {
                    assert!(names.contains(&format!("word/{target}")), "{target} is in the package");
                }
            }
            if name == "word/styles.xml" {
                for font in ["方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"] {
                    assert!(text.contains(font), "the styles name {font}");
                }
            }
        } else if name.ends_with(".png") {
            assert_eq!(&data[..8], b"\x89PNG\r\n\x1a\n", "{name}");
        }
    }
    assert_eq!(names.iter().filter(|n| n.starts_with("word/media/")).count(), 2, "two charts: {names:?}");
    let mut document = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut document).unwrap();
    assert!(document.contains("w:w=\"11906\" w:h=\"16838\""), "A4");
    assert!(document.contains("w:top=\"2098\"") && document.contains("w:left=\"1588\""), "GB/T 9704 margins");

    // The text, as a .docx reader sees it, against the summary of the same period.
    let text = duban_plan::docx::docx_text(&bytes).unwrap();
    let (_, summary) = call(&s, Some(&leader), Method::GET, "/api/v1/plans/1/summary?period=2022-06", None).await;
    let (_, ledger) = call(&s, Some(&leader), Method::GET, "/api/v1/plans/1", None).await;
    assert!(text.contains("关于2022年6月《2022年推动新型城镇化高质量发展工作要点》推进情况的通报"), "{text}");
    let section = |from: &str, to: &str| {
        let start = text.find(from).unwrap_or_else(|| panic!("{from} in {text}"));
        let end = start + text[start..].find(to).unwrap_or_else(|| panic!("{to} after {from}"));
        text[start..end].to_string()
    };
    let total = summary["tasks_total"].as_i64().unwrap();
    assert!(text.contains(&format!("共确定重点任务{total}项")));
    let lagging_section = section("四、滞后事项", "五、未按时报送情况");
    let lagging = summary["lagging"].as_array().unwrap();
    assert!(!lagging.is_empty(), "the demo has lagging tasks in June");
    // Each with its responsible units as the ledger lists them.
    let mut items: Vec<&Value> = ledger["items"].as_array().unwrap().iter().collect();
    let mut by_id = std::collections::HashMap::new();
    while let Some(i) = items.pop() {
        by_id.insert(i["id"].as_i64().unwrap(), i);
        items.extend(i["children"].as_array().unwrap());
    }
    for t in lagging {
        let title = t["title"].as_str().unwrap();
        let line = lagging_section.lines().find(|l| l.contains(title)).unwrap_or_else(|| panic!("{title} is listed"));
        let units = by_id[&t["item_id"].as_i64().unwrap()]["units"].as_array().unwrap();
        assert!(!units.is_empty());
        for u in units {
            assert!(line.contains(u["name"].as_str().unwrap()), "{title}: {u} named in {line}");
        }
    }
    let table_rows = lagging_section.lines().filter(|l| l.split('\t').next().is_some_and(|c| c.parse::<u32>().is_ok()));
    assert_eq!(table_rows.count(), lagging.len(), "only the lagging tasks are listed");
    let late_section = section("五、未按时报送情况", "六、主要指标完成情况");
    let units = summary["units"].as_array().unwrap();
    let late: Vec<&str> = units
        .iter()
        .filter(|u| u["on_time"].as_i64() < u["owed"].as_i64())
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert!(!late.is_empty(), "the demo has late units in June");
    for name in &late {
        assert!(late_section.lines().any(|l| l.split('\t').nth(1) == Some(name)), "{name} is listed as late");
    }
    for u in units.iter().filter(|u| u["owed"].as_i64() > Some(0) && u["on_time"] == u["owed"]) {
        let name = u["name"].as_str().unwrap();
        assert!(!late_section.lines().any(|l| l.split('\t').nth(1) == Some(name)), "{name} was on time");
    }
    assert!(late_section.contains(&format!("本期共有{}个单位未按时报送", late.len())));
    // Every indicator has a row with its target written as the plan writes it.
    let indicators = section("六、主要指标完成情况", "七、各单位报送情况排名");
    assert!(indicators.contains("≥8.8万套（间）") || indicators.contains("8.8万"), "{indicators}");
    assert_eq!(
        indicators.lines().filter(|l| l.split('\t').next().is_some_and(|c| c.parse::<u32>().is_ok())).count(),
        summary["indicators"].as_array().unwrap().len()
    );
    // A period that does not exist, and a missing period, are refused.
    let (st, e) = call(&s, Some(&leader), Method::GET, "/api/v1/plans/1/bulletin.docx?period=2031-01", None).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (st, _) = call(&s, Some(&leader), Method::GET, "/api/v1/plans/1/bulletin.docx", None).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    std::fs::create_dir_all("../../target/artifacts").unwrap();
    std::fs::write("../../target/artifacts/bulletin-2022-06.docx", &bytes).unwrap();
}

/// Export → import → export gives the same ledger; bad workbooks are refused with a clear message and
/// change nothing.
#[tokio::test]
async fn an_excel_ledger_round_trips_and_bad_workbooks_are_refused() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let s = start().await;
    let admin = token(&s, "office").await;
    let download = async |id: i64| {
        let r = Client::new()
            .get(s.url(&format!("/api/v1/plans/{id}/ledger.xlsx")))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        r.bytes().await.unwrap().to_vec()
    };
    let upload = async |name: &str, bytes: Vec<u8>| {
        let r = Client::new()
            .post(s.url(&format!("/api/v1/plans?name={name}")))
            .bearer_auth(&admin)
            .body(bytes)
            .send()
            .await
            .unwrap();
        let status = r.status();
        (status, r.json::<Value>().await.unwrap())
    };
    let cells = |bytes: &[u8]| -> Vec<Vec<String>> {
        let mut x: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let range = x.worksheet_range("全部任务").unwrap();
        range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::String(s) => s.clone(),
                        Data::Empty => String::new(),
                        other => format!("{other:?}"),
                    })
                    .collect()
            })
            .collect()
    };
    let first = download(1).await;
    let (st, body) = upload("台账.xlsx", first.clone()).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let id = body["plan"]["id"].as_i64().unwrap();
    assert_eq!(body["plan"]["state"], "draft", "an imported ledger is a draft for review");
    assert_eq!(body["unresolved"].as_array().unwrap().len(), 0, "every unit resolves: {}", body["unresolved"]);
    let (_, ledger) = call(&s, Some(&admin), Method::GET, &format!("/api/v1/plans/{id}"), None).await;
    assert_eq!(ledger["plan"]["title"], "2022年推动新型城镇化高质量发展工作要点");
    assert_eq!(ledger["plan"]["year"], 2022);
    let second = download(id).await;
    let (a, b) = (cells(&first), cells(&second));
    assert_eq!(a.len(), 2 + 6 + 24);
    assert_eq!(a, b, "export → import → export gives the same ledger");
    // The indicators came back as indicators, not just as text.
    let (_, original) = call(&s, Some(&admin), Method::GET, "/api/v1/plans/1", None).await;
    let count = |l: &Value| l.to_string().matches("\"metric\"").count();
    assert_eq!(count(&ledger), count(&original));
    assert!(count(&ledger) > 0);

    let (_, before) = call(&s, Some(&admin), Method::GET, "/api/v1/plans", None).await;
    // A damaged workbook, a password-protected one, a Word document and a PDF named .xlsx, an empty file.
    let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    encrypted.extend(std::iter::repeat_n(0u8, 512));
    encrypted.extend("EncryptionInfo".encode_utf16().flat_map(|u| u.to_le_bytes()));
    let truncated = first[..first.len() / 2].to_vec();
    let word = {
        let r = Client::new()
            .get(s.url("/api/v1/plans/1/bulletin.docx?period=2022-06"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap();
        r.bytes().await.unwrap().to_vec()
    };
    for (name, bytes, code) in [
        ("坏.xlsx", truncated, "file.corrupt"),
        ("加密.xlsx", encrypted, "file.encrypted"),
        ("通报.xlsx", word, "file.wrong_type"),
        ("scan.xlsx", b"%PDF-1.4 not a workbook".to_vec(), "file.wrong_type"),
        ("empty.xlsx", Vec::new(), "file.empty"),
    ] {
        let (st, e) = upload(name, bytes).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{name}: {e}");
        assert_eq!(e["error"]["code"], code, "{name}: {e}");
        assert!(!e["error"]["message"].as_str().unwrap().is_empty());
    }
    let (_, after) = call(&s, Some(&admin), Method::GET, "/api/v1/plans", None).await;
    assert_eq!(before, after, "nothing was imported");
}

/// Reads every sheet of a workbook as text cells and writes it again with `edits` (sheet 0 row, column,
/// text), as a person filling the sheet in Excel and saving it would.
fn refill(bytes: &[u8], edits: &[(u32, u16, &str)]) -> Vec<u8> {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let mut x: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    for (i, name) in x.sheet_names().iter().enumerate() {
        let range = x.worksheet_range(name).unwrap();
        let ws = wb.add_worksheet();
        ws.set_name(name).unwrap();
        for (r, row) in range.rows().enumerate() {
            for (c, v) in row.iter().enumerate() {
                match v {
                    Data::String(s) => ws.write_string(r as u32, c as u16, s).map(|_| ()).unwrap(),
                    Data::Float(f) => ws.write_number(r as u32, c as u16, *f).map(|_| ()).unwrap(),
                    Data::Int(n) => ws.write_number(r as u32, c as u16, *n as f64).map(|_| ()).unwrap(),
                    _ => {}
                }
            }
        }
        if i == 0 {
            for (r, c, text) in edits {
                match text.parse::<f64>() {
                    Ok(n) => ws.write_number(*r, *c, n).map(|_| ()).unwrap(),
                    Err(_) => ws.write_string(*r, *c, *text).map(|_| ()).unwrap(),
                }
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// A unit downloads its pre-filled July sheet, fills it offline, uploads it: bad cells are listed by row
/// and column with nothing saved; a good sheet saves and sends every report at once; a stale sheet, another
/// unit's upload and a wrong file are refused.
#[tokio::test]
async fn offline_reporting_by_excel() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let s = start().await;
    s.set_time(Utc.with_ymd_and_hms(2022, 7, 20, 2, 0, 0).unwrap());
    let admin = token(&s, "office").await;
    let (_, ledger) = call(&s, Some(&admin), Method::GET, "/api/v1/plans/1", None).await;
    let mut stack: Vec<Value> = ledger["items"].as_array().unwrap().clone();
    let mut housing = Value::Null;
    while let Some(i) = stack.pop() {
        if i["targets"].to_string().contains("保障性租赁住房") && i["is_task"] == true {
            housing = i.clone();
        }
        stack.extend(i["children"].as_array().unwrap().iter().cloned());
    }
    let unit = housing["units"][0]["unit_id"].as_i64().unwrap();
    let item = housing["id"].as_i64().unwrap();
    let indicator = housing["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["metric"].as_str().unwrap().contains("保障性租赁住房"))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let reporter = token(&s, &format!("unit{unit:02}")).await;
    let r = Client::new()
        .get(s.url("/api/v1/plans/1/report-sheet.xlsx?period=2022-07"))
        .bearer_auth(&reporter)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let sheet = r.bytes().await.unwrap().to_vec();
    let mut x: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(sheet.clone())).unwrap();
    let range = x.worksheet_range("进展报送").unwrap();
    let text = |r: u32, c: u32| match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        _ => String::new(),
    };
    assert!(text(0, 0).contains("2022年7月进展报送表"), "{}", text(0, 0));
    let task_row = (0..range.height() as u32).find(|r| text(*r, 0) == format!("T{item}")).unwrap();
    let ind_row = (0..range.height() as u32).find(|r| text(*r, 0) == format!("I{indicator}")).unwrap();
    assert!(text(task_row, 6).contains("（模拟数据）"), "pre-filled from June: {}", text(task_row, 6));
    assert_eq!(text(task_row, 5), "未填报");
    let june_value: f64 = text(ind_row, 11).parse().expect("June's value is pre-filled");
    let (_, todo) = call(&s, Some(&reporter), Method::GET, "/api/v1/plans/1/todo?period=2022-07", None).await;
    let owed = todo.as_array().unwrap().len();
    let task_rows = (0..range.height() as u32).filter(|r| text(*r, 0).starts_with('T')).count();
    assert_eq!(task_rows, owed, "one row per task the unit owes");

    let upload = async |tok: &str, bytes: Vec<u8>, submit: bool| {
        let r = Client::new()
            .post(s.url(&format!("/api/v1/plans/1/report-sheet?submit={submit}")))
            .bearer_auth(tok)
            .body(bytes)
            .send()
            .await
            .unwrap();
        (r.status(), r.json::<Value>().await.unwrap())
    };
    let (_, periods) = call(&s, Some(&admin), Method::GET, "/api/v1/plans/1/periods", None).await;
    let july = periods.as_array().unwrap().iter().find(|p| p["key"] == "2022-07").unwrap()["id"].as_i64().unwrap();
    let july_reports = async || {
        let (_, r) =
            call(&s, Some(&admin), Method::GET, &format!("/api/v1/reports?period_id={july}&unit_id={unit}"), None)
                .await;
        r.as_array().unwrap().clone()
    };

    // Bad cells: each named by its row and column; nothing saved.
    let bad = refill(&sheet, &[(task_row, 9, "120"), (task_row, 10, "也许"), (ind_row, 11, "很多")]);
    let (st, e) = upload(&reporter, bad, true).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["code"], "sheet.invalid");
    let msg = e["error"]["message"].as_str().unwrap();
    let line = task_row + 1;
    assert!(msg.contains(&format!("第{line}行“完成进度（%）”列")), "{msg}");
    assert!(msg.contains(&format!("第{line}行“是否完成”列")), "{msg}");
    assert!(msg.contains(&format!("第{}行“本期数值”列", ind_row + 1)), "{msg}");
    assert!(july_reports().await.is_empty(), "nothing saved");

    // A good sheet: every report saved and sent in one go.
    let good_value = june_value + 1234.0;
    let good = refill(
        &sheet,
        &[
            (task_row, 6, "七月：新开工保障性租赁住房项目（离线填报）"),
            (task_row, 9, "60"),
            (ind_row, 11, &good_value.to_string()),
        ],
    );
    let (st, out) = upload(&reporter, good.clone(), true).await;
    assert_eq!(st, StatusCode::OK, "{out}");
    let saved = out["saved"].as_u64().unwrap() as usize;
    assert!(saved >= 1 && saved + out["unchanged"].as_u64().unwrap() as usize == owed, "{out}");
    let reports = july_reports().await;
    assert_eq!(reports.len(), saved);
    assert!(reports.iter().all(|r| r["state"] == "submitted"));
    let h = reports.iter().find(|r| r["item_id"] == item).unwrap();
    assert_eq!(h["progress"], "七月：新开工保障性租赁住房项目（离线填报）");
    assert_eq!(h["percent"], 60.0);
    assert_eq!(h["values"][0]["value"].as_f64(), Some(good_value));

    // The same sheet again is stale now; another unit cannot upload it; a Word file is not a sheet.
    let (st, e) = upload(&reporter, good.clone(), false).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("已在系统中修改"), "{e}");
    let other_unit = if unit == 1 { 2 } else { 1 };
    let other = token(&s, &format!("unit{other_unit:02}")).await;
    let (st, e) = upload(&other, good, false).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
    let docx = download(&s, &admin, "/api/v1/plans/1/bulletin.docx?period=2022-06").await;
    let (st, e) = upload(&reporter, docx, false).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("file.wrong_type")), "{e}");
    assert_eq!(july_reports().await.len(), saved, "nothing changed by the refused uploads");
}

/// An office's own accounts sheet: a title row, then the columns in its own order.
fn office_accounts_sheet(rows: &[[String; 7]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write(0, 0, "2023年城镇化工作联络员名单").unwrap();
    // 姓名 before 账号, 状态 before 邮箱: found by their names, in any order.
    let header = ["姓名", "账号", "单位", "角色", "手机", "状态", "邮箱"];
    for (c, h) in (0u16..).zip(header) {
        ws.write(1, c, h).unwrap();
    }
    for (r, row) in (2u32..).zip(rows) {
        let [username, name, unit, role, phone, email, state] = row;
        for (c, v) in (0u16..).zip([name, username, unit, role, phone, state, email]) {
            ws.write(r, c, v.as_str()).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The directory and the people from Excel: the units sheet out and back in (its 排序 orders the
/// directory, a parent named nowhere refused), then 40 accounts from the office's own sheet with three bad
/// rows (each named by row and column, nothing written), fixed and uploaded again, and their 开通通知
/// read back with initial passwords that sign in and must be changed.
#[tokio::test]
async fn units_and_accounts_come_in_and_out_as_excel_sheets() {
    let s = start().await;
    let admin = token(&s, "office").await;
    let post_sheet = |path: &'static str, bytes: Vec<u8>| {
        let (url, tok) = (s.url(path), admin.clone());
        async move {
            let r = Client::new().post(url).bearer_auth(tok).body(bytes).send().await.unwrap();
            let st = r.status();
            (st, r.json::<Value>().await.unwrap())
        }
    };
    // Units: downloaded, every unit on it.
    let sheet = download(&s, &admin, "/api/v1/units.xlsx").await;
    let grid = duban_office::workbook::read_grid(&sheet, None).unwrap();
    let (_, units) = call(&s, Some(&admin), Method::GET, "/api/v1/units", None).await;
    assert_eq!(grid.cells[0], duban_office::directory_sheets::UNIT_COLUMNS.map(String::from));
    assert_eq!(grid.cells.len() - 1, units.as_array().unwrap().len());
    // Uploaded with a new unit under 西安市政府, and 排序 set; a parent named nowhere refuses it all.
    use duban_office::directory_sheets::{UnitSheetRow, units_xlsx};
    let row = |name: &str, parent: &str, order: i64| UnitSheetRow {
        line: 0,
        name: name.into(),
        aliases: vec![],
        kind: duban_model::UnitKind::Department,
        parent: parent.into(),
        sort_order: order,
        contact: "王五".into(),
        phone: "029-86868686".into(),
        email: "sjj@xa.gov.cn".into(),
    };
    let bad = units_xlsx(&[row("西安市数据局", "无此上级", 1)]).unwrap();
    let (st, e) = post_sheet("/api/v1/units.xlsx", bad).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("sheet.invalid")), "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("第2行“上级单位”列"), "{e}");
    let good = units_xlsx(&[row("西安市数据局", "西安市政府", 900), row("省发展改革委", "", 1)]).unwrap();
    let (st, applied) = post_sheet("/api/v1/units.xlsx", good).await;
    assert_eq!((st, applied["created"].as_u64(), applied["updated"].as_u64()), (StatusCode::OK, Some(1), Some(1)));
    let (_, units) = call(&s, Some(&admin), Method::GET, "/api/v1/units", None).await;
    let units = units.as_array().unwrap();
    let at = |n: &str| units.iter().position(|u| u["name"] == n).unwrap();
    assert_eq!(units.last().unwrap()["name"], "西安市数据局", "排序 900 lists it last");
    assert!(at("省发展改革委") > at("西安市政府"), "排序 1 after the units of 排序 0");
    let sjj = &units[at("西安市数据局")];
    assert_eq!(
        (sjj["parent_id"].clone(), sjj["phone"].as_str()),
        (units[at("西安市政府")]["id"].clone(), Some("029-86868686"))
    );

    // Forty accounts, three of them wrong.
    let mut rows: Vec<[String; 7]> = (1..=40)
        .map(|i| {
            // An alias the directory knows (陕西省发展和改革委员会 for 省发展改革委) is as good as the name.
            let unit = if i % 2 == 0 { "西安市政府" } else { "陕西省发展和改革委员会" };
            [
                format!("lly{i:02}"),
                format!("联络员{i}"),
                unit.to_string(),
                "联络员".to_string(),
                format!("138000000{i:02}"),
                String::new(),
                "正常".to_string(),
            ]
        })
        .collect();
    rows[2][0] = "有 空格".into(); // line 5
    rows[9][2] = "无此单位".into(); // line 12
    rows[19][3] = "组长".into(); // line 22
    let before = call(&s, Some(&admin), Method::GET, "/api/v1/users", None).await.1.as_array().unwrap().len();
    let (st, e) = post_sheet("/api/v1/users.xlsx", office_accounts_sheet(&rows)).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    let m = e["error"]["message"].as_str().unwrap();
    assert!(m.contains("3处错误"), "{m}");
    for at in ["第5行“账号”列", "第12行“单位”列", "第22行“角色”列"] {
        assert!(m.contains(at), "{at} in {m}");
    }
    let after = call(&s, Some(&admin), Method::GET, "/api/v1/users", None).await.1.as_array().unwrap().len();
    assert_eq!(after, before, "nothing written");
    // Fixed and uploaded again.
    rows[2][0] = "lly03".into();
    rows[19][3] = "单位领导".into();
    rows[9][2] = "西安市政府".into();
    let (st, applied) = post_sheet("/api/v1/users.xlsx", office_accounts_sheet(&rows)).await;
    assert_eq!((st, applied["created"].as_u64()), (StatusCode::OK, Some(40)), "{applied}");
    let (_, users) = call(&s, Some(&admin), Method::GET, "/api/v1/users", None).await;
    let made: Vec<&Value> =
        users.as_array().unwrap().iter().filter(|u| u["username"].as_str().unwrap().starts_with("lly")).collect();
    assert_eq!(made.len(), 40);
    assert!(made.iter().all(|u| u["must_change_password"] == true));
    let lly20 = made.iter().find(|u| u["username"] == "lly20").unwrap();
    assert_eq!(lly20["role"], "leader");
    // The 开通通知 of the new accounts: 40 rows, and a password from it signs in (to change it).
    let r = Client::new()
        .post(s.url("/api/v1/users/activation-sheet"))
        .bearer_auth(&admin)
        .json(&json!({ "user_ids": applied["created_ids"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let notice = duban_office::workbook::read_grid(&r.bytes().await.unwrap(), Some("开通通知")).unwrap();
    let accounts: Vec<&Vec<String>> =
        notice.cells.iter().skip(3).filter(|r| r.get(1).is_some_and(|c| c.starts_with("lly"))).collect();
    assert_eq!(accounts.len(), 40);
    let first = accounts[0];
    let r = Client::new()
        .post(s.url("/api/v1/login"))
        .json(&json!({ "username": first[1], "password": first[5], "kind": "api" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let tok = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string();
    let (st, e) = call(&s, Some(&tok), Method::GET, "/api/v1/plans", None).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("password.must_change")));
    // The accounts sheet comes out with them.
    let out = duban_office::workbook::read_grid(&download(&s, &admin, "/api/v1/users.xlsx").await, None).unwrap();
    assert!(
        out.cells
            .iter()
            .any(|r| r.first().is_some_and(|c| c == "lly40") && r.get(2).is_some_and(|c| c == "西安市政府"))
    );
}

/// 三员分立: separating needs a system administrator and a security auditor; separated, the office keeps
/// the business only, the system administrator the accounts and units only, the auditor reads the audit
/// log only; joined again, the office has all three.
#[tokio::test]
async fn the_duties_can_be_separated() {
    let s = start().await;
    let office = token(&s, "office").await;
    let separate = |on: bool| json!({ "on": on });
    let (st, e) = call(&s, Some(&office), Method::PUT, "/api/v1/settings/separation", Some(separate(true))).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("separation.needs_roles")), "{e}");
    let sa = new_account(&s, &office, json!({ "username": "sa1", "role": "sysadmin" })).await;
    let au = new_account(&s, &office, json!({ "username": "au1", "role": "auditor" })).await;
    let (st, _) = call(&s, Some(&office), Method::PUT, "/api/v1/settings/separation", Some(separate(true))).await;
    assert_eq!(st, StatusCode::OK);
    let (_, on) = call(&s, Some(&au), Method::GET, "/api/v1/settings/separation", None).await;
    assert_eq!(on["on"], true);
    let new_user = |name: &str| json!({ "username": name, "role": "viewer" });
    let recent = "/api/v1/audit/recent?entity=signin";
    // The office: the business, not the accounts or the audit.
    let (st, _) = call(&s, Some(&office), Method::POST, "/api/v1/users", Some(new_user("x1"))).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(call(&s, Some(&office), Method::GET, recent, None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(call(&s, Some(&office), Method::GET, "/api/v1/audit/verify", None).await.0, StatusCode::FORBIDDEN);
    assert_eq!(call(&s, Some(&office), Method::GET, "/api/v1/plans/1", None).await.0, StatusCode::OK);
    // The system administrator: accounts and units, not the business or the audit.
    let (st, body) = call(&s, Some(&sa), Method::POST, "/api/v1/users", Some(new_user("x2"))).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let (st, _) = call(&s, Some(&sa), Method::POST, "/api/v1/units", Some(json!({ "name": "省数据局" }))).await;
    assert_eq!(st, StatusCode::CREATED);
    let r = Client::new()
        .post(s.url("/api/v1/plans?name=x.txt"))
        .bearer_auth(&sa)
        .body(duban_app::demo::SHAANXI_2022)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "no plans");
    assert_eq!(call(&s, Some(&sa), Method::GET, recent, None).await.0, StatusCode::FORBIDDEN);
    // The security auditor: reads the sign-ins, changes nothing.
    let (st, log) = call(&s, Some(&au), Method::GET, recent, None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(log.as_array().unwrap().iter().any(|e| e["action"] == "signin.ok" && e["entity_id"] == "sa1"), "{log}");
    assert_eq!(call(&s, Some(&au), Method::GET, "/api/v1/audit/verify", None).await.0, StatusCode::OK);
    assert_eq!(call(&s, Some(&au), Method::POST, "/api/v1/users", Some(new_user("x3"))).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        call(&s, Some(&au), Method::PUT, "/api/v1/settings/separation", Some(separate(false))).await.0,
        StatusCode::FORBIDDEN
    );
    // The change of the setting is on record, and joining again gives the office all three.
    let (_, settings) = call(&s, Some(&au), Method::GET, "/api/v1/audit/recent?entity=settings", None).await;
    assert_eq!(settings[0]["action"], "settings.separation_of_duties");
    let (st, _) = call(&s, Some(&sa), Method::PUT, "/api/v1/settings/separation", Some(separate(false))).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = call(&s, Some(&office), Method::POST, "/api/v1/users", Some(new_user("x4"))).await;
    assert_eq!(st, StatusCode::CREATED);
}

/// `serve --demo` has 督办s to show: issued after May on the tasks furthest behind, replied to by their
/// leads, one closed, one escalated to yellow and not yet answered, one still open.
#[tokio::test]
async fn the_demo_has_supervision_at_each_stage() {
    use duban_core::supervision::{Level, SupervisionState};
    let dir = std::env::temp_dir().join(format!("duban_demo_sup_{}_{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(dir.join("demo.db").to_str().unwrap()).await.unwrap();
    let hash = duban_store::hash_password("demo-password").unwrap();
    let d = duban_app::demo::load_year(&store, &hash, 2022, 6).await.unwrap();
    assert_eq!(d.supervisions, 4);
    let fgw = store.list_units().await.unwrap().into_iter().find(|u| u.name == "省发展改革委").unwrap();
    assert!(fgw.signoff, "the demo has one unit that signs off");
    assert!(d.accounts.iter().any(|(a, _)| a == duban_app::demo::SIGNOFF_LEADER));
    // Three tasks with leads marked (simulated, and the reason says so), consolidated reporting.
    let ledger = store.ledger(d.plan_id).await.unwrap();
    let led: Vec<_> = ledger
        .all_items()
        .into_iter()
        .filter(|i| i.units.iter().any(|u| u.role == duban_model::UnitRole::Lead))
        .collect();
    assert_eq!(led.len(), 3);
    assert!(led.iter().all(|t| t.units.iter().filter(|u| u.role == duban_model::UnitRole::Lead).count() == 1));
    let mode = store.reporting(d.plan_id).await.unwrap();
    assert_eq!(mode.mode, duban_core::reporting::ReportingMode::Consolidated);
    assert!(mode.reason.contains("模拟数据"));
    let all =
        store.supervisions(&duban_core::Actor::system(), &duban_store::SupervisionFilter::default()).await.unwrap();
    let states: Vec<(Level, SupervisionState)> = all.iter().rev().map(|s| (s.level, s.state)).collect();
    assert_eq!(
        states,
        [
            (Level::Blue, SupervisionState::Accepted),
            (Level::Blue, SupervisionState::Escalated),
            (Level::Blue, SupervisionState::Open),
            (Level::Yellow, SupervisionState::Open),
        ]
    );
    assert!(all.iter().all(|s| s.reason.starts_with("2022年5月调度显示")), "cites May");
    let blue_open = &all[1];
    assert_eq!(blue_open.replied_count(), 1, "the lead replied");
    assert!(blue_open.units[0].measures.contains("（模拟数据）"));
    let o = duban_store::SupervisionOverview::of(&all, chrono::NaiveDate::from_ymd_opt(2022, 7, 2).unwrap());
    assert_eq!((o.open_blue, o.open_yellow, o.open_red, o.accepted), (1, 1, 0, 1));
    assert_eq!(o.reply_overdue, 2, "by July both open ones have units that did not reply");
}

/// 考核 on a small plan, computed by hand: every event and point of every unit matches, for January and
/// for the year to date; new rules leave a locked January as it was scored.
#[tokio::test]
async fn a_score_computed_by_hand_matches_event_by_event() {
    use duban_core::assessment::{Event, Rules};
    use duban_core::{Actor, ItemId, Role, UnitId, UserId};
    use duban_store::{Ctx, NewUnit, ReportDraft};
    let dir = std::env::temp_dir().join(format!("duban_assess_{}_{}", std::process::id(), rand_suffix()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(dir.join("a.db").to_str().unwrap()).await.unwrap();
    let day = |m: u32, d: u32, h: u32| Utc.with_ymd_and_hms(2022, m, d, h, 0, 0).unwrap();
    let office = |t| Ctx::new(Actor::system(), t);
    let text = "2022年测试工作要点\n一、重点任务\n（一）建设保障性住房。（甲厅牵头，乙厅配合）\n（二）推进数字政府。（丙局负责）\n";
    let plan = duban_plan::parse_text(text);
    let rec = store.import_plan(&office(day(1, 10, 2)), "t.txt", text, &plan).await.unwrap();
    let mut ids = std::collections::HashMap::new();
    for n in ["甲厅", "乙厅", "丙局"] {
        let u =
            store.create_unit(&office(day(1, 10, 2)), &NewUnit { name: n.into(), ..Default::default() }).await.unwrap();
        ids.insert(n, u.id);
    }
    assert!(store.resolve_plan_names(&office(day(1, 10, 2)), rec.id).await.unwrap().is_empty());
    let rec = store.plan(rec.id).await.unwrap();
    store.publish_plan(&office(day(1, 10, 2)), rec.id, rec.row_version).await.unwrap();
    let periods = store
        .create_periods(&office(day(1, 10, 2)), rec.id, &duban_core::periods::monthly(2022, 5, 3).unwrap())
        .await
        .unwrap();
    let jan = periods[0].id;
    let ledger = store.ledger(rec.id).await.unwrap();
    let tasks: Vec<&duban_store::LedgerItem> = ledger.all_items().into_iter().filter(|i| i.is_task).collect();
    let (housing, digital) = (tasks[0].id, tasks[1].id);
    let rep = |unit: &str, t| {
        let unit_id = ids[unit];
        Ctx::new(
            Actor {
                user_id: UserId(100 + unit_id.get()),
                username: format!("r{unit_id}"),
                role: Role::Reporter,
                unit_id: Some(unit_id),
            },
            t,
        )
    };
    // 甲厅 (lead on housing) sends on 7 February, after the 5th: late, and at 2 % it lags.
    let a = rep("甲厅", day(2, 7, 2));
    let d =
        ReportDraft { progress: "开工".into(), percent: Some(2.0), ..ReportDraft::new(jan, housing, ids["甲厅"]) };
    let r = store.save_report(&a, &d).await.unwrap();
    store.submit_report(&a, r.id, r.version).await.unwrap();
    // 乙厅 (co on housing) sends nothing: missing once January locks (after 8 February).
    // 丙局 finishes digital on time, is returned once, fixes it.
    let c = rep("丙局", day(2, 3, 2));
    let d = ReportDraft {
        progress: "完成".into(),
        percent: Some(100.0),
        finished: true,
        ..ReportDraft::new(jan, digital, ids["丙局"])
    };
    let r = store.save_report(&c, &d).await.unwrap();
    let r = store.submit_report(&c, r.id, r.version).await.unwrap();
    let r = store.review_report(&office(day(2, 4, 2)), r.id, r.version, false, "补充材料").await.unwrap();
    let c2 = rep("丙局", day(2, 4, 3));
    let r = store.save_report(&c2, &ReportDraft { version: Some(r.version), ..d.clone() }).await.unwrap();
    let r = store.submit_report(&c2, r.id, r.version).await.unwrap();
    store.review_report(&office(day(2, 4, 4)), r.id, r.version, true, "").await.unwrap();
    // A 督办 on housing, reply by 15 February: 甲厅 answers, 乙厅 does not (February's event).
    let sup = store
        .issue_supervisions(
            &office(day(2, 10, 2)),
            rec.id,
            &[duban_store::NewSupervision {
                item_id: housing,
                period_id: Some(jan),
                level: duban_core::supervision::Level::Blue,
                reason: "滞后".into(),
                demand: "回复".into(),
                reply_by: chrono::NaiveDate::from_ymd_opt(2022, 2, 15).unwrap(),
                units: vec![],
            }],
        )
        .await
        .unwrap();
    let reply = duban_store::SupervisionReply {
        unit_id: ids["甲厅"],
        measures: "加快".into(),
        new_deadline: chrono::NaiveDate::from_ymd_opt(2022, 3, 31).unwrap(),
    };
    store.reply_supervision(&rep("甲厅", day(2, 12, 2)), sup[0].id, &reply).await.unwrap();

    let th = duban_core::Thresholds::default();
    let now = day(2, 20, 2);
    let lines = |a: &duban_model::Assessment, unit: &str| -> Vec<(Event, Option<ItemId>, String, f64)> {
        let u = a.unit(ids[unit]).unwrap();
        let mut l: Vec<_> = u.lines.iter().map(|l| (l.event, l.item_id, l.period_key.clone(), l.points)).collect();
        l.sort_by_key(|x| x.0);
        l
    };
    let year = duban_app::assessment::assess(&store, &Actor::system(), rec.id, None, now, &th).await.unwrap();
    let j = "2022-01".to_string();
    let f = "2022-02".to_string();
    assert_eq!(
        lines(&year, "甲厅"),
        [(Event::ReportLate, Some(housing), j.clone(), -1.0), (Event::LaggingLead, Some(housing), j.clone(), -1.0)]
    );
    assert_eq!(
        lines(&year, "乙厅"),
        [
            (Event::ReportMissing, Some(housing), j.clone(), -2.0),
            (Event::LaggingCo, Some(housing), j.clone(), -0.5),
            (Event::SupervisionUnanswered, Some(housing), f.clone(), -1.0),
        ]
    );
    assert_eq!(
        lines(&year, "丙局"),
        [
            (Event::ReportReturned, Some(digital), j.clone(), -0.5),
            (Event::FinishedEarly, Some(digital), j.clone(), 2.0)
        ]
    );
    let totals: Vec<(UnitId, usize, f64)> = year.units.iter().map(|u| (u.unit_id, u.rank, u.total)).collect();
    assert_eq!(totals, [(ids["丙局"], 1, 101.5), (ids["甲厅"], 2, 98.0), (ids["乙厅"], 3, 96.5)]);
    let month =
        duban_app::assessment::assess(&store, &Actor::system(), rec.id, Some("2022-01"), now, &th).await.unwrap();
    assert_eq!(month.unit(ids["乙厅"]).unwrap().total, 97.5, "January alone: no 督办 line");
    assert!(month.unit(ids["乙厅"]).unwrap().lines.iter().any(|l| l.subject.contains("建设保障性住房")));

    // New rules on 20 February: January (locked on the 8th) keeps the defaults; February takes the new.
    let mut rules = Rules::default();
    rules.points.insert(Event::SupervisionUnanswered, -5.0);
    rules.points.insert(Event::ReportLate, -9.0);
    let err = store.set_assessment_rules(&office(now), rec.id, &rules, " ").await.unwrap_err();
    assert_eq!(err.code, "assessment.reason");
    let v = store.set_assessment_rules(&office(now), rec.id, &rules, "督办回复纳入重点考核").await.unwrap();
    assert_eq!(v.version, 1);
    let year = duban_app::assessment::assess(&store, &Actor::system(), rec.id, None, now, &th).await.unwrap();
    let versions: Vec<(String, i64)> = year.rules.iter().map(|r| (r.period_key.clone(), r.version)).collect();
    assert_eq!(versions, [(j.clone(), 0), (f.clone(), 1)]);
    assert_eq!(year.unit(ids["甲厅"]).unwrap().total, 98.0, "January's late report still −1");
    assert_eq!(year.unit(ids["乙厅"]).unwrap().total, 92.5, "February's unanswered 督办 now −5");
    // A unit's people see their own line only.
    let mine = duban_app::assessment::assess(&store, &rep("甲厅", now).actor, rec.id, None, now, &th).await.unwrap();
    assert_eq!(mine.units.len(), 1);
    assert_eq!((mine.units[0].unit_id, mine.units[0].rank), (ids["甲厅"], 2), "with its rank among all");
}

/// 考核 over HTTP on the demo: rules read and set by the office only, scores as JSON and as an Excel sheet
/// that reads back with the same totals.
#[tokio::test]
async fn assessment_rules_and_scores_over_http() {
    let s = start().await;
    let admin = token(&s, "office").await;
    let leader = token(&s, "leader").await;
    let (st, rules) = call(&s, Some(&leader), Method::GET, "/api/v1/plans/1/assessment/rules", None).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(rules[0]["version"], 0);
    assert_eq!(rules[0]["rules"]["points"]["report_missing"], -2.0);
    let body =
        json!({ "rules": { "base": 100, "points": { "report_late": -2, "finished_early": 3 } }, "reason": "年中调整" });
    let (st, _) = call(&s, Some(&leader), Method::PUT, "/api/v1/plans/1/assessment/rules", Some(body.clone())).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let mut bad = body.clone();
    bad["rules"]["points"]["report_late"] = json!(1e9);
    let (st, e) = call(&s, Some(&admin), Method::PUT, "/api/v1/plans/1/assessment/rules", Some(bad)).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("assessment.points")));
    let (st, v) = call(&s, Some(&admin), Method::PUT, "/api/v1/plans/1/assessment/rules", Some(body)).await;
    assert_eq!((st, v["version"].as_i64()), (StatusCode::OK, Some(1)), "{v}");

    let (st, a) = call(&s, Some(&leader), Method::GET, "/api/v1/plans/1/assessment?period=2022-06", None).await;
    assert_eq!(st, StatusCode::OK, "{a}");
    let units = a["units"].as_array().unwrap();
    assert!(units.len() > 30, "every unit owing reports is scored");
    assert!(units.windows(2).all(|w| w[0]["total"].as_f64() >= w[1]["total"].as_f64()), "best first");
    for u in units {
        let sum: f64 = u["lines"].as_array().unwrap().iter().map(|l| l["points"].as_f64().unwrap()).sum();
        assert!((u["base"].as_f64().unwrap() + sum - u["total"].as_f64().unwrap()).abs() < 1e-9, "{u}");
    }
    assert!(units.iter().any(|u| !u["lines"].as_array().unwrap().is_empty()), "the demo has late and lagging work");
    // June is still open on 2 July: scored under the rules just set.
    assert_eq!(a["rules"][0]["version"], 1);
    let (st, _) = call(&s, Some(&leader), Method::GET, "/api/v1/plans/1/assessment?period=2031-01", None).await;
    assert_eq!(st, StatusCode::NOT_FOUND);

    let bytes = download(&s, &leader, "/api/v1/plans/1/assessment.xlsx?period=2022-06").await;
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    let sheet = wb.worksheet_range("考核得分").unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows[2][..6], ["排名", "单位", "基础分", "扣分", "加分", "得分"]);
    for (row, u) in rows[3..].iter().zip(units) {
        assert_eq!(row[1], u["name"].as_str().unwrap());
        assert_eq!(row[5].parse::<f64>().unwrap(), u["total"].as_f64().unwrap());
    }
    let lines = wb.worksheet_range("扣加分明细").unwrap();
    let count: usize = units.iter().map(|u| u["lines"].as_array().unwrap().len()).sum();
    assert_eq!(lines.rows().count(), count + 1, "every line, under one header");

    // The bulletin has the scores as of its day, under the version then in force.
    let text =
        duban_plan::docx::docx_text(&download(&s, &leader, "/api/v1/plans/1/bulletin.docx?period=2022-06").await)
            .unwrap();
    assert!(text.contains("按第1版计分规则，本期各单位考核得分如下"), "{text}");
    assert!(text.contains("各单位考核得分"));
    let best = &units[0];
    assert!(text.contains(best["name"].as_str().unwrap()));
}

/// 单位审签 over HTTP: with sign-off on, a reporter's July report waits for the unit's leader, who sends it
/// back with a reason and then signs the fixed one to the office; the office's queue has it only then.
#[tokio::test]
async fn a_units_leader_signs_off_its_reports() {
    let s = start().await;
    s.set_time(Utc.with_ymd_and_hms(2022, 8, 2, 2, 0, 0).unwrap());
    let admin = token(&s, "office").await;
    let (item, unit) = housing_task(&s).await;
    let (st, u) =
        call(&s, Some(&admin), Method::PATCH, &format!("/api/v1/units/{unit}"), Some(json!({ "signoff": true }))).await;
    assert_eq!((st, u["signoff"].as_bool()), (StatusCode::OK, Some(true)), "{u}");
    let rep = token(&s, &format!("unit{unit:02}")).await;
    let leader = new_account(
        &s,
        &admin,
        json!({ "username": format!("ld{}", rand_suffix()), "role": "leader", "unit_id": unit }),
    )
    .await;
    let (_, periods) = call(&s, Some(&admin), Method::GET, "/api/v1/plans/1/periods", None).await;
    let july = periods.as_array().unwrap().iter().find(|p| p["key"] == "2022-07").unwrap()["id"].as_i64().unwrap();
    let draft = json!({ "period_id": july, "item_id": item, "unit_id": unit, "progress": "七月开工1万套" });
    let (st, r) = call(&s, Some(&rep), Method::PUT, "/api/v1/reports", Some(draft)).await;
    assert_eq!(st, StatusCode::OK, "{r}");
    let (_, r) = call(
        &s,
        Some(&rep),
        Method::POST,
        &format!("/api/v1/reports/{}/submit", r["id"]),
        Some(json!({ "version": r["version"] })),
    )
    .await;
    assert_eq!(r["state"], "signing", "{r}");
    let queue = async || {
        let path = format!("/api/v1/reports?period_id={july}&state=submitted&unit_id={unit}");
        let (_, q) = call(&s, Some(&admin), Method::GET, &path, None).await;
        q.as_array().unwrap().len()
    };
    assert_eq!(queue().await, 0, "not with the office yet");
    let id = r["id"].as_i64().unwrap();
    let sign = |v: &Value, sign: bool, note: &str| json!({ "version": v["version"], "sign": sign, "note": note });
    let (st, e) =
        call(&s, Some(&rep), Method::POST, &format!("/api/v1/reports/{id}/sign"), Some(sign(&r, true, ""))).await;
    assert_eq!(
        (st, e["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden")),
        "a reporter does not sign"
    );
    let (st, e) =
        call(&s, Some(&leader), Method::POST, &format!("/api/v1/reports/{id}/sign"), Some(sign(&r, false, ""))).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("report.reason_required")));
    let (_, back) = call(
        &s,
        Some(&leader),
        Method::POST,
        &format!("/api/v1/reports/{id}/sign"),
        Some(sign(&r, false, "请写明竣工套数")),
    )
    .await;
    assert_eq!((back["state"].as_str(), back["unit_note"].as_str()), (Some("draft"), Some("请写明竣工套数")));
    let fixed = json!({ "period_id": july, "item_id": item, "unit_id": unit, "progress": "七月开工1万套，竣工0.2万套", "version": back["version"] });
    let (_, r) = call(&s, Some(&rep), Method::PUT, "/api/v1/reports", Some(fixed)).await;
    let (_, r) = call(
        &s,
        Some(&rep),
        Method::POST,
        &format!("/api/v1/reports/{id}/submit"),
        Some(json!({ "version": r["version"] })),
    )
    .await;
    assert_eq!(r["state"], "signing");
    let (st, signed) =
        call(&s, Some(&leader), Method::POST, &format!("/api/v1/reports/{id}/sign"), Some(sign(&r, true, ""))).await;
    assert_eq!((st, signed["state"].as_str()), (StatusCode::OK, Some("submitted")), "{signed}");
    assert!(signed["signed_by"].as_str().unwrap().starts_with("ld"));
    assert_eq!(queue().await, 1, "now the office has it");
    let (_, hist) = call(&s, Some(&admin), Method::GET, &format!("/api/v1/audit?entity=report&id={id}"), None).await;
    let actions: Vec<&str> = hist.as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert!(actions.ends_with(&["report.send_back", "report.save", "report.to_signing", "report.sign"]), "{actions:?}");
}

/// Leads consolidate over HTTP: a co-unit's July report goes to the lead; the office cannot review it; the
/// lead reads it, passes it back, and sends its own; the office returns the lead's report, which reaches the
/// lead.
#[tokio::test]
async fn co_units_contribute_and_the_lead_consolidates_over_http() {
    let s = start().await;
    s.set_time(Utc.with_ymd_and_hms(2022, 8, 1, 2, 0, 0).unwrap());
    let marked = duban_app::demo::mark_leads(
        &s.store,
        duban_core::PlanId(1),
        Utc.with_ymd_and_hms(2022, 7, 20, 2, 0, 0).unwrap(),
        1,
    )
    .await
    .unwrap();
    let item = marked[0].get();
    let admin = token(&s, "office").await;
    let (_, mode) = call(&s, Some(&admin), Method::GET, "/api/v1/plans/1/reporting", None).await;
    assert_eq!(mode[0]["mode"], "consolidated");
    let (_, ledger) = call(&s, Some(&admin), Method::GET, "/api/v1/plans/1", None).await;
    let mut stack: Vec<Value> = ledger["items"].as_array().unwrap().clone();
    let mut task = Value::Null;
    while let Some(i) = stack.pop() {
        if i["id"] == item {
            task = i.clone();
        }
        stack.extend(i["children"].as_array().unwrap().iter().cloned());
    }
    let lead = task["units"][0]["unit_id"].as_i64().unwrap();
    let co = task["units"][1]["unit_id"].as_i64().unwrap();
    assert_eq!((task["units"][0]["role"].as_str(), task["units"][1]["role"].as_str()), (Some("lead"), Some("co")));
    let (_, periods) = call(&s, Some(&admin), Method::GET, "/api/v1/plans/1/periods", None).await;
    let july = periods.as_array().unwrap().iter().find(|p| p["key"] == "2022-07").unwrap()["id"].as_i64().unwrap();
    let co_tok = token(&s, &format!("unit{co:02}")).await;
    let lead_tok = token(&s, &format!("unit{lead:02}")).await;
    let (_, todo) =
        call(&s, Some(&co_tok), Method::GET, &format!("/api/v1/plans/1/todo?period=2022-07&unit={co}"), None).await;
    let row = todo.as_array().unwrap().iter().find(|r| r["item_id"] == item).unwrap().clone();
    assert_eq!(row["due_on"], "2022-08-02", "three days before the lead's 5 August");
    assert!(row["to_lead"].is_string());
    let send = async |tok: &str, unit: i64, text: &str| {
        let d = json!({ "period_id": july, "item_id": item, "unit_id": unit, "progress": text });
        let (_, r) = call(&s, Some(tok), Method::PUT, "/api/v1/reports", Some(d)).await;
        let (_, r) = call(
            &s,
            Some(tok),
            Method::POST,
            &format!("/api/v1/reports/{}/submit", r["id"]),
            Some(json!({ "version": r["version"] })),
        )
        .await;
        r
    };
    let c = send(&co_tok, co, "配合：七月完成选址").await;
    assert_eq!(c["state"], "submitted", "{c}");
    let (st, e) = call(
        &s,
        Some(&admin),
        Method::POST,
        &format!("/api/v1/reports/{}/approve", c["id"]),
        Some(json!({ "version": c["version"] })),
    )
    .await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("report.contribution")));
    let path = format!("/api/v1/contributions?period_id={july}&item_id={item}");
    let (_, mine) = call(&s, Some(&lead_tok), Method::GET, &path, None).await;
    assert!(mine.as_array().unwrap().iter().any(|r| r["id"] == c["id"]), "{mine}");
    let (_, none) = call(&s, Some(&co_tok), Method::GET, &path, None).await;
    assert_eq!(none.as_array().unwrap().len(), 0, "a co-unit does not read the others'");
    let body = json!({ "version": c["version"], "reason": "请补充用地面积" });
    let (st, back) = call(
        &s,
        Some(&co_tok),
        Method::POST,
        &format!("/api/v1/reports/{}/return-contribution", c["id"]),
        Some(body.clone()),
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{back}");
    let (_, back) = call(
        &s,
        Some(&lead_tok),
        Method::POST,
        &format!("/api/v1/reports/{}/return-contribution", c["id"]),
        Some(body),
    )
    .await;
    assert_eq!((back["state"].as_str(), back["return_reason"].as_str()), (Some("returned"), Some("请补充用地面积")));
    // The lead's consolidated report goes to the office; the office returns it to the lead.
    let l = send(&lead_tok, lead, "汇总：七月完成选址2处").await;
    let (st, r) = call(
        &s,
        Some(&admin),
        Method::POST,
        &format!("/api/v1/reports/{}/return", l["id"]),
        Some(json!({ "version": l["version"], "reason": "请说明进度" })),
    )
    .await;
    assert_eq!((st, r["state"].as_str()), (StatusCode::OK, Some("returned")), "{r}");
    let (_, todo) =
        call(&s, Some(&lead_tok), Method::GET, &format!("/api/v1/plans/1/todo?period=2022-07&unit={lead}"), None).await;
    let row = todo.as_array().unwrap().iter().find(|r| r["item_id"] == item).unwrap().clone();
    assert_eq!((row["return_reason"].as_str(), row["to_lead"].is_null()), (Some("请说明进度"), true));
    // The lead fixes and resends; the office approves.
    let fixed = json!({ "period_id": july, "item_id": item, "unit_id": lead, "progress": "汇总：七月完成选址2处，进度30%", "version": r["version"] });
    let (_, r) = call(&s, Some(&lead_tok), Method::PUT, "/api/v1/reports", Some(fixed)).await;
    let (_, r) = call(
        &s,
        Some(&lead_tok),
        Method::POST,
        &format!("/api/v1/reports/{}/submit", r["id"]),
        Some(json!({ "version": r["version"] })),
    )
    .await;
    assert_eq!(r["state"], "submitted", "{r}");
    let (st, r) = call(
        &s,
        Some(&admin),
        Method::POST,
        &format!("/api/v1/reports/{}/approve", r["id"]),
        Some(json!({ "version": r["version"] })),
    )
    .await;
    assert_eq!((st, r["state"].as_str()), (StatusCode::OK, Some("approved")));
}

/// Notices over HTTP: the office's return reaches the unit's reporter as a notice in its language, with a
/// link to the report; reading it clears the count.
#[tokio::test]
async fn a_return_reaches_the_unit_as_a_notice() {
    let s = start().await;
    let admin = token(&s, "office").await;
    let (item, unit) = housing_task(&s).await;
    let rep = token(&s, &format!("unit{unit:02}")).await;
    let (_, before) = call(&s, Some(&rep), Method::GET, "/api/v1/notices?unread=true", None).await;
    let (_, reports) = call(
        &s,
        Some(&admin),
        Method::GET,
        &format!("/api/v1/reports?unit_id={unit}&item_id={item}&state=submitted"),
        None,
    )
    .await;
    let r = &reports.as_array().unwrap()[0];
    let (st, _) = call(
        &s,
        Some(&admin),
        Method::POST,
        &format!("/api/v1/reports/{}/return", r["id"]),
        Some(json!({ "version": r["version"], "reason": "请补充开工清单" })),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let (_, after) = call(&s, Some(&rep), Method::GET, "/api/v1/notices?unread=true", None).await;
    let after = after.as_array().unwrap();
    assert_eq!(after.len(), before.as_array().unwrap().len() + 1);
    let n = &after[0];
    assert_eq!(n["kind"], "report_returned");
    let text = n["text"].as_str().unwrap();
    assert!(text.contains("被办公室退回") && text.contains("请补充开工清单"), "{text}");
    assert!(n["link"].as_str().unwrap().starts_with("/report?plan=1&period="));
    let (st, _) = call(&s, Some(&rep), Method::POST, &format!("/api/v1/notices/{}/read", n["id"]), None).await;
    assert_eq!(st, StatusCode::NO_CONTENT);
    let (_, left) = call(&s, Some(&rep), Method::GET, "/api/v1/notices?unread=true", None).await;
    assert_eq!(left.as_array().unwrap().len(), after.len() - 1);
    // Someone else's notice is not theirs to read.
    let (st, _) = call(&s, Some(&admin), Method::POST, &format!("/api/v1/notices/{}/read", n["id"]), None).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}
