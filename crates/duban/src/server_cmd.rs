//! `duban serve`, `duban import`, `duban user …`, `duban audit verify`: the commands that use the database.

use std::io::BufRead;
use std::path::Path;

use chrono::{Datelike, Utc};
use duban_core::{Actor, Role};
use duban_store::{Ctx, NewUser, Store};

use crate::CliError;

/// Where the database is when nothing is said: `./duban.db`.
pub const DEFAULT_DATABASE: &str = "duban.db";

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError { code: 1, message: format!("cannot start the runtime: {e}") })
}

fn store_error(e: duban_core::Error) -> CliError {
    let code = if e.kind == duban_core::ErrorKind::Internal { 1 } else { 2 };
    let detail = e.detail.as_deref().map(|d| format!(": {d}")).unwrap_or_default();
    CliError {
        code,
        message: format!("{} ({}){detail}", e.message(duban_core::Lang::Zh), e.message(duban_core::Lang::En)),
    }
}

/// Opens the store with the audit head's key (see [`audit_key`]).
async fn open(database: &str) -> Result<Store, CliError> {
    let store = Store::open(database).await.map_err(store_error)?;
    let key = audit_key(database)?;
    store.with_audit_key(&key).await.map_err(store_error)
}

/// The key of the audit head's MAC: the file `DUBAN_AUDIT_KEY_FILE`, else `DATABASE.audit-key` beside a
/// SQLite file or `./duban-audit.key` for PostgreSQL. Created (32 random bytes, hex, mode 0600) when
/// missing. It belongs outside the database: whoever can change the database without it cannot rewrite
/// the head of the audit log unnoticed.
fn audit_key(database: &str) -> Result<Vec<u8>, CliError> {
    let path = match std::env::var("DUBAN_AUDIT_KEY_FILE") {
        Ok(p) if !p.is_empty() => std::path::PathBuf::from(p),
        _ if database.starts_with("postgres://") || database.starts_with("postgresql://") => {
            std::path::PathBuf::from("duban-audit.key")
        }
        _ => {
            let file = database.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
            let file = file.split('?').next().unwrap_or(file);
            std::path::PathBuf::from(format!("{file}.audit-key"))
        }
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let key = text.trim().as_bytes().to_vec();
            if key.len() < 32 {
                return Err(CliError::input(&path, "the audit key file holds fewer than 32 characters"));
            }
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            let mut bytes = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
            let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&path)
                .map_err(|e| CliError::io(&path, &e))?;
            f.write_all(key.as_bytes()).and_then(|()| f.sync_all()).map_err(|e| CliError::io(&path, &e))?;
            eprintln!(
                "duban: created the audit key {} (keep it apart from the database and with its backups)",
                path.display()
            );
            Ok(key.into_bytes())
        }
        Err(e) => Err(CliError::io(&path, &e)),
    }
}

/// What `duban serve` is asked for besides where to listen and which database.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub demo: bool,
    pub thresholds: duban_core::Thresholds,
    pub secure_cookies: bool,
    pub evidence_quota_bytes: i64,
    /// A browser session unused this long ends.
    pub idle_secs: i64,
    pub log_json: bool,
}

/// The command line's clock: the one place the commands read the time.
#[allow(clippy::disallowed_methods)]
fn cli_now() -> chrono::DateTime<Utc> {
    Utc::now()
}

fn system() -> Ctx {
    Ctx::new(Actor::system(), cli_now())
}

