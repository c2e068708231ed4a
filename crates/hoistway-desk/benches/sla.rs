//! One timer tick over 10k open cases: SLA state plus due escalations,
//! spread over four building calendars (FI, US, SG, DE).

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use hoistway_desk::{
    evaluate, BusinessCalendar, ContractTier, Country, EscalationPolicy, HoldInterval, HoldKind,
    Priority, SentEscalation, SlaCase, SlaPolicies,
};

struct Open {
    calendar: usize,
    tier: ContractTier,
    case: SlaCase,
    history: Vec<SentEscalation>,
}

fn fleet(n: usize, now: DateTime<Utc>) -> Vec<Open> {
    let mut x: u64 = 42;
    let mut next = |m: u64| {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (x >> 33) % m
    };
    (0..n)
        .map(|i| {
            let priority = [
                Priority::Emergency,
                Priority::Urgent,
                Priority::Routine,
                Priority::Routine,
            ][i % 4];
            let opened = now - Duration::minutes(next(5 * 24 * 60) as i64);
            let mut case = SlaCase {
                priority,
                opened_at: opened,
                entrapment: priority == Priority::Emergency && next(2) == 0,
                on_site_at: None,
                resolved_at: None,
                holds: vec![],
            };
            if next(3) == 0 {
                case.on_site_at = Some(opened + Duration::minutes(30 + next(600) as i64));
            }
            if next(8) == 0 {
                case.holds.push(HoldInterval {
                    kind: HoldKind::WaitingForCustomer,
                    from: opened + Duration::minutes(10),
                    until: if next(2) == 0 {
                        None
                    } else {
                        Some(opened + Duration::minutes(200))
                    },
                });
            }
            Open {
                calendar: i % 4,
                tier: ContractTier::ALL[i % 3],
                case,
                history: vec![],
            }
        })
        .collect()
}

fn tick(c: &mut Criterion) {
    let calendars = [
        BusinessCalendar::standard(chrono_tz::Europe::Helsinki, Some(Country::Fi)),
        BusinessCalendar::standard(chrono_tz::America::New_York, Some(Country::Us)),
        BusinessCalendar::standard(chrono_tz::Asia::Singapore, Some(Country::Sg)),
        BusinessCalendar::standard(chrono_tz::Europe::Berlin, Some(Country::De)),
    ];
    let policies = SlaPolicies::default();
    let esc = EscalationPolicy::default();
    let now = Utc.with_ymd_and_hms(2026, 12, 23, 14, 7, 0).unwrap();
    let cases = fleet(10_000, now);
    c.bench_function("tick_10k_open_cases", |b| {
        b.iter(|| {
            let mut due = 0usize;
            for o in &cases {
                let t = evaluate(
                    &o.case,
                    policies.for_tier(o.tier),
                    &esc,
                    &calendars[o.calendar],
                    &o.history,
                    &[],
                    black_box(now),
                );
                due += t.escalations.len();
            }
            black_box(due)
        })
    });
    c.bench_function("add_business_duration_5d", |b| {
        let cal = &calendars[0];
        b.iter(|| cal.add_business_duration(black_box(now), Duration::hours(40)))
    });
}

criterion_group!(benches, tick);
criterion_main!(benches);
