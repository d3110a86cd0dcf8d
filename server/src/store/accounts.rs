//! Accounts: the user row, its authenticator and recovery-code set (and
//! what goes when a second factor does), password, previous addresses and
//! projects.

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

/// A code of the current set as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecoveryCode {
    pub id: i64,
    /// argon2id of the code.
    pub hash: String,
    pub used: bool,
    /// `ServerKey::recovery_code_tag` of the code; none for codes stored
    /// before tags were.
    pub tag: Option<String>,
}

/// A new code to store: its argon2id hash and its tag.
#[derive(Debug, Clone)]
pub struct NewRecoveryCode {
    pub hash: String,
    pub tag: String,
}

/// The codes of the current set, with whether each is burned.
pub fn recovery_codes(c: &Connection, user_id: i64) -> rusqlite::Result<Vec<StoredRecoveryCode>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, code_hash, used_at IS NOT NULL, tag FROM recovery_codes WHERE user_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![user_id], |r| {
        Ok(StoredRecoveryCode {
            id: r.get(0)?,
            hash: r.get(1)?,
            used: r.get(2)?,
            tag: r.get(3)?,
        })
    })?;
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
    codes: &[NewRecoveryCode],
    now: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "DELETE FROM recovery_codes WHERE user_id = ?1",
        params![user_id],
    )?;
    for code in codes {
        c.execute(
            "INSERT INTO recovery_codes (user_id, code_hash, tag) VALUES (?1, ?2, ?3)",
            params![user_id, code.hash, code.tag],
        )?;
    }
    c.execute(
        "UPDATE users SET codes_generated_at = ?2 WHERE id = ?1",
        params![user_id, now],
    )?;
    Ok(())
}

/// A code of the current set was used (the set was stored somewhere).
pub fn codes_proven(c: &Connection, user_id: i64) -> rusqlite::Result<bool> {
    c.query_row(
        "SELECT EXISTS (SELECT 1 FROM recovery_codes WHERE user_id = ?1 AND used_at IS NOT NULL)",
        params![user_id],
        |r| r.get(0),
    )
}

pub fn burn_recovery_code(c: &Connection, code_id: i64, now: i64) -> rusqlite::Result<bool> {
    let n = c.execute(
        "UPDATE recovery_codes SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL",
        params![code_id, now],
    )?;
    Ok(n == 1)
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

/// Record a used authenticator step; `false` if this step (or a later one)
/// was already used, e.g. by a concurrent sign-in with the same code.
pub fn use_totp_step(c: &Connection, user_id: i64, step: i64) -> rusqlite::Result<bool> {
    let n = c.execute(
        "UPDATE users SET totp_last_step = ?2
         WHERE id = ?1 AND (totp_last_step IS NULL OR totp_last_step < ?2)",
        params![user_id, step],
    )?;
    Ok(n == 1)
}

/// Start adding an authenticator: a pending secret until `expires_at`.
/// `false` when one is already set up.
pub fn start_totp(
    c: &Connection,
    user_id: i64,
    secret: &str,
    expires_at: i64,
) -> rusqlite::Result<bool> {
    let n = c.execute(
        "UPDATE users SET totp_pending_secret = ?2, totp_pending_expires = ?3
         WHERE id = ?1 AND totp_secret IS NULL",
        params![user_id, secret, expires_at],
    )?;
    Ok(n == 1)
}

/// What confirming a pending authenticator did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TotpConfirmed {
    /// Set up now, from this pending secret.
    Now,
    /// A concurrent confirmation of the same secret set it up already.
    Already,
    /// The pending secret is gone or another one (start again).
    No,
}

/// Turn the pending secret the code was checked against into the account's
/// authenticator, only if it is still the pending one.
pub fn confirm_totp(
    c: &Connection,
    user_id: i64,
    secret: &str,
    step: i64,
    now: i64,
) -> rusqlite::Result<TotpConfirmed> {
    let n = c.execute(
        "UPDATE users SET totp_secret = ?2, totp_last_step = ?3, totp_changed_at = ?4,
            totp_pending_secret = NULL, totp_pending_expires = NULL
         WHERE id = ?1 AND totp_secret IS NULL AND totp_pending_secret = ?2",
        params![user_id, secret, step, now],
    )?;
    if n == 1 {
        return Ok(TotpConfirmed::Now);
    }
    let same: bool = c.query_row(
        "SELECT totp_secret IS NOT NULL AND totp_secret = ?2 FROM users WHERE id = ?1",
        params![user_id, secret],
        |r| r.get(0),
    )?;
    Ok(if same {
        TotpConfirmed::Already
    } else {
        TotpConfirmed::No
    })
}

