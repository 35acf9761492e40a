//! 考核: the office's scoring rules of a plan (versioned, each change with its reason), and the records a
//! score is made from that the summary does not hold: every report owed in a period with where it stands,
//! and the returns of the period's reports.

use duban_core::assessment::Rules;
use duban_core::{Error, ItemId, PeriodId, PlanId, ReportState, UnitId};
use duban_model::UnitRole;
use serde::{Deserialize, Serialize};

use crate::Ctx;
use crate::db::{DbResult, Store, get};

/// One version of a plan's rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RulesVersion {
    /// 0: the default rules, before the office set any.
    pub version: i64,
    pub rules: Rules,
    pub reason: String,
    pub created_at: i64,
    pub created_by: String,
}

/// A report a unit owes on a task for a period, and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct OwedReport {
    pub unit_id: UnitId,
    pub item_id: ItemId,
    pub role: UnitRole,
    /// `None`: not started.
    pub state: Option<ReportState>,
    pub first_submitted_at: Option<i64>,
}

impl Store {
    /// The plan's rules, oldest first: the defaults (version 0, in force until the office sets its own), then
    /// each version the office set.
    pub async fn assessment_rules(&self, plan_id: PlanId) -> Result<Vec<RulesVersion>, Error> {
        self.plan(plan_id).await?;
        let rows = sqlx::query(
            "SELECT version, rules_json, reason, created_at, created_by FROM assessment_rules WHERE plan_id = $1 \
             ORDER BY version",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        // The defaults first: what was in force before the office set any.
        let mut out = vec![RulesVersion {
            version: 0,
            rules: Rules::default(),
            reason: String::new(),
            created_at: 0,
            created_by: String::new(),
        }];
        for r in &rows {
            out.push(RulesVersion {
                version: get(r, "version")?,
                rules: serde_json::from_str(&get::<String>(r, "rules_json")?).map_err(Error::internal)?,
                reason: get(r, "reason")?,
                created_at: get(r, "created_at")?,
                created_by: get(r, "created_by")?,
            });
        }
        Ok(out)
    }

    /// The office sets new rules: a new version, with its reason; the old ones are kept.
    pub async fn set_assessment_rules(
        &self,
        ctx: &Ctx,
        plan_id: PlanId,
        rules: &Rules,
        reason: &str,
    ) -> Result<RulesVersion, Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Business).await?;
        rules.check()?;
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(Error::bad_input("assessment.reason"));
        }
        if reason.chars().count() > 500 {
            return Err(Error::bad_input("assessment.reason_long").arg("max", 500));
        }
        let json = serde_json::to_string(rules).map_err(Error::internal)?;
        self.write(ctx, async |tx| {
            tx.plan(plan_id).await?;
            let row = sqlx::query(
                "SELECT CAST(COALESCE(MAX(version), 0) + 1 AS BIGINT) AS v FROM assessment_rules WHERE plan_id = $1",
            )
            .bind(plan_id)
            .fetch_one(tx.conn())
            .await
            .db()?;
            let version: i64 = get(&row, "v")?;
            let by = tx.actor.username.clone();
            sqlx::query(
                "INSERT INTO assessment_rules (plan_id, version, rules_json, reason, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(plan_id)
            .bind(version)
            .bind(&json)
            .bind(&reason)
            .bind(tx.now)
            .bind(&by)
            .execute(tx.conn())
            .await
            .db()?;
            let rec = RulesVersion {
                version,
                rules: rules.clone(),
                reason: reason.clone(),
                created_at: tx.now,
                created_by: by.clone(),
            };
            tx.audit("assessment.rules", "plan", plan_id, &(), &rec).await?;
            Ok(rec)
        })
        .await
    }

    /// Every report owed in the period (one per unit per task it holds), with its state and first sending.
    pub async fn owed_reports(&self, plan_id: PlanId, period_id: PeriodId) -> Result<Vec<OwedReport>, Error> {
        let rows = sqlx::query(
            "SELECT a.unit_id, a.item_id, a.role, r.state, r.first_submitted_at FROM assignments a \
             JOIN items i ON i.id = a.item_id \
             LEFT JOIN reports r ON r.item_id = a.item_id AND r.unit_id = a.unit_id AND r.period_id = $2 \
             WHERE i.plan_id = $1 AND i.is_task = 1 ORDER BY a.unit_id, a.item_id",
        )
        .bind(plan_id)
        .bind(period_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        rows.iter()
            .map(|r| {
                let role: String = get(r, "role")?;
                let state: Option<String> = get(r, "state")?;
                Ok(OwedReport {
                    unit_id: get(r, "unit_id")?,
                    item_id: get(r, "item_id")?,
                    role: UnitRole::parse(&role).ok_or_else(|| Error::internal("unknown unit role"))?,
                    state: state.as_deref().and_then(ReportState::parse),
                    first_submitted_at: get(r, "first_submitted_at")?,
                })
            })
            .collect()
    }

    /// Each return of a report of the period, as (unit, task), from the audit trail (a report returned twice
    /// is there twice).
    pub async fn returns_in(&self, period_id: PeriodId) -> Result<Vec<(UnitId, ItemId)>, Error> {
        let rows = sqlx::query(
            "SELECT r.unit_id, r.item_id FROM audit_log a JOIN reports r ON CAST(r.id AS TEXT) = a.entity_id \
             WHERE a.entity = 'report' AND a.action = 'report.return' AND r.period_id = $1 ORDER BY a.seq",
        )
        .bind(period_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        rows.iter().map(|r| Ok((get(r, "unit_id")?, get(r, "item_id")?))).collect()
    }
}
