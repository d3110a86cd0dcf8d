//! Rate limits, kept in SQLite so a restart does not hand out fresh attempts.
//!
//! A limit is a list of windows (`max` events per `secs`). Every attempt is
//! *reserved* before the slow work: [`reserve`] checks every bucket and, only
//! if all allow it, records one event in each, in the caller's immediate
//! transaction, so a burst of concurrent attempts cannot all pass the check
//! before any of them is counted. Rules that count failures only (sign-in,
//! second factor, re-authentication, the checkup's confirmations, as PyPI
//! does) hand the reservation back with [`refund`] when the attempt succeeds:
//! a user who keeps signing in correctly is never locked out. Buckets are
//! keyed by what the client typed (normalised) or by the client's address,
//! never by whether an account exists: an unknown name is limited exactly like
//! a real one, which keeps 429s from telling them apart.

use rusqlite::{params, Connection};

use crate::problem::{ApiError, ApiResult};

#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub max: usize,
    pub secs: i64,
}

const fn w(max: usize, secs: i64) -> Window {
    Window { max, secs }
}

pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 3600;
pub const DAY: i64 = 86_400;

/// Password reset: 5 a day per identifier typed, per client (a bucket all
/// clients shared would let a stranger answer 429 to the owner all day).
pub const PASSWORD_RESET: &[Window] = &[w(5, DAY)];
/// Password resets per client, whatever was typed: 20 an hour, so one
/// client cannot walk a list of public usernames and use up everyone's
/// mail budget.
pub const PASSWORD_RESET_PER_CLIENT: &[Window] = &[w(20, HOUR)];
/// Failed reset-link confirmations per client (a link's token is 256 bits;
/// this only stops a client from making the server hash passwords for free).
pub const RESET_CONFIRM_PER_CLIENT: &[Window] = &[w(10, 5 * MINUTE)];
/// Reset-link checks per client (`POST /password-reset/check`), every
/// check counting: 30 an hour. A check reads only, so this is what keeps a
/// client from trying tokens with it.
pub const RESET_CHECK_PER_CLIENT: &[Window] = &[w(30, HOUR)];
/// Username reminder: 5 a day per address typed, per client.
pub const USERNAME_REMINDER: &[Window] = &[w(5, DAY)];
/// Username reminders per client, whatever the addresses: 20 an hour.
pub const USERNAME_REMINDER_PER_CLIENT: &[Window] = &[w(20, HOUR)];
/// Second-factor attempts: 5 per 5 minutes, 20 per hour, 50 per day per user.
pub const SECOND_FACTOR: &[Window] = &[w(5, 5 * MINUTE), w(20, HOUR), w(50, DAY)];
/// Failed sign-ins per username: 10 per 5 minutes, and at most 100 a day
/// (NIST SP 800-63B §5.2.2 allows at most 100 consecutive failures).
pub const LOGIN_PER_USER: &[Window] = &[w(10, 5 * MINUTE), w(100, DAY)];
/// Failed sign-ins per client address: 10 per 5 minutes.
pub const LOGIN_PER_CLIENT: &[Window] = &[w(10, 5 * MINUTE)];
/// Failed sign-ins from a known device of the account (a browser that
/// completed a sign-in to it before and holds its device cookie): 10 per 5
/// minutes and 100 a day, in the device's own bucket *instead of* the
/// username's and the client's, which strangers can fill.
pub const LOGIN_PER_DEVICE: &[Window] = &[w(10, 5 * MINUTE), w(100, DAY)];
/// Failed password confirmations of a signed-in user: 10 per 5 minutes.
pub const REAUTH: &[Window] = &[w(10, 5 * MINUTE)];
/// One-time email codes: 5 sent per hour per address and client, 5
/// guesses per code window per address.
pub const EMAIL_CODE_SEND: &[Window] = &[w(5, HOUR)];
pub const EMAIL_CODE_CHECK: &[Window] = &[w(5, 15 * MINUTE)];
/// One-time codes mailed to one address, whatever the clients: 10 an hour,
/// silently (one client reaches at most 5 of them, [`EMAIL_CODE_SEND`]).
pub const EMAIL_CODE_MAILS_PER_ADDRESS: &[Window] = &[w(10, HOUR)];
/// Codes a signed-in account asks for to verify its own address: 5 an
/// hour, and 5 guesses per 15 minutes, in the account's own buckets (a
/// stranger's requests for the address never count here).
pub const ACCOUNT_EMAIL_CODE_SEND: &[Window] = &[w(5, HOUR)];
pub const ACCOUNT_EMAIL_CODE_CHECK: &[Window] = &[w(5, 15 * MINUTE)];
/// One-time email codes sent per client, whatever the addresses: 20 an hour.
/// Without it one client could mail codes to any number of strangers.
pub const EMAIL_CODE_SEND_PER_CLIENT: &[Window] = &[w(20, HOUR)];
/// Code guesses per client, across addresses: 20 per 15 minutes.
pub const EMAIL_CODE_CHECK_PER_CLIENT: &[Window] = &[w(20, 15 * MINUTE)];
/// Recovery requests per client: 20 an hour, 50 a day. Each mails its
/// contact address, which the requester chooses; a household or office
/// behind one address still files a few.
pub const RECOVERY_REQUESTS_PER_CLIENT: &[Window] = &[w(20, HOUR), w(50, DAY)];
/// Codes for a new status token asked per request id typed, per client: 2
/// an hour, 3 a day (the client's share of [`STATUS_CODE_MAILS`], so one
/// client cannot spend them all; another client's asking never answers 429
/// to this one).
pub const STATUS_CODE_SEND: &[Window] = &[w(2, HOUR), w(3, DAY)];
/// Codes for new status tokens asked per client, whatever the ids: 20 an
/// hour, like the other mails anyone can trigger. A requester has a request
/// or two; more is someone trying ids and addresses.
pub const STATUS_CODE_SEND_PER_CLIENT: &[Window] = &[w(20, HOUR)];
/// Codes mailed for one request, whatever the clients: 3 an hour, 5 a day,
/// silently. Whoever knows a request's id and contact address can ask;
/// this keeps them from filling that mailbox.
pub const STATUS_CODE_MAILS: &[Window] = &[w(3, HOUR), w(5, DAY)];
/// Guesses at a request's codes: 5 per 15 minutes per request id typed
/// (shared by every client: split by client, the guesses would multiply at
/// a 10^8 code space), and 20 per 15 minutes per client across ids.
pub const STATUS_CODE_CHECK: &[Window] = &[w(5, 15 * MINUTE)];
pub const STATUS_CODE_CHECK_PER_CLIENT: &[Window] = &[w(20, 15 * MINUTE)];
/// Repository candidates listed per client: 30 an hour (reading only; the
/// email proof already cost a mailed code).
pub const REPOSITORY_CANDIDATES_PER_CLIENT: &[Window] = &[w(30, HOUR)];
/// Repository proofs issued: 10 an hour per email proof, 20 per client.
pub const REPOSITORY_PROOFS_PER_EMAIL_PROOF: &[Window] = &[w(10, HOUR)];
pub const REPOSITORY_PROOFS_PER_CLIENT: &[Window] = &[w(20, HOUR)];
/// Repository checks (each a request to a forge): 10 per 15 minutes per
/// proof id typed, 30 per 15 minutes per client, so the server cannot be
/// made to hammer a forge.
pub const REPOSITORY_CHECKS_PER_PROOF: &[Window] = &[w(10, 15 * MINUTE)];
pub const REPOSITORY_CHECKS_PER_CLIENT: &[Window] = &[w(30, 15 * MINUTE)];
/// Cancel-link uses: 10 per 15 minutes per request id typed, 20 per
/// client (a token is 256 bits; this bounds the work, not the guessing).
pub const CANCELS_PER_REQUEST: &[Window] = &[w(10, 15 * MINUTE)];
pub const CANCELS_PER_CLIENT: &[Window] = &[w(20, 15 * MINUTE)];
/// Recovery-code sets generated per account: 5 an hour, 10 a day (each is
/// eight argon2 hashes and a notice mail). Every generation counts.
pub const RECOVERY_CODES_PER_ACCOUNT: &[Window] = &[w(5, HOUR), w(10, DAY)];
/// Authenticator changes per account (starting a setup, confirming one,
/// removing it): 10 an hour, every call counts.
pub const TOTP_CHANGES_PER_ACCOUNT: &[Window] = &[w(10, HOUR)];
/// Security-key changes per account (asking for the options to add one,
/// adding it, renaming and removing one): 20 an hour, every call counts.
/// More than the authenticator's 10: people add a few keys at once, and a
/// key that was not touched in time leaves an unused start behind.
pub const SECURITY_KEY_CHANGES_PER_ACCOUNT: &[Window] = &[w(20, HOUR)];
/// Security notices mailed to one address: 10 an hour, 30 a day. Only an
/// account's own actions (with its password, codes or session) send them,
/// never a stranger's; the cap bounds what even those can queue.
pub const NOTICES_PER_ADDRESS: &[Window] = &[w(10, HOUR), w(30, DAY)];

