//! The office's and leadership's pages: the review queue, the dashboard (with one-click 催报 and a 大屏
//! mode), the ledger with status lights, the task page and the unit page.

use duban_core::PlanId;
use duban_core::ReportId;
use duban_core::UnitId;
use duban_core::{ExtensionId, ItemId};
use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use duban_core::{Error, ReportState, Status};
use duban_store::{
    AuditEntry, ExtensionRecord, IndicatorSummary, LedgerItem, ReportFilter, ReportRecord, Summary, TaskSummary,
    UnitRate,
};
use serde::Deserialize;

use super::charts::{Point, heat_map, line_chart, progress_bars, status_bar};
use super::reporting::{target_text, units_text};
use super::supervision::SupervisionText as _;
use super::{Nav, OrPage, PageForm, PageResult, PageUser, ScopeQuery, render, scope, see_other, url_encode};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/review", get(review).post(review_submit))
        .route("/reporting", post(set_reporting))
        .route("/extensions/{id}", post(decide_extension))
        .route("/dashboard", get(dashboard))
        .route("/remind", post(remind))
        .route("/ledger", get(ledger))
        .route("/items/{id}", get(task_page))
        .route("/units/{id}", get(unit_page))
}

fn status_class(s: &Status) -> &'static str {
    match s {
        Status::Completed => "light-done",
        Status::OnTrack => "light-green",
        Status::Lagging => "light-yellow",
        Status::NotReported => "light-grey",
        Status::Overdue => "light-red",
    }
}

fn status_legend(nav: &Nav) -> [String; 5] {
    [Status::Completed, Status::OnTrack, Status::Lagging, Status::NotReported, Status::Overdue]
        .map(|s| nav.tr.status(&s))
}

// ---- review queue ----------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct ReviewQuery {
    #[serde(default)]
    plan: Option<PlanId>,
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    ok: Option<String>,
}

pub struct ReviewRow {
    pub report: ReportRecord,
    pub unit: String,
    pub task: String,
    pub path: String,
    /// Where leads consolidate: the co-units' contributions the lead's report was made from.
    pub contributions: Vec<(String, ReportRecord)>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    nav: Nav,
    plan_id: PlanId,
    period_key: String,
    period_label: String,
    rows: Vec<ReviewRow>,
    extensions: Vec<(ExtensionRecord, String, String)>,
    reporting: duban_store::ReportingSetting,
}

impl ReviewPage {
    fn consolidated(&self) -> bool {
        self.reporting.mode == duban_core::reporting::ReportingMode::Consolidated
    }
    fn state_label(&self, r: &ReportRecord) -> String {
        self.nav.tr.report_state(r.state)
    }
}

