//! The demo history's telemetry rollups, from the twin's traffic model: a
//! building's population (the twin's persons per floor), the arrival rate
//! of each traffic pattern (up-peak in the morning, lunch, down-peak in the
//! evening, mixed in between, interfloor in the evening, little at night or
//! at weekends) shared by its lifts, a few passengers per trip; run time
//! from a trip's length, door cycles and levelling per stop. Outages are
//! the plan's calls that stopped a unit, so availability agrees with the
//! cases. Pure: the rows are written by `rollups::add`, like live counts.

use super::plan::{Incident, UnitInfo};
use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use hoistway_domain::fleet::UnitKind;
use hoistway_store::rollups::RollupDelta;
use hoistway_twin::traffic::{Pattern, DEFAULT_PERSONS_PER_FLOOR};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

/// The pattern of a local hour and how much of its design rate flows.
fn pattern_at(weekday: bool, hour: u32) -> (Pattern, f64) {
    let (p, share) = match hour {
        7..=8 => (Pattern::UpPeak, 0.30),
        9..=10 | 14..=15 => (Pattern::Mixed, 0.16),
        11..=13 => (Pattern::Lunch, 0.22),
        16..=17 => (Pattern::DownPeak, 0.28),
        18..=21 => (Pattern::Interfloor, 0.10),
        6 => (Pattern::UpPeak, 0.08),
        _ => (Pattern::Interfloor, 0.015),
    };
    (p, if weekday { share } else { share * 0.25 })
}

/// Expected trips of one unit in one local hour.
fn expected_starts(u: &UnitInfo, weekday: bool, hour: u32) -> f64 {
    let (pattern, share) = pattern_at(weekday, hour);
    match u.kind {
        UnitKind::Elevator => {
            let population = f64::from(u.floors.max(2) - 1) * f64::from(DEFAULT_PERSONS_PER_FLOOR);
            // Persons per five minutes at the pattern's design rate, for an
            // hour at `share` of it, over the building's lifts, ~3 per trip.
            let persons = population * pattern.default_share_p5() * 12.0 * share;
            persons / f64::from(u.lifts_in_building.max(1)) / 3.0
        }
        // An escalator starts and stops a few times a day.
        UnitKind::Escalator => {
            if share > 0.05 {
                0.4
            } else {
                0.0
            }
        }
        // A door "starts" nothing; its cycles are counted below.
        UnitKind::Door => 0.0,
    }
}

/// Milliseconds of `[start, start + len)` inside any outage.
fn down_ms(outages: &[(i64, i64)], start: i64, len: i64) -> i64 {
    outages
        .iter()
        .map(|&(a, b)| (b.min(start + len) - a.max(start)).max(0))
        .sum::<i64>()
        .min(len)
}

/// One hour's counts of a unit.
fn hour(
    rng: &mut StdRng,
    u: &UnitInfo,
    customer_id: i64,
    start_ms: i64,
    local: NaiveDateTime,
    down: i64,
) -> RollupDelta {
    let up = 1.0 - down as f64 / HOUR_MS as f64;
    let weekday = local.weekday().num_days_from_monday() < 5;
    let (_, share) = pattern_at(weekday, local.hour());
    let noise = 0.8 + 0.4 * rng.gen::<f64>();
    let starts = (expected_starts(u, weekday, local.hour()) * noise * up).round() as i64;
    let mut d = RollupDelta {
        unit_id: u.id,
        customer_id,
        period: "hour",
        start_ms,
        observed_ms: HOUR_MS,
        available_ms: HOUR_MS - down,
        ..RollupDelta::default()
    };
    match u.kind {
        UnitKind::Elevator => {
            let trip_ms = 6_000 + i64::from(u.floors) * 900;
            d.starts = starts;
            d.run_ms = starts * trip_ms;
            d.door_cycles = starts + starts / 10;
            d.door_reopens = starts / 25;
            d.door_obstructions = starts / 200;
            d.levelling_count = starts;
            let mean = 1.5 * (rng.gen::<f64>() - 0.5);
            d.levelling_sum_mm = mean * starts as f64;
            d.levelling_sum_sq_mm2 = (mean * mean + 4.0) * starts as f64;
            d.levelling_max_abs_mm = if starts > 0 {
                4.0 + 5.0 * rng.gen::<f64>()
            } else {
                0.0
            };
            d.levelling_over_10mm = 0;
        }
        UnitKind::Escalator => {
            d.starts = i64::from(rng.gen_bool(starts.clamp(0, 1) as f64 * 0.4));
            d.run_ms = if share > 0.05 { HOUR_MS - down } else { 0 };
        }
        UnitKind::Door => {
            d.door_cycles = ((60.0 + 900.0 * share) * noise * up).round() as i64;
            d.door_reopens = d.door_cycles / 40;
            d.door_obstructions = d.door_cycles / 300;
        }
    }
    d.events = d.starts + d.door_cycles + 1;
    d.counter_starts = d.starts;
    d.counter_run_hours = d.run_ms as f64 / HOUR_MS as f64;
    d
}

