//! The attacks and faults of the hardening issue, each reproduced over real HTTP against the real server
//! loop: uploads built to exhaust memory, sign-in guessing and lock-outs, unbounded password checks, open
//! redirects, other units' reports in exports, evidence filling the disk, internal detail in answers,
//! missing security headers and slow clients.

use std::io::{Cursor, Read, Write};
use std::net::IpAddr;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use reqwest::{Client, Method, StatusCode, redirect};
use serde_json::{Value, json};

use super::{Server, call, start, start_with, token};

/// The value of `<input … name="NAME" value="…">` in a page.
pub fn hidden_field(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html.find(&key).unwrap_or_else(|| panic!("no field {name}")) + key.len();
    html[at..].split('"').next().unwrap().to_string()
}

/// The package with one part's text changed.
fn rewrite_part(xlsx: &[u8], part: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut out = Cursor::new(Vec::new());
    let mut zout = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut found = false;
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == part {
            found = true;
            data = edit(&String::from_utf8(data).unwrap()).into_bytes();
        }
        zout.start_file(name, opts).unwrap();
        zout.write_all(&data).unwrap();
    }
    assert!(found, "no part {part}");
    zout.finish().unwrap();
    out.into_inner()
}

/// Every declared uncompressed size in a ZIP (local headers and central directory) set to `size`.
fn lie_about_sizes(zip: &mut [u8], size: u32) {
    for i in 0..zip.len().saturating_sub(30) {
        if &zip[i..i + 4] == b"PK\x03\x04" {
            zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
        } else if &zip[i..i + 4] == b"PK\x01\x02" {
            zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
        }
    }
}

fn from(ip: &str) -> Client {
    Client::builder().local_address(ip.parse::<IpAddr>().unwrap()).build().unwrap()
}

async fn login_from(s: &Server, client: &Client, user: &str, password: &str) -> (StatusCode, Value) {
    let r = client
        .post(s.url("/api/v1/login"))
        .json(&json!({ "username": user, "password": password, "kind": "api" }))
        .send()
        .await
        .unwrap();
    let st = r.status();
    (st, r.json::<Value>().await.unwrap_or(Value::Null))
}

async fn healthy(s: &Server) {
    let r = Client::new().get(s.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

/// The first reporter's token and unit.
async fn a_reporter(s: &Server) -> (String, i64) {
    let admin = token(s, "office").await;
    let (_, users) = call(s, Some(&admin), Method::GET, "/api/v1/users", None).await;
    let u = users.as_array().unwrap().iter().find(|u| u["role"] == "reporter").unwrap().clone();
    (token(s, u["username"].as_str().unwrap()).await, u["unit_id"].as_i64().unwrap())
}

#[tokio::test]
async fn uploads_built_to_exhaust_memory_are_refused_and_the_server_stays_up() {
    let s = start().await;
    s.set_time(Utc.with_ymd_and_hms(2022, 8, 2, 2, 0, 0).unwrap());
    let (rep, _) = a_reporter(&s).await;
    let sheet = super::download(&s, &rep, "/api/v1/plans/1/report-sheet.xlsx?period=2022-07").await;
    let upload = |bytes: Vec<u8>| {
        let rep = rep.clone();
        let url = s.url("/api/v1/plans/1/report-sheet");
        async move {
            let r = Client::new().post(url).bearer_auth(rep).body(bytes).send().await.unwrap();
            let st = r.status();
            (st, r.json::<Value>().await.unwrap())
        }
    };
    // The unit's own sheet with one value in the last cell of the sheet (a 512 GiB grid before).
    let far = rewrite_part(&sheet, "xl/worksheets/sheet1.xml", |x| {
        x.replace(
            "</sheetData>",
            r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>"#,
        )
    });
    assert!(far.len() < 64 * 1024);
    let (st, e) = upload(far).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["error"]["code"], "file.too_many_cells");
    assert!(e["error"]["message"].as_str().unwrap().contains("XFD1048576"), "{e}");
    healthy(&s).await;
    // A merge D1:XFD3000 (an 18 KB file gave 1.17 GB before): clipped; the sheet's rows are then wrong.
    let merged = rewrite_part(&sheet, "xl/worksheets/sheet1.xml", |x| {
        let x = x.replace("<mergeCells count=\"", "<mergeCells count=\"1");
        if x.contains("<mergeCells") {
            x.replacen("<mergeCells count=\"1", "<mergeCells count=\"", 1)
                .replace("</mergeCells>", "<mergeCell ref=\"D1:XFD3000\"/></mergeCells>")
        } else {
            x.replace(
                "</sheetData>",
                "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"D1:XFD3000\"/></mergeCells>",
            )
        }
    });
    let (st, e) = upload(merged).await;
    assert!(st.is_client_error(), "{st} {e}");
    healthy(&s).await;

    // A ledger whose sheet inflates to 150 MB while its headers declare 4 KB (a 1 GiB one took 24 s and
    // 2 GB before).
    let admin = token(&s, "office").await;
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "序号").unwrap();
    let small = wb.save_to_buffer().unwrap();
    let padding = " ".repeat(150 * 1024 * 1024);
    let mut bomb = rewrite_part(&small, "xl/worksheets/sheet1.xml", |x| {
        x.replace("<sheetData>", &format!("<sheetData>{padding}"))
    });
    drop(padding);
    assert!(bomb.len() < 2 * 1024 * 1024, "{}", bomb.len());
    lie_about_sizes(&mut bomb, 4096);
    let r =
        Client::new().post(s.url("/api/v1/plans?name=bomb.xlsx")).bearer_auth(&admin).body(bomb).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let e: Value = r.json().await.unwrap();
    assert!(matches!(e["error"]["code"].as_str(), Some("file.too_large" | "file.corrupt")), "{e}");
    healthy(&s).await;
    s.store.close().await;
}

