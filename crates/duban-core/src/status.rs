//! The status engine: actual against expected progress on the time line, and a year-end forecast.
//!
//! Expected progress runs in a straight line from the baseline at the start to the target at the deadline
//! (序时进度). An indicator at or above `on_track` (95 %) of its expected progress is 正常推进, below is 滞后;
//! a target met is 已完成; a deadline passed without it is 逾期; nothing reported is 未报送. A task takes the
//! worst of its indicators, or, when it has none, the percentage its units report.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Completed,
    OnTrack,
    Lagging,
    NotReported,
    Overdue,
}

impl Status {
    pub const ALL: [Status; 5] =
        [Status::Completed, Status::OnTrack, Status::Lagging, Status::NotReported, Status::Overdue];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Completed => "completed",
            Status::OnTrack => "on_track",
            Status::Lagging => "lagging",
            Status::NotReported => "not_reported",
            Status::Overdue => "overdue",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Status::Completed => "已完成",
            Status::OnTrack => "正常推进",
            Status::Lagging => "滞后",
            Status::NotReported => "未报送",
            Status::Overdue => "逾期",
        }
    }
    /// How bad it is, for "the worst of": completed < on track < lagging < not reported < overdue.
    fn severity(self) -> u8 {
        match self {
            Status::Completed => 0,
            Status::OnTrack => 1,
            Status::Lagging => 2,
            Status::NotReported => 3,
            Status::Overdue => 4,
        }
    }
    pub fn worst(self, other: Status) -> Status {
        if other.severity() > self.severity() { other } else { self }
    }
}

/// Thresholds of the engine; the office may change them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Thresholds {
    /// Share of expected progress at or above which a task is on track (0.95).
    pub on_track: f64,
    /// Below this share a lagging task is also at risk (0.85); shown, not a separate status.
    pub at_risk: f64,
    /// A task not completed whose deadline is this close is due soon (blue light).
    pub due_soon_days: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds { on_track: 0.95, at_risk: 0.85, due_soon_days: 15 }
    }
}

/// Comparator of a target, written as in `duban.plan/1` (`>=`, `>`, `<=`, `<`, `=`, `range`) in JSON and
/// in the database. The one comparator of the records; the parser's `Op` becomes one at import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Comparator {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = ">")]
    MoreThan,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = "<")]
    LessThan,
    #[serde(rename = "=")]
    Exactly,
    #[serde(rename = "range")]
    Range,
}

impl Comparator {
    pub const ALL: [Comparator; 6] = [
        Comparator::AtLeast,
        Comparator::MoreThan,
        Comparator::AtMost,
        Comparator::LessThan,
        Comparator::Exactly,
        Comparator::Range,
    ];

    pub fn parse(op: &str) -> Option<Comparator> {
        Comparator::ALL.into_iter().find(|c| c.as_str() == op)
    }

    /// As in `duban.plan/1` and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Comparator::AtLeast => ">=",
            Comparator::MoreThan => ">",
            Comparator::AtMost => "<=",
            Comparator::LessThan => "<",
            Comparator::Exactly => "=",
            Comparator::Range => "range",
        }
    }

    /// As a ledger prints it before the value (≥8.8万套); nothing for an exact value or a range.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::MoreThan => ">",
            Comparator::AtMost => "≤",
            Comparator::LessThan => "<",
            Comparator::Exactly | Comparator::Range => "",
        }
    }

    /// Does meeting it mean reaching up to the target (as opposed to staying below it)?
    pub fn is_floor(self) -> bool {
        matches!(self, Comparator::AtLeast | Comparator::MoreThan | Comparator::Exactly | Comparator::Range)
    }
}

/// An indicator on the time line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Indicator {
    pub comparator: Comparator,
    pub target: f64,
    /// Where the count starts (0 for "build 8.8万套 this year"; last year's rate for "raise to 95%").
    pub baseline: f64,
    pub start: NaiveDate,
    pub deadline: NaiveDate,
    /// Values planned at given days (阶段性目标), if any: expected progress runs through them instead of
    /// in one straight line.
    #[serde(default)]
    pub milestones: Vec<(NaiveDate, f64)>,
}

