//! The recovery-request draft, kept in `sessionStorage` as the user types.
//!
//! What is stored: the answers of the form and the idempotency key of this
//! draft. What is never stored: passwords, recovery codes, TOTP codes or
//! secrets, status tokens. Free text that the leak guard recognises as a code
//! is not persisted (the last safe version is kept instead).
//!
//! The one exception, asked for by the user with an unticked-by-default
//! checkbox on the confirmation page, is [`RememberedRequest`]: a request id
//! and its status token in `localStorage`, so that /status can look it up.

use reclaim_core::api::{Reason, RecoveryCodesStatus, RecoveryRequestBody};
use reclaim_core::ErrorCode;
use serde::Deserialize;

use crate::browser;
use crate::page_store::{self, Pairs, Scope, Stored};

/// Limits of the form: the shared rules' own.
pub use reclaim_core::validation::{MAX_DETAILS_CHARS, MAX_PACKAGES, MAX_PREVIOUS_EMAILS};

/// The answers of the request form, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub username: String,
    /// "I do not know my username": ask for the account's email instead.
    pub unknown_username: bool,
    pub account_email: String,
    pub reason: Option<Reason>,
    pub details: String,
    /// Date access was lost, as three GOV.UK date parts.
    pub lost_day: String,
    pub lost_month: String,
    pub lost_year: String,
    /// Rows as typed; empty rows are dropped from the body.
    pub previous_emails: Vec<String>,
    pub packages: Vec<String>,
    pub contact_email: String,
    pub recovery_codes_status: Option<RecoveryCodesStatus>,
    /// The wizard already knows `recovery_codes_status` (after "I have no
    /// recovery codes that work", say): the question is not asked again.
    pub codes_known: bool,
    /// A proof of email control from the wizard. Not a secret (it proves a
    /// fact, it does not let anyone in) but never shown.
    pub email_proof: Option<String>,
    /// The address the proof is for, to show on "Check your answers".
    pub email_proof_address: Option<String>,
    /// A repository proof made with `email_proof` (its id), and the
    /// repository it proves, to show on "Check your answers".
    pub repository_proof: Option<String>,
    pub repository_proof_url: Option<String>,
    /// One key per draft, reused by every retry of the submission, so a
    /// reload during sending cannot create a second request.
    pub idempotency_key: String,
}

impl Default for Draft {
    fn default() -> Self {
        Draft {
            username: String::new(),
            unknown_username: false,
            account_email: String::new(),
            reason: None,
            details: String::new(),
            lost_day: String::new(),
            lost_month: String::new(),
            lost_year: String::new(),
            previous_emails: vec![String::new()],
            packages: vec![String::new()],
            contact_email: String::new(),
            recovery_codes_status: None,
            codes_known: false,
            email_proof: None,
            email_proof_address: None,
            repository_proof: None,
            repository_proof_url: None,
            idempotency_key: String::new(),
        }
    }
}

impl Draft {
    /// A new, empty draft with a fresh idempotency key.
    pub fn fresh() -> Draft {
        Draft {
            idempotency_key: new_idempotency_key(),
            ..Draft::default()
        }
    }

    /// Whether the user has typed or chosen anything yet.
    pub fn is_blank(&self) -> bool {
        let blank = Draft {
            idempotency_key: self.idempotency_key.clone(),
            email_proof: self.email_proof.clone(),
            email_proof_address: self.email_proof_address.clone(),
            repository_proof: self.repository_proof.clone(),
            repository_proof_url: self.repository_proof_url.clone(),
            ..Draft::default()
        };
        let rows_blank = |rows: &[String]| rows.iter().all(|r| r.trim().is_empty());
        let mut me = self.clone();
        if rows_blank(&me.previous_emails) {
            me.previous_emails = blank.previous_emails.clone();
        }
        if rows_blank(&me.packages) {
            me.packages = blank.packages.clone();
        }
        me == blank
    }

