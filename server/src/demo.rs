//! `--demo`: fixed accounts so a person can try every branch of the wizard.
//! The accounts, password, addresses, authenticator secret, recovery codes
//! and projects are the fixture `demo/accounts.json` (through
//! `reclaim_core::demo`), which the contract and browser tests read too.
//! Seeding is idempotent: an existing first account (`alice`) means the seed
//! already ran, and whatever was done with the accounts since is kept.

use reclaim_core::demo::demo;
#[cfg(test)]
use reclaim_core::demo::{Account, CodeSet};
use rusqlite::{params, Connection};

use crate::clock::parse_rfc3339;
use crate::crypto::{Hasher, ServerKey};
use crate::problem::ApiResult;
use crate::store::accounts;
use crate::totp;

/// The password of every demo account.
#[cfg(test)]
pub fn password() -> &'static str {
    &demo().password
}

/// alice: the account with an authenticator and recovery codes.
#[cfg(test)]
pub fn alice() -> &'static Account {
    demo().account("alice")
}

/// alice's authenticator secret (base32, no padding).
#[cfg(test)]
pub fn alice_totp_secret() -> &'static str {
    &alice()
        .totp
        .as_ref()
        .expect("alice has an authenticator")
        .secret
}

/// alice's current set of recovery codes (the fixture's `used` ones burned).
#[cfg(test)]
pub fn alice_codes() -> &'static CodeSet {
    alice()
        .recovery_codes
        .as_ref()
        .expect("alice has recovery codes")
}

/// A time of the fixture, as the server stores it. Panics on a time that
/// does not parse (a unit test keeps every time parsing).
fn at(text: &str) -> i64 {
    parse_rfc3339(text).unwrap_or_else(|| panic!("demo/accounts.json: not RFC 3339: {text}"))
}

