//! The store's behaviour suite, run on SQLite and on PostgreSQL.
//!
//! PostgreSQL is at `DUBAN_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`). When it cannot
//! be reached the PostgreSQL half is skipped with a message, unless `DUBAN_REQUIRE_POSTGRES=1` (CI sets it),
//! in which case the suite fails.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use duban_core::{IndicatorId, PlanId, UnitId, UserId};
use duban_model::UnitKind;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, TimeZone, Utc};
use duban_core::periods::monthly;
use duban_core::{Actor, ErrorKind, ReportState, Role, Status, Thresholds};
use duban_store::{Ctx, Idempotency, NewUnit, NewUser, ReportDraft, ReportFilter, ReportValue, Store};

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn pg_url() -> String {
    std::env::var("DUBAN_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn unique(prefix: &str) -> String {
    format!("{prefix}_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst))
}

/// One fresh store per backend that is available.
async fn stores() -> Vec<(&'static str, Store)> {
    Vec::from_iter(stores_raw().await.into_iter().map(|(n, s, _)| (n, s)))
}

/// Each store with a connection of its own to the same database, as someone with database access has.
async fn stores_raw() -> Vec<(&'static str, Store, sqlx::AnyPool)> {
    sqlx::any::install_default_drivers();
    let dir = std::env::temp_dir().join(unique("duban_store_test"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.db");
    let sqlite = Store::open(path.to_str().unwrap()).await.unwrap();
    let raw = sqlx::AnyPool::connect(&format!("sqlite://{}", path.display())).await.unwrap();
    let mut out = vec![("sqlite", sqlite, raw)];
    let schema = unique("t");
    match Store::open_in_schema(&pg_url(), Some(&schema)).await {
        Ok(pg) => {
            let set_path = format!("SET search_path TO {schema}");
            let raw = sqlx::any::AnyPoolOptions::new()
                .max_connections(1)
                .after_connect(move |c, _| {
                    let q = set_path.clone();
                    Box::pin(async move {
                        sqlx::Executor::execute(c, q.as_str()).await?;
                        Ok(())
                    })
                })
                .connect(&pg_url())
                .await
                .unwrap();
            out.push(("postgres", pg, raw))
        }
        Err(e) => {
            if std::env::var("DUBAN_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("PostgreSQL is required (DUBAN_REQUIRE_POSTGRES=1) but unreachable at {}: {e}", pg_url());
            }
            eprintln!("NOTE: PostgreSQL unreachable at {} ({e}); PostgreSQL suite SKIPPED, SQLite only", pg_url());
        }
    }
    out
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    // 10:00 in Xi'an.
    Utc.with_ymd_and_hms(y, m, d, 2, 0, 0).unwrap()
}

fn admin(now: DateTime<Utc>) -> Ctx {
    Ctx::new(Actor::system(), now)
}

fn reporter(user_id: i64, unit: UnitId, now: DateTime<Utc>) -> Ctx {
    Ctx::new(
        Actor {
            user_id: UserId(user_id),
            username: format!("rep{user_id}"),
            role: Role::Reporter,
            unit_id: Some(unit),
        },
        now,
    )
}

const SEED: &str = include_str!("../../../fixtures/shaanxi-2022-urbanization.txt");
const CITIES: [&str; 10] = [
    "西安市政府",
    "宝鸡市政府",
    "咸阳市政府",
    "铜川市政府",
    "渭南市政府",
    "延安市政府",
    "榆林市政府",
    "汉中市政府",
    "安康市政府",
    "商洛市政府",
];

/// Imports the Shaanxi plan, maps every name (cities for 相关市政府), publishes it with monthly periods.
async fn published_plan(store: &Store) -> (PlanId, Vec<duban_store::PeriodRecord>) {
    let now = at(2022, 2, 10);
    let plan = duban_plan::parse_text(SEED);
    let rec = store.import_plan(&admin(now), "shaanxi.txt", SEED, &plan).await.unwrap();
    assert_eq!(rec.state, "draft");
    assert_eq!(rec.year, 2022);
    let unresolved = store.unresolved_names(rec.id).await.unwrap();
    let names: BTreeSet<String> = unresolved.iter().map(|u| u.name.clone()).collect();
    assert!(names.contains("相关市政府") && names.contains("省发展改革委"), "{names:?}");
    // Publishing with names unmapped is refused.
    let err = store.publish_plan(&admin(now), rec.id, rec.row_version).await.unwrap_err();
    assert_eq!(err.code, "plan.unresolved_units");

    let mut city_ids = Vec::new();
    for c in CITIES {
        let aliases = if c == "西安市政府" { vec!["西安市".to_string()] } else { vec![] };
        let u = store
            .create_unit(
                &admin(now),
                &NewUnit { name: c.into(), kind: duban_model::UnitKind::Government, aliases, ..Default::default() },
            )
            .await
            .unwrap();
        city_ids.push(u.id);
    }
    store.set_group(&admin(now), "相关市政府", &city_ids).await.unwrap();
    for n in &names {
        if n == "相关市政府" || CITIES.contains(&n.as_str()) || n == "西安市" {
            continue;
        }
        let kind =
            if n.ends_with("集团") || n.ends_with("公司") { UnitKind::Enterprise } else { UnitKind::Department };
        store.create_unit(&admin(now), &NewUnit { name: n.clone(), kind, ..Default::default() }).await.unwrap();
    }
    let left = store.resolve_plan_names(&admin(now), rec.id).await.unwrap();
    assert!(left.is_empty(), "{left:?}");
    let rec = store.plan(rec.id).await.unwrap();
    let published = store.publish_plan(&admin(now), rec.id, rec.row_version).await.unwrap();
    assert_eq!(published.state, "published");
    let periods = store.create_periods(&admin(now), rec.id, &monthly(2022, 5, 3).unwrap()).await.unwrap();
    (rec.id, periods)
}

/// Every task lists its units where the plan prints them (an expanded group in the group's place), not
/// by the order the units were created in.
#[tokio::test]
async fn a_tasks_units_keep_the_order_the_plan_prints_them_in() {
    async fn check(db: &str, store: &Store, plan_id: PlanId) {
        let parsed = duban_plan::parse_text(SEED);
        let names: std::collections::HashMap<&[String], Vec<String>> = duban_plan::walk_items(&parsed.items)
            .into_iter()
            .map(|i| (i.path.as_slice(), i.units.iter().map(|u| u.name.clone()).collect()))
            .collect();
        let ledger = store.ledger(plan_id).await.unwrap();
        let (mut checked, mut not_by_id) = (0, 0);
        for t in ledger.all_items().into_iter().filter(|t| t.is_task && t.units.len() > 1) {
            let printed = &names[t.path.as_slice()];
            let place = |unit: &str| {
                printed
                    .iter()
                    .position(|n| n == unit || (n == "西安市" && unit == "西安市政府"))
                    .or_else(|| {
                        CITIES.contains(&unit).then(|| printed.iter().position(|n| n == "相关市政府")).flatten()
                    })
                    .unwrap_or_else(|| panic!("{db}: {unit} is not printed in task {:?}: {printed:?}", t.path))
            };
            let places: Vec<usize> = t.units.iter().map(|u| place(&u.name)).collect();
            assert!(
                places.is_sorted(),
                "{db}: task {:?} lists {:?}, printed {printed:?}",
                t.path,
                t.units.iter().map(|u| &u.name).collect::<Vec<_>>()
            );
            not_by_id += usize::from(!t.units.iter().map(|u| u.unit_id).is_sorted());
            checked += 1;
        }
        // The fixture's tasks print their units in an order that is not the units' creation order.
        assert!(checked >= 20 && not_by_id >= 10, "{db}: {checked} tasks checked, {not_by_id} out of id order");
    }
    for (db, store, pool) in stores_raw().await {
        let (plan_id, _) = published_plan(&store).await;
        check(db, &store, plan_id).await;
        // A database made before units kept their place (migration 7 gives its rows -1): the open recovers
        // the places from the plan as parsed at import.
        raw(&pool, "UPDATE assignments SET position = -1").await.unwrap();
        store.recover_printed_order().await.unwrap();
        check(db, &store, plan_id).await;
    }
}

/// A deadline keeps the plan's phrase, and 长期坚持 is ongoing rather than a made-up date, on both stores.
#[tokio::test]
async fn deadlines_keep_their_phrase_and_ongoing_work_has_no_due_date() {
    let text = "某市2024年工作方案\n重点任务分工表\n序号\t重点任务\t牵头单位\t完成时限\n\
                1\t用好专项债券\t市财政局\t2024年9月底前\n2\t压减审批时限\t市政务服务局\t长期坚持\n\
                3\t优化营商环境\t市发展改革委\t按国家部署推进\n";
    let plan = duban_plan::parse_text(text);
    for (db, store) in stores().await {
        let rec = store.import_plan(&admin(at(2024, 2, 1)), "t.txt", text, &plan).await.unwrap();
        let ledger = store.ledger(rec.id).await.unwrap();
        let tasks: Vec<&duban_store::LedgerItem> = ledger.all_items().into_iter().filter(|t| t.is_task).collect();
        let seen: Vec<(&str, &str, bool, String)> = tasks
            .iter()
            .map(|t| (t.title.as_str(), t.deadline_text.as_str(), t.ongoing, t.deadline.to_string()))
            .collect();
        assert_eq!(
            seen,
            [
                ("用好专项债券", "2024年9月底前", false, "2024-09-30".to_string()),
                // The year's end is only the horizon the ongoing task is reported against.
                ("压减审批时限", "长期坚持", true, "2024-12-31".to_string()),
                ("优化营商环境", "按国家部署推进", false, "2024-12-31".to_string()),
            ],
            "{db}"
        );
    }
}

/// What the parser read each unit and target from, and what it guessed, reach the ledger on both stores;
/// a name mapped later keeps its duty word and basis; the office's check closes an item's doubts, and its
/// own comparator is no longer the parser's.
#[tokio::test]
async fn the_parsers_readings_and_doubts_reach_the_ledger_and_a_check_closes_them() {
    use duban_model::{TargetBasis, UnitBasis};
    let text = "某省2024年工作方案\n一、重点任务\n\
                1．扩大有效投资。力争全年引进项目10个以上，新注册企业3家。（牵头单位：省发展改革委；省财政厅、省税务局）\n\
                2．稳定就业。城镇新增就业不少于5万人。（省人力资源社会保障厅负责）\n";
    let plan = duban_plan::parse_text(text);
    for (db, store) in stores().await {
        let now = at(2024, 2, 1);
        for name in ["省发展改革委", "省财政厅", "省人力资源社会保障厅"] {
            store.create_unit(&admin(now), &NewUnit { name: name.into(), ..Default::default() }).await.unwrap();
        }
        let rec = store.import_plan(&admin(now), "t.txt", text, &plan).await.unwrap();
        let pending = store.unresolved_names(rec.id).await.unwrap();
        assert_eq!(
            pending.iter().map(|u| (u.name.as_str(), u.basis)).collect::<Vec<_>>(),
            [("省税务局", Some(UnitBasis::Bare))],
            "{db}"
        );
        let tax =
            store.create_unit(&admin(now), &NewUnit { name: "省税务局".into(), ..Default::default() }).await.unwrap();
        store.resolve_plan_names(&admin(now), rec.id).await.unwrap();
        let ledger = store.ledger(rec.id).await.unwrap();
        let tasks: Vec<&duban_store::LedgerItem> = ledger.all_items().into_iter().filter(|t| t.is_task).collect();
        let (invest, jobs) = (tasks[0], tasks[1]);
        assert_eq!(
            invest.units.iter().map(|u| (u.name.as_str(), u.basis)).collect::<Vec<_>>(),
            [
                ("省发展改革委", Some(UnitBasis::Label)),
                ("省财政厅", Some(UnitBasis::Bare)),
                ("省税务局", Some(UnitBasis::Bare))
            ],
            "{db}"
        );
        // The mapped name kept its duty word (the list had none: 负责).
        assert_eq!(invest.units.iter().find(|u| u.unit_id == tax.id).unwrap().duty, "负责", "{db}");
        assert_eq!(
            invest.targets.iter().map(|t| (t.basis, t.cue.as_str())).collect::<Vec<_>>(),
            [(Some(TargetBasis::Word), "以上"), (Some(TargetBasis::Sentence), "力争")],
            "{db}"
        );
        let mut codes: Vec<&str> = invest.doubts.iter().map(|d| d.code.as_str()).collect();
        codes.sort();
        assert_eq!(codes, ["op_from_sentence", "units_without_duty"], "{db}");
        assert!(invest.doubtful() && !jobs.doubtful(), "{db}");
        assert_eq!(jobs.units.first().map(|u| u.basis), Some(Some(UnitBasis::Duty)), "{db}");
        assert_eq!(jobs.targets.first().map(|t| t.cue.as_str()), Some("不少于"), "{db}");

        // A check on a stale version is refused; on the current one it closes the doubts, and says who.
        let stale = store.check_item(&admin(now), invest.id, rec.row_version - 1).await.unwrap_err();
        assert_eq!(stale.code, "stale_version", "{db}");
        let plan_now = store.plan(rec.id).await.unwrap();
        let after = store.check_item(&admin(now), invest.id, plan_now.row_version).await.unwrap();
        assert!(after.row_version > plan_now.row_version, "{db}");
        let ledger = store.ledger(rec.id).await.unwrap();
        let invest = ledger.item(invest.id).unwrap();
        assert_eq!(invest.checked_at, Some(now.timestamp()), "{db}");
        assert!(!invest.doubtful() && invest.doubts.len() == 2, "{db}: the doubts stay on record");
        let audit = store.audit_of("item", &invest.id.to_string()).await.unwrap();
        assert!(audit.iter().any(|e| e.record.action == "item.check"), "{db}");

        // The office's own comparator is no longer what the parser read.
        let sentence = invest.targets[1].id;
        let patch = duban_store::IndicatorPatch { op: Some(">".into()), ..Default::default() };
        let ind = store.update_indicator(&admin(now), sentence, after.row_version, &patch).await.unwrap();
        assert_eq!((ind.basis, ind.cue.as_str()), (None, ""), "{db}");
        let patch = duban_store::IndicatorPatch { baseline: Some(1.0), ..Default::default() };
        let plan_now = store.plan(rec.id).await.unwrap();
        let kept = jobs.targets[0].id;
        let ind = store.update_indicator(&admin(now), kept, plan_now.row_version, &patch).await.unwrap();
        assert_eq!(ind.basis, Some(TargetBasis::Word), "{db}: a baseline is not the comparator");
        let ledger = store.ledger(rec.id).await.unwrap();
        assert!(ledger.item(jobs.id).unwrap().checked_at.is_some(), "{db}: a correction is a check");
    }
}

/// Accounts as 等级保护 asks, on both stores: an issued password must be changed, a change keeps the
/// last three hashes and ends the other sessions, disabling ends them all, unlocking forgets the failures,
/// and each of these is in the audit log.
#[tokio::test]
async fn passwords_sessions_and_account_states_follow_the_rules() {
    for (db, store) in stores().await {
        let now = at(2022, 3, 1);
        let hash = duban_store::hash_password("Initial-Pw1").unwrap();
        let new = NewUser {
            username: "lly".into(),
            display_name: "联络员".into(),
            password: String::new(),
            role: Role::Viewer,
            unit_id: None,
            must_change_password: true,
        };
        let u = store.create_user(&admin(now), &new, &hash).await.unwrap();
        assert!(u.must_change_password, "{db}");
        let (first, _) = store.create_session(&u, "browser", now, 3600).await.unwrap();
        assert!(store.session(&first, now, 1800).await.unwrap().unwrap().must_change_password, "{db}");
        let (second, _) = store.create_session(&u, "browser", now, 3600).await.unwrap();
        let me = Ctx::new(
            duban_core::Actor { user_id: u.id, username: "lly".into(), role: Role::Viewer, unit_id: None },
            now,
        );
        let keep = store.session(&first, now, 1800).await.unwrap().unwrap().key;
        assert_eq!(store.sessions_of(u.id, &keep, now.timestamp()).await.unwrap().len(), 2, "{db}");
        // Three changes: the history keeps what the rule looks at, the must-change mark goes, the other
        // session ends.
        for pw in ["Second-Pw2", "Third-Pw3", "Fourth-Pw4"] {
            store.change_own_password(&me, &duban_store::hash_password(pw).unwrap(), &keep).await.unwrap();
        }
        let recent = store.recent_password_hashes(u.id).await.unwrap();
        assert_eq!(recent.len(), duban_core::password::HISTORY, "{db}");
        assert!(
            duban_store::verify_password("Fourth-Pw4", &recent[0])
                && duban_store::verify_password("Third-Pw3", &recent[1])
        );
        assert!(duban_store::verify_password("Second-Pw2", &recent[2]), "{db}: the oldest kept");
        assert!(!store.get_user(u.id).await.unwrap().must_change_password, "{db}");
        assert!(store.session(&second, now, 1800).await.unwrap().is_none(), "{db}: the other session ended");
        let sessions = store.sessions_of(u.id, &keep, now.timestamp()).await.unwrap();
        assert_eq!((sessions.len(), sessions[0].current), (1, true), "{db}");
        // The office resets it: to be changed again, and no session survives.
        let reset = store.reset_passwords(&admin(now), &[(u.id, hash.clone())]).await.unwrap();
        assert!(reset[0].must_change_password, "{db}");
        assert!(store.session(&first, now, 1800).await.unwrap().is_none(), "{db}");
        // Disabled: its sessions end and it has none until enabled.
        let (third, _) = store.create_session(&u, "browser", now, 3600).await.unwrap();
        assert!(store.set_user_disabled(&admin(now), u.id, true).await.unwrap().disabled, "{db}");
        assert!(store.session(&third, now, 1800).await.unwrap().is_none(), "{db}");
        assert!(!store.set_user_disabled(&admin(now), u.id, false).await.unwrap().disabled, "{db}");
        // Unlocked: the failures of the name are forgotten, from every address.
        for client in ["10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.1"] {
            store.signin_failed("lly", client, now.timestamp()).await.unwrap();
        }
        assert!(store.signin_wait("lly", "10.0.0.1", now.timestamp()).await.unwrap() > 0, "{db}");
        store.unlock_user(&admin(now), u.id).await.unwrap();
        assert_eq!(store.signin_wait("lly", "10.0.0.1", now.timestamp()).await.unwrap(), 0, "{db}");
        // Ending one's own session by its handle; a handle that is not one is not found.
        let (fourth, _) = store.create_session(&u, "api", now, 3600).await.unwrap();
        let handle = store.sessions_of(u.id, "", now.timestamp()).await.unwrap()[0].id.clone();
        store.end_own_session(&me, &handle).await.unwrap();
        assert!(store.session(&fourth, now, 1800).await.unwrap().is_none(), "{db}");
        assert_eq!(store.end_own_session(&me, "zz").await.unwrap_err().code, "not_found", "{db}");
        let actions: Vec<String> =
            store.audit_of("user", &u.id.to_string()).await.unwrap().into_iter().map(|e| e.record.action).collect();
        for a in [
            "user.create",
            "user.password_change",
            "user.password_reset",
            "user.disable",
            "user.enable",
            "user.unlock",
            "session.end",
        ] {
            assert!(actions.iter().any(|x| x == a), "{db}: {a} in {actions:?}");
        }
    }
}

/// Units level on their figures stand in the ranking in their protocol order (排序), on both stores, and a
/// summary kept from before a change to the directory does not outlive it.
#[tokio::test]
async fn units_level_in_the_ranking_stand_in_their_protocol_order() {
    for (db, store) in stores().await {
        let (plan_id, _) = published_plan(&store).await;
        let units = store.list_units().await.unwrap();
        // 排序 the reverse of creation: nothing is reported yet, so every unit is level on the figures.
        let n = units.len() as i64;
        let rows: Vec<duban_store::UnitUpsert> = units
            .iter()
            .enumerate()
            .map(|(i, u)| duban_store::UnitUpsert {
                name: u.name.clone(),
                aliases: vec![],
                kind: u.kind,
                parent: None,
                sort_order: n - i as i64,
                contact: String::new(),
                phone: String::new(),
                email: String::new(),
            })
            .collect();
        // A summary computed (and kept) before the new order: the change to the directory reaches it.
        let before = store.summary(plan_id, "2022-05", &Thresholds::default()).await.unwrap();
        assert!(before.units.first().unwrap().unit_id < before.units.last().unwrap().unit_id, "{db}: by id before");
        store.apply_units_sheet(&admin(at(2022, 2, 10)), &rows).await.unwrap();
        let s = store.summary(plan_id, "2022-05", &Thresholds::default()).await.unwrap();
        let orders: Vec<i64> = s.units.iter().map(|u| u.sort_order).collect();
        assert!(orders.len() > 10 && orders.is_sorted(), "{db}: {orders:?}");
        assert!(s.units.first().unwrap().unit_id > s.units.last().unwrap().unit_id, "{db}: not by id");
        let listed: Vec<i64> = store.list_units().await.unwrap().iter().map(|u| u.sort_order).collect();
        assert!(listed.is_sorted(), "{db}: the directory in 排序");
    }
}

/// Units created from a plan's unmapped names are created all or none, and the names resolve through them
/// in the same transaction, on both stores.
#[tokio::test]
async fn units_created_for_a_plan_are_all_or_none() {
    let text = "某省2024年工作方案\n一、重点任务\n1．扩大有效投资。（省发改委、省数据局、西咸新区管委会负责）\n";
    let plan = duban_plan::parse_text(text);
    for (db, store) in stores().await {
        let now = at(2024, 2, 1);
        store.create_unit(&admin(now), &NewUnit { name: "省发改委".into(), ..Default::default() }).await.unwrap();
        let rec = store.import_plan(&admin(now), "t.txt", text, &plan).await.unwrap();
        let batch = |names: &[&str]| -> Vec<NewUnit> {
            names.iter().map(|n| NewUnit { name: n.to_string(), kind: UnitKind::Zone, ..Default::default() }).collect()
        };
        // One name of the batch exists already: nothing is created.
        let err = store
            .create_units_for_plan(&admin(now), rec.id, &batch(&["西咸新区管委会", "省发改委"]))
            .await
            .unwrap_err();
        assert_eq!(err.code, "unit.exists", "{db}");
        assert!(store.list_units().await.unwrap().iter().all(|u| u.name != "西咸新区管委会"), "{db}: half-created");
        let left = store.create_units_for_plan(&admin(now), rec.id, &batch(&["西咸新区管委会"])).await.unwrap();
        assert_eq!(left.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["省数据局"], "{db}");
        let zone = store.list_units().await.unwrap().into_iter().find(|u| u.name == "西咸新区管委会").unwrap();
        assert_eq!(zone.kind, UnitKind::Zone, "{db}");
        let ledger = store.ledger(rec.id).await.unwrap();
        let task = ledger.all_items().into_iter().find(|t| t.is_task).unwrap();
        assert_eq!(
            task.units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(),
            ["省发改委", "西咸新区管委会"],
            "{db}"
        );
        let err = store.create_units_for_plan(&admin(now), rec.id, &[]).await.unwrap_err();
        assert_eq!(err.code, "unit.batch", "{db}");
    }
}

fn housing_task(ledger: &duban_store::Ledger) -> (&duban_store::LedgerItem, IndicatorId) {
    fn walk<'a>(items: &'a [duban_store::LedgerItem], out: &mut Vec<&'a duban_store::LedgerItem>) {
        for i in items {
            out.push(i);
            walk(&i.children, out);
        }
    }
    let mut all = Vec::new();
    walk(&ledger.items, &mut all);
    let task =
        all.into_iter().find(|i| i.targets.iter().any(|t| t.metric.contains("保障性租赁住房"))).expect("housing task");
    let ind = task.targets.iter().find(|t| t.metric.contains("保障性租赁住房")).unwrap().id;
    (task, ind)
}

#[tokio::test]
async fn the_year_of_a_plan() {
    for (name, store) in stores().await {
        eprintln!("-- {name}");
        let (plan_id, periods) = published_plan(&store).await;
        let ledger = store.ledger(plan_id).await.unwrap();
        assert_eq!(ledger.items.len(), 6, "{name}: six parts");
        let (task, housing) = housing_task(&ledger);
        let unit = task.units[0].unit_id;
        // 相关市政府 expanded into the ten cities.
        let task_units: BTreeSet<&str> = task.units.iter().map(|u| u.name.as_str()).collect();
        assert!(task_units.contains("宝鸡市政府"), "{name}: {task_units:?}");
        let may = &periods[4];
        assert_eq!(may.spec.key, "2022-05");

        // A draft, then an edit with the version read, then submit.
        let rep = reporter(100, unit, at(2022, 6, 2));
        let draft = ReportDraft {
            progress: "已开工3.1万套".into(),
            values: vec![ReportValue { indicator_id: housing, value: 31_000.0 }],
            percent: Some(35.0),
            milestones: vec![duban_store::MilestoneState {
                name: "西安外环高速公路南段 建成通车".into(),
                state: duban_model::ProjectProgress::InProgress,
            }],
            ..ReportDraft::new(may.id, task.id, unit)
        };
        let r = store.save_report(&rep, &draft).await.unwrap();
        assert_eq!((r.state, r.version), (ReportState::Draft, 1));
        assert_eq!(r.milestones[0].state, duban_model::ProjectProgress::InProgress);
        let bad = ReportDraft {
            milestones: vec![duban_store::MilestoneState {
                name: " ".into(),
                state: duban_model::ProjectProgress::Done,
            }],
            ..draft.clone()
        };
        assert_eq!(store.save_report(&rep, &bad).await.unwrap_err().code, "report.milestone");
        // Saving again without the version is a stale edit, not an overwrite.
        let err = store.save_report(&rep, &draft).await.unwrap_err();
        assert_eq!(err.kind, ErrorKind::Conflict, "{name}");
        let r = store
            .save_report(&rep, &ReportDraft { version: Some(1), progress: "已开工3.2万套".into(), ..draft.clone() })
            .await
            .unwrap();
        assert_eq!(r.version, 2);
        let err = store.submit_report(&rep, r.id, 1).await.unwrap_err();
        assert_eq!(err.code, "stale_version");
        let r = store.submit_report(&rep, r.id, 2).await.unwrap();
        assert_eq!(r.state, ReportState::Submitted);

        // Another unit's reporter can neither read nor change it.
        let other = reporter(101, UnitId(unit.get() + 1), at(2022, 6, 2));
        assert_eq!(store.get_report(&other.actor, r.id).await.unwrap_err().kind, ErrorKind::Forbidden);
        assert_eq!(store.submit_report(&other, r.id, r.version).await.unwrap_err().kind, ErrorKind::Forbidden);
        assert!(store.list_reports(&other.actor, &ReportFilter::default()).await.unwrap().is_empty());

        // The office returns it with a reason; the unit fixes and resubmits; the office approves.
        let office = admin(at(2022, 6, 3));
        assert_eq!(
            store.review_report(&office, r.id, r.version, false, " ").await.unwrap_err().code,
            "report.reason_required"
        );
        let r = store.review_report(&office, r.id, r.version, false, "请补充开工项目清单").await.unwrap();
        assert_eq!((r.state, r.return_reason.as_str()), (ReportState::Returned, "请补充开工项目清单"));
        let todo = store.todo(&rep, may.id, unit).await.unwrap();
        let row = todo.iter().find(|t| t.item_id == task.id).unwrap();
        assert_eq!((row.state, row.return_reason.as_str()), (Some(ReportState::Returned), "请补充开工项目清单"));
        let r = store
            .save_report(
                &rep,
                &ReportDraft {
                    version: Some(r.version), progress: "已开工3.2万套，清单附后".into(), ..draft.clone()
                },
            )
            .await
            .unwrap();
        let r = store.submit_report(&rep, r.id, r.version).await.unwrap();
        let r = store.review_report(&office, r.id, r.version, true, "").await.unwrap();
        assert_eq!(r.state, ReportState::Approved);
        assert_eq!(
            store.save_report(&rep, &ReportDraft { version: Some(r.version), ..draft.clone() }).await.unwrap_err().code,
            "report.wrong_state"
        );

        // After due date + grace the period is locked, until the office grants an exception.
        let late = reporter(100, unit, at(2022, 6, 9));
        let other_task = ledger
            .items
            .iter()
            .flat_map(|p| p.children.iter())
            .find(|t| t.units.iter().all(|u| u.unit_id != unit))
            .unwrap()
            .clone();
        let other_unit = other_task.units[0].unit_id;
        let late_other = reporter(102, other_unit, at(2022, 6, 9));
        let d2 = ReportDraft { progress: "推进中".into(), ..ReportDraft::new(may.id, other_task.id, other_unit) };
        let err = store.save_report(&late_other, &d2).await.unwrap_err();
        assert_eq!((err.kind, err.code), (ErrorKind::Locked, "period.locked"), "{name}");
        store.grant_exception(&admin(at(2022, 6, 9)), may.id, other_unit, "2022-06-12").await.unwrap();
        let r2 = store.save_report(&late_other, &d2).await.unwrap();
        let r2 = store.submit_report(&late_other, r2.id, r2.version).await.unwrap();
        assert!(r2.first_submitted_at.is_some());
        let _ = late;

        // Summary of May: the housing indicator is at 3.2万 of 8.8万, expected ~3.5万 at the end of May.
        let s = store.summary(plan_id, "2022-05", &Thresholds::default()).await.unwrap();
        assert_eq!(s.tasks_total, 24, "{name}");
        let ind = s.indicators.iter().find(|i| i.indicator_id == housing).unwrap();
        assert_eq!(ind.actual, Some(31_000.0));
        assert!((ind.expected - 88_000.0 * 150.0 / 364.0).abs() < 1.0, "{}", ind.expected);
        assert_eq!(ind.status, Status::Lagging);
        assert!(ind.forecast.as_ref().unwrap().shortfall > 0.0);
        let t = s.tasks.iter().find(|t| t.item_id == task.id).unwrap();
        assert_eq!(t.status, Status::Lagging, "{name}");
        assert_eq!((t.received, t.unit_count), (1, task.units.len() as i64));
        assert!(s.lagging.iter().any(|l| l.item_id == task.id));
        assert_eq!(s.reports_received, 2);
        assert_eq!(s.reports_on_time, 1, "{name}: the late one is received but not on time");
        assert_eq!(
            s.counts.not_reported + s.counts.lagging + s.counts.on_track + s.counts.completed + s.counts.overdue,
            24
        );
        assert!(s.reports_owed > 24);
        let u = s.units.iter().find(|u| u.unit_id == unit).unwrap();
        assert_eq!((u.received, u.on_time), (1, 1));
        // It still owes reports on its other tasks, so its status is 未报送; its housing task lags.
        assert_eq!(u.status, Status::NotReported, "{name}");
        assert!(u.counts.lagging >= 1);
        assert_eq!(s.status, Status::NotReported, "the plan takes the worst of its tasks");
        let o = s.units.iter().find(|u| u.unit_id == other_unit).unwrap();
        assert_eq!((o.received, o.on_time), (1, 0));
        assert!(s.units.windows(2).all(|w| w[0].completeness >= w[1].completeness), "ranked by completeness");
        assert!((o.completeness - 1.0 / o.owed as f64).abs() < 1e-9);

        // 催报 and 延期申请 are recorded.
        store.remind(&office, may.id, other_unit, None, "请尽快报送").await.unwrap();
        assert_eq!(store.reminders(may.id).await.unwrap().len(), 1);
        let ext = store.request_extension(&rep, task.id, unit, "2023-03-31", "土地手续滞后").await.unwrap();
        assert_eq!(store.extensions(&office.actor, Some(duban_model::ExtensionState::Pending)).await.unwrap().len(), 1);
        let ext = store.decide_extension(&office, ext.id, true, "同意").await.unwrap();
        assert_eq!(ext.state, "approved");
        assert_eq!(store.decide_extension(&office, ext.id, false, "").await.unwrap_err().code, "extension.decided");

        // Every change is in the chain, and the chain verifies.
        let audit = store.verify_audit().await.unwrap();
        assert!(audit.ok(), "{name}: {:?}", audit.breaks);
        assert!(audit.rows > 30);
        let hist = store.audit_of("report", &r.id.to_string()).await.unwrap();
        let actions: Vec<&str> = hist.iter().map(|h| h.record.action.as_str()).collect();
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
    }
}

#[tokio::test]
async fn idempotent_and_concurrent_writes() {
    for (name, store) in stores().await {
        eprintln!("-- {name}");
        let (plan_id, periods) = published_plan(&store).await;
        let ledger = store.ledger(plan_id).await.unwrap();
        let (task, _) = housing_task(&ledger);
        let unit = task.units[0].unit_id;
        let now = at(2022, 4, 2);
        let draft = ReportDraft { progress: "进展".into(), ..ReportDraft::new(periods[2].id, task.id, unit) };

        // The same key twice, at the same time: one write, one answer.
        let mut ctx = reporter(100, unit, now);
        ctx.idempotency = Some(Idempotency { key: "k-1".into(), fingerprint: "PUT /reports {..}".into() });
        let (a, b) = tokio::join!(store.save_report(&ctx, &draft), store.save_report(&ctx, &draft));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a, b, "{name}");
        let all = store
            .list_reports(&ctx.actor, &ReportFilter { period_id: Some(periods[2].id), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].version, 1, "{name}: written once");
        // The same key for another request is refused.
        ctx.idempotency = Some(Idempotency { key: "k-1".into(), fingerprint: "other".into() });
        assert_eq!(store.save_report(&ctx, &draft).await.unwrap_err().code, "idempotency.key_reused");

        // Eight editors on version 1 at once: exactly one wins, the rest get a conflict.
        let plain = reporter(100, unit, now);
        let edits: Vec<_> =
            (0..8).map(|i| ReportDraft { version: Some(1), progress: format!("编辑{i}"), ..draft.clone() }).collect();
        let results = futures_join_all(&store, &plain, &edits).await;
        let ok = results.iter().filter(|r| r.is_ok()).count();
        let stale = results.iter().filter(|r| r.as_ref().is_err_and(|e| e.code == "stale_version")).count();
        assert_eq!((ok, stale), (1, 7), "{name}: {results:?}");

        // A batch (an uploaded offline sheet) is written whole or not at all.
        let april = ReportDraft { period_id: periods[3].id, progress: "四月进展".into(), ..draft.clone() };
        let stale_edit = ReportDraft { version: Some(99), ..draft.clone() };
        let err = store.save_reports(&plain, &[april.clone(), stale_edit], true).await.unwrap_err();
        assert_eq!(err.code, "stale_version", "{name}");
        let in_april = ReportFilter { period_id: Some(periods[3].id), ..Default::default() };
        assert!(store.list_reports(&plain.actor, &in_april).await.unwrap().is_empty(), "{name}: nothing written");
        let sent = store.save_reports(&plain, &[april], true).await.unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].state, ReportState::Submitted, "{name}: saved and sent");
        assert!(store.verify_audit().await.unwrap().ok());
    }
}

