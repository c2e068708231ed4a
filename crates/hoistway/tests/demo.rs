//! `hoistway demo` as a visitor meets it: the seeded fleet is served and the
//! live twin streams telemetry through the ingest path, so connected units
//! show live status within seconds and rollups fill up.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn curl(args: &[&str]) -> (String, serde_json::Value) {
    let out = Command::new("curl")
        .args(["-s", "-w", "\n%{http_code}"])
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (body, code) = text.rsplit_once('\n').unwrap();
    (
        code.to_string(),
        serde_json::from_str(body).unwrap_or_default(),
    )
}

#[test]
fn demo_streams_live_telemetry_from_the_twin() {
    let dir = tempfile::tempdir().unwrap();
    let mut demo = Command::new(env!("CARGO_BIN_EXE_hoistway"))
        .env_remove("HOISTWAY_DATABASE_URL")
        .env("HOISTWAY_LOG_LEVEL", "warn")
        .args(["--data-dir", dir.path().to_str().unwrap()])
        .args(["demo", "--bind", "127.0.0.1:0", "--speed", "120"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(demo.stdout.take().unwrap()).lines();
    let (mut base, mut fleet) = (None, None);
    while base.is_none() || fleet.is_none() {
        let line = lines.next().expect("demo exited").unwrap();
        if let Some(rest) = line.split("running at http://").nth(1) {
            base = Some(format!("http://{}", rest.split('/').next().unwrap()));
        }
        if line.starts_with("Live twin fleet:") {
            fleet = Some(line);
        }
    }
    let base = base.unwrap();
    assert!(fleet.unwrap().contains("connected units streaming"));
    let (code, login) = curl(&[
        "-X",
        "POST",
        &format!("{base}/api/v1/auth/login"),
        "-H",
        "content-type: application/json",
        "-d",
        r#"{"email":"operator@hoistway.example","password":"hoistway-demo"}"#,
    ]);
    assert_eq!(code, "200", "{login}");
    let auth = format!("authorization: Bearer {}", login["token"].as_str().unwrap());
    let (_, units) = curl(&[&format!("{base}/api/v1/units?limit=500"), "-H", &auth]);
    let connected: Vec<i64> = units["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["connected"] == true)
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert!(connected.len() > 10);
    // Within a minute of wall time every sampled connected unit is online.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut online = 0;
    while Instant::now() < deadline {
        online = connected
            .iter()
            .take(8)
            .filter(|id| {
                let (_, s) = curl(&[&format!("{base}/api/v1/units/{id}/status"), "-H", &auth]);
                s["connectivity"] == "online" && s["last_seen"].is_string()
            })
            .count();
        if online == 8 {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let _ = demo.kill();
    let _ = demo.wait();
    assert_eq!(
        online, 8,
        "the twin's telemetry reached the first 8 connected units"
    );
}
