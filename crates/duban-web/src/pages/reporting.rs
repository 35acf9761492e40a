//! The unit's pages: the to-do list of a period, the report form (pre-filled from the last period), evidence
//! files, and the offline Excel sheet.

use super::supervision::SupervisionText as _;
use duban_core::IndicatorId;
use duban_core::ItemId;
use duban_core::{PlanId, ReportId, UnitId};
use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Query, State};
use axum::routing::{get, post};
use duban_core::{Error, ReportState};
use duban_store::{
    EvidenceRecord, IndicatorRecord, LedgerItem, ReportDraft, ReportFilter, ReportRecord, ReportValue, TodoRow,
};
use serde::Deserialize;

use super::{Nav, OrPage, PageForm, PageResult, PageUser, ScopeQuery, Tr, render, scope, see_other};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/todo", get(todo))
        .route("/todo/sheet", post(upload_sheet))
        .route("/report", get(report_form).post(report_submit))
        .route("/report/evidence", post(upload_evidence))
        .route("/report/extension", post(request_extension))
        .route("/report/sign", post(sign_report))
        .route("/report/return-contribution", post(return_contribution))
}

#[derive(Debug, Default, Deserialize)]
pub struct TodoQuery {
    #[serde(default)]
    plan: Option<PlanId>,
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    unit: Option<UnitId>,
    #[serde(default)]
    ok: Option<String>,
}

pub struct PeriodChoice {
    pub key: String,
    pub label: String,
    pub selected: bool,
}

pub fn period_choices(tr: &Tr, periods: &[duban_store::PeriodRecord], current: Option<&str>) -> Vec<PeriodChoice> {
    periods
        .iter()
        .map(|p| PeriodChoice {
            key: p.spec.key.clone(),
            label: tr.period(&p.spec),
            selected: Some(p.spec.key.as_str()) == current,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "todo.html")]
struct TodoPage {
    nav: Nav,
    plan_id: PlanId,
    plan_title: String,
    period_key: String,
    period_label: String,
    due: String,
    locked: bool,
    periods: Vec<PeriodChoice>,
    unit_id: UnitId,
    unit_name: String,
    rows: Vec<TodoRow>,
    done: usize,
    units: Vec<(UnitId, String)>,
    /// Open 督办s sent to the unit.
    supervisions: Vec<duban_store::SupervisionRecord>,
    /// 催报 the unit got for the period, newest first.
    reminders: Vec<duban_store::ReminderRecord>,
}

impl super::supervision::SupervisionText for TodoPage {
    fn tr(&self) -> &crate::i18n::Tr {
        &self.nav.tr
    }
}

impl TodoPage {
    fn role_label(&self, role: &duban_model::UnitRole) -> String {
        self.nav.tr.t(&format!("role-{}", role.as_str()))
    }
    fn state_label(&self, s: &Option<ReportState>) -> String {
        self.nav.tr.state(s)
    }
    fn state_class(&self, s: &Option<ReportState>) -> &'static str {
        match s {
            None => "st-none",
            Some(ReportState::Draft) => "st-draft",
            Some(ReportState::Submitted) => "st-submitted",
            Some(ReportState::Returned) => "st-returned",
            Some(ReportState::Signing) => "st-signing",
            Some(ReportState::Approved) => "st-approved",
        }
    }
}