/// Rollup rows of one connected unit for `[from, to)`: daily rows for the
/// whole span, hourly rows for the last `hourly_days`. Whole hours only;
/// `to` is the start of the current hour (live counts take over from there).
pub fn unit_rows(
    u: &UnitInfo,
    customer_id: i64,
    incidents: &[&Incident],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    hourly_days: i64,
    seed: u64,
) -> Vec<RollupDelta> {
    let mut rng = StdRng::seed_from_u64(seed ^ (u.id as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let outages: Vec<(i64, i64)> = incidents
        .iter()
        .filter_map(|i| i.outage())
        .map(|(a, b)| (a.timestamp_millis(), b.timestamp_millis()))
        .collect();
    let first_hour = from.timestamp_millis() / DAY_MS * DAY_MS;
    let end = to.timestamp_millis() / HOUR_MS * HOUR_MS;
    let hourly_from = (to - Duration::days(hourly_days)).timestamp_millis() / HOUR_MS * HOUR_MS;
    let mut out = Vec::new();
    let mut day: Option<RollupDelta> = None;
    let mut h = first_hour;
    // The zone's offset, looked up once per UTC day (its noon): a DST
    // change shifts a few hours of one day, not the totals.
    let mut offset = (i64::MIN, 0i64);
    while h < end {
        let day_start = h / DAY_MS * DAY_MS;
        if offset.0 != day_start {
            let noon = DateTime::<Utc>::from_timestamp_millis(day_start + DAY_MS / 2)
                .unwrap_or_default()
                .naive_utc();
            let secs = u.tz.offset_from_utc_datetime(&noon).fix().local_minus_utc();
            offset = (day_start, i64::from(secs) * 1000);
        }
        // Whole days before the hourly window: one row from the day's
        // expected hours and one draw, instead of 24 rows summed.
        if h == day_start && day_start + DAY_MS <= hourly_from.min(end) {
            out.extend(day.take());
            out.push(whole_day(
                &mut rng,
                u,
                customer_id,
                day_start,
                offset.1,
                &outages,
            ));
            h += DAY_MS;
            continue;
        }
        let local = DateTime::<Utc>::from_timestamp_millis(h + offset.1)
            .unwrap_or_default()
            .naive_utc();
        let d = hour(
            &mut rng,
            u,
            customer_id,
            h,
            local,
            down_ms(&outages, h, HOUR_MS),
        );
        if day.as_ref().is_some_and(|x| x.start_ms != day_start) {
            out.extend(day.take());
        }
        let acc = day.get_or_insert_with(|| RollupDelta {
            period: "day",
            start_ms: day_start,
            unit_id: u.id,
            customer_id,
            ..RollupDelta::default()
        });
        add_into(acc, &d);
        if h >= hourly_from {
            out.push(d);
        }
        h += HOUR_MS;
    }
    out.extend(day);
    out
}

/// One day's row of a unit at once: the same model as [`hour`] summed
/// over the day's local hours, with one draw of noise for the day.
fn whole_day(
    rng: &mut StdRng,
    u: &UnitInfo,
    customer_id: i64,
    day_start: i64,
    offset_ms: i64,
    outages: &[(i64, i64)],
) -> RollupDelta {
    let (mut expected, mut running_ms, mut share_sum, mut down) = (0.0, 0i64, 0.0, 0i64);
    for k in 0..24 {
        let h = day_start + k * HOUR_MS;
        let local = DateTime::<Utc>::from_timestamp_millis(h + offset_ms)
            .unwrap_or_default()
            .naive_utc();
        let weekday = local.weekday().num_days_from_monday() < 5;
        let (_, share) = pattern_at(weekday, local.hour());
        let lost = down_ms(outages, h, HOUR_MS);
        let up = 1.0 - lost as f64 / HOUR_MS as f64;
        down += lost;
        expected += expected_starts(u, weekday, local.hour()) * up;
        share_sum += share * up;
        if share > 0.05 {
            running_ms += HOUR_MS - lost;
        }
    }
    let noise = 0.8 + 0.4 * rng.gen::<f64>();
    let starts = (expected * noise).round() as i64;
    let mut d = RollupDelta {
        unit_id: u.id,
        customer_id,
        period: "day",
        start_ms: day_start,
        observed_ms: DAY_MS,
        available_ms: DAY_MS - down,
        ..RollupDelta::default()
    };
    match u.kind {
        UnitKind::Elevator => {
            let trip_ms = 6_000 + i64::from(u.floors) * 900;
            d.starts = starts;
            d.run_ms = starts * trip_ms;
            d.door_cycles = starts + starts / 10;
            d.door_reopens = starts / 25;
            d.door_obstructions = starts / 200;
            d.levelling_count = starts;
            let mean = 1.5 * (rng.gen::<f64>() - 0.5);
            d.levelling_sum_mm = mean * starts as f64;
            d.levelling_sum_sq_mm2 = (mean * mean + 4.0) * starts as f64;
            d.levelling_max_abs_mm = if starts > 0 {
                4.0 + 5.0 * rng.gen::<f64>()
            } else {
                0.0
            };
        }
        UnitKind::Escalator => {
            d.starts = (expected * 0.4 * noise).round() as i64;
            d.run_ms = running_ms;
        }
        UnitKind::Door => {
            d.door_cycles = ((60.0 * 24.0 + 900.0 * share_sum) * noise).round() as i64;
            d.door_reopens = d.door_cycles / 40;
            d.door_obstructions = d.door_cycles / 300;
        }
    }
    d.events = d.starts + d.door_cycles + 24;
    d.counter_starts = d.starts;
    d.counter_run_hours = d.run_ms as f64 / HOUR_MS as f64;
    d
}

fn add_into(acc: &mut RollupDelta, d: &RollupDelta) {
    acc.events += d.events;
    acc.starts += d.starts;
    acc.run_ms += d.run_ms;
    acc.door_cycles += d.door_cycles;
    acc.door_reopens += d.door_reopens;
    acc.door_obstructions += d.door_obstructions;
    acc.levelling_count += d.levelling_count;
    acc.levelling_sum_mm += d.levelling_sum_mm;
    acc.levelling_sum_sq_mm2 += d.levelling_sum_sq_mm2;
    acc.levelling_max_abs_mm = acc.levelling_max_abs_mm.max(d.levelling_max_abs_mm);
    acc.levelling_over_10mm += d.levelling_over_10mm;
    acc.faults += d.faults;
    acc.counter_starts += d.counter_starts;
    acc.counter_run_hours += d.counter_run_hours;
    acc.available_ms += d.available_ms;
    acc.observed_ms += d.observed_ms;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lift_runs_every_day_and_days_sum_their_hours() {
        let u = UnitInfo {
            id: 1,
            kind: UnitKind::Elevator,
            connected: true,
            floors: 14,
            lifts_in_building: 4,
            tz: chrono_tz::Europe::Helsinki,
            technician_id: 1,
        };
        let to = Utc.with_ymd_and_hms(2026, 3, 2, 10, 30, 0).unwrap();
        let from = to - Duration::days(60);
        let rows = unit_rows(&u, 9, &[], from, to, 7, 1);
        let days: Vec<_> = rows.iter().filter(|r| r.period == "day").collect();
        assert!(days.len() >= 60);
        assert!(days.iter().all(|d| d.starts > 0), "every day has trips");
        let per_day = days.iter().map(|d| d.starts).sum::<i64>() / days.len() as i64;
        assert!((100..3000).contains(&per_day), "{per_day} starts a day");
        assert_eq!(
            rows.iter().filter(|r| r.period == "hour").count() as i64,
            7 * 24
        );
        assert!(days.iter().all(|d| d.available_ms == d.observed_ms));
        // Daily rows are the sum of their hours.
        let last_day = days.last().unwrap();
        let hours: i64 = rows
            .iter()
            .filter(|r| r.period == "hour" && r.start_ms >= last_day.start_ms)
            .map(|r| r.starts)
            .sum();
        assert_eq!(hours, last_day.starts);
    }

    #[test]
    fn an_outage_costs_availability_and_trips_on_its_days() {
        let u = UnitInfo {
            id: 2,
            kind: UnitKind::Elevator,
            connected: true,
            floors: 10,
            lifts_in_building: 2,
            tz: chrono_tz::America::New_York,
            technician_id: 1,
        };
        let to = Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap();
        let from = to - Duration::days(40);
        // Down for six hours on a day before the hourly window and on one
        // inside it.
        let outage = |start: DateTime<Utc>| super::super::plan::Incident {
            unit: 0,
            channel: "phone",
            fault: hoistway_twin::faults::FaultKind::SuddenBreakdown,
            opened_at: start,
            down: true,
            trapped: false,
            steps: vec![(
                start + Duration::hours(6),
                super::super::plan::Step::Resolve,
            )],
        };
        let old = Utc.with_ymd_and_hms(2026, 1, 29, 0, 0, 0).unwrap();
        let recent = Utc.with_ymd_and_hms(2026, 2, 27, 0, 0, 0).unwrap();
        let (a, b) = (outage(old), outage(recent));
        let rows = unit_rows(&u, 9, &[&a, &b], from, to, 7, 3);
        for day in [old, recent] {
            let d = rows
                .iter()
                .find(|r| r.period == "day" && r.start_ms == day.timestamp_millis())
                .unwrap();
            assert_eq!(d.observed_ms - d.available_ms, 6 * HOUR_MS);
        }
        let down_hours = rows.iter().filter(|r| {
            r.period == "hour"
                && r.start_ms >= recent.timestamp_millis()
                && r.start_ms < (recent + Duration::hours(6)).timestamp_millis()
        });
        assert!(
            down_hours.clone().count() == 6
                && down_hours
                    .clone()
                    .all(|r| r.starts == 0 && r.available_ms == 0)
        );
    }
}
