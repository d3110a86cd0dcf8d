//! The field rules as the request bodies declare them (`#[derive(Validate)]`
//! in [`crate::api`]), and their failures read back as [`FieldIssue`]s.
//!
//! Each `custom` and `schema` rule here calls a rule function of this module
//! tree and carries its [`ErrorCode`] as the `validator` error's code (its
//! wire name); `length` rules name theirs with `code = "…"`. The words stay
//! in [`crate::messages`]: no rule sets a message.
//!
//! How failures become issues, so that they are exactly what the functions
//! composed by hand used to report:
//! - one issue per JSON pointer: blank input is [`ErrorCode::Required`]
//!   whatever else a rule says of it, and otherwise the first failed rule of
//!   the field counts (`length` runs before `custom`);
//! - a struct-level (`schema`) rule names its field in the error's `field`
//!   parameter;
//! - a list's `custom` rule reports its items in one error coded
//!   [`ITEMS`], whose parameters map each failed index to its code;
//! - issues come in the order of the body's fields, items in index order.

use std::borrow::Cow;

use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use super::*;
use crate::api::RecoveryRequestBody;

pub use validator::{Validate, ValidateArgs};

impl From<ErrorCode> for ValidationError {
    fn from(code: ErrorCode) -> ValidationError {
        ValidationError::new(code.as_str())
    }
}

/// What the rules of a recovery request need besides the body.
#[derive(Debug, Clone, Copy)]
pub struct RequestContext<'a> {
    /// `YYYY-MM-DD` in the user's (app) or server's time zone: a date after
    /// it is in the future.
    pub today: &'a str,
    /// The registry's API-token prefix, for the leak guard.
    pub api_token_prefix: &'a str,
}

/// The code of a list rule's error whose parameters are its failed items.
pub const ITEMS: &str = "items";

/// The parameter of a struct-level rule's error that names its field.
const FIELD: &str = "field";

fn present(o: &Option<String>) -> Option<&str> {
    o.as_deref().filter(|s| !is_blank(s))
}

fn on_field(field: &'static str, code: ErrorCode) -> ValidationError {
    let mut error = ValidationError::from(code);
    error.add_param(Cow::Borrowed(FIELD), &field);
    error
}

// ------------------------------------------------------- field rules

/// A username when one is given (blank: the struct-level rule decides).
pub fn username_if_given(input: &str) -> Result<(), ValidationError> {
    if !is_blank(input) {
        validate_username(input)?;
    }
    Ok(())
}

/// An email address when one is given (blank counts as absent).
pub fn email_if_given(input: &str) -> Result<(), ValidationError> {
    if !is_blank(input) {
        validate_email(input)?;
    }
    Ok(())
}

/// An email address ([`validate_email`]).
pub fn email(input: &str) -> Result<(), ValidationError> {
    Ok(validate_email(input)?)
}

/// A username or an email address, to look an account up by: required and at
/// most [`MAX_EMAIL_CHARS`] once trimmed.
pub fn identifier(input: &str) -> Result<(), ValidationError> {
    Ok(validate_identifier(input)?)
}

/// A security key's name ([`validate_security_key_name`]).
pub fn security_key_name(input: &str) -> Result<(), ValidationError> {
    Ok(validate_security_key_name(input)?)
}

/// At most [`MAX_PASSWORD_CHARS`] (the shortest is a `length` rule).
pub fn password_not_too_long(input: &str) -> Result<(), ValidationError> {
    if input.chars().count() > MAX_PASSWORD_CHARS {
        return Err(ErrorCode::TooLong.into());
    }
    Ok(())
}

/// The request's details once their length is checked: required, then
/// [`check_free_text_content`].
pub fn details(input: &str, context: &RequestContext) -> Result<(), ValidationError> {
    require(input)?;
    Ok(check_free_text_content(input, context.api_token_prefix)?)
}

/// When access was lost, when given: [`validate_lost_access_on`].
pub fn lost_access_on_if_given(
    input: &str,
    context: &RequestContext,
) -> Result<(), ValidationError> {
    if !is_blank(input) {
        validate_lost_access_on(input, context.today)?;
    }
    Ok(())
}

/// The email proof, when given: [`validate_email_proof`].
pub fn email_proof_if_given(input: &str) -> Result<(), ValidationError> {
    if !is_blank(input) {
        validate_email_proof(input)?;
    }
    Ok(())
}

/// The repository proof, when given: [`validate_repository_proof`].
pub fn repository_proof_if_given(input: &str) -> Result<(), ValidationError> {
    if !is_blank(input) {
        validate_repository_proof(input)?;
    }
    Ok(())
}

/// A box that must be ticked.
pub fn accepted(value: &bool) -> Result<(), ValidationError> {
    if *value {
        Ok(())
    } else {
        Err(ErrorCode::MustAccept.into())
    }
}

/// Each previous email address valid, none twice ([`validate_list_items`]).
pub fn previous_email_items(items: &[String]) -> Result<(), ValidationError> {
    items_error(validate_list_items(items, validate_email, email_key))
}

