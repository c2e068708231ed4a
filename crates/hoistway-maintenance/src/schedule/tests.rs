//! Scheduler tests: a year of visits, use-based triggers, catch-up after a
//! miss, plan changes, modernization, territory and skill, load balance,
//! blackout dates, and properties (determinism, idempotence).

use super::*;
use crate::plan::PlanRule;
use chrono::{Datelike, Duration, Weekday};
use hoistway_desk::{BusinessCalendar, Country, OpeningHours};
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

const TODAY: (i32, u32, u32) = (2026, 11, 23);

fn today() -> NaiveDate {
    d(TODAY.0, TODAY.1, TODAY.2)
}

fn site(id: i64, country: &str, blackout: &[NaiveDate]) -> Site {
    let (tz, c) = match country {
        "FI" => (chrono_tz::Europe::Helsinki, Some(Country::Fi)),
        "SE" => (chrono_tz::Europe::Stockholm, Some(Country::Se)),
        _ => (chrono_tz::America::New_York, Some(Country::Us)),
    };
    let days = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    Site {
        id,
        country: country.into(),
        region: None,
        calendar: BusinessCalendar::new(tz, c, &days, OpeningHours::default(), blackout).unwrap(),
    }
}

fn tech(id: i64, country: &str, skills: &[UnitKind]) -> Technician {
    Technician {
        id,
        countries: vec![country.into()],
        regions: vec![],
        skills: skills.to_vec(),
        weekly_capacity_min: 32 * 60,
    }
}

fn unit(id: i64, site: i64, kind: UnitKind, weeks: u32, starts: Option<u64>) -> UnitPlan {
    UnitPlan {
        unit_id: id,
        site_id: site,
        kind,
        plan: PlanRule {
            interval_weeks: weeks,
            interval_starts: starts,
            inspection_months: Some(12),
            anchor: d(2026, 1, 1),
            since: d(2026, 1, 1),
            until: None,
        },
        history: History {
            last_preventive: Some(d(2026, 11, 10)),
            last_inspection: Some(d(2026, 3, 15)),
            ..History::default()
        },
        usage: Usage::default(),
    }
}

fn sites(list: Vec<Site>) -> BTreeMap<i64, Site> {
    list.into_iter().map(|s| (s.id, s)).collect()
}

fn run(
    units: &[UnitPlan],
    sites: &BTreeMap<i64, Site>,
    techs: &[Technician],
    existing: &[ExistingVisit],
) -> Outcome {
    let config = Config::default();
    schedule(&Request {
        today: today(),
        now: None,
        units,
        sites,
        technicians: techs,
        existing,
        config: &config,
    })
}

/// What the store does with an outcome, in memory.
fn apply(existing: &[ExistingVisit], out: &Outcome, next_id: &mut i64) -> Vec<ExistingVisit> {
    let mut v: Vec<ExistingVisit> = existing.to_vec();
    let to_existing = |id, p: &PlannedVisit| ExistingVisit {
        id,
        unit_id: p.unit_id,
        kind: p.kind,
        status: VisitStatus::Planned,
        due_on: Some(p.due_on),
        date: p.slot.date,
        planned_for: p.slot.planned_for,
        duration_min: p.slot.duration_min,
        technician_id: p.slot.technician_id,
        pinned: false,
    };
    for c in &out.changes {
        match c {
            Change::Cancel { id, .. } => v.retain(|x| x.id != *id),
            Change::Move { id, visit } => {
                let pinned = v.iter().find(|x| x.id == *id).is_some_and(|x| x.pinned);
                v.retain(|x| x.id != *id);
                v.push(ExistingVisit {
                    pinned,
                    ..to_existing(*id, visit)
                });
            }
            Change::Create(visit) => {
                *next_id += 1;
                v.push(to_existing(*next_id, visit));
            }
        }
    }
    v.sort_by_key(|x| x.id);
    v
}

fn created(out: &Outcome) -> Vec<&PlannedVisit> {
    out.changes
        .iter()
        .filter_map(|c| match c {
            Change::Create(v) => Some(v),
            _ => None,
        })
        .collect()
}

