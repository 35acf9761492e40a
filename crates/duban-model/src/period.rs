//! A reporting period of a plan.

use duban_core::periods::PeriodSpec;
use duban_core::{PeriodId, PlanId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PeriodRecord {
    pub id: PeriodId,
    pub plan_id: PlanId,
    #[serde(flatten)]
    pub spec: PeriodSpec,
}
