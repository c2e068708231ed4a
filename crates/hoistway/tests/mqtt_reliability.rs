//! Reliability: a server killed with SIGKILL while a QoS 1 publisher
//! sends loses and double-counts nothing. Runs on SQLite and (when
//! configured) PostgreSQL.

mod support;

use hoistway_domain::Scope;
use hoistway_store::testing::TestDb;
use hoistway_store::{rollups, telemetry};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use std::time::Duration;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_nothing_and_counts_nothing_twice() {
    const N: u64 = 3000;
    for t in TestDb::all().await {
        let label = t.label;
        let db = t.db.clone();
        let (ids, numbers) = two_units(&db).await;
        let (user_a, token_a) = issue(&t.url, ids[0]);
        let dir = tempfile::tempdir().unwrap();
        let mqtt_port = free_port();
        run(
            hoistway().args([
                "mqtt",
                "acl",
                "--out-dir",
                dir.path().to_str().unwrap(),
                "--port",
                &mqtt_port.to_string(),
                "--server-password-stdin",
                "--database-url",
                &t.url,
            ]),
            "server-secret\n",
        );
        let _broker = mosquitto(dir.path(), mqtt_port);
        let http = free_port();
        let mut server = serve(&t.url, http, mqtt_port, "server-secret");

        // The publisher: N events, one or a few per message, QoS 1,
        // counting the broker's acknowledgements.
        let mut o = MqttOptions::new("device-a-reliability", "127.0.0.1", mqtt_port);
        o.set_credentials(&user_a, &token_a)
            .set_keep_alive(Duration::from_secs(10));
        let (client, mut el) = AsyncClient::new(o, 1000);
        let acked = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = acked.clone();
        tokio::spawn(async move {
            loop {
                match el.poll().await {
                    Ok(Event::Incoming(Packet::PubAck(_))) => {
                        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                    Ok(_) => {}
                    Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                }
            }
        });
        let topic = format!("hoistway/v1/units/{}/telemetry", ids[0]);
        let publisher = {
            let (client, topic, unit) = (client.clone(), topic.clone(), numbers[0].clone());
            tokio::spawn(async move {
                let (mut messages, mut seq, mut since_pause) = (0u64, 1u64, 0);
                while seq <= N {
                    let n = (seq % 3 + 1).min(N - seq + 1);
                    let body: Vec<String> = (seq..seq + n)
                        .map(|s| {
                            if s == N / 2 {
                                event(&unit, s, "alarm", ",\"alarm\":\"entrapment\",\"active\":true")
                            } else {
                                event(&unit, s, "trip", ",\"from_floor\":0,\"to_floor\":3,\"duration_ms\":8000,\"levelling_error_mm\":1.5")
                            }
                        })
                        .collect();
                    client
                        .publish(topic.clone(), QoS::AtLeastOnce, false, body.join("\n"))
                        .await
                        .unwrap();
                    seq += n;
                    messages += 1;
                    // A short pause every 20 messages keeps the stream
                    // going long enough to be killed in the middle of it.
                    since_pause += 1;
                    if since_pause == 20 {
                        since_pause = 0;
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                }
                messages
            })
        };

        // Kill the server with SIGKILL while events are flowing, then restart it.
        wait_for("the first events", || async {
            telemetry::count_events(&db, Some(ids[0])).await.unwrap() >= 300
        })
        .await;
        server.0.kill().unwrap();
        server.0.wait().unwrap();
        let at_kill = telemetry::count_events(&db, Some(ids[0])).await.unwrap();
        assert!(
            at_kill < N as i64,
            "{label}: the stream ended before the kill; slow the publisher down"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        let _server = serve(&t.url, http, mqtt_port, "server-secret");

        let messages = publisher.await.unwrap();
        wait_for("every acknowledgement", || async {
            acked.load(std::sync::atomic::Ordering::SeqCst) == messages
        })
        .await;
        wait_for("every acknowledged event durable", || async {
            rollups::total_events(&db, Some(ids[0]), "hour")
                .await
                .unwrap()
                >= N as i64
        })
        .await;
        // Settle, then check nothing was counted twice.
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            telemetry::count_events(&db, Some(ids[0])).await.unwrap(),
            N as i64,
            "{label}"
        );
        assert_eq!(
            rollups::total_events(&db, Some(ids[0]), "hour")
                .await
                .unwrap(),
            N as i64,
            "{label}: hourly"
        );
        assert_eq!(
            rollups::total_events(&db, Some(ids[0]), "day")
                .await
                .unwrap(),
            N as i64,
            "{label}: daily"
        );
        let f = hoistway_store::ListFilter {
            unit_id: Some(ids[0]),
            ..Default::default()
        };
        let found = hoistway_store::findings::list(&db, &Scope::All, &f)
            .await
            .unwrap()
            .items;
        let entrapments = found.iter().filter(|f| f.kind == "entrapment").count();
        assert_eq!(
            entrapments, 1,
            "{label}: the entrapment opened exactly one finding: {found:?}"
        );
        eprintln!("{label}: killed at {at_kill} of {N} stored events; {messages} messages, all counted once");
        t.cleanup().await;
    }
}
