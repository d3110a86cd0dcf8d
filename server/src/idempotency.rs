//! Idempotency-Key semantics for `POST /recovery-requests`.
//!
//! A key is claimed before any work (state `in_flight`) and completed with the
//! answer that was sent. Then: same key + same body replays that answer; same
//! key + other body is 422 `idempotency_key_reused`; a duplicate arriving while
//! the first is still running is 409 `idempotency_in_flight`. Keys live 24 h.
//! A claim left `in_flight` by a crash is taken over after `STALE_CLAIM_SECS`.
//! The stored answer holds no secret: the status token is derived from the
//! key, the claim's time and the server's key (see `routes::requests`), so
//! the table alone does not give anyone a status page.

use reclaim_core::ProblemCode;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use crate::problem::{ApiError, ApiResult};

pub const KEY_TTL_SECS: i64 = 24 * 3600;
pub const STALE_CLAIM_SECS: i64 = 60;
pub const MAX_KEY_LEN: usize = 255;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub body_hash: String,
    pub in_flight: bool,
    pub status: Option<u16>,
    pub response: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    /// Nobody holds the key: do the work.
    Proceed,
    /// Answer again what was answered before (`claimed_at`: when the key
    /// was claimed, from which the answer's secrets are derived again).
    Replay {
        status: u16,
        body: String,
        claimed_at: i64,
    },
    InFlight,
    Reused,
}

/// What to do with a key, given what is stored for it.
pub fn decide(stored: Option<&Stored>, body_hash: &str, now: i64) -> Decision {
    let Some(s) = stored else {
        return Decision::Proceed;
    };
    if s.created_at <= now - KEY_TTL_SECS {
        return Decision::Proceed;
    }
    if s.body_hash != body_hash {
        return Decision::Reused;
    }
    if s.in_flight {
        if s.created_at <= now - STALE_CLAIM_SECS {
            return Decision::Proceed;
        }
        return Decision::InFlight;
    }
    match (s.status, &s.response) {
        (Some(status), Some(body)) => Decision::Replay {
            status,
            body: body.clone(),
            claimed_at: s.created_at,
        },
        _ => Decision::Proceed,
    }
}

/// Refuse a missing or unusable key before anything else.
pub fn check_key(key: Option<&str>) -> ApiResult<String> {
    let missing = || {
        ApiError::new(ProblemCode::IdempotencyKeyMissing,
            "An Idempotency-Key header is required",
        )
        .detail(format!(
            "Send a unique Idempotency-Key (1 to {MAX_KEY_LEN} visible ASCII characters) with each new submission, and the same key when retrying it."
        ))
    };
    match key {
        Some(k)
            if !k.is_empty()
                && k.len() <= MAX_KEY_LEN
                && k.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(k.to_string())
        }
        _ => Err(missing()),
    }
}

/// Claim the key, or say how to answer instead.
pub fn claim(conn: &mut Connection, key: &str, body_hash: &str, now: i64) -> ApiResult<Decision> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let stored = tx
        .query_row(
            "SELECT body_hash, state, status, response, created_at FROM idempotency_keys WHERE key = ?1",
            params![key],
            |r| {
                Ok(Stored {
                    body_hash: r.get(0)?,
                    in_flight: r.get::<_, String>(1)? == "in_flight",
                    status: r.get(2)?,
                    response: r.get(3)?,
                    created_at: r.get(4)?,
                })
            },
        )
        .optional()?;
    let decision = decide(stored.as_ref(), body_hash, now);
    if decision == Decision::Proceed {
        tx.execute(
            "INSERT OR REPLACE INTO idempotency_keys (key, body_hash, state, status, response, created_at)
             VALUES (?1, ?2, 'in_flight', NULL, NULL, ?3)",
            params![key, body_hash, now],
        )?;
    }
    tx.commit()?;
    Ok(decision)
}

