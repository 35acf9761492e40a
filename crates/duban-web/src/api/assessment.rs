//! 考核: the rules of a plan (versioned) and every unit's score for a period or the year to date.

use super::*;
use duban_core::PlanId;
use duban_core::assessment::Rules;
use duban_model::Assessment;
use duban_store::RulesVersion;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct AssessmentQuery {
    /// The period's key (`2022-06`); without it, the year to date.
    #[serde(default)]
    period: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/assessment",
    tag = "assessment",
    summary = "考核 scores of every unit for a period (?period=) or the year to date, line by line (a unit's people: their own)",
    params(("id" = i64, Path), AssessmentQuery),
    responses((status = 200, description = "OK", body = Assessment), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn assessment(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<PlanId>,
    Query(q): Query<AssessmentQuery>,
) -> ApiResult<Json<Assessment>> {
    let a =
        duban_app::assessment::assess(&s.store, &auth.actor, id, q.period.as_deref(), s.now(), &s.thresholds).await?;
    Ok(Json(a))
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/assessment.xlsx",
    tag = "assessment",
    summary = "The 考核 sheet: scores and every line (?period=, else the year to date)",
    params(("id" = i64, Path), AssessmentQuery),
    responses((status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn assessment_xlsx(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<PlanId>,
    Query(q): Query<AssessmentQuery>,
) -> ApiResult<Response> {
    let bytes =
        duban_app::assessment::assessment_file(&s.store, &auth.actor, id, q.period.as_deref(), s.now(), &s.thresholds)
            .await?;
    let name = format!("考核得分-{}.xlsx", q.period.as_deref().unwrap_or("全年"));
    Ok(named_download(bytes, XLSX_TYPE, &format!("assessment-{id}.xlsx"), &name))
}

const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/assessment/rules",
    tag = "assessment",
    summary = "The plan's scoring rules, every version, oldest first (version 0: the defaults, in force until the office set its own)",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = Vec<RulesVersion>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn assessment_rules(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<PlanId>,
) -> ApiResult<Json<Vec<RulesVersion>>> {
    Ok(Json(s.store.assessment_rules(id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct RulesBody {
    rules: Rules,
    reason: String,
}

#[utoipa::path(
    put,
    path = "/api/v1/plans/{id}/assessment/rules",
    tag = "assessment",
    summary = "New scoring rules {rules: {base, points: {event: points}}, reason}: a new version; periods already locked keep theirs",
    params(("id" = i64, Path)),
    request_body = RulesBody,
    responses((status = 200, description = "OK", body = RulesVersion), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn set_assessment_rules(
    State(s): State<AppState>,
    Path(id): Path<PlanId>,
    w: Write<RulesBody>,
) -> ApiResult<Json<RulesVersion>> {
    Ok(Json(s.store.set_assessment_rules(&w.ctx, id, &w.body.rules, &w.body.reason).await?))
}
