//! New passwords.

use super::*;

/// A new password (reset): at least [`MIN_PASSWORD_CHARS`] and at most
/// [`MAX_PASSWORD_CHARS`] characters. Nothing else is asked of it: length
/// is what makes a password strong (NIST SP 800-63B §3.1.1.2).
pub fn validate_new_password(input: &str) -> Result<(), ErrorCode> {
    let len = input.chars().count();
    if len == 0 {
        Err(ErrorCode::Required)
    } else if len < MIN_PASSWORD_CHARS {
        Err(ErrorCode::PasswordTooShort)
    } else if len > MAX_PASSWORD_CHARS {
        Err(ErrorCode::TooLong)
    } else {
        Ok(())
    }
}
