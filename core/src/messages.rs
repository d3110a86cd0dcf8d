//! Words for people, by error code: the one place for user-facing copy, so it
//! can be reviewed and translated. GOV.UK style: plain words that say how to
//! fix the problem, no "please", no "invalid", no full stop at the end.
//!
//! [`message`] gives one sentence per code; [`field_message`] specialises it
//! to a field of the recovery request where a general sentence would be vague
//! ("Enter your username" rather than "Enter an answer"). The numbers in the
//! copy are checked against the limits in [`crate::validation`] by tests.

use crate::{ErrorCode, ProblemCode};

/// PyPI's answer to a recovery code that is not in the current set (a typo or
/// a code from an older, regenerated set: the two cannot be told apart).
pub const RECOVERY_CODE_INVALID: &str = "Invalid recovery code.";
/// PyPI's answer to a recovery code that was already burned.
pub const RECOVERY_CODE_USED: &str = "Recovery code has been previously used.";
/// PyPI's answer to a recovery code that is not 16 hex characters.
pub const RECOVERY_CODE_FORMAT: &str = "Recovery codes are 16 character hexadecimal strings";

/// The user-facing sentence for a code.
pub fn message(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::Required => "Enter an answer",
        ErrorCode::TooLong => "Your answer is too long. Shorten it",
        ErrorCode::ControlCharacters => {
            "Remove the hidden control characters from your answer. They can come \
             from copying and pasting, so try typing the text instead"
        }
        ErrorCode::UsernameFormat => {
            "Enter your username, like jbber. A username only has letters, numbers, \
             full stops (.), hyphens (-) and underscores (_), and starts and ends \
             with a letter or number"
        }
        ErrorCode::EmailFormat => {
            "Enter an email address in the correct format, like name@example.com"
        }
        ErrorCode::PackageNameFormat => {
            "Enter the package name as it appears on the index, like example-package. \
             A name only has letters, numbers, full stops (.), hyphens (-) and \
             underscores (_), and starts and ends with a letter or number"
        }
        ErrorCode::TooManyItems => "You have listed too many. Remove some",
        ErrorCode::DuplicateItem => "You have already listed this. Remove the copy",
        ErrorCode::DateFormat => "Enter a real date in the format year-month-day, like 2026-05-14",
        ErrorCode::DateInFuture => "The date must be today or in the past",
        ErrorCode::ContactEmailIsLost => {
            "Your contact email must be an address you can still use, not one you \
             listed as lost"
        }
        ErrorCode::MustAccept => "Tick the box to confirm",
        ErrorCode::ContainsRecoveryCode => {
            "Remove the recovery code from your description. Never share recovery \
             codes, not even with support: anyone who has one can take over your \
             account"
        }
        ErrorCode::ContainsTotpSecret => {
            "Remove the authenticator setup key (the secret) from your description. \
             Never share it, not even with support: anyone who has it can make your \
             two-factor codes and take over your account"
        }
        ErrorCode::ContainsTotpCode => {
            "Remove the 6-digit code from your description. Never share two-factor \
             codes, not even with support: anyone who has one can use it to sign in \
             as you. If the number is not a code, write it another way, like 250,000"
        }
        ErrorCode::RecoveryCodeFormat => {
            "Enter one of your recovery codes. Recovery codes are 16 character \
             hexadecimal strings (numbers 0 to 9 and letters a to f), like \
             0123 4567 89ab cdef. Spaces and dashes do not matter"
        }
        ErrorCode::TotpCodeFormat => {
            "Enter the 6-digit code your authenticator app shows now, like 123456"
        }
        ErrorCode::LooksLikeTotpCode => {
            "That is an authenticator code. Enter a 16-character recovery code"
        }
        ErrorCode::LooksLikeRecoveryCode => {
            "That is a recovery code. Enter the 6-digit code from your authenticator app"
        }
        ErrorCode::LooksLikeTotpSecret => {
            "That is a setup key, which you must never share. Enter a code from your authenticator app or a recovery code"
        }
        ErrorCode::TotpSecretFormat => {
            "Enter the setup key from your authenticator app: 16 to 64 characters, \
             letters A to Z and numbers 2 to 7"
        }
        ErrorCode::TotpLabelColon => {
            "Remove the colon (:) from the issuer and account name. Authenticator \
             apps use it to separate them"
        }
        ErrorCode::LooksLikeEmailCode => {
            "That is a code from an email. Enter a code from your authenticator app or a recovery code"
        }
        ErrorCode::LooksLikeApiToken => {
            "That is an API token: revoke it if you pasted it anywhere public. Enter a code from your authenticator app or a recovery code"
        }
        ErrorCode::ContainsApiToken => {
            "Remove the API token from your description. Never share API tokens, not \
             even with support: anyone who has one can upload releases of your \
             packages. Revoke this token if you pasted it anywhere public"
        }
        ErrorCode::EmailCodeFormat => {
            "Enter the 8-digit code from the email we sent, like 12345678"
        }
        ErrorCode::PasswordTooShort => "Enter a password of at least 8 characters",
        ErrorCode::PasswordIncorrect => {
            "The password is not right"
        }
        ErrorCode::PasswordMismatch => {
            "Enter the same password twice. The two passwords are different"
        }
        ErrorCode::EmailCodeInvalid => {
            "Enter the 8-digit code from the latest email we sent. Codes work for 15 \
             minutes: if yours is older, ask for a new one"
        }
    }
}

