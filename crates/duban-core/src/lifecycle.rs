//! The life cycle of a progress report: draft → submitted → returned (with a reason) or approved.
//!
//! A unit edits its report while it is a draft or has been returned, and submits it. The office approves or
//! returns a submitted report, and only the office reopens an approved one (back to draft, with a reason).
//!
//! Where the unit signs off its reports (单位审签), a reporter's submit goes to the unit's leader first
//! (`signing`): the leader signs it, and it goes to the office, or sends it back inside the unit (a draft
//! again, with a reason). A leader's own submit is signed by sending it.

use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::error::{Error, ErrorKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportState {
    Draft,
    /// With the unit's leader for sign-off (单位审签), not yet sent to the office.
    Signing,
    Submitted,
    Returned,
    Approved,
}

impl ReportState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Draft => "draft",
            ReportState::Signing => "signing",
            ReportState::Submitted => "submitted",
            ReportState::Returned => "returned",
            ReportState::Approved => "approved",
        }
    }
    pub fn parse(s: &str) -> Option<ReportState> {
        match s {
            "draft" => Some(ReportState::Draft),
            "signing" => Some(ReportState::Signing),
            "submitted" => Some(ReportState::Submitted),
            "returned" => Some(ReportState::Returned),
            "approved" => Some(ReportState::Approved),
            _ => None,
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            ReportState::Draft => "草稿",
            ReportState::Signing => "待审签",
            ReportState::Submitted => "已报送",
            ReportState::Returned => "已退回",
            ReportState::Approved => "已审核",
        }
    }
    /// The state as a sentence names it (`已报送`, `submitted`).
    pub fn in_sentence(self) -> crate::Message {
        crate::Message::new(format!("report_state-{}", self.as_str()))
    }
    /// Counts as reported for completeness (the unit has sent it).
    pub fn is_reported(self) -> bool {
        matches!(self, ReportState::Submitted | ReportState::Approved)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReportAction {
    /// Create or edit the draft.
    Save,
    Submit,
    Approve,
    Return,
    Reopen,
    /// The unit's leader signs a report and sends it to the office.
    Sign,
    /// The unit's leader sends it back inside the unit.
    SendBack,
}

impl ReportAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportAction::Save => "save",
            ReportAction::Submit => "submit",
            ReportAction::Approve => "approve",
            ReportAction::Return => "return",
            ReportAction::Reopen => "reopen",
            ReportAction::Sign => "sign",
            ReportAction::SendBack => "send_back",
        }
    }
}

/// Where a submit sends the report: to the unit's leader when the unit signs off and a reporter sends it,
/// else to the office.
pub fn submit_goes_to(actor: &Actor, unit_signs_off: bool) -> ReportState {
    if unit_signs_off && actor.role == crate::access::Role::Reporter {
        ReportState::Signing
    } else {
        ReportState::Submitted
    }
}

/// The state after `action`, or why it is refused. `current` is `None` for a report not yet written.
pub fn next_state(
    current: Option<ReportState>,
    action: ReportAction,
    actor: &Actor,
    report_unit: crate::ids::UnitId,
) -> Result<ReportState, Error> {
    use ReportAction as A;
    use ReportState as S;
    let unit_side = actor.can_report_for(report_unit);
    match action {
        A::Save | A::Submit => {
            if !unit_side {
                return Err(Error::forbidden());
            }
            match current {
                None | Some(S::Draft) | Some(S::Returned) => {
                    Ok(if action == A::Save { current.unwrap_or(S::Draft) } else { S::Submitted })
                }
                Some(s) => Err(wrong_state(s, action)),
            }
        }
        A::Approve | A::Return => {
            actor.require_admin()?;
            match current {
                Some(S::Submitted) => Ok(if action == A::Approve { S::Approved } else { S::Returned }),
                Some(s) => Err(wrong_state(s, action)),
                None => Err(Error::not_found(crate::Thing::Report)),
            }
        }
        A::Sign | A::SendBack => {
            if !(actor.role == crate::access::Role::Leader && actor.unit_id == Some(report_unit)) {
                return Err(Error::forbidden());
            }
            match current {
                Some(S::Signing) => Ok(if action == A::Sign { S::Submitted } else { S::Draft }),
                Some(s) => Err(wrong_state(s, action)),
                None => Err(Error::not_found(crate::Thing::Report)),
            }
        }
        A::Reopen => {
            actor.require_admin()?;
            match current {
                Some(S::Approved) | Some(S::Submitted) => Ok(S::Draft),
                Some(s) => Err(wrong_state(s, action)),
                None => Err(Error::not_found(crate::Thing::Report)),
            }
        }
    }
}

