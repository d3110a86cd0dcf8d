//! The whole recovery request: the email proof, the lists, and every rule composed.

use super::*;

// ---------------------------------------------------------------- email proof

/// An email proof token from the wizard: optional; when present at most
/// [`MAX_EMAIL_PROOF_CHARS`] characters and no control characters.
pub fn validate_email_proof(input: &str) -> Result<(), ErrorCode> {
    if input.chars().count() > MAX_EMAIL_PROOF_CHARS {
        return Err(ErrorCode::TooLong);
    }
    check_control_characters(input, false)
}

/// A repository proof's id: optional; the rules of an email proof's token.
pub fn validate_repository_proof(input: &str) -> Result<(), ErrorCode> {
    validate_email_proof(input)
}

// ---------------------------------------------------------------- lists

/// Previous email addresses: at most [`MAX_PREVIOUS_EMAILS`], each valid, no
/// duplicates (case-insensitive; the later copy is reported).
/// Pointers are `/previous_emails` and `/previous_emails/{i}`.
pub fn validate_previous_emails(emails: &[String]) -> Vec<FieldIssue> {
    validate_list(
        "/previous_emails",
        emails,
        MAX_PREVIOUS_EMAILS,
        validate_email,
        email_key,
    )
}

/// Packages: at most [`MAX_PACKAGES`], each a valid name, no duplicates by PEP
/// 503 normalisation (the later copy is reported).
/// Pointers are `/packages` and `/packages/{i}`.
pub fn validate_packages(packages: &[String]) -> Vec<FieldIssue> {
    validate_list(
        "/packages",
        packages,
        MAX_PACKAGES,
        validate_package_name,
        normalize_package_name,
    )
}

fn validate_list(
    pointer: &str,
    items: &[String],
    max: usize,
    validate: fn(&str) -> Result<(), ErrorCode>,
    key: fn(&str) -> String,
) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    if items.len() > max {
        issues.push(FieldIssue::new(pointer, ErrorCode::TooManyItems));
    }
    for (i, code) in validate_list_items(items, validate, key) {
        issues.push(FieldIssue::new(format!("{pointer}/{i}"), code));
    }
    issues
}

/// The items of a list that fail `validate`, or whose `key` an earlier
/// valid item has ([`ErrorCode::DuplicateItem`]), by index.
pub fn validate_list_items(
    items: &[String],
    validate: fn(&str) -> Result<(), ErrorCode>,
    key: fn(&str) -> String,
) -> Vec<(usize, ErrorCode)> {
    let mut failed = Vec::new();
    let mut seen = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if let Err(code) = validate(item) {
            failed.push((i, code));
            continue;
        }
        let k = key(item);
        if seen.contains(&k) {
            failed.push((i, ErrorCode::DuplicateItem));
        } else {
            seen.push(k);
        }
    }
    failed
}

// ---------------------------------------------------------------- the request

/// Every rule of a recovery request; returns all issues (empty when valid),
/// in the order of the body's fields. `today` is `YYYY-MM-DD`, used to
/// refuse future dates.
///
/// Optional strings that are blank (`""`) count as absent: `account_email`,
/// `lost_access_on`, `email_proof`.
///
/// The browser's check: the rule functions composed by hand, as
/// [`RecoveryRequestBody`] declares them for `validator`
/// ([`check_request`], the server's check), issue for issue (a property
/// test holds the two equal, `core/tests/declared_rules.rs`). The derive's
/// code in the wasm cost 4.2 to 6.6 KB of brotli on each request bundle
/// (`validator`'s `HashMap`s, its parameters as `serde_json::Value`s); this
/// costs nothing beyond the rules themselves.
pub fn validate_request(
    body: &RecoveryRequestBody,
    today: &str,
    api_token_prefix: &str,
) -> Vec<FieldIssue> {
    fn check(issues: &mut Vec<FieldIssue>, pointer: &str, result: Result<(), ErrorCode>) {
        if let Err(code) = result {
            issues.push(FieldIssue::new(pointer, code));
        }
    }
    fn required<T>(value: Option<T>) -> Result<(), ErrorCode> {
        value.map(|_| ()).ok_or(ErrorCode::Required)
    }
    fn accepted(value: bool) -> Result<(), ErrorCode> {
        if value {
            Ok(())
        } else {
            Err(ErrorCode::MustAccept)
        }
    }
    fn present(o: &Option<String>) -> Option<&str> {
        o.as_deref().filter(|s| !is_blank(s))
    }
    let issues = &mut Vec::new();

    let account_email = present(&body.account_email);
    match (is_blank(&body.username), account_email) {
        (true, None) => check(issues, "/username", Err(ErrorCode::Required)),
        (true, Some(email)) => check(issues, "/account_email", validate_email(email)),
        (false, email) => {
            check(issues, "/username", validate_username(&body.username));
            if let Some(email) = email {
                check(issues, "/account_email", validate_email(email));
            }
        }
    }
    check(
        issues,
        "/contact_email",
        validate_contact_email(&body.contact_email, account_email, &body.previous_emails),
    );
    check(issues, "/reason", required(body.reason));
    check(
        issues,
        "/details",
        validate_details(&body.details, api_token_prefix),
    );
    if let Some(date) = present(&body.lost_access_on) {
        check(
            issues,
            "/lost_access_on",
            validate_lost_access_on(date, today),
        );
    }
    issues.extend(validate_previous_emails(&body.previous_emails));
    issues.extend(validate_packages(&body.packages));
    // Asked only where codes are the problem (see `Reason::concerns_recovery_codes`).
    if body.reason.is_some_and(|r| r.concerns_recovery_codes()) {
        check(
            issues,
            "/recovery_codes_status",
            required(body.recovery_codes_status),
        );
    }
    if let Some(proof) = present(&body.email_proof) {
        check(issues, "/email_proof", validate_email_proof(proof));
    }
    if let Some(proof) = present(&body.repository_proof) {
        check(
            issues,
            "/repository_proof",
            validate_repository_proof(proof),
        );
    }
    check(
        issues,
        "/accepted_code_of_conduct",
        accepted(body.accepted_code_of_conduct),
    );
    check(
        issues,
        "/acknowledged_delay",
        accepted(body.acknowledged_delay),
    );
    std::mem::take(issues)
}
