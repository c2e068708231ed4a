//! MQTT end to end with the real binary and a private Mosquitto: the
//! broker files from `hoistway mqtt acl` confine each device to its own
//! unit, telemetry flows to durable rows, remote commands go out and their
//! acknowledgements come back, and a server killed with SIGKILL mid-stream
//! loses and double-counts nothing. Runs on SQLite and (when configured)
//! PostgreSQL.

use hoistway_domain::Scope;
use hoistway_store::buildings::BuildingInput;
use hoistway_store::customers::CustomerInput;
use hoistway_store::testing::TestDb;
use hoistway_store::units::UnitInput;
use hoistway_store::{buildings, customers, rollups, telemetry, units, Actor, Db};
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn hoistway() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hoistway"));
    c.env_remove("HOISTWAY_DATABASE_URL")
        .env_remove("HOISTWAY_MQTT_URL")
        .env("HOISTWAY_LOG_LEVEL", "warn");
    c
}

/// Runs a command to completion with `stdin`; returns stdout, panicking on failure.
fn run(cmd: &mut Command, stdin: &str) -> String {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let (o, e) = (
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    );
    assert!(out.status.success(), "{cmd:?}: {o}{e}");
    o
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed when dropped (test failures included).
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn mosquitto(dir: &Path, port: u16) -> Proc {
    // Started as root, Mosquitto drops to its own user, which cannot read
    // the 0600 files in a private temp dir; keep it as the test's user.
    let conf = dir.join("mosquitto.conf");
    let text = std::fs::read_to_string(&conf).unwrap();
    if !text.contains("\nuser ") {
        std::fs::write(&conf, format!("{text}user root\n")).unwrap();
    }
    let child = Command::new("mosquitto")
        .arg("-c")
        .arg(dir.join("mosquitto.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the mosquitto binary (apt-get install mosquitto)");
    wait_port(port);
    Proc(child)
}

fn serve(url: &str, http: u16, mqtt: u16, password: &str) -> Proc {
    let child = hoistway()
        .args([
            "serve",
            "--database-url",
            url,
            "--bind",
            &format!("127.0.0.1:{http}"),
            "--mqtt-url",
            &format!("mqtt://hoistway:{password}@127.0.0.1:{mqtt}"),
            "--mqtt-client-id",
            "hoistway-test-node",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    wait_port(http);
    Proc(child)
}

fn actor() -> Actor {
    Actor {
        user_id: None,
        at: chrono::Utc::now(),
    }
}

/// Two units of one customer; returns (unit ids, equipment numbers).
async fn two_units(db: &Db) -> (Vec<i64>, Vec<String>) {
    let c = customers::create(
        db,
        &Scope::All,
        actor(),
        CustomerInput {
            name: "Mqtt Towers".into(),
            contact_email: None,
            contact_phone: None,
        },
    )
    .await
    .unwrap();
    let b = buildings::create(
        db,
        &Scope::All,
        actor(),
        BuildingInput {
            customer_id: c.id,
            name: "Tower".into(),
            address: "Quay 1".into(),
            country: "FI".into(),
            timezone: "Europe/Helsinki".into(),
            latitude: None,
            longitude: None,
        },
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    let mut numbers = Vec::new();
    for n in ["ken:5500001", "ken:5500002"] {
        let u = units::create(
            db,
            &Scope::All,
            actor(),
            UnitInput {
                building_id: b.id,
                kind: "elevator".into(),
                equipment_number: n.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        ids.push(u.id);
        numbers.push(n.to_string());
    }
    (ids, numbers)
}

/// Issues a credential with the CLI; returns (mqtt user, token).
fn issue(url: &str, unit: i64) -> (String, String) {
    let out = run(
        hoistway().args([
            "device",
            "issue",
            "--unit",
            &unit.to_string(),
            "--database-url",
            url,
        ]),
        "",
    );
    let token = out
        .lines()
        .find_map(|l| l.strip_prefix("token: "))
        .expect("a token line")
        .to_string();
    let user = out
        .split("user ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .expect("an MQTT user")
        .to_string();
    (user, token)
}

/// A device connection; the event loop runs in the background and
/// forwards incoming publishes.
async fn device(
    port: u16,
    id: &str,
    user: &str,
    password: &str,
) -> (
    AsyncClient,
    tokio::sync::mpsc::UnboundedReceiver<rumqttc::Publish>,
) {
    let mut o = MqttOptions::new(id, "127.0.0.1", port);
    o.set_credentials(user, password)
        .set_keep_alive(Duration::from_secs(10));
    let (client, mut el) = AsyncClient::new(o, 100);
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            match el.poll().await {
                Ok(Event::Incoming(Packet::Publish(p))) => {
                    let _ = tx.send(p);
                }
                Ok(_) => {}
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    });
    (client, rx)
}

fn event(unit: &str, seq: u64, kind: &str, extra: &str) -> String {
    let ts = chrono::Utc::now().to_rfc3339();
    format!(
        "{{\"v\":1,\"unit\":\"{unit}\",\"ts\":\"{ts}\",\"seq\":{seq},\"kind\":\"{kind}\"{extra}}}"
    )
}

async fn wait_for<F: std::future::Future<Output = bool>>(what: &str, mut f: impl FnMut() -> F) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !f().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

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

/// Enough HTTP for these tests, over a fresh connection per request.
struct HttpClient(String);

impl HttpClient {
    async fn request(
        &self,
        method: &str,
        token: Option<&str>,
        path: &str,
        body: &str,
    ) -> (u16, String) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let host = self.0.trim_start_matches("http://");
        let mut s = tokio::net::TcpStream::connect(host).await.unwrap();
        let auth = token
            .map(|t| format!("Authorization: Bearer {t}\r\n"))
            .unwrap_or_default();
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).await.unwrap();
        let status = out.split_whitespace().nth(1).unwrap().parse().unwrap();
        let body = out
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        (status, body)
    }
    async fn login(&self, email: &str, password: &str) -> String {
        let (s, b) = self
            .request(
                "POST",
                None,
                "/api/v1/auth/login",
                &format!(r#"{{"email":"{email}","password":"{password}"}}"#),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        serde_json::from_str::<serde_json::Value>(&b).unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }
    async fn post(&self, token: &str, path: &str, body: &str) -> (u16, String) {
        self.request("POST", Some(token), path, body).await
    }
    async fn get(&self, token: &str, path: &str) -> (u16, String) {
        self.request("GET", Some(token), path, "").await
    }
}

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
