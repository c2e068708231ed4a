//! The SLA clock: due times from an opening time and a deadline rule,
//! stretched by the time the case spent paused.
//!
//! A pause that starts before the (current) due time pushes the due time
//! later by the pause's length, measured the way the deadline is measured:
//! real time for 24/7 targets, business time for business-day targets. A
//! pause still running counts up to `now`, so while paused the remaining
//! time stays frozen. Overlapping holds are merged so no time counts twice.

use chrono::{DateTime, Duration, Utc};

use super::policy::Deadline;
use crate::calendar::BusinessCalendar;
use crate::hold::{HoldInterval, HoldKind};

/// Pause intervals of one case as seen at `now`, ready to stretch due times.
#[derive(Debug, Clone)]
pub struct SlaClock<'a> {
    calendar: &'a BusinessCalendar,
    /// Merged, sorted, non-empty `[from, until)` intervals, clipped to `now`.
    pauses: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    paused_now: bool,
}

impl<'a> SlaClock<'a> {
    /// Keeps the holds whose kind pauses the SLA; ignores holds that begin
    /// after `now` (not yet happened) and ends open ones at `now`.
    pub fn new(
        calendar: &'a BusinessCalendar,
        holds: &[HoldInterval],
        pause_on: &[HoldKind],
        now: DateTime<Utc>,
    ) -> Self {
        let mut paused_now = false;
        let mut v: Vec<(DateTime<Utc>, DateTime<Utc>)> = holds
            .iter()
            .filter(|h| pause_on.contains(&h.kind) && h.from <= now)
            .filter_map(|h| {
                let until = match h.until {
                    Some(u) if u <= now => u,
                    _ => {
                        paused_now = true;
                        now
                    }
                };
                (until > h.from).then_some((h.from, until))
            })
            .collect();
        v.sort();
        let mut pauses: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::with_capacity(v.len());
        for (a, b) in v {
            match pauses.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => pauses.push((a, b)),
            }
        }
        Self {
            calendar,
            pauses,
            paused_now,
        }
    }

    /// True while a pausing hold is open at `now`.
    pub fn is_paused(&self) -> bool {
        self.paused_now
    }

    /// Due time before pauses.
    pub fn base_due(&self, deadline: &Deadline, opened: DateTime<Utc>) -> DateTime<Utc> {
        let cal = self.calendar;
        match *deadline {
            Deadline::Elapsed { minutes } => opened + Duration::minutes(i64::from(minutes)),
            Deadline::BusinessMinutes { minutes } => {
                cal.add_business_duration(opened, Duration::minutes(i64::from(minutes)))
            }
            Deadline::EndOfBusinessDay {
                business_days_after,
                cutoff,
            } => {
                let counts_from = match cutoff {
                    Some(c) => {
                        let local = opened.with_timezone(&cal.timezone());
                        match cal.window(local.date_naive()) {
                            // Opened late in a business day: count from its
                            // close, i.e. from the next business day.
                            Some((_, close)) if local.time() >= c && opened < close => close,
                            _ => opened,
                        }
                    }
                    None => opened,
                };
                cal.end_of_nth_business_day(counts_from, business_days_after)
            }
        }
    }

    /// Due time after pauses that began at or after `opened`.
    pub fn due(&self, deadline: &Deadline, opened: DateTime<Utc>) -> DateTime<Utc> {
        let mut due = self.base_due(deadline, opened);
        for &(a, b) in &self.pauses {
            let a = a.max(opened);
            if b <= a || a >= due {
                continue;
            }
            if deadline.uses_business_time() {
                let paused = self.calendar.business_duration_between(a, b);
                if paused > Duration::zero() {
                    due = self.calendar.add_business_duration(due, paused);
                }
            } else {
                due += b - a;
            }
        }
        due
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Country;
    use chrono::TimeZone;
    use chrono_tz::Europe::Helsinki;

    fn t(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Helsinki
            .with_ymd_and_hms(2026, 3, d, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn hold(kind: HoldKind, from: DateTime<Utc>, until: Option<DateTime<Utc>>) -> HoldInterval {
        HoldInterval { kind, from, until }
    }

    #[test]
    fn elapsed_deadline_stretches_by_merged_customer_holds_only() {
        let cal = BusinessCalendar::standard(Helsinki, Some(Country::Fi));
        let holds = [
            hold(
                HoldKind::WaitingForCustomer,
                t(10, 10, 10),
                Some(t(10, 10, 30)),
            ),
            hold(
                HoldKind::WaitingForCustomer,
                t(10, 10, 20),
                Some(t(10, 10, 40)),
            ),
            hold(HoldKind::WaitingForParts, t(10, 10, 40), Some(t(10, 12, 0))),
        ];
        let now = t(10, 13, 0);
        let clock = SlaClock::new(&cal, &holds, &[HoldKind::WaitingForCustomer], now);
        let d = Deadline::Elapsed { minutes: 60 };
        // 30 merged minutes of customer hold; the parts hold does not pause.
        assert_eq!(clock.due(&d, t(10, 10, 0)), t(10, 11, 30));
        assert!(!clock.is_paused());
        // With parts configured to pause as well, 80 more minutes count.
        let clock = SlaClock::new(
            &cal,
            &holds,
            &[HoldKind::WaitingForCustomer, HoldKind::WaitingForParts],
            now,
        );
        assert_eq!(clock.due(&d, t(10, 10, 0)), t(10, 12, 50));
    }

    #[test]
    fn open_hold_freezes_remaining_time() {
        let cal = BusinessCalendar::standard(Helsinki, Some(Country::Fi));
        let holds = [hold(HoldKind::WaitingForCustomer, t(10, 10, 15), None)];
        let d = Deadline::Elapsed { minutes: 60 };
        for now in [t(10, 10, 30), t(10, 11, 45)] {
            let clock = SlaClock::new(&cal, &holds, &[HoldKind::WaitingForCustomer], now);
            assert!(clock.is_paused());
            // 45 minutes were left when the hold began; they are still left.
            assert_eq!(clock.due(&d, t(10, 10, 0)) - now, Duration::minutes(45));
        }
        // A hold that starts in the future is not counted yet.
        let clock = SlaClock::new(&cal, &holds, &[HoldKind::WaitingForCustomer], t(10, 10, 5));
        assert!(!clock.is_paused());
        assert_eq!(clock.due(&d, t(10, 10, 0)), t(10, 11, 0));
    }

    #[test]
    fn business_deadline_stretches_by_business_time() {
        let cal = BusinessCalendar::standard(Helsinki, Some(Country::Fi));
        // Routine, 1 business day: opened Tuesday 10 March 10:00 → due Wednesday 17:00.
        let d = Deadline::EndOfBusinessDay {
            business_days_after: 1,
            cutoff: None,
        };
        // Held from Tuesday 16:00 to Wednesday 09:00: 1h Tuesday + 1h Wednesday business time.
        let holds = [hold(
            HoldKind::WaitingForCustomer,
            t(10, 16, 0),
            Some(t(11, 9, 0)),
        )];
        let clock = SlaClock::new(&cal, &holds, &[HoldKind::WaitingForCustomer], t(12, 0, 0));
        assert_eq!(clock.base_due(&d, t(10, 10, 0)), t(11, 17, 0));
        assert_eq!(clock.due(&d, t(10, 10, 0)), t(12, 10, 0));
    }

    #[test]
    fn cutoff_moves_late_calls_to_next_day() {
        let cal = BusinessCalendar::standard(Helsinki, Some(Country::Fi));
        let clock = SlaClock::new(&cal, &[], &[], t(20, 0, 0));
        let d = Deadline::EndOfBusinessDay {
            business_days_after: 0,
            cutoff: chrono::NaiveTime::from_hms_opt(15, 0, 0),
        };
        assert_eq!(clock.base_due(&d, t(10, 14, 59)), t(10, 17, 0));
        assert_eq!(clock.base_due(&d, t(10, 15, 0)), t(11, 17, 0));
        // Friday after cutoff → Monday.
        assert_eq!(clock.base_due(&d, t(13, 16, 0)), t(16, 17, 0));
    }
}
