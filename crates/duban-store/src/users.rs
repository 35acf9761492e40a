//! Accounts, password hashes (argon2id), browser sessions and API tokens.
//!
//! Tokens are random 256-bit values handed to the client once; only their SHA-256 is stored, so a copy of
//! the database does not let anyone sign in.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use duban_core::{Actor, Error, ErrorKind, Role};
use duban_core::{UnitId, UserId};
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::db::{DbResult, Store, get};
use crate::{Ctx, sha256_hex};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserRecord {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_id: Option<UnitId>,
    pub lang: duban_core::Lang,
    pub disabled: bool,
    /// The password was given by the office (initial or reset): the next sign-in must change it.
    pub must_change_password: bool,
    /// 手机 and 邮箱, for notices.
    pub phone: String,
    pub email: String,
}

/// An account as the accounts sheet gives it: updated when its name exists, else created (with the hash
/// of a password nobody knows, to be issued through the 开通通知).
#[derive(Debug, Clone, PartialEq)]
pub struct AccountUpsert {
    pub username: String,
    pub display_name: String,
    pub unit_id: Option<UnitId>,
    pub role: Role,
    pub phone: String,
    pub email: String,
    pub disabled: bool,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewUser {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    /// Empty for a generated initial password (the office is given it once).
    #[serde(default)]
    pub password: String,
    pub role: Role,
    #[serde(default)]
    pub unit_id: Option<UnitId>,
    /// Set by the caller, not the client: an account the office makes must change its password at the
    /// first sign-in; one made on the command line by the person who runs the server need not.
    #[serde(skip)]
    pub must_change_password: bool,
}

/// A signed-in session: who, its CSRF token, and whether it is a browser session or an API token.
#[derive(Debug, Clone)]
pub struct ApiSession {
    pub actor: Actor,
    /// The account's display name (the pages show it).
    pub display_name: String,
    pub csrf: String,
    pub kind: String,
    pub lang: duban_core::Lang,
    /// The account must change its password before it does anything else.
    pub must_change_password: bool,
    /// The stored session's key (the SHA-256 of its token), to tell it from the account's others.
    pub key: String,
}

/// One of an account's open sessions, as its owner sees them.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    /// A short handle of the session (the start of its stored key), to end it by.
    pub id: String,
    /// `browser` or `api`.
    pub kind: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    /// The session this request came with.
    pub current: bool,
}

/// argon2id with the crate's default (OWASP) parameters and a random salt.
pub fn hash_password(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::internal(format!("password hashing: {e}")))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// The most memory a stored hash may ask argon2 for (64 MiB, in 1 KiB blocks); the default is 19 MiB.
const MAX_ARGON2_BLOCKS: usize = 64 * 1024;

/// As [`verify_password`], computing in `memory` (grown to what the hash's parameters need, and kept by
/// the caller for the next check). The server's password threads each keep one, so that checks do not
/// allocate and free 19 MiB each: the allocator does not give such blocks back, and memory grew with
/// every sign-in.
pub fn verify_password_in(password: &str, hash: &str, memory: &mut Vec<argon2::Block>) -> bool {
    let mut check = || -> Option<bool> {
        let h = PasswordHash::new(hash).ok()?;
        let algorithm = argon2::Algorithm::try_from(h.algorithm).ok()?;
        let version = match h.version {
            Some(v) => argon2::Version::try_from(v).ok()?,
            None => argon2::Version::default(),
        };
        let params = argon2::Params::try_from(&h).ok()?;
        let expected = h.hash?;
        let mut salt = [0u8; 64];
        let salt = h.salt?.decode_b64(&mut salt).ok()?;
        let blocks = params.block_count();
        if blocks > MAX_ARGON2_BLOCKS {
            return None;
        }
        if memory.len() < blocks {
            memory.resize(blocks, argon2::Block::new());
        }
        let mut out = vec![0u8; expected.len()];
        Argon2::new(algorithm, version, params)
            .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, memory.get_mut(..blocks)?)
            .ok()?;
        Some(duban_core::secret::constant_time_eq(&out, expected.as_bytes()))
    };
    check().unwrap_or(false)
}

