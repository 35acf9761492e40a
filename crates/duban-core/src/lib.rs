//! duban's rules, kept free of I/O, async and the database so that they can be tested with a moved clock.
//!
//! - [`status`]: expected progress on the time line, 已完成/正常推进/滞后/未报送/逾期, year-end forecasts.
//! - [`lifecycle`]: who may move a progress report from which state to which.
//! - [`access`]: roles and what each may see and change.
//! - [`reporting`]: direct or consolidated reporting (co-units contribute to the lead).
//! - [`notice`]: the kinds of notices people get.
//! - [`periods`]: reporting periods, due dates, grace and locks.
//! - [`audit`]: the hash chain over the audit trail.
//! - [`assessment`]: 考核: events, the office's rules (points per event), scores line by line.
//! - [`supervision`]: 督办 levels (蓝/黄/红), their escalation, states and document numbers.
//! - [`signin`]: growing waits after failed sign-ins.
//! - [`ids`]: typed ids of the records.
//! - [`error`]: errors with a stable code and a message in Chinese and English.

pub mod access;
pub mod assessment;
pub mod audit;
pub mod error;
pub mod evidence;
pub mod ids;
pub mod lifecycle;
pub mod names;
pub mod notice;
pub mod password;
pub mod periods;
pub mod reporting;
pub mod secret;
pub mod signin;
pub mod status;
pub mod supervision;

pub use access::{Actor, Role};
pub use error::{Error, ErrorKind, Lang, Message, Thing};
pub use ids::{
    EvidenceId, ExtensionId, IndicatorId, ItemId, NoticeId, PeriodId, PlanId, ReminderId, ReplyFileId, ReportId,
    SupervisionId, UnitId, UserId,
};
pub use lifecycle::{ReportAction, ReportState, submit_goes_to};
pub use status::{Status, Thresholds};
