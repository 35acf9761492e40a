//! Gathering what the office files need from the store (the files themselves are made by `duban-office`).

use std::collections::HashMap;

use duban_core::{Error, Thresholds};
use duban_office::ProgressLine;
use duban_store::Store;

/// The ledger of a plan as .xlsx (or CSV) bytes, with the progress and status of `period` when given.
pub async fn ledger_file(
    store: &Store,
    plan_id: i64,
    period: Option<&str>,
    per_unit: bool,
    csv: bool,
    th: &Thresholds,
) -> Result<Vec<u8>, Error> {
    let ledger = store.ledger(plan_id).await?;
    let (summary, progress) = match period {
        Some(key) => {
            let summary = store.summary(plan_id, key, th).await?;
            let mut progress: HashMap<i64, Vec<ProgressLine>> = HashMap::new();
            for (item, unit, text) in store.period_progress(summary.period.id).await? {
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
