//! 考核 results as the use case gives them out: every unit's score for a period or the year to date, line
//! by line, with the rules version each period was scored under.

use chrono::NaiveDate;
use duban_core::assessment::Event;
use duban_core::{ItemId, PeriodId, PlanId, UnitId};
use serde::{Deserialize, Serialize};

/// The rules version a period was scored under.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PeriodRules {
    pub period_id: PeriodId,
    pub period_key: String,
    pub version: i64,
}

/// One line of a unit's score: what happened, on which task, in which period, for how many points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssessedLine {
    pub event: Event,
    /// 逾期报送, 牵头任务滞后 …
    pub event_zh: String,
    pub period_key: String,
    pub item_id: Option<ItemId>,
    /// The task (path and title), or the 督办's number and task.
    pub subject: String,
    pub points: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssessedUnit {
    /// 1 for the best score; units level on points share a rank.
    pub rank: usize,
    pub unit_id: UnitId,
    pub name: String,
    pub base: f64,
    pub deductions: f64,
    pub bonus: f64,
    pub total: f64,
    pub lines: Vec<AssessedLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Assessment {
    pub plan_id: PlanId,
    /// The period scored; `None`: the year to date (every period begun, one base).
    pub period_key: Option<String>,
    /// 2022年6月, or 2022年度（截至2022年7月2日）.
    pub label: String,
    pub as_of: NaiveDate,
    pub rules: Vec<PeriodRules>,
    /// Best first; ties in the directory's protocol order.
    pub units: Vec<AssessedUnit>,
}

impl Assessment {
    pub fn unit(&self, id: UnitId) -> Option<&AssessedUnit> {
        self.units.iter().find(|u| u.unit_id == id)
    }
}
