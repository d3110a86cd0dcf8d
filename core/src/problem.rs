//! Stable problem codes: the `code` member of every problem document the API
//! answers with. The server builds problems from these, the app reads them
//! back into the same enum, so a wrong password, an expired sign-in step and
//! a burned recovery code can never be confused by a client.
//!
//! Field-level codes inside `errors[]` are [`crate::ErrorCode`]; a problem
//! with field errors has the code [`ProblemCode::ValidationFailed`].

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! problem_codes {
    ($($(#[$doc:meta])* $variant:ident = $wire:literal,)*) => {
        /// The `code` of a problem document (wire form: the snake_case string).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum ProblemCode {
            $($(#[$doc])* #[serde(rename = $wire)] $variant,)*
        }

        impl ProblemCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ProblemCode] = &[$(ProblemCode::$variant,)*];

            /// The wire value.
            pub fn as_str(self) -> &'static str {
                match self { $(ProblemCode::$variant => $wire,)* }
            }
        }
    };
}

problem_codes! {
    // request shape
    /// One or more fields were refused; see `errors[]`.
    ValidationFailed = "validation_failed",
    MalformedJson = "malformed_json",
    InvalidBody = "invalid_body",
    UnsupportedMediaType = "unsupported_media_type",
    PayloadTooLarge = "payload_too_large",
    MethodNotAllowed = "method_not_allowed",
    NotFound = "not_found",
    // limits and availability
    RateLimited = "rate_limited",
    /// The server is busy (too much password hashing at once, database
    /// busy): retry after `Retry-After` seconds.
    Unavailable = "unavailable",
    /// The request took longer than the server allows (a slow upload or a
    /// stalled client); nothing was changed that needs undoing.
    RequestTimeout = "request_timeout",
    InternalError = "internal_error",
    // sign-in
    InvalidCredentials = "invalid_credentials",
    /// The 300 s second-factor step is over: sign in with the password again.
    ChallengeExpired = "challenge_expired",
    TotpInvalid = "totp_invalid",
    /// The code matches a time a few minutes away: the phone's clock drifts.
    TotpOutOfSync = "totp_out_of_sync",
    /// Not in the current set: a typo or a code of an older, regenerated set.
    RecoveryCodeInvalid = "recovery_code_invalid",
    RecoveryCodeUsed = "recovery_code_used",
    // self-service
    ResetTokenInvalid = "reset_token_invalid",
    EmailCodeInvalid = "email_code_invalid",
    // signed in
    Unauthenticated = "unauthenticated",
    CsrfFailed = "csrf_failed",
    /// The change needs the password again, just before.
    ReauthRequired = "reauth_required",
    PasswordIncorrect = "password_incorrect",
    TotpAlreadyEnabled = "totp_already_enabled",
    TotpSetupExpired = "totp_setup_expired",
    /// Recovery codes need an authenticator app first: a code set alone would
    /// make every sign-in demand a code until the account is locked out.
    TotpRequired = "totp_required",
    /// There is no authenticator app to remove.
    TotpNotEnabled = "totp_not_enabled",
    /// A concurrent change of the same thing won (a double submit): the
    /// other answer holds the result; reload before trying again.
    ChangedMeanwhile = "changed_meanwhile",
    // recovery requests
    IdempotencyKeyMissing = "idempotency_key_missing",
    IdempotencyKeyReused = "idempotency_key_reused",
    IdempotencyInFlight = "idempotency_in_flight",
}

impl ProblemCode {
    /// The inverse of [`ProblemCode::as_str`].
    pub fn parse(value: &str) -> Option<ProblemCode> {
        ProblemCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == value)
    }
}

impl fmt::Display for ProblemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn wire_values_are_unique_and_round_trip() {
        let set: HashSet<_> = ProblemCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(set.len(), ProblemCode::ALL.len());
        for &code in ProblemCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ProblemCode>(&json).unwrap(), code);
            assert_eq!(ProblemCode::parse(code.as_str()), Some(code));
        }
        assert_eq!(ProblemCode::parse("nope"), None);
    }
}