    /// The date access was lost as `YYYY-MM-DD`, `None` when all parts are
    /// empty. Incomplete or non-numeric parts are passed through joined, so the
    /// shared rules report them as a date format error.
    pub fn lost_access_on(&self) -> Option<String> {
        let (d, m, y) = (
            self.lost_day.trim(),
            self.lost_month.trim(),
            self.lost_year.trim(),
        );
        if d.is_empty() && m.is_empty() && y.is_empty() {
            return None;
        }
        let numeric = |s: &str, max_len: usize| {
            !s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit())
        };
        if numeric(d, 2) && numeric(m, 2) && y.len() == 4 && numeric(y, 4) {
            Some(format!("{y}-{m:0>2}-{d:0>2}"))
        } else {
            Some(format!("{y}-{m}-{d}"))
        }
    }

    /// Indices of the non-empty rows of a list, in order: body index `i`
    /// is row `nonempty_rows(rows)[i]`.
    pub fn nonempty_rows(rows: &[String]) -> Vec<usize> {
        rows.iter()
            .enumerate()
            .filter(|(_, r)| !r.trim().is_empty())
            .map(|(i, _)| i)
            .collect()
    }

    /// The contract body for these answers. Both acknowledgements are
    /// `true`: they are the declaration on "Check your answers", whose
    /// "Accept and send" is the only button that sends a body.
    pub fn to_body(&self) -> RecoveryRequestBody {
        let rows = |rows: &[String]| {
            rows.iter()
                .map(|r| r.trim().to_string())
                .filter(|r| !r.is_empty())
                .collect::<Vec<_>>()
        };
        let (username, account_email) = if self.unknown_username {
            (String::new(), Some(self.account_email.trim().to_string()))
        } else {
            (self.username.trim().to_string(), None)
        };
        RecoveryRequestBody {
            username,
            account_email,
            contact_email: self.contact_email.trim().to_string(),
            reason: self.reason,
            details: self.details.trim().to_string(),
            lost_access_on: self.lost_access_on(),
            previous_emails: rows(&self.previous_emails),
            packages: rows(&self.packages),
            // Not asked for this reason: not sent, whatever was chosen before.
            recovery_codes_status: self
                .reason
                .filter(|r| r.concerns_recovery_codes())
                .and(self.recovery_codes_status),
            email_proof: self.email_proof.clone().filter(|p| !p.is_empty()),
            // Only with the email proof it was made with.
            repository_proof: self
                .repository_proof
                .clone()
                .filter(|p| !p.is_empty() && self.email_proof.is_some()),
            accepted_code_of_conduct: true,
            acknowledged_delay: true,
        }
    }

    /// Read the draft of this tab, if there is one.
    pub fn load() -> Option<Draft> {
        let mut draft = page_store::get::<Draft>()?;
        if draft.idempotency_key.is_empty() {
            draft.idempotency_key = new_idempotency_key();
        }
        if draft.previous_emails.is_empty() {
            draft.previous_emails.push(String::new());
        }
        if draft.packages.is_empty() {
            draft.packages.push(String::new());
        }
        Some(draft)
    }

    /// Save the draft. A text that the leak guard recognises as holding a
    /// recovery code or a TOTP secret or code is not written: the previously
    /// saved value of that answer is kept instead (or nothing).
    pub fn save(&self) {
        let stored = Draft::load().unwrap_or_default();
        let safe = |new: &String, old: &String| -> String {
            if !is_leak(new) {
                new.clone()
            } else if !is_leak(old) {
                old.clone()
            } else {
                String::new()
            }
        };
        let safe_rows = |new: &[String], old: &[String]| -> Vec<String> {
            new.iter()
                .enumerate()
                .map(|(i, row)| safe(row, old.get(i).unwrap_or(&String::new())))
                .collect()
        };
        let to_store = Draft {
            username: safe(&self.username, &stored.username),
            account_email: safe(&self.account_email, &stored.account_email),
            details: safe(&self.details, &stored.details),
            contact_email: safe(&self.contact_email, &stored.contact_email),
            previous_emails: safe_rows(&self.previous_emails, &stored.previous_emails),
            packages: safe_rows(&self.packages, &stored.packages),
            ..self.clone()
        };
        page_store::put(&to_store);
    }

    /// Forget the draft (after success, or "Start again").
    pub fn clear() {
        page_store::remove::<Draft>();
    }
}

/// In this tab's storage as the user types. v2: URL-encoded pairs instead
/// of JSON (a serde derive for this struct cost 5 KB of brotli wasm in each
/// of the request's bundles). Empty answers are left out; unknown keys are
/// ignored when reading (the acknowledgements a draft of the one-page form
/// kept are now the check page's declaration).
impl Stored for Draft {
    const NAME: &'static str = "request-draft";
    const VERSION: u32 = 2;
    const SCOPE: Scope = Scope::Tab;

