//! 考核: units scored each period and for the year under rules the office sets.
//!
//! A score is a base less points for what went wrong and plus points for what went well, each line naming
//! its event and its task, so that a unit can see where every point came from. The store finds the events
//! (a report sent late, a report still missing when the period locked, a return, a task behind or overdue
//! in the period, a task finished before its deadline, a 督办 not answered by its day); this module puts
//! points on them. Rules are versioned by the store; a score names the version that made it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ids::{ItemId, PeriodId, SupervisionId, UnitId};

/// What a unit is scored on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// A report first sent after the period's due date.
    ReportLate,
    /// A report owed and not sent when the period locked.
    ReportMissing,
    /// A report the office returned (each return counts).
    ReportReturned,
    /// A task behind 序时 in the period, for its lead (or a unit responsible without a lead).
    LaggingLead,
    /// The same, for a supporting unit.
    LaggingCo,
    /// A task past its deadline and not done, for its lead.
    OverdueLead,
    /// The same, for a supporting unit.
    OverdueCo,
    /// A task completed before its deadline (counted in the first period it is completed).
    FinishedEarly,
    /// A 督办 the unit had not answered by its reply date.
    SupervisionUnanswered,
}

impl Event {
    pub const ALL: [Event; 9] = [
        Event::ReportLate,
        Event::ReportMissing,
        Event::ReportReturned,
        Event::LaggingLead,
        Event::LaggingCo,
        Event::OverdueLead,
        Event::OverdueCo,
        Event::FinishedEarly,
        Event::SupervisionUnanswered,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::ReportLate => "report_late",
            Event::ReportMissing => "report_missing",
            Event::ReportReturned => "report_returned",
            Event::LaggingLead => "lagging_lead",
            Event::LaggingCo => "lagging_co",
            Event::OverdueLead => "overdue_lead",
            Event::OverdueCo => "overdue_co",
            Event::FinishedEarly => "finished_early",
            Event::SupervisionUnanswered => "supervision_unanswered",
        }
    }

    pub fn parse(s: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// As an office writes it in a 考核 sheet.
    pub fn label_zh(self) -> &'static str {
        match self {
            Event::ReportLate => "逾期报送",
            Event::ReportMissing => "未报送",
            Event::ReportReturned => "报送被退回",
            Event::LaggingLead => "牵头任务滞后",
            Event::LaggingCo => "配合任务滞后",
            Event::OverdueLead => "牵头任务逾期",
            Event::OverdueCo => "配合任务逾期",
            Event::FinishedEarly => "提前完成任务",
            Event::SupervisionUnanswered => "督办逾期未回复",
        }
    }
}

/// The office's rules: a base score and the points of each event (negative: a deduction).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Rules {
    pub base: f64,
    /// Points per occurrence; an event not listed scores nothing.
    pub points: BTreeMap<Event, f64>,
}

impl Default for Rules {
    /// The starting set: 100 points; late −1, missing −2, returned −0.5, lagging −1 for a lead and −0.5 for
    /// a co-unit, overdue −2 and −1, finished early +2, an unanswered 督办 −1.
    fn default() -> Rules {
        let points = BTreeMap::from([
            (Event::ReportLate, -1.0),
            (Event::ReportMissing, -2.0),
            (Event::ReportReturned, -0.5),
            (Event::LaggingLead, -1.0),
            (Event::LaggingCo, -0.5),
            (Event::OverdueLead, -2.0),
            (Event::OverdueCo, -1.0),
            (Event::FinishedEarly, 2.0),
            (Event::SupervisionUnanswered, -1.0),
        ]);
        Rules { base: 100.0, points }
    }
}

/// The largest points an office may put on one event, and the largest base: far beyond any office's
/// scale, small enough that no sum of a year's events overflows into nonsense.
pub const MAX_POINTS: f64 = 1000.0;

impl Rules {
    /// Every figure finite and within bounds.
    pub fn check(&self) -> Result<(), crate::Error> {
        let ok = |v: f64| v.is_finite() && v.abs() <= MAX_POINTS;
        if !ok(self.base) {
            return Err(crate::Error::bad_input("assessment.base").arg("max", MAX_POINTS));
        }
        if let Some((e, _)) = self.points.iter().find(|(_, v)| !ok(**v)) {
            return Err(crate::Error::bad_input("assessment.points").arg("event", e.as_str()).arg("max", MAX_POINTS));
        }
        Ok(())
    }
}

