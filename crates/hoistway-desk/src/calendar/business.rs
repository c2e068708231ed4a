//! [`BusinessCalendar`]: a building's working time, and arithmetic on it.
//!
//! All results are UTC instants; the calendar works in the building's local
//! wall-clock time internally so that "opens at 08:00" stays 08:00 across DST
//! changes. A business day's window is `[open, close)` local time converted
//! per date, so a window that contains a DST change is an hour shorter or
//! longer in real time, which is what "business time" means to the people
//! working it.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::holidays::{public_holidays, Country};
use super::local::{local_to_utc, Fold};

/// Years whose holidays are computed once at construction; other years are
/// computed on demand (slower, still correct).
const PRECOMPUTED: std::ops::RangeInclusive<i32> = 2015..=2045;

/// Daily opening hours, the same on every working day. `opens < closes`;
/// overnight windows are not supported (24/7 targets do not use a calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "OpeningHoursRaw", into = "OpeningHoursRaw")]
pub struct OpeningHours {
    opens: NaiveTime,
    closes: NaiveTime,
}

#[derive(Serialize, Deserialize)]
struct OpeningHoursRaw {
    opens: NaiveTime,
    closes: NaiveTime,
}

impl OpeningHours {
    pub fn new(opens: NaiveTime, closes: NaiveTime) -> Result<Self, CalendarError> {
        if opens >= closes {
            return Err(CalendarError::Hours { opens, closes });
        }
        Ok(Self { opens, closes })
    }
    pub fn opens(&self) -> NaiveTime {
        self.opens
    }
    pub fn closes(&self) -> NaiveTime {
        self.closes
    }
}

impl Default for OpeningHours {
    fn default() -> Self {
        Self {
            opens: NaiveTime::from_hms_opt(8, 0, 0).expect("const time"),
            closes: NaiveTime::from_hms_opt(17, 0, 0).expect("const time"),
        }
    }
}

impl TryFrom<OpeningHoursRaw> for OpeningHours {
    type Error = CalendarError;
    fn try_from(r: OpeningHoursRaw) -> Result<Self, Self::Error> {
        Self::new(r.opens, r.closes)
    }
}

impl From<OpeningHours> for OpeningHoursRaw {
    fn from(h: OpeningHours) -> Self {
        Self {
            opens: h.opens,
            closes: h.closes,
        }
    }
}

/// Why a calendar cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error(transparent)]
    Country(#[from] super::holidays::UnknownCountry),
    #[error("opening hours must open before they close (got {opens}–{closes})")]
    Hours { opens: NaiveTime, closes: NaiveTime },
    #[error("a calendar needs at least one working weekday")]
    NoWorkingDays,
}

fn default_working_days() -> Vec<Weekday> {
    vec![
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ]
}

/// A building's business calendar.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    tz: Tz,
    country: Option<Country>,
    working: [bool; 7],
    hours: OpeningHours,
    /// Public holidays of the precomputed years plus the extra closed dates.
    closed: HashSet<NaiveDate>,
    extra: HashSet<NaiveDate>,
}

impl BusinessCalendar {
    /// Builds a calendar. An empty `working_days` is refused because no
    /// business time could ever be added to it.
    pub fn new(
        tz: Tz,
        country: Option<Country>,
        working_days: &[Weekday],
        hours: OpeningHours,
        extra_closed_dates: &[NaiveDate],
    ) -> Result<Self, CalendarError> {
        let mut working = [false; 7];
        for d in working_days {
            working[d.num_days_from_monday() as usize] = true;
        }
        if !working.iter().any(|w| *w) {
            return Err(CalendarError::NoWorkingDays);
        }
        let extra: HashSet<NaiveDate> = extra_closed_dates.iter().copied().collect();
        let mut closed = extra.clone();
        if let Some(c) = country {
            for y in PRECOMPUTED {
                closed.extend(public_holidays(c, y).into_iter().map(|h| h.date));
            }
        }
        Ok(Self {
            tz,
            country,
            working,
            hours,
            closed,
            extra,
        })
    }

    /// Mon–Fri, 08:00–17:00, with the country's public holidays.
    pub fn standard(tz: Tz, country: Option<Country>) -> Self {
        Self::new(
            tz,
            country,
            &default_working_days(),
            OpeningHours::default(),
            &[],
        )
        .expect("standard calendar is valid")
    }

