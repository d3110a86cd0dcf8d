//! Generic form state for every form of the app: errors keyed by a field
//! enum (whose order is the error summary's order), blur validation that
//! waits for "Continue" before saying "Enter…", and the server's field
//! errors placed on the fields they name.

use std::collections::BTreeMap;

use leptos::prelude::*;
use reclaim_core::ErrorCode;

use super::SummaryItem;
use crate::api::FieldProblem;

/// A field of one form: its DOM id and the JSON pointer the API uses.
/// The derive order of the enum is the order of the form.
pub trait FormField: Copy + Ord + Send + Sync + 'static {
    /// The control's id (the error summary links to it).
    fn id(self) -> &'static str;
    /// The JSON pointer of this field in the request body (`/code`).
    fn pointer(self) -> &'static str;
    /// The words for a rule that failed on this field.
    fn message(self, code: ErrorCode) -> String {
        reclaim_core::messages::message(code).to_string()
    }
}

/// Errors and summary of one form.
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
        super::pointer::after_press(move || self.show_blur(field, result));
    }

    fn show_blur(self, field: F, result: Result<(), ErrorCode>) {
        // `try_`: the form may be gone by the time a deferred blur runs.
        self.errors.try_update(|errors| match result {
            Ok(()) => {
                errors.remove(&field);
            }
            Err(ErrorCode::Required) if !errors.contains_key(&field) => {}
            Err(code) => {
                errors.insert(field, field.message(code));
            }
        });
    }

    /// On Continue: every field's result at once. Returns whether all passed;
    /// otherwise the summary shows and takes focus.
    pub fn submit(self, results: impl IntoIterator<Item = (F, Result<(), ErrorCode>)>) -> bool {
        let errors: BTreeMap<F, String> = results
            .into_iter()
            .filter_map(|(f, r)| r.err().map(|code| (f, f.message(code))))
            .collect();
        let ok = errors.is_empty();
        self.errors.set(errors);
        self.general.set(None);
        self.submitted.set(!ok);
        if !ok {
            self.focus.update(|n| *n += 1);
        }
        ok
    }

    /// Put one message on a field (an answer of the server), with the summary.
    pub fn refuse(self, field: F, message: impl Into<String>) {
        let message = message.into();
        self.errors.update(|e| {
            e.clear();
            e.insert(field, message);
        });
        self.general.set(None);
        self.submitted.set(true);
        self.focus.update(|n| *n += 1);
    }

    /// Say what went wrong with the whole form (no field to link to).
    pub fn fail(self, message: impl Into<String>) {
        self.errors.set(BTreeMap::new());
        self.general.set(Some(message.into()));
        self.submitted.set(true);
        self.focus.update(|n| *n += 1);
    }

    /// Place the server's field errors (422) on the fields they point at
    /// (`fields` lists the form's fields); those that fit none go on `fallback`.
    pub fn refuse_fields(self, all: &[F], problems: &[FieldProblem], fallback: F) {
        let mut errors = BTreeMap::new();
        for p in problems {
            let field = all
                .iter()
                .copied()
                .find(|f| f.pointer() == p.pointer)
                .unwrap_or(fallback);
            let text = match p.code {
                Some(code) => field.message(code),
                None => p.text(),
            };
            errors.entry(field).or_insert(text);
        }
        self.errors.set(errors);
        self.general.set(None);
        self.submitted.set(true);
        self.focus.update(|n| *n += 1);
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
