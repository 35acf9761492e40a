//! 考核 as the office runs it: the events of each period found in the records, scored under the rules in
//! force when the period locked (the current rules for a period still open), for one period or the year to
//! date.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use duban_core::assessment::{Event, Occurrence, Rules, score};
use duban_core::periods::{end_of_day, local_date};
use duban_core::{Actor, Error, ItemId, PeriodId, PlanId, ReportState, Role, Status, Thresholds, UnitId};
use duban_model::{AssessedLine, AssessedUnit, Assessment, PeriodRecord, PeriodRules, UnitRole};
use duban_store::{RulesVersion, Store, SupervisionFilter};

/// The version in force for `period` on `today`: for a locked period the last set by the end of its last
/// open day; for an open one the current. Versions are oldest first, the defaults (version 0) among them.
pub fn rules_for<'a>(versions: &'a [RulesVersion], period: &PeriodRecord, today: NaiveDate) -> &'a RulesVersion {
    let current = versions.last();
    let chosen = if period.spec.is_locked(today) {
        let closed = end_of_day(period.spec.last_open_day());
        versions.iter().rev().find(|v| v.created_at <= closed).or(versions.first())
    } else {
        current
    };
    // `versions` always holds the defaults at least (the store's promise); a static fallback otherwise.
    chosen.unwrap_or(&DEFAULT_VERSION)
}

static DEFAULT_VERSION: std::sync::LazyLock<RulesVersion> = std::sync::LazyLock::new(|| RulesVersion {
    version: 0,
    rules: Rules::default(),
    reason: String::new(),
    created_at: 0,
    created_by: String::new(),
});

