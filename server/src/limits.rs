//! Rate limits, kept in SQLite so a restart does not hand out fresh attempts.
//!
//! A limit is a list of windows (`max` events per `secs`). Mail-sending
//! endpoints check and record in one immediate transaction (`charge`), so
//! concurrent attempts cannot both slip under the limit. Sign-in and
//! second-factor limits count failures only, as PyPI does (`check` before,
//! `record` on failure): a user who keeps signing in correctly is never locked out. Buckets are keyed by what the client
//! typed (normalised), never by whether an account exists: an unknown name is
//! limited exactly like a real one, which keeps 429s from telling them apart.

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

/// Password reset: 5 a day per user.
pub const PASSWORD_RESET: &[Window] = &[w(5, DAY)];
/// Username reminder: 5 a day per address.
pub const USERNAME_REMINDER: &[Window] = &[w(5, DAY)];
/// Second-factor attempts: 5 per 5 minutes, 20 per hour, 50 per day per user.
pub const SECOND_FACTOR: &[Window] = &[w(5, 5 * MINUTE), w(20, HOUR), w(50, DAY)];
/// Password attempts: 10 per 5 minutes, per user and per client address.
pub const LOGIN: &[Window] = &[w(10, 5 * MINUTE)];
/// One-time email codes: 5 sent per hour per address, 5 guesses per code window.
pub const EMAIL_CODE_SEND: &[Window] = &[w(5, HOUR)];
pub const EMAIL_CODE_CHECK: &[Window] = &[w(5, 15 * MINUTE)];

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

/// Check every bucket, and only if all allow it, record one event in each
/// (inside the caller's transaction, so concurrent attempts cannot both slip in).
pub fn charge(conn: &Connection, buckets: &[(&str, &[Window])], now: i64) -> ApiResult<()> {
    check(conn, buckets, now)?;
    record(conn, buckets, now)?;
    Ok(())
}

/// Refuse (429) if any bucket is full, without recording anything. Used where
/// only failures count (PyPI limits failed sign-ins, not successful ones).
pub fn check(conn: &Connection, buckets: &[(&str, &[Window])], now: i64) -> ApiResult<()> {
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
    match wait {
        Some(w) => Err(ApiError::too_many(w)),
        None => Ok(()),
    }
}

/// Record one event in each bucket.
pub fn record(conn: &Connection, buckets: &[(&str, &[Window])], now: i64) -> rusqlite::Result<()> {
    for (bucket, _) in buckets {
        conn.execute(
            "INSERT INTO rate_events (bucket, at) VALUES (?1, ?2)",
            params![bucket, now],
        )?;
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
        charge(&tx, buckets, now)?;
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
                &[("login:u:alice", LOGIN), ("login:ip:1", LOGIN)],
                now,
            )
            .unwrap();
        }
        let err = hit(
            &mut conn,
            &[("login:u:bob", LOGIN), ("login:ip:1", LOGIN)],
            now,
        )
        .unwrap_err();
        assert_eq!(err.status.as_u16(), 429);
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
        assert!(hit(&mut conn, &[("login:ip:1", LOGIN)], now + 300).is_ok());
    }
}