async fn review(State(state): State<AppState>, user: PageUser, Query(q): Query<ReviewQuery>) -> PageResult {
    user.actor.require_admin().or_page(&user)?;
    let Some(sc) = scope(&state, &user, &ScopeQuery { plan: q.plan, period: q.period.clone() }).await? else {
        return Ok(render(&super::EmptyPage::new(&user)));
    };
    let period = sc.period.clone().ok_or_else(|| Error::not_found(duban_core::Thing::Period)).or_page(&user)?;
    let reports = state
        .store
        .list_reports(
            &user.actor,
            &ReportFilter {
                plan_id: Some(sc.plan.id),
                period_id: Some(period.id),
                state: Some(duban_core::ReportState::Submitted),
                limit: Some(5000),
                ..ReportFilter::default()
            },
        )
        .await
        .or_page(&user)?;
    let ledger = state.store.ledger(sc.plan.id).await.or_page(&user)?;
    let items = ledger.by_id();
    let units: HashMap<UnitId, String> =
        state.store.list_units().await.or_page(&user)?.into_iter().map(|u| (u.id, u.name)).collect();
    // Contributions are the leads' to read; the office reviews the leads' reports with them beside.
    let pairs = state.store.contribution_pairs(sc.plan.id).await.or_page(&user)?;
    let mut beside: HashMap<ItemId, Vec<(String, ReportRecord)>> = HashMap::new();
    if !pairs.is_empty() {
        let all = state
            .store
            .list_reports(
                &user.actor,
                &ReportFilter {
                    plan_id: Some(sc.plan.id),
                    period_id: Some(period.id),
                    limit: Some(5000),
                    ..ReportFilter::default()
                },
            )
            .await
            .or_page(&user)?;
        for r in all.into_iter().filter(|r| pairs.contains(&(r.item_id, r.unit_id))) {
            beside.entry(r.item_id).or_default().push((units.get(&r.unit_id).cloned().unwrap_or_default(), r));
        }
    }
    let rows = reports
        .into_iter()
        .filter(|r| !pairs.contains(&(r.item_id, r.unit_id)))
        .map(|r| ReviewRow {
            unit: units.get(&r.unit_id).cloned().unwrap_or_default(),
            task: items.get(&r.item_id).map(|i| i.title.clone()).unwrap_or_default(),
            path: items.get(&r.item_id).map(|i| i.path.join(".")).unwrap_or_default(),
            contributions: beside.get(&r.item_id).cloned().unwrap_or_default(),
            report: r,
        })
        .collect();
    let reporting = state.store.reporting(sc.plan.id).await.or_page(&user)?;
    let extensions = state
        .store
        .extensions(&user.actor, Some(duban_model::ExtensionState::Pending))
        .await
        .or_page(&user)?
        .into_iter()
        .map(|e| {
            let unit = units.get(&e.unit_id).cloned().unwrap_or_default();
            let task = items.get(&e.item_id).map(|i| i.title.clone()).unwrap_or_default();
            (e, unit, task)
        })
        .collect();
    let mut nav = Nav::new(&user, "review").with_flash(q.ok.as_deref());
    nav.plan_id = Some(sc.plan.id);
    nav.period = Some(period.spec.key.clone());
    Ok(render(&ReviewPage {
        plan_id: sc.plan.id,
        period_key: period.spec.key.clone(),
        period_label: user.tr.period(&period.spec),
        rows,
        extensions,
        reporting,
        nav,
    }))
}

#[derive(Debug, Deserialize)]
struct ReportingForm {
    plan: PlanId,
    mode: String,
    #[serde(default)]
    lead_days: Option<u32>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    period: String,
}

/// The office sets how the plan's units report.
async fn set_reporting(
    State(state): State<AppState>,
    PageForm { user, ctx, form: f }: PageForm<ReportingForm>,
) -> PageResult {
    let mode = duban_core::reporting::ReportingMode::parse(&f.mode)
        .ok_or_else(|| Error::bad_input("form.invalid").arg("e", "mode"))
        .or_page(&user)?;
    let days = f.lead_days.unwrap_or(duban_core::reporting::DEFAULT_LEAD_DAYS);
    state.store.set_reporting(&ctx, f.plan, mode, days, &f.reason).await.or_page(&user)?;
    Ok(see_other(&format!("/review?plan={}&period={}&ok=mode_set", f.plan, url_encode(&f.period))))
}

async fn review_submit(
    State(state): State<AppState>,
    PageForm { user, ctx, form: fields }: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let approve = get("action") == "approve";
    let reason = get("reason");
    if !approve && reason.trim().is_empty() {
        return Err(Error::bad_input("report.reason")).or_page(&user);
    }
    let picked: Vec<(ReportId, i64)> = fields
        .iter()
        .filter(|(k, _)| k == "pick")
        .filter_map(|(_, v)| v.split_once(':'))
        .filter_map(|(id, ver)| Some((id.parse().ok()?, ver.parse().ok()?)))
        .collect();
    if picked.is_empty() {
        return Err(Error::bad_input("review.none")).or_page(&user);
    }
    for (id, version) in picked {
        // Each report is its own write; the form token keeps a resent form from writing twice.
        let mut c = ctx.clone();
        if let Some(idem) = &mut c.idempotency {
            idem.key = format!("{}:{id}", idem.key);
        }
        state.store.review_report(&c, id, version, approve, &reason).await.or_page(&user)?;
    }
    let flash = if approve { "approved" } else { "returned" };
    Ok(see_other(&format!("/review?plan={}&period={}&ok={flash}", get("plan"), url_encode(&get("period")))))
}

#[derive(Debug, Deserialize)]
struct DecideForm {
    decision: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    back: Option<String>,
}

async fn decide_extension(
    State(state): State<AppState>,
    Path(id): Path<ExtensionId>,
    PageForm { user, ctx, form: f }: PageForm<DecideForm>,
) -> PageResult {
    state.store.decide_extension(&ctx, id, f.decision == "approve", &f.note).await.or_page(&user)?;
    Ok(see_other(&super::safe_next(f.back.as_deref())))
}

