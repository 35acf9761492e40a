//! Offline reporting by Excel: making a unit's pre-filled sheet for a period from the records, and applying
//! an uploaded sheet. The sheet's form is checked in `duban-office`; here each row is checked against the
//! records (the task is the unit's, the indicator the task's, the report not changed online since the
//! download, not already sent), and the rows are saved in one transaction only when every row is right.

use duban_core::{IndicatorId, ItemId, PeriodId, PlanId, UnitId};
use std::collections::HashMap;

use duban_core::{Error, ReportState};
pub use duban_office::report_sheet::read_report_sheet;
use duban_office::report_sheet::{
    COLUMNS, CellProblem, SheetIndicator, SheetMeta, SheetRow, SheetTask, problems_error, report_sheet_xlsx,
};
use duban_store::{Ctx, ReportDraft, ReportFilter, ReportRecord, ReportValue, Store};
use serde::Serialize;

fn state_zh(state: Option<ReportState>, reason: &str) -> String {
    match state {
        None => "未填报".into(),
        Some(ReportState::Returned) if !reason.is_empty() => format!("已退回：{reason}"),
        Some(s) => s.zh().to_string(),
    }
}

async fn reports_of(
    store: &Store,
    ctx: &Ctx,
    period_id: PeriodId,
    unit_id: UnitId,
) -> Result<HashMap<ItemId, ReportRecord>, Error> {
    let filter = ReportFilter {
        period_id: Some(period_id),
        unit_id: Some(unit_id),
        limit: Some(5000),
        ..ReportFilter::default()
    };
    Ok(store.list_reports(&ctx.actor, &filter).await?.into_iter().map(|r| (r.item_id, r)).collect())
}

/// The unit's sheet for the period, pre-filled with this period's reports, else the last period's.
pub async fn report_sheet_file(
    store: &Store,
    ctx: &Ctx,
    plan_id: PlanId,
    period_key: &str,
    unit_id: UnitId,
) -> Result<Vec<u8>, Error> {
    let period = store.period_by_key(plan_id, period_key).await?;
    let todo = store.todo(ctx, period.id, unit_id).await?;
    let ledger = store.ledger(plan_id).await?;
    let unit = store.get_unit(unit_id).await?;
    let items = ledger.by_id();
    let current = reports_of(store, ctx, period.id, unit_id).await?;
    let periods = store.periods(plan_id).await?;
    let previous = match periods.iter().position(|p| p.id == period.id) {
        Some(i) => match i.checked_sub(1).and_then(|p| periods.get(p)) {
            Some(prev) => reports_of(store, ctx, prev.id, unit_id).await?,
            None => HashMap::new(),
        },
        None => HashMap::new(),
    };
    let tasks: Vec<SheetTask> = todo
        .iter()
        .map(|t| {
            let report = current.get(&t.item_id).or_else(|| previous.get(&t.item_id));
            let targets = items.get(&t.item_id).map(|i| i.targets.as_slice()).unwrap_or(&[]);
            let value_of =
                |id: IndicatorId| report.and_then(|r| r.values.iter().find(|v| v.indicator_id == id)).map(|v| v.value);
            SheetTask {
                item_id: t.item_id,
                number: t.path.clone(),
                title: t.title.clone(),
                targets: targets.iter().map(duban_office::target_text).collect::<Vec<_>>().join("；"),
                state: state_zh(t.state, &t.return_reason),
                version: current.get(&t.item_id).map(|r| r.version),
                progress: report.map(|r| r.progress.clone()).unwrap_or_default(),
                problems: report.map(|r| r.problems.clone()).unwrap_or_default(),
                next_steps: report.map(|r| r.next_steps.clone()).unwrap_or_default(),
                percent: report.and_then(|r| r.percent),
                finished: report.is_some_and(|r| r.finished),
                indicators: targets
                    .iter()
                    .map(|ind| SheetIndicator {
                        indicator_id: ind.id,
                        metric: ind.metric.clone(),
                        target: duban_office::target_text(ind),
                        value: value_of(ind.id),
                    })
                    .collect(),
            }
        })
        .collect();
    let meta = SheetMeta { plan_id, period_key: period.spec.key.clone(), unit_id };
    let title = format!("{}——{}{}进展报送表", ledger.plan.title, unit.name, period.spec.label_zh);
    report_sheet_xlsx(&meta, &title, &tasks)
}

/// What an upload did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SheetOutcome {
    pub period: String,
    pub unit_id: UnitId,
    /// Reports written (new or changed).
    pub saved: usize,
    /// Of those, sent to the office.
    pub submitted: usize,
    /// Rows left as they were (unchanged, or empty).
    pub unchanged: usize,
    pub reports: Vec<ReportRecord>,
}

struct TaskInput {
    line: usize,
    item_id: ItemId,
    version: Option<i64>,
    draft: ReportDraft,
}

