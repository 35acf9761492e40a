//! The office's set-up pages: importing a plan (a document or an Excel ledger) and checking the parsed
//! ledger beside its source with the parser's warnings, mapping unmapped unit names on the spot,
//! correcting and publishing; and the administration of units, aliases, accounts, periods and locks.

use duban_core::{IndicatorId, ItemId};
use duban_core::{PeriodId, PlanId, UnitId};
use std::collections::{BTreeSet, HashMap};

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::routing::{get, post};
use duban_core::{Error, Role};
use duban_store::{IndicatorPatch, ItemPatch, LedgerItem, NewUnit, NewUser, UnitRecord, UserRecord};
use serde::Deserialize;

use super::reporting::{read_multipart, units_text};
use super::{Nav, OrPage, PageForm, PageResult, PageUser, render, see_other};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/import", get(import_page).post(import_submit))
        .route("/plans/{id}/check", get(check_page))
        .route("/plans/{id}/map", post(map_name))
        .route("/plans/{id}/create-units", post(create_units))
        .route("/plans/{id}/group", post(map_group))
        .route("/plans/{id}/publish", post(publish))
        .route("/plans/{id}/periods", post(add_periods))
        .route("/items/{id}/edit", post(edit_item))
        .route("/items/{id}/check", post(check_item))
        .route("/indicators/{id}/edit", post(edit_indicator))
        .route("/admin", get(admin_page))
        .route("/admin/units", post(add_unit))
        .route("/admin/units/{id}/signoff", post(set_signoff))
        .route("/admin/aliases", post(add_alias))
        .route("/admin/users", post(add_user))
        .route("/admin/users/activation-sheet", post(activation_sheet))
        .route("/admin/units/sheet", post(upload_units_sheet))
        .route("/admin/users/sheet", post(upload_accounts_sheet))
        .route("/admin/separation", post(set_separation))
        .route("/audit", get(audit_page))
        .route("/admin/users/{id}/{action}", post(user_action))
        .route("/admin/exceptions", post(grant_exception))
}

#[derive(Debug, Default, Deserialize)]
struct OkQuery {
    #[serde(default)]
    ok: Option<String>,
}

// ---- import ----------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    nav: Nav,
    plans: Vec<duban_store::PlanRecord>,
}

async fn import_page(State(state): State<AppState>, user: PageUser, Query(q): Query<OkQuery>) -> PageResult {
    user.actor.require_admin().or_page(&user)?;
    let plans = state.store.list_plans().await.or_page(&user)?;
    Ok(render(&ImportPage { nav: Nav::new(&user, "import").with_flash(q.ok.as_deref()), plans }))
}

async fn import_submit(State(state): State<AppState>, user: PageUser, mp: Multipart) -> PageResult {
    user.actor.require_admin().or_page(&user)?;
    let (fields, file) = read_multipart(&user, mp).await?;
    let ctx = super::reporting::multipart_ctx(&state, &user, &fields, "import")?;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(Error::bad_input("file.empty").worded("choose")).or_page(&user);
    };
    let (plan, source) = {
        let name = name.clone();
        state.uploads.run(move || duban_app::imports::read_plan(&bytes, &name)).await.and_then(|r| r).or_page(&user)?
    };
    let rec = state.store.import_plan(&ctx, &name, &source, &plan).await.or_page(&user)?;
    Ok(see_other(&format!("/plans/{}/check?ok=imported", rec.id)))
}

// ---- check, map, correct, publish ------------------------------------------------------------------------

pub struct SourceLine {
    pub n: usize,
    pub text: String,
    pub warning: Option<String>,
}

pub struct CheckRow {
    pub item: LedgerItem,
    pub depth: usize,
    pub units: String,
    pub warning: bool,
    /// The parser's doubts about the item, in the reader's language.
    pub doubts: Vec<String>,
    /// Each unit with what it was read from (省发展改革委 — 按“牵头单位”标签).
    pub readings: Vec<(String, String)>,
    /// Each indicator's id with what its comparator was read from.
    pub target_readings: HashMap<IndicatorId, String>,
}

