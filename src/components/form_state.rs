//! Generic form state for every form of the app: errors keyed by a field
//! enum (whose order is the error summary's order), blur validation that
//! waits for "Continue" before saying "Enter…", and the server's field
//! errors placed on the fields they name.

use std::collections::BTreeMap;

use leptos::prelude::*;
use reclaim_core::ErrorCode;

use super::{Cooldown, SummaryItem};
use crate::api::{ApiError, FieldProblem};
use crate::failure_words;

/// A field of one form: its DOM id and the JSON pointer the API uses.
/// The derive order of the enum is the order of the form.
pub trait FormField: Copy + Ord + Send + Sync + 'static {
    /// The control's id (the error summary links to it).
    fn id(self) -> String;
    /// The JSON pointer of this field in the request body (`/code`).
    fn pointer(self) -> String;
    /// The words for a rule that failed on this field.
    fn message(self, code: ErrorCode) -> String {
        reclaim_core::messages::message(code).to_string()
    }
}

/// Errors and summary of one form.
#[derive(Debug)]
pub struct FormState<F: FormField> {
    errors: RwSignal<BTreeMap<F, String>>,
    /// A problem that is not about one field (network, rate limit).
    general: RwSignal<Option<String>>,
    /// The summary shows once the user pressed Continue (or the server refused).
    submitted: RwSignal<bool>,
    /// Bumped to move focus to the error summary again.
    focus: RwSignal<u32>,
}

impl<F: FormField> Clone for FormState<F> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<F: FormField> Copy for FormState<F> {}

impl<F: FormField> Default for FormState<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: FormField> FormState<F> {
    pub fn new() -> Self {
        FormState {
            errors: RwSignal::new(BTreeMap::new()),
            general: RwSignal::new(None),
            submitted: RwSignal::new(false),
            focus: RwSignal::new(0),
        }
    }

    /// The inline error of a field.
    pub fn error(self, field: F) -> Signal<Option<String>> {
        Signal::derive(move || self.errors.with(|e| e.get(&field).cloned()))
    }

    /// On blur: show or clear the field's error (once a press elsewhere is
    /// done, see [`super::pointer`]). An empty field without an error yet
    /// stays quiet: "Enter…" appears only after Continue.
    pub fn blur(self, field: F, result: Result<(), ErrorCode>) {
        let finding = result.err().map(|code| (field, code, field.message(code)));
        super::pointer::after_press(move || {
            self.recheck(move |f| f == field, finding.into_iter().collect())
        });
    }

    /// Show the findings (field, code, words) of the fields in `scope`, as
    /// on blur: their old errors go; a blank field that had no error yet
    /// stays quiet. Several fields at once suit a list and its rows.
    pub fn recheck(self, scope: impl Fn(F) -> bool, findings: Vec<(F, ErrorCode, String)>) {
        // `try_`: the form may be gone by the time a deferred blur runs.
        self.errors.try_update(|errors| {
            let had_error = errors.keys().any(|f| scope(*f));
            errors.retain(|f, _| !scope(*f));
            for (field, code, words) in findings {
                if scope(field) && (had_error || code != ErrorCode::Required) {
                    errors.entry(field).or_insert(words);
                }
            }
        });
    }

    /// Remove a field's error (its question was hidden, say).
    pub fn clear_field(self, field: F) {
        self.errors.update(|e| {
            e.remove(&field);
        });
    }

    /// Show every finding with the summary (Continue, or the server's
    /// answer): the first words per field win. Returns whether there were none.
    pub fn show_all(self, findings: impl IntoIterator<Item = (F, String)>) -> bool {
        let mut errors = BTreeMap::new();
        for (field, words) in findings {
            errors.entry(field).or_insert(words);
        }
        let ok = errors.is_empty();
        self.errors.set(errors);
        self.general.set(None);
        self.submitted.set(!ok);
        if !ok {
            self.focus.update(|n| *n += 1);
        }
        ok
    }

    /// On Continue: every field's result at once. Returns whether all passed;
    /// otherwise the summary shows and takes focus.
    pub fn submit(self, results: impl IntoIterator<Item = (F, Result<(), ErrorCode>)>) -> bool {
        self.show_all(
            results
                .into_iter()
                .filter_map(|(f, r)| r.err().map(|code| (f, f.message(code)))),
        )
    }

    /// Put one message on a field (an answer of the server), with the summary.
    pub fn refuse(self, field: F, message: impl Into<String>) {
        self.show_all([(field, message.into())]);
    }

    /// Say what went wrong with the whole form (no field to link to).
    pub fn fail(self, message: impl Into<String>) {
        self.errors.set(BTreeMap::new());
        self.general.set(Some(message.into()));
        self.submitted.set(true);
        self.focus.update(|n| *n += 1);
    }

    /// What a failed call means for this form: a wait (with `cooldown`),
    /// the server's field errors, or words on `field` for a problem the app
    /// knows (else for the whole form).
    pub fn show_api_error(self, cooldown: Cooldown, field: F, err: &ApiError) {
        match err {
            ApiError::RateLimited { retry_after } => {
                cooldown.start(retry_after.unwrap_or(60).max(1));
                self.fail(failure_words::RATE_LIMITED);
            }
            ApiError::Validation { fields, .. } => self.refuse_fields(&[field], fields, field),
            other => match other
                .code()
                .and_then(reclaim_core::messages::problem_message)
            {
                Some(words) => self.refuse(field, words),
                None => self.fail(failure_words::api_error(other)),
            },
        }
    }

    /// Place the server's field errors (422) on the fields they point at
    /// (`fields` lists the form's fields); those that fit none go on `fallback`.
    pub fn refuse_fields(self, all: &[F], problems: &[FieldProblem], fallback: F) {
        self.show_all(problems.iter().map(|p| {
            let field = all
                .iter()
                .copied()
                .find(|f| f.pointer() == p.pointer)
                .unwrap_or(fallback);
            let text = match p.code {
                Some(code) => field.message(code),
                None => p.text(),
            };
            (field, text)
        }));
    }

    /// Forget every error (a new attempt, a new page).
    pub fn clear(self) {
        self.errors.set(BTreeMap::new());
        self.general.set(None);
        self.submitted.set(false);
    }

    /// The error summary's entries, in form order.
    pub fn summary(self) -> Signal<Vec<SummaryItem>> {
        Signal::derive(move || {
            if !self.submitted.get() {
                return Vec::new();
            }
            let general = self.general.get().map(SummaryItem::text);
            self.errors.with(|e| {
                general
                    .into_iter()
                    .chain(e.iter().map(|(f, m)| SummaryItem::field(f.id(), m.clone())))
                    .collect()
            })
        })
    }

    pub fn has_errors(self) -> Signal<bool> {
        Signal::derive(move || {
            self.submitted.get()
                && (self.general.with(Option::is_some) || self.errors.with(|e| !e.is_empty()))
        })
    }

    /// Changes each time the summary should take focus again.
    pub fn focus_key(self) -> Signal<u32> {
        self.focus.into()
    }
}
