//! Password-reset links: a token (stored as SHA-256) per link, single use.

use rusqlite::{params, Connection, OptionalExtension};

pub fn insert(
    c: &Connection,
    token_hash: &str,
    user_id: i64,
    expires_at: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO reset_tokens (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
        params![token_hash, user_id, expires_at],
    )?;
    Ok(())
}

/// When the link stops working (unix s), if it is unused and not expired.
/// Only reads: checking a link never uses it.
pub fn live_until(c: &Connection, token_hash: &str, now: i64) -> rusqlite::Result<Option<i64>> {
    c.query_row(
        "SELECT expires_at FROM reset_tokens WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
        params![token_hash, now],
        |r| r.get(0),
    )
    .optional()
}

/// Use the link, if still live: its account. Of two concurrent uses, one
/// gets it. Every other live link of the account is voided with it.
pub fn use_link(c: &Connection, token_hash: &str, now: i64) -> rusqlite::Result<Option<i64>> {
    let uid: Option<i64> = c
        .query_row(
            "UPDATE reset_tokens SET used_at = ?2
             WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2 RETURNING user_id",
            params![token_hash, now],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(uid) = uid {
        c.execute(
            "UPDATE reset_tokens SET used_at = ?2 WHERE user_id = ?1 AND used_at IS NULL",
            params![uid, now],
        )?;
    }
    Ok(uid)
}

pub fn prune(c: &Connection, now: i64) -> rusqlite::Result<()> {
    c.execute("DELETE FROM reset_tokens WHERE expires_at <= ?1", [now])?;
    Ok(())
}
