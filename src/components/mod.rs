//! Reusable pieces: page frame, form fields (GOV.UK patterns), error summary.

pub mod back_link;
pub mod cooldown;
pub mod error_summary;
pub mod fields;
pub mod form_state;
pub mod govuk;
pub mod key_sign_in;
pub mod layout;
pub mod pointer;
pub mod qr;
pub mod sign_in_steps;
pub mod status_message;

pub use back_link::BackLink;
pub use cooldown::{Cooldown, CooldownStatus, SubmitButton};
pub use error_summary::{ErrorSummary, SummaryItem};
pub use fields::{
    Checkbox, DateInput, ListInput, PasswordToggle, RadioOption, Radios, TextInput, Textarea,
};
pub use form_state::{FormField, FormState};
pub use govuk::{InsetText, Panel, SummaryList, SummaryRow, Tag, TagTone, WarningText};
pub use layout::{Layout, Page};
pub use status_message::StatusMessage;

/// Join the ids a control is described by (hint, error), or `None`.
pub(crate) fn described_by(parts: &[Option<String>]) -> Option<String> {
    let joined = parts
        .iter()
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(joined)
}
