//! A period's summary: statuses, rates, lagging tasks, indicators with forecasts.

use chrono::NaiveDate;
use duban_core::status::Forecast;
use duban_core::{IndicatorId, ItemId, PlanId, Status, UnitId};
use serde::{Deserialize, Serialize};

use crate::PeriodRecord;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StatusCounts {
    pub completed: i64,
    pub on_track: i64,
    pub lagging: i64,
    pub not_reported: i64,
    pub overdue: i64,
}

impl StatusCounts {
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Completed => self.completed += 1,
            Status::OnTrack => self.on_track += 1,
            Status::Lagging => self.lagging += 1,
            Status::NotReported => self.not_reported += 1,
            Status::Overdue => self.overdue += 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TaskSummary {
    pub item_id: ItemId,
    pub path: String,
    pub title: String,
    pub status: Status,
    pub status_zh: String,
    pub ratio: Option<f64>,
    pub at_risk: bool,
    pub due_soon: bool,
    pub deadline: NaiveDate,
    /// The lead unit, when the plan names one.
    pub lead: Option<String>,
    /// How many units hold the task (the ledger lists them), so owe a report on it for the period.
    pub unit_count: i64,
    /// How many of them sent it (submitted or approved).
    pub received: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitRate {
    pub unit_id: UnitId,
    pub name: String,
    /// The unit's protocol order (排序) in the directory: ties in the ranking, and lists of units
    /// without a plan's printed order, follow it.
    pub sort_order: i64,
    /// Reports owed for the period (one per task held).
    pub owed: i64,
    /// Submitted or approved.
    pub received: i64,
    /// First sent by the due date.
    pub on_time: i64,
    pub completeness: f64,
    pub on_time_rate: f64,
    /// The worst of: the statuses of the tasks it holds, and 未报送 while it owes reports.
    pub status: Status,
    /// Its tasks by status (a task nobody reported on counts as 未报送 here too).
    pub counts: StatusCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IndicatorSummary {
    pub indicator_id: IndicatorId,
    pub item_id: ItemId,
    pub path: String,
    pub metric: String,
    pub op: duban_core::status::Comparator,
    pub target: f64,
    pub unit: String,
    pub deadline: NaiveDate,
    pub actual: Option<f64>,
    pub expected: f64,
    pub status: Status,
    pub ratio: Option<f64>,
    pub forecast: Option<Forecast>,
    /// When the target is split across units: each unit's part; `actual` above is their sum.
    pub shares: Vec<ShareSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShareSummary {
    pub unit_id: UnitId,
    pub name: String,
    pub target: f64,
    pub actual: Option<f64>,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartSummary {
    pub path: String,
    pub title: String,
    pub counts: StatusCounts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Summary {
    pub plan_id: PlanId,
    /// The worst status of its tasks.
    pub status: Status,
    pub period: PeriodRecord,
    /// The day the status is measured at: the end of the period.
    pub as_of: NaiveDate,
    pub tasks_total: i64,
    pub counts: StatusCounts,
    pub reports_owed: i64,
    pub reports_received: i64,
    pub reports_on_time: i64,
    pub completeness: f64,
    pub on_time_rate: f64,
    pub parts: Vec<PartSummary>,
    pub tasks: Vec<TaskSummary>,
    pub lagging: Vec<TaskSummary>,
    /// Units, best first by completeness then timeliness.
    pub units: Vec<UnitRate>,
    pub indicators: Vec<IndicatorSummary>,
}