/// Secrets are stored sealed under `key`, like every authenticator secret
/// (alice's is fixed and published, but the column holds no plaintext).
/// The repositories the demo serves itself are at `public_url`, which can
/// change from one start to the next (the port): they are pointed there
/// at every start, seeded or not.
pub fn seed(
    c: &mut Connection,
    hasher: &Hasher,
    key: &ServerKey,
    public_url: &str,
    now: i64,
) -> ApiResult<bool> {
    let fixture = demo();
    let Some(first) = fixture.accounts.first() else {
        return Ok(false);
    };
    if accounts::user_by_username(c, &first.username)?.is_some() {
        point_repositories(c, public_url)?;
        return Ok(false);
    }
    let tx = c.transaction()?;
    for account in &fixture.accounts {
        tx.execute(
            "INSERT INTO users (username, email, email_verified, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                account.username,
                account.email,
                account.email_verified,
                hasher.hash(&fixture.password),
                now
            ],
        )?;
        let id = tx.last_insert_rowid();
        if let Some(totp) = &account.totp {
            tx.execute(
                "UPDATE users SET totp_secret = ?2, totp_changed_at = ?3 WHERE id = ?1",
                params![id, key.seal_totp(id, &totp.secret), at(&totp.since)],
            )?;
        }
        for previous in &account.previous_emails {
            tx.execute(
                "INSERT INTO previous_emails (user_id, email, until) VALUES (?1, ?2, ?3)",
                params![id, previous.email, at(&previous.until)],
            )?;
        }
        for project in &account.projects {
            tx.execute(
                "INSERT INTO projects (user_id, name, repository_url, repository_listed_at) VALUES (?1, ?2, ?3, ?4)",
                params![
                    id,
                    project.name,
                    project.repository_at(public_url),
                    project.repository_listed_at.as_deref().map(at)
                ],
            )?;
        }
        // Replaced sets are not stored: their codes are invalid, like a typo.
        if let Some(set) = &account.recovery_codes {
            let stored: Vec<accounts::NewRecoveryCode> = set
                .codes
                .iter()
                .map(|c| accounts::NewRecoveryCode {
                    hash: hasher.hash(c),
                    tag: key.recovery_code_tag(c),
                })
                .collect();
            accounts::replace_recovery_codes(&tx, id, &stored, at(&set.generated_at))?;
            let ids: Vec<i64> = tx
                .prepare("SELECT id FROM recovery_codes WHERE user_id = ?1 ORDER BY id")?
                .query_map(params![id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            for used in &set.used {
                if let Some(pos) = set.codes.iter().position(|c| *c == used.code) {
                    accounts::burn_recovery_code(&tx, ids[pos], at(&used.at))?;
                }
            }
        }
    }
    tx.commit()?;
    Ok(true)
}

/// Point the demo's own repositories (a path in the fixture) at
/// `public_url`, where this start serves them.
fn point_repositories(c: &Connection, public_url: &str) -> rusqlite::Result<()> {
    for account in &demo().accounts {
        for project in account
            .projects
            .iter()
            .filter(|p| p.demo_git_name().is_some())
        {
            c.execute(
                "UPDATE projects SET repository_url = ?3
                 WHERE name = ?2 AND user_id = (SELECT id FROM users WHERE username = ?1)",
                params![
                    account.username,
                    project.name,
                    project.repository_at(public_url)
                ],
            )?;
        }
    }
    Ok(())
}

/// What `serve --demo` prints at start (and the README lists).
pub fn banner(site: &str, public_url: &str, now: i64) -> String {
    let fixture = demo();
    let rfc3339 = |text: &str| crate::clock::rfc3339(at(text));
    let mut s = String::new();
    s.push_str(&format!(
        "demo accounts (password for all: {})\n",
        fixture.password
    ));
    for account in &fixture.accounts {
        let verified = if account.email_verified {
            "verified"
        } else {
            "unverified: cannot reset by email"
        };
        let second = match (&account.totp, &account.recovery_codes) {
            (Some(_), Some(_)) => "authenticator app + recovery codes",
            (Some(_), None) => "authenticator app",
            (None, _) => "no two-factor",
        };
        s.push_str(&format!(
            "  {:<6} {} ({verified})  {second}\n",
            account.username, account.email
        ));
        if let Some(totp) = &account.totp {
            let secret = totp::base32_decode(&totp.secret).unwrap_or_default();
            s.push_str(&format!(
                "         TOTP secret {} (code now: {})\n",
                totp.secret,
                totp::current_code(&secret, now)
            ));
        }
        if let Some(set) = &account.recovery_codes {
            s.push_str(&format!(
                "         current codes, file {site}-Recovery-Codes-{}-{}.txt:\n",
                account.username,
                rfc3339(&set.generated_at)
            ));
            for code in &set.codes {
                let note = if set.is_used(code) {
                    "  (burned: \"Recovery code has been previously used.\")"
                } else {
                    ""
                };
                s.push_str(&format!("           {code}{note}\n"));
            }
        }
        for set in &account.replaced_recovery_codes {
            s.push_str(&format!(
                "         old, regenerated set, file {site}-Recovery-Codes-{}-{}.txt (each: \"Invalid recovery code.\"):\n           {}\n",
                account.username,
                rfc3339(&set.generated_at),
                set.codes.join(" ")
            ));
        }
        for previous in &account.previous_emails {
            s.push_str(&format!("         previous address {}\n", previous.email));
        }
    }
    for account in &fixture.accounts {
        for project in &account.projects {
            s.push_str(&format!(
                "  project {} ({}): {}\n",
                project.name,
                account.username,
                project
                    .repository_at(public_url)
                    .as_deref()
                    .unwrap_or("no public repository")
            ));
        }
    }
    s.push_str("  mails: GET /api/v1/demo/outbox?to=ADDRESS\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_time_of_the_fixture_parses() {
        for account in &demo().accounts {
            let sets = account
                .recovery_codes
                .iter()
                .chain(&account.replaced_recovery_codes);
            let times = account
                .totp
                .iter()
                .map(|t| t.since.as_str())
                .chain(account.previous_emails.iter().map(|p| p.until.as_str()))
                .chain(
                    account
                        .projects
                        .iter()
                        .filter_map(|p| p.repository_listed_at.as_deref()),
                )
                .chain(sets.flat_map(|s| {
                    std::iter::once(s.generated_at.as_str())
                        .chain(s.used.iter().map(|u| u.at.as_str()))
                }));
            for time in times {
                assert_eq!(crate::clock::rfc3339(at(time)), time);
            }
        }
    }

    #[test]
    fn seed_is_idempotent_and_matches_the_fixture() {
        let mut c = Connection::open_in_memory().unwrap();
        crate::store::migrations::migrate(&mut c).unwrap();
        let h = Hasher::fast_for_tests();
        let key = ServerKey::ephemeral();
        let url = "http://127.0.0.1:8080";
        assert!(seed(&mut c, &h, &key, url, 1_800_000_000).unwrap());
        assert!(!seed(&mut c, &h, &key, "http://127.0.0.1:9999", 1_800_000_100).unwrap());
        let alice_row = accounts::user_by_username(&c, "alice").unwrap().unwrap();
        // Her fixed secret, sealed: the column does not hold it.
        let stored = alice_row.totp_secret.clone().unwrap();
        assert!(!stored.contains(alice_totp_secret()), "{stored}");
        assert_eq!(
            key.open_totp(alice_row.id, &stored).as_deref(),
            Some(alice_totp_secret())
        );
        assert_eq!(totp::base32_decode(alice_totp_secret()).unwrap().len(), 20);
        let info = accounts::codes_info(&c, &alice_row).unwrap();
        assert_eq!(info.unused as usize, alice_codes().unused().len());
        assert_eq!(
            info.generated_at.as_deref(),
            Some(alice_codes().generated_at.as_str())
        );
        for account in &demo().accounts {
            let row = accounts::user_by_username(&c, &account.username)
                .unwrap()
                .unwrap();
            assert_eq!(row.email, account.email);
            assert_eq!(row.email_verified, account.email_verified);
            let projects = accounts::projects(&c, row.id).unwrap();
            assert_eq!(projects.len(), account.projects.len());
            for fixed in &account.projects {
                let stored = projects.iter().find(|p| p.name == fixed.name).unwrap();
                // The demo's own repositories at the last start's address.
                let expected = fixed.repository_at("http://127.0.0.1:9999");
                assert_eq!(stored.repository_url, expected);
            }
            let previous = accounts::previous_emails(&c, row.id).unwrap();
            assert_eq!(previous.len(), account.previous_emails.len());
        }
        let banner = banner("PyPI", url, 1_800_000_000);
        assert!(banner.contains("http://127.0.0.1:8080/demo-git/sampleproject.git"));
        assert!(banner.contains(password()), "{banner}");
        assert!(banner.contains("PyPI-Recovery-Codes-alice-2026-03-02T09:15:00Z.txt"));
    }
}
