//! 督办 pages: the list (the office's and leadership's: all; a unit's people: theirs), one 督办 with its
//! replies and the forms to reply (a unit), accept or escalate (the office), and the issue form the
//! dashboard's lagging list and the task page post to.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::routing::{get, post};
use chrono::NaiveDate;
use duban_core::supervision::{Level, ReplyState, SupervisionState};
use duban_core::{Error, ItemId, PlanId, Role, SupervisionId, UnitId};
use duban_store::{Escalation, ReplyFile, SupervisionFilter, SupervisionRecord, SupervisionReply};
use serde::Deserialize;

use super::reporting::{multipart_ctx, read_multipart};
use super::{Nav, OrPage, PageForm, PageResult, PageUser, render, see_other};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/supervisions", get(list_page))
        .route("/supervisions/issue", post(issue))
        .route("/supervisions/{id}", get(detail_page))
        .route("/supervisions/{id}/reply", post(reply))
        .route("/supervisions/{id}/accept", post(accept))
        .route("/supervisions/{id}/escalate", post(escalate))
}

/// Who reads 督办s: everyone but the system administrator and the auditor, whose duties are elsewhere.
pub fn reads_supervisions(user: &PageUser) -> bool {
    !matches!(user.actor.role, Role::SysAdmin | Role::Auditor)
}

/// How many days the units get to reply by default.
pub const REPLY_DAYS: i64 = 7;

/// The texts the 督办 templates show, in the reader's language.
pub trait SupervisionText {
    fn tr(&self) -> &crate::i18n::Tr;
    fn level_label(&self, l: &Level) -> String {
        self.tr().t(&format!("level-{}", l.as_str()))
    }
    fn state_label(&self, s: &SupervisionState) -> String {
        self.tr().t(&format!("sup-state-{}", s.as_str()))
    }
    fn replied_text(&self, s: &SupervisionRecord) -> String {
        self.tr().t2("sup-replied-n", "done", s.replied_count(), "total", s.units.len())
    }
}

// ---- the list ----------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default)]
    plan: Option<PlanId>,
    #[serde(default)]
    state: Option<String>,
    #[serde(default)]
    ok: Option<String>,
}

#[derive(Template)]
#[template(path = "supervisions.html")]
struct ListPage {
    nav: Nav,
    plan_id: PlanId,
    plan_title: String,
    state: String,
    rows: Vec<SupervisionRecord>,
    today: NaiveDate,
}

impl SupervisionText for ListPage {
    fn tr(&self) -> &crate::i18n::Tr {
        &self.nav.tr
    }
}

impl ListPage {
    fn overdue(&self, s: &SupervisionRecord) -> bool {
        s.reply_overdue(self.today)
    }
    fn is_state(&self, s: &str) -> bool {
        self.state == s
    }
}

async fn list_page(State(state): State<AppState>, user: PageUser, Query(q): Query<ListQuery>) -> PageResult {
    if !reads_supervisions(&user) {
        return Err(Error::forbidden()).or_page(&user);
    }
    let Some(sc) = super::scope(&state, &user, &super::ScopeQuery { plan: q.plan, period: None }).await? else {
        return Ok(render(&super::EmptyPage::new(&user)));
    };
    let wanted = match q.state.as_deref() {
        None | Some("") => Some(SupervisionState::Open),
        Some("all") => None,
        Some(s) => {
            Some(SupervisionState::parse(s).ok_or_else(|| Error::bad_input("supervision.state")).or_page(&user)?)
        }
    };
    let rows = state
        .store
        .supervisions(
            &user.actor,
            &SupervisionFilter { plan_id: Some(sc.plan.id), state: wanted, ..Default::default() },
        )
        .await
        .or_page(&user)?;
    let mut nav = Nav::new(&user, "supervisions").with_flash(q.ok.as_deref());
    nav.plan_id = Some(sc.plan.id);
    Ok(render(&ListPage {
        plan_id: sc.plan.id,
        plan_title: sc.plan.title.clone(),
        state: wanted.map_or("all", SupervisionState::as_str).to_string(),
        rows,
        today: duban_core::periods::local_date(state.now()),
        nav,
    }))
}

