//! Email addresses: the WHATWG rule, comparison keys, the contact address.

use super::*;

// ---------------------------------------------------------------- email

/// The WHATWG "valid e-mail address" rule, written by hand:
/// `^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$`
/// plus at most [`MAX_EMAIL_CHARS`] characters and a local part of at most
/// [`MAX_EMAIL_LOCAL_CHARS`]. Because only those ASCII characters are
/// allowed, CR, LF and every other control character are refused.
pub fn validate_email(input: &str) -> Result<(), ErrorCode> {
    if is_blank(input) {
        return Err(ErrorCode::Required);
    }
    if input.chars().count() > MAX_EMAIL_CHARS {
        return Err(ErrorCode::TooLong);
    }
    if is_whatwg_email(input) {
        Ok(())
    } else {
        Err(ErrorCode::EmailFormat)
    }
}

fn is_whatwg_email(input: &str) -> bool {
    let Some((local, domain)) = input.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= MAX_EMAIL_LOCAL_CHARS
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b));
    local_ok && domain.split('.').all(is_domain_label)
}

/// `[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?`
fn is_domain_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    bytes.len() <= 63
        && first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

/// Case-insensitive comparison key of an email address (trimmed, lowercased).
/// ASCII lowercasing: a valid address is ASCII (WHATWG), and Unicode's case
/// tables would add 4 KB to every bundle that compares addresses.
pub fn email_key(input: &str) -> String {
    input.trim().to_ascii_lowercase()
}

/// The contact email: a valid address that is neither the account's email
/// (given when the username is unknown) nor one of the addresses listed as lost.
pub fn validate_contact_email(
    contact: &str,
    account_email: Option<&str>,
    previous_emails: &[String],
) -> Result<(), ErrorCode> {
    validate_email(contact)?;
    let key = email_key(contact);
    let is_lost = account_email.is_some_and(|a| email_key(a) == key)
        || previous_emails.iter().any(|p| email_key(p) == key);
    if is_lost {
        Err(ErrorCode::ContactEmailIsLost)
    } else {
        Ok(())
    }
}

/// An address typed into a form as is: required, then [`validate_email`]
/// on the text without surrounding spaces (the form sends it trimmed).
pub fn validate_typed_email(input: &str) -> Result<(), ErrorCode> {
    require(input)?;
    validate_email(input.trim())
}
