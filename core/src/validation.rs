//! Field rules of the recovery request, shared by the browser (per field, on
//! blur and on submit) and the server (again, on every request).
//!
//! Every single-field function can be used on its own. [`validate_request`]
//! composes them and reports *all* issues with JSON pointers into the body.
//!
//! Blank input (empty or only whitespace) is [`ErrorCode::Required`]; the
//! format rules then look at the input exactly as given, so the client should
//! trim what it submits (a trailing space in a username is a format error).

use crate::{
    api::{FieldError, RecoveryRequestBody},
    codes::is_dash,
    ErrorCode,
};

// The bounds live in `crate::limits` (the bottom layer of core); they are
// re-exported here, where the rules that use them stand.
pub use crate::limits::*;

/// One failed rule: JSON pointer into the body and the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    pub pointer: String,
    pub code: ErrorCode,
}

impl FieldIssue {
    pub fn new(pointer: impl Into<String>, code: ErrorCode) -> FieldIssue {
        FieldIssue {
            pointer: pointer.into(),
            code,
        }
    }

    /// The words for people, specialised to the field where that reads better
    /// (see [`crate::messages::field_message`]).
    pub fn message(&self) -> &'static str {
        crate::messages::field_message(&self.pointer, self.code)
    }

    /// The entry of a problem document's `errors` list.
    pub fn to_field_error(&self) -> FieldError {
        FieldError {
            pointer: self.pointer.clone(),
            code: self.code.as_str().to_string(),
            message: self.message().to_string(),
        }
    }
}

fn is_blank(input: &str) -> bool {
    input.trim().is_empty()
}

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
            out.extend(c.to_lowercase());
            in_run = false;
        }
    }
    out
}

// ---------------------------------------------------------------- email

/// The WHATWG "valid e-mail address" rule, written by hand:
/// `^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$`
/// plus at most [`MAX_EMAIL_CHARS`] characters and a local part of at most
/// [`MAX_EMAIL_LOCAL_CHARS`]. Because only those ASCII characters are
/// allowed, CR, LF and every other control character are refused.
pub fn validate_email(input: &str) -> Result<(), ErrorCode> {
    if is_blank(input) {
        return Err(ErrorCode::Required);
    }
    if input.chars().count() > MAX_EMAIL_CHARS {
        return Err(ErrorCode::TooLong);
    }
    if is_whatwg_email(input) {
        Ok(())
    } else {
        Err(ErrorCode::EmailFormat)
    }
}