// ---- one 督办 ----------------------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct DetailQuery {
    #[serde(default)]
    ok: Option<String>,
}

#[derive(Template)]
#[template(path = "supervision.html")]
struct DetailPage {
    nav: Nav,
    s: SupervisionRecord,
    files: Vec<ReplyFile>,
    today: NaiveDate,
    /// The unit the signed-in person replies for, when the 督办 went to it and is open.
    reply_unit: Option<UnitId>,
    /// The level an escalation reaches, when there is one.
    next_level: Option<Level>,
    default_reply_by: String,
    min_date: String,
}

impl SupervisionText for DetailPage {
    fn tr(&self) -> &crate::i18n::Tr {
        &self.nav.tr
    }
}

impl DetailPage {
    fn open(&self) -> bool {
        self.s.state == SupervisionState::Open
    }
    fn reply_label(&self, u: &duban_model::SupervisedUnit) -> String {
        match duban_core::supervision::reply_state(u.replied(), self.s.reply_by, self.today) {
            ReplyState::Replied => self.nav.tr.t("sup-replied"),
            ReplyState::Awaiting => self.nav.tr.t("sup-not-replied"),
            ReplyState::Overdue => self.nav.tr.t("sup-overdue"),
        }
    }
    fn files_of(&self, unit: &UnitId) -> Vec<&ReplyFile> {
        self.files.iter().filter(|f| f.unit_id == *unit).collect()
    }
    fn measures_of(&self, unit: &UnitId) -> String {
        self.s.units.iter().find(|u| u.unit_id == *unit).map(|u| u.measures.clone()).unwrap_or_default()
    }
    fn deadline_of(&self, unit: &UnitId) -> String {
        self.s
            .units
            .iter()
            .find(|u| u.unit_id == *unit)
            .and_then(|u| u.new_deadline)
            .map(|d| d.to_string())
            .unwrap_or_default()
    }
}

async fn detail_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<SupervisionId>,
    Query(q): Query<DetailQuery>,
) -> PageResult {
    let s = state.store.supervision(&user.actor, id).await.or_page(&user)?;
    let files = state.store.reply_files(&user.actor, id).await.or_page(&user)?;
    let today = duban_core::periods::local_date(state.now());
    let reply_unit = match user.actor.unit_id {
        Some(u) if user.is_unit() && s.state == SupervisionState::Open && s.units.iter().any(|x| x.unit_id == u) => {
            Some(u)
        }
        _ => None,
    };
    let next_level = if user.is_admin() { s.level.next() } else { None };
    let mut nav = Nav::new(&user, "supervisions").with_flash(q.ok.as_deref());
    nav.plan_id = Some(s.plan_id);
    Ok(render(&DetailPage {
        default_reply_by: (today + chrono::Duration::days(REPLY_DAYS)).to_string(),
        min_date: today.to_string(),
        s,
        files,
        today,
        reply_unit,
        next_level,
        nav,
    }))
}

// ---- issue -------------------------------------------------------------------------------------------------

/// The issue form: plan, period, level, reply_by, demand, back, and one `item` per task chosen (a
/// repeated field, so the form is read as pairs).
async fn issue(
    State(state): State<AppState>,
    PageForm { user, ctx, form }: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or("");
    let plan: PlanId =
        field("plan").parse().map_err(|_| Error::bad_input("form.invalid").arg("e", "plan")).or_page(&user)?;
    let items: Vec<ItemId> = form.iter().filter(|(k, _)| k == "item").filter_map(|(_, v)| v.parse().ok()).collect();
    let level = Level::parse(field("level")).ok_or_else(|| Error::bad_input("supervision.level")).or_page(&user)?;
    let reply_by = duban_core::periods::parse_date(field("reply_by")).or_page(&user)?;
    let period = Some(field("period")).filter(|p| !p.is_empty());
    let demand = Some(field("demand")).filter(|d| !d.is_empty()).unwrap_or(duban_app::supervision::DEFAULT_DEMAND);
    let req = duban_app::supervision::IssueRequest { plan_id: plan, period, items: &items, level, reply_by, demand };
    let issued = duban_app::supervision::issue(&state.store, &ctx, &req, &state.thresholds).await.or_page(&user)?;
    match issued.as_slice() {
        [one] => Ok(see_other(&format!("/supervisions/{}?ok=supervised", one.id))),
        _ => Ok(see_other(&format!("/supervisions?plan={plan}&ok=supervised"))),
    }
}

