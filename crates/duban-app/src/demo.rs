//! `duban serve --demo`: the bundled Shaanxi 2022 plan, its units, one reporter per unit, monthly periods,
//! and simulated reports, so that every view has something to show. `serve --demo` moves the plan to the
//! current year and reports up to last month, so this month's period is open; the tests use 2022 with
//! January to June reported.
//!
//! The reports are SIMULATED: every progress text says so. They are generated from a fixed seed, so two demo
//! databases hold the same data; each write is made at the simulated time it would have happened (the store
//! takes the time from its caller), so late reports are late by the same rules as real ones.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use duban_core::periods::monthly;
use duban_core::{Actor, Error, Role};
use duban_core::{PlanId, UnitId, UserId};
use duban_model::{ProjectProgress, UnitKind};
use duban_store::{Ctx, NewUnit, NewUser, ReportDraft, ReportValue, Store};

/// The plan the demo loads.
pub const SHAANXI_2022: &str = include_str!("../../../fixtures/shaanxi-2022-urbanization.txt");

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

/// Aliases the office would enter: short forms found in the plan or in daily use.
const ALIASES: [(&str, &str); 3] =
    [("西安市政府", "西安市"), ("省发展改革委", "陕西省发展和改革委员会"), ("省住房城乡建设厅", "省住建厅")];

/// What the demo made.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub plan_id: PlanId,
    pub units: usize,
    pub accounts: Vec<(String, String)>,
    pub reports: usize,
    /// 督办s issued (escalations included).
    pub supervisions: usize,
}

/// The task's projects (as the parser found them) with a simulated state for month `m` (0-based).
fn project_states(projects: &serde_json::Value, m: usize) -> Vec<duban_store::MilestoneState> {
    let Some(list) = projects.as_array() else { return Vec::new() };
    list.iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let name = p.get("name")?.as_str()?;
            let milestone = p.get("milestone").and_then(|v| v.as_str()).unwrap_or("");
            let state = match (m + i) % 6 {
                0 | 1 => ProjectProgress::NotStarted,
                2..=4 => ProjectProgress::InProgress,
                _ => ProjectProgress::Done,
            };
            Some(duban_store::MilestoneState { name: format!("{name} {milestone}").trim().to_string(), state })
        })
        .collect()
}

/// Small deterministic generator (splitmix64), so the demo data is the same every time.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    // `hour` in Xi'an is hour - 8 in UTC.
    Utc.from_utc_datetime(&day.and_hms_opt(hour.saturating_sub(8), 0, 0).unwrap_or_default())
}

/// Loads the demo into an empty store. `password_hash` is the hash of the demo password, shared by the
/// demo accounts (hashing once keeps start-up fast).
/// The demo as it was: the 2022 plan with January to June reported (the tests' fixture).
pub async fn load(store: &Store, password_hash: &str) -> Result<DemoSummary, Error> {
    load_with(store, password_hash, 2022, 6, false).await
}

/// The demo moved to `year` (the plan's text says that year instead of 2022), with the first `months`
/// months reported, so that `duban serve --demo` has open periods today.
/// It also has 督办s at each level (see [`supervise`]); the tests' fixture ([`load`]) has none, so that
/// their numbers start at 1.
pub async fn load_year(store: &Store, password_hash: &str, year: i32, months: usize) -> Result<DemoSummary, Error> {
    load_with(store, password_hash, year, months, true).await
}

async fn load_with(
    store: &Store,
    password_hash: &str,
    year: i32,
    months: usize,
    supervision: bool,
) -> Result<DemoSummary, Error> {
    // Thousands of small simulated writes: synced only at the end (the first real write after it syncs
    // them all), not one disk flush each.
    store.set_sync_every_commit(false).await?;
    let mut loaded = load_year_unsynced(store, password_hash, year, months).await;
    if supervision && let Ok(d) = &loaded {
        let extra = demo_extras(store, password_hash, year, d.plan_id, months).await;
        loaded = match extra {
            Ok(n) => loaded.map(|mut d| {
                d.supervisions = n;
                d.accounts.push((SIGNOFF_LEADER.to_string(), "省发展改革委分管领导（演示）".to_string()));
                d
            }),
            Err(e) => Err(e),
        };
    }
    store.set_sync_every_commit(true).await?;
    loaded
}

