//! Recovery request rows, their timeline, and the words of their mails.

use reclaim_core::api::{Reason, RecoveryRequestBody, RequestStatus, TimelineEntry};
use rusqlite::{params, Connection, OptionalExtension};

use crate::clock::{human_utc, rfc3339};
use crate::holds::Evidence;
use crate::mail::Letterhead;
use crate::store::accounts::{self, User};

#[derive(Debug, Clone)]
pub struct StoredRequest {
    pub seq: i64,
    pub public_id: String,
    pub token_hash: String,
    pub username: String,
    pub account_email: Option<String>,
    pub contact_email: String,
    pub reason: Option<Reason>,
    pub details: String,
    pub lost_access_on: Option<String>,
    pub previous_emails: Vec<String>,
    pub packages: Vec<String>,
    pub recovery_codes_status: String,
    /// The address a live `email_proof` proved, and when.
    pub email_proof_email: Option<String>,
    pub email_proof_at: Option<i64>,
    pub attached_to: Option<String>,
    /// The repository proof it carries (row of `repository_proofs`).
    pub repository_proof_id: Option<i64>,
    /// When its hold ends (unix s), with an email proof.
    pub hold_ends_at: Option<i64>,
    /// When a "This wasn't me" link cancelled it, and the address that
    /// link was mailed to.
    pub cancelled: Option<(i64, String)>,
    pub status: RequestStatus,
    pub submitted_at: i64,
    pub updated_at: i64,
    pub timeline: Vec<TimelineEntry>,
}

fn blank_to_none(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The case key: one open case per username (or per account email when the
/// user does not know the username).
fn case_key(body: &RecoveryRequestBody) -> (String, String) {
    if body.username.trim().is_empty() {
        (
            "account_email".into(),
            blank_to_none(&body.account_email).unwrap_or_default(),
        )
    } else {
        ("username".into(), body.username.trim().to_string())
    }
}

/// The account a request names: by its username, or else by the address
/// it gives for the account.
pub fn account_of(
    c: &Connection,
    username: &str,
    account_email: Option<&str>,
) -> rusqlite::Result<Option<User>> {
    let username = username.trim();
    if !username.is_empty() {
        return accounts::user_by_username(c, username);
    }
    match account_email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Ok(accounts::users_by_email(c, e)?.into_iter().next()),
        None => Ok(None),
    }
}

/// Insert a request (validated) carrying `evidence`, and its first
/// timeline entries; returns its seq and id.
pub fn insert(
    c: &Connection,
    body: &RecoveryRequestBody,
    evidence: &Evidence,
    token_hash: &str,
    year: i32,
    now: i64,
) -> rusqlite::Result<(i64, String)> {
    let (col, value) = case_key(body);
    let open: Option<i64> = c
        .query_row(
            &format!(
                "SELECT seq FROM requests WHERE {col} = ?1 COLLATE NOCASE AND attached_to IS NULL \
                 AND status IN ('received','in_review','awaiting_user') ORDER BY seq LIMIT 1"
            ),
            params![value],
            |r| r.get(0),
        )
        .optional()?;
    // What a live proof proved: an address, and when. Whose address it is
    // is for support to judge (`requests show` says), not a bare yes.
    let proof_valid = evidence.email.is_some();
    let (proof_email, proof_at) = match &evidence.email {
        Some(p) => (Some(p.email.clone()), Some(p.proven_at)),
        None => (None, None),
    };
    c.execute(
        "INSERT INTO requests (status_token_hash, username, account_email, contact_email, reason, details,
            lost_access_on, previous_emails, packages, recovery_codes_status, email_proof_valid,
            accepted_code_of_conduct, acknowledged_delay, attached_to, status, submitted_at, updated_at,
            email_proof_email, email_proof_at, repository_proof_id, hold_ends_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 'received', ?15, ?15, ?16, ?17, ?18, ?19)",
        params![
            token_hash,
            body.username.trim(),
            blank_to_none(&body.account_email),
            body.contact_email.trim(),
            body.reason.map(|r| r.as_str()).unwrap_or("other"),
            body.details,
            blank_to_none(&body.lost_access_on),
            serde_json::to_string(&body.previous_emails).unwrap_or_default(),
            serde_json::to_string(&body.packages).unwrap_or_default(),
            body.recovery_codes_status.map(|s| s.as_str()).unwrap_or(""),
            proof_valid,
            body.accepted_code_of_conduct,
            body.acknowledged_delay,
            open,
            now,
            proof_email,
            proof_at,
            evidence.repository.as_ref().map(|p| p.id),
            evidence.hold_ends_at,
        ],
    )?;
    let seq = c.last_insert_rowid();
    let id = assign_public_id(c, seq, year, || rand::random_range(0..1_000_000))?;
    add_event(c, seq, RequestStatus::Received, None, now)?;
    if let Some(until) = evidence.hold_ends_at {
        let proofs = match &evidence.repository {
            Some(p) => format!(
                "an email proof and a repository proof (a branch in {})",
                p.repository_url
            ),
            None => "an email proof".to_string(),
        };
        let note = format!(
            "Your request carries {proofs}. It is held until {}: the account's addresses have been told, \
             and each can cancel it until then. Nobody acts on it before.",
            human_utc(until)
        );
        add_event(c, seq, RequestStatus::Received, Some(&note), now)?;
    }
    Ok((seq, id))
}

