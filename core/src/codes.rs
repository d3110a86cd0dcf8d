//! Recovery-code, TOTP-code and TOTP-secret formats: normalising, parsing,
//! and telling them apart when one is pasted into the field of another.
//!
//! Facts (PyPI): a recovery code is 16 lowercase hex characters; input is
//! normalised by removing all whitespace and dashes and lowercasing. A TOTP
//! code is 6 digits. A TOTP secret is base32 without padding (`A`–`Z`,
//! `2`–`7`), 32 characters for PyPI's 20 random bytes.
//!
//! Classification rules, in order (see [`classify`]):
//! 1. normalised like a recovery code, exactly 16 characters of `[0-9a-f]` →
//!    [`CodeKind::RecoveryCode`]. This includes 16 digits: that *is* a valid
//!    recovery code (about 1 in 1850 generated codes has no letter), and a
//!    16-character base32 secret made only of `A`–`F` and `2`–`7` is far rarer.
//! 2. without whitespace and dashes, exactly 6 ASCII digits → [`CodeKind::TotpCode`].
//! 3. without whitespace, dashes and trailing `=` padding, 16 to 64 base32
//!    characters (either case) → [`CodeKind::TotpSecret`].
//! 4. without whitespace and dashes, exactly 8 ASCII digits →
//!    [`CodeKind::EmailCode`] (the one-time code of an email).
//! 5. anything else → [`CodeKind::Unknown`].
//!
//! API tokens depend on the registry's prefix, so they are recognised by the
//! `_with` functions, which take it ([`recognise`], [`parse_recovery_code_with`],
//! [`parse_totp_code_with`]).

use crate::limits::{EMAIL_CODE_DIGITS, MIN_API_TOKEN_BODY_CHARS};
use crate::ErrorCode;

/// Characters in a recovery code (PyPI).
pub const RECOVERY_CODE_LEN: usize = 16;
/// Digits in a TOTP code.
pub const TOTP_CODE_DIGITS: usize = 6;
/// Shortest base32 text treated as a TOTP secret (10 bytes).
pub const TOTP_SECRET_MIN_CHARS: usize = 16;
/// Longest base32 text treated as a TOTP secret (40 bytes).
pub const TOTP_SECRET_MAX_CHARS: usize = 64;

/// What a pasted string looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    RecoveryCode,
    TotpCode,
    TotpSecret,
    /// 8 digits: an email one-time code.
    EmailCode,
    /// The registry's API-token prefix and a token body (see [`recognise`]).
    ApiToken,
    Unknown,
}

/// Dashes users paste: ASCII hyphen-minus plus the typographic ones a word
/// processor or a chat app substitutes (U+2010–U+2015, U+2212 minus sign).
pub(crate) fn is_dash(c: char) -> bool {
    matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}')
}

/// Strip all whitespace and dashes, lowercase (ASCII; codes are ASCII).
///
/// Idempotent: `normalize_recovery_code(normalize_recovery_code(x)) ==
/// normalize_recovery_code(x)`.
pub fn normalize_recovery_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && !is_dash(*c))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn is_lower_hex(c: char) -> bool {
    matches!(c, '0'..='9' | 'a'..='f')
}

fn is_recovery_code_shape(normalised: &str) -> bool {
    normalised.len() == RECOVERY_CODE_LEN && normalised.chars().all(is_lower_hex)
}

/// Normalise then check `^[0-9a-f]{16}$`; returns the normalised code.
///
/// Errors: [`ErrorCode::Required`] when nothing but whitespace was entered;
/// [`ErrorCode::LooksLikeTotpCode`] / [`ErrorCode::LooksLikeTotpSecret`]
/// when the input is the other kind of code; otherwise
/// [`ErrorCode::RecoveryCodeFormat`].
pub fn parse_recovery_code(input: &str) -> Result<String, ErrorCode> {
    let normalised = normalize_recovery_code(input);
    if normalised.is_empty() {
        return Err(ErrorCode::Required);
    }
    if is_recovery_code_shape(&normalised) {
        return Ok(normalised);
    }
    Err(match classify(input) {
        CodeKind::TotpCode => ErrorCode::LooksLikeTotpCode,
        CodeKind::TotpSecret => ErrorCode::LooksLikeTotpSecret,
        CodeKind::EmailCode => ErrorCode::LooksLikeEmailCode,
        CodeKind::ApiToken => ErrorCode::LooksLikeApiToken,
        CodeKind::RecoveryCode | CodeKind::Unknown => ErrorCode::RecoveryCodeFormat,
    })
}

