//! Plans: imported through the parser as drafts, corrected, published. The ledger is the plan's item tree
//! with ids, assignments (resolved through the units directory) and indicators.

use duban_core::{IndicatorId, ItemId, PlanId, UnitId};
use std::collections::HashMap;

use duban_core::{Error, ErrorKind};
use duban_plan::model::{Item, Plan};
use serde::{Deserialize, Serialize};

use crate::db::{DbResult, Store, Tx, get};
use crate::units::{Resolved, check_name};
use crate::{Ctx, sha256_hex};
use duban_model::{
    AssignedUnit, Comparator, IndicatorRecord, Ledger, LedgerItem, Milestone, PlanRecord, PlanState, UnitRole,
    UnresolvedName,
};

/// A correction of an indicator; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct IndicatorPatch {
    pub value: Option<f64>,
    pub op: Option<String>,
    pub unit: Option<String>,
    pub baseline: Option<f64>,
    pub deadline: Option<String>,
    pub milestones: Option<Vec<MilestoneInput>>,
    pub reason: Option<String>,
}

/// A milestone as a client writes it: the date is checked (and its error named) when it is applied.
#[derive(Debug, Clone, PartialEq, Deserialize, utoipa::ToSchema)]
pub struct MilestoneInput {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub value: f64,
}