/// Add an entry to the timeline of request `seq`.
pub fn add_event(
    c: &Connection,
    seq: i64,
    status: RequestStatus,
    note: Option<&str>,
    now: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO request_events (request_seq, status, note, at) VALUES (?1, ?2, ?3, ?4)",
        params![seq, status.as_str(), note, now],
    )?;
    Ok(())
}

/// Where an open request stands in support's queue (1: next): open cases
/// (attachments go with theirs) are taken in the order their holds end,
/// or they were filed, without a hold. `None` for a decided request.
pub fn queue_position(c: &Connection, req: &StoredRequest) -> rusqlite::Result<Option<u32>> {
    if !req.status.is_open() {
        return Ok(None);
    }
    let ready = req.hold_ends_at.unwrap_or(req.submitted_at);
    let ahead: u32 = c.query_row(
        "SELECT count(*) FROM requests WHERE attached_to IS NULL
           AND status IN ('received','in_review','awaiting_user')
           AND (COALESCE(hold_ends_at, submitted_at) < ?1
                OR (COALESCE(hold_ends_at, submitted_at) = ?1 AND seq < ?2))",
        params![ready, req.seq],
        |r| r.get(0),
    )?;
    Ok(Some(ahead + 1))
}

/// The timeline's note when a "This wasn't me" link cancelled a request.
pub const CANCELLED_NOTE: &str =
    "Cancelled with the \"This wasn't me\" link mailed to an address of the account. Nothing was changed on the account. \
     If you filed this request, contact support.";

