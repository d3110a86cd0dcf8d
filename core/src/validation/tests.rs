//! The field rules, one by one and composed.

use super::*;

const PREFIX: &str = crate::limits::DEFAULT_API_TOKEN_PREFIX;
use crate::api::{Reason, RecoveryCodesStatus};

const TODAY: &str = "2026-05-20";

fn valid_body() -> RecoveryRequestBody {
    RecoveryRequestBody {
        username: "jbber".into(),
        account_email: None,
        contact_email: "new-address@example.org".into(),
        reason: Some(Reason::Lost2fa),
        details: "I lost the phone with my authenticator app in May. I have 8 recovery \
                  codes, but each one says \"Invalid recovery code.\""
            .into(),
        lost_access_on: Some("2026-05-14".into()),
        previous_emails: vec!["old@example.com".into()],
        packages: vec!["example-package".into()],
        recovery_codes_status: Some(RecoveryCodesStatus::NotWorking),
        email_proof: None,
        repository_proof: None,
        accepted_code_of_conduct: true,
        acknowledged_delay: true,
    }
}

fn pointers(issues: &[FieldIssue]) -> Vec<(&str, ErrorCode)> {
    issues
        .iter()
        .map(|i| (i.pointer.as_str(), i.code))
        .collect()
}

// ------------------------------------------------------------ username

#[test]
fn usernames() {
    for ok in [
        "jbber",
        "a",
        "A",
        "9",
        "j.b-b_e.r",
        "Jane_Doe-2",
        &"x".repeat(50),
    ] {
        assert_eq!(validate_username(ok), Ok(()), "{ok}");
    }
    assert_eq!(validate_username(""), Err(ErrorCode::Required));
    assert_eq!(validate_username("  \t"), Err(ErrorCode::Required));
    assert_eq!(validate_username(&"x".repeat(51)), Err(ErrorCode::TooLong));
    for bad in [
        "-jbber", "jbber-", ".a", "a_", "jb ber", " jbber", "jbber ", "jb@ber", "jbbér", "jb\nber",
        "_", "jb/ber",
    ] {
        assert_eq!(
            validate_username(bad),
            Err(ErrorCode::UsernameFormat),
            "{bad:?}"
        );
    }
}

// ------------------------------------------------------------ packages

#[test]
fn package_names() {
    for ok in [
        "example-package",
        "Django",
        "zope.interface",
        "a",
        "typing_extensions",
        "x2",
    ] {
        assert_eq!(validate_package_name(ok), Ok(()), "{ok}");
    }
    assert_eq!(validate_package_name(" "), Err(ErrorCode::Required));
    assert_eq!(
        validate_package_name(&"p".repeat(MAX_PACKAGE_NAME_CHARS + 1)),
        Err(ErrorCode::TooLong)
    );
    for bad in [
        "-pkg",
        "pkg.",
        "my package",
        "pkg==1.0",
        "pkg[extra]",
        "пакет",
    ] {
        assert_eq!(
            validate_package_name(bad),
            Err(ErrorCode::PackageNameFormat),
            "{bad}"
        );
    }
}

#[test]
fn pep503_normalisation() {
    assert_eq!(normalize_package_name("Foo.Bar__baz"), "foo-bar-baz");
    assert_eq!(
        normalize_package_name("typing_extensions"),
        "typing-extensions"
    );
    assert_eq!(normalize_package_name("A-._-B"), "a-b");
    assert_eq!(normalize_package_name("friendly-bard"), "friendly-bard");
    let once = normalize_package_name("Zope._Interface");
    assert_eq!(normalize_package_name(&once), once);
}

// ------------------------------------------------------------ security-key names