/// Each package a valid name, none twice by PEP 503 normalisation.
pub fn package_items(items: &[String]) -> Result<(), ValidationError> {
    items_error(validate_list_items(
        items,
        validate_package_name,
        normalize_package_name,
    ))
}

fn items_error(failed: Vec<(usize, ErrorCode)>) -> Result<(), ValidationError> {
    if failed.is_empty() {
        return Ok(());
    }
    let mut error = ValidationError::new(ITEMS);
    for (index, code) in failed {
        error.add_param(Cow::Owned(index.to_string()), &code.as_str());
    }
    Err(error)
}

// ------------------------------------------------------- struct-level rules

/// A username, or else the account's email address.
pub fn username_or_account_email(body: &RecoveryRequestBody) -> Result<(), ValidationError> {
    if is_blank(&body.username) && present(&body.account_email).is_none() {
        return Err(on_field("username", ErrorCode::Required));
    }
    Ok(())
}

/// A valid contact address must not be the account's or a lost one.
pub fn contact_email_not_lost(body: &RecoveryRequestBody) -> Result<(), ValidationError> {
    let contact = &body.contact_email;
    if validate_email(contact).is_ok()
        && validate_contact_email(contact, present(&body.account_email), &body.previous_emails)
            .is_err()
    {
        return Err(on_field("contact_email", ErrorCode::ContactEmailIsLost));
    }
    Ok(())
}

/// What happened to the codes, asked only where codes are the problem
/// ([`crate::api::Reason::concerns_recovery_codes`]).
pub fn recovery_codes_status_if_asked(body: &RecoveryRequestBody) -> Result<(), ValidationError> {
    let asked = body.reason.is_some_and(|r| r.concerns_recovery_codes());
    if asked && body.recovery_codes_status.is_none() {
        return Err(on_field("recovery_codes_status", ErrorCode::Required));
    }
    Ok(())
}

// ------------------------------------------------------- failures as issues

/// The failures of a derived validation as issues (see the module's
/// documentation), fields in the order of `fields` (the body's; any other
/// field after them, by name).
pub fn field_issues(errors: &ValidationErrors, fields: &[&str]) -> Vec<FieldIssue> {
    // (field, item index, code) in the derive's order, struct-level last.
    let mut found: Vec<(&str, Option<usize>, ErrorCode)> = Vec::new();
    for (field, kind) in errors.errors() {
        let ValidationErrorsKind::Field(list) = kind else {
            continue;
        };
        for error in list {
            let field = match error.params.get(FIELD).and_then(|v| v.as_str()) {
                Some(named) if field == "__all__" => named,
                _ => field.as_ref(),
            };
            if error.code == ITEMS {
                for (index, code) in &error.params {
                    let index = index.parse().ok();
                    let code = code.as_str().and_then(ErrorCode::parse);
                    if let (Some(index), Some(code)) = (index, code) {
                        found.push((field, Some(index), code));
                    }
                }
            } else if let Some(code) = ErrorCode::parse(&error.code) {
                found.push((field, None, code));
            } else {
                debug_assert!(false, "a rule without an ErrorCode: {}", error.code);
            }
        }
    }
    // Stable: the derive's order stays within a pointer, Required first.
    fn key<'a>(
        fields: &[&str],
        (field, index, code): &(&'a str, Option<usize>, ErrorCode),
    ) -> (usize, &'a str, Option<usize>, bool) {
        let position = fields.iter().position(|f| f == field);
        let position = position.unwrap_or(fields.len());
        (position, field, *index, *code != ErrorCode::Required)
    }
    found.sort_by(|a, b| key(fields, a).cmp(&key(fields, b)));
    found.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1);
    found
        .into_iter()
        .map(|(field, index, code)| match index {
            Some(i) => FieldIssue::new(format!("/{field}/{i}"), code),
            None => FieldIssue::new(format!("/{field}"), code),
        })
        .collect()
}

/// The rules [`RecoveryRequestBody`] declares, checked: all issues (empty
/// when valid), in the order of the body's fields. The server's check; the
/// browser's, [`validate_request`], composes the same rule functions by hand
/// and reports the same issues (a property test holds them equal).
pub fn check_request(
    body: &RecoveryRequestBody,
    today: &str,
    api_token_prefix: &str,
) -> Vec<FieldIssue> {
    let context = RequestContext {
        today,
        api_token_prefix,
    };
    match body.validate_with_args(&context) {
        Ok(()) => Vec::new(),
        Err(errors) => field_issues(&errors, &RecoveryRequestBody::FIELDS),
    }
}

/// The rules a body declares, checked: `Err` with one problem-document
/// entry per failed field (fields by name). For bodies with at most one
/// field of rules; a recovery request has [`check_request`].
pub fn check<T: Validate>(body: &T) -> Result<(), Vec<crate::api::FieldError>> {
    match body.validate() {
        Ok(()) => Ok(()),
        Err(errors) => Err(field_issues(&errors, &[])
            .iter()
            .map(FieldIssue::to_field_error)
            .collect()),
    }
}