fn is_whatwg_email(input: &str) -> bool {
    let Some((local, domain)) = input.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= MAX_EMAIL_LOCAL_CHARS
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+/=?^_`{|}~.-".contains(&b));
    local_ok && domain.split('.').all(is_domain_label)
}

/// `[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?`
fn is_domain_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    bytes.len() <= 63
        && first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

/// Case-insensitive comparison key of an email address (trimmed, lowercased).
pub fn email_key(input: &str) -> String {
    input.trim().to_lowercase()
}

/// The contact email: a valid address that is neither the account's email
/// (given when the username is unknown) nor one of the addresses listed as lost.
pub fn validate_contact_email(
    contact: &str,
    account_email: Option<&str>,
    previous_emails: &[String],
) -> Result<(), ErrorCode> {
    validate_email(contact)?;
    let key = email_key(contact);
    let is_lost = account_email.is_some_and(|a| email_key(a) == key)
        || previous_emails.iter().any(|p| email_key(p) == key);
    if is_lost {
        Err(ErrorCode::ContactEmailIsLost)
    } else {
        Ok(())
    }
}

// ---------------------------------------------------------------- dates

/// A calendar date written `YYYY-MM-DD` (year 0001–9999, real month and day,
/// leap years honoured).
pub fn validate_date(input: &str) -> Result<(), ErrorCode> {
    if is_blank(input) {
        return Err(ErrorCode::Required);
    }
    parse_date(input).map(|_| ()).ok_or(ErrorCode::DateFormat)
}

/// `(year, month, day)` of a valid `YYYY-MM-DD` date.
pub fn parse_date(input: &str) -> Option<(u16, u8, u8)> {
    let b = input.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u16> {
        b[range].iter().try_fold(0u16, |acc, d| {
            d.is_ascii_digit().then(|| acc * 10 + u16::from(d - b'0'))
        })
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if year == 0 || day == 0 || day > days_in_month {
        return None;
    }
    Some((year, month as u8, day as u8))
}

/// When access was lost: a valid date, not after `today` (`YYYY-MM-DD`; if
/// `today` itself is not a valid date, only the format is checked).
pub fn validate_lost_access_on(input: &str, today: &str) -> Result<(), ErrorCode> {
    validate_date(input)?;
    match (parse_date(input), parse_date(today)) {
        (Some(date), Some(today)) if date > today => Err(ErrorCode::DateInFuture),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------- free text

/// Bidirectional embedding/override/isolate controls, used to make text read
/// differently from what it holds ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Refuse control characters. With `multiline`, `\n`, `\t` and a `\r` directly
/// before `\n` (a CRLF line end) are allowed; bidi controls never are.
pub fn check_control_characters(input: &str, multiline: bool) -> Result<(), ErrorCode> {
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        let allowed =
            multiline && (c == '\n' || c == '\t' || (c == '\r' && chars.peek() == Some(&'\n')));
        if (c.is_control() && !allowed) || is_bidi_control(c) {
            return Err(ErrorCode::ControlCharacters);
        }
    }
    Ok(())
}

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

/// Free text such as the request's details: [`ErrorCode::Required`] when
/// blank, [`ErrorCode::TooLong`] over `max_chars` characters,
/// [`ErrorCode::ControlCharacters`] (newlines and tabs are fine), then the
/// [`leak_guard`].
pub fn check_free_text(
    input: &str,
    max_chars: usize,
    api_token_prefix: &str,
) -> Result<(), ErrorCode> {
    if is_blank(input) {
        return Err(ErrorCode::Required);
    }
    if input.chars().count() > max_chars {
        return Err(ErrorCode::TooLong);
    }
    check_control_characters(input, true)?;
    leak_guard(input, api_token_prefix)
}

/// The request's "what happened" text ([`check_free_text`] with [`MAX_DETAILS_CHARS`]).
pub fn validate_details(input: &str, api_token_prefix: &str) -> Result<(), ErrorCode> {
    check_free_text(input, MAX_DETAILS_CHARS, api_token_prefix)
}

/// The leak guard: refuse text holding something shaped like a secret.
///
/// * [`ErrorCode::ContainsRecoveryCode`]: a standalone word of 16 hex
///   characters, or hex groups joined by short runs of spaces or dashes that
///   form whole codes (`abcd-ef01-2345-6789`, `abcd ef01 2345 6789`,
///   `abcdef01 23456789`, or several codes on a line). The 16 characters must
///   hold at least one letter a–f, so long numbers (and lists of years) pass;
///   the cost is that the 1 in 1850 codes made only of digits is not caught.
///   A run of exactly 5 or 10 uppercase groups of four passes (the layouts
///   of an OpenPGP fingerprint, which a maintainer may quote as proof;
///   recovery codes are shown lowercase); so do UUIDs
///   (8-4-4-4-12), git hashes (40 hex) and hex words not exactly 16 long.
/// * [`ErrorCode::ContainsTotpSecret`]: `otpauth://` anywhere; a word of 16
///   or more base32 characters all uppercase with at least one digit 2–7
///   (all lowercase: at least two digits); or such characters in groups of
///   four (the last group may be shorter) adding up to 16 or more. Ordinary
///   capitals like `PYPI`, `PSF`, `2FA` pass: no run is long enough.
/// * [`ErrorCode::ContainsTotpCode`]: a standalone 6-digit number, or two
///   3-digit groups split by one space (`123 456`). Numbers that are part of
///   something else pass: after `#` or a currency sign, inside dotted,
///   dashed, slashed or comma-separated numbers (versions, dates, `250,000`),
///   anywhere inside a URL, and round numbers ending in `000` (`250000`,
///   `150 000`: counts of downloads, not codes; 1 in 1000 codes is missed).
/// * [`ErrorCode::ContainsApiToken`]: the registry's API-token prefix (from
///   the configuration, `pypi-` for PyPI) followed by at least
///   [`MIN_API_TOKEN_BODY_CHARS`] base64url characters, also cut short.
pub fn leak_guard(input: &str, api_token_prefix: &str) -> Result<(), ErrorCode> {
    if crate::codes::find_api_token(input, api_token_prefix) {
        return Err(ErrorCode::ContainsApiToken);
    }
    let words = words(input);
    if contains_recovery_code(input, &words) {
        return Err(ErrorCode::ContainsRecoveryCode);
    }
    if contains_totp_secret(input, &words) {
        return Err(ErrorCode::ContainsTotpSecret);
    }
    if contains_totp_code(input, &words) {
        return Err(ErrorCode::ContainsTotpCode);
    }
    Ok(())
}

/// A maximal run of alphanumeric characters, by byte range.
#[derive(Debug, Clone, Copy)]
struct Word {
    start: usize,
    end: usize,
}

fn words(input: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in input.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Word { start: s, end: i });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Word {
            start: s,
            end: input.len(),
        });
    }
    out
}