// ---- dashboard -------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct DashboardQuery {
    #[serde(default)]
    plan: Option<PlanId>,
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    screen: Option<u8>,
    #[serde(default)]
    ok: Option<String>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    nav: Nav,
    plan_id: PlanId,
    plan_title: String,
    period_key: String,
    period_label: String,
    periods: Vec<super::reporting::PeriodChoice>,
    screen: bool,
    s: Summary,
    parts_svg: String,
    heat_svg: String,
    late: Vec<(UnitRate, usize)>,
    behind: Vec<IndicatorSummary>,
    /// Each unit's 考核 score for the period (a unit's people: their own).
    scores: HashMap<UnitId, f64>,
    /// Open 督办s by task, and their figures (none for those who do not read 督办s).
    supervised: HashMap<ItemId, duban_store::SupervisionRecord>,
    sup: Option<duban_store::SupervisionOverview>,
    levels: [duban_core::supervision::Level; 3],
    default_reply_by: String,
    min_date: String,
    default_demand: &'static str,
}

impl super::supervision::SupervisionText for DashboardPage {
    fn tr(&self) -> &crate::i18n::Tr {
        &self.nav.tr
    }
}

impl DashboardPage {
    fn score(&self, u: &UnitRate) -> String {
        self.scores.get(&u.unit_id).map(super::assessment::points).unwrap_or_default()
    }
    fn supervised(&self, t: &TaskSummary) -> Option<&duban_store::SupervisionRecord> {
        self.supervised.get(&t.item_id)
    }
    fn light(&self, t: &TaskSummary) -> &'static str {
        if t.due_soon && t.status != Status::Completed && t.status != Status::Overdue {
            "light-blue"
        } else {
            status_class(&t.status)
        }
    }
    fn bar(&self, ratio: &f64) -> String {
        status_bar(*ratio, &self.nav.tr.pct(*ratio))
    }
}