    fn encode(&self, p: &Pairs) {
        p.text("username", &self.username);
        p.flag("unknown_username", self.unknown_username);
        p.text("account_email", &self.account_email);
        p.text("reason", self.reason.map_or("", Reason::as_str));
        p.text("details", &self.details);
        p.text("lost_day", &self.lost_day);
        p.text("lost_month", &self.lost_month);
        p.text("lost_year", &self.lost_year);
        // Every row, empty ones too: row indices are field ids.
        for row in &self.previous_emails {
            p.row("previous_emails", row);
        }
        for row in &self.packages {
            p.row("packages", row);
        }
        p.text("contact_email", &self.contact_email);
        p.text(
            "recovery_codes_status",
            self.recovery_codes_status
                .map_or("", RecoveryCodesStatus::as_str),
        );
        p.flag("codes_known", self.codes_known);
        p.text("email_proof", self.email_proof.as_deref().unwrap_or(""));
        p.text(
            "email_proof_address",
            self.email_proof_address.as_deref().unwrap_or(""),
        );
        p.text(
            "repository_proof",
            self.repository_proof.as_deref().unwrap_or(""),
        );
        p.text(
            "repository_proof_url",
            self.repository_proof_url.as_deref().unwrap_or(""),
        );
        p.text("idempotency_key", &self.idempotency_key);
    }

    fn decode(p: &Pairs) -> Option<Draft> {
        Some(Draft {
            username: p.get_text("username"),
            unknown_username: p.has("unknown_username"),
            account_email: p.get_text("account_email"),
            reason: p.get("reason").and_then(|r| Reason::parse(&r)),
            details: p.get_text("details"),
            lost_day: p.get_text("lost_day"),
            lost_month: p.get_text("lost_month"),
            lost_year: p.get_text("lost_year"),
            previous_emails: p.rows("previous_emails"),
            packages: p.rows("packages"),
            contact_email: p.get_text("contact_email"),
            recovery_codes_status: p
                .get("recovery_codes_status")
                .and_then(|s| RecoveryCodesStatus::parse(&s)),
            codes_known: p.has("codes_known"),
            email_proof: p.get("email_proof"),
            email_proof_address: p.get("email_proof_address"),
            repository_proof: p.get("repository_proof"),
            repository_proof_url: p.get("repository_proof_url"),
            idempotency_key: p.get_text("idempotency_key"),
        })
    }
}

/// Whether the shared leak guard refuses this text as containing a code.
pub fn is_leak(text: &str) -> bool {
    matches!(
        reclaim_core::validation::leak_guard(text, reclaim_core::limits::DEFAULT_API_TOKEN_PREFIX),
        Err(ErrorCode::ContainsRecoveryCode
            | ErrorCode::ContainsTotpSecret
            | ErrorCode::ContainsTotpCode)
    )
}

/// 16 random bytes as 32 hex characters.
pub fn new_idempotency_key() -> String {
    browser::random_hex(16)
}

/// A request remembered on this device at the user's explicit request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RememberedRequest {
    pub id: String,
    pub status_token: String,
}

/// In this browser's storage (every tab), only when the user ticks
/// "Remember this request on this device". v1 was JSON.
impl Stored for RememberedRequest {
    const NAME: &'static str = "remembered-request";
    const VERSION: u32 = 2;
    const SCOPE: Scope = Scope::Browser;

    fn encode(&self, p: &Pairs) {
        p.text("id", &self.id);
        p.text("status_token", &self.status_token);
    }

    fn decode(p: &Pairs) -> Option<Self> {
        Some(RememberedRequest {
            id: p.get("id")?,
            status_token: p.get("status_token")?,
        })
    }

    fn upgrade(version: u32, text: &str) -> Option<Self> {
        (version == 1).then(|| serde_json::from_str(text).ok())?
    }
}

impl RememberedRequest {
    pub fn load() -> Option<RememberedRequest> {
        page_store::get::<RememberedRequest>()
    }

    /// Store it; returns whether the browser allowed it.
    pub fn save(&self) -> bool {
        page_store::put(self)
    }

    pub fn forget() {
        page_store::remove::<RememberedRequest>();
    }
}