/// A silent cap on mail to one account (or address): the answer is the
/// same whether or not the mail goes. A request from a known device of the
/// account counts in the device's own bucket; any other counts first in
/// the client's share, then in the total, so one client cannot spend it
/// all (and a known device can still get its mail when strangers did).
#[derive(Debug, Clone, Copy)]
pub struct MailCap {
    pub total: &'static [Window],
    pub per_client: &'static [Window],
    pub per_device: &'static [Window],
}

/// Reset links mailed per account: 5 a day, at most 3 of them to one
/// client; a known device of the account has 5 a day of its own.
pub const RESET_MAILS: MailCap = MailCap {
    total: &[w(5, DAY)],
    per_client: &[w(3, DAY)],
    per_device: &[w(5, DAY)],
};
/// Username reminders mailed per address: the same shape.
pub const REMINDER_MAILS: MailCap = RESET_MAILS;

/// Take one slot of `cap` for a mail to `account` (a bucket name such as
/// `reset-account:7`), or `None` when it is full (say nothing: the caller
/// answers as always). Hand the slot back with [`refund`] if the mail is
/// not queued after all (the global mail budget dropped it).
pub fn mail_slot(
    conn: &Connection,
    account: &str,
    cap: MailCap,
    client: &str,
    device: Option<i64>,
    now: i64,
) -> ApiResult<Option<Reservation>> {
    let (by_device, by_client);
    let buckets: Vec<(&str, &[Window])> = match device {
        Some(row) => {
            by_device = format!("{account}:dev:{row}");
            vec![(by_device.as_str(), cap.per_device)]
        }
        None => {
            by_client = format!("{account}:ip:{client}");
            vec![(by_client.as_str(), cap.per_client), (account, cap.total)]
        }
    };
    silently(conn, &buckets, now)
}

