//! Scheduling 13 months for 10,000 units in 1,000 buildings in four
//! countries with 80 technicians: a first run from nothing, and the daily
//! re-run over the stored result (which must change nothing).

use chrono::{Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use hoistway_desk::{BusinessCalendar, Country};
use hoistway_domain::fleet::UnitKind;
use hoistway_maintenance::schedule::{
    schedule, Change, Config, ExistingVisit, History, Request, Site, Technician, UnitPlan,
};
use hoistway_maintenance::{PlanRule, Usage, VisitStatus};
use std::collections::BTreeMap;

fn fleet() -> (
    Vec<UnitPlan>,
    BTreeMap<i64, Site>,
    Vec<Technician>,
    NaiveDate,
) {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let countries = [
        ("FI", chrono_tz::Europe::Helsinki, Country::Fi),
        ("DE", chrono_tz::Europe::Berlin, Country::De),
        ("US", chrono_tz::America::New_York, Country::Us),
        ("GB", chrono_tz::Europe::London, Country::Gb),
    ];
    let sites: BTreeMap<i64, Site> = (0..1000)
        .map(|i| {
            let (code, tz, c) = countries[i % 4];
            let site = Site {
                id: i as i64,
                country: code.into(),
                region: None,
                calendar: BusinessCalendar::standard(tz, Some(c)),
            };
            (i as i64, site)
        })
        .collect();
    let techs = (0..80)
        .map(|i| Technician {
            id: i,
            countries: vec![countries[i as usize % 4].0.into()],
            regions: vec![],
            skills: if i % 5 == 0 {
                vec![UnitKind::Door]
            } else {
                UnitKind::ALL.to_vec()
            },
            weekly_capacity_min: 35 * 60,
        })
        .collect();
    let units = (0..10_000)
        .map(|i| {
            let kind = UnitKind::ALL[[0, 0, 0, 1, 2][i % 5]];
            UnitPlan {
                unit_id: i as i64,
                site_id: (i / 10) as i64,
                kind,
                plan: PlanRule {
                    interval_weeks: [4, 8, 12][i % 3],
                    interval_starts: (kind == UnitKind::Elevator).then_some(30_000),
                    inspection_months: Some(12),
                    anchor: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                    since: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
                    until: None,
                },
                history: History {
                    last_preventive: Some(today - Duration::days((i % 60) as i64)),
                    last_inspection: Some(today - Duration::days((i % 360) as i64)),
                    ..History::default()
                },
                usage: Usage {
                    starts_since_base: (i % 7) as u64 * 1000,
                    starts_per_day: (i % 9) as f64 * 150.0,
                },
            }
        })
        .collect();
    (units, sites, techs, today)
}

fn stored(out: &[Change]) -> Vec<ExistingVisit> {
    out.iter()
        .enumerate()
        .filter_map(|(i, c)| match c {
            Change::Create(v) => Some(ExistingVisit {
                id: i as i64,
                unit_id: v.unit_id,
                kind: v.kind,
                status: VisitStatus::Planned,
                due_on: Some(v.due_on),
                date: v.slot.date,
                planned_for: v.slot.planned_for,
                duration_min: v.slot.duration_min,
                technician_id: v.slot.technician_id,
                pinned: false,
            }),
            _ => None,
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let (units, sites, techs, today) = fleet();
    let config = Config::default();
    let req = Request {
        today,
        now: None,
        units: &units,
        sites: &sites,
        technicians: &techs,
        existing: &[],
        config: &config,
    };
    let first = schedule(&req);
    let existing = stored(&first.changes);
    eprintln!(
        "10,000 units: {} visits planned over 13 months, {} unassigned",
        first.changes.len(),
        first.unassigned
    );
    let rerun = schedule(&Request {
        existing: &existing,
        ..req.clone()
    });
    assert!(rerun.changes.is_empty(), "re-run must change nothing");
    let mut g = c.benchmark_group("schedule_13_months_10k_units");
    g.sample_size(10);
    g.bench_function("first_run", |b| b.iter(|| schedule(&req)));
    g.bench_function("rerun_no_changes", |b| {
        b.iter(|| {
            schedule(&Request {
                existing: &existing,
                ..req.clone()
            })
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