/// Use a live cancel token of request `public_id`: the request (its seq)
/// and the address the token was mailed to, if it matched. The request is
/// closed, every token of it goes, and the account is flagged for support.
/// One statement finds and takes the token, so of concurrent uses one
/// cancels and the others find nothing.
pub fn cancel(
    c: &Connection,
    public_id: &str,
    token_hash: &str,
    now: i64,
) -> rusqlite::Result<Option<(i64, String)>> {
    let taken: Option<(i64, String)> = c
        .query_row(
            "DELETE FROM request_cancel_tokens
             WHERE request_seq = (SELECT seq FROM requests WHERE public_id = ?1)
               AND token_hash = ?2 AND expires_at > ?3
             RETURNING request_seq, email",
            params![public_id, token_hash, now],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((seq, email)) = taken else {
        return Ok(None);
    };
    c.execute(
        "DELETE FROM request_cancel_tokens WHERE request_seq = ?1",
        params![seq],
    )?;
    let closed = c.execute(
        "UPDATE requests SET status = 'closed', cancelled_at = ?2, cancelled_from = ?3, updated_at = ?2
         WHERE seq = ?1 AND status IN ('received','in_review','awaiting_user')",
        params![seq, now, email],
    )?;
    if closed == 0 {
        return Ok(None);
    }
    add_event(c, seq, RequestStatus::Closed, Some(CANCELLED_NOTE), now)?;
    let Some(req) = find_by_seq(c, seq)? else {
        return Ok(None);
    };
    if let Some(user) = account_of(c, &req.username, req.account_email.as_deref())? {
        c.execute(
            "INSERT INTO account_flags (user_id, request_seq, note, at) VALUES (?1, ?2, ?3, ?4)",
            params![
                user.id,
                seq,
                format!(
                    "recovery request {} cancelled from the notice mailed to {email}",
                    req.public_id
                ),
                now
            ],
        )?;
    }
    Ok(Some((seq, email)))
}

/// Support's flags on an account, oldest first: (note, when).
pub fn account_flags(c: &Connection, user_id: i64) -> rusqlite::Result<Vec<(String, i64)>> {
    let mut stmt =
        c.prepare("SELECT note, at FROM account_flags WHERE user_id = ?1 ORDER BY id")?;
    let rows = stmt.query_map(params![user_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Forget cancel tokens whose hold is over.
pub fn prune(c: &Connection, now: i64) -> rusqlite::Result<()> {
    c.execute(
        "DELETE FROM request_cancel_tokens WHERE expires_at <= ?1",
        [now],
    )?;
    Ok(())
}

/// Draws before giving up on a free id (the year's million nearly used up).
const ID_DRAWS: usize = 100;

/// Give request `seq` its public id: `RR-{year}-` and six digits drawn at
/// random by `draw` (0..1,000,000), not its row number, so an id tells
/// neither how many requests there are nor which ids exist next to it. A
/// drawn id already taken (the column is unique) is drawn again.
fn assign_public_id(
    c: &Connection,
    seq: i64,
    year: i32,
    mut draw: impl FnMut() -> u32,
) -> rusqlite::Result<String> {
    for _ in 0..ID_DRAWS {
        let id = format!("RR-{year}-{:06}", draw() % 1_000_000);
        match c.execute(
            "UPDATE requests SET public_id = ?2 WHERE seq = ?1",
            params![seq, id],
        ) {
            Ok(_) => return Ok(id),
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                continue
            }
            Err(e) => return Err(e),
        }
    }
    Err(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
        Some(format!("no free recovery request id left in {year}")),
    ))
}

const REQ_COLS: &str = "r.seq, r.public_id, r.status_token_hash, r.username, r.account_email, r.contact_email, r.reason,
    r.details, r.lost_access_on, r.previous_emails, r.packages, r.recovery_codes_status, r.email_proof_valid,
    p.public_id, r.status, r.submitted_at, r.updated_at, r.email_proof_email, r.email_proof_at,
    r.repository_proof_id, r.hold_ends_at, r.cancelled_at, r.cancelled_from";

fn row(r: &rusqlite::Row) -> rusqlite::Result<StoredRequest> {
    let list = |s: String| serde_json::from_str::<Vec<String>>(&s).unwrap_or_default();
    Ok(StoredRequest {
        seq: r.get(0)?,
        public_id: r.get(1)?,
        token_hash: r.get(2)?,
        username: r.get(3)?,
        account_email: r.get(4)?,
        contact_email: r.get(5)?,
        reason: Reason::parse(&r.get::<_, String>(6)?),
        details: r.get(7)?,
        lost_access_on: r.get(8)?,
        previous_emails: list(r.get(9)?),
        packages: list(r.get(10)?),
        recovery_codes_status: r.get(11)?,
        attached_to: r.get(13)?,
        status: RequestStatus::parse(&r.get::<_, String>(14)?).unwrap_or(RequestStatus::Received),
        submitted_at: r.get(15)?,
        updated_at: r.get(16)?,
        email_proof_email: r.get(17)?,
        email_proof_at: r.get(18)?,
        repository_proof_id: r.get(19)?,
        hold_ends_at: r.get(20)?,
        cancelled: match (r.get(21)?, r.get(22)?) {
            (Some(at), Some(from)) => Some((at, from)),
            _ => None,
        },
        timeline: Vec::new(),
    })
}

pub fn find(c: &Connection, public_id: &str) -> rusqlite::Result<Option<StoredRequest>> {
    let Some(mut req) = find_row(c, public_id)? else {
        return Ok(None);
    };
    req.timeline = timeline(c, req.seq)?;
    Ok(Some(req))
}

/// The request without its timeline (the status page reads that only once
/// the token matched, so a wrong token costs what an unknown id costs).
pub fn find_row(c: &Connection, public_id: &str) -> rusqlite::Result<Option<StoredRequest>> {
    c.query_row(
        &format!("SELECT {REQ_COLS} FROM requests r LEFT JOIN requests p ON p.seq = r.attached_to WHERE r.public_id = ?1"),
        params![public_id],
        row,
    )
    .optional()
}

fn find_by_seq(c: &Connection, seq: i64) -> rusqlite::Result<Option<StoredRequest>> {
    c.query_row(
        &format!("SELECT {REQ_COLS} FROM requests r LEFT JOIN requests p ON p.seq = r.attached_to WHERE r.seq = ?1"),
        params![seq],
        row,
    )
    .optional()
}

pub fn timeline(c: &Connection, seq: i64) -> rusqlite::Result<Vec<TimelineEntry>> {
    let mut stmt = c.prepare_cached(
        "SELECT status, note, at FROM request_events WHERE request_seq = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![seq], |r| {
        Ok(TimelineEntry {
            status: RequestStatus::parse(&r.get::<_, String>(0)?)
                .unwrap_or(RequestStatus::Received),
            note: r.get(1)?,
            at: rfc3339(r.get(2)?),
        })
    })?;
    rows.collect()
}

/// Newest first; `open_only` hides decided cases.
pub fn list(c: &Connection, open_only: bool) -> rusqlite::Result<Vec<StoredRequest>> {
    let filter = if open_only {
        "WHERE r.status IN ('received','in_review','awaiting_user')"
    } else {
        ""
    };
    let mut stmt = c.prepare(&format!(
        "SELECT {REQ_COLS} FROM requests r LEFT JOIN requests p ON p.seq = r.attached_to {filter} ORDER BY r.seq DESC"
    ))?;
    let rows = stmt.query_map([], row)?;
    rows.collect()
}

/// Ids of the requests attached to this one.
pub fn attachments(c: &Connection, seq: i64) -> rusqlite::Result<Vec<String>> {
    let mut stmt =
        c.prepare("SELECT public_id FROM requests WHERE attached_to = ?1 ORDER BY seq")?;
    let rows = stmt.query_map(params![seq], |r| r.get(0))?;
    rows.collect()
}

/// The timeline's note when a request's status token was replaced.
pub const TOKEN_REPLACED_NOTE: &str =
    "A new status token was issued by a code mailed to the contact address. The one before it no longer works.";

/// Give request `seq` a new status token (its hash `token_hash`): the one
/// before it stops working. A timeline entry with the request's current
/// status says so, for the requester and for support.
pub fn replace_status_token(
    c: &Connection,
    seq: i64,
    token_hash: &str,
    now: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE requests SET status_token_hash = ?2, updated_at = ?3 WHERE seq = ?1",
        params![seq, token_hash, now],
    )?;
    c.execute(
        "INSERT INTO request_events (request_seq, status, note, at)
         SELECT seq, status, ?2, ?3 FROM requests WHERE seq = ?1",
        params![seq, TOKEN_REPLACED_NOTE, now],
    )?;
    Ok(())
}

