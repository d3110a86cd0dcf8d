//! `--demo`: fixed accounts so a person can try every branch of the wizard.
//! Seeding is idempotent: an existing `alice` means the seed already ran, and
//! whatever was done with the accounts since is kept.

use rusqlite::{params, Connection, OptionalExtension};

use crate::crypto::{Hasher, ServerKey};
use crate::problem::ApiResult;
use crate::store::accounts;
use crate::totp;

pub const PASSWORD: &str = "reclaim-demo-pass";
/// alice's authenticator secret: 20 bytes, base32 without padding.
pub const ALICE_TOTP_SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
/// alice's current set (generated 2026-03-02T09:15:00Z); the first is burned.
pub const ALICE_CODES: [&str; 8] = [
    "0f3a9c2d7b1e4a86",
    "5c8e1f0b3d7a9e24",
    "a71b2c3d4e5f6089",
    "9e8d7c6b5a4f3e21",
    "37c1e9a0b4d2f865",
    "d4e5f6a7b8c9d0e1",
    "6b2f8a1c9e3d7054",
    "e07f3b9a2c5d1846",
];
/// alice's older set (generated 2025-11-03T10:00:00Z), deleted when she
/// regenerated: each now answers "Invalid recovery code.", like a typo.
pub const ALICE_OLD_CODES: [&str; 8] = [
    "1d4f7a2c9e0b3856",
    "b83e6d1f0a9c4275",
    "4c0a9e7d3b1f6e28",
    "f5a2d8c1e6b3097d",
    "2e9b4f7a1c8d5063",
    "7a3c5e9d2b0f4186",
    "c61d0b8e4f2a9735",
    "08f4e2a6c9d1b57e",
];
pub const CURRENT_SET_AT: i64 = 1_772_442_900; // 2026-03-02T09:15:00Z
pub const OLD_SET_AT: i64 = 1_762_164_000; // 2025-11-03T10:00:00Z
/// When alice set up her authenticator (before both code sets).
pub const ALICE_TOTP_AT: i64 = 1_748_772_000; // 2025-06-01T10:00:00Z
/// alice's address before `alice@example.org`, until 2025-01-15T00:00:00Z.
pub const ALICE_PREVIOUS_EMAIL: &str = "alice@old-mail.example.net";
const ALICE_PREVIOUS_UNTIL: i64 = 1_736_899_200;
/// Projects, with a public repository or none: what the checkup's
/// "recovery readiness" reads (support verifies a push to the repository).
pub const PROJECTS: &[(&str, &str, Option<&str>)] = &[
    (
        "alice",
        "sampleproject",
        Some("https://github.com/example-alice/sampleproject"),
    ),
    (
        "alice",
        "alice-utils",
        Some("https://codeberg.org/example-alice/alice-utils"),
    ),
    (
        "bob",
        "bobs-toolkit",
        Some("https://gitlab.com/example-bob/bobs-toolkit"),
    ),
    ("carol", "carols-notes", None),
];

