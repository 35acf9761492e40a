//! The period summary: status of every indicator and task, completeness and on-time rates per unit and for
//! the plan, lagging tasks, and forecasts. Computed from the records each time, so it is never stale.

use duban_core::{IndicatorId, ItemId, PlanId, UnitId};
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use duban_core::periods::parse_date;
use duban_core::status::{Assessment, Indicator, TaskFacts, assess_indicator, assess_task, forecast};
use duban_core::{Error, Status, Thresholds};

use crate::cache::{PlanShape, TaskRow};
use crate::db::{DbResult, Store, get};
use crate::reporting::is_contribution_sql;
use duban_core::periods::end_of_day;
use duban_model::{
    IndicatorSummary, PartSummary, PeriodRecord, ShareSummary, StatusCounts, Summary, TaskSummary, UnitRate,
};

impl Store {
    /// The summary of a plan for the period with key `period_key` (`2022-06`).
    pub async fn summary(&self, plan_id: PlanId, period_key: &str, th: &Thresholds) -> Result<Summary, Error> {
        let plan = self.plan(plan_id).await?;
        let period = self.period_by_key(plan_id, period_key).await?;
        // A summary is kept until the plan, any of its reports or the units directory changes (all three
        // versions live in the database, so every server sees the same staleness) or the thresholds differ.
        let directory = self.directory_version().await?;
        let key = (
            plan.row_version,
            plan.reports_version,
            th.on_track.to_bits(),
            th.at_risk.to_bits(),
            th.due_soon_days,
            directory,
        );
        if let Ok(cache) = self.summaries.0.lock()
            && let Some((k, kept)) = cache.get(&(plan_id, period.id))
            && *k == key
        {
            return Ok(Summary::clone(kept));
        }
        let out = self.compute_summary(&plan, period, th).await?;
        if let Ok(mut cache) = self.summaries.0.lock() {
            if cache.len() >= 256 {
                cache.clear();
            }
            cache.insert((plan_id, out.period.id), (key, std::sync::Arc::new(out.clone())));
        }
        Ok(out)
    }