async fn dashboard(State(state): State<AppState>, user: PageUser, Query(q): Query<DashboardQuery>) -> PageResult {
    let Some(sc) = scope(&state, &user, &ScopeQuery { plan: q.plan, period: q.period.clone() }).await? else {
        return Ok(render(&super::EmptyPage::new(&user)));
    };
    let period = sc.period.clone().ok_or_else(|| Error::not_found(duban_core::Thing::Period)).or_page(&user)?;
    let s = state.store.summary(sc.plan.id, &period.spec.key, &state.thresholds).await.or_page(&user)?;
    let mut nav = Nav::new(&user, "dashboard").with_flash(q.ok.as_deref());
    nav.plan_id = Some(sc.plan.id);
    nav.period = Some(period.spec.key.clone());
    let tr = user.tr;
    let rows: Vec<(String, [i64; 5])> = s
        .parts
        .iter()
        .map(|p| {
            let c = &p.counts;
            (p.title.clone(), [c.completed, c.on_track, c.lagging, c.not_reported, c.overdue])
        })
        .collect();
    let parts_svg = progress_bars(&rows, &status_legend(&nav), &tr.t("dash-by-part"));
    // The heat map: every unit's completeness in every period up to this one.
    let upto: Vec<&duban_store::PeriodRecord> =
        sc.periods.iter().take_while(|p| p.spec.ends_on <= period.spec.ends_on).collect();
    let mut per_period: Vec<HashMap<UnitId, f64>> = Vec::new();
    for p in &upto {
        let ps = state.store.summary(sc.plan.id, &p.spec.key, &state.thresholds).await.or_page(&user)?;
        per_period.push(ps.units.iter().map(|u| (u.unit_id, u.completeness)).collect());
    }
    let unit_names: Vec<String> = s.units.iter().map(|u| u.name.clone()).collect();
    let cells: Vec<Vec<Option<f64>>> =
        s.units.iter().map(|u| per_period.iter().map(|m| m.get(&u.unit_id).copied()).collect()).collect();
    let labels: Vec<String> = upto.iter().map(|p| p.spec.key.get(5..).unwrap_or(&p.spec.key).to_string()).collect();
    let heat_svg = heat_map(&unit_names, &labels, &cells, &tr.t("dash-heat"));
    let reminders = state.store.reminders(period.id).await.or_page(&user)?;
    let late = s
        .units
        .iter()
        .filter(|u| u.received < u.owed)
        .map(|u| (u.clone(), reminders.iter().filter(|r| r.unit_id == u.unit_id).count()))
        .collect();
    let mut behind: Vec<IndicatorSummary> =
        s.indicators.iter().filter(|i| matches!(i.status, Status::Lagging | Status::Overdue)).cloned().collect();
    behind.sort_by(|a, b| a.ratio.unwrap_or(0.0).total_cmp(&b.ratio.unwrap_or(0.0)));
    behind.truncate(10);
    let supervised = super::supervision::open_by_task(&state, &user, sc.plan.id).await?;
    let today = duban_core::periods::local_date(state.now());
    let sup = super::supervision::reads_supervisions(&user).then(|| {
        let open: Vec<duban_store::SupervisionRecord> = supervised.values().cloned().collect();
        duban_store::SupervisionOverview::of(&open, today)
    });
    let scores = if super::supervision::reads_supervisions(&user) {
        let a = duban_app::assessment::assess(
            &state.store,
            &user.actor,
            sc.plan.id,
            Some(&period.spec.key),
            state.now(),
            &state.thresholds,
        )
        .await
        .or_page(&user)?;
        a.units.iter().map(|u| (u.unit_id, u.total)).collect()
    } else {
        HashMap::new()
    };
    Ok(render(&DashboardPage {
        scores,
        supervised,
        sup,
        levels: duban_core::supervision::Level::ALL,
        default_reply_by: (today + chrono::Duration::days(super::supervision::REPLY_DAYS)).to_string(),
        min_date: today.to_string(),
        default_demand: duban_app::supervision::DEFAULT_DEMAND,
        plan_id: sc.plan.id,
        plan_title: sc.plan.title.clone(),
        period_key: period.spec.key.clone(),
        period_label: tr.period(&period.spec),
        periods: super::reporting::period_choices(&tr, &sc.periods, Some(&period.spec.key)),
        screen: q.screen == Some(1),
        s,
        parts_svg,
        heat_svg,
        late,
        behind,
        nav,
    }))
}

#[derive(Debug, Deserialize)]
struct RemindForm {
    plan: PlanId,
    period: String,
    unit: UnitId,
}

/// One-click 催报: recorded, and shown on the unit's to-do page.
async fn remind(State(state): State<AppState>, PageForm { user, ctx, form: f }: PageForm<RemindForm>) -> PageResult {
    let period = state.store.period_by_key(f.plan, &f.period).await.or_page(&user)?;
    let note = user.tr.t("remind-note");
    state.store.remind(&ctx, period.id, f.unit, None, &note).await.or_page(&user)?;
    Ok(see_other(&format!("/dashboard?plan={}&period={}&ok=reminded", f.plan, url_encode(&f.period))))
}

// ---- ledger ----------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct LedgerQuery {
    #[serde(default)]
    plan: Option<PlanId>,
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    part: Option<String>,
    #[serde(default)]
    unit: Option<UnitId>,
    #[serde(default)]
    status: Option<String>,
}

pub struct LedgerRow {
    pub part: bool,
    pub id: ItemId,
    pub path: String,
    pub title: String,
    pub units: String,
    pub targets: String,
    pub deadline: String,
    pub light: &'static str,
    pub status: String,
}

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerPage {
    nav: Nav,
    plan_id: PlanId,
    plan_title: String,
    period_key: String,
    periods: Vec<super::reporting::PeriodChoice>,
    parts: Vec<(String, String)>,
    units: Vec<(UnitId, String)>,
    part: String,
    unit: UnitId,
    status: String,
    statuses: Vec<(String, String)>,
    rows: Vec<LedgerRow>,
    shown: usize,
}

