//! Reporting periods, the period summary, a unit's to-do list, and exceptions to locks.

use super::*;

pub(super) async fn list_periods(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<duban_store::PeriodRecord>>> {
    s.store.plan(id).await?;
    Ok(Json(s.store.periods(id).await?))
}

#[derive(Deserialize)]
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

pub(super) async fn create_periods(
    State(s): State<AppState>,
    Path(id): Path<i64>,
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

#[derive(Deserialize)]
pub(super) struct PeriodQuery {
    pub(super) period: String,
    #[serde(default)]
    pub(super) unit: Option<i64>,
}

#[derive(Deserialize)]
pub(super) struct SummaryQuery {
    period: String,
    /// Compute from the records even when a kept summary is current (for measuring and checking).
    #[serde(default)]
    fresh: bool,
}

pub(super) async fn summary(
    State(s): State<AppState>,
    _auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<SummaryQuery>,
) -> ApiResult<Json<duban_store::Summary>> {
    if q.fresh {
        let plan = s.store.plan(id).await?;
        let period = s.store.period_by_key(id, &q.period).await?;
        return Ok(Json(s.store.compute_summary(&plan, period, &s.thresholds).await?));
    }
    Ok(Json(s.store.summary(id, &q.period, &s.thresholds).await?))
}

pub(super) async fn todo(
    State(s): State<AppState>,
    auth: Auth,
    Path(id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> ApiResult<Json<Vec<duban_store::TodoRow>>> {
    let unit = q.unit.or(auth.actor.unit_id).ok_or_else(|| ApiError(Error::bad_input("todo.unit")))?;
    let period = s.store.period_by_key(id, &q.period).await?;
    Ok(Json(s.store.todo(&read_ctx(&s, &auth), period.id, unit).await?))
}

#[derive(Deserialize)]
pub(super) struct ExceptionBody {
    unit_id: i64,
    until: String,
}

pub(super) async fn grant_exception(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    w: Write<ExceptionBody>,
) -> ApiResult<StatusCode> {
    let (ctx, b) = (w.ctx, w.body);
    s.store.grant_exception(&ctx, id, b.unit_id, &b.until).await?;
    Ok(StatusCode::NO_CONTENT)
}