#[test]
fn a_year_of_visits_on_allowed_days_within_the_window() {
    let s = sites(vec![site(1, "FI", &[])]);
    let techs = [tech(7, "FI", &[UnitKind::Elevator])];
    let units = [unit(1, 1, UnitKind::Elevator, 4, None)];
    let out = run(&units, &s, &techs, &[]);
    let visits = created(&out);
    let prev: Vec<_> = visits
        .iter()
        .filter(|v| v.kind == VisitKind::Preventive)
        .collect();
    // 10 Nov + 4 weeks = 8 Dec, then every 28 days up to 13 months ahead.
    assert_eq!(prev[0].due_on, d(2026, 12, 8));
    assert_eq!(
        prev.len(),
        14,
        "{:?}",
        prev.iter().map(|v| v.due_on).collect::<Vec<_>>()
    );
    for w in prev.windows(2) {
        assert_eq!((w[1].due_on - w[0].due_on).num_days(), 28);
    }
    let cal = &s[&1].calendar;
    for v in &visits {
        assert!(cal.is_business_day(v.slot.date), "{v:?}");
        assert!(cal.is_open_at(v.slot.planned_for), "{v:?}");
        assert!((v.slot.date - v.due_on).num_days().abs() <= 7);
        assert_eq!(v.slot.technician_id, Some(7));
    }
    // Christmas Eve/Day and Boxing Day are Finnish holidays: never planned.
    assert!(visits
        .iter()
        .all(|v| !(v.slot.date.month() == 12 && (24..=26).contains(&v.slot.date.day()))));
    let insp: Vec<_> = visits
        .iter()
        .filter(|v| v.kind == VisitKind::Inspection)
        .collect();
    assert_eq!(insp.len(), 1);
    assert_eq!(insp[0].due_on, d(2027, 3, 15));
    assert!(
        insp[0].slot.date <= insp[0].due_on,
        "inspections happen before the certificate lapses"
    );
    assert_eq!(out.unassigned, 0);
}

#[test]
fn use_based_plans_fire_earlier_on_a_busy_unit() {
    let s = sites(vec![site(1, "FI", &[])]);
    let techs = [tech(7, "FI", &[UnitKind::Elevator])];
    let quiet = unit(1, 1, UnitKind::Elevator, 8, Some(30_000));
    let mut busy = unit(2, 1, UnitKind::Elevator, 8, Some(30_000));
    busy.usage = Usage {
        starts_since_base: 12_000,
        starts_per_day: 1_200.0,
    };
    let out = run(&[quiet, busy], &s, &techs, &[]);
    let first = |id| {
        created(&out)
            .into_iter()
            .find(|v| v.unit_id == id && v.kind == VisitKind::Preventive)
            .unwrap()
            .clone()
    };
    let (q, b) = (first(1), first(2));
    assert_eq!(q.reason, DueReason::Time);
    assert_eq!(q.due_on, d(2027, 1, 5));
    assert_eq!(b.reason, DueReason::Use);
    // 18,000 starts left at 1,200 a day: 15 days.
    assert_eq!(b.due_on, today() + Duration::days(15));
    let count = |id| {
        created(&out)
            .iter()
            .filter(|v| v.unit_id == id && v.kind == VisitKind::Preventive)
            .count()
    };
    // Every 25 days instead of every 56.
    assert!(count(2) > 2 * count(1), "{} vs {}", count(2), count(1));
}

#[test]
fn a_missed_visit_is_caught_up_the_next_allowed_day() {
    let s = sites(vec![site(1, "FI", &[])]);
    let techs = [tech(7, "FI", &[UnitKind::Elevator])];
    let mut u = unit(1, 1, UnitKind::Elevator, 4, None);
    u.history.last_preventive = Some(d(2026, 10, 1));
    u.history.last_missed_preventive = Some(d(2026, 11, 20));
    let out = run(&[u], &s, &techs, &[]);
    let first = created(&out)
        .into_iter()
        .find(|v| v.kind == VisitKind::Preventive)
        .unwrap()
        .clone();
    assert_eq!(first.reason, DueReason::CatchUp);
    assert_eq!(first.due_on, d(2026, 11, 21));
    // 21 Nov is a Saturday and the past: the first slot is today, Monday.
    assert_eq!(first.slot.date, today());
}