/// Words for an answer of the server that is not about one field, by its
/// problem code: what happened and what to try next. `None` for codes whose
/// words depend on the page (rate limits carry a wait; idempotency answers
/// belong to the request pages).
pub fn problem_message(code: ProblemCode) -> Option<&'static str> {
    use ProblemCode as P;
    Some(match code {
        P::InvalidCredentials => {
            "The username or password is not right. Check both and try again, or \
             reset your password"
        }
        P::ChallengeExpired => {
            "The code step lasts 5 minutes and it has ended, so nothing was checked. \
             Enter your password again, then the code"
        }
        P::TotpInvalid => {
            "The code from your authenticator app is not right. Enter the code the \
             app shows now. Each code works once"
        }
        P::TotpOutOfSync => {
            "The code would be right a few minutes earlier or later: the clock on \
             your phone is off. Set your phone's date and time to update \
             automatically, then enter the new code the app shows"
        }
        P::RecoveryCodeInvalid => {
            "Invalid recovery code. This code is not in your current set: it may be \
             mistyped, or come from an older set that was replaced when new codes \
             were generated"
        }
        P::RecoveryCodeUsed => {
            "Recovery code has been previously used. Each code works once: enter \
             another code from the same set"
        }
        P::SecurityKeyInvalid => {
            "Your security key was not accepted. Try again with a key you added to \
             this account, or sign in another way"
        }
        P::SecurityKeyCounter => {
            "This security key may have been copied: it counted fewer uses than \
             before, so it was refused. Sign in another way, then remove the key in \
             the security checkup"
        }
        P::NoSecurityKey => "There is no security key on this account. Sign in another way",
        P::ResetTokenInvalid => {
            "This reset link does not work any more. Links work once, for 6 hours. \
             Ask for a new link"
        }
        P::EmailCodeInvalid => {
            "The code is not right or has expired. Enter the 8-digit code from the \
             latest email, or ask for a new one"
        }
        P::Unauthenticated | P::CsrfFailed => {
            "You are signed out: your session ended or was closed. Sign in again"
        }
        P::ReauthRequired => "Enter your password again to make this change",
        P::PasswordIncorrect => "The password is not right. Enter your current password",
        P::TotpAlreadyEnabled => {
            "An authenticator app is already set up. Remove it first to set up another"
        }
        P::TotpSetupExpired => {
            "The setup took too long and has ended. Start again to get a new QR code"
        }
        P::SecondFactorRequired => {
            "Set up an authenticator app or a security key first. Recovery codes only \
             work alongside one"
        }
        P::TotpNotEnabled => "There is no authenticator app to remove",
        P::SecurityKeySetupExpired => {
            "Adding the security key took more than 5 minutes, so it has ended. Start \
             again"
        }
        P::SecurityKeyAlreadyRegistered => "This security key is already added. Use another key",
        P::SecurityKeyLimit => {
            "This account has 10 security keys, the most it can have. Remove one to \
             add another"
        }
        P::ChangedMeanwhile => {
            "Something changed on your account meanwhile, perhaps in another window. \
             Look at the checkup again, then try once more"
        }
        P::RequestTimeout => {
            "The request took too long to arrive, so nothing was changed. Check your \
             connection and try again"
        }
        P::NotFound => "There is nothing at this address",
        P::EmailProofInvalid => {
            "Your email address was proven more than 7 days ago, or not here. Prove it \
             again with a new code"
        }
        P::RepositoryNotCandidate => {
            "This repository does not count: it is not listed on a project of your \
             account, or it was listed only after you lost access. Choose one from the list"
        }
        P::RepositoryProofInvalid => {
            "This repository proof is not one we gave for your email proof and account. \
             Start the repository proof again"
        }
        P::RepositoryRefNotFound => {
            "We did not find the branch in the repository yet. Push it with the commands \
             shown, wait a minute, then check again"
        }
        P::RepositoryProofUnchecked => {
            "The branch of your repository proof has not been found yet. Check the \
             repository first, then send the request"
        }
        P::RepositoryUnreachable => {
            "We could not read the repository's branches. Check that the repository is \
             public and its address has not moved, then try again"
        }
        P::CancelTokenInvalid => {
            "This link does not work any more: it was used, or the waiting period is \
             over. Contact support if someone is trying to take over your account"
        }
        _ => return None,
    })
}

