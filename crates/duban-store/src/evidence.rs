//! Evidence files attached to reports. A unit attaches them while its report is a draft or returned (in an
//! open period); everyone who may read the report may read its files.

use duban_core::lifecycle::next_state;
use duban_core::{Actor, Error, ReportAction};
use duban_core::{EvidenceId, ReportId};
use serde::{Deserialize, Serialize};

use crate::db::{DbResult, Store, get};
use crate::{Ctx, sha256_hex};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EvidenceRecord {
    pub id: EvidenceId,
    pub report_id: ReportId,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: i64,
}

const COLS: &str = "id, report_id, file_name, content_type, size, sha256, created_at";

impl Store {
    pub async fn add_evidence(
        &self,
        ctx: &Ctx,
        report_id: ReportId,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<EvidenceRecord, Error> {
        if !ctx.actor.role.needs_unit() {
            return Err(Error::forbidden());
        }
        let (name, content_type) = duban_core::evidence::check(file_name, bytes)?;
        let sha = sha256_hex(bytes);
        let size = bytes.len() as i64;
        let data = bytes.to_vec();
        let quota = self.evidence_quota;
        self.write(ctx, async |tx| {
            let report = tx.report(report_id).await?;
            // Attaching is editing: allowed exactly when saving the report is.
            next_state(Some(report.state), ReportAction::Save, &tx.actor, report.unit_id)?;
            let period = tx.period(report.period_id).await?;
            tx.check_open(&period, report.unit_id).await?;
            tx.check_quota(report.unit_id, size, quota).await?;
            let row = sqlx::query(
                "INSERT INTO evidence (report_id, file_name, content_type, size, sha256, data, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(report_id)
            .bind(&name)
            .bind(content_type)
            .bind(size)
            .bind(&sha)
            .bind(data.clone())
            .bind(tx.now)
            .bind(tx.actor.user_id)
            .fetch_one(tx.conn())
            .await
            .db()?;
            let rec = EvidenceRecord {
                id: get(&row, "id")?,
                report_id,
                file_name: name.clone(),
                content_type: content_type.to_string(),
                size,
                sha256: sha.clone(),
                created_at: tx.now,
            };
            tx.audit("evidence.add", "report", report_id, &(), &rec).await?;
            Ok(rec)
        })
        .await
    }

    pub async fn list_evidence(&self, actor: &Actor, report_id: ReportId) -> Result<Vec<EvidenceRecord>, Error> {
        self.get_report(actor, report_id).await?;
        let rows = sqlx::query(&format!("SELECT {COLS} FROM evidence WHERE report_id = $1 ORDER BY id"))
            .bind(report_id)
            .fetch_all(&self.read)
            .await
            .db()?;
        rows.iter().map(evidence_from_row).collect()
    }

    /// The file and its bytes, for someone who may read its report.
    pub async fn get_evidence(&self, actor: &Actor, id: EvidenceId) -> Result<(EvidenceRecord, Vec<u8>), Error> {
        let row = sqlx::query(&format!("SELECT {COLS}, data FROM evidence WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.read)
            .await
            .db()?
            .ok_or_else(|| Error::not_found(duban_core::Thing::Evidence))?;
        let rec = evidence_from_row(&row)?;
        self.get_report(actor, rec.report_id).await?;
        Ok((rec, get(&row, "data")?))
    }

    pub async fn delete_evidence(&self, ctx: &Ctx, id: EvidenceId) -> Result<(), Error> {
        if !ctx.actor.role.needs_unit() {
            return Err(Error::forbidden());
        }
        self.write(ctx, async |tx| {
            let row = sqlx::query(&format!("SELECT {COLS} FROM evidence WHERE id = $1"))
                .bind(id)
                .fetch_optional(tx.conn())
                .await
                .db()?
                .ok_or_else(|| Error::not_found(duban_core::Thing::Evidence))?;
            let rec = evidence_from_row(&row)?;
            let report = tx.report(rec.report_id).await?;
            next_state(Some(report.state), ReportAction::Save, &tx.actor, report.unit_id)?;
            sqlx::query("DELETE FROM evidence WHERE id = $1").bind(id).execute(tx.conn()).await.db()?;
            tx.audit("evidence.delete", "report", rec.report_id, &rec, &()).await
        })
        .await
    }
}

impl crate::db::Tx {
    /// A unit's files (on its reports and on its 督办 replies) stay within the evidence quota.
    pub(crate) async fn check_quota(&mut self, unit: duban_core::UnitId, size: i64, quota: i64) -> Result<(), Error> {
        let used = sqlx::query(
            "SELECT CAST(COALESCE((SELECT SUM(e.size) FROM evidence e JOIN reports r ON r.id = e.report_id \
             WHERE r.unit_id = $1), 0) + COALESCE((SELECT SUM(f.size) FROM supervision_files f WHERE f.unit_id = $1), 0) \
             AS BIGINT) AS used",
        )
        .bind(unit)
        .fetch_one(self.conn())
        .await
        .db()?;
        if get::<i64>(&used, "used")?.saturating_add(size) > quota {
            return Err(duban_core::evidence::quota_exceeded(quota));
        }
        Ok(())
    }
}

fn evidence_from_row(r: &sqlx::any::AnyRow) -> Result<EvidenceRecord, Error> {
    Ok(EvidenceRecord {
        id: get(r, "id")?,
        report_id: get(r, "report_id")?,
        file_name: get(r, "file_name")?,
        content_type: get(r, "content_type")?,
        size: get(r, "size")?,
        sha256: get(r, "sha256")?,
        created_at: get(r, "created_at")?,
    })
}
