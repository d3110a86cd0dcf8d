//! Usernames (PyPI), package names (PEP 508, PEP 503 normalisation) and the
//! names people give their security keys.

use super::*;

// ---------------------------------------------------------------- username

/// PyPI's username rule: 1–50 characters, ASCII letters, digits, `.`, `_`
/// and `-`, starting and ending with a letter or digit
/// (`^[A-Z0-9]$|^[A-Z0-9][A-Z0-9._-]*[A-Z0-9]$`, case-insensitive).
pub fn validate_username(input: &str) -> Result<(), ErrorCode> {
    if is_blank(input) {
        return Err(ErrorCode::Required);
    }
    if input.chars().count() > MAX_USERNAME_CHARS {
        return Err(ErrorCode::TooLong);
    }
    if is_pypi_name(input) {
        Ok(())
    } else {
        Err(ErrorCode::UsernameFormat)
    }
}

/// What a password reset looks an account up by, a username or an email
/// address: [`ErrorCode::Required`] when blank, [`ErrorCode::TooLong`] over
/// [`MAX_EMAIL_CHARS`] once trimmed (the longer of the two). Its format is
/// not checked: either kind answers alike.
pub fn validate_identifier(input: &str) -> Result<(), ErrorCode> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ErrorCode::Required);
    }
    if trimmed.chars().count() > MAX_EMAIL_CHARS {
        return Err(ErrorCode::TooLong);
    }
    Ok(())
}

/// `^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`, case-insensitive.
fn is_pypi_name(input: &str) -> bool {
    let bytes = input.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

// ---------------------------------------------------------------- package names

/// A PEP 508 project name: `^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$`,
/// case-insensitive, at most [`MAX_PACKAGE_NAME_CHARS`].
pub fn validate_package_name(input: &str) -> Result<(), ErrorCode> {
    if is_blank(input) {
        return Err(ErrorCode::Required);
    }
    if input.chars().count() > MAX_PACKAGE_NAME_CHARS {
        return Err(ErrorCode::TooLong);
    }
    if is_pypi_name(input) {
        Ok(())
    } else {
        Err(ErrorCode::PackageNameFormat)
    }
}

/// PEP 503 normalisation: runs of `-`, `_` and `.` become one `-`, lowercased.
/// `Foo.Bar__baz` → `foo-bar-baz`. Idempotent.
pub fn normalize_package_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            // A valid name is ASCII (PEP 508): no Unicode case tables.
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}

// ---------------------------------------------------------------- security-key names

/// The name someone gives a security key ("Blue key", "Laptop"): any text
/// without control characters, [`ErrorCode::Required`] when blank,
/// [`ErrorCode::TooLong`] over [`MAX_SECURITY_KEY_NAME_CHARS`] once trimmed
/// (the server stores it trimmed).
pub fn validate_security_key_name(input: &str) -> Result<(), ErrorCode> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(ErrorCode::Required);
    }
    if trimmed.chars().count() > MAX_SECURITY_KEY_NAME_CHARS {
        return Err(ErrorCode::TooLong);
    }
    check_control_characters(trimmed, false)
}
