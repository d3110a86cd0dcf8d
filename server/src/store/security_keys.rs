//! Security keys and passkeys: the account's keys (the credential as
//! webauthn-rs keeps it, the name the user gave it, its uses), their
//! registrations in progress, and the random user handle an account's keys
//! are registered under. A key is looked up by its account *and* its id,
//! so another account's key is as unknown as a key that does not exist.

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::crypto::{hex, random_bytes};

/// One stored key.
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub id: i64,
    /// Its id in the API (`sk_…`, random).
    pub public_id: String,
    pub name: String,
    /// The credential as webauthn-rs serialises it (public key, counter,
    /// the user-verification rule it was registered with).
    pub credential: String,
    pub added_at: i64,
    pub last_used_at: Option<i64>,
    pub counter_regressed_at: Option<i64>,
}

const KEY_COLS: &str =
    "id, public_id, name, credential, added_at, last_used_at, counter_regressed_at";

fn key_row(r: &Row) -> rusqlite::Result<KeyRow> {
    Ok(KeyRow {
        id: r.get(0)?,
        public_id: r.get(1)?,
        name: r.get(2)?,
        credential: r.get(3)?,
        added_at: r.get(4)?,
        last_used_at: r.get(5)?,
        counter_regressed_at: r.get(6)?,
    })
}

/// The account's keys, oldest first.
pub fn list(c: &Connection, user_id: i64) -> rusqlite::Result<Vec<KeyRow>> {
    let mut stmt = c.prepare_cached(&format!(
        "SELECT {KEY_COLS} FROM security_keys WHERE user_id = ?1 ORDER BY added_at, id"
    ))?;
    let rows = stmt.query_map(params![user_id], key_row)?;
    rows.collect()
}

pub fn count(c: &Connection, user_id: i64) -> rusqlite::Result<usize> {
    c.query_row(
        "SELECT count(*) FROM security_keys WHERE user_id = ?1",
        params![user_id],
        |r| r.get(0),
    )
}

/// The account's key with this credential id (base64url).
pub fn by_credential_id(
    c: &Connection,
    user_id: i64,
    credential_id: &str,
) -> rusqlite::Result<Option<KeyRow>> {
    c.query_row(
        &format!("SELECT {KEY_COLS} FROM security_keys WHERE user_id = ?1 AND credential_id = ?2"),
        params![user_id, credential_id],
        key_row,
    )
    .optional()
}

/// Store a newly registered key; `None` when its credential is registered
/// already (to this account or another).
pub fn insert(
    c: &Connection,
    user_id: i64,
    credential_id: &str,
    credential: &str,
    name: &str,
    now: i64,
) -> rusqlite::Result<Option<KeyRow>> {
    let public_id = format!("sk_{}", hex(&random_bytes::<12>()));
    let n = c.execute(
        "INSERT INTO security_keys (public_id, user_id, credential_id, credential, name, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (credential_id) DO NOTHING",
        params![public_id, user_id, credential_id, credential, name, now],
    )?;
    if n == 0 {
        return Ok(None);
    }
    c.query_row(
        &format!("SELECT {KEY_COLS} FROM security_keys WHERE public_id = ?1"),
        params![public_id],
        key_row,
    )
    .optional()
}

/// Rename the account's key `public_id`; `None` when it has none such.
pub fn rename(
    c: &Connection,
    user_id: i64,
    public_id: &str,
    name: &str,
) -> rusqlite::Result<Option<KeyRow>> {
    c.query_row(
        &format!(
            "UPDATE security_keys SET name = ?3 WHERE user_id = ?1 AND public_id = ?2
             RETURNING {KEY_COLS}"
        ),
        params![user_id, public_id, name],
        key_row,
    )
    .optional()
}

/// Remove the account's key `public_id`: its name, or `None` when it has
/// none such.
pub fn remove(c: &Connection, user_id: i64, public_id: &str) -> rusqlite::Result<Option<String>> {
    c.query_row(
        "DELETE FROM security_keys WHERE user_id = ?1 AND public_id = ?2 RETURNING name",
        params![user_id, public_id],
        |r| r.get(0),
    )
    .optional()
}

/// A sign-in with the key counted `sign_count`: store it, with the
/// credential as the sign-in left it, only if the counter went up since the
/// last one this server accepted (or the key keeps none: 0 and 0).
/// `false` when it did not: a concurrent sign-in with a later count, or a
/// copy of the key. webauthn-rs compares the counter with the one the
/// sign-in's options were made with; this compares it with the one stored
/// now, which another sign-in may have raised meanwhile.
pub fn record_use(
    c: &Connection,
    key_id: i64,
    credential: &str,
    sign_count: u32,
    now: i64,
) -> rusqlite::Result<bool> {
    let n = c.execute(
        "UPDATE security_keys SET credential = ?2, sign_count = ?3, last_used_at = ?4
         WHERE id = ?1 AND (sign_count < ?3 OR (sign_count = 0 AND ?3 = 0))",
        params![key_id, credential, sign_count, now],
    )?;
    Ok(n == 1)
}

/// A sign-in with the key was refused for a counter that went backwards.
pub fn mark_counter_regressed(c: &Connection, key_id: i64, now: i64) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE security_keys SET counter_regressed_at = ?2 WHERE id = ?1",
        params![key_id, now],
    )?;
    Ok(())
}

/// The account's user handle for WebAuthn (a random UUID, given at its
/// first registration and kept: a key may store it).
pub fn user_handle(c: &Connection, user_id: i64, new: &str) -> rusqlite::Result<String> {
    c.execute(
        "UPDATE users SET webauthn_user_handle = ?2 WHERE id = ?1 AND webauthn_user_handle IS NULL",
        params![user_id, new],
    )?;
    c.query_row(
        "SELECT webauthn_user_handle FROM users WHERE id = ?1",
        params![user_id],
        |r| r.get(0),
    )
}

/// A registration in progress, found again by the challenge the key signed.
pub fn open_registration(
    c: &Connection,
    user_id: i64,
    challenge: &str,
    state: &str,
    expires_at: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO security_key_registrations (user_id, challenge, state, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![user_id, challenge, state, expires_at],
    )?;
    Ok(())
}

/// What taking a registration found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Registration {
    /// Live and unused: its state, now used.
    Taken(String),
    /// Used already (a concurrent finish took it).
    Used,
    /// None for this account and challenge, or expired.
    Unknown,
}

/// Take the account's registration for `challenge`: it works once (used
/// rows stay until they expire, so a second finish is told apart from an
/// unknown one).
pub fn take_registration(
    c: &Connection,
    user_id: i64,
    challenge: &str,
    now: i64,
) -> rusqlite::Result<Registration> {
    let found: Option<(i64, String, bool)> = c
        .query_row(
            "SELECT id, state, used_at IS NOT NULL FROM security_key_registrations
             WHERE user_id = ?1 AND challenge = ?2 AND expires_at > ?3",
            params![user_id, challenge, now],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(match found {
        None => Registration::Unknown,
        Some((_, _, true)) => Registration::Used,
        Some((id, state, false)) => {
            let n = c.execute(
                "UPDATE security_key_registrations SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL",
                params![id, now],
            )?;
            if n == 1 {
                Registration::Taken(state)
            } else {
                Registration::Used
            }
        }
    })
}

/// Housekeeping: forget registrations that are over.
pub fn prune(c: &Connection, now: i64) -> rusqlite::Result<()> {
    c.execute(
        "DELETE FROM security_key_registrations WHERE expires_at <= ?1",
        [now],
    )?;
    Ok(())
}