/// A task the office adds to a plan.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewItem {
    /// The item it goes under; none for a new part.
    pub parent_id: Option<UnitId>,
    pub title: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub deadline: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A correction of a draft item; absent fields stay.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ItemPatch {
    pub title: Option<String>,
    pub text: Option<String>,
    pub deadline: Option<String>,
    /// Replaces the assignments: (unit id, role).
    pub units: Option<Vec<(UnitId, String)>>,
    /// Why a published plan changes (required then; it becomes a new version).
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewIndicator {
    pub text: String,
    pub metric: String,
    pub value: f64,
    #[serde(default)]
    pub value_max: Option<f64>,
    pub unit: String,
    pub op: String,
    #[serde(default)]
    pub baseline: f64,
    #[serde(default)]
    pub deadline: Option<String>,
    /// Why a published plan changes (required then).
    #[serde(default)]
    pub reason: Option<String>,
}

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

const PLAN_COLS: &str = "id, title, year, state, version, previous_id, source_name, source_sha256, row_version, reports_version, created_at, published_at";

impl Store {
    /// Stores a parsed plan as a draft, with its source text and hash; unit names resolve through the
    /// directory and the rest are listed for the office to map.
    pub async fn import_plan(
        &self,
        ctx: &Ctx,
        source_name: &str,
        source_text: &str,
        plan: &Plan,
    ) -> Result<PlanRecord, Error> {
        ctx.actor.require_admin()?;
        let year = plan.year.ok_or_else(|| Error::bad_input("plan.year"))?;
        let tasks = duban_plan::tasks(plan);
        if tasks.is_empty() {
            return Err(Error::bad_input("plan.empty"));
        }
        let title = plan.title.clone().unwrap_or_else(|| source_name.to_string());
        let parsed = serde_json::to_string(plan).map_err(Error::internal)?;
        let sha = sha256_hex(source_text.as_bytes());
        let source_name = source_name.to_string();
        let source_text = source_text.to_string();
        self.write(ctx, async |tx| {
            let row = sqlx::query(
                "INSERT INTO plans (previous_id, version, title, year, state, source_name, source_text, source_sha256, \
                 parsed_json, row_version, created_at, published_at) \
                 VALUES (NULL, 1, $1, $2, 'draft', $3, $4, $5, $6, 1, $7, NULL) RETURNING id",
            )
            .bind(&title)
            .bind(i64::from(year))
            .bind(&source_name)
            .bind(&source_text)
            .bind(&sha)
            .bind(&parsed)
            .bind(tx.now)
            .fetch_one(tx.conn())
            .await
            .db()?;
            let plan_id: PlanId = get(&row, "id")?;
            let mut position = 0;
            for item in &plan.items {
                tx.insert_item(plan_id, None, item, year, &mut position).await?;
            }
            let rec = tx.plan(plan_id).await?;
            tx.audit(
                "plan.import",
                "plan",
                plan_id,
                &(),
                &serde_json::json!({ "title": title, "source": source_name, "sha256": sha, "tasks": tasks.len() }),
            )
            .await?;
            Ok(rec)
        })
        .await
    }

    pub async fn list_plans(&self) -> Result<Vec<PlanRecord>, Error> {
        let rows =
            sqlx::query(&format!("SELECT {PLAN_COLS} FROM plans ORDER BY id DESC")).fetch_all(&self.read).await.db()?;
        rows.iter().map(plan_from_row).collect()
    }

    pub async fn plan(&self, id: PlanId) -> Result<PlanRecord, Error> {
        let row = sqlx::query(&format!("SELECT {PLAN_COLS} FROM plans WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .db()?
            .ok_or_else(|| Error::not_found(duban_core::Thing::Plan))?;
        plan_from_row(&row)
    }

    pub async fn plan_source(&self, id: PlanId) -> Result<String, Error> {
        let row = sqlx::query("SELECT source_text FROM plans WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .db()?
            .ok_or_else(|| Error::not_found(duban_core::Thing::Plan))?;
        get(&row, "source_text")
    }

    /// The ledger: the item tree with assignments and indicators.
    pub async fn ledger(&self, id: PlanId) -> Result<Ledger, Error> {
        let plan = self.plan(id).await?;
        let meta =
            sqlx::query("SELECT parsed_json FROM plans WHERE id = $1").bind(id).fetch_one(&self.read).await.db()?;
        let parsed: serde_json::Value =
            serde_json::from_str(&get::<String>(&meta, "parsed_json")?).map_err(Error::internal)?;
        let items = sqlx::query(
            "SELECT id, parent_id, label, number, ordinal, level, path, title, body, is_task, deadline, line, extra_json \
             FROM items WHERE plan_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await
        .db()?;
        // One row per item with its units packed (fields split by U+001F, units by U+001E): a plan may hold
        // tens of thousands of assignments, and rows are what costs here.
        let packed = match self.backend {
            crate::Backend::Sqlite => {
                "group_concat(a.unit_id || char(31) || a.role || char(31) || a.duty || char(31) || u.name || char(31) || u.kind || char(31) || a.position, char(30))"
            }
            crate::Backend::Postgres => {
                "string_agg(a.unit_id::text || chr(31) || a.role || chr(31) || a.duty || chr(31) || u.name || chr(31) || u.kind || chr(31) || a.position::text, chr(30))"
            }
        };
        let assigned = sqlx::query(&format!(
            "SELECT a.item_id, {packed} AS units FROM assignments a JOIN items i ON i.id = a.item_id \
             JOIN units u ON u.id = a.unit_id WHERE i.plan_id = $1 GROUP BY a.item_id"
        ))
        .bind(id)
        .fetch_all(&self.read)
        .await
        .db()?;
        let unresolved = sqlx::query(
            "SELECT r.item_id, r.name FROM unresolved_names r JOIN items i ON i.id = r.item_id WHERE i.plan_id = $1 ORDER BY r.name",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await
        .db()?;
        let indicators = self.indicators_of_plan(id).await?;

        let mut units_of: HashMap<ItemId, Vec<AssignedUnit>> = HashMap::new();
        for r in &assigned {
            let packed: String = get(r, "units")?;
            let mut units = Vec::new();
            for one in packed.split('\u{1e}') {
                let f: Vec<&str> = one.split('\u{1f}').collect();
                if let [unit_id, role, duty, name, kind, position] = f.as_slice() {
                    let position: i64 = position.parse().map_err(|_| Error::internal("packed unit position"))?;
                    units.push((
                        position,
                        AssignedUnit {
                            unit_id: unit_id.parse().map_err(|_| Error::internal("packed unit id"))?,
                            name: (*name).to_string(),
                            role: crate::db::unit_role(role)?,
                            kind: crate::db::unit_kind(kind)?,
                            duty: (*duty).to_string(),
                        },
                    ));
                }
            }
            // In the order the plan prints them; the units of one expanded group by id.
            units.sort_by_key(|(position, u)| (*position, u.unit_id));
            units_of.insert(get(r, "item_id")?, units.into_iter().map(|(_, u)| u).collect());
        }
        let mut unresolved_of: HashMap<ItemId, Vec<String>> = HashMap::new();
        for r in &unresolved {
            unresolved_of.entry(get(r, "item_id")?).or_default().push(get(r, "name")?);
        }
        let mut targets_of: HashMap<ItemId, Vec<IndicatorRecord>> = HashMap::new();
        for ind in indicators {
            targets_of.entry(ind.item_id).or_default().push(ind);
        }
        // Build the tree: items come in document order, so a parent precedes its children.
        let mut flat: Vec<(Option<ItemId>, LedgerItem)> = Vec::with_capacity(items.len());
        for r in &items {
            let id: ItemId = get(r, "id")?;
            let extra: serde_json::Value =
                serde_json::from_str(&get::<String>(r, "extra_json")?).map_err(Error::internal)?;
            let path: String = get(r, "path")?;
            flat.push((
                get(r, "parent_id")?,
                LedgerItem {
                    id,
                    label: get(r, "label")?,
                    number: get(r, "number")?,
                    ordinal: get(r, "ordinal")?,
                    level: get(r, "level")?,
                    path: path.split('.').map(str::to_string).collect(),
                    title: get(r, "title")?,
                    text: get(r, "body")?,
                    line: get(r, "line")?,
                    is_task: get::<i64>(r, "is_task")? != 0,
                    deadline: crate::db::date(&get::<String>(r, "deadline")?)?,
                    units: units_of.remove(&id).unwrap_or_default(),
                    unresolved_units: unresolved_of.remove(&id).unwrap_or_default(),
                    targets: targets_of.remove(&id).unwrap_or_default(),
                    deadlines: extra.get("deadlines").cloned().unwrap_or_default(),
                    projects: extra.get("projects").cloned().unwrap_or_default(),
                    children: Vec::new(),
                },
            ));
        }
        Ok(Ledger {
            plan,
            issuer: parsed.get("issuer").and_then(|v| v.as_str()).map(str::to_string),
            doc_number: parsed.get("doc_number").and_then(|v| v.as_str()).map(str::to_string),
            warnings: parsed.get("warnings").cloned().unwrap_or_default(),
            items: build_tree(flat),
        })
    }

    pub(crate) async fn indicators_of_plan(&self, plan_id: PlanId) -> Result<Vec<IndicatorRecord>, Error> {
        let rows = sqlx::query(
            "SELECT n.id, n.item_id, n.clause, n.metric, n.op, n.target, n.target_max, n.measure, n.baseline, n.deadline, n.milestones \
             FROM indicators n JOIN items i ON i.id = n.item_id WHERE i.plan_id = $1 ORDER BY i.position, n.position",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        rows.iter().map(indicator_from_row).collect()
    }

    /// Names of the plan that resolve to no unit.
    pub async fn unresolved_names(&self, plan_id: PlanId) -> Result<Vec<UnresolvedName>, Error> {
        let rows = sqlx::query(
            "SELECT r.item_id, i.path, r.name, r.role, r.position FROM unresolved_names r JOIN items i ON i.id = r.item_id \
             WHERE i.plan_id = $1 ORDER BY r.name, i.position",
        )
        .bind(plan_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        rows.iter()
            .map(|r| {
                Ok(UnresolvedName {
                    item_id: get(r, "item_id")?,
                    path: get(r, "path")?,
                    name: get(r, "name")?,
                    role: crate::db::unit_role(&get::<String>(r, "role")?)?,
                    position: get(r, "position")?,
                })
            })
            .collect()
    }

    /// Resolves the plan's unmapped names again, after the office added units, aliases or groups.
    pub async fn resolve_plan_names(&self, ctx: &Ctx, plan_id: PlanId) -> Result<Vec<UnresolvedName>, Error> {
        ctx.actor.require_admin()?;
        let pending = self.unresolved_names(plan_id).await?;
        self.write(ctx, async |tx| {
            let mut mapped = 0;
            for u in &pending {
                if tx.assign(u.item_id, &u.name, u.role.as_str(), "", u.position).await? {
                    sqlx::query("DELETE FROM unresolved_names WHERE item_id = $1 AND name = $2")
                        .bind(u.item_id)
                        .bind(&u.name)
                        .execute(tx.conn())
                        .await
                        .db()?;
                    mapped += 1;
                }
            }
            if mapped > 0 {
                tx.bump(plan_id).await?;
                tx.audit("plan.resolve_names", "plan", plan_id, &(), &serde_json::json!({ "mapped": mapped })).await?;
            }
            Ok(())
        })
        .await?;
        self.unresolved_names(plan_id).await
    }

    /// Publishes a draft: from now on units owe reports on it. Every name must be mapped first.
    pub async fn publish_plan(&self, ctx: &Ctx, plan_id: PlanId, row_version: i64) -> Result<PlanRecord, Error> {
        ctx.actor.require_admin()?;
        let pending = self.unresolved_names(plan_id).await?;
        if !pending.is_empty() {
            let mut names: Vec<&str> = pending.iter().map(|u| u.name.as_str()).collect();
            names.dedup();
            return Err(Error::new(ErrorKind::Conflict, "plan.unresolved_units")
                .arg("count", names.len())
                .arg_list("names", &names));
        }
        self.write(ctx, async |tx| {
            let before = tx.plan(plan_id).await?;
            tx.check_draft(&before, row_version)?;
            sqlx::query(
                "UPDATE plans SET state = 'published', published_at = $1, row_version = row_version + 1 WHERE id = $2",
            )
            .bind(tx.now)
            .bind(plan_id)
            .execute(tx.conn())
            .await
            .db()?;
            let after = tx.plan(plan_id).await?;
            tx.record_version(plan_id, after.version, "发布 / published").await?;
            tx.audit("plan.publish", "plan", plan_id, &before, &after).await?;
            Ok(after)
        })
        .await
    }

    /// Corrects an item of a draft plan.
    pub async fn update_item(
        &self,
        ctx: &Ctx,
        item_id: ItemId,
        row_version: i64,
        patch: &ItemPatch,
    ) -> Result<PlanRecord, Error> {
        ctx.actor.require_admin()?;
        let patch = patch.clone();
        self.write(ctx, async |tx| {
            let edit = tx.edit_of_item(item_id, row_version, patch.reason.as_deref()).await?;
            let plan_id = edit.plan_id;
            let before = tx.item_fields(item_id).await?;
            if let Some(title) = &patch.title {
                let title = title.trim();
                if title.is_empty() || title.chars().count() > 500 {
                    return Err(Error::bad_input("item.title"));
                }
                sqlx::query("UPDATE items SET title = $1 WHERE id = $2")
                    .bind(title)
                    .bind(item_id)
                    .execute(tx.conn())
                    .await
                    .db()?;
            }
            if let Some(text) = &patch.text {
                sqlx::query("UPDATE items SET body = $1 WHERE id = $2")
                    .bind(text)
                    .bind(item_id)
                    .execute(tx.conn())
                    .await
                    .db()?;
            }
            if let Some(deadline) = &patch.deadline {
                let d = duban_core::periods::parse_date(deadline)?;
                sqlx::query("UPDATE items SET deadline = $1 WHERE id = $2")
                    .bind(d.to_string())
                    .bind(item_id)
                    .execute(tx.conn())
                    .await
                    .db()?;
            }
            if let Some(units) = &patch.units {
                sqlx::query("DELETE FROM assignments WHERE item_id = $1")
                    .bind(item_id)
                    .execute(tx.conn())
                    .await
                    .db()?;
                // The office's list is the new printed order.
                for (position, (unit_id, role)) in (0_i64..).zip(units) {
                    let Some(role) = UnitRole::parse(role) else {
                        return Err(Error::bad_input("assignment.role"));
                    };
                    sqlx::query(
                        "INSERT INTO assignments (item_id, unit_id, role, duty, position) VALUES ($1, $2, $3, '', $4)",
                    )
                    .bind(item_id)
                    .bind(*unit_id)
                    .bind(role.as_str())
                    .bind(position)
                    .execute(tx.conn())
                    .await
                    .db()?;
                }
            }
            let after = tx.item_fields(item_id).await?;
            tx.finish_edit(edit).await?;
            tx.audit("item.update", "item", item_id, &before, &after).await?;
            tx.plan(plan_id).await
        })
        .await
    }

    /// Removes an item (and its children) from a draft plan.
    pub async fn delete_item(
        &self,
        ctx: &Ctx,
        item_id: ItemId,
        row_version: i64,
        reason: Option<&str>,
    ) -> Result<PlanRecord, Error> {
        ctx.actor.require_admin()?;
        self.write(ctx, async |tx| {
            let edit = tx.edit_of_item(item_id, row_version, reason).await?;
            let plan_id = edit.plan_id;
            let before = tx.item_fields(item_id).await?;
            // Reports are acknowledged data: an item that has any (or whose children have) stays.
            let reported = sqlx::query(
                "SELECT COUNT(*) AS n FROM reports r JOIN items i ON i.id = r.item_id WHERE i.id = $1 OR i.parent_id = $1",
            )
            .bind(item_id)
            .fetch_one(tx.conn())
            .await
            .db()?;
            if get::<i64>(&reported, "n")? > 0 {
                return Err(Error::new(ErrorKind::Conflict, "item.has_reports"));
            }
            sqlx::query("DELETE FROM items WHERE id = $1").bind(item_id).execute(tx.conn()).await.db()?;
            tx.finish_edit(edit).await?;
            tx.audit("item.delete", "item", item_id, &before, &()).await?;
            tx.plan(plan_id).await
        })
        .await
    }

    /// Adds an indicator to an item of a draft plan.
    pub async fn add_indicator(
        &self,
        ctx: &Ctx,
        item_id: ItemId,
        row_version: i64,
        new: &NewIndicator,
    ) -> Result<IndicatorRecord, Error> {
        ctx.actor.require_admin()?;
        let op = match Comparator::parse(&new.op) {
            Some(op) if new.value.is_finite() => op,
            _ => {
                return Err(Error::bad_input("indicator.op").worded("finite"));
            }
        };
        let new = new.clone();
        self.write(ctx, async |tx| {
            let edit = tx.edit_of_item(item_id, row_version, new.reason.as_deref()).await?;
            let deadline = match &new.deadline {
                Some(d) => duban_core::periods::parse_date(d)?,
                None => crate::db::date(&get::<String>(&sqlx::query("SELECT deadline FROM items WHERE id = $1").bind(item_id).fetch_one(tx.conn()).await.db()?, "deadline")?)?,
            };
            let row = sqlx::query(
                "INSERT INTO indicators (item_id, position, clause, metric, op, target, target_max, measure, baseline, deadline) \
                 VALUES ($1, (SELECT COUNT(*) FROM indicators WHERE item_id = $1), $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
                // sqlx's Any driver prepares a NULL f64 with a non-float type; do not cache the statement.
                .persistent(false)
            .bind(item_id)
            .bind(&new.text)
            .bind(&new.metric)
            .bind(op.as_str())
            .bind(new.value)
            .bind(new.value_max)
            .bind(&new.unit)
            .bind(new.baseline)
            .bind(deadline.to_string())
            .fetch_one(tx.conn())
            .await
            .db()?;
            let rec = IndicatorRecord {
                id: get(&row, "id")?,
                item_id,
                text: new.text.clone(),
                metric: new.metric.clone(),
                value: new.value,
                value_max: new.value_max,
                unit: new.unit.clone(),
                op,
                baseline: new.baseline,
                deadline,
                milestones: Vec::new(),
            };
            tx.finish_edit(edit).await?;
            tx.audit("indicator.create", "indicator", rec.id, &(), &rec).await?;
            Ok(rec)
        })
        .await
    }
}

impl Store {
    /// Corrects an indicator: target, comparator, measure, baseline, deadline, milestones.
    pub async fn update_indicator(
        &self,
        ctx: &Ctx,
        indicator_id: IndicatorId,
        row_version: i64,
        patch: &IndicatorPatch,
    ) -> Result<IndicatorRecord, Error> {
        ctx.actor.require_admin()?;
        if let Some(op) = &patch.op
            && duban_core::status::Comparator::parse(op).is_none()
        {
            return Err(Error::bad_input("indicator.op"));
        }
        if [patch.value, patch.baseline].iter().flatten().any(|v| !v.is_finite()) {
            return Err(Error::bad_input("indicator.value").worded("finite"));
        }
        let deadline = patch.deadline.as_deref().map(duban_core::periods::parse_date).transpose()?;
        let milestones = match &patch.milestones {
            Some(ms) => {
                let mut out = Vec::with_capacity(ms.len());
                for m in ms {
                    let d = duban_core::periods::parse_date(&m.date)?;
                    if !m.value.is_finite() {
                        return Err(Error::bad_input("indicator.milestone"));
                    }
                    out.push(Milestone { date: d, value: m.value });
                }
                out.sort_by_key(|m| m.date);
                Some(serde_json::to_string(&out).map_err(Error::internal)?)
            }
            None => None,
        };
        let patch = patch.clone();
        self.write(ctx, async |tx| {
            let row = sqlx::query("SELECT item_id FROM indicators WHERE id = $1")
                .bind(indicator_id)
                .fetch_optional(tx.conn())
                .await
                .db()?
                .ok_or_else(|| Error::not_found(duban_core::Thing::Indicator))?;
            let item_id: ItemId = get(&row, "item_id")?;
            let edit = tx.edit_of_item(item_id, row_version, patch.reason.as_deref()).await?;
            let before = tx.indicator(indicator_id).await?;
            sqlx::query(
                "UPDATE indicators SET target = COALESCE($1, target), op = COALESCE($2, op), measure = COALESCE($3, measure), \
                 baseline = COALESCE($4, baseline), deadline = COALESCE($5, deadline), milestones = COALESCE($6, milestones) WHERE id = $7",
            )
            // Optional f64 parameters: see the note on `persistent(false)` in the store.
            .persistent(false)
            .bind(patch.value)
            .bind(patch.op.clone())
            .bind(patch.unit.clone())
            .bind(patch.baseline)
            .bind(deadline.map(|d| d.to_string()))
            .bind(milestones.clone())
            .bind(indicator_id)
            .execute(tx.conn())
            .await
            .db()?;
            let after = tx.indicator(indicator_id).await?;
            tx.finish_edit(edit).await?;
            tx.audit("indicator.update", "indicator", indicator_id, &before, &after).await?;
            Ok(after)
        })
        .await
    }

    /// Removes an indicator that no report has given a value for.
    pub async fn delete_indicator(
        &self,
        ctx: &Ctx,
        indicator_id: IndicatorId,
        row_version: i64,
        reason: Option<&str>,
    ) -> Result<PlanRecord, Error> {
        ctx.actor.require_admin()?;
        self.write(ctx, async |tx| {
            let row = sqlx::query("SELECT item_id FROM indicators WHERE id = $1")
                .bind(indicator_id)
                .fetch_optional(tx.conn())
                .await
                .db()?
                .ok_or_else(|| Error::not_found(duban_core::Thing::Indicator))?;
            let edit = tx.edit_of_item(get(&row, "item_id")?, row_version, reason).await?;
            let plan_id = edit.plan_id;
            let used = sqlx::query("SELECT COUNT(*) AS n FROM report_values WHERE indicator_id = $1")
                .bind(indicator_id)
                .fetch_one(tx.conn())
                .await
                .db()?;
            if get::<i64>(&used, "n")? > 0 {
                return Err(Error::new(ErrorKind::Conflict, "indicator.has_values"));
            }
            let before = tx.indicator(indicator_id).await?;
            sqlx::query("DELETE FROM indicators WHERE id = $1").bind(indicator_id).execute(tx.conn()).await.db()?;
            tx.finish_edit(edit).await?;
            tx.audit("indicator.delete", "indicator", indicator_id, &before, &()).await?;
            tx.plan(plan_id).await
        })
        .await
    }

    /// Adds a task under `parent_id` (after its last child), or a new part at the end.
    pub async fn add_item(
        &self,
        ctx: &Ctx,
        plan_id: PlanId,
        row_version: i64,
        new: &NewItem,
    ) -> Result<LedgerItem, Error> {
        ctx.actor.require_admin()?;
        let title = new.title.trim().to_string();
        if title.is_empty() || title.chars().count() > 500 {
            return Err(Error::bad_input("item.title"));
        }
        let new = new.clone();
        let id = self
            .write(ctx, async |tx| {
                let edit = tx.edit_of_plan(plan_id, row_version, new.reason.as_deref()).await?;
                let deadline = match &new.deadline {
                    Some(d) => duban_core::periods::parse_date(d)?.to_string(),
                    None => format!("{}-12-31", edit.year),
                };
                let (parent_path, level, after_position) = match new.parent_id {
                    Some(pid) => {
                        let p = sqlx::query("SELECT plan_id, path, level FROM items WHERE id = $1")
                            .bind(pid)
                            .fetch_optional(tx.conn())
                            .await
                            .db()?
                            .ok_or_else(|| Error::not_found(duban_core::Thing::ParentItem))?;
                        if get::<PlanId>(&p, "plan_id")? != plan_id {
                            return Err(Error::bad_input("item.parent"));
                        }
                        let reported = sqlx::query("SELECT COUNT(*) AS n FROM reports WHERE item_id = $1").bind(pid).fetch_one(tx.conn()).await.db()?;
                        if get::<i64>(&reported, "n")? > 0 {
                            return Err(Error::new(ErrorKind::Conflict, "item.parent_has_reports"));
                        }
                        let path: String = get(&p, "path")?;
                        let last = sqlx::query("SELECT MAX(position) AS m FROM items WHERE plan_id = $1 AND (id = $2 OR path LIKE $3)")
                            .bind(plan_id)
                            .bind(pid)
                            .bind(format!("{path}.%"))
                            .fetch_one(tx.conn())
                            .await
                            .db()?;
                        (Some(path), get::<i64>(&p, "level")? + 1, get::<Option<i64>>(&last, "m")?.unwrap_or(0))
                    }
                    None => {
                        let last = sqlx::query("SELECT MAX(position) AS m FROM items WHERE plan_id = $1").bind(plan_id).fetch_one(tx.conn()).await.db()?;
                        (None, 1, get::<Option<i64>>(&last, "m")?.unwrap_or(0))
                    }
                };
                let siblings = sqlx::query("SELECT MAX(ordinal) AS m FROM items WHERE plan_id = $1 AND parent_id IS NOT DISTINCT FROM $2")
                    .bind(plan_id)
                    .bind(new.parent_id)
                    .fetch_one(tx.conn())
                    .await
                    .db()?;
                let ordinal = get::<Option<i64>>(&siblings, "m")?.unwrap_or(0) + 1;
                let number = chinese_number(ordinal);
                let path = match &parent_path {
                    Some(p) => format!("{p}.{number}"),
                    None => number.clone(),
                };
                let label = match level {
                    1 => format!("{number}、"),
                    2 => format!("（{number}）"),
                    _ => format!("{ordinal}."),
                };
                sqlx::query("UPDATE items SET position = position + 1 WHERE plan_id = $1 AND position > $2")
                    .bind(plan_id)
                    .bind(after_position)
                    .execute(tx.conn())
                    .await
                    .db()?;
                let row = sqlx::query(
                    "INSERT INTO items (plan_id, parent_id, position, path, label, number, ordinal, level, title, body, is_task, \
                     deadline, line, extra_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, 0, $12) RETURNING id",
                )
                .bind(plan_id)
                .bind(new.parent_id)
                .bind(after_position + 1)
                .bind(&path)
                .bind(&label)
                .bind(&number)
                .bind(ordinal)
                .bind(level)
                .bind(&title)
                .bind(&new.text)
                .bind(&deadline)
                .bind(r#"{"deadlines":[],"projects":[]}"#)
                .fetch_one(tx.conn())
                .await
                .db()?;
                let id: ItemId = get(&row, "id")?;
                if let Some(pid) = new.parent_id {
                    sqlx::query("UPDATE items SET is_task = 0 WHERE id = $1").bind(pid).execute(tx.conn()).await.db()?;
                }
                tx.finish_edit(edit).await?;
                let after = tx.item_fields(id).await?;
                tx.audit("item.create", "item", id, &(), &after).await?;
                Ok(id)
            })
            .await?;
        fn find(items: &[LedgerItem], id: ItemId) -> Option<&LedgerItem> {
            items.iter().find_map(|i| if i.id == id { Some(i) } else { find(&i.children, id) })
        }
        let ledger = self.ledger(plan_id).await?;
        find(&ledger.items, id).cloned().ok_or_else(|| Error::internal("the new item is not in the ledger"))
    }

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
    async fn insert_item(
        &mut self,
        plan_id: PlanId,
        parent: Option<ItemId>,
        item: &Item,
        year: i32,
        position: &mut i64,
    ) -> Result<(), Error> {
        *position += 1;
        let deadline =
            item.deadlines.iter().filter_map(|d| d.date.clone()).max().unwrap_or_else(|| format!("{year}-12-31"));
        let extra = serde_json::json!({ "deadlines": item.deadlines, "projects": item.projects });
        let row = sqlx::query(
            "INSERT INTO items (plan_id, parent_id, position, path, label, number, ordinal, level, title, body, is_task, \
             deadline, line, extra_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        )
        .bind(plan_id)
        .bind(parent)
        .bind(*position)
        .bind(item.path.join("."))
        .bind(&item.label)
        .bind(&item.number)
        .bind(i64::from(item.ordinal))
        .bind(i64::from(item.level))
        .bind(&item.title)
        .bind(&item.text)
        .bind(i64::from(item.is_task()))
        .bind(&deadline)
        .bind(i64::from(item.line))
        .bind(extra.to_string())
        .fetch_one(self.conn())
        .await
        .db()?;
        let id: ItemId = get(&row, "id")?;
        for (position, u) in (0_i64..).zip(&item.units) {
            let role = u.role.as_str();
            let duty = u.duty.clone().unwrap_or_default();
            if !self.assign(id, &u.name, role, &duty, position).await? {
                sqlx::query(
                    "INSERT INTO unresolved_names (item_id, name, role, duty, position) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(check_name(&u.name)?)
                .bind(role)
                .bind(&duty)
                .bind(position)
                .execute(self.conn())
                .await
                .db()?;
            }
        }
        for (i, t) in item.targets.iter().enumerate() {
            sqlx::query(
                "INSERT INTO indicators (item_id, position, clause, metric, op, target, target_max, measure, baseline, deadline) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9)",
            )
                // sqlx's Any driver prepares a NULL f64 with a non-float type; do not cache the statement.
                .persistent(false)
            .bind(id)
            .bind(i as i64)
            .bind(&t.text)
            .bind(&t.metric)
            .bind(t.op.as_str())
            .bind(t.value)
            .bind(t.value_max)
            .bind(&t.unit)
            .bind(t.deadline.clone().unwrap_or_else(|| deadline.clone()))
            .execute(self.conn())
            .await
            .db()?;
        }
        for child in &item.children {
            Box::pin(self.insert_item(plan_id, Some(id), child, year, position)).await?;
        }
        Ok(())
    }

    /// Assigns the unit(s) `name` resolves to, at the name's place in the task's printed list (a group's
    /// units all at the group's place); false when it resolves to nothing.
    async fn assign(
        &mut self,
        item_id: ItemId,
        name: &str,
        role: &str,
        duty: &str,
        position: i64,
    ) -> Result<bool, Error> {
        let ids = match self.resolve_name(name).await? {
            Resolved::Unit(id) => vec![id],
            Resolved::Group(ids) => ids,
            Resolved::Nothing => return Ok(false),
        };
        for unit_id in ids {
            sqlx::query(
                "INSERT INTO assignments (item_id, unit_id, role, duty, position) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(item_id)
            .bind(unit_id)
            .bind(role)
            .bind(duty)
            .bind(position)
            .execute(self.conn())
            .await
            .db()?;
        }
        Ok(true)
    }

    pub(crate) async fn plan(&mut self, id: PlanId) -> Result<PlanRecord, Error> {
        let row = sqlx::query(&format!("SELECT {PLAN_COLS} FROM plans WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.conn())
            .await
            .db()?
            .ok_or_else(|| Error::not_found(duban_core::Thing::Plan))?;
        plan_from_row(&row)
    }

    async fn indicator(&mut self, id: IndicatorId) -> Result<IndicatorRecord, Error> {
        let row = sqlx::query(
            "SELECT id, item_id, clause, metric, op, target, target_max, measure, baseline, deadline, milestones FROM indicators WHERE id = $1",
        )
        .bind(id)
        .fetch_one(self.conn())
        .await
        .db()?;
        indicator_from_row(&row)
    }

    pub(crate) async fn plan_of_item(&mut self, item_id: ItemId) -> Result<PlanId, Error> {
        let row = sqlx::query("SELECT plan_id FROM items WHERE id = $1")
            .bind(item_id)
            .fetch_optional(self.conn())
            .await
            .db()?
            .ok_or_else(|| Error::not_found(duban_core::Thing::Item))?;
        get(&row, "plan_id")
    }

    async fn item_fields(&mut self, item_id: ItemId) -> Result<serde_json::Value, Error> {
        let r = sqlx::query("SELECT path, title, body, deadline FROM items WHERE id = $1")
            .bind(item_id)
            .fetch_one(self.conn())
            .await
            .db()?;
        let units = sqlx::query("SELECT unit_id, role FROM assignments WHERE item_id = $1 ORDER BY unit_id")
            .bind(item_id)
            .fetch_all(self.conn())
            .await
            .db()?;
        let mut us = Vec::new();
        for u in &units {
            us.push((get::<i64>(u, "unit_id")?, get::<String>(u, "role")?));
        }
        Ok(serde_json::json!({
            "path": get::<String>(&r, "path")?,
            "title": get::<String>(&r, "title")?,
            "text": get::<String>(&r, "body")?,
            "deadline": get::<String>(&r, "deadline")?,
            "units": us,
        }))
    }

    fn check_draft(&self, plan: &PlanRecord, row_version: i64) -> Result<(), Error> {
        if plan.row_version != row_version {
            return Err(Error::stale(duban_core::Thing::Plan));
        }
        if plan.state != PlanState::Draft {
            return Err(Error::new(ErrorKind::Conflict, "plan.not_draft"));
        }
        Ok(())
    }

    /// A draft is edited freely; a published plan only with a reason, and each change makes a new version.
    /// Returns the reason when this edit is a revision of a published plan.
    fn check_editable(
        &self,
        plan: &PlanRecord,
        row_version: i64,
        reason: Option<&str>,
    ) -> Result<Option<String>, Error> {
        if plan.row_version != row_version {
            return Err(Error::stale(duban_core::Thing::Plan));
        }
        if plan.state == PlanState::Draft {
            return Ok(None);
        }
        match reason.map(str::trim) {
            Some(r) if !r.is_empty() && r.chars().count() <= 500 => Ok(Some(r.to_string())),
            _ => Err(Error::bad_input("plan.revision_reason")),
        }
    }

    /// Moves a published plan to its next version and keeps that version's ledger.
    async fn new_version(&mut self, plan_id: PlanId, reason: &str) -> Result<(), Error> {
        let row = sqlx::query("UPDATE plans SET version = version + 1 WHERE id = $1 RETURNING version")
            .bind(plan_id)
            .fetch_one(self.conn())
            .await
            .db()?;
        let version: i64 = get(&row, "version")?;
        self.record_version(plan_id, version, reason).await
    }

    async fn record_version(&mut self, plan_id: PlanId, version: i64, reason: &str) -> Result<(), Error> {
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

    /// Opens an edit of the plan that holds `item_id`: the plan is read, the caller's `row_version` checked
    /// against it, and the reason required when the plan is published (see [`Tx::check_editable`]).
    async fn edit_of_item(
        &mut self,
        item_id: ItemId,
        row_version: i64,
        reason: Option<&str>,
    ) -> Result<PlanEdit, Error> {
        let plan_id = self.plan_of_item(item_id).await?;
        self.edit_of_plan(plan_id, row_version, reason).await
    }

    async fn edit_of_plan(
        &mut self,
        plan_id: PlanId,
        row_version: i64,
        reason: Option<&str>,
    ) -> Result<PlanEdit, Error> {
        let plan = self.plan(plan_id).await?;
        let revision = self.check_editable(&plan, row_version, reason)?;
        Ok(PlanEdit { plan_id, year: plan.year, revision })
    }

    /// Closes an edit: the plan's row version moves, and a revision of a published plan becomes its
    /// next version.
    async fn finish_edit(&mut self, edit: PlanEdit) -> Result<(), Error> {
        self.edited(edit.plan_id, edit.revision.as_deref()).await
    }

    /// After an edit: the plan's row version moves, and a revision of a published plan (with its reason)
    /// becomes a new version.
    async fn edited(&mut self, plan_id: PlanId, revision: Option<&str>) -> Result<(), Error> {
        self.bump(plan_id).await?;
        match revision {
            Some(reason) => self.new_version(plan_id, reason).await,
            None => Ok(()),
        }
    }

    pub(crate) async fn bump(&mut self, plan_id: PlanId) -> Result<(), Error> {
        sqlx::query("UPDATE plans SET row_version = row_version + 1 WHERE id = $1")
            .bind(plan_id)
            .execute(self.conn())
            .await
            .db()?;
        Ok(())
    }
}

/// 1 → 一, 14 → 十四, 21 → 二十一 (to 99; larger numbers are written in digits): the parser's.
fn chinese_number(n: i64) -> String {
    u32::try_from(n).map(duban_plan::labels::cn_numeral).unwrap_or_else(|_| n.to_string())
}

fn build_tree(flat: Vec<(Option<ItemId>, LedgerItem)>) -> Vec<LedgerItem> {
    // Attach children bottom-up: walking backwards, every child is complete before its parent takes it.
    let mut index: HashMap<ItemId, usize> = HashMap::new();
    for (i, (_, it)) in flat.iter().enumerate() {
        index.insert(it.id, i);
    }
    let mut slots: Vec<Option<(Option<ItemId>, LedgerItem)>> = flat.into_iter().map(Some).collect();
    let mut roots = Vec::new();
    for i in (0..slots.len()).rev() {
        let Some((parent, item)) = slots.get_mut(i).and_then(Option::take) else { continue };
        match parent.and_then(|p| index.get(&p).copied()) {
            Some(pi) if pi < i => {
                if let Some((_, p)) = slots.get_mut(pi).and_then(Option::as_mut) {
                    p.children.insert(0, item);
                }
            }
            _ => roots.insert(0, item),
        }
    }
    roots
}

fn plan_from_row(r: &sqlx::any::AnyRow) -> Result<PlanRecord, Error> {
    Ok(PlanRecord {
        id: get(r, "id")?,
        title: get(r, "title")?,
        year: get(r, "year")?,
        state: crate::db::plan_state(&get::<String>(r, "state")?)?,
        version: get(r, "version")?,
        previous_id: get(r, "previous_id")?,
        source_name: get(r, "source_name")?,
        source_sha256: get(r, "source_sha256")?,
        row_version: get(r, "row_version")?,
        reports_version: get(r, "reports_version")?,
        created_at: get(r, "created_at")?,
        published_at: get(r, "published_at")?,
    })
}

pub(crate) fn indicator_from_row(r: &sqlx::any::AnyRow) -> Result<IndicatorRecord, Error> {
    Ok(IndicatorRecord {
        id: get(r, "id")?,
        item_id: get(r, "item_id")?,
        text: get(r, "clause")?,
        metric: get(r, "metric")?,
        value: get(r, "target")?,
        value_max: get(r, "target_max")?,
        unit: get(r, "measure")?,
        op: crate::db::comparator(&get::<String>(r, "op")?)?,
        baseline: get(r, "baseline")?,
        deadline: crate::db::date(&get::<String>(r, "deadline")?)?,
        milestones: serde_json::from_str(&get::<String>(r, "milestones")?).map_err(Error::internal)?,
    })
}

/// An edit of a plan under way inside a transaction: which plan, and the reason when it revises a
/// published plan.
struct PlanEdit {
    plan_id: PlanId,
    /// The plan's year (the default deadline of what the edit adds).
    year: i64,
    revision: Option<String>,
}

impl Store {
    /// Gives the units of tasks stored before units kept their place (migration 7 leaves them at -1) the
    /// place the plan prints them in, from the plan as parsed at import (`plans.parsed_json`): a unit's
    /// place is the first printed name that is its name, one of its aliases or a generic name standing for
    /// it; units printed under none come last. Called at every open, so that it is done even when an
    /// earlier open stopped half-way; once done, it finds nothing at -1 and does nothing more.
    #[doc(hidden)]
    pub async fn recover_printed_order(&self) -> Result<(), Error> {
        let pending = sqlx::query(
            "SELECT i.id, i.plan_id, i.path FROM items i WHERE i.id IN \
             (SELECT item_id FROM assignments WHERE position < 0 UNION SELECT item_id FROM unresolved_names WHERE position < 0) \
             ORDER BY i.plan_id",
        )
        .fetch_all(&self.write)
        .await
        .db()?;
        if pending.is_empty() {
            return Ok(());
        }
        let mut names_of: HashMap<UnitId, Vec<String>> = HashMap::new();
        for u in self.list_units().await? {
            names_of.entry(u.id).or_default().extend(std::iter::once(u.name).chain(u.aliases));
        }
        for g in sqlx::query("SELECT name, unit_id FROM unit_groups").fetch_all(&self.write).await.db()? {
            names_of.entry(get(&g, "unit_id")?).or_default().push(get(&g, "name")?);
        }
        let mut printed: HashMap<i64, HashMap<String, Vec<String>>> = HashMap::new();
        let mut conn = self.write.acquire().await.db()?;
        let mut tx = sqlx::Connection::begin(&mut *conn).await.db()?;
        for item in &pending {
            let (item_id, plan_id, path): (i64, i64, String) =
                (get(item, "id")?, get(item, "plan_id")?, get(item, "path")?);
            if let std::collections::hash_map::Entry::Vacant(slot) = printed.entry(plan_id) {
                let row = sqlx::query("SELECT parsed_json FROM plans WHERE id = $1")
                    .bind(plan_id)
                    .fetch_one(&mut *tx)
                    .await
                    .db()?;
                let plan: Option<duban_plan::Plan> = serde_json::from_str(&get::<String>(&row, "parsed_json")?).ok();
                let items = plan.as_ref().map(|p| duban_plan::walk_items(&p.items)).unwrap_or_default();
                slot.insert(
                    items
                        .into_iter()
                        .map(|i| (i.path.join("."), i.units.iter().map(|u| u.name.clone()).collect()))
                        .collect(),
                );
            }
            let names = printed.get(&plan_id).and_then(|p| p.get(&path)).cloned().unwrap_or_default();
            let units = sqlx::query("SELECT unit_id FROM assignments WHERE item_id = $1")
                .bind(item_id)
                .fetch_all(&mut *tx)
                .await
                .db()?;
            for u in &units {
                let unit_id: UnitId = get(u, "unit_id")?;
                let place = names_of
                    .get(&unit_id)
                    .into_iter()
                    .flatten()
                    .filter_map(|n| names.iter().position(|p| p == n))
                    .min()
                    .map_or(1_000_000, |p| p as i64);
                sqlx::query("UPDATE assignments SET position = $1 WHERE item_id = $2 AND unit_id = $3")
                    .bind(place)
                    .bind(item_id)
                    .bind(unit_id)
                    .execute(&mut *tx)
                    .await
                    .db()?;
            }
            let unresolved = sqlx::query("SELECT name FROM unresolved_names WHERE item_id = $1")
                .bind(item_id)
                .fetch_all(&mut *tx)
                .await
                .db()?;
            for r in &unresolved {
                let name: String = get(r, "name")?;
                let place = names.iter().position(|p| *p == name).map_or(1_000_000, |p| p as i64);
                sqlx::query("UPDATE unresolved_names SET position = $1 WHERE item_id = $2 AND name = $3")
                    .bind(place)
                    .bind(item_id)
                    .bind(&name)
                    .execute(&mut *tx)
                    .await
                    .db()?;
            }
        }
        tx.commit().await.db()?;
        Ok(())
    }
}
