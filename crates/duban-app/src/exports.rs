//! Gathering what the office files need from the store (the files themselves are made by `duban-office`).

use duban_core::{ItemId, PlanId, UnitId};
use std::collections::HashMap;

use duban_core::{Error, Thresholds};
use duban_office::ProgressLine;
use duban_store::Store;

/// The ledger of a plan as .xlsx (or CSV) bytes, with the progress and status of `period` when given.
/// For a unit's people (`reader` a leader or reporter) the progress column holds their own unit's reports
/// only: other units' report texts are for the office and leadership (the README's access section).
pub async fn ledger_file(
    store: &Store,
    reader: &duban_core::Actor,
    plan_id: PlanId,
    period: Option<&str>,
    per_unit: bool,
    csv: bool,
    th: &Thresholds,
) -> Result<Vec<u8>, Error> {
    let ledger = store.ledger(plan_id).await?;
    let (summary, progress) = match period {
        Some(key) => {
            let summary = store.summary(plan_id, key, th).await?;
            let mut progress: HashMap<ItemId, Vec<ProgressLine>> = HashMap::new();
            let only_unit = if reader.role.needs_unit() { Some(reader.unit_id.unwrap_or(UnitId(-1))) } else { None };
            for (item, _, unit, text) in store.period_progress(summary.period.id, only_unit).await? {
                progress.entry(item).or_default().push(ProgressLine { unit, text });
            }
            (Some(summary), progress)
        }
        None => (None, HashMap::new()),
    };
    if csv {
        Ok(duban_office::ledger_csv(&ledger, summary.as_ref(), &progress).into_bytes())
    } else {
        duban_office::ledger_xlsx(&ledger, summary.as_ref(), &progress, per_unit)
    }
}

/// The 调度通报 of a plan for a period as .docx bytes. The issuer defaults to the plan's issuer; the
/// bulletin is numbered by the period's place among the plan's periods and dated the period's due day, so
/// the same records always give the same file. The office's and leadership's: a unit's people may not
/// export it (the office issues it to them).
pub async fn bulletin_file(
    store: &Store,
    reader: &duban_core::Actor,
    plan_id: PlanId,
    period: &str,
    issuer: Option<&str>,
    th: &Thresholds,
) -> Result<Vec<u8>, Error> {
    if reader.role.needs_unit() {
        return Err(Error::forbidden());
    }
    let ledger = store.ledger(plan_id).await?;
    let summary = store.summary(plan_id, period, th).await?;
    let periods = store.periods(plan_id).await?;
    let number = periods.iter().position(|p| p.id == summary.period.id).map_or(1, |i| i + 1);
    let issuer = issuer.map(str::to_string).or_else(|| ledger.issuer.clone()).unwrap_or_else(|| DEFAULT_ISSUER.into());
    let issued_on = summary.period.spec.due_on;
    let supervisions = crate::supervision::open_on(store, reader, plan_id, issued_on).await?;
    // Scored as of the bulletin's day, so that the same records give the same file.
    let as_of = chrono::DateTime::from_timestamp(duban_core::periods::end_of_day(issued_on), 0).unwrap_or_default();
    let assessment = crate::assessment::assess(store, reader, plan_id, Some(period), as_of, th).await?;
    duban_office::bulletin_docx(&duban_office::BulletinInput {
        ledger: &ledger,
        summary: &summary,
        issuer: &issuer,
        number,
        issued_on,
        supervisions: &supervisions,
        assessment: Some(&assessment),
    })
}

/// 2022-07-05 → 2022年7月5日.
pub use duban_office::bulletin::date_zh;

/// Who signs a bulletin when neither the request nor the plan names an issuer.
pub const DEFAULT_ISSUER: &str = "工作调度办公室";
