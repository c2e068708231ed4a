//! Shared pieces of the MQTT tests: the real binary, a private Mosquitto,
//! a server process, fixture units, devices and a tiny HTTP client.

#![allow(dead_code, unused_imports)]

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

pub fn hoistway() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hoistway"));
    c.env_remove("HOISTWAY_DATABASE_URL")
        .env_remove("HOISTWAY_MQTT_URL")
        .env("HOISTWAY_LOG_LEVEL", "warn");
    c
}

/// Runs a command to completion with `stdin`; returns stdout, panicking on failure.
pub fn run(cmd: &mut Command, stdin: &str) -> String {
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

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed when dropped (test failures included).
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn wait_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "nothing listens on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn mosquitto(dir: &Path, port: u16) -> Proc {
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

pub fn serve(url: &str, http: u16, mqtt: u16, password: &str) -> Proc {
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

pub fn actor() -> Actor {
    Actor {
        user_id: None,
        at: chrono::Utc::now(),
    }
}

/// Two units of one customer; returns (unit ids, equipment numbers).
pub async fn two_units(db: &Db) -> (Vec<i64>, Vec<String>) {
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
            hospital: None,
            business_calendar: None,
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
pub fn issue(url: &str, unit: i64) -> (String, String) {
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
pub async fn device(
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

pub fn event(unit: &str, seq: u64, kind: &str, extra: &str) -> String {
    let ts = chrono::Utc::now().to_rfc3339();
    format!(
        "{{\"v\":1,\"unit\":\"{unit}\",\"ts\":\"{ts}\",\"seq\":{seq},\"kind\":\"{kind}\"{extra}}}"
    )
}

pub async fn wait_for<F: std::future::Future<Output = bool>>(what: &str, mut f: impl FnMut() -> F) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !f().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Enough HTTP for these tests, over a fresh connection per request.
pub struct HttpClient(pub String);

impl HttpClient {
    pub async fn request(
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
    pub async fn login(&self, email: &str, password: &str) -> String {
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
    pub async fn post(&self, token: &str, path: &str, body: &str) -> (u16, String) {
        self.request("POST", Some(token), path, body).await
    }
    pub async fn get(&self, token: &str, path: &str) -> (u16, String) {
        self.request("GET", Some(token), path, "").await
    }
}

/// A private Mosquitto with the ACL of `hoistway mqtt acl` for every device
/// in `url`'s database, and a server on it: (broker files, broker, broker
/// port, HTTP port, server).
pub fn broker_and_server(url: &str) -> (tempfile::TempDir, Proc, u16, u16, Proc) {
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
            url,
        ]),
        "server-secret\n",
    );
    let broker = mosquitto(dir.path(), mqtt_port);
    let http = free_port();
    let server = serve(url, http, mqtt_port, "server-secret");
    (dir, broker, mqtt_port, http, server)
}
