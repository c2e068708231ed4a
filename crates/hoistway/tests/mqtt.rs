//! MQTT end to end with the real binary and a private Mosquitto: the
//! broker files from `hoistway mqtt acl` confine each device to its own
//! unit, telemetry flows to durable rows, remote commands go out and their
//! acknowledgements come back; device credentials from the shell. Runs on
//! SQLite and (when configured) PostgreSQL.

mod support;

use hoistway_store::testing::TestDb;
use hoistway_store::{rollups, telemetry};
use rumqttc::QoS;
use std::time::Duration;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_publish_only_as_themselves_and_answer_commands() {
    for t in TestDb::all().await {
        let label = t.label;
        let db = t.db.clone();
        let (ids, numbers) = two_units(&db).await;
        let (user_a, token_a) = issue(&t.url, ids[0]);
        issue(&t.url, ids[1]);
        let dir = tempfile::tempdir().unwrap();
        let mqtt_port = free_port();
        let out = run(
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
        assert!(out.contains("2 device(s)"), "{out}");
        let _broker = mosquitto(dir.path(), mqtt_port);
        let http = free_port();
        let _server = serve(&t.url, http, mqtt_port, "server-secret");

        let (a, mut a_inbox) = device(mqtt_port, "device-a", &user_a, &token_a).await;
        a.subscribe(
            format!("hoistway/v1/units/{}/commands", ids[0]),
            QoS::AtLeastOnce,
        )
        .await
        .unwrap();
        // As unit B, on B's topic: the broker's ACL drops it. (Mosquitto
        // 2.0 answers a denied QoS 1 publish with a PUBACK carrying an MQTT
        // 5 reason code, which makes an MQTT 3.1.1 client drop the
        // connection; so the attempt uses its own connection.)
        let (evil, _) = device(mqtt_port, "device-a-evil", &user_a, &token_a).await;
        evil.publish(
            format!("hoistway/v1/units/{}/telemetry", ids[1]),
            QoS::AtLeastOnce,
            false,
            event(
                &numbers[1],
                1,
                "trip",
                ",\"from_floor\":0,\"to_floor\":2,\"duration_ms\":7000,\"levelling_error_mm\":1.0",
            ),
        )
        .await
        .unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        // As unit B, on its own topic: the server dead-letters it.
        a.publish(
            format!("hoistway/v1/units/{}/telemetry", ids[0]),
            QoS::AtLeastOnce,
            false,
            event(
                &numbers[1],
                2,
                "trip",
                ",\"from_floor\":0,\"to_floor\":2,\"duration_ms\":7000,\"levelling_error_mm\":1.0",
            ),
        )
        .await
        .unwrap();
        // Its own events, two in one NDJSON message: an empty car in normal service.
        let own = [
            event(
                &numbers[0],
                1,
                "status",
                ",\"mode\":\"normal\",\"available\":true,\"passengers\":0",
            ),
            event(
                &numbers[0],
                2,
                "trip",
                ",\"from_floor\":0,\"to_floor\":4,\"duration_ms\":9000,\"levelling_error_mm\":2.0",
            ),
        ]
        .join("\n");
        a.publish(
            format!("hoistway/v1/units/{}/telemetry", ids[0]),
            QoS::AtLeastOnce,
            false,
            own,
        )
        .await
        .unwrap();

        wait_for("unit A's events", || async {
            telemetry::count_events(&db, Some(ids[0])).await.unwrap() == 2
        })
        .await;
        wait_for("the dead letter", || async {
            telemetry::recent_dead_letters(&db, 10)
                .await
                .unwrap()
                .iter()
                .any(|d| d.raw.contains(&numbers[1]))
        })
        .await;
        // Give a stray message time to arrive, then check none did.
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(
            telemetry::count_events(&db, Some(ids[1])).await.unwrap(),
            0,
            "{label}: device A published as unit B"
        );
        assert_eq!(
            rollups::total_events(&db, Some(ids[0]), "hour")
                .await
                .unwrap(),
            2,
            "{label}"
        );

        // A remote diagnostics command reaches the device, which answers.
        let admin = "ops@mqtt.example";
        run(
            hoistway().args([
                "user",
                "add",
                "--email",
                admin,
                "--name",
                "Ops",
                "--role",
                "operator",
                "--password-stdin",
                "--database-url",
                &t.url,
            ]),
            "a long enough secret\n",
        );
        let base = format!("http://127.0.0.1:{http}");
        let client = HttpClient(base);
        let token = client.login(admin, "a long enough secret").await;
        let sent = client
            .post(
                &token,
                &format!("/api/v1/units/{}/commands", ids[0]),
                r#"{"command":"diagnostics"}"#,
            )
            .await;
        assert_eq!(sent.0, 202, "{label}: {}", sent.1);
        let cmd: serde_json::Value = serde_json::from_str(&sent.1).unwrap();
        assert_eq!(cmd["status"], "sent");
        let got = tokio::time::timeout(Duration::from_secs(10), a_inbox.recv())
            .await
            .unwrap()
            .unwrap();
        let payload: serde_json::Value = serde_json::from_slice(&got.payload).unwrap();
        assert_eq!(payload["command_id"], cmd["id"]);
        assert_eq!(payload["command"], "diagnostics");
        a.publish(
            format!("hoistway/v1/units/{}/commands/ack", ids[0]),
            QoS::AtLeastOnce,
            false,
            format!(
                r#"{{"command_id":{},"ok":true,"result":{{"door_motor":"ok"}}}}"#,
                cmd["id"]
            ),
        )
        .await
        .unwrap();
        let path = format!("/api/v1/units/{}/commands/{}", ids[0], cmd["id"]);
        wait_for("the acknowledgement", || async {
            let r = client.get(&token, &path).await;
            r.1.contains("\"acknowledged\"")
        })
        .await;
        // A car with passengers is refused.
        a.publish(
            format!("hoistway/v1/units/{}/telemetry", ids[0]),
            QoS::AtLeastOnce,
            false,
            event(
                &numbers[0],
                3,
                "status",
                ",\"mode\":\"normal\",\"available\":true,\"passengers\":3",
            ),
        )
        .await
        .unwrap();
        wait_for("the passenger report", || async {
            telemetry::count_events(&db, Some(ids[0])).await.unwrap() == 3
        })
        .await;
        let refused = client
            .post(
                &token,
                &format!("/api/v1/units/{}/commands", ids[0]),
                r#"{"command":"reset"}"#,
            )
            .await;
        assert_eq!(refused.0, 409, "{label}: {}", refused.1);
        assert!(refused.1.contains("3 passenger"), "{}", refused.1);

        drop(_server);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn device_credentials_from_the_shell() {
    let t = TestDb::sqlite().await;
    let (ids, _) = two_units(&t.db).await;
    let (user, token) = issue(&t.url, ids[0]);
    assert!(token.starts_with("hwd_") && token.len() > 40, "{token}");
    let id = user.strip_prefix("device-").unwrap().to_string();
    let unit = ids[0].to_string();
    let listed = run(
        hoistway().args(["device", "list", "--unit", &unit, "--database-url", &t.url]),
        "",
    );
    assert!(
        listed.contains(&user) && listed.contains("active"),
        "{listed}"
    );
    assert!(!listed.contains(&token), "the token is never shown again");
    run(
        hoistway().args([
            "device",
            "revoke",
            "--unit",
            &unit,
            "--device",
            &id,
            "--database-url",
            &t.url,
        ]),
        "",
    );
    let listed = run(
        hoistway().args(["device", "list", "--unit", &unit, "--database-url", &t.url]),
        "",
    );
    assert!(listed.contains("revoked"), "{listed}");
    // Revoked credentials leave the broker files.
    let dir = tempfile::tempdir().unwrap();
    run(
        hoistway().args([
            "mqtt",
            "acl",
            "--out-dir",
            dir.path().to_str().unwrap(),
            "--server-password-stdin",
            "--database-url",
            &t.url,
        ]),
        "pw\n",
    );
    let passwords = std::fs::read_to_string(dir.path().join("password_file")).unwrap();
    assert!(
        passwords.starts_with("hoistway:$7$101$") && !passwords.contains(&user),
        "{passwords}"
    );
    // Revoking twice is refused with a clear message.
    let out = hoistway()
        .args([
            "device",
            "revoke",
            "--unit",
            &unit,
            "--device",
            &id,
            "--database-url",
            &t.url,
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already revoked"));
    t.cleanup().await;
}

/// `--mqtt-url mqtts://… --mqtt-ca FILE`: the server reaches a broker that
/// only speaks TLS (a private Mosquitto with the `hoistway dev-cert`
/// certificate) and ingests what a device publishes over TLS.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn telemetry_flows_over_mqtt_with_tls() {
    let t = TestDb::sqlite().await;
    let db = t.db.clone();
    let (ids, numbers) = two_units(&db).await;
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().join("certs");
    run(
        hoistway().args(["dev-cert", "--out-dir", certs.to_str().unwrap()]),
        "",
    );
    let port = free_port();
    let pem = |name: &str| certs.join(name).to_str().unwrap().to_string();
    std::fs::write(
        dir.path().join("mosquitto.conf"),
        format!(
            "listener {port} 127.0.0.1\nallow_anonymous true\ncertfile {}\nkeyfile {}\npersistence false\n",
            pem("cert.pem"),
            pem("key.pem")
        ),
    )
    .unwrap();
    let _broker = mosquitto(dir.path(), port);
    let http = free_port();
    let _server = Proc(
        hoistway()
            .args(["serve", "--database-url", &t.url])
            .args(["--bind", &format!("127.0.0.1:{http}")])
            .args(["--mqtt-url", &format!("mqtts://127.0.0.1:{port}")])
            .args(["--mqtt-ca", &pem("ca.pem")])
            .args(["--mqtt-client-id", "hoistway-tls-node"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_port(http);
    // A device publishing over TLS, trusting the same CA.
    let line = event(
        &numbers[0],
        1,
        "status",
        ",\"mode\":\"normal\",\"available\":true,\"passengers\":0",
    );
    let unit = ids[0];
    let topic = format!("hoistway/v1/units/{unit}/telemetry");
    wait_for("the event published over TLS to be stored", || {
        let published = std::process::Command::new("mosquitto_pub")
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            .args([
                "--cafile",
                &pem("ca.pem"),
                "-q",
                "1",
                "-t",
                &topic,
                "-m",
                &line,
            ])
            .status()
            .unwrap();
        assert!(published.success(), "mosquitto_pub over TLS");
        let db = db.clone();
        async move { telemetry::count_events(&db, Some(unit)).await.unwrap() == 1 }
    })
    .await;
    // The broker really is TLS only: a plain connection is refused.
    let plain = std::process::Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &port.to_string(), "-q", "1"])
        .args(["-t", &topic, "-m", "x"])
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(!plain.success(), "a plain MQTT client got through");
    t.cleanup().await;
}

/// Issue #18 defect 1 over the real broker: a NUL line and a message the
/// database refuses are dead letters, both are acknowledged, and the
/// device's next message is stored (ingest moved on).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_that_will_not_store_is_dead_lettered_and_ingest_moves_on() {
    for t in TestDb::all().await {
        let label = t.label;
        let db = t.db.clone();
        let (ids, numbers) = two_units(&db).await;
        let (user_a, token_a) = issue(&t.url, ids[0]);
        let (_dir, _broker, mqtt_port, http, _server) = broker_and_server(&t.url);
        let (a, _inbox) = device(mqtt_port, "device-a", &user_a, &token_a).await;
        let topic = format!("hoistway/v1/units/{}/telemetry", ids[0]);
        let status = |seq: u64, extra: &str| {
            event(
                &numbers[0],
                seq,
                "status",
                &format!(",\"mode\":\"normal\",\"available\":true{extra}"),
            )
        };
        let dead_letters = || async {
            telemetry::recent_dead_letters(&db, 20)
                .await
                .unwrap()
                .into_iter()
                .map(|d| d.reason)
                .collect::<Vec<_>>()
        };

        a.publish(
            &topic,
            QoS::AtLeastOnce,
            false,
            status(1, ",\"note\":\"a\\u0000b\""),
        )
        .await
        .unwrap();
        wait_for("the NUL line's dead letter", || async {
            dead_letters().await.iter().any(|r| r.contains("NUL"))
        })
        .await;

        // The events table is gone: nothing can store an event.
        sqlx::query("ALTER TABLE telemetry_events RENAME TO telemetry_events_away")
            .execute(&db.pool)
            .await
            .unwrap();
        a.publish(&topic, QoS::AtLeastOnce, false, status(2, ""))
            .await
            .unwrap();
        wait_for("the unstorable message's dead letter", || async {
            dead_letters()
                .await
                .iter()
                .any(|r| r.contains("could not be stored after"))
        })
        .await;
        sqlx::query("ALTER TABLE telemetry_events_away RENAME TO telemetry_events")
            .execute(&db.pool)
            .await
            .unwrap();

        a.publish(&topic, QoS::AtLeastOnce, false, status(3, ""))
            .await
            .unwrap();
        wait_for("the next message stored", || async {
            telemetry::count_events(&db, Some(ids[0])).await.unwrap() == 1
        })
        .await;
        let r = HttpClient(format!("http://127.0.0.1:{http}"))
            .request("GET", None, "/readyz", "")
            .await;
        assert_eq!(r.0, 200, "{label}: {}", r.1);
    }
}
