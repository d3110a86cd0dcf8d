//! TOTP as PyPI checks it: the codes of `reclaim_core::totp` (RFC 6238,
//! SHA1, 6 digits, 30 s), ±1 step accepted, a used step never accepted
//! again, and "out of sync" when the code matches within ±10 steps (a phone
//! clock that drifted). The code computation is core's, shared with the
//! tests; the policy and the sealed secrets are the server's.

#[cfg(test)]
pub use reclaim_core::totp::STEP;
pub use reclaim_core::totp::{base32, base32_decode};

use crate::crypto::{ct_eq, random_bytes};

const ACCEPT: i64 = 1;
const SYNC_WINDOW: i64 = 10;

#[derive(Debug, PartialEq, Eq)]
pub enum Check {
    /// Accepted at this step (store it as the last used).
    Ok(i64),
    /// The right code for a step already used.
    Reused,
    OutOfSync,
    Invalid,
}

/// The secret bytes of an account's stored (sealed) authenticator secret;
/// `None` when it does not open with this server key.
pub fn open_stored(key: &crate::crypto::ServerKey, user_id: i64, stored: &str) -> Option<Vec<u8>> {
    base32_decode(&key.open_totp(user_id, stored)?)
}

pub fn new_secret() -> Vec<u8> {
    random_bytes::<20>().to_vec()
}

fn code_at(secret: &[u8], step: i64) -> Option<String> {
    reclaim_core::totp::code_at(secret, step)
}

/// The current code, for the demo and tests.
pub fn current_code(secret: &[u8], now: i64) -> String {
    reclaim_core::totp::code_at_time(secret, now).unwrap_or_default()
}

/// Check `code` (already 6 digits) against the secret at `now`.
pub fn check(secret: &[u8], code: &str, now: i64, last_step: Option<i64>) -> Check {
    let current = reclaim_core::totp::step_at(now);
    let matches =
        |step: i64| code_at(secret, step).is_some_and(|c| ct_eq(c.as_bytes(), code.as_bytes()));
    // Prefer the exact step, then the neighbours.
    for offset in [0, -ACCEPT, ACCEPT] {
        let step = current + offset;
        if matches(step) {
            return if last_step.is_some_and(|last| step <= last) {
                Check::Reused
            } else {
                Check::Ok(step)
            };
        }
    }
    if (-SYNC_WINDOW..=SYNC_WINDOW)
        .filter(|o| o.abs() > ACCEPT)
        .any(|o| matches(current + o))
    {
        return Check::OutOfSync;
    }
    Check::Invalid
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_reuse_and_drift() {
        let secret = new_secret();
        let now = 1_800_000_000;
        let step = now / STEP;
        let code = current_code(&secret, now);
        assert_eq!(check(&secret, &code, now, None), Check::Ok(step));
        assert_eq!(check(&secret, &code, now, Some(step)), Check::Reused);
        let prev = code_at(&secret, step - 1).unwrap();
        assert_eq!(check(&secret, &prev, now, None), Check::Ok(step - 1));
        let drifted = code_at(&secret, step + 5).unwrap();
        if drifted != code {
            assert_eq!(check(&secret, &drifted, now, None), Check::OutOfSync);
        }
        let far = code_at(&secret, step + 40).unwrap();
        if ![code.clone(), prev].contains(&far) {
            assert!(matches!(
                check(&secret, &far, now, None),
                Check::Invalid | Check::OutOfSync
            ));
        }
    }
}
