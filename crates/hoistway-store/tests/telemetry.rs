//! Connected-equipment storage on every backend: device credentials, event
//! dedupe by (unit, seq), additive rollups, one open finding per kind,
//! live state ordering, commands and retention.

use chrono::{Duration, TimeZone, Utc};
use hoistway_domain::Scope;
use hoistway_store::devices::NewDevice;
use hoistway_store::findings::{Applied, FindingChange, Transition};
use hoistway_store::live::LiveState;
use hoistway_store::rollups::RollupDelta;
use hoistway_store::telemetry::{DeadLetter, NewEvent};
use hoistway_store::testing::TestDb;
use hoistway_store::*;
use support::{actor, fleet};

mod support;

fn event(unit_id: i64, seq: i64) -> NewEvent {
    NewEvent {
        unit_id,
        seq,
        ts_ms: 1_777_000_000_000 + seq * 1000,
        kind: "trip",
        payload: format!("{{\"seq\":{seq}}}"),
    }
}

fn new_command(unit_id: i64, command: &str) -> commands::NewCommand {
    commands::NewCommand {
        unit_id,
        command: command.into(),
        status: "pending".into(),
        result: None,
        deadline: actor().at + Duration::seconds(30),
    }
}

#[tokio::test]
async fn connected_storage_story() {
    for t in TestDb::all().await {
        let label = t.label;
        let db = &t.db;
        let (customer, units) = fleet(db, "Acme").await;
        let (other_customer, other_units) = fleet(db, "Other").await;
        let own_scope = Scope::Customer {
            customer_id: customer,
            portfolios: None,
        };

        // Device credentials: issue, authenticate, revoke.
        let cred = devices::create(
            db,
            &Scope::All,
            actor(),
            NewDevice {
                unit_id: units[0],
                label: Some("gateway".into()),
                token_hash: "h1".into(),
                mqtt_hash: "$7$101$x$y".into(),
            },
        )
        .await
        .unwrap();
        assert_eq!(cred.mqtt_username, format!("device-{}", cred.id));
        let who = devices::authenticate(db, "h1").await.unwrap().unwrap();
        assert_eq!((who.unit_id, who.customer_id), (units[0], customer));
        assert!(devices::authenticate(db, "nope").await.unwrap().is_none());
        assert_eq!(devices::broker_entries(db).await.unwrap().len(), 1);
        // Another tenant cannot see or revoke it.
        let foreign = Scope::Customer {
            customer_id: other_customer,
            portfolios: None,
        };
        assert!(matches!(
            devices::list(db, &foreign, units[0]).await,
            Err(StoreError::NotFound(_))
        ));
        devices::revoke(db, &Scope::All, actor(), units[0], cred.id)
            .await
            .unwrap();
        assert!(devices::authenticate(db, "h1").await.unwrap().is_none());
        assert!(matches!(
            devices::revoke(db, &Scope::All, actor(), units[0], cred.id).await,
            Err(StoreError::Conflict(_))
        ));
        assert!(devices::broker_entries(db).await.unwrap().is_empty());

        // Events: duplicates by (unit, seq) within a batch and across batches.
        let mut tx = db.begin().await.unwrap();
        let first = vec![
            event(units[0], 1),
            event(units[0], 2),
            event(units[0], 2),
            event(units[1], 1),
        ];
        let got = telemetry::insert_events(&mut tx, actor().at, &first)
            .await
            .unwrap();
        assert_eq!(got, vec![true, true, false, true], "{label}");
        tx.commit().await.unwrap();
        let mut tx = db.begin().await.unwrap();
        let again = vec![event(units[0], 3), event(units[0], 1)];
        let got = telemetry::insert_events(&mut tx, actor().at, &again)
            .await
            .unwrap();
        assert_eq!(got, vec![true, false], "{label}");
        telemetry::insert_dead_letters(
            &mut tx,
            actor().at,
            &[DeadLetter {
                unit_id: None,
                source: "http".into(),
                line: 3,
                reason: "malformed JSON".into(),
                raw: "{oops".into(),
            }],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            telemetry::count_events(db, Some(units[0])).await.unwrap(),
            3
        );
        let dead = telemetry::recent_dead_letters(db, 10).await.unwrap();
        assert_eq!(dead[0].raw, "{oops");

        // A big batch crosses the chunk size.
        let mut tx = db.begin().await.unwrap();
        let big: Vec<_> = (100..2600).map(|s| event(units[1], s)).collect();
        let got = telemetry::insert_events(&mut tx, actor().at, &big)
            .await
            .unwrap();
        assert!(got.iter().all(|b| *b));
        tx.commit().await.unwrap();
        assert_eq!(
            telemetry::count_events(db, None).await.unwrap(),
            3 + 1 + 2500
        );

        // Rollups add up per bucket.
        let delta = |events, max| RollupDelta {
            unit_id: units[0],
            customer_id: customer,
            period: "hour",
            start_ms: 1_777_000_000_000 - 1_777_000_000_000 % 3_600_000,
            events,
            starts: events,
            run_ms: 1000 * events,
            levelling_count: 1,
            levelling_sum_mm: 2.0,
            levelling_sum_sq_mm2: 4.0,
            levelling_max_abs_mm: max,
            available_ms: 60_000,
            observed_ms: 120_000,
            ..Default::default()
        };
        // Two deltas for one bucket in one call merge first: PostgreSQL
        // refuses an upsert that touches a row twice.
        for batch in [vec![delta(3, 2.5)], vec![delta(1, 1.5), delta(3, 0.5)]] {
            let mut tx = db.begin().await.unwrap();
            rollups::add(&mut tx, &batch).await.unwrap();
            tx.commit().await.unwrap();
        }
        let from = Utc.timestamp_millis_opt(1_776_990_000_000).unwrap();
        let rows = rollups::list(
            db,
            &own_scope,
            units[0],
            "hour",
            from,
            from + Duration::days(1),
        )
        .await
        .unwrap();
        assert_eq!(rows.len(), 1, "{label}");
        let r = &rows[0];
        assert_eq!(
            (r.events, r.starts, r.levelling_count),
            (7, 7, 3),
            "{label}"
        );
        assert_eq!(r.levelling_max_abs_mm, 2.5);
        assert_eq!(r.availability_pct, Some(50.0));
        assert!((r.run_hours - 7.0 / 3600.0).abs() < 1e-9);
        assert!(matches!(
            rollups::list(
                db,
                &foreign,
                units[0],
                "hour",
                from,
                from + Duration::days(1)
            )
            .await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            rollups::list(
                db,
                &own_scope,
                units[0],
                "week",
                from,
                from + Duration::days(1)
            )
            .await,
            Err(StoreError::Invalid(_))
        ));

        // Findings: a second raise updates the open row; a clear closes it;
        // a raise after that opens a new one.
        let change = |t, sev: &str| FindingChange {
            unit_id: units[0],
            customer_id: customer,
            kind: "door_wear".into(),
            transition: t,
            severity: sev.into(),
            explanation: "door close time 4.1 s, baseline 3.0 s".into(),
            likely_fault: "door roller wear".into(),
            spares: vec!["door roller set".into()],
            evidence: None,
            at: actor().at,
        };
        let mut tx = db.begin().await.unwrap();
        let a = findings::apply(&mut tx, actor(), &change(Transition::Raised, "minor"))
            .await
            .unwrap();
        let b = findings::apply(&mut tx, actor(), &change(Transition::Raised, "major"))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let Applied::Opened(opened) = a else {
            panic!("{label}: {a:?}")
        };
        let Applied::Updated(updated) = b else {
            panic!("{label}: {b:?}")
        };
        assert_eq!(opened.id, updated.id);
        assert_eq!(updated.severity, "major");
        let mut tx = db.begin().await.unwrap();
        assert!(matches!(
            findings::apply(&mut tx, actor(), &change(Transition::Cleared, "major"))
                .await
                .unwrap(),
            Applied::Cleared(_)
        ));
        assert_eq!(
            findings::apply(&mut tx, actor(), &change(Transition::Cleared, "major"))
                .await
                .unwrap(),
            Applied::Ignored
        );
        assert!(matches!(
            findings::apply(&mut tx, actor(), &change(Transition::Raised, "minor")).await.unwrap(),
            Applied::Opened(f) if f.id != opened.id
        ));
        tx.commit().await.unwrap();
        let f = ListFilter {
            unit_id: Some(units[0]),
            ..Default::default()
        };
        let page = findings::list(db, &own_scope, &f).await.unwrap();
        assert_eq!(page.items.len(), 2, "{label}");
        assert!(findings::list(db, &foreign, &f)
            .await
            .unwrap()
            .items
            .is_empty());
        let open = ListFilter {
            status: Some("open".into()),
            ..Default::default()
        };
        assert_eq!(
            findings::list(db, &Scope::All, &open)
                .await
                .unwrap()
                .items
                .len(),
            1
        );

        // Live state: an older version never overwrites a newer one.
        let state = |version, mode: &str| LiveState {
            unit_id: units[0],
            customer_id: customer,
            mode: Some(mode.into()),
            available: true,
            last_seen: Some(actor().at),
            current_floor: Some(3),
            passengers: Some(0),
            starts: Some(10),
            run_hours: Some(1.5),
            alarms: vec![],
            faults: serde_json::json!([]),
            version,
            updated_at: actor().at,
        };
        for (v, m) in [(5, "normal"), (4, "fire"), (6, "inspection")] {
            let mut tx = db.begin().await.unwrap();
            live::upsert(&mut tx, &[state(v, m)]).await.unwrap();
            tx.commit().await.unwrap();
        }
        // A missing float first, then a value, in the same multi-row
        // statement on one connection (sqlx's statement cache): the value
        // must still bind.
        let mut tx = db.begin().await.unwrap();
        for (v, hours) in [(7, None), (8, Some(2.5)), (9, None), (10, Some(1.5))] {
            let mut other = state(v, "normal");
            other.unit_id = units[1];
            other.run_hours = hours;
            let mut own = state(v, "inspection");
            own.run_hours = hours;
            live::upsert(&mut tx, &[other, own]).await.unwrap();
        }
        tx.commit().await.unwrap();
        let got = live::get(db, &own_scope, units[0]).await.unwrap().unwrap();
        assert_eq!(got.mode.as_deref(), Some("inspection"), "{label}");
        assert_eq!(got.run_hours, Some(1.5));
        assert!(live::get(db, &foreign, units[0]).await.is_err());

        // Commands: pending → sent → acknowledged; a late ack is ignored;
        // an unanswered one times out.
        let c = commands::create(
            db,
            &Scope::All,
            actor(),
            new_command(units[0], "diagnostics"),
        )
        .await
        .unwrap();
        assert_eq!(c.status, "pending");
        commands::transition(db, actor(), units[0], c.id, &["pending"], "sent", None)
            .await
            .unwrap()
            .unwrap();
        let acked = commands::transition(
            db,
            actor(),
            units[0],
            c.id,
            &["sent"],
            "acknowledged",
            Some(serde_json::json!({"door": "ok"})),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(acked.result, Some(serde_json::json!({"door": "ok"})));
        assert!(
            commands::transition(db, actor(), units[0], c.id, &["sent"], "failed", None)
                .await
                .unwrap()
                .is_none()
        );
        // Another unit's id does not reach it.
        assert!(commands::transition(
            db,
            actor(),
            other_units[0],
            c.id,
            &["acknowledged"],
            "failed",
            None
        )
        .await
        .unwrap()
        .is_none());
        let c2 = commands::create(db, &Scope::All, actor(), new_command(units[0], "reset"))
            .await
            .unwrap();
        let later = Actor {
            at: actor().at + Duration::seconds(31),
            ..actor()
        };
        let expired = commands::expire(db, later).await.unwrap();
        assert_eq!(
            expired.iter().map(|c| c.id).collect::<Vec<_>>(),
            vec![c2.id]
        );
        assert_eq!(
            commands::get(db, &own_scope, units[0], c2.id)
                .await
                .unwrap()
                .status,
            "timed_out"
        );
        assert!(commands::get(db, &foreign, units[0], c2.id).await.is_err());
        assert_eq!(
            commands::list(db, &own_scope, units[0], 10)
                .await
                .unwrap()
                .len(),
            2
        );

        // Retention: everything received before the cutoff goes.
        let gone = telemetry::purge_events_before(db, actor().at + Duration::seconds(1))
            .await
            .unwrap();
        assert_eq!(gone, 2504 + 1, "{label}");
        assert_eq!(telemetry::count_events(db, None).await.unwrap(), 0);
        // Rollups stay.
        assert_eq!(
            rollups::total_events(db, Some(units[0]), "hour")
                .await
                .unwrap(),
            7
        );

        t.cleanup().await;
    }
}

/// Lines are stored exactly as received on every backend, whatever they
/// hold (PostgreSQL receives them inside one array literal per batch).
#[tokio::test]
async fn stored_lines_round_trip_byte_for_byte() {
    let lines = [
        r#"{"v":1,"seq":1,"kind":"door","note":"a \"quoted\" word"}"#,
        r#"{"path":"C:\\lift\\log","tab":"\t"}"#,
        "NULL",
        "",
        "{,}",
        "Käyttöönotto ✓ 電梯",
        "  spaced  ",
    ];
    for t in TestDb::all().await {
        let (_, units) = fleet(&t.db, "Lines").await;
        let events: Vec<NewEvent> = lines
            .iter()
            .enumerate()
            .map(|(i, line)| NewEvent {
                payload: line.to_string(),
                ..event(units[0], i as i64 + 1)
            })
            .collect();
        let mut tx = t.db.begin().await.unwrap();
        let fresh = telemetry::insert_events(&mut tx, actor().at, &events)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(fresh.iter().all(|f| *f), "{}", t.label);
        let stored: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT seq, payload, ts FROM telemetry_events WHERE unit_id = $1 ORDER BY seq",
        )
        .bind(units[0])
        .fetch_all(&t.db.pool)
        .await
        .unwrap();
        let payloads: Vec<&str> = stored.iter().map(|(_, p, _)| p.as_str()).collect();
        assert_eq!(payloads, lines, "{}", t.label);
        assert_eq!(stored[2].2, events[2].ts_ms, "{}", t.label);
        t.cleanup().await;
    }
}

