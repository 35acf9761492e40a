//! The versions of a published plan and what changed between two of them.

use duban_core::{ItemId, PlanId};
use std::collections::HashMap;

use duban_core::Error;
use serde::{Deserialize, Serialize};

use crate::db::{DbResult, Store, Tx, get};

/// One version of a published plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanVersion {
    pub version: i64,
    pub reason: String,
    pub created_at: i64,
    pub created_by: String,
}

/// What changed between two versions, item by item (keyed by path).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PlanDiff {
    pub from: i64,
    pub to: i64,
    pub added: Vec<serde_json::Value>,
    pub removed: Vec<serde_json::Value>,
    pub changed: Vec<ItemChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemChange {
    pub path: String,
    pub field: String,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
}

impl Store {
    pub async fn plan_versions(&self, plan_id: PlanId) -> Result<Vec<PlanVersion>, Error> {
        self.plan(plan_id).await?;
        let rows = sqlx::query(
            "SELECT version, reason, created_at, created_by FROM plan_versions WHERE plan_id = $1 ORDER BY version",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        rows.iter()
            .map(|r| {
                Ok(PlanVersion {
                    version: get(r, "version")?,
                    reason: get(r, "reason")?,
                    created_at: get(r, "created_at")?,
                    created_by: get(r, "created_by")?,
                })
            })
            .collect()
    }

    /// What changed from version `from` to version `to` of a published plan.
    pub async fn plan_diff(&self, plan_id: PlanId, from: i64, to: i64) -> Result<PlanDiff, Error> {
        let load = async |v: i64| -> Result<Vec<serde_json::Value>, Error> {
            let row = sqlx::query("SELECT ledger_json FROM plan_versions WHERE plan_id = $1 AND version = $2")
                .bind(plan_id)
                .bind(v)
                .fetch_optional(&self.read)
                .await
                .db()?
                .ok_or_else(|| Error::not_found(duban_core::Thing::PlanVersion(v)))?;
            match serde_json::from_str(&get::<String>(&row, "ledger_json")?) {
                Ok(serde_json::Value::Array(items)) => Ok(items),
                _ => Err(Error::internal("stored plan version is not a list")),
            }
        };
        let (a, b) = (load(from).await?, load(to).await?);
        Ok(diff_snapshots(from, to, &a, &b))
    }
}

/// Item-by-item differences of two snapshots, matched by path.
pub(crate) fn diff_snapshots(from: i64, to: i64, a: &[serde_json::Value], b: &[serde_json::Value]) -> PlanDiff {
    let key = |v: &serde_json::Value| v.get("path").and_then(|p| p.as_str()).unwrap_or("").to_string();
    let old: HashMap<String, &serde_json::Value> = a.iter().map(|v| (key(v), v)).collect();
    let new: HashMap<String, &serde_json::Value> = b.iter().map(|v| (key(v), v)).collect();
    let mut diff = PlanDiff { from, to, added: Vec::new(), removed: Vec::new(), changed: Vec::new() };
    for v in b {
        match old.get(&key(v)) {
            None => diff.added.push(v.clone()),
            Some(before) => {
                for field in ["title", "text", "deadline", "units", "targets"] {
                    let (x, y) =
                        (before.get(field).cloned().unwrap_or_default(), v.get(field).cloned().unwrap_or_default());
                    if x != y {
                        diff.changed.push(ItemChange { path: key(v), field: field.to_string(), before: x, after: y });
                    }
                }
            }
        }
    }
    for v in a {
        if !new.contains_key(&key(v)) {
            diff.removed.push(v.clone());
        }
    }
    diff
}

impl Tx {
    /// Moves a published plan to its next version and keeps that version's ledger.
    pub(super) async fn new_version(&mut self, plan_id: PlanId, reason: &str) -> Result<(), Error> {
        let row = sqlx::query("UPDATE plans SET version = version + 1 WHERE id = $1 RETURNING version")
            .bind(plan_id)
            .fetch_one(self.conn())
            .await
            .db()?;
        let version: i64 = get(&row, "version")?;
        self.record_version(plan_id, version, reason).await
    }

    pub(super) async fn record_version(&mut self, plan_id: PlanId, version: i64, reason: &str) -> Result<(), Error> {
        let snapshot = self.snapshot(plan_id).await?;
        sqlx::query(
            "INSERT INTO plan_versions (plan_id, version, ledger_json, reason, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(plan_id)
        .bind(version)
        .bind(snapshot.to_string())
        .bind(reason)
        .bind(self.now)
        .bind(self.actor.username.clone())
        .execute(self.conn())
        .await
        .db()?;
        Ok(())
    }

    /// The ledger as it stands inside this transaction, flat: one entry per item, keyed by path.
    async fn snapshot(&mut self, plan_id: PlanId) -> Result<serde_json::Value, Error> {
        let items =
            sqlx::query("SELECT id, path, title, body, deadline FROM items WHERE plan_id = $1 ORDER BY position")
                .bind(plan_id)
                .fetch_all(self.conn())
                .await
                .db()?;
        let units = sqlx::query(
            "SELECT a.item_id, u.name, a.role FROM assignments a JOIN items i ON i.id = a.item_id JOIN units u ON u.id = a.unit_id \
             WHERE i.plan_id = $1 ORDER BY a.item_id, u.id",
        )
        .bind(plan_id)
        .fetch_all(self.conn())
        .await
        .db()?;
        let targets = sqlx::query(
            "SELECT n.item_id, n.metric, n.op, n.target, n.measure, n.baseline, n.deadline, n.milestones FROM indicators n JOIN items i ON i.id = n.item_id \
             WHERE i.plan_id = $1 ORDER BY n.item_id, n.position",
        )
        .bind(plan_id)
        .fetch_all(self.conn())
        .await
        .db()?;
        let mut units_of: HashMap<ItemId, Vec<serde_json::Value>> = HashMap::new();
        for r in &units {
            units_of
                .entry(get(r, "item_id")?)
                .or_default()
                .push(serde_json::json!({ "name": get::<String>(r, "name")?, "role": get::<String>(r, "role")? }));
        }
        let mut targets_of: HashMap<ItemId, Vec<serde_json::Value>> = HashMap::new();
        for r in &targets {
            targets_of.entry(get(r, "item_id")?).or_default().push(serde_json::json!({
                "metric": get::<String>(r, "metric")?,
                "op": get::<String>(r, "op")?,
                "value": get::<f64>(r, "target")?,
                "unit": get::<String>(r, "measure")?,
                "baseline": get::<f64>(r, "baseline")?,
                "deadline": get::<String>(r, "deadline")?,
                "milestones": serde_json::from_str::<serde_json::Value>(&get::<String>(r, "milestones")?).unwrap_or_default(),
            }));
        }
        let mut out = Vec::with_capacity(items.len());
        for r in &items {
            let id: ItemId = get(r, "id")?;
            out.push(serde_json::json!({
                "path": get::<String>(r, "path")?,
                "title": get::<String>(r, "title")?,
                "text": get::<String>(r, "body")?,
                "deadline": get::<String>(r, "deadline")?,
                "units": units_of.remove(&id).unwrap_or_default(),
                "targets": targets_of.remove(&id).unwrap_or_default(),
            }));
        }
        Ok(serde_json::Value::Array(out))
    }
}
