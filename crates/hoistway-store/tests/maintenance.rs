//! Planned maintenance on every backend, driven by a manual clock: a
//! contract yields plans and a year of visits at once; the scheduler job is
//! idempotent; a missed visit is caught up; use-based plans fire earlier on
//! a busy unit; a modernization restarts the chain; a failed safety item
//! fires the case hook exactly once; completion posts the report and moves
//! the chain on.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use hoistway_domain::{Clock, ManualClock, Role, Scope};
use hoistway_maintenance::report::{PartUsed, VisitReportInput};
use hoistway_store::buildings::BuildingInput;
use hoistway_store::contracts::ContractInput;
use hoistway_store::customers::CustomerInput;
use hoistway_store::maintenance::completion::{self, ItemInput};
use hoistway_store::maintenance::scheduler::run_scheduler;
use hoistway_store::maintenance::technicians::{self, ProfileInput};
use hoistway_store::maintenance::visits::{self, Visit, VisitFilter};
use hoistway_store::maintenance::{plans, usage};
use hoistway_store::testing::TestDb;
use hoistway_store::units::UnitInput;
use hoistway_store::users::NewUser;
use hoistway_store::*;

const HORIZON: i64 = 396;

fn clock() -> ManualClock {
    ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 7, 0, 0).unwrap())
}

fn actor(c: &ManualClock) -> Actor {
    Actor {
        user_id: None,
        at: c.now(),
    }
}

struct Fleet {
    customer: i64,
    units: Vec<i64>,
    technician: i64,
}

/// A Helsinki building with `kinds` units and one Finnish technician.
async fn fleet(db: &Db, c: &ManualClock, kinds: &[&str]) -> Fleet {
    let a = actor(c);
    let cust = customers::create(
        db,
        &Scope::All,
        a,
        CustomerInput {
            name: "Kone Tower Oy".into(),
            contact_email: None,
            contact_phone: None,
        },
    )
    .await
    .unwrap();
    let b = buildings::create(
        db,
        &Scope::All,
        a,
        BuildingInput {
            customer_id: cust.id,
            name: "Tower".into(),
            address: "Mannerheimintie 1, Helsinki".into(),
            country: "FI".into(),
            timezone: "Europe/Helsinki".into(),
            latitude: None,
            longitude: None,
            hospital: None,
            business_calendar: None,
        },
    )
    .await
    .unwrap();
    let mut units_ = Vec::new();
    for (i, k) in kinds.iter().enumerate() {
        let u = UnitInput {
            building_id: b.id,
            kind: k.to_string(),
            equipment_number: format!("ken:{}", 5000 + i),
            ..Default::default()
        };
        units_.push(units::create(db, &Scope::All, a, u).await.unwrap().id);
    }
    let tech = users::create(
        db,
        &Scope::All,
        a,
        NewUser {
            email: hoistway_domain::text::Email::parse("tech@example.com").unwrap(),
            name: "Tess Tech".into(),
            role: Role::Technician,
            customer_id: None,
            phone: None,
            password_hash: "x".into(),
            portfolio_ids: vec![],
        },
    )
    .await
    .unwrap();
    technicians::set(
        db,
        a,
        tech.id,
        ProfileInput {
            countries: vec!["FI".into()],
            regions: vec![],
            skills: vec!["elevator".into(), "escalator".into(), "door".into()],
            weekly_capacity_min: None,
        },
    )
    .await
    .unwrap();
    Fleet {
        customer: cust.id,
        units: units_,
        technician: tech.id,
    }
}

async fn contract(db: &Db, c: &ManualClock, f: &Fleet, tier: &str, start: &str) -> i64 {
    contracts::create(
        db,
        &Scope::All,
        actor(c),
        ContractInput {
            customer_id: f.customer,
            number: None,
            tier: tier.into(),
            billing_interval: "monthly".into(),
            start_date: start.into(),
            end_date: None,
            monthly_price_per_unit: None,
            currency: None,
            spending_limit: None,
            po_required: None,
            payment_term_days: None,
            included: None,
            exclusions: None,
            warranty_months: None,
            labour_rate: None,
            unit_ids: f.units.clone(),
        },
    )
    .await
    .unwrap()
    .id
}

