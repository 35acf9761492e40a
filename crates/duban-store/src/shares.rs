//! A province target split across the units (usually cities) that deliver it. The split must add up to the
//! target; the summary rolls the units' reported values up into the province figure.

use duban_core::{Error, ErrorKind};
use duban_core::{IndicatorId, ItemId, PlanId, UnitId};
use serde::{Deserialize, Serialize};

use crate::Ctx;
use crate::db::{DbResult, Store, get};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShareInput {
    pub unit_id: UnitId,
    pub target: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShareRecord {
    pub unit_id: UnitId,
    pub name: String,
    pub target: f64,
}

impl Store {
    /// Sets (replaces) the split of an indicator; an empty list removes it.
    pub async fn set_shares(
        &self,
        ctx: &Ctx,
        indicator_id: IndicatorId,
        shares: &[ShareInput],
    ) -> Result<Vec<ShareRecord>, Error> {
        ctx.actor.require_admin()?;
        let shares = shares.to_vec();
        self.write(ctx, async |tx| {
            let ind = sqlx::query("SELECT n.item_id, n.target, i.plan_id FROM indicators n JOIN items i ON i.id = n.item_id WHERE n.id = $1")
                .bind(indicator_id)
                .fetch_optional(tx.conn())
                .await
                .db()?
                .ok_or_else(|| Error::not_found(duban_core::Thing::Indicator))?;
            let item_id: ItemId = get(&ind, "item_id")?;
            let target: f64 = get(&ind, "target")?;
            let plan_id: PlanId = get(&ind, "plan_id")?;
            let mut sum = 0.0;
            let mut seen = std::collections::HashSet::new();
            for s in &shares {
                if !s.target.is_finite() || s.target < 0.0 || !seen.insert(s.unit_id) {
                    return Err(Error::bad_input("share.value"));
                }
                let held = sqlx::query("SELECT role FROM assignments WHERE item_id = $1 AND unit_id = $2")
                    .bind(item_id)
                    .bind(s.unit_id)
                    .fetch_optional(tx.conn())
                    .await
                    .db()?;
                if held.is_none() {
                    return Err(Error::bad_input("share.not_assigned").arg("unit", s.unit_id));
                }
                sum += s.target;
            }
            let tolerance = (target.abs() * 1e-6).max(1e-9);
            if !shares.is_empty() && (sum - target).abs() > tolerance {
                return Err(Error::new(ErrorKind::BadInput, "share.sum").arg("sum", sum).arg("target", target));
            }
            let before = shares_in(tx.conn(), indicator_id).await?;
            sqlx::query("DELETE FROM indicator_shares WHERE indicator_id = $1").bind(indicator_id).execute(tx.conn()).await.db()?;
            for s in &shares {
                sqlx::query("INSERT INTO indicator_shares (indicator_id, unit_id, target) VALUES ($1, $2, $3)")
                    .bind(indicator_id)
                    .bind(s.unit_id)
                    .bind(s.target)
                    .execute(tx.conn())
                    .await
                    .db()?;
            }
            // The summary keeps the plan's shape per row_version.
            tx.bump(plan_id).await?;
            let after = shares_in(tx.conn(), indicator_id).await?;
            tx.audit("indicator.shares", "indicator", indicator_id, &before, &after).await?;
            Ok(after)
        })
        .await
    }

    pub async fn shares(&self, indicator_id: IndicatorId) -> Result<Vec<ShareRecord>, Error> {
        let mut conn = self.read.acquire().await.db()?;
        shares_in(&mut conn, indicator_id).await
    }
}

async fn shares_in(conn: &mut sqlx::AnyConnection, indicator_id: IndicatorId) -> Result<Vec<ShareRecord>, Error> {
    let rows = sqlx::query(
        "SELECT s.unit_id, u.name, s.target FROM indicator_shares s JOIN units u ON u.id = s.unit_id WHERE s.indicator_id = $1 ORDER BY u.id",
    )
    .bind(indicator_id)
    .fetch_all(conn)
    .await
    .db()?;
    rows.iter()
        .map(|r| Ok(ShareRecord { unit_id: get(r, "unit_id")?, name: get(r, "name")?, target: get(r, "target")? }))
        .collect()
}