/// What `serve --demo` has beyond the tests' fixture: 督办s, and a unit that signs off. Returns the 督办s
/// issued.
async fn demo_extras(
    store: &Store,
    password_hash: &str,
    year: i32,
    plan_id: PlanId,
    months: usize,
) -> Result<usize, Error> {
    let n = supervise(store, plan_id, months).await?;
    let start = at(NaiveDate::from_ymd_opt(year, 1, 20).unwrap_or_default(), 10);
    sign_off(store, password_hash, start).await?;
    // After the simulated months: leads consolidate from the first day of the month now open.
    let month = u32::try_from(months + 1).unwrap_or(12).min(12);
    let now = at(NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default(), 10);
    mark_leads(store, plan_id, now, 3).await?;
    Ok(n)
}

/// SIMULATED (the plan says 按职责分工负责 without leads): marks the first-listed unit of the first `count`
/// tasks with three units or more as their lead and the others as co-units, with a reason that says so,
/// and sets the plan to consolidated reporting. Returns the tasks marked.
pub async fn mark_leads(
    store: &Store,
    plan_id: PlanId,
    now: DateTime<Utc>,
    count: usize,
) -> Result<Vec<duban_core::ItemId>, Error> {
    let office = Ctx::new(Actor::system(), now);
    let ledger = store.ledger(plan_id).await?;
    let mut tasks: Vec<&duban_store::LedgerItem> =
        ledger.all_items().into_iter().filter(|i| i.is_task && i.units.len() >= 3).collect();
    tasks.sort_by_key(|t| t.id);
    let mut marked = Vec::new();
    for t in tasks.into_iter().take(count) {
        let units: Vec<(UnitId, String)> = t
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.unit_id, if i == 0 { "lead" } else { "co" }.to_string()))
            .collect();
        let plan = store.plan(plan_id).await?;
        let patch = duban_store::ItemPatch {
            units: Some(units),
            reason: Some("（模拟数据）演示：标注牵头单位和配合单位".into()),
            ..Default::default()
        };
        store.update_item(&office, t.id, plan.row_version, &patch).await?;
        marked.push(t.id);
    }
    store
        .set_reporting(
            &office,
            plan_id,
            duban_core::reporting::ReportingMode::Consolidated,
            duban_core::reporting::DEFAULT_LEAD_DAYS,
            "（模拟数据）演示牵头单位汇总报送",
        )
        .await?;
    Ok(marked)
}

/// The demo's unit leader who signs its unit's reports (单位审签 is on for 省发展改革委).
pub const SIGNOFF_LEADER: &str = "lead-fgw";

/// 单位审签 on for 省发展改革委, with a leader account to sign: its reporter's reports from now on wait for
/// the leader before they reach the office.
async fn sign_off(store: &Store, password_hash: &str, now: DateTime<Utc>) -> Result<(), Error> {
    let office = Ctx::new(Actor::system(), now);
    let Some(unit) = store.list_units().await?.into_iter().find(|u| u.name == "省发展改革委") else {
        return Ok(());
    };
    let patch = duban_store::UnitPatch { signoff: Some(true), ..Default::default() };
    store.update_unit(&office, unit.id, &patch).await?;
    let new = NewUser {
        username: SIGNOFF_LEADER.into(),
        display_name: "省发展改革委分管领导（演示）".into(),
        password: String::new(),
        role: Role::Leader,
        unit_id: Some(unit.id),
        must_change_password: false,
    };
    store.create_user(&office, &new, password_hash).await?;
    Ok(())
}

