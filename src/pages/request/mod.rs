//! `/request`: the recovery request (question pages → check answers →
//! confirmation).
//!
//! The state lives in [`RequestFlow`]. The question pages
//! (`reclaim_core::request_questions`) and "Check your answers" (with
//! sending and the confirmation) are two bundles (`reclaim_core::bundle`),
//! a page load apart: the draft is mirrored to `sessionStorage`, and so are
//! errors the server put on fields, until their pages show them. An
//! in-flight submission and its answer stay on the check page's side.

mod check;
mod confirmation;
mod fields;
mod questions;
mod send;

pub use fields::RequestField;

pub use check::CheckAnswers;
pub use confirmation::Confirmation;
pub use questions::RequestQuestionPage;

use leptos::prelude::*;
use reclaim_core::api::{Reason, RecoveryCodesStatus, RecoveryRequestCreated};
use reclaim_core::request_questions::RequestQuestion;
use reclaim_core::validation::{validate_request, FieldIssue};
use reclaim_core::ErrorCode;

use crate::browser;
use crate::components::FormState;
use crate::draft::Draft;
use crate::handoff::{EmailProof, Handoff};
use crate::page_store::{self, ServerFieldErrors};

pub use send::SendState;

/// The server's field errors on their way to the form, a page load away
/// (pointer and words: no answer, no secret).
fn take_server_errors() -> Option<Vec<(String, String)>> {
    page_store::take::<ServerFieldErrors>().map(|errors| errors.0)
}

/// Everything the request pages share.
#[derive(Debug, Clone, Copy)]
pub struct RequestFlow {
    pub draft: RwSignal<Draft>,
    /// Errors by field and row, and the summary, of the page in view.
    pub form: FormState<RequestField>,
    /// The server's field errors not yet shown: each page shows its own
    /// when it opens.
    server_errors: RwSignal<Vec<(RequestField, String)>>,
    pub send: RwSignal<SendState>,
    /// Lets the user skip an automatic retry's wait.
    pub retry_now: RwSignal<bool>,
    /// The answer to a successful submission, in memory only (it holds the
    /// status token, which is never written to storage without opt-in).
    pub created: RwSignal<Option<RecoveryRequestCreated>>,
    /// Where support will write, for the confirmation page.
    pub sent_to: RwSignal<Option<String>>,
    /// Whether the request went with a repository proof (its hold is shorter).
    pub sent_with_repository_proof: RwSignal<bool>,
}

