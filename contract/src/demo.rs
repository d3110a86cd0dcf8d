//! The demo data the demo tests expect (`reclaim-server serve --demo`):
//! the fixture `demo/accounts.json`, the one copy the server's seed and
//! the browser tests read too (through `reclaim_core::demo`, embedded at
//! compile time). To test your own backend with them, give it the same
//! data.

use reclaim_core::demo::{demo, Account, CodeSet};

/// The password of every demo account.
pub fn password() -> &'static str {
    &demo().password
}

/// A demo account by name.
pub fn account(username: &str) -> &'static Account {
    demo().account(username)
}

fn email(username: &str) -> &'static str {
    &account(username).email
}

/// alice's address (verified).
pub fn alice_email() -> &'static str {
    email("alice")
}

/// bob's address (verified; bob has no second factor).
pub fn bob_email() -> &'static str {
    email("bob")
}

/// carol's address (unverified).
pub fn carol_email() -> &'static str {
    email("carol")
}

/// alice's authenticator secret (base32, no padding).
pub fn alice_totp_secret() -> &'static str {
    &account("alice")
        .totp
        .as_ref()
        .expect("alice has an authenticator")
        .secret
}

fn alice_set() -> &'static CodeSet {
    account("alice")
        .recovery_codes
        .as_ref()
        .expect("alice has recovery codes")
}

/// alice's current set of recovery codes; [`alice_burned_code`] is one of them.
pub fn alice_codes() -> Vec<&'static str> {
    alice_set().codes.iter().map(String::as_str).collect()
}

/// The code of alice's current set that is already used.
pub fn alice_burned_code() -> &'static str {
    &alice_set()
        .used
        .first()
        .expect("one of alice's codes is used")
        .code
}

/// alice's unused current codes, in order.
pub fn alice_unused_codes() -> Vec<&'static str> {
    alice_set().unused()
}

/// When alice's current set was generated (RFC 3339).
pub fn alice_codes_generated_at() -> &'static str {
    &alice_set().generated_at
}

/// A code of alice's older, regenerated set (answers "invalid").
pub fn alice_old_code() -> &'static str {
    account("alice")
        .replaced_recovery_codes
        .first()
        .and_then(|set| set.codes.first())
        .expect("alice has an older set")
}