/// Retention never deletes an event inside the period, whatever the order
/// events were stored in. SQLite purges by arrival order (migration 0011),
/// so an old event stored after a newer one waits for a later purge.
#[tokio::test]
async fn retention_never_purges_early() {
    for t in TestDb::all().await {
        let label = t.label;
        let db = &t.db;
        let (_, units) = fleet(db, "Acme").await;
        let t0 = actor().at;
        for (seq, received) in [(1, t0), (2, t0 + Duration::days(10)), (3, t0)] {
            let mut tx = db.begin().await.unwrap();
            telemetry::insert_events(&mut tx, received, &[event(units[0], seq)])
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        let gone = telemetry::purge_events_before(db, t0 + Duration::days(5))
            .await
            .unwrap();
        let left = telemetry::count_events(db, Some(units[0])).await.unwrap();
        match db.backend {
            // Event 3 was stored after event 2, which is inside the period.
            Backend::Sqlite => assert_eq!((gone, left), (1, 2), "{label}"),
            Backend::Postgres => assert_eq!((gone, left), (2, 1), "{label}"),
        }
        // Once event 2 is past the period too, everything goes.
        let gone = telemetry::purge_events_before(db, t0 + Duration::days(11))
            .await
            .unwrap();
        assert_eq!(gone, left as u64, "{label}");
        assert_eq!(
            telemetry::count_events(db, None).await.unwrap(),
            0,
            "{label}"
        );
    }
}