#[tokio::test]
async fn sign_in_limits_slow_the_guesser_not_the_owner() {
    let s = start().await;
    let guesser = from("127.0.0.2");
    // Five wrong passwords are free; the sixth try from there must wait.
    for _ in 0..5 {
        assert_eq!(login_from(&s, &guesser, "office", "wrong").await.0, StatusCode::UNAUTHORIZED);
    }
    let (st, e) = login_from(&s, &guesser, "office", "demo-password").await;
    assert_eq!(st, StatusCode::TOO_MANY_REQUESTS, "{e}");
    assert_eq!(e["error"]["code"], "login.too_many");
    // The owner, at their own machine, is not locked out by it.
    assert_eq!(login_from(&s, &from("127.0.0.1"), "office", "demo-password").await.0, StatusCode::OK);
    // The wait grows: after a second the guesser may try once more, then waits two.
    s.set_time(Utc.with_ymd_and_hms(2022, 7, 2, 2, 0, 2).unwrap());
    assert_eq!(login_from(&s, &guesser, "office", "wrong").await.0, StatusCode::UNAUTHORIZED);
    s.set_time(Utc.with_ymd_and_hms(2022, 7, 2, 2, 0, 3).unwrap());
    assert_eq!(login_from(&s, &guesser, "office", "wrong").await.0, StatusCode::TOO_MANY_REQUESTS);
    // The counts are in the database: a second server on the same database refuses the guesser too.
    let second = super::serve_store(&s).await;
    assert_eq!(login_from(&second, &guesser, "office", "demo-password").await.0, StatusCode::TOO_MANY_REQUESTS);
    s.set_time(Utc.with_ymd_and_hms(2022, 7, 2, 2, 0, 6).unwrap());
    assert_eq!(login_from(&second, &guesser, "office", "demo-password").await.0, StatusCode::OK);

    // Spraying: one wrong password on many accounts from one machine is slowed after twenty.
    let sprayer = from("127.0.0.3");
    for i in 0..20 {
        let (st, _) = login_from(&s, &sprayer, &format!("unit{:02}", i + 1), "123456").await;
        assert_eq!(st, StatusCode::UNAUTHORIZED, "try {i}");
    }
    assert_eq!(login_from(&s, &sprayer, "unit30", "123456").await.0, StatusCode::TOO_MANY_REQUESTS);

    // Names past 64 characters are refused before anything, and a body past 16 KB is not read.
    let (st, e) = login_from(&s, &guesser, &"名".repeat(65), "x").await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("login.too_long")));
    let huge = json!({ "username": "a".repeat(100_000), "password": "x" });
    let r = guesser.post(s.url("/api/v1/login")).json(&huge).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    s.store.close().await;
}

