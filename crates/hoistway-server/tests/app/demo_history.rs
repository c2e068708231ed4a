//! The demo's seeded history keeps the domain's own rules, on both
//! backends: every case's timeline is a legal path of the desk's status
//! machine ending in its stored status, every settled SLA outcome
//! recomputes the same from the case's facts, invoices tile each contract's
//! periods without gaps or overlaps, and the figures a customer reads
//! (first-time fix, availability, calls, visits, rollups) are those of a
//! maintained fleet.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use hoistway_desk::{transition, Status};
use hoistway_domain::Scope;
use hoistway_store::cases::{self, sla, CaseFilter, Rules};
use hoistway_store::maintenance::export::{self, ExportFilter};
use hoistway_store::maintenance::visits::{self, VisitFilter};
use hoistway_store::testing::TestDb;
use hoistway_store::{contracts, invoices, rollups, units, Actor, Db, ListFilter};
use std::collections::{BTreeMap, HashSet};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 18, 9, 30, 0).unwrap()
}

fn status(s: &str) -> Status {
    serde_json::from_value(serde_json::Value::String(s.into())).unwrap()
}

async fn all_cases(db: &Db) -> Vec<cases::Case> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let f = CaseFilter {
            cursor: cursor.clone(),
            limit: Some(500),
            ..CaseFilter::default()
        };
        let page = cases::list(db, &Scope::All, &f).await.unwrap();
        out.extend(page.items);
        cursor = page.next_cursor;
        if cursor.is_none() {
            return out;
        }
    }
}

/// Replays a timeline through the status machine; returns the end state.
fn replay(entries: &[cases::timeline::TimelineEntry]) -> Result<Status, String> {
    let mut at = Status::New;
    for e in entries {
        match e.kind.as_str() {
            "status" => {
                let d = e.detail.as_ref().ok_or("status entry without detail")?;
                let from = status(d["from"].as_str().ok_or("no from")?);
                let to = status(d["to"].as_str().ok_or("no to")?);
                if from != at {
                    return Err(format!("entry says from {from} but the case was {at}"));
                }
                transition(from, to).map_err(|e| e.to_string())?;
                at = to;
            }
            // Assigning a new case dispatches it (the one implicit move).
            "assigned" if at == Status::New => {
                transition(at, Status::Dispatched).map_err(|e| e.to_string())?;
                at = Status::Dispatched;
            }
            _ => {}
        }
    }
    Ok(at)
}

