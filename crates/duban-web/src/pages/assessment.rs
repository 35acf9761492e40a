//! The 考核 page: every unit's score for a period or the year to date, each with its lines, the rules
//! version each period was scored under, the Excel sheet; and for the office the rules form (a new
//! version with its reason).

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use duban_core::assessment::{Event, Rules};
use duban_core::{Error, PlanId};
use duban_model::Assessment;
use duban_store::RulesVersion;
use serde::Deserialize;

use super::{Nav, OrPage, PageForm, PageResult, PageUser, render, see_other};
use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route("/assessment", get(page)).route("/assessment/rules", post(set_rules))
}

#[derive(Debug, Default, Deserialize)]
struct AssessmentQuery {
    #[serde(default)]
    plan: Option<PlanId>,
    /// A period's key, or empty for the year to date.
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    ok: Option<String>,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    nav: Nav,
    plan_id: PlanId,
    plan_title: String,
    period_key: String,
    periods: Vec<super::reporting::PeriodChoice>,
    a: Assessment,
    current: RulesVersion,
    history: Vec<RulesVersion>,
    events: [Event; 9],
}

/// Points as an office writes them.
pub fn points(v: &f64) -> String {
    duban_office::assessment_sheet::points_text(*v)
}

impl AssessmentPage {
    fn event_label(&self, e: &Event) -> String {
        self.nav.tr.t(&format!("event-{}", e.as_str()))
    }
    fn points(&self, v: &f64) -> String {
        points(v)
    }
    fn current_points(&self, e: &Event) -> String {
        points(&self.current.rules.points.get(e).copied().unwrap_or(0.0))
    }
    fn versions_text(&self) -> String {
        self.a.rules.iter().map(|r| format!("{} v{}", r.period_key, r.version)).collect::<Vec<_>>().join(" · ")
    }
}

async fn page(State(state): State<AppState>, user: PageUser, Query(q): Query<AssessmentQuery>) -> PageResult {
    let Some(sc) = super::scope(&state, &user, &super::ScopeQuery { plan: q.plan, period: None }).await? else {
        return Ok(render(&super::EmptyPage::new(&user)));
    };
    let period = q.period.as_deref().filter(|p| !p.is_empty());
    let a =
        duban_app::assessment::assess(&state.store, &user.actor, sc.plan.id, period, state.now(), &state.thresholds)
            .await
            .or_page(&user)?;
    let mut history = state.store.assessment_rules(sc.plan.id).await.or_page(&user)?;
    let current = history.last().cloned().ok_or_else(|| Error::internal("no rules")).or_page(&user)?;
    history.reverse();
    let mut nav = Nav::new(&user, "assessment").with_flash(q.ok.as_deref());
    nav.plan_id = Some(sc.plan.id);
    nav.period = period.map(str::to_string);
    Ok(render(&AssessmentPage {
        plan_id: sc.plan.id,
        plan_title: sc.plan.title.clone(),
        period_key: period.unwrap_or("").to_string(),
        periods: super::reporting::period_choices(&user.tr, &sc.periods, period),
        a,
        current,
        history,
        events: Event::ALL,
        nav,
    }))
}

/// The rules form: `plan`, `reason`, `base`, and one `points_<event>` per event.
async fn set_rules(
    State(state): State<AppState>,
    PageForm { user, ctx, form }: PageForm<Vec<(String, String)>>,
) -> PageResult {
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim()).unwrap_or("");
    let number = |name: &str| -> Result<f64, Error> {
        let v = field(name);
        if v.is_empty() {
            return Ok(0.0);
        }
        v.parse::<f64>().map_err(|_| Error::bad_input("form.invalid").arg("e", name))
    };
    let plan: PlanId =
        field("plan").parse().map_err(|_| Error::bad_input("form.invalid").arg("e", "plan")).or_page(&user)?;
    let mut rules = Rules { base: number("base").or_page(&user)?, points: Default::default() };
    for e in Event::ALL {
        let v = number(&format!("points_{}", e.as_str())).or_page(&user)?;
        if v != 0.0 {
            rules.points.insert(e, v);
        }
    }
    state.store.set_assessment_rules(&ctx, plan, &rules, field("reason")).await.or_page(&user)?;
    Ok(see_other(&format!("/assessment?plan={plan}&ok=rules_set")))
}
