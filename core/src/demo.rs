//! The demo fixture: the accounts `reclaim-server serve --demo` seeds, with
//! their password, addresses, authenticator secret, recovery codes and
//! projects. The one copy is `demo/accounts.json` at the repository root:
//! the server's seed and the contract tests read it through this module
//! (embedded at compile time), the browser tests read the file itself.
//!
//! Times are RFC 3339 text here (core has no clock); the server turns them
//! into its own. Only the server and the contract tests enable the `demo`
//! feature: the app knows no demo data.

use std::sync::OnceLock;

use serde::Deserialize;

/// The fixture's text, as committed.
pub const JSON: &str = include_str!("../../demo/accounts.json");

/// Everything the demo seeds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Demo {
    /// What the file says about itself (not data).
    #[serde(default)]
    pub about: String,
    /// The password of every demo account.
    pub password: String,
    pub accounts: Vec<Account>,
}

/// One demo account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub username: String,
    pub email: String,
    pub email_verified: bool,
    /// Addresses the account had before, oldest first.
    #[serde(default)]
    pub previous_emails: Vec<PreviousEmail>,
    /// An authenticator app, if the account has one.
    #[serde(default)]
    pub totp: Option<Totp>,
    /// The current set of recovery codes, if any.
    #[serde(default)]
    pub recovery_codes: Option<CodeSet>,
    /// Older sets, replaced when new codes were generated: the server keeps
    /// none of them, so each of their codes answers "Invalid recovery code.".
    #[serde(default)]
    pub replaced_recovery_codes: Vec<CodeSet>,
    #[serde(default)]
    pub projects: Vec<Project>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviousEmail {
    pub email: String,
    /// RFC 3339: when the account stopped using it.
    pub until: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Totp {
    /// base32, no padding (20 bytes).
    pub secret: String,
    /// RFC 3339: when it was set up.
    pub since: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeSet {
    /// RFC 3339: when the set was generated (its file name says so too).
    pub generated_at: String,
    pub codes: Vec<String>,
    /// The codes of the set already used, and when.
    #[serde(default)]
    pub used: Vec<UsedCode>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsedCode {
    pub code: String,
    /// RFC 3339.
    pub at: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub name: String,
    /// A public repository (support verifies a push to it), or none. A
    /// path (`/demo-git/NAME.git`) is served by the demo server itself, at
    /// that path of its public URL ([`Project::repository_at`]).
    pub repository: Option<String>,
    /// RFC 3339: since when the repository is listed on the project (a
    /// repository listed after a lock-out proves nothing).
    #[serde(default)]
    pub repository_listed_at: Option<String>,
}

impl Project {
    /// The repository's URL for a server whose public URL is `public_url`
    /// (no trailing slash): a path is resolved against it.
    pub fn repository_at(&self, public_url: &str) -> Option<String> {
        self.repository.as_ref().map(|r| {
            if r.starts_with('/') {
                format!("{public_url}{r}")
            } else {
                r.clone()
            }
        })
    }

    /// The name of the bare repository the demo server serves for this
    /// project (`NAME` of `/demo-git/NAME.git`), if it serves one.
    pub fn demo_git_name(&self) -> Option<&str> {
        self.repository
            .as_deref()?
            .strip_prefix(DEMO_GIT_PATH)?
            .strip_prefix('/')?
            .strip_suffix(".git")
    }
}

/// Where the demo server serves its projects' repositories (git's smart
/// HTTP), under its public URL.
pub const DEMO_GIT_PATH: &str = "/demo-git";

/// The fixture, parsed once. Panics if the committed file does not parse
/// (a unit test keeps it parsing).
pub fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| serde_json::from_str(JSON).expect("demo/accounts.json parses"))
}

impl Demo {
    /// The account named `username`. Panics if the fixture has none.
    pub fn account(&self, username: &str) -> &Account {
        self.accounts
            .iter()
            .find(|a| a.username == username)
            .unwrap_or_else(|| panic!("demo/accounts.json has no account {username:?}"))
    }
}

impl CodeSet {
    /// Whether `code` is one of the set's used codes.
    pub fn is_used(&self, code: &str) -> bool {
        self.used.iter().any(|u| u.code == code)
    }

    /// The codes not used yet, in order.
    pub fn unused(&self) -> Vec<&str> {
        self.codes
            .iter()
            .map(String::as_str)
            .filter(|c| !self.is_used(c))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::{parse_recovery_code, parse_totp_secret};

    #[test]
    fn the_fixture_parses_and_holds_together() {
        let demo = demo();
        assert!(demo.password.chars().count() >= crate::limits::MIN_PASSWORD_CHARS);
        let mut names: Vec<&str> = demo.accounts.iter().map(|a| a.username.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), demo.accounts.len(), "one entry per account");
        for account in &demo.accounts {
            if let Some(totp) = &account.totp {
                assert_eq!(
                    parse_totp_secret(&totp.secret).as_deref(),
                    Ok(totp.secret.as_str())
                );
            }
            for set in account
                .recovery_codes
                .iter()
                .chain(&account.replaced_recovery_codes)
            {
                for code in &set.codes {
                    assert_eq!(parse_recovery_code(code).as_deref(), Ok(code.as_str()));
                }
                for used in &set.used {
                    assert!(set.codes.contains(&used.code), "{}", used.code);
                }
            }
        }
        let alice = demo.account("alice");
        let current = alice.recovery_codes.as_ref().unwrap();
        assert_eq!(current.unused().len(), current.codes.len() - 1);
    }
}
