//! A scripted day at the desk: ~200 cases in Helsinki, New York and
//! Singapore on Wednesday 25 November 2026, the eve of US Thanksgiving,
//! played with a simulated clock advanced minute by minute (pure, no sleeps).
//! The server is "down" from 08:40Z to 09:20Z to check that escalations
//! that fell due meanwhile fire exactly once at restart.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, Duration, NaiveTime, TimeZone, Utc};
use chrono_tz::{America::New_York, Asia::Singapore, Europe::Helsinki, Tz};
use hoistway_desk::{
    evaluate, sla_state, BusinessCalendar, ContractTier, Country, EscalationAck, EscalationKind,
    EscalationPolicy, HoldInterval, HoldKind, Priority, Role, SentEscalation, SlaCase, SlaPolicies,
    SlaState,
};

const ZONES: [(Tz, Country); 3] = [
    (Helsinki, Country::Fi),
    (New_York, Country::Us),
    (Singapore, Country::Sg),
];

fn z(h: u32, m: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, h, m, 0).unwrap()
}

fn local(tz: Tz, d: u32, h: u32, m: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(2026, 11, d, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

struct Scripted {
    name: String,
    zone: usize,
    tier: ContractTier,
    case: SlaCase,
    acks: Vec<EscalationAck>,
}

struct Fired {
    case: usize,
    kind: EscalationKind,
    due_at: DateTime<Utc>,
    fired_at: DateTime<Utc>,
    roles: Vec<Role>,
}

fn emergency(opened: DateTime<Utc>, entrapment: bool) -> SlaCase {
    SlaCase {
        priority: Priority::Emergency,
        opened_at: opened,
        entrapment,
        on_site_at: None,
        resolved_at: None,
        holds: vec![],
    }
}

fn plain(priority: Priority, opened: DateTime<Utc>) -> SlaCase {
    SlaCase {
        priority,
        ..emergency(opened, false)
    }
}

/// Deterministic pseudo-random numbers (no dependency, same every run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn named_cases() -> Vec<Scripted> {
    let mut a = emergency(local(Helsinki, 25, 9, 0), true);
    a.on_site_at = Some(local(Helsinki, 25, 12, 5));
    let b = emergency(local(Helsinki, 25, 9, 0), true);
    let mut c = emergency(local(New_York, 25, 9, 0), true);
    c.on_site_at = Some(local(New_York, 25, 9, 40));
    c.resolved_at = Some(local(New_York, 25, 11, 0));
    let d = plain(Priority::Routine, local(New_York, 25, 10, 0));
    let d_fi = plain(Priority::Routine, local(Helsinki, 25, 10, 0));
    let e = plain(Priority::Urgent, local(New_York, 25, 18, 0));
    let f = plain(Priority::Urgent, local(Singapore, 25, 9, 0));
    let mut h = plain(Priority::Urgent, local(Helsinki, 25, 9, 0));
    h.holds.push(HoldInterval {
        kind: HoldKind::WaitingForCustomer,
        from: local(Helsinki, 25, 12, 0),
        until: Some(local(Helsinki, 25, 14, 0)),
    });
    let s = |name: &str, zone, tier, case, acks| Scripted {
        name: name.into(),
        zone,
        tier,
        case,
        acks,
    };
    vec![
        s(
            "A entrapment, technician at 12:05",
            0,
            ContractTier::Standard,
            a,
            vec![],
        ),
        s(
            "B entrapment, acked 09:50",
            0,
            ContractTier::Standard,
            b,
            vec![EscalationAck {
                kind: EscalationKind::Entrapment,
                at: local(Helsinki, 25, 9, 50),
            }],
        ),
        s(
            "C entrapment, technician at 09:40",
            1,
            ContractTier::Comprehensive,
            c,
            vec![],
        ),
        s(
            "D routine before Thanksgiving",
            1,
            ContractTier::Comprehensive,
            d,
            vec![],
        ),
        s(
            "D' routine in Helsinki",
            0,
            ContractTier::Comprehensive,
            d_fi,
            vec![],
        ),
        s(
            "E urgent after hours before Thanksgiving",
            1,
            ContractTier::Basic,
            e,
            vec![],
        ),
        s(
            "F urgent in Singapore, breach during downtime",
            2,
            ContractTier::Standard,
            f,
            vec![],
        ),
        s(
            "H urgent on customer hold",
            0,
            ContractTier::Standard,
            h,
            vec![],
        ),
    ]
}

fn generated_cases(n: usize) -> Vec<Scripted> {
    let mut rng = Lcg(0x5eed);
    (0..n)
        .map(|i| {
            let zone = i % 3;
            let opened = z(0, 0) + Duration::minutes(rng.next(22 * 60) as i64);
            let roll = rng.next(100);
            let priority = match roll {
                0..=19 => Priority::Emergency,
                20..=49 => Priority::Urgent,
                _ => Priority::Routine,
            };
            let entrapment = priority == Priority::Emergency && rng.next(2) == 0;
            let tier = ContractTier::ALL[rng.next(3) as usize];
            let mut case = plain(priority, opened);
            case.entrapment = entrapment;
            if rng.next(3) > 0 {
                let on_site = opened + Duration::minutes(10 + rng.next(300) as i64);
                case.on_site_at = Some(on_site);
                if rng.next(2) == 0 {
                    case.resolved_at = Some(on_site + Duration::minutes(5 + rng.next(240) as i64));
                }
            }
            if rng.next(10) == 0 {
                let from = opened + Duration::minutes(20);
                case.holds.push(HoldInterval {
                    kind: HoldKind::WaitingForCustomer,
                    from,
                    until: Some(from + Duration::minutes(30 + rng.next(120) as i64)),
                });
            }
            let mut acks = vec![];
            if entrapment && rng.next(3) == 0 {
                acks.push(EscalationAck {
                    kind: EscalationKind::Entrapment,
                    at: opened + Duration::minutes(46 + rng.next(30) as i64),
                });
            }
            Scripted {
                name: format!("generated #{i}"),
                zone,
                tier,
                case,
                acks,
            }
        })
        .collect()
}

struct Run {
    cases: Vec<Scripted>,
    fired: Vec<Fired>,
    /// Per case: first instant each response state was seen.
    first_seen: Vec<BTreeMap<SlaState, DateTime<Utc>>>,
}

const DOWN_FROM: (u32, u32) = (8, 40);
const DOWN_UNTIL: (u32, u32) = (9, 20);

fn is_down(t: DateTime<Utc>) -> bool {
    t >= z(DOWN_FROM.0, DOWN_FROM.1) && t < z(DOWN_UNTIL.0, DOWN_UNTIL.1)
}

fn play() -> Run {
    let calendars: Vec<BusinessCalendar> = ZONES
        .iter()
        .map(|(tz, c)| BusinessCalendar::standard(*tz, Some(*c)))
        .collect();
    let policies = SlaPolicies::default();
    let esc = EscalationPolicy::default();
    let mut cases = named_cases();
    cases.extend(generated_cases(192));
    let mut history: Vec<Vec<SentEscalation>> = vec![vec![]; cases.len()];
    let mut fired = vec![];
    let mut first_seen = vec![BTreeMap::new(); cases.len()];
    let mut now = z(0, 0);
    let end = z(0, 0) + Duration::days(1);
    while now < end {
        if !is_down(now) {
            for (i, s) in cases.iter().enumerate() {
                if s.case.opened_at > now || s.case.resolved_at.is_some_and(|r| r <= now) {
                    continue;
                }
                let acks: Vec<EscalationAck> =
                    s.acks.iter().copied().filter(|a| a.at <= now).collect();
                let tick = evaluate(
                    &s.case,
                    policies.for_tier(s.tier),
                    &esc,
                    &calendars[s.zone],
                    &history[i],
                    &acks,
                    now,
                );
                first_seen[i].entry(tick.sla.response_state).or_insert(now);
                if let Some(w) = tick.next_wake {
                    assert!(w > now, "{}: wake {w} not after now {now}", s.name);
                }
                for e in tick.escalations {
                    history[i].push((&e).into());
                    fired.push(Fired {
                        case: i,
                        kind: e.kind,
                        due_at: e.due_at,
                        fired_at: now,
                        roles: e.target_roles,
                    });
                }
            }
        }
        now += Duration::minutes(1);
    }
    Run {
        cases,
        fired,
        first_seen,
    }
}

fn fired_for(run: &Run, case: usize, kind: EscalationKind) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    run.fired
        .iter()
        .filter(|f| f.case == case && f.kind == kind)
        .map(|f| (f.due_at, f.fired_at))
        .collect()
}

