//! Stable problem codes: the `code` member of every problem document the API
//! answers with. The server builds problems from these, the app reads them
//! back into the same enum, so a wrong password, an expired sign-in step and
//! a burned recovery code can never be confused by a client.
//!
//! Field-level codes inside `errors[]` are [`crate::ErrorCode`]; a problem
//! with field errors has the code [`ProblemCode::ValidationFailed`].
//!
//! Each code has one HTTP status, written here once ([`ProblemCode::status`]):
//! the server answers it with that status, and its OpenAPI document lists
//! each operation's codes under it. A code typed wrong into a form (a TOTP
//! or recovery code, an email code, the password before a change) is 422
//! wherever it is typed, signed in or not: 401 says only that the request's
//! own credentials (password, sign-in step, session) did not do.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! problem_codes {
    ($($(#[$doc:meta])* $variant:ident = $wire:literal => $status:literal,)*) => {
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

            /// The HTTP status every answer with this code has.
            pub const fn status(self) -> u16 {
                match self { $(ProblemCode::$variant => $status,)* }
            }
        }
    };
}

problem_codes! {
    // request shape
    /// One or more fields were refused; see `errors[]`.
    ValidationFailed = "validation_failed" => 422,
    MalformedJson = "malformed_json" => 400,
    InvalidBody = "invalid_body" => 422,
    UnsupportedMediaType = "unsupported_media_type" => 415,
    PayloadTooLarge = "payload_too_large" => 413,
    MethodNotAllowed = "method_not_allowed" => 405,
    NotFound = "not_found" => 404,
    // limits and availability
    RateLimited = "rate_limited" => 429,
    /// The server is busy (too much password hashing at once, database
    /// busy): retry after `Retry-After` seconds.
    Unavailable = "unavailable" => 503,
    /// The request took longer than the server allows (a slow upload or a
    /// stalled client); nothing was changed that needs undoing.
    RequestTimeout = "request_timeout" => 408,
    InternalError = "internal_error" => 500,
    // sign-in
    InvalidCredentials = "invalid_credentials" => 401,
    /// The 300 s second-factor step is over: sign in with the password again.
    ChallengeExpired = "challenge_expired" => 401,
    TotpInvalid = "totp_invalid" => 422,
    /// The code matches a time a few minutes away: the phone's clock drifts.
    TotpOutOfSync = "totp_out_of_sync" => 422,
    /// Not in the current set: a typo or a code of an older, regenerated set.
    RecoveryCodeInvalid = "recovery_code_invalid" => 422,
    RecoveryCodeUsed = "recovery_code_used" => 422,
    /// The security key's answer was not accepted: not a key of the
    /// account, not for this step's options (or they were used), or its
    /// signature did not verify.
    SecurityKeyInvalid = "security_key_invalid" => 422,
    /// The key's signature counter went backwards: a copy of the key may
    /// be in use. The key is refused and the account's address told.
    SecurityKeyCounter = "security_key_counter" => 422,
    /// The account has no security key to sign in with.
    NoSecurityKey = "no_security_key" => 409,
    // self-service
    ResetTokenInvalid = "reset_token_invalid" => 400,
    EmailCodeInvalid = "email_code_invalid" => 422,
    // signed in
    Unauthenticated = "unauthenticated" => 401,
    CsrfFailed = "csrf_failed" => 403,
    /// The change needs the password again, just before.
    ReauthRequired = "reauth_required" => 403,
    PasswordIncorrect = "password_incorrect" => 422,
    TotpAlreadyEnabled = "totp_already_enabled" => 409,
    TotpSetupExpired = "totp_setup_expired" => 409,
    /// Recovery codes need a second factor first (an authenticator app or a
    /// security key): a code set alone would make every sign-in demand a
    /// code until the account is locked out.
    SecondFactorRequired = "second_factor_required" => 409,
    /// There is no authenticator app to remove.
    TotpNotEnabled = "totp_not_enabled" => 409,
    /// The security key's registration was not started, or is over (5
    /// minutes): start again.
    SecurityKeySetupExpired = "security_key_setup_expired" => 409,
    /// This security key is registered already (to this account or another).
    SecurityKeyAlreadyRegistered = "security_key_already_registered" => 409,
    /// The account has as many security keys as it may have.
    SecurityKeyLimit = "security_key_limit" => 409,
    /// A concurrent change of the same thing won (a double submit): the
    /// other answer holds the result; reload before trying again.
    ChangedMeanwhile = "changed_meanwhile" => 409,
    // recovery requests
    IdempotencyKeyMissing = "idempotency_key_missing" => 400,
    IdempotencyKeyReused = "idempotency_key_reused" => 422,
    IdempotencyInFlight = "idempotency_in_flight" => 409,
    /// The email proof is unknown or older than its 7 days: prove the
    /// address again.
    EmailProofInvalid = "email_proof_invalid" => 422,
    // repository proofs
    /// Not the public repository of a project of an account this address
    /// belongs to, or listed on the project only after the lock-out.
    RepositoryNotCandidate = "repository_not_candidate" => 422,
    /// No repository proof with this id was issued for this email proof
    /// (or for the account the request names).
    RepositoryProofInvalid = "repository_proof_invalid" => 422,
    /// The repository has no branch or tag named with the proof's token
    /// yet: push it, then check again.
    RepositoryRefNotFound = "repository_ref_not_found" => 409,
    /// The request carries a repository proof whose branch was not found
    /// yet: check it first.
    RepositoryProofUnchecked = "repository_proof_unchecked" => 409,
    /// The repository's host did not answer as a git server does over
    /// HTTPS in time (down, not a repository, a redirect, too large).
    RepositoryUnreachable = "repository_unreachable" => 502,
    /// The link's cancel token is wrong, used, or its hold is over.
    CancelTokenInvalid = "cancel_token_invalid" => 422,
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

    #[test]
    fn every_status_is_an_error_status() {
        for &code in ProblemCode::ALL {
            assert!((400..600).contains(&code.status()), "{code}");
        }
        assert_eq!(ProblemCode::InvalidCredentials.status(), 401);
        // Typed wrong into a form: 422 at sign-in and signed in alike.
        assert_eq!(ProblemCode::TotpInvalid.status(), 422);
        assert_eq!(ProblemCode::RecoveryCodeUsed.status(), 422);
    }
}