impl CheckRow {
    fn target_reading(&self, id: &IndicatorId) -> String {
        self.target_readings.get(id).cloned().unwrap_or_default()
    }
}

/// What a unit was read from, in the reader's language.
fn unit_reading(tr: &crate::i18n::Tr, basis: Option<duban_model::UnitBasis>, duty: &str) -> String {
    match basis {
        Some(b) => tr.t1(&format!("basis-unit-{}", b.as_str()), "duty", duty),
        None => tr.t("basis-unit-office"),
    }
}

/// What a target's comparator was read from, in the reader's language.
fn target_reading(tr: &crate::i18n::Tr, basis: Option<duban_model::TargetBasis>, cue: &str) -> String {
    match basis {
        Some(b) => tr.t1(&format!("basis-target-{}", b.as_str()), "cue", cue),
        None => tr.t("basis-target-office"),
    }
}

#[derive(Template)]
#[template(path = "check.html")]
struct CheckPage {
    nav: Nav,
    plan: duban_store::PlanRecord,
    /// The items to check first (the parser guessed or a name is unmapped), then the rest of the tree.
    doubtful: Vec<CheckRow>,
    rows: Vec<CheckRow>,
    source: Vec<SourceLine>,
    warnings: Vec<(u32, String)>,
    /// Each unmapped name with the directory's suggestions and the new unit it would make.
    proposals: Vec<duban_app::directory::NameProposal>,
    units: Vec<(UnitId, String)>,
    /// The governments a new unit may belong to.
    parents: Vec<(UnitId, String)>,
    kinds: Vec<duban_model::UnitKind>,
    has_periods: bool,
    ops: Vec<(duban_model::Comparator, &'static str)>,
}

impl CheckPage {
    fn plan_state(&self) -> String {
        self.nav.tr.t(&format!("plan-{}", self.plan.state.as_str()))
    }

    fn is_parent(&self, p: &duban_app::directory::NameProposal, id: &UnitId) -> bool {
        p.parent_id == Some(*id)
    }

    fn is_member(&self, p: &duban_app::directory::NameProposal, id: &UnitId) -> bool {
        p.members.contains(id)
    }

