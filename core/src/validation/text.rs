//! Free text: control characters, length, then the leak guard.

use super::*;

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

/// Free text such as the request's details: [`ErrorCode::Required`] when
/// blank, [`ErrorCode::TooLong`] over `max_chars` characters, then
/// [`check_free_text_content`].
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
    check_free_text_content(input, api_token_prefix)
}

/// What free text may hold: no [`ErrorCode::ControlCharacters`] (newlines
/// and tabs are fine), then the [`leak_guard`].
pub fn check_free_text_content(input: &str, api_token_prefix: &str) -> Result<(), ErrorCode> {
    check_control_characters(input, true)?;
    leak_guard(input, api_token_prefix)
}

/// The request's "what happened" text ([`check_free_text`] with [`MAX_DETAILS_CHARS`]).
pub fn validate_details(input: &str, api_token_prefix: &str) -> Result<(), ErrorCode> {
    check_free_text(input, MAX_DETAILS_CHARS, api_token_prefix)
}