/// Strip whitespace, check 6 ASCII digits; returns the digits.
///
/// Errors: [`ErrorCode::Required`] when nothing but whitespace was entered;
/// [`ErrorCode::LooksLikeRecoveryCode`] / [`ErrorCode::LooksLikeTotpSecret`]
/// when the input is the other kind of code; otherwise
/// [`ErrorCode::TotpCodeFormat`].
pub fn parse_totp_code(input: &str) -> Result<String, ErrorCode> {
    let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(ErrorCode::Required);
    }
    if compact.len() == TOTP_CODE_DIGITS && compact.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(compact);
    }
    Err(match classify(input) {
        CodeKind::RecoveryCode => ErrorCode::LooksLikeRecoveryCode,
        CodeKind::TotpSecret => ErrorCode::LooksLikeTotpSecret,
        CodeKind::EmailCode => ErrorCode::LooksLikeEmailCode,
        CodeKind::ApiToken => ErrorCode::LooksLikeApiToken,
        CodeKind::TotpCode | CodeKind::Unknown => ErrorCode::TotpCodeFormat,
    })
}

/// Tell a recovery code, a TOTP code and a TOTP secret apart (rules in the
/// module documentation).
pub fn classify(input: &str) -> CodeKind {
    let normalised = normalize_recovery_code(input);
    if is_recovery_code_shape(&normalised) {
        return CodeKind::RecoveryCode;
    }
    if normalised.len() == TOTP_CODE_DIGITS && normalised.bytes().all(|b| b.is_ascii_digit()) {
        return CodeKind::TotpCode;
    }
    let secret = normalised.trim_end_matches('=');
    if (TOTP_SECRET_MIN_CHARS..=TOTP_SECRET_MAX_CHARS).contains(&secret.len())
        && secret
            .bytes()
            .all(|b| is_base32_upper(b.to_ascii_uppercase()))
    {
        return CodeKind::TotpSecret;
    }
    if normalised.len() == EMAIL_CODE_DIGITS && normalised.bytes().all(|b| b.is_ascii_digit()) {
        return CodeKind::EmailCode;
    }
    CodeKind::Unknown
}

/// [`classify`], but first an API token of the registry (`api_token_prefix`,
/// e.g. `pypi-`; empty: none is recognised).
pub fn recognise(input: &str, api_token_prefix: &str) -> CodeKind {
    if is_api_token(input.trim(), api_token_prefix) {
        CodeKind::ApiToken
    } else {
        classify(input)
    }
}

/// [`parse_recovery_code`] that also names an API token for what it is.
pub fn parse_recovery_code_with(input: &str, api_token_prefix: &str) -> Result<String, ErrorCode> {
    if is_api_token(input.trim(), api_token_prefix) {
        return Err(ErrorCode::LooksLikeApiToken);
    }
    parse_recovery_code(input)
}

/// [`parse_totp_code`] that also names an API token for what it is.
pub fn parse_totp_code_with(input: &str, api_token_prefix: &str) -> Result<String, ErrorCode> {
    if is_api_token(input.trim(), api_token_prefix) {
        return Err(ErrorCode::LooksLikeApiToken);
    }
    parse_totp_code(input)
}

/// Strip whitespace, check [`EMAIL_CODE_DIGITS`] ASCII digits; returns the digits.
///
/// Errors: [`ErrorCode::Required`]; [`ErrorCode::LooksLikeTotpCode`] /
/// [`ErrorCode::LooksLikeRecoveryCode`] for the other kinds; otherwise
/// [`ErrorCode::EmailCodeFormat`].
pub fn parse_email_code(input: &str) -> Result<String, ErrorCode> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && !is_dash(*c))
        .collect();
    if compact.is_empty() {
        return Err(ErrorCode::Required);
    }
    if compact.len() == EMAIL_CODE_DIGITS && compact.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(compact);
    }
    Err(match classify(input) {
        CodeKind::TotpCode => ErrorCode::LooksLikeTotpCode,
        CodeKind::RecoveryCode => ErrorCode::LooksLikeRecoveryCode,
        _ => ErrorCode::EmailCodeFormat,
    })
}

fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// The whole input is an API token: the prefix, then at least
/// [`MIN_API_TOKEN_BODY_CHARS`] base64url characters (tokens are pasted cut short).
fn is_api_token(input: &str, prefix: &str) -> bool {
    !prefix.is_empty()
        && input.len() >= prefix.len() + MIN_API_TOKEN_BODY_CHARS
        && input.is_char_boundary(prefix.len())
        && input[..prefix.len()].eq_ignore_ascii_case(prefix)
        && input.bytes().skip(prefix.len()).all(is_token_char)
}

/// Whether free text holds an API token anywhere (for the leak guard): the
/// prefix at the start of a word, followed by a token body.
pub fn find_api_token(text: &str, prefix: &str) -> bool {
    if prefix.is_empty() {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    let prefix = prefix.to_ascii_lowercase();
    lower.match_indices(&prefix).any(|(at, _)| {
        let starts_word = text[..at]
            .bytes()
            .next_back()
            .is_none_or(|b| !is_token_char(b));
        let body = text.as_bytes()[at + prefix.len()..]
            .iter()
            .take_while(|b| is_token_char(**b))
            .count();
        starts_word && body >= MIN_API_TOKEN_BODY_CHARS
    })
}

/// `A`–`Z` or `2`–`7`: the RFC 4648 base32 alphabet.
pub(crate) fn is_base32_upper(b: u8) -> bool {
    matches!(b, b'A'..=b'Z' | b'2'..=b'7')
}

/// Groups of 4 separated by spaces, e.g. `"0123 4567 89ab cdef"`, for showing
/// a code. The input is normalised first, so display of a display form is stable.
pub fn format_recovery_code_for_display(code: &str) -> String {
    group_by_four(&normalize_recovery_code(code))
}

/// Strip whitespace and dashes, uppercase, drop trailing `=` padding: the
/// canonical form of a base32 TOTP secret.
pub fn normalize_totp_secret(input: &str) -> String {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && !is_dash(*c))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    compact.trim_end_matches('=').to_string()
}

/// Normalise then check base32 `[A-Z2-7]` of 16 to 64 characters; returns the
/// canonical secret. Errors: [`ErrorCode::Required`], [`ErrorCode::TotpSecretFormat`].
pub fn parse_totp_secret(input: &str) -> Result<String, ErrorCode> {
    let secret = normalize_totp_secret(input);
    if secret.is_empty() {
        return Err(ErrorCode::Required);
    }
    if (TOTP_SECRET_MIN_CHARS..=TOTP_SECRET_MAX_CHARS).contains(&secret.len())
        && secret.bytes().all(is_base32_upper)
    {
        Ok(secret)
    } else {
        Err(ErrorCode::TotpSecretFormat)
    }
}

/// Groups of 4 separated by spaces, e.g. `"JBSW Y3DP EHPK 3PXP"`, for showing a
/// secret as text beside its QR code (easier to type into an app by hand).
pub fn format_totp_secret_for_display(secret: &str) -> String {
    group_by_four(&normalize_totp_secret(secret))
}