#[tokio::test]
async fn seeded_history_keeps_the_domains_rules() {
    for t in TestDb::all().await {
        let db = &t.db;
        let actor = Actor {
            user_id: None,
            at: now(),
        };
        hoistway_demo::seed_with(db, actor, true).await.unwrap();
        let rules = Rules::default();
        let cases = all_cases(db).await;
        assert!(cases.len() > 150, "{}: {} cases", t.label, cases.len());

        // Every timeline is a legal path ending where the case is.
        for c in &cases {
            let entries = cases::timeline::list(db, c.id, true).await.unwrap();
            let end = replay(&entries).unwrap_or_else(|e| panic!("{}: {}: {e}", t.label, c.number));
            assert_eq!(end, status(&c.status), "{}: {}", t.label, c.number);
        }

        // Every settled SLA outcome recomputes the same.
        let (mut met, mut breached) = (0, 0);
        for c in cases
            .iter()
            .filter(|c| matches!(c.status.as_str(), "resolved" | "closed"))
        {
            let again = sla::recompute(db, &rules, c.id, c.updated_at)
                .await
                .unwrap();
            let stored = (
                c.sla.response.clone().unwrap_or_default(),
                c.sla.resolution.clone().unwrap_or_default(),
            );
            assert_eq!(again, stored, "{}: {}", t.label, c.number);
            for s in [&stored.0, &stored.1] {
                match s.as_str() {
                    "met" => met += 1,
                    "breached" => breached += 1,
                    _ => {}
                }
            }
        }
        assert!(
            breached > 0 && met > 10 * breached,
            "{}: {met} met, {breached} breached",
            t.label
        );

        // Channels, first-time fix, quotes, escalations, recurring faults.
        let channels: HashSet<&str> = cases.iter().map(|c| c.channel.as_str()).collect();
        for ch in ["phone", "portal", "mobile", "api", "connected"] {
            assert!(channels.contains(ch), "{}: no {ch} case", t.label);
        }
        let fixed: Vec<bool> = cases.iter().filter_map(|c| c.first_time_fix).collect();
        let ftf = fixed.iter().filter(|f| **f).count() as f64 / fixed.len() as f64;
        assert!(
            (0.75..=0.92).contains(&ftf),
            "{}: first-time fix {ftf}",
            t.label
        );
        let decisions: HashSet<&str> = cases
            .iter()
            .filter_map(|c| c.quote_decision.as_deref())
            .collect();
        assert!(
            decisions.contains("accepted") && decisions.contains("declined"),
            "{}: {decisions:?}",
            t.label
        );
        let mut escalated = 0;
        for c in &cases {
            escalated += sla::escalations(db, c.id).await.unwrap().len();
        }
        assert!(escalated > 0, "{}: no escalation in two years", t.label);
        // Recurring faults: the same unit calls with the same symptom again
        // within 30 days of the last one being closed.
        let mut per_symptom: BTreeMap<(Option<i64>, &str), Vec<&cases::Case>> = BTreeMap::new();
        for c in &cases {
            per_symptom
                .entry((c.unit_id, c.symptoms.as_str()))
                .or_default()
                .push(c);
        }
        let recurring = per_symptom
            .values()
            .filter(|v| {
                v.windows(2).any(|w| {
                    w[0].closed_at
                        .is_some_and(|closed| w[1].created_at - closed <= Duration::days(30))
                })
            })
            .count();
        assert!(recurring >= 2, "{}: {recurring} recurring faults", t.label);
        // Pre-emptive cases: one per (unit, signal).
        let preemptive: Vec<_> = cases.iter().filter(|c| c.channel == "connected").collect();
        let keys: HashSet<_> = preemptive
            .iter()
            .map(|c| (c.unit_id, c.symptoms.chars().take(60).collect::<String>()))
            .collect();
        assert_eq!(keys.len(), preemptive.len(), "{}", t.label);
        assert!(cases
            .iter()
            .all(|c| c.created_at >= now() - Duration::days(731) && c.created_at < now()));

        // Invoices tile each contract's periods: no gap, no overlap.
        let contracts = contracts::list(db, &Scope::All, &ListFilter::limited(500))
            .await
            .unwrap()
            .items;
        let invoices = invoices::list(db, &Scope::All, &ListFilter::limited(500), now())
            .await
            .unwrap()
            .items;
        assert!(!invoices.is_empty());
        for c in &contracts {
            let mut mine: Vec<_> = invoices.iter().filter(|i| i.contract_id == c.id).collect();
            mine.sort_by(|a, b| a.period_start.cmp(&b.period_start));
            assert!(
                !mine.is_empty(),
                "{}: contract {} has no invoice",
                t.label,
                c.id
            );
            for w in mine.windows(2) {
                let end: NaiveDate = w[0].period_end.parse().unwrap();
                let next: NaiveDate = w[1].period_start.parse().unwrap();
                assert_eq!(
                    end + Duration::days(1),
                    next,
                    "{}: contract {} {} then {}",
                    t.label,
                    c.id,
                    w[0].number,
                    w[1].number
                );
            }
        }

        // A connected lift ran every day of the last 30, with 99 %+ availability
        // over two years.
        let fleet = units::list(db, &Scope::All, &ListFilter::limited(500))
            .await
            .unwrap()
            .items;
        let lift = fleet.iter().find(|u| u.connected).unwrap();
        let days = rollups::list(
            db,
            &Scope::All,
            lift.id,
            "day",
            now() - Duration::days(730),
            now(),
        )
        .await
        .unwrap();
        let recent = days
            .iter()
            .filter(|d| d.start >= now() - Duration::days(30) && d.starts > 0)
            .count();
        assert!(recent >= 28, "{}: {recent} days with starts", t.label);
        // Its hourly history stops where the live twin's warm-up replays
        // the telemetry itself, so no hour is counted twice.
        let warm_up_from = now() - hoistway_demo::feed::WARM_UP;
        let hours = rollups::list(
            db,
            &Scope::All,
            lift.id,
            "hour",
            warm_up_from - Duration::days(1),
            now(),
        )
        .await
        .unwrap();
        assert!(
            hours.len() >= 12,
            "{}: {} hourly rows",
            t.label,
            hours.len()
        );
        assert!(
            hours.iter().all(|h| h.start < warm_up_from),
            "{}: an hourly history row inside the warm-up window",
            t.label
        );
        let (up, seen) = days
            .iter()
            .fold((0, 0), |(a, o), d| (a + d.available_ms, o + d.observed_ms));
        assert!(days.len() >= 725, "{}: {} daily rows", t.label, days.len());
        assert!(
            up as f64 / seen as f64 >= 0.99,
            "{}: availability {}",
            t.label,
            up as f64 / seen as f64
        );

        // Completed visits with their checklists and reports.
        let done = visits::all(
            db,
            &Scope::All,
            &VisitFilter {
                status: Some("completed".into()),
                ..VisitFilter::default()
            },
            5000,
        )
        .await
        .unwrap();
        assert!(
            done.len() > 50,
            "{}: {} completed visits",
            t.label,
            done.len()
        );
        // Planned maintenance covers the whole history, every unit in its
        // last year, and nothing was changed before it was created.
        let first_quarter = (hoistway_demo::history::start_of(now()) + Duration::days(91))
            .date_naive()
            .to_string();
        assert!(
            done.iter().any(|v| v.planned_date < first_quarter),
            "{}: no completed visit in the history's first quarter",
            t.label
        );
        let year_ago = (now() - Duration::days(365)).date_naive().to_string();
        let units = hoistway_store::units::list(db, &Scope::All, &ListFilter::limited(500))
            .await
            .unwrap()
            .items;
        for u in &units {
            assert!(
                done.iter()
                    .any(|v| v.unit_id == u.id && v.planned_date >= year_ago),
                "{}: {} has no completed visit in the last year",
                t.label,
                u.equipment_number
            );
        }
        let every = visits::all(db, &Scope::All, &VisitFilter::default(), 5000)
            .await
            .unwrap();
        for v in &every {
            assert!(
                v.updated_at >= v.created_at,
                "{}: visit {} changed before it was created",
                t.label,
                v.id
            );
        }
        let past_cancelled = every
            .iter()
            .filter(|v| v.status.as_str() == "cancelled" && v.planned_for < now())
            .count();
        // The replay plans as the daily job does, so a plan change now and
        // then, but no churn.
        assert!(
            past_cancelled * 100 <= done.len(),
            "{}: {past_cancelled} cancelled visits in the past",
            t.label
        );
        // Each unit's latest certificate is the record of its last
        // inspection; one inspection was missed, so one has expired.
        let certs = hoistway_store::maintenance::certificates::list(
            db,
            &Scope::All,
            &hoistway_store::maintenance::certificates::CertificateFilter {
                limit: Some(500),
                ..Default::default()
            },
            now().date_naive(),
        )
        .await
        .unwrap()
        .items;
        let today = now().date_naive().to_string();
        let mut latest: BTreeMap<i64, &hoistway_store::maintenance::certificates::Certificate> =
            BTreeMap::new();
        for c in &certs {
            let slot = latest.entry(c.unit_id).or_insert(c);
            if c.issued_on > slot.issued_on {
                *slot = c;
            }
        }
        let expired = latest.values().filter(|c| c.expires_on < today).count();
        assert_eq!(expired, 1, "{}: expired certificates", t.label);
        assert!(
            latest.values().all(|c| c.visit_id.is_some()),
            "{}: a latest certificate without its inspection visit",
            t.label
        );

        let v = &done[done.len() / 2];
        let report = hoistway_store::maintenance::completion::report(db, &Scope::All, v.id)
            .await
            .unwrap();
        assert!(report.checklist.iter().all(|e| e.outcome.is_some()));

        // The audit export has the calls and repairs.
        let f = ExportFilter {
            from: (now() - Duration::days(365)).date_naive().to_string(),
            to: now().date_naive().to_string(),
            unit_id: None,
            building_id: None,
        };
        let rows = export::rows(db, &Scope::All, &f).await.unwrap();
        assert!(rows
            .iter()
            .any(|r| r.record == "call" && !r.case_number.is_empty()));
        assert!(rows
            .iter()
            .any(|r| r.record == "repair" && !r.findings.is_empty()));

        // Dispatch suggestions replayed over the past (issue #21,
        // `hoistway evaluate dispatch`): the demo's rota leaves nobody
        // without someone on call, so every case gets an available top
        // suggestion with a prediction, and most of them meet the SLA.
        let f = hoistway_store::on_call::replay::replay(db).await.unwrap();
        assert_eq!(
            f.cases as usize,
            cases
                .iter()
                .filter(|c| c.sla.response_due.is_some())
                .count()
        );
        assert_eq!(f.top_predicted, f.cases, "{}: {f:?}", t.label);
        assert!(f.top_meets_share() > 50.0, "{}: {f:?}", t.label);
        assert!(f.top_meets_sla <= f.top_predicted, "{}: {f:?}", t.label);
        // Issue #21: the first lift's door faults are flagged, and its
        // analysis is in progress with one of three actions done.
        let flagged = hoistway_store::recurring::flagged(
            db,
            &Scope::All,
            None,
            hoistway_maintenance::recurring::Rule::default(),
            now(),
        )
        .await
        .unwrap();
        let door = flagged
            .iter()
            .find(|u| u.flags.iter().any(|f| f.family.as_str() == "door"))
            .unwrap_or_else(|| panic!("{}: no door flag in {flagged:?}", t.label));
        let rcas = hoistway_store::root_causes::list(db, &Scope::All, &Default::default())
            .await
            .unwrap()
            .items;
        assert_eq!(rcas.len(), 1, "{}", t.label);
        assert_eq!(rcas[0].unit_id, door.unit.unit_id);
        assert_eq!(rcas[0].status, "in_progress");
        assert_eq!((rcas[0].actions_done, rcas[0].actions.len()), (1, 3));
        // The lifecycle view of the demo has candidates with reasons.
        let view = hoistway_store::lifecycle::view(db, &Scope::All, None, 5, now())
            .await
            .unwrap();
        assert!(view.candidates > 0, "{}", t.label);
        let lift = view
            .units
            .iter()
            .find(|u| u.unit_id == door.unit.unit_id)
            .unwrap();
        assert!(lift
            .assessment
            .reasons
            .iter()
            .any(|r| format!("{:?}", r.code) == "RecurringFaults"));
        t.cleanup().await;
    }
}