/// Move a request to `status` with a note for the user; queues the mail.
pub fn set_status(
    c: &Connection,
    letterhead: &Letterhead,
    req: &StoredRequest,
    status: RequestStatus,
    note: Option<&str>,
    now: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE requests SET status = ?2, updated_at = ?3 WHERE seq = ?1",
        params![req.seq, status.as_str(), now],
    )?;
    add_event(c, req.seq, status, note, now)?;
    // Support's own mail to a requester: not for anyone to trigger, so
    // outside the budget and the notice cap.
    crate::mail::queue_from_support(
        c,
        &req.contact_email,
        &crate::mail::templates::request_updated(
            letterhead,
            &req.public_id,
            status_words(status),
            note,
        ),
        now,
    )
}

pub fn status_words(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Received => "received",
        RequestStatus::InReview => "in review",
        RequestStatus::AwaitingUser => "waiting for you",
        RequestStatus::Approved => "approved",
        RequestStatus::Rejected => "rejected",
        RequestStatus::Closed => "closed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(username: &str) -> RecoveryRequestBody {
        serde_json::from_value(serde_json::json!({
            "username": username,
            "contact_email": "someone@example.org",
            "reason": "lost_2fa",
            "details": "I lost the phone with my authenticator app.",
            "previous_emails": [],
            "packages": [],
            "recovery_codes_status": "lost",
            "accepted_code_of_conduct": true,
            "acknowledged_delay": true
        }))
        .unwrap()
    }

    fn db() -> Connection {
        let mut c = Connection::open_in_memory().unwrap();
        crate::store::migrations::migrate(&mut c).unwrap();
        c
    }

    fn well_formed(id: &str, year: i32) -> Option<u32> {
        let digits = id.strip_prefix(&format!("RR-{year}-"))?;
        (digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    }

    #[test]
    fn request_ids_are_random_well_formed_and_unique() {
        let c = db();
        let ids: Vec<String> = (0..12)
            .map(|i| {
                let body = body(&format!("user{i}"));
                insert(&c, &body, &Evidence::default(), "h", 2026, 1_800_000_000)
                    .unwrap()
                    .1
            })
            .collect();
        let numbers: Vec<u32> = ids
            .iter()
            .map(|id| well_formed(id, 2026).unwrap_or_else(|| panic!("{id}")))
            .collect();
        let consecutive = numbers.windows(2).filter(|w| w[1] == w[0] + 1).count();
        // Sequential ids would give 11 of 11; twelve random draws from a
        // million almost never give two.
        assert!(consecutive < 2, "{ids:?}");
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{ids:?}");
        for id in &ids {
            assert!(find(&c, id).unwrap().is_some(), "{id} is stored");
        }
    }

    #[test]
    fn a_drawn_id_already_taken_is_drawn_again() {
        let c = db();
        let (_, first) = insert(&c, &body("a"), &Evidence::default(), "h", 2026, 0).unwrap();
        let taken = well_formed(&first, 2026).unwrap();
        c.execute(
            "INSERT INTO requests (status_token_hash, username, contact_email, reason, details,
                previous_emails, packages, recovery_codes_status, accepted_code_of_conduct,
                acknowledged_delay, status, submitted_at, updated_at)
             VALUES ('h', 'b', 'b@example.org', 'other', '', '[]', '[]', '', 1, 1, 'received', 0, 0)",
            [],
        )
        .unwrap();
        let seq = c.last_insert_rowid();
        let mut draws = vec![taken, taken, 424_242].into_iter();
        let id = assign_public_id(&c, seq, 2026, || draws.next().unwrap()).unwrap();
        assert_eq!(id, "RR-2026-424242");
        assert_eq!(draws.next(), None, "two collisions, then a free id");
        // A year whose ids are all taken fails instead of looping.
        let err = assign_public_id(&c, seq, 2026, || taken).unwrap_err();
        assert!(err.to_string().contains("no free"), "{err}");
    }
}
