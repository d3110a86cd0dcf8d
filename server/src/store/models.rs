//! Rows the handlers share: accounts, recovery-code sets, sessions.

use reclaim_core::api::RecoveryCodesInfo;
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::clock::rfc3339;

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub email_verified: bool,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub totp_pending_secret: Option<String>,
    pub totp_pending_expires: Option<i64>,
    pub codes_generated_at: Option<i64>,
    /// When an authenticator was last added or removed.
    pub totp_changed_at: Option<i64>,
    pub password_changed_at: Option<i64>,
}

const USER_COLS: &str =
    "id, username, email, email_verified, password_hash, totp_secret, totp_last_step, \
     totp_pending_secret, totp_pending_expires, codes_generated_at, totp_changed_at, \
     password_changed_at";

fn user_row(r: &Row) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        email: r.get(2)?,
        email_verified: r.get(3)?,
        password_hash: r.get(4)?,
        totp_secret: r.get(5)?,
        totp_last_step: r.get(6)?,
        totp_pending_secret: r.get(7)?,
        totp_pending_expires: r.get(8)?,
        codes_generated_at: r.get(9)?,
        totp_changed_at: r.get(10)?,
        password_changed_at: r.get(11)?,
    })
}

pub fn user_by_username(c: &Connection, username: &str) -> rusqlite::Result<Option<User>> {
    c.query_row(
        &format!("SELECT {USER_COLS} FROM users WHERE username = ?1"),
        params![username],
        user_row,
    )
    .optional()
}

pub fn user_by_id(c: &Connection, id: i64) -> rusqlite::Result<Option<User>> {
    c.query_row(
        &format!("SELECT {USER_COLS} FROM users WHERE id = ?1"),
        params![id],
        user_row,
    )
    .optional()
}

/// A username or an email address, as typed into "forgot password".
pub fn users_by_identifier(c: &Connection, identifier: &str) -> rusqlite::Result<Vec<User>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {USER_COLS} FROM users WHERE username = ?1 OR email = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![identifier], user_row)?;
    rows.collect()
}

pub fn users_by_email(c: &Connection, email: &str) -> rusqlite::Result<Vec<User>> {
    let mut stmt = c.prepare(&format!(
        "SELECT {USER_COLS} FROM users WHERE email = ?1 ORDER BY id"
    ))?;
    let rows = stmt.query_map(params![email], user_row)?;
    rows.collect()
}

impl User {
    pub fn totp_enabled(&self) -> bool {
        self.totp_secret.is_some()
    }
}

/// Hashes of the current set, with whether each is burned.
pub fn recovery_codes(c: &Connection, user_id: i64) -> rusqlite::Result<Vec<(i64, String, bool)>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, code_hash, used_at IS NOT NULL FROM recovery_codes WHERE user_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![user_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

pub fn codes_info(c: &Connection, user: &User) -> rusqlite::Result<RecoveryCodesInfo> {
    let unused: u32 = c.query_row(
        "SELECT count(*) FROM recovery_codes WHERE user_id = ?1 AND used_at IS NULL",
        params![user.id],
        |r| r.get(0),
    )?;
    Ok(RecoveryCodesInfo {
        generated_at: user.codes_generated_at.map(rfc3339),
        unused,
    })
}

/// Replace the whole set: old codes stop working, exactly like typos.
pub fn replace_recovery_codes(
    c: &Connection,
    user_id: i64,
    hashes: &[String],
    now: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "DELETE FROM recovery_codes WHERE user_id = ?1",
        params![user_id],
    )?;
    for h in hashes {
        c.execute(
            "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)",
            params![user_id, h],
        )?;
    }
    c.execute(
        "UPDATE users SET codes_generated_at = ?2 WHERE id = ?1",
        params![user_id, now],
    )?;
    Ok(())
}

pub fn burn_recovery_code(c: &Connection, code_id: i64, now: i64) -> rusqlite::Result<bool> {
    let n = c.execute(
        "UPDATE recovery_codes SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL",
        params![code_id, now],
    )?;
    Ok(n == 1)
}

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub token_hash: String,
    pub user: User,
    pub csrf_token: String,
    pub reauth_at: Option<i64>,
}

pub fn session(c: &Connection, token_hash: &str, now: i64) -> rusqlite::Result<Option<SessionRow>> {
    let row: Option<(i64, String, Option<i64>)> = c
        .query_row(
            "SELECT user_id, csrf_token, reauth_at FROM sessions WHERE token_hash = ?1 AND expires_at > ?2",
            params![token_hash, now],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((user_id, csrf_token, reauth_at)) = row else {
        return Ok(None);
    };
    Ok(user_by_id(c, user_id)?.map(|user| SessionRow {
        token_hash: token_hash.to_string(),
        user,
        csrf_token,
        reauth_at,
    }))
}

/// One of the account's projects, with its public repository if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectRow {
    pub name: String,
    pub repository_url: Option<String>,
}

pub fn projects(c: &Connection, user_id: i64) -> rusqlite::Result<Vec<ProjectRow>> {
    let mut stmt = c.prepare_cached(
        "SELECT name, repository_url FROM projects WHERE user_id = ?1 ORDER BY name",
    )?;
    let rows = stmt.query_map(params![user_id], |r| {
        Ok(ProjectRow {
            name: r.get(0)?,
            repository_url: r.get(1)?,
        })
    })?;
    rows.collect()
}

/// Addresses the account used before its current one, with when each
/// stopped being its address (unix s), newest first.
pub fn previous_emails(c: &Connection, user_id: i64) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut stmt = c.prepare_cached(
        "SELECT email, until FROM previous_emails WHERE user_id = ?1 ORDER BY until DESC",
    )?;
    let rows = stmt.query_map(params![user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}
