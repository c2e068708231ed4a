//! Local wall-clock time to UTC, with a defined answer on DST days.
//!
//! Opening hours are wall-clock times, and on DST days a wall-clock time may
//! not exist (spring gap) or exist twice (autumn fold). We resolve a gap by
//! shifting forward by the gap's length (as java.time does: 03:30 in a
//! 03:00→04:00 gap becomes 04:30), and a fold by the caller's choice.

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// Which instant to take when a local time occurs twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fold {
    Earliest,
    Latest,
}

/// The instant a building's clock shows `local`.
pub fn local_to_utc(tz: Tz, local: NaiveDateTime, fold: Fold) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(a, b) => match fold {
            Fold::Earliest => a.with_timezone(&Utc),
            Fold::Latest => b.with_timezone(&Utc),
        },
        chrono::LocalResult::None => {
            // Use the offset in force before the gap; no zone has gaps closer
            // than a few hours apart, so three hours earlier is before it.
            let probe = local - Duration::hours(3);
            let offset = tz
                .from_local_datetime(&probe)
                .earliest()
                .map(|t| t.offset().fix().local_minus_utc())
                .unwrap_or(0);
            Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(offset))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    #[test]
    fn gap_shifts_forward_by_gap_length() {
        // Helsinki 2026-03-29: 03:00 EET jumps to 04:00 EEST.
        let t = local_to_utc(
            chrono_tz::Europe::Helsinki,
            at(2026, 3, 29, 3, 30),
            Fold::Earliest,
        );
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap());
        assert_eq!(
            t.with_timezone(&chrono_tz::Europe::Helsinki).naive_local(),
            at(2026, 3, 29, 4, 30)
        );
    }

    #[test]
    fn fold_picks_requested_instant() {
        // New York 2026-11-01: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
        let tz = chrono_tz::America::New_York;
        let e = local_to_utc(tz, at(2026, 11, 1, 1, 30), Fold::Earliest);
        let l = local_to_utc(tz, at(2026, 11, 1, 1, 30), Fold::Latest);
        assert_eq!(e, Utc.with_ymd_and_hms(2026, 11, 1, 5, 30, 0).unwrap());
        assert_eq!(l, Utc.with_ymd_and_hms(2026, 11, 1, 6, 30, 0).unwrap());
    }
}
