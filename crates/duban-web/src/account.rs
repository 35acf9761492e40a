//! Accounts as 等级保护 2.0 asks, shared by the API and the pages: a person changes their own password
//! (the current one checked, the rules applied, none of the last three repeated); the office gives an
//! account a new initial password, to be changed at the next sign-in.

use duban_core::{Error, UserId};
use duban_store::{Ctx, UserRecord};

use crate::AppState;

/// Hashes a password off the async workers (argon2 is slow by design).
pub async fn hash(password: &str) -> Result<String, Error> {
    let pw = password.to_string();
    tokio::task::spawn_blocking(move || duban_store::hash_password(&pw)).await.map_err(Error::internal)?
}

/// Changes the signed-in account's password; the session `keep` stays open, the others end.
pub async fn change_own(
    state: &AppState,
    ctx: &Ctx,
    keep: &str,
    current: &str,
    new: &str,
    repeat: &str,
) -> Result<(), Error> {
    if new != repeat {
        return Err(Error::bad_input("password.mismatch"));
    }
    duban_core::password::check(new, &ctx.actor.username)?;
    let hashes = state.store.recent_password_hashes(ctx.actor.user_id).await?;
    let Some(now_hash) = hashes.first() else { return Err(Error::not_found(duban_core::Thing::User)) };
    if !state.passwords.verify(current.to_string(), now_hash.clone()).await? {
        return Err(Error::bad_input("password.wrong"));
    }
    for old in &hashes {
        if state.passwords.verify(new.to_string(), old.clone()).await? {
            return Err(Error::bad_input("password.reused"));
        }
    }
    let hashed = hash(new).await?;
    state.store.change_own_password(ctx, &hashed, keep).await
}

/// Gives each account a new generated initial password (to change at its next sign-in) and returns the
/// accounts with their passwords, which exist nowhere else: the caller hands them over once.
pub async fn issue_initial_passwords(
    state: &AppState,
    ctx: &Ctx,
    users: &[UserId],
) -> Result<Vec<(UserRecord, String)>, Error> {
    state.store.require_duty(&ctx.actor, duban_core::access::Duty::Accounts).await?;
    if users.is_empty() || users.len() > 2000 {
        return Err(Error::bad_input("user.batch"));
    }
    let mut passwords = Vec::with_capacity(users.len());
    let mut resets = Vec::with_capacity(users.len());
    for id in users {
        let password = duban_store::generate_initial_password();
        resets.push((*id, hash(&password).await?));
        passwords.push(password);
    }
    let accounts = state.store.reset_passwords(ctx, &resets).await?;
    let out: Vec<(UserRecord, String)> = accounts.into_iter().zip(passwords).collect();
    Ok(out)
}

/// The address people sign in at, for the 开通通知: the `Host` the office reached this server by.
pub fn address(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if state.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}/")
}

/// The office's calendar day (UTC+8) of the server's clock.
pub fn today(state: &AppState) -> chrono::NaiveDate {
    duban_core::periods::local_date(state.now())
}

/// The 开通通知 of issued accounts: each with its unit's name and its role as the office calls it.
pub async fn activation_sheet(
    state: &AppState,
    issued: &[(UserRecord, String)],
    address: &str,
) -> Result<Vec<u8>, Error> {
    let units = state.store.list_units().await?;
    let tr = crate::i18n::Tr::new(duban_core::Lang::Zh);
    let rows: Vec<duban_office::accounts::ActivationRow> = issued
        .iter()
        .map(|(u, password)| duban_office::accounts::ActivationRow {
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            unit: u
                .unit_id
                .and_then(|id| units.iter().find(|x| x.id == id))
                .map(|x| x.name.clone())
                .unwrap_or_default(),
            role: tr.t(&format!("account-{}", u.role.as_str())),
            password: password.clone(),
        })
        .collect();
    duban_office::accounts::activation_xlsx(&rows, address, &today(state).to_string())
}
