//! What a person is told, in the app (and later by mail and webhook): one kind per event a person must act
//! on or know of. A notice keeps its kind and arguments, not a sentence, so that each reader sees it in their
//! own language.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The office returned a report (to the unit; with the reason).
    ReportReturned,
    /// The office approved a report.
    ReportApproved,
    /// 催报 (to the unit; with the office's note).
    Reminder,
    /// A report waits for the unit leader's sign-off (to the unit's leaders).
    AwaitingSignoff,
    /// The leader sent a report back inside the unit (to its reporters; with the reason).
    SentBack,
    /// A co-unit's contribution arrived (to the lead).
    ContributionReceived,
    /// The lead passed a contribution back (to the co-unit; with the reason).
    ContributionReturned,
    /// A 督办 was issued to the unit (also when escalated).
    SupervisionIssued,
    /// A unit answered a 督办 (to the office).
    SupervisionReplied,
    /// The office closed a 督办 (to its units).
    SupervisionClosed,
    /// The office decided an extension request (to the unit).
    ExtensionDecided,
    /// The office let the unit report into a locked period.
    PeriodUnlocked,
    /// A period's due day is near and the unit still owes reports (scheduled: three days and one day before).
    DeadlineApproaching,
    /// A period locked with the unit's reports still owed (scheduled: the days after it locks).
    PeriodLocked,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 14] = [
        NoticeKind::ReportReturned,
        NoticeKind::ReportApproved,
        NoticeKind::Reminder,
        NoticeKind::AwaitingSignoff,
        NoticeKind::SentBack,
        NoticeKind::ContributionReceived,
        NoticeKind::ContributionReturned,
        NoticeKind::SupervisionIssued,
        NoticeKind::SupervisionReplied,
        NoticeKind::SupervisionClosed,
        NoticeKind::ExtensionDecided,
        NoticeKind::PeriodUnlocked,
        NoticeKind::DeadlineApproaching,
        NoticeKind::PeriodLocked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::ReportReturned => "report_returned",
            NoticeKind::ReportApproved => "report_approved",
            NoticeKind::Reminder => "reminder",
            NoticeKind::AwaitingSignoff => "awaiting_signoff",
            NoticeKind::SentBack => "sent_back",
            NoticeKind::ContributionReceived => "contribution_received",
            NoticeKind::ContributionReturned => "contribution_returned",
            NoticeKind::SupervisionIssued => "supervision_issued",
            NoticeKind::SupervisionReplied => "supervision_replied",
            NoticeKind::SupervisionClosed => "supervision_closed",
            NoticeKind::ExtensionDecided => "extension_decided",
            NoticeKind::PeriodUnlocked => "period_unlocked",
            NoticeKind::DeadlineApproaching => "deadline_approaching",
            NoticeKind::PeriodLocked => "period_locked",
        }
    }

    pub fn parse(s: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Scheduled notices: how many days before a period's due day units that still owe are told.
pub const DUE_REMINDER_DAYS: [i64; 2] = [3, 1];
/// After a period locks, units that still owe are told within this many days (not a month later, when a
/// server that was down comes back).
pub const LOCKED_WINDOW_DAYS: i64 = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_text() {
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(NoticeKind::parse("x"), None);
    }
}
