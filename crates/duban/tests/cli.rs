//! The `duban` binary end to end: real files in, real files out, exit codes for bad input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn duban(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_duban")).args(args).output().unwrap()
}

fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/shaanxi-2022-urbanization.txt")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("duban-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn parse_json_to_stdout() {
    let out = duban(&["parse", seed().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], "duban.plan/1");
    assert_eq!(v["year"], 2022);
    let part5 = &v["items"][4];
    let t18 = part5["children"].as_array().unwrap().iter().find(|i| i["label"] == "（十八）").unwrap();
    assert_eq!(t18["path"], serde_json::json!(["五", "十八"]));
    assert_eq!(t18["units"][0]["name"], "省公安厅");
    assert_eq!(t18["units"][0]["role"], "responsible");
    let t14 = &v["items"][3]["children"][1];
    assert_eq!(t14["targets"][0]["value"], 88000.0);
    assert_eq!(t14["targets"][0]["op"], "=");
    assert_eq!(t14["targets"][2]["op"], ">");
}

#[test]
fn parse_csv_and_markdown_files() {
    let dir = tmp("formats");
    let csv = dir.join("ledger.csv");
    let out = duban(&["parse", seed().to_str().unwrap(), "--format", "csv", "-o", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "CSV must start with a BOM for Excel");
    let text = String::from_utf8(bytes).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap().trim_start_matches('\u{feff}'),
        "序号,重点任务,具体内容,责任单位,牵头单位,量化指标,完成时限"
    );
    assert_eq!(text.matches("\r\n").count(), 25, "header + 24 tasks");
    assert!(text.contains("建设保障性租赁住房8.8万套（间）"));

    let md = dir.join("ledger.md");
    assert!(duban(&["parse", seed().to_str().unwrap(), "--format", "md", "-o", md.to_str().unwrap()]).status.success());
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.starts_with("# 2022年推动新型城镇化高质量发展工作要点"));
    assert!(md.contains("| 24 | 六、深化新型城镇化体制机制创新 | （二十四）加快编制各级国土空间规划 | 省自然资源厅 |"));
}

#[test]
fn several_files_into_a_directory() {
    let dir = tmp("many");
    let gbk = dir.join("gbk-plan.txt");
    let text = std::fs::read_to_string(seed()).unwrap();
    let (bytes, _, _) = encoding_rs::GBK.encode(&text);
    std::fs::write(&gbk, &bytes).unwrap();
    let out_dir = dir.join("out");
    let out = duban(&["parse", seed().to_str().unwrap(), gbk.to_str().unwrap(), "-o", out_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let a: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("shaanxi-2022-urbanization.json")).unwrap()).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&std::fs::read(out_dir.join("gbk-plan.json")).unwrap()).unwrap();
    assert_eq!(a["items"], b["items"], "GBK and UTF-8 copies give the same ledger");
}

