//! Test data: unique values, a valid recovery request body, and signing
//! in the demo accounts (their data is [`crate::demo`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use crate::{api, demo, Client};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A short value unique in this run and across runs: `{prefix}-{hex}`.
pub fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mix =
        (t as u64) ^ ((std::process::id() as u64) << 40) ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!("{prefix}-{:012x}{n:x}", mix & 0xffff_ffff_ffff)
}

/// A unique, valid username.
pub fn unique_username() -> String {
    unique("ct")
}

/// A unique email at a reserved domain.
pub fn unique_email() -> String {
    format!("{}@example.org", unique("ct"))
}

/// A complete, valid recovery request body for `username` (reason
/// `stale_recovery_codes`; every reason is covered in `recovery_requests.rs`).
pub fn request_body(username: &str) -> Value {
    json!({
        "username": username,
        "contact_email": unique_email(),
        "reason": "stale_recovery_codes",
        "details": "I lost the phone with my authenticator app in May, and the recovery codes I saved are not accepted.",
        "lost_access_on": "2026-01-14",
        "previous_emails": [unique_email()],
        "packages": ["example-package"],
        "recovery_codes_status": "not_working",
        "email_proof": null,
        "accepted_code_of_conduct": true,
        "acknowledged_delay": true
    })
}

/// Sign `client` in as a user without a second factor; panics otherwise.
#[track_caller]
pub fn sign_in(client: &Client, username: &str) -> api::LoginOutcome {
    let r = client.login(username, demo::password());
    r.expect(200);
    let outcome: api::LoginOutcome = r.parse();
    assert!(
        matches!(outcome, api::LoginOutcome::Session { .. }),
        "{username} signs in without a second factor: {}",
        r.text()
    );
    outcome
}

/// A second-factor challenge token for alice (password step done).
#[track_caller]
pub fn alice_challenge(client: &Client) -> api::SecondFactorChallenge {
    let r = client.login("alice", demo::password());
    r.expect(200);
    match r.parse::<api::LoginOutcome>() {
        api::LoginOutcome::SecondFactor(c) => c,
        other => panic!("alice has 2FA and gets a challenge, got {other:?}"),
    }
}

/// Is `s` a lowercase-hex recovery code (16 characters)?
pub fn is_recovery_code(s: &str) -> bool {
    s.len() == 16
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
