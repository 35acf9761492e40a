//! National-scale synthetic data for benchmarks: many provinces' plans, thousands of units, a year of
//! monthly periods and millions of report rows, written in bulk (multi-row INSERTs in large transactions)
//! rather than through the domain functions, which would take hours at this size. One audit row records
//! that the bulk load happened, so the chain stays whole. Every text says 合成数据 (synthetic).

use std::fmt::Write as _;
use std::time::Instant;

use chrono::Datelike;

use duban_core::Error;
use duban_core::periods::monthly;
use serde::Serialize;

use crate::db::{DbResult, Store};
use crate::{Backend, Ctx, sha256_hex};

#[derive(Debug, Clone, Copy)]
pub struct SyntheticSpec {
    pub plans: usize,
    pub units_per_plan: usize,
    pub tasks_per_plan: usize,
    pub units_per_task: usize,
    /// Monthly periods created per plan.
    pub periods: usize,
    /// Periods that get reports (at most those before the current month); the current month stays empty
    /// and open for write benchmarks.
    pub filled_periods: usize,
}

impl Default for SyntheticSpec {
    /// 31 provinces × 97 units (3,007), 360 tasks each held by 90 units, the months before the current one
    /// reported (96 % of owed reports): 9.6 million report rows when run in November.
    fn default() -> Self {
        SyntheticSpec {
            plans: 31,
            units_per_plan: 97,
            tasks_per_plan: 360,
            units_per_task: 90,
            periods: 12,
            filled_periods: 11,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SyntheticSummary {
    pub plans: usize,
    pub units: usize,
    pub tasks: usize,
    pub assignments: usize,
    pub reports: usize,
    /// The period left open for writes (the current month).
    pub open_period: String,
    pub seconds: f64,
}

/// The bench token of a unit's reporter: `bench-<unit id>`; of the office: `bench-admin`.
pub fn bench_token(unit: Option<i64>) -> String {
    match unit {
        Some(id) => format!("bench-{id}"),
        None => "bench-admin".into(),
    }
}

const ROWS_PER_STATEMENT: usize = 500;

struct Bulk<'a> {
    head: &'a str,
    sql: String,
    rows: usize,
    statements: Vec<String>,
}

impl<'a> Bulk<'a> {
    fn new(head: &'a str) -> Self {
        Bulk { head, sql: String::new(), rows: 0, statements: Vec::new() }
    }
    fn row(&mut self, values: std::fmt::Arguments<'_>) {
        if self.rows == 0 {
            self.sql.push_str(self.head);
            self.sql.push_str(" VALUES ");
        } else {
            self.sql.push(',');
        }
        self.sql.push('(');
        let _ = self.sql.write_fmt(values);
        self.sql.push(')');
        self.rows += 1;
        if self.rows == ROWS_PER_STATEMENT {
            self.flush();
        }
    }
    fn flush(&mut self) {
        if self.rows > 0 {
            self.statements.push(std::mem::take(&mut self.sql));
            self.rows = 0;
        }
    }
    fn take(&mut self) -> Vec<String> {
        self.flush();
        std::mem::take(&mut self.statements)
    }
}

impl Store {
    /// Fills an empty database with synthetic data. `password_hash` is set on every bench account.
    pub async fn load_synthetic(
        &self,
        ctx: &Ctx,
        spec: SyntheticSpec,
        password_hash: &str,
        progress: impl Fn(&str),
    ) -> Result<SyntheticSummary, Error> {
        ctx.actor.require_admin()?;
        if spec.units_per_task > spec.units_per_plan || spec.filled_periods > spec.periods || spec.periods > 12 {
            return Err(Error::bad_input("synthetic.spec"));
        }
        if !self.list_plans().await?.is_empty() {
            return Err(Error::bad_input("synthetic.not_empty"));
        }
        let started = Instant::now();
        let now = ctx.now.timestamp();
        // The plans are for the current year, so that the current month is open for writes.
        let today = duban_core::periods::local_date(ctx.now);
        let year = today.year();
        let periods = monthly(year, 5, 3)?;
        let filled = spec.filled_periods.min(today.month0() as usize);
        let mut ids = Ids::default();
        let mut assignments = 0usize;
        let mut reports = 0usize;

        // Accounts and units first (one admin, one reporter per unit), with known bench tokens.
        let mut users = Bulk::new(
            "INSERT INTO users (id, username, display_name, password_hash, role, unit_id, lang, disabled, created_at)",
        );
        let mut sessions =
            Bulk::new("INSERT INTO sessions (token_hash, user_id, kind, csrf, label, created_at, expires_at)");
        let mut units = Bulk::new("INSERT INTO units (id, name, kind, parent_id, contact, created_at)");
        let far = now + 10 * 365 * 24 * 3600;
        users.row(format_args!(
            "1, 'bench-admin', '合成数据管理员', '{password_hash}', 'admin', NULL, 'zh-CN', 0, {now}"
        ));
        sessions
            .row(format_args!("'{}', 1, 'api', 'x', 'bench', {now}, {far}", sha256_hex(bench_token(None).as_bytes())));
        for p in 0..spec.plans {
            for k in 0..spec.units_per_plan {
                let id = (p * spec.units_per_plan + k + 1) as i64;
                let kind = if k < 12 { "government" } else { "department" };
                units.row(format_args!("{id}, '合成省{p:02}单位{k:03}', '{kind}', NULL, '', {now}"));
                users.row(format_args!(
                    "{}, 'bench-u{id}', '合成数据填报员{id}', '{password_hash}', 'reporter', {id}, 'zh-CN', 0, {now}",
                    id + 1
                ));
                sessions.row(format_args!(
                    "'{}', {}, 'api', 'x', 'bench', {now}, {far}",
                    sha256_hex(bench_token(Some(id)).as_bytes()),
                    id + 1
                ));
            }
        }
        self.run_bulk(units.take()).await?;
        self.run_bulk(users.take()).await?;
        self.run_bulk(sessions.take()).await?;
        progress(&format!("units and accounts: {}", spec.plans * spec.units_per_plan));

        for p in 0..spec.plans {
            let plan_id = (p + 1) as i64;
            let mut sql = Vec::new();
            sql.push(format!(
                "INSERT INTO plans (id, previous_id, version, title, year, state, source_name, source_text, source_sha256, parsed_json, \
                 row_version, created_at, published_at) VALUES ({plan_id}, NULL, 1, '合成省{p:02}{year}年工作要点（合成数据）', {year}, \
                 'published', 'synthetic', '合成数据', '{}', '{{}}', 1, {now}, {now})",
                sha256_hex(format!("synthetic {p}").as_bytes())
            ));
            let mut items = Bulk::new(
                "INSERT INTO items (id, plan_id, parent_id, position, path, label, number, ordinal, level, title, body, is_task, deadline, line, extra_json)",
            );
            let mut assign = Bulk::new("INSERT INTO assignments (item_id, unit_id, role, duty, position)");
            let mut inds = Bulk::new(
                "INSERT INTO indicators (id, item_id, position, clause, metric, op, target, target_max, measure, baseline, deadline)",
            );
            let parts = 5;
            let per_part = spec.tasks_per_plan.div_ceil(parts);
            let mut position = 0;
            let mut task_ids = Vec::with_capacity(spec.tasks_per_plan);
            for part in 0..parts {
                ids.item += 1;
                position += 1;
                let part_id = ids.item;
                items.row(format_args!(
                    "{part_id}, {plan_id}, NULL, {position}, '{n}', '{n}、', '{n}', {n}, 1, '合成任务组{n}', '', 0, '{year}-12-31', {position}, '{{}}'",
                    n = part + 1
                ));
                for t in 0..per_part {
                    let task_no = part * per_part + t;
                    if task_no >= spec.tasks_per_plan {
                        break;
                    }
                    ids.item += 1;
                    position += 1;
                    let id = ids.item;
                    items.row(format_args!(
                        "{id}, {plan_id}, {part_id}, {position}, '{}.{}', '（{}）', '{}', {}, 2, '合成任务{task_no}', '合成数据：第{task_no}项任务', 1, '{year}-12-31', {position}, '{{\"deadlines\":[],\"projects\":[]}}'",
                        part + 1, t + 1, t + 1, t + 1, t + 1
                    ));
                    let indicator = if task_no % 3 == 0 {
                        ids.indicator += 1;
                        inds.row(format_args!(
                            "{}, {id}, 0, '合成指标', '合成指标{task_no}', '>=', 1200, NULL, '个', 0, '{year}-12-31'",
                            ids.indicator
                        ));
                        Some(ids.indicator)
                    } else {
                        None
                    };
                    let mut holders = Vec::with_capacity(spec.units_per_task);
                    for j in 0..spec.units_per_task {
                        let k = (task_no * 7 + j) % spec.units_per_plan;
                        let unit = (p * spec.units_per_plan + k + 1) as i64;
                        assign.row(format_args!("{id}, {unit}, '{}', '', {j}", if j == 0 { "lead" } else { "co" }));
                        holders.push(unit);
                    }
                    assignments += holders.len();
                    task_ids.push((id, indicator, holders));
                }
            }
            let mut period_ids = Vec::new();
            let mut prows = Bulk::new(
                "INSERT INTO periods (id, plan_id, key, label_zh, label_en, starts_on, ends_on, due_on, grace_days)",
            );
            for s in periods.iter().take(spec.periods) {
                ids.period += 1;
                prows.row(format_args!(
                    "{}, {plan_id}, '{}', '{}', '{}', '{}', '{}', '{}', {}",
                    ids.period, s.key, s.label_zh, s.label_en, s.starts_on, s.ends_on, s.due_on, s.grace_days
                ));
                period_ids.push((ids.period, s.clone()));
            }
            sql.extend(items.take());
            sql.extend(assign.take());
            sql.extend(inds.take());
            sql.extend(prows.take());
            self.run_bulk(sql).await?;

            // Reports: most approved and on time, some late, some returned, a few missing.
            for (m, (period_id, spec_p)) in period_ids.iter().enumerate().take(filled) {
                let mut reps = Bulk::new(
                    "INSERT INTO reports (id, period_id, item_id, unit_id, state, progress, problems, next_steps, percent, finished, \
                     return_reason, submitted_at, first_submitted_at, reviewed_at, reviewed_by, version, created_at, updated_at, updated_by)",
                );
                let mut vals = Bulk::new("INSERT INTO report_values (report_id, indicator_id, value)");
                let due = spec_p.due_on.and_hms_opt(2, 0, 0).map(|d| d.and_utc().timestamp()).unwrap_or(now);
                for (task_id, indicator, holders) in &task_ids {
                    for (j, unit) in holders.iter().enumerate() {
                        let h = (*task_id as usize * 31 + j * 17 + m * 13) % 100;
                        if h < 4 {
                            continue;
                        }
                        ids.report += 1;
                        let (state, sent) = match h {
                            4..=9 => ("returned", due - 86_400),
                            10..=19 => ("submitted", due + 2 * 86_400),
                            _ => ("approved", due - 2 * 86_400),
                        };
                        let pct = ((m + 1) as f64 / 12.0 * 100.0 * (0.8 + (h as f64) / 400.0)).min(100.0);
                        reps.row(format_args!(
                            "{}, {period_id}, {task_id}, {unit}, '{state}', '合成数据：{}月进展', '', '', {pct:.1}, 0, '', {sent}, {sent}, NULL, NULL, 3, {sent}, {sent}, 1",
                            ids.report,
                            m + 1
                        ));
                        reports += 1;
                        if j == 0
                            && let Some(ind) = indicator
                        {
                            vals.row(format_args!("{}, {ind}, {}", ids.report, 100 * (m + 1) as i64 + (h as i64)));
                        }
                    }
                }
                let mut batch = reps.take();
                batch.extend(vals.take());
                self.run_bulk(batch).await?;
            }
            progress(&format!(
                "plan {}/{}: {reports} reports so far ({:.0}s)",
                p + 1,
                spec.plans,
                started.elapsed().as_secs_f64()
            ));
        }
        if self.backend == Backend::Postgres {
            let mut fix = Vec::new();
            for t in ["units", "users", "plans", "items", "indicators", "periods", "reports"] {
                fix.push(format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {t}))"
                ));
            }
            self.run_bulk(fix).await?;
        }
        let summary = SyntheticSummary {
            plans: spec.plans,
            units: spec.plans * spec.units_per_plan,
            tasks: spec.plans * spec.tasks_per_plan,
            assignments,
            reports,
            open_period: format!("{year}-{:02}", today.month()),
            seconds: started.elapsed().as_secs_f64(),
        };
        self.write(ctx, async |tx| tx.audit("synthetic.load", "database", "synthetic", &(), &summary).await).await?;
        sqlx::raw_sql("ANALYZE").execute(&self.write).await.db()?;
        Ok(summary)
    }

    /// Runs statements in one transaction.
    async fn run_bulk(&self, statements: Vec<String>) -> Result<(), Error> {
        let mut tx = self.write.begin().await.db()?;
        for s in statements {
            sqlx::raw_sql(&s).execute(&mut *tx).await.db()?;
        }
        tx.commit().await.db()
    }
}

#[derive(Default)]
struct Ids {
    item: i64,
    indicator: i64,
    period: i64,
    report: i64,
}