async fn ledger(State(state): State<AppState>, user: PageUser, Query(q): Query<LedgerQuery>) -> PageResult {
    let Some(sc) = scope(&state, &user, &ScopeQuery { plan: q.plan, period: q.period.clone() }).await? else {
        return Ok(render(&super::EmptyPage::new(&user)));
    };
    let tr = user.tr;
    let ledger = state.store.ledger(sc.plan.id).await.or_page(&user)?;
    let summary = match &sc.period {
        Some(p) => Some(state.store.summary(sc.plan.id, &p.spec.key, &state.thresholds).await.or_page(&user)?),
        None => None,
    };
    let tasks: HashMap<ItemId, &TaskSummary> =
        summary.iter().flat_map(|s| s.tasks.iter()).map(|t| (t.item_id, t)).collect();
    let mut rows = Vec::new();
    let mut units: Vec<(UnitId, String)> = Vec::new();
    for part in &ledger.items {
        let in_part = q.part.as_deref().is_none_or(|p| p.is_empty() || p == part.path.join("."));
        let mut part_rows = Vec::new();
        for i in part.walk() {
            for u in &i.units {
                if !units.iter().any(|(id, _)| *id == u.unit_id) {
                    units.push((u.unit_id, u.name.clone()));
                }
            }
            if !i.is_task || !in_part {
                continue;
            }
            let t = tasks.get(&i.id);
            let light = match t {
                Some(t) if t.due_soon && !matches!(t.status, Status::Completed | Status::Overdue) => "light-blue",
                Some(t) => status_class(&t.status),
                None => "light-none",
            };
            let status_key = t.map(|t| t.status.as_str().to_string()).unwrap_or_default();
            if q.unit.is_some_and(|u| u.get() > 0 && !i.units.iter().any(|x| x.unit_id == u)) {
                continue;
            }
            if q.status.as_deref().is_some_and(|s| !s.is_empty() && s != status_key) {
                continue;
            }
            part_rows.push(LedgerRow {
                part: false,
                id: i.id,
                path: i.path.join("."),
                title: i.title.clone(),
                units: units_text(i, &tr),
                targets: i
                    .targets
                    .iter()
                    .map(|x| format!("{}{}", x.metric, target_text(x, &tr)))
                    .collect::<Vec<_>>()
                    .join("；"),
                deadline: if i.deadline_text.is_empty() { tr.date(&i.deadline) } else { i.deadline_text.clone() },
                light,
                status: t.map(|t| tr.status(&t.status)).unwrap_or_default(),
            });
        }
        if !part_rows.is_empty() {
            rows.push(LedgerRow {
                part: true,
                id: part.id,
                path: part.path.join("."),
                title: format!("{}{}", part.label, part.title),
                units: String::new(),
                targets: String::new(),
                deadline: String::new(),
                light: "",
                status: String::new(),
            });
            rows.extend(part_rows);
        }
    }
    units.sort_by(|a, b| a.1.cmp(&b.1));
    let shown = rows.iter().filter(|r| !r.part).count();
    let mut nav = Nav::new(&user, "ledger");
    nav.plan_id = Some(sc.plan.id);
    nav.period = sc.period.as_ref().map(|p| p.spec.key.clone());
    let statuses = [Status::Completed, Status::OnTrack, Status::Lagging, Status::NotReported, Status::Overdue]
        .iter()
        .map(|s| (s.as_str().to_string(), tr.status(s)))
        .collect();
    Ok(render(&LedgerPage {
        plan_id: sc.plan.id,
        plan_title: sc.plan.title.clone(),
        period_key: sc.period.as_ref().map(|p| p.spec.key.clone()).unwrap_or_default(),
        periods: super::reporting::period_choices(&tr, &sc.periods, sc.period.as_ref().map(|p| p.spec.key.as_str())),
        parts: ledger.items.iter().map(|p| (p.path.join("."), format!("{}{}", p.label, p.title))).collect(),
        units,
        part: q.part.clone().unwrap_or_default(),
        unit: q.unit.unwrap_or(UnitId(0)),
        status: q.status.clone().unwrap_or_default(),
        statuses,
        rows,
        shown,
        nav,
    }))
}

// ---- task page -------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    nav: Nav,
    plan_id: PlanId,
    item: LedgerItem,
    units: String,
    charts: Vec<(String, String)>,
    history: Vec<(String, String, ReportRecord)>,
    audit: Vec<AuditEntry>,
    /// The task's 督办s, newest first, and what the issue form starts with (for the office).
    supervisions: Vec<duban_store::SupervisionRecord>,
    period_key: String,
    levels: [duban_core::supervision::Level; 3],
    default_reply_by: String,
    min_date: String,
    default_demand: &'static str,
}

