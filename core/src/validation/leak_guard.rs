//! The leak guard: free text must not carry a recovery code, a TOTP secret or code, or an API token.

use super::*;

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
