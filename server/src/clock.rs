//! Time in one place: unix seconds for storage, RFC 3339 for the wire, words
//! with the zone for mails, and an offset tests can move forward to expire
//! things without sleeping.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

#[derive(Clone, Default)]
pub struct Clock {
    offset: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> i64 {
        OffsetDateTime::now_utc().unix_timestamp() + self.offset.load(Ordering::Relaxed)
    }

    #[cfg(test)]
    pub fn advance(&self, secs: i64) {
        self.offset.fetch_add(secs, Ordering::Relaxed);
    }

    /// `YYYY-MM-DD` of now, for refusing future dates.
    pub fn today(&self) -> String {
        let dt = at(self.now());
        format!(
            "{:04}-{:02}-{:02}",
            dt.year(),
            u8::from(dt.month()),
            dt.day()
        )
    }

    pub fn year(&self) -> i32 {
        at(self.now()).year()
    }
}

fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// RFC 3339 in UTC with whole seconds, e.g. `2026-05-14T09:30:00Z`.
pub fn rfc3339(unix: i64) -> String {
    at(unix).format(&Rfc3339).unwrap_or_default()
}

/// A time as people read it in a mail, always naming its zone (a reader
/// elsewhere must not take it for their own): `4 December 2026 at 04:52 UTC`.
pub fn human_utc(unix: i64) -> String {
    let dt = at(unix);
    format!(
        "{} {} {} at {:02}:{:02} UTC",
        dt.day(),
        dt.month(),
        dt.year(),
        dt.hour(),
        dt.minute()
    )
}

/// The unix time of an RFC 3339 text (the demo fixture's times).
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .map(OffsetDateTime::unix_timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_seconds() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_778_752_800), "2026-05-14T10:00:00Z");
        let c = Clock::default();
        let before = c.now();
        c.advance(301);
        assert!(c.now() >= before + 301);
        assert_eq!(c.today().len(), 10);
    }

    #[test]
    fn mail_times_are_words_with_the_zone() {
        let t = parse_rfc3339("2026-12-04T04:52:55Z").unwrap();
        assert_eq!(human_utc(t), "4 December 2026 at 04:52 UTC");
        assert_eq!(human_utc(0), "1 January 1970 at 00:00 UTC");
        assert_eq!(human_utc(1_778_752_800), "14 May 2026 at 10:00 UTC");
        // Another zone's offset in the text changes nothing: always UTC.
        let t = parse_rfc3339("2026-12-31T23:59:00-02:00").unwrap();
        assert_eq!(human_utc(t), "1 January 2027 at 01:59 UTC");
    }
}