/// PyPI's "Invalid recovery code." when the date of the current set is
/// known (`since`, as shown to people): a saved code from before it is from
/// a set that was replaced.
pub fn recovery_code_invalid_since(since: &str) -> String {
    format!(
        "{RECOVERY_CODE_INVALID} If you saved this code before {since}, it is from an older \
         set that no longer works: use a code from the set made then"
    )
}

/// The words for a code refused in a field that takes the 8-digit code of
/// an email: the kinds of code mistaken for it point back to the email.
pub fn email_code_message(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::LooksLikeTotpCode => {
            "That is an authenticator code. Enter the 8-digit code from the email"
        }
        ErrorCode::LooksLikeRecoveryCode => {
            "That is a recovery code, which you must never share. Enter the 8-digit code from the email"
        }
        other => message(other),
    }
}

/// The sentence for a code at a JSON pointer into the recovery request
/// (`/username`, `/previous_emails/2`, …) or a security key's `/name`,
/// falling back to [`message`].
pub fn field_message(pointer: &str, code: ErrorCode) -> &'static str {
    // `/previous_emails/2` → `previous_emails[]`
    let field = match pointer.trim_start_matches('/').split_once('/') {
        Some((list, _)) => list,
        None => pointer.trim_start_matches('/'),
    };
    let item = pointer.trim_start_matches('/').contains('/');
    use ErrorCode::*;
    match (field, item, code) {
        ("username", _, Required) => {
            "Enter your username, like jbber, or tick \u{201c}I do not know my username\u{201d}"
        }
        ("username", _, TooLong) => "Username must be 50 characters or fewer",
        ("account_email", _, Required) => "Enter the email address of your account",
        ("contact_email", _, Required) => {
            "Enter an email address you can use now, so that support can reply"
        }
        ("reason", _, Required) => "Select what happened",
        ("details", _, Required) => "Enter what happened",
        ("details", _, TooLong) => "What happened must be 5,000 characters or fewer",
        ("lost_access_on", _, DateFormat) => {
            "Date you lost access must be a real date, like 2026-05-14"
        }
        ("lost_access_on", _, DateInFuture) => "Date you lost access must be today or in the past",
        ("previous_emails", true, Required) => "Enter the email address, or remove it",
        ("previous_emails", false, TooManyItems) => "List up to 5 previous email addresses",
        ("previous_emails", true, DuplicateItem) => {
            "You have already listed this email address. Remove the copy"
        }
        ("packages", true, Required) => "Enter the package name, or remove it",
        ("packages", true, TooLong) => "Package name must be 100 characters or fewer",
        ("packages", false, TooManyItems) => "List up to 20 packages",
        ("packages", true, DuplicateItem) => {
            "You have already listed this package. Names that differ only in capitals, \
             '-', '_' or '.' are the same package"
        }
        ("recovery_codes_status", _, Required) => "Select what happened to your recovery codes",
        ("email_proof", _, TooLong) => {
            "The email proof is too long. Verify your email address again"
        }
        ("email_proof", _, ControlCharacters) => {
            "The email proof is damaged. Verify your email address again"
        }
        ("name", _, Required) => "Enter a name for the security key, like Blue key",
        ("name", _, TooLong) => "Name must be 64 characters or fewer",
        ("accepted_code_of_conduct", _, MustAccept) => {
            "Confirm that you agree to follow the Code of Conduct"
        }
        ("acknowledged_delay", _, MustAccept) => {
            "Confirm that you understand it may take a significant amount of time"
        }
        _ => message(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::{
        MAX_DETAILS_CHARS, MAX_PACKAGES, MAX_PACKAGE_NAME_CHARS, MAX_PREVIOUS_EMAILS,
        MAX_USERNAME_CHARS,
    };

    #[test]
    fn every_code_has_words() {
        for code in ErrorCode::ALL {
            let m = message(code);
            assert!(!m.trim().is_empty(), "{code}");
            assert!(
                !m.ends_with('.'),
                "GOV.UK messages have no full stop: {code}"
            );
            assert!(!m.contains("  "), "double space in {code}");
            assert!(!m.to_lowercase().contains("invalid"), "{code}");
        }
    }

    #[test]
    fn problem_messages_quote_the_registry_and_carry_the_limits() {
        let m = |c| problem_message(c).unwrap();
        assert!(m(ProblemCode::RecoveryCodeInvalid).starts_with(RECOVERY_CODE_INVALID));
        assert!(m(ProblemCode::RecoveryCodeUsed).starts_with(RECOVERY_CODE_USED));
        let minutes = crate::limits::CHALLENGE_SECS / 60;
        assert!(m(ProblemCode::ChallengeExpired).contains(&format!("{minutes} minutes")));
        let hours = crate::limits::RESET_LINK_HOURS;
        assert!(m(ProblemCode::ResetTokenInvalid).contains(&format!("{hours} hours")));
        let minutes = crate::limits::SECURITY_KEY_SETUP_SECS / 60;
        assert!(m(ProblemCode::SecurityKeySetupExpired).contains(&format!("{minutes} minutes")));
        let keys = crate::limits::MAX_SECURITY_KEYS;
        assert!(m(ProblemCode::SecurityKeyLimit).contains(&format!("{keys} security keys")));
        // The words the checkup's advice depends on.
        let copied = m(ProblemCode::SecurityKeyCounter);
        assert!(
            copied.contains("copied") && copied.contains("remove the key"),
            "{copied}"
        );
        for &code in ProblemCode::ALL {
            if let Some(text) = problem_message(code) {
                assert!(!text.ends_with('.') && !text.contains("  "), "{code}");
            }
        }
        assert_eq!(problem_message(ProblemCode::RateLimited), None);
    }

    #[test]
    fn recovery_code_format_quotes_the_server() {
        assert!(message(ErrorCode::RecoveryCodeFormat).contains(RECOVERY_CODE_FORMAT));
    }

    #[test]
    fn leak_messages_say_never_share() {
        for code in [
            ErrorCode::ContainsRecoveryCode,
            ErrorCode::ContainsTotpSecret,
            ErrorCode::ContainsTotpCode,
            ErrorCode::ContainsApiToken,
        ] {
            assert!(message(code).contains("Never share"), "{code}");
            assert!(message(code).starts_with("Remove"), "{code}");
        }
    }

    #[test]
    fn field_messages_specialise() {
        assert_eq!(
            field_message("/username", ErrorCode::Required),
            "Enter your username, like jbber, or tick \u{201c}I do not know my username\u{201d}"
        );
        assert_eq!(
            field_message("/previous_emails/3", ErrorCode::DuplicateItem),
            "You have already listed this email address. Remove the copy"
        );
        assert_eq!(
            field_message("/previous_emails", ErrorCode::TooManyItems),
            "List up to 5 previous email addresses"
        );
        // Falls back to the general sentence.
        assert_eq!(
            field_message("/contact_email", ErrorCode::EmailFormat),
            message(ErrorCode::EmailFormat)
        );
        assert_eq!(
            field_message("/details", ErrorCode::ContainsRecoveryCode),
            message(ErrorCode::ContainsRecoveryCode)
        );
        assert_eq!(
            field_message("", ErrorCode::Required),
            message(ErrorCode::Required)
        );
    }

    #[test]
    fn numbers_in_copy_match_limits() {
        let has = |pointer: &str, code, n: usize| {
            let text = field_message(pointer, code);
            let with_comma = if n >= 1000 {
                format!("{},{:03}", n / 1000, n % 1000)
            } else {
                n.to_string()
            };
            assert!(text.contains(&with_comma), "{text} lacks {with_comma}");
        };
        has("/username", ErrorCode::TooLong, MAX_USERNAME_CHARS);
        has("/details", ErrorCode::TooLong, MAX_DETAILS_CHARS);
        has(
            "/name",
            ErrorCode::TooLong,
            crate::limits::MAX_SECURITY_KEY_NAME_CHARS,
        );
        has("/packages/0", ErrorCode::TooLong, MAX_PACKAGE_NAME_CHARS);
        has("/packages", ErrorCode::TooManyItems, MAX_PACKAGES);
        has(
            "/previous_emails",
            ErrorCode::TooManyItems,
            MAX_PREVIOUS_EMAILS,
        );
        has(
            "",
            ErrorCode::PasswordTooShort,
            crate::limits::MIN_PASSWORD_CHARS,
        );
        has(
            "",
            ErrorCode::EmailCodeFormat,
            crate::limits::EMAIL_CODE_DIGITS,
        );
        has(
            "",
            ErrorCode::EmailCodeInvalid,
            crate::limits::EMAIL_CODE_DIGITS,
        );
        has(
            "",
            ErrorCode::EmailCodeInvalid,
            crate::limits::EMAIL_CODE_MINUTES as usize,
        );
    }

    #[test]
    fn field_messages_are_never_empty() {
        for pointer in [
            "/username",
            "/account_email",
            "/contact_email",
            "/reason",
            "/details",
            "/lost_access_on",
            "/previous_emails",
            "/previous_emails/0",
            "/packages",
            "/packages/19",
            "/recovery_codes_status",
            "/email_proof",
            "/accepted_code_of_conduct",
            "/acknowledged_delay",
            "/name",
        ] {
            for code in ErrorCode::ALL {
                let m = field_message(pointer, code);
                assert!(!m.is_empty() && !m.ends_with('.'), "{pointer} {code}");
            }
        }
    }
}