impl Indicator {
    /// Does the target go down (降低到, 控制在…以内)?
    fn decreasing(&self) -> bool {
        match self.comparator {
            Comparator::AtMost | Comparator::LessThan => true,
            Comparator::Exactly => self.target < self.baseline,
            _ => false,
        }
    }

    /// Share of the time line gone by at `day`, 0 to 1.
    pub fn time_share(&self, day: NaiveDate) -> f64 {
        let total = (self.deadline - self.start).num_days();
        if total <= 0 {
            return if day >= self.deadline { 1.0 } else { 0.0 };
        }
        let gone = (day - self.start).num_days() as f64 / total as f64;
        gone.clamp(0.0, 1.0)
    }

    /// Expected value at `day` (序时进度): straight from the baseline to the target, or through the
    /// milestones when there are any.
    pub fn expected(&self, day: NaiveDate) -> f64 {
        if self.milestones.is_empty() {
            return self.baseline + (self.target - self.baseline) * self.time_share(day);
        }
        let mut points = Vec::with_capacity(self.milestones.len() + 2);
        points.push((self.start, self.baseline));
        let mut ms: Vec<(NaiveDate, f64)> =
            self.milestones.iter().copied().filter(|(d, _)| *d > self.start && *d < self.deadline).collect();
        ms.sort_by_key(|m| m.0);
        points.extend(ms);
        points.push((self.deadline, self.target));
        if day <= self.start {
            return self.baseline;
        }
        for w in points.windows(2) {
            let [(d0, v0), (d1, v1)] = [w.first().copied(), w.get(1).copied()].map(|p| p.unwrap_or((day, 0.0)));
            if day <= d1 {
                let span = (d1 - d0).num_days().max(1) as f64;
                return v0 + (v1 - v0) * ((day - d0).num_days() as f64 / span);
            }
        }
        self.target
    }

    pub fn is_met(&self, value: f64) -> bool {
        let eps = 1e-9 * self.target.abs().max(1.0);
        match self.comparator {
            Comparator::AtLeast | Comparator::Range => value >= self.target - eps,
            Comparator::MoreThan => value > self.target,
            Comparator::AtMost => value <= self.target + eps,
            Comparator::LessThan => value < self.target,
            Comparator::Exactly => {
                if self.decreasing() {
                    value <= self.target + eps
                } else {
                    value >= self.target - eps
                }
            }
        }
    }

    /// Actual progress as a share of expected progress, both measured from the baseline.
    pub fn progress_ratio(&self, actual: f64, day: NaiveDate) -> f64 {
        let expected_change = self.expected(day) - self.baseline;
        if expected_change.abs() < f64::EPSILON {
            return 1.0;
        }
        (actual - self.baseline) / expected_change
    }
}

/// What the engine says about one indicator at one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Assessment {
    pub status: Status,
    pub expected: f64,
    pub actual: Option<f64>,
    /// Actual over expected progress; `None` when nothing is reported.
    pub ratio: Option<f64>,
    pub at_risk: bool,
    pub due_soon: bool,
}

pub fn assess_indicator(ind: &Indicator, actual: Option<f64>, day: NaiveDate, th: &Thresholds) -> Assessment {
    let expected = ind.expected(day);
    let due_soon = due_soon(ind.deadline, day, th);
    let Some(value) = actual else {
        let status = if day > ind.deadline { Status::Overdue } else { Status::NotReported };
        return Assessment { status, expected, actual: None, ratio: None, at_risk: false, due_soon };
    };
    let ratio = ind.progress_ratio(value, day);
    let status = if ind.is_met(value) {
        Status::Completed
    } else if day > ind.deadline {
        Status::Overdue
    } else if ratio >= th.on_track {
        Status::OnTrack
    } else {
        Status::Lagging
    };
    let done = status == Status::Completed;
    Assessment {
        status,
        expected,
        actual: Some(value),
        ratio: Some(ratio),
        at_risk: !done && ratio < th.at_risk,
        due_soon: due_soon && !done,
    }
}

