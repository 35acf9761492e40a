//! 督办 as the office works it: issued from the lagging list or a task page with the task's standing in the
//! period written into the notice (督办事由), printed as a 督办通知单, and counted in the bulletin as it stood
//! on the bulletin's day.

use chrono::NaiveDate;
use duban_core::periods::{end_of_day, local_date};
use duban_core::supervision::Level;
use duban_core::{Actor, Error, ItemId, PlanId, SupervisionId, Thresholds};
use duban_model::{SupervisionRecord, TaskSummary};
use duban_store::{Ctx, NewSupervision, Store, SupervisionFilter};

use crate::exports::DEFAULT_ISSUER;

/// What the office asks of the units when it issues 督办s on several tasks at once.
#[derive(Debug, Clone)]
pub struct IssueRequest<'a> {
    pub plan_id: PlanId,
    /// The period whose standing is cited (the key, 2026-11); none: the notice cites no period.
    pub period: Option<&'a str>,
    pub items: &'a [ItemId],
    pub level: Level,
    pub reply_by: NaiveDate,
    pub demand: &'a str,
}

/// The default 督办要求, for the office to edit.
pub const DEFAULT_DEMAND: &str =
    "请责任单位分析滞后原因，制定整改措施，明确新的完成时限，按时书面回复；牵头单位负责汇总回复。";

/// 督办事由: the task's standing in the period, as the notice cites it.
pub fn reason_for(t: &TaskSummary, period_label: &str) -> String {
    let mut s = format!("{period_label}调度显示，该任务{}", t.status.zh());
    if let Some(r) = t.ratio {
        let pct = format!("{:.1}", r * 100.0);
        s.push_str(&format!("，完成序时进度的{}%", pct.strip_suffix(".0").unwrap_or(&pct)));
    }
    s.push_str(&format!("；{}个责任单位中{}个报送了进展。", t.unit_count, t.received));
    s
}

/// Issues one 督办 per task, all or none, each with its task's standing in the period as its reason.
pub async fn issue(
    store: &Store,
    ctx: &Ctx,
    req: &IssueRequest<'_>,
    th: &Thresholds,
) -> Result<Vec<SupervisionRecord>, Error> {
    let summary = match req.period {
        Some(key) => Some(store.summary(req.plan_id, key, th).await?),
        None => None,
    };
    let list: Vec<NewSupervision> = req
        .items
        .iter()
        .map(|item| {
            let reason = summary
                .as_ref()
                .and_then(|s| {
                    s.tasks.iter().find(|t| t.item_id == *item).map(|t| reason_for(t, &s.period.spec.label_zh))
                })
                .unwrap_or_default();
            NewSupervision {
                item_id: *item,
                period_id: summary.as_ref().map(|s| s.period.id),
                level: req.level,
                reason,
                demand: req.demand.to_string(),
                reply_by: req.reply_by,
                units: Vec::new(),
            }
        })
        .collect();
    store.issue_supervisions(ctx, req.plan_id, &list).await
}

/// The plan's 督办s as they stood at the end of `day`, open ones only.
pub async fn open_on(
    store: &Store,
    reader: &Actor,
    plan_id: PlanId,
    day: NaiveDate,
) -> Result<Vec<SupervisionRecord>, Error> {
    let all = store.supervisions(reader, &SupervisionFilter { plan_id: Some(plan_id), ..Default::default() }).await?;
    let at = end_of_day(day);
    Ok(all.iter().filter_map(|s| s.as_of(at)).filter(|s| s.state == duban_model::SupervisionState::Open).collect())
}

/// The 督办通知单 of a 督办 as .docx bytes, with its file name. Anyone who may read the 督办 may print it.
pub async fn notice_file(
    store: &Store,
    reader: &Actor,
    id: SupervisionId,
    issuer: Option<&str>,
) -> Result<(String, Vec<u8>), Error> {
    let s = store.supervision(reader, id).await?;
    let ledger = store.ledger(s.plan_id).await?;
    let item = ledger.item(s.item_id);
    let deadline = item
        .map(|i| if i.deadline_text.is_empty() { crate::exports::date_zh(i.deadline) } else { i.deadline_text.clone() })
        .unwrap_or_default();
    let period_label = match s.period_id {
        Some(p) => store.periods(s.plan_id).await?.into_iter().find(|r| r.id == p).map(|r| r.spec.label_zh),
        None => None,
    };
    let issuer = issuer.map(str::to_string).or_else(|| ledger.issuer.clone()).unwrap_or_else(|| DEFAULT_ISSUER.into());
    let issued_on = local_date(chrono::DateTime::from_timestamp(s.issued_at, 0).unwrap_or_default());
    let bytes = duban_office::notice_docx(&duban_office::NoticeInput {
        supervision: &s,
        plan_title: &ledger.plan.title,
        deadline: &deadline,
        period_label: period_label.as_deref(),
        issuer: &issuer,
        issued_on,
    })?;
    Ok((format!("督办通知单-{}-{}.docx", s.year, s.seq), bytes))
}