pub fn serve(bind: &str, database: &str, options: ServeOptions) -> Result<(), CliError> {
    let ServeOptions { demo, thresholds, secure_cookies, evidence_quota_bytes, idle_secs, log_json } = options;
    if !(0.0 < thresholds.at_risk && thresholds.at_risk <= thresholds.on_track && thresholds.on_track <= 1.5) {
        return Err(CliError { code: 2, message: "thresholds: need 0 < --at-risk ≤ --on-track ≤ 1.5".into() });
    }
    init_logs(log_json);
    runtime()?.block_on(async {
        let store = open(database).await?.with_evidence_quota(evidence_quota_bytes);
        if store.user_count().await.map_err(store_error)? == 0 {
            let (password, generated) = match std::env::var("DUBAN_ADMIN_PASSWORD") {
                Ok(p) if !p.is_empty() => (p, false),
                _ => (duban_store::generate_initial_password(), true),
            };
            duban_store::check_password(&password, "admin").map_err(store_error)?;
            let hash = duban_store::hash_password(&password).map_err(store_error)?;
            let new = NewUser { username: "admin".into(), display_name: "管理员".into(), password: String::new(), role: Role::Admin, unit_id: None, must_change_password: false };
            store.create_user(&system(), &new, &hash).await.map_err(store_error)?;
            if generated {
                println!("初始管理员账号 admin 的密码（仅显示这一次）/ initial password of account admin (shown once): {password}");
            } else {
                println!("初始管理员账号 admin 已用 DUBAN_ADMIN_PASSWORD 创建 / account admin created from DUBAN_ADMIN_PASSWORD");
            }
        }
        if demo && store.list_plans().await.map_err(store_error)?.is_empty() {
            let password = std::env::var("DUBAN_DEMO_PASSWORD").unwrap_or_else(|_| "demo".into());
            if password == "demo" {
                eprintln!("WARNING 演示模式：演示账号使用默认密码 demo，切勿用于真实数据 / demo accounts use the default password 'demo': not for real data");
            }
            let hash = duban_store::hash_password(&password).map_err(store_error)?;
            let started = std::time::Instant::now();
            // The demo runs in the current year, reported up to last month, so this month is open.
            let today = duban_core::periods::local_date(cli_now());
            let d = duban_app::demo::load_year(&store, &hash, today.year(), today.month0() as usize)
                .await
                .map_err(store_error)?;
            println!(
                "演示数据已载入 / demo loaded: plan {} ({} units, {} simulated reports, {} 督办, {:.1}s); accounts: office (admin), leader (viewer), unit01…unit{:02} (reporters), lead-fgw (省发展改革委's leader, signs its reports)",
                d.plan_id,
                d.units,
                d.reports,
                d.supervisions,
                started.elapsed().as_secs_f64(),
                d.units
            );
        }
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|e| CliError { code: 2, message: format!("cannot listen on {bind}: {e}") })?;
        println!("duban listening on http://{bind} (database: {database})");
        tracing::info!(%bind, backend = ?store.backend(), version = env!("CARGO_PKG_VERSION"), "duban started");
        let mut state = duban_web::AppState::new(store.clone());
        state.thresholds = thresholds;
        state.secure_cookies = secure_cookies;
        state.idle_secs = idle_secs;
        duban_web::spawn_scheduled_notices(state.clone());
        let app = duban_web::router(state);
        duban_web::serve::serve(listener, app, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| CliError { code: 1, message: format!("server: {e}") })?;
        store.close().await;
        Ok(())
    })
}

/// Logs to standard error: text by default, JSON lines with `--log-json`; `RUST_LOG`-style level names in
/// `DUBAN_LOG` (default info).
fn init_logs(json: bool) {
    let level =
        std::env::var("DUBAN_LOG").ok().and_then(|l| l.parse::<tracing::Level>().ok()).unwrap_or(tracing::Level::INFO);
    let logs = tracing_subscriber::fmt().with_max_level(level).with_writer(std::io::stderr);
    let _ = if json { logs.json().try_init() } else { logs.try_init() };
}

