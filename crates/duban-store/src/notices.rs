//! In-app notices. Each is written inside the transaction of the event that causes it (a return, a 催报,
//! a 督办 …), so an event is never recorded without its notices nor a notice without its event. The
//! recipients are the accounts of a unit (by role) or the office's, never the person acting, never a
//! disabled account.

use std::collections::BTreeMap;

use duban_core::notice::NoticeKind;
use duban_core::{Actor, Error, NoticeId, UnitId};
use serde::{Deserialize, Serialize};

use crate::Ctx;
use crate::db::{DbResult, Store, Tx, get};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticeRecord {
    pub id: NoticeId,
    pub kind: NoticeKind,
    /// The notice's particulars (task, period, reason, number …), filled into its text.
    pub args: BTreeMap<String, String>,
    /// Where to act on it (a page of this site).
    pub link: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// A notice to write: its kind, particulars and link.
#[derive(Debug, Clone, PartialEq)]
pub struct NewNotice {
    pub kind: NoticeKind,
    pub args: BTreeMap<String, String>,
    pub link: String,
}

impl NewNotice {
    pub fn new(kind: NoticeKind, link: impl Into<String>) -> NewNotice {
        NewNotice { kind, args: BTreeMap::new(), link: link.into() }
    }
    pub fn arg(mut self, name: &str, value: impl std::fmt::Display) -> NewNotice {
        self.args.insert(name.to_string(), value.to_string());
        self
    }
}

/// Who in a unit hears of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitPeople {
    /// Its reporters and leaders.
    All,
    /// Its leaders (sign-off).
    Leaders,
    /// Its reporters (a report sent back inside the unit).
    Reporters,
}

const COLS: &str = "id, kind, args_json, link, created_at, read_at";

impl Store {
    /// The person's notices, newest first (unread only, or all), at most `limit`.
    pub async fn notices(&self, actor: &Actor, unread_only: bool, limit: i64) -> Result<Vec<NoticeRecord>, Error> {
        let rows = sqlx::query(&format!(
            "SELECT {COLS} FROM notices WHERE user_id = $1 AND ($2 = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT $3"
        ))
        .bind(actor.user_id)
        .bind(i64::from(unread_only))
        .bind(limit.clamp(1, 500))
        .fetch_all(&self.read)
        .await
        .db()?;
        rows.iter().map(notice_from_row).collect()
    }

    pub async fn unread_notices(&self, actor: &Actor) -> Result<i64, Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM notices WHERE user_id = $1 AND read_at IS NULL")
            .bind(actor.user_id)
            .fetch_one(&self.read)
            .await
            .db()?;
        get(&row, "n")
    }

    /// Marks one of the person's notices read (or all, with `None`); returns the notice's link, if one.
    /// Reading is not a change to the record: not audited, in a transaction of its own.
    pub async fn mark_notices_read(&self, ctx: &Ctx, id: Option<NoticeId>) -> Result<Option<String>, Error> {
        let mut tx = self.begin_unaudited().await?;
        let link = match id {
            Some(id) => {
                let row = sqlx::query("SELECT link FROM notices WHERE id = $1 AND user_id = $2")
                    .bind(id)
                    .bind(ctx.actor.user_id)
                    .fetch_optional(tx.conn())
                    .await
                    .db()?
                    .ok_or_else(|| Error::not_found(duban_core::Thing::Notice))?;
                Some(get::<String>(&row, "link")?)
            }
            None => None,
        };
        sqlx::query(
            "UPDATE notices SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL AND ($3 IS NULL OR id = $3)",
        )
        .bind(ctx.now.timestamp())
        .bind(ctx.actor.user_id)
        .bind(id)
        .execute(tx.conn())
        .await
        .db()?;
        tx.commit().await?;
        Ok(link)
    }
}

impl Store {
    /// The scheduled notices due at `now`: to units that still owe reports for a period of a published plan,
    /// three days and one day before its due day, and in the days after it locks. Each person gets each at
    /// most once (a key per period and occasion), so the sweep can run as often as wanted, on any number of
    /// servers. Returns how many notices were written.
    pub async fn sweep_scheduled_notices(&self, now: chrono::DateTime<chrono::Utc>) -> Result<u64, Error> {
        use duban_core::notice::{DUE_REMINDER_DAYS, LOCKED_WINDOW_DAYS};
        let today = duban_core::periods::local_date(now);
        let periods = sqlx::query(
            "SELECT p.id, p.plan_id, p.key, p.due_on, p.grace_days FROM periods p JOIN plans l ON l.id = p.plan_id \
             WHERE l.state = 'published'",
        )
        .fetch_all(&self.read)
        .await
        .db()?;
        let mut tx = self.begin_unaudited().await?;
        tx.now = now.timestamp();
        let mut written = 0;
        for p in &periods {
            let due = duban_core::periods::parse_date(&get::<String>(p, "due_on")?)?;
            let grace = get::<i64>(p, "grace_days")?;
            let last_open = due + chrono::Duration::days(grace);
            let left = (due - today).num_days();
            let after_lock = (today - last_open).num_days();
            let (kind, key, date) = if DUE_REMINDER_DAYS.contains(&left) {
                (NoticeKind::DeadlineApproaching, format!("due:{left}"), due)
            } else if (1..=LOCKED_WINDOW_DAYS).contains(&after_lock) {
                (NoticeKind::PeriodLocked, "locked".to_string(), last_open)
            } else {
                continue;
            };
            let period_id: duban_core::PeriodId = get(p, "id")?;
            let plan_id: duban_core::PlanId = get(p, "plan_id")?;
            let period_key: String = get(p, "key")?;
            let owing = sqlx::query(
                "SELECT a.unit_id, COUNT(*) AS n FROM assignments a JOIN items i ON i.id = a.item_id \
                 LEFT JOIN reports r ON r.item_id = a.item_id AND r.unit_id = a.unit_id AND r.period_id = $1 \
                 WHERE i.plan_id = $2 AND i.is_task = 1 AND (r.id IS NULL OR r.state NOT IN ('submitted', 'approved')) \
                 GROUP BY a.unit_id",
            )
            .bind(period_id)
            .bind(plan_id)
            .fetch_all(tx.conn())
            .await
            .db()?;
            for o in &owing {
                let unit: UnitId = get(o, "unit_id")?;
                let n = NewNotice::new(kind, format!("/todo?plan={plan_id}&period={period_key}"))
                    .arg("period", &period_key)
                    .arg("date", date)
                    .arg("n", get::<i64>(o, "n")?);
                written += tx.notify_unit_once(unit, &n, &format!("{key}:{period_id}")).await?;
            }
        }
        tx.commit().await?;
        Ok(written)
    }
}