/// 256 random bits as hex: session tokens, CSRF tokens.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// The password rules (`duban_core::password`) for a password set for `username`.
pub fn check_password(pw: &str, username: &str) -> Result<(), Error> {
    duban_core::password::check(pw, username)
}

/// An initial password the office hands over once: 12 characters without look-alikes (0/O, 1/l/I), with
/// all four character classes, so that it passes the rules it must then be changed under.
pub fn generate_initial_password() -> String {
    use rand::Rng;
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    const OTHER: &[u8] = b"#%+=@";
    let mut rng = rand::rngs::OsRng;
    let mut pick = |set: &[u8]| set.get(rng.gen_range(0..set.len())).copied().unwrap_or(b'x');
    let mut chars: Vec<u8> = vec![pick(LOWER), pick(UPPER), pick(DIGIT), pick(OTHER)];
    let all: Vec<u8> = [LOWER, UPPER, DIGIT].concat();
    while chars.len() < 12 {
        chars.push(pick(&all));
    }
    // Fisher–Yates, so the classes do not stand in a fixed order.
    for i in (1..chars.len()).rev() {
        let j = rng.gen_range(0..=i);
        chars.swap(i, j);
    }
    chars.into_iter().map(char::from).collect()
}

impl Store {
    /// Creates an account. `password_hash` comes from [`hash_password`] (slow by design: the caller runs it
    /// off the async threads); the caller also applies [`check_password`] to passwords people choose.
    pub async fn create_user(&self, ctx: &Ctx, new: &NewUser, password_hash: &str) -> Result<UserRecord, Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
        let username = new.username.trim().to_string();
        let ok = !username.is_empty()
            && username.chars().count() <= 64
            && username.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c));
        if !ok {
            return Err(Error::bad_input("user.username"));
        }
        if new.role.needs_unit() != new.unit_id.is_some() {
            return Err(Error::bad_input("user.unit"));
        }
        if let Some(unit) = new.unit_id {
            self.get_unit(unit).await?;
        }
        let display =
            if new.display_name.trim().is_empty() { username.clone() } else { new.display_name.trim().into() };
        let new = new.clone();
        let hash = password_hash.to_string();
        self.write(ctx, async |tx| {
            let exists = sqlx::query("SELECT id FROM users WHERE username = $1")
                .bind(&username)
                .fetch_optional(tx.conn())
                .await
                .db()?;
            if exists.is_some() {
                return Err(Error::new(ErrorKind::Conflict, "user.exists").arg("username", username));
            }
            let row = sqlx::query(
                "INSERT INTO users (username, display_name, password_hash, role, unit_id, lang, disabled, created_at, \
                 must_change_password, password_changed_at) VALUES ($1, $2, $3, $4, $5, 'zh-CN', 0, $6, $7, $6) RETURNING id",
            )
            .bind(&username)
            .bind(&display)
            .bind(&hash)
            .bind(new.role.as_str())
            .bind(new.unit_id)
            .bind(tx.now)
            .bind(i64::from(new.must_change_password))
            .fetch_one(tx.conn())
            .await
            .db()?;
            let rec = UserRecord {
                id: get(&row, "id")?,
                username: username.clone(),
                display_name: display.clone(),
                role: new.role,
                unit_id: new.unit_id,
                lang: duban_core::Lang::Zh,
                disabled: false,
                must_change_password: new.must_change_password,
                phone: String::new(),
                email: String::new(),
            };
            tx.audit("user.create", "user", rec.id, &(), &rec).await?;
            Ok(rec)
        })
        .await
    }

    /// The accounts sheet, applied in one transaction: existing accounts take the sheet's name, unit, role,
    /// contacts and state (disabling ends their sessions); new ones are created with `new_hash` (a
    /// password nobody knows) and must change it. Returns the ids of the accounts created, for the
    /// 开通通知.
    pub async fn apply_accounts_sheet(
        &self,
        ctx: &Ctx,
        rows: &[AccountUpsert],
        new_hash: &str,
    ) -> Result<Vec<UserId>, Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
        let rows = rows.to_vec();
        let hash = new_hash.to_string();
        let me = ctx.actor.user_id;
        self.write(ctx, async |tx| {
            let mut created = Vec::new();
            for r in &rows {
                if r.role.needs_unit() != r.unit_id.is_some() {
                    return Err(Error::bad_input("user.unit"));
                }
                let display = if r.display_name.trim().is_empty() { r.username.clone() } else { r.display_name.trim().to_string() };
                let found = sqlx::query("SELECT id, role, disabled FROM users WHERE username = $1")
                    .bind(&r.username)
                    .fetch_optional(tx.conn())
                    .await
                    .db()?;
                match found {
                    Some(row) => {
                        let id: UserId = get(&row, "id")?;
                        if id == me && (r.disabled || r.role != Role::Admin) {
                            return Err(Error::new(ErrorKind::Conflict, "user.disable_self"));
                        }
                        let before_role: String = get(&row, "role")?;
                        sqlx::query(
                            "UPDATE users SET display_name = $1, unit_id = $2, role = $3, phone = $4, email = $5, disabled = $6 WHERE id = $7",
                        )
                        .bind(&display)
                        .bind(r.unit_id)
                        .bind(r.role.as_str())
                        .bind(r.phone.trim())
                        .bind(r.email.trim())
                        .bind(i64::from(r.disabled))
                        .bind(id)
                        .execute(tx.conn())
                        .await
                        .db()?;
                        if r.disabled {
                            tx.end_sessions_of(id).await?;
                        }
                        if before_role != r.role.as_str() {
                            tx.audit("user.role", "user", id, &before_role, &r.role.as_str()).await?;
                        }
                        tx.audit("user.update", "user", id, &(), &serde_json::json!({ "from": "sheet" })).await?;
                    }
                    None => {
                        let row = sqlx::query(
                            "INSERT INTO users (username, display_name, password_hash, role, unit_id, lang, disabled, created_at, \
                             must_change_password, password_changed_at, phone, email) \
                             VALUES ($1, $2, $3, $4, $5, 'zh-CN', $6, $7, 1, $7, $8, $9) RETURNING id",
                        )
                        .bind(&r.username)
                        .bind(&display)
                        .bind(&hash)
                        .bind(r.role.as_str())
                        .bind(r.unit_id)
                        .bind(i64::from(r.disabled))
                        .bind(tx.now)
                        .bind(r.phone.trim())
                        .bind(r.email.trim())
                        .fetch_one(tx.conn())
                        .await
                        .db()?;
                        let id: UserId = get(&row, "id")?;
                        tx.audit("user.create", "user", id, &(), &serde_json::json!({ "username": r.username, "from": "sheet" })).await?;
                        created.push(id);
                    }
                }
            }
            Ok(created)
        })
        .await
    }

    /// Whether the duties are separated (三员分立): accounts and units for the system administrator, the
    /// audit for the security auditor, the business for the office.
    pub async fn separation_of_duties(&self) -> Result<bool, Error> {
        let row = sqlx::query("SELECT value FROM settings WHERE key = 'separation_of_duties'")
            .fetch_optional(&self.read)
            .await
            .db()?;
        Ok(match row {
            Some(r) => get::<String>(&r, "value")? == "on",
            None => false,
        })
    }

    /// Refused unless the actor's role carries `duty` (the system's own changes always may).
    pub async fn require_duty(&self, actor: &Actor, duty: duban_core::access::Duty) -> Result<(), Error> {
        if self.has_duty(actor, duty).await? { Ok(()) } else { Err(Error::forbidden()) }
    }

    /// Whether the actor's role carries `duty` now.
    pub async fn has_duty(&self, actor: &Actor, duty: duban_core::access::Duty) -> Result<bool, Error> {
        Ok(actor.is_system() || duban_core::access::carries(actor.role, duty, self.separation_of_duties().await?))
    }

    /// Separates the duties, or joins them again. Whoever carries the accounts may; separating needs an
    /// enabled system administrator and an enabled security auditor first, so that neither duty is left
    /// without anyone to carry it.
    pub async fn set_separation_of_duties(&self, ctx: &Ctx, on: bool) -> Result<(), Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
        self.write(ctx, async |tx| {
            if on {
                for role in [Role::SysAdmin, Role::Auditor] {
                    let n = sqlx::query("SELECT COUNT(*) AS n FROM users WHERE role = $1 AND disabled = 0")
                        .bind(role.as_str())
                        .fetch_one(tx.conn())
                        .await
                        .db()?;
                    if get::<i64>(&n, "n")? == 0 {
                        return Err(Error::new(ErrorKind::Conflict, "separation.needs_roles"));
                    }
                }
            }
            sqlx::query("DELETE FROM settings WHERE key = 'separation_of_duties'").execute(tx.conn()).await.db()?;
            if on {
                sqlx::query("INSERT INTO settings (key, value) VALUES ('separation_of_duties', 'on')")
                    .execute(tx.conn())
                    .await
                    .db()?;
            }
            tx.audit("settings.separation_of_duties", "settings", "separation_of_duties", &!on, &on).await
        })
        .await
    }

    /// The language a person reads the pages in (`zh-CN` or `en`), remembered with the account.
    pub async fn set_user_lang(&self, ctx: &Ctx, lang: duban_core::Lang) -> Result<(), Error> {
        let lang = lang.code().to_string();
        let user_id = ctx.actor.user_id;
        self.write(ctx, async |tx| {
            let before: Option<String> = sqlx::query("SELECT lang FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(tx.conn())
                .await
                .db()?
                .map(|r| get(&r, "lang"))
                .transpose()?;
            let Some(before) = before else { return Err(Error::not_found(duban_core::Thing::User)) };
            sqlx::query("UPDATE users SET lang = $1 WHERE id = $2")
                .bind(&lang)
                .bind(user_id)
                .execute(tx.conn())
                .await
                .db()?;
            tx.audit("user.lang", "user", user_id, &before, &lang).await
        })
        .await
    }

    pub async fn set_password(
        &self,
        ctx: &Ctx,
        username: &str,
        password: &str,
        password_hash: &str,
    ) -> Result<(), Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
        check_password(password, username)?;
        let username = username.to_string();
        let hash = password_hash.to_string();
        self.write(ctx, async |tx| {
            let n = sqlx::query("UPDATE users SET password_hash = $1 WHERE username = $2")
                .bind(&hash)
                .bind(&username)
                .execute(tx.conn())
                .await
                .db()?
                .rows_affected();
            if n == 0 {
                return Err(Error::not_found(duban_core::Thing::User));
            }
            // A new password ends every session of the account.
            sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE username = $1)")
                .bind(&username)
                .execute(tx.conn())
                .await
                .db()?;
            tx.audit("user.password", "user", &username, &(), &"changed").await
        })
        .await
    }

    pub async fn list_users(&self) -> Result<Vec<UserRecord>, Error> {
        let rows =
            sqlx::query("SELECT id, username, display_name, role, unit_id, lang, disabled, must_change_password, phone, email FROM users ORDER BY id")
                .fetch_all(&self.read)
                .await
                .db()?;
        rows.iter().map(user_from_row).collect()
    }

    pub async fn user_count(&self) -> Result<i64, Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users").fetch_one(&self.read).await.db()?;
        get(&row, "n")
    }

    /// The account and its password hash, for signing in.
    pub async fn user_for_login(&self, username: &str) -> Result<Option<(UserRecord, String)>, Error> {
        let row = sqlx::query(
            "SELECT id, username, display_name, role, unit_id, lang, disabled, must_change_password, phone, email, password_hash \
             FROM users WHERE username = $1",
        )
        .bind(username.trim())
        .fetch_optional(&self.read)
        .await
        .db()?;
        match row {
            Some(r) => Ok(Some((user_from_row(&r)?, get(&r, "password_hash")?))),
            None => Ok(None),
        }
    }

    /// Opens a session (kind `browser` or `api`) valid for `ttl_secs`; returns the token and the CSRF token.
    pub async fn create_session(
        &self,
        user: &UserRecord,
        kind: &str,
        now: chrono::DateTime<chrono::Utc>,
        ttl_secs: i64,
    ) -> Result<(String, String), Error> {
        let token = random_token();
        let csrf = random_token();
        // Sessions are not changes to the record, so they are not audited; expired ones are swept here.
        let mut tx = self.begin_unaudited().await?;
        sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now.timestamp())
            .execute(&mut *tx.inner)
            .await
            .db()?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, kind, csrf, label, created_at, expires_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, '', $5, $6, $5)",
        )
        .bind(sha256_hex(token.as_bytes()))
        .bind(user.id)
        .bind(kind)
        .bind(&csrf)
        .bind(now.timestamp())
        .bind(now.timestamp() + ttl_secs)
        .execute(&mut *tx.inner)
        .await
        .db()?;
        tx.commit().await?;
        Ok((token, csrf))
    }

    /// The session of `token` at `now`: none when it expired, or when a browser session has been idle for
    /// more than `idle_secs` (API tokens, used by integrations, only expire). A session in use is marked
    /// as seen, at most once a minute, so that the idle clock starts again.
    pub async fn session(
        &self,
        token: &str,
        now: chrono::DateTime<chrono::Utc>,
        idle_secs: i64,
    ) -> Result<Option<ApiSession>, Error> {
        let key = sha256_hex(token.as_bytes());
        let row = sqlx::query(
            "SELECT u.id, u.username, u.display_name, u.role, u.unit_id, u.lang, u.disabled, u.must_change_password, \
             s.csrf, s.kind, s.last_seen_at FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at >= $2",
        )
        .bind(&key)
        .bind(now.timestamp())
        .fetch_optional(&self.read)
        .await
        .db()?;
        let Some(r) = row else { return Ok(None) };
        if get::<i64>(&r, "disabled")? != 0 {
            return Ok(None);
        }
        let kind: String = get(&r, "kind")?;
        let last_seen: i64 = get(&r, "last_seen_at")?;
        let now = now.timestamp();
        if kind == "browser" && now - last_seen > idle_secs {
            return Ok(None);
        }
        if now - last_seen >= 60 {
            // Not a change to the record: unaudited, like the session itself.
            let mut tx = self.begin_unaudited().await?;
            sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now)
                .bind(&key)
                .execute(&mut *tx.inner)
                .await
                .db()?;
            tx.commit().await?;
        }
        let role: String = get(&r, "role")?;
        Ok(Some(ApiSession {
            actor: Actor {
                user_id: get(&r, "id")?,
                username: get(&r, "username")?,
                role: Role::parse(&role).ok_or_else(|| Error::internal("unknown role in the database"))?,
                unit_id: get(&r, "unit_id")?,
            },
            display_name: get(&r, "display_name")?,
            csrf: get(&r, "csrf")?,
            kind,
            lang: crate::db::lang(&get::<String>(&r, "lang")?)?,
            must_change_password: get::<i64>(&r, "must_change_password")? != 0,
            key,
        }))
    }

    /// The account's open sessions, newest first; `current` is the key of the one asking.
    pub async fn sessions_of(&self, user_id: UserId, current: &str, now: i64) -> Result<Vec<SessionInfo>, Error> {
        let rows = sqlx::query(
            "SELECT token_hash, kind, created_at, last_seen_at, expires_at FROM sessions \
             WHERE user_id = $1 AND expires_at >= $2 ORDER BY created_at DESC",
        )
        .bind(user_id)
        .bind(now)
        .fetch_all(&self.read)
        .await
        .db()?;
        rows.iter()
            .map(|r| {
                let key: String = get(r, "token_hash")?;
                Ok(SessionInfo {
                    id: key.get(..16).unwrap_or(&key).to_string(),
                    current: key == current,
                    kind: get(r, "kind")?,
                    created_at: get(r, "created_at")?,
                    last_seen_at: get(r, "last_seen_at")?,
                    expires_at: get(r, "expires_at")?,
                })
            })
            .collect()
    }

    /// Ends one of the account's own sessions by its handle (see [`SessionInfo::id`]).
    pub async fn end_own_session(&self, ctx: &Ctx, handle: &str) -> Result<(), Error> {
        if handle.len() != 16 || !handle.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::not_found(duban_core::Thing::Session));
        }
        let user_id = ctx.actor.user_id;
        let pattern = format!("{handle}%");
        self.write(ctx, async |tx| {
            let n = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash LIKE $2")
                .bind(user_id)
                .bind(&pattern)
                .execute(tx.conn())
                .await
                .db()?
                .rows_affected();
            if n == 0 {
                return Err(Error::not_found(duban_core::Thing::Session));
            }
            tx.audit("session.end", "user", user_id, &(), &handle).await
        })
        .await
    }

    /// The account's current password hash and those it had before, newest first (at most
    /// `duban_core::password::HISTORY` in all): a new password may repeat none of them.
    pub async fn recent_password_hashes(&self, user_id: UserId) -> Result<Vec<String>, Error> {
        let current = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.read)
            .await
            .db()?
            .ok_or_else(|| Error::not_found(duban_core::Thing::User))?;
        let mut out: Vec<String> = vec![get(&current, "password_hash")?];
        let older = sqlx::query(
            "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY changed_at DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(i64::try_from(duban_core::password::HISTORY.saturating_sub(1)).unwrap_or(2))
        .fetch_all(&self.read)
        .await
        .db()?;
        for r in &older {
            out.push(get(r, "password_hash")?);
        }
        Ok(out)
    }

    /// A person's own new password (checked by the caller against the rules and the history): the old
    /// hash goes into the history, the must-change mark is cleared, and every other session of the account
    /// ends.
    pub async fn change_own_password(&self, ctx: &Ctx, new_hash: &str, keep_session: &str) -> Result<(), Error> {
        let user_id = ctx.actor.user_id;
        let hash = new_hash.to_string();
        let keep = keep_session.to_string();
        self.write(ctx, async |tx| {
            let old = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(tx.conn())
                .await
                .db()?
                .ok_or_else(|| Error::not_found(duban_core::Thing::User))?;
            sqlx::query("INSERT INTO password_history (user_id, password_hash, changed_at) VALUES ($1, $2, $3)")
                .bind(user_id)
                .bind(get::<String>(&old, "password_hash")?)
                .bind(tx.now)
                .execute(tx.conn())
                .await
                .db()?;
            // Only as many as the rule looks at are kept.
            let keep_history = i64::try_from(duban_core::password::HISTORY).unwrap_or(3);
            sqlx::query(
                "DELETE FROM password_history WHERE user_id = $1 AND changed_at NOT IN \
                 (SELECT changed_at FROM password_history WHERE user_id = $1 ORDER BY changed_at DESC LIMIT $2)",
            )
            .bind(user_id)
            .bind(keep_history)
            .execute(tx.conn())
            .await
            .db()?;
            sqlx::query(
                "UPDATE users SET password_hash = $1, must_change_password = 0, password_changed_at = $2 WHERE id = $3",
            )
            .bind(&hash)
            .bind(tx.now)
            .bind(user_id)
            .execute(tx.conn())
            .await
            .db()?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
                .bind(user_id)
                .bind(&keep)
                .execute(tx.conn())
                .await
                .db()?;
            tx.audit("user.password_change", "user", user_id, &(), &"changed by the account").await
        })
        .await
    }

    /// The office gives accounts new initial passwords (hashed by the caller), all in one transaction: each
    /// must be changed at the next sign-in, and the accounts' sessions end.
    pub async fn reset_passwords(&self, ctx: &Ctx, resets: &[(UserId, String)]) -> Result<Vec<UserRecord>, Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
        let resets = resets.to_vec();
        self.write(ctx, async |tx| {
            for (user_id, hash) in &resets {
                let n = sqlx::query(
                    "UPDATE users SET password_hash = $1, must_change_password = 1, password_changed_at = $2 WHERE id = $3",
                )
                .bind(hash)
                .bind(tx.now)
                .bind(*user_id)
                .execute(tx.conn())
                .await
                .db()?
                .rows_affected();
                if n == 0 {
                    return Err(Error::not_found(duban_core::Thing::User));
                }
                tx.end_sessions_of(*user_id).await?;
                tx.audit("user.password_reset", "user", *user_id, &(), &"initial password issued").await?;
            }
            Ok(())
        })
        .await?;
        let mut out = Vec::with_capacity(resets.len());
        for (id, _) in &resets {
            out.push(self.get_user(*id).await?);
        }
        Ok(out)
    }

    /// Disables or re-enables an account; disabling ends its sessions.
    pub async fn set_user_disabled(&self, ctx: &Ctx, user_id: UserId, disabled: bool) -> Result<UserRecord, Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
        if disabled && user_id == ctx.actor.user_id {
            return Err(Error::new(ErrorKind::Conflict, "user.disable_self"));
        }
        self.write(ctx, async |tx| {
            let n = sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
                .bind(i64::from(disabled))
                .bind(user_id)
                .execute(tx.conn())
                .await
                .db()?
                .rows_affected();
            if n == 0 {
                return Err(Error::not_found(duban_core::Thing::User));
            }
            if disabled {
                tx.end_sessions_of(user_id).await?;
            }
            let action = if disabled { "user.disable" } else { "user.enable" };
            tx.audit(action, "user", user_id, &!disabled, &disabled).await
        })
        .await?;
        self.get_user(user_id).await
    }

    /// Lifts the sign-in limits of an account (its failures from every address are forgotten).
    pub async fn unlock_user(&self, ctx: &Ctx, user_id: UserId) -> Result<UserRecord, Error> {
        self.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
        let user = self.get_user(user_id).await?;
        let name = user.username.clone();
        self.write(ctx, async |tx| {
            sqlx::query("DELETE FROM login_failures WHERE username = $1").bind(&name).execute(tx.conn()).await.db()?;
            tx.audit("user.unlock", "user", user_id, &(), &name).await
        })
        .await?;
        Ok(user)
    }

    pub async fn get_user(&self, user_id: UserId) -> Result<UserRecord, Error> {
        let row = sqlx::query(
            "SELECT id, username, display_name, role, unit_id, lang, disabled, must_change_password, phone, email FROM users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.read)
        .await
        .db()?
        .ok_or_else(|| Error::not_found(duban_core::Thing::User))?;
        user_from_row(&row)
    }

    /// Records a sign-in, its failure or a lock-out in the audit log (等级保护 asks for a record of
    /// sign-ins). `actor` is the account when the name is one, else a stand-in carrying the name tried.
    pub async fn record_signin(&self, ctx: &Ctx, action: &str, client: &str) -> Result<(), Error> {
        let name = ctx.actor.username.clone();
        let client = client.to_string();
        let action = action.to_string();
        self.write(ctx, async |tx| tx.audit(&action, "signin", &name, &(), &client).await).await
    }

    pub async fn end_session(&self, token: &str) -> Result<(), Error> {
        let mut tx = self.begin_unaudited().await?;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(sha256_hex(token.as_bytes()))
            .execute(&mut *tx.inner)
            .await
            .db()?;
        tx.commit().await
    }
}

