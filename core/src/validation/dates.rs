//! Dates written `YYYY-MM-DD`, and when access was lost.

use super::*;

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