pub fn import(file: &Path, database: &str) -> Result<(), CliError> {
    let bytes = std::fs::read(file).map_err(|e| CliError::io(file, &e))?;
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let (plan, source) = duban_app::imports::read_plan(&bytes, &name)
        .map_err(|e| CliError::input(file, e.message(duban_core::Lang::Zh)))?;
    runtime()?.block_on(async {
        let store = open(database).await?;
        let rec = store
            .import_plan(&system(), &name, &source, &plan)
            .await
            .map_err(|e| CliError::input(file, e.message(duban_core::Lang::Zh)))?;
        let unresolved = store.unresolved_names(rec.id).await.map_err(store_error)?;
        println!("imported plan {} “{}” as a draft: {} tasks", rec.id, rec.title, duban_plan::tasks(&plan).len());
        if !unresolved.is_empty() {
            let mut names: Vec<&str> = unresolved.iter().map(|u| u.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            println!("{} unit names to map before publishing: {}", names.len(), names.join("、"));
        }
        store.close().await;
        Ok(())
    })
}

fn read_password() -> Result<String, CliError> {
    if let Ok(p) = std::env::var("DUBAN_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError { code: 1, message: format!("reading the password: {e}") })?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

pub fn user_add(
    database: &str,
    username: &str,
    role: &str,
    unit: Option<&str>,
    display: Option<&str>,
) -> Result<(), CliError> {
    let role = Role::parse(role).ok_or_else(|| CliError {
        code: 2,
        message: format!("unknown role '{role}': admin, leader, reporter or viewer"),
    })?;
    let password = read_password()?;
    duban_store::check_password(&password, username).map_err(store_error)?;
    let hash = duban_store::hash_password(&password).map_err(store_error)?;
    runtime()?.block_on(async {
        let store = open(database).await?;
        let unit_id = match unit {
            None => None,
            Some(name) => {
                let units = store.list_units().await.map_err(store_error)?;
                let key = duban_core::names::normalize_unit_name(name);
                let found = units.iter().find(|u| u.name == key || u.aliases.contains(&key) || u.id.to_string() == key);
                Some(
                    found
                        .map(|u| u.id)
                        .ok_or_else(|| CliError { code: 2, message: format!("no unit named '{name}'") })?,
                )
            }
        };
        let new = NewUser {
            username: username.into(),
            display_name: display.unwrap_or("").into(),
            password: String::new(),
            role,
            unit_id,
            must_change_password: false,
        };
        let u = store.create_user(&system(), &new, &hash).await.map_err(store_error)?;
        println!("created {} ({}) id {}", u.username, u.role.as_str(), u.id);
        store.close().await;
        Ok(())
    })
}

pub fn user_passwd(database: &str, username: &str) -> Result<(), CliError> {
    let password = read_password()?;
    duban_store::check_password(&password, username).map_err(store_error)?;
    let hash = duban_store::hash_password(&password).map_err(store_error)?;
    runtime()?.block_on(async {
        let store = open(database).await?;
        store.set_password(&system(), username, &password, &hash).await.map_err(store_error)?;
        println!("password of {username} changed; its sessions are ended");
        store.close().await;
        Ok(())
    })
}

pub fn user_list(database: &str) -> Result<(), CliError> {
    runtime()?.block_on(async {
        let store = open(database).await?;
        for u in store.list_users().await.map_err(store_error)? {
            let unit = u.unit_id.map(|id| id.to_string()).unwrap_or_else(|| "-".into());
            println!("{}\t{}\t{}\t{}\t{}", u.id, u.username, u.role.as_str(), unit, u.display_name);
        }
        store.close().await;
        Ok(())
    })
}

/// Exit 0 when the chain is intact, 3 when it is not (so scripts can tell a broken chain from bad usage).
pub fn audit_verify(database: &str) -> Result<(), CliError> {
    runtime()?.block_on(async {
        let store = open(database).await?;
        let r = store.verify_audit().await.map_err(store_error)?;
        store.close().await;
        println!("audit rows: {}; head: seq {} hash {}", r.rows, r.head_seq, r.head_hash);
        if r.ok() {
            println!("audit chain intact");
            Ok(())
        } else {
            for b in &r.breaks {
                println!("row {}: {}", b.seq, b.problem);
            }
            Err(CliError { code: 3, message: format!("audit chain broken in {} places", r.breaks.len()) })
        }
    })
}

/// `duban synth`: fills an empty database with synthetic national-scale data for benchmarks.
pub fn synth(database: &str, spec: duban_store::synthetic::SyntheticSpec) -> Result<(), CliError> {
    let hash = duban_store::hash_password("bench-password").map_err(store_error)?;
    runtime()?.block_on(async {
        let store = open(database).await?;
        let s = store
            .load_synthetic(&system(), spec, &hash, |line| eprintln!("synth: {line}"))
            .await
            .map_err(store_error)?;
        println!("{}", serde_json::to_string(&s).unwrap_or_default());
        store.close().await;
        Ok(())
    })
}

/// `duban export ledger`: the ledger as .xlsx or .csv.
pub fn export_ledger(
    database: &str,
    plan: duban_core::PlanId,
    period: Option<&str>,
    per_unit: bool,
    output: &Path,
) -> Result<(), CliError> {
    let csv = match output_extension(output).as_str() {
        "xlsx" => false,
        "csv" => true,
        _ => return Err(CliError::input(output, "the output must end in .xlsx or .csv")),
    };
    let bytes = with_store(database, async |store| {
        duban_app::exports::ledger_file(
            store,
            &Actor::system(),
            plan,
            period,
            per_unit,
            csv,
            &duban_core::Thresholds::default(),
        )
        .await
    })?;
    write_output(output, &bytes)
}

/// `duban export bulletin`: the period's 调度通报 as .docx.
pub fn export_bulletin(
    database: &str,
    plan: duban_core::PlanId,
    period: &str,
    issuer: Option<&str>,
    output: &Path,
) -> Result<(), CliError> {
    if output_extension(output) != "docx" {
        return Err(CliError::input(output, "the output must end in .docx"));
    }
    let bytes = with_store(database, async |store| {
        duban_app::exports::bulletin_file(
            store,
            &Actor::system(),
            plan,
            period,
            issuer,
            &duban_core::Thresholds::default(),
        )
        .await
    })?;
    write_output(output, &bytes)
}

fn output_extension(output: &Path) -> String {
    output.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default()
}

/// Opens the store, runs `f`, closes the store.
fn with_store<T>(database: &str, f: impl AsyncFnOnce(&Store) -> Result<T, duban_core::Error>) -> Result<T, CliError> {
    runtime()?.block_on(async {
        let store = open(database).await?;
        let out = f(&store).await.map_err(store_error);
        store.close().await;
        out
    })
}

/// Writes through a temporary file and a rename, so a failed write leaves no half-written file.
fn write_output(output: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let ext = output_extension(output);
    let tmp = output.with_extension(format!("{ext}.partial"));
    std::fs::write(&tmp, bytes).map_err(|e| CliError::io(&tmp, &e))?;
    std::fs::rename(&tmp, output).map_err(|e| CliError::io(output, &e))?;
    println!("wrote {} ({} bytes)", output.display(), bytes.len());
    Ok(())
}