/// Remove the authenticator, and the recovery codes with it when it was the
/// last second factor ([`after_factor_removed`]). `None` when there was none.
pub fn remove_totp(c: &Connection, user_id: i64, now: i64) -> rusqlite::Result<Option<Remaining>> {
    let n = c.execute(
        "UPDATE users SET totp_secret = NULL, totp_last_step = NULL, totp_pending_secret = NULL,
            totp_pending_expires = NULL, totp_changed_at = ?2
         WHERE id = ?1 AND totp_secret IS NOT NULL",
        params![user_id, now],
    )?;
    if n == 0 {
        return Ok(None);
    }
    after_factor_removed(c, user_id).map(Some)
}

/// Remove every second factor of the account (an operator's approval of
/// a recovery request): the authenticator, its pending setup, the security
/// keys and the recovery codes. Answers how many security keys went.
pub fn remove_second_factors(c: &Connection, user_id: i64, now: i64) -> rusqlite::Result<usize> {
    c.execute(
        "UPDATE users SET totp_secret = NULL, totp_last_step = NULL, totp_pending_secret = NULL,
            totp_pending_expires = NULL, totp_changed_at = ?2, codes_generated_at = NULL
         WHERE id = ?1",
        params![user_id, now],
    )?;
    c.execute(
        "DELETE FROM recovery_codes WHERE user_id = ?1",
        params![user_id],
    )?;
    c.execute(
        "DELETE FROM security_key_registrations WHERE user_id = ?1",
        params![user_id],
    )?;
    c.execute(
        "DELETE FROM security_keys WHERE user_id = ?1",
        params![user_id],
    )
}

/// What the account signs in with once a second factor is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remaining {
    /// Another second factor (the authenticator or a security key): the
    /// recovery codes stay.
    AnotherFactor,
    /// The password only; `codes_deleted` when a code set went with the
    /// last factor.
    PasswordOnly { codes_deleted: bool },
}

/// A second factor was just removed: if it was the last one, the recovery
/// codes go too. They exist only alongside a second factor: a code set
/// alone would make every sign-in demand a code until none were left.
pub fn after_factor_removed(c: &Connection, user_id: i64) -> rusqlite::Result<Remaining> {
    if let Some((true, _)) = second_factors_now(c, user_id)? {
        return Ok(Remaining::AnotherFactor);
    }
    c.execute(
        "UPDATE users SET codes_generated_at = NULL WHERE id = ?1",
        params![user_id],
    )?;
    let codes = c.execute(
        "DELETE FROM recovery_codes WHERE user_id = ?1",
        params![user_id],
    )?;
    Ok(Remaining::PasswordOnly {
        codes_deleted: codes > 0,
    })
}

