//! TOTP (RFC 6238) as PyPI does it: 20-byte secret, SHA1, 6 digits, 30 s,
//! ±1 step accepted, a used step never accepted again, and "out of sync" when
//! the code matches within ±10 steps (a phone clock that drifted).

use totp_rs::{Algorithm, Secret, TOTP};

use crate::crypto::{ct_eq, random_bytes};

pub const STEP: i64 = 30;
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
    let totp = TOTP::new(Algorithm::SHA1, 6, 0, STEP as u64, secret.to_vec()).ok()?;
    Some(totp.generate((step * STEP).max(0) as u64))
}

/// The current code, for the demo and tests.
pub fn current_code(secret: &[u8], now: i64) -> String {
    code_at(secret, now / STEP).unwrap_or_default()
}

/// Check `code` (already 6 digits) against the secret at `now`.
pub fn check(secret: &[u8], code: &str, now: i64, last_step: Option<i64>) -> Check {
    let current = now / STEP;
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

/// RFC 4648 base32 without padding (20 bytes → 32 characters), by
/// totp-rs (its `base32` dependency), not a hand-written codec.
pub fn base32(bytes: &[u8]) -> String {
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    Secret::Encoded(text.trim_end_matches('=').to_ascii_uppercase())
        .to_bytes()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_vector() {
        // RFC 6238 appendix B, SHA1, T = 59 s: 94287082 → last 6 digits.
        let secret = b"12345678901234567890";
        assert_eq!(current_code(secret, 59), "287082");
    }

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

    #[test]
    fn base32_round_trip() {
        let secret = [0xffu8; 20];
        let text = base32(&secret);
        assert_eq!(text.len(), 32);
        assert_eq!(base32_decode(&text).unwrap(), secret);
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_decode("mzxw6ytboi").unwrap(), b"foobar");
        assert_eq!(base32_decode("not base32!"), None);
    }
}