#[test]
fn a_run_after_the_day_began_books_nothing_into_it() {
    let s = sites(vec![site(1, "FI", &[])]);
    let techs = [tech(7, "FI", &[UnitKind::Elevator])];
    let mut u = unit(1, 1, UnitKind::Elevator, 4, None);
    u.history.last_preventive = Some(d(2026, 10, 1));
    u.history.last_missed_preventive = Some(d(2026, 11, 20));
    let config = Config::default();
    let at = |hour: u32| {
        let out = schedule(&Request {
            today: today(),
            now: Some(today().and_hms_opt(hour, 0, 0).unwrap().and_utc()),
            units: std::slice::from_ref(&u),
            sites: &s,
            technicians: &techs,
            existing: &[],
            config: &config,
        });
        created(&out)
            .into_iter()
            .find(|v| v.kind == VisitKind::Preventive)
            .map(|v| v.slot.clone())
            .unwrap()
    };
    // Before the working day opens, the catch-up takes today...
    let early = at(3);
    assert_eq!(early.date, today());
    // ...after it opened, the next working day, never hours already past.
    let late = at(12);
    assert_eq!(late.date, today() + Duration::days(1));
    assert!(late.planned_for > today().and_hms_opt(12, 0, 0).unwrap().and_utc());
}

#[test]
fn rerunning_changes_nothing_and_a_plan_change_moves_visits() {
    let s = sites(vec![site(1, "FI", &[]), site(2, "SE", &[])]);
    let techs = [
        tech(7, "FI", &[UnitKind::Elevator, UnitKind::Door]),
        tech(8, "SE", &[UnitKind::Elevator]),
    ];
    let mut units = vec![
        unit(1, 1, UnitKind::Elevator, 4, None),
        unit(2, 1, UnitKind::Door, 13, None),
        unit(3, 2, UnitKind::Elevator, 8, None),
    ];
    let mut id = 0;
    let first = run(&units, &s, &techs, &[]);
    let stored = apply(&[], &first, &mut id);
    let again = run(&units, &s, &techs, &stored);
    assert!(again.changes.is_empty(), "{:?}", again.changes);
    assert_eq!(again.kept, stored.len());
    // Territory: the Swedish unit gets the Swedish technician.
    assert!(stored
        .iter()
        .all(|v| v.technician_id == Some(if v.unit_id == 3 { 8 } else { 7 })));

    units[0].plan.interval_weeks = 6;
    units[0].plan.since = today();
    let changed = run(&units, &s, &techs, &stored);
    assert!(!changed.changes.is_empty());
    assert!(changed.changes.iter().all(|c| match c {
        Change::Create(v) | Change::Move { visit: v, .. } => v.unit_id == 1,
        Change::Cancel { unit_id, .. } => *unit_id == 1,
    }));
    let stored = apply(&stored, &changed, &mut id);
    let gaps: Vec<i64> = {
        let mut dues: Vec<_> = stored
            .iter()
            .filter(|v| v.unit_id == 1 && v.kind == VisitKind::Preventive)
            .map(|v| v.due_on.unwrap())
            .collect();
        dues.sort();
        dues.windows(2).map(|w| (w[1] - w[0]).num_days()).collect()
    };
    assert!(gaps.iter().all(|g| *g == 42), "{gaps:?}");
    assert!(run(&units, &s, &techs, &stored).changes.is_empty());
}

#[test]
fn modernization_restarts_the_chain() {
    let s = sites(vec![site(1, "FI", &[])]);
    let techs = [tech(7, "FI", &[UnitKind::Elevator])];
    let mut u = unit(1, 1, UnitKind::Elevator, 12, None);
    let mut id = 0;
    let stored = apply(&[], &run(&[u.clone()], &s, &techs, &[]), &mut id);
    u.history.modernized_on = Some(d(2026, 11, 20));
    let out = run(&[u], &s, &techs, &stored);
    let dues: Vec<NaiveDate> = out
        .changes
        .iter()
        .filter_map(|c| match c {
            Change::Create(v) | Change::Move { visit: v, .. } => Some(v.due_on),
            Change::Cancel { .. } => None,
        })
        .collect();
    assert!(
        dues.contains(&d(2027, 2, 12)),
        "12 weeks after modernization: {dues:?}"
    );
    assert!(
        dues.contains(&d(2027, 11, 20)),
        "inspection a year after: {dues:?}"
    );
}

