//! `/request`: the recovery request (form → check answers → confirmation).
//!
//! The state lives in [`RequestFlow`], provided once by the app, so moving
//! between the form and "Check your answers" keeps answers, errors and an
//! in-flight submission. The draft part is mirrored to `sessionStorage`.

mod check;
mod confirmation;
mod form;
mod send;

pub use check::CheckAnswers;
pub use confirmation::Confirmation;
pub use form::RequestForm;

use std::collections::BTreeMap;

use leptos::prelude::*;
use reclaim_core::api::{Reason, RecoveryCodesStatus, RecoveryRequestCreated};
use reclaim_core::validation::{validate_request, FieldIssue};
use reclaim_core::wizard::RequestPrefill;
use reclaim_core::ErrorCode;

use crate::browser;
use crate::components::SummaryItem;
use crate::draft::Draft;

pub use send::SendState;

/// Everything the request pages share.
#[derive(Debug, Clone, Copy)]
pub struct RequestFlow {
    pub draft: RwSignal<Draft>,
    /// Inline errors by row pointer (`/username`, `/previous_emails/2`…).
    pub errors: RwSignal<BTreeMap<String, String>>,
    /// The summary shows once the user pressed Continue (or the server refused).
    pub show_summary: RwSignal<bool>,
    /// Bumped to move focus to the error summary again.
    pub focus_summary: RwSignal<u32>,
    pub send: RwSignal<SendState>,
    /// Lets the user skip an automatic retry's wait.
    pub retry_now: RwSignal<bool>,
    /// The answer to a successful submission, in memory only (it holds the
    /// status token, which is never written to storage without opt-in).
    pub created: RwSignal<Option<RecoveryRequestCreated>>,
    /// Where support will write, for the confirmation page.
    pub sent_to: RwSignal<Option<String>>,
}

impl RequestFlow {
    /// Restore the draft of this tab, and save it on every change.
    pub fn restore() -> RequestFlow {
        let draft = RwSignal::new(Draft::load().unwrap_or_else(Draft::fresh));
        Effect::new(move |_| {
            draft.with(|d| {
                if d.is_blank() {
                    Draft::clear();
                } else {
                    d.save();
                }
            })
        });
        RequestFlow {
            draft,
            errors: RwSignal::new(BTreeMap::new()),
            show_summary: RwSignal::new(false),
            focus_summary: RwSignal::new(0),
            send: RwSignal::new(SendState::Idle),
            retry_now: RwSignal::new(false),
            created: RwSignal::new(None),
            sent_to: RwSignal::new(None),
        }
    }

    /// Validate a field when it loses focus (once a press elsewhere is done).
    pub fn on_blur(&self, prefix: &'static str) {
        let flow = *self;
        crate::components::pointer::after_press(move || flow.validate_field(prefix));
    }

    /// Start the request where the wizard left off: the reason, the answer
    /// about recovery codes it already knows, and the email proof only when
    /// the wizard says to attach it.
    pub fn prefill(&self, prefill: RequestPrefill) {
        self.draft.update(|d| {
            d.reason = Some(prefill.reason);
            if prefill.recovery_codes_status.is_some() {
                d.recovery_codes_status = prefill.recovery_codes_status;
            }
            if !prefill.attach_email_proof {
                d.email_proof = None;
                d.email_proof_address = None;
            }
        });
        self.errors.set(BTreeMap::new());
        self.show_summary.set(false);
    }

    /// Where the request form opens for a prefill: on the question that
    /// matters most for the reason (previous addresses for a lost email).
    pub fn request_href(&self, prefill: RequestPrefill) -> String {
        match prefill.reason {
            Reason::LostEmail => "/request#previous-emails-0".to_string(),
            _ => "/request".to_string(),
        }
    }

    /// "Start again": forget the answers and errors; a new idempotency key.
    pub fn start_again(&self) {
        Draft::clear();
        self.draft.set(Draft::fresh());
        self.errors.set(BTreeMap::new());
        self.show_summary.set(false);
        self.send.set(SendState::Idle);
    }

    /// The inline error of a field or row.
    pub fn error(&self, pointer: &str) -> Option<String> {
        self.errors.with(|e| e.get(pointer).cloned())
    }

    /// The error summary entries, in the order of the form.
    pub fn summary(&self) -> Vec<SummaryItem> {
        if !self.show_summary.get() {
            return Vec::new();
        }
        let mut entries: Vec<(String, String)> = self.errors.get().into_iter().collect::<Vec<_>>();
        entries.sort_by_key(|(p, _)| field_order(p));
        entries
            .into_iter()
            .map(|(pointer, message)| SummaryItem {
                target: field_id(&pointer),
                message,
            })
            .collect()
    }

    /// Validate every field (Continue): returns whether all is well.
    pub fn validate_all(&self) -> bool {
        let issues = self.issues();
        self.errors.set(
            issues
                .into_iter()
                .map(|(pointer, _, message)| (pointer, message))
                .collect(),
        );
        self.show_summary.set(true);
        self.focus_summary.update(|n| *n += 1);
        self.errors.with_untracked(BTreeMap::is_empty)
    }

    /// Validate one field (on blur or change). An empty field that had no
    /// error yet is left alone: "Enter…" appears only after Continue.
    pub fn validate_field(&self, prefix: &str) {
        let issues = self.issues();
        let in_field = |p: &str| p == prefix || p.starts_with(&format!("{prefix}/"));
        self.errors.update(|errors| {
            let had_error = errors.keys().any(|p| in_field(p));
            errors.retain(|p, _| !in_field(p));
            for (pointer, code, message) in issues {
                if in_field(&pointer) && (had_error || code != ErrorCode::Required) {
                    errors.insert(pointer, message);
                }
            }
        });
    }

