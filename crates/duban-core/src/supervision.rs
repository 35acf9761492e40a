//! 督办: what the office does about a task that is behind or overdue, beyond chasing a missing report (催报).
//!
//! The office issues a 督办通知 to the task's responsible units with a level and a date by which they must
//! reply with their measures (整改措施) and a new timetable. It then accepts the replies (the 督办 is closed)
//! or escalates: a new 督办 one level up, which replaces the old one. The levels follow the 三色督办 that
//! many offices use: blue (提醒, a reminder in writing), yellow (督办, formal supervision), red (挂牌督办 and
//! 约谈, the unit's leaders are called in). Nothing here does I/O; the day is passed in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How hard the office presses, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// 蓝色督办 (提醒): a written reminder.
    Blue,
    /// 黄色督办: formal supervision.
    Yellow,
    /// 红色督办 (挂牌督办, 约谈): the last level.
    Red,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Blue, Level::Yellow, Level::Red];

    /// As in the database and the API: `blue`, `yellow`, `red`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Blue => "blue",
            Level::Yellow => "yellow",
            Level::Red => "red",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The level an escalation reaches; none above red.
    pub fn next(self) -> Option<Level> {
        match self {
            Level::Blue => Some(Level::Yellow),
            Level::Yellow => Some(Level::Red),
            Level::Red => None,
        }
    }

    /// As an office names it in a notice: 蓝色督办（提醒）.
    pub fn label_zh(self) -> &'static str {
        match self {
            Level::Blue => "蓝色督办（提醒）",
            Level::Yellow => "黄色督办",
            Level::Red => "红色督办（约谈）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Level::Blue => "blue (reminder)",
            Level::Yellow => "yellow (supervision)",
            Level::Red => "red (summons)",
        }
    }
}

/// Where a 督办 stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SupervisionState {
    /// Issued; the units reply (and may amend their reply) until the office decides.
    Open,
    /// The office accepted the replies: closed.
    Accepted,
    /// Replaced by a 督办 one level up.
    Escalated,
}

impl SupervisionState {
    pub const ALL: [SupervisionState; 3] =
        [SupervisionState::Open, SupervisionState::Accepted, SupervisionState::Escalated];

    pub fn as_str(self) -> &'static str {
        match self {
            SupervisionState::Open => "open",
            SupervisionState::Accepted => "accepted",
            SupervisionState::Escalated => "escalated",
        }
    }

    pub fn parse(s: &str) -> Option<SupervisionState> {
        SupervisionState::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// The document number of the `seq`th 督办 of `year`, as printed on the notice: 督办〔2026〕3号
/// (the year in the hexagonal brackets of GB/T 9704, no leading zeros).
pub fn document_number(year: i32, seq: i64) -> String {
    format!("督办〔{year}〕{seq}号")
}

/// Where one unit's reply stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReplyState {
    Replied,
    /// Not yet, and the reply date has not passed.
    Awaiting,
    /// Not replied and the reply date has passed: the case for escalation.
    Overdue,
}

pub fn reply_state(replied: bool, reply_by: NaiveDate, today: NaiveDate) -> ReplyState {
    if replied {
        ReplyState::Replied
    } else if today > reply_by {
        ReplyState::Overdue
    } else {
        ReplyState::Awaiting
    }
}

/// The longest text the office or a unit may write into one field of a 督办 (its demand, a unit's measures).
pub const MAX_TEXT: usize = 4000;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    #[test]
    fn levels_escalate_blue_yellow_red_and_stop() {
        assert_eq!(Level::Blue.next(), Some(Level::Yellow));
        assert_eq!(Level::Yellow.next(), Some(Level::Red));
        assert_eq!(Level::Red.next(), None);
        for l in Level::ALL {
            assert_eq!(Level::parse(l.as_str()), Some(l));
        }
        assert_eq!(Level::parse("green"), None);
        assert!(Level::Blue < Level::Red);
    }

    #[test]
    fn states_read_back_from_their_text() {
        for s in SupervisionState::ALL {
            assert_eq!(SupervisionState::parse(s.as_str()), Some(s));
        }
        assert_eq!(SupervisionState::parse("closed"), None);
    }

    #[test]
    fn numbers_are_printed_as_a_notice_numbers_them() {
        assert_eq!(document_number(2026, 3), "督办〔2026〕3号");
        assert_eq!(document_number(2027, 12), "督办〔2027〕12号");
    }

    #[test]
    fn a_reply_is_overdue_only_after_its_day() {
        assert_eq!(reply_state(false, d("2026-12-10"), d("2026-12-10")), ReplyState::Awaiting);
        assert_eq!(reply_state(false, d("2026-12-10"), d("2026-12-11")), ReplyState::Overdue);
        assert_eq!(reply_state(true, d("2026-12-10"), d("2026-12-20")), ReplyState::Replied);
    }
}