#[test]
fn security_key_names() {
    for ok in [
        "Blue key",
        "a",
        "  Laptop  ",
        "Clé de Zoë 🔑",
        &"k".repeat(64),
    ] {
        assert_eq!(validate_security_key_name(ok), Ok(()), "{ok}");
    }
    assert_eq!(validate_security_key_name(""), Err(ErrorCode::Required));
    assert_eq!(validate_security_key_name(" \t "), Err(ErrorCode::Required));
    // The bound is on what is stored: the trimmed name.
    let padded = format!("  {}  ", "k".repeat(MAX_SECURITY_KEY_NAME_CHARS));
    assert_eq!(validate_security_key_name(&padded), Ok(()));
    assert_eq!(
        validate_security_key_name(&"k".repeat(MAX_SECURITY_KEY_NAME_CHARS + 1)),
        Err(ErrorCode::TooLong)
    );
    for bad in ["Blue\nkey", "key\u{202e}yek", "a\u{0}b"] {
        assert_eq!(
            validate_security_key_name(bad),
            Err(ErrorCode::ControlCharacters),
            "{bad:?}"
        );
    }
    // As the bodies declare it, on `/name`.
    let body = crate::api::SecurityKeyRenameBody { name: " ".into() };
    let errors = check(&body).unwrap_err();
    assert_eq!(
        (errors[0].pointer.as_str(), errors[0].code.as_str()),
        ("/name", "required")
    );
}

// ------------------------------------------------------------ email

#[test]
fn emails() {
    for ok in [
        "name@example.com",
        "new-address@example.org",
        "first.last+tag@sub.example.co.uk",
        "a@b",
        "o'neil@example.ie",
        "x@123.example",
        "user@xn--bcher-kva.example",
    ] {
        assert_eq!(validate_email(ok), Ok(()), "{ok}");
    }
    assert_eq!(validate_email(""), Err(ErrorCode::Required));
    for bad in [
        "name",
        "name@",
        "@example.com",
        "name@@example.com",
        "name@exa mple.com",
        "name @example.com",
        " name@example.com",
        "name@example.com\r\nBcc: x@y.z",
        "name@example.com\n",
        "name@-example.com",
        "name@example-.com",
        "name@example..com",
        "name@.example.com",
        "name@example.com.",
        "nåme@example.com",
        "name@exämple.com",
        "name@ex_ample.com",
        "\"quoted\"@example.com",
        "name@example.com\0",
    ] {
        assert_eq!(validate_email(bad), Err(ErrorCode::EmailFormat), "{bad:?}");
    }
    let long_label = format!("a@{}.com", "b".repeat(64));
    assert_eq!(validate_email(&long_label), Err(ErrorCode::EmailFormat));
    let long_local = format!("{}@example.com", "a".repeat(65));
    assert_eq!(validate_email(&long_local), Err(ErrorCode::EmailFormat));
    let too_long = format!("a@{}.com", vec!["b".repeat(60); 5].join("."));
    assert_eq!(validate_email(&too_long), Err(ErrorCode::TooLong));
}

#[test]
fn contact_email_must_not_be_lost() {
    let previous = vec!["Old@Example.com".to_string()];
    assert_eq!(
        validate_contact_email("new@example.org", None, &previous),
        Ok(())
    );
    assert_eq!(
        validate_contact_email("old@example.COM", None, &previous),
        Err(ErrorCode::ContactEmailIsLost)
    );
    assert_eq!(
        validate_contact_email("me@example.net", Some(" ME@example.net "), &[]),
        Err(ErrorCode::ContactEmailIsLost)
    );
    assert_eq!(
        validate_contact_email("not an email", None, &previous),
        Err(ErrorCode::EmailFormat)
    );
    assert_eq!(
        validate_contact_email("", None, &[]),
        Err(ErrorCode::Required)
    );
}

// ------------------------------------------------------------ dates

#[test]
fn dates() {
    for ok in [
        "2026-05-14",
        "2024-02-29",
        "2000-02-29",
        "0001-01-01",
        "9999-12-31",
    ] {
        assert_eq!(validate_date(ok), Ok(()), "{ok}");
    }
    assert_eq!(validate_date(""), Err(ErrorCode::Required));
    for bad in [
        "2026-5-14",
        "14/05/2026",
        "2026-05-14T00:00",
        "2026-13-01",
        "2026-00-10",
        "2026-04-31",
        "2025-02-29",
        "1900-02-29",
        "0000-01-01",
        "2026-05-00",
        " 2026-05-14",
        "２０２６-05-14",
        "2026/05/14",
        "yesterday",
    ] {
        assert_eq!(validate_date(bad), Err(ErrorCode::DateFormat), "{bad}");
    }
    assert_eq!(parse_date("2026-05-14"), Some((2026, 5, 14)));
}