fn user_from_row(r: &sqlx::any::AnyRow) -> Result<UserRecord, Error> {
    let role: String = get(r, "role")?;
    Ok(UserRecord {
        id: get(r, "id")?,
        username: get(r, "username")?,
        display_name: get(r, "display_name")?,
        role: Role::parse(&role).ok_or_else(|| Error::internal("unknown role in the database"))?,
        unit_id: get(r, "unit_id")?,
        lang: crate::db::lang(&get::<String>(r, "lang")?)?,
        disabled: get::<i64>(r, "disabled")? != 0,
        must_change_password: get::<i64>(r, "must_change_password")? != 0,
        phone: get(r, "phone")?,
        email: get(r, "email")?,
    })
}

impl crate::db::Tx {
    /// Ends every session and token of an account (a disabled account, a password given anew).
    async fn end_sessions_of(&mut self, user_id: UserId) -> Result<(), Error> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(self.conn()).await.db()?;
        Ok(())
    }
}

/// Sign-in limits (the rules are `duban_core::signin`): failures are counted per (account name, client
/// address) and per client address (the row with the empty name), in the database so that several servers
/// share them. Not part of the record, so not audited.
impl Store {
    /// Seconds the next sign-in as `username` from `client` must still wait; 0 when it may go ahead.
    pub async fn signin_wait(&self, username: &str, client: &str, now: i64) -> Result<i64, Error> {
        use duban_core::signin::{PER_ACCOUNT, PER_CLIENT};
        let rows = sqlx::query(
            "SELECT username, failures, last_at FROM login_failures WHERE client = $1 AND (username = $2 OR username = '')",
        )
        .bind(client)
        .bind(username)
        .fetch_all(&self.read)
        .await
        .db()?;
        let mut wait = 0;
        for r in &rows {
            let name: String = get(r, "username")?;
            let rule = if name.is_empty() { PER_CLIENT } else { PER_ACCOUNT };
            wait = wait.max(rule.remaining(get(r, "failures")?, get(r, "last_at")?, now));
        }
        Ok(wait)
    }

