//! Stable machine error codes. Domain code returns these; words for people
//! live in one place, [`crate::messages`], so copy can be reviewed and translated.
//!
//! The wire form (serde and [`ErrorCode::as_str`]) is the snake_case name of the
//! variant, e.g. `contains_recovery_code`. It is part of the API contract: a
//! problem document's `errors[].code` carries it.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // field rules
    Required,
    TooLong,
    ControlCharacters,
    UsernameFormat,
    EmailFormat,
    PackageNameFormat,
    TooManyItems,
    DuplicateItem,
    DateFormat,
    DateInFuture,
    ContactEmailIsLost,
    MustAccept,
    // leak guard
    ContainsRecoveryCode,
    ContainsTotpSecret,
    ContainsTotpCode,
    // code formats
    RecoveryCodeFormat,
    TotpCodeFormat,
    LooksLikeTotpCode,
    LooksLikeRecoveryCode,
    LooksLikeTotpSecret,
    // authenticator setup
    /// A TOTP secret is not base32 (`A`–`Z`, `2`–`7`) of a usable length.
    TotpSecretFormat,
    /// An otpauth issuer or account name contains ':' (it separates them in the label).
    TotpLabelColon,
    // more kinds of code told apart
    /// An 8-digit email one-time code typed where another code goes.
    LooksLikeEmailCode,
    /// An API token (by the registry's prefix) typed where a code goes.
    LooksLikeApiToken,
    /// Free text holding an API token.
    ContainsApiToken,
    /// An email one-time code that is not 8 digits.
    EmailCodeFormat,
    // answers only the server can give for a field
    /// A new password shorter than the minimum.
    PasswordTooShort,
    /// The password given to confirm a change is not the account's.
    PasswordIncorrect,
    /// An email one-time code that is wrong, expired or used.
    EmailCodeInvalid,
    /// The new password and its confirmation differ.
    PasswordMismatch,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [ErrorCode; 30] = [
        ErrorCode::Required,
        ErrorCode::TooLong,
        ErrorCode::ControlCharacters,
        ErrorCode::UsernameFormat,
        ErrorCode::EmailFormat,
        ErrorCode::PackageNameFormat,
        ErrorCode::TooManyItems,
        ErrorCode::DuplicateItem,
        ErrorCode::DateFormat,
        ErrorCode::DateInFuture,
        ErrorCode::ContactEmailIsLost,
        ErrorCode::MustAccept,
        ErrorCode::ContainsRecoveryCode,
        ErrorCode::ContainsTotpSecret,
        ErrorCode::ContainsTotpCode,
        ErrorCode::RecoveryCodeFormat,
        ErrorCode::TotpCodeFormat,
        ErrorCode::LooksLikeTotpCode,
        ErrorCode::LooksLikeRecoveryCode,
        ErrorCode::LooksLikeTotpSecret,
        ErrorCode::TotpSecretFormat,
        ErrorCode::TotpLabelColon,
        ErrorCode::LooksLikeEmailCode,
        ErrorCode::LooksLikeApiToken,
        ErrorCode::ContainsApiToken,
        ErrorCode::EmailCodeFormat,
        ErrorCode::PasswordTooShort,
        ErrorCode::PasswordIncorrect,
        ErrorCode::EmailCodeInvalid,
        ErrorCode::PasswordMismatch,
    ];

    /// The wire value: the same snake_case string serde writes.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Required => "required",
            ErrorCode::TooLong => "too_long",
            ErrorCode::ControlCharacters => "control_characters",
            ErrorCode::UsernameFormat => "username_format",
            ErrorCode::EmailFormat => "email_format",
            ErrorCode::PackageNameFormat => "package_name_format",
            ErrorCode::TooManyItems => "too_many_items",
            ErrorCode::DuplicateItem => "duplicate_item",
            ErrorCode::DateFormat => "date_format",
            ErrorCode::DateInFuture => "date_in_future",
            ErrorCode::ContactEmailIsLost => "contact_email_is_lost",
            ErrorCode::MustAccept => "must_accept",
            ErrorCode::ContainsRecoveryCode => "contains_recovery_code",
            ErrorCode::ContainsTotpSecret => "contains_totp_secret",
            ErrorCode::ContainsTotpCode => "contains_totp_code",
            ErrorCode::RecoveryCodeFormat => "recovery_code_format",
            ErrorCode::TotpCodeFormat => "totp_code_format",
            ErrorCode::LooksLikeTotpCode => "looks_like_totp_code",
            ErrorCode::LooksLikeRecoveryCode => "looks_like_recovery_code",
            ErrorCode::LooksLikeTotpSecret => "looks_like_totp_secret",
            ErrorCode::TotpSecretFormat => "totp_secret_format",
            ErrorCode::TotpLabelColon => "totp_label_colon",
            ErrorCode::LooksLikeEmailCode => "looks_like_email_code",
            ErrorCode::LooksLikeApiToken => "looks_like_api_token",
            ErrorCode::ContainsApiToken => "contains_api_token",
            ErrorCode::EmailCodeFormat => "email_code_format",
            ErrorCode::PasswordTooShort => "password_too_short",
            ErrorCode::PasswordIncorrect => "password_incorrect",
            ErrorCode::EmailCodeInvalid => "email_code_invalid",
            ErrorCode::PasswordMismatch => "password_mismatch",
        }
    }

    /// The inverse of [`ErrorCode::as_str`].
    pub fn parse(value: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == value)
    }

    /// The user-facing sentence for this code (see [`crate::messages::message`]).
    pub fn message(self) -> &'static str {
        crate::messages::message(self)
    }

    /// Whether this is one of the leak-guard codes (free text holding a secret).
    /// Such text must not be echoed into logs.
    pub fn is_leak(self) -> bool {
        matches!(
            self,
            ErrorCode::ContainsRecoveryCode
                | ErrorCode::ContainsTotpSecret
                | ErrorCode::ContainsTotpCode
                | ErrorCode::ContainsApiToken
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for ErrorCode {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn as_str_matches_serde() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: ErrorCode = serde_json::from_str(&json).unwrap();
            assert_eq!(back, code);
        }
    }

    #[test]
    fn all_is_complete_and_unique() {
        let set: HashSet<_> = ErrorCode::ALL.iter().collect();
        assert_eq!(set.len(), ErrorCode::ALL.len());
        // A new variant that is not in ALL would fail to be found here.
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(ErrorCode::parse("nope"), None);
    }

    #[test]
    fn display_is_wire_value() {
        assert_eq!(
            ErrorCode::ContactEmailIsLost.to_string(),
            "contact_email_is_lost"
        );
    }

    #[test]
    fn leak_codes() {
        assert!(ErrorCode::ContainsTotpCode.is_leak());
        assert!(!ErrorCode::LooksLikeTotpCode.is_leak());
    }
}
