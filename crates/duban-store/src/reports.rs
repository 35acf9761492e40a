//! Progress reports and their life cycle, the to-do list of a unit, 催报 reminders and 延期申请.

use std::collections::HashMap;

use duban_core::lifecycle::next_state;
use duban_core::periods::{local_date, parse_date};
use duban_core::{Actor, Error, ErrorKind, ReportAction, ReportState};
use serde::{Deserialize, Serialize};

use crate::Ctx;
use crate::db::{DbResult, Store, Tx, get};
use crate::notices::{NewNotice, UnitPeople};
use duban_core::notice::NoticeKind;
use duban_model::{
    ExtensionId, ExtensionState, IndicatorId, ItemId, PeriodId, PeriodRecord, PlanId, ProjectProgress, ReminderId,
    ReportId, UnitId,
};

/// Where a project or milestone of the task stands, as the unit reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MilestoneState {
    /// The project or milestone (西安外环高速公路南段 建成通车).
    pub name: String,
    pub state: ProjectProgress,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportValue {
    pub indicator_id: IndicatorId,
    pub value: f64,
}

/// What a unit writes: a new report (no `version`) or an edit of its draft (the version it was read at).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct ReportDraft {
    pub period_id: PeriodId,
    pub item_id: ItemId,
    pub unit_id: UnitId,
    #[serde(default)]
    pub progress: String,
    #[serde(default)]
    pub problems: String,
    #[serde(default)]
    pub next_steps: String,
    #[serde(default)]
    pub percent: Option<f64>,
    #[serde(default)]
    pub finished: bool,
    #[serde(default)]
    pub values: Vec<ReportValue>,
    #[serde(default)]
    pub milestones: Vec<MilestoneState>,
    #[serde(default)]
    pub version: Option<i64>,
}