#[test]
fn lost_access_not_in_future() {
    assert_eq!(validate_lost_access_on("2026-05-20", TODAY), Ok(()));
    assert_eq!(validate_lost_access_on("2019-01-01", TODAY), Ok(()));
    assert_eq!(
        validate_lost_access_on("2026-05-21", TODAY),
        Err(ErrorCode::DateInFuture)
    );
    assert_eq!(
        validate_lost_access_on("2027-01-01", TODAY),
        Err(ErrorCode::DateInFuture)
    );
    assert_eq!(
        validate_lost_access_on("2026-02-30", TODAY),
        Err(ErrorCode::DateFormat)
    );
    // A broken `today` only disables the future check.
    assert_eq!(validate_lost_access_on("2099-01-01", "today"), Ok(()));
}

// ------------------------------------------------------------ free text

#[test]
fn free_text_basics() {
    assert_eq!(check_free_text("", 10, PREFIX), Err(ErrorCode::Required));
    assert_eq!(
        check_free_text(" \n\t ", 10, PREFIX),
        Err(ErrorCode::Required)
    );
    assert_eq!(check_free_text("hello", 5, PREFIX), Ok(()));
    assert_eq!(
        check_free_text("héllo", 5, PREFIX),
        Ok(()),
        "counts characters"
    );
    assert_eq!(
        check_free_text("hello!", 5, PREFIX),
        Err(ErrorCode::TooLong)
    );
    assert_eq!(
        check_free_text("line one\nline two\tend", 100, PREFIX),
        Ok(())
    );
    assert_eq!(check_free_text("windows\r\nline", 100, PREFIX), Ok(()));
    for bad in [
        "bare\rcarriage",
        "nul\0byte",
        "bell\u{7}",
        "esc\u{1b}[31m",
        "del\u{7f}",
        "c1\u{85}",
        "rlo \u{202E}txt.exe",
        "lre\u{202A}",
        "isolate\u{2066}x\u{2069}",
    ] {
        assert_eq!(
            check_free_text(bad, 100, PREFIX),
            Err(ErrorCode::ControlCharacters),
            "{bad:?}"
        );
    }
    assert_eq!(
        validate_details(&"a".repeat(MAX_DETAILS_CHARS), PREFIX),
        Ok(())
    );
    assert_eq!(
        validate_details(&"a".repeat(MAX_DETAILS_CHARS + 1), PREFIX),
        Err(ErrorCode::TooLong)
    );
}

#[test]
fn control_characters_single_line() {
    assert_eq!(check_control_characters("abc", false), Ok(()));
    assert_eq!(
        check_control_characters("a\nb", false),
        Err(ErrorCode::ControlCharacters)
    );
    assert_eq!(
        check_control_characters("a\tb", false),
        Err(ErrorCode::ControlCharacters)
    );
}

fn leak(text: &str) -> Result<(), ErrorCode> {
    check_free_text(text, MAX_DETAILS_CHARS, PREFIX)
}

#[test]
fn leak_guard_catches_recovery_codes() {
    for text in [
        "my code is 0123456789abcdef",
        "my code is 0123456789ABCDEF.",
        "codes: 0123-4567-89ab-cdef",
        "codes: 0123 4567 89ab cdef and more",
        "codes:\n0123 4567 89ab cdef\n1111 2222 3333 444a",
        "first 0123 4567 89ab cdef 0123 4567 89ab cdef second",
        "0123456789abcdef",
        "(0123456789abcdef)",
        "code=0123456789abcdef&x",
        "use 0123 - 4567 - 89ab - cdef",
        "halves 01234567 89abcdef",
        "dashed 0123\u{2013}4567\u{2013}89ab\u{2013}cdef",
        "a_0123456789abcdef_b",
        "I tried 9f86d081884c7d65 and 8f434346648f6b96",
        "dead 0123 4567 89ab cdef",
        "since 2024 0123 4567 89ab cdef 2025",
        "0123 4567 89AB CDEF",
    ] {
        assert_eq!(leak(text), Err(ErrorCode::ContainsRecoveryCode), "{text}");
    }
}

#[test]
fn leak_guard_catches_totp_secrets() {
    for text in [
        "the secret was JBSWY3DPEHPK3PXP",
        "secret JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
        "secret JBSW Y3DP EHPK 3PXP",
        "secret JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PX",
        "secret jbsw y3dp ehpk 3pxp",
        "secret jbswy3dpehpk3pxpjbswy3dpehpk3pxp",
        "otpauth://totp/PyPI:jbber?issuer=PyPI",
        "scan OTPAUTH://TOTP/x",
        "I still have the key: ABCD EFGH IJKL MNO2",
    ] {
        assert_eq!(leak(text), Err(ErrorCode::ContainsTotpSecret), "{text}");
    }
}

