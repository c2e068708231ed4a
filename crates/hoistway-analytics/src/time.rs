//! RFC 3339 timestamps to and from epoch milliseconds, and calendar buckets.
//!
//! Hand-written rather than chrono: every event carries a timestamp, and a
//! byte-level parser straight to `i64` millis is several times faster than
//! building a `DateTime<FixedOffset>` first. Tests cross-check it against
//! chrono.

/// Milliseconds in one hour.
pub const HOUR_MS: i64 = 3_600_000;
/// Milliseconds in one day.
pub const DAY_MS: i64 = 24 * HOUR_MS;
/// Milliseconds in one week.
pub const WEEK_MS: i64 = 7 * DAY_MS;

/// Why a timestamp was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("not an RFC 3339 timestamp (expected YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM))")]
    Syntax,
    #[error("date or time out of range")]
    Range,
}

fn digits(b: &[u8], at: usize, n: usize) -> Result<u32, TimeError> {
    let s = b.get(at..at + n).ok_or(TimeError::Syntax)?;
    let mut v = 0u32;
    for &c in s {
        if !c.is_ascii_digit() {
            return Err(TimeError::Syntax);
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Ok(v)
}

fn expect(b: &[u8], at: usize, c: u8) -> Result<(), TimeError> {
    if b.get(at) == Some(&c) {
        Ok(())
    } else {
        Err(TimeError::Syntax)
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (inverse of [`days_from_civil`]).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Parses an RFC 3339 timestamp to milliseconds since the epoch (UTC).
///
/// Accepts `T`/`t`/space as separator, any number of fraction digits
/// (truncated to milliseconds), `Z`/`z` or a `±HH:MM` offset. A leap second
/// (`:60`) is read as the last millisecond of the minute.
pub fn parse_rfc3339(s: &str) -> Result<i64, TimeError> {
    let b = s.as_bytes();
    let year = digits(b, 0, 4)?;
    expect(b, 4, b'-')?;
    let month = digits(b, 5, 2)?;
    expect(b, 7, b'-')?;
    let day = digits(b, 8, 2)?;
    match b.get(10) {
        Some(b'T' | b't' | b' ') => {}
        _ => return Err(TimeError::Syntax),
    }
    let hour = digits(b, 11, 2)?;
    expect(b, 13, b':')?;
    let minute = digits(b, 14, 2)?;
    expect(b, 16, b':')?;
    let mut second = digits(b, 17, 2)?;
    let mut at = 19;
    let mut millis = 0u32;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while let Some(c) = b.get(at).filter(|c| c.is_ascii_digit()) {
            if at - start < 3 {
                millis = millis * 10 + u32::from(c - b'0');
            }
            at += 1;
        }
        let n = at - start;
        if n == 0 {
            return Err(TimeError::Syntax);
        }
        for _ in n..3 {
            millis *= 10;
        }
    }
    let offset_min: i64 = match b.get(at) {
        Some(b'Z' | b'z') => {
            at += 1;
            0
        }
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(b, at + 1, 2)?;
            expect(b, at + 3, b':')?;
            let om = digits(b, at + 4, 2)?;
            if oh > 23 || om > 59 {
                return Err(TimeError::Range);
            }
            at += 6;
            let off = i64::from(oh * 60 + om);
            if sign == b'-' {
                -off
            } else {
                off
            }
        }
        _ => return Err(TimeError::Syntax),
    };
    if at != b.len() {
        return Err(TimeError::Syntax);
    }
    let y = i64::from(year);
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(y, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(TimeError::Range);
    }
    if second == 60 {
        second = 59;
        millis = 999;
    }
    let days = days_from_civil(y, month, day);
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_min * 60;
    Ok(secs * 1000 + i64::from(millis))
}

/// Formats epoch milliseconds as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn format_rfc3339_ms(ts_ms: i64) -> String {
    let days = ts_ms.div_euclid(DAY_MS);
    let in_day = ts_ms.rem_euclid(DAY_MS);
    let (y, m, d) = civil_from_days(days);
    let (h, rest) = (in_day / HOUR_MS, in_day % HOUR_MS);
    let (mi, rest) = (rest / 60_000, rest % 60_000);
    let (s, ms) = (rest / 1000, rest % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
}

/// Start of the UTC hour containing `ts_ms`.
pub fn hour_start(ts_ms: i64) -> i64 {
    ts_ms - ts_ms.rem_euclid(HOUR_MS)
}

/// Start of the UTC day containing `ts_ms`.
pub fn day_start(ts_ms: i64) -> i64 {
    ts_ms - ts_ms.rem_euclid(DAY_MS)
}

/// Hour of the week, 0 = Monday 00:00–01:00 UTC, 167 = Sunday 23:00.
///
/// UTC rather than the building's zone: the core has no time-zone data, and
/// for a per-unit seasonal profile any fixed mapping works as long as it is
/// the same every week.
pub fn hour_of_week(ts_ms: i64) -> usize {
    // 1970-01-01 was a Thursday, three days after a Monday.
    let shifted = ts_ms + 3 * DAY_MS;
    (shifted.rem_euclid(WEEK_MS) / HOUR_MS) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_common_forms() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:01.5Z"), Ok(1500));
        assert_eq!(parse_rfc3339("1970-01-01T01:00:00+01:00"), Ok(0));
        assert_eq!(parse_rfc3339("1969-12-31T23:00:00-01:00"), Ok(0));
        assert_eq!(
            parse_rfc3339("2024-02-29T12:34:56.789123456z"),
            Ok(1_709_210_096_789)
        );
    }

    #[test]
    fn refuses_malformed() {
        for bad in [
            "",
            "2024-02-30T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:00:00",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00Zjunk",
            "2024-01-01",
            "24-01-01T00:00:00Z",
            "2024-01-01T00:00:00+1:00",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hour_of_week_starts_monday() {
        // 2024-01-01 was a Monday.
        let monday = parse_rfc3339("2024-01-01T00:30:00Z").unwrap();
        assert_eq!(hour_of_week(monday), 0);
        assert_eq!(hour_of_week(monday + DAY_MS * 6 + HOUR_MS * 23), 167);
        assert_eq!(hour_of_week(monday + WEEK_MS), 0);
        assert_eq!(hour_of_week(-1), hour_of_week(WEEK_MS - 1));
    }

    proptest! {
        #[test]
        fn format_then_parse_is_identity(ms in -2_000_000_000_000i64..250_000_000_000_000) {
            let s = format_rfc3339_ms(ms);
            prop_assert_eq!(parse_rfc3339(&s), Ok(ms));
        }

        #[test]
        fn agrees_with_chrono(ms in 0i64..250_000_000_000_000, off in -1439i32..1440) {
            use chrono::{FixedOffset, TimeZone, SecondsFormat};
            let tz = FixedOffset::east_opt(off * 60).unwrap();
            let dt = tz.timestamp_millis_opt(ms).unwrap();
            let s = dt.to_rfc3339_opts(SecondsFormat::Millis, false);
            prop_assert_eq!(parse_rfc3339(&s), Ok(ms));
        }

        #[test]
        fn never_panics(s in "\\PC{0,40}") {
            let _ = parse_rfc3339(&s);
        }
    }
}
