//! A plan's reporting mode (direct, or consolidated by the leads; versioned, each change with its reason)
//! and the contributions co-units send their task's lead in the consolidated mode.

use std::collections::HashSet;

use duban_core::reporting::{DEFAULT_LEAD_DAYS, MAX_LEAD_DAYS, ReportingMode};
use duban_core::{Actor, Error, ErrorKind, ItemId, PeriodId, PlanId, ReportId, ReportState, UnitId};
use serde::{Deserialize, Serialize};

use crate::db::{DbResult, Store, Tx, get};
use crate::reports::{REPORT_COLS, report_from_row};
use crate::{Ctx, ReportRecord};

/// The reporting mode in force (the last set), or the default (direct, version 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportingSetting {
    pub version: i64,
    pub mode: ReportingMode,
    /// How many days before the lead's due date a contribution is due.
    pub lead_days: u32,
    pub reason: String,
    pub created_at: i64,
    pub created_by: String,
}

impl Default for ReportingSetting {
    fn default() -> Self {
        ReportingSetting {
            version: 0,
            mode: ReportingMode::Direct,
            lead_days: DEFAULT_LEAD_DAYS,
            reason: String::new(),
            created_at: 0,
            created_by: String::new(),
        }
    }
}

/// The reporting mode in force for a plan (`$1`): its last version.
const CURRENT_SQL: &str = "SELECT version, mode, lead_days, reason, created_at, created_by FROM plan_reporting \
     WHERE plan_id = $1 ORDER BY version DESC LIMIT 1";
/// The lead units of a task (`$1`).
pub(crate) const LEADS_SQL: &str = "SELECT unit_id FROM assignments WHERE item_id = $1 AND role = 'lead'";

/// SQL true when report `r` is a contribution: the plan consolidates (`$flag` = 1), the report's unit is a
/// co-unit of the task, and the task has a lead. `flag` is the statement's parameter number.
pub(crate) fn is_contribution_sql(flag: u32) -> String {
    format!(
        "(${flag} = 1 AND EXISTS (SELECT 1 FROM assignments ca WHERE ca.item_id = r.item_id AND ca.unit_id = r.unit_id \
         AND ca.role = 'co') AND EXISTS (SELECT 1 FROM assignments la WHERE la.item_id = r.item_id AND la.role = 'lead'))"
    )
}

impl Store {
    pub async fn reporting(&self, plan_id: PlanId) -> Result<ReportingSetting, Error> {
        let row = sqlx::query(CURRENT_SQL).bind(plan_id).fetch_optional(&self.read).await.db()?;
        match row {
            Some(r) => setting_from_row(&r),
            None => Ok(ReportingSetting::default()),
        }
    }

