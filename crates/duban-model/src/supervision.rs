//! 督办 as the store gives them out: the notice, the units it went to and their replies.

use chrono::NaiveDate;
use duban_core::supervision::{Level, ReplyState, SupervisionState, reply_state};
use duban_core::{ItemId, PeriodId, PlanId, SupervisionId, UnitId};
use serde::{Deserialize, Serialize};

use crate::UnitRole;

/// One unit a 督办 went to, and its reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupervisedUnit {
    pub unit_id: UnitId,
    /// The unit's name in the directory.
    pub name: String,
    /// Its role on the task (a lead answers for the task).
    pub role: UnitRole,
    /// 整改措施: what the unit will do; empty until it replies.
    pub measures: String,
    /// The new timetable: the day by which the unit will have caught up.
    pub new_deadline: Option<NaiveDate>,
    pub replied_at: Option<i64>,
    /// The account that replied.
    pub replied_by: Option<String>,
}

impl SupervisedUnit {
    pub fn replied(&self) -> bool {
        self.replied_at.is_some()
    }
}

/// A 督办 of one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupervisionRecord {
    pub id: SupervisionId,
    pub plan_id: PlanId,
    pub item_id: ItemId,
    /// The period whose status prompted it, when it was issued from one.
    pub period_id: Option<PeriodId>,
    /// 督办〔2026〕3号.
    pub number: String,
    pub year: i32,
    pub seq: i64,
    pub level: Level,
    pub state: SupervisionState,
    /// 督办事由: why, as the office saw the task when it issued the 督办.
    pub reason: String,
    /// 督办要求: what the office asks of the units.
    pub demand: String,
    /// The units reply by this day.
    pub reply_by: NaiveDate,
    /// The 督办 this one escalated (one level down).
    pub escalated_from: Option<SupervisionId>,
    /// Its number (督办〔2026〕2号).
    pub escalated_from_number: Option<String>,
    /// The office's note when it accepted or escalated.
    pub decision_note: String,
    pub issued_at: i64,
    pub issued_by: String,
    pub decided_at: Option<i64>,
    /// The task as the notice names it.
    pub task_path: String,
    pub task_title: String,
    pub units: Vec<SupervisedUnit>,
    /// Changes with every reply and decision: an edit names the version it was made on.
    pub version: i64,
}

impl SupervisionRecord {
    /// Each unit's reply state on `today`.
    pub fn reply_states(&self, today: NaiveDate) -> Vec<(UnitId, ReplyState)> {
        self.units.iter().map(|u| (u.unit_id, reply_state(u.replied(), self.reply_by, today))).collect()
    }

    pub fn replied_count(&self) -> usize {
        self.units.iter().filter(|u| u.replied()).count()
    }

    /// The 督办 as it stood at the time `at` (Unix seconds): `None` if not yet issued; open if decided
    /// later; replies made later not yet in. So that a bulletin of a past period says what was so then.
    pub fn as_of(&self, at: i64) -> Option<SupervisionRecord> {
        if self.issued_at > at {
            return None;
        }
        let mut r = self.clone();
        if r.decided_at.is_some_and(|d| d > at) {
            r.state = SupervisionState::Open;
            r.decided_at = None;
            r.decision_note.clear();
        }
        for u in &mut r.units {
            if u.replied_at.is_some_and(|t| t > at) {
                u.replied_at = None;
                u.replied_by = None;
                u.measures.clear();
                u.new_deadline = None;
            }
        }
        Some(r)
    }

    /// Open, and some unit's reply is overdue on `today`.
    pub fn reply_overdue(&self, today: NaiveDate) -> bool {
        self.state == SupervisionState::Open && self.reply_states(today).iter().any(|(_, s)| *s == ReplyState::Overdue)
    }
}

/// Open 督办s of a plan by level, and where their replies stand: the dashboard's and the bulletin's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupervisionOverview {
    /// Open 督办s at each level: blue, yellow, red.
    pub open_blue: usize,
    pub open_yellow: usize,
    pub open_red: usize,
    /// Open 督办s every unit has replied to (waiting for the office's decision).
    pub all_replied: usize,
    /// Open 督办s with a reply past its day.
    pub reply_overdue: usize,
    /// Closed: accepted by the office.
    pub accepted: usize,
}

impl SupervisionOverview {
    pub fn of(records: &[SupervisionRecord], today: NaiveDate) -> SupervisionOverview {
        let mut o = SupervisionOverview::default();
        for r in records {
            match r.state {
                SupervisionState::Open => {
                    match r.level {
                        Level::Blue => o.open_blue += 1,
                        Level::Yellow => o.open_yellow += 1,
                        Level::Red => o.open_red += 1,
                    }
                    if r.replied_count() == r.units.len() {
                        o.all_replied += 1;
                    }
                    if r.reply_overdue(today) {
                        o.reply_overdue += 1;
                    }
                }
                SupervisionState::Accepted => o.accepted += 1,
                SupervisionState::Escalated => {}
            }
        }
        o
    }

    pub fn open(&self) -> usize {
        self.open_blue + self.open_yellow + self.open_red
    }
}