async fn todo(State(state): State<AppState>, user: PageUser, Query(q): Query<TodoQuery>) -> PageResult {
    let tr = user.tr;
    let Some(sc) = scope(&state, &user, &ScopeQuery { plan: q.plan, period: q.period.clone() }).await? else {
        return Ok(render(&super::EmptyPage::new(&user)));
    };
    let Some(period) = sc.period.clone() else {
        return Err(Error::not_found(duban_core::Thing::Period)).or_page(&user);
    };
    let units = state.store.list_units().await.or_page(&user)?;
    let unit_id = match (user.actor.unit_id, q.unit) {
        (Some(own), _) => own,
        (None, Some(u)) => u,
        (None, None) => units.first().map(|u| u.id).unwrap_or(UnitId(0)),
    };
    let ctx = duban_store::Ctx::new(user.actor.clone(), state.now());
    let rows = state.store.todo(&ctx, period.id, unit_id).await.or_page(&user)?;
    let done = rows.iter().filter(|r| matches!(r.state, Some(ReportState::Submitted | ReportState::Approved))).count();
    let unit_name = units.iter().find(|u| u.id == unit_id).map(|u| u.name.clone()).unwrap_or_default();
    let today = duban_core::periods::local_date(state.now());
    let supervisions = if super::supervision::reads_supervisions(&user) {
        let f = duban_store::SupervisionFilter {
            plan_id: Some(sc.plan.id),
            unit_id: Some(unit_id),
            state: Some(duban_core::supervision::SupervisionState::Open),
            ..Default::default()
        };
        state.store.supervisions(&user.actor, &f).await.or_page(&user)?
    } else {
        Vec::new()
    };
    let mut reminders: Vec<duban_store::ReminderRecord> =
        state.store.reminders(period.id).await.or_page(&user)?.into_iter().filter(|r| r.unit_id == unit_id).collect();
    reminders.reverse();
    let mut nav = Nav::new(&user, "todo").with_flash(q.ok.as_deref());
    nav.plan_id = Some(sc.plan.id);
    nav.period = Some(period.spec.key.clone());
    Ok(render(&TodoPage {
        plan_id: sc.plan.id,
        plan_title: sc.plan.title.clone(),
        period_key: period.spec.key.clone(),
        period_label: tr.period(&period.spec),
        due: tr.naive_date(period.spec.due_on),
        locked: period.spec.is_locked(today),
        periods: period_choices(&tr, &sc.periods, Some(&period.spec.key)),
        unit_id,
        unit_name,
        rows,
        done,
        supervisions,
        reminders,
        units: if user.actor.unit_id.is_none() {
            units.iter().map(|u| (u.id, u.name.clone())).collect()
        } else {
            Vec::new()
        },
        nav,
    }))
}

// ---- the report form -------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct ReportQuery {
    plan: PlanId,
    period: String,
    item: ItemId,
    #[serde(default)]
    unit: Option<UnitId>,
    #[serde(default)]
    ok: Option<String>,
}

pub struct IndicatorField {
    pub id: IndicatorId,
    pub metric: String,
    pub target: String,
    pub value: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    nav: Nav,
    plan_id: PlanId,
    period_key: String,
    period_label: String,
    unit_id: UnitId,
    unit_name: String,
    item: LedgerItem,
    report: Option<ReportRecord>,
    carried: bool,
    editable: bool,
    progress: String,
    problems: String,
    next_steps: String,
    percent: String,
    finished: bool,
    indicators: Vec<IndicatorField>,
    errors: HashMap<String, String>,
    evidence: Vec<EvidenceRecord>,
    history: Vec<(String, ReportRecord)>,
    /// The co-units and their contributions (none yet: not sent), where this unit leads a task they
    /// contribute to.
    contributions: Vec<(String, Option<ReportRecord>)>,
    /// The form was filled from the contributions (no report of the lead's own yet).
    consolidated: bool,
}

impl ReportPage {
    fn error(&self, field: &str) -> String {
        self.errors.get(field).cloned().unwrap_or_default()
    }
    fn has_error(&self, field: &str) -> bool {
        self.errors.contains_key(field)
    }
    fn state_label(&self) -> String {
        self.nav.tr.state(&self.report.as_ref().map(|r| r.state))
    }
    fn version(&self) -> String {
        self.report.as_ref().map(|r| r.version.to_string()).unwrap_or_default()
    }
    fn units_text(&self) -> String {
        units_text(&self.item, &self.nav.tr)
    }
    /// Contributions sent (submitted or approved) of those owed.
    fn sent_count(&self) -> usize {
        self.contributions.iter().filter(|(_, r)| r.as_ref().is_some_and(|r| r.state.is_reported())).count()
    }
    fn contribution_state(&self, r: &ReportRecord) -> String {
        self.nav.tr.report_state(r.state)
    }
    fn can_return(&self, r: &ReportRecord) -> bool {
        self.nav.is_unit() && r.state == ReportState::Submitted
    }
    /// The report waits for the unit's leader.
    fn signing(&self) -> bool {
        self.report.as_ref().is_some_and(|r| r.state == ReportState::Signing)
    }
    /// The unit's leader may sign it or send it back.
    fn can_sign(&self) -> bool {
        self.signing()
            && self
                .nav
                .user
                .as_ref()
                .is_some_and(|u| u.actor.role == duban_core::Role::Leader && u.actor.unit_id == Some(self.unit_id))
    }
}

