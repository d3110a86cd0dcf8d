//! TOTP codes (RFC 6238) as PyPI makes them: SHA1, 6 digits, 30-second
//! steps, from a base32 secret. The one implementation: the server checks
//! sign-in codes with it, and its tests and the contract tests compute the
//! codes they send with it. By `totp-rs` (and its `base32`), not by hand.
//!
//! Behind the `totp` feature: the browser app shows secrets (as text and a
//! QR code, see [`crate::totp_uri`]) but never computes a code.

use totp_rs::{Algorithm, Secret, TOTP};

use crate::totp_uri::{TOTP_DIGITS, TOTP_PERIOD_SECONDS};

/// Seconds per step.
pub const STEP: i64 = TOTP_PERIOD_SECONDS as i64;

/// The step of the unix time `now` (seconds).
pub fn step_at(now: i64) -> i64 {
    now.div_euclid(STEP)
}

/// The code of `secret` (raw bytes) at `step`; `None` for a secret
/// `totp-rs` refuses (shorter than 128 bits is allowed here: the check is
/// the caller's) or a step before 1970.
pub fn code_at(secret: &[u8], step: i64) -> Option<String> {
    let step = u64::try_from(step).ok()?;
    let totp = TOTP::new_unchecked(
        Algorithm::SHA1,
        TOTP_DIGITS as usize,
        0,
        STEP as u64,
        secret.to_vec(),
    );
    Some(totp.generate(step * STEP as u64))
}

/// The code of `secret` (raw bytes) at the unix time `now`.
pub fn code_at_time(secret: &[u8], now: i64) -> Option<String> {
    code_at(secret, step_at(now))
}

/// RFC 4648 base32 without padding (20 bytes: 32 characters).
pub fn base32(bytes: &[u8]) -> String {
    Secret::Raw(bytes.to_vec()).to_encoded().to_string()
}

/// The bytes of a base32 secret, as people write it: any case, spaces,
/// dashes and `=` padding allowed (see
/// [`crate::codes::normalize_totp_secret`]). `None` if it is not base32.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let compact = crate::codes::normalize_totp_secret(text);
    if !compact.bytes().all(crate::codes::is_base32_upper) {
        return None;
    }
    Secret::Encoded(compact).to_bytes().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B, key "12345678901234567890": the last 6 of
        // its 8 digits.
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            assert_eq!(code_at_time(secret, time).as_deref(), Some(code), "{time}");
        }
        assert_eq!(
            base32_decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ").as_deref(),
            Some(&secret[..])
        );
        assert_eq!(code_at(secret, -1), None);
    }

    #[test]
    fn base32_round_trip_and_forgiving_input() {
        let secret = [0xffu8; 20];
        let text = base32(&secret);
        assert_eq!(text.len(), 32);
        assert_eq!(base32_decode(&text).unwrap(), secret);
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        for written in [
            "mzxw6ytboi",
            "MZXW6YTBOI======",
            "MZXW 6YTB OI",
            "mzxw-6ytb-oi",
        ] {
            assert_eq!(base32_decode(written).unwrap(), b"foobar", "{written}");
        }
        assert_eq!(base32_decode("not base32!"), None);
        assert_eq!(base32_decode("1!"), None);
    }
}