#[test]
fn leak_guard_catches_totp_codes() {
    for text in [
        "my app shows 123456 but it fails",
        "code: 123456.",
        "(123456)",
        "it said 123 456 and then",
        "code=654321",
        "123456",
    ] {
        assert_eq!(leak(text), Err(ErrorCode::ContainsTotpCode), "{text}");
    }
}

/// Realistic texts that must pass: seed 001, dates, versions, numbers.
#[test]
fn leak_guard_catches_api_tokens() {
    let token = "pypi-AgEIcHlwaS5vcmcCJGQ4ZDA5ZmQ5LWQ1YjItNDFk";
    assert_eq!(
        leak_guard(&format!("I used the token {token} to upload"), PREFIX),
        Err(ErrorCode::ContainsApiToken)
    );
    assert_eq!(
        validate_details(&format!("token: {token}"), PREFIX),
        Err(ErrorCode::ContainsApiToken)
    );
    assert_eq!(leak_guard("I run pypi-server at work", PREFIX), Ok(()));
}

#[test]
fn leak_guard_false_positives() {
    for text in [
        // Seed 001, the real request.
        "Hello,\n\nI lost access to the 2FA authentication app. However, I still have \
         access to my email address I registered my PyPI account with.",
        "I have 8 recovery codes, but they don't seem to work, as I get an error message \
         when trying a couple of them in the \"Login using recovery codes\" page. Each \
         time, the error message says \"Invalid recovery code.\" Certainly I must have \
         renewed the recovery codes at some point and foolishly forgot to save the new \
         ones.\n\nTherefore I'm completely stuck outside my account. Is there a way to \
         recover access to it?",
        "I agree to follow the PSF Code of Conduct. PYPI, 2FA, TOTP, HTTPS, GPG, SSH.",
        "I lost my phone on 2026-05-14 (14/05/2026) at 10:30, around 2026-05-14T10:30:00Z.",
        "Releases 1.2.3, 2.0.0rc1, 2024.10.1 and 10.0.202605 went out in 2019 2020 2021 2022.",
        "My package has 250,000 downloads a month and 1,234,567 in total.",
        "See issue #123456 and https://github.com/pypi/support/issues/123456 and \
         www.example.com/p/654321 for details.",
        "It costs $100000 or €250000.",
        "Commit 3f2a9b1c4d5e6f708192a3b4c5d6e7f8091a2b3c and short hash 3f2a9b1.",
        "UUID 550e8400-e29b-41d4-a716-446655440000 from the error page.",
        "Key fingerprint = ABCD 1234 EF56 7890 ABCD  1234 EF56 7890 ABCD 1234",
        "Fingerprint:\nABCD 1234 EF56 7890 ABCD\n1234 EF56 7890 ABCD 1234",
        "Phone +44 20 7946 0958, ref RR-2026-000123.",
        "INTERNATIONALIZATION and SUPERCALIFRAGILISTIC words in capitals.",
        "the authenticator2fa app",
        "this code will help with 2fa",
        "Version 3.141592 of the float package; sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.",
        "I have 2 phones and 12 packages; 3 of them since 2015.",
        "About 150 000 downloads, 250000 last month, 1 500 000 in total.",
        "package django-rest-framework-simplejwt and zope.interface",
        "feed face: a dead beef cafe",
    ] {
        assert_eq!(leak(text), Ok(()), "{text}");
    }
}

#[test]
fn leak_guard_on_seed_files_if_present() {
    // The seeds live beside the repository on the build machines; skip elsewhere.
    for name in ["000_09fc3bf341fe6958.txt", "001_546df3acf72d4d46.txt"] {
        let path = format!("{}/../../shared/seeds/{name}", env!("CARGO_MANIFEST_DIR"));
        if let Ok(text) = std::fs::read_to_string(&path) {
            for paragraph in text.split("\n\n") {
                assert_eq!(leak_guard(paragraph, PREFIX), Ok(()), "{name}: {paragraph}");
            }
            assert_eq!(leak_guard(&text, PREFIX), Ok(()), "{name}");
        }
    }
}

// ------------------------------------------------------------ proof