    /// The names "create all" offers: those with no unit of the same name and not generic.
    fn creatable(&self) -> Vec<&duban_app::directory::NameProposal> {
        self.proposals.iter().filter(|p| !p.generic && !p.candidates.iter().any(|c| c.how == "same")).collect()
    }
}

async fn check_page(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<PlanId>,
    Query(q): Query<OkQuery>,
) -> PageResult {
    user.actor.require_admin().or_page(&user)?;
    let ledger = state.store.ledger(id).await.or_page(&user)?;
    let text = state.store.plan_source(id).await.or_page(&user)?;
    let warnings: Vec<(u32, String)> = ledger
        .warnings
        .as_array()
        .map(|ws| {
            ws.iter()
                .map(|w| {
                    let line = w["line"].as_u64().unwrap_or(0) as u32;
                    let args: std::collections::BTreeMap<String, String> =
                        serde_json::from_value(w["args"].clone()).unwrap_or_default();
                    let code = w["code"].as_str().unwrap_or("");
                    (line, user.tr.warning(code, &args, w["message"].as_str().unwrap_or("")))
                })
                .collect()
        })
        .unwrap_or_default();
    let by_line: HashMap<u32, String> = warnings.iter().cloned().collect();
    let source = text
        .lines()
        .enumerate()
        .map(|(i, l)| SourceLine { n: i + 1, text: l.to_string(), warning: by_line.get(&((i + 1) as u32)).cloned() })
        .collect();
    let warn_lines: BTreeSet<u32> = warnings.iter().map(|w| w.0).collect();
    let (mut doubtful, mut rows) = (Vec::new(), Vec::new());
    let mut stack: Vec<(usize, &LedgerItem)> = ledger.items.iter().rev().map(|i| (0, i)).collect();
    while let Some((depth, i)) = stack.pop() {
        let doubts = i
            .doubts
            .iter()
            .filter(|_| i.checked_at.is_none())
            .map(|d| user.tr.warning(&d.code, &d.args, &d.message))
            .collect();
        let row = CheckRow {
            item: i.clone(),
            depth,
            units: units_text(i, &user.tr),
            warning: warn_lines.contains(&(i.line as u32)) || i.doubtful(),
            doubts,
            readings: i.units.iter().map(|u| (u.name.clone(), unit_reading(&user.tr, u.basis, &u.duty))).collect(),
            target_readings: i.targets.iter().map(|t| (t.id, target_reading(&user.tr, t.basis, &t.cue))).collect(),
        };
        if i.doubtful() {
            doubtful.push(row)
        } else {
            rows.push(row)
        }
        stack.extend(i.children.iter().rev().map(|c| (depth + 1, c)));
    }
    let proposals = duban_app::directory::proposals(&state.store, id).await.or_page(&user)?;
    let directory = state.store.list_units().await.or_page(&user)?;
    let parents = directory
        .iter()
        .filter(|u| u.kind == duban_model::UnitKind::Government)
        .map(|u| (u.id, u.name.clone()))
        .collect();
    let units = directory.into_iter().map(|u| (u.id, u.name)).collect();
    let has_periods = !state.store.periods(id).await.or_page(&user)?.is_empty();
    let mut nav = Nav::new(&user, "import").with_flash(q.ok.as_deref());
    nav.plan_id = Some(id);
    use duban_model::Comparator;
    let label = |c: Comparator| match c {
        Comparator::Exactly => "=",
        Comparator::Range => "～",
        c => c.symbol(),
    };
    let ops = Comparator::ALL.into_iter().map(|c| (c, label(c))).collect();
    Ok(render(&CheckPage {
        nav,
        plan: ledger.plan,
        doubtful,
        rows,
        source,
        warnings,
        proposals,
        units,
        parents,
        kinds: duban_model::UnitKind::ALL.to_vec(),
        has_periods,
        ops,
    }))
}

#[derive(Debug, Deserialize)]
struct MapForm {
    name: String,
    unit: UnitId,
}

/// An unmapped name becomes an alias of the chosen unit, and the plan's names are resolved again.
async fn map_name(
    State(state): State<AppState>,
    Path(id): Path<PlanId>,
    PageForm { user, ctx, form: f }: PageForm<MapForm>,
) -> PageResult {
    state.store.add_alias(&ctx, f.unit, &f.name).await.or_page(&user)?;
    let mut again = ctx.clone();
    if let Some(i) = &mut again.idempotency {
        i.key.push_str(":resolve");
    }
    state.store.resolve_plan_names(&again, id).await.or_page(&user)?;
    Ok(see_other(&format!("/plans/{id}/check?ok=mapped")))
}

/// Creates the chosen names as units (one, from its row, or all from the "create all" table: fields
/// `take_N`, `name_N`, `kind_N`, `parent_N`) and resolves the plan's names through them, all at once.
async fn create_units(
    State(state): State<AppState>,
    Path(id): Path<PlanId>,
    PageForm { user, ctx, form }: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let field = |key: &str| form.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim());
    let mut chosen = Vec::new();
    for (k, _) in form.iter().filter(|(k, _)| k.starts_with("take_")) {
        let n = k.trim_start_matches("take_");
        let Some(name) = field(&format!("name_{n}")).filter(|v| !v.is_empty()) else { continue };
        let kind = field(&format!("kind_{n}")).and_then(duban_model::UnitKind::parse);
        let Some(kind) = kind else {
            return Err(Error::bad_input("unit.kind")).or_page(&user);
        };
        let parent = match field(&format!("parent_{n}")).filter(|v| !v.is_empty()) {
            Some(v) => Some(v.parse::<UnitId>().map_err(|_| Error::bad_input("unit.parent")).or_page(&user)?),
            None => None,
        };
        chosen.push((name.to_string(), kind, parent));
    }
    let proposals = duban_app::directory::proposals(&state.store, id).await.or_page(&user)?;
    let units = duban_app::directory::units_to_create(&proposals, &chosen).or_page(&user)?;
    state.store.create_units_for_plan(&ctx, id, &units).await.or_page(&user)?;
    Ok(see_other(&format!("/plans/{id}/check?ok=created_units")))
}