/// Store the answer (inside the caller's transaction, with the work itself).
pub fn complete(conn: &Connection, key: &str, status: u16, response: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE idempotency_keys SET state = 'done', status = ?2, response = ?3 WHERE key = ?1",
        params![key, status, response],
    )?;
    Ok(())
}

/// Let a failed attempt be retried with the same key: validation failures and
/// server errors are not remembered.
pub fn release(conn: &Connection, key: &str) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM idempotency_keys WHERE key = ?1 AND state = 'in_flight'",
        params![key],
    )?;
    Ok(())
}

pub fn prune(conn: &Connection, now: i64) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM idempotency_keys WHERE created_at <= ?1",
        params![now - KEY_TTL_SECS],
    )
}

pub fn reused_error() -> ApiError {
    ApiError::new(
        ProblemCode::IdempotencyKeyReused,
        "This Idempotency-Key was used for a different request",
    )
    .detail("Use a new Idempotency-Key for a new submission.")
}

pub fn in_flight_error() -> ApiError {
    let mut e = ApiError::new(
        ProblemCode::IdempotencyInFlight,
        "This submission is still being processed",
    )
    .detail("Wait a moment, then retry with the same Idempotency-Key to get the answer.");
    e.retry_after = Some(1);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(hash: &str, in_flight: bool, created_at: i64) -> Stored {
        Stored {
            body_hash: hash.into(),
            in_flight,
            status: (!in_flight).then_some(201),
            response: (!in_flight).then(|| "{\"id\":1}".into()),
            created_at,
        }
    }

    #[test]
    fn decisions() {
        let now = 100_000;
        assert_eq!(decide(None, "h", now), Decision::Proceed);
        assert_eq!(
            decide(Some(&stored("h", false, now - 10)), "h", now),
            Decision::Replay {
                status: 201,
                body: "{\"id\":1}".into(),
                claimed_at: now - 10,
            }
        );
        assert_eq!(
            decide(Some(&stored("h", false, now - 10)), "other", now),
            Decision::Reused
        );
        assert_eq!(
            decide(Some(&stored("h", true, now - 1)), "h", now),
            Decision::InFlight
        );
        assert_eq!(
            decide(Some(&stored("h", true, now - 1)), "x", now),
            Decision::Reused
        );
        // Expired keys and abandoned claims are free again.
        assert_eq!(
            decide(Some(&stored("h", false, now - KEY_TTL_SECS)), "x", now),
            Decision::Proceed
        );
        assert_eq!(
            decide(Some(&stored("h", true, now - STALE_CLAIM_SECS)), "h", now),
            Decision::Proceed
        );
    }

    #[test]
    fn claim_complete_replay_and_release() {
        let mut conn = Connection::open_in_memory().unwrap();
        crate::store::migrations::migrate(&mut conn).unwrap();
        assert_eq!(claim(&mut conn, "k1", "h", 10).unwrap(), Decision::Proceed);
        assert_eq!(claim(&mut conn, "k1", "h", 11).unwrap(), Decision::InFlight);
        complete(&conn, "k1", 201, "{}").unwrap();
        assert_eq!(
            claim(&mut conn, "k1", "h", 12).unwrap(),
            Decision::Replay {
                status: 201,
                body: "{}".into(),
                claimed_at: 10,
            }
        );
        assert_eq!(claim(&mut conn, "k2", "h", 10).unwrap(), Decision::Proceed);
        release(&conn, "k2").unwrap();
        assert_eq!(claim(&mut conn, "k2", "h2", 10).unwrap(), Decision::Proceed);
    }

    #[test]
    fn keys_must_be_present_and_visible_ascii() {
        assert!(check_key(Some("3f0c-uuid")).is_ok());
        for bad in [None, Some(""), Some("has space"), Some("é")] {
            assert_eq!(
                check_key(bad).unwrap_err().code,
                ProblemCode::IdempotencyKeyMissing
            );
        }
        assert!(check_key(Some(&"a".repeat(256))).is_err());
    }
}