    /// The summary computed from the records, without the cache.
    pub async fn compute_summary(
        &self,
        plan: &crate::PlanRecord,
        period: PeriodRecord,
        th: &Thresholds,
    ) -> Result<Summary, Error> {
        let plan_id = plan.id;
        let as_of = period.spec.ends_on;
        let start = NaiveDate::from_ymd_opt(i32::try_from(plan.year).unwrap_or(2000), 1, 1).unwrap_or(as_of);

        let shape = self.plan_shape(plan).await?;
        let (tasks, part_titles, indicators) = (&shape.tasks, &shape.part_titles, &shape.indicators);

        // "On time" is sent by the end of the due day in the office's time zone (UTC+8).
        let due_end = end_of_day(period.spec.due_on);
        // Where leads consolidate, a contribution is on time by its own, earlier day, and the task's
        // progress and figures are the lead's consolidated report's (contributions are the lead's input).
        let reporting = self.reporting(plan_id).await?;
        let consolidated = i64::from(reporting.mode == duban_core::reporting::ReportingMode::Consolidated);
        let contribution_end =
            end_of_day(duban_core::reporting::contribution_due(period.spec.due_on, reporting.lead_days));
        let per_unit = sqlx::query(&format!(
            "SELECT r.unit_id, \
             SUM(CASE WHEN r.state IN ('submitted', 'approved') THEN 1 ELSE 0 END) AS received, \
             SUM(CASE WHEN r.first_submitted_at IS NOT NULL AND r.first_submitted_at <= \
                 (CASE WHEN {} THEN $4 ELSE $2 END) THEN 1 ELSE 0 END) AS on_time \
             FROM reports r WHERE r.period_id = $1 GROUP BY r.unit_id",
            is_contribution_sql(3)
        ))
        .bind(period.id)
        .bind(due_end)
        .bind(consolidated)
        .bind(contribution_end)
        .fetch_all(&self.read)
        .await
        .db()?;
        let per_item = sqlx::query(&format!(
            "SELECT r.item_id, MIN(r.percent) AS percent, MIN(r.finished) AS finished_all, COUNT(*) AS received FROM reports r \
             WHERE r.period_id = $1 AND r.state IN ('submitted', 'approved') AND NOT {} GROUP BY r.item_id",
            is_contribution_sql(2)
        ))
        .bind(period.id)
        .bind(consolidated)
        .fetch_all(&self.read)
        .await
        .db()?;
        let values = sqlx::query(&format!(
            "SELECT v.indicator_id, r.unit_id, v.value, p.ends_on, r.submitted_at FROM indicators n \
             JOIN items i ON i.id = n.item_id JOIN report_values v ON v.indicator_id = n.id \
             JOIN reports r ON r.id = v.report_id JOIN periods p ON p.id = r.period_id \
             WHERE i.plan_id = $1 AND p.ends_on <= $2 AND r.state IN ('submitted', 'approved') AND NOT {} \
             ORDER BY v.indicator_id, p.ends_on, r.submitted_at",
            is_contribution_sql(3)
        ))
        .bind(plan_id)
        .bind(as_of.to_string())
        .bind(consolidated)
        .fetch_all(&self.read)
        .await
        .db()?;
        let mut rates: BTreeMap<UnitId, UnitRate> = BTreeMap::new();
        for (unit, name, owed, sort_order) in &shape.owed {
            rates.insert(
                *unit,
                UnitRate {
                    unit_id: *unit,
                    name: name.clone(),
                    sort_order: *sort_order,
                    owed: *owed,
                    received: 0,
                    on_time: 0,
                    completeness: 0.0,
                    on_time_rate: 0.0,
                    status: Status::Completed,
                    counts: StatusCounts::default(),
                },
            );
        }
        for r in &per_unit {
            if let Some(rate) = rates.get_mut(&get::<UnitId>(r, "unit_id")?) {
                rate.received = get(r, "received")?;
                rate.on_time = get(r, "on_time")?;
            }
        }
        let holders_of = &shape.holders;
        struct Sent {
            percent: Option<f64>,
            finished_all: bool,
            received: i64,
        }
        let mut sent: HashMap<ItemId, Sent> = HashMap::new();
        for r in &per_item {
            sent.insert(
                get(r, "item_id")?,
                Sent {
                    percent: get(r, "percent")?,
                    finished_all: get::<i64>(r, "finished_all")? != 0,
                    received: get(r, "received")?,
                },
            );
        }

        // Reported values per indicator: per period, the last one submitted; and per unit, for split targets.
        let mut series: HashMap<IndicatorId, Vec<(NaiveDate, f64)>> = HashMap::new();
        let mut by_unit: HashMap<(IndicatorId, UnitId), Vec<(NaiveDate, f64)>> = HashMap::new();
        for r in &values {
            let ind: IndicatorId = get(r, "indicator_id")?;
            let day = parse_date(&get::<String>(r, "ends_on")?)?;
            let v: f64 = get(r, "value")?;
            for s in [series.entry(ind).or_default(), by_unit.entry((ind, get(r, "unit_id")?)).or_default()] {
                match s.last_mut() {
                    Some(last) if last.0 == day => last.1 = v,
                    _ => s.push((day, v)),
                }
            }
        }
        // A split target's figure is the sum of its units' latest values at each period end.
        for (ind, parts) in &shape.shares {
            let mut days: Vec<NaiveDate> = parts
                .iter()
                .flat_map(|(u, _, _)| by_unit.get(&(*ind, *u)).into_iter().flatten().map(|p| p.0))
                .collect();
            days.sort_unstable();
            days.dedup();
            let rolled = days
                .iter()
                .map(|d| {
                    let total = parts
                        .iter()
                        .filter_map(|(u, _, _)| by_unit.get(&(*ind, *u))?.iter().rev().find(|p| p.0 <= *d).map(|p| p.1))
                        .sum();
                    (*d, total)
                })
                .collect();
            series.insert(*ind, rolled);
        }

        let path_of: HashMap<ItemId, &str> = tasks.iter().map(|t| (t.id, t.path.as_str())).collect();
        let mut ind_by_item: HashMap<ItemId, Vec<Assessment>> = HashMap::new();
        let mut ind_out = Vec::with_capacity(indicators.len());
        for ind in indicators {
            let cmp = ind.op;
            let Some(path) = path_of.get(&ind.item_id) else { continue };
            let spec = Indicator {
                comparator: cmp,
                target: ind.value,
                baseline: ind.baseline,
                start,
                deadline: ind.deadline,
                milestones: ind.milestones.iter().map(|m| (m.date, m.value)).collect(),
            };
            let pts = series.get(&ind.id).map(Vec::as_slice).unwrap_or(&[]);
            let actual = pts.last().map(|p| p.1);
            let a = assess_indicator(&spec, actual, as_of, th);
            let mut shares = Vec::new();
            for (unit, name, part) in shape.shares.get(&ind.id).map(Vec::as_slice).unwrap_or(&[]) {
                let own = Indicator { target: *part, ..spec.clone() };
                let actual = by_unit.get(&(ind.id, *unit)).and_then(|s| s.last()).map(|p| p.1);
                shares.push(ShareSummary {
                    unit_id: *unit,
                    name: name.clone(),
                    target: *part,
                    actual,
                    status: assess_indicator(&own, actual, as_of, th).status,
                });
            }
            ind_out.push(IndicatorSummary {
                indicator_id: ind.id,
                item_id: ind.item_id,
                path: (*path).to_string(),
                metric: ind.metric.clone(),
                op: ind.op,
                target: ind.value,
                unit: ind.unit.clone(),
                deadline: ind.deadline,
                actual,
                expected: a.expected,
                status: a.status,
                ratio: a.ratio,
                forecast: forecast(&spec, pts),
                shares,
            });
            ind_by_item.entry(ind.item_id).or_default().push(a);
        }

        let mut counts = StatusCounts::default();
        let mut parts: BTreeMap<String, StatusCounts> = BTreeMap::new();
        let mut task_out = Vec::with_capacity(tasks.len());
        for t in tasks {
            let s = sent.get(&t.id);
            let facts = TaskFacts {
                start,
                deadline: t.deadline,
                ongoing: t.ongoing,
                reported: s.is_some(),
                percent: s.and_then(|s| s.percent),
                finished: s.is_some_and(|s| s.finished_all),
            };
            let inds = ind_by_item.get(&t.id).map(Vec::as_slice).unwrap_or(&[]);
            let a = assess_task(&facts, inds, as_of, th);
            counts.add(a.status);
            let part = t.path.split('.').next().unwrap_or("").to_string();
            parts.entry(part).or_default().add(a.status);
            task_out.push(TaskSummary {
                item_id: t.id,
                path: t.path.clone(),
                title: t.title.clone(),
                status: a.status,
                status_zh: a.status.zh().to_string(),
                ratio: a.ratio,
                at_risk: a.at_risk,
                due_soon: a.due_soon,
                deadline: t.deadline,
                lead: holders_of.get(&t.id).and_then(|h| h.1.clone()),
                unit_count: holders_of.get(&t.id).map_or(0, |h| h.0),
                received: s.map_or(0, |s| s.received),
            });
        }

        let status_of: HashMap<ItemId, Status> = task_out.iter().map(|t| (t.item_id, t.status)).collect();
        let mut units: Vec<UnitRate> = rates.into_values().collect();
        for u in &mut units {
            u.completeness = ratio(u.received, u.owed);
            u.on_time_rate = ratio(u.on_time, u.owed);
            let mut status = if u.received < u.owed { Status::NotReported } else { Status::Completed };
            for item in shape.tasks_of_unit.get(&u.unit_id).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(s) = status_of.get(item) {
                    u.counts.add(*s);
                    // Others not reporting on a shared task is not this unit's 未报送.
                    if *s != Status::NotReported {
                        status = status.worst(*s);
                    }
                }
            }
            u.status = status;
        }
        let plan_status = task_out.iter().map(|t| t.status).reduce(Status::worst).unwrap_or(Status::NotReported);
        let owed: i64 = units.iter().map(|u| u.owed).sum();
        let received: i64 = units.iter().map(|u| u.received).sum();
        let on_time: i64 = units.iter().map(|u| u.on_time).sum();
        // Ranked by the figures; units level on them stand in their protocol order (排序).
        units.sort_by(|a, b| {
            b.completeness
                .total_cmp(&a.completeness)
                .then(b.on_time_rate.total_cmp(&a.on_time_rate))
                .then(a.sort_order.cmp(&b.sort_order))
                .then(a.unit_id.cmp(&b.unit_id))
        });
        let lagging: Vec<TaskSummary> =
            task_out.iter().filter(|t| matches!(t.status, Status::Lagging | Status::Overdue)).cloned().collect();
        Ok(Summary {
            plan_id,
            status: plan_status,
            as_of,
            period,
            tasks_total: tasks.len() as i64,
            counts,
            reports_owed: owed,
            reports_received: received,
            reports_on_time: on_time,
            completeness: ratio(received, owed),
            on_time_rate: ratio(on_time, owed),
            parts: parts
                .into_iter()
                .map(|(path, counts)| PartSummary {
                    title: part_titles.get(&path).cloned().unwrap_or_default(),
                    path,
                    counts,
                })
                .collect(),
            tasks: task_out,
            lagging,
            units,
            indicators: ind_out,
        })
    }
}