#[test]
fn skills_blackouts_and_unassigned_visits() {
    let blackout: Vec<NaiveDate> = (0..10)
        .map(|i| d(2026, 12, 1) + Duration::days(i))
        .collect();
    let s = sites(vec![site(1, "FI", &blackout)]);
    let techs = [tech(7, "FI", &[UnitKind::Door])];
    let mut u = unit(1, 1, UnitKind::Elevator, 4, None);
    u.history.last_preventive = Some(d(2026, 11, 6));
    let out = run(&[u], &s, &techs, &[]);
    let visits = created(&out);
    assert!(visits.iter().all(|v| v.slot.technician_id.is_none()));
    assert_eq!(out.unassigned, visits.len());
    // Due 4 Dec inside the 1–10 Dec blackout: the nearest open day in the
    // window is Monday 30 Nov (4 days early) rather than Friday 11 Dec (7 late).
    assert_eq!(visits[0].due_on, d(2026, 12, 4));
    assert_eq!(visits[0].slot.date, d(2026, 11, 30));
    assert!(visits.iter().all(|v| !blackout.contains(&v.slot.date)));
}

#[test]
fn weekly_load_is_balanced_between_technicians() {
    let s = sites(vec![site(1, "US", &[])]);
    let techs: Vec<Technician> = (1..=3)
        .map(|i| tech(i, "US", &[UnitKind::Elevator]))
        .collect();
    let units: Vec<UnitPlan> = (1..=60)
        .map(|i| {
            let mut u = unit(i, 1, UnitKind::Elevator, 4, None);
            u.history.last_preventive = Some(d(2026, 11, 1) + Duration::days(i % 20));
            u
        })
        .collect();
    let out = run(&units, &s, &techs, &[]);
    let mut per_tech_week: BTreeMap<(i64, u32), u32> = BTreeMap::new();
    for v in created(&out) {
        let t = v.slot.technician_id.unwrap();
        *per_tech_week
            .entry((t, v.slot.date.iso_week().week()))
            .or_default() += 1;
    }
    let mut by_week: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for ((_, w), n) in per_tech_week {
        by_week.entry(w).or_default().push(n);
    }
    for (w, loads) in by_week {
        if loads.len() == 3 {
            let (lo, hi) = (loads.iter().min().unwrap(), loads.iter().max().unwrap());
            assert!(hi - lo <= 2, "week {w}: {loads:?}");
        }
    }
}

fn arb_units() -> impl Strategy<Value = Vec<UnitPlan>> {
    prop::collection::vec(
        (
            0usize..3,
            1u32..26,
            prop::option::of(5_000u64..60_000),
            0u64..40_000,
            0u32..2_000,
            0i64..200,
            any::<bool>(),
        ),
        1..25,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (k, weeks, starts, since_base, rate, back, missed))| {
                let kind = UnitKind::ALL[k];
                let mut u = unit(i as i64 + 1, 1 + (i as i64 % 2), kind, weeks, starts);
                u.history.last_preventive = Some(today() - Duration::days(back));
                if missed {
                    u.history.last_missed_preventive = Some(today() - Duration::days(back / 2));
                }
                u.usage = Usage {
                    starts_since_base: since_base,
                    starts_per_day: f64::from(rate),
                };
                u
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn scheduling_is_deterministic_and_idempotent(units in arb_units(), ntech in 0usize..4) {
        let s = sites(vec![site(1, "FI", &[]), site(2, "SE", &[d(2027, 1, 5)])]);
        let techs: Vec<Technician> = (0..ntech)
            .map(|i| tech(i as i64 + 1, if i % 2 == 0 { "FI" } else { "SE" }, &UnitKind::ALL[..=(i % 3)]))
            .collect();
        let first = run(&units, &s, &techs, &[]);
        prop_assert_eq!(&first, &run(&units, &s, &techs, &[]));
        let mut id = 0;
        let stored = apply(&[], &first, &mut id);
        let again = run(&units, &s, &techs, &stored);
        prop_assert!(again.changes.is_empty(), "{:?}", again.changes);
        for v in &stored {
            let site = &s[&(1 + ((v.unit_id - 1) % 2))];
            prop_assert!(site.calendar.is_business_day(v.date));
            prop_assert!(v.date >= today());
        }
    }
}
