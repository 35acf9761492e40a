//! Connections, migrations, and the write transaction with its audit trail and idempotency record.

use std::fmt::Display;
use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, Utc};
use duban_core::audit::{AuditRecord, chain_hash};
use duban_core::{Actor, Error, ErrorKind};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Executor, Row};

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The storage interface: every read and write of duban goes through it.
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) backend: Backend,
    pub(crate) read: AnyPool,
    pub(crate) write: AnyPool,
    pub(crate) shapes: std::sync::Arc<crate::cache::ShapeCache>,
    pub(crate) summaries: std::sync::Arc<crate::cache::SummaryCache>,
    /// Whether the last write reached the database. False from a failed write until one succeeds again;
    /// the server reports not-ready meanwhile.
    pub(crate) writable: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// The key of the audit head's MAC (see `duban_core::audit::head_mac`), kept outside the database.
    pub(crate) audit_key: Option<std::sync::Arc<[u8]>>,
    /// The MAC column was added by this open (an older database): the head may be anchored once.
    mac_column_new: bool,
    /// The most evidence (bytes) one unit may keep.
    pub(crate) evidence_quota: i64,
}

/// Who is acting, when, and (for API writes) the idempotency key of the request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub actor: Actor,
    pub now: DateTime<Utc>,
    pub idempotency: Option<Idempotency>,
}

impl Ctx {
    pub fn new(actor: Actor, now: DateTime<Utc>) -> Ctx {
        Ctx { actor, now, idempotency: None }
    }
}

/// An `Idempotency-Key` and a fingerprint of the request it came with (method, path, body), so that the
/// same key reused for a different request is refused instead of answered with the wrong result.
#[derive(Debug, Clone)]
pub struct Idempotency {
    pub key: String,
    pub fingerprint: String,
}

/// The schema changes, each in both dialects. Applied in order, each once, each in its own transaction.
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/sqlite/0001_init.sql"),
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "versions_evidence_shares",
        include_str!("../migrations/sqlite/0002_versions_evidence_shares.sql"),
        include_str!("../migrations/postgres/0002_versions_evidence_shares.sql"),
    ),
    (
        3,
        "milestones",
        include_str!("../migrations/sqlite/0003_milestones.sql"),
        include_str!("../migrations/postgres/0003_milestones.sql"),
    ),
    (
        4,
        "report_milestones",
        include_str!("../migrations/sqlite/0004_report_milestones.sql"),
        include_str!("../migrations/postgres/0004_report_milestones.sql"),
    ),
    (
        5,
        "reports_version",
        include_str!("../migrations/sqlite/0005_reports_version.sql"),
        include_str!("../migrations/postgres/0005_reports_version.sql"),
    ),
    (
        6,
        "signin_audit_mac",
        include_str!("../migrations/sqlite/0006_signin_audit_mac.sql"),
        include_str!("../migrations/postgres/0006_signin_audit_mac.sql"),
    ),
    (
        7,
        "printed_order",
        include_str!("../migrations/sqlite/0007_printed_order.sql"),
        include_str!("../migrations/postgres/0007_printed_order.sql"),
    ),
    (
        8,
        "reading_basis",
        include_str!("../migrations/sqlite/0008_reading_basis.sql"),
        include_str!("../migrations/postgres/0008_reading_basis.sql"),
    ),
    (
        9,
        "account_rules",
        include_str!("../migrations/sqlite/0009_account_rules.sql"),
        include_str!("../migrations/postgres/0009_account_rules.sql"),
    ),
    (
        10,
        "directory_sheets",
        include_str!("../migrations/sqlite/0010_directory_sheets.sql"),
        include_str!("../migrations/postgres/0010_directory_sheets.sql"),
    ),
    (
        11,
        "settings",
        include_str!("../migrations/sqlite/0011_settings.sql"),
        include_str!("../migrations/postgres/0011_settings.sql"),
    ),
    (
        12,
        "supervisions",
        include_str!("../migrations/sqlite/0012_supervisions.sql"),
        include_str!("../migrations/postgres/0012_supervisions.sql"),
    ),
    (
        13,
        "assessment_rules",
        include_str!("../migrations/sqlite/0013_assessment_rules.sql"),
        include_str!("../migrations/postgres/0013_assessment_rules.sql"),
    ),
    (
        14,
        "unit_signoff",
        include_str!("../migrations/sqlite/0014_unit_signoff.sql"),
        include_str!("../migrations/postgres/0014_unit_signoff.sql"),
    ),
    (
        15,
        "reporting_mode",
        include_str!("../migrations/sqlite/0015_reporting_mode.sql"),
        include_str!("../migrations/postgres/0015_reporting_mode.sql"),
    ),
    (
        16,
        "notices",
        include_str!("../migrations/sqlite/0016_notices.sql"),
        include_str!("../migrations/postgres/0016_notices.sql"),
    ),
    (
        17,
        "notice_once",
        include_str!("../migrations/sqlite/0017_notice_once.sql"),
        include_str!("../migrations/postgres/0017_notice_once.sql"),
    ),
];