impl Store {
    /// Moves with every change to the units directory (a unit's name, 排序, groups): the last audit row
    /// about a unit or a group, read through the audit log's (entity, id) index.
    async fn directory_version(&self) -> Result<i64, Error> {
        let row = sqlx::query(
            "SELECT COALESCE(MAX(seq), 0) AS v FROM audit_log WHERE entity = 'unit' OR entity = 'unit_group'",
        )
        .fetch_one(&self.read)
        .await
        .db()?;
        get(&row, "v")
    }

    async fn plan_shape(&self, plan: &crate::PlanRecord) -> Result<std::sync::Arc<PlanShape>, Error> {
        // Units' names and 排序 are part of the shape: a rename or a new order is seen at once.
        let version = (plan.row_version, self.directory_version().await?);
        if let Ok(cache) = self.shapes.0.lock()
            && let Some((kept, shape)) = cache.get(&plan.id)
            && *kept == version
        {
            return Ok(shape.clone());
        }
        let plan_id = plan.id;
        let item_rows = sqlx::query(
            "SELECT id, path, title, deadline, is_task, level, extra_json FROM items WHERE plan_id = $1 ORDER BY position",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        let mut tasks = Vec::new();
        let mut part_titles: BTreeMap<String, String> = BTreeMap::new();
        for r in &item_rows {
            let path: String = get(r, "path")?;
            if get::<i64>(r, "level")? == 1 {
                part_titles.insert(path.clone(), get(r, "title")?);
            }
            if get::<i64>(r, "is_task")? != 0 {
                let extra: serde_json::Value =
                    serde_json::from_str(&get::<String>(r, "extra_json")?).map_err(Error::internal)?;
                let (_, ongoing) =
                    duban_model::deadline_phrases(extra.get("deadlines").unwrap_or(&serde_json::Value::Null));
                tasks.push(TaskRow {
                    id: get(r, "id")?,
                    path,
                    title: get(r, "title")?,
                    deadline: parse_date(&get::<String>(r, "deadline")?)?,
                    ongoing,
                });
            }
        }

        // Aggregated in the database: the plan may hold tens of thousands of assignments and reports per
        // period, and only per-unit and per-task figures are needed here.
        let owed = sqlx::query(
            "SELECT a.unit_id, COUNT(*) AS owed FROM assignments a \
             WHERE a.item_id IN (SELECT id FROM items WHERE plan_id = $1 AND is_task = 1) GROUP BY a.unit_id",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        let holders = sqlx::query(
            "SELECT a.item_id, COUNT(*) AS n FROM assignments a \
             WHERE a.item_id IN (SELECT id FROM items WHERE plan_id = $1 AND is_task = 1) GROUP BY a.item_id",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        let leads = sqlx::query(
            "SELECT a.item_id, u.name FROM assignments a JOIN units u ON u.id = a.unit_id \
             WHERE a.role = 'lead' AND a.item_id IN (SELECT id FROM items WHERE plan_id = $1 AND is_task = 1) \
             ORDER BY a.item_id, a.position, u.id",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        let unit_names = sqlx::query(
            "SELECT id, name, sort_order FROM units WHERE id IN (SELECT a.unit_id FROM assignments a \
             WHERE a.item_id IN (SELECT id FROM items WHERE plan_id = $1 AND is_task = 1))",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        let mut names: HashMap<UnitId, (String, i64)> = HashMap::new();
        for r in &unit_names {
            names.insert(get(r, "id")?, (get(r, "name")?, get(r, "sort_order")?));
        }
        let mut owed_by = Vec::with_capacity(owed.len());
        for r in &owed {
            let unit: UnitId = get(r, "unit_id")?;
            let (name, sort_order) = names.remove(&unit).unwrap_or_default();
            owed_by.push((unit, name, get(r, "owed")?, sort_order));
        }
        let mut holders_of: HashMap<ItemId, (i64, Option<String>)> = HashMap::new();
        for r in &holders {
            holders_of.insert(get(r, "item_id")?, (get(r, "n")?, None));
        }
        for r in &leads {
            if let Some(h) = holders_of.get_mut(&get::<ItemId>(r, "item_id")?)
                && h.1.is_none()
            {
                h.1 = Some(get(r, "name")?);
            }
        }
        let share_rows = sqlx::query(
            "SELECT s.indicator_id, s.unit_id, u.name, s.target FROM indicator_shares s JOIN indicators n ON n.id = s.indicator_id \
             JOIN items i ON i.id = n.item_id JOIN units u ON u.id = s.unit_id WHERE i.plan_id = $1 ORDER BY s.indicator_id, u.id",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        let mut shares: HashMap<IndicatorId, Vec<(UnitId, String, f64)>> = HashMap::new();
        for r in &share_rows {
            shares.entry(get(r, "indicator_id")?).or_default().push((
                get(r, "unit_id")?,
                get(r, "name")?,
                get(r, "target")?,
            ));
        }
        let pairs = sqlx::query(
            "SELECT a.unit_id, a.item_id FROM assignments a WHERE a.item_id IN (SELECT id FROM items WHERE plan_id = $1 AND is_task = 1)",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        let mut tasks_of_unit: HashMap<UnitId, Vec<ItemId>> = HashMap::new();
        for r in &pairs {
            tasks_of_unit.entry(get(r, "unit_id")?).or_default().push(get(r, "item_id")?);
        }
        let shape = std::sync::Arc::new(PlanShape {
            tasks,
            part_titles,
            owed: owed_by,
            holders: holders_of,
            indicators: self.indicators_of_plan(plan_id).await?,
            shares,
            tasks_of_unit,
        });
        if let Ok(mut cache) = self.shapes.0.lock() {
            cache.insert(plan_id, (version, shape.clone()));
        }
        Ok(shape)
    }
}

fn ratio(n: i64, d: i64) -> f64 {
    if d == 0 { 0.0 } else { n as f64 / d as f64 }
}