fn group_by_four(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() + compact.len() / 4);
    for (i, c) in compact.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "0123456789abcdef";
    const SECRET: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

    #[test]
    fn normalises_whitespace_dashes_and_case() {
        assert_eq!(normalize_recovery_code(" 0123-4567 89AB\tCDEF\n"), CODE);
        assert_eq!(
            normalize_recovery_code("0123\u{2013}4567\u{a0}89ab cdef"),
            CODE
        );
        assert_eq!(normalize_recovery_code(""), "");
    }

    #[test]
    fn parses_valid_codes() {
        assert_eq!(parse_recovery_code(CODE).unwrap(), CODE);
        assert_eq!(parse_recovery_code("0123 4567 89ab cdef").unwrap(), CODE);
        assert_eq!(parse_recovery_code("0123-4567-89AB-CDEF").unwrap(), CODE);
        assert_eq!(
            parse_recovery_code("1234567890123456").unwrap(),
            "1234567890123456"
        );
    }

    #[test]
    fn refuses_bad_recovery_codes() {
        assert_eq!(parse_recovery_code("   "), Err(ErrorCode::Required));
        assert_eq!(parse_recovery_code(""), Err(ErrorCode::Required));
        // 15 and 17 characters
        assert_eq!(
            parse_recovery_code("0123456789abcde"),
            Err(ErrorCode::RecoveryCodeFormat)
        );
        assert_eq!(
            parse_recovery_code("0123456789abcdef0"),
            Err(ErrorCode::RecoveryCodeFormat)
        );
        // not hex
        assert_eq!(
            parse_recovery_code("0123456789abcdeg"),
            Err(ErrorCode::RecoveryCodeFormat)
        );
        // underscores and dots are not stripped
        assert_eq!(
            parse_recovery_code("0123_4567_89ab_cdef"),
            Err(ErrorCode::RecoveryCodeFormat)
        );
        // non-ASCII digits are not digits here
        assert_eq!(
            parse_recovery_code("０１２３456789abcdef"),
            Err(ErrorCode::RecoveryCodeFormat)
        );
    }

    #[test]
    fn recovery_field_recognises_other_kinds() {
        assert_eq!(
            parse_recovery_code("123456"),
            Err(ErrorCode::LooksLikeTotpCode)
        );
        assert_eq!(
            parse_recovery_code("123 456"),
            Err(ErrorCode::LooksLikeTotpCode)
        );
        assert_eq!(
            parse_recovery_code(SECRET),
            Err(ErrorCode::LooksLikeTotpSecret)
        );
        assert_eq!(
            parse_recovery_code("jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp"),
            Err(ErrorCode::LooksLikeTotpSecret)
        );
    }

    #[test]
    fn parses_totp_codes() {
        assert_eq!(parse_totp_code("123456").unwrap(), "123456");
        assert_eq!(parse_totp_code(" 123 456 ").unwrap(), "123456");
        assert_eq!(parse_totp_code("000000").unwrap(), "000000");
    }

    #[test]
    fn refuses_bad_totp_codes() {
        assert_eq!(parse_totp_code(""), Err(ErrorCode::Required));
        assert_eq!(parse_totp_code("12345"), Err(ErrorCode::TotpCodeFormat));
        assert_eq!(parse_totp_code("1234567"), Err(ErrorCode::TotpCodeFormat));
        assert_eq!(parse_totp_code("12345a"), Err(ErrorCode::TotpCodeFormat));
        assert_eq!(
            parse_totp_code("１２３４５６"),
            Err(ErrorCode::TotpCodeFormat)
        );
        // A dash is not accepted in the TOTP field itself…
        assert_eq!(parse_totp_code("123-456"), Err(ErrorCode::TotpCodeFormat));
    }

    #[test]
    fn totp_field_recognises_other_kinds() {
        assert_eq!(parse_totp_code(CODE), Err(ErrorCode::LooksLikeRecoveryCode));
        assert_eq!(
            parse_totp_code("0123-4567-89ab-cdef"),
            Err(ErrorCode::LooksLikeRecoveryCode)
        );
        assert_eq!(parse_totp_code(SECRET), Err(ErrorCode::LooksLikeTotpSecret));
    }

    #[test]
    fn classifies() {
        assert_eq!(classify(CODE), CodeKind::RecoveryCode);
        assert_eq!(classify("0123 4567 89AB CDEF"), CodeKind::RecoveryCode);
        assert_eq!(classify("1234567890123456"), CodeKind::RecoveryCode);
        assert_eq!(classify("123456"), CodeKind::TotpCode);
        assert_eq!(classify(" 123-456 "), CodeKind::TotpCode);
        assert_eq!(classify(SECRET), CodeKind::TotpSecret);
        assert_eq!(classify("JBSWY3DPEHPK3PXP"), CodeKind::TotpSecret);
        assert_eq!(classify("JBSWY3DPEHPK3PXP===="), CodeKind::TotpSecret);
        assert_eq!(classify("jbsw y3dp ehpk 3pxp"), CodeKind::TotpSecret);
        // 16 characters that are both hex and base32: recovery code wins.
        assert_eq!(classify("ABCDEF2345ABCDEF"), CodeKind::RecoveryCode);
        assert_eq!(classify(""), CodeKind::Unknown);
        assert_eq!(classify("hunter2"), CodeKind::Unknown);
        assert_eq!(classify("12345"), CodeKind::Unknown);
        // base32 has no 0, 1, 8 or 9
        assert_eq!(classify("JBSWY3DPEHPK3PX0"), CodeKind::Unknown);
        // too long for a secret
        assert_eq!(classify(&"A".repeat(65)), CodeKind::Unknown);
        assert_eq!(classify("1234 5678"), CodeKind::EmailCode);
        assert_eq!(classify("123456789"), CodeKind::Unknown);
    }

    #[test]
    fn display_formats() {
        assert_eq!(
            format_recovery_code_for_display(CODE),
            "0123 4567 89ab cdef"
        );
        assert_eq!(
            format_recovery_code_for_display("0123 4567 89ab cdef"),
            "0123 4567 89ab cdef"
        );
        assert_eq!(
            format_totp_secret_for_display(SECRET),
            "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP"
        );
        assert_eq!(format_totp_secret_for_display("abcde"), "ABCD E");
        assert_eq!(format_recovery_code_for_display(""), "");
    }

    #[test]
    fn parses_totp_secrets() {
        assert_eq!(
            parse_totp_secret("jbsw y3dp ehpk 3pxp").unwrap(),
            "JBSWY3DPEHPK3PXP"
        );
        assert_eq!(parse_totp_secret(SECRET).unwrap(), SECRET);
        assert_eq!(parse_totp_secret(" "), Err(ErrorCode::Required));
        assert_eq!(
            parse_totp_secret("JBSWY3DPEHPK3PX"),
            Err(ErrorCode::TotpSecretFormat)
        );
        assert_eq!(
            parse_totp_secret("JBSWY3DPEHPK3PX1"),
            Err(ErrorCode::TotpSecretFormat)
        );
    }

    const TOKEN: &str = "pypi-AgEIcHlwaS5vcmcCJGQ4ZDA5ZmQ5LWQ1YjItNDFk";

    #[test]
    fn recognises_api_tokens_by_prefix() {
        assert_eq!(recognise(TOKEN, "pypi-"), CodeKind::ApiToken);
        assert_eq!(
            recognise(&format!(" {TOKEN}\n"), "pypi-"),
            CodeKind::ApiToken
        );
        // cut short, but still longer than a prefix and a word
        assert_eq!(
            recognise("pypi-AgEIcHlwaS5vcmcC", "pypi-"),
            CodeKind::ApiToken
        );
        assert_eq!(recognise("pypi-short", "pypi-"), CodeKind::Unknown);
        assert_eq!(
            recognise(TOKEN, ""),
            CodeKind::Unknown,
            "no prefix, no tokens"
        );
        assert_eq!(recognise(TOKEN, "ghp_"), CodeKind::Unknown);
        assert_eq!(recognise(CODE, "pypi-"), CodeKind::RecoveryCode);
        assert_eq!(
            parse_recovery_code_with(TOKEN, "pypi-"),
            Err(ErrorCode::LooksLikeApiToken)
        );
        assert_eq!(
            parse_totp_code_with(TOKEN, "pypi-"),
            Err(ErrorCode::LooksLikeApiToken)
        );
        assert_eq!(parse_totp_code_with("123456", "pypi-").unwrap(), "123456");
    }

    #[test]
    fn finds_api_tokens_in_text() {
        assert!(find_api_token(
            &format!("my token is {TOKEN}, help"),
            "pypi-"
        ));
        assert!(find_api_token(&format!("({TOKEN})"), "pypi-"));
        assert!(find_api_token(&TOKEN.to_uppercase(), "pypi-"));
        assert!(!find_api_token(
            "I use pypi-server and pypi-simple",
            "pypi-"
        ));
        assert!(
            !find_api_token(&format!("x{TOKEN}"), "pypi-"),
            "inside a word"
        );
        assert!(!find_api_token(TOKEN, ""));
    }

    #[test]
    fn email_codes() {
        assert_eq!(parse_email_code(" 1234 5678 ").unwrap(), "12345678");
        assert_eq!(parse_email_code("1234-5678").unwrap(), "12345678");
        assert_eq!(parse_email_code(""), Err(ErrorCode::Required));
        assert_eq!(
            parse_email_code("123456"),
            Err(ErrorCode::LooksLikeTotpCode)
        );
        assert_eq!(
            parse_email_code(CODE),
            Err(ErrorCode::LooksLikeRecoveryCode)
        );
        assert_eq!(parse_email_code("1234567"), Err(ErrorCode::EmailCodeFormat));
        assert_eq!(
            parse_recovery_code("12345678"),
            Err(ErrorCode::LooksLikeEmailCode)
        );
        assert_eq!(
            parse_totp_code("1234 5678"),
            Err(ErrorCode::LooksLikeEmailCode)
        );
    }
}