#[test]
fn bad_input_exits_2_naming_the_file() {
    let dir = tmp("bad");
    let cases: Vec<(PathBuf, &[u8], &str)> = vec![
        (dir.join("scan.pdf"), b"%PDF-1.7\n%binary", "PDF"),
        (dir.join("empty.txt"), b"", "empty"),
        (dir.join("blob.txt"), &[0x00, 0x01, 0x02, 0xFF, 0x00, 0x10], "binary"),
        (dir.join("old.doc"), &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0], ".doc"),
    ];
    for (path, bytes, needle) in &cases {
        std::fs::write(path, bytes).unwrap();
        let out = duban(&["parse", path.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{path:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(path.to_str().unwrap()) && err.contains(needle), "{err}");
    }
    let missing = dir.join("missing.txt");
    let out = duban(&["parse", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.txt"));
}

#[test]
fn a_bad_file_among_good_ones_writes_nothing() {
    let dir = tmp("atomic");
    let bad = dir.join("bad.pdf");
    std::fs::write(&bad, b"%PDF-1.4").unwrap();
    let out_dir = dir.join("out");
    let out = duban(&["parse", seed().to_str().unwrap(), bad.to_str().unwrap(), "-o", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!out_dir.join("shaanxi-2022-urbanization.json").exists());
}

fn duban_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_duban"));
    c.args(args).env_remove("DUBAN_DATABASE_URL");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

#[test]
fn import_users_and_audit_on_a_database_file() {
    let dir = tmp("db");
    let db = dir.join("duban.db");
    let db = db.to_str().unwrap();
    let out = duban_env(&["import", seed().to_str().unwrap(), "--database", db], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("as a draft: 24 tasks"), "{text}");
    assert!(text.contains("相关市政府"), "unmapped names are listed: {text}");

    // A document that is not a plan: exit 2 naming the file, nothing imported.
    let bad = dir.join("notes.txt");
    std::fs::write(&bad, "会议纪要，没有编号的任务。").unwrap();
    let out = duban_env(&["import", bad.to_str().unwrap(), "--database", db], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("notes.txt"));

    let out = duban_env(
        &["user", "add", "lingdao", "--role", "viewer", "--database", db],
        &[("DUBAN_PASSWORD", "A long password1")],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out =
        duban_env(&["user", "add", "x", "--role", "boss", "--database", db], &[("DUBAN_PASSWORD", "A long password1")]);
    assert_eq!(out.status.code(), Some(2));
    let out =
        duban_env(&["user", "add", "short", "--role", "viewer", "--database", db], &[("DUBAN_PASSWORD", "short")]);
    assert_eq!(out.status.code(), Some(2), "a short password is refused");
    let out = duban_env(
        &["user", "add", "rep", "--role", "reporter", "--unit", "无此单位", "--database", db],
        &[("DUBAN_PASSWORD", "A long password1")],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = duban_env(&["user", "passwd", "lingdao", "--database", db], &[("DUBAN_PASSWORD", "Another long one2")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = duban_env(&["user", "list", "--database", db], &[]);
    let list = String::from_utf8_lossy(&out.stdout);
    assert!(list.contains("lingdao\tviewer"), "{list}");
    assert!(!list.contains("short"));

    // The draft's ledger as CSV and .xlsx; a wrong extension is refused.
    let csv = dir.join("ledger.csv");
    let out = duban_env(&["export", "ledger", "--plan", "1", "-o", csv.to_str().unwrap(), "--database", db], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("\u{feff}序号,重点任务"));
    assert_eq!(text.matches("\r\n").count(), 1 + 6 + 24);
    let xlsx = dir.join("ledger.xlsx");
    let out = duban_env(&["export", "ledger", "--plan", "1", "-o", xlsx.to_str().unwrap(), "--database", db], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK\x03\x04"));
    let out = duban_env(
        &["export", "ledger", "--plan", "1", "-o", dir.join("l.pdf").to_str().unwrap(), "--database", db],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = duban_env(
        &["export", "ledger", "--plan", "99", "-o", dir.join("x.csv").to_str().unwrap(), "--database", db],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(!dir.join("x.csv").exists(), "nothing written for a missing plan");

    let out = duban_env(&["audit", "verify", "--database", db], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("audit chain intact"), "{text}");
}

#[test]
fn serve_creates_the_database_and_an_admin() {
    let dir = tmp("serve");
    let db = dir.join("fresh.db");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let bind = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_duban"))
        .args(["serve", "--bind", &bind, "--database", db.to_str().unwrap()])
        .env("DUBAN_ADMIN_PASSWORD", "Office-pass 1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..200 {
        if std::net::TcpStream::connect(&bind).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let login = if up {
        http_post(&bind, "/api/v1/login", r#"{"username":"admin","password":"Office-pass 1"}"#)
    } else {
        String::new()
    };
    let wrong =
        if up { http_post(&bind, "/api/v1/login", r#"{"username":"admin","password":"nope"}"#) } else { String::new() };
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(up, "server did not start: {}", String::from_utf8_lossy(&out.stderr));
    assert!(db.exists());
    assert!(login.starts_with("HTTP/1.1 200"), "{login}");
    assert!(login.contains("duban_session="), "{login}");
    assert!(wrong.starts_with("HTTP/1.1 401"), "{wrong}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("DUBAN_ADMIN_PASSWORD"));
}

fn http_post(addr: &str, path: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn export_bulletin_writes_a_word_document() {
    use chrono::Datelike;
    let dir = tmp("bulletin");
    let db = dir.join("synth.db");
    let db = db.to_str().unwrap();
    let out = duban_env(
        &[
            "synth",
            "--database",
            db,
            "--plans",
            "1",
            "--units-per-plan",
            "6",
            "--tasks-per-plan",
            "8",
            "--units-per-task",
            "2",
            "--filled-periods",
            "2",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // `duban synth` makes data for the current year, as read from the system clock.
    #[allow(clippy::disallowed_methods)]
    let year = chrono::Utc::now().year();
    let period = format!("{year}-01");
    let docx = dir.join("通报.docx");
    let out = duban_env(
        &[
            "export",
            "bulletin",
            "--plan",
            "1",
            "--period",
            &period,
            "--issuer",
            "合成办公室",
            "-o",
            docx.to_str().unwrap(),
        ],
        &[("DUBAN_DATABASE_URL", db)],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = duban_plan::docx::docx_text(&std::fs::read(&docx).unwrap()).unwrap();
    assert!(text.contains("工作调度通报"), "{text}");
    assert!(text.contains(&format!("关于{year}年1月《")), "{text}");
    assert!(text.contains("合成办公室"));
    assert!(text.contains("共确定重点任务8项"), "{text}");
    // A period the plan does not have, and a wrong extension: exit 2, nothing written.
    let missing = dir.join("missing.docx");
    let out = duban_env(
        &[
            "export",
            "bulletin",
            "--plan",
            "1",
            "--period",
            "1999-01",
            "-o",
            missing.to_str().unwrap(),
            "--database",
            db,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!missing.exists());
    let out = duban_env(
        &[
            "export",
            "bulletin",
            "--plan",
            "1",
            "--period",
            &period,
            "-o",
            dir.join("b.pdf").to_str().unwrap(),
            "--database",
            db,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
}