    /// Every version, newest first (the default not included).
    pub async fn reporting_history(&self, plan_id: PlanId) -> Result<Vec<ReportingSetting>, Error> {
        let rows = sqlx::query(
            "SELECT version, mode, lead_days, reason, created_at, created_by FROM plan_reporting WHERE plan_id = $1 \
             ORDER BY version DESC",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        rows.iter().map(setting_from_row).collect()
    }

    /// The office sets the mode, with a reason; summaries follow at once (the plan's version moves).
    pub async fn set_reporting(
        &self,
        ctx: &Ctx,
        plan_id: PlanId,
        mode: ReportingMode,
        lead_days: u32,
        reason: &str,
    ) -> Result<ReportingSetting, Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Business).await?;
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(Error::bad_input("reporting.reason"));
        }
        if reason.chars().count() > 500 {
            return Err(Error::bad_input("reporting.reason_long").arg("max", 500));
        }
        if lead_days > MAX_LEAD_DAYS {
            return Err(Error::bad_input("reporting.lead_days").arg("max", MAX_LEAD_DAYS));
        }
        self.write(ctx, async |tx| {
            tx.plan(plan_id).await?;
            let before = tx.reporting(plan_id).await?;
            let version = before.version + 1;
            let by = tx.actor.username.clone();
            sqlx::query(
                "INSERT INTO plan_reporting (plan_id, version, mode, lead_days, reason, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(plan_id)
            .bind(version)
            .bind(mode.as_str())
            .bind(i64::from(lead_days))
            .bind(&reason)
            .bind(tx.now)
            .bind(&by)
            .execute(tx.conn())
            .await
            .db()?;
            tx.bump(plan_id).await?;
            let after = ReportingSetting {
                version,
                mode,
                lead_days,
                reason: reason.clone(),
                created_at: tx.now,
                created_by: by,
            };
            tx.audit("plan.reporting", "plan", plan_id, &before, &after).await?;
            Ok(after)
        })
        .await
    }

    /// The (task, unit) pairs whose reports are contributions under the plan's mode (none when direct).
    pub async fn contribution_pairs(&self, plan_id: PlanId) -> Result<HashSet<(ItemId, UnitId)>, Error> {
        if self.reporting(plan_id).await?.mode != ReportingMode::Consolidated {
            return Ok(HashSet::new());
        }
        let rows = sqlx::query(
            "SELECT a.item_id, a.unit_id FROM assignments a JOIN items i ON i.id = a.item_id WHERE i.plan_id = $1 \
             AND a.role = 'co' AND EXISTS (SELECT 1 FROM assignments l WHERE l.item_id = a.item_id AND l.role = 'lead')",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        rows.iter().map(|r| Ok((get(r, "item_id")?, get(r, "unit_id")?))).collect()
    }

    /// The contributions to a task for a period, for the task's lead (its people), the office and
    /// leadership.
    pub async fn contributions(
        &self,
        actor: &Actor,
        period_id: PeriodId,
        item_id: ItemId,
    ) -> Result<Vec<ReportRecord>, Error> {
        let plan_id = self.plan_of_item(item_id).await?;
        let leads = self.leads_of(item_id).await?;
        let reads = match actor.unit_id {
            Some(u) if actor.role.needs_unit() => leads.contains(&u),
            _ => actor.can_read_unit(UnitId(-1)),
        };
        if actor.role == duban_core::Role::SysAdmin || actor.role == duban_core::Role::Auditor {
            return Err(Error::forbidden());
        }
        if !reads {
            // Contributions go to the lead: another unit has none to read.
            return Ok(Vec::new());
        }
        let pairs = self.contribution_pairs(plan_id).await?;
        let rows = sqlx::query(&format!(
            "SELECT {REPORT_COLS} FROM reports WHERE period_id = $1 AND item_id = $2 ORDER BY unit_id"
        ))
        .bind(period_id)
        .bind(item_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        let mut out = Vec::new();
        for r in &rows {
            let rec = report_from_row(r)?;
            if pairs.contains(&(rec.item_id, rec.unit_id)) {
                out.push(self.with_values(rec).await?);
            }
        }
        Ok(out)
    }

    /// The lead passes a contribution back to its co-unit with a reason.
    pub async fn return_contribution(
        &self,
        ctx: &Ctx,
        id: ReportId,
        version: i64,
        reason: &str,
    ) -> Result<ReportRecord, Error> {
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(Error::bad_input("report.reason_required"));
        }
        if reason.chars().count() > 2000 {
            return Err(Error::bad_input("report.reason_long"));
        }
        self.write(ctx, async |tx| {
            let row = sqlx::query(&format!("SELECT {REPORT_COLS} FROM reports WHERE id = $1"))
                .bind(id)
                .fetch_optional(tx.conn())
                .await
                .db()?
                .ok_or_else(|| Error::not_found(duban_core::Thing::Report))?;
            let before = report_from_row(&row)?;
            if !ctx.actor.role.needs_unit() {
                return Err(Error::forbidden());
            }
            let plan_id = tx.plan_of_item(before.item_id).await?;
            if !tx.is_contribution(plan_id, before.item_id, before.unit_id).await? {
                return Err(Error::new(ErrorKind::Conflict, "report.not_contribution"));
            }
            let leads = tx.leads_of(before.item_id).await?;
            if !ctx.actor.unit_id.is_some_and(|u| leads.contains(&u)) {
                return Err(Error::forbidden());
            }
            if before.state != ReportState::Submitted {
                return Err(Error::new(ErrorKind::Conflict, "report.wrong_state")
                    .arg_message("state", before.state.in_sentence())
                    .arg_message("action", duban_core::Message::new("report_action-return")));
            }
            if before.version != version {
                return Err(Error::stale(duban_core::Thing::Report));
            }
            sqlx::query(
                "UPDATE reports SET state = 'returned', return_reason = $1, version = version + 1, updated_at = $2, \
                 updated_by = $3 WHERE id = $4",
            )
            .bind(&reason)
            .bind(tx.now)
            .bind(tx.actor.user_id)
            .bind(id)
            .execute(tx.conn())
            .await
            .db()?;
            let row = sqlx::query(&format!("SELECT {REPORT_COLS} FROM reports WHERE id = $1"))
                .bind(id)
                .fetch_one(tx.conn())
                .await
                .db()?;
            let after = report_from_row(&row)?;
            tx.touch_reports(after.period_id).await?;
            tx.audit("report.return_contribution", "report", id, &before, &after).await?;
            let period = tx.period(after.period_id).await?;
            let n = tx
                .report_notice(
                    duban_core::notice::NoticeKind::ContributionReturned,
                    &period,
                    after.item_id,
                    after.unit_id,
                )
                .await?
                .arg("reason", &reason);
            tx.notify_unit(after.unit_id, crate::UnitPeople::All, &n).await?;
            Ok(after)
        })
        .await
    }

    async fn leads_of(&self, item_id: ItemId) -> Result<Vec<UnitId>, Error> {
        let rows = sqlx::query(LEADS_SQL).bind(item_id).fetch_all(&self.read).await.db()?;
        rows.iter().map(|r| get(r, "unit_id")).collect()
    }

    async fn plan_of_item(&self, item_id: ItemId) -> Result<PlanId, Error> {
        let row = sqlx::query("SELECT plan_id FROM items WHERE id = $1")
            .bind(item_id)
            .fetch_optional(&self.read)
            .await
            .db()?
            .ok_or_else(|| Error::not_found(duban_core::Thing::Task))?;
        get(&row, "plan_id")
    }

    async fn with_values(&self, mut r: ReportRecord) -> Result<ReportRecord, Error> {
        let vals =
            sqlx::query("SELECT indicator_id, value FROM report_values WHERE report_id = $1 ORDER BY indicator_id")
                .bind(r.id)
                .fetch_all(&self.read)
                .await
                .db()?;
        for v in &vals {
            r.values.push(crate::ReportValue { indicator_id: get(v, "indicator_id")?, value: get(v, "value")? });
        }
        Ok(r)
    }
}