    /// Counts a failed sign-in, and forgets counts older than a day.
    pub async fn signin_failed(&self, username: &str, client: &str, now: i64) -> Result<(), Error> {
        let forget_before = now - duban_core::signin::FORGET_AFTER_SECS;
        let mut tx = self.begin_unaudited().await?;
        sqlx::query("DELETE FROM login_failures WHERE last_at < $1")
            .bind(forget_before)
            .execute(&mut *tx.inner)
            .await
            .db()?;
        for name in [username, ""] {
            sqlx::query(
                "INSERT INTO login_failures (username, client, failures, last_at) VALUES ($1, $2, 1, $3) \
                 ON CONFLICT (username, client) DO UPDATE SET failures = login_failures.failures + 1, last_at = $3",
            )
            .bind(name)
            .bind(client)
            .bind(now)
            .execute(&mut *tx.inner)
            .await
            .db()?;
        }
        tx.commit().await
    }

    /// A successful sign-in clears the count of that name from that client.
    pub async fn signin_succeeded(&self, username: &str, client: &str) -> Result<(), Error> {
        let mut tx = self.begin_unaudited().await?;
        sqlx::query("DELETE FROM login_failures WHERE username = $1 AND client = $2")
            .bind(username)
            .bind(client)
            .execute(&mut *tx.inner)
            .await
            .db()?;
        tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_password_checked_in_kept_memory_agrees_with_argon2s_own_check() {
        let hash = hash_password("正确的密码1").unwrap();
        let mut memory = Vec::new();
        assert!(verify_password_in("正确的密码1", &hash, &mut memory));
        assert_eq!(memory.len(), argon2::Params::default().block_count());
        assert!(!verify_password_in("错误的密码1", &hash, &mut memory));
        assert!(verify_password_in("正确的密码1", &hash, &mut memory), "the kept memory is reused");
        assert!(!verify_password_in("x", "not a hash", &mut memory));
        // A hash asking for more memory than allowed is not computed.
        let greedy = hash.replace("m=19456", "m=1048576");
        assert!(!verify_password_in("正确的密码1", &greedy, &mut memory));
        assert!(verify_password("正确的密码1", &hash) && !verify_password("错误的密码1", &hash));
    }
}
