//! Corrections of a plan: items and indicators added, changed and removed, on a draft freely and on a
//! published plan with a reason (each such edit a new version).

use duban_core::{IndicatorId, ItemId, PlanId, UnitId};

use duban_core::{Error, ErrorKind};
use serde::Deserialize;

use super::chinese_number;
use crate::Ctx;
use crate::db::{DbResult, Store, Tx, get};
use duban_model::{Comparator, IndicatorRecord, LedgerItem, Milestone, PlanRecord, PlanState, UnitRole};

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

impl Store {
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
            tx.mark_checked(item_id).await?;
            let after = tx.item_fields(item_id).await?;
            tx.finish_edit(edit).await?;
            tx.audit("item.update", "item", item_id, &before, &after).await?;
            tx.plan(plan_id).await
        })
        .await
    }

    /// The office confirms an item as the parser read it (核对无误): its doubts stop counting as open. Not a
    /// change of the plan, so a published plan takes it without a reason or a new version; the row
    /// version is checked and moves, as for an edit, so that a page shown before a correction cannot
    /// confirm what it did not show.
    pub async fn check_item(&self, ctx: &Ctx, item_id: ItemId, row_version: i64) -> Result<PlanRecord, Error> {
        ctx.actor.require_admin()?;
        self.write(ctx, async |tx| {
            let plan_id = tx.plan_of_item(item_id).await?;
            let plan = tx.plan(plan_id).await?;
            if plan.row_version != row_version {
                return Err(Error::stale(duban_core::Thing::Plan));
            }
            let before = tx.item_fields(item_id).await?;
            tx.mark_checked(item_id).await?;
            tx.bump(plan_id).await?;
            let after = tx.item_fields(item_id).await?;
            tx.audit("item.check", "item", item_id, &before, &after).await?;
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
                basis: None,
                cue: String::new(),
            };
            tx.finish_edit(edit).await?;
            tx.audit("indicator.create", "indicator", rec.id, &(), &rec).await?;
            Ok(rec)
        })
        .await
    }

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
            // The office's own comparator or value is no longer what the parser read.
            let office_set = patch.op.as_deref().is_some_and(|op| Comparator::parse(op) != Some(before.op))
                || patch.value.is_some_and(|v| v != before.value);
            if office_set {
                sqlx::query("UPDATE indicators SET basis = '', cue = '' WHERE id = $1")
                    .bind(indicator_id)
                    .execute(tx.conn())
                    .await
                    .db()?;
            }
            tx.mark_checked(item_id).await?;
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
}

impl Tx {
    pub(super) fn check_draft(&self, plan: &PlanRecord, row_version: i64) -> Result<(), Error> {
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

    /// The office has looked at the item (confirmed or corrected it).
    async fn mark_checked(&mut self, item_id: ItemId) -> Result<(), Error> {
        sqlx::query("UPDATE items SET checked_at = $1 WHERE id = $2 AND checked_at IS NULL")
            .bind(self.now)
            .bind(item_id)
            .execute(self.conn())
            .await
            .db()?;
        Ok(())
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
}

/// An edit of a plan under way inside a transaction: which plan, and the reason when it revises a
/// published plan.
struct PlanEdit {
    plan_id: PlanId,
    /// The plan's year (the default deadline of what the edit adds).
    year: i64,
    revision: Option<String>,
}