fn same_content(r: &ReportRecord, d: &ReportDraft) -> bool {
    let mut a: Vec<(IndicatorId, f64)> = r.values.iter().map(|v| (v.indicator_id, v.value)).collect();
    let mut b: Vec<(IndicatorId, f64)> = d.values.iter().map(|v| (v.indicator_id, v.value)).collect();
    a.sort_by_key(|x| x.0);
    b.sort_by_key(|x| x.0);
    r.progress == d.progress
        && r.problems == d.problems
        && r.next_steps == d.next_steps
        && r.percent == d.percent
        && r.finished == d.finished
        && a.len() == b.len()
        && a.iter().zip(&b).all(|(x, y)| x.0 == y.0 && (x.1 - y.1).abs() < 1e-9)
}

/// Applies an uploaded sheet to `plan_id`: every row checked, then all saved (and with `submit`, sent) in
/// one transaction, or nothing.
/// `sheet` is the uploaded file as [`read_report_sheet`] read it (the caller decides where that heavy
/// work runs).
pub async fn apply_report_sheet(
    store: &Store,
    ctx: &Ctx,
    plan_id: PlanId,
    sheet: (SheetMeta, Vec<SheetRow>),
    submit: bool,
) -> Result<SheetOutcome, Error> {
    let (meta, rows) = sheet;
    if meta.plan_id != plan_id {
        return Err(Error::bad_input("sheet.other_plan"));
    }
    if !ctx.actor.can_report_for(meta.unit_id) {
        return Err(Error::new(duban_core::ErrorKind::Forbidden, "sheet.other_unit"));
    }
    let period = store.period_by_key(plan_id, &meta.period_key).await?;
    let todo = store.todo(ctx, period.id, meta.unit_id).await?;
    let owed: HashMap<ItemId, &duban_store::TodoRow> = todo.iter().map(|t| (t.item_id, t)).collect();
    let ledger = store.ledger(plan_id).await?;
    let items = ledger.by_id();
    let current = reports_of(store, ctx, period.id, meta.unit_id).await?;

    let mut problems: Vec<CellProblem> = Vec::new();
    let mut tasks: Vec<TaskInput> = Vec::new();
    for row in rows {
        match row {
            SheetRow::Task { line, item_id, version, progress, problems: issues, next_steps, percent, finished } => {
                if !owed.contains_key(&item_id) {
                    problems.push(CellProblem::new(line, COLUMNS[0], "task_not_owed"));
                    continue;
                }
                tasks.push(TaskInput {
                    line,
                    item_id,
                    version,
                    draft: ReportDraft {
                        period_id: period.id,
                        item_id,
                        unit_id: meta.unit_id,
                        progress,
                        problems: issues,
                        next_steps,
                        percent,
                        finished,
                        values: Vec::new(),
                        milestones: current.get(&item_id).map(|r| r.milestones.clone()).unwrap_or_default(),
                        version: None,
                    },
                });
            }
            SheetRow::Indicator { line, item_id, indicator_id, value } => {
                let belongs = items.get(&item_id).is_some_and(|i| i.targets.iter().any(|t| t.id == indicator_id));
                if !belongs {
                    problems.push(CellProblem::new(line, COLUMNS[0], "indicator_not_of_task"));
                    continue;
                }
                if let (Some(v), Some(t)) = (value, tasks.iter_mut().rev().find(|t| t.item_id == item_id)) {
                    t.draft.values.push(ReportValue { indicator_id, value: v });
                }
            }
        }
    }

    let mut drafts = Vec::new();
    let mut unchanged = 0;
    for t in tasks {
        let existing = current.get(&t.item_id);
        let empty = t.draft.progress.is_empty()
            && t.draft.problems.is_empty()
            && t.draft.next_steps.is_empty()
            && t.draft.percent.is_none()
            && !t.draft.finished
            && t.draft.values.is_empty();
        match existing {
            Some(r) => {
                if t.version != Some(r.version) {
                    problems.push(CellProblem::new(t.line, COLUMNS[0], "report_changed"));
                    continue;
                }
                let sendable = matches!(r.state, ReportState::Draft | ReportState::Returned);
                if same_content(r, &t.draft) && !(submit && sendable) {
                    unchanged += 1;
                    continue;
                }
                if !sendable {
                    problems.push(
                        CellProblem::new(t.line, COLUMNS[6], "report_closed")
                            .arg_message("state", r.state.in_sentence()),
                    );
                    continue;
                }
                drafts.push((t.line, ReportDraft { version: Some(r.version), ..t.draft }));
            }
            None if t.version.is_some() => problems.push(CellProblem::new(t.line, COLUMNS[0], "report_missing")),
            None if empty => unchanged += 1,
            None => drafts.push((t.line, t.draft)),
        }
    }
    if submit {
        for (line, d) in &drafts {
            if d.progress.trim().is_empty() {
                problems.push(CellProblem::new(*line, COLUMNS[6], "progress_required"));
            }
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.line);
        return Err(problems_error(&problems));
    }
    let drafts: Vec<ReportDraft> = drafts.into_iter().map(|(_, d)| d).collect();
    let reports = if drafts.is_empty() { Vec::new() } else { store.save_reports(ctx, &drafts, submit).await? };
    Ok(SheetOutcome {
        period: meta.period_key,
        unit_id: meta.unit_id,
        saved: reports.len(),
        submitted: if submit { reports.len() } else { 0 },
        unchanged,
        reports,
    })
}