/// Take one slot of a silent cap with no per-client share or device
/// bucket (the caller's visible per-client limit is the share).
pub fn mail_slot_total(
    conn: &Connection,
    bucket: &str,
    windows: &[Window],
    now: i64,
) -> ApiResult<Option<Reservation>> {
    silently(conn, &[(bucket, windows)], now)
}

/// [`reserve`], with a full bucket as `None` instead of a 429.
fn silently(
    conn: &Connection,
    buckets: &[(&str, &[Window])],
    now: i64,
) -> ApiResult<Option<Reservation>> {
    match reserve(conn, buckets, now) {
        Ok(r) => Ok(Some(r)),
        Err(e) if e.code == reclaim_core::ProblemCode::RateLimited => Ok(None),
        Err(e) => Err(e),
    }
}

/// Count one event in `bucket` if all its windows have room, for a caller
/// inside a change's transaction that must not fail on a full bucket (it
/// skips its work silently instead): `None` when full, else how many more
/// events fit now after this one (0: this one filled a window).
pub fn take_silently(
    conn: &Connection,
    bucket: &str,
    windows: &[Window],
    now: i64,
) -> rusqlite::Result<Option<usize>> {
    let longest = windows.iter().map(|w| w.secs).max().unwrap_or(0);
    let mut stmt =
        conn.prepare_cached("SELECT at FROM rate_events WHERE bucket = ?1 AND at > ?2")?;
    let events = stmt
        .query_map(params![bucket, now - longest], |r| r.get::<_, i64>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    if retry_after(&events, windows, now).is_some() {
        return Ok(None);
    }
    conn.execute(
        "INSERT INTO rate_events (bucket, at) VALUES (?1, ?2)",
        params![bucket, now],
    )?;
    let left = windows
        .iter()
        .map(|w| {
            let used = events.iter().filter(|&&t| t > now - w.secs).count() + 1;
            w.max.saturating_sub(used)
        })
        .min()
        .unwrap_or(usize::MAX);
    Ok(Some(left))
}

/// Seconds until one more event fits, or `None` if it fits now.
/// `events` are the bucket's timestamps (any order).
pub fn retry_after(events: &[i64], windows: &[Window], now: i64) -> Option<u64> {
    let mut sorted: Vec<i64> = events.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a)); // newest first
    let mut wait: Option<i64> = None;
    for win in windows {
        let in_window: Vec<i64> = sorted
            .iter()
            .copied()
            .filter(|&t| t > now - win.secs)
            .collect();
        if in_window.len() >= win.max {
            // The event that must age out is the max-th newest.
            let oldest_blocking = in_window[win.max - 1];
            let w = oldest_blocking + win.secs - now;
            wait = Some(wait.map_or(w, |cur| cur.max(w)));
        }
    }
    wait.map(|w| w.max(1) as u64)
}