pub(crate) trait DbResult<T> {
    fn db(self) -> Result<T, Error>;
}

impl<T> DbResult<T> for Result<T, sqlx::Error> {
    fn db(self) -> Result<T, Error> {
        self.map_err(db_error)
    }
}

pub(crate) fn db_error(e: sqlx::Error) -> Error {
    if let sqlx::Error::Database(d) = &e {
        if d.is_unique_violation() {
            return Error::new(ErrorKind::Conflict, "duplicate");
        }
        if d.is_foreign_key_violation() {
            return Error::bad_input("reference");
        }
    }
    if is_unavailable(&e) {
        return write_unavailable(e);
    }
    Error::internal(format!("database: {e}"))
}

/// The database cannot be reached or cannot write (disk full, I/O error, connection lost, shutting down):
/// nothing was saved, and the same request may succeed later.
fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Tls(_) => true,
        sqlx::Error::Database(d) => {
            let code = d.code().unwrap_or_default();
            match code.parse::<i64>() {
                // SQLite result codes (extended codes keep the primary one in the low byte): BUSY, LOCKED,
                // NOMEM, READONLY, IOERR, CORRUPT, FULL, CANTOPEN.
                Ok(n) => matches!(n & 0xff, 5 | 6 | 7 | 8 | 10 | 11 | 13 | 14),
                // PostgreSQL SQLSTATE classes: connection exception, insufficient resources (disk full, out
                // of memory), operator intervention (server shut down, connection terminated), system error.
                Err(_) => ["08", "53", "57", "58"].iter().any(|class| code.starts_with(class)),
            }
        }
        _ => false,
    }
}

pub(crate) fn write_unavailable(e: impl Display) -> Error {
    Error::unavailable("store.unavailable").with_detail(format!("database: {e}"))
}

impl Store {
    /// Opens (creating if needed) the database at `url` and brings its schema up to date.
    ///
    /// `url` is `postgres://…`, `sqlite://PATH`, or a plain file path (SQLite).
    pub async fn open(url: &str) -> Result<Store, Error> {
        Self::open_in_schema(url, None).await
    }

