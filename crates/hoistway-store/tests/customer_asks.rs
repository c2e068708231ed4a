//! What a customer asks on an open case, on every backend (issues #19,
//! #20): the request form's floor/zone, "is it repeatable" and error codes
//! round-trip; escalation and callback asks are kept until the care center
//! answers, once per open case at a time, refused on closed cases, and
//! each ask and answer is a timeline entry and an audit row.

use hoistway_domain::{Invalid, Scope};
use hoistway_store::cases::asks::{self, CallbackAsk, EscalationAsk};
use hoistway_store::cases::intake::Opening;
use hoistway_store::cases::lifecycle::{self, StatusChange};
use hoistway_store::cases::{self, CaseInput, Repeatable, Rules};
use hoistway_store::testing::TestDb;
use hoistway_store::*;
use support::{actor, fleet};

mod support;

fn scope_of(customer_id: i64) -> Scope {
    Scope::Customer {
        customer_id,
        portfolios: None,
    }
}

fn portal() -> Opening {
    Opening {
        channel: "portal",
        finding_key: None,
    }
}

fn invalid_field(e: StoreError) -> &'static str {
    match e {
        StoreError::Invalid(Invalid { field, .. }) => field,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn is_conflict(r: &Result<cases::Case, StoreError>) -> bool {
    matches!(r, Err(StoreError::Conflict(_)))
}

async fn open(
    db: &Db,
    customer: i64,
    unit: i64,
    extra: CaseInput,
) -> Result<cases::Case, StoreError> {
    cases::create(
        db,
        &scope_of(customer),
        actor(),
        &Rules::default(),
        CaseInput {
            unit_id: Some(unit),
            symptoms: Some("Doors reopen again and again".into()),
            ..extra
        },
        portal(),
    )
    .await
}

#[tokio::test]
async fn request_form_fields_round_trip_and_are_checked() {
    for t in TestDb::all().await {
        let label = t.label;
        let db = &t.db;
        let (customer, units) = fleet(db, "Acme").await;
        let c = open(
            db,
            customer,
            units[0],
            CaseInput {
                location_in_building: Some("  Floor 3, east lobby ".into()),
                repeatable: Some("yes".into()),
                error_codes: vec!["E-204".into(), "DOOR_12".into()],
                po_number: Some("PO-7781".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let got = cases::get(db, &Scope::All, &c.number).await.unwrap();
        assert_eq!(
            got.location_in_building.as_deref(),
            Some("Floor 3, east lobby"),
            "{label}"
        );
        assert_eq!(got.repeatable, Some(Repeatable::Yes), "{label}");
        assert_eq!(got.error_codes, vec!["E-204", "DOOR_12"], "{label}");
        assert_eq!(got.po_number.as_deref(), Some("PO-7781"), "{label}");
        assert!(got.escalation_request.is_none() && got.callback_request.is_none());

        // Not said: both stay null.
        let plain = open(db, customer, units[0], CaseInput::default())
            .await
            .unwrap();
        assert_eq!(plain.location_in_building, None, "{label}");
        assert_eq!(plain.repeatable, None, "{label}");

        for (bad, field) in [
            (
                CaseInput {
                    repeatable: Some("sometimes".into()),
                    ..Default::default()
                },
                "repeatable",
            ),
            (
                CaseInput {
                    location_in_building: Some("x".repeat(201)),
                    ..Default::default()
                },
                "location_in_building",
            ),
            (
                CaseInput {
                    error_codes: vec!["E1".into(), "E 2".into()],
                    ..Default::default()
                },
                "error_codes",
            ),
        ] {
            let e = open(db, customer, units[0], bad).await.unwrap_err();
            assert_eq!(invalid_field(e), field, "{label}");
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn escalation_ask_waits_for_the_care_center_once() {
    for t in TestDb::all().await {
        let label = t.label;
        let db = &t.db;
        let rules = Rules::default();
        let (customer, units) = fleet(db, "Acme").await;
        let (other, _) = fleet(db, "Other").await;
        let c = open(db, customer, units[0], CaseInput::default())
            .await
            .unwrap();
        let ask = |reason: &str| EscalationAsk {
            reason: reason.into(),
        };
        let mine = scope_of(customer);

        // A blank reason names the field; another customer cannot see the case.
        let blank = asks::ask_escalation(db, &mine, actor(), &rules, &c.number, ask("  "))
            .await
            .unwrap_err();
        assert_eq!(invalid_field(blank), "reason", "{label}");
        let foreign = asks::ask_escalation(
            db,
            &scope_of(other),
            actor(),
            &rules,
            &c.number,
            ask("let me in"),
        )
        .await;
        assert!(matches!(foreign, Err(StoreError::NotFound(_))), "{label}");
        // Nothing to acknowledge yet.
        let nothing =
            asks::acknowledge_escalation(db, &Scope::All, actor(), &rules, &c.number).await;
        assert!(is_conflict(&nothing), "{label}");

        let asked = asks::ask_escalation(
            db,
            &mine,
            actor(),
            &rules,
            &c.number,
            ask("Our only lift, residents on the 9th floor"),
        )
        .await
        .unwrap();
        let e = asked.escalation_request.clone().unwrap();
        assert!(e.pending(), "{label}");
        assert_eq!(e.reason, "Our only lift, residents on the 9th floor");
        assert_eq!(e.requested_at, actor().at);

        // Once until acknowledged.
        let again = asks::ask_escalation(db, &mine, actor(), &rules, &c.number, ask("still")).await;
        assert!(is_conflict(&again), "{label}: {again:?}");

        let acked = asks::acknowledge_escalation(db, &Scope::All, actor(), &rules, &c.number)
            .await
            .unwrap();
        assert!(!acked.escalation_request.unwrap().pending(), "{label}");
        let twice = asks::acknowledge_escalation(db, &Scope::All, actor(), &rules, &c.number).await;
        assert!(is_conflict(&twice), "{label}");
        // After the answer the customer may ask again.
        asks::ask_escalation(db, &mine, actor(), &rules, &c.number, ask("no one came"))
            .await
            .unwrap();

        let timeline = cases::timeline::list(db, c.id, false).await.unwrap();
        let words: Vec<&str> = timeline.iter().map(|e| e.message.as_str()).collect();
        assert!(
            words.contains(
                &"Customer asked for escalation: Our only lift, residents on the 9th floor"
            ),
            "{label}: {words:?}"
        );
        assert!(
            timeline
                .iter()
                .any(|e| e.kind == "escalation_request_acknowledged" && !e.internal),
            "{label}: the customer sees the answer"
        );
        let audit = audit::list(
            db,
            &ListFilter {
                customer_id: Some(customer),
                limit: Some(200),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let actions: Vec<&str> = audit
            .items
            .iter()
            .filter(|a| a.entity == "case" && a.entity_id == c.id)
            .map(|a| a.action.as_str())
            .collect();
        assert_eq!(
            actions
                .iter()
                .filter(|a| a.starts_with("escalation_request"))
                .count(),
            3,
            "{label}: {actions:?}"
        );

        // Closed cases take no asks.
        lifecycle::change_status(
            db,
            &Scope::All,
            actor(),
            &rules,
            &c.number,
            StatusChange {
                status: "cancelled".into(),
                reason: Some("duplicate".into()),
                hold: None,
                part: None,
                lead_time_days: None,
            },
        )
        .await
        .unwrap();
        asks::acknowledge_escalation(db, &Scope::All, actor(), &rules, &c.number)
            .await
            .unwrap();
        let closed = asks::ask_escalation(db, &mine, actor(), &rules, &c.number, ask("why")).await;
        assert!(is_conflict(&closed), "{label}: {closed:?}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn callback_ask_waits_until_done() {
    for t in TestDb::all().await {
        let label = t.label;
        let db = &t.db;
        let rules = Rules::default();
        let (customer, units) = fleet(db, "Acme").await;
        let c = open(db, customer, units[0], CaseInput::default())
            .await
            .unwrap();
        let mine = scope_of(customer);
        let ask = |phone: &str, window: &str| CallbackAsk {
            phone: phone.into(),
            window: window.into(),
        };
        for (bad, field) in [
            (ask("call me", "morning"), "phone"),
            (ask("+358 40 123 4567", "midnight"), "window"),
        ] {
            let e = asks::ask_callback(db, &mine, actor(), &rules, &c.number, bad)
                .await
                .unwrap_err();
            assert_eq!(invalid_field(e), field, "{label}");
        }
        let asked = asks::ask_callback(
            db,
            &mine,
            actor(),
            &rules,
            &c.number,
            ask("+358 40 123 4567", "afternoon"),
        )
        .await
        .unwrap();
        let cb = asked.callback_request.unwrap();
        assert!(cb.pending() && cb.phone == "+358 40 123 4567", "{label}");
        assert_eq!(cb.window, cases::CallbackWindow::Afternoon);
        let again = asks::ask_callback(
            db,
            &mine,
            actor(),
            &rules,
            &c.number,
            ask("+358 40 123 4567", "morning"),
        )
        .await;
        assert!(is_conflict(&again), "{label}");
        let done = asks::callback_done(db, &Scope::All, actor(), &rules, &c.number)
            .await
            .unwrap();
        assert!(!done.callback_request.unwrap().pending(), "{label}");
        assert!(is_conflict(
            &asks::callback_done(db, &Scope::All, actor(), &rules, &c.number).await
        ));
        let timeline = cases::timeline::list(db, c.id, false).await.unwrap();
        assert!(
            timeline
                .iter()
                .any(|e| e.message == "Callback requested: +358 40 123 4567, afternoon"),
            "{label}: {timeline:?}"
        );
        assert!(
            timeline.iter().any(|e| e.kind == "callback_done"),
            "{label}"
        );
        t.cleanup().await;
    }
}
