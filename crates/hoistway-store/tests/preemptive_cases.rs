//! Pre-emptive cases on every backend: one case per (unit, fault family)
//! episode, a recurrence within the cooldown reopens it, a critical finding
//! raises the priority, and the case ends only when the whole family has
//! recovered.

use chrono::Duration;
use hoistway_domain::Scope;
use hoistway_store::cases::{preemptive, Rules};
use hoistway_store::findings::{Applied, FindingChange, Transition};
use hoistway_store::testing::TestDb;
use hoistway_store::*;
use support::{actor, fleet};

mod support;

/// Applies a finding transition and runs the case hook as the server does.
async fn finding(
    db: &Db,
    at: Actor,
    unit_id: i64,
    customer_id: i64,
    kind: &str,
    transition: Transition,
    severity: &str,
) {
    let change = FindingChange {
        unit_id,
        customer_id,
        kind: kind.into(),
        transition,
        severity: severity.into(),
        explanation: match transition {
            Transition::Cleared => "recovered: back to normal for 2 hours".into(),
            _ => format!("{kind} above the unit's baseline"),
        },
        likely_fault: "door operator".into(),
        spares: vec![],
        evidence: None,
        at: at.at,
    };
    let rules = Rules::default();
    let mut tx = db.begin().await.unwrap();
    match findings::apply(&mut tx, at, &change).await.unwrap() {
        Applied::Opened(f) => {
            preemptive::finding_opened(&mut tx, at, &rules, &f)
                .await
                .unwrap();
        }
        Applied::Updated(f) => preemptive::finding_updated(&mut tx, at, &rules, &f)
            .await
            .unwrap(),
        Applied::Cleared(f) => preemptive::finding_cleared(&mut tx, at, &rules, &f)
            .await
            .unwrap(),
        Applied::Ignored => {}
    }
    tx.commit().await.unwrap();
}

async fn connected_cases(db: &Db, unit_id: i64) -> Vec<cases::Case> {
    let f = cases::CaseFilter {
        unit_id: Some(unit_id),
        channel: Some("connected".into()),
        limit: Some(50),
        ..Default::default()
    };
    cases::list(db, &Scope::All, &f).await.unwrap().items
}

async fn timeline(db: &Db, number: &str) -> Vec<cases::timeline::TimelineEntry> {
    let case = cases::get(db, &Scope::All, number).await.unwrap();
    cases::timeline::list(db, case.id, true).await.unwrap()
}

fn later(by: Duration) -> Actor {
    Actor {
        user_id: None,
        at: actor().at + by,
    }
}

#[tokio::test]
async fn one_case_per_fault_family_episode() {
    for t in TestDb::all().await {
        let label = t.label;
        let db = &t.db;
        let (customer, units) = fleet(db, "Acme").await;
        let unit = units[0];
        use Transition::*;

        // Door reopens, then door wear on the same lift: one door case.
        finding(db, actor(), unit, customer, "door_reopens", Raised, "minor").await;
        finding(
            db,
            later(Duration::minutes(10)),
            unit,
            customer,
            "door_wear",
            Raised,
            "minor",
        )
        .await;
        let cs = connected_cases(db, unit).await;
        assert_eq!(cs.len(), 1, "{label}: {cs:?}");
        let number = cs[0].number.clone();
        assert_eq!(cs[0].priority, "routine", "{label}");
        assert!(
            cs[0].symptoms.contains("door reopens"),
            "{label}: plain words, {:?}",
            cs[0].symptoms
        );
        // A levelling finding is another family: its own case.
        finding(
            db,
            actor(),
            unit,
            customer,
            "levelling_drift",
            Raised,
            "major",
        )
        .await;
        assert_eq!(connected_cases(db, unit).await.len(), 2, "{label}");

        // Door wear turns critical: the routine case becomes urgent.
        finding(
            db,
            later(Duration::minutes(20)),
            unit,
            customer,
            "door_wear",
            Updated,
            "critical",
        )
        .await;
        let door = cases::get(db, &Scope::All, &number).await.unwrap();
        assert_eq!(door.priority, "urgent", "{label}");
        let tl = timeline(db, &number).await;
        assert!(
            tl.iter().any(|e| e.kind == "priority"
                && e.message.contains("routine to urgent")
                && e.message.contains("door wear")),
            "{label}: {tl:?}"
        );

        // Reopens recover while wear is still open: the case stays.
        finding(
            db,
            later(Duration::hours(3)),
            unit,
            customer,
            "door_reopens",
            Cleared,
            "minor",
        )
        .await;
        assert_eq!(
            cases::get(db, &Scope::All, &number).await.unwrap().status,
            "new",
            "{label}"
        );
        // Wear recovers too: nobody started, so the case is cancelled.
        finding(
            db,
            later(Duration::hours(4)),
            unit,
            customer,
            "door_wear",
            Cleared,
            "critical",
        )
        .await;
        let door = cases::get(db, &Scope::All, &number).await.unwrap();
        assert_eq!(door.status, "cancelled", "{label}");

        // The reopens come back two days later: the same case reopens.
        finding(
            db,
            later(Duration::days(2)),
            unit,
            customer,
            "door_reopens",
            Raised,
            "minor",
        )
        .await;
        let cs = connected_cases(db, unit).await;
        assert_eq!(cs.len(), 2, "{label}: no new number, {cs:?}");
        let door = cases::get(db, &Scope::All, &number).await.unwrap();
        assert_eq!(door.status, "new", "{label}");
        let tl = timeline(db, &number).await;
        assert!(
            tl.iter().any(|e| e
                .message
                .starts_with("Reopened: the door reopens signal came back")),
            "{label}: {tl:?}"
        );
        // Cancelled again; a recurrence after the cooldown is a new case.
        finding(
            db,
            later(Duration::days(3)),
            unit,
            customer,
            "door_reopens",
            Cleared,
            "minor",
        )
        .await;
        finding(
            db,
            later(Duration::days(11)),
            unit,
            customer,
            "door_reopens",
            Raised,
            "minor",
        )
        .await;
        let cs = connected_cases(db, unit).await;
        assert_eq!(cs.len(), 3, "{label}: {cs:?}");
        t.cleanup().await;
    }
}
