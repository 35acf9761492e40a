//! A reporting period of a plan.

use duban_core::periods::PeriodSpec;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PeriodRecord {
    pub id: i64,
    pub plan_id: i64,
    #[serde(flatten)]
    pub spec: PeriodSpec,
}
