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
use serde::{Deserialize, Serialize};
use web_sys::UrlSearchParams;

use crate::browser;

/// `sessionStorage` key of the draft (versioned: a new shape gets a new key).
/// v2: URL-encoded pairs instead of JSON (see [`Draft::encode`]).
pub const DRAFT_KEY: &str = "reclaim.request-draft.v2";
/// `localStorage` key of the remembered request (opt-in only).
pub const REMEMBERED_KEY: &str = "reclaim.remembered-request.v1";

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
    /// A proof of email control from the wizard. Not a secret (it proves a
    /// fact, it does not let anyone in) but never shown.
    pub email_proof: Option<String>,
    /// The address the proof is for, to show on "Check your answers".
    pub email_proof_address: Option<String>,
    pub accepted_code_of_conduct: bool,
    pub acknowledged_delay: bool,
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
            email_proof: None,
            email_proof_address: None,
            accepted_code_of_conduct: false,
            acknowledged_delay: false,
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

    /// The contract body for these answers.
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
            accepted_code_of_conduct: self.accepted_code_of_conduct,
            acknowledged_delay: self.acknowledged_delay,
        }
    }

    /// The draft as URL-encoded pairs (`username=…&packages=a&packages=b`).
    /// Not JSON: a serde derive for this struct cost 5 KB of brotli wasm in
    /// each of the two request bundles, which then missed their budget; the
    /// browser's `URLSearchParams` does the encoding. Empty answers are left
    /// out; unknown keys are ignored when reading.
    pub fn encode(&self) -> String {
        let Ok(p) = UrlSearchParams::new() else {
            return String::new();
        };
        let text = |key: &str, value: &str| {
            if !value.is_empty() {
                p.append(key, value);
            }
        };
        let flag = |key: &str, on: bool| {
            if on {
                p.append(key, "1");
            }
        };
        text("username", &self.username);
        flag("unknown_username", self.unknown_username);
        text("account_email", &self.account_email);
        text("reason", self.reason.map_or("", Reason::as_str));
        text("details", &self.details);
        text("lost_day", &self.lost_day);
        text("lost_month", &self.lost_month);
        text("lost_year", &self.lost_year);
        // Every row, empty ones too: row indices are field ids.
        for row in &self.previous_emails {
            p.append("previous_emails", row);
        }
        for row in &self.packages {
            p.append("packages", row);
        }
        text("contact_email", &self.contact_email);
        text(
            "recovery_codes_status",
            self.recovery_codes_status
                .map_or("", RecoveryCodesStatus::as_str),
        );
        text("email_proof", self.email_proof.as_deref().unwrap_or(""));
        text(
            "email_proof_address",
            self.email_proof_address.as_deref().unwrap_or(""),
        );
        flag("accepted_code_of_conduct", self.accepted_code_of_conduct);
        flag("acknowledged_delay", self.acknowledged_delay);
        text("idempotency_key", &self.idempotency_key);
        p.to_string().into()
    }

    /// Read what [`Draft::encode`] wrote.
    pub fn decode(text: &str) -> Option<Draft> {
        let p = UrlSearchParams::new_with_str(text).ok()?;
        let text = |key: &str| p.get(key).unwrap_or_default();
        let rows = |key: &str| -> Vec<String> {
            p.get_all(key)
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        };
        Some(Draft {
            username: text("username"),
            unknown_username: p.has("unknown_username"),
            account_email: text("account_email"),
            reason: p.get("reason").and_then(|r| Reason::parse(&r)),
            details: text("details"),
            lost_day: text("lost_day"),
            lost_month: text("lost_month"),
            lost_year: text("lost_year"),
            previous_emails: rows("previous_emails"),
            packages: rows("packages"),
            contact_email: text("contact_email"),
            recovery_codes_status: p
                .get("recovery_codes_status")
                .and_then(|s| RecoveryCodesStatus::parse(&s)),
            email_proof: p.get("email_proof"),
            email_proof_address: p.get("email_proof_address"),
            accepted_code_of_conduct: p.has("accepted_code_of_conduct"),
            acknowledged_delay: p.has("acknowledged_delay"),
            idempotency_key: text("idempotency_key"),
        })
    }

    /// Read the draft of this tab, if there is one.
    pub fn load() -> Option<Draft> {
        let text = browser::storage_get(browser::session_storage(), DRAFT_KEY)?;
        let mut draft = Draft::decode(&text)?;
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
        browser::storage_set(browser::session_storage(), DRAFT_KEY, &to_store.encode());
    }

    /// Forget the draft (after success, or "Start again").
    pub fn clear() {
        browser::storage_remove(browser::session_storage(), DRAFT_KEY);
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RememberedRequest {
    pub id: String,
    pub status_token: String,
}

impl RememberedRequest {
    pub fn load() -> Option<RememberedRequest> {
        let text = browser::storage_get(browser::local_storage(), REMEMBERED_KEY)?;
        serde_json::from_str(&text).ok()
    }

    /// Store it; returns whether the browser allowed it.
    pub fn save(&self) -> bool {
        serde_json::to_string(self)
            .is_ok_and(|text| browser::storage_set(browser::local_storage(), REMEMBERED_KEY, &text))
    }

    pub fn forget() {
        browser::storage_remove(browser::local_storage(), REMEMBERED_KEY);
    }
}