#[tokio::test]
async fn password_checks_are_bounded_and_the_rest_are_told_to_come_back() {
    let s = start_with(|st| {
        st.passwords = duban_web::gate::PasswordChecks::new(1, Duration::from_millis(1));
    })
    .await;
    let tries: Vec<_> = (0..8)
        .map(|_| {
            let url = s.url("/api/v1/login");
            tokio::spawn(async move {
                let r = Client::new()
                    .post(url)
                    .json(&json!({ "username": "office", "password": "demo-password", "kind": "api" }))
                    .send()
                    .await
                    .unwrap();
                let st = r.status();
                (st, r.json::<Value>().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tries {
        answers.push(t.await.unwrap());
    }
    let ok = answers.iter().filter(|(st, _)| *st == StatusCode::OK).count();
    let busy: Vec<_> = answers.iter().filter(|(st, _)| *st == StatusCode::SERVICE_UNAVAILABLE).collect();
    assert!(ok >= 1, "{answers:?}");
    assert!(!busy.is_empty(), "{answers:?}");
    assert!(busy.iter().all(|(_, e)| e["error"]["code"] == "login.busy"), "{busy:?}");
    assert_eq!(ok + busy.len(), 8, "{answers:?}");
    s.store.close().await;
}

#[tokio::test]
async fn after_sign_in_only_paths_of_this_site_are_followed() {
    let s = start().await;
    let cases = [
        ("/\t/evil.example", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("https://evil.example/", "/"),
        ("/\n/x", "/"),
        ("/ledger?plan=1&period=2022-06", "/ledger?plan=1&period=2022-06"),
    ];
    for (next, expected) in cases {
        let http = Client::builder().cookie_store(true).redirect(redirect::Policy::none()).build().unwrap();
        let form = http.get(s.url("/login")).send().await.unwrap().text().await.unwrap();
        let login_token = hidden_field(&form, "login_token");
        let r = http
            .post(s.url("/login"))
            .form(&[
                ("username", "office"),
                ("password", "demo-password"),
                ("next", next),
                ("login_token", &login_token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(r.headers()["location"], expected, "{next:?}");
    }
    // A link pre-filling the form is cleaned the same way.
    let page =
        Client::new().get(s.url("/login?next=%2F%09%2Fevil.example")).send().await.unwrap().text().await.unwrap();
    assert_eq!(hidden_field(&page, "next"), "/");
    // The login form needs its token (a form posted from another site has none).
    let r = Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
        .post(s.url("/login"))
        .form(&[("username", "office"), ("password", "demo-password")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.headers().get("set-cookie").is_none_or(|c| !c.to_str().unwrap().contains("duban_session=")));
    s.store.close().await;
}

#[tokio::test]
async fn a_unit_reads_its_own_reports_in_exports_and_not_the_bulletin() {
    let s = start().await;
    let admin = token(&s, "office").await;
    let (rep, unit) = a_reporter(&s).await;
    let (_, periods) = call(&s, Some(&admin), Method::GET, "/api/v1/plans/1/periods", None).await;
    let june = periods.as_array().unwrap().iter().find(|p| p["key"] == "2022-06").unwrap()["id"].as_i64().unwrap();
    let (_, reports) =
        call(&s, Some(&admin), Method::GET, &format!("/api/v1/reports?period_id={june}&limit=5000"), None).await;
    let sent: Vec<&Value> = reports
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| matches!(r["state"].as_str(), Some("submitted" | "approved")) && r["progress"] != "")
        .collect();
    let own = sent.iter().find(|r| r["unit_id"] == unit).expect("the unit sent a June report");
    let other = sent.iter().find(|r| r["unit_id"] != unit).expect("another unit sent one");
    let csv = |tok: String| {
        let url = s.url("/api/v1/plans/1/ledger.csv?period=2022-06");
        async move { Client::new().get(url).bearer_auth(tok).send().await.unwrap().text().await.unwrap() }
    };
    let office_csv = csv(admin.clone()).await;
    let unit_csv = csv(rep.clone()).await;
    let (own_text, other_text) = (own["progress"].as_str().unwrap(), other["progress"].as_str().unwrap());
    assert!(office_csv.contains(own_text) && office_csv.contains(other_text));
    assert!(unit_csv.contains(own_text), "the unit sees its own report");
    assert!(!unit_csv.contains(other_text), "the unit does not see another unit's report: {other_text}");
    let r =
        Client::new().get(s.url("/api/v1/plans/1/ledger.xlsx?period=2022-06")).bearer_auth(&rep).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    // The bulletin is the office's (and leadership's) to issue.
    let bulletin = |tok: String| {
        let url = s.url("/api/v1/plans/1/bulletin.docx?period=2022-06");
        async move { Client::new().get(url).bearer_auth(tok).send().await.unwrap().status() }
    };
    assert_eq!(bulletin(rep).await, StatusCode::FORBIDDEN);
    assert_eq!(bulletin(token(&s, "leader").await).await, StatusCode::OK);
    s.store.close().await;
}

#[tokio::test]
async fn evidence_has_a_quota_per_unit_and_names_cannot_disguise_their_type() {
    let s = start_with(|st| st.store = st.store.clone().with_evidence_quota(1000)).await;
    s.set_time(Utc.with_ymd_and_hms(2022, 8, 2, 2, 0, 0).unwrap());
    let (rep, unit) = a_reporter(&s).await;
    let (_, todo) = call(&s, Some(&rep), Method::GET, "/api/v1/plans/1/todo?period=2022-07", None).await;
    let (_, periods) = call(&s, Some(&rep), Method::GET, "/api/v1/plans/1/periods", None).await;
    let july = periods.as_array().unwrap().iter().find(|p| p["key"] == "2022-07").unwrap()["id"].as_i64().unwrap();
    let draft = json!({ "period_id": july, "item_id": todo[0]["item_id"], "unit_id": unit, "progress": "7月进展" });
    let r = Client::new().put(s.url("/api/v1/reports")).bearer_auth(&rep).json(&draft).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let add = |name: &str| {
        let url = s.url(&format!("/api/v1/reports/{id}/evidence?name={}", urlencode(name)));
        let rep = rep.clone();
        async move {
            let r = Client::new().post(url).bearer_auth(rep).body(vec![b'a'; 600]).send().await.unwrap();
            let st = r.status();
            (st, r.json::<Value>().await.unwrap())
        }
    };
    let (st, e) = add("ok\u{202e}gnp.txt").await;
    assert_eq!(st, StatusCode::CREATED, "{e}");
    assert_eq!(e["file_name"], "okgnp.txt", "the right-to-left override is dropped");
    let (st, e) = add("more.txt").await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("evidence.quota")), "{e}");
    s.store.close().await;
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Everything the server logs in this test binary (all tests share one subscriber; lines are told apart
/// by their request id).
fn captured_log() -> std::sync::Arc<std::sync::Mutex<Vec<u8>>> {
    static LOG: std::sync::OnceLock<std::sync::Arc<std::sync::Mutex<Vec<u8>>>> = std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        let buf = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
        impl Write for Sink {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let for_writer = buf.clone();
        let _ = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || Sink(for_writer.clone()))
            .try_init();
        buf
    })
    .clone()
}

#[tokio::test]
async fn a_failing_database_tells_the_client_nothing_of_the_inside() {
    let log = captured_log();
    let s = start().await;
    let admin = token(&s, "office").await;
    assert_eq!(Client::new().get(s.url("/readyz")).send().await.unwrap().status(), StatusCode::OK);
    s.store.close().await;
    let r = Client::new().get(s.url("/api/v1/plans")).bearer_auth(&admin).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let id = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let body = r.text().await.unwrap();
    let e: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(e["error"]["code"], "store.unavailable");
    for inside in ["database:", "pool", "sqlx", "sqlite", "closed"] {
        assert!(!body.to_lowercase().contains(inside), "{body}");
    }
    assert_eq!(Client::new().get(s.url("/readyz")).send().await.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);
    // The operator's log has what the client was not told, on the lines of that request.
    let text = String::from_utf8_lossy(&log.lock().unwrap()).to_string();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(&format!("id={id}"))).collect();
    assert!(lines.iter().any(|l| l.contains("store.unavailable") && l.contains("database:")), "{lines:?}");
    assert!(
        lines.iter().any(|l| l.contains("status=503") && l.contains("method=GET") && l.contains("path=/api/v1/plans")),
        "{lines:?}"
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_unknown_pages_are_pages() {
    let s = start_with(|st| st.secure_cookies = true).await;
    for path in
        ["/api/v1/openapi.json", "/api/docs", "/api/docs/swagger/", "/healthz", "/no/such/page", "/api/v1/no/such"]
    {
        let r = Client::new().get(s.url(path)).send().await.unwrap();
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert!(h.get("content-security-policy").is_some(), "{path}");
    }
    let r = Client::new().get(s.url("/no/such/page")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    assert!(r.text().await.unwrap().contains("请求的地址不存在"));
    let r = Client::new().get(s.url("/api/v1/no/such")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "route.not_found");
    // Behind HTTPS the cookies are Secure.
    let r = Client::new()
        .post(s.url("/api/v1/login"))
        .json(&json!({ "username": "office", "password": "demo-password" }))
        .send()
        .await
        .unwrap();
    assert!(r.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
    let r = Client::new().get(s.url("/login")).send().await.unwrap();
    assert!(r.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
    s.store.close().await;
}

#[tokio::test]
async fn clients_that_never_finish_their_headers_are_cut_off_and_connections_are_capped() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = duban_web::router(duban_web::AppState::new(s.store.clone()));
    tokio::spawn(duban_web::serve::serve_with(listener, app, std::future::pending(), Duration::from_millis(300), 2));
    // Two clients take both connections and never finish their headers.
    let mut slow = Vec::new();
    for _ in 0..2 {
        let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
        c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
        slow.push(c);
    }
    // A third is served once the header deadline has closed one of them.
    let r = Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
        .get(format!("http://{addr}/healthz"))
        .send()
        .await;
    assert_eq!(r.unwrap().status(), StatusCode::OK);
    for mut c in slow {
        let mut buf = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(20), c.read_to_end(&mut buf)).await;
        assert!(read.is_ok(), "the slow connection was not closed");
    }
    s.store.close().await;
}