/// What a history is, compared between two seeds: every case's facts and
/// one connected lift's daily counts.
async fn fingerprint(db: &Db) -> Vec<String> {
    let mut out: Vec<String> = all_cases(db)
        .await
        .iter()
        .map(|c| {
            format!(
                "{} {:?} {} {} {} {:?} {:?} {:?} {:?}",
                c.number,
                c.unit_id,
                c.channel,
                c.status,
                c.created_at,
                c.resolved_at,
                c.sla.response,
                c.sla.resolution,
                c.first_time_fix
            )
        })
        .collect();
    let fleet = units::list(db, &Scope::All, &ListFilter::limited(500))
        .await
        .unwrap()
        .items;
    let lift = fleet.iter().find(|u| u.connected).unwrap();
    for d in rollups::list(
        db,
        &Scope::All,
        lift.id,
        "day",
        now() - Duration::days(60),
        now(),
    )
    .await
    .unwrap()
    {
        out.push(format!(
            "{} {} {} {}",
            d.start, d.starts, d.door_cycles, d.available_ms
        ));
    }
    out
}

#[tokio::test]
async fn the_same_seed_gives_the_same_history() {
    let actor = Actor {
        user_id: None,
        at: now(),
    };
    let (a, b) = (TestDb::sqlite().await, TestDb::sqlite().await);
    hoistway_demo::seed_with(&a.db, actor, true).await.unwrap();
    hoistway_demo::seed_with(&b.db, actor, true).await.unwrap();
    let (fa, fb) = (fingerprint(&a.db).await, fingerprint(&b.db).await);
    assert!(fa.len() > 200);
    assert_eq!(fa, fb);
    a.cleanup().await;
    b.cleanup().await;
}