/// A generic name (相关市政府) stands for the units ticked (fields `unit` repeated).
async fn map_group(
    State(state): State<AppState>,
    Path(id): Path<PlanId>,
    PageForm { user, ctx, form }: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let name = form.iter().find(|(k, _)| k == "name").map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let mut members = Vec::new();
    for (_, v) in form.iter().filter(|(k, _)| k == "unit") {
        members.push(v.parse::<UnitId>().map_err(|_| Error::bad_input("unit.group")).or_page(&user)?);
    }
    if members.is_empty() {
        return Err(Error::bad_input("unit.group")).or_page(&user);
    }
    state.store.set_group(&ctx, &name, &members).await.or_page(&user)?;
    let mut again = ctx.clone();
    if let Some(i) = &mut again.idempotency {
        i.key.push_str(":resolve");
    }
    state.store.resolve_plan_names(&again, id).await.or_page(&user)?;
    Ok(see_other(&format!("/plans/{id}/check?ok=mapped")))
}

#[derive(Debug, Deserialize)]
struct VersionForm {
    row_version: i64,
}

async fn publish(
    State(state): State<AppState>,
    Path(id): Path<PlanId>,
    PageForm { user, ctx, form: f }: PageForm<VersionForm>,
) -> PageResult {
    state.store.publish_plan(&ctx, id, f.row_version).await.or_page(&user)?;
    Ok(see_other(&format!("/plans/{id}/check?ok=published")))
}

#[derive(Debug, Deserialize)]
struct PeriodsForm {
    due_day: u32,
    grace_days: u32,
}

async fn add_periods(
    State(state): State<AppState>,
    Path(id): Path<PlanId>,
    PageForm { user, ctx, form: f }: PageForm<PeriodsForm>,
) -> PageResult {
    let plan = state.store.plan(id).await.or_page(&user)?;
    let specs = duban_core::periods::monthly(plan.year as i32, f.due_day, f.grace_days).or_page(&user)?;
    state.store.create_periods(&ctx, id, &specs).await.or_page(&user)?;
    Ok(see_other(&format!("/plans/{id}/check?ok=created")))
}

#[derive(Debug, Deserialize)]
struct CheckForm {
    plan: PlanId,
    row_version: i64,
}

/// 核对无误: the office confirms an item as read.
async fn check_item(
    State(state): State<AppState>,
    Path(id): Path<ItemId>,
    PageForm { user, ctx, form: f }: PageForm<CheckForm>,
) -> PageResult {
    state.store.check_item(&ctx, id, f.row_version).await.or_page(&user)?;
    Ok(see_other(&format!("/plans/{}/check?ok=checked#doubtful", f.plan)))
}

#[derive(Debug, Deserialize)]
struct EditForm {
    plan: PlanId,
    row_version: i64,
    title: String,
    deadline: String,
    /// The responsible units as the ledger prints them: 省发展改革委（牵头）、省财政厅.
    #[serde(default)]
    units: Option<String>,
    /// The units as the form showed them: the units are replaced only when the text changed.
    #[serde(default)]
    units_before: Option<String>,
    #[serde(default)]
    reason: String,
}