async fn visits_of(db: &Db, unit: i64, status: Option<&str>) -> Vec<Visit> {
    let f = VisitFilter {
        unit_id: Some(unit),
        status: status.map(str::to_string),
        limit: Some(500),
        ..Default::default()
    };
    visits::list(db, &Scope::All, &f).await.unwrap().items
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn a_contract_plans_a_year_at_once_and_the_job_is_idempotent() {
    for t in TestDb::all().await {
        let c = clock();
        let f = fleet(&t.db, &c, &["elevator", "door"]).await;
        contract(&t.db, &c, &f, "comprehensive", "2026-11-23").await;
        let lift = visits_of(&t.db, f.units[0], None).await;
        let preventive: Vec<&Visit> = lift
            .iter()
            .filter(|v| v.kind.as_str() == "preventive")
            .collect();
        // Every 4 weeks from the contract's start, 13 months ahead.
        assert_eq!(preventive.len(), 14, "{}", t.label);
        assert_eq!(preventive[0].due_on.as_deref(), Some("2026-12-21"));
        assert!(preventive
            .iter()
            .all(|v| v.technician_id == Some(f.technician)));
        assert!(preventive.iter().all(|v| v.status.as_str() == "planned"));
        assert_eq!(
            lift.iter()
                .filter(|v| v.kind.as_str() == "inspection")
                .count(),
            1
        );
        let door = visits_of(&t.db, f.units[1], Some("planned")).await;
        assert!(
            door.len() >= 4 && door.len() < preventive.len(),
            "doors need fewer visits"
        );
        let page = plans::list(&t.db, &Scope::All, &ListFilter::default())
            .await
            .unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.items[0].interval_weeks, 4);
        assert_eq!(page.items[0].interval_starts, Some(20_000));

        let again = run_scheduler(&t.db, &c, HORIZON).await.unwrap();
        assert_eq!(
            (again.created, again.moved, again.cancelled, again.missed),
            (0, 0, 0, 0),
            "{}",
            t.label
        );
        assert!(again.kept >= 20);
        // A day later the horizon reaches one day further: at most a new
        // visit at the far end, nothing moves.
        c.advance(Duration::days(1));
        let next_day = run_scheduler(&t.db, &c, HORIZON).await.unwrap();
        assert_eq!(
            (next_day.moved, next_day.cancelled),
            (0, 0),
            "{}: {next_day:?}",
            t.label
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_missed_visit_is_caught_up() {
    for t in TestDb::all().await {
        let c = clock();
        let f = fleet(&t.db, &c, &["elevator"]).await;
        contract(&t.db, &c, &f, "standard", "2026-11-23").await;
        let first = visits_of(&t.db, f.units[0], Some("planned")).await[0].clone();
        // The day passes without anyone starting the visit.
        let day = date(&first.planned_date);
        c.set(Utc.from_utc_datetime(&(day + Duration::days(1)).and_hms_opt(6, 0, 0).unwrap()));
        let run = run_scheduler(&t.db, &c, HORIZON).await.unwrap();
        assert_eq!(run.missed, 1, "{}", t.label);
        let missed = visits::get(&t.db, &Scope::All, first.id).await.unwrap();
        assert_eq!(missed.status.as_str(), "missed");
        let planned = visits_of(&t.db, f.units[0], Some("planned")).await;
        let catch_up = planned
            .iter()
            .find(|v| v.kind.as_str() == "preventive")
            .unwrap();
        assert_eq!(catch_up.reason, "catch_up", "{}: {catch_up:?}", t.label);
        assert!(date(&catch_up.planned_date) > day);
        assert!((date(&catch_up.planned_date) - day).num_days() <= 5);
        let again = run_scheduler(&t.db, &c, HORIZON).await.unwrap();
        assert_eq!((again.created, again.moved, again.cancelled), (0, 0, 0));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn use_based_plans_fire_earlier_on_a_busy_unit() {
    for t in TestDb::all().await {
        let c = clock();
        let f = fleet(&t.db, &c, &["elevator", "elevator"]).await;
        contract(&t.db, &c, &f, "comprehensive", "2026-11-23").await;
        // 28 days of 1,500 starts a day on the second lift (about a busy
        // office tower's traffic); the first is quiet.
        let today = c.now().date_naive();
        for back in 1..=28 {
            usage::record_daily_starts(&t.db, f.units[1], today - Duration::days(back), 1500)
                .await
                .unwrap();
        }
        run_scheduler(&t.db, &c, HORIZON).await.unwrap();
        let first = |v: Vec<Visit>| {
            v.into_iter()
                .find(|v| v.kind.as_str() == "preventive")
                .unwrap()
        };
        let quiet = first(visits_of(&t.db, f.units[0], Some("planned")).await);
        let busy = first(visits_of(&t.db, f.units[1], Some("planned")).await);
        assert_eq!(quiet.reason, "time");
        assert_eq!(busy.reason, "use", "{}", t.label);
        // 20,000 starts at 1,500 a day: 14 days, against 28 by time.
        assert_eq!(busy.due_on.as_deref(), Some("2026-12-07"));
        assert!(busy.planned_for < quiet.planned_for);
        let n = |v: Vec<Visit>| v.iter().filter(|v| v.kind.as_str() == "preventive").count();
        assert!(
            n(visits_of(&t.db, f.units[1], Some("planned")).await)
                > n(visits_of(&t.db, f.units[0], Some("planned")).await)
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn modernization_restarts_the_chain() {
    for t in TestDb::all().await {
        let c = clock();
        let f = fleet(&t.db, &c, &["elevator"]).await;
        contract(&t.db, &c, &f, "basic", "2026-11-23").await;
        let before = visits_of(&t.db, f.units[0], Some("planned")).await;
        units::update(
            &t.db,
            &Scope::All,
            actor(&c),
            f.units[0],
            serde_json::json!({"modernization_date": "2026-12-01"}),
        )
        .await
        .unwrap();
        // A modernization still to come leaves the chain as it is...
        run_scheduler(&t.db, &c, HORIZON).await.unwrap();
        let early = visits_of(&t.db, f.units[0], Some("planned")).await;
        let due = |vs: &[visits::Visit]| {
            vs.iter()
                .find(|v| v.kind.as_str() == "preventive")
                .and_then(|v| v.due_on.clone())
        };
        assert_eq!(due(&early).as_deref(), Some("2027-02-15"), "{}", t.label);
        // ...and restarts it once it happened.
        c.advance(Duration::days(9));
        let run = run_scheduler(&t.db, &c, HORIZON).await.unwrap();
        assert!(run.moved + run.created > 0, "{}: {run:?}", t.label);
        let after = visits_of(&t.db, f.units[0], Some("planned")).await;
        let first = after
            .iter()
            .find(|v| v.kind.as_str() == "preventive")
            .unwrap();
        // Basic tier: 12 weeks after the modernization.
        assert_eq!(first.due_on.as_deref(), Some("2027-02-23"));
        let was = before
            .iter()
            .find(|v| v.kind.as_str() == "preventive")
            .unwrap();
        assert_eq!(
            was.due_on.as_deref(),
            Some("2027-02-15"),
            "12 weeks after the contract start"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_failed_safety_item_fires_the_hook_once_and_completion_posts_the_report() {
    for t in TestDb::all().await {
        let c = clock();
        let f = fleet(&t.db, &c, &["elevator"]).await;
        contract(&t.db, &c, &f, "comprehensive", "2026-11-23").await;
        let v = visits_of(&t.db, f.units[0], Some("planned")).await[0].clone();
        c.set(v.planned_for);
        let tech = Actor {
            user_id: Some(f.technician),
            at: c.now(),
        };
        let err = completion::record_item(
            &t.db,
            &Scope::All,
            tech,
            v.id,
            "brakes",
            ItemInput {
                outcome: "fail".into(),
                note: None,
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict(_)),
            "not started yet: {err}"
        );
        completion::start(&t.db, &Scope::All, tech, v.id)
            .await
            .unwrap();
        let list = completion::checklist(&t.db, &Scope::All, v.id)
            .await
            .unwrap();
        assert!(list.len() > 5 && list.iter().any(|i| i.safety));
        for _ in 0..2 {
            let e = completion::record_item(
                &t.db,
                &Scope::All,
                tech,
                v.id,
                "brakes",
                ItemInput {
                    outcome: "fail".into(),
                    note: Some("pads worn".into()),
                },
            )
            .await
            .unwrap();
            assert!(e.case_opened);
        }
        completion::record_item(
            &t.db,
            &Scope::All,
            tech,
            v.id,
            "lighting",
            ItemInput {
                outcome: "fail".into(),
                note: None,
            },
        )
        .await
        .unwrap();
        let hooks = audit::list(
            &t.db,
            &ListFilter {
                limit: Some(500),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items
        .into_iter()
        .filter(|a| a.action == "safety_failure" && a.entity_id == v.id)
        .count();
        assert_eq!(
            hooks, 1,
            "{}: the hook fires once per failed safety item",
            t.label
        );
        assert!(
            visits::get(&t.db, &Scope::All, v.id)
                .await
                .unwrap()
                .case_pending
        );
        // Exactly one emergency case, opened through the service desk.
        let opened = hoistway_store::cases::list(
            &t.db,
            &Scope::All,
            &hoistway_store::cases::CaseFilter {
                unit_id: Some(f.units[0]),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .items;
        assert_eq!(
            opened.len(),
            1,
            "{}: one case per failed safety item",
            t.label
        );
        assert_eq!(opened[0].priority, "emergency");
        assert!(opened[0].symptoms.contains("Safety check failed"));

        let report = VisitReportInput {
            findings: "Brake pads worn; replaced.".into(),
            parts_used: vec![PartUsed {
                part_number: "KM-BRK-22".into(),
                quantity: 2,
            }],
            time_on_site_min: 95,
        };
        let err = completion::complete(&t.db, &Scope::All, tech, v.id, report.clone())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("items without a result"), "{err}");
        for item in list
            .iter()
            .filter(|i| i.code != "brakes" && i.code != "lighting")
        {
            completion::record_item(
                &t.db,
                &Scope::All,
                tech,
                v.id,
                &item.code,
                ItemInput {
                    outcome: "pass".into(),
                    note: None,
                },
            )
            .await
            .unwrap();
        }
        let done = completion::complete(&t.db, &Scope::All, tech, v.id, report)
            .await
            .unwrap();
        assert_eq!(done.visit.status.as_str(), "completed");
        assert_eq!(done.report.parts_used[0].quantity, 2);
        let err = completion::start(&t.db, &Scope::All, tech, v.id)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)));
        // The chain moves on from the completion: next due 4 weeks later.
        let next = visits_of(&t.db, f.units[0], Some("planned")).await;
        let next = next
            .iter()
            .find(|n| n.kind.as_str() == "preventive")
            .unwrap();
        let completed_on = date(&v.planned_date);
        assert_eq!(
            next.due_on,
            Some((completed_on + Duration::days(28)).to_string()),
            "{}",
            t.label
        );
        t.cleanup().await;
    }
}
