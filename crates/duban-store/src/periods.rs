//! Reporting periods of a plan, and the office's exceptions to their locks.

use chrono::NaiveDate;
use duban_core::Error;
use duban_core::periods::{PeriodSpec, parse_date};
use duban_core::{PeriodId, PlanId, UnitId};

use crate::Ctx;
use crate::db::{DbResult, Store, Tx, get};
use duban_model::PeriodRecord;

const COLS: &str = "id, plan_id, key, label_zh, label_en, starts_on, ends_on, due_on, grace_days";

impl Store {
    /// Adds periods to a plan; a key already there is refused and nothing is added.
    pub async fn create_periods(
        &self,
        ctx: &Ctx,
        plan_id: PlanId,
        specs: &[PeriodSpec],
    ) -> Result<Vec<PeriodRecord>, Error> {
        ctx.actor.require_admin()?;
        let specs = specs.to_vec();
        self.write(ctx, async |tx| {
            tx.plan(plan_id).await?;
            let mut out = Vec::with_capacity(specs.len());
            for s in &specs {
                let row = sqlx::query(
                    "INSERT INTO periods (plan_id, key, label_zh, label_en, starts_on, ends_on, due_on, grace_days) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(plan_id)
                .bind(&s.key)
                .bind(&s.label_zh)
                .bind(&s.label_en)
                .bind(s.starts_on.to_string())
                .bind(s.ends_on.to_string())
                .bind(s.due_on.to_string())
                .bind(i64::from(s.grace_days))
                .fetch_one(tx.conn())
                .await
                .db()?;
                out.push(PeriodRecord { id: get(&row, "id")?, plan_id, spec: s.clone() });
            }
            tx.audit("period.create", "plan", plan_id, &(), &specs.iter().map(|s| &s.key).collect::<Vec<_>>()).await?;
            Ok(out)
        })
        .await
    }

    pub async fn periods(&self, plan_id: PlanId) -> Result<Vec<PeriodRecord>, Error> {
        let rows = sqlx::query(&format!("SELECT {COLS} FROM periods WHERE plan_id = $1 ORDER BY starts_on, id"))
            .bind(plan_id)
            .fetch_all(&self.read)
            .await
            .db()?;
        rows.iter().map(period_from_row).collect()
    }

    pub async fn period_by_key(&self, plan_id: PlanId, key: &str) -> Result<PeriodRecord, Error> {
        let row = sqlx::query(&format!("SELECT {COLS} FROM periods WHERE plan_id = $1 AND key = $2"))
            .bind(plan_id)
            .bind(key)
            .fetch_optional(&self.read)
            .await
            .db()?
            .ok_or_else(|| Error::not_found(duban_core::Thing::PeriodKey(key.to_string())))?;
        period_from_row(&row)
    }

    /// Lets `unit_id` report into the period after its lock, until `until` (inclusive).
    pub async fn grant_exception(
        &self,
        ctx: &Ctx,
        period_id: PeriodId,
        unit_id: UnitId,
        until: &str,
    ) -> Result<(), Error> {
        ctx.actor.require_admin()?;
        let until = parse_date(until)?;
        self.get_unit(unit_id).await?;
        self.write(ctx, async |tx| {
            let period = tx.period(period_id).await?;
            let link = format!("/todo?plan={}&period={}", period.plan_id, period.spec.key);
            let n = crate::NewNotice::new(duban_core::notice::NoticeKind::PeriodUnlocked, link)
                .arg("period", &period.spec.key)
                .arg("date", until);
            tx.notify_unit(unit_id, crate::UnitPeople::All, &n).await?;
            sqlx::query("DELETE FROM lock_exceptions WHERE period_id = $1 AND unit_id = $2")
                .bind(period_id)
                .bind(unit_id)
                .execute(tx.conn())
                .await
                .db()?;
            sqlx::query(
                "INSERT INTO lock_exceptions (period_id, unit_id, until_on, granted_by) VALUES ($1, $2, $3, $4)",
            )
            .bind(period_id)
            .bind(unit_id)
            .bind(until.to_string())
            .bind(tx.actor.user_id)
            .execute(tx.conn())
            .await
            .db()?;
            tx.audit(
                "period.exception",
                "period",
                period_id,
                &(),
                &serde_json::json!({ "unit_id": unit_id, "until": until.to_string() }),
            )
            .await
        })
        .await
    }
}

impl Tx {
    pub(crate) async fn period(&mut self, id: PeriodId) -> Result<PeriodRecord, Error> {
        let row = sqlx::query(&format!("SELECT {COLS} FROM periods WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.conn())
            .await
            .db()?
            .ok_or_else(|| Error::not_found(duban_core::Thing::Period))?;
        period_from_row(&row)
    }

    /// Is the period open to `unit_id` on `today`: not locked, or excepted until at least today?
    pub(crate) async fn period_open_to(
        &mut self,
        period: &PeriodRecord,
        unit_id: UnitId,
        today: NaiveDate,
    ) -> Result<bool, Error> {
        if !period.spec.is_locked(today) {
            return Ok(true);
        }
        let row = sqlx::query("SELECT until_on FROM lock_exceptions WHERE period_id = $1 AND unit_id = $2")
            .bind(period.id)
            .bind(unit_id)
            .fetch_optional(self.conn())
            .await
            .db()?;
        match row {
            Some(r) => Ok(parse_date(&get::<String>(&r, "until_on")?)? >= today),
            None => Ok(false),
        }
    }
}

pub(crate) fn period_from_row(r: &sqlx::any::AnyRow) -> Result<PeriodRecord, Error> {
    let grace: i64 = get(r, "grace_days")?;
    Ok(PeriodRecord {
        id: get(r, "id")?,
        plan_id: get(r, "plan_id")?,
        spec: PeriodSpec {
            key: get(r, "key")?,
            label_zh: get(r, "label_zh")?,
            label_en: get(r, "label_en")?,
            starts_on: parse_date(&get::<String>(r, "starts_on")?)?,
            ends_on: parse_date(&get::<String>(r, "ends_on")?)?,
            due_on: parse_date(&get::<String>(r, "due_on")?)?,
            grace_days: u32::try_from(grace).unwrap_or(0),
        },
    })
}