impl Tx {
    pub(crate) async fn reporting(&mut self, plan_id: PlanId) -> Result<ReportingSetting, Error> {
        let row = sqlx::query(CURRENT_SQL).bind(plan_id).fetch_optional(self.conn()).await.db()?;
        match row {
            Some(r) => setting_from_row(&r),
            None => Ok(ReportingSetting::default()),
        }
    }

    /// Whether the unit's report on the task goes to the task's lead.
    pub(crate) async fn is_contribution(
        &mut self,
        plan_id: PlanId,
        item_id: ItemId,
        unit_id: UnitId,
    ) -> Result<bool, Error> {
        if self.reporting(plan_id).await?.mode != ReportingMode::Consolidated {
            return Ok(false);
        }
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM assignments WHERE item_id = $1 AND unit_id = $2 AND role = 'co') AS co, \
             (SELECT COUNT(*) FROM assignments WHERE item_id = $1 AND role = 'lead') AS leads",
        )
        .bind(item_id)
        .bind(unit_id)
        .fetch_one(self.conn())
        .await
        .db()?;
        Ok(duban_core::reporting::is_contribution(
            ReportingMode::Consolidated,
            get::<i64>(&row, "leads")? > 0,
            get::<i64>(&row, "co")? > 0,
        ))
    }

    async fn leads_of(&mut self, item_id: ItemId) -> Result<Vec<UnitId>, Error> {
        let rows = sqlx::query(LEADS_SQL).bind(item_id).fetch_all(self.conn()).await.db()?;
        rows.iter().map(|r| get(r, "unit_id")).collect()
    }
}

fn setting_from_row(r: &sqlx::any::AnyRow) -> Result<ReportingSetting, Error> {
    let mode: String = get(r, "mode")?;
    Ok(ReportingSetting {
        version: get(r, "version")?,
        mode: ReportingMode::parse(&mode).ok_or_else(|| Error::internal("unknown reporting mode"))?,
        lead_days: u32::try_from(get::<i64>(r, "lead_days")?).map_err(Error::internal)?,
        reason: get(r, "reason")?,
        created_at: get(r, "created_at")?,
        created_by: get(r, "created_by")?,
    })
}