/// The events one attempt recorded, so a success can hand them back.
#[derive(Debug, Default, Clone)]
#[must_use = "refund it on success, or let it count"]
pub struct Reservation {
    rows: Vec<i64>,
}

/// Check every bucket and, only if all allow it, record one event in each.
/// Call it inside an immediate transaction (as [`crate::store::Db::write`]
/// does), so concurrent attempts queue here and each sees the others.
pub fn reserve(
    conn: &Connection,
    buckets: &[(&str, &[Window])],
    now: i64,
) -> ApiResult<Reservation> {
    let mut wait: Option<u64> = None;
    for (bucket, windows) in buckets {
        let longest = windows.iter().map(|w| w.secs).max().unwrap_or(0);
        let mut stmt =
            conn.prepare_cached("SELECT at FROM rate_events WHERE bucket = ?1 AND at > ?2")?;
        let events = stmt
            .query_map(params![bucket, now - longest], |r| r.get::<_, i64>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(w) = retry_after(&events, windows, now) {
            wait = Some(wait.map_or(w, |cur| cur.max(w)));
        }
    }
    if let Some(w) = wait {
        return Err(ApiError::too_many(w));
    }
    let mut rows = Vec::with_capacity(buckets.len());
    for (bucket, _) in buckets {
        conn.execute(
            "INSERT INTO rate_events (bucket, at) VALUES (?1, ?2)",
            params![bucket, now],
        )?;
        rows.push(conn.last_insert_rowid());
    }
    Ok(Reservation { rows })
}

/// Hand a reservation back: the attempt succeeded and the rule counts
/// failures only.
pub fn refund(conn: &Connection, reservation: &Reservation) -> rusqlite::Result<()> {
    for row in &reservation.rows {
        conn.execute("DELETE FROM rate_events WHERE rowid = ?1", params![row])?;
    }
    Ok(())
}

/// Forget events older than the longest window.
pub fn prune(conn: &Connection, now: i64) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM rate_events WHERE at <= ?1", params![now - DAY])
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::TransactionBehavior;

    fn hit(conn: &mut Connection, buckets: &[(&str, &[Window])], now: i64) -> ApiResult<()> {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let _ = reserve(&tx, buckets, now)?;
        tx.commit()?;
        Ok(())
    }

    #[test]
    fn allows_until_the_window_is_full() {
        let now = 10_000;
        let events: Vec<i64> = (0..4).map(|i| now - 10 * i).collect();
        assert_eq!(retry_after(&events, PASSWORD_RESET, now), None);
        let events: Vec<i64> = (0..5).map(|i| now - 10 * i).collect();
        // The 5th newest (now - 40) ages out after a day.
        assert_eq!(
            retry_after(&events, PASSWORD_RESET, now),
            Some((DAY - 40) as u64)
        );
    }

    #[test]
    fn second_factor_windows_stack() {
        let now = 1_000_000;
        // 5 attempts in the last minute: the 5-minute window blocks.
        let recent: Vec<i64> = (0..5).map(|i| now - i).collect();
        assert_eq!(retry_after(&recent, SECOND_FACTOR, now), Some(5 * 60 - 4));
        // 20 attempts spread over the last hour, none in the last 5 minutes.
        let hour: Vec<i64> = (0..20).map(|i| now - 400 - i * 150).collect();
        let w = retry_after(&hour, SECOND_FACTOR, now).unwrap();
        assert_eq!(w as i64, (now - 400 - 19 * 150) + HOUR - now);
        // Old events outside every window do not count.
        let old: Vec<i64> = (0..100).map(|i| now - DAY - i).collect();
        assert_eq!(retry_after(&old, SECOND_FACTOR, now), None);
    }

    #[test]
    fn hit_records_only_when_all_buckets_allow() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrations::migrate(&mut conn).unwrap();
        let now = 5_000_000;
        for _ in 0..10 {
            hit(
                &mut conn,
                &[
                    ("login:u:alice", LOGIN_PER_USER),
                    ("login:ip:1", LOGIN_PER_CLIENT),
                ],
                now,
            )
            .unwrap();
        }
        let err = hit(
            &mut conn,
            &[
                ("login:u:bob", LOGIN_PER_USER),
                ("login:ip:1", LOGIN_PER_CLIENT),
            ],
            now,
        )
        .unwrap_err();
        assert_eq!(err.status().as_u16(), 429);
        assert_eq!(err.retry_after, Some(300));
        // bob's bucket was not charged for the refused attempt.
        let n: i64 = conn
            .query_row(
                "SELECT count(*) FROM rate_events WHERE bucket='login:u:bob'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0);
        assert!(hit(&mut conn, &[("login:ip:1", LOGIN_PER_CLIENT)], now + 300).is_ok());
    }

    #[test]
    fn a_refund_hands_the_attempt_back() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrations::migrate(&mut conn).unwrap();
        let now = 5_000_000;
        let buckets: &[(&str, &[Window])] = &[("2fa:1", SECOND_FACTOR)];
        for _ in 0..4 {
            let _ = reserve(&conn, buckets, now).unwrap();
        }
        // Successes refunded: any number of them.
        for _ in 0..20 {
            let r = reserve(&conn, buckets, now).unwrap();
            refund(&conn, &r).unwrap();
        }
        let _ = reserve(&conn, buckets, now).unwrap();
        assert_eq!(reserve(&conn, buckets, now).unwrap_err().status(), 429);
    }

    #[test]
    fn a_hundred_failures_a_day_lock_the_username() {
        let now = 10 * DAY;
        // 100 failures, 10 every half hour: the 5-minute window is clear.
        let events: Vec<i64> = (0..100).map(|i| now - 600 - (i / 10) * 1800).collect();
        let wait = retry_after(&events, LOGIN_PER_USER, now).unwrap();
        assert!(wait > HOUR as u64, "{wait}");
        assert_eq!(retry_after(&events[..99], LOGIN_PER_USER, now), None);
    }
}
