//! The outbox table: every mail, written in the transaction of the change
//! it reports, then delivered (or not) by `crate::mail`.

use rusqlite::{params, Connection};

use crate::mail::templates::Mail;

/// Rows of the outbox live a week: it is a queue, not an archive.
pub const KEEP_SECS: i64 = 7 * 86_400;

pub fn insert(conn: &Connection, to: &str, mail: &Mail, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO outbox (to_addr, subject, body, redacted_body, secret_expires_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            to,
            mail.subject,
            mail.body,
            mail.redacted_body(),
            mail.secret.as_ref().map(|s| s.expires_at),
            now
        ],
    )?;
    Ok(())
}

/// A mail waiting for delivery.
pub struct Pending {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

/// Up to 50 mails due for a (first or next) delivery attempt, oldest first.
pub fn due(c: &Connection, now: i64) -> rusqlite::Result<Vec<Pending>> {
    let mut stmt = c.prepare(
        "SELECT id, to_addr, subject, body, attempts FROM outbox
         WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?1
         ORDER BY id LIMIT 50",
    )?;
    let rows = stmt.query_map([now], |r| {
        Ok(Pending {
            id: r.get(0)?,
            to: r.get(1)?,
            subject: r.get(2)?,
            body: r.get(3)?,
            attempts: r.get(4)?,
        })
    })?;
    rows.collect()
}

/// Delivered: the stored copy loses its secret at once.
pub fn mark_sent(c: &Connection, id: i64, now: i64) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE outbox SET sent_at = ?2, body = COALESCE(redacted_body, body),
            redacted_body = NULL, attempts = attempts + 1 WHERE id = ?1",
        params![id, now],
    )?;
    Ok(())
}

/// Given up (`why` is a fixed phrase, never mail content); the secret goes too.
pub fn mark_failed(c: &Connection, id: i64, why: &str, now: i64) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE outbox SET failed_at = ?2, last_error = ?3, body = COALESCE(redacted_body, body),
            redacted_body = NULL, attempts = attempts + 1 WHERE id = ?1",
        params![id, now, why],
    )?;
    Ok(())
}

/// A temporary failure: try again from `at`.
pub fn retry_at(c: &Connection, id: i64, at: i64) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE outbox SET next_attempt_at = ?2, attempts = attempts + 1 WHERE id = ?1",
        params![id, at],
    )?;
    Ok(())
}

/// Housekeeping: drop expired secrets from stored bodies, delete old rows.
pub fn prune(conn: &Connection, now: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE outbox SET body = redacted_body, redacted_body = NULL
         WHERE redacted_body IS NOT NULL AND secret_expires_at <= ?1",
        params![now],
    )?;
    conn.execute(
        "DELETE FROM outbox WHERE created_at <= ?1",
        params![now - KEEP_SECS],
    )?;
    Ok(())
}

/// One row as the demo outbox shows it.
pub struct Listed {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    /// `pending`, `sent` or `failed`.
    pub state: String,
}

/// Newest first, at most 200; only to `to` (lowercase) when given.
pub fn list(c: &Connection, to: Option<&str>) -> rusqlite::Result<Vec<Listed>> {
    let mut stmt = c.prepare(
        "SELECT id, to_addr, subject, body, created_at,
            CASE WHEN sent_at IS NOT NULL THEN 'sent' WHEN failed_at IS NOT NULL THEN 'failed' ELSE 'pending' END
         FROM outbox
         WHERE ?1 IS NULL OR lower(to_addr) = ?1 ORDER BY id DESC LIMIT 200",
    )?;
    let rows = stmt.query_map(params![to], |r| {
        Ok(Listed {
            id: r.get(0)?,
            to: r.get(1)?,
            subject: r.get(2)?,
            body: r.get(3)?,
            created_at: r.get(4)?,
            state: r.get(5)?,
        })
    })?;
    rows.collect()
}