fn due_soon(deadline: NaiveDate, day: NaiveDate, th: &Thresholds) -> bool {
    day <= deadline && (deadline - day).num_days() <= i64::from(th.due_soon_days)
}

/// What a task's reports say for one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TaskFacts {
    pub start: NaiveDate,
    pub deadline: NaiveDate,
    /// Kept up without an end (长期坚持): `deadline` is only the year's horizon, and the task is never
    /// overdue by it.
    #[serde(default)]
    pub ongoing: bool,
    /// Did any assigned unit send (submit) a report for the period?
    pub reported: bool,
    /// Percentage complete as reported (the lowest of the units that reported), 0–100.
    pub percent: Option<f64>,
    /// The units marked the task as finished.
    pub finished: bool,
}

/// A task's status: the worst of its indicators, or its reported percentage against the time line.
pub fn assess_task(facts: &TaskFacts, indicators: &[Assessment], day: NaiveDate, th: &Thresholds) -> Assessment {
    let line = Indicator {
        comparator: Comparator::AtLeast,
        target: 100.0,
        baseline: 0.0,
        start: facts.start,
        deadline: facts.deadline,
        milestones: Vec::new(),
    };
    let mut by_percent = if facts.finished {
        assess_indicator(&line, Some(100.0), day, th)
    } else {
        assess_indicator(&line, facts.percent, day, th)
    };
    // Past the horizon an ongoing task that is behind is lagging, not overdue: nothing was due.
    if facts.ongoing {
        by_percent.due_soon = false;
        if by_percent.status == Status::Overdue {
            by_percent.status = Status::Lagging;
        }
    }
    if !facts.reported && !facts.finished {
        let status = if day > facts.deadline && !facts.ongoing { Status::Overdue } else { Status::NotReported };
        return Assessment { status, actual: None, ratio: None, at_risk: false, ..by_percent };
    }
    // An indicator without a value in a report that was sent is unknown, not "not reported".
    let known: Vec<&Assessment> = indicators.iter().filter(|a| a.status != Status::NotReported).collect();
    let Some((first, rest)) = known.split_first() else {
        return by_percent;
    };
    let mut out = by_percent.clone();
    // The indicators decide, together with the percentage when the units gave one (a task is usually more
    // than its numbers).
    let mut status = first.status;
    for a in rest {
        status = status.worst(a.status);
    }
    if facts.percent.is_some() || facts.finished {
        status = status.worst(by_percent.status);
    }
    out.status = status;
    out.at_risk = known.iter().any(|a| a.at_risk);
    out.due_soon = status != Status::Completed && !facts.ongoing && due_soon(facts.deadline, day, th);
    out.ratio = known.iter().filter_map(|a| a.ratio).reduce(f64::min);
    out
}

/// Where an indicator is heading at its present pace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Forecast {
    /// The value expected at the deadline at this pace.
    pub at_deadline: f64,
    /// The day the target is reached at this pace, if it is reached by the end of the year after.
    pub reached_on: Option<NaiveDate>,
    /// How far short of the target the deadline value falls, as a share of the needed change (0.12 = 12 %
    /// short); 0 when it is reached.
    pub shortfall: f64,
}

