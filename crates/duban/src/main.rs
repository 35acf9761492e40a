//! The `duban` command.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

mod parse_cmd;
mod server_cmd;

#[derive(Debug, Parser)]
#[command(name = "duban", version, about = "督办 — run a government work plan from the document to the bulletin")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Md,
    Csv,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read work-plan documents (.txt in UTF-8 or GBK, .docx, .doc, .ofd, PDF with a text layer, web pages saved as .html) into task ledgers.
    Parse {
        /// Documents to read.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// Output file (one input) or directory (several inputs: DIR/NAME.json for each NAME.txt).
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
    },
    /// Run the web server (creates ./duban.db and an admin account on first start).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// postgres://… or a SQLite file path.
        #[arg(long, env = "DUBAN_DATABASE_URL", default_value = server_cmd::DEFAULT_DATABASE)]
        database: String,
        /// Also load the bundled Shaanxi 2022 plan with simulated reports (into an empty database).
        #[arg(long)]
        demo: bool,
        /// Share of expected progress at or above which a task is on track (正常推进).
        #[arg(long, default_value_t = 0.95)]
        on_track: f64,
        /// Below this share a lagging task is also marked at risk.
        #[arg(long, default_value_t = 0.85)]
        at_risk: f64,
        /// A task not completed whose deadline is this many days away is due soon.
        #[arg(long, default_value_t = 15)]
        due_soon_days: u32,
        /// Mark cookies Secure (set this when duban is reached over HTTPS, e.g. behind a TLS proxy).
        #[arg(long, env = "DUBAN_SECURE_COOKIES")]
        secure_cookies: bool,
        /// The most evidence files one unit may keep, in MB.
        #[arg(long, env = "DUBAN_EVIDENCE_QUOTA_MB", default_value_t = 512)]
        evidence_quota_mb: u32,
        /// A browser session unused this many minutes ends (等级保护: session time-out).
        #[arg(long, env = "DUBAN_IDLE_MINUTES", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=720))]
        idle_minutes: u32,
        /// Log as JSON lines instead of text.
        #[arg(long)]
        log_json: bool,
    },
    /// Import a plan document as a draft.
    Import {
        file: PathBuf,
        #[arg(long, env = "DUBAN_DATABASE_URL", default_value = server_cmd::DEFAULT_DATABASE)]
        database: String,
    },
    /// Manage accounts (the password is read from DUBAN_PASSWORD or the first line of standard input).
    User {
        #[command(subcommand)]
        action: UserAction,
        #[arg(long, env = "DUBAN_DATABASE_URL", default_value = server_cmd::DEFAULT_DATABASE, global = true)]
        database: String,
    },
    /// Fill an empty database with synthetic national-scale data for benchmarks (accounts bench-admin and
    /// bench-u<unit id>, password bench-password, API tokens bench-admin and bench-<unit id>).
    Synth {
        #[arg(long, env = "DUBAN_DATABASE_URL", default_value = server_cmd::DEFAULT_DATABASE)]
        database: String,
        #[arg(long, default_value_t = 31)]
        plans: usize,
        #[arg(long, default_value_t = 97)]
        units_per_plan: usize,
        #[arg(long, default_value_t = 360)]
        tasks_per_plan: usize,
        #[arg(long, default_value_t = 90)]
        units_per_task: usize,
        #[arg(long, default_value_t = 11)]
        filled_periods: usize,
    },
    /// Write office files: the ledger as .xlsx or .csv (by the output's extension), the bulletin as .docx.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
        #[arg(long, env = "DUBAN_DATABASE_URL", default_value = server_cmd::DEFAULT_DATABASE, global = true)]
        database: String,
    },
    /// Check the audit trail's hash chain.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
        #[arg(long, env = "DUBAN_DATABASE_URL", default_value = server_cmd::DEFAULT_DATABASE, global = true)]
        database: String,
    },
}

#[derive(Debug, Subcommand)]
enum UserAction {
    /// Add an account.
    Add {
        username: String,
        /// admin, leader, reporter or viewer.
        #[arg(long)]
        role: String,
        /// The unit (name, alias or id) of a leader or reporter.
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        display_name: Option<String>,
    },
    /// Set a new password (ends the account's sessions).
    Passwd { username: String },
    /// List accounts.
    List,
}

#[derive(Debug, Subcommand)]
enum ExportWhat {
    /// The task ledger (任务分解台账), with the period's progress and status when --period is given.
    Ledger {
        #[arg(long)]
        plan: duban_core::PlanId,
        /// e.g. 2022-06
        #[arg(long)]
        period: Option<String>,
        /// Also one sheet per unit (.xlsx only).
        #[arg(long)]
        per_unit: bool,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
    /// The period's 调度通报 as a Word document in official layout.
    Bulletin {
        #[arg(long)]
        plan: duban_core::PlanId,
        /// e.g. 2022-06
        #[arg(long)]
        period: String,
        /// The issuing office (default: the plan's issuer).
        #[arg(long)]
        issuer: Option<String>,
        #[arg(short = 'o', long)]
        output: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum AuditAction {
    /// Report every audit row edited or deleted since it was written (exit 3 if any).
    Verify,
}

/// A failure the user can act on: exit code 2 for bad input, 1 for everything else.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn input(path: &Path, message: impl std::fmt::Display) -> Self {
        CliError { code: 2, message: format!("{}: {message}", path.display()) }
    }
    pub fn io(path: &Path, err: &std::io::Error) -> Self {
        CliError { code: 1, message: format!("{}: {err}", path.display()) }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Parse { files, format, output } => parse_cmd::run(&files, format, output.as_deref()),
        Command::Serve {
            bind,
            database,
            demo,
            on_track,
            at_risk,
            due_soon_days,
            secure_cookies,
            evidence_quota_mb,
            idle_minutes,
            log_json,
        } => {
            let thresholds = duban_core::Thresholds { on_track, at_risk, due_soon_days };
            let options = server_cmd::ServeOptions {
                demo,
                thresholds,
                secure_cookies,
                evidence_quota_bytes: i64::from(evidence_quota_mb) * 1024 * 1024,
                idle_secs: i64::from(idle_minutes) * 60,
                log_json,
            };
            server_cmd::serve(&bind, &database, options)
        }
        Command::Import { file, database } => server_cmd::import(&file, &database),
        Command::User { action, database } => match action {
            UserAction::Add { username, role, unit, display_name } => {
                server_cmd::user_add(&database, &username, &role, unit.as_deref(), display_name.as_deref())
            }
            UserAction::Passwd { username } => server_cmd::user_passwd(&database, &username),
            UserAction::List => server_cmd::user_list(&database),
        },
        Command::Audit { action: AuditAction::Verify, database } => server_cmd::audit_verify(&database),
        Command::Export { what: ExportWhat::Ledger { plan, period, per_unit, output }, database } => {
            server_cmd::export_ledger(&database, plan, period.as_deref(), per_unit, &output)
        }
        Command::Export { what: ExportWhat::Bulletin { plan, period, issuer, output }, database } => {
            server_cmd::export_bulletin(&database, plan, &period, issuer.as_deref(), &output)
        }
        Command::Synth { database, plans, units_per_plan, tasks_per_plan, units_per_task, filled_periods } => {
            let spec = duban_store::synthetic::SyntheticSpec {
                plans,
                units_per_plan,
                tasks_per_plan,
                units_per_task,
                periods: 12,
                filled_periods,
            };
            server_cmd::synth(&database, spec)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("duban: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}