/// One thing that happened, as the store found it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Occurrence {
    pub unit_id: UnitId,
    pub period_id: PeriodId,
    pub event: Event,
    pub item_id: Option<ItemId>,
    pub supervision_id: Option<SupervisionId>,
}

/// A line of a unit's score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScoreLine {
    #[serde(flatten)]
    pub occurrence: Occurrence,
    pub points: f64,
}

/// A unit's score: the base, its lines, the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitScore {
    pub unit_id: UnitId,
    pub base: f64,
    pub deductions: f64,
    pub bonus: f64,
    pub total: f64,
    pub lines: Vec<ScoreLine>,
}

/// Scores `units` (every unit assessed, with or without events) from the occurrences, each period's
/// under its own rules (`rules_of`): one base, the lines of every period. Units in the order given.
pub fn score<'a>(
    units: &[UnitId],
    occurrences: &[Occurrence],
    base: f64,
    rules_of: impl Fn(PeriodId) -> &'a Rules,
) -> Vec<UnitScore> {
    units
        .iter()
        .map(|u| {
            let lines: Vec<ScoreLine> = occurrences
                .iter()
                .filter(|o| o.unit_id == *u)
                .filter_map(|o| {
                    let points = rules_of(o.period_id).points.get(&o.event).copied().unwrap_or(0.0);
                    (points != 0.0).then(|| ScoreLine { occurrence: o.clone(), points })
                })
                .collect();
            let deductions: f64 = lines.iter().filter(|l| l.points < 0.0).map(|l| l.points).sum();
            let bonus: f64 = lines.iter().filter(|l| l.points > 0.0).map(|l| l.points).sum();
            UnitScore { unit_id: *u, base, deductions, bonus, total: base + deductions + bonus, lines }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occ(unit: i64, period: i64, event: Event, item: i64) -> Occurrence {
        Occurrence {
            unit_id: UnitId(unit),
            period_id: PeriodId(period),
            event,
            item_id: Some(ItemId(item)),
            supervision_id: None,
        }
    }

    #[test]
    fn a_score_is_the_base_less_deductions_plus_bonus_line_by_line() {
        let rules = Rules::default();
        let occurrences = [
            occ(1, 10, Event::ReportLate, 100),
            occ(1, 10, Event::LaggingLead, 100),
            occ(2, 10, Event::LaggingCo, 100),
            occ(2, 11, Event::FinishedEarly, 101),
            occ(1, 11, Event::ReportReturned, 100),
        ];
        let s = score(&[UnitId(1), UnitId(2), UnitId(3)], &occurrences, rules.base, |_| &rules);
        assert_eq!(s[0].lines.len(), 3);
        assert_eq!((s[0].deductions, s[0].bonus, s[0].total), (-2.5, 0.0, 97.5));
        assert_eq!((s[1].deductions, s[1].bonus, s[1].total), (-0.5, 2.0, 101.5));
        assert_eq!((s[2].total, s[2].lines.len()), (100.0, 0), "a unit with nothing keeps the base");
    }

    #[test]
    fn each_period_is_scored_under_its_own_rules() {
        let old = Rules::default();
        let mut new = Rules::default();
        new.points.insert(Event::ReportLate, -3.0);
        new.points.remove(&Event::ReportReturned);
        let occurrences =
            [occ(1, 10, Event::ReportLate, 1), occ(1, 11, Event::ReportLate, 1), occ(1, 11, Event::ReportReturned, 1)];
        let s = score(&[UnitId(1)], &occurrences, 100.0, |p| if p == PeriodId(10) { &old } else { &new });
        let points: Vec<f64> = s[0].lines.iter().map(|l| l.points).collect();
        assert_eq!(points, [-1.0, -3.0], "an event the rules drop scores nothing and has no line");
        assert_eq!(s[0].total, 96.0);
    }

    #[test]
    fn rules_out_of_bounds_are_refused() {
        let mut r = Rules::default();
        assert!(r.check().is_ok());
        r.points.insert(Event::ReportLate, f64::NAN);
        assert_eq!(r.check().map_err(|e| e.code), Err("assessment.points"));
        let r = Rules { base: 1e9, ..Rules::default() };
        assert_eq!(r.check().map_err(|e| e.code), Err("assessment.base"));
        for e in Event::ALL {
            assert_eq!(Event::parse(e.as_str()), Some(e));
        }
    }
}