    pub fn timezone(&self) -> Tz {
        self.tz
    }

    pub fn country(&self) -> Option<Country> {
        self.country
    }

    pub fn hours(&self) -> OpeningHours {
        self.hours
    }

    /// The building's local date at an instant.
    pub fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }

    /// A public holiday or an extra closed date.
    pub fn is_closed_date(&self, d: NaiveDate) -> bool {
        if PRECOMPUTED.contains(&d.year()) {
            return self.closed.contains(&d);
        }
        self.extra.contains(&d)
            || self
                .country
                .is_some_and(|c| public_holidays(c, d.year()).iter().any(|h| h.date == d))
    }

    /// A working weekday that is not closed.
    pub fn is_business_day(&self, d: NaiveDate) -> bool {
        self.working[d.weekday().num_days_from_monday() as usize] && !self.is_closed_date(d)
    }

    /// The `[open, close)` window of a business day as instants, or `None`
    /// on a day off. On a fall-back day an ambiguous opening takes the first
    /// occurrence and an ambiguous close the last, so no business time is lost.
    pub fn window(&self, d: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if !self.is_business_day(d) {
            return None;
        }
        let o = local_to_utc(self.tz, d.and_time(self.hours.opens), Fold::Earliest);
        let c = local_to_utc(self.tz, d.and_time(self.hours.closes), Fold::Latest);
        Some((o, c))
    }

    /// True while the building's business hours are running.
    pub fn is_open_at(&self, t: DateTime<Utc>) -> bool {
        self.window(self.local_date(t))
            .is_some_and(|(o, c)| o <= t && t < c)
    }

    /// The first business day on or after `d`, with its window. Terminates
    /// because a calendar has a working weekday and finitely many closed dates.
    fn first_window_on_or_after(
        &self,
        mut d: NaiveDate,
    ) -> (NaiveDate, DateTime<Utc>, DateTime<Utc>) {
        loop {
            if let Some((o, c)) = self.window(d) {
                return (d, o, c);
            }
            d += Duration::days(1);
        }
    }

    /// The first business window whose close lies after `t` (today's if `t`
    /// is before today's close), as `(date, open, close)`.
    fn window_closing_after(&self, t: DateTime<Utc>) -> (NaiveDate, DateTime<Utc>, DateTime<Utc>) {
        let mut d = self.local_date(t);
        loop {
            if let Some((o, c)) = self.window(d) {
                if c > t {
                    return (d, o, c);
                }
            }
            d += Duration::days(1);
        }
    }

    /// Adds `duration` of business time to `start`. Time outside business
    /// hours does not count. A zero duration returns the next business
    /// instant at or after `start` (`start` itself if open). A duration that
    /// ends exactly at a close returns that close, not the next opening.
    /// Negative durations are treated as zero.
    pub fn add_business_duration(&self, start: DateTime<Utc>, duration: Duration) -> DateTime<Utc> {
        let mut remaining = duration.max(Duration::zero());
        let (mut d, o, c) = self.window_closing_after(start);
        let mut cursor = start.max(o);
        let mut close = c;
        loop {
            let available = close - cursor;
            if remaining <= available {
                return cursor + remaining;
            }
            remaining -= available;
            let (nd, o, c) = self.first_window_on_or_after(d + Duration::days(1));
            d = nd;
            cursor = o;
            close = c;
        }
    }

    /// Business time between two instants (zero if `to <= from`).
    pub fn business_duration_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Duration {
        if to <= from {
            return Duration::zero();
        }
        let mut total = Duration::zero();
        let mut d = self.local_date(from) - Duration::days(1);
        let last = self.local_date(to) + Duration::days(1);
        while d <= last {
            if let Some((o, c)) = self.window(d) {
                let a = o.max(from);
                let b = c.min(to);
                if b > a {
                    total += b - a;
                }
            }
            d += Duration::days(1);
        }
        total
    }

    /// The close of the business day `t` falls in; if `t` is after hours or
    /// on a day off, the close of the next business day. Before opening on
    /// a business day this is that same day's close.
    pub fn end_of_business_day(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        self.window_closing_after(t).2
    }

    /// The close of the `n`th business day after the one `t` counts for
    /// (`n = 0` is [`end_of_business_day`](Self::end_of_business_day)).
    pub fn end_of_nth_business_day(&self, t: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let (mut d, _, mut close) = self.window_closing_after(t);
        for _ in 0..n {
            let (nd, _, c) = self.first_window_on_or_after(d + Duration::days(1));
            d = nd;
            close = c;
        }
        close
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::{America, Asia, Europe};

    fn local(tz: Tz, y: i32, m: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        tz.with_ymd_and_hms(y, m, d, h, mi, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn fi() -> BusinessCalendar {
        BusinessCalendar::standard(Europe::Helsinki, Some(Country::Fi))
    }

    #[test]
    fn adds_within_a_day_and_across_the_weekend() {
        let c = fi();
        let tz = Europe::Helsinki;
        // Tuesday 10:00 + 3h = 13:00.
        assert_eq!(
            c.add_business_duration(local(tz, 2026, 3, 10, 10, 0), Duration::hours(3)),
            local(tz, 2026, 3, 10, 13, 0)
        );
        // Friday 16:00 + 2h → Monday 09:00.
        assert_eq!(
            c.add_business_duration(local(tz, 2026, 3, 13, 16, 0), Duration::hours(2)),
            local(tz, 2026, 3, 16, 9, 0)
        );
        // Saturday night + 0 → Monday opening.
        assert_eq!(
            c.add_business_duration(local(tz, 2026, 3, 14, 22, 0), Duration::zero()),
            local(tz, 2026, 3, 16, 8, 0)
        );
        // Ending exactly at close stays on that day.
        assert_eq!(
            c.add_business_duration(local(tz, 2026, 3, 10, 8, 0), Duration::hours(9)),
            local(tz, 2026, 3, 10, 17, 0)
        );
    }

    #[test]
    fn skips_easter_and_respects_dst_offset() {
        let c = fi();
        let tz = Europe::Helsinki;
        // Thursday 2 April 2026 16:00 + 2h: Good Friday, Easter weekend and
        // Easter Monday are closed, and DST began on 29 March, so Tuesday 7
        // April 09:00 local is 06:00 UTC.
        let due = c.add_business_duration(local(tz, 2026, 4, 2, 16, 0), Duration::hours(2));
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 4, 7, 6, 0, 0).unwrap());
        // Across the DST weekend itself: Friday 27 March 16:00 EET + 2h →
        // Monday 30 March 09:00 EEST = 06:00 UTC (it was 14:00 UTC on Friday).
        let due = c.add_business_duration(local(tz, 2026, 3, 27, 16, 0), Duration::hours(2));
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 3, 30, 6, 0, 0).unwrap());
    }

    #[test]
    fn window_containing_a_dst_change_is_shorter() {
        // Open every day 01:00–05:00; Helsinki loses 03:00–04:00 on 29 March 2026.
        let hours = OpeningHours::new(
            NaiveTime::from_hms_opt(1, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(5, 0, 0).unwrap(),
        )
        .unwrap();
        let all = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
        ];
        let c = BusinessCalendar::new(Europe::Helsinki, None, &all, hours, &[]).unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 3, 29).unwrap();
        let (o, cl) = c.window(d).unwrap();
        assert_eq!(cl - o, Duration::hours(3));
        // 3.5h from the Sunday opening runs into Monday.
        let due = c.add_business_duration(o, Duration::minutes(210));
        assert_eq!(due, local(Europe::Helsinki, 2026, 3, 30, 1, 30));
        // Autumn fall-back in New York: 01:00–05:00 holds 5 real hours.
        let c = BusinessCalendar::new(America::New_York, None, &all, hours, &[]).unwrap();
        let (o, cl) = c
            .window(NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
            .unwrap();
        assert_eq!(cl - o, Duration::hours(5));
    }

    #[test]
    fn end_of_business_day_rules() {
        let c = BusinessCalendar::standard(America::New_York, Some(Country::Us));
        let tz = America::New_York;
        // During hours → today's close.
        assert_eq!(
            c.end_of_business_day(local(tz, 2026, 11, 24, 10, 0)),
            local(tz, 2026, 11, 24, 17, 0)
        );
        // Before opening → today's close.
        assert_eq!(
            c.end_of_business_day(local(tz, 2026, 11, 24, 6, 0)),
            local(tz, 2026, 11, 24, 17, 0)
        );
        // After close on the day before Thanksgiving → Friday's close.
        assert_eq!(
            c.end_of_business_day(local(tz, 2026, 11, 25, 18, 0)),
            local(tz, 2026, 11, 27, 17, 0)
        );
        // At close exactly counts as after hours.
        assert_eq!(
            c.end_of_business_day(local(tz, 2026, 11, 24, 17, 0)),
            local(tz, 2026, 11, 25, 17, 0)
        );
        assert_eq!(
            c.end_of_nth_business_day(local(tz, 2026, 11, 25, 10, 0), 1),
            local(tz, 2026, 11, 27, 17, 0)
        );
        assert_eq!(
            c.end_of_nth_business_day(local(tz, 2026, 11, 25, 10, 0), 3),
            local(tz, 2026, 12, 1, 17, 0)
        );
    }

    #[test]
    fn business_duration_between_inverts_add() {
        let c = BusinessCalendar::standard(Asia::Singapore, Some(Country::Sg));
        let start = local(Asia::Singapore, 2026, 8, 7, 15, 0);
        for mins in [0, 59, 120, 600, 2000] {
            let end = c.add_business_duration(start, Duration::minutes(mins));
            assert_eq!(
                c.business_duration_between(start, end),
                Duration::minutes(mins)
            );
        }
        // National Day 9 Aug 2026 is a Sunday → Monday 10 Aug off.
        let end = c.add_business_duration(start, Duration::hours(3));
        assert_eq!(end, local(Asia::Singapore, 2026, 8, 11, 9, 0));
    }

    #[test]
    fn extra_closed_dates() {
        let hours = OpeningHours::new(
            NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(15, 30, 0).unwrap(),
        )
        .unwrap();
        let c = BusinessCalendar::new(
            chrono_tz::Europe::Berlin,
            Some(Country::De),
            &default_working_days(),
            hours,
            &[NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()],
        )
        .unwrap();
        assert!(!c.is_business_day(NaiveDate::from_ymd_opt(2026, 11, 2).unwrap()));
        assert!(!c.is_business_day(NaiveDate::from_ymd_opt(2026, 10, 3).unwrap()));
        assert!(c.is_business_day(NaiveDate::from_ymd_opt(2026, 11, 3).unwrap()));
        assert!(
            !c.is_business_day(NaiveDate::from_ymd_opt(2050, 12, 25).unwrap()),
            "computed on demand"
        );
        assert!(matches!(
            BusinessCalendar::new(chrono_tz::UTC, None, &[], hours, &[]),
            Err(CalendarError::NoWorkingDays)
        ));
        assert!(serde_json::from_str::<OpeningHours>(
            r#"{"opens":"17:00:00","closes":"08:00:00"}"#
        )
        .is_err());
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn calendars() -> Vec<BusinessCalendar> {
            vec![
                BusinessCalendar::standard(Europe::Helsinki, Some(Country::Fi)),
                BusinessCalendar::standard(America::New_York, Some(Country::Us)),
                BusinessCalendar::standard(Asia::Singapore, Some(Country::Sg)),
                BusinessCalendar::standard(Europe::London, Some(Country::Gb)),
            ]
        }

        proptest! {
            // Any start in 2020–2035, any duration up to ~4 weeks of business time.
            #[test]
            fn add_then_measure_round_trips(which in 0usize..4, secs in 1_577_836_800i64..2_082_758_400, mins in 0i64..10_000) {
                let cals = calendars();
                let c = &cals[which];
                let start = DateTime::from_timestamp(secs, 0).unwrap();
                let end = c.add_business_duration(start, Duration::minutes(mins));
                prop_assert!(end >= start);
                prop_assert_eq!(c.business_duration_between(start, end), Duration::minutes(mins));
                // The end lies inside business hours or exactly at a close.
                let d = c.local_date(end);
                let (o, cl) = c.window(d).expect("end is on a business day");
                prop_assert!(o <= end && end <= cl);
                // The end of the business day is a close at or after the end.
                let eod = c.end_of_business_day(start);
                prop_assert!(eod > start);
                prop_assert!(c.window(c.local_date(eod)).unwrap().1 == eod);
            }
        }
    }
}
