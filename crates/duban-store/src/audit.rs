//! Reading and verifying the audit trail.

use duban_core::Error;
use duban_core::audit::{AuditRecord, Break, verify};
use serde::{Deserialize, Serialize};

use crate::db::{DbResult, Store, get};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    #[serde(flatten)]
    pub record: AuditRecord,
    pub hash: String,
}

/// The outcome of `duban audit verify`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditReport {
    pub rows: i64,
    pub head_seq: i64,
    pub head_hash: String,
    /// Whether the head's MAC was checked (a key was given).
    pub head_checked: bool,
    pub breaks: Vec<Break>,
}

impl AuditReport {
    pub fn ok(&self) -> bool {
        self.breaks.is_empty()
    }
}

const COLS: &str = "seq, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash";

impl Store {
    /// Walks the whole chain and reports every row edited or deleted since it was written.
    pub async fn verify_audit(&self) -> Result<AuditReport, Error> {
        let head =
            sqlx::query("SELECT seq, hash, mac FROM audit_head WHERE id = 1").fetch_one(&self.read).await.db()?;
        let head_seq: i64 = get(&head, "seq")?;
        let head_hash: String = get(&head, "hash")?;
        let head_mac: String = get(&head, "mac")?;
        let rows =
            sqlx::query(&format!("SELECT {COLS} FROM audit_log ORDER BY seq")).fetch_all(&self.read).await.db()?;
        let mut recs = Vec::with_capacity(rows.len());
        for r in &rows {
            recs.push((record_from_row(r)?, get::<String>(r, "prev_hash")?, get::<String>(r, "hash")?));
        }
        let mut breaks = verify(recs.iter().map(|(r, p, h)| (r, p.as_str(), h.as_str())), (head_seq, &head_hash));
        if let Some(key) = &self.audit_key {
            breaks.extend(duban_core::audit::verify_head_mac(key, head_seq, &head_hash, &head_mac));
        }
        Ok(AuditReport { rows: recs.len() as i64, head_seq, head_hash, head_checked: self.audit_key.is_some(), breaks })
    }

    /// The history of one entity, oldest first.
    pub async fn audit_of(&self, entity: &str, entity_id: &str) -> Result<Vec<AuditEntry>, Error> {
        let rows =
            sqlx::query(&format!("SELECT {COLS} FROM audit_log WHERE entity = $1 AND entity_id = $2 ORDER BY seq"))
                .bind(entity)
                .bind(entity_id)
                .fetch_all(&self.read)
                .await
                .db()?;
        rows.iter().map(|r| Ok(AuditEntry { record: record_from_row(r)?, hash: get(r, "hash")? })).collect()
    }

    /// The latest audit rows about `entity` (`signin`, `user`, `unit` …), newest first, at most `limit`
    /// (1 to 1,000): what the security auditor reads.
    pub async fn recent_audit(&self, entity: &str, limit: i64) -> Result<Vec<AuditEntry>, Error> {
        let rows = sqlx::query(&format!("SELECT {COLS} FROM audit_log WHERE entity = $1 ORDER BY seq DESC LIMIT $2"))
            .bind(entity)
            .bind(limit.clamp(1, 1000))
            .fetch_all(&self.read)
            .await
            .db()?;
        rows.iter().map(|r| Ok(AuditEntry { record: record_from_row(r)?, hash: get(r, "hash")? })).collect()
    }
}

fn record_from_row(r: &sqlx::any::AnyRow) -> Result<AuditRecord, Error> {
    Ok(AuditRecord {
        seq: get(r, "seq")?,
        at: get(r, "at")?,
        actor: get(r, "actor")?,
        action: get(r, "action")?,
        entity: get(r, "entity")?,
        entity_id: get(r, "entity_id")?,
        before: get(r, "before_json")?,
        after: get(r, "after_json")?,
    })
}