/// SIMULATED 督办s (the texts say so): after the last reported period but one, the office supervises the
/// three tasks furthest behind (blue); each lead replies two days later; a week on, the office closes the
/// first, escalates the second to yellow (not yet replied to) and leaves the third open. Returns how many
/// 督办s were issued.
pub async fn supervise(store: &Store, plan_id: PlanId, months: usize) -> Result<usize, Error> {
    let periods = store.periods(plan_id).await?;
    let Some(period) = months.checked_sub(2).and_then(|i| periods.get(i)) else { return Ok(0) };
    let summary = store.summary(plan_id, &period.spec.key, &duban_core::Thresholds::default()).await?;
    let mut behind: Vec<&duban_model::TaskSummary> =
        summary.lagging.iter().filter(|t| t.ratio.is_some() && t.unit_count > 0).collect();
    behind.sort_by(|a, b| a.ratio.unwrap_or(0.0).total_cmp(&b.ratio.unwrap_or(0.0)).then(a.item_id.cmp(&b.item_id)));
    let items: Vec<duban_core::ItemId> = behind.iter().take(3).map(|t| t.item_id).collect();
    if items.is_empty() {
        return Ok(0);
    }
    let issued_on = period.spec.due_on + Duration::days(3);
    let office = Ctx::new(Actor::system(), at(issued_on, 10));
    let req = crate::supervision::IssueRequest {
        plan_id,
        period: Some(&period.spec.key),
        items: &items,
        level: duban_core::supervision::Level::Blue,
        reply_by: issued_on + Duration::days(7),
        demand: "（模拟数据）请分析滞后原因，制定整改措施，明确新的完成时限，7日内书面回复。",
    };
    let issued = crate::supervision::issue(store, &office, &req, &duban_core::Thresholds::default()).await?;
    let mut count = issued.len();
    let users = store.list_users().await?;
    for s in &issued {
        let Some(lead) = s.units.first() else { continue };
        let username = format!("unit{:02}", lead.unit_id);
        let actor = Actor {
            user_id: users.iter().find(|u| u.username == username).map_or(UserId(0), |u| u.id),
            username,
            role: Role::Reporter,
            unit_id: Some(lead.unit_id),
        };
        let reply = duban_store::SupervisionReply {
            unit_id: lead.unit_id,
            measures: "（模拟数据）已召开专题会议，倒排工期、挂图作战，每周调度项目进展。".into(),
            new_deadline: issued_on + Duration::days(60),
        };
        store.reply_supervision(&Ctx::new(actor, at(issued_on + Duration::days(2), 15)), s.id, &reply).await?;
    }
    let decide = Ctx::new(Actor::system(), at(issued_on + Duration::days(8), 10));
    if let Some(s) = issued.first() {
        let s = store.supervision(&Actor::system(), s.id).await?;
        store
            .accept_supervision(&decide, s.id, s.version, "（模拟数据）整改措施具体，同意办结，纳入下期调度。")
            .await?;
    }
    if let Some(s) = issued.get(1) {
        let s = store.supervision(&Actor::system(), s.id).await?;
        let e = duban_store::Escalation {
            version: s.version,
            reply_by: issued_on + Duration::days(15),
            demand: "（模拟数据）请分管负责同志说明情况，提出加快推进的具体举措。".into(),
            note: "（模拟数据）配合单位均未回复".into(),
            units: Vec::new(),
        };
        store.escalate_supervision(&decide, s.id, &e).await?;
        count += 1;
    }
    Ok(count)
}