#[test]
fn email_proof() {
    assert_eq!(validate_email_proof("abc.def-123_XYZ"), Ok(()));
    assert_eq!(
        validate_email_proof(&"p".repeat(MAX_EMAIL_PROOF_CHARS)),
        Ok(())
    );
    assert_eq!(
        validate_email_proof(&"p".repeat(MAX_EMAIL_PROOF_CHARS + 1)),
        Err(ErrorCode::TooLong)
    );
    assert_eq!(
        validate_email_proof("abc\ndef"),
        Err(ErrorCode::ControlCharacters)
    );
}

// ------------------------------------------------------------ lists

#[test]
fn previous_email_list() {
    let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(validate_previous_emails(&[]).is_empty());
    assert_eq!(
        pointers(&validate_previous_emails(&list(&[
            "a@example.com",
            "nope",
            "A@Example.com",
            ""
        ]))),
        vec![
            ("/previous_emails/1", ErrorCode::EmailFormat),
            ("/previous_emails/2", ErrorCode::DuplicateItem),
            ("/previous_emails/3", ErrorCode::Required),
        ]
    );
    let six: Vec<String> = (0..6).map(|i| format!("u{i}@example.com")).collect();
    assert_eq!(
        pointers(&validate_previous_emails(&six)),
        vec![("/previous_emails", ErrorCode::TooManyItems)]
    );
    assert!(validate_previous_emails(&six[..5]).is_empty());
}

#[test]
fn package_list() {
    let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        pointers(&validate_packages(&list(&[
            "Foo.Bar", "foo_bar", "foo--bar", "baz", "-bad"
        ]))),
        vec![
            ("/packages/1", ErrorCode::DuplicateItem),
            ("/packages/2", ErrorCode::DuplicateItem),
            ("/packages/4", ErrorCode::PackageNameFormat),
        ]
    );
    let many: Vec<String> = (0..21).map(|i| format!("pkg{i}")).collect();
    assert_eq!(
        pointers(&validate_packages(&many)),
        vec![("/packages", ErrorCode::TooManyItems)]
    );
    assert!(validate_packages(&many[..20]).is_empty());
}

// ------------------------------------------------------------ whole request

#[test]
fn valid_request_has_no_issues() {
    assert_eq!(validate_request(&valid_body(), TODAY, PREFIX), vec![]);
    let minimal = RecoveryRequestBody {
        lost_access_on: None,
        previous_emails: vec![],
        packages: vec![],
        ..valid_body()
    };
    assert_eq!(validate_request(&minimal, TODAY, PREFIX), vec![]);
    // Blank optional strings count as absent.
    let blanks = RecoveryRequestBody {
        lost_access_on: Some(String::new()),
        email_proof: Some(" ".into()),
        account_email: Some(String::new()),
        ..valid_body()
    };
    assert_eq!(validate_request(&blanks, TODAY, PREFIX), vec![]);
}

#[test]
fn new_passwords() {
    assert_eq!(validate_new_password(""), Err(ErrorCode::Required));
    assert_eq!(
        validate_new_password(&"a".repeat(MIN_PASSWORD_CHARS - 1)),
        Err(ErrorCode::PasswordTooShort)
    );
    assert_eq!(
        validate_new_password(&"é".repeat(MIN_PASSWORD_CHARS)),
        Ok(())
    );
    assert_eq!(
        validate_new_password(&"a".repeat(MAX_PASSWORD_CHARS)),
        Ok(())
    );
    assert_eq!(
        validate_new_password(&"a".repeat(MAX_PASSWORD_CHARS + 1)),
        Err(ErrorCode::TooLong)
    );
}

#[test]
fn recovery_codes_question_only_where_codes_are_the_problem() {
    for reason in Reason::ALL {
        let body = RecoveryRequestBody {
            reason: Some(reason),
            recovery_codes_status: None,
            ..valid_body()
        };
        let asked = validate_request(&body, TODAY, PREFIX)
            == vec![FieldIssue::new(
                "/recovery_codes_status",
                ErrorCode::Required,
            )];
        assert_eq!(asked, reason.concerns_recovery_codes(), "{reason:?}");
    }
}