pub fn units_text(item: &LedgerItem, tr: &Tr) -> String {
    item.units
        .iter()
        .map(|u| {
            if u.role == duban_model::UnitRole::Lead {
                format!("{}{}", u.name, tr.t("lead-mark"))
            } else {
                u.name.clone()
            }
        })
        .chain(item.unresolved_units.iter().cloned())
        .collect::<Vec<_>>()
        .join("、")
}

pub fn target_text(ind: &IndicatorRecord, tr: &Tr) -> String {
    format!("{}{}{}", ind.op.symbol(), tr.num(ind.value), ind.unit)
}

struct FormValues {
    progress: String,
    problems: String,
    next_steps: String,
    percent: String,
    finished: bool,
    values: HashMap<IndicatorId, String>,
}

async fn build_report_page(
    state: &AppState,
    user: &PageUser,
    q: &ReportQuery,
    entered: Option<FormValues>,
    errors: HashMap<String, String>,
) -> Result<ReportPage, super::PageError> {
    let tr = user.tr;
    let unit_id = user.actor.unit_id.or(q.unit).unwrap_or(UnitId(0));
    let ledger = state.store.ledger(q.plan).await.or_page(user)?;
    let item = ledger.item(q.item).cloned().ok_or_else(|| Error::not_found(duban_core::Thing::Task)).or_page(user)?;
    let periods = state.store.periods(q.plan).await.or_page(user)?;
    let pos = periods.iter().position(|p| p.spec.key == q.period);
    let period = pos
        .and_then(|i| periods.get(i))
        .cloned()
        .ok_or_else(|| Error::not_found(duban_core::Thing::Period))
        .or_page(user)?;
    let unit = state.store.get_unit(unit_id).await.or_page(user)?;
    // Every report of this unit on this task, newest period first.
    let all = state
        .store
        .list_reports(
            &user.actor,
            &ReportFilter {
                item_id: Some(item.id),
                unit_id: Some(unit_id),
                limit: Some(100),
                ..ReportFilter::default()
            },
        )
        .await
        .or_page(user)?;
    let report = all.iter().find(|r| r.period_id == period.id).cloned();
    let previous = pos
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| periods.get(i))
        .and_then(|prev| all.iter().find(|r| r.period_id == prev.id));
    // The lead of a task whose co-units contribute: their reports, and a first draft made from them.
    let is_lead = item.units.iter().any(|u| u.unit_id == unit_id && u.role == duban_model::UnitRole::Lead);
    let contributions = if is_lead {
        state.store.contributions(&user.actor, period.id, item.id).await.or_page(user)?
    } else {
        Vec::new()
    };
    let name_of = |u: UnitId| item.units.iter().find(|a| a.unit_id == u).map(|a| a.name.clone()).unwrap_or_default();
    let sent: Vec<&ReportRecord> = contributions.iter().filter(|c| c.state.is_reported()).collect();
    let consolidated = report.is_none() && !sent.is_empty() && entered.is_none();
    let merged = consolidated.then(|| {
        let join = |text: &dyn Fn(&ReportRecord) -> &str| {
            sent.iter()
                .filter(|c| !text(c).trim().is_empty())
                .map(|c| format!("【{}】{}", name_of(c.unit_id), text(c).trim()))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let mut values: HashMap<IndicatorId, f64> = HashMap::new();
        for c in &sent {
            for v in &c.values {
                *values.entry(v.indicator_id).or_default() += v.value;
            }
        }
        FormValues {
            progress: join(&|c| c.progress.as_str()),
            problems: join(&|c| c.problems.as_str()),
            next_steps: join(&|c| c.next_steps.as_str()),
            percent: String::new(),
            finished: false,
            values: values
                .into_iter()
                .map(|(k, v)| {
                    let s = format!("{v:.4}");
                    (k, s.trim_end_matches('0').trim_end_matches('.').to_string())
                })
                .collect(),
        }
    });
    // Every co-unit, with its contribution or none yet.
    let contributions: Vec<(String, Option<ReportRecord>)> = if is_lead
        && state.store.reporting(q.plan).await.or_page(user)?.mode == duban_core::reporting::ReportingMode::Consolidated
    {
        item.units
            .iter()
            .filter(|u| u.role == duban_model::UnitRole::Co)
            .map(|u| (u.name.clone(), contributions.iter().find(|c| c.unit_id == u.unit_id).cloned()))
            .collect()
    } else {
        Vec::new()
    };
    let source = report.as_ref().or(previous);
    let carried = report.is_none() && previous.is_some() && !consolidated;
    let editable = user.is_unit()
        && user.actor.unit_id == Some(unit_id)
        && report.as_ref().is_none_or(|r| matches!(r.state, ReportState::Draft | ReportState::Returned));
    let f = entered.or(merged).unwrap_or_else(|| FormValues {
        progress: source.map(|r| r.progress.clone()).unwrap_or_default(),
        problems: source.map(|r| r.problems.clone()).unwrap_or_default(),
        next_steps: source.map(|r| r.next_steps.clone()).unwrap_or_default(),
        percent: source.and_then(|r| r.percent).map(|p| p.to_string()).unwrap_or_default(),
        finished: source.is_some_and(|r| r.finished),
        values: item.targets.iter().filter_map(|t| Some((t.id, raw_value(source, t.id)?))).collect(),
    });
    let indicators = item
        .targets
        .iter()
        .map(|t| IndicatorField {
            id: t.id,
            metric: t.metric.clone(),
            target: target_text(t, &tr),
            value: f.values.get(&t.id).cloned().unwrap_or_default(),
            error: errors.get(&format!("v_{}", t.id)).cloned(),
        })
        .collect();
    let evidence = match &report {
        Some(r) => state.store.list_evidence(&user.actor, r.id).await.or_page(user)?,
        None => Vec::new(),
    };
    let history = all
        .iter()
        .filter_map(|r| periods.iter().find(|p| p.id == r.period_id).map(|p| (tr.period(&p.spec), r.clone())))
        .collect();
    let mut nav = Nav::new(user, "todo").with_flash(q.ok.as_deref());
    nav.plan_id = Some(q.plan);
    nav.period = Some(q.period.clone());
    Ok(ReportPage {
        nav,
        plan_id: q.plan,
        period_key: period.spec.key.clone(),
        period_label: tr.period(&period.spec),
        unit_id,
        unit_name: unit.name,
        item,
        report,
        carried,
        editable,
        progress: f.progress,
        problems: f.problems,
        next_steps: f.next_steps,
        percent: f.percent,
        finished: f.finished,
        indicators,
        errors,
        evidence,
        history,
        contributions,
        consolidated,
    })
}

