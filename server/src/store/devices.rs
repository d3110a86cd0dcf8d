//! Browsers that signed in before ("known devices"): a long-lived cookie
//! (256 random bits, stored as SHA-256) set when a sign-in completes, tied to
//! the account. A request that carries it for the account it names is
//! limited in the device's own bucket instead of the buckets strangers share
//! (per username, per client), so strangers cannot lock the owner out.
//!
//! One browser's cookie can be known for several accounts (one row each).

use rusqlite::{params, Connection, OptionalExtension};

/// A device is remembered for a year after its last sign-in.
pub const DEVICE_SECS: i64 = 365 * 86_400;
/// Devices kept per account (the most recently seen); older ones are
/// forgotten, so a script signing in again and again cannot grow the table.
pub const MAX_DEVICES_PER_ACCOUNT: i64 = 20;

/// The row id of a live device of this account, if `token_hash` is one.
pub fn find(
    c: &Connection,
    token_hash: &str,
    user_id: i64,
    now: i64,
) -> rusqlite::Result<Option<i64>> {
    c.query_row(
        "SELECT id FROM devices WHERE token_hash = ?1 AND user_id = ?2 AND expires_at > ?3",
        params![token_hash, user_id, now],
        |r| r.get(0),
    )
    .optional()
}

/// The first of `user_ids` this device is known for, with its row id.
pub fn find_any(
    c: &Connection,
    token_hash: &str,
    user_ids: &[i64],
    now: i64,
) -> rusqlite::Result<Option<i64>> {
    for &uid in user_ids {
        if let Some(row) = find(c, token_hash, uid, now)? {
            return Ok(Some(row));
        }
    }
    Ok(None)
}

/// Whether `token_hash` is a device this server issued (for any account).
pub fn exists(c: &Connection, token_hash: &str, now: i64) -> rusqlite::Result<bool> {
    c.query_row(
        "SELECT EXISTS (SELECT 1 FROM devices WHERE token_hash = ?1 AND expires_at > ?2)",
        params![token_hash, now],
        |r| r.get(0),
    )
}

/// Remember (or renew) this device for the account, for [`DEVICE_SECS`].
pub fn remember(c: &Connection, token_hash: &str, user_id: i64, now: i64) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO devices (token_hash, user_id, created_at, last_seen_at, expires_at)
         VALUES (?1, ?2, ?3, ?3, ?4)
         ON CONFLICT (token_hash, user_id) DO UPDATE SET last_seen_at = ?3, expires_at = ?4",
        params![token_hash, user_id, now, now + DEVICE_SECS],
    )?;
    c.execute(
        "DELETE FROM devices WHERE user_id = ?1 AND id NOT IN (
             SELECT id FROM devices WHERE user_id = ?1 ORDER BY last_seen_at DESC, id DESC LIMIT ?2)",
        params![user_id, MAX_DEVICES_PER_ACCOUNT],
    )?;
    Ok(())
}

/// Forget every device of the account (its password was reset).
pub fn forget_all_of(c: &Connection, user_id: i64) -> rusqlite::Result<()> {
    c.execute("DELETE FROM devices WHERE user_id = ?1", params![user_id])?;
    Ok(())
}

pub fn prune(c: &Connection, now: i64) -> rusqlite::Result<()> {
    c.execute("DELETE FROM devices WHERE expires_at <= ?1", [now])?;
    Ok(())
}
