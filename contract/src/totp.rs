//! TOTP codes (RFC 6238, SHA1, 6 digits, 30 s) of a base32 secret, now or
//! some steps away: `reclaim_core::totp`, the one implementation the
//! reference server checks codes with, on this machine's clock.

use std::time::{SystemTime, UNIX_EPOCH};

use reclaim_core::totp::{base32_decode, step_at, STEP};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs() as i64
}

/// The current 30-second step.
pub fn current_step() -> i64 {
    step_at(now())
}

/// Seconds left in the current step.
pub fn seconds_left_in_step() -> u64 {
    (STEP - now().rem_euclid(STEP)) as u64
}

/// The 6-digit code of `secret` (base32: any case, spaces and dashes
/// allowed) at `step`.
pub fn code_at(secret: &str, step: i64) -> String {
    let key = base32_decode(secret).expect("a base32 secret");
    reclaim_core::totp::code_at(&key, step).expect("a step after 1970")
}

/// The code `offset` steps from now.
pub fn code_now(secret: &str, offset: i64) -> String {
    code_at(secret, current_step() + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B, key "12345678901234567890", 8 digits → last 6.
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(code_at(secret, 59 / 30), "287082");
        assert_eq!(code_at(secret, 1_111_111_109 / 30), "081804");
        assert_eq!(code_at(secret, 2_000_000_000 / 30), "279037");
        assert_eq!(
            code_at("gezd gnbv-gy3t qojq gezd gnbv gy3t qojq", 59 / 30),
            "287082"
        );
    }
}
