//! Recovery request rows, their timeline, and the words of their mails.

use reclaim_core::api::{Reason, RecoveryRequestBody, RequestStatus, TimelineEntry};
use rusqlite::{params, Connection, OptionalExtension};

use crate::clock::rfc3339;
use crate::crypto::sha256_hex;

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

/// Insert a request (validated) and its first timeline entry; returns its id.
pub fn insert(
    c: &Connection,
    body: &RecoveryRequestBody,
    token_hash: &str,
    year: i32,
    now: i64,
) -> rusqlite::Result<String> {
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
    let proof: Option<(String, Option<i64>)> = match blank_to_none(&body.email_proof) {
        Some(p) => super::email_codes::proof(c, &sha256_hex(&p), now)?,
        None => None,
    };
    let proof_valid = proof.is_some();
    let (proof_email, proof_at) = match proof {
        Some((e, at)) => (Some(e), at.or(Some(now))),
        None => (None, None),
    };
    c.execute(
        "INSERT INTO requests (status_token_hash, username, account_email, contact_email, reason, details,
            lost_access_on, previous_emails, packages, recovery_codes_status, email_proof_valid,
            accepted_code_of_conduct, acknowledged_delay, attached_to, status, submitted_at, updated_at,
            email_proof_email, email_proof_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 'received', ?15, ?15, ?16, ?17)",
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
        ],
    )?;
    let seq = c.last_insert_rowid();
    let id = format!("RR-{year}-{seq:06}");
    c.execute(
        "UPDATE requests SET public_id = ?2 WHERE seq = ?1",
        params![seq, id],
    )?;
    c.execute(
        "INSERT INTO request_events (request_seq, status, note, at) VALUES (?1, 'received', NULL, ?2)",
        params![seq, now],
    )?;
    Ok(id)
}

const REQ_COLS: &str = "r.seq, r.public_id, r.status_token_hash, r.username, r.account_email, r.contact_email, r.reason,
    r.details, r.lost_access_on, r.previous_emails, r.packages, r.recovery_codes_status, r.email_proof_valid,
    p.public_id, r.status, r.submitted_at, r.updated_at, r.email_proof_email, r.email_proof_at";

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
        timeline: Vec::new(),
    })
}

pub fn find(c: &Connection, public_id: &str) -> rusqlite::Result<Option<StoredRequest>> {
    let req = c
        .query_row(
            &format!("SELECT {REQ_COLS} FROM requests r LEFT JOIN requests p ON p.seq = r.attached_to WHERE r.public_id = ?1"),
            params![public_id],
            row,
        )
        .optional()?;
    let Some(mut req) = req else { return Ok(None) };
    let mut stmt = c.prepare_cached(
        "SELECT status, note, at FROM request_events WHERE request_seq = ?1 ORDER BY id",
    )?;
    req.timeline = stmt
        .query_map(params![req.seq], |r| {
            Ok(TimelineEntry {
                status: RequestStatus::parse(&r.get::<_, String>(0)?)
                    .unwrap_or(RequestStatus::Received),
                note: r.get(1)?,
                at: rfc3339(r.get(2)?),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Some(req))
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

/// Move a request to `status` with a note for the user; queues the mail.
pub fn set_status(
    c: &Connection,
    req: &StoredRequest,
    status: RequestStatus,
    note: Option<&str>,
    now: i64,
) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE requests SET status = ?2, updated_at = ?3 WHERE seq = ?1",
        params![req.seq, status.as_str(), now],
    )?;
    c.execute(
        "INSERT INTO request_events (request_seq, status, note, at) VALUES (?1, ?2, ?3, ?4)",
        params![req.seq, status.as_str(), note, now],
    )?;
    // Support's own mail to a requester: not for anyone to trigger, so
    // outside the budget.
    crate::mail::queue_notice(
        c,
        &req.contact_email,
        &crate::mail::templates::request_updated(&req.public_id, status_words(status), note),
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
