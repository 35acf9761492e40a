//! Reporting periods, the period summary, a unit's to-do list, and exceptions to locks.

use super::*;
use duban_core::{PeriodId, PlanId, UnitId};

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/periods",
    tag = "periods",
    summary = "Reporting periods",
    params(("id" = i64, Path)),
    responses((status = 200, description = "OK", body = Vec<duban_store::PeriodRecord>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn list_periods(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<PlanId>,
) -> ApiResult<Json<Vec<duban_store::PeriodRecord>>> {
    s.store.plan(id).await?;
    Ok(Json(s.store.periods(id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct PeriodsBody {
    /// monthly, quarterly or custom.
    kind: String,
    #[serde(default)]
    year: Option<i32>,
    #[serde(default = "default_due_day")]
    due_day: u32,
    #[serde(default = "default_grace")]
    grace_days: u32,
    #[serde(default)]
    key: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    due_on: String,
}

fn default_due_day() -> u32 {
    5
}
fn default_grace() -> u32 {
    3
}

#[utoipa::path(
    post,
    path = "/api/v1/plans/{id}/periods",
    tag = "periods",
    summary = "Add periods {kind: monthly|quarterly|custom, due_day, grace_days, …}",
    params(("id" = i64, Path)),
    request_body = PeriodsBody,
    responses((status = 201, description = "Created", body = Vec<duban_store::PeriodRecord>), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn create_periods(
    State(s): State<AppState>,
    Path(id): Path<PlanId>,
    w: Write<PeriodsBody>,
) -> ApiResult<(StatusCode, Json<Vec<duban_store::PeriodRecord>>)> {
    let (ctx, b) = (w.ctx, w.body);
    let plan = s.store.plan(id).await?;
    let year = b.year.unwrap_or(i32::try_from(plan.year).unwrap_or(0));
    let specs = match b.kind.as_str() {
        "monthly" => monthly(year, b.due_day, b.grace_days)?,
        "quarterly" => quarterly(year, b.due_day, b.grace_days)?,
        "custom" => vec![custom(
            &b.key,
            &b.label,
            parse_date(&b.starts_on)?,
            parse_date(&b.ends_on)?,
            parse_date(&b.due_on)?,
            b.grace_days,
        )?],
        _ => {
            return Err(ApiError(Error::bad_input("period.kind")));
        }
    };
    Ok((StatusCode::CREATED, Json(s.store.create_periods(&ctx, id, &specs).await?)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PeriodQuery {
    pub(super) period: String,
    #[serde(default)]
    pub(super) unit: Option<UnitId>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SummaryQuery {
    period: String,
    /// Compute from the records even when a kept summary is current (for measuring and checking).
    #[serde(default)]
    fresh: bool,
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/summary",
    tag = "periods",
    summary = "Status, completeness, on-time rates, lagging tasks and forecasts for ?period=2022-06 (kept until a report or the plan changes; &fresh=true recomputes)",
    params(("id" = i64, Path), SummaryQuery),
    responses((status = 200, description = "OK", body = duban_store::Summary), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn summary(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<PlanId>,
    Query(q): Query<SummaryQuery>,
) -> ApiResult<Json<duban_store::Summary>> {
    if q.fresh {
        let plan = s.store.plan(id).await?;
        let period = s.store.period_by_key(id, &q.period).await?;
        return Ok(Json(s.store.compute_summary(&plan, period, &s.thresholds).await?));
    }
    Ok(Json(s.store.summary(id, &q.period, &s.thresholds).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}/todo",
    tag = "periods",
    summary = "What a unit owes for ?period= (&unit=; a unit's people: their own)",
    params(("id" = i64, Path), PeriodQuery),
    responses((status = 200, description = "OK", body = Vec<duban_store::TodoRow>), crate::openapi::Refusals),
    extensions(("x-access" = json!("SignedIn")))
)]
pub(super) async fn todo(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<PlanId>,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<Vec<duban_store::TodoRow>>> {
    let unit = q.unit.or(auth.actor.unit_id).ok_or_else(|| ApiError(Error::bad_input("todo.unit")))?;
    let period = s.store.period_by_key(id, &q.period).await?;
    Ok(Json(s.store.todo(&read_ctx(&s, &auth), period.id, unit).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct ExceptionBody {
    unit_id: UnitId,
    until: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/periods/{id}/exceptions",
    tag = "periods",
    summary = "Let a unit report into a locked period {unit_id, until}",
    params(("id" = i64, Path)),
    request_body = ExceptionBody,
    responses((status = 204, description = "Done"), crate::openapi::Refusals),
    extensions(("x-access" = json!("Admin")))
)]
pub(super) async fn grant_exception(
    State(s): State<AppState>,
    Path(id): Path<PeriodId>,
    w: Write<ExceptionBody>,
) -> ApiResult<StatusCode> {
    let (ctx, b) = (w.ctx, w.body);
    s.store.grant_exception(&ctx, id, b.unit_id, &b.until).await?;
    Ok(StatusCode::NO_CONTENT)
}
