//! What the store keeps in memory between requests: the shape of each plan and the summaries computed
//! from it. Plain data here, so that the database layer (which owns the caches) and the summary (which
//! fills and reads them) both depend on this module and not on each other.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use duban_model::{IndicatorId, ItemId, PeriodId, PlanId, Summary, UnitId};

#[derive(Debug)]
pub(crate) struct TaskRow {
    pub(crate) id: ItemId,
    pub(crate) path: String,
    pub(crate) title: String,
    pub(crate) deadline: NaiveDate,
    /// Kept up without an end (长期坚持): never overdue.
    pub(crate) ongoing: bool,
}

/// What the summary needs of a plan that changes only when the plan is edited: its tasks, parts, how many
/// reports each unit owes, who holds each task, its indicators. Kept per plan, `row_version` (every edit
/// bumps it) and the directory's version (units' names and 排序), both read from the database each time,
/// so several servers stay right.
#[derive(Debug)]
pub(crate) struct PlanShape {
    pub(crate) tasks: Vec<TaskRow>,
    pub(crate) part_titles: BTreeMap<String, String>,
    /// Per unit: its name, the reports it owes per period, and its 排序.
    pub(crate) owed: Vec<(UnitId, String, i64, i64)>,
    /// Each task's number of holders and its lead's name.
    pub(crate) holders: HashMap<ItemId, (i64, Option<String>)>,
    pub(crate) indicators: Vec<crate::IndicatorRecord>,
    /// Split targets: indicator → (unit, unit name, its part).
    pub(crate) shares: HashMap<IndicatorId, Vec<(UnitId, String, f64)>>,
    /// The tasks each unit holds.
    pub(crate) tasks_of_unit: HashMap<UnitId, Vec<ItemId>>,
}

/// Plan version, reports version, the thresholds' bits, and the directory's version.
pub(crate) type SummaryKey = (i64, i64, u64, u64, u32, i64);
/// (plan, period) → the key a summary was computed at, and the summary.
pub(crate) type KeptSummaries = HashMap<(PlanId, PeriodId), (SummaryKey, std::sync::Arc<Summary>)>;

/// Summaries kept per (plan, period), each with the versions it was computed at.
#[derive(Debug, Default)]
pub(crate) struct SummaryCache(pub(crate) std::sync::Mutex<KeptSummaries>);

#[derive(Debug, Default)]
pub(crate) struct ShapeCache(pub(crate) std::sync::Mutex<HashMap<PlanId, KeptShape>>);

/// A plan's shape with the (plan row version, directory version) it was read at.
pub(crate) type KeptShape = ((i64, i64), std::sync::Arc<PlanShape>);