// ---- reply, accept, escalate -------------------------------------------------------------------------------

/// A unit's reply, with an optional file (multipart).
async fn reply(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<SupervisionId>,
    mp: Multipart,
) -> PageResult {
    let (mut fields, file) = read_multipart(&user, mp).await?;
    let ctx = multipart_ctx(&state, &user, &fields, "supervision-reply")?;
    let get = |name: &str| fields.get(name).map(|v| v.trim().to_string()).unwrap_or_default();
    let unit: UnitId =
        get("unit").parse().map_err(|_| Error::bad_input("form.invalid").arg("e", "unit")).or_page(&user)?;
    let new_deadline = duban_core::periods::parse_date(&get("new_deadline")).or_page(&user)?;
    let r = SupervisionReply { unit_id: unit, measures: get("measures"), new_deadline };
    state.store.reply_supervision(&ctx, id, &r).await.or_page(&user)?;
    if let Some((name, bytes)) = file.filter(|(n, b)| !n.is_empty() && !b.is_empty()) {
        // Its own write, under its own one-time key (the reply's key holds the reply's answer).
        let token = fields.get("form_token").cloned().unwrap_or_default();
        fields.insert("form_token".into(), format!("{token}:file"));
        let file_ctx = multipart_ctx(&state, &user, &fields, "supervision-file")?;
        state.store.add_reply_file(&file_ctx, id, unit, &name, &bytes).await.or_page(&user)?;
    }
    Ok(see_other(&format!("/supervisions/{id}?ok=replied")))
}

#[derive(Debug, Deserialize)]
struct DecideForm {
    version: i64,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reply_by: String,
    #[serde(default)]
    demand: String,
}

async fn accept(
    State(state): State<AppState>,
    Path(id): Path<SupervisionId>,
    PageForm { user, ctx, form: f }: PageForm<DecideForm>,
) -> PageResult {
    state.store.accept_supervision(&ctx, id, f.version, &f.note).await.or_page(&user)?;
    Ok(see_other(&format!("/supervisions/{id}?ok=accepted")))
}

async fn escalate(
    State(state): State<AppState>,
    Path(id): Path<SupervisionId>,
    PageForm { user, ctx, form: f }: PageForm<DecideForm>,
) -> PageResult {
    let reply_by = duban_core::periods::parse_date(&f.reply_by).or_page(&user)?;
    let e = Escalation { version: f.version, reply_by, demand: f.demand, note: f.note, units: Vec::new() };
    let next = state.store.escalate_supervision(&ctx, id, &e).await.or_page(&user)?;
    Ok(see_other(&format!("/supervisions/{}?ok=escalated", next.id)))
}

/// The open 督办s of a plan by task, for the lagging list and the task page (a task under an open 督办
/// shows it instead of a box to tick).
pub async fn open_by_task(
    state: &AppState,
    user: &PageUser,
    plan_id: PlanId,
) -> Result<HashMap<ItemId, SupervisionRecord>, super::PageError> {
    if !reads_supervisions(user) {
        return Ok(HashMap::new());
    }
    let open = state
        .store
        .supervisions(
            &user.actor,
            &SupervisionFilter { plan_id: Some(plan_id), state: Some(SupervisionState::Open), ..Default::default() },
        )
        .await
        .or_page(user)?;
    Ok(open.into_iter().map(|s| (s.item_id, s)).collect())
}