/// A stored value as typed in the form (plain digits, so it reads back the same).
fn raw_value(r: Option<&ReportRecord>, id: IndicatorId) -> Option<String> {
    r.and_then(|r| r.values.iter().find(|v| v.indicator_id == id)).map(|v| {
        let s = format!("{:.4}", v.value);
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    })
}

async fn report_form(State(state): State<AppState>, user: PageUser, Query(q): Query<ReportQuery>) -> PageResult {
    let page = build_report_page(&state, &user, &q, None, HashMap::new()).await?;
    Ok(render(&page))
}

async fn report_submit(
    State(state): State<AppState>,
    PageForm { user, ctx, form: fields }: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let tr = user.tr;
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or("");
    let bad = |m: &str| Error::bad_input("form.field").arg("field", m);
    let q = ReportQuery {
        plan: get("plan").parse().map_err(|_| bad("plan")).or_page(&user)?,
        period: get("period").to_string(),
        item: get("item").parse().map_err(|_| bad("item")).or_page(&user)?,
        unit: user.actor.unit_id,
        ok: None,
    };
    let submit = get("action") == "submit";
    let mut errors: HashMap<String, String> = HashMap::new();
    let percent = match get("percent").trim() {
        "" => None,
        p => match duban_office::report_sheet::parse_number(p) {
            Some(v) if (0.0..=100.0).contains(&v) => Some(v),
            _ => {
                errors.insert("percent".into(), tr.t("err-percent"));
                None
            }
        },
    };
    let mut values = Vec::new();
    let mut raw_values = HashMap::new();
    for (k, v) in &fields {
        let Some(id) = k.strip_prefix("v_").and_then(|i| i.parse::<IndicatorId>().ok()) else { continue };
        raw_values.insert(id, v.clone());
        if v.trim().is_empty() {
            continue;
        }
        match duban_office::report_sheet::parse_number(v) {
            Some(x) => values.push(ReportValue { indicator_id: id, value: x }),
            None => {
                errors.insert(k.clone(), tr.t("err-number"));
            }
        }
    }
    let progress = get("progress").trim().to_string();
    if submit && progress.is_empty() {
        errors.insert("progress".into(), tr.t("err-progress-empty"));
    }
    let entered = FormValues {
        progress: progress.clone(),
        problems: get("problems").trim().to_string(),
        next_steps: get("next_steps").trim().to_string(),
        percent: get("percent").to_string(),
        finished: get("finished") == "on",
        values: raw_values,
    };
    if !errors.is_empty() {
        let page = build_report_page(&state, &user, &q, Some(entered), errors).await?;
        let mut r = render(&page);
        *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    let period = state.store.period_by_key(q.plan, &q.period).await.or_page(&user)?;
    let existing = state
        .store
        .list_reports(
            &user.actor,
            &ReportFilter {
                period_id: Some(period.id),
                item_id: Some(q.item),
                unit_id: user.actor.unit_id,
                ..ReportFilter::default()
            },
        )
        .await
        .or_page(&user)?;
    let version = get("version").parse::<i64>().ok();
    let draft = ReportDraft {
        period_id: period.id,
        item_id: q.item,
        unit_id: user.actor.unit_id.unwrap_or(UnitId(0)),
        progress,
        problems: entered.problems.clone(),
        next_steps: entered.next_steps.clone(),
        percent,
        finished: entered.finished,
        values,
        milestones: existing.first().map(|r| r.milestones.clone()).unwrap_or_default(),
        version,
    };
    match state.store.save_reports(&ctx, &[draft], submit).await {
        Ok(_) => {
            let flash = if submit { "submitted" } else { "saved" };
            Ok(see_other(&format!("/todo?plan={}&period={}&ok={flash}", q.plan, super::url_encode(&q.period))))
        }
        Err(e) if e.kind == duban_core::ErrorKind::BadInput => {
            let mut errors = HashMap::new();
            errors.insert("form".to_string(), e.message(tr.lang).to_string());
            let page = build_report_page(&state, &user, &q, Some(entered), errors).await?;
            let mut r = render(&page);
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e).or_page(&user),
    }
}

#[derive(Debug, Deserialize)]
struct SignForm {
    plan: PlanId,
    period: String,
    report: ReportId,
    version: i64,
    decision: String,
    #[serde(default)]
    note: String,
}

/// 单位审签 by the unit's leader: sign (to the office) or send back inside the unit.
async fn sign_report(State(state): State<AppState>, PageForm { user, ctx, form: f }: PageForm<SignForm>) -> PageResult {
    let sign = f.decision == "sign";
    state.store.sign_report(&ctx, f.report, f.version, sign, &f.note).await.or_page(&user)?;
    let flash = if sign { "signed" } else { "sent_back" };
    Ok(see_other(&format!("/todo?plan={}&period={}&ok={flash}", f.plan, super::url_encode(&f.period))))
}

#[derive(Debug, Deserialize)]
struct ReturnContributionForm {
    plan: PlanId,
    period: String,
    item: ItemId,
    report: ReportId,
    version: i64,
    #[serde(default)]
    reason: String,
}

/// The lead passes a contribution back to its co-unit.
async fn return_contribution(
    State(state): State<AppState>,
    PageForm { user, ctx, form: f }: PageForm<ReturnContributionForm>,
) -> PageResult {
    state.store.return_contribution(&ctx, f.report, f.version, &f.reason).await.or_page(&user)?;
    Ok(see_other(&format!(
        "/report?plan={}&period={}&item={}&ok=returned",
        f.plan,
        super::url_encode(&f.period),
        f.item
    )))
}

#[derive(Debug, Deserialize)]
struct ExtensionForm {
    plan: PlanId,
    period: String,
    item: ItemId,
    requested_on: String,
    reason: String,
}

/// 延期申请: the unit asks the office for a later deadline for a task.
async fn request_extension(
    State(state): State<AppState>,
    PageForm { user, ctx, form: f }: PageForm<ExtensionForm>,
) -> PageResult {
    let unit = user.actor.unit_id.unwrap_or(UnitId(0));
    state.store.request_extension(&ctx, f.item, unit, f.requested_on.trim(), &f.reason).await.or_page(&user)?;
    Ok(see_other(&format!(
        "/report?plan={}&period={}&item={}&unit={unit}&ok=requested",
        f.plan,
        super::url_encode(&f.period),
        f.item
    )))
}

/// Reads a multipart form: its text fields, and the one file (name, bytes).
pub async fn read_multipart(
    user: &PageUser,
    mut mp: Multipart,
) -> Result<(HashMap<String, String>, Option<(String, Vec<u8>)>), super::PageError> {
    let mut fields = HashMap::new();
    let mut file = None;
    loop {
        let next = mp.next_field().await.map_err(|e| Error::bad_input("form.multipart").with_detail(e));
        let Some(field) = next.or_page(user)? else { break };
        let name = field.name().unwrap_or("").to_string();
        if let Some(file_name) = field.file_name().map(str::to_string) {
            let bytes = field.bytes().await.map_err(|e| Error::bad_input("form.multipart").with_detail(e));
            file = Some((file_name, bytes.or_page(user)?.to_vec()));
        } else {
            let text = field.text().await.map_err(|e| Error::bad_input("form.multipart").with_detail(e));
            fields.insert(name, text.or_page(user)?);
        }
    }
    Ok((fields, file))
}

/// The write's context for a multipart form (its CSRF and one-time tokens are among its text fields).
pub fn multipart_ctx(
    state: &AppState,
    user: &PageUser,
    fields: &HashMap<String, String>,
    what: &str,
) -> Result<duban_store::Ctx, super::PageError> {
    let get = |name: &str| fields.get(name).map(String::as_str).unwrap_or("");
    super::form_ctx(state, user, get("csrf"), get("form_token"), what)
}

async fn upload_evidence(State(state): State<AppState>, user: PageUser, mp: Multipart) -> PageResult {
    let (fields, file) = read_multipart(&user, mp).await?;
    let ctx = multipart_ctx(&state, &user, &fields, "evidence")?;
    let report_id: ReportId = fields.get("report_id").and_then(|v| v.parse().ok()).unwrap_or(ReportId(0));
    let Some((name, bytes)) = file.filter(|(n, b)| !n.is_empty() && !b.is_empty()) else {
        return Err(Error::bad_input("evidence.none")).or_page(&user);
    };
    state.store.add_evidence(&ctx, report_id, &name, &bytes).await.or_page(&user)?;
    let back = super::safe_next(fields.get("back").map(String::as_str));
    Ok(see_other(&back))
}

async fn upload_sheet(State(state): State<AppState>, user: PageUser, mp: Multipart) -> PageResult {
    let (fields, file) = read_multipart(&user, mp).await?;
    let ctx = multipart_ctx(&state, &user, &fields, "sheet")?;
    let plan: PlanId = fields.get("plan").and_then(|v| v.parse().ok()).unwrap_or(PlanId(0));
    let Some((_, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(Error::bad_input("file.empty").worded("sheet")).or_page(&user);
    };
    let submit = fields.get("submit").is_some_and(|v| v == "on");
    let sheet = state
        .uploads
        .run(move || duban_app::offline::read_report_sheet(&bytes))
        .await
        .and_then(|r| r)
        .or_page(&user)?;
    let out = duban_app::offline::apply_report_sheet(&state.store, &ctx, plan, sheet, submit).await.or_page(&user)?;
    Ok(see_other(&format!("/todo?plan={plan}&period={}&ok=uploaded", super::url_encode(&out.period))))
}