/// A straight line fitted (least squares) through the reported values, with the baseline at the start as a
/// point of its own, projected to the deadline. `None` without a reported value.
pub fn forecast(ind: &Indicator, points: &[(NaiveDate, f64)]) -> Option<Forecast> {
    if points.is_empty() {
        return None;
    }
    let mut xs = Vec::with_capacity(points.len() + 1);
    xs.push((0.0, ind.baseline));
    for (day, v) in points {
        xs.push(((*day - ind.start).num_days() as f64, *v));
    }
    let n = xs.len() as f64;
    let mean_x = xs.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = xs.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = xs.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = xs.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { 0.0 };
    let intercept = mean_y - slope * mean_x;
    let deadline_x = (ind.deadline - ind.start).num_days() as f64;
    let at_deadline = intercept + slope * deadline_x;
    let needed = ind.target - ind.baseline;
    let reached_on = if slope.abs() > f64::EPSILON && (needed * slope) > 0.0 {
        let x = (ind.target - intercept) / slope;
        let limit = deadline_x + 730.0;
        if x <= limit {
            let days = x.max(0.0).ceil() as u64;
            ind.start.checked_add_days(Days::new(days))
        } else {
            None
        }
    } else if ind.is_met(at_deadline) {
        Some(ind.start)
    } else {
        None
    };
    let shortfall = if ind.is_met(at_deadline) || needed.abs() < f64::EPSILON {
        0.0
    } else {
        ((ind.target - at_deadline) / needed).clamp(0.0, f64::MAX)
    };
    Some(Forecast { at_deadline, reached_on, shortfall })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn housing() -> Indicator {
        // 建设保障性租赁住房8.8万套（间）in 2022.
        Indicator {
            comparator: Comparator::AtLeast,
            target: 88_000.0,
            baseline: 0.0,
            start: d("2022-01-01"),
            deadline: d("2022-12-31"),
            milestones: Vec::new(),
        }
    }

    #[test]
    fn expected_progress_is_linear_to_the_deadline() {
        let h = housing();
        assert_eq!(h.expected(d("2022-01-01")), 0.0);
        assert_eq!(h.expected(d("2022-12-31")), 88_000.0);
        let mid = h.expected(d("2022-07-02"));
        assert!((mid - 44_000.0).abs() < 200.0, "{mid}");
        assert_eq!(h.expected(d("2023-03-01")), 88_000.0);
    }

    #[test]
    fn milestones_shape_the_expected_line() {
        // Half the houses are planned for the third quarter: little is expected by June.
        let h = Indicator { milestones: vec![(d("2022-06-30"), 20_000.0), (d("2022-09-30"), 70_000.0)], ..housing() };
        assert!((h.expected(d("2022-06-30")) - 20_000.0).abs() < 1e-6);
        assert!((h.expected(d("2022-08-15")) - 45_000.0).abs() < 1_000.0);
        assert_eq!(h.expected(d("2022-12-31")), 88_000.0);
        let th = Thresholds::default();
        assert_eq!(assess_indicator(&h, Some(19_500.0), d("2022-06-30"), &th).status, Status::OnTrack);
        assert_eq!(assess_indicator(&housing(), Some(19_500.0), d("2022-06-30"), &th).status, Status::Lagging);
    }

    #[test]
    fn statuses_follow_the_thresholds() {
        let h = housing();
        let th = Thresholds::default();
        let day = d("2022-06-30");
        let expected = h.expected(day);
        assert_eq!(assess_indicator(&h, Some(expected * 0.96), day, &th).status, Status::OnTrack);
        let lag = assess_indicator(&h, Some(expected * 0.90), day, &th);
        assert_eq!(lag.status, Status::Lagging);
        assert!(!lag.at_risk);
        assert!(assess_indicator(&h, Some(expected * 0.5), day, &th).at_risk);
        assert_eq!(assess_indicator(&h, Some(88_000.0), day, &th).status, Status::Completed);
        assert_eq!(assess_indicator(&h, None, day, &th).status, Status::NotReported);
        assert_eq!(assess_indicator(&h, Some(80_000.0), d("2023-01-05"), &th).status, Status::Overdue);
        let strict = Thresholds { on_track: 0.99, ..th };
        assert_eq!(assess_indicator(&h, Some(expected * 0.96), day, &strict).status, Status::Lagging);
        assert!(assess_indicator(&h, Some(80_000.0), d("2022-12-20"), &th).due_soon);
        assert!(!assess_indicator(&h, Some(80_000.0), d("2022-11-20"), &th).due_soon);
    }

    #[test]
    fn decreasing_targets() {
        // 单位GDP能耗 from 100 down to 97 (a 3 % cut).
        let e = Indicator {
            comparator: Comparator::AtMost,
            target: 97.0,
            baseline: 100.0,
            start: d("2022-01-01"),
            deadline: d("2022-12-31"),
            milestones: Vec::new(),
        };
        let th = Thresholds::default();
        let day = d("2022-07-02");
        assert_eq!(assess_indicator(&e, Some(98.5), day, &th).status, Status::OnTrack);
        assert_eq!(assess_indicator(&e, Some(99.5), day, &th).status, Status::Lagging);
        assert_eq!(assess_indicator(&e, Some(96.9), day, &th).status, Status::Completed);
    }

    #[test]
    fn forecast_from_reported_values() {
        let h = housing();
        // Steady 8,000 a month reaches 88,000 around mid-November.
        let pts: Vec<_> = (1..=6).map(|m| (d(&format!("2022-{m:02}-28")), 8_000.0 * m as f64)).collect();
        let f = forecast(&h, &pts).unwrap();
        assert!(f.at_deadline > 88_000.0, "{f:?}");
        assert_eq!(f.shortfall, 0.0);
        let reached = f.reached_on.unwrap();
        assert!(reached > d("2022-10-15") && reached < d("2022-12-01"), "{reached}");
        // 5,000 a month falls short by about 30 %.
        let pts: Vec<_> = (1..=6).map(|m| (d(&format!("2022-{m:02}-28")), 5_000.0 * m as f64)).collect();
        let f = forecast(&h, &pts).unwrap();
        assert!((f.shortfall - 0.31).abs() < 0.05, "{f:?}");
        assert!(f.reached_on.unwrap() > d("2022-12-31"));
        assert!(forecast(&h, &[]).is_none());
    }

    #[test]
    fn tasks_without_indicators_follow_the_reported_percentage() {
        let th = Thresholds::default();
        let facts = TaskFacts {
            start: d("2022-01-01"),
            deadline: d("2022-12-31"),
            ongoing: false,
            reported: true,
            percent: Some(50.0),
            finished: false,
        };
        assert_eq!(assess_task(&facts, &[], d("2022-06-30"), &th).status, Status::OnTrack);
        assert_eq!(assess_task(&facts, &[], d("2022-09-30"), &th).status, Status::Lagging);
        let silent = TaskFacts { reported: false, ..facts.clone() };
        assert_eq!(assess_task(&silent, &[], d("2022-06-30"), &th).status, Status::NotReported);
        let done = TaskFacts { finished: true, ..facts.clone() };
        assert_eq!(assess_task(&done, &[], d("2022-06-30"), &th).status, Status::Completed);
        // Past the year's end an unfinished task is overdue, unless it is kept up without an end (长期坚持):
        // then it is lagging when behind, and a silence is only a silence.
        assert_eq!(assess_task(&facts, &[], d("2023-01-15"), &th).status, Status::Overdue);
        assert_eq!(assess_task(&silent, &[], d("2023-01-15"), &th).status, Status::Overdue);
        let kept_up = TaskFacts { ongoing: true, ..facts.clone() };
        assert_eq!(assess_task(&kept_up, &[], d("2023-01-15"), &th).status, Status::Lagging);
        assert!(!assess_task(&kept_up, &[], d("2022-12-25"), &th).due_soon);
        let kept_silent = TaskFacts { ongoing: true, reported: false, ..facts.clone() };
        assert_eq!(assess_task(&kept_silent, &[], d("2023-01-15"), &th).status, Status::NotReported);
        let h = housing();
        let lag = assess_indicator(&h, Some(10_000.0), d("2022-06-30"), &th);
        assert_eq!(assess_task(&facts, std::slice::from_ref(&lag), d("2022-06-30"), &th).status, Status::Lagging);
        // An indicator left blank in a sent report does not make the task "not reported".
        let blank = assess_indicator(&h, None, d("2022-06-30"), &th);
        assert_eq!(assess_task(&facts, &[lag, blank.clone()], d("2022-06-30"), &th).status, Status::Lagging);
        assert_eq!(assess_task(&facts, &[blank], d("2022-06-30"), &th).status, Status::OnTrack);
    }
}
