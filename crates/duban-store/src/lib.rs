//! duban's system of record.
//!
//! One storage interface, [`Store`], over two backends: an embedded SQLite file (the default) and
//! PostgreSQL. Both run the same SQL through sqlx's `Any` driver; the schemas live in
//! `migrations/sqlite` and `migrations/postgres` and a test keeps them in step. Where the dialects differ
//! (identity columns, the append-only trigger) only the migrations differ.
//!
//! Every write runs in one transaction that also appends to the hash-chained audit trail and, when the
//! caller gives an idempotency key, records the answer so that a repeated request gets the same answer
//! instead of a second write. Every function takes the time from its caller ([`Ctx::now`]).
//!
//! On SQLite, writes go through a pool of one connection (SQLite has one writer at a time; queueing in the
//! pool is cheaper and fairer than retrying on `SQLITE_BUSY`), reads through a pool of several. On
//! PostgreSQL, writers are ordered by the row lock on the audit chain's head.

mod assessment;
mod audit;
mod cache;
mod db;
mod evidence;
mod notices;
mod periods;
mod plans;
mod reporting;
mod reports;
mod shares;
mod summary;
mod supervisions;
pub mod synthetic;
mod units;
mod users;

pub use assessment::{OwedReport, RulesVersion};
pub use audit::{AuditEntry, AuditReport};
pub use db::{Backend, Ctx, Idempotency, Store, Tx};
/// The records this store gives out are the vocabulary's (`duban-model`), re-exported here.
pub use duban_model::{
    AssignedUnit, IndicatorRecord, IndicatorSummary, Ledger, LedgerItem, Milestone, PartSummary, PeriodRecord,
    PlanRecord, ShareSummary, StatusCounts, Summary, SupervisedUnit, SupervisionOverview, SupervisionRecord,
    TaskSummary, UnitRate, UnresolvedName,
};
pub use evidence::EvidenceRecord;
pub use notices::{NewNotice, NoticeRecord, UnitPeople};
pub use plans::{IndicatorPatch, ItemChange, ItemPatch, NewIndicator, NewItem, PlanDiff, PlanVersion};
pub use reporting::ReportingSetting;
pub use reports::{
    ExtensionRecord, MilestoneState, ReminderRecord, ReportDraft, ReportFilter, ReportRecord, ReportValue, TodoRow,
};
pub use shares::{ShareInput, ShareRecord};
pub use supervisions::{Escalation, MAX_BULK, NewSupervision, ReplyFile, SupervisionFilter, SupervisionReply};
pub use units::{NewUnit, UnitPatch, UnitRecord, UnitUpsert};
pub use users::{
    AccountUpsert, ApiSession, NewUser, SessionInfo, UserRecord, check_password, generate_initial_password,
    hash_password, random_token, verify_password, verify_password_in,
};

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
