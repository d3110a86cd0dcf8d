//! Signed-in sessions, and the second-factor challenges that come before
//! them. Tokens are stored as SHA-256 (256 random bits each).

use rusqlite::{params, Connection, OptionalExtension};

use super::accounts::{user_by_id, User};
use crate::crypto::{random_token, sha256_hex};

/// A session lasts 12 hours.
pub const SESSION_SECS: i64 = 12 * 3600;

/// Create the session of a completed sign-in; returns (cookie token, csrf
/// token). The sign-in just took the password (and the second factor where
/// there is one), so it counts as a fresh re-entry of it (`reauth_at`): a
/// change that needs one right after signing in does not ask again.
pub fn create(c: &Connection, user_id: i64, now: i64) -> rusqlite::Result<(String, String)> {
    let token = random_token("ses_");
    let csrf = random_token("");
    c.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, reauth_at) VALUES (?1, ?2, ?3, ?4, ?5, ?4)",
        params![sha256_hex(&token), user_id, csrf, now, now + SESSION_SECS],
    )?;
    Ok((token, csrf))
}

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub token_hash: String,
    pub user: User,
    pub csrf_token: String,
    pub reauth_at: Option<i64>,
}

pub fn find(c: &Connection, token_hash: &str, now: i64) -> rusqlite::Result<Option<SessionRow>> {
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

/// The password was just entered again in this session.
pub fn mark_reauthenticated(c: &Connection, token_hash: &str, now: i64) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE sessions SET reauth_at = ?2 WHERE token_hash = ?1",
        params![token_hash, now],
    )?;
    Ok(())
}

pub fn end(c: &Connection, token_hash: &str) -> rusqlite::Result<()> {
    c.execute(
        "DELETE FROM sessions WHERE token_hash = ?1",
        params![token_hash],
    )?;
    Ok(())
}

/// Sign the user out everywhere, and drop their pending sign-in steps.
pub fn end_all_of(c: &Connection, user_id: i64) -> rusqlite::Result<()> {
    c.execute("DELETE FROM sessions WHERE user_id = ?1", params![user_id])?;
    close_challenges_of(c, user_id)
}

/// A second-factor step after a correct password, until `expires_at`.
pub fn open_challenge(
    c: &Connection,
    token_hash: &str,
    user_id: i64,
    expires_at: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO challenges (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
        params![token_hash, user_id, expires_at],
    )?;
    Ok(())
}

/// The user of a live challenge.
pub fn challenge_user(
    c: &Connection,
    token_hash: &str,
    now: i64,
) -> rusqlite::Result<Option<User>> {
    let uid: Option<i64> = c
        .query_row(
            "SELECT user_id FROM challenges WHERE token_hash = ?1 AND expires_at > ?2",
            params![token_hash, now],
            |r| r.get(0),
        )
        .optional()?;
    match uid {
        Some(id) => user_by_id(c, id),
        None => Ok(None),
    }
}

/// The sign-in step asked the account's security keys: keep the state of
/// that request (a later request replaces it). `false` when the step is
/// over.
pub fn set_security_key_request(
    c: &Connection,
    token_hash: &str,
    state: &str,
    now: i64,
) -> rusqlite::Result<bool> {
    let n = c.execute(
        "UPDATE challenges SET security_key_request = ?2 WHERE token_hash = ?1 AND expires_at > ?3",
        params![token_hash, state, now],
    )?;
    Ok(n == 1)
}

/// Take the sign-in step's request to its keys: it is answered once.
/// `None` when the step is over; `Some(None)` when it has no request (none
/// was made, or it was taken).
pub fn take_security_key_request(
    c: &Connection,
    token_hash: &str,
    now: i64,
) -> rusqlite::Result<Option<Option<String>>> {
    let request: Option<Option<String>> = c
        .query_row(
            "SELECT security_key_request FROM challenges WHERE token_hash = ?1 AND expires_at > ?2",
            params![token_hash, now],
            |r| r.get(0),
        )
        .optional()?;
    if matches!(request, Some(Some(_))) {
        c.execute(
            "UPDATE challenges SET security_key_request = NULL WHERE token_hash = ?1",
            params![token_hash],
        )?;
    }
    Ok(request)
}

pub fn close_challenge(c: &Connection, token_hash: &str) -> rusqlite::Result<()> {
    c.execute(
        "DELETE FROM challenges WHERE token_hash = ?1",
        params![token_hash],
    )?;
    Ok(())
}

pub fn close_challenges_of(c: &Connection, user_id: i64) -> rusqlite::Result<()> {
    c.execute(
        "DELETE FROM challenges WHERE user_id = ?1",
        params![user_id],
    )?;
    Ok(())
}

/// Housekeeping: forget expired sessions and challenges.
pub fn prune(c: &Connection, now: i64) -> rusqlite::Result<()> {
    c.execute("DELETE FROM sessions WHERE expires_at <= ?1", [now])?;
    c.execute("DELETE FROM challenges WHERE expires_at <= ?1", [now])?;
    Ok(())
}