impl RequestFlow {
    /// Restore the draft of this tab, take what the wizard handed over, and
    /// save the draft on every change.
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
        let flow = RequestFlow {
            draft,
            form: FormState::new(),
            server_errors: RwSignal::new(Vec::new()),
            send: RwSignal::new(SendState::Idle),
            retry_now: RwSignal::new(false),
            created: RwSignal::new(None),
            sent_to: RwSignal::new(None),
            sent_with_repository_proof: RwSignal::new(false),
        };
        if let Some(handoff) = Handoff::take() {
            flow.start_from(handoff);
        }
        if let Some(fields) = take_server_errors() {
            flow.set_server_errors(fields);
        }
        flow
    }

    /// Write the draft now (before a page load; changes are saved by an
    /// effect, which may not have run yet).
    pub fn save_now(&self) {
        self.draft.with_untracked(|d| {
            if !d.is_blank() {
                d.save();
            }
        });
    }

    /// Errors the server put on fields (422), for the form to show when it
    /// opens: it is a page load away.
    pub fn hand_errors_to_form(&self, fields: &[(String, String)]) {
        page_store::put(&ServerFieldErrors(fields.to_vec()));
    }

    /// Validate a field when it loses focus (once a press elsewhere is done).
    pub fn on_blur(&self, field: RequestField) {
        let flow = *self;
        crate::components::pointer::after_press(move || flow.validate_field(field));
    }

    /// Start the request where the wizard left off: the reason, the answer
    /// about recovery codes it already knows, and the email proof only when
    /// the wizard says to attach it (its address is then where to write).
    fn start_from(&self, handoff: Handoff) {
        let prefill = handoff.prefill;
        self.draft.update(|d| {
            d.reason = Some(prefill.reason);
            if prefill.recovery_codes_status.is_some() {
                d.recovery_codes_status = prefill.recovery_codes_status;
                d.codes_known = true;
            }
            match handoff.email_proof {
                Some(EmailProof { proof, address }) => {
                    if d.contact_email.trim().is_empty() {
                        d.contact_email = address.clone();
                    }
                    d.email_proof = Some(proof);
                    d.email_proof_address = Some(address);
                    // A repository proof belongs to its email proof: a
                    // new email proof without one drops an older one.
                    let repository = handoff.repository_proof;
                    d.repository_proof_url = repository.as_ref().map(|r| r.repository_url.clone());
                    d.repository_proof = repository.map(|r| r.id);
                }
                None if !prefill.attach_email_proof => {
                    d.email_proof = None;
                    d.email_proof_address = None;
                    d.repository_proof = None;
                    d.repository_proof_url = None;
                }
                None => {}
            }
        });
        self.form.clear();
    }

    /// "Start again": forget the answers and errors; a new idempotency key.
    pub fn start_again(&self) {
        Draft::clear();
        self.draft.set(Draft::fresh());
        self.form.clear();
        self.server_errors.set(Vec::new());
        self.send.set(SendState::Idle);
    }

    /// A question page opens: its errors from the server show, any other
    /// page's errors go.
    pub fn open(&self, question: RequestQuestion) {
        let mine: Vec<(RequestField, String)> = self.server_errors.with_untracked(|e| {
            e.iter()
                .filter(|(f, _)| f.question() == question)
                .cloned()
                .collect()
        });
        if mine.is_empty() {
            self.form.clear();
        } else {
            self.server_errors
                .update(|e| e.retain(|(f, _)| f.question() != question));
            self.form.show_all(mine);
        }
    }

    /// Validate the fields of one page (Continue): returns whether all is well.
    pub fn validate_question(&self, question: RequestQuestion) -> bool {
        self.form.show_all(
            self.findings()
                .into_iter()
                .filter(|(f, _, _)| f.question() == question)
                .map(|(f, _, words)| (f, words)),
        )
    }

    /// The first page with an answer that would not pass, or a server
    /// error still to show: where "Check your answers" sends the user back.
    pub fn first_incomplete(&self) -> Option<RequestQuestion> {
        let findings = self.findings().into_iter().map(|(f, _, _)| f.question());
        let pending = self
            .server_errors
            .with_untracked(|e| e.iter().map(|(f, _)| f.question()).collect::<Vec<_>>());
        findings.chain(pending).min()
    }

    /// Validate one field, or a list and its rows (on blur or change). An
    /// empty field that had no error yet is left alone: "Enter…" appears
    /// only after Continue.
    pub fn validate_field(&self, field: RequestField) {
        self.form.recheck(move |f| f.within(field), self.findings());
    }

    /// Keep errors the server sent (422) for the pages of their fields.
    fn set_server_errors(&self, fields: Vec<(String, String)>) {
        let draft = self.draft.get_untracked();
        self.server_errors.set(
            fields
                .into_iter()
                .filter_map(|(pointer, words)| {
                    RequestField::from_pointer(&row_pointer(&pointer, &draft)).map(|f| (f, words))
                })
                .collect(),
        );
    }

    /// The shared rules' findings, by field and row, with their words
    /// (chosen by the body pointer: the shared copy specialises some).
    fn findings(&self) -> Vec<(RequestField, ErrorCode, String)> {
        let draft = self.draft.get_untracked();
        let body = draft.to_body();
        let issues: Vec<FieldIssue> = validate_request(
            &body,
            &browser::today_iso(),
            reclaim_core::limits::DEFAULT_API_TOKEN_PREFIX,
        );
        issues
            .into_iter()
            .filter_map(|issue| {
                let field = RequestField::from_pointer(&row_pointer(&issue.pointer, &draft))?;
                Some((field, issue.code, issue.message().to_string()))
            })
            .collect()
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

/// How each reason reads on its question and on the check page.
pub fn reason_label(reason: Reason) -> &'static str {
    match reason {
        Reason::Lost2fa => "I lost my phone or my authenticator app",
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
