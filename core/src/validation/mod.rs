//! Field rules of the recovery request, shared by the browser (per field, on
//! blur and on submit) and the server (again, on every request).
//!
//! Every single-field function can be used on its own. The request bodies
//! declare which apply to which field (`#[derive(Validate)]` in
//! [`crate::api`], through [`declared`]): the server checks a recovery
//! request with [`check_request`] and any other body with [`check`]. The
//! browser checks a recovery request with [`validate_request`], the same
//! rules composed by hand (no `validator` code in the wasm), which reports
//! the same issues. Both report *all* issues with JSON pointers into the body.
//!
//! Blank input (empty or only whitespace) is [`ErrorCode::Required`]; the
//! format rules then look at the input exactly as given, so the client should
//! trim what it submits (a trailing space in a username is a format error).

mod dates;
pub mod declared;
mod email;
mod leak_guard;
mod names;
mod password;
mod request;
#[cfg(test)]
mod tests;
mod text;

pub use dates::*;
pub use declared::{check, check_request, field_issues, RequestContext, Validate, ValidateArgs};
pub use email::*;
pub use leak_guard::*;
pub use names::*;
pub use password::*;
pub use request::*;
pub use text::*;

use crate::{
    api::{FieldError, RecoveryRequestBody},
    codes::is_dash,
    ErrorCode,
};

// The bounds live in `crate::limits` (the bottom layer of core); they are
// re-exported here, where the rules that use them stand.
pub use crate::limits::*;

/// One failed rule: JSON pointer into the body and the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    pub pointer: String,
    pub code: ErrorCode,
}

impl FieldIssue {
    pub fn new(pointer: impl Into<String>, code: ErrorCode) -> FieldIssue {
        FieldIssue {
            pointer: pointer.into(),
            code,
        }
    }

    /// The words for people, specialised to the field where that reads better
    /// (see [`crate::messages::field_message`]).
    pub fn message(&self) -> &'static str {
        crate::messages::field_message(&self.pointer, self.code)
    }

    /// The entry of a problem document's `errors` list.
    pub fn to_field_error(&self) -> FieldError {
        FieldError {
            pointer: self.pointer.clone(),
            code: self.code.as_str().to_string(),
            message: self.message().to_string(),
        }
    }
}

fn is_blank(input: &str) -> bool {
    input.trim().is_empty()
}

/// Anything but blank: [`ErrorCode::Required`] for empty or only whitespace.
pub fn require(input: &str) -> Result<(), ErrorCode> {
    if is_blank(input) {
        Err(ErrorCode::Required)
    } else {
        Ok(())
    }
}