/// Between groups of one code: 1 to 3 spaces, tabs, no-break spaces or dashes.
fn is_group_separator(sep: &str) -> bool {
    let n = sep.chars().count();
    (1..=3).contains(&n)
        && sep
            .chars()
            .all(|c| matches!(c, ' ' | '\t' | '\u{a0}') || is_dash(c))
}

/// Runs of consecutive words satisfying `fits`, joined by group separators.
/// Calls `check` with each maximal run (as word slices).
fn runs(
    input: &str,
    words: &[Word],
    fits: impl Fn(&str) -> bool,
    mut check: impl FnMut(&[Word]) -> bool,
) -> bool {
    let mut i = 0;
    while i < words.len() {
        if !fits(&input[words[i].start..words[i].end]) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < words.len()
            && is_group_separator(&input[words[j - 1].end..words[j].start])
            && fits(&input[words[j].start..words[j].end])
        {
            j += 1;
        }
        if check(&words[i..j]) {
            return true;
        }
        i = j;
    }
    false
}

fn contains_recovery_code(input: &str, words: &[Word]) -> bool {
    let text = |w: &Word| &input[w.start..w.end];
    let is_hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    let has_hex_letter = |ws: &[Word]| {
        ws.iter()
            .any(|w| text(w).bytes().any(|b| b.is_ascii_alphabetic()))
    };
    // A standalone 16-hex word.
    if words
        .iter()
        .any(|w| text(w).len() == 16 && is_hex(text(w)) && has_hex_letter(std::slice::from_ref(w)))
    {
        return true;
    }
    // Whole codes written in groups of 4 or of 8.
    [4usize, 8].into_iter().any(|size| {
        let per_code = 16 / size;
        runs(
            input,
            words,
            |s| s.len() == size && is_hex(s),
            |run| {
                let uppercase = run
                    .iter()
                    .all(|w| !text(w).bytes().any(|b| b.is_ascii_lowercase()));
                let fingerprint_layout = size == 4 && uppercase && matches!(run.len(), 5 | 10);
                !fingerprint_layout && run.windows(per_code).any(&has_hex_letter)
            },
        )
    })
}

fn contains_totp_secret(input: &str, words: &[Word]) -> bool {
    if input.to_ascii_lowercase().contains("otpauth://") {
        return true;
    }
    let digits = |w: &Word| {
        input[w.start..w.end]
            .bytes()
            .filter(|b| matches!(b, b'2'..=b'7'))
            .count()
    };
    fn is_upper(s: &str) -> bool {
        s.bytes().all(|b| matches!(b, b'A'..=b'Z' | b'2'..=b'7'))
    }
    fn is_lower(s: &str) -> bool {
        s.bytes().all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7'))
    }
    /// Which characters a secret is written in, and how many digits 2–7 it needs.
    type Case = (fn(&str) -> bool, usize);
    const CASES: [Case; 2] = [(is_upper, 1), (is_lower, 2)];
    for (in_case, min_digits) in CASES {
        // One long word.
        if words.iter().any(|w| {
            w.end - w.start >= 16 && in_case(&input[w.start..w.end]) && digits(w) >= min_digits
        }) {
            return true;
        }
        // At least four groups of four, then possibly one shorter group.
        let found = runs(
            input,
            words,
            |s| (1..=4).contains(&s.len()) && in_case(s),
            |run| {
                let mut k = 0;
                while k < run.len() {
                    let full = run[k..].iter().take_while(|w| w.end - w.start == 4).count();
                    let group = &run[k..(k + full + 1).min(run.len())];
                    if full >= 4 && group.iter().map(digits).sum::<usize>() >= min_digits {
                        return true;
                    }
                    k += full.max(1);
                }
                false
            },
        );
        if found {
            return true;
        }
    }
    false
}