/// Resolves the units typed on the check page through the directory (names and aliases); the first
/// marked （牵头） leads, the others support (or all are responsible when none leads).
async fn units_from_text(
    state: &AppState,
    user: &PageUser,
    text: &str,
) -> Result<Vec<(UnitId, String)>, super::PageError> {
    let directory = state.store.list_units().await.or_page(user)?;
    let mut out: Vec<(UnitId, String)> = Vec::new();
    let mut unknown = Vec::new();
    let names: Vec<(String, bool)> = text
        .split(['、', '，', ',', '；', ';', '\n'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| {
            match n.strip_suffix("（牵头）").or_else(|| n.strip_suffix("(牵头)")).or_else(|| n.strip_suffix("(lead)"))
            {
                Some(bare) => (bare.trim().to_string(), true),
                None => (n.to_string(), false),
            }
        })
        .collect();
    let any_lead = names.iter().any(|(_, l)| *l);
    for (name, lead) in names {
        match directory.iter().find(|u| u.name == name || u.aliases.contains(&name)) {
            Some(u) if !out.iter().any(|(id, _)| *id == u.id) => {
                let role = if lead {
                    "lead"
                } else if any_lead {
                    "co"
                } else {
                    "responsible"
                };
                out.push((u.id, role.to_string()));
            }
            Some(_) => {}
            None => unknown.push(name),
        }
    }
    if !unknown.is_empty() {
        let list = unknown.join("、");
        return Err(Error::bad_input("item.units").arg("list", list)).or_page(user);
    }
    Ok(out)
}

async fn edit_item(
    State(state): State<AppState>,
    Path(id): Path<ItemId>,
    PageForm { user, ctx, form: f }: PageForm<EditForm>,
) -> PageResult {
    let units = match f.units.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() && Some(text) != f.units_before.as_deref().map(str::trim) => {
            Some(units_from_text(&state, &user, text).await?)
        }
        _ => None,
    };
    let patch = ItemPatch {
        title: Some(f.title.trim().to_string()),
        text: None,
        deadline: Some(f.deadline.trim().to_string()),
        units,
        reason: Some(f.reason.trim().to_string()).filter(|r| !r.is_empty()),
    };
    state.store.update_item(&ctx, id, f.row_version, &patch).await.or_page(&user)?;
    Ok(see_other(&format!("/plans/{}/check?ok=saved", f.plan)))
}

#[derive(Debug, Deserialize)]
struct IndicatorForm {
    plan: PlanId,
    row_version: i64,
    value: String,
    op: String,
    unit: String,
    #[serde(default)]
    reason: String,
}

/// Corrects what the parser read of a target: value, comparator, measure word.
async fn edit_indicator(
    State(state): State<AppState>,
    Path(id): Path<IndicatorId>,
    PageForm { user, ctx, form: f }: PageForm<IndicatorForm>,
) -> PageResult {
    let value = duban_office::report_sheet::parse_number(&f.value)
        .ok_or_else(|| Error::bad_input("indicator.value"))
        .or_page(&user)?;
    let patch = IndicatorPatch {
        value: Some(value),
        op: Some(f.op),
        unit: Some(f.unit.trim().to_string()),
        reason: Some(f.reason.trim().to_string()).filter(|r| !r.is_empty()),
        ..IndicatorPatch::default()
    };
    state.store.update_indicator(&ctx, id, f.row_version, &patch).await.or_page(&user)?;
    Ok(see_other(&format!("/plans/{}/check?ok=saved", f.plan)))
}

// ---- admin -----------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    nav: Nav,
    units: Vec<UnitRecord>,
    users: Vec<UserRecord>,
    unit_names: HashMap<UnitId, String>,
    plans: Vec<(PlanId, String, Vec<duban_store::PeriodRecord>)>,
    today: String,
    /// An account just made, with the initial password generated for it: shown this once.
    issued: Option<(String, String)>,
    /// Accounts to tick for the 开通通知 (those an accounts sheet just created).
    ticked: Vec<duban_core::UserId>,
    /// Whether this person carries the accounts and units, and the office's business.
    can_accounts: bool,
    can_business: bool,
    /// Whether the duties are separated (三员分立).
    separated: bool,
}

