//! The main story in a real browser (Debian's headless Chromium driven through chromedriver): a reporter
//! signs in and submits; the office returns it with a reason; the reporter sees the reason, fixes and
//! resubmits; the office approves; the dashboard's figures follow each step. Screenshots of the main pages
//! go to `target/screenshots/`.
//!
//! Without chromedriver the test says SKIPPED, unless `DUBAN_REQUIRE_BROWSER=1` (as in CI), when it fails.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::{TimeZone, Utc};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use super::{Server, start};

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn browser() -> Option<(Driver, Client)> {
    let driver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let port = free_port();
    let child =
        match Command::new(&driver).arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null()).spawn() {
            Ok(c) => Driver(c),
            Err(e) => {
                assert!(
                    std::env::var("DUBAN_REQUIRE_BROWSER").is_err(),
                    "DUBAN_REQUIRE_BROWSER is set but {driver} cannot start: {e}"
                );
                eprintln!("browser test SKIPPED: {driver} not found ({e})");
                return None;
            }
        };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut caps = serde_json::Map::new();
    let mut opts = json!({
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-extensions", "--no-first-run",
                 "--window-size=1366,900", "--lang=zh-CN"],
    });
    if let Ok(bin) = std::env::var("CHROMIUM") {
        opts["binary"] = json!(bin);
    } else if std::path::Path::new("/usr/bin/chromium").exists() {
        opts["binary"] = json!("/usr/bin/chromium");
    }
    caps.insert("goog:chromeOptions".into(), opts);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a browser session");
    Some((child, client))
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

async fn text(c: &Client, css: &str) -> String {
    match c.find(Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap(),
        Err(e) => {
            let body = c.source().await.unwrap_or_default();
            panic!("{css}: {e}\n{} shows: {body}", c.current_url().await.unwrap())
        }
    }
}

/// Waits for an element; on failure shows the page it is on.
async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    match c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(css)).await {
        Ok(e) => e,
        Err(e) => {
            let body = c.source().await.unwrap_or_default();
            panic!("{css}: {e}\n{} shows: {body}", c.current_url().await.unwrap())
        }
    }
}