async fn load_year_unsynced(
    store: &Store,
    password_hash: &str,
    year: i32,
    months: usize,
) -> Result<DemoSummary, Error> {
    let text = if year == 2022 { SHAANXI_2022.to_string() } else { SHAANXI_2022.replace("2022", &year.to_string()) };
    let start = at(NaiveDate::from_ymd_opt(year, 1, 20).unwrap_or_default(), 10);
    let office = Ctx::new(Actor::system(), start);
    let plan = duban_plan::parse_text(&text);
    let name = format!("shaanxi-{year}-urbanization.txt");
    let rec = store.import_plan(&office, &name, &text, &plan).await?;

    // The directory: the ten cities (相关市政府 stands for them) and every other body the plan names.
    let mut city_ids = Vec::new();
    for c in CITIES {
        let u = store
            .create_unit(&office, &NewUnit { name: c.into(), kind: UnitKind::Government, ..NewUnit::default() })
            .await?;
        city_ids.push(u.id);
    }
    store.set_group(&office, "相关市政府", &city_ids).await?;
    store.set_group(&office, "各设区市政府", &city_ids).await?;
    let mut names: Vec<String> = store.unresolved_names(rec.id).await?.into_iter().map(|u| u.name).collect();
    names.sort();
    names.dedup();
    for n in names {
        if n == "相关市政府"
            || n == "各设区市政府"
            || CITIES.contains(&n.as_str())
            || ALIASES.iter().any(|(_, a)| *a == n)
        {
            continue;
        }
        // As the check page guesses a new unit's kind (…管委会 a zone, …集团 an enterprise).
        let kind = match duban_plan::units::unit_kind(&n) {
            UnitKind::Other => UnitKind::Department,
            kind => kind,
        };
        store.create_unit(&office, &NewUnit { name: n, kind, ..NewUnit::default() }).await?;
    }
    let units = store.list_units().await?;
    for (name, alias) in ALIASES {
        if let Some(u) = units.iter().find(|u| u.name == name) {
            store.add_alias(&office, u.id, alias).await?;
        }
    }
    let left = store.resolve_plan_names(&office, rec.id).await?;
    if !left.is_empty() {
        return Err(Error::internal(format!("demo: {} names left unmapped", left.len())));
    }
    let rec = store.plan(rec.id).await?;
    store.publish_plan(&office, rec.id, rec.row_version).await?;
    let periods = store.create_periods(&office, rec.id, &monthly(year, 5, 3)?).await?;

    // Accounts: the office, leadership, and one reporter per unit.
    let mut accounts = Vec::new();
    for (username, display, role) in
        [("office", "城镇化办（演示）", Role::Admin), ("leader", "分管领导（演示）", Role::Viewer)]
    {
        let new = NewUser {
            username: username.into(),
            display_name: display.into(),
            password: String::new(),
            role,
            unit_id: None,
            must_change_password: false,
        };
        store.create_user(&office, &new, password_hash).await?;
        accounts.push((username.to_string(), display.to_string()));
    }
    let units = store.list_units().await?;
    for u in &units {
        let username = format!("unit{:02}", u.id);
        let display = format!("{}填报员", u.name);
        let new = NewUser {
            username: username.clone(),
            display_name: display.clone(),
            password: String::new(),
            role: Role::Reporter,
            unit_id: Some(u.id),
            must_change_password: false,
        };
        let user = store.create_user(&office, &new, password_hash).await?;
        accounts.push((username, display));
        let _ = user;
    }
    let user_of = |unit: UnitId| -> UserId {
        // Reporter ids follow the two demo accounts, in unit order.
        UserId(units.iter().position(|u| u.id == unit).map_or(0, |i| i as i64 + 3))
    };

    // Six months of simulated reports.
    let ledger = store.ledger(rec.id).await?;
    let mut tasks: Vec<&duban_store::LedgerItem> = ledger.all_items().into_iter().filter(|i| i.is_task).collect();
    tasks.sort_by_key(|t| t.id);
    let mut rng = Rng(20_220_701);
    let mut written = 0;
    for (m, period) in periods.iter().take(months.min(12)).enumerate() {
        let month = m as f64 + 1.0;
        for task in &tasks {
            // Each task has its own pace: most on track, some behind.
            let pace = 0.7 + 0.45 * (((task.id.get() * 7919) % 100) as f64 / 100.0);
            for (k, au) in task.units.iter().enumerate() {
                let r = rng.unit();
                if r < 0.08 {
                    continue; // not reported
                }
                let late = rng.unit() < 0.15;
                let day = if late { 6 + (rng.next() % 3) as i64 } else { 1 + (rng.next() % 5) as i64 };
                let when = at(period.spec.ends_on, 9) + Duration::days(day) + Duration::hours((rng.next() % 8) as i64);
                let actor = Actor {
                    user_id: user_of(au.unit_id),
                    username: format!("unit{:02}", au.unit_id),
                    role: Role::Reporter,
                    unit_id: Some(au.unit_id),
                };
                let ctx = Ctx::new(actor, when);
                let pct = (month / 12.0 * 100.0 * pace).min(100.0);
                // Only the first-listed unit reports the task's figures.
                let values = if k == 0 {
                    task.targets
                        .iter()
                        .filter(|t| t.op.is_floor())
                        .map(|t| ReportValue { indicator_id: t.id, value: (t.value * month / 12.0 * pace).round() })
                        .collect()
                } else {
                    Vec::new()
                };
                let draft = ReportDraft {
                    period_id: period.id,
                    item_id: task.id,
                    unit_id: au.unit_id,
                    progress: format!(
                        "（模拟数据）{}月，{}：{}相关工作按计划推进，累计完成年度任务约{:.0}%。",
                        m + 1,
                        au.name,
                        task.title,
                        pct
                    ),
                    problems: if pace < 0.85 {
                        "（模拟数据）项目前期手续办理较慢，资金到位不足。".into()
                    } else {
                        String::new()
                    },
                    next_steps: "（模拟数据）加快项目建设，按月调度。".into(),
                    percent: Some((pct * 10.0).round() / 10.0),
                    finished: false,
                    values,
                    milestones: project_states(&task.projects, m),
                    version: None,
                };
                let saved = store.save_report(&ctx, &draft).await?;
                let sent = store.submit_report(&ctx, saved.id, saved.version).await?;
                written += 1;
                let review = Ctx::new(Actor::system(), when + Duration::days(1));
                let roll = rng.unit();
                if m == 5 && roll < 0.6 {
                    continue; // June: waiting for review
                }
                if roll < 0.12 {
                    let back = store
                        .review_report(
                            &review,
                            sent.id,
                            sent.version,
                            false,
                            "（模拟数据）进展表述笼统，请补充具体项目和数据。",
                        )
                        .await?;
                    if roll < 0.04 {
                        continue; // still with the unit
                    }
                    let fix = Ctx::new(ctx.actor.clone(), when + Duration::days(2));
                    let fix_day = duban_core::periods::local_date(fix.now);
                    if period.spec.is_locked(fix_day) {
                        // A return near the deadline comes with leave to report after the lock (补报).
                        store.grant_exception(&review, period.id, au.unit_id, &fix_day.to_string()).await?;
                    }
                    let again = store
                        .save_report(
                            &fix,
                            &ReportDraft {
                                version: Some(back.version),
                                progress: format!("{}（已补充项目清单）", draft.progress),
                                ..draft.clone()
                            },
                        )
                        .await?;
                    let again = store.submit_report(&fix, again.id, again.version).await?;
                    store
                        .review_report(
                            &Ctx::new(Actor::system(), when + Duration::days(3)),
                            again.id,
                            again.version,
                            true,
                            "",
                        )
                        .await?;
                } else {
                    store.review_report(&review, sent.id, sent.version, true, "").await?;
                }
            }
        }
    }
    // The simulated months' notices are history: read, so that each account starts with none unread.
    let end = at(
        periods.get(months.min(12).saturating_sub(1)).map_or(start.date_naive(), |p| p.spec.due_on)
            + Duration::days(10),
        10,
    );
    for u in store.list_users().await? {
        let actor = Actor { user_id: u.id, username: u.username.clone(), role: u.role, unit_id: u.unit_id };
        store.mark_notices_read(&Ctx::new(actor, end), None).await?;
    }
    Ok(DemoSummary { plan_id: rec.id, units: units.len(), accounts, reports: written, supervisions: 0 })
}
