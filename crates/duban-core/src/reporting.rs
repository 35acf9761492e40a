//! How a plan's units report: each responsible unit to the office (`direct`, the default), or, where a
//! task names a lead, the co-units to the lead and the lead, once, to the office (`consolidated`:
//! 牵头单位负责汇总报送). A co-unit's report on such a task is a contribution: due some days before the
//! lead's, read by the lead, returned by the lead, never reviewed by the office.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportingMode {
    /// Every responsible unit reports to the office.
    Direct,
    /// Co-units contribute to the lead, which sends one consolidated report.
    Consolidated,
}

impl ReportingMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportingMode::Direct => "direct",
            ReportingMode::Consolidated => "consolidated",
        }
    }
    pub fn parse(s: &str) -> Option<ReportingMode> {
        [ReportingMode::Direct, ReportingMode::Consolidated].into_iter().find(|m| m.as_str() == s)
    }
}

/// How many days before the lead's due date a contribution is due, unless the office says otherwise.
pub const DEFAULT_LEAD_DAYS: u32 = 3;
/// At most this many: a contribution due a month before the lead's is no longer a contribution.
pub const MAX_LEAD_DAYS: u32 = 30;

/// The day a contribution is due: `lead_days` before the lead's `due_on`.
pub fn contribution_due(due_on: NaiveDate, lead_days: u32) -> NaiveDate {
    due_on.checked_sub_days(Days::new(u64::from(lead_days))).unwrap_or(due_on)
}

/// Whether a unit's report on a task goes to the lead: the plan consolidates, the task has a lead, and
/// the unit is a co-unit of it.
pub fn is_contribution(mode: ReportingMode, task_has_lead: bool, unit_is_co: bool) -> bool {
    mode == ReportingMode::Consolidated && task_has_lead && unit_is_co
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contributions_are_due_before_the_lead() {
        let due = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap_or_default();
        assert_eq!(contribution_due(due, 3), NaiveDate::from_ymd_opt(2026, 12, 2).unwrap_or_default());
        assert_eq!(contribution_due(due, 0), due);
        assert!(is_contribution(ReportingMode::Consolidated, true, true));
        assert!(!is_contribution(ReportingMode::Direct, true, true));
        assert!(!is_contribution(ReportingMode::Consolidated, false, true), "no lead: to the office");
        assert!(!is_contribution(ReportingMode::Consolidated, true, false), "the lead itself");
        assert_eq!(ReportingMode::parse("consolidated"), Some(ReportingMode::Consolidated));
        assert_eq!(ReportingMode::parse("both"), None);
    }
}