/// Waits until the page after a form shows a flash with `needle` (the page before may show another).
async fn flash_says(c: &Client, needle: &str) {
    for _ in 0..100 {
        if let Ok(e) = c.find(Locator::Css("p.flash")).await
            && e.text().await.is_ok_and(|t| t.contains(needle))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body = c.source().await.unwrap_or_default();
    panic!("no flash saying {needle}: {body}");
}

async fn login(c: &Client, s: &Server, user: &str) {
    c.goto(&s.url("/login")).await.unwrap();
    c.find(Locator::Id("username")).await.unwrap().send_keys(user).await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys("demo-password").await.unwrap();
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    // Signed in: the header shows the sign-out button.
    wait_for(c, "header.top").await;
}

async fn logout(c: &Client) {
    c.find(Locator::Css("form[action='/logout'] button")).await.unwrap().click().await.unwrap();
    wait_for(c, "#username").await;
}

async fn received(c: &Client, s: &Server) -> String {
    c.goto(&s.url("/dashboard?plan=1&period=2022-07")).await.unwrap();
    text(c, "#fig-received").await
}

async fn fill(c: &Client, id: &str, value: &str) {
    let e = c.find(Locator::Id(id)).await.unwrap();
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

#[tokio::test]
async fn report_return_fix_approve_in_a_real_browser() {
    let Some((_driver, c)) = browser().await else { return };
    let s = start().await;
    // 2 August 2022: July's reports are due on the 5th.
    s.set_time(Utc.with_ymd_and_hms(2022, 8, 2, 2, 0, 0).unwrap());
    let housing = super::housing_task(&s).await;
    let (item, unit) = (housing.0, housing.1);

    // Signing in by keyboard alone: the name field has the focus, Tab moves on, Enter sends; the focused
    // field shows a visible outline.
    c.goto(&s.url("/login")).await.unwrap();
    let focused = c.active_element().await.unwrap();
    assert_eq!(focused.attr("id").await.unwrap().as_deref(), Some("username"));
    focused.send_keys("office").await.unwrap();
    focused.send_keys(&String::from(char::from(fantoccini::key::Key::Tab))).await.unwrap();
    let outline = c
        .execute("const e = document.activeElement; return getComputedStyle(e).outlineStyle + ' ' + e.matches(':focus-visible') + ' ' + e.id", vec![])
        .await
        .unwrap();
    assert_eq!(outline.as_str(), Some("solid true password"), "the focus moved on and is visible");
    let password = c.active_element().await.unwrap();
    password.send_keys("demo-password").await.unwrap();
    password.send_keys(&String::from(char::from(fantoccini::key::Key::Enter))).await.unwrap();
    wait_for(&c, "header.top").await;
    let before = received(&c, &s).await;
    assert!(before.starts_with("0/"), "nothing received for July yet: {before}");
    shot(&c, "dashboard").await;
    logout(&c).await;

    // The reporter: to-do list, the form pre-filled from June, a validation message in place, submit.
    login(&c, &s, &format!("unit{unit:02}")).await;
    c.goto(&s.url("/todo?plan=1&period=2022-07")).await.unwrap();
    shot(&c, "todo").await;
    c.find(Locator::Css(&format!("tr[data-item='{item}'] a.button"))).await.unwrap().click().await.unwrap();
    wait_for(&c, "#progress").await;
    let carried = c.find(Locator::Id("progress")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
    assert!(carried.contains("（模拟数据）"), "pre-filled from June: {carried}");
    fill(&c, "progress", "七月新开工保障性租赁住房1.2万套").await;
    fill(&c, "percent", "150").await;
    c.find(Locator::Id("submit")).await.unwrap().click().await.unwrap();
    let msg = wait_for(&c, "#e_percent").await.text().await.unwrap();
    assert!(msg.contains("0到100"), "the message stands by the field: {msg}");
    shot(&c, "report-form-invalid").await;
    fill(&c, "percent", "58").await;
    c.find(Locator::Id("submit")).await.unwrap().click().await.unwrap();
    wait_for(&c, "p.flash").await;
    let state = text(&c, &format!("tr[data-item='{item}'] .state")).await;
    assert_eq!(state, "已报送");
    logout(&c).await;

    // The office returns it with a reason; the dashboard counts it, then no longer.
    login(&c, &s, "office").await;
    let after_submit = received(&c, &s).await;
    assert!(after_submit.starts_with("1/"), "{after_submit}");
    c.goto(&s.url("/review?plan=1&period=2022-07")).await.unwrap();
    shot(&c, "review").await;
    c.find(Locator::Css("#queue tbody input[name=pick]")).await.unwrap().click().await.unwrap();
    fill(&c, "reason", "请补充开工项目清单和竣工数").await;
    c.find(Locator::Id("return")).await.unwrap().click().await.unwrap();
    wait_for(&c, "p.flash").await;
    assert!(c.find_all(Locator::Css("#queue tbody tr")).await.unwrap_or_default().is_empty());
    assert!(received(&c, &s).await.starts_with("0/"), "a returned report is not received");
    logout(&c).await;

    // The reporter sees why, fixes and resubmits.
    login(&c, &s, &format!("unit{unit:02}")).await;
    c.goto(&s.url("/todo?plan=1&period=2022-07")).await.unwrap();
    let row = text(&c, &format!("tr[data-item='{item}']")).await;
    assert!(row.contains("请补充开工项目清单和竣工数"), "{row}");
    c.find(Locator::Css(&format!("tr[data-item='{item}'] a.button"))).await.unwrap().click().await.unwrap();
    let reason = wait_for(&c, "#return-reason").await.text().await.unwrap();
    assert!(reason.contains("请补充开工项目清单和竣工数"));
    shot(&c, "report-returned").await;
    fill(&c, "progress", "七月新开工保障性租赁住房1.2万套，竣工0.3万套；项目清单见附件").await;
    c.find(Locator::Id("submit")).await.unwrap().click().await.unwrap();
    wait_for(&c, "p.flash").await;
    logout(&c).await;

    // The office approves; the dashboard shows it received again.
    login(&c, &s, "office").await;
    c.goto(&s.url("/review?plan=1&period=2022-07")).await.unwrap();
    let queued = text(&c, "#queue tbody").await;
    assert!(queued.contains("竣工0.3万套"), "{queued}");
    c.find(Locator::Css("input[data-check-all]")).await.unwrap().click().await.unwrap();
    c.find(Locator::Id("approve")).await.unwrap().click().await.unwrap();
    wait_for(&c, "p.flash").await;
    let after = received(&c, &s).await;
    assert!(after.starts_with("1/"), "{after}");
    let report = s.july_report(item, unit).await;
    assert_eq!(report["state"], "approved");

    // The other main pages, for the record.
    c.goto(&s.url("/ledger?plan=1&period=2022-06")).await.unwrap();
    shot(&c, "ledger").await;
    c.goto(&s.url(&format!("/items/{item}?plan=1&period=2022-07"))).await.unwrap();
    shot(&c, "task").await;
    c.goto(&s.url(&format!("/units/{unit}?plan=1&period=2022-07"))).await.unwrap();
    shot(&c, "unit").await;
    c.goto(&s.url("/plans/1/check")).await.unwrap();
    shot(&c, "plan-check").await;
    c.goto(&s.url("/admin")).await.unwrap();
    shot(&c, "admin").await;
    c.set_window_size(1920, 1080).await.unwrap();
    c.goto(&s.url("/dashboard?plan=1&period=2022-06&screen=1")).await.unwrap();
    shot(&c, "dashboard-bigscreen").await;
    // English, remembered with the account.
    c.set_window_size(1366, 900).await.unwrap();
    c.goto(&s.url("/dashboard?plan=1&period=2022-06")).await.unwrap();
    c.find(Locator::Css("form[action='/lang'] button")).await.unwrap().click().await.unwrap();
    wait_for(&c, "html[lang=en]").await;
    assert!(text(&c, "h1").await.contains("June 2022") || text(&c, "main").await.contains("Completeness"));
    shot(&c, "dashboard-en").await;
    logout(&c).await;
    login(&c, &s, "office").await;
    c.goto(&s.url("/ledger?plan=1")).await.unwrap();
    assert_eq!(text(&c, "h1").await.split_whitespace().next(), Some("Task"), "the language is remembered");
    shot(&c, "login-after").await;
    c.close().await.unwrap();
}

/// An office's first plan in the browser: imported from the import page, every unmapped name mapped to a
/// suggested unit, created from the "create all" table or mapped as a group on the check page, and the
/// plan published, without opening the administration page.
#[tokio::test]
async fn a_first_plan_is_mapped_and_published_from_the_check_page_in_a_real_browser() {
    let Some((_driver, c)) = browser().await else { return };
    let s = start().await;
    let dir = std::env::temp_dir().join(format!("duban_first_week_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("2023年工作要点.txt");
    std::fs::write(
        &file,
        "2023年某省新型城镇化工作要点\n一、重点任务\n（一）推进农业转移人口市民化。（省发改委、省公安厅负责）\n\
         （二）建设数字政府。（省数据局、沣东新城管委会负责）\n（三）推进县城建设。（各县（市、区）政府负责）\n",
    )
    .unwrap();
    login(&c, &s, "office").await;
    c.goto(&s.url("/import")).await.unwrap();
    c.find(Locator::Id("file")).await.unwrap().send_keys(file.to_str().unwrap()).await.unwrap();
    c.find(Locator::Css("form[action='/import'] button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for(&c, "#unmapped").await;
    assert!(c.find(Locator::Id("publish")).await.unwrap().attr("disabled").await.unwrap().is_some());
    shot(&c, "check-unmapped").await;
    // The suggestion for the abbreviation.
    let suggestion = "//form[contains(@class,'suggestion')]//button[contains(., '省发展改革委')]";
    c.find(Locator::XPath(suggestion)).await.unwrap().click().await.unwrap();
    flash_says(&c, "已对应到单位").await;
    // "Create all": the zone's kind is guessed; the office corrects nothing and sends it.
    let zone_kind = c
        .execute(
            "const row = [...document.querySelectorAll('#create-all tbody tr')].find(r => r.textContent.includes('沣东新城管委会'));\
             return row.querySelector('select').value;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(zone_kind.as_str(), Some("zone"));
    c.find(Locator::Css("#create-all button[type=submit]")).await.unwrap().click().await.unwrap();
    flash_says(&c, "已新建单位").await;
    // The generic name: the governments come ticked.
    c.find(Locator::Css("form.group button[type=submit]")).await.unwrap().click().await.unwrap();
    flash_says(&c, "已对应到单位").await;
    assert!(c.find_all(Locator::Id("unmapped")).await.unwrap().is_empty(), "every name is mapped");
    c.find(Locator::Id("publish")).await.unwrap().click().await.unwrap();
    flash_says(&c, "计划已发布").await;
    shot(&c, "check-published").await;
    let units = s.store.list_units().await.unwrap();
    let zone = units.iter().find(|u| u.name == "沣东新城管委会").expect("created");
    assert_eq!(zone.kind, duban_model::UnitKind::Zone);
    assert!(units.iter().any(|u| u.name == "省发展改革委" && u.aliases.contains(&"省发改委".to_string())));
    c.close().await.unwrap();
    std::fs::remove_dir_all(&dir).ok();
}

/// 督办 in the browser: the office ticks a lagging task on the dashboard and issues a yellow 督办; the
/// lead unit's reporter finds it on the to-do page and replies with measures, a new deadline and a file;
/// the office sees the reply, escalates to red, and closes it.
#[tokio::test]
async fn a_lagging_task_is_supervised_replied_to_escalated_and_closed_in_a_real_browser() {
    let Some((_driver, c)) = browser().await else { return };
    let s = start().await;
    let dir = std::env::temp_dir().join(format!("duban_supervision_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("整改方案.txt");
    std::fs::write(&file, "整改方案：倒排工期，挂图作战").unwrap();

    login(&c, &s, "office").await;
    c.goto(&s.url("/dashboard?plan=1&period=2022-06")).await.unwrap();
    let first = wait_for(&c, "#lagging input[name=item]").await;
    let item = first.attr("value").await.unwrap().unwrap();
    first.click().await.unwrap();
    c.find(Locator::Css("#sup-level option[value=yellow]")).await.unwrap().click().await.unwrap();
    shot(&c, "dashboard-supervise").await;
    c.find(Locator::Id("supervise")).await.unwrap().click().await.unwrap();
    flash_says(&c, "督办已下发").await;
    assert!(text(&c, "#level").await.contains("黄色督办"));
    let reason = text(&c, "#reason").await;
    assert!(reason.starts_with("2022年6月调度显示，该任务"), "{reason}");
    let number = text(&c, "h1").await.split_whitespace().next().unwrap().to_string();
    assert_eq!(number, "督办〔2022〕1号");
    let sup_url = c.current_url().await.unwrap().path().to_string();
    let unit = c.find(Locator::Css("#replies tbody tr")).await.unwrap().attr("data-unit").await.unwrap().unwrap();
    // The dashboard marks the task with its 督办 instead of a box to tick, and counts it.
    c.goto(&s.url("/dashboard?plan=1&period=2022-06")).await.unwrap();
    let row = text(&c, &format!("#lagging li[data-item='{item}']")).await;
    assert!(row.contains(&number), "{row}");
    assert_eq!(text(&c, "#sup-yellow").await, "1");
    logout(&c).await;

    // The unit's reporter: on the to-do page, then the reply with a file.
    let unit: i64 = unit.parse().unwrap();
    login(&c, &s, &format!("unit{unit:02}")).await;
    c.goto(&s.url("/todo?plan=1")).await.unwrap();
    let mine = text(&c, "#todo-supervision").await;
    assert!(mine.contains(&number), "{mine}");
    c.find(Locator::Css("#todo-supervision a")).await.unwrap().click().await.unwrap();
    wait_for(&c, "#reply-form").await;
    fill(&c, "measures", "倒排工期，9月底前补齐缺口").await;
    c.execute("document.getElementById('new_deadline').value = '2022-09-30'", vec![]).await.unwrap();
    c.find(Locator::Id("file")).await.unwrap().send_keys(file.to_str().unwrap()).await.unwrap();
    shot(&c, "supervision-reply").await;
    c.find(Locator::Id("reply")).await.unwrap().click().await.unwrap();
    flash_says(&c, "回复已提交").await;
    let replies = text(&c, "#replies").await;
    assert!(replies.contains("倒排工期，9月底前补齐缺口") && replies.contains("整改方案.txt"), "{replies}");
    assert_eq!(c.find_all(Locator::Css("#replies tbody tr")).await.unwrap().len(), 1, "its own line only");
    assert!(c.find(Locator::Id("escalate")).await.is_err(), "a unit does not escalate");
    logout(&c).await;

    // The office: the reply is there; escalate to red, then close.
    login(&c, &s, "office").await;
    c.goto(&s.url(&sup_url)).await.unwrap();
    let replies = text(&c, "#replies").await;
    assert!(replies.contains("倒排工期，9月底前补齐缺口") && replies.contains("2022年9月30日"), "{replies}");
    fill(&c, "esc-note", "措施不具体").await;
    c.find(Locator::Id("escalate")).await.unwrap().click().await.unwrap();
    flash_says(&c, "已升级督办").await;
    assert!(text(&c, "#level").await.contains("红色督办"));
    assert!(text(&c, "#case").await.contains(&number), "names the one it replaces");
    assert!(c.find(Locator::Id("escalate")).await.is_err(), "red is the last level");
    shot(&c, "supervision-red").await;
    fill(&c, "accept-note", "已约谈，整改到位").await;
    c.find(Locator::Id("accept")).await.unwrap().click().await.unwrap();
    flash_says(&c, "督办已办结").await;
    assert_eq!(text(&c, "#sup-state").await, "已办结");
    c.goto(&s.url("/supervisions?plan=1&state=all")).await.unwrap();
    assert_eq!(c.find_all(Locator::Css("#supervisions tbody tr")).await.unwrap().len(), 2);
    shot(&c, "supervisions").await;
    c.close().await.unwrap();
}

/// 考核 in the browser: the office reads June's scores, sets a new rule with its reason, and the new
/// version scores the open period; the dashboard's ranking shows the same score as the assessment page.
#[tokio::test]
async fn the_office_sets_scoring_rules_and_reads_scores_in_a_real_browser() {
    let Some((_driver, c)) = browser().await else { return };
    let s = start().await;
    login(&c, &s, "office").await;
    c.goto(&s.url("/assessment?plan=1&period=2022-06")).await.unwrap();
    let first = wait_for(&c, "#scores tbody tr").await;
    let unit = first.attr("data-unit").await.unwrap().unwrap();
    let score = text(&c, &format!("#scores tr[data-unit='{unit}'] td.total")).await;
    c.goto(&s.url("/dashboard?plan=1&period=2022-06")).await.unwrap();
    let shown = text(&c, &format!("#ranking tr[data-unit='{unit}'] td.score")).await;
    assert_eq!(shown, score, "one source for the ranking and the assessment");

    c.goto(&s.url("/assessment?plan=1&period=2022-06")).await.unwrap();
    let before: f64 = text(&c, "#scores tbody tr td.total").await.parse().unwrap();
    fill(&c, "base", "120").await;
    fill(&c, "reason", "年中调整基础分").await;
    shot(&c, "assessment").await;
    c.find(Locator::Id("set-rules")).await.unwrap().click().await.unwrap();
    flash_says(&c, "计分规则已保存为新版本").await;
    assert!(text(&c, "#rules-history").await.contains("年中调整基础分"));
    c.goto(&s.url("/assessment?plan=1&period=2022-06")).await.unwrap();
    let after: f64 = text(&c, "#scores tbody tr td.total").await.parse().unwrap();
    assert_eq!(after, before + 20.0, "June is open: scored under the new base");
    c.close().await.unwrap();
}

/// 单位审签 in the browser: the office turns sign-off on for a unit; its reporter submits; the unit's
/// leader sends it back with a reason; the reporter sees the reason, fixes and resubmits; the leader signs
/// it to the office.
#[tokio::test]
async fn a_units_leader_sends_back_and_signs_a_report_in_a_real_browser() {
    let Some((_driver, c)) = browser().await else { return };
    let s = start().await;
    s.set_time(Utc.with_ymd_and_hms(2022, 8, 2, 2, 0, 0).unwrap());
    let (item, unit) = super::housing_task(&s).await;
    let admin = super::token(&s, "office").await;
    let leader_name = format!("lead{unit:02}");
    super::new_account(&s, &admin, json!({ "username": leader_name, "role": "leader", "unit_id": unit })).await;

    login(&c, &s, "office").await;
    c.goto(&s.url("/admin")).await.unwrap();
    c.find(Locator::Css(&format!("#units-table tr[data-unit='{unit}'] button.signoff-toggle")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    flash_says(&c, "").await;
    let pressed = c
        .find(Locator::Css(&format!("#units-table tr[data-unit='{unit}'] button.signoff-toggle")))
        .await
        .unwrap()
        .attr("aria-pressed")
        .await
        .unwrap();
    assert_eq!(pressed.as_deref(), Some("true"));
    logout(&c).await;

    login(&c, &s, &format!("unit{unit:02}")).await;
    c.goto(&s.url(&format!("/report?plan=1&period=2022-07&item={item}"))).await.unwrap();
    fill(&c, "progress", "七月新开工1万套").await;
    c.find(Locator::Id("submit")).await.unwrap().click().await.unwrap();
    wait_for(&c, "p.flash").await;
    assert_eq!(text(&c, &format!("tr[data-item='{item}'] .state")).await, "待审签");
    logout(&c).await;

    let sign_in_leader = async || {
        c.goto(&s.url("/login")).await.unwrap();
        c.find(Locator::Id("username")).await.unwrap().send_keys(&leader_name).await.unwrap();
        c.find(Locator::Id("password")).await.unwrap().send_keys("Changed-pass1").await.unwrap();
        c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
        wait_for(&c, "header.top").await;
    };
    sign_in_leader().await;
    c.goto(&s.url("/todo?plan=1&period=2022-07")).await.unwrap();
    c.find(Locator::Css(&format!("tr[data-item='{item}'] a.button"))).await.unwrap().click().await.unwrap();
    wait_for(&c, "#signoff").await;
    fill(&c, "sign-note", "请补充竣工套数").await;
    shot(&c, "signoff").await;
    c.find(Locator::Id("send-back")).await.unwrap().click().await.unwrap();
    flash_says(&c, "已退回填报人修改").await;
    logout(&c).await;

    login(&c, &s, &format!("unit{unit:02}")).await;
    c.goto(&s.url(&format!("/report?plan=1&period=2022-07&item={item}"))).await.unwrap();
    assert!(text(&c, "#unit-note").await.contains("请补充竣工套数"));
    fill(&c, "progress", "七月新开工1万套，竣工0.2万套").await;
    c.find(Locator::Id("submit")).await.unwrap().click().await.unwrap();
    wait_for(&c, "p.flash").await;
    logout(&c).await;

    sign_in_leader().await;
    c.goto(&s.url(&format!("/report?plan=1&period=2022-07&item={item}&unit={unit}"))).await.unwrap();
    wait_for(&c, "#signoff").await;
    c.find(Locator::Id("sign")).await.unwrap().click().await.unwrap();
    flash_says(&c, "已审签并报送办公室").await;
    assert_eq!(text(&c, &format!("tr[data-item='{item}'] .state")).await, "已报送");
    let report = s.july_report(item, unit).await;
    assert_eq!(
        (report["state"].as_str(), report["signed_by"].as_str()),
        (Some("submitted"), Some(leader_name.as_str()))
    );
    c.close().await.unwrap();
}

/// Leads consolidate in the browser: the office turns consolidated reporting on; a co-unit's contribution
/// reaches the lead's report form, which is filled in from it; the lead passes another back and sends its
/// report; the office's queue has the lead's report with the contributions beside it, and not theirs.
#[tokio::test]
async fn the_lead_consolidates_its_co_units_contributions_in_a_real_browser() {
    let Some((_driver, c)) = browser().await else { return };
    let s = start().await;
    s.set_time(Utc.with_ymd_and_hms(2022, 8, 1, 2, 0, 0).unwrap());
    let at = Utc.with_ymd_and_hms(2022, 7, 20, 2, 0, 0).unwrap();
    let item = duban_app::demo::mark_leads(&s.store, duban_core::PlanId(1), at, 1).await.unwrap()[0];
    let ledger = s.store.ledger(duban_core::PlanId(1)).await.unwrap();
    let task = ledger.item(item).unwrap().clone();
    let (lead, co1, co2) = (task.units[0].unit_id.get(), task.units[1].unit_id.get(), task.units[2].unit_id.get());
    // Back to direct from the office's page, then consolidated again, as an office would switch.
    login(&c, &s, "office").await;
    c.goto(&s.url("/review?plan=1&period=2022-07")).await.unwrap();
    c.find(Locator::Css("#mode option[value=direct]")).await.unwrap().click().await.unwrap();
    fill(&c, "mode-reason", "先各自直报").await;
    c.find(Locator::Id("set-mode")).await.unwrap().click().await.unwrap();
    flash_says(&c, "报送方式已调整").await;
    c.find(Locator::Css("#mode option[value=consolidated]")).await.unwrap().click().await.unwrap();
    fill(&c, "mode-reason", "牵头单位负责汇总报送").await;
    c.find(Locator::Id("set-mode")).await.unwrap().click().await.unwrap();
    flash_says(&c, "报送方式已调整").await;
    assert!(text(&c, "#reporting-mode").await.contains("牵头单位汇总后报送办公室"));
    logout(&c).await;

    // Two co-units contribute (over the API, as their own people).
    for (unit, words) in [(co1, "完成选址2处"), (co2, "完成规划")] {
        let tok = super::token(&s, &format!("unit{unit:02}")).await;
        let (_, periods) = super::call(&s, Some(&tok), reqwest::Method::GET, "/api/v1/plans/1/periods", None).await;
        let july = periods.as_array().unwrap().iter().find(|p| p["key"] == "2022-07").unwrap()["id"].clone();
        let d = json!({ "period_id": july, "item_id": item, "unit_id": unit, "progress": words });
        let (_, r) = super::call(&s, Some(&tok), reqwest::Method::PUT, "/api/v1/reports", Some(d)).await;
        let submit = format!("/api/v1/reports/{}/submit", r["id"]);
        super::call(&s, Some(&tok), reqwest::Method::POST, &submit, Some(json!({ "version": r["version"] }))).await;
    }

    login(&c, &s, &format!("unit{lead:02}")).await;
    c.goto(&s.url(&format!("/report?plan=1&period=2022-07&item={item}"))).await.unwrap();
    wait_for(&c, "#contributions").await;
    let co_units = task.units.iter().filter(|u| u.role == duban_model::UnitRole::Co).count();
    assert_eq!(c.find_all(Locator::Css("#contributions tbody tr")).await.unwrap().len(), co_units, "every co-unit");
    assert_eq!(c.find_all(Locator::Css("#contributions tbody tr.missing")).await.unwrap().len(), co_units - 2);
    assert!(text(&c, "#contributions h2").await.contains(&format!("2/{co_units}")));
    let prefilled = c.find(Locator::Id("progress")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
    assert!(prefilled.contains("完成选址2处") && prefilled.contains("完成规划"), "{prefilled}");
    assert!(c.find(Locator::Id("consolidated-note")).await.is_ok());
    shot(&c, "consolidate").await;
    let row = c.find(Locator::Css(&format!("#contributions tr[data-contribution='{co2}']"))).await.unwrap();
    row.find(Locator::Css("input[name=reason]")).await.unwrap().send_keys("请补充规划批复文号").await.unwrap();
    row.find(Locator::Css("button")).await.unwrap().click().await.unwrap();
    flash_says(&c, "已退回").await;
    let returned = text(&c, &format!("#contributions tr[data-contribution='{co2}']")).await;
    assert!(returned.contains("请补充规划批复文号"), "{returned}");
    fill(&c, "progress", "汇总：完成选址2处，规划编制中").await;
    c.find(Locator::Id("submit")).await.unwrap().click().await.unwrap();
    flash_says(&c, "已报送").await;
    logout(&c).await;

    login(&c, &s, "office").await;
    c.goto(&s.url("/review?plan=1&period=2022-07")).await.unwrap();
    let queue = text(&c, "#queue").await;
    assert!(queue.contains("汇总：完成选址2处"), "{queue}");
    assert!(queue.contains("配合单位材料 2"), "both contributions beside it: {queue}");
    let beside = c
        .find(Locator::Css("#queue details.beside"))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(beside.contains("完成选址2处") && beside.contains("已退回"), "the returned one says so: {beside}");
    let co_rows = c.find_all(Locator::Css(&format!("#queue tr[data-report] input[value^='{}:']", co1))).await.unwrap();
    assert!(co_rows.is_empty());
    assert_eq!(
        c.find_all(Locator::Css("#queue tbody > tr")).await.unwrap().len(),
        1,
        "only the lead's report is the office's to review"
    );
    c.close().await.unwrap();
}

/// Notices in the browser: a 催报 shows as a count in the header and on the to-do page; opening the notice
/// goes to the to-do and clears the count.
#[tokio::test]
async fn a_reminder_reaches_the_unit_in_a_real_browser() {
    let Some((_driver, c)) = browser().await else { return };
    let s = start().await;
    login(&c, &s, "office").await;
    c.goto(&s.url("/dashboard?plan=1&period=2022-06")).await.unwrap();
    let row = wait_for(&c, "#late tbody tr").await;
    let unit = row.attr("data-unit").await.unwrap().unwrap();
    row.find(Locator::Css("button")).await.unwrap().click().await.unwrap();
    wait_for(&c, "p.flash").await;
    logout(&c).await;

    let unit: i64 = unit.parse().unwrap();
    login(&c, &s, &format!("unit{unit:02}")).await;
    let badge = text(&c, "#notice-count .badge").await;
    assert_eq!(badge, "1", "one unread notice");
    c.goto(&s.url("/todo?plan=1&period=2022-06")).await.unwrap();
    assert!(text(&c, "#todo-reminders").await.contains("请"), "the reminder on the to-do page");
    c.find(Locator::Id("notice-count")).await.unwrap().click().await.unwrap();
    let notice = wait_for(&c, "#notices li.unread").await;
    assert!(notice.text().await.unwrap().contains("办公室催报"));
    shot(&c, "notices").await;
    notice.find(Locator::Css("button")).await.unwrap().click().await.unwrap();
    wait_for(&c, "#todo").await;
    assert!(c.current_url().await.unwrap().as_str().contains("/todo?plan=1&period=2022-06"));
    assert!(c.find(Locator::Css("#notice-count .badge")).await.is_err(), "read: no count");
    c.close().await.unwrap();
}
