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
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewUser {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub password: String,
    pub role: Role,
    #[serde(default)]
    pub unit_id: Option<UnitId>,
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

/// The password rule for accounts people choose: 8 to 512 characters.
pub fn check_password(pw: &str) -> Result<(), Error> {
    if pw.chars().count() < 8 || pw.len() > 512 {
        return Err(Error::bad_input("user.password"));
    }
    Ok(())
}

impl Store {
    /// Creates an account. `password_hash` comes from [`hash_password`] (slow by design: the caller runs it
    /// off the async threads); the caller also applies [`check_password`] to passwords people choose.
    pub async fn create_user(&self, ctx: &Ctx, new: &NewUser, password_hash: &str) -> Result<UserRecord, Error> {
        ctx.actor.require_admin()?;
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
                "INSERT INTO users (username, display_name, password_hash, role, unit_id, lang, disabled, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'zh-CN', 0, $6) RETURNING id",
            )
            .bind(&username)
            .bind(&display)
            .bind(&hash)
            .bind(new.role.as_str())
            .bind(new.unit_id)
            .bind(tx.now)
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
            };
            tx.audit("user.create", "user", rec.id, &(), &rec).await?;
            Ok(rec)
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
        ctx.actor.require_admin()?;
        check_password(password)?;
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
            sqlx::query("SELECT id, username, display_name, role, unit_id, lang, disabled FROM users ORDER BY id")
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
            "SELECT id, username, display_name, role, unit_id, lang, disabled, password_hash FROM users WHERE username = $1",
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
            "INSERT INTO sessions (token_hash, user_id, kind, csrf, label, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, '', $5, $6)",
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

    pub async fn session(&self, token: &str, now: chrono::DateTime<chrono::Utc>) -> Result<Option<ApiSession>, Error> {
        let row = sqlx::query(
            "SELECT u.id, u.username, u.display_name, u.role, u.unit_id, u.lang, u.disabled, s.csrf, s.kind FROM sessions s \
             JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at >= $2",
        )
        .bind(sha256_hex(token.as_bytes()))
        .bind(now.timestamp())
        .fetch_optional(&self.read)
        .await
        .db()?;
        let Some(r) = row else { return Ok(None) };
        if get::<i64>(&r, "disabled")? != 0 {
            return Ok(None);
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
            kind: get(&r, "kind")?,
            lang: crate::db::lang(&get::<String>(&r, "lang")?)?,
        }))
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
    })
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
