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
    pub(crate) shapes: std::sync::Arc<crate::summary::ShapeCache>,
    pub(crate) summaries: std::sync::Arc<crate::summary::SummaryCache>,
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
            return Error::new(ErrorKind::Conflict, "duplicate", "记录已存在", "The record already exists");
        }
        if d.is_foreign_key_violation() {
            return Error::bad_input(
                "reference",
                "引用的记录不存在或仍被使用",
                "A referenced record does not exist or is in use",
            );
        }
    }
    Error::internal(format!("database: {e}"))
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
        let opts = AnyConnectOptions::from_str(&url).map_err(|e| {
            Error::bad_input("database.url", format!("数据库地址无效：{e}"), format!("Bad database URL: {e}"))
        })?;
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
                };
                store.migrate().await?;
                let read = sqlite_pool(4).connect_with(opts).await.map_err(open_error)?;
                Store { read, ..store }
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
                };
                store.migrate().await?;
                store
            }
        };
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    async fn migrate(&self) -> Result<(), Error> {
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
        }
        Ok(())
    }

    /// Starts a write: takes the audit head (and with it the write lock).
    pub async fn begin(&self, ctx: &Ctx) -> Result<Tx, Error> {
        let mut inner = self.write.begin().await.db()?;
        let row = sqlx::query("UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut *inner)
            .await
            .db()?;
        Ok(Tx {
            inner,
            head_seq: row.try_get(0).db()?,
            head_hash: row.try_get(1).db()?,
            appended: false,
            actor: ctx.actor.clone(),
            now: ctx.now.timestamp(),
        })
    }

    /// Runs `op` in one write transaction. With an idempotency key, a request seen before gets the answer it
    /// got then, and nothing is written again; the answer is stored in the same transaction as the write.
    pub async fn write<T, F>(&self, ctx: &Ctx, op: F) -> Result<T, Error>
    where
        T: Serialize + DeserializeOwned,
        F: AsyncFnOnce(&mut Tx) -> Result<T, Error>,
    {
        let mut tx = self.begin(ctx).await?;
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
                    return Err(Error::new(
                        ErrorKind::Conflict,
                        "idempotency.key_reused",
                        "此幂等键已用于另一个请求",
                        "This Idempotency-Key was used for a different request",
                    ));
                }
                let response: String = row.try_get(1).db()?;
                return serde_json::from_str(&response).map_err(Error::internal);
            }
        }
        let out = op(&mut tx).await?;
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
        tx.commit().await?;
        Ok(out)
    }
}

fn sqlite_pool(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new().max_connections(max).acquire_timeout(Duration::from_secs(30)).after_connect(|conn, _| {
        Box::pin(async move {
            for pragma in [
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = NORMAL",
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
    if ok { Ok(()) } else { Err(Error::bad_input("database.schema", "模式名无效", "Bad schema name")) }
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

/// A write transaction. Dropped without [`Tx::commit`], it rolls back.
#[derive(Debug)]
pub struct Tx {
    pub(crate) inner: sqlx::Transaction<'static, Any>,
    head_seq: i64,
    head_hash: String,
    appended: bool,
    pub(crate) actor: Actor,
    pub(crate) now: i64,
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

    pub async fn commit(mut self) -> Result<(), Error> {
        if self.appended {
            sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                .bind(self.head_seq)
                .bind(&self.head_hash)
                .execute(&mut *self.inner)
                .await
                .db()?;
        }
        self.inner.commit().await.db()
    }

    pub(crate) fn conn(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.inner
    }
}

pub(crate) fn get<'r, T>(row: &'r AnyRow, col: &str) -> Result<T, Error>
where
    T: sqlx::Decode<'r, Any> + sqlx::Type<Any>,
{
    row.try_get(col).db()
}