impl Tx {
    /// Notices `n` to the people of `unit` who have not had the notice of this `key`.
    async fn notify_unit_once(&mut self, unit: UnitId, n: &NewNotice, key: &str) -> Result<u64, Error> {
        let args = serde_json::to_string(&n.args).map_err(Error::internal)?;
        let done = sqlx::query(
            "INSERT INTO notices (user_id, kind, args_json, link, created_at, dedup_key) \
             SELECT u.id, $1, $2, $3, $4, $5 FROM users u WHERE u.unit_id = $6 AND u.role IN ('leader', 'reporter') \
             AND u.disabled = 0 AND NOT EXISTS (SELECT 1 FROM notices x WHERE x.user_id = u.id AND x.dedup_key = $5)",
        )
        .bind(n.kind.as_str())
        .bind(&args)
        .bind(&n.link)
        .bind(self.now)
        .bind(key)
        .bind(unit)
        .execute(self.conn())
        .await
        .db()?;
        Ok(done.rows_affected())
    }

    /// Notices `n` to the people of `unit` (not the person acting).
    pub(crate) async fn notify_unit(&mut self, unit: UnitId, who: UnitPeople, n: &NewNotice) -> Result<(), Error> {
        let roles = match who {
            UnitPeople::All => "role IN ('leader', 'reporter')",
            UnitPeople::Leaders => "role = 'leader'",
            UnitPeople::Reporters => "role = 'reporter'",
        };
        let args = serde_json::to_string(&n.args).map_err(Error::internal)?;
        sqlx::query(&format!(
            "INSERT INTO notices (user_id, kind, args_json, link, created_at) SELECT id, $1, $2, $3, $4 FROM users \
             WHERE unit_id = $5 AND {roles} AND disabled = 0 AND id <> $6"
        ))
        .bind(n.kind.as_str())
        .bind(&args)
        .bind(&n.link)
        .bind(self.now)
        .bind(unit)
        .bind(self.actor.user_id)
        .execute(self.conn())
        .await
        .db()?;
        Ok(())
    }

    /// Notices `n` to the office's accounts (not the person acting).
    pub(crate) async fn notify_office(&mut self, n: &NewNotice) -> Result<(), Error> {
        let args = serde_json::to_string(&n.args).map_err(Error::internal)?;
        sqlx::query(
            "INSERT INTO notices (user_id, kind, args_json, link, created_at) SELECT id, $1, $2, $3, $4 FROM users \
             WHERE role = 'admin' AND disabled = 0 AND id <> $5",
        )
        .bind(n.kind.as_str())
        .bind(&args)
        .bind(&n.link)
        .bind(self.now)
        .bind(self.actor.user_id)
        .execute(self.conn())
        .await
        .db()?;
        Ok(())
    }

    /// A notice about a unit's report: the task and period in its particulars, the report page as its link.
    pub(crate) async fn report_notice(
        &mut self,
        kind: NoticeKind,
        period: &duban_model::PeriodRecord,
        item: duban_core::ItemId,
        unit: UnitId,
    ) -> Result<NewNotice, Error> {
        let task = self.task_label(item).await?;
        let link = format!("/report?plan={}&period={}&item={item}&unit={unit}", period.plan_id, period.spec.key);
        Ok(NewNotice::new(kind, link).arg("task", task).arg("period", &period.spec.key))
    }

    pub(crate) async fn unit_name(&mut self, unit: UnitId) -> Result<String, Error> {
        let row =
            sqlx::query("SELECT name FROM units WHERE id = $1").bind(unit).fetch_optional(self.conn()).await.db()?;
        Ok(match row {
            Some(r) => get(&r, "name")?,
            None => String::new(),
        })
    }

    /// "1.2 建设保障性住房" for a notice.
    pub(crate) async fn task_label(&mut self, item: duban_core::ItemId) -> Result<String, Error> {
        let row = sqlx::query("SELECT path, title FROM items WHERE id = $1")
            .bind(item)
            .fetch_optional(self.conn())
            .await
            .db()?;
        Ok(match row {
            Some(r) => format!("{} {}", get::<String>(&r, "path")?, get::<String>(&r, "title")?),
            None => String::new(),
        })
    }
}

fn notice_from_row(r: &sqlx::any::AnyRow) -> Result<NoticeRecord, Error> {
    let kind: String = get(r, "kind")?;
    Ok(NoticeRecord {
        id: get(r, "id")?,
        kind: NoticeKind::parse(&kind).ok_or_else(|| Error::internal("unknown notice kind"))?,
        args: serde_json::from_str(&get::<String>(r, "args_json")?).map_err(Error::internal)?,
        link: get(r, "link")?,
        created_at: get(r, "created_at")?,
        read_at: get(r, "read_at")?,
    })
}