impl AdminPage {
    fn unit_of(&self, u: &Option<UnitId>) -> String {
        u.and_then(|id| self.unit_names.get(&id).cloned()).unwrap_or_default()
    }
    fn role_label(&self, r: &Role) -> String {
        self.nav.tr.t(&format!("account-{}", r.as_str()))
    }
    /// What the office may do to an account: disable or enable it, and lift its sign-in lock.
    fn is_ticked(&self, u: &UserRecord) -> bool {
        self.ticked.contains(&u.id)
    }
    fn actions(&self, u: &UserRecord) -> [&'static str; 2] {
        [if u.disabled { "enable" } else { "disable" }, "unlock"]
    }
}

async fn admin_page(State(state): State<AppState>, user: PageUser, Query(q): Query<OkQuery>) -> PageResult {
    admin_view(&state, &user, q.ok.as_deref(), None, Vec::new()).await
}

/// The administration page; `issued` is an account just made and its generated password, shown once.
async fn admin_view(
    state: &AppState,
    user: &PageUser,
    flash: Option<&str>,
    issued: Option<(String, String)>,
    ticked: Vec<duban_core::UserId>,
) -> PageResult {
    let user = user.clone();
    // The office's business and the accounts-and-units duty share this page; each sees its part.
    let can_accounts = state.store.has_duty(&user.actor, duban_core::access::Duty::Accounts).await.or_page(&user)?;
    let can_business = user.actor.is_admin();
    if !can_accounts && !can_business {
        return Err(Error::forbidden()).or_page(&user);
    }
    let separated = state.store.separation_of_duties().await.or_page(&user)?;
    let units = state.store.list_units().await.or_page(&user)?;
    let users = if can_accounts { state.store.list_users().await.or_page(&user)? } else { Vec::new() };
    let mut plans = Vec::new();
    if can_business {
        for p in state.store.list_plans().await.or_page(&user)? {
            let periods = state.store.periods(p.id).await.or_page(&user)?;
            plans.push((p.id, p.title, periods));
        }
    }
    Ok(render(&AdminPage {
        nav: Nav::new(&user, "admin").with_flash(flash),
        unit_names: units.iter().map(|u| (u.id, u.name.clone())).collect(),
        units,
        users,
        plans,
        today: duban_core::periods::local_date(state.now()).to_string(),
        issued,
        ticked,
        can_accounts,
        can_business,
        separated,
    }))
}

#[derive(Debug, Deserialize)]
struct UnitForm {
    name: String,
    kind: duban_model::UnitKind,
}

async fn add_unit(State(state): State<AppState>, PageForm { user, ctx, form: f }: PageForm<UnitForm>) -> PageResult {
    let new = NewUnit {
        name: f.name.trim().to_string(),
        kind: f.kind,
        parent_id: None,
        contact: String::new(),
        aliases: Vec::new(),
    };
    state.store.create_unit(&ctx, &new).await.or_page(&user)?;
    Ok(see_other("/admin?ok=created"))
}

#[derive(Debug, Deserialize)]
struct SignoffForm {
    on: bool,
}

/// 单位审签 on or off for a unit.
async fn set_signoff(
    State(state): State<AppState>,
    axum::extract::Path(id): axum::extract::Path<UnitId>,
    PageForm { user, ctx, form: f }: PageForm<SignoffForm>,
) -> PageResult {
    let patch = duban_store::UnitPatch { signoff: Some(f.on), ..Default::default() };
    state.store.update_unit(&ctx, id, &patch).await.or_page(&user)?;
    Ok(see_other("/admin?ok=saved"))
}

