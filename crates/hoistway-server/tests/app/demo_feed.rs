//! The demo's live twin: a fresh demo first replays the hours before now
//! through the ingest pipeline, each batch and tick judged at the twin's
//! own time, so the detectors know each unit's normal before the injected
//! faults begin; on both backends.

use crate::common::TestApp;
use chrono::{DateTime, Duration, Utc};
use hoistway_analytics::FindingKind;
use hoistway_domain::Scope;
use hoistway_store::testing::TestDb;
use hoistway_store::{rollups, telemetry};

#[tokio::test]
async fn the_warm_up_replays_the_hours_before_now_at_their_own_time() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        let now = app.clock_now();
        let warm_up = Duration::hours(1);
        let (mut twin, refs) = hoistway_demo::feed::fleet(&app.state, warm_up)
            .await
            .unwrap();
        assert!(refs.len() > 40, "{label}: {} units", refs.len());
        // The faults begin after the replay, while a user watches.
        assert_eq!(twin.labels().len(), 3, "{label}");
        for f in twin.labels() {
            let onset: DateTime<Utc> = f.onset_ts.parse().unwrap();
            assert!(onset > now, "{label}: {:?} begins at {onset}", f.kind);
        }

        let replayed = hoistway_demo::feed::warm_up(&app.state, &mut twin, &refs).await;
        assert!(replayed > 5_000, "{label}: {replayed} events");
        assert!(
            (twin.now() - now).num_milliseconds().abs() < 1000,
            "{label}: the twin stopped at {} for a clock at {now}",
            twin.now()
        );
        let stored = telemetry::count_events(&app.t.db, None).await.unwrap();
        assert_eq!(
            stored as usize, replayed,
            "{label}: every replayed event stored"
        );

        // Judged at event time: no unit looks silent (a tick against the
        // clock's now would find every unit an hour quiet at the start).
        let pipeline = hoistway_connected::pipeline_of(&app.state);
        for r in refs.values() {
            let open = pipeline.with_engine(|e| e.open_findings(&r.unit_id.to_string()));
            assert!(
                !open.iter().any(|(k, _)| *k == FindingKind::Offline),
                "{label}: {} offline after the warm-up",
                r.equipment_number
            );
        }

        // Every unit's replayed hour is in its rollups, whole: a tick
        // against the clock's now would close the hour's bucket at the
        // first batch and observe a quarter of it.
        let (mut starts, mut streaming) = (0, 0);
        for r in refs.values() {
            // A connected lift outside every stored lift group has no twin.
            if telemetry::count_events(&app.t.db, Some(r.unit_id))
                .await
                .unwrap()
                == 0
            {
                continue;
            }
            streaming += 1;
            let hours = rollups::list(
                &app.t.db,
                &Scope::All,
                r.unit_id,
                "hour",
                now - warm_up,
                now,
            )
            .await
            .unwrap();
            assert_eq!(hours.len(), 1, "{label}: {hours:?}");
            assert!(
                hours[0].observed_ms >= 3_000_000,
                "{label}: {} observed {} ms of the hour",
                r.equipment_number,
                hours[0].observed_ms
            );
            starts += hours[0].starts;
        }
        assert!(streaming > 40, "{label}: {streaming} units streamed");
        assert!(starts > 100, "{label}: {starts} trips in the hour");
    }
}
