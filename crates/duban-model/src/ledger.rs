//! A plan's ledger as every layer reads it: the item tree with ids, the units assigned (in the plan's
//! order), and the indicators.

use chrono::NaiveDate;
use duban_core::status::Comparator;
use duban_core::{IndicatorId, ItemId, PlanId, UnitId};
use serde::{Deserialize, Serialize};

/// Where a plan is in its life: a draft is corrected freely; a published plan changes only with a reason,
/// each change a new version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PlanState {
    Draft,
    Published,
}

impl PlanState {
    /// As in the database and the API: `draft`, `published`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlanState::Draft => "draft",
            PlanState::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<PlanState> {
        [PlanState::Draft, PlanState::Published].into_iter().find(|p| p.as_str() == s)
    }
}

/// So that a state reads as it is written (`rec.state == "draft"`).
impl PartialEq<&str> for PlanState {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for PlanState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A unit's part in a task: 牵头 (lead), 配合 (co) or 负责 (responsible), as the parser reads it.
pub use duban_plan::model::Role as UnitRole;
/// What kind of body a unit is (a department, a government, an enterprise, other).
pub use duban_plan::model::UnitKind;
/// Something the parser was unsure of, coded, with its arguments.
pub use duban_plan::model::Warning as ParseDoubt;
/// What the parser read a unit, or a target's comparator, from (for the review step).
pub use duban_plan::model::{TargetBasis, UnitBasis};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanRecord {
    pub id: PlanId,
    pub title: String,
    pub year: i64,
    pub state: PlanState,
    pub version: i64,
    pub previous_id: Option<PlanId>,
    pub source_name: String,
    pub source_sha256: String,
    /// Changes with every edit; an edit must name the version it was made on.
    pub row_version: i64,
    /// Changes with every report written on the plan.
    pub reports_version: i64,
    pub created_at: i64,
    pub published_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssignedUnit {
    pub unit_id: UnitId,
    pub name: String,
    /// lead, co, responsible (as in `duban.plan/1`).
    pub role: UnitRole,
    pub kind: UnitKind,
    pub duty: String,
    /// What the parser read the unit and its role from; none where the office set it.
    pub basis: Option<UnitBasis>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IndicatorRecord {
    pub id: IndicatorId,
    pub item_id: ItemId,
    pub text: String,
    pub metric: String,
    pub value: f64,
    pub value_max: Option<f64>,
    pub unit: String,
    pub op: Comparator,
    pub baseline: f64,
    pub deadline: NaiveDate,
    pub milestones: Vec<Milestone>,
    /// What the parser read the comparator from; none where the office set it.
    pub basis: Option<TargetBasis>,
    /// The words that gave the comparator (不少于, 以上, 力争), empty where none did.
    pub cue: String,
}

/// A value planned for a day (阶段性目标).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Milestone {
    pub date: NaiveDate,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnresolvedName {
    pub item_id: ItemId,
    pub path: String,
    pub name: String,
    pub role: UnitRole,
    /// Its place in the task's printed list of units (kept for the units it comes to stand for).
    pub position: i64,
    /// The duty word as printed, and what the parser read the name from: kept for the units it maps to.
    pub duty: String,
    pub basis: Option<UnitBasis>,
}

/// An item of the ledger, shaped as in `duban.plan/1` plus ids, assignments and indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LedgerItem {
    pub id: ItemId,
    pub label: String,
    pub number: String,
    pub ordinal: i64,
    pub level: i64,
    pub path: Vec<String>,
    pub title: String,
    pub text: String,
    pub line: i64,
    pub is_task: bool,
    /// The day the task is judged by: the latest date its deadlines name, else the plan year's end (for
    /// an ongoing task only the horizon of the year's reporting, never a due date).
    pub deadline: NaiveDate,
    /// The plan's deadline phrases for the item as written (2024年9月底前；长期坚持), empty when it gave none.
    pub deadline_text: String,
    /// Kept up without an end (长期坚持, 持续推进): no date is due, so it is never overdue.
    pub ongoing: bool,
    pub units: Vec<AssignedUnit>,
    pub unresolved_units: Vec<String>,
    pub targets: Vec<IndicatorRecord>,
    pub deadlines: serde_json::Value,
    pub projects: serde_json::Value,
    /// What the parser guessed or was unsure of about this item, for the review step (its warnings).
    pub doubts: Vec<ParseDoubt>,
    /// When the office confirmed the item as read or corrected it (seconds since the epoch).
    pub checked_at: Option<i64>,
    #[schema(no_recursion)]
    pub children: Vec<LedgerItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Ledger {
    pub plan: PlanRecord,
    pub issuer: Option<String>,
    pub doc_number: Option<String>,
    pub warnings: serde_json::Value,
    pub items: Vec<LedgerItem>,
}

/// The phrases of a `duban.plan/1` deadline list (`[{text, date, ongoing}]`) joined as printed, and
/// whether they make the item ongoing: some phrase is, and none names a date.
pub fn deadline_phrases(deadlines: &serde_json::Value) -> (String, bool) {
    let list = deadlines.as_array().map(Vec::as_slice).unwrap_or_default();
    let text = list.iter().filter_map(|d| d.get("text")?.as_str()).collect::<Vec<_>>().join("；");
    let ongoing = list.iter().any(|d| d.get("ongoing").and_then(serde_json::Value::as_bool) == Some(true))
        && !list.iter().any(|d| d.get("date").is_some_and(|v| !v.is_null()));
    (text, ongoing)
}

impl LedgerItem {
    /// Whether the office should look at this item first: the parser was unsure of it, or a name in it
    /// is not mapped yet, and nobody has checked it since.
    pub fn doubtful(&self) -> bool {
        self.checked_at.is_none() && (!self.doubts.is_empty() || !self.unresolved_units.is_empty())
    }

    /// This item and everything under it, in document order.
    pub fn walk(&self) -> Vec<&LedgerItem> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(i) = stack.pop() {
            out.push(i);
            stack.extend(i.children.iter().rev());
        }
        out
    }
}

impl Ledger {
    /// Every item of the plan, parts and tasks, in document order.
    pub fn all_items(&self) -> Vec<&LedgerItem> {
        self.items.iter().flat_map(LedgerItem::walk).collect()
    }

    /// Every item by its id.
    pub fn by_id(&self) -> std::collections::HashMap<ItemId, &LedgerItem> {
        self.all_items().into_iter().map(|i| (i.id, i)).collect()
    }

    /// The item with this id, at any depth.
    pub fn item(&self, id: ItemId) -> Option<&LedgerItem> {
        self.all_items().into_iter().find(|i| i.id == id)
    }
}