#[derive(Debug, Deserialize)]
struct AliasForm {
    unit: UnitId,
    alias: String,
}

async fn add_alias(State(state): State<AppState>, PageForm { user, ctx, form: f }: PageForm<AliasForm>) -> PageResult {
    state.store.add_alias(&ctx, f.unit, f.alias.trim()).await.or_page(&user)?;
    Ok(see_other("/admin?ok=saved"))
}

#[derive(Debug, Deserialize)]
struct UserForm {
    username: String,
    display_name: String,
    /// Empty: duban generates the initial password and shows it once.
    #[serde(default)]
    password: String,
    role: String,
    #[serde(default)]
    unit: Option<String>,
}

/// A new account; its password (typed by the office or generated) must be changed at the first sign-in.
async fn add_user(State(state): State<AppState>, PageForm { user, ctx, form: f }: PageForm<UserForm>) -> PageResult {
    let role = Role::parse(&f.role).ok_or_else(|| Error::bad_input("user.role")).or_page(&user)?;
    let generated = f.password.is_empty();
    let password = if generated { duban_store::generate_initial_password() } else { f.password.clone() };
    duban_store::check_password(&password, f.username.trim()).or_page(&user)?;
    let hash = crate::account::hash(&password).await.or_page(&user)?;
    let new = NewUser {
        username: f.username.trim().to_string(),
        display_name: f.display_name.trim().to_string(),
        password: String::new(),
        role,
        unit_id: f.unit.as_deref().and_then(|u| u.parse().ok()),
        must_change_password: true,
    };
    let made = state.store.create_user(&ctx, &new, &hash).await.or_page(&user)?;
    if generated {
        return admin_view(&state, &user, Some("created"), Some((made.username, password)), Vec::new()).await;
    }
    Ok(see_other("/admin?ok=created"))
}

