//! duban's vocabulary: the records that the store gives out and every layer above it reads (the office
//! files, the use cases, the pages and the API). Plain data with serde, no I/O, so that the office-file
//! code depends on this and not on the database.

mod assessment;
mod extension;
mod ledger;
mod period;
mod progress;
mod summary;
mod supervision;

pub use assessment::{AssessedLine, AssessedUnit, Assessment, PeriodRules};
pub use duban_core::status::Comparator;
pub use duban_core::supervision::{Level, ReplyState, SupervisionState};
pub use duban_core::{
    EvidenceId, ExtensionId, IndicatorId, ItemId, PeriodId, PlanId, ReminderId, ReplyFileId, ReportId, SupervisionId,
    UnitId, UserId,
};
pub use extension::ExtensionState;
pub use ledger::{
    AssignedUnit, IndicatorRecord, Ledger, LedgerItem, Milestone, ParseDoubt, PlanRecord, PlanState, TargetBasis,
    UnitBasis, UnitKind, UnitRole, UnresolvedName, deadline_phrases,
};
pub use period::PeriodRecord;
pub use progress::ProjectProgress;
pub use summary::{IndicatorSummary, PartSummary, ShareSummary, StatusCounts, Summary, TaskSummary, UnitRate};
pub use supervision::{SupervisedUnit, SupervisionOverview, SupervisionRecord};