fn contains_totp_code(input: &str, words: &[Word]) -> bool {
    let is_digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let before = |pos: usize| input[..pos].chars().next_back();
    let after = |pos: usize| input[pos..].chars().next();
    // Part of a bigger number-like token: `1.123456`, `2026-123456`, `123456/7`, `250,000`.
    let joins = |c: Option<char>| matches!(c, Some('.' | ',' | '/' | ':' | '-' | '_'));
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    let in_number = |start: usize, end: usize| {
        let prev = before(start);
        let next = after(end);
        matches!(prev, Some('#' | '$' | '€' | '£' | '¥' | '/'))
            || (joins(prev) && digit(before(start - prev.map_or(0, char::len_utf8))))
            || (joins(next) && digit(after(end + next.map_or(0, char::len_utf8))))
    };
    let in_url = |pos: usize| {
        let chunk_start = input[..pos]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map_or(0, |(i, c)| i + c.len_utf8());
        let chunk_end = input[pos..]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map_or(input.len(), |(i, _)| pos + i);
        let chunk = input[chunk_start..chunk_end].to_ascii_lowercase();
        chunk.contains("://") || chunk.starts_with("www.")
    };
    let text = |w: &Word| &input[w.start..w.end];
    // Round numbers (`250000`, `150 000`) are counts, not codes.
    let round = |w: &Word| text(w).ends_with("000");
    for (i, w) in words.iter().enumerate() {
        if is_digits(text(w), 6) && !round(w) && !in_number(w.start, w.end) && !in_url(w.start) {
            return true;
        }
        // `123 456`, not part of a longer run of digit groups.
        if let Some(next) = words.get(i + 1) {
            let joined_by_space = |a: &Word, b: &Word| &input[a.end..b.start] == " ";
            let digit_word = |w: &Word| text(w).bytes().all(|b| b.is_ascii_digit());
            let isolated_before =
                i == 0 || !(joined_by_space(&words[i - 1], w) && digit_word(&words[i - 1]));
            let isolated_after = words
                .get(i + 2)
                .is_none_or(|n| !(joined_by_space(next, n) && digit_word(n)));
            if is_digits(text(w), 3)
                && is_digits(text(next), 3)
                && joined_by_space(w, next)
                && !round(next)
                && isolated_before
                && isolated_after
                && !in_number(w.start, next.end)
                && !in_url(w.start)
            {
                return true;
            }
        }
    }
    false
}

// ---------------------------------------------------------------- email proof

/// An email proof token from the wizard: optional; when present at most
/// [`MAX_EMAIL_PROOF_CHARS`] characters and no control characters.
pub fn validate_email_proof(input: &str) -> Result<(), ErrorCode> {
    if input.chars().count() > MAX_EMAIL_PROOF_CHARS {
        return Err(ErrorCode::TooLong);
    }
    check_control_characters(input, false)
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
    let mut seen = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_pointer = format!("{pointer}/{i}");
        if let Err(code) = validate(item) {
            issues.push(FieldIssue::new(item_pointer, code));
            continue;
        }
        let k = key(item);
        if seen.contains(&k) {
            issues.push(FieldIssue::new(item_pointer, ErrorCode::DuplicateItem));
        } else {
            seen.push(k);
        }
    }
    issues
}

// ---------------------------------------------------------------- the request

/// Every rule of a recovery request; returns all issues (empty when valid).
/// `today` is `YYYY-MM-DD`, used to refuse future dates.
///
/// Optional strings that are blank (`""`) count as absent: `account_email`,
/// `lost_access_on`, `email_proof`.
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

#[cfg(test)]
mod tests {
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
            "-jbber", "jbber-", ".a", "a_", "jb ber", " jbber", "jbber ", "jb@ber", "jbbér",
            "jb\nber", "_", "jb/ber",
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
}