/// The units sheet filled in: every bad cell listed (on the error page), else all applied at once.
async fn upload_units_sheet(State(state): State<AppState>, user: PageUser, mp: Multipart) -> PageResult {
    state.store.require_duty(&user.actor, duban_core::access::Duty::Accounts).await.or_page(&user)?;
    let (fields, file) = read_multipart(&user, mp).await?;
    let ctx = super::reporting::multipart_ctx(&state, &user, &fields, "/admin/units/sheet")?;
    let Some((_, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(Error::bad_input("file.empty").worded("choose")).or_page(&user);
    };
    let known = duban_app::directory::known_names(&state.store).await.or_page(&user)?;
    let rows = state
        .uploads
        .run(move || duban_office::directory_sheets::read_units_sheet(&bytes, &known))
        .await
        .and_then(|r| r)
        .or_page(&user)?;
    duban_app::directory::apply_units_sheet(&state.store, &ctx, rows).await.or_page(&user)?;
    Ok(see_other("/admin?ok=units_applied"))
}

/// The accounts sheet filled in; the accounts it creates come back ticked for their 开通通知.
async fn upload_accounts_sheet(State(state): State<AppState>, user: PageUser, mp: Multipart) -> PageResult {
    state.store.require_duty(&user.actor, duban_core::access::Duty::Accounts).await.or_page(&user)?;
    let (fields, file) = read_multipart(&user, mp).await?;
    let ctx = super::reporting::multipart_ctx(&state, &user, &fields, "/admin/users/sheet")?;
    let Some((_, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(Error::bad_input("file.empty").worded("choose")).or_page(&user);
    };
    let known = duban_app::directory::known_names(&state.store).await.or_page(&user)?;
    let rows = state
        .uploads
        .run(move || duban_office::directory_sheets::read_accounts_sheet(&bytes, &known))
        .await
        .and_then(|r| r)
        .or_page(&user)?;
    let unknown = crate::account::hash(&duban_store::random_token()).await.or_page(&user)?;
    let created =
        duban_app::directory::apply_accounts_sheet(&state.store, &ctx, rows, &unknown).await.or_page(&user)?;
    admin_view(&state, &user, Some("sheet_applied"), None, created).await
}

#[derive(Debug, Deserialize)]
struct SeparationForm {
    on: String,
}

/// 三员分立 on or off.
async fn set_separation(
    State(state): State<AppState>,
    PageForm { user, ctx, form: f }: PageForm<SeparationForm>,
) -> PageResult {
    state.store.set_separation_of_duties(&ctx, f.on == "on").await.or_page(&user)?;
    Ok(see_other("/admin?ok=saved"))
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    nav: Nav,
    /// (anchor, heading key, rows): the sign-ins, the changes to accounts, the settings.
    sections: Vec<(&'static str, &'static str, Vec<duban_store::AuditEntry>)>,
}

/// What the security auditor reads: the latest sign-ins and failures, changes to accounts, and settings.
async fn audit_page(State(state): State<AppState>, user: PageUser) -> PageResult {
    state.store.require_duty(&user.actor, duban_core::access::Duty::Audit).await.or_page(&user)?;
    let signins = state.store.recent_audit("signin", 200).await.or_page(&user)?;
    let accounts = state.store.recent_audit("user", 200).await.or_page(&user)?;
    let settings = state.store.recent_audit("settings", 50).await.or_page(&user)?;
    let sections = vec![
        ("signins", "audit-signins", signins),
        ("accounts", "audit-accounts", accounts),
        ("settings", "audit-settings", settings),
    ];
    Ok(render(&AuditPage { nav: Nav::new(&user, "audit"), sections }))
}

/// Disables, re-enables or unlocks an account (`action` in the path).
async fn user_action(
    State(state): State<AppState>,
    Path((id, action)): Path<(duban_core::UserId, String)>,
    PageForm { user, ctx, form: _ }: PageForm<Vec<(String, String)>>,
) -> PageResult {
    match action.as_str() {
        "disable" => state.store.set_user_disabled(&ctx, id, true).await.or_page(&user)?,
        "enable" => state.store.set_user_disabled(&ctx, id, false).await.or_page(&user)?,
        "unlock" => state.store.unlock_user(&ctx, id).await.or_page(&user)?,
        _ => return Err(Error::not_found(duban_core::Thing::User)).or_page(&user),
    };
    Ok(see_other("/admin?ok=saved#users"))
}

/// New initial passwords for the ticked accounts (fields `user`), answered with the 开通通知 that holds
/// them: the one place they are given.
async fn activation_sheet(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    PageForm { user, ctx, form }: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let mut ids = Vec::new();
    for (_, v) in form.iter().filter(|(k, _)| k == "user") {
        ids.push(v.parse::<duban_core::UserId>().map_err(|_| Error::bad_input("user.batch")).or_page(&user)?);
    }
    let issued = crate::account::issue_initial_passwords(&state, &ctx, &ids).await.or_page(&user)?;
    let address = crate::account::address(&state, &headers);
    let bytes = crate::account::activation_sheet(&state, &issued, &address).await.or_page(&user)?;
    let name = format!("activation-{}.xlsx", crate::account::today(&state));
    let mut res = axum::response::IntoResponse::into_response(bytes);
    res.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    if let Ok(v) = axum::http::HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        res.headers_mut().insert(axum::http::header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

#[derive(Debug, Deserialize)]
struct ExceptionForm {
    period: PeriodId,
    unit: UnitId,
    until: String,
}

/// Unlocks a closed period for one unit until a day.
async fn grant_exception(
    State(state): State<AppState>,
    PageForm { user, ctx, form: f }: PageForm<ExceptionForm>,
) -> PageResult {
    state.store.grant_exception(&ctx, f.period, f.unit, &f.until).await.or_page(&user)?;
    Ok(see_other("/admin?ok=granted"))
}
