//! Plans: imported through the parser as drafts, corrected, published. The ledger is the plan's item tree
//! with ids, assignments (resolved through the units directory) and indicators.

use duban_core::{IndicatorId, ItemId, PlanId};
use std::collections::HashMap;

use duban_core::{Error, ErrorKind};
use duban_plan::model::{Item, Plan, Warning};

use crate::db::{DbResult, Store, Tx, get};
use crate::units::{Resolved, check_name};
use crate::{Ctx, sha256_hex};
use duban_model::{AssignedUnit, IndicatorRecord, Ledger, LedgerItem, PlanRecord, UnresolvedName};

mod edit;
mod printed_order;
mod versions;

pub use edit::{IndicatorPatch, ItemPatch, NewIndicator, NewItem};
pub use versions::{ItemChange, PlanDiff, PlanVersion};

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
            // Each item keeps the parser's doubts about it, for the check page to show first.
            let mut doubts_by_path: HashMap<&[String], Vec<&Warning>> = HashMap::new();
            for w in &plan.warnings {
                doubts_by_path.entry(w.path.as_slice()).or_default().push(w);
            }
            for item in &plan.items {
                tx.insert_item(plan_id, None, item, year, &mut position, &doubts_by_path).await?;
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
            "SELECT id, parent_id, label, number, ordinal, level, path, title, body, is_task, deadline, line, extra_json, \
             checked_at FROM items WHERE plan_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.read)
        .await
        .db()?;
        // One row per item with its units packed (fields split by U+001F, units by U+001E): a plan may hold
        // tens of thousands of assignments, and rows are what costs here.
        let packed = match self.backend {
            crate::Backend::Sqlite => {
                "group_concat(a.unit_id || char(31) || a.role || char(31) || a.duty || char(31) || u.name || char(31) || u.kind || char(31) || a.position || char(31) || a.basis, char(30))"
            }
            crate::Backend::Postgres => {
                "string_agg(a.unit_id::text || chr(31) || a.role || chr(31) || a.duty || chr(31) || u.name || chr(31) || u.kind || chr(31) || a.position::text || chr(31) || a.basis, chr(30))"
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
                if let [unit_id, role, duty, name, kind, position, basis] = f.as_slice() {
                    let position: i64 = position.parse().map_err(|_| Error::internal("packed unit position"))?;
                    units.push((
                        position,
                        AssignedUnit {
                            unit_id: unit_id.parse().map_err(|_| Error::internal("packed unit id"))?,
                            name: (*name).to_string(),
                            role: crate::db::unit_role(role)?,
                            kind: crate::db::unit_kind(kind)?,
                            duty: (*duty).to_string(),
                            basis: crate::db::unit_basis(basis)?,
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
            let deadlines = extra.get("deadlines").cloned().unwrap_or_default();
            let (deadline_text, ongoing) = duban_model::deadline_phrases(&deadlines);
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
                    deadline_text,
                    ongoing,
                    units: units_of.remove(&id).unwrap_or_default(),
                    unresolved_units: unresolved_of.remove(&id).unwrap_or_default(),
                    targets: targets_of.remove(&id).unwrap_or_default(),
                    deadlines,
                    projects: extra.get("projects").cloned().unwrap_or_default(),
                    doubts: match extra.get("doubts") {
                        Some(d) => serde_json::from_value(d.clone()).map_err(Error::internal)?,
                        None => Vec::new(),
                    },
                    checked_at: get(r, "checked_at")?,
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
            "SELECT n.id, n.item_id, n.clause, n.metric, n.op, n.target, n.target_max, n.measure, n.baseline, n.deadline, n.milestones, \
             n.basis, n.cue \
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
            "SELECT r.item_id, i.path, r.name, r.role, r.position, r.duty, r.basis FROM unresolved_names r JOIN items i ON i.id = r.item_id \
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
                    duty: get(r, "duty")?,
                    basis: crate::db::unit_basis(&get::<String>(r, "basis")?)?,
                })
            })
            .collect()
    }

    /// Resolves the plan's unmapped names again, after the office added units, aliases or groups.
    pub async fn resolve_plan_names(&self, ctx: &Ctx, plan_id: PlanId) -> Result<Vec<UnresolvedName>, Error> {
        ctx.actor.require_admin()?;
        let pending = self.unresolved_names(plan_id).await?;
        self.write(ctx, async |tx| tx.resolve_pending(plan_id, &pending).await).await?;
        self.unresolved_names(plan_id).await
    }

    /// Creates units for names of the plan that the directory lacks (the check page's "create" and
    /// "create all") and resolves the plan's names through them, in one transaction: a name that already
    /// exists refuses the whole batch, so nothing is half-created. Returns the names still unmapped.
    pub async fn create_units_for_plan(
        &self,
        ctx: &Ctx,
        plan_id: PlanId,
        units: &[crate::NewUnit],
    ) -> Result<Vec<UnresolvedName>, Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
        if units.is_empty() || units.len() > 2000 {
            return Err(Error::bad_input("unit.batch"));
        }
        let pending = self.unresolved_names(plan_id).await?;
        let units = units.to_vec();
        self.write(ctx, async |tx| {
            for u in &units {
                tx.create_unit(u).await?;
            }
            tx.resolve_pending(plan_id, &pending).await
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
}

impl Tx {
    /// Assigns the names in `pending` that now resolve (keeping their place, duty word and basis).
    async fn resolve_pending(&mut self, plan_id: PlanId, pending: &[UnresolvedName]) -> Result<(), Error> {
        let mut mapped = 0;
        for u in pending {
            let basis = u.basis.map_or("", |b| b.as_str());
            if self.assign(u.item_id, &u.name, u.role.as_str(), &u.duty, u.position, basis).await? {
                sqlx::query("DELETE FROM unresolved_names WHERE item_id = $1 AND name = $2")
                    .bind(u.item_id)
                    .bind(&u.name)
                    .execute(self.conn())
                    .await
                    .db()?;
                mapped += 1;
            }
        }
        if mapped > 0 {
            self.bump(plan_id).await?;
            self.audit("plan.resolve_names", "plan", plan_id, &(), &serde_json::json!({ "mapped": mapped })).await?;
        }
        Ok(())
    }

    async fn insert_item(
        &mut self,
        plan_id: PlanId,
        parent: Option<ItemId>,
        item: &Item,
        year: i32,
        position: &mut i64,
        doubts_by_path: &HashMap<&[String], Vec<&Warning>>,
    ) -> Result<(), Error> {
        *position += 1;
        let deadline =
            item.deadlines.iter().filter_map(|d| d.date.clone()).max().unwrap_or_else(|| format!("{year}-12-31"));
        let doubts: &[&Warning] = doubts_by_path.get(item.path.as_slice()).map_or(&[], Vec::as_slice);
        let extra = serde_json::json!({ "deadlines": item.deadlines, "projects": item.projects, "doubts": doubts });
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
            if !self.assign(id, &u.name, role, &duty, position, u.basis.as_str()).await? {
                sqlx::query(
                    "INSERT INTO unresolved_names (item_id, name, role, duty, position, basis) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(check_name(&u.name)?)
                .bind(role)
                .bind(&duty)
                .bind(position)
                .bind(u.basis.as_str())
                .execute(self.conn())
                .await
                .db()?;
            }
        }
        for (i, t) in item.targets.iter().enumerate() {
            sqlx::query(
                "INSERT INTO indicators (item_id, position, clause, metric, op, target, target_max, measure, baseline, deadline, \
                 basis, cue) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11)",
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
            .bind(t.basis.as_str())
            .bind(t.cue.as_deref().unwrap_or(""))
            .execute(self.conn())
            .await
            .db()?;
        }
        for child in &item.children {
            Box::pin(self.insert_item(plan_id, Some(id), child, year, position, doubts_by_path)).await?;
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
        basis: &str,
    ) -> Result<bool, Error> {
        let ids = match self.resolve_name(name).await? {
            Resolved::Unit(id) => vec![id],
            Resolved::Group(ids) => ids,
            Resolved::Nothing => return Ok(false),
        };
        for unit_id in ids {
            sqlx::query(
                "INSERT INTO assignments (item_id, unit_id, role, duty, position, basis) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(item_id)
            .bind(unit_id)
            .bind(role)
            .bind(duty)
            .bind(position)
            .bind(basis)
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

    pub(super) async fn indicator(&mut self, id: IndicatorId) -> Result<IndicatorRecord, Error> {
        let row = sqlx::query(
            "SELECT id, item_id, clause, metric, op, target, target_max, measure, baseline, deadline, milestones, basis, cue \
             FROM indicators WHERE id = $1",
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

    pub(super) async fn item_fields(&mut self, item_id: ItemId) -> Result<serde_json::Value, Error> {
        let r = sqlx::query("SELECT path, title, body, deadline, checked_at FROM items WHERE id = $1")
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
            "checked_at": get::<Option<i64>>(&r, "checked_at")?,
        }))
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
        basis: crate::db::target_basis(&get::<String>(r, "basis")?)?,
        cue: get(r, "cue")?,
    })
}
