//! Property tests: no input panics, normalisation is idempotent, codes survive
//! the ways people type them, every error code has words.

use proptest::prelude::*;
use reclaim_core::{
    api::RecoveryRequestBody,
    codes::{
        classify, format_recovery_code_for_display, format_totp_secret_for_display,
        normalize_recovery_code, normalize_totp_secret, parse_recovery_code, parse_totp_code,
        parse_totp_secret, CodeKind,
    },
    messages::{field_message, message},
    totp_uri::{otpauth_uri, percent_encode},
    validation::{
        check_free_text, leak_guard, normalize_package_name, parse_date, validate_contact_email,
        validate_date, validate_email, validate_email_proof, validate_lost_access_on,
        validate_package_name, validate_packages, validate_previous_emails, validate_request,
        validate_username,
    },
    ErrorCode,
};

/// Strings that mix arbitrary Unicode with the characters the rules care about.
fn tricky_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9a-fA-F \\-\t\n]{0,40}",
        "[A-Z2-7 =]{0,70}",
        "[0-9 .,#/:\\-]{0,20}",
        "[a-z0-9.@_+\\-]{0,30}",
        "[\\PC\u{202A}-\u{202E}\u{2066}-\u{2069}\r\n\0]{0,30}",
    ]
}

fn hex_code() -> impl Strategy<Value = String> {
    "[0-9a-f]{16}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_parser_or_validator_panics(s in tricky_string(), t in tricky_string()) {
        let _ = normalize_recovery_code(&s);
        let _ = parse_recovery_code(&s);
        let _ = parse_totp_code(&s);
        let _ = classify(&s);
        let _ = format_recovery_code_for_display(&s);
        let _ = normalize_totp_secret(&s);
        let _ = parse_totp_secret(&s);
        let _ = format_totp_secret_for_display(&s);
        let _ = validate_username(&s);
        let _ = validate_email(&s);
        let _ = validate_package_name(&s);
        let _ = normalize_package_name(&s);
        let _ = validate_date(&s);
        let _ = parse_date(&s);
        let _ = validate_lost_access_on(&s, &t);
        let _ = validate_email_proof(&s);
        let _ = validate_contact_email(&s, Some(&t), std::slice::from_ref(&t));
        let _ = check_free_text(&s, 20, "pypi-");
        let _ = check_free_text(&s, 5000, "pypi-");
        let _ = leak_guard(&s, "pypi-");
        let _ = validate_previous_emails(&[s.clone(), t.clone()]);
        let _ = validate_packages(&[s.clone(), t.clone()]);
        let _ = otpauth_uri(&s, &t, &s);
        let _ = percent_encode(&s);
    }

    #[test]
    fn no_request_panics(
        username in tricky_string(),
        contact in tricky_string(),
        details in tricky_string(),
        date in proptest::option::of(tricky_string()),
        emails in proptest::collection::vec(tricky_string(), 0..8),
        packages in proptest::collection::vec(tricky_string(), 0..24),
        proof in proptest::option::of(tricky_string()),
        flags in any::<(bool, bool)>(),
    ) {
        let body = RecoveryRequestBody {
            username,
            account_email: None,
            contact_email: contact,
            reason: None,
            details,
            lost_access_on: date,
            previous_emails: emails,
            packages,
            recovery_codes_status: None,
            repository_proof: proof.clone(),
            email_proof: proof,
            accepted_code_of_conduct: flags.0,
            acknowledged_delay: flags.1,
        };
        for issue in validate_request(&body, "2026-05-20", "pypi-") {
            prop_assert!(issue.pointer.starts_with('/'));
            prop_assert!(!issue.message().is_empty());
        }
    }

    #[test]
    fn normalisation_is_idempotent(s in tricky_string()) {
        let once = normalize_recovery_code(&s);
        prop_assert_eq!(normalize_recovery_code(&once), once.clone());
        let secret = normalize_totp_secret(&s);
        prop_assert_eq!(normalize_totp_secret(&secret), secret.clone());
        let name = normalize_package_name(&s);
        prop_assert_eq!(normalize_package_name(&name), name.clone());
    }

    #[test]
    fn parsed_codes_reparse_to_themselves(s in tricky_string()) {
        if let Ok(code) = parse_recovery_code(&s) {
            prop_assert_eq!(parse_recovery_code(&code), Ok(code.clone()));
            prop_assert_eq!(code.len(), 16);
            prop_assert_eq!(classify(&s), CodeKind::RecoveryCode);
        }
        if let Ok(code) = parse_totp_code(&s) {
            prop_assert_eq!(parse_totp_code(&code), Ok(code.clone()));
            prop_assert_eq!(classify(&s), CodeKind::TotpCode);
        }
        if let Ok(secret) = parse_totp_secret(&s) {
            prop_assert_eq!(parse_totp_secret(&secret), Ok(secret.clone()));
        }
    }

    #[test]
    fn typed_codes_parse_back(
        code in hex_code(),
        seps in proptest::collection::vec(
            prop_oneof![Just(""), Just(" "), Just("-"), Just("\t"), Just("  "), Just(" - "), Just("\u{a0}"), Just("\n")],
            17,
        ),
        upper in proptest::collection::vec(any::<bool>(), 16),
    ) {
        let mut typed = String::new();
        for (i, c) in code.chars().enumerate() {
            typed.push_str(seps[i]);
            typed.push(if upper[i] { c.to_ascii_uppercase() } else { c });
        }
        typed.push_str(seps[16]);
        prop_assert_eq!(parse_recovery_code(&typed), Ok(code.clone()));
        prop_assert_eq!(classify(&typed), CodeKind::RecoveryCode);
        // Pasted into the TOTP field, it is recognised for what it is.
        prop_assert_eq!(parse_totp_code(&typed), Err(ErrorCode::LooksLikeRecoveryCode));
        // Display form parses back too.
        prop_assert_eq!(parse_recovery_code(&format_recovery_code_for_display(&code)), Ok(code));
    }

    #[test]
    fn totp_codes_are_told_apart(code in "[0-9]{6}") {
        prop_assert_eq!(parse_totp_code(&code), Ok(code.clone()));
        prop_assert_eq!(parse_recovery_code(&code), Err(ErrorCode::LooksLikeTotpCode));
        prop_assert_eq!(classify(&format!(" {} {} ", &code[..3], &code[3..])), CodeKind::TotpCode);
    }

    #[test]
    fn secrets_are_told_apart(secret in "[A-Z2-7]{32}") {
        // 32 base32 characters can never be a 16-character recovery code.
        prop_assert_eq!(classify(&secret), CodeKind::TotpSecret);
        prop_assert_eq!(parse_recovery_code(&secret), Err(ErrorCode::LooksLikeTotpSecret));
        prop_assert_eq!(parse_totp_code(&secret), Err(ErrorCode::LooksLikeTotpSecret));
        prop_assert_eq!(parse_totp_secret(&format_totp_secret_for_display(&secret)), Ok(secret.clone()));
        let uri = otpauth_uri("PyPI", "alice", &secret).unwrap();
        let expected = format!("secret={secret}&");
        prop_assert!(uri.contains(&expected));
    }

    #[test]
    fn leak_guard_finds_codes_in_prose(
        code in hex_code(),
        before in "[A-Za-z0-9 ,.]{0,40}",
        after in "[A-Za-z ,.]{0,40}",
        grouped in any::<bool>(),
    ) {
        // Codes made only of digits are deliberately not caught (see leak_guard).
        prop_assume!(code.bytes().any(|b| b.is_ascii_alphabetic()));
        let shown = if grouped { format_recovery_code_for_display(&code) } else { code };
        let text = format!("{before} {shown} {after}");
        prop_assert_eq!(leak_guard(&text, "pypi-"), Err(ErrorCode::ContainsRecoveryCode));
    }

    #[test]
    fn leak_guard_finds_secrets_in_prose(
        secret in "[A-Z2-7]{32}",
        before in "[a-z ,.]{0,40}",
        grouped in any::<bool>(),
    ) {
        prop_assume!(secret.bytes().any(|b| b.is_ascii_digit()));
        let shown = if grouped { format_totp_secret_for_display(&secret) } else { secret };
        let text = format!("{before} {shown}.");
        // Four groups that happen to be all hex read as a recovery code: either
        // way the text is refused as a leak.
        let result = leak_guard(&text, "pypi-");
        prop_assert!(result.is_err_and(ErrorCode::is_leak), "{:?}", result);
        if !grouped {
            prop_assert_eq!(result, Err(ErrorCode::ContainsTotpSecret));
        }
    }

    #[test]
    fn valid_dates_round_trip(y in 1u16..=9999, m in 1u8..=12, d in 1u8..=28) {
        let date = format!("{y:04}-{m:02}-{d:02}");
        prop_assert_eq!(parse_date(&date), Some((y, m, d)));
        prop_assert_eq!(validate_date(&date), Ok(()));
    }

    #[test]
    fn valid_names_normalise_to_valid_names(name in "[A-Za-z0-9]([A-Za-z0-9._-]{0,30}[A-Za-z0-9])?") {
        prop_assert_eq!(validate_package_name(&name), Ok(()));
        prop_assert_eq!(validate_username(&name), Ok(()));
        prop_assert_eq!(validate_package_name(&normalize_package_name(&name)), Ok(()));
    }
}

#[test]
fn every_error_code_has_a_message() {
    for code in ErrorCode::ALL {
        assert!(!message(code).trim().is_empty(), "{code}");
        assert!(!field_message("/details", code).trim().is_empty(), "{code}");
        assert!(!code.as_str().is_empty());
    }
}
