//! 督办: the office issues a numbered notice on a lagging or overdue task to its units, each unit replies
//! with its measures and a new timetable (with files), and the office accepts the replies or escalates one
//! level up (the old 督办 is then `escalated` and names nothing further; the new one names it).
//!
//! People of a unit see the 督办s that went to their unit, and of each only their own unit's reply, as with
//! reports; the office and leadership see all.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use duban_core::notice::NoticeKind;
use duban_core::periods::local_date;
use duban_core::supervision::{Level, MAX_TEXT, SupervisionState, document_number};
use duban_core::{Actor, Error, ErrorKind, ItemId, PeriodId, PlanId, ReplyFileId, Role, SupervisionId, Thing, UnitId};
use duban_model::{SupervisedUnit, SupervisionRecord, UnitRole};
use serde::{Deserialize, Serialize};

use crate::db::{DbResult, Store, Tx, get};
use crate::{Ctx, sha256_hex};

/// What the office asks for when it issues a 督办 on one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewSupervision {
    pub item_id: ItemId,
    /// The period whose status prompted it.
    #[serde(default)]
    pub period_id: Option<PeriodId>,
    pub level: Level,
    /// 督办事由; the use case writes it from the task's status when the office leaves it empty.
    #[serde(default)]
    pub reason: String,
    /// 督办要求.
    pub demand: String,
    pub reply_by: NaiveDate,
    /// The units it goes to; empty: every unit that holds the task.
    #[serde(default)]
    pub units: Vec<UnitId>,
}

/// A unit's reply: its measures and the day by which it will have caught up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupervisionReply {
    pub unit_id: UnitId,
    pub measures: String,
    pub new_deadline: NaiveDate,
}

/// The office escalates a 督办: a new one a level up, to the units named (empty: those that had it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Escalation {
    /// The version of the 督办 the office decided on.
    pub version: i64,
    pub reply_by: NaiveDate,
    pub demand: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub units: Vec<UnitId>,
}

/// Which 督办s to list; every part given must hold.
#[derive(Debug, Clone, Default)]
pub struct SupervisionFilter {
    pub plan_id: Option<PlanId>,
    pub item_id: Option<ItemId>,
    pub unit_id: Option<UnitId>,
    pub state: Option<SupervisionState>,
}

/// A file attached to a unit's reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReplyFile {
    pub id: ReplyFileId,
    pub supervision_id: SupervisionId,
    pub unit_id: UnitId,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: i64,
}

/// At most this many 督办s in one bulk issue (a plan has a few hundred tasks at most).
pub const MAX_BULK: usize = 500;

const COLS: &str = "s.id, s.plan_id, s.item_id, s.period_id, s.year, s.seq, s.level, s.state, s.reason, s.demand, \
    s.reply_by, s.escalated_from, s.decision_note, s.issued_at, s.decided_at, s.version, \
    COALESCE(u.username, 'system') AS issued_by, i.path AS task_path, i.title AS task_title, \
    f.year AS from_year, f.seq AS from_seq";
const FROM: &str = "FROM supervisions s JOIN items i ON i.id = s.item_id LEFT JOIN users u ON u.id = s.issued_by \
    LEFT JOIN supervisions f ON f.id = s.escalated_from";
const UNIT_COLS: &str = "SELECT x.supervision_id, x.unit_id, n.name, x.role, x.measures, x.new_deadline, \
    x.replied_at, r.username AS replied_by FROM supervision_units x JOIN units n ON n.id = x.unit_id \
    LEFT JOIN users r ON r.id = x.replied_by";
/// Leads first, then the directory's protocol order (排序).
const UNIT_ORDER: &str = "CASE x.role WHEN 'lead' THEN 0 ELSE 1 END, n.sort_order, n.id";
const FILE_COLS: &str = "id, supervision_id, unit_id, file_name, content_type, size, sha256, created_at";

fn check_text(field: &'static str, text: &str) -> Result<(), Error> {
    if text.chars().count() > MAX_TEXT {
        return Err(Error::bad_input("supervision.too_long").arg("field", field).arg("max_text", MAX_TEXT));
    }
    Ok(())
}

/// The office's calendar day at the write's time.
fn today_of(now: i64) -> NaiveDate {
    local_date(chrono::DateTime::from_timestamp(now, 0).unwrap_or_default())
}

/// The roles that read 督办s at all: the office, leadership and the units' people (theirs only).
fn require_reader(actor: &Actor) -> Result<(), Error> {
    match actor.role {
        Role::SysAdmin | Role::Auditor => Err(Error::forbidden()),
        _ => Ok(()),
    }
}