fn wrong_state(state: ReportState, action: ReportAction) -> Error {
    Error::new(ErrorKind::Conflict, "report.wrong_state")
        .arg_message("state", state.in_sentence())
        .arg_message("action", crate::Message::new(format!("report_action-{}", action_key(action))))
}

fn action_key(action: ReportAction) -> &'static str {
    action.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Role;
    use crate::ids::{UnitId, UserId};

    const UNIT: UnitId = UnitId(7);

    fn actor(role: Role, unit: Option<i64>) -> Actor {
        Actor { user_id: UserId(1), username: "u".into(), role, unit_id: unit.map(UnitId) }
    }

    #[test]
    fn the_whole_cycle() {
        let rep = actor(Role::Reporter, Some(7));
        let office = actor(Role::Admin, None);
        let s = next_state(None, ReportAction::Save, &rep, UNIT).unwrap();
        assert_eq!(s, ReportState::Draft);
        let s = next_state(Some(s), ReportAction::Submit, &rep, UNIT).unwrap();
        assert_eq!(s, ReportState::Submitted);
        // A submitted report is frozen for the unit.
        assert_eq!(next_state(Some(s), ReportAction::Save, &rep, UNIT).unwrap_err().code, "report.wrong_state");
        let s = next_state(Some(s), ReportAction::Return, &office, UNIT).unwrap();
        assert_eq!(s, ReportState::Returned);
        assert_eq!(next_state(Some(s), ReportAction::Save, &rep, UNIT).unwrap(), ReportState::Returned);
        let s = next_state(Some(s), ReportAction::Submit, &rep, UNIT).unwrap();
        let s = next_state(Some(s), ReportAction::Approve, &office, UNIT).unwrap();
        assert_eq!(s, ReportState::Approved);
        assert_eq!(next_state(Some(s), ReportAction::Reopen, &office, UNIT).unwrap(), ReportState::Draft);
    }

    #[test]
    fn a_unit_that_signs_off_sends_through_its_leader() {
        let rep = actor(Role::Reporter, Some(7));
        let leader = actor(Role::Leader, Some(7));
        let other_leader = actor(Role::Leader, Some(8));
        assert_eq!(submit_goes_to(&rep, true), ReportState::Signing);
        assert_eq!(submit_goes_to(&leader, true), ReportState::Submitted, "a leader signs by sending");
        assert_eq!(submit_goes_to(&rep, false), ReportState::Submitted);
        let s = Some(ReportState::Signing);
        assert_eq!(next_state(s, ReportAction::Save, &rep, UNIT).unwrap_err().code, "report.wrong_state");
        assert_eq!(next_state(s, ReportAction::Sign, &rep, UNIT).unwrap_err().code, "forbidden");
        assert_eq!(next_state(s, ReportAction::Sign, &other_leader, UNIT).unwrap_err().code, "forbidden");
        assert_eq!(next_state(s, ReportAction::Sign, &leader, UNIT).unwrap(), ReportState::Submitted);
        assert_eq!(next_state(s, ReportAction::SendBack, &leader, UNIT).unwrap(), ReportState::Draft);
        let sent = Some(ReportState::Submitted);
        assert_eq!(next_state(sent, ReportAction::Sign, &leader, UNIT).unwrap_err().code, "report.wrong_state");
        assert!(!ReportState::Signing.is_reported(), "not yet with the office");
        assert_eq!(ReportState::parse("signing"), Some(ReportState::Signing));
    }

    #[test]
    fn who_may_do_what() {
        let other = actor(Role::Reporter, Some(8));
        let viewer = actor(Role::Viewer, None);
        let leader = actor(Role::Leader, Some(7));
        assert_eq!(next_state(None, ReportAction::Save, &other, UNIT).unwrap_err().code, "forbidden");
        assert_eq!(next_state(None, ReportAction::Save, &viewer, UNIT).unwrap_err().code, "forbidden");
        assert!(next_state(None, ReportAction::Submit, &leader, UNIT).is_ok());
        assert_eq!(
            next_state(Some(ReportState::Submitted), ReportAction::Approve, &leader, UNIT).unwrap_err().code,
            "forbidden"
        );
        assert_eq!(
            next_state(Some(ReportState::Draft), ReportAction::Reopen, &actor(Role::Admin, None), UNIT)
                .unwrap_err()
                .code,
            "report.wrong_state"
        );
    }
}
