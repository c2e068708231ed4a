//! Filling rollups from one unit's events.
//!
//! The book keeps the open hour and day buckets. An event past a bucket's end
//! closes it; an event before the open bucket (late delivery) is counted in a
//! separate partial rollup for its own bucket, emitted at once for the
//! storage layer to merge.
//!
//! Availability is time-weighted: a status report holds until the next one.
//! Time after the unit went silent for longer than `offline_after_ms` is not
//! observed (neither available nor unavailable), and reports that arrive out
//! of order do not rewrite availability already attributed.

use super::{Period, Rollup};
use crate::event::{Event, EventBody, UnitKey};

#[derive(Debug, Clone, Copy, PartialEq)]
struct Avail {
    /// Time up to which availability has been attributed.
    since_ms: i64,
    available: bool,
}

/// Open rollup buckets of one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupBook {
    unit: UnitKey,
    offline_after_ms: i64,
    hour: Option<Rollup>,
    day: Option<Rollup>,
    avail: Option<Avail>,
    last_seen_ms: Option<i64>,
    /// Last absolute counter reading: (ts, starts, run_hours).
    last_counter: Option<(i64, u64, f64)>,
}

impl RollupBook {
    pub fn new(unit: UnitKey, offline_after_ms: i64) -> Self {
        Self {
            unit,
            offline_after_ms,
            hour: None,
            day: None,
            avail: None,
            last_seen_ms: None,
            last_counter: None,
        }
    }

    /// The open buckets (hour, day), for "so far" views.
    pub fn open(&self) -> impl Iterator<Item = &Rollup> {
        self.hour.iter().chain(self.day.iter())
    }

    /// Attributes the current availability up to `t` in every open bucket.
    fn advance_to(&mut self, t: i64) {
        let Some(a) = self.avail else { return };
        if t <= a.since_ms {
            return;
        }
        let known_end = match self.last_seen_ms {
            Some(seen) => t.min(seen.saturating_add(self.offline_after_ms)),
            None => t,
        };
        for b in [self.hour.as_mut(), self.day.as_mut()]
            .into_iter()
            .flatten()
        {
            let lo = a.since_ms.max(b.start_ms);
            let hi = known_end.min(b.end_ms());
            if hi > lo {
                b.observed_ms += hi - lo;
                if a.available {
                    b.available_ms += hi - lo;
                }
            }
        }
        self.avail = Some(Avail { since_ms: t, ..a });
    }

    fn slot(&mut self, p: Period) -> &mut Option<Rollup> {
        match p {
            Period::Hour => &mut self.hour,
            Period::Day => &mut self.day,
        }
    }

    /// Closes the bucket of period `p` if it ends at or before `t`.
    fn close_if_ended(&mut self, p: Period, t: i64, out: &mut Vec<Rollup>) {
        let Some(end) = self.slot(p).as_ref().map(Rollup::end_ms) else {
            return;
        };
        if t >= end {
            self.advance_to(end);
            if let Some(b) = self.slot(p).take() {
                out.push(b);
            }
        }
    }

    /// Folds one accepted event in. Closed buckets and late partials are
    /// appended to `out`.
    pub fn apply(&mut self, ev: &Event, out: &mut Vec<Rollup>) {
        let t = ev.ts_ms;
        self.close_if_ended(Period::Hour, t, out);
        self.close_if_ended(Period::Day, t, out);
        for p in [Period::Hour, Period::Day] {
            let unit = &self.unit;
            let slot = match p {
                Period::Hour => &mut self.hour,
                Period::Day => &mut self.day,
            };
            if slot.is_none() {
                *slot = Some(Rollup::new(unit.clone(), p, p.start_of(t)));
            }
        }
        self.advance_to(t);
        self.last_seen_ms = Some(self.last_seen_ms.map_or(t, |s| s.max(t)));

        let counter_delta = self.counter_delta(ev);
        for p in [Period::Hour, Period::Day] {
            let unit = self.unit.clone();
            match self.slot(p) {
                Some(b) if b.contains(t) => count(b, ev, counter_delta),
                _ => {
                    // Before the open bucket: a late partial for its own bucket.
                    let mut partial = Rollup::new(unit, p, p.start_of(t));
                    count(&mut partial, ev, counter_delta);
                    push_merged(out, partial);
                }
            }
        }

        if let EventBody::Status(s) = &ev.body {
            if self.avail.is_none_or(|a| t >= a.since_ms) {
                self.avail = Some(Avail {
                    since_ms: t,
                    available: s.available,
                });
            }
        }
    }

    /// Increase of the absolute counters since the previous reading; a
    /// decrease means the counter was reset (new controller) and adds nothing.
    fn counter_delta(&mut self, ev: &Event) -> Option<(u64, f64)> {
        let EventBody::Counter(c) = &ev.body else {
            return None;
        };
        match self.last_counter {
            Some((t, _, _)) if ev.ts_ms <= t => None,
            prev => {
                self.last_counter = Some((ev.ts_ms, c.starts, c.run_hours));
                prev.map(|(_, s, h)| (c.starts.saturating_sub(s), (c.run_hours - h).max(0.0)))
            }
        }
    }

    /// Closes every bucket that ended at or before `now_ms`, attributing
    /// availability up to its end.
    pub fn close_until(&mut self, now_ms: i64, out: &mut Vec<Rollup>) {
        self.close_if_ended(Period::Hour, now_ms, out);
        self.close_if_ended(Period::Day, now_ms, out);
    }

    /// Closes all buckets as they stand at `now_ms` (shutdown). A later event
    /// in the same bucket starts a new partial, which merges with this one.
    pub fn flush(&mut self, now_ms: i64, out: &mut Vec<Rollup>) {
        self.close_until(now_ms, out);
        self.advance_to(now_ms);
        out.extend(self.hour.take());
        out.extend(self.day.take());
    }
}

fn push_merged(out: &mut Vec<Rollup>, r: Rollup) {
    // Only the recent tail: late partials of one batch sit close together.
    if let Some(last) = out
        .iter_mut()
        .rev()
        .take(8)
        .find(|o| o.unit == r.unit && o.period == r.period && o.start_ms == r.start_ms)
    {
        // Same bucket: merge cannot fail.
        let _ = last.merge(&r);
    } else {
        out.push(r);
    }
}

pub(super) fn count(b: &mut Rollup, ev: &Event, counter_delta: Option<(u64, f64)>) {
    b.events += 1;
    match &ev.body {
        EventBody::Trip(t) => {
            b.trips += 1;
            b.trip_hours += f64::from(t.duration_ms) / 3_600_000.0;
            b.levelling.add(t.levelling_error_mm);
        }
        EventBody::DoorCycle(d) => {
            b.door_cycles += 1;
            b.door_reopens += u64::from(d.reopens);
            b.door_obstructions += u64::from(d.obstruction);
        }
        EventBody::Fault(_) => b.faults += 1,
        EventBody::Counter(_) => {
            if let Some((s, h)) = counter_delta {
                b.counter_starts += s;
                b.counter_run_hours += h;
            }
        }
        EventBody::Status(_)
        | EventBody::Sensor(_)
        | EventBody::Alarm(_)
        | EventBody::Escalator(_) => {}
    }
}