#[test]
fn empty_request_reports_everything() {
    let body = RecoveryRequestBody::default();
    assert_eq!(
        pointers(&validate_request(&body, TODAY, PREFIX)),
        vec![
            ("/username", ErrorCode::Required),
            ("/contact_email", ErrorCode::Required),
            ("/reason", ErrorCode::Required),
            ("/details", ErrorCode::Required),
            ("/accepted_code_of_conduct", ErrorCode::MustAccept),
            ("/acknowledged_delay", ErrorCode::MustAccept),
        ]
    );
}

#[test]
fn account_email_instead_of_username() {
    let body = RecoveryRequestBody {
        username: String::new(),
        account_email: Some("me@example.com".into()),
        ..valid_body()
    };
    assert_eq!(validate_request(&body, TODAY, PREFIX), vec![]);
    let body = RecoveryRequestBody {
        username: String::new(),
        account_email: Some("me at example".into()),
        ..valid_body()
    };
    assert_eq!(
        pointers(&validate_request(&body, TODAY, PREFIX)),
        vec![("/account_email", ErrorCode::EmailFormat)]
    );
    // Both given: both checked.
    let body = RecoveryRequestBody {
        username: "-bad".into(),
        account_email: Some("bad".into()),
        ..valid_body()
    };
    assert_eq!(
        pointers(&validate_request(&body, TODAY, PREFIX)),
        vec![
            ("/username", ErrorCode::UsernameFormat),
            ("/account_email", ErrorCode::EmailFormat)
        ]
    );
    // The account's email cannot be the contact email.
    let body = RecoveryRequestBody {
        username: String::new(),
        account_email: Some("Me@Example.com".into()),
        contact_email: "me@example.com".into(),
        ..valid_body()
    };
    assert_eq!(
        pointers(&validate_request(&body, TODAY, PREFIX)),
        vec![("/contact_email", ErrorCode::ContactEmailIsLost)]
    );
}

#[test]
fn every_field_reports_at_its_pointer() {
    let body = RecoveryRequestBody {
        username: "jb ber".into(),
        account_email: None,
        contact_email: "OLD@example.com".into(),
        reason: None,
        details: "here are my codes: 0123 4567 89ab cdef".into(),
        lost_access_on: Some("2026-06-01".into()),
        previous_emails: vec![
            "old@example.com".into(),
            "x@example.com".into(),
            "bad@".into(),
        ],
        packages: vec!["ok".into(), "not ok".into()],
        recovery_codes_status: None,
        email_proof: Some("tok\u{0}en".into()),
        repository_proof: Some("rp\u{7}".into()),
        accepted_code_of_conduct: false,
        acknowledged_delay: true,
    };
    assert_eq!(
        pointers(&validate_request(&body, TODAY, PREFIX)),
        vec![
            ("/username", ErrorCode::UsernameFormat),
            ("/contact_email", ErrorCode::ContactEmailIsLost),
            ("/reason", ErrorCode::Required),
            ("/details", ErrorCode::ContainsRecoveryCode),
            ("/lost_access_on", ErrorCode::DateInFuture),
            ("/previous_emails/2", ErrorCode::EmailFormat),
            ("/packages/1", ErrorCode::PackageNameFormat),
            ("/email_proof", ErrorCode::ControlCharacters),
            ("/repository_proof", ErrorCode::ControlCharacters),
            ("/accepted_code_of_conduct", ErrorCode::MustAccept),
        ]
    );
    let bad_date = RecoveryRequestBody {
        lost_access_on: Some("14 May".into()),
        ..valid_body()
    };
    assert_eq!(
        pointers(&validate_request(&bad_date, TODAY, PREFIX)),
        vec![("/lost_access_on", ErrorCode::DateFormat)]
    );
}

#[test]
fn issues_become_problem_entries() {
    let issue = FieldIssue::new("/previous_emails/2", ErrorCode::DuplicateItem);
    let entry = issue.to_field_error();
    assert_eq!(entry.pointer, "/previous_emails/2");
    assert_eq!(entry.code, "duplicate_item");
    assert_eq!(
        entry.message,
        "You have already listed this email address. Remove the copy"
    );
}

#[test]
fn required_and_typed_emails() {
    assert_eq!(require(" \t"), Err(ErrorCode::Required));
    assert_eq!(require(" x "), Ok(()));
    assert_eq!(validate_typed_email("  "), Err(ErrorCode::Required));
    assert_eq!(validate_typed_email(" a@example.org "), Ok(()));
    assert_eq!(
        validate_typed_email("a.example.org"),
        Err(ErrorCode::EmailFormat)
    );
}
