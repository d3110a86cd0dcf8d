//! One-time email codes (stored as a keyed hash, see `routes::auth`), the
//! proofs a correct code gives (stored as SHA-256 of 256 random bits), the
//! codes a signed-in account verifies its own address with, and the codes
//! that get a recovery request's lost status token back.

use rusqlite::{params, Connection, OptionalExtension};

pub fn insert_code(
    c: &Connection,
    email: &str,
    code_hash: &str,
    expires_at: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO email_codes (email, code_hash, expires_at) VALUES (?1, ?2, ?3)",
        params![email, code_hash, expires_at],
    )?;
    Ok(())
}

/// Use a live code: `true` if it matched; every code of the address goes.
pub fn take_code(c: &Connection, email: &str, code_hash: &str, now: i64) -> rusqlite::Result<bool> {
    let hit = c.execute(
        "DELETE FROM email_codes WHERE email = ?1 AND code_hash = ?2 AND expires_at > ?3",
        params![email, code_hash, now],
    )?;
    if hit > 0 {
        c.execute("DELETE FROM email_codes WHERE email = ?1", params![email])?;
    }
    Ok(hit > 0)
}

pub fn insert_proof(
    c: &Connection,
    proof_hash: &str,
    email: &str,
    expires_at: i64,
    now: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO email_proofs (proof_hash, email, expires_at, proven_at) VALUES (?1, ?2, ?3, ?4)",
        params![proof_hash, email, expires_at, now],
    )?;
    Ok(())
}

/// A live proof: the address it proved, when (unix s; 0 for a proof from
/// before that was recorded) and until when it works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveProof {
    pub email: String,
    pub proven_at: i64,
    pub expires_at: i64,
}

pub fn live_proof(
    c: &Connection,
    proof_hash: &str,
    now: i64,
) -> rusqlite::Result<Option<LiveProof>> {
    c.query_row(
        "SELECT email, COALESCE(proven_at, 0), expires_at FROM email_proofs
         WHERE proof_hash = ?1 AND expires_at > ?2",
        params![proof_hash, now],
        |r| {
            Ok(LiveProof {
                email: r.get(0)?,
                proven_at: r.get(1)?,
                expires_at: r.get(2)?,
            })
        },
    )
    .optional()
}

pub fn prune(c: &Connection, now: i64) -> rusqlite::Result<()> {
    c.execute("DELETE FROM email_codes WHERE expires_at <= ?1", [now])?;
    c.execute("DELETE FROM email_proofs WHERE expires_at <= ?1", [now])?;
    c.execute(
        "DELETE FROM account_email_codes WHERE expires_at <= ?1",
        [now],
    )?;
    c.execute(
        "DELETE FROM request_status_codes WHERE expires_at <= ?1",
        [now],
    )?;
    Ok(())
}

/// A code a signed-in account asked for, to verify its own address
/// (`/account/email-verification`). Kept apart from the anonymous codes: an
/// anonymous code proves a mailbox for a request and never verifies an
/// account, and a stranger's codes for the address never touch these.
pub fn insert_account_code(
    c: &Connection,
    user_id: i64,
    email: &str,
    code_hash: &str,
    expires_at: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO account_email_codes (user_id, email, code_hash, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![user_id, email, code_hash, expires_at],
    )?;
    Ok(())
}

/// Use a live code of this account for this address: `true` if it matched;
/// every code of the account goes.
pub fn take_account_code(
    c: &Connection,
    user_id: i64,
    email: &str,
    code_hash: &str,
    now: i64,
) -> rusqlite::Result<bool> {
    let hit = c.execute(
        "DELETE FROM account_email_codes WHERE user_id = ?1 AND email = ?2 AND code_hash = ?3 AND expires_at > ?4",
        params![user_id, email, code_hash, now],
    )?;
    if hit > 0 {
        c.execute(
            "DELETE FROM account_email_codes WHERE user_id = ?1",
            params![user_id],
        )?;
    }
    Ok(hit > 0)
}

/// A code mailed to the contact address of request `request_seq`, for a new
/// status token. Kept apart from the anonymous codes: it proves nothing
/// about a mailbox to anyone but this request, and using one never voids
/// the address's other codes.
pub fn insert_status_code(
    c: &Connection,
    request_seq: i64,
    code_hash: &str,
    expires_at: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO request_status_codes (request_seq, code_hash, expires_at) VALUES (?1, ?2, ?3)",
        params![request_seq, code_hash, expires_at],
    )?;
    Ok(())
}

/// Use a live code of the request with public id `public_id`: its row
/// (`seq`) if the code matched, and every code of the request goes. One
/// statement whether or not the id exists, so an unknown id costs what a
/// wrong code does; of two concurrent uses of one code, one gets it.
pub fn take_status_code(
    c: &Connection,
    public_id: &str,
    code_hash: &str,
    now: i64,
) -> rusqlite::Result<Option<i64>> {
    let seq: Option<i64> = c
        .query_row(
            "DELETE FROM request_status_codes
             WHERE request_seq = (SELECT seq FROM requests WHERE public_id = ?1)
               AND code_hash = ?2 AND expires_at > ?3
             RETURNING request_seq",
            params![public_id, code_hash, now],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(seq) = seq {
        c.execute(
            "DELETE FROM request_status_codes WHERE request_seq = ?1",
            params![seq],
        )?;
    }
    Ok(seq)
}