impl super::supervision::SupervisionText for TaskPage {
    fn tr(&self) -> &crate::i18n::Tr {
        &self.nav.tr
    }
}

impl TaskPage {
    /// The office may issue a 督办 while none is open on the task.
    fn can_supervise(&self) -> bool {
        self.nav.is_admin()
            && !self.supervisions.iter().any(|s| s.state == duban_core::supervision::SupervisionState::Open)
    }
}

async fn task_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<ItemId>,
    Query(q): Query<ScopeQuery>,
) -> PageResult {
    let tr = user.tr;
    let Some(sc) = scope(&state, &user, &q).await? else {
        return Ok(render(&super::EmptyPage::new(&user)));
    };
    let ledger = state.store.ledger(sc.plan.id).await.or_page(&user)?;
    let item = ledger.item(id).cloned().ok_or_else(|| Error::not_found(duban_core::Thing::Task)).or_page(&user)?;
    let reports = state
        .store
        .list_reports(&user.actor, &ReportFilter { item_id: Some(id), limit: Some(5000), ..ReportFilter::default() })
        .await
        .or_page(&user)?;
    let unit_names: HashMap<UnitId, String> =
        state.store.list_units().await.or_page(&user)?.into_iter().map(|u| (u.id, u.name)).collect();
    let start = chrono::NaiveDate::from_ymd_opt(sc.plan.year as i32, 1, 1).unwrap_or_default();
    let summary = match &sc.period {
        Some(p) => Some(state.store.summary(sc.plan.id, &p.spec.key, &state.thresholds).await.or_page(&user)?),
        None => None,
    };
    let mut charts = Vec::new();
    for ind in &item.targets {
        let deadline = ind.deadline;
        let span = (deadline - start).num_days().max(1) as f64;
        let mut actual: Vec<Point> = Vec::new();
        for p in &sc.periods {
            let best = reports
                .iter()
                .filter(|r| r.period_id == p.id && matches!(r.state, ReportState::Submitted | ReportState::Approved))
                .filter_map(|r| r.values.iter().find(|v| v.indicator_id == ind.id).map(|v| v.value))
                .fold(None, |acc: Option<f64>, v| Some(acc.map_or(v, |a| a.max(v))));
            if let Some(v) = best {
                actual.push(Point { day: (p.spec.ends_on - start).num_days() as f64, value: v });
            }
        }
        let mut expected = vec![Point { day: 0.0, value: ind.baseline }];
        for m in &ind.milestones {
            expected.push(Point { day: (m.date - start).num_days() as f64, value: m.value });
        }
        expected.push(Point { day: span, value: ind.value });
        let forecast = summary
            .as_ref()
            .and_then(|s| s.indicators.iter().find(|i| i.indicator_id == ind.id))
            .and_then(|i| i.forecast.as_ref())
            .and_then(|f| actual.last().map(|a| (*a, Point { day: span, value: f.at_deadline })));
        let svg = line_chart(
            &actual,
            &expected,
            forecast,
            ind.value,
            span,
            (&tr.naive_date(start), &tr.date(&ind.deadline)),
            [&ind.metric, &tr.t("chart-actual"), &tr.t("chart-expected"), &tr.t("chart-forecast")],
        );
        charts.push((format!("{}{}", ind.metric, target_text(ind, &tr)), svg));
    }
    let mut history: Vec<(String, String, ReportRecord)> = reports
        .iter()
        .map(|r| {
            let period =
                sc.periods.iter().find(|p| p.id == r.period_id).map(|p| tr.period(&p.spec)).unwrap_or_default();
            (period, unit_names.get(&r.unit_id).cloned().unwrap_or_default(), r.clone())
        })
        .collect();
    history.sort_by(|a, b| b.2.period_id.cmp(&a.2.period_id).then(a.1.cmp(&b.1)));
    let mut audit = state.store.audit_of("item", &id.to_string()).await.or_page(&user)?;
    for r in reports.iter().take(50) {
        audit.extend(state.store.audit_of("report", &r.id.to_string()).await.or_page(&user)?);
    }
    audit.sort_by_key(|a| std::cmp::Reverse(a.record.seq));
    audit.truncate(100);
    let mut nav = Nav::new(&user, "ledger");
    nav.plan_id = Some(sc.plan.id);
    nav.period = sc.period.as_ref().map(|p| p.spec.key.clone());
    let supervisions = if super::supervision::reads_supervisions(&user) {
        let f = duban_store::SupervisionFilter { item_id: Some(id), ..Default::default() };
        state.store.supervisions(&user.actor, &f).await.or_page(&user)?
    } else {
        Vec::new()
    };
    let today = duban_core::periods::local_date(state.now());
    Ok(render(&TaskPage {
        plan_id: sc.plan.id,
        units: units_text(&item, &tr),
        item,
        charts,
        history,
        audit,
        supervisions,
        period_key: sc.period.as_ref().map(|p| p.spec.key.clone()).unwrap_or_default(),
        levels: duban_core::supervision::Level::ALL,
        default_reply_by: (today + chrono::Duration::days(super::supervision::REPLY_DAYS)).to_string(),
        min_date: today.to_string(),
        default_demand: duban_app::supervision::DEFAULT_DEMAND,
        nav,
    }))
}

