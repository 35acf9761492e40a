//! Reporting periods: each has a span, a due date and grace days; after due + grace it is locked.
//!
//! Dates are the office's calendar days (China Standard Time, UTC+8): "due on the 5th" means until
//! midnight in Xi'an, which is 16:00 UTC, so every comparison with the clock goes through [`local_date`].

use chrono::{DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The office's calendar: China Standard Time.
pub fn local_date(now: DateTime<Utc>) -> NaiveDate {
    match FixedOffset::east_opt(8 * 3600) {
        Some(cst) => now.with_timezone(&cst).date_naive(),
        None => now.date_naive(),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PeriodSpec {
    /// `2022-06`, `2022-Q2`, or the office's own key for a custom period.
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub due_on: NaiveDate,
    pub grace_days: u32,
}

impl PeriodSpec {
    /// The last day on which a report is still accepted without an exception.
    pub fn last_open_day(&self) -> NaiveDate {
        self.due_on.checked_add_days(Days::new(u64::from(self.grace_days))).unwrap_or(self.due_on)
    }
    pub fn is_locked(&self, today: NaiveDate) -> bool {
        today > self.last_open_day()
    }
    /// A report sent on `day` is on time when it is sent by the due date (grace days make it accepted, not
    /// on time).
    pub fn is_on_time(&self, day: NaiveDate) -> bool {
        day <= self.due_on
    }
    /// Has the period begun, so that reports are owed for it?
    pub fn is_open(&self, today: NaiveDate) -> bool {
        today >= self.starts_on
    }
}

/// Twelve monthly periods of `year`, each due on day `due_day` of the following month.
pub fn monthly(year: i32, due_day: u32, grace_days: u32) -> Result<Vec<PeriodSpec>, Error> {
    check_due_day(due_day)?;
    let mut out = Vec::with_capacity(12);
    for month in 1..=12u32 {
        let starts_on = ymd(year, month, 1)?;
        let next = starts_on.checked_add_months(Months::new(1)).ok_or_else(|| bad_year(year))?;
        let ends_on = next.pred_opt().ok_or_else(|| bad_year(year))?;
        let due_on = ymd(next.year(), next.month(), due_day)?;
        out.push(PeriodSpec {
            key: format!("{year}-{month:02}"),
            label_zh: format!("{year}年{month}月"),
            label_en: format!("{} {year}", MONTHS_EN.get((month - 1) as usize).copied().unwrap_or_default()),
            starts_on,
            ends_on,
            due_on,
            grace_days,
        });
    }
    Ok(out)
}

/// Four quarterly periods of `year`, each due on day `due_day` of the month after the quarter.
pub fn quarterly(year: i32, due_day: u32, grace_days: u32) -> Result<Vec<PeriodSpec>, Error> {
    check_due_day(due_day)?;
    let mut out = Vec::with_capacity(4);
    for q in 1..=4u32 {
        let starts_on = ymd(year, q * 3 - 2, 1)?;
        let next = starts_on.checked_add_months(Months::new(3)).ok_or_else(|| bad_year(year))?;
        let ends_on = next.pred_opt().ok_or_else(|| bad_year(year))?;
        out.push(PeriodSpec {
            key: format!("{year}-Q{q}"),
            label_zh: format!(
                "{year}年第{}季度",
                ["一", "二", "三", "四"].get((q - 1) as usize).copied().unwrap_or_default()
            ),
            label_en: format!("Q{q} {year}"),
            starts_on,
            ends_on,
            due_on: ymd(next.year(), next.month(), due_day)?,
            grace_days,
        });
    }
    Ok(out)
}

/// A period the office defines itself; the dates must follow one another.
pub fn custom(
    key: &str,
    label: &str,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    due_on: NaiveDate,
    grace_days: u32,
) -> Result<PeriodSpec, Error> {
    let key = key.trim();
    if key.is_empty() || key.chars().count() > 40 {
        return Err(Error::bad_input("period.key"));
    }
    if !(starts_on <= ends_on && ends_on <= due_on) {
        return Err(Error::bad_input("period.dates"));
    }
    if grace_days > 60 {
        return Err(Error::bad_input("period.grace"));
    }
    let label = if label.trim().is_empty() { key } else { label.trim() };
    Ok(PeriodSpec {
        key: key.to_string(),
        label_zh: label.to_string(),
        label_en: label.to_string(),
        starts_on,
        ends_on,
        due_on,
        grace_days,
    })
}

const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

fn check_due_day(due_day: u32) -> Result<(), Error> {
    if (1..=28).contains(&due_day) { Ok(()) } else { Err(Error::bad_input("period.due_day")) }
}

fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, Error> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| bad_year(year))
}

fn bad_year(year: i32) -> Error {
    Error::bad_input("period.year").arg("year", year)
}

/// Parses `YYYY-MM-DD`.
/// The last second of `day` in the office's calendar (UTC+8), in Unix seconds: what "by the due day" and
/// "as it stood on that day" are measured against.
pub fn end_of_day(day: NaiveDate) -> i64 {
    day.and_time(chrono::NaiveTime::MIN).and_utc().timestamp() + 24 * 3600 - 8 * 3600 - 1
}

pub fn parse_date(s: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| Error::bad_input("date").arg("s", s))
}

#[cfg(test)]
mod end_of_day_tests {
    use super::*;

    #[test]
    fn the_day_ends_at_midnight_in_beijing() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default();
        let end = end_of_day(day);
        assert_eq!(local_date(DateTime::from_timestamp(end, 0).unwrap_or_default()), day);
        assert_eq!(
            local_date(DateTime::from_timestamp(end + 1, 0).unwrap_or_default()),
            day.succ_opt().unwrap_or_default()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn monthly_periods_are_due_next_month_and_lock_after_grace() {
        let ps = monthly(2022, 5, 3).unwrap();
        assert_eq!(ps.len(), 12);
        assert_eq!(ps[1].key, "2022-02");
        assert_eq!(ps[1].ends_on, d("2022-02-28"));
        assert_eq!(ps[1].due_on, d("2022-03-05"));
        assert_eq!(ps[11].due_on, d("2023-01-05"));
        assert!(!ps[1].is_locked(d("2022-03-08")));
        assert!(ps[1].is_locked(d("2022-03-09")));
        assert!(ps[1].is_on_time(d("2022-03-05")));
        assert!(!ps[1].is_on_time(d("2022-03-06")));
        assert!(monthly(2022, 31, 0).is_err());
    }

    #[test]
    fn quarters_and_custom_periods() {
        let qs = quarterly(2024, 10, 0).unwrap();
        assert_eq!(qs[0].ends_on, d("2024-03-31"));
        assert_eq!(qs[3].due_on, d("2025-01-10"));
        assert!(custom("H1", "上半年", d("2022-01-01"), d("2022-06-30"), d("2022-06-25"), 0).is_err());
        assert!(custom("", "", d("2022-01-01"), d("2022-06-30"), d("2022-07-05"), 0).is_err());
        assert_eq!(custom("H1", "", d("2022-01-01"), d("2022-06-30"), d("2022-07-05"), 2).unwrap().label_zh, "H1");
    }

    #[test]
    fn local_date_is_china_standard_time() {
        let t = DateTime::parse_from_rfc3339("2022-03-05T16:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(local_date(t), d("2022-03-06"));
        let t = DateTime::parse_from_rfc3339("2022-03-05T15:59:59Z").unwrap().with_timezone(&Utc);
        assert_eq!(local_date(t), d("2022-03-05"));
    }
}