/// Scores every unit of the plan for `period` (a key), or for the year to date when `None`. A unit's
/// people get their own unit's line only.
pub async fn assess(
    store: &Store,
    reader: &Actor,
    plan_id: PlanId,
    period: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
    th: &Thresholds,
) -> Result<Assessment, Error> {
    if matches!(reader.role, Role::SysAdmin | Role::Auditor) {
        return Err(Error::forbidden());
    }
    let today = local_date(now);
    let plan = store.plan(plan_id).await?;
    let periods = store.periods(plan_id).await?;
    let versions = store.assessment_rules(plan_id).await?;
    // The periods scored, and all before them (a task finished early counts in the first period it is done).
    let last = match period {
        Some(key) => periods
            .iter()
            .position(|p| p.spec.key == key)
            .ok_or_else(|| Error::not_found(duban_core::Thing::PeriodKey(key.to_string())))?,
        None => match periods.iter().rposition(|p| p.spec.starts_on <= today) {
            Some(i) => i,
            None => {
                return Ok(Assessment {
                    plan_id,
                    period_key: None,
                    label: year_label(plan.year, today),
                    as_of: today,
                    rules: Vec::new(),
                    units: Vec::new(),
                });
            }
        },
    };
    let walked = periods.get(..=last).unwrap_or_default();
    let scored: Vec<&PeriodRecord> = match period {
        Some(_) => walked.last().into_iter().collect(),
        None => walked.iter().collect(),
    };
    let ledger = store.ledger(plan_id).await?;
    let items = ledger.by_id();
    let supervisions = store
        .supervisions(&Actor::system(), &SupervisionFilter { plan_id: Some(plan_id), ..Default::default() })
        .await?;

    // Where leads consolidate, a contribution is late after its own, earlier day.
    let contributions = store.contribution_pairs(plan_id).await?;
    let lead_days = store.reporting(plan_id).await?.lead_days;
    let mut occurrences: Vec<Occurrence> = Vec::new();
    let mut completed_before: HashSet<ItemId> = HashSet::new();
    let mut units_order: Vec<(UnitId, String, i64)> = Vec::new();
    for p in walked {
        let summary = store.summary(plan_id, &p.spec.key, th).await?;
        let is_scored = scored.iter().any(|s| s.id == p.id);
        let owed = if is_scored { store.owed_reports(plan_id, p.id).await? } else { Vec::new() };
        let holders: HashMap<ItemId, Vec<(UnitId, UnitRole)>> = {
            let mut m: HashMap<ItemId, Vec<(UnitId, UnitRole)>> = HashMap::new();
            for o in &owed {
                m.entry(o.item_id).or_default().push((o.unit_id, o.role));
            }
            m
        };
        if is_scored {
            units_order = summary.units.iter().map(|u| (u.unit_id, u.name.clone(), u.sort_order)).collect();
            let due_end = end_of_day(p.spec.due_on);
            let contribution_end = end_of_day(duban_core::reporting::contribution_due(p.spec.due_on, lead_days));
            let locked = p.spec.is_locked(today);
            let at = |unit_id, event, item_id| Occurrence {
                unit_id,
                period_id: p.id,
                event,
                item_id: Some(item_id),
                supervision_id: None,
            };
            for o in &owed {
                let received = matches!(o.state, Some(ReportState::Submitted | ReportState::Approved));
                let due = if contributions.contains(&(o.item_id, o.unit_id)) { contribution_end } else { due_end };
                if received && o.first_submitted_at.is_some_and(|t| t > due) {
                    occurrences.push(at(o.unit_id, Event::ReportLate, o.item_id));
                } else if !received && locked {
                    occurrences.push(at(o.unit_id, Event::ReportMissing, o.item_id));
                }
            }
            for (unit, item) in store.returns_in(p.id).await? {
                occurrences.push(at(unit, Event::ReportReturned, item));
            }
            for t in &summary.tasks {
                let leads = |role: UnitRole| role != UnitRole::Co;
                let held = holders.get(&t.item_id).map(Vec::as_slice).unwrap_or_default();
                let event = |role: UnitRole| match t.status {
                    Status::Lagging if leads(role) => Some(Event::LaggingLead),
                    Status::Lagging => Some(Event::LaggingCo),
                    Status::Overdue if leads(role) => Some(Event::OverdueLead),
                    Status::Overdue => Some(Event::OverdueCo),
                    Status::Completed if !completed_before.contains(&t.item_id) && p.spec.ends_on <= t.deadline => {
                        Some(Event::FinishedEarly)
                    }
                    _ => None,
                };
                for (unit, role) in held {
                    if let Some(e) = event(*role) {
                        occurrences.push(at(*unit, e, t.item_id));
                    }
                }
            }
            for s in &supervisions {
                if !(p.spec.starts_on <= s.reply_by && s.reply_by <= p.spec.ends_on) || s.reply_by >= today {
                    continue;
                }
                let deadline = end_of_day(s.reply_by);
                for u in s.units.iter().filter(|u| u.replied_at.is_none_or(|t| t > deadline)) {
                    occurrences.push(Occurrence {
                        unit_id: u.unit_id,
                        period_id: p.id,
                        event: Event::SupervisionUnanswered,
                        item_id: Some(s.item_id),
                        supervision_id: Some(s.id),
                    });
                }
            }
        }
        completed_before.extend(summary.tasks.iter().filter(|t| t.status == Status::Completed).map(|t| t.item_id));
    }

    let in_force: HashMap<PeriodId, &RulesVersion> =
        scored.iter().map(|p| (p.id, rules_for(&versions, p, today))).collect();
    let base_rules = scored.last().map_or(&*DEFAULT_VERSION, |p| rules_for(&versions, p, today));
    let unit_ids: Vec<UnitId> = units_order.iter().map(|u| u.0).collect();
    let scores = score(&unit_ids, &occurrences, base_rules.rules.base, |pid| {
        &in_force.get(&pid).copied().unwrap_or(base_rules).rules
    });
    let key_of: HashMap<PeriodId, &str> = periods.iter().map(|p| (p.id, p.spec.key.as_str())).collect();
    let numbers: HashMap<duban_core::SupervisionId, &str> =
        supervisions.iter().map(|s| (s.id, s.number.as_str())).collect();
    let mut units: Vec<AssessedUnit> = scores
        .into_iter()
        .zip(units_order.iter())
        .map(|(s, (_, name, _))| AssessedUnit {
            rank: 0,
            unit_id: s.unit_id,
            name: name.clone(),
            base: s.base,
            deductions: s.deductions,
            bonus: s.bonus,
            total: s.total,
            lines: s
                .lines
                .iter()
                .map(|l| {
                    let o = &l.occurrence;
                    let task = o
                        .item_id
                        .and_then(|i| items.get(&i))
                        .map(|i| format!("{} {}", i.path.join("."), i.title))
                        .unwrap_or_default();
                    let subject = match o.supervision_id.and_then(|id| numbers.get(&id)) {
                        Some(n) => format!("{n} {task}"),
                        None => task,
                    };
                    AssessedLine {
                        event: o.event,
                        event_zh: o.event.label_zh().to_string(),
                        period_key: key_of.get(&o.period_id).map(|k| k.to_string()).unwrap_or_default(),
                        item_id: o.item_id,
                        subject,
                        points: l.points,
                    }
                })
                .collect(),
        })
        .collect();
    let order: HashMap<UnitId, i64> = units_order.iter().map(|u| (u.0, u.2)).collect();
    units.sort_by(|a, b| {
        b.total
            .total_cmp(&a.total)
            .then(order.get(&a.unit_id).cmp(&order.get(&b.unit_id)))
            .then(a.unit_id.cmp(&b.unit_id))
    });
    let mut rank = 0;
    let mut prev: Option<f64> = None;
    for (i, u) in units.iter_mut().enumerate() {
        if prev != Some(u.total) {
            rank = i + 1;
            prev = Some(u.total);
        }
        u.rank = rank;
    }
    if reader.role.needs_unit() {
        units.retain(|u| Some(u.unit_id) == reader.unit_id);
    }
    let rules = scored
        .iter()
        .map(|p| PeriodRules {
            period_id: p.id,
            period_key: p.spec.key.clone(),
            version: in_force.get(&p.id).map_or(0, |v| v.version),
        })
        .collect();
    let (period_key, label) = match (period, scored.last()) {
        (Some(_), Some(p)) => (Some(p.spec.key.clone()), p.spec.label_zh.clone()),
        _ => (None, year_label(plan.year, today)),
    };
    Ok(Assessment { plan_id, period_key, label, as_of: today, rules, units })
}