#[test]
fn scripted_day() {
    let run = play();
    assert_eq!(run.cases.len(), 200);
    let hki = |h, m| local(Helsinki, 25, h, m);

    // A: entrapment opened 09:00 Helsinki (07:00Z) escalates to the duty
    // manager at 09:45 exactly and every 15 min after; the 10:45, 11:00 and
    // 11:15 occurrences fall in the downtime and collapse into one send at
    // restart (11:20); the technician arrives 12:05, so 12:00 is the last.
    let a = fired_for(&run, 0, EscalationKind::Entrapment);
    let expected_due = [
        hki(9, 45),
        hki(10, 0),
        hki(10, 15),
        hki(10, 30),
        hki(11, 15),
        hki(11, 30),
        hki(11, 45),
        hki(12, 0),
    ];
    assert_eq!(a.iter().map(|x| x.0).collect::<Vec<_>>(), expected_due);
    assert_eq!(a[4].1, hki(11, 20), "missed occurrence fires at restart");
    assert!(
        a.iter()
            .enumerate()
            .all(|(i, (due, at))| i == 4 || due == at),
        "on time otherwise"
    );
    let first = run
        .fired
        .iter()
        .find(|f| f.case == 0 && f.kind == EscalationKind::Entrapment)
        .unwrap();
    assert_eq!(first.roles, vec![Role::DutyManager]);
    // A's response: at risk 09:45 to the operator, breach 10:00 to duty manager and property manager.
    let risk = run
        .fired
        .iter()
        .find(|f| f.case == 0 && f.kind == EscalationKind::ResponseAtRisk)
        .unwrap();
    assert_eq!(
        (risk.fired_at, risk.roles.clone()),
        (hki(9, 45), vec![Role::Operator])
    );
    let breach = run
        .fired
        .iter()
        .find(|f| f.case == 0 && f.kind == EscalationKind::ResponseBreached)
        .unwrap();
    assert_eq!(
        (breach.fired_at, breach.roles.clone()),
        (hki(10, 0), vec![Role::DutyManager, Role::PropertyManager])
    );
    assert_eq!(run.first_seen[0][&SlaState::AtRisk], hki(9, 45));
    assert_eq!(run.first_seen[0][&SlaState::Breached], hki(10, 0));

    // B: acknowledged at 09:50 → no repeat at 10:00.
    assert_eq!(
        fired_for(&run, 1, EscalationKind::Entrapment),
        vec![(hki(9, 45), hki(9, 45))]
    );

    // C: technician on site after 40 min → no escalation at all.
    assert!(run.fired.iter().all(|f| f.case != 2), "C escalated");
    assert!(!run.first_seen[2].contains_key(&SlaState::AtRisk));

    // D: routine, comprehensive (1 business day) opened on the eve of
    // Thanksgiving in New York → due Friday 27th at close, not Thursday.
    let us = BusinessCalendar::standard(New_York, Some(Country::Us));
    let fi = BusinessCalendar::standard(Helsinki, Some(Country::Fi));
    let pol = SlaPolicies::default();
    let d = sla_state(&run.cases[3].case, &pol.comprehensive, &us, z(16, 0));
    assert_eq!(d.response_due, local(New_York, 27, 17, 0));
    let d_fi = sla_state(&run.cases[4].case, &pol.comprehensive, &fi, z(16, 0));
    assert_eq!(
        d_fi.response_due,
        local(Helsinki, 26, 17, 0),
        "no holiday in Finland"
    );
    // E: urgent after hours on the eve → end of the next business day = Friday.
    let e = sla_state(&run.cases[5].case, &pol.basic, &us, z(23, 30));
    assert_eq!(e.response_due, local(New_York, 27, 17, 0));

    // F: urgent in Singapore at 09:00 → due 17:00 (09:00Z), at risk from
    // 15:00 (07:00Z). The breach falls in the downtime: one send at restart.
    let f = &run.cases[6];
    assert_eq!(
        run.first_seen[6][&SlaState::AtRisk],
        local(Singapore, 25, 15, 0)
    );
    let f_risk = fired_for(&run, 6, EscalationKind::ResponseAtRisk);
    assert_eq!(f_risk[0], (z(7, 0), z(7, 0)));
    let f_breach = fired_for(&run, 6, EscalationKind::ResponseBreached);
    assert_eq!(f_breach[0], (z(9, 15), z(9, 20)));
    assert_eq!(f_breach[1], (z(9, 30), z(9, 30)));
    let sg = BusinessCalendar::standard(Singapore, Some(Country::Sg));
    assert_eq!(
        sla_state(&f.case, &pol.standard, &sg, z(8, 59)).response_state,
        SlaState::AtRisk
    );
    assert_eq!(
        sla_state(&f.case, &pol.standard, &sg, z(9, 0)).response_state,
        SlaState::Breached
    );

    // H: urgent in Helsinki at 09:00, due 17:00; a 2 h customer hold
    // (12:00–14:00) pushes it to 10:00 on the next business day (it ends at
    // close otherwise) and its at-risk escalation to 08:00 the next day, so
    // nothing fires today.
    let h = sla_state(&run.cases[7].case, &pol.standard, &fi, z(20, 0));
    assert_eq!(h.response_due, local(Helsinki, 26, 10, 0));
    assert!(
        run.fired.iter().all(|f| f.case != 7),
        "H escalated while its due moved"
    );

    check_invariants(&run);
}

