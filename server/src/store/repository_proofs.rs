//! Repository proofs: the repositories an email proof can use, the token
//! issued for one of them, and what the check found.
//!
//! The token is not a secret (it is pushed to a public repository), so it
//! is stored as it is; what makes a proof the requester's is the email
//! proof it was made with (stored as its hash, like the proof itself).

use rusqlite::{params, Connection, OptionalExtension};

/// A project's repository that can prove an account of a proven address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub user_id: i64,
    pub project: String,
    pub repository_url: String,
    /// Since when it is listed on the project (unix s).
    pub listed_at: i64,
}

/// The repositories of the projects of every account whose address is, or
/// was, `email`, listed on their project before `before` (unix s): one
/// listed later proves nothing, as whoever took the project over after the
/// lock-out could have listed it. A project whose listing date is unknown
/// does not count either.
pub fn candidates(c: &Connection, email: &str, before: i64) -> rusqlite::Result<Vec<Candidate>> {
    let mut stmt = c.prepare_cached(
        "SELECT p.user_id, p.name, p.repository_url, p.repository_listed_at FROM projects p
         WHERE p.repository_url IS NOT NULL AND p.repository_listed_at < ?2
           AND p.user_id IN (SELECT id FROM users WHERE email = ?1 COLLATE NOCASE
                             UNION SELECT user_id FROM previous_emails WHERE email = ?1 COLLATE NOCASE)
         ORDER BY p.name, p.user_id",
    )?;
    let rows = stmt.query_map(params![email, before], |r| {
        Ok(Candidate {
            user_id: r.get(0)?,
            project: r.get(1)?,
            repository_url: r.get(2)?,
            listed_at: r.get(3)?,
        })
    })?;
    rows.collect()
}

/// One issued proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    pub id: i64,
    pub public_id: String,
    pub user_id: i64,
    pub project: String,
    pub repository_url: String,
    pub listed_at: i64,
    pub token: String,
    pub expires_at: i64,
    /// What the check found: the full ref name, its commit, when.
    pub found: Option<Found>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub ref_name: String,
    pub commit: String,
    pub at: i64,
}

const COLS: &str = "id, public_id, user_id, project, repository_url, listed_at, token, expires_at, ref_name, commit_id, checked_at";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Proof> {
    let found = match (r.get(8)?, r.get(9)?, r.get(10)?) {
        (Some(ref_name), Some(commit), Some(at)) => Some(Found {
            ref_name,
            commit,
            at,
        }),
        _ => None,
    };
    Ok(Proof {
        id: r.get(0)?,
        public_id: r.get(1)?,
        user_id: r.get(2)?,
        project: r.get(3)?,
        repository_url: r.get(4)?,
        listed_at: r.get(5)?,
        token: r.get(6)?,
        expires_at: r.get(7)?,
        found,
    })
}

/// Issue a proof of `candidate` for the email proof `email_proof_hash`,
/// until `expires_at`.
pub fn insert(
    c: &Connection,
    public_id: &str,
    email_proof_hash: &str,
    candidate: &Candidate,
    token: &str,
    expires_at: i64,
    now: i64,
) -> rusqlite::Result<Proof> {
    c.execute(
        "INSERT INTO repository_proofs (public_id, email_proof_hash, user_id, project, repository_url,
            listed_at, token, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            public_id,
            email_proof_hash,
            candidate.user_id,
            candidate.project,
            candidate.repository_url,
            candidate.listed_at,
            token,
            now,
            expires_at
        ],
    )?;
    Ok(Proof {
        id: c.last_insert_rowid(),
        public_id: public_id.to_string(),
        user_id: candidate.user_id,
        project: candidate.project.clone(),
        repository_url: candidate.repository_url.clone(),
        listed_at: candidate.listed_at,
        token: token.to_string(),
        expires_at,
        found: None,
    })
}

/// The live proof already issued for this email proof and repository, so
/// asking again gives the same token rather than a new branch to push.
pub fn live_for(
    c: &Connection,
    email_proof_hash: &str,
    candidate: &Candidate,
    now: i64,
) -> rusqlite::Result<Option<Proof>> {
    c.query_row(
        &format!(
            "SELECT {COLS} FROM repository_proofs WHERE email_proof_hash = ?1 AND user_id = ?2
             AND repository_url = ?3 AND expires_at > ?4 ORDER BY id DESC LIMIT 1"
        ),
        params![
            email_proof_hash,
            candidate.user_id,
            candidate.repository_url,
            now
        ],
        row,
    )
    .optional()
}

/// The live proof `public_id`, if it was made with this email proof.
pub fn live(
    c: &Connection,
    public_id: &str,
    email_proof_hash: &str,
    now: i64,
) -> rusqlite::Result<Option<Proof>> {
    c.query_row(
        &format!(
            "SELECT {COLS} FROM repository_proofs WHERE public_id = ?1 AND email_proof_hash = ?2 AND expires_at > ?3"
        ),
        params![public_id, email_proof_hash, now],
        row,
    )
    .optional()
}

/// The proof a request carries (by row).
pub fn by_id(c: &Connection, id: i64) -> rusqlite::Result<Option<Proof>> {
    c.query_row(
        &format!("SELECT {COLS} FROM repository_proofs WHERE id = ?1"),
        params![id],
        row,
    )
    .optional()
}

/// Record what the check found; a proof found already keeps its first
/// finding (the commit support is shown is the one first seen).
pub fn record_found(c: &Connection, id: i64, found: &Found) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE repository_proofs SET ref_name = ?2, commit_id = ?3, checked_at = ?4
         WHERE id = ?1 AND checked_at IS NULL",
        params![id, found.ref_name, found.commit, found.at],
    )?;
    Ok(())
}

/// Forget expired proofs no request carries.
pub fn prune(c: &Connection, now: i64) -> rusqlite::Result<()> {
    c.execute(
        "DELETE FROM repository_proofs WHERE expires_at <= ?1
         AND id NOT IN (SELECT repository_proof_id FROM requests WHERE repository_proof_id IS NOT NULL)",
        [now],
    )?;
    Ok(())
}