/// Whether a second factor (an authenticator or a security key) is set up,
/// and when the current code set was generated, as stored now (for changes
/// decided on an earlier read).
pub fn second_factors_now(
    c: &Connection,
    user_id: i64,
) -> rusqlite::Result<Option<(bool, Option<i64>)>> {
    c.query_row(
        "SELECT totp_secret IS NOT NULL
            OR EXISTS (SELECT 1 FROM security_keys WHERE user_id = users.id),
            codes_generated_at
         FROM users WHERE id = ?1",
        params![user_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// What [`seal_plaintext_totp_secrets`] found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sealing {
    /// Plaintext secrets (set up or pending) sealed now.
    pub sealed: usize,
    /// Sealed secrets that do not open with this key (another key file).
    pub unreadable: usize,
}

/// The keyed migration of authenticator secrets: every plaintext one
/// (`totp_secret` and a pending `totp_pending_secret`, as written before
/// they were encrypted) is sealed under the server key, in one
/// transaction. It needs the key, so it runs at every start after the
/// numbered migrations; once all are sealed it changes nothing. The
/// plaintext is overwritten in the file (`secure_delete`) and the WAL is
/// checkpointed, so no copy of it is left in the database's files.
pub fn seal_plaintext_totp_secrets(
    c: &mut Connection,
    key: &crate::crypto::ServerKey,
) -> rusqlite::Result<Sealing> {
    let plaintext: i64 = c.query_row(
        "SELECT count(*) FROM users
         WHERE (totp_secret IS NOT NULL AND totp_secret NOT LIKE 'x1:%')
            OR (totp_pending_secret IS NOT NULL AND totp_pending_secret NOT LIKE 'x1:%')",
        [],
        |r| r.get(0),
    )?;
    if plaintext > 0 {
        c.pragma_update(None, "secure_delete", "ON")?;
    }
    let found = seal_rows(c, key);
    if plaintext > 0 {
        c.pragma_update(None, "secure_delete", "OFF")?;
        if found.as_ref().is_ok_and(|f| f.sealed > 0) {
            // The WAL still holds the pages as they were: fold it in and
            // empty it (a memory database has no WAL: nothing to do).
            let _ = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
    }
    found
}

fn seal_rows(c: &mut Connection, key: &crate::crypto::ServerKey) -> rusqlite::Result<Sealing> {
    let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let rows: Vec<(i64, Option<String>, Option<String>)> = {
        let mut stmt = tx.prepare(
            "SELECT id, totp_secret, totp_pending_secret FROM users
             WHERE totp_secret IS NOT NULL OR totp_pending_secret IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut found = Sealing::default();
    for (id, secret, pending) in rows {
        for (column, value) in [("totp_secret", secret), ("totp_pending_secret", pending)] {
            let Some(value) = value else { continue };
            if crate::crypto::is_sealed(&value) {
                if key.open_totp(id, &value).is_none() {
                    found.unreadable += 1;
                }
                continue;
            }
            tx.execute(
                &format!("UPDATE users SET {column} = ?2 WHERE id = ?1"),
                params![id, key.seal_totp(id, &value)],
            )?;
            found.sealed += 1;
        }
    }
    tx.commit()?;
    Ok(found)
}

pub fn set_password(c: &Connection, user_id: i64, hash: &str, now: i64) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE users SET password_hash = ?2, password_changed_at = ?3 WHERE id = ?1",
        params![user_id, hash, now],
    )?;
    Ok(())
}

/// The signed-in account proved it reads its own address `email`: that
/// address counts as verified (only if it is still the account's address).
/// An anonymous code never gets here: reading a mailbox is not owning the
/// accounts that use it.
pub fn mark_own_email_verified(
    c: &Connection,
    user_id: i64,
    email: &str,
) -> rusqlite::Result<bool> {
    let n = c.execute(
        "UPDATE users SET email_verified = 1 WHERE id = ?1 AND email = ?2",
        params![user_id, email],
    )?;
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::ServerKey;
    use crate::demo::alice_totp_secret;

    const PENDING: &str = "KRUGS4ZANFZSA5DIMUQHAZLOMRUW4ZZA";

    fn file_bytes(path: &std::path::Path) -> Vec<u8> {
        let mut all = std::fs::read(path).unwrap_or_default();
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        all.extend(std::fs::read(std::path::PathBuf::from(wal)).unwrap_or_default());
        all
    }

    fn contains(hay: &[u8], needle: &str) -> bool {
        hay.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    #[test]
    fn plaintext_authenticator_secrets_of_old_rows_are_sealed_in_the_file() {
        let dir = std::env::temp_dir().join(format!(
            "reclaim-seal-{}-{}",
            std::process::id(),
            crate::crypto::hex(&crate::crypto::random_bytes::<4>())
        ));
        let path = dir.join("reclaim.sqlite3");
        let db = crate::store::Db::open(&path).unwrap();
        let key = ServerKey::ephemeral();
        // Rows as an older server wrote them: the secrets in plain text.
        let (alice, carol) = db
            .blocking(|c| {
                for (name, secret, pending) in [
                    ("alice", Some(alice_totp_secret()), None),
                    ("carol", None, Some(PENDING)),
                    ("bob", None, None),
                ] {
                    c.execute(
                        "INSERT INTO users (username, email, password_hash, totp_secret,
                            totp_pending_secret, totp_pending_expires, created_at)
                         VALUES (?1, ?1 || '@example.org', 'x', ?2, ?3, 9999999999, 0)",
                        params![name, secret, pending],
                    )?;
                }
                c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
                let id = |n: &str| user_by_username(c, n).map(|u| u.unwrap().id);
                Ok((id("alice")?, id("carol")?))
            })
            .unwrap();
        assert!(
            contains(&file_bytes(&path), alice_totp_secret()),
            "the old row"
        );

        let found = db
            .blocking(|c| Ok(seal_plaintext_totp_secrets(c, &key)?))
            .unwrap();
        assert_eq!(
            found,
            Sealing {
                sealed: 2,
                unreadable: 0
            }
        );
        let bytes = file_bytes(&path);
        for plain in [alice_totp_secret(), PENDING] {
            assert!(!contains(&bytes, plain), "{plain} is left in the files");
        }
        let (a, c) = db
            .blocking(|c| {
                Ok((
                    user_by_id(c, alice)?.unwrap(),
                    user_by_id(c, carol)?.unwrap(),
                ))
            })
            .unwrap();
        let stored = a.totp_secret.unwrap();
        assert!(crate::crypto::is_sealed(&stored), "{stored}");
        assert_eq!(
            key.open_totp(alice, &stored).as_deref(),
            Some(alice_totp_secret())
        );
        assert_eq!(
            crate::totp::open_stored(&key, alice, &stored),
            crate::totp::base32_decode(alice_totp_secret())
        );
        let pending = c.totp_pending_secret.unwrap();
        assert_eq!(key.open_totp(carol, &pending).as_deref(), Some(PENDING));

        // Run again (every start): nothing more to do; another key's rows
        // are counted as unreadable, and left alone.
        let again = db
            .blocking(|c| Ok(seal_plaintext_totp_secrets(c, &key)?))
            .unwrap();
        assert_eq!(again, Sealing::default());
        let other = db
            .blocking(|c| Ok(seal_plaintext_totp_secrets(c, &ServerKey::ephemeral())?))
            .unwrap();
        assert_eq!(
            other,
            Sealing {
                sealed: 0,
                unreadable: 2
            }
        );
        drop(db);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