impl ReportDraft {
    /// An empty new report of `unit_id` on `item_id` for `period_id`.
    pub fn new(period_id: PeriodId, item_id: ItemId, unit_id: UnitId) -> ReportDraft {
        ReportDraft {
            period_id,
            item_id,
            unit_id,
            progress: String::new(),
            problems: String::new(),
            next_steps: String::new(),
            percent: None,
            finished: false,
            values: Vec::new(),
            milestones: Vec::new(),
            version: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportRecord {
    pub id: ReportId,
    pub period_id: PeriodId,
    pub item_id: ItemId,
    pub unit_id: UnitId,
    pub state: ReportState,
    pub progress: String,
    pub problems: String,
    pub next_steps: String,
    pub percent: Option<f64>,
    pub finished: bool,
    pub return_reason: String,
    pub submitted_at: Option<i64>,
    pub first_submitted_at: Option<i64>,
    pub reviewed_at: Option<i64>,
    pub version: i64,
    pub updated_at: i64,
    pub milestones: Vec<MilestoneState>,
    pub values: Vec<ReportValue>,
    /// 单位审签: the leader who signed it for the unit, and when (a leader's own sending signs it).
    pub signed_by: Option<String>,
    pub signed_at: Option<i64>,
    /// The leader's reason when the report was last sent back inside the unit.
    pub unit_note: String,
}

/// Which reports to list; every part given must hold.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub plan_id: Option<PlanId>,
    pub period_id: Option<PeriodId>,
    pub unit_id: Option<UnitId>,
    pub item_id: Option<ItemId>,
    pub state: Option<ReportState>,
    /// At most this many (default 500, at most 5000)…
    pub limit: Option<i64>,
    /// …with ids above this one (to page through: pass the last id seen).
    pub after_id: Option<ReportId>,
}

/// One line of a unit's to-do list: a task it holds and where its report for the period stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TodoRow {
    /// Where leads consolidate and the unit is a co-unit: the lead(s) its report goes to (due earlier).
    pub to_lead: Option<String>,
    pub item_id: ItemId,
    pub path: String,
    pub title: String,
    pub role: duban_model::UnitRole,
    pub unit_id: UnitId,
    pub period_id: PeriodId,
    pub due_on: String,
    pub locked: bool,
    pub report_id: Option<ReportId>,
    /// `None`: not started.
    pub state: Option<ReportState>,
    pub return_reason: String,
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReminderRecord {
    pub id: ReminderId,
    pub period_id: PeriodId,
    pub unit_id: UnitId,
    pub item_id: Option<ItemId>,
    pub note: String,
    pub sent_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExtensionRecord {
    pub id: ExtensionId,
    pub item_id: ItemId,
    pub unit_id: UnitId,
    pub requested_on: String,
    pub reason: String,
    pub state: ExtensionState,
    pub decision_note: String,
}

pub(crate) const REPORT_COLS: &str = "id, period_id, item_id, unit_id, state, progress, problems, next_steps, percent, finished, \
     return_reason, submitted_at, first_submitted_at, reviewed_at, version, updated_at, milestones, signed_by, signed_at, \
     unit_note";

const MAX_TEXT: usize = 20_000;

impl Store {
    /// Creates or edits a unit's draft report.
    pub async fn save_report(&self, ctx: &Ctx, draft: &ReportDraft) -> Result<ReportRecord, Error> {
        check_draft_fields(draft)?;
        self.write(ctx, async |tx| tx.save_draft(draft).await).await
    }

    /// Saves several drafts in one transaction (and, with `submit`, sends each to the office): all are
    /// written or, on the first refusal, none. For a sheet uploaded from offline reporting.
    pub async fn save_reports(
        &self,
        ctx: &Ctx,
        drafts: &[ReportDraft],
        submit: bool,
    ) -> Result<Vec<ReportRecord>, Error> {
        for d in drafts {
            check_draft_fields(d)?;
        }
        self.write(ctx, async |tx| {
            let mut out = Vec::with_capacity(drafts.len());
            for d in drafts {
                let saved = tx.save_draft(d).await?;
                out.push(if submit { tx.submit(saved.id, saved.version).await? } else { saved });
            }
            Ok(out)
        })
        .await
    }

    /// Sends the report to the office.
    pub async fn submit_report(&self, ctx: &Ctx, id: ReportId, version: i64) -> Result<ReportRecord, Error> {
        self.write(ctx, async |tx| tx.submit(id, version).await).await
    }

    /// 单位审签: the unit's leader signs a report its reporter sent (it goes to the office) or sends it back
    /// inside the unit with a reason.
    pub async fn sign_report(
        &self,
        ctx: &Ctx,
        id: ReportId,
        version: i64,
        sign: bool,
        note: &str,
    ) -> Result<ReportRecord, Error> {
        let note = note.trim().to_string();
        if !sign && note.is_empty() {
            return Err(Error::bad_input("report.reason_required"));
        }
        if note.chars().count() > 2000 {
            return Err(Error::bad_input("report.reason_long"));
        }
        self.write(ctx, async |tx| tx.sign(id, version, sign, &note).await).await
    }

    /// The office approves a submitted report, or returns it with a reason.
    pub async fn review_report(
        &self,
        ctx: &Ctx,
        id: ReportId,
        version: i64,
        approve: bool,
        reason: &str,
    ) -> Result<ReportRecord, Error> {
        let reason = reason.trim().to_string();
        if !approve && reason.is_empty() {
            return Err(Error::bad_input("report.reason_required"));
        }
        if reason.chars().count() > 2000 {
            return Err(Error::bad_input("report.reason_long"));
        }
        let action = if approve { ReportAction::Approve } else { ReportAction::Return };
        self.write(ctx, async |tx| {
            let before = tx.report(id).await?;
            let state = next_state(Some(before.state), action, &tx.actor, before.unit_id)?;
            check_version(&before, version)?;
            // A contribution is the lead's to read and return; the office reviews the lead's report.
            let plan_id = tx.plan_of_item(before.item_id).await?;
            if tx.is_contribution(plan_id, before.item_id, before.unit_id).await? {
                return Err(Error::new(ErrorKind::Conflict, "report.contribution"));
            }
            sqlx::query(
                "UPDATE reports SET state = $1, return_reason = $2, reviewed_at = $3, reviewed_by = $4, \
                 version = version + 1, updated_at = $3, updated_by = $4 WHERE id = $5",
            )
            .bind(state.as_str())
            .bind(if approve { before.return_reason.as_str() } else { reason.as_str() })
            .bind(tx.now)
            .bind(tx.actor.user_id)
            .bind(id)
            .execute(tx.conn())
            .await
            .db()?;
            let after = tx.report(id).await?;
            tx.touch_reports(after.period_id).await?;
            tx.audit(if approve { "report.approve" } else { "report.return" }, "report", id, &before, &after).await?;
            let period = tx.period(after.period_id).await?;
            let kind = if approve { NoticeKind::ReportApproved } else { NoticeKind::ReportReturned };
            let n = tx.report_notice(kind, &period, after.item_id, after.unit_id).await?.arg("reason", &reason);
            tx.notify_unit(after.unit_id, UnitPeople::All, &n).await?;
            Ok(after)
        })
        .await
    }

    /// The office reopens a submitted or approved report as a draft for the unit to change.
    pub async fn reopen_report(&self, ctx: &Ctx, id: ReportId, reason: &str) -> Result<ReportRecord, Error> {
        let reason = reason.trim().to_string();
        self.write(ctx, async |tx| {
            let before = tx.report(id).await?;
            let state = next_state(Some(before.state), ReportAction::Reopen, &tx.actor, before.unit_id)?;
            sqlx::query(
                "UPDATE reports SET state = $1, return_reason = $2, version = version + 1, updated_at = $3, updated_by = $4 WHERE id = $5",
            )
            .bind(state.as_str())
            .bind(&reason)
            .bind(tx.now)
            .bind(tx.actor.user_id)
            .bind(id)
            .execute(tx.conn())
            .await
            .db()?;
            let after = tx.report(id).await?;
            tx.touch_reports(after.period_id).await?;
            tx.audit("report.reopen", "report", id, &before, &after).await?;
            Ok(after)
        })
        .await
    }

    pub async fn get_report(&self, actor: &Actor, id: ReportId) -> Result<ReportRecord, Error> {
        let row = sqlx::query(&format!("SELECT {REPORT_COLS} FROM reports WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .db()?
            .ok_or_else(|| Error::not_found(duban_core::Thing::Report))?;
        let mut r = report_from_row(&row)?;
        actor.require_read_unit(r.unit_id)?;
        r.values = self.values_of(&[r.id]).await?.into_iter().map(|(_, v)| v).collect();
        Ok(r)
    }

    /// Reports matching the filter that the actor may see (a unit's people: their unit's only).
    pub async fn list_reports(&self, actor: &Actor, f: &ReportFilter) -> Result<Vec<ReportRecord>, Error> {
        let unit = match (actor.role.needs_unit(), f.unit_id) {
            (true, Some(u)) if Some(u) != actor.unit_id => return Err(Error::forbidden()),
            (true, _) => actor.unit_id,
            (false, u) => u,
        };
        let limit = f.limit.unwrap_or(500).clamp(1, 5000);
        let rows = sqlx::query(&format!(
            "SELECT {REPORT_COLS} FROM reports r WHERE ($1 IS NULL OR period_id = $1) AND ($2 IS NULL OR unit_id = $2) \
             AND ($3 IS NULL OR item_id = $3) AND ($4 IS NULL OR state = $4) \
             AND ($5 IS NULL OR period_id IN (SELECT id FROM periods WHERE plan_id = $5)) AND id > $7 ORDER BY id LIMIT $6"
        ))
        .bind(f.period_id)
        .bind(unit)
        .bind(f.item_id)
        .bind(f.state.map(ReportState::as_str))
        .bind(f.plan_id)
        .bind(limit)
        .bind(f.after_id.map_or(0, ReportId::get))
        .fetch_all(&self.read)
        .await
        .db()?;
        let mut out: Vec<ReportRecord> = rows.iter().map(report_from_row).collect::<Result<_, _>>()?;
        let ids: Vec<ReportId> = out.iter().map(|r| r.id).collect();
        for (rid, v) in self.values_of(&ids).await? {
            if let Some(r) = out.iter_mut().find(|r| r.id == rid) {
                r.values.push(v);
            }
        }
        Ok(out)
    }

    async fn values_of(&self, ids: &[ReportId]) -> Result<Vec<(ReportId, ReportValue)>, Error> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            if chunk.is_empty() {
                continue;
            }
            let list = chunk.iter().map(ReportId::to_string).collect::<Vec<_>>().join(",");
            let rows = sqlx::query(&format!(
                "SELECT report_id, indicator_id, value FROM report_values WHERE report_id IN ({list}) ORDER BY report_id, indicator_id"
            ))
            .fetch_all(&self.read)
            .await
            .db()?;
            for r in &rows {
                out.push((
                    get(r, "report_id")?,
                    ReportValue { indicator_id: get(r, "indicator_id")?, value: get(r, "value")? },
                ));
            }
        }
        Ok(out)
    }

    /// What each unit sent (submitted or approved) for each task in the period: task id → (unit, progress).
    /// The progress each unit sent for the period, as (item, unit id, unit name, text); with `only_unit`,
    /// that unit's alone (a unit's people read their own reports, not other units').
    pub async fn period_progress(
        &self,
        period_id: PeriodId,
        only_unit: Option<UnitId>,
    ) -> Result<Vec<(ItemId, UnitId, String, String)>, Error> {
        let rows = sqlx::query(
            "SELECT r.item_id, u.id AS unit_id, u.name, r.progress FROM reports r JOIN units u ON u.id = r.unit_id \
             WHERE r.period_id = $1 AND r.state IN ('submitted', 'approved') AND ($2 < 0 OR r.unit_id = $2) \
             ORDER BY r.item_id, u.id",
        )
        .bind(period_id)
        .bind(only_unit.map_or(-1, UnitId::get))
        .fetch_all(&self.read)
        .await
        .db()?;
        rows.iter()
            .map(|r| Ok((get(r, "item_id")?, get(r, "unit_id")?, get(r, "name")?, get(r, "progress")?)))
            .collect()
    }

    /// What `unit_id` owes for the period: every task it holds, with its report's state.
    pub async fn todo(&self, ctx: &Ctx, period_id: PeriodId, unit_id: UnitId) -> Result<Vec<TodoRow>, Error> {
        ctx.actor.require_read_unit(unit_id)?;
        let prow = sqlx::query(
            "SELECT id, plan_id, key, label_zh, label_en, starts_on, ends_on, due_on, grace_days FROM periods WHERE id = $1",
        )
        .bind(period_id)
        .fetch_optional(&self.read)
        .await
        .db()?
        .ok_or_else(|| Error::not_found(duban_core::Thing::Period))?;
        let period = crate::periods::period_from_row(&prow)?;
        let locked = period.spec.is_locked(local_date(ctx.now));
        let rows = sqlx::query(
            "SELECT i.id AS item_id, i.path, i.title, a.role, r.id AS report_id, r.state, r.return_reason, r.version \
             FROM assignments a JOIN items i ON i.id = a.item_id \
             LEFT JOIN reports r ON r.item_id = i.id AND r.unit_id = a.unit_id AND r.period_id = $1 \
             WHERE a.unit_id = $2 AND i.plan_id = $3 AND i.is_task = 1 ORDER BY i.position",
        )
        .bind(period_id)
        .bind(unit_id)
        .bind(period.plan_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        let contributions = self.contribution_pairs(period.plan_id).await?;
        let lead_days = self.reporting(period.plan_id).await?.lead_days;
        let leads = if contributions.is_empty() {
            HashMap::new()
        } else {
            let rows = sqlx::query(
                "SELECT a.item_id, u.name FROM assignments a JOIN units u ON u.id = a.unit_id JOIN items i ON i.id = a.item_id \
                 WHERE i.plan_id = $1 AND a.role = 'lead' ORDER BY a.item_id, a.position",
            )
            .bind(period.plan_id)
            .fetch_all(&self.read)
            .await
            .db()?;
            let mut m: HashMap<ItemId, Vec<String>> = HashMap::new();
            for r in &rows {
                m.entry(get(r, "item_id")?).or_default().push(get(r, "name")?);
            }
            m
        };
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let state: Option<String> = get(r, "state")?;
            let item_id: ItemId = get(r, "item_id")?;
            let to_lead = contributions
                .contains(&(item_id, unit_id))
                .then(|| leads.get(&item_id).map(|l| l.join("、")).unwrap_or_default());
            let due_on = match to_lead {
                Some(_) => duban_core::reporting::contribution_due(period.spec.due_on, lead_days),
                None => period.spec.due_on,
            };
            out.push(TodoRow {
                to_lead,
                item_id,
                path: get(r, "path")?,
                title: get(r, "title")?,
                role: crate::db::unit_role(&get::<String>(r, "role")?)?,
                unit_id,
                period_id,
                due_on: due_on.to_string(),
                locked,
                report_id: get(r, "report_id")?,
                state: state.as_deref().and_then(ReportState::parse),
                return_reason: get::<Option<String>>(r, "return_reason")?.unwrap_or_default(),
                version: get(r, "version")?,
            });
        }
        Ok(out)
    }

    /// 催报: records a reminder to a unit for a period (and one task, or all of them).
    pub async fn remind(
        &self,
        ctx: &Ctx,
        period_id: PeriodId,
        unit_id: UnitId,
        item_id: Option<ItemId>,
        note: &str,
    ) -> Result<ReminderRecord, Error> {
        ctx.actor.require_admin()?;
        let note = note.trim().to_string();
        self.get_unit(unit_id).await?;
        self.write(ctx, async |tx| {
            tx.period(period_id).await?;
            let row = sqlx::query(
                "INSERT INTO reminders (period_id, unit_id, item_id, note, sent_by, sent_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(period_id)
            .bind(unit_id)
            .bind(item_id)
            .bind(&note)
            .bind(tx.actor.user_id)
            .bind(tx.now)
            .fetch_one(tx.conn())
            .await
            .db()?;
            let rec = ReminderRecord { id: get(&row, "id")?, period_id, unit_id, item_id, note: note.clone(), sent_at: tx.now };
            tx.audit("reminder.send", "reminder", rec.id, &(), &rec).await?;
            let period = tx.period(period_id).await?;
            let link = format!("/todo?plan={}&period={}", period.plan_id, period.spec.key);
            let n = NewNotice::new(NoticeKind::Reminder, link).arg("period", &period.spec.key).arg("note", &note);
            tx.notify_unit(unit_id, UnitPeople::All, &n).await?;
            Ok(rec)
        })
        .await
    }

    pub async fn reminders(&self, period_id: PeriodId) -> Result<Vec<ReminderRecord>, Error> {
        let rows = sqlx::query(
            "SELECT id, period_id, unit_id, item_id, note, sent_at FROM reminders WHERE period_id = $1 ORDER BY id",
        )
        .bind(period_id)
        .fetch_all(&self.read)
        .await
        .db()?;
        rows.iter()
            .map(|r| {
                Ok(ReminderRecord {
                    id: get(r, "id")?,
                    period_id: get(r, "period_id")?,
                    unit_id: get(r, "unit_id")?,
                    item_id: get(r, "item_id")?,
                    note: get(r, "note")?,
                    sent_at: get(r, "sent_at")?,
                })
            })
            .collect()
    }

    /// 延期申请: a unit asks for a later deadline on a task it holds.
    pub async fn request_extension(
        &self,
        ctx: &Ctx,
        item_id: ItemId,
        unit_id: UnitId,
        requested_on: &str,
        reason: &str,
    ) -> Result<ExtensionRecord, Error> {
        if !ctx.actor.can_report_for(unit_id) {
            return Err(Error::forbidden());
        }
        let requested_on = parse_date(requested_on)?.to_string();
        let reason = reason.trim().to_string();
        if reason.is_empty() {
            return Err(Error::bad_input("extension.reason"));
        }
        self.write(ctx, async |tx| {
            let assigned = sqlx::query("SELECT role FROM assignments WHERE item_id = $1 AND unit_id = $2")
                .bind(item_id)
                .bind(unit_id)
                .fetch_optional(tx.conn())
                .await
                .db()?;
            if assigned.is_none() {
                return Err(not_assigned());
            }
            let row = sqlx::query(
                "INSERT INTO extensions (item_id, unit_id, requested_on, reason, state, decision_note, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, 'pending', '', $5, $6) RETURNING id",
            )
            .bind(item_id)
            .bind(unit_id)
            .bind(&requested_on)
            .bind(&reason)
            .bind(tx.actor.user_id)
            .bind(tx.now)
            .fetch_one(tx.conn())
            .await
            .db()?;
            let rec = ExtensionRecord {
                id: get(&row, "id")?,
                item_id,
                unit_id,
                requested_on: requested_on.clone(),
                reason: reason.clone(),
                state: ExtensionState::Pending,
                decision_note: String::new(),
            };
            tx.audit("extension.request", "extension", rec.id, &(), &rec).await?;
            Ok(rec)
        })
        .await
    }

    /// The office approves (the task's deadline moves) or refuses an extension request.
    pub async fn decide_extension(
        &self,
        ctx: &Ctx,
        id: ExtensionId,
        approve: bool,
        note: &str,
    ) -> Result<ExtensionRecord, Error> {
        ctx.actor.require_admin()?;
        let note = note.trim().to_string();
        self.write(ctx, async |tx| {
            let row = sqlx::query(
                "SELECT id, item_id, unit_id, requested_on, reason, state, decision_note FROM extensions WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(tx.conn())
            .await
            .db()?
            .ok_or_else(|| Error::not_found(duban_core::Thing::Extension))?;
            let before = extension_from_row(&row)?;
            if before.state != ExtensionState::Pending {
                return Err(Error::new(ErrorKind::Conflict, "extension.decided"));
            }
            let state = if approve { ExtensionState::Approved } else { ExtensionState::Refused };
            sqlx::query(
                "UPDATE extensions SET state = $1, decision_note = $2, decided_by = $3, decided_at = $4 WHERE id = $5",
            )
            .bind(state.as_str())
            .bind(&note)
            .bind(tx.actor.user_id)
            .bind(tx.now)
            .bind(id)
            .execute(tx.conn())
            .await
            .db()?;
            if approve {
                sqlx::query("UPDATE items SET deadline = $1 WHERE id = $2 AND deadline < $1")
                    .bind(&before.requested_on)
                    .bind(before.item_id)
                    .execute(tx.conn())
                    .await
                    .db()?;
                // The plan changed: its version moves (summaries recompute what they keep of it).
                let plan_id = tx.plan_of_item(before.item_id).await?;
                tx.bump(plan_id).await?;
            }
            let after = ExtensionRecord { state, decision_note: note.clone(), ..before.clone() };
            tx.audit("extension.decide", "extension", id, &before, &after).await?;
            let task = tx.task_label(before.item_id).await?;
            let n = NewNotice::new(NoticeKind::ExtensionDecided, "/todo")
                .arg("task", task)
                .arg("state", state.as_str())
                .arg("date", &before.requested_on)
                .arg("note", &note);
            tx.notify_unit(before.unit_id, UnitPeople::All, &n).await?;
            Ok(after)
        })
        .await
    }

    pub async fn extensions(
        &self,
        actor: &Actor,
        state: Option<ExtensionState>,
    ) -> Result<Vec<ExtensionRecord>, Error> {
        let unit = if actor.role.needs_unit() { actor.unit_id } else { None };
        let rows = sqlx::query(
            "SELECT id, item_id, unit_id, requested_on, reason, state, decision_note FROM extensions \
             WHERE ($1 IS NULL OR state = $1) AND ($2 IS NULL OR unit_id = $2) ORDER BY id",
        )
        .bind(state.map(ExtensionState::as_str))
        .bind(unit)
        .fetch_all(&self.read)
        .await
        .db()?;
        rows.iter().map(extension_from_row).collect()
    }
}

impl Tx {
    /// Writes a unit's draft for a period: a new report, or an edit of its draft at the version it was read.
    pub(crate) async fn save_draft(&mut self, draft: &ReportDraft) -> Result<ReportRecord, Error> {
        let milestones = serde_json::to_string(&draft.milestones).map_err(Error::internal)?;
        let period = self.period(draft.period_id).await?;
        self.check_reportable(&period, draft.item_id, draft.unit_id).await?;
        let existing = self.report_at(draft.period_id, draft.item_id, draft.unit_id).await?;
        let state = next_state(existing.as_ref().map(|r| r.state), ReportAction::Save, &self.actor, draft.unit_id)?;
        self.check_open(&period, draft.unit_id).await?;
        self.check_values(draft.item_id, &draft.values).await?;
        let id = match &existing {
            Some(r) => {
                if draft.version != Some(r.version) {
                    return Err(Error::stale(duban_core::Thing::Report));
                }
                sqlx::query(
                    "UPDATE reports SET progress = $1, problems = $2, next_steps = $3, percent = $4, finished = $5, \
                     version = version + 1, updated_at = $6, updated_by = $7, milestones = $9 WHERE id = $8",
                )
                // sqlx's Any driver prepares a NULL f64 with a non-float type; do not cache the statement.
                .persistent(false)
                .bind(&draft.progress)
                .bind(&draft.problems)
                .bind(&draft.next_steps)
                .bind(draft.percent)
                .bind(i64::from(draft.finished))
                .bind(self.now)
                .bind(self.actor.user_id)
                .bind(r.id)
                .bind(&milestones)
                .execute(self.conn())
                .await
                .db()?;
                sqlx::query("DELETE FROM report_values WHERE report_id = $1")
                    .bind(r.id)
                    .execute(self.conn())
                    .await
                    .db()?;
                r.id
            }
            None => {
                let row = sqlx::query(
                    "INSERT INTO reports (period_id, item_id, unit_id, state, progress, problems, next_steps, percent, \
                     finished, return_reason, version, created_at, updated_at, updated_by, milestones) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', 1, $10, $10, $11, $12) RETURNING id",
                )
                // sqlx's Any driver prepares a NULL f64 with a non-float type; do not cache the statement.
                .persistent(false)
                .bind(draft.period_id)
                .bind(draft.item_id)
                .bind(draft.unit_id)
                .bind(state.as_str())
                .bind(&draft.progress)
                .bind(&draft.problems)
                .bind(&draft.next_steps)
                .bind(draft.percent)
                .bind(i64::from(draft.finished))
                .bind(self.now)
                .bind(self.actor.user_id)
                .bind(&milestones)
                .fetch_one(self.conn())
                .await
                .db()?;
                get(&row, "id")?
            }
        };
        for v in &draft.values {
            sqlx::query("INSERT INTO report_values (report_id, indicator_id, value) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(v.indicator_id)
                .bind(v.value)
                .execute(self.conn())
                .await
                .db()?;
        }
        let after = self.report(id).await?;
        self.touch_reports(after.period_id).await?;
        self.audit("report.save", "report", id, &existing, &after).await?;
        Ok(after)
    }

    /// Sends a report to the office, or, where the unit signs off and a reporter sends it, to the unit's
    /// leader.
    pub(crate) async fn submit(&mut self, id: ReportId, version: i64) -> Result<ReportRecord, Error> {
        let before = self.report(id).await?;
        next_state(Some(before.state), ReportAction::Submit, &self.actor, before.unit_id)?;
        let period = self.period(before.period_id).await?;
        self.check_open(&period, before.unit_id).await?;
        check_version(&before, version)?;
        if before.progress.trim().is_empty() {
            return Err(Error::bad_input("report.progress_empty"));
        }
        let signs_off = self.unit_signs_off(before.unit_id).await?;
        let state = duban_core::submit_goes_to(&self.actor, signs_off);
        if state == ReportState::Signing {
            self.set_state(id, state).await?;
            let after = self.report(id).await?;
            self.audit("report.to_signing", "report", id, &before, &after).await?;
            let n = self.report_notice(NoticeKind::AwaitingSignoff, &period, after.item_id, after.unit_id).await?;
            self.notify_unit(after.unit_id, UnitPeople::Leaders, &n).await?;
            return Ok(after);
        }
        // A leader's sending is its signature.
        let signer = (self.actor.role == duban_core::Role::Leader).then(|| self.actor.username.clone());
        self.send_to_office(id, signer.as_deref()).await?;
        let after = self.report(id).await?;
        self.touch_reports(after.period_id).await?;
        self.audit("report.submit", "report", id, &before, &after).await?;
        self.notify_contribution(&period, &after).await?;
        Ok(after)
    }

    /// A contribution reached the office's place in the flow: it goes to the task's lead, who hears of it.
    async fn notify_contribution(&mut self, period: &PeriodRecord, r: &ReportRecord) -> Result<(), Error> {
        if !self.is_contribution(period.plan_id, r.item_id, r.unit_id).await? {
            return Ok(());
        }
        let from = self.unit_name(r.unit_id).await?;
        let leads = sqlx::query(crate::reporting::LEADS_SQL).bind(r.item_id).fetch_all(self.conn()).await.db()?;
        for l in &leads {
            let lead: UnitId = get(l, "unit_id")?;
            let n =
                self.report_notice(NoticeKind::ContributionReceived, period, r.item_id, lead).await?.arg("unit", &from);
            self.notify_unit(lead, UnitPeople::All, &n).await?;
        }
        Ok(())
    }

    /// The unit's leader signs a report waiting for it (to the office) or sends it back inside the unit.
    pub(crate) async fn sign(
        &mut self,
        id: ReportId,
        version: i64,
        sign: bool,
        note: &str,
    ) -> Result<ReportRecord, Error> {
        let before = self.report(id).await?;
        let action = if sign { ReportAction::Sign } else { ReportAction::SendBack };
        let state = next_state(Some(before.state), action, &self.actor, before.unit_id)?;
        check_version(&before, version)?;
        if sign {
            let period = self.period(before.period_id).await?;
            self.check_open(&period, before.unit_id).await?;
            let signer = self.actor.username.clone();
            self.send_to_office(id, Some(&signer)).await?;
        } else {
            sqlx::query("UPDATE reports SET unit_note = $1 WHERE id = $2")
                .bind(note)
                .bind(id)
                .execute(self.conn())
                .await
                .db()?;
            self.set_state(id, state).await?;
        }
        let after = self.report(id).await?;
        self.touch_reports(after.period_id).await?;
        self.audit(if sign { "report.sign" } else { "report.send_back" }, "report", id, &before, &after).await?;
        let period = self.period(after.period_id).await?;
        if sign {
            self.notify_contribution(&period, &after).await?;
        } else {
            let n = self
                .report_notice(NoticeKind::SentBack, &period, after.item_id, after.unit_id)
                .await?
                .arg("reason", note);
            self.notify_unit(after.unit_id, UnitPeople::Reporters, &n).await?;
        }
        Ok(after)
    }

    async fn unit_signs_off(&mut self, unit_id: UnitId) -> Result<bool, Error> {
        let row = sqlx::query("SELECT signoff FROM units WHERE id = $1")
            .bind(unit_id)
            .fetch_optional(self.conn())
            .await
            .db()?;
        Ok(match row {
            Some(r) => get::<i64>(&r, "signoff")? != 0,
            None => false,
        })
    }

    /// A state change inside the unit (to or from its leader): no dates move.
    async fn set_state(&mut self, id: ReportId, state: ReportState) -> Result<(), Error> {
        sqlx::query(
            "UPDATE reports SET state = $1, version = version + 1, updated_at = $2, updated_by = $3 WHERE id = $4",
        )
        .bind(state.as_str())
        .bind(self.now)
        .bind(self.actor.user_id)
        .bind(id)
        .execute(self.conn())
        .await
        .db()?;
        Ok(())
    }

    /// The report reaches the office now: submitted, its first sending kept, signed by `signer` if any.
    async fn send_to_office(&mut self, id: ReportId, signer: Option<&str>) -> Result<(), Error> {
        sqlx::query(
            "UPDATE reports SET state = 'submitted', submitted_at = $1, first_submitted_at = COALESCE(first_submitted_at, $1), \
             version = version + 1, updated_at = $1, updated_by = $2, signed_by = $3, \
             signed_at = CASE WHEN $3 IS NULL THEN NULL ELSE $1 END, unit_note = '' WHERE id = $4",
        )
        .bind(self.now)
        .bind(self.actor.user_id)
        .bind(signer)
        .bind(id)
        .execute(self.conn())
        .await
        .db()?;
        Ok(())
    }

    /// A report of the period's plan changed: kept summaries of the plan are stale.
    pub(crate) async fn touch_reports(&mut self, period_id: PeriodId) -> Result<(), Error> {
        sqlx::query("UPDATE plans SET reports_version = reports_version + 1 WHERE id = (SELECT plan_id FROM periods WHERE id = $1)")
            .bind(period_id)
            .execute(self.conn())
            .await
            .db()?;
        Ok(())
    }

    pub(crate) async fn report(&mut self, id: ReportId) -> Result<ReportRecord, Error> {
        let row = sqlx::query(&format!("SELECT {REPORT_COLS} FROM reports WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.conn())
            .await
            .db()?
            .ok_or_else(|| Error::not_found(duban_core::Thing::Report))?;
        let mut r = report_from_row(&row)?;
        if !self.actor.can_read_unit(r.unit_id) {
            return Err(Error::forbidden());
        }
        let vals =
            sqlx::query("SELECT indicator_id, value FROM report_values WHERE report_id = $1 ORDER BY indicator_id")
                .bind(id)
                .fetch_all(self.conn())
                .await
                .db()?;
        for v in &vals {
            r.values.push(ReportValue { indicator_id: get(v, "indicator_id")?, value: get(v, "value")? });
        }
        Ok(r)
    }

    async fn report_at(
        &mut self,
        period_id: PeriodId,
        item_id: ItemId,
        unit_id: UnitId,
    ) -> Result<Option<ReportRecord>, Error> {
        let row = sqlx::query("SELECT id FROM reports WHERE period_id = $1 AND item_id = $2 AND unit_id = $3")
            .bind(period_id)
            .bind(item_id)
            .bind(unit_id)
            .fetch_optional(self.conn())
            .await
            .db()?;
        match row {
            Some(r) => Ok(Some(self.report(get(&r, "id")?).await?)),
            None => Ok(None),
        }
    }

    /// The task belongs to the period's plan, the plan is published, and the unit holds the task.
    async fn check_reportable(&mut self, period: &PeriodRecord, item_id: ItemId, unit_id: UnitId) -> Result<(), Error> {
        let row = sqlx::query(
            "SELECT i.plan_id, i.is_task, p.state FROM items i JOIN plans p ON p.id = i.plan_id WHERE i.id = $1",
        )
        .bind(item_id)
        .fetch_optional(self.conn())
        .await
        .db()?
        .ok_or_else(|| Error::not_found(duban_core::Thing::Task))?;
        if get::<PlanId>(&row, "plan_id")? != period.plan_id || get::<i64>(&row, "is_task")? == 0 {
            return Err(Error::bad_input("report.item"));
        }
        if get::<String>(&row, "state")? != "published" {
            return Err(Error::new(ErrorKind::Conflict, "plan.not_published"));
        }
        if !self.actor.can_report_for(unit_id) {
            return Err(Error::forbidden());
        }
        let assigned = sqlx::query("SELECT role FROM assignments WHERE item_id = $1 AND unit_id = $2")
            .bind(item_id)
            .bind(unit_id)
            .fetch_optional(self.conn())
            .await
            .db()?;
        if assigned.is_none() {
            return Err(not_assigned());
        }
        Ok(())
    }

    pub(crate) async fn check_open(&mut self, period: &PeriodRecord, unit_id: UnitId) -> Result<(), Error> {
        let today = local_date(chrono::DateTime::from_timestamp(self.now, 0).unwrap_or_default());
        if !period.spec.is_open(today) {
            return Err(Error::new(ErrorKind::Conflict, "period.not_started").arg_formatted(
                "period",
                &period.spec.label_zh,
                &period.spec.label_en,
            ));
        }
        if !self.period_open_to(period, unit_id, today).await? {
            return Err(Error::new(ErrorKind::Locked, "period.locked")
                .arg_formatted("period", &period.spec.label_zh, &period.spec.label_en)
                .arg("closed", period.spec.last_open_day()));
        }
        Ok(())
    }

    async fn check_values(&mut self, item_id: ItemId, values: &[ReportValue]) -> Result<(), Error> {
        for v in values {
            let row = sqlx::query("SELECT item_id FROM indicators WHERE id = $1")
                .bind(v.indicator_id)
                .fetch_optional(self.conn())
                .await
                .db()?;
            match row {
                Some(r) if get::<ItemId>(&r, "item_id")? == item_id => {}
                _ => {
                    return Err(Error::bad_input("report.indicator").arg("id", v.indicator_id));
                }
            }
        }
        Ok(())
    }
}

fn check_draft_fields(d: &ReportDraft) -> Result<(), Error> {
    for (field, text) in [("progress", &d.progress), ("problems", &d.problems), ("next_steps", &d.next_steps)] {
        if text.chars().count() > MAX_TEXT {
            return Err(Error::bad_input("report.too_long").arg("field", field).arg("max_text", MAX_TEXT));
        }
    }
    if let Some(p) = d.percent
        && !(0.0..=100.0).contains(&p)
    {
        return Err(Error::bad_input("report.percent"));
    }
    for m in &d.milestones {
        if m.name.trim().is_empty() || m.name.chars().count() > 200 {
            return Err(Error::bad_input("report.milestone"));
        }
    }
    if d.milestones.len() > 200 {
        return Err(Error::bad_input("report.milestones"));
    }
    let mut seen = std::collections::HashSet::new();
    for v in &d.values {
        if !v.value.is_finite() {
            return Err(Error::bad_input("report.value"));
        }
        if !seen.insert(v.indicator_id) {
            return Err(Error::bad_input("report.value_twice"));
        }
    }
    Ok(())
}

fn check_version(r: &ReportRecord, version: i64) -> Result<(), Error> {
    if r.version == version { Ok(()) } else { Err(Error::stale(duban_core::Thing::Report)) }
}

fn not_assigned() -> Error {
    Error::bad_input("report.not_assigned")
}

pub(crate) fn report_from_row(r: &sqlx::any::AnyRow) -> Result<ReportRecord, Error> {
    let state: String = get(r, "state")?;
    Ok(ReportRecord {
        id: get(r, "id")?,
        period_id: get(r, "period_id")?,
        item_id: get(r, "item_id")?,
        unit_id: get(r, "unit_id")?,
        state: ReportState::parse(&state).ok_or_else(|| Error::internal("unknown report state"))?,
        progress: get(r, "progress")?,
        problems: get(r, "problems")?,
        next_steps: get(r, "next_steps")?,
        percent: get(r, "percent")?,
        finished: get::<i64>(r, "finished")? != 0,
        return_reason: get(r, "return_reason")?,
        submitted_at: get(r, "submitted_at")?,
        first_submitted_at: get(r, "first_submitted_at")?,
        reviewed_at: get(r, "reviewed_at")?,
        version: get(r, "version")?,
        updated_at: get(r, "updated_at")?,
        milestones: serde_json::from_str(&get::<String>(r, "milestones")?).map_err(Error::internal)?,
        values: Vec::new(),
        signed_by: get(r, "signed_by")?,
        signed_at: get(r, "signed_at")?,
        unit_note: get(r, "unit_note")?,
    })
}

fn extension_from_row(r: &sqlx::any::AnyRow) -> Result<ExtensionRecord, Error> {
    Ok(ExtensionRecord {
        id: get(r, "id")?,
        item_id: get(r, "item_id")?,
        unit_id: get(r, "unit_id")?,
        requested_on: get(r, "requested_on")?,
        reason: get(r, "reason")?,
        state: crate::db::extension_state(&get::<String>(r, "state")?)?,
        decision_note: get(r, "decision_note")?,
    })
}