/// alice's secret is stored sealed under `key`, like every authenticator
/// secret (it is fixed and published, but the column holds no plaintext).
pub fn seed(c: &mut Connection, hasher: &Hasher, key: &ServerKey, now: i64) -> ApiResult<bool> {
    if accounts::user_by_username(c, "alice")?.is_some() {
        return Ok(false);
    }
    let tx = c.transaction()?;
    let add = |name: &str, email: &str, verified: bool| -> rusqlite::Result<i64> {
        tx.execute(
            "INSERT INTO users (username, email, email_verified, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![name, email, verified, hasher.hash(PASSWORD), now],
        )?;
        Ok(tx.last_insert_rowid())
    };
    let alice = add("alice", "alice@example.org", true)?;
    add("bob", "bob@example.org", true)?;
    add("carol", "carol@example.org", false)?;
    tx.execute(
        "UPDATE users SET totp_secret = ?2, totp_changed_at = ?3 WHERE id = ?1",
        params![
            alice,
            key.seal_totp(alice, ALICE_TOTP_SECRET),
            ALICE_TOTP_AT
        ],
    )?;
    tx.execute(
        "INSERT INTO previous_emails (user_id, email, until) VALUES (?1, ?2, ?3)",
        params![alice, ALICE_PREVIOUS_EMAIL, ALICE_PREVIOUS_UNTIL],
    )?;
    for (owner, name, repository) in PROJECTS {
        tx.execute(
            "INSERT INTO projects (user_id, name, repository_url)
             SELECT id, ?2, ?3 FROM users WHERE username = ?1",
            params![owner, name, repository],
        )?;
    }
    let hashes: Vec<String> = ALICE_CODES.iter().map(|c| hasher.hash(c)).collect();
    accounts::replace_recovery_codes(&tx, alice, &hashes, CURRENT_SET_AT)?;
    let first: Option<i64> = tx
        .query_row(
            "SELECT min(id) FROM recovery_codes WHERE user_id = ?1",
            params![alice],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    if let Some(id) = first {
        accounts::burn_recovery_code(&tx, id, CURRENT_SET_AT + 600)?;
    }
    tx.commit()?;
    Ok(true)
}

/// What `serve --demo` prints at start (and the README lists).
pub fn banner(site: &str, now: i64) -> String {
    let secret = totp::base32_decode(ALICE_TOTP_SECRET).unwrap_or_default();
    let at = crate::clock::rfc3339;
    let mut s = String::new();
    s.push_str(&format!("demo accounts (password for all: {PASSWORD})\n"));
    s.push_str("  alice  alice@example.org (verified)  authenticator app + recovery codes\n");
    s.push_str(&format!(
        "         TOTP secret {ALICE_TOTP_SECRET} (code now: {})\n",
        totp::current_code(&secret, now)
    ));
    s.push_str(&format!(
        "         current codes, file {site}-Recovery-Codes-alice-{}.txt:\n",
        at(CURRENT_SET_AT)
    ));
    for (i, code) in ALICE_CODES.iter().enumerate() {
        let note = if i == 0 {
            "  (burned: \"Recovery code has been previously used.\")"
        } else {
            ""
        };
        s.push_str(&format!("           {code}{note}\n"));
    }
    s.push_str(&format!(
        "         old, regenerated set, file {site}-Recovery-Codes-alice-{}.txt (each: \"Invalid recovery code.\"):\n           {}\n",
        at(OLD_SET_AT),
        ALICE_OLD_CODES.join(" ")
    ));
    s.push_str(&format!(
        "         previous address {ALICE_PREVIOUS_EMAIL}\n"
    ));
    s.push_str("  bob    bob@example.org (verified)    no two-factor\n");
    s.push_str("  carol  carol@example.org (unverified: cannot reset by email)\n");
    for (owner, name, repository) in PROJECTS {
        s.push_str(&format!(
            "  project {name} ({owner}): {}\n",
            repository.unwrap_or("no public repository")
        ));
    }
    s.push_str("  mails: GET /api/v1/demo/outbox?to=ADDRESS\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_idempotent_and_matches_the_facts() {
        let mut c = Connection::open_in_memory().unwrap();
        crate::store::migrations::migrate(&mut c).unwrap();
        let h = Hasher::fast_for_tests();
        let key = ServerKey::ephemeral();
        assert!(seed(&mut c, &h, &key, 1_800_000_000).unwrap());
        assert!(!seed(&mut c, &h, &key, 1_800_000_100).unwrap());
        let alice = accounts::user_by_username(&c, "alice").unwrap().unwrap();
        // Her fixed secret, sealed: the column does not hold it.
        let stored = alice.totp_secret.clone().unwrap();
        assert!(!stored.contains(ALICE_TOTP_SECRET), "{stored}");
        assert_eq!(
            key.open_totp(alice.id, &stored).as_deref(),
            Some(ALICE_TOTP_SECRET)
        );
        let info = accounts::codes_info(&c, &alice).unwrap();
        assert_eq!(info.unused, 7);
        assert_eq!(info.generated_at.as_deref(), Some("2026-03-02T09:15:00Z"));
        assert_eq!(totp::base32_decode(ALICE_TOTP_SECRET).unwrap().len(), 20);
        let carol = accounts::user_by_username(&c, "carol").unwrap().unwrap();
        assert!(!carol.email_verified);
        for code in ALICE_CODES.iter().chain(ALICE_OLD_CODES.iter()) {
            assert_eq!(
                reclaim_core::codes::parse_recovery_code(code).as_deref(),
                Ok(*code)
            );
        }
        assert_eq!(crate::clock::rfc3339(OLD_SET_AT), "2025-11-03T10:00:00Z");
        assert_eq!(crate::clock::rfc3339(ALICE_TOTP_AT), "2025-06-01T10:00:00Z");
        assert_eq!(accounts::projects(&c, alice.id).unwrap().len(), 2);
        let carol_projects = accounts::projects(&c, carol.id).unwrap();
        assert_eq!(carol_projects[0].repository_url, None);
        assert_eq!(
            accounts::previous_emails(&c, alice.id).unwrap()[0].0,
            ALICE_PREVIOUS_EMAIL
        );
    }
}
