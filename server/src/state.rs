//! The shared state every handler gets: the deployment's settings and the
//! services (database, clock, password work, key, mailer, the relying party
//! of security keys, the built app, the security headers). A module of its own, below everything that uses
//! it: `app.rs` assembles the router from the handlers, the handlers take
//! this state, and nothing here names either.

use std::sync::Arc;

use crate::client_addr::TrustedProxies;
use crate::clock::Clock;
use crate::crypto::ServerKey;
use crate::headers::SecurityHeaders;
use crate::mail::Mailer;
use crate::passwords::PasswordWork;
use crate::security_keys::RelyingParty;
use crate::static_files::StaticFiles;
use crate::store::Db;

/// Facts about this deployment the handlers need.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Registry name, used in the recovery-codes file name and mails.
    pub site_name: String,
    pub totp_issuer: String,
    /// Origin users reach the app at, for links in mails.
    pub public_url: String,
    /// Support's address, named in mails (the app's `support.email`).
    pub support_email: String,
    /// Served over HTTPS (directly or behind a proxy): `Secure` cookies, HSTS.
    pub secure: bool,
    /// Demo mode: outbox endpoint, seeded accounts.
    pub demo: bool,
    /// The registry's API-token prefix (`pypi-`), so a token pasted into a
    /// code field or a request is named for what it is.
    pub api_token_prefix: String,
    /// Proxies whose forwarding header (one: `--proxy-header`) is believed.
    pub trusted_proxies: TrustedProxies,
    /// Mails anyone can trigger, at most this many per
    /// `mail_budget_window` seconds (an hour by default; 0: unlimited).
    pub mail_budget_per_hour: usize,
    pub mail_budget_window: i64,
    /// Longest a request may take, body upload included (then 408).
    pub request_timeout: std::time::Duration,
    /// Which repositories a repository proof may read.
    pub repositories: crate::refs::RepositoryPolicy,
    /// How long a request carrying proofs waits before anyone acts on it.
    pub holds: crate::holds::Holds,
    /// Days support takes to answer a request once its hold is over (or
    /// once it is filed, without one): the status page's expected date.
    pub response_days: i64,
    /// Demo mode: the folder of the bare repositories served under
    /// `/demo-git` (`demo_git.rs`).
    pub demo_git_root: Option<std::path::PathBuf>,
}

impl Settings {
    /// What mails say about this site.
    pub fn letterhead(&self) -> crate::mail::Letterhead {
        crate::mail::Letterhead {
            public_url: self.public_url.clone(),
            support_email: self.support_email.clone(),
        }
    }

    /// The budget of mail anyone can trigger.
    pub fn mail_budget(&self) -> crate::mail::Budget {
        crate::mail::Budget {
            max: self.mail_budget_per_hour,
            secs: self.mail_budget_window,
        }
    }

    #[cfg(test)]
    pub fn for_tests() -> Settings {
        Settings {
            site_name: "PyPI".into(),
            totp_issuer: "PyPI".into(),
            public_url: "http://127.0.0.1:8080".into(),
            support_email: crate::config::DEFAULT_SUPPORT_EMAIL.into(),
            secure: false,
            demo: true,
            api_token_prefix: reclaim_core::limits::DEFAULT_API_TOKEN_PREFIX.into(),
            trusted_proxies: TrustedProxies::default(),
            mail_budget_per_hour: 0,
            mail_budget_window: crate::limits::HOUR,
            request_timeout: std::time::Duration::from_secs(30),
            repositories: crate::refs::RepositoryPolicy {
                loopback: true,
                ..Default::default()
            },
            holds: crate::holds::Holds::default(),
            response_days: crate::holds::DEFAULT_RESPONSE_DAYS,
            demo_git_root: None,
        }
    }
}

pub struct App {
    pub db: Db,
    pub clock: Clock,
    /// Password and recovery-code hashing, bounded (see [`PasswordWork`]).
    pub passwords: PasswordWork,
    /// Keys the hashes of one-time codes and derives status tokens.
    pub key: ServerKey,
    pub mailer: Mailer,
    /// Security keys and passkeys: the relying party, from the public URL.
    pub relying_party: RelyingParty,
    pub settings: Settings,
    pub files: StaticFiles,
    pub headers: SecurityHeaders,
}

pub type AppState = Arc<App>;