    /// Place errors the server sent (422) on the fields.
    pub fn set_server_errors(&self, fields: Vec<(String, String)>) {
        let draft = self.draft.get_untracked();
        self.errors.set(
            fields
                .into_iter()
                .map(|(pointer, message)| (row_pointer(&pointer, &draft), message))
                .collect(),
        );
        self.show_summary.set(true);
        self.focus_summary.update(|n| *n += 1);
    }

    /// The shared rules' findings, as (row pointer, code, words).
    fn issues(&self) -> Vec<(String, ErrorCode, String)> {
        let draft = self.draft.get_untracked();
        let body = draft.to_body();
        let issues: Vec<FieldIssue> = validate_request(
            &body,
            &browser::today_iso(),
            reclaim_core::limits::DEFAULT_API_TOKEN_PREFIX,
        );
        let mut out: Vec<(String, ErrorCode, String)> = Vec::new();
        for issue in issues {
            let pointer = row_pointer(&issue.pointer, &draft);
            // One message per field or row: the first rule that failed.
            if !out.iter().any(|(p, _, _)| *p == pointer) {
                // The words are chosen by the body pointer (the shared copy
                // specialises some messages per field).
                out.push((pointer, issue.code, issue.message().to_string()));
            }
        }
        out
    }
}

/// Turn a body pointer into a pointer on what the user sees: list indices of
/// the body (empty rows dropped) become row indices, and the username/email
/// pair points at whichever of the two is shown.
pub fn row_pointer(pointer: &str, draft: &Draft) -> String {
    let mut parts = pointer.trim_start_matches('/').splitn(2, '/');
    let field = parts.next().unwrap_or_default();
    let index = parts.next().and_then(|i| i.parse::<usize>().ok());
    match (field, index) {
        ("previous_emails", Some(i)) => {
            let row = Draft::nonempty_rows(&draft.previous_emails)
                .get(i)
                .copied()
                .unwrap_or(i);
            format!("/previous_emails/{row}")
        }
        ("packages", Some(i)) => {
            let row = Draft::nonempty_rows(&draft.packages)
                .get(i)
                .copied()
                .unwrap_or(i);
            format!("/packages/{row}")
        }
        ("username", _) if draft.unknown_username => "/account_email".to_string(),
        ("account_email", _) if !draft.unknown_username => "/username".to_string(),
        _ => pointer.to_string(),
    }
}

/// The id of the control a (row) pointer belongs to.
pub fn field_id(pointer: &str) -> Option<String> {
    let mut parts = pointer.trim_start_matches('/').splitn(2, '/');
    let field = parts.next().unwrap_or_default();
    let index = parts.next();
    let id = match (field, index) {
        ("username", _) => "username".to_string(),
        ("account_email", _) => "account-email".to_string(),
        ("reason", _) => "reason".to_string(),
        ("details", _) => "details".to_string(),
        ("lost_access_on", _) => "lost-access-on-day".to_string(),
        ("previous_emails", Some(i)) => format!("previous-emails-{i}"),
        ("previous_emails", None) => "previous-emails-0".to_string(),
        ("packages", Some(i)) => format!("packages-{i}"),
        ("packages", None) => "packages-0".to_string(),
        ("contact_email", _) => "contact-email".to_string(),
        ("recovery_codes_status", _) => "recovery-codes-status".to_string(),
        ("accepted_code_of_conduct", _) => "accepted-code-of-conduct".to_string(),
        ("acknowledged_delay", _) => "acknowledged-delay".to_string(),
        _ => return None,
    };
    Some(id)
}

/// Order of the fields on the form (then row index).
fn field_order(pointer: &str) -> (usize, usize) {
    const ORDER: [&str; 13] = [
        "username",
        "account_email",
        "reason",
        "details",
        "lost_access_on",
        "previous_emails",
        "packages",
        "contact_email",
        "recovery_codes_status",
        "email_proof",
        "accepted_code_of_conduct",
        "acknowledged_delay",
        "",
    ];
    let mut parts = pointer.trim_start_matches('/').splitn(2, '/');
    let field = parts.next().unwrap_or_default();
    let index = parts
        .next()
        .and_then(|i| i.parse::<usize>().ok())
        .map_or(0, |i| i + 1);
    let pos = ORDER
        .iter()
        .position(|f| *f == field)
        .unwrap_or(ORDER.len());
    (pos, index)
}

/// How each reason reads on the form and on the check page.
pub fn reason_label(reason: Reason) -> &'static str {
    match reason {
        Reason::Lost2fa => "I lost my two-factor authentication device or app",
        Reason::StaleRecoveryCodes => "My recovery codes do not work",
        Reason::LostEmail => "I lost access to the email address of my account",
        Reason::Compromised => "Someone else has taken over or used my account",
        Reason::ForgotPassword => "I forgot my password and cannot reset it",
        Reason::Other => "Something else",
    }
}

/// How each recovery-code answer reads.
pub fn codes_status_label(status: RecoveryCodesStatus) -> &'static str {
    match status {
        RecoveryCodesStatus::NeverGenerated => "I never generated recovery codes",
        RecoveryCodesStatus::Lost => "I generated recovery codes but I have lost them",
        RecoveryCodesStatus::NotWorking => "I have recovery codes but they do not work",
    }
}