/// The 考核 sheet (.xlsx) of a period or the year to date.
pub async fn assessment_file(
    store: &Store,
    reader: &Actor,
    plan_id: PlanId,
    period: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
    th: &Thresholds,
) -> Result<Vec<u8>, Error> {
    let a = assess(store, reader, plan_id, period, now, th).await?;
    let plan = store.plan(plan_id).await?;
    duban_office::assessment_sheet::assessment_xlsx(&a, &plan.title)
}

fn year_label(year: i64, today: NaiveDate) -> String {
    format!("{year}年度（截至{}）", duban_office::bulletin::date_zh(today))
}

#[cfg(test)]
mod tests {
    use super::*;
    use duban_core::periods::monthly;

    fn version(v: i64, at: i64) -> RulesVersion {
        RulesVersion { version: v, rules: Rules::default(), reason: "r".into(), created_at: at, created_by: "o".into() }
    }

    #[test]
    fn a_locked_period_keeps_the_rules_it_locked_under() {
        let spec = monthly(2022, 5, 3).unwrap_or_default().into_iter().next().unwrap_or_else(|| unreachable!());
        let period = PeriodRecord { id: PeriodId(1), plan_id: PlanId(1), spec };
        // January locks at the end of 8 February (due the 5th, three days' grace).
        let closed = end_of_day(NaiveDate::from_ymd_opt(2022, 2, 8).unwrap_or_default());
        let versions = [version(1, closed - 10), version(2, closed + 10)];
        let feb = NaiveDate::from_ymd_opt(2022, 2, 7).unwrap_or_default();
        let march = NaiveDate::from_ymd_opt(2022, 3, 1).unwrap_or_default();
        assert_eq!(rules_for(&versions, &period, feb).version, 2, "open: the current rules");
        assert_eq!(rules_for(&versions, &period, march).version, 1, "locked: those in force when it locked");
        let later = [version(0, 0), version(3, closed + 10)];
        assert_eq!(rules_for(&later, &period, march).version, 0, "set after it locked: the defaults it locked under");
    }
}
