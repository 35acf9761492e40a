//! The `duban` binary end to end: real files in, real files out, exit codes for bad input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

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
