//! The rules the bodies declare (`#[derive(Validate)]`, the server's
//! check) report exactly what the rule functions composed by hand report
//! (`validate_request`, the browser's check, and the server's checks before
//! the derive): the same pointers, codes and order, for any body.

use proptest::prelude::*;
use reclaim_core::{
    api::{
        EmailVerificationBody, EmailVerificationConfirmBody, FieldError, LoginBody,
        PasswordResetBody, PasswordResetConfirmBody, Reason, ReauthBody, RecoveryCodesStatus,
        RecoveryRequestBody, StatusTokenCodeBody, UsernameReminderBody,
    },
    limits::{MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS},
    validation::{check, check_request, validate_email, validate_request, Validate},
    ErrorCode,
};

const TODAY: &str = "2026-05-20";
const PREFIX: &str = "pypi-";

/// Strings near every edge the rules have: blank, whitespace past a bound,
/// just under and over each bound, addresses, names, control characters.
fn edgy(max: usize) -> impl Strategy<Value = String> {
    let long = max + 3;
    prop_oneof![
        Just(String::new()),
        " {1,3}",
        proptest::string::string_regex(&format!(" {{{},{long}}}", max.saturating_sub(2))).unwrap(),
        proptest::string::string_regex(&format!("[a-z]{{{},{long}}}", max.saturating_sub(2)))
            .unwrap(),
        "[a-z0-9.@_+\\- ]{0,30}",
        "[A-Za-z0-9]([A-Za-z0-9._-]{0,8}[A-Za-z0-9])?",
        "[a-z]{1,6}@[a-z]{1,6}\\.(org|com)",
        "[A-Z]{1,3}@[a-z]{1,3}\\.org",
        "[\\PC\u{202A}-\u{202E}\r\n\t\0 ]{0,12}",
        "[0-9a-f ]{16,20}",
        "(2026-05-(1[0-9]|2[0-9])|14 May|2024-02-30)",
        any::<String>(),
    ]
}