impl Store {
    /// Issues one 督办 per task, all or none: numbered in the year, each to the units of its task.
    pub async fn issue_supervisions(
        &self,
        ctx: &Ctx,
        plan_id: PlanId,
        list: &[NewSupervision],
    ) -> Result<Vec<SupervisionRecord>, Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Business).await?;
        if list.is_empty() {
            return Err(Error::bad_input("supervision.none"));
        }
        if list.len() > MAX_BULK {
            return Err(Error::bad_input("supervision.too_many").arg("max", MAX_BULK));
        }
        let today = local_date(ctx.now);
        for n in list {
            check_text("demand", &n.demand)?;
            check_text("reason", &n.reason)?;
            if n.demand.trim().is_empty() {
                return Err(Error::bad_input("supervision.demand_empty"));
            }
            if n.reply_by < today {
                return Err(Error::bad_input("supervision.reply_by_past").arg("date", n.reply_by));
            }
        }
        self.write(ctx, async |tx| {
            let state: String = sqlx::query("SELECT state FROM plans WHERE id = $1")
                .bind(plan_id)
                .fetch_optional(tx.conn())
                .await
                .db()?
                .map(|r| get(&r, "state"))
                .transpose()?
                .ok_or_else(|| Error::not_found(Thing::Plan))?;
            if state != "published" {
                return Err(Error::new(ErrorKind::Conflict, "plan.not_published"));
            }
            let mut out = Vec::with_capacity(list.len());
            for n in list {
                let id = tx.insert_supervision(plan_id, n, None).await?;
                let rec = tx.supervision(id).await?;
                tx.audit("supervision.issue", "supervision", id, &(), &rec).await?;
                tx.notify_supervised(&rec, NoticeKind::SupervisionIssued).await?;
                out.push(rec);
            }
            Ok(out)
        })
        .await
    }

    /// A unit's reply (or its amended reply while the 督办 is open).
    pub async fn reply_supervision(
        &self,
        ctx: &Ctx,
        id: SupervisionId,
        reply: &SupervisionReply,
    ) -> Result<SupervisionRecord, Error> {
        if !ctx.actor.can_report_for(reply.unit_id) {
            return Err(Error::forbidden());
        }
        check_text("measures", &reply.measures)?;
        if reply.measures.trim().is_empty() {
            return Err(Error::bad_input("supervision.measures_empty"));
        }
        if reply.new_deadline < local_date(ctx.now) {
            return Err(Error::bad_input("supervision.deadline_past").arg("date", reply.new_deadline));
        }
        self.write(ctx, async |tx| {
            let before = tx.supervision(id).await?;
            if before.state != SupervisionState::Open {
                return Err(Error::new(ErrorKind::Conflict, "supervision.closed").arg("number", &before.number));
            }
            if !before.units.iter().any(|u| u.unit_id == reply.unit_id) {
                return Err(Error::bad_input("supervision.not_addressed"));
            }
            sqlx::query(
                "UPDATE supervision_units SET measures = $1, new_deadline = $2, replied_at = $3, replied_by = $4 \
                 WHERE supervision_id = $5 AND unit_id = $6",
            )
            .bind(reply.measures.trim())
            .bind(reply.new_deadline.to_string())
            .bind(tx.now)
            .bind(tx.actor.user_id)
            .bind(id)
            .bind(reply.unit_id)
            .execute(tx.conn())
            .await
            .db()?;
            tx.bump_supervision(id).await?;
            let after = tx.supervision(id).await?;
            tx.audit("supervision.reply", "supervision", id, &before, &after).await?;
            let unit = tx.unit_name(reply.unit_id).await?;
            let n = crate::NewNotice::new(NoticeKind::SupervisionReplied, format!("/supervisions/{id}"))
                .arg("number", &after.number)
                .arg("unit", unit)
                .arg("task", format!("{} {}", after.task_path, after.task_title));
            tx.notify_office(&n).await?;
            Ok(after)
        })
        .await
    }

    /// The office accepts the replies: the 督办 is closed.
    pub async fn accept_supervision(
        &self,
        ctx: &Ctx,
        id: SupervisionId,
        version: i64,
        note: &str,
    ) -> Result<SupervisionRecord, Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Business).await?;
        check_text("note", note)?;
        self.write(ctx, async |tx| {
            let before = tx.open_at(id, version).await?;
            tx.decide(id, SupervisionState::Accepted, note).await?;
            let after = tx.supervision(id).await?;
            tx.audit("supervision.accept", "supervision", id, &before, &after).await?;
            tx.notify_supervised(&after, NoticeKind::SupervisionClosed).await?;
            Ok(after)
        })
        .await
    }

    /// The office escalates: this 督办 is `escalated`, and a new one a level up goes to the units.
    /// Returns the new one.
    pub async fn escalate_supervision(
        &self,
        ctx: &Ctx,
        id: SupervisionId,
        e: &Escalation,
    ) -> Result<SupervisionRecord, Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Business).await?;
        check_text("demand", &e.demand)?;
        check_text("note", &e.note)?;
        if e.demand.trim().is_empty() {
            return Err(Error::bad_input("supervision.demand_empty"));
        }
        if e.reply_by < local_date(ctx.now) {
            return Err(Error::bad_input("supervision.reply_by_past").arg("date", e.reply_by));
        }
        self.write(ctx, async |tx| {
            let before = tx.open_at(id, e.version).await?;
            let level = before.level.next().ok_or_else(|| {
                Error::new(ErrorKind::Conflict, "supervision.top_level").arg("number", &before.number)
            })?;
            tx.decide(id, SupervisionState::Escalated, &e.note).await?;
            let after = tx.supervision(id).await?;
            tx.audit("supervision.escalate", "supervision", id, &before, &after).await?;
            let units =
                if e.units.is_empty() { before.units.iter().map(|u| u.unit_id).collect() } else { e.units.clone() };
            let reason = if e.note.trim().is_empty() {
                before.reason.clone()
            } else {
                format!("{}（{}）", before.reason, e.note.trim())
            };
            let next = NewSupervision {
                item_id: before.item_id,
                period_id: before.period_id,
                level,
                reason,
                demand: e.demand.clone(),
                reply_by: e.reply_by,
                units,
            };
            let new_id = tx.insert_supervision(before.plan_id, &next, Some(id)).await?;
            let rec = tx.supervision(new_id).await?;
            tx.audit("supervision.issue", "supervision", new_id, &(), &rec).await?;
            tx.notify_supervised(&rec, NoticeKind::SupervisionIssued).await?;
            Ok(rec)
        })
        .await
    }

    /// 督办s the actor may see, newest first.
    pub async fn supervisions(&self, actor: &Actor, f: &SupervisionFilter) -> Result<Vec<SupervisionRecord>, Error> {
        require_reader(actor)?;
        // People of a unit see what went to their unit.
        let unit = if actor.role.needs_unit() { actor.unit_id.or(Some(UnitId(-1))) } else { f.unit_id };
        let rows = sqlx::query(&format!(
            "SELECT {COLS} {FROM} WHERE ($1 IS NULL OR s.plan_id = $1) AND ($2 IS NULL OR s.item_id = $2) \
             AND ($3 IS NULL OR s.state = $3) \
             AND ($4 IS NULL OR EXISTS (SELECT 1 FROM supervision_units x WHERE x.supervision_id = s.id AND x.unit_id = $4)) \
             ORDER BY s.id DESC LIMIT 5000"
        ))
        .bind(f.plan_id)
        .bind(f.item_id)
        .bind(f.state.map(SupervisionState::as_str))
        .bind(unit)
        .fetch_all(&self.read)
        .await
        .db()?;
        let mut out: Vec<SupervisionRecord> = rows.iter().map(from_row).collect::<Result<_, _>>()?;
        let ids: Vec<i64> = out.iter().map(|r| r.id.get()).collect();
        let mut units = self.units_of(&ids).await?;
        for r in &mut out {
            r.units = units.remove(&r.id).unwrap_or_default();
            visible_to(actor, r);
        }
        Ok(out)
    }

    pub async fn supervision(&self, actor: &Actor, id: SupervisionId) -> Result<SupervisionRecord, Error> {
        require_reader(actor)?;
        let row = sqlx::query(&format!("SELECT {COLS} {FROM} WHERE s.id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .db()?
            .ok_or_else(|| Error::not_found(Thing::Supervision))?;
        let mut rec = from_row(&row)?;
        rec.units = self.units_of(&[id.get()]).await?.remove(&id).unwrap_or_default();
        if actor.role.needs_unit() && !rec.units.iter().any(|u| Some(u.unit_id) == actor.unit_id) {
            return Err(Error::forbidden());
        }
        visible_to(actor, &mut rec);
        Ok(rec)
    }

    async fn units_of(&self, ids: &[i64]) -> Result<HashMap<SupervisionId, Vec<SupervisedUnit>>, Error> {
        let mut out: HashMap<SupervisionId, Vec<SupervisedUnit>> = HashMap::new();
        // In slices, so that the statement's parameters stay few on every database.
        for chunk in ids.chunks(200) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "{UNIT_COLS} WHERE x.supervision_id IN ({}) ORDER BY x.supervision_id, {UNIT_ORDER}",
                marks.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            for r in q.fetch_all(&self.read).await.db()? {
                let id: SupervisionId = get(&r, "supervision_id")?;
                out.entry(id).or_default().push(unit_from_row(&r)?);
            }
        }
        Ok(out)
    }

    /// Attaches a file to the unit's reply while the 督办 is open; counts against the unit's evidence quota.
    pub async fn add_reply_file(
        &self,
        ctx: &Ctx,
        id: SupervisionId,
        unit_id: UnitId,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<ReplyFile, Error> {
        if !ctx.actor.can_report_for(unit_id) {
            return Err(Error::forbidden());
        }
        let (name, content_type) = duban_core::evidence::check(file_name, bytes)?;
        let sha = sha256_hex(bytes);
        let size = bytes.len() as i64;
        let quota = self.evidence_quota;
        self.write(ctx, async |tx| {
            let sup = tx.supervision(id).await?;
            if sup.state != SupervisionState::Open {
                return Err(Error::new(ErrorKind::Conflict, "supervision.closed").arg("number", &sup.number));
            }
            if !sup.units.iter().any(|u| u.unit_id == unit_id) {
                return Err(Error::bad_input("supervision.not_addressed"));
            }
            tx.check_quota(unit_id, size, quota).await?;
            let row = sqlx::query(
                "INSERT INTO supervision_files (supervision_id, unit_id, file_name, content_type, size, sha256, data, \
                 created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(id)
            .bind(unit_id)
            .bind(&name)
            .bind(content_type)
            .bind(size)
            .bind(&sha)
            .bind(bytes.to_vec())
            .bind(tx.now)
            .bind(tx.actor.user_id)
            .fetch_one(tx.conn())
            .await
            .db()?;
            let rec = ReplyFile {
                id: get(&row, "id")?,
                supervision_id: id,
                unit_id,
                file_name: name.clone(),
                content_type: content_type.to_string(),
                size,
                sha256: sha.clone(),
                created_at: tx.now,
            };
            tx.audit("supervision.file", "supervision", id, &(), &rec).await?;
            Ok(rec)
        })
        .await
    }

    /// The files of the replies the actor may see.
    pub async fn reply_files(&self, actor: &Actor, id: SupervisionId) -> Result<Vec<ReplyFile>, Error> {
        let sup = self.supervision(actor, id).await?;
        let rows =
            sqlx::query(&format!("SELECT {FILE_COLS} FROM supervision_files WHERE supervision_id = $1 ORDER BY id"))
                .bind(id)
                .fetch_all(&self.read)
                .await
                .db()?;
        let files: Vec<ReplyFile> = rows.iter().map(file_from_row).collect::<Result<_, _>>()?;
        Ok(files.into_iter().filter(|f| sup.units.iter().any(|u| u.unit_id == f.unit_id)).collect())
    }

    pub async fn reply_file(&self, actor: &Actor, id: ReplyFileId) -> Result<(ReplyFile, Vec<u8>), Error> {
        let row = sqlx::query(&format!("SELECT {FILE_COLS}, data FROM supervision_files WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .db()?
            .ok_or_else(|| Error::not_found(Thing::Evidence))?;
        let rec = file_from_row(&row)?;
        let sup = self.supervision(actor, rec.supervision_id).await?;
        if !sup.units.iter().any(|u| u.unit_id == rec.unit_id) {
            return Err(Error::forbidden());
        }
        Ok((rec, get(&row, "data")?))
    }
}

/// A unit's people see their own unit's reply only.
fn visible_to(actor: &Actor, rec: &mut SupervisionRecord) {
    if actor.role.needs_unit() {
        rec.units.retain(|u| Some(u.unit_id) == actor.unit_id);
    }
}

impl Tx {
    /// Inserts a 督办 and its units (given, or every unit holding the task), numbered next in the year.
    async fn insert_supervision(
        &mut self,
        plan_id: PlanId,
        n: &NewSupervision,
        escalated_from: Option<SupervisionId>,
    ) -> Result<SupervisionId, Error> {
        let item = sqlx::query("SELECT plan_id, is_task, path FROM items WHERE id = $1")
            .bind(n.item_id)
            .fetch_optional(self.conn())
            .await
            .db()?
            .ok_or_else(|| Error::not_found(Thing::Task))?;
        if get::<PlanId>(&item, "plan_id")? != plan_id || get::<i64>(&item, "is_task")? == 0 {
            return Err(Error::bad_input("supervision.item").arg("id", n.item_id));
        }
        let path: String = get(&item, "path")?;
        if let Some(p) = n.period_id {
            let period = self.period(p).await?;
            if period.plan_id != plan_id {
                return Err(Error::bad_input("supervision.period"));
            }
        }
        let open = sqlx::query("SELECT id FROM supervisions WHERE item_id = $1 AND state = 'open'")
            .bind(n.item_id)
            .fetch_optional(self.conn())
            .await
            .db()?;
        if open.is_some() {
            return Err(Error::new(ErrorKind::Conflict, "supervision.open_exists").arg("task", &path));
        }
        let held = sqlx::query("SELECT unit_id, role FROM assignments WHERE item_id = $1")
            .bind(n.item_id)
            .fetch_all(self.conn())
            .await
            .db()?;
        let mut roles: Vec<(UnitId, String)> = Vec::with_capacity(held.len());
        for r in &held {
            roles.push((get(r, "unit_id")?, get(r, "role")?));
        }
        let chosen: Vec<(UnitId, String)> = if n.units.is_empty() {
            roles
        } else {
            let mut out = Vec::new();
            for u in &n.units {
                match roles.iter().find(|(id, _)| id == u) {
                    Some(r) if !out.iter().any(|(id, _): &(UnitId, String)| id == u) => out.push(r.clone()),
                    Some(_) => {}
                    None => return Err(Error::bad_input("supervision.not_assigned").arg("unit", *u)),
                }
            }
            out
        };
        if chosen.is_empty() {
            return Err(Error::bad_input("supervision.no_units").arg("task", &path));
        }
        let year = today_of(self.now).year();
        let seq: i64 = get(
            &sqlx::query("SELECT CAST(COALESCE(MAX(seq), 0) + 1 AS BIGINT) AS seq FROM supervisions WHERE year = $1")
                .bind(i64::from(year))
                .fetch_one(self.conn())
                .await
                .db()?,
            "seq",
        )?;
        let row = sqlx::query(
            "INSERT INTO supervisions (plan_id, item_id, period_id, year, seq, level, state, reason, demand, reply_by, \
             escalated_from, issued_by, issued_at) VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9, $10, $11, $12) \
             RETURNING id",
        )
        .bind(plan_id)
        .bind(n.item_id)
        .bind(n.period_id)
        .bind(i64::from(year))
        .bind(seq)
        .bind(n.level.as_str())
        .bind(n.reason.trim())
        .bind(n.demand.trim())
        .bind(n.reply_by.to_string())
        .bind(escalated_from)
        .bind(self.actor.user_id)
        .bind(self.now)
        .fetch_one(self.conn())
        .await
        .db()?;
        let id: SupervisionId = get(&row, "id")?;
        for (unit, role) in &chosen {
            sqlx::query("INSERT INTO supervision_units (supervision_id, unit_id, role) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(*unit)
                .bind(role)
                .execute(self.conn())
                .await
                .db()?;
        }
        Ok(id)
    }

    /// Tells every unit of a 督办 about it.
    async fn notify_supervised(&mut self, s: &SupervisionRecord, kind: NoticeKind) -> Result<(), Error> {
        let n = crate::NewNotice::new(kind, format!("/supervisions/{}", s.id))
            .arg("number", &s.number)
            .arg("level", s.level.as_str())
            .arg("task", format!("{} {}", s.task_path, s.task_title))
            .arg("date", s.reply_by);
        for u in &s.units {
            self.notify_unit(u.unit_id, crate::UnitPeople::All, &n).await?;
        }
        Ok(())
    }

    /// The 督办 as the office decides on it: open, and at the version the office saw.
    async fn open_at(&mut self, id: SupervisionId, version: i64) -> Result<SupervisionRecord, Error> {
        let rec = self.supervision(id).await?;
        if rec.state != SupervisionState::Open {
            return Err(Error::new(ErrorKind::Conflict, "supervision.closed").arg("number", &rec.number));
        }
        if rec.version != version {
            return Err(Error::stale(Thing::Supervision));
        }
        Ok(rec)
    }

    async fn decide(&mut self, id: SupervisionId, state: SupervisionState, note: &str) -> Result<(), Error> {
        sqlx::query(
            "UPDATE supervisions SET state = $1, decision_note = $2, decided_at = $3, version = version + 1 WHERE id = $4",
        )
        .bind(state.as_str())
        .bind(note.trim())
        .bind(self.now)
        .bind(id)
        .execute(self.conn())
        .await
        .db()?;
        Ok(())
    }

    async fn bump_supervision(&mut self, id: SupervisionId) -> Result<(), Error> {
        sqlx::query("UPDATE supervisions SET version = version + 1 WHERE id = $1")
            .bind(id)
            .execute(self.conn())
            .await
            .db()?;
        Ok(())
    }

    /// The whole record, every unit included (the write's checks need them all).
    pub(crate) async fn supervision(&mut self, id: SupervisionId) -> Result<SupervisionRecord, Error> {
        let row = sqlx::query(&format!("SELECT {COLS} {FROM} WHERE s.id = $1"))
            .bind(id)
            .fetch_optional(self.conn())
            .await
            .db()?
            .ok_or_else(|| Error::not_found(Thing::Supervision))?;
        let mut rec = from_row(&row)?;
        let rows = sqlx::query(&format!("{UNIT_COLS} WHERE x.supervision_id = $1 ORDER BY {UNIT_ORDER}"))
            .bind(id)
            .fetch_all(self.conn())
            .await
            .db()?;
        rec.units = rows.iter().map(unit_from_row).collect::<Result<_, _>>()?;
        Ok(rec)
    }
}

fn from_row(r: &sqlx::any::AnyRow) -> Result<SupervisionRecord, Error> {
    let year = i32::try_from(get::<i64>(r, "year")?).map_err(Error::internal)?;
    let seq: i64 = get(r, "seq")?;
    let level: String = get(r, "level")?;
    let state: String = get(r, "state")?;
    let reply_by: String = get(r, "reply_by")?;
    Ok(SupervisionRecord {
        id: get(r, "id")?,
        plan_id: get(r, "plan_id")?,
        item_id: get(r, "item_id")?,
        period_id: get(r, "period_id")?,
        number: document_number(year, seq),
        year,
        seq,
        level: Level::parse(&level).ok_or_else(|| Error::internal("unknown 督办 level"))?,
        state: SupervisionState::parse(&state).ok_or_else(|| Error::internal("unknown 督办 state"))?,
        reason: get(r, "reason")?,
        demand: get(r, "demand")?,
        reply_by: duban_core::periods::parse_date(&reply_by)?,
        escalated_from: get(r, "escalated_from")?,
        escalated_from_number: match (get::<Option<i64>>(r, "from_year")?, get::<Option<i64>>(r, "from_seq")?) {
            (Some(y), Some(n)) => Some(document_number(i32::try_from(y).map_err(Error::internal)?, n)),
            _ => None,
        },
        decision_note: get(r, "decision_note")?,
        issued_at: get(r, "issued_at")?,
        issued_by: get(r, "issued_by")?,
        decided_at: get(r, "decided_at")?,
        task_path: get(r, "task_path")?,
        task_title: get(r, "task_title")?,
        units: Vec::new(),
        version: get(r, "version")?,
    })
}

fn unit_from_row(r: &sqlx::any::AnyRow) -> Result<SupervisedUnit, Error> {
    let role: String = get(r, "role")?;
    let new_deadline: Option<String> = get(r, "new_deadline")?;
    Ok(SupervisedUnit {
        unit_id: get(r, "unit_id")?,
        name: get(r, "name")?,
        role: UnitRole::parse(&role).ok_or_else(|| Error::internal("unknown unit role"))?,
        measures: get(r, "measures")?,
        new_deadline: new_deadline.as_deref().map(duban_core::periods::parse_date).transpose()?,
        replied_at: get(r, "replied_at")?,
        replied_by: get(r, "replied_by")?,
    })
}

fn file_from_row(r: &sqlx::any::AnyRow) -> Result<ReplyFile, Error> {
    Ok(ReplyFile {
        id: get(r, "id")?,
        supervision_id: get(r, "supervision_id")?,
        unit_id: get(r, "unit_id")?,
        file_name: get(r, "file_name")?,
        content_type: get(r, "content_type")?,
        size: get(r, "size")?,
        sha256: get(r, "sha256")?,
        created_at: get(r, "created_at")?,
    })
}