fn check_invariants(run: &Run) {
    let pol = SlaPolicies::default();
    let calendars: Vec<BusinessCalendar> = ZONES
        .iter()
        .map(|(tz, c)| BusinessCalendar::standard(*tz, Some(*c)))
        .collect();
    let restart = z(DOWN_UNTIL.0, DOWN_UNTIL.1);

    // Never the same occurrence twice.
    let mut seen = HashSet::new();
    for f in &run.fired {
        assert!(
            seen.insert((f.case, f.kind, f.due_at)),
            "duplicate {:?} for {}",
            f.kind,
            run.cases[f.case].name
        );
        // On time, or at restart for what fell due while down.
        assert!(
            f.fired_at == f.due_at || (f.fired_at == restart && is_down(f.due_at)),
            "{} {:?} due {} fired {}",
            run.cases[f.case].name,
            f.kind,
            f.due_at,
            f.fired_at
        );
    }

    let mut entrapments_checked = 0;
    let mut business_dues_checked = 0;
    for (i, s) in run.cases.iter().enumerate() {
        let c = &s.case;
        let responded = c.responded_at(z(23, 59) + Duration::days(30));
        let tiers = pol.for_tier(s.tier);
        let snap = sla_state(c, tiers, &calendars[s.zone], c.opened_at);
        match c.priority {
            Priority::Emergency => {
                // 60 minutes, 24/7, whatever the calendar (no hold before 20 min).
                assert_eq!(
                    snap.response_due,
                    c.opened_at + Duration::minutes(60),
                    "{}",
                    s.name
                );
            }
            _ => {
                // Business-day promises end at 17:00 local on a business day.
                let due_local = snap.response_due.with_timezone(&ZONES[s.zone].0);
                assert_eq!(
                    due_local.time(),
                    NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
                    "{}",
                    s.name
                );
                assert!(
                    calendars[s.zone].is_business_day(due_local.date_naive()),
                    "{}",
                    s.name
                );
                if s.zone == 1 {
                    assert!(
                        !(due_local.month() == 11 && due_local.day() == 26),
                        "due on Thanksgiving: {}",
                        s.name
                    );
                }
                business_dues_checked += 1;
            }
        }

        // Entrapment: first escalation exactly 45 min after opening unless the
        // technician was there by then; none after arrival or after an ack.
        if c.entrapment {
            let t0 = c.opened_at + Duration::minutes(45);
            let fired = fired_for(run, i, EscalationKind::Entrapment);
            let arrived_in_time = responded.is_some_and(|r| r <= t0);
            if t0 < z(0, 0) + Duration::days(1)
                && !is_down(t0)
                && !arrived_in_time
                && c.resolved_at.is_none_or(|r| r > t0)
            {
                assert_eq!(fired.first().map(|x| x.1), Some(t0), "{}", s.name);
                entrapments_checked += 1;
            }
            if arrived_in_time {
                assert!(fired.is_empty(), "{}", s.name);
            }
            for (due, at) in &fired {
                assert_eq!((*due - t0).num_minutes() % 15, 0, "{}", s.name);
                assert!(
                    responded.is_none_or(|r| *at < r),
                    "{} fired after arrival",
                    s.name
                );
                assert!(
                    s.acks.iter().all(|a| *at < a.at || a.at < t0),
                    "{} fired after ack",
                    s.name
                );
            }
            // Without interference, consecutive sends are exactly 15 min apart.
            for w in fired.windows(2) {
                if w[1].1 != restart {
                    assert_eq!(w[1].0 - w[0].0, Duration::minutes(15), "{}", s.name);
                }
            }
        }

        // Response states progress forward only: on_track → at_risk → breached.
        let seen = &run.first_seen[i];
        if let (Some(r), Some(b)) = (seen.get(&SlaState::AtRisk), seen.get(&SlaState::Breached)) {
            assert!(r < b, "{}", s.name);
        }
        if c.holds.is_empty() && !is_down(snap.response_at_risk_from) {
            if let Some(r) = seen.get(&SlaState::AtRisk) {
                assert_eq!(
                    *r,
                    snap.response_at_risk_from.max(c.opened_at),
                    "{}",
                    s.name
                );
            }
        }
        // Breach escalations go to the duty manager and property manager.
        for f in run
            .fired
            .iter()
            .filter(|f| f.case == i && f.kind == EscalationKind::ResponseBreached)
        {
            assert!(
                f.due_at >= snap.response_due || !c.holds.is_empty(),
                "{}",
                s.name
            );
            assert_eq!(f.roles, vec![Role::DutyManager, Role::PropertyManager]);
        }
    }
    assert!(
        entrapments_checked >= 5,
        "only {entrapments_checked} entrapments exercised the 45-min rule"
    );
    assert!(business_dues_checked >= 100, "{business_dues_checked}");
    let kinds: HashSet<EscalationKind> = run.fired.iter().map(|f| f.kind).collect();
    assert!(kinds.len() >= 4, "{kinds:?}");
}