// ---- unit page -------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    nav: Nav,
    plan_id: PlanId,
    period_key: String,
    unit: duban_store::UnitRecord,
    rates: Vec<(String, String, UnitRate)>,
    lagging: Vec<TaskSummary>,
    heat_svg: String,
    /// The unit's 考核 score for the period, line by line.
    score: Option<duban_model::AssessedUnit>,
}

impl UnitPage {
    fn bar(&self, ratio: &f64) -> String {
        status_bar(*ratio, &self.nav.tr.pct(*ratio))
    }
    fn points(&self, v: &f64) -> String {
        super::assessment::points(v)
    }
    fn event_label(&self, e: &duban_core::assessment::Event) -> String {
        self.nav.tr.t(&format!("event-{}", e.as_str()))
    }
}

async fn unit_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<UnitId>,
    Query(q): Query<ScopeQuery>,
) -> PageResult {
    user.actor.require_read_unit(id).or_page(&user)?;
    let tr = user.tr;
    let Some(sc) = scope(&state, &user, &q).await? else {
        return Ok(render(&super::EmptyPage::new(&user)));
    };
    let unit = state.store.get_unit(id).await.or_page(&user)?;
    let last = sc.period.as_ref().map(|p| p.spec.ends_on);
    let mut rates = Vec::new();
    let mut lagging = Vec::new();
    for p in sc.periods.iter().filter(|p| last.is_some_and(|l| p.spec.ends_on <= l)) {
        let s = state.store.summary(sc.plan.id, &p.spec.key, &state.thresholds).await.or_page(&user)?;
        if let Some(r) = s.units.iter().find(|u| u.unit_id == id) {
            rates.push((p.spec.key.clone(), tr.period(&p.spec), r.clone()));
        }
        if Some(p.spec.ends_on) == last {
            let ledger = state.store.ledger(sc.plan.id).await.or_page(&user)?;
            let mine: Vec<ItemId> =
                ledger.all_items().iter().filter(|i| i.units.iter().any(|u| u.unit_id == id)).map(|i| i.id).collect();
            lagging = s.lagging.iter().filter(|t| mine.contains(&t.item_id)).cloned().collect();
        }
    }
    let heat_svg = heat_map(
        std::slice::from_ref(&unit.name),
        &rates.iter().map(|(k, _, _)| k.get(5..).unwrap_or(k).to_string()).collect::<Vec<_>>(),
        &[rates.iter().map(|(_, _, r)| Some(r.completeness)).collect()],
        &tr.t("dash-heat"),
    );
    let mut nav = Nav::new(&user, "dashboard");
    nav.plan_id = Some(sc.plan.id);
    nav.period = sc.period.as_ref().map(|p| p.spec.key.clone());
    let period_key = sc.period.as_ref().map(|p| p.spec.key.clone()).unwrap_or_default();
    let score = match &sc.period {
        Some(p) if super::supervision::reads_supervisions(&user) => duban_app::assessment::assess(
            &state.store,
            &user.actor,
            sc.plan.id,
            Some(&p.spec.key),
            state.now(),
            &state.thresholds,
        )
        .await
        .or_page(&user)?
        .unit(id)
        .cloned(),
        _ => None,
    };
    Ok(render(&UnitPage { plan_id: sc.plan.id, period_key, unit, rates, lagging, heat_svg, score, nav }))
}