fn body() -> impl Strategy<Value = RecoveryRequestBody> {
    let reason = proptest::option::of(proptest::sample::select(Reason::ALL.to_vec()));
    let status = proptest::option::of(proptest::sample::select(RecoveryCodesStatus::ALL.to_vec()));
    (
        (
            edgy(50),
            proptest::option::of(edgy(254)),
            edgy(254),
            reason,
            edgy(reclaim_core::limits::MAX_DETAILS_CHARS),
            proptest::option::of(edgy(10)),
        ),
        (
            proptest::collection::vec(edgy(20), 0..8),
            proptest::collection::vec(edgy(20), 0..23),
            status,
            proptest::option::of(edgy(512)),
            proptest::option::of(edgy(512)),
            any::<(bool, bool)>(),
        ),
    )
        .prop_map(
            |(
                (username, account_email, contact_email, reason, details, lost_access_on),
                (
                    previous_emails,
                    packages,
                    recovery_codes_status,
                    email_proof,
                    repository_proof,
                    flags,
                ),
            )| RecoveryRequestBody {
                username,
                account_email,
                contact_email,
                reason,
                details,
                lost_access_on,
                previous_emails,
                packages,
                recovery_codes_status,
                email_proof,
                repository_proof,
                accepted_code_of_conduct: flags.0,
                acknowledged_delay: flags.1,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn the_declared_request_rules_report_what_the_composed_functions_do(body in body()) {
        prop_assert_eq!(
            check_request(&body, TODAY, PREFIX),
            validate_request(&body, TODAY, PREFIX)
        );
    }

    #[test]
    fn copied_emails_and_packages_are_found_alike(
        emails in proptest::collection::vec("(a|A|b)@(x|X)\\.org", 0..7),
        packages in proptest::collection::vec("(foo|Foo|f-o)[._-]?(bar|BAR)?", 0..22),
        contact in "(a|A|c)@(x|X)\\.org",
    ) {
        let body = RecoveryRequestBody {
            contact_email: contact,
            previous_emails: emails,
            packages,
            ..RecoveryRequestBody::default()
        };
        prop_assert_eq!(
            check_request(&body, TODAY, PREFIX),
            validate_request(&body, TODAY, PREFIX)
        );
    }

    #[test]
    fn the_other_bodies_report_what_the_server_checked(
        text in edgy(MAX_EMAIL_CHARS),
        password_len in 0usize..1100,
    ) {
        // POST /password-reset: the identifier trimmed, required, bounded.
        let trimmed = text.trim();
        let expected = if trimmed.is_empty() {
            Some(ErrorCode::Required)
        } else if trimmed.chars().count() > MAX_EMAIL_CHARS {
            Some(ErrorCode::TooLong)
        } else {
            None
        };
        prop_assert_eq!(
            codes(check(&PasswordResetBody { identifier: text.clone() })),
            expected.map(|c| ("/identifier", c)).into_iter().collect::<Vec<_>>()
        );
        // The bodies with an address: `validate_email` at its field.
        let expected: Vec<_> = validate_email(&text).err().map(|c| ("/email", c)).into_iter().collect();
        prop_assert_eq!(codes(check(&UsernameReminderBody { email: text.clone() })), expected.clone());
        prop_assert_eq!(codes(check(&EmailVerificationBody { email: text.clone() })), expected.clone());
        let confirm = EmailVerificationConfirmBody { email: text.clone(), code: text.clone() };
        prop_assert_eq!(codes(check(&confirm)), expected.clone());
        // A request's contact address, for a code to a new status token.
        let contact: Vec<_> = expected.iter().map(|&(_, c)| ("/contact_email", c)).collect();
        prop_assert_eq!(codes(check(&StatusTokenCodeBody { contact_email: text.clone() })), contact);
        // POST /password-reset/confirm: too short (empty too), too long.
        let new_password = "p".repeat(password_len);
        let expected = if password_len < MIN_PASSWORD_CHARS {
            Some(ErrorCode::PasswordTooShort)
        } else if password_len > MAX_PASSWORD_CHARS {
            Some(ErrorCode::TooLong)
        } else {
            None
        };
        let reset = PasswordResetConfirmBody { token: text.clone(), new_password: new_password.clone() };
        prop_assert_eq!(
            codes(check(&reset)),
            expected.map(|c| ("/new_password", c)).into_iter().collect::<Vec<_>>()
        );
        // Sign-in and re-authentication: bounds only (they fail as a wrong
        // password would, not as field errors).
        let over = password_len > MAX_PASSWORD_CHARS;
        prop_assert_eq!(ReauthBody { password: new_password.clone() }.validate().is_err(), over);
        let login = LoginBody { username: text.clone(), password: new_password };
        prop_assert_eq!(login.validate().is_err(), over || text.chars().count() > 50);
    }
}

fn codes(result: Result<(), Vec<FieldError>>) -> Vec<(&'static str, ErrorCode)> {
    result
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|e| {
            let pointer: &'static str = e.pointer.leak();
            let code = ErrorCode::parse(&e.code).expect("a known code");
            assert_eq!(
                e.message,
                reclaim_core::messages::field_message(pointer, code)
            );
            (pointer, code)
        })
        .collect()
}

#[test]
fn the_field_order_is_the_bodys() {
    // Every field once, in the order serde writes them (declaration order).
    let body = RecoveryRequestBody {
        account_email: Some(String::new()),
        lost_access_on: Some(String::new()),
        recovery_codes_status: Some(RecoveryCodesStatus::Lost),
        email_proof: Some(String::new()),
        repository_proof: Some(String::new()),
        reason: Some(Reason::Other),
        ..RecoveryRequestBody::default()
    };
    let json = serde_json::to_string(&body).unwrap();
    let written: Vec<usize> = RecoveryRequestBody::FIELDS
        .iter()
        .map(|f| json.find(&format!("\"{f}\":")).expect(f))
        .collect();
    assert!(written.windows(2).all(|w| w[0] < w[1]), "{json}");
    assert_eq!(
        json.matches("\":").count(),
        RecoveryRequestBody::FIELDS.len()
    );
}