async fn futures_join_all(
    store: &Store,
    ctx: &Ctx,
    edits: &[ReportDraft],
) -> Vec<Result<duban_store::ReportRecord, duban_core::Error>> {
    let mut set = tokio::task::JoinSet::new();
    for e in edits {
        let (store, ctx, e) = (store.clone(), ctx.clone(), e.clone());
        set.spawn(async move { store.save_report(&ctx, &e).await });
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        out.push(r.unwrap());
    }
    out
}

#[tokio::test]
async fn users_and_sessions() {
    for (name, store) in stores().await {
        eprintln!("-- {name}");
        let now = at(2022, 1, 5);
        let unit = store
            .create_unit(&admin(now), &NewUnit { name: "省发展改革委".into(), ..Default::default() })
            .await
            .unwrap();
        let hash = duban_store::hash_password("correct horse").unwrap();
        let new = NewUser {
            username: "fgw".into(),
            display_name: String::new(),
            password: "correct horse".into(),
            role: Role::Reporter,
            unit_id: Some(unit.id),
            must_change_password: false,
        };
        let u = store.create_user(&admin(now), &new, &hash).await.unwrap();
        assert_eq!(store.create_user(&admin(now), &new, &hash).await.unwrap_err().code, "user.exists");
        let bad = NewUser { unit_id: None, username: "x".into(), ..new.clone() };
        assert_eq!(store.create_user(&admin(now), &bad, &hash).await.unwrap_err().code, "user.unit");
        let (_, stored) = store.user_for_login("fgw").await.unwrap().unwrap();
        assert!(duban_store::verify_password("correct horse", &stored));
        assert!(!duban_store::verify_password("wrong", &stored));
        const IDLE: i64 = 1800;
        let secs = |n: i64| now + chrono::Duration::seconds(n);
        let (token, csrf) = store.create_session(&u, "browser", now, 3 * 3600).await.unwrap();
        let s = store.session(&token, now, IDLE).await.unwrap().unwrap();
        assert_eq!((s.actor.unit_id, s.csrf.as_str()), (Some(unit.id), csrf.as_str()));
        // Used within the idle time, the session lives on; unused for longer, it ends.
        assert!(store.session(&token, secs(1799), IDLE).await.unwrap().is_some(), "{name}: in use");
        assert!(store.session(&token, secs(1799 + 1790), IDLE).await.unwrap().is_some(), "{name}: seen again");
        assert!(store.session(&token, secs(1799 + 1790 + 1801), IDLE).await.unwrap().is_none(), "{name}: idle");
        // An API token only expires.
        let (api, _) = store.create_session(&u, "api", now, 3600).await.unwrap();
        assert!(store.session(&api, secs(3000), IDLE).await.unwrap().is_some(), "{name}: tokens do not idle");
        assert!(store.session(&api, secs(3601), IDLE).await.unwrap().is_none(), "{name}: expired");
        assert!(store.session("nope", now, IDLE).await.unwrap().is_none());
        // A new password ends the sessions.
        let (token, _) = store.create_session(&u, "browser", now, 3600).await.unwrap();
        store
            .set_password(&admin(now), "fgw", "Another pass1", &duban_store::hash_password("Another pass1").unwrap())
            .await
            .unwrap();
        assert!(store.session(&token, now, IDLE).await.unwrap().is_none());
        assert_eq!(
            store.set_password(&admin(now), "fgw", "weakpass", "h").await.unwrap_err().code,
            "password.classes",
            "{name}: the rules hold on the command line too"
        );
        // A renamed unit keeps its old name as an alias, so documents that use it still resolve.
        let renamed = store
            .update_unit(
                &admin(now),
                unit.id,
                &duban_store::UnitPatch {
                    name: Some("陕西省发展和改革委员会".into()),
                    contact: Some("029-1234".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!((renamed.name.as_str(), renamed.contact.as_str()), ("陕西省发展和改革委员会", "029-1234"));
        assert!(renamed.aliases.contains(&"省发展改革委".to_string()), "{renamed:?}");
        let other =
            store.create_unit(&admin(now), &NewUnit { name: "省财政厅".into(), ..Default::default() }).await.unwrap();
        let clash = duban_store::UnitPatch { name: Some("省发展改革委".into()), ..Default::default() };
        assert_eq!(store.update_unit(&admin(now), other.id, &clash).await.unwrap_err().code, "unit.exists");
        // Reporters cannot create units or users.
        let rep = reporter(u.id.get(), unit.id, now);
        assert_eq!(
            store.create_unit(&rep, &NewUnit { name: "x".into(), ..Default::default() }).await.unwrap_err().kind,
            ErrorKind::Forbidden
        );
    }
}

async fn raw(pool: &sqlx::AnyPool, sql: &str) -> Result<(), String> {
    sqlx::raw_sql(sql).execute(pool).await.map(|_| ()).map_err(|e| e.to_string())
}

#[tokio::test]
async fn audit_verify_finds_edited_and_deleted_rows() {
    for (name, store, pool) in stores_raw().await {
        eprintln!("-- {name}");
        let now = at(2022, 1, 5);
        for i in 0..5 {
            store.create_unit(&admin(now), &NewUnit { name: format!("单位{i}"), ..Default::default() }).await.unwrap();
        }
        assert!(store.verify_audit().await.unwrap().ok());
        // The log refuses edits through SQL...
        let err = raw(&pool, "UPDATE audit_log SET actor = 'x'").await.unwrap_err();
        assert!(err.contains("append-only"), "{name}: {err}");
        let err = raw(&pool, "DELETE FROM audit_log").await.unwrap_err();
        assert!(err.contains("append-only"), "{name}: {err}");
        // ...so someone with database access drops the guard first and edits a row.
        let drop = match name {
            "sqlite" => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
            _ => "DROP TRIGGER audit_log_no_update ON audit_log; DROP TRIGGER audit_log_no_delete ON audit_log;",
        };
        raw(&pool, drop).await.unwrap();
        raw(&pool, "UPDATE audit_log SET actor = 'nobody' WHERE seq = 2").await.unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_eq!(report.breaks.len(), 1, "{name}: {:?}", report.breaks);
        assert_eq!(report.breaks[0].seq, 2);
        raw(&pool, "DELETE FROM audit_log WHERE seq = 4").await.unwrap();
        let report = store.verify_audit().await.unwrap();
        assert!(
            report.breaks.iter().any(|b| b.seq == 5 && b.problem.contains("missing")),
            "{name}: {:?}",
            report.breaks
        );
        // Deleting the last rows is seen through the head.
        raw(&pool, "DELETE FROM audit_log WHERE seq >= 5").await.unwrap();
        let report = store.verify_audit().await.unwrap();
        assert!(report.breaks.iter().any(|b| b.problem.contains("head")), "{name}: {:?}", report.breaks);
    }
}

/// Cutting rows off the end of the log and rewriting the head to match is invisible to the hash chain
/// alone; with the head's MAC (key kept outside the database) it is found.
#[tokio::test]
async fn a_cut_tail_with_a_rewritten_head_is_found_by_the_head_mac() {
    for (name, store, pool) in stores_raw().await {
        let store = store.with_audit_key(b"a key from the settings").await.unwrap();
        let now = at(2022, 1, 5);
        for i in 0..5 {
            store.create_unit(&admin(now), &NewUnit { name: format!("单位{i}"), ..Default::default() }).await.unwrap();
        }
        let report = store.verify_audit().await.unwrap();
        assert!(report.ok() && report.head_checked, "{name}: {:?}", report.breaks);
        let drop = match name {
            "sqlite" => "DROP TRIGGER audit_log_no_delete;",
            _ => "DROP TRIGGER audit_log_no_delete ON audit_log;",
        };
        raw(&pool, drop).await.unwrap();
        raw(&pool, "DELETE FROM audit_log WHERE seq >= 4").await.unwrap();
        raw(&pool, "UPDATE audit_head SET seq = 3, hash = (SELECT hash FROM audit_log WHERE seq = 3) WHERE id = 1")
            .await
            .unwrap();
        let report = store.verify_audit().await.unwrap();
        assert_eq!(report.breaks.len(), 1, "{name}: {:?}", report.breaks);
        assert!(report.breaks[0].problem.contains("MAC"), "{name}: {:?}", report.breaks);
    }
}

/// The two schemas have the same tables, columns and nullability.
#[tokio::test]
async fn migrations_are_in_step() {
    let stores = stores_raw().await;
    let mut shapes = Vec::new();
    for (name, _store, pool) in &stores {
        let sql = match *name {
            "sqlite" => {
                "SELECT m.name AS t, p.name AS c, p.\"notnull\" + p.pk AS nn FROM sqlite_master m \
                         JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1, 2"
            }
            _ => {
                "SELECT table_name::text AS t, column_name::text AS c, \
                  CAST(CASE WHEN is_nullable = 'NO' THEN 1 ELSE 0 END AS BIGINT) AS nn \
                  FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY 1, 2"
            }
        };
        let rows = sqlx::query(sql).fetch_all(pool).await.unwrap();
        let shape: BTreeSet<(String, String, bool)> = rows
            .iter()
            .map(|r| {
                use sqlx::Row;
                let nn: i64 = r.try_get("nn").unwrap();
                (r.try_get::<String, _>("t").unwrap(), r.try_get::<String, _>("c").unwrap(), nn > 0)
            })
            .collect();
        assert!(shape.len() > 80, "{name}: {}", shape.len());
        shapes.push((name, shape));
    }
    // Without PostgreSQL, compare the SQLite schema with the column lists written in the PostgreSQL file.
    let pg_sql = [
        include_str!("../migrations/postgres/0001_init.sql"),
        include_str!("../migrations/postgres/0002_versions_evidence_shares.sql"),
    ]
    .concat();
    let sqlite_sql = [
        include_str!("../migrations/sqlite/0001_init.sql"),
        include_str!("../migrations/sqlite/0002_versions_evidence_shares.sql"),
    ]
    .concat();
    assert_eq!(declared_columns(&pg_sql), declared_columns(&sqlite_sql), "migration files drifted");
    if let [(_, a), (_, b)] = shapes.as_slice() {
        let only_a: Vec<_> = a.difference(b).collect();
        let only_b: Vec<_> = b.difference(a).collect();
        assert!(only_a.is_empty() && only_b.is_empty(), "sqlite only: {only_a:?}\npostgres only: {only_b:?}");
    }
}

/// (table, column) pairs as declared in CREATE TABLE statements.
fn declared_columns(sql: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut table = None;
    for line in sql.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("CREATE TABLE ") {
            table = Some(rest.trim_end_matches(" (").trim().to_string());
        } else if l.starts_with(')') {
            table = None;
        } else if let Some(t) = &table {
            let word = l.split_whitespace().next().unwrap_or("");
            if !word.is_empty() && !["PRIMARY", "UNIQUE", "--"].contains(&word) && !word.starts_with("--") {
                out.insert((t.clone(), word.to_string()));
            }
        }
    }
    out
}

#[tokio::test]
async fn a_published_plan_changes_by_versions() {
    for (name, store) in stores().await {
        eprintln!("-- {name}");
        let (plan_id, periods) = published_plan(&store).await;
        let office = admin(at(2022, 5, 10));
        let ledger = store.ledger(plan_id).await.unwrap();
        let (task, _) = housing_task(&ledger);
        let plan = store.plan(plan_id).await.unwrap();
        assert_eq!(plan.version, 1);
        // Without a reason the published plan stays as it is.
        let patch = duban_store::ItemPatch { deadline: Some("2022-10-31".into()), ..Default::default() };
        assert_eq!(
            store.update_item(&office, task.id, plan.row_version, &patch).await.unwrap_err().code,
            "plan.revision_reason"
        );
        let patch = duban_store::ItemPatch { reason: Some("省政府调度会要求提前完成".into()), ..patch };
        let plan = store.update_item(&office, task.id, plan.row_version, &patch).await.unwrap();
        assert_eq!(plan.version, 2);
        let other = ledger.items[1].children[0].id;
        let retitle = duban_store::ItemPatch {
            title: Some("新标题".into()),
            reason: Some("表述调整".into()),
            ..Default::default()
        };
        let plan = store.update_item(&office, other, plan.row_version, &retitle).await.unwrap();
        assert_eq!(plan.version, 3);
        let versions = store.plan_versions(plan_id).await.unwrap();
        assert_eq!(versions.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(versions[1].reason, "省政府调度会要求提前完成");
        let diff = store.plan_diff(plan_id, 1, 3).await.unwrap();
        let fields: BTreeSet<(String, String)> =
            diff.changed.iter().map(|c| (c.path.clone(), c.field.clone())).collect();
        assert!(fields.contains(&(task.path.join("."), "deadline".into())), "{fields:?}");
        assert!(fields.contains(&(ledger.items[1].children[0].path.join("."), "title".into())), "{fields:?}");
        assert_eq!(fields.len(), 2, "{fields:?}");
        assert!(diff.added.is_empty() && diff.removed.is_empty());
        let d = diff.changed.iter().find(|c| c.field == "deadline").unwrap();
        assert_eq!((d.before.as_str(), d.after.as_str()), (Some("2022-12-31"), Some("2022-10-31")));

        // A task with reports cannot be removed (acknowledged data stays); one without can, as a new version.
        let unit = task.units[0].unit_id;
        let rep = reporter(100, unit, at(2022, 5, 12));
        let draft = ReportDraft { progress: "x".into(), ..ReportDraft::new(periods[4].id, task.id, unit) };
        store.save_report(&rep, &draft).await.unwrap();
        let plan = store.plan(plan_id).await.unwrap();
        assert_eq!(
            store.delete_item(&office, task.id, plan.row_version, Some("合并")).await.unwrap_err().code,
            "item.has_reports"
        );
        let plan = store.delete_item(&office, other, plan.row_version, Some("并入其他任务")).await.unwrap();
        assert_eq!(plan.version, 4);
        let diff = store.plan_diff(plan_id, 3, 4).await.unwrap();
        assert_eq!(diff.removed.len(), 1);
        assert_eq!(diff.removed[0]["title"], "新标题");
        // A stale version is refused.
        assert_eq!(
            store.update_item(&office, task.id, plan.row_version - 1, &patch).await.unwrap_err().code,
            "stale_version"
        );
    }
}

#[tokio::test]
async fn evidence_files_and_split_targets() {
    for (name, store) in stores().await {
        eprintln!("-- {name}");
        let (plan_id, periods) = published_plan(&store).await;
        let ledger = store.ledger(plan_id).await.unwrap();
        let (task, housing) = housing_task(&ledger);
        let unit = task.units[0].unit_id;
        let rep = reporter(100, unit, at(2022, 6, 2));
        let draft = ReportDraft { progress: "进展".into(), ..ReportDraft::new(periods[4].id, task.id, unit) };
        let r = store.save_report(&rep, &draft).await.unwrap();
        let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n".to_vec();
        let e = store.add_evidence(&rep, r.id, "开工照片说明.pdf", &pdf).await.unwrap();
        assert_eq!((e.content_type.as_str(), e.size), ("application/pdf", pdf.len() as i64));
        assert_eq!(store.add_evidence(&rep, r.id, "x.pdf", b"not a pdf").await.unwrap_err().code, "evidence.mismatch");
        let (meta, bytes) = store.get_evidence(&rep.actor, e.id).await.unwrap();
        assert_eq!((meta.file_name.as_str(), bytes), ("开工照片说明.pdf", pdf.clone()));
        let other = reporter(101, UnitId(unit.get() + 1), at(2022, 6, 2));
        assert_eq!(store.get_evidence(&other.actor, e.id).await.unwrap_err().kind, ErrorKind::Forbidden);
        assert_eq!(store.add_evidence(&other, r.id, "a.txt", b"hi").await.unwrap_err().kind, ErrorKind::Forbidden);
        // Once submitted, the files are frozen with the report.
        let r = store.submit_report(&rep, r.id, r.version).await.unwrap();
        assert_eq!(store.add_evidence(&rep, r.id, "b.txt", b"more").await.unwrap_err().code, "report.wrong_state");
        assert_eq!(store.list_evidence(&admin(at(2022, 6, 3)).actor, r.id).await.unwrap().len(), 1);

        // Split the housing target (8.8万) across the ten cities that hold the task.
        let cities: Vec<UnitId> = task.units.iter().filter(|u| u.name.ends_with("市政府")).map(|u| u.unit_id).collect();
        assert_eq!(cities.len(), 10);
        let office = admin(at(2022, 6, 3));
        let mut split: Vec<duban_store::ShareInput> =
            cities.iter().map(|u| duban_store::ShareInput { unit_id: *u, target: 8_000.0 }).collect();
        assert_eq!(store.set_shares(&office, housing, &split).await.unwrap_err().code, "share.sum", "80,000 ≠ 88,000");
        split[0].target = 16_000.0;
        let saved = store.set_shares(&office, housing, &split).await.unwrap();
        assert_eq!(saved.len(), 10);
        // A summary kept before the cities report must not be served after they do.
        let before = store.summary(plan_id, "2022-06", &Thresholds::default()).await.unwrap();
        assert_eq!(before.indicators.iter().find(|i| i.indicator_id == housing).unwrap().actual, None);
        assert_eq!(store.summary(plan_id, "2022-06", &Thresholds::default()).await.unwrap(), before, "kept");
        // Two cities report in June; the province figure is their sum.
        for (i, city) in cities.iter().take(2).enumerate() {
            let c = reporter(200 + i as i64, *city, at(2022, 7, 2));
            let d = ReportDraft {
                progress: "城市进展".into(),
                values: vec![ReportValue { indicator_id: housing, value: 5_000.0 * (i as f64 + 1.0) }],
                ..ReportDraft::new(periods[5].id, task.id, *city)
            };
            let s = store.save_report(&c, &d).await.unwrap();
            store.submit_report(&c, s.id, s.version).await.unwrap();
        }
        let s = store.summary(plan_id, "2022-06", &Thresholds::default()).await.unwrap();
        let ind = s.indicators.iter().find(|i| i.indicator_id == housing).unwrap();
        assert_eq!(ind.actual, Some(15_000.0), "{name}: rolled up from the cities");
        let plan = store.plan(plan_id).await.unwrap();
        let period = store.period_by_key(plan_id, "2022-06").await.unwrap();
        assert_eq!(
            store.compute_summary(&plan, period, &Thresholds::default()).await.unwrap(),
            s,
            "the kept summary equals a fresh one"
        );
        assert_eq!(ind.shares.len(), 10);
        let first = ind.shares.iter().find(|x| x.unit_id == cities[0]).unwrap();
        assert_eq!((first.target, first.actual), (16_000.0, Some(5_000.0)));
        assert!(ind.shares.iter().filter(|x| x.actual.is_none()).all(|x| x.status == Status::NotReported));
        assert!(store.verify_audit().await.unwrap().ok());
    }
}

/// A small filesystem of its own (tmpfs, mounted by the test: CI runs as root), so that the disk can really
/// fill up under SQLite. `None` when mounting is not allowed here, unless `DUBAN_REQUIRE_FAULTS=1` (CI).
struct SmallDisk {
    dir: std::path::PathBuf,
}

impl SmallDisk {
    fn mount(megabytes: u32) -> Option<SmallDisk> {
        let dir = std::env::temp_dir().join(unique("duban_small_disk"));
        std::fs::create_dir_all(&dir).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            if std::env::var("DUBAN_REQUIRE_FAULTS").as_deref() == Ok("1") {
                panic!("cannot mount a tmpfs for the disk-full test (DUBAN_REQUIRE_FAULTS=1)");
            }
            eprintln!("NOTE: cannot mount a tmpfs here (not root?); the disk-full test is SKIPPED");
            return None;
        }
        Some(SmallDisk { dir })
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg("-l").arg(&self.dir).status();
        let _ = std::fs::remove_dir(&self.dir);
    }
}

/// The disk fills up under a stream of writes, then has room again: every write acknowledged before,
/// during and after is in the database after a restart, none that failed is, the audit trail counts
/// exactly the acknowledged writes, and the store says it is not ready while it cannot write.
#[tokio::test]
async fn a_disk_that_fills_up_loses_no_acknowledged_write() {
    let Some(disk) = SmallDisk::mount(20) else { return };
    let path = disk.dir.join("duban.db");
    // Room that is given back later: the disk is "repaired" by deleting it.
    let reserve = disk.dir.join("reserve");
    std::fs::write(&reserve, vec![0u8; 8 * 1024 * 1024]).unwrap();
    let store = Store::open(path.to_str().unwrap()).await.unwrap();
    let plan = duban_plan::parse_text(SEED);
    let ctx = admin(at(2022, 2, 10));
    // Each import keeps its source: about 400 KB a write, so the disk fills within a few dozen.
    let padded = |i: usize| format!("{SEED}\n{}\n{i}", "附".repeat(130_000));
    // (plan id, the number its source ends with)
    let mut acknowledged: Vec<(PlanId, usize)> = Vec::new();
    let mut failed = 0;
    let mut i = 0;
    while failed < 3 {
        i += 1;
        assert!(i < 200, "the disk never filled up");
        let text = padded(i);
        match store.import_plan(&ctx, &format!("p{i}.txt"), &text, &plan).await {
            Ok(rec) => {
                assert!(failed == 0, "a write succeeded while the disk was full");
                acknowledged.push((rec.id, i));
            }
            Err(e) => {
                assert_eq!(e.kind, ErrorKind::Unavailable, "{e:?}");
                assert_eq!(e.code, "store.unavailable");
                assert!(!e.message(duban_core::Lang::Zh).contains("database") && e.detail.is_some(), "{e:?}");
                failed += 1;
            }
        }
    }
    assert!(acknowledged.len() >= 3, "{}", acknowledged.len());
    assert!(!store.writable());
    // The big writes failed, but a small one may still fit in space SQLite's files already have, and
    // then it is durable and the store rightly ready. Make the files refuse every write (as a failing
    // disk does) to see it say not-ready until they take writes again.
    let chattr = |flag: &str| {
        for f in ["duban.db", "duban.db-wal"] {
            let ok = std::process::Command::new("chattr").arg(flag).arg(disk.dir.join(f)).status();
            assert!(ok.is_ok_and(|s| s.success()), "chattr {flag} {f}");
        }
    };
    chattr("+i");
    assert!(!store.ready().await, "ready while the database cannot be written");
    assert!(!store.writable());
    // Sessions are refused too, rather than handed out and then not found.
    let user = store
        .create_user(
            &ctx,
            &NewUser {
                username: "u1".into(),
                display_name: String::new(),
                password: String::new(),
                role: Role::Viewer,
                unit_id: None,
                must_change_password: false,
            },
            "x",
        )
        .await
        .map(|_| ())
        .unwrap_err();
    assert_eq!(user.kind, ErrorKind::Unavailable);

    chattr("-i");
    std::fs::remove_file(&reserve).unwrap();
    assert!(store.ready().await, "not ready after the disk has room again");
    for j in 0..3 {
        let text = padded(1000 + j);
        let rec = store.import_plan(&ctx, "after.txt", &text, &plan).await.unwrap();
        acknowledged.push((rec.id, 1000 + j));
    }
    store.close().await;

    let reopened = Store::open(path.to_str().unwrap()).await.unwrap();
    let plans = reopened.list_plans().await.unwrap();
    let mut stored = BTreeSet::new();
    for p in &plans {
        let source = reopened.plan_source(p.id).await.unwrap();
        let n: usize = source.rsplit('\n').next().unwrap().parse().unwrap();
        stored.insert((p.id, n));
    }
    let expected: BTreeSet<(PlanId, usize)> = acknowledged.iter().cloned().collect();
    assert_eq!(stored, expected, "the database holds exactly the acknowledged writes");
    let audit = reopened.verify_audit().await.unwrap();
    assert!(audit.breaks.is_empty(), "{:?}", audit.breaks);
    assert_eq!(audit.rows, acknowledged.len() as i64);
    reopened.close().await;
}

/// PostgreSQL: the write connection is terminated in the middle of a transaction. The write fails and
/// leaves nothing; the store is not ready until a write succeeds; the next writes work on new connections.
#[tokio::test]
async fn a_postgres_connection_killed_mid_transaction_leaves_nothing() {
    sqlx::any::install_default_drivers();
    // A store of its own, named, so that only its connections are terminated (other tests run beside it).
    let app = unique("duban_kill");
    let url = format!("{}?application_name={app}", pg_url());
    let store = match Store::open_in_schema(&url, Some(&unique("k"))).await {
        Ok(s) => s,
        Err(e) => {
            if std::env::var("DUBAN_REQUIRE_POSTGRES").as_deref() == Ok("1") {
                panic!("PostgreSQL is required but unreachable: {e}");
            }
            eprintln!("NOTE: PostgreSQL unreachable; test SKIPPED");
            return;
        }
    };
    let raw = sqlx::AnyPool::connect(&pg_url()).await.unwrap();
    {
        let ctx = admin(at(2022, 2, 10));
        let before = store.verify_audit().await.unwrap().rows;
        let kill = raw.clone();
        let result = store
            .write(&ctx, async |tx| {
                tx.audit("test.half", "test", 1, &(), &"first half").await?;
                // Every connection of the store is ended, its write connection among them.
                sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1")
                    .bind(&app)
                    .execute(&kill)
                    .await
                    .map_err(duban_core::Error::internal)?;
                tx.audit("test.half", "test", 1, &(), &"second half").await?;
                Ok(())
            })
            .await;
        let e = result.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unavailable, "{e:?}");
        assert!(!store.writable());
        assert!(store.ready().await, "a new connection can write");
        let unit = store
            .create_unit(&ctx, &NewUnit { name: "恢复后单位".into(), kind: UnitKind::Department, ..Default::default() })
            .await
            .unwrap();
        assert!(unit.id.get() > 0);
        let audit = store.verify_audit().await.unwrap();
        assert!(audit.breaks.is_empty(), "{:?}", audit.breaks);
        assert_eq!(audit.rows, before + 1, "only the unit's write is in the trail");
        assert!(store.audit_of("test", "1").await.unwrap().is_empty());
    }
}

/// 督办: issued on a task to its units (numbered in the year, one open per task), replied to by a unit
/// (which sees only its own reply), escalated blue → yellow → red and no further, accepted; every step in
/// the audit chain.
#[tokio::test]
async fn a_lagging_task_is_supervised_replied_to_escalated_and_closed() {
    use duban_core::supervision::{Level, SupervisionState};
    use duban_store::{Escalation, NewSupervision, SupervisionFilter, SupervisionReply};
    for (name, store) in stores().await {
        eprintln!("-- {name}");
        let (plan_id, periods) = published_plan(&store).await;
        let ledger = store.ledger(plan_id).await.unwrap();
        let (task, _) = housing_task(&ledger);
        let task = task.clone();
        assert!(task.units.len() >= 2, "{name}: the housing task has several units");
        let june = at(2022, 6, 20);
        let office = admin(june);
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let new = NewSupervision {
            item_id: task.id,
            period_id: Some(periods[0].id),
            level: Level::Blue,
            reason: "截至5月底滞后".into(),
            demand: "请于6月30日前报送整改措施".into(),
            reply_by: day("2022-06-30"),
            units: vec![],
        };
        // A reply date already past, an empty demand, a task of another plan's numbering: refused.
        let past = NewSupervision { reply_by: day("2022-06-19"), ..new.clone() };
        assert_eq!(
            store.issue_supervisions(&office, plan_id, &[past]).await.unwrap_err().code,
            "supervision.reply_by_past"
        );
        let blank = NewSupervision { demand: "  ".into(), ..new.clone() };
        assert_eq!(
            store.issue_supervisions(&office, plan_id, &[blank]).await.unwrap_err().code,
            "supervision.demand_empty"
        );
        let part = ledger.items[0].id;
        let not_task = NewSupervision { item_id: part, ..new.clone() };
        assert_eq!(store.issue_supervisions(&office, plan_id, &[not_task]).await.unwrap_err().code, "supervision.item");
        let outsider = ledger
            .items
            .iter()
            .flat_map(|p| p.children.iter())
            .flat_map(|t| t.units.iter())
            .find(|u| !task.units.iter().any(|t| t.unit_id == u.unit_id));
        let outsider = outsider.unwrap().unit_id;
        let stray = NewSupervision { units: vec![outsider], ..new.clone() };
        assert_eq!(
            store.issue_supervisions(&office, plan_id, &[stray]).await.unwrap_err().code,
            "supervision.not_assigned"
        );
        // A reporter may not issue one.
        let lead = task.units[0].unit_id;
        let rep = reporter(100, lead, june);
        assert_eq!(
            store.issue_supervisions(&rep, plan_id, std::slice::from_ref(&new)).await.unwrap_err().code,
            "forbidden"
        );
        assert!(store.supervisions(&office.actor, &SupervisionFilter::default()).await.unwrap().is_empty());

        let issued = store.issue_supervisions(&office, plan_id, std::slice::from_ref(&new)).await.unwrap();
        let s = &issued[0];
        assert_eq!((s.number.as_str(), s.level, s.state), ("督办〔2022〕1号", Level::Blue, SupervisionState::Open));
        assert_eq!(s.units.len(), task.units.len(), "{name}: to every unit of the task");
        for u in &s.units {
            let held = task.units.iter().find(|t| t.unit_id == u.unit_id).unwrap();
            assert_eq!(u.role, held.role, "{name}: each with its role on the task");
        }
        assert_eq!(s.task_path, task.path.join("."));
        // One open 督办 per task: a second is refused, so the office escalates instead.
        let again = store.issue_supervisions(&office, plan_id, std::slice::from_ref(&new)).await.unwrap_err();
        assert_eq!((again.kind, again.code), (ErrorKind::Conflict, "supervision.open_exists"));

        // The lead replies; it sees only its own unit's line, the office sees all.
        let reply = SupervisionReply {
            unit_id: lead,
            measures: "倒排工期，9月底前开工2万套".into(),
            new_deadline: day("2022-09-30"),
        };
        let other = task.units[1].unit_id;
        let wrong = reporter(101, other, june);
        assert_eq!(store.reply_supervision(&wrong, s.id, &reply).await.unwrap_err().code, "forbidden");
        let blank = SupervisionReply { measures: " ".into(), ..reply.clone() };
        assert_eq!(store.reply_supervision(&rep, s.id, &blank).await.unwrap_err().code, "supervision.measures_empty");
        let seen = store.reply_supervision(&rep, s.id, &reply).await.unwrap();
        assert_eq!(seen.version, s.version + 1);
        let mine = store.supervision(&rep.actor, s.id).await.unwrap();
        assert_eq!(mine.units.len(), 1);
        assert_eq!(mine.units[0].measures, "倒排工期，9月底前开工2万套");
        assert_eq!(mine.units[0].new_deadline, Some(day("2022-09-30")));
        let all = store.supervision(&office.actor, s.id).await.unwrap();
        assert_eq!(all.replied_count(), 1);
        let outsider_rep = reporter(102, outsider, june);
        assert_eq!(store.supervision(&outsider_rep.actor, s.id).await.unwrap_err().code, "forbidden");
        assert!(store.supervisions(&outsider_rep.actor, &SupervisionFilter::default()).await.unwrap().is_empty());
        assert_eq!(store.supervisions(&rep.actor, &SupervisionFilter::default()).await.unwrap().len(), 1);
        // A file on the reply.
        let f = store.add_reply_file(&rep, s.id, lead, "方案.txt", "整改方案".as_bytes()).await.unwrap();
        assert_eq!(store.reply_files(&office.actor, s.id).await.unwrap(), vec![f.clone()]);
        // A co-unit's people do not see the lead's file.
        assert!(store.reply_files(&wrong.actor, s.id).await.unwrap().is_empty());

        // On the day after the reply date the other units' replies are overdue.
        let july = at(2022, 7, 1);
        assert!(all.reply_overdue(duban_core::periods::local_date(july)));
        let o = duban_model::SupervisionOverview::of(std::slice::from_ref(&all), duban_core::periods::local_date(july));
        assert_eq!((o.open_blue, o.reply_overdue, o.all_replied), (1, 1, 0));

        // Escalation names the version the office saw: the reply moved it.
        let esc = Escalation {
            version: s.version,
            reply_by: day("2022-07-10"),
            demand: "约请分管负责同志说明情况".into(),
            note: "逾期未回复".into(),
            units: vec![],
        };
        let stale = store.escalate_supervision(&admin(july), s.id, &esc).await.unwrap_err();
        assert_eq!(stale.kind, ErrorKind::Conflict, "{name}");
        let yellow = store
            .escalate_supervision(&admin(july), s.id, &Escalation { version: all.version, ..esc.clone() })
            .await
            .unwrap();
        assert_eq!((yellow.level, yellow.number.as_str()), (Level::Yellow, "督办〔2022〕2号"));
        assert_eq!(yellow.escalated_from, Some(s.id));
        assert_eq!(yellow.escalated_from_number.as_deref(), Some("督办〔2022〕1号"));
        assert!(yellow.reason.contains("逾期未回复"));
        assert_eq!(yellow.replied_count(), 0, "a new 督办 is replied to afresh");
        let old = store.supervision(&office.actor, s.id).await.unwrap();
        assert_eq!(old.state, SupervisionState::Escalated);
        assert_eq!(store.reply_supervision(&rep, s.id, &reply).await.unwrap_err().code, "supervision.closed");
        let red = store
            .escalate_supervision(&admin(july), yellow.id, &Escalation { version: yellow.version, ..esc.clone() })
            .await
            .unwrap();
        assert_eq!(red.level, Level::Red);
        let top = store
            .escalate_supervision(&admin(july), red.id, &Escalation { version: red.version, ..esc.clone() })
            .await
            .unwrap_err();
        assert_eq!(top.code, "supervision.top_level");
        let closed = store.accept_supervision(&admin(july), red.id, red.version, "整改到位").await.unwrap();
        assert_eq!((closed.state, closed.decision_note.as_str()), (SupervisionState::Accepted, "整改到位"));
        let open = store
            .supervisions(
                &office.actor,
                &SupervisionFilter { state: Some(SupervisionState::Open), ..Default::default() },
            )
            .await
            .unwrap();
        assert!(open.is_empty());
        let by_task = store
            .supervisions(&office.actor, &SupervisionFilter { item_id: Some(task.id), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(by_task.iter().map(|s| s.level).collect::<Vec<_>>(), [Level::Red, Level::Yellow, Level::Blue]);

        let hist = store.audit_of("supervision", &s.id.to_string()).await.unwrap();
        let actions: Vec<&str> = hist.iter().map(|h| h.record.action.as_str()).collect();
        assert_eq!(actions, ["supervision.issue", "supervision.reply", "supervision.file", "supervision.escalate"]);
        assert!(store.verify_audit().await.unwrap().ok());
    }
}

/// 单位审签: in a unit that signs off, a reporter's report waits for the unit's leader, who sends it back
/// inside the unit with a reason or signs it to the office; only then is it received, and on time by when
/// it was signed. A leader's own sending is signed by it. Every step is in the audit trail.
#[tokio::test]
async fn a_unit_that_signs_off_sends_its_reports_through_its_leader() {
    for (name, store) in stores().await {
        eprintln!("-- {name}");
        let (plan_id, periods) = published_plan(&store).await;
        let ledger = store.ledger(plan_id).await.unwrap();
        let (task, _) = housing_task(&ledger);
        let unit = task.units[0].unit_id;
        let may = periods.iter().find(|p| p.spec.key == "2022-05").unwrap();
        let now = at(2022, 6, 2);
        let patch = duban_store::UnitPatch { signoff: Some(true), ..Default::default() };
        let u = store.update_unit(&admin(now), unit, &patch).await.unwrap();
        assert!(u.signoff, "{name}");
        let rep = reporter(100, unit, now);
        let leader = Ctx::new(
            Actor { user_id: UserId(200), username: "lead200".into(), role: Role::Leader, unit_id: Some(unit) },
            at(2022, 6, 3),
        );
        let d = ReportDraft { progress: "开工".into(), ..ReportDraft::new(may.id, task.id, unit) };
        let r = store.save_report(&rep, &d).await.unwrap();
        let r = store.submit_report(&rep, r.id, r.version).await.unwrap();
        assert_eq!(r.state, ReportState::Signing, "{name}: to the leader first");
        assert_eq!((r.submitted_at, r.first_submitted_at), (None, None));
        assert_eq!(store.sign_report(&rep, r.id, r.version, true, "").await.unwrap_err().code, "forbidden");
        assert_eq!(
            store.review_report(&admin(now), r.id, r.version, true, "").await.unwrap_err().code,
            "report.wrong_state",
            "the office cannot act on it yet"
        );
        let s = store.summary(plan_id, "2022-05", &Thresholds::default()).await.unwrap();
        assert_eq!(s.units.iter().find(|x| x.unit_id == unit).unwrap().received, 0, "not received while signing");
        // Sent back inside the unit: a draft again, with the leader's reason.
        assert_eq!(
            store.sign_report(&leader, r.id, r.version, false, " ").await.unwrap_err().code,
            "report.reason_required"
        );
        let back = store.sign_report(&leader, r.id, r.version, false, "请补充开工套数").await.unwrap();
        assert_eq!((back.state, back.unit_note.as_str()), (ReportState::Draft, "请补充开工套数"));
        let r = store
            .save_report(
                &rep,
                &ReportDraft { progress: "开工3.2万套".into(), version: Some(back.version), ..d.clone() },
            )
            .await
            .unwrap();
        let r = store.submit_report(&rep, r.id, r.version).await.unwrap();
        assert_eq!(r.state, ReportState::Signing);
        // Signed on 3 June, before the 5th: received, on time, signed by the leader.
        let signed = store.sign_report(&leader, r.id, r.version, true, "").await.unwrap();
        assert_eq!(signed.state, ReportState::Submitted);
        assert_eq!(signed.signed_by.as_deref(), Some("lead200"));
        assert_eq!(signed.first_submitted_at, Some(at(2022, 6, 3).timestamp()));
        assert!(signed.unit_note.is_empty());
        let s = store.summary(plan_id, "2022-05", &Thresholds::default()).await.unwrap();
        let rate = s.units.iter().find(|x| x.unit_id == unit).unwrap();
        assert_eq!((rate.received, rate.on_time), (1, 1));
        // A leader's own report goes straight to the office, signed by it.
        let other = ledger
            .all_items()
            .into_iter()
            .find(|i| i.is_task && i.id != task.id && i.units.iter().any(|u| u.unit_id == unit));
        if let Some(other) = other {
            let d = ReportDraft { progress: "推进".into(), ..ReportDraft::new(may.id, other.id, unit) };
            let r = store.save_report(&leader, &d).await.unwrap();
            let r = store.submit_report(&leader, r.id, r.version).await.unwrap();
            assert_eq!((r.state, r.signed_by.as_deref()), (ReportState::Submitted, Some("lead200")));
        }
        let hist = store.audit_of("report", &signed.id.to_string()).await.unwrap();
        let actions: Vec<&str> = hist.iter().map(|h| h.record.action.as_str()).collect();
        assert_eq!(
            actions,
            ["report.save", "report.to_signing", "report.send_back", "report.save", "report.to_signing", "report.sign"]
        );
    }
}

/// Leads consolidate: co-units' reports are contributions to the lead (due three days earlier, returned by
/// the lead, never reviewed by the office); the task's progress is the lead's report; switching back to
/// direct reporting counts every report against the office again.
#[tokio::test]
async fn where_leads_consolidate_co_units_contribute_to_the_lead() {
    use duban_core::reporting::ReportingMode;
    for (name, store) in stores().await {
        eprintln!("-- {name}");
        let office = |t| admin(t);
        let text = "2022年测试工作要点\n一、重点任务\n（一）建设保障性住房。（甲厅牵头，乙厅、丙厅配合）\n（二）推进数字政府。（丁局负责）\n";
        let plan = duban_plan::parse_text(text);
        let t0 = at(2022, 1, 10);
        let rec = store.import_plan(&office(t0), "t.txt", text, &plan).await.unwrap();
        let mut ids = std::collections::HashMap::new();
        for n in ["甲厅", "乙厅", "丙厅", "丁局"] {
            let u = store.create_unit(&office(t0), &NewUnit { name: n.into(), ..Default::default() }).await.unwrap();
            ids.insert(n, u.id);
        }
        assert!(store.resolve_plan_names(&office(t0), rec.id).await.unwrap().is_empty());
        let r = store.plan(rec.id).await.unwrap();
        store.publish_plan(&office(t0), r.id, r.row_version).await.unwrap();
        let periods = store.create_periods(&office(t0), rec.id, &monthly(2022, 5, 3).unwrap()).await.unwrap();
        let jan = periods[0].id;
        let ledger = store.ledger(rec.id).await.unwrap();
        let housing = ledger.all_items().into_iter().find(|i| i.is_task && i.title.contains("住房")).unwrap().id;
        assert_eq!(
            store.set_reporting(&office(t0), rec.id, ReportingMode::Consolidated, 3, " ").await.unwrap_err().code,
            "reporting.reason"
        );
        let set = store
            .set_reporting(&office(t0), rec.id, ReportingMode::Consolidated, 3, "牵头单位负责汇总报送")
            .await
            .unwrap();
        assert_eq!((set.version, set.mode), (1, ReportingMode::Consolidated));

        let rep = |n: &str, t| reporter(100 + ids[n].get(), ids[n], t);
        let send = async |n: &str, t, percent: f64| {
            let d = ReportDraft {
                progress: format!("{n}进展"),
                percent: Some(percent),
                ..ReportDraft::new(jan, housing, ids[n])
            };
            let r = store.save_report(&rep(n, t), &d).await.unwrap();
            store.submit_report(&rep(n, t), r.id, r.version).await.unwrap()
        };
        let yi = send("乙厅", at(2022, 2, 1), 1.0).await;
        let bing = send("丙厅", at(2022, 2, 4), 1.0).await;
        // The office does not review a contribution; the lead reads and returns it.
        let e = store.review_report(&office(at(2022, 2, 4)), yi.id, yi.version, true, "").await.unwrap_err();
        assert_eq!((e.kind, e.code), (ErrorKind::Conflict, "report.contribution"), "{name}");
        let lead = rep("甲厅", at(2022, 2, 4));
        assert_eq!(store.contributions(&lead.actor, jan, housing).await.unwrap().len(), 2);
        let outsider = rep("丁局", at(2022, 2, 4));
        assert!(store.contributions(&outsider.actor, jan, housing).await.unwrap().is_empty(), "not its to read");
        assert_eq!(
            store.return_contribution(&outsider, bing.id, bing.version, "补充").await.unwrap_err().code,
            "forbidden"
        );
        let back = store.return_contribution(&lead, bing.id, bing.version, "请补充竣工数").await.unwrap();
        assert_eq!((back.state, back.return_reason.as_str()), (ReportState::Returned, "请补充竣工数"));
        let c = rep("丙厅", at(2022, 2, 4));
        let fixed = store
            .save_report(
                &c,
                &ReportDraft {
                    progress: "丙厅进展，竣工0.1万套".into(),
                    percent: Some(1.0),
                    version: Some(back.version),
                    ..ReportDraft::new(jan, housing, ids["丙厅"])
                },
            )
            .await
            .unwrap();
        store.submit_report(&c, fixed.id, fixed.version).await.unwrap();
        // The lead's consolidated report on the 5th, at 10 %: the task is on track by the lead's figure.
        send("甲厅", at(2022, 2, 5), 10.0).await;
        let s = store.summary(rec.id, "2022-01", &Thresholds::default()).await.unwrap();
        let t = s.tasks.iter().find(|t| t.item_id == housing).unwrap();
        assert_eq!(t.status, Status::OnTrack, "{name}: the lead's report, not the contributions' 1 %");
        let rate = |s: &duban_store::Summary, n: &str| {
            let u = s.units.iter().find(|u| u.unit_id == ids[n]).unwrap();
            (u.received, u.on_time)
        };
        assert_eq!(rate(&s, "乙厅"), (1, 1), "by the contribution's day, the 2nd");
        assert_eq!(rate(&s, "丙厅"), (1, 0), "the 4th is late for a contribution");
        assert_eq!(rate(&s, "甲厅"), (1, 1));
        let todo = store.todo(&rep("乙厅", at(2022, 2, 1)), jan, ids["乙厅"]).await.unwrap();
        assert_eq!((todo[0].to_lead.as_deref(), todo[0].due_on.as_str()), (Some("甲厅"), "2022-02-02"));
        // Back to direct reporting: everyone to the office, by the 5th, and the task takes the worst.
        store.set_reporting(&office(at(2022, 2, 6)), rec.id, ReportingMode::Direct, 3, "恢复各单位直报").await.unwrap();
        let s = store.summary(rec.id, "2022-01", &Thresholds::default()).await.unwrap();
        assert_eq!(rate(&s, "丙厅"), (1, 1));
        assert_eq!(s.tasks.iter().find(|t| t.item_id == housing).unwrap().status, Status::Lagging);
        assert!(store.todo(&rep("乙厅", at(2022, 2, 6)), jan, ids["乙厅"]).await.unwrap()[0].to_lead.is_none());
        assert_eq!(store.reporting_history(rec.id).await.unwrap().len(), 2);
    }
}

/// Notices: an event writes them in its own transaction to the people who must hear of it (a unit's
/// reporters and leaders, its leaders only, or the office), never to the person acting nor to a disabled
/// account; each person reads theirs and marks them read.
#[tokio::test]
async fn events_notify_the_right_people() {
    use duban_core::notice::NoticeKind;
    use duban_store::SupervisionReply;
    for (name, store) in stores().await {
        eprintln!("-- {name}");
        let (plan_id, periods) = published_plan(&store).await;
        let ledger = store.ledger(plan_id).await.unwrap();
        let (task, _) = housing_task(&ledger);
        let unit = task.units[0].unit_id;
        let other = task.units[1].unit_id;
        let may = periods.iter().find(|p| p.spec.key == "2022-05").unwrap();
        let now = at(2022, 6, 2);
        let mk = async |username: &str, role: Role, unit_id: Option<UnitId>| {
            let new = NewUser {
                username: username.into(),
                display_name: username.into(),
                password: String::new(),
                role,
                unit_id,
                must_change_password: false,
            };
            let u = store.create_user(&admin(now), &new, "x").await.unwrap();
            Actor { user_id: u.id, username: u.username, role, unit_id }
        };
        let rep = mk("n_rep", Role::Reporter, Some(unit)).await;
        let lead = mk("n_lead", Role::Leader, Some(unit)).await;
        let gone = mk("n_gone", Role::Reporter, Some(unit)).await;
        let elsewhere = mk("n_else", Role::Reporter, Some(other)).await;
        let office = mk("n_office", Role::Admin, None).await;
        store.set_user_disabled(&admin(now), gone.user_id, true).await.unwrap();

        let c = Ctx::new(rep.clone(), now);
        let r = store
            .save_report(&c, &ReportDraft { progress: "开工".into(), ..ReportDraft::new(may.id, task.id, unit) })
            .await
            .unwrap();
        let r = store.submit_report(&c, r.id, r.version).await.unwrap();
        let o = Ctx::new(office.clone(), at(2022, 6, 3));
        store.review_report(&o, r.id, r.version, false, "请补充数据").await.unwrap();
        store.remind(&o, may.id, unit, None, "请尽快报送").await.unwrap();
        let kinds = async |a: &Actor| -> Vec<NoticeKind> {
            store.notices(a, false, 100).await.unwrap().iter().map(|n| n.kind).rev().collect()
        };
        assert_eq!(kinds(&rep).await, [NoticeKind::ReportReturned, NoticeKind::Reminder], "{name}");
        assert_eq!(kinds(&lead).await, [NoticeKind::ReportReturned, NoticeKind::Reminder]);
        assert!(kinds(&gone).await.is_empty(), "a disabled account hears nothing");
        assert!(kinds(&elsewhere).await.is_empty(), "another unit hears nothing");
        assert!(kinds(&office).await.is_empty(), "the person acting is not told of it");
        let returned = &store.notices(&rep, false, 100).await.unwrap()[1];
        assert_eq!(returned.args["reason"], "请补充数据");
        assert_eq!(returned.args["period"], "2022-05");
        assert!(returned.args["task"].contains(&task.title));
        assert_eq!(returned.link, format!("/report?plan={plan_id}&period=2022-05&item={}&unit={unit}", task.id));

        // A 督办 reaches both units; a reply reaches the office (all its accounts but the one acting).
        let sup = store
            .issue_supervisions(
                &admin(now),
                plan_id,
                &[duban_store::NewSupervision {
                    item_id: task.id,
                    period_id: Some(may.id),
                    level: duban_core::supervision::Level::Yellow,
                    reason: "滞后".into(),
                    demand: "回复".into(),
                    reply_by: chrono::NaiveDate::from_ymd_opt(2022, 6, 20).unwrap(),
                    units: vec![],
                }],
            )
            .await
            .unwrap();
        assert_eq!(kinds(&elsewhere).await, [NoticeKind::SupervisionIssued]);
        let reply = SupervisionReply {
            unit_id: unit,
            measures: "加快".into(),
            new_deadline: chrono::NaiveDate::from_ymd_opt(2022, 9, 30).unwrap(),
        };
        store.reply_supervision(&Ctx::new(lead.clone(), now), sup[0].id, &reply).await.unwrap();
        assert_eq!(kinds(&office).await, [NoticeKind::SupervisionReplied]);
        assert_eq!(store.notices(&office, false, 10).await.unwrap()[0].args["unit"], task.units[0].name);

        // Read: one, then all.
        assert_eq!(store.unread_notices(&rep).await.unwrap(), 3);
        let first = store.notices(&rep, true, 10).await.unwrap().pop().unwrap();
        let link = store.mark_notices_read(&Ctx::new(rep.clone(), now), Some(first.id)).await.unwrap();
        assert_eq!(link.as_deref(), Some(first.link.as_str()));
        assert_eq!(store.unread_notices(&rep).await.unwrap(), 2);
        let theirs = store.notices(&office, false, 1).await.unwrap()[0].id;
        let e = store.mark_notices_read(&Ctx::new(rep.clone(), now), Some(theirs)).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound, "another person's notice is not found");
        store.mark_notices_read(&Ctx::new(rep.clone(), now), None).await.unwrap();
        assert_eq!(store.unread_notices(&rep).await.unwrap(), 0);
        assert_eq!(store.notices(&rep, false, 10).await.unwrap().len(), 3, "read ones are kept");
        assert_eq!(store.unread_notices(&lead).await.unwrap(), 3, "each person reads their own");
    }
}

/// Scheduled notices, on a clock passed in: three days and one day before May's due day (5 June) the units
/// that still owe are told, once however often the sweep runs; a unit that has sent everything is not; the
/// day after May locks (8 June) those still owing are told that.
#[tokio::test]
async fn deadlines_and_locks_reach_the_units_that_still_owe() {
    use duban_core::notice::NoticeKind;
    for (name, store) in stores().await {
        eprintln!("-- {name}");
        let (plan_id, periods) = published_plan(&store).await;
        let ledger = store.ledger(plan_id).await.unwrap();
        let may = periods.iter().find(|p| p.spec.key == "2022-05").unwrap();
        // A unit holding exactly one task, which it reports; and one that reports nothing.
        let tasks: Vec<&duban_store::LedgerItem> = ledger.all_items().into_iter().filter(|i| i.is_task).collect();
        let holds = |u: UnitId| tasks.iter().filter(|t| t.units.iter().any(|a| a.unit_id == u)).count();
        let all_units: BTreeSet<UnitId> = tasks.iter().flat_map(|t| t.units.iter().map(|u| u.unit_id)).collect();
        let done_unit = *all_units.iter().find(|u| holds(**u) == 1).unwrap();
        let idle_unit = *all_units.iter().find(|u| **u != done_unit).unwrap();
        let mk = async |username: &str, unit: UnitId| {
            let new = NewUser {
                username: username.into(),
                display_name: username.into(),
                password: String::new(),
                role: Role::Reporter,
                unit_id: Some(unit),
                must_change_password: false,
            };
            let u = store.create_user(&admin(at(2022, 6, 1)), &new, "x").await.unwrap();
            Actor { user_id: u.id, username: u.username, role: Role::Reporter, unit_id: Some(unit) }
        };
        let done = mk("s_done", done_unit).await;
        let idle = mk("s_idle", idle_unit).await;
        let task = tasks.iter().find(|t| t.units.iter().any(|a| a.unit_id == done_unit)).unwrap();
        let c = Ctx::new(done.clone(), at(2022, 6, 1));
        let r = store
            .save_report(&c, &ReportDraft { progress: "完成".into(), ..ReportDraft::new(may.id, task.id, done_unit) })
            .await
            .unwrap();
        store.submit_report(&c, r.id, r.version).await.unwrap();

        let kinds = async |a: &Actor| -> Vec<(NoticeKind, String)> {
            store
                .notices(a, false, 100)
                .await
                .unwrap()
                .iter()
                .rev()
                .map(|n| (n.kind, n.args["period"].clone()))
                .collect()
        };
        // 1 June: nothing due in three days or one.
        store.sweep_scheduled_notices(at(2022, 6, 1)).await.unwrap();
        assert!(kinds(&idle).await.is_empty(), "{name}");
        // 2 June, three days before: told, once, however often.
        let n = store.sweep_scheduled_notices(at(2022, 6, 2)).await.unwrap();
        assert!(n >= 1);
        assert_eq!(store.sweep_scheduled_notices(at(2022, 6, 2)).await.unwrap(), 0, "nothing twice");
        assert_eq!(kinds(&idle).await, [(NoticeKind::DeadlineApproaching, "2022-05".to_string())]);
        let owed = store.notices(&idle, false, 1).await.unwrap()[0].args["n"].parse::<usize>().unwrap();
        assert_eq!(owed, holds(idle_unit), "every task it owes");
        assert!(kinds(&done).await.is_empty(), "a unit that sent everything is not chased");
        // 4 June, one day before; 9 June, the day after it locked (due the 5th, three days' grace).
        store.sweep_scheduled_notices(at(2022, 6, 4)).await.unwrap();
        store.sweep_scheduled_notices(at(2022, 6, 9)).await.unwrap();
        store.sweep_scheduled_notices(at(2022, 6, 10)).await.unwrap();
        let got: Vec<NoticeKind> = kinds(&idle).await.into_iter().filter(|k| k.1 == "2022-05").map(|k| k.0).collect();
        assert_eq!(got, [NoticeKind::DeadlineApproaching, NoticeKind::DeadlineApproaching, NoticeKind::PeriodLocked]);
        // Long after, a restarted server does not announce an old lock.
        let before = store.notices(&idle, false, 100).await.unwrap().len();
        store.sweep_scheduled_notices(at(2022, 6, 30)).await.unwrap();
        let late: Vec<String> = store
            .notices(&idle, false, 100)
            .await
            .unwrap()
            .iter()
            .take(store.notices(&idle, false, 100).await.unwrap().len() - before)
            .map(|n| n.args["period"].clone())
            .collect();
        assert!(!late.contains(&"2022-05".to_string()), "{late:?}");
    }
}