    /// As [`Store::open`], with PostgreSQL tables in `schema` (created if missing): tests use one schema each.
    pub async fn open_in_schema(url: &str, schema: Option<&str>) -> Result<Store, Error> {
        sqlx::any::install_default_drivers();
        let (backend, url) = normalize_url(url);
        let opts = AnyConnectOptions::from_str(&url).map_err(|e| Error::bad_input("database.url").arg("e", e))?;
        let store = match backend {
            Backend::Sqlite => {
                let write = sqlite_pool(1).connect_with(opts.clone()).await.map_err(open_error)?;
                // The schema must exist before readers look at it.
                let store = Store {
                    backend,
                    read: write.clone(),
                    write,
                    shapes: Default::default(),
                    summaries: Default::default(),
                    writable: Default::default(),
                    audit_key: None,
                    mac_column_new: false,
                    evidence_quota: duban_core::evidence::DEFAULT_QUOTA_BYTES,
                };
                let applied = store.migrate().await?;
                let read = sqlite_pool(4).connect_with(opts).await.map_err(open_error)?;
                Store { read, mac_column_new: applied.contains(&6), ..store }
            }
            Backend::Postgres => {
                if let Some(schema) = schema {
                    check_schema_name(schema)?;
                    let setup = AnyPoolOptions::new()
                        .max_connections(1)
                        .connect_with(opts.clone())
                        .await
                        .map_err(open_error)?;
                    setup.execute(format!("CREATE SCHEMA IF NOT EXISTS {schema}").as_str()).await.db()?;
                    setup.close().await;
                }
                let search_path = schema.map(|s| format!("SET search_path TO {s}"));
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(move |conn, _| {
                        let search_path = search_path.clone();
                        Box::pin(async move {
                            if let Some(sql) = search_path {
                                conn.execute(sql.as_str()).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect_with(opts)
                    .await
                    .map_err(open_error)?;
                let store = Store {
                    backend,
                    read: pool.clone(),
                    write: pool,
                    shapes: Default::default(),
                    summaries: Default::default(),
                    writable: Default::default(),
                    audit_key: None,
                    mac_column_new: false,
                    evidence_quota: duban_core::evidence::DEFAULT_QUOTA_BYTES,
                };
                let applied = store.migrate().await?;
                Store { mac_column_new: applied.contains(&6), ..store }
            }
        };
        store.writable.store(true, std::sync::atomic::Ordering::SeqCst);
        store.recover_printed_order().await?;
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    /// Sets the key of the audit head's MAC. On a new database, or one whose MAC column this open added,
    /// the current head is anchored with it; otherwise every commit from now on writes the MAC.
    pub async fn with_audit_key(mut self, key: &[u8]) -> Result<Store, Error> {
        self.audit_key = Some(std::sync::Arc::from(key));
        let head =
            sqlx::query("SELECT seq, hash, mac FROM audit_head WHERE id = 1").fetch_one(&self.read).await.db()?;
        let (seq, hash, mac): (i64, String, String) = (get(&head, "seq")?, get(&head, "hash")?, get(&head, "mac")?);
        if mac.is_empty() && (seq == 0 || self.mac_column_new) {
            let mut tx = self.begin_unaudited().await?;
            sqlx::query("UPDATE audit_head SET mac = $1 WHERE id = 1")
                .bind(duban_core::audit::head_mac(key, seq, &hash))
                .execute(&mut *tx.inner)
                .await
                .db()?;
            tx.commit().await?;
        }
        Ok(self)
    }

    /// SQLite: whether every commit waits for the disk (`synchronous = FULL`, the default and the rule for
    /// any write that is acknowledged to a person) or not (`NORMAL`: safe against the process dying, not
    /// against power loss; for bulk loading of simulated data only). A connection opened later is FULL.
    /// Does nothing on PostgreSQL.
    pub async fn set_sync_every_commit(&self, full: bool) -> Result<(), Error> {
        if self.backend == Backend::Sqlite {
            let pragma = if full { "PRAGMA synchronous = FULL" } else { "PRAGMA synchronous = NORMAL" };
            self.write.execute(pragma).await.db()?;
        }
        Ok(())
    }

    /// Sets the most evidence one unit may keep (bytes).
    pub fn with_evidence_quota(mut self, bytes: i64) -> Store {
        self.evidence_quota = bytes;
        self
    }

    pub fn has_audit_key(&self) -> bool {
        self.audit_key.is_some()
    }

    /// Applies the migrations not yet applied; returns their versions. (The time a migration was applied
    /// is bookkeeping of the schema, not of the record, so it is read from the system clock here.)
    #[allow(clippy::disallowed_methods)]
    async fn migrate(&self) -> Result<Vec<i64>, Error> {
        let mut applied_now = Vec::new();
        let mut conn = self.write.acquire().await.db()?;
        conn.execute(
            "CREATE TABLE IF NOT EXISTS duban_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, \
             checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .await
        .db()?;
        for (version, name, sqlite_sql, pg_sql) in MIGRATIONS {
            let sql = match self.backend {
                Backend::Sqlite => *sqlite_sql,
                Backend::Postgres => *pg_sql,
            };
            let checksum = crate::sha256_hex(sql.as_bytes());
            let applied = sqlx::query("SELECT checksum FROM duban_migrations WHERE version = $1")
                .bind(*version)
                .fetch_optional(&mut *conn)
                .await
                .db()?;
            if let Some(row) = applied {
                let stored: String = row.try_get(0).db()?;
                if stored != checksum {
                    return Err(Error::internal(format!(
                        "migration {version} ({name}) differs from the one applied to this database"
                    )));
                }
                continue;
            }
            let mut tx = sqlx::Connection::begin(&mut *conn).await.db()?;
            sqlx::raw_sql(sql).execute(&mut *tx).await.db()?;
            sqlx::query("INSERT INTO duban_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
                .bind(*version)
                .bind(*name)
                .bind(checksum)
                .bind(Utc::now().timestamp())
                .execute(&mut *tx)
                .await
                .db()?;
            tx.commit().await.db()?;
            applied_now.push(*version);
        }
        Ok(applied_now)
    }

    /// Did the last write reach the database? After a failed write this is false until a write succeeds.
    pub fn writable(&self) -> bool {
        self.writable.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Ready to accept writes: true while the last write succeeded; after a failure, tries a write that
    /// changes nothing (it still has to reach the disk) and is ready again once that commits.
    pub async fn ready(&self) -> bool {
        if self.writable() {
            // Still check the database answers at all (a closed pool, a server gone).
            return sqlx::query("SELECT 1").execute(&self.read).await.is_ok();
        }
        let probe = async {
            let mut tx = self.begin_unaudited().await?;
            sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1").execute(&mut *tx.inner).await.db()?;
            tx.commit().await
        };
        let ok = probe.await.is_ok();
        if ok {
            self.writable.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        ok
    }

    /// A pooled write connection in a transaction. The statement is run by hand rather than through
    /// `sqlx::Transaction`: when a COMMIT fails, sqlx keeps believing the connection is inside a
    /// transaction and later "transactions" become savepoints that are never committed, so a failed
    /// connection must be thrown away, which only an owned `PoolConnection` allows.
    async fn begin_conn(&self) -> Result<PoolConnection<Any>, Error> {
        let mut conn = self.write.acquire().await.db()?;
        // IMMEDIATE takes SQLite's write lock now rather than at the first write.
        let begin = match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        };
        if let Err(e) = conn.execute(begin).await {
            conn.close_on_drop();
            return Err(self.failed(db_error(e)));
        }
        Ok(conn)
    }

    /// Notes a failed write: an error that says the database could not write marks the store not-ready.
    pub(crate) fn failed(&self, e: Error) -> Error {
        if matches!(e.kind, ErrorKind::Unavailable) {
            self.writable.store(false, std::sync::atomic::Ordering::SeqCst);
        }
        e
    }

    /// Starts a write: takes the audit head (and with it the write lock).
    pub async fn begin(&self, ctx: &Ctx) -> Result<Tx, Error> {
        let inner = self.begin_conn().await?;
        let mut tx = Tx {
            inner,
            finished: false,
            store: self.clone(),
            audited: true,
            head_seq: 0,
            head_hash: String::new(),
            appended: false,
            actor: ctx.actor.clone(),
            now: ctx.now.timestamp(),
        };
        let row = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut *tx.inner)
            .await
            .db()?;
        tx.head_seq = row.try_get(0).db()?;
        tx.head_hash = row.try_get(1).db()?;
        Ok(tx)
    }

    /// A transaction for bookkeeping that is not part of the record (sessions, sign-in counters): not
    /// audited, and it does not take the audit head.
    pub(crate) async fn begin_unaudited(&self) -> Result<Tx, Error> {
        let inner = self.begin_conn().await?;
        Ok(Tx {
            inner,
            finished: false,
            store: self.clone(),
            audited: false,
            head_seq: 0,
            head_hash: String::new(),
            appended: false,
            actor: Actor::system(),
            now: 0,
        })
    }

    /// Runs `op` in one write transaction. With an idempotency key, a request seen before gets the answer it
    /// got then, and nothing is written again; the answer is stored in the same transaction as the write.
    /// The answer is returned only after COMMIT succeeded; when any step fails, the transaction is rolled
    /// back (or its connection discarded) and the error returned.
    pub async fn write<T, F>(&self, ctx: &Ctx, op: F) -> Result<T, Error>
    where
        T: Serialize + DeserializeOwned,
        F: AsyncFnOnce(&mut Tx) -> Result<T, Error>,
    {
        let mut tx = self.begin(ctx).await.map_err(|e| self.failed(e))?;
        match Self::write_in(ctx, &mut tx, op).await {
            Ok(Done::Replayed(out)) => {
                tx.rollback().await;
                Ok(out)
            }
            Ok(Done::Written(out)) => {
                tx.commit().await?;
                Ok(out)
            }
            Err(e) => {
                tx.rollback().await;
                Err(self.failed(e))
            }
        }
    }

    async fn write_in<T, F>(ctx: &Ctx, tx: &mut Tx, op: F) -> Result<Done<T>, Error>
    where
        T: Serialize + DeserializeOwned,
        F: AsyncFnOnce(&mut Tx) -> Result<T, Error>,
    {
        if let Some(idem) = &ctx.idempotency {
            let seen = sqlx::query("SELECT fingerprint, response FROM idempotency WHERE user_id = $1 AND key = $2")
                .bind(ctx.actor.user_id)
                .bind(&idem.key)
                .fetch_optional(&mut *tx.inner)
                .await
                .db()?;
            if let Some(row) = seen {
                let fingerprint: String = row.try_get(0).db()?;
                if fingerprint != idem.fingerprint {
                    return Err(Error::new(ErrorKind::Conflict, "idempotency.key_reused"));
                }
                let response: String = row.try_get(1).db()?;
                return serde_json::from_str(&response).map(Done::Replayed).map_err(Error::internal);
            }
        }
        let out = op(tx).await?;
        if let Some(idem) = &ctx.idempotency {
            let response = serde_json::to_string(&out).map_err(Error::internal)?;
            sqlx::query(
                "INSERT INTO idempotency (user_id, key, fingerprint, response, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(ctx.actor.user_id)
            .bind(&idem.key)
            .bind(&idem.fingerprint)
            .bind(response)
            .bind(ctx.now.timestamp())
            .execute(&mut *tx.inner)
            .await
            .db()?;
        }
        Ok(Done::Written(out))
    }
}

/// What a write's body ended with: a new answer to commit, or a stored one to give back unchanged.
enum Done<T> {
    Written(T),
    Replayed(T),
}

fn sqlite_pool(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new().max_connections(max).acquire_timeout(Duration::from_secs(30)).after_connect(|conn, _| {
        Box::pin(async move {
            for pragma in [
                "PRAGMA journal_mode = WAL",
                // FULL: the WAL is synced at every commit, so an acknowledged write survives a power cut too
                // (NORMAL would only survive the process dying).
                "PRAGMA synchronous = FULL",
                "PRAGMA foreign_keys = ON",
                "PRAGMA busy_timeout = 10000",
            ] {
                conn.execute(pragma).await?;
            }
            Ok(())
        })
    })
}

fn open_error(e: sqlx::Error) -> Error {
    Error::internal(format!("cannot open the database: {e}"))
}

fn check_schema_name(schema: &str) -> Result<(), Error> {
    let ok = !schema.is_empty()
        && schema.len() <= 60
        && schema.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !schema.starts_with(|c: char| c.is_ascii_digit());
    if ok { Ok(()) } else { Err(Error::bad_input("database.schema")) }
}

/// `postgres://…` and `postgresql://…` are PostgreSQL; `sqlite:…` and plain paths are SQLite files, created
/// when missing.
fn normalize_url(url: &str) -> (Backend, String) {
    let url = url.trim();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return (Backend::Postgres, url.to_string());
    }
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    if rest.contains('?') || rest == ":memory:" {
        (Backend::Sqlite, format!("sqlite://{rest}"))
    } else {
        (Backend::Sqlite, format!("sqlite://{rest}?mode=rwc"))
    }
}

/// A write transaction. Dropped without [`Tx::commit`] or [`Tx::rollback`] (a request cancelled half-way),
/// its connection is closed instead of going back to the pool, which rolls the transaction back.
#[derive(Debug)]
pub struct Tx {
    pub(crate) inner: PoolConnection<Any>,
    finished: bool,
    store: Store,
    audited: bool,
    head_seq: i64,
    head_hash: String,
    appended: bool,
    pub(crate) actor: Actor,
    pub(crate) now: i64,
}

impl Drop for Tx {
    fn drop(&mut self) {
        if !self.finished {
            self.inner.close_on_drop();
        }
    }
}

impl Tx {
    /// Appends a row to the audit trail: who (the transaction's actor), when, what, before and after.
    pub async fn audit(
        &mut self,
        action: &str,
        entity: &str,
        entity_id: impl Display,
        before: &impl Serialize,
        after: &impl Serialize,
    ) -> Result<(), Error> {
        if !self.audited {
            return Err(Error::internal("audit row in an unaudited transaction"));
        }
        let rec = AuditRecord {
            seq: self.head_seq + 1,
            at: self.now,
            actor: self.actor.username.clone(),
            action: action.to_string(),
            entity: entity.to_string(),
            entity_id: entity_id.to_string(),
            before: serde_json::to_string(before).map_err(Error::internal)?,
            after: serde_json::to_string(after).map_err(Error::internal)?,
        };
        let hash = chain_hash(&self.head_hash, &rec);
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(rec.seq)
        .bind(rec.at)
        .bind(&rec.actor)
        .bind(&rec.action)
        .bind(&rec.entity)
        .bind(&rec.entity_id)
        .bind(&rec.before)
        .bind(&rec.after)
        .bind(&self.head_hash)
        .bind(&hash)
        .execute(&mut *self.inner)
        .await
        .db()?;
        self.head_seq = rec.seq;
        self.head_hash = hash;
        self.appended = true;
        Ok(())
    }

    /// Writes the audit head and commits. Only an `Ok` here means the write is in the database; on any
    /// failure the connection is discarded (see [`Store::begin_conn`]) and the store marked not-ready.
    pub async fn commit(mut self) -> Result<(), Error> {
        if self.appended {
            let mac = match &self.store.audit_key {
                Some(key) => duban_core::audit::head_mac(key, self.head_seq, &self.head_hash),
                None => String::new(),
            };
            let head = sqlx::query("UPDATE audit_head SET seq = $1, hash = $2, mac = $3 WHERE id = 1")
                .bind(self.head_seq)
                .bind(&self.head_hash)
                .bind(mac)
                .execute(&mut *self.inner)
                .await;
            if let Err(e) = head {
                return Err(self.store.failed(db_error(e)));
            }
        }
        match self.inner.execute("COMMIT").await {
            Ok(_) => {
                self.finished = true;
                if !self.store.writable.swap(true, std::sync::atomic::Ordering::SeqCst) {
                    tracing::warn!("the database takes writes again");
                }
                if self.appended {
                    tracing::debug!(audit_seq = self.head_seq, actor = %self.actor.username, "write committed");
                }
                Ok(())
            }
            Err(e) => {
                tracing::error!(error = %e, "COMMIT failed: the connection is discarded and the store is not ready");
                // Whatever state the connection is in now (SQLite may or may not have rolled back), it is
                // not used again: Drop closes it.
                Err(self.store.failed(write_unavailable(e)))
            }
        }
    }

    /// Rolls back. A connection whose ROLLBACK fails is discarded.
    pub async fn rollback(mut self) {
        if self.inner.execute("ROLLBACK").await.is_ok() {
            self.finished = true;
        }
    }

    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.inner
    }
}

/// A value the database keeps as text, read back: the one place for each kind (so that an unknown value is
/// an internal error naming what it is, not a silent default).
fn stored<T>(text: &str, what: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, Error> {
    parse(text).ok_or_else(|| Error::internal(format!("unknown {what} in the database: {text}")))
}

/// A comparator (`>=` …).
pub(crate) fn comparator(text: &str) -> Result<duban_model::Comparator, Error> {
    stored(text, "comparator", duban_model::Comparator::parse)
}

/// A plan's state (`draft`, `published`).
pub(crate) fn plan_state(text: &str) -> Result<duban_model::PlanState, Error> {
    stored(text, "plan state", duban_model::PlanState::parse)
}

/// A person's language (`zh-CN`, `en`).
pub(crate) fn lang(text: &str) -> Result<duban_core::Lang, Error> {
    stored(text, "language", duban_core::Lang::parse)
}

/// A unit's kind (`department`, `government`, `enterprise`, `other`).
pub(crate) fn unit_kind(text: &str) -> Result<duban_model::UnitKind, Error> {
    stored(text, "unit kind", duban_model::UnitKind::parse)
}

/// An extension request's state (`pending`, `approved`, `refused`).
pub(crate) fn extension_state(text: &str) -> Result<duban_model::ExtensionState, Error> {
    stored(text, "extension state", duban_model::ExtensionState::parse)
}

/// A day kept as `YYYY-MM-DD`.
pub(crate) fn date(text: &str) -> Result<chrono::NaiveDate, Error> {
    stored(text, "date", |t| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
}

/// A unit's role in a task (`lead`, `co`, `responsible`).
pub(crate) fn unit_role(text: &str) -> Result<duban_model::UnitRole, Error> {
    stored(text, "unit role", duban_model::UnitRole::parse)
}

/// What a unit was read from (`label`, `duty` …); '' (set by the office, or older than the column) is none.
pub(crate) fn unit_basis(text: &str) -> Result<Option<duban_model::UnitBasis>, Error> {
    if text.is_empty() {
        return Ok(None);
    }
    stored(text, "unit basis", duban_model::UnitBasis::parse).map(Some)
}

/// What a target's comparator was read from (`word`, `sentence` …); '' is none.
pub(crate) fn target_basis(text: &str) -> Result<Option<duban_model::TargetBasis>, Error> {
    if text.is_empty() {
        return Ok(None);
    }
    stored(text, "target basis", duban_model::TargetBasis::parse).map(Some)
}

pub(crate) fn get<'r, T>(row: &'r AnyRow, col: &str) -> Result<T, Error>
where
    T: sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    row.try_get(col).db()
}
