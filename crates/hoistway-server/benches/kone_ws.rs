//! Lift call → approved latency over the Elevator WebSocket API with 200
//! concurrent connections, against the real server on a local port.
//!
//! One API application per connection (so each is a separate owner, as
//! 200 robots or apps would be), each with a `callgiving` token; every
//! connection places destination calls one after another (a random pause
//! of 0–200 ms between them) in a 6-car, 20-floor building
//! (examples/buildings/office-20x6.toml) driven by the twin on the system
//! clock. Latency is from sending the `lift-call-api-v2` action to
//! receiving its result frame (`success` with `session_id`), and from
//! sending it to the driver's `approved` event (a car allocated by the
//! twin's destination dispatcher), read from the server's call book by the
//! event's own timestamp. Client and server share the process and the
//! machine's cores.
//!
//! `cargo bench -p hoistway-server --bench kone_ws` (SQLite; PostgreSQL too
//! when `HOISTWAY_TEST_POSTGRES` is set). `KONE_BENCH_CONNECTIONS` and
//! `KONE_BENCH_CALLS` (per connection) change the load.

use futures_util::{SinkExt, StreamExt};
use hoistway_app::state::{AppState, Settings};
use hoistway_domain::{Scope, SystemClock};
use hoistway_lift::CallState;
use hoistway_remote::book::Owner;
use hoistway_store::buildings::BuildingInput;
use hoistway_store::customers::CustomerInput;
use hoistway_store::testing::TestDb;
use hoistway_store::{api_clients, buildings, customers, topology, Actor};
use rand::Rng;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

const OFFICE: &str = include_str!("../../../examples/buildings/office-20x6.toml");

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn run(t: TestDb, connections: usize, calls: usize) {
    let actor = Actor {
        user_id: None,
        at: chrono::Utc::now(),
    };
    let db = t.db.clone();
    let customer = customers::create(
        &db,
        &Scope::All,
        actor,
        CustomerInput {
            name: "Bench".into(),
            contact_email: None,
            contact_phone: None,
        },
    )
    .await
    .unwrap();
    let building = buildings::create(
        &db,
        &Scope::All,
        actor,
        BuildingInput {
            customer_id: customer.id,
            name: "Tower".into(),
            address: "1 Main St".into(),
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
    let twin = hoistway_twin::Building::from_toml_str(OFFICE).unwrap();
    // The contract's bare group number of the building's first group.
    let group = "1".to_string();
    topology::put(
        &db,
        &Scope::All,
        actor,
        building.id,
        topology::TopologyInput::from_twin(&twin),
    )
    .await
    .unwrap();
    let state = AppState::new(db.clone(), Arc::new(SystemClock), Settings::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(hoistway_server::run(listener, state.clone(), async {
        let _ = stopped.await;
    }));

    let http = reqwest::Client::new();
    let scope = format!("callgiving/group:{}:{group}", building.id);
    let mut apps = Vec::new();
    for i in 0..connections {
        let (app, secret) =
            api_clients::create(&db, &Scope::All, actor, customer.id, &format!("robot {i}"))
                .await
                .unwrap();
        let token: Value = http
            .post(format!("http://{addr}/api/v2/oauth2/token"))
            .basic_auth(&app.client_id, Some(&secret))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                serde_urlencoded::to_string([
                    ("grant_type", "client_credentials"),
                    ("scope", &scope),
                ])
                .unwrap(),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        apps.push((app.id, token["access_token"].as_str().unwrap().to_string()));
    }
    // Open every connection before any call, so all 200 are live at once.
    let mut sockets = Vec::new();
    for (_, token) in &apps {
        let mut req = format!("ws://{addr}/stream-v2?accessToken={token}")
            .into_client_request()
            .unwrap();
        req.headers_mut()
            .insert("sec-websocket-protocol", "koneapi".parse().unwrap());
        // As a latency-minded client would: no Nagle delay on small frames.
        let (ws, _) = tokio_tungstenite::connect_async_with_config(req, None, true)
            .await
            .unwrap();
        sockets.push(ws);
    }
    let b = format!("building:{}", building.id);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (i, mut ws) in sockets.into_iter().enumerate() {
        let (b, group, state) = (b.clone(), group.clone(), state.clone());
        let (app, building) = (apps[i].0, building.id);
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for n in 0..calls {
                let pause = rand::thread_rng().gen_range(0..200);
                tokio::time::sleep(Duration::from_millis(pause)).await;
                // Up-peak-like: mostly from the lobby, some back down.
                let k = (i * 7 + n * 3) % 20;
                let (from, to) = if n % 5 == 4 { (1000 * (2 + k as u32), 1000) } else { (1000, 1000 * (2 + k as u32)) };
                let request_id = (i * 10_000 + n) as i64;
                let msg = json!({
                    "type": "lift-call-api-v2", "buildingId": b, "callType": "action", "groupId": group,
                    "payload": {"request_id": request_id, "area": from, "time": "2026-11-23T08:00:00.000Z", "terminal": 1,
                                "call": {"action": 2, "destination": to}}
                });
                let sent_at = chrono::Utc::now();
                let sent = Instant::now();
                ws.send(Message::text(msg.to_string())).await.unwrap();
                let session = loop {
                    let Some(Ok(Message::Text(t))) = ws.next().await else { panic!("connection lost") };
                    let v: Value = serde_json::from_str(&t).unwrap();
                    if v["callType"] == "action" {
                        break v["data"]["session_id"].as_u64();
                    }
                };
                let answered = sent.elapsed();
                let approved = match session {
                    Some(sid) => approved_after(&state, building, sid, app, sent_at).await,
                    None => None,
                };
                out.push(Outcome { answered, accepted: session.is_some(), approved });
            }
            let _ = ws.close(None).await;
            out
        }));
    }
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.extend(t.await.unwrap());
    }
    let wall = started.elapsed();
    let accepted = outcomes.iter().filter(|o| o.accepted).count();
    let mut answered: Vec<Duration> = outcomes.iter().map(|o| o.answered).collect();
    let mut approved: Vec<Duration> = outcomes.iter().filter_map(|o| o.approved).collect();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let summary = |lat: &mut Vec<Duration>| {
        if lat.is_empty() {
            return "none".to_string();
        }
        lat.sort();
        let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
        format!(
            "p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            ms(pct(0.50)),
            ms(pct(0.90)),
            ms(pct(0.99)),
            ms(*lat.last().unwrap())
        )
    };
    println!(
        "{:<9} {} connections, {} calls in {:.1} s ({:.0}/s): accepted {}, approved {}\n          call -> result frame:   {}\n          call -> approved (car): {}",
        t.label,
        connections,
        outcomes.len(),
        wall.as_secs_f64(),
        outcomes.len() as f64 / wall.as_secs_f64(),
        accepted,
        approved.len(),
        summary(&mut answered),
        summary(&mut approved),
    );
    let _ = stop.send(());
    t.cleanup().await;
}

/// One call as the client saw it.
struct Outcome {
    /// From sending the action to its result frame.
    answered: Duration,
    /// The result carried a `session_id`.
    accepted: bool,
    /// From sending the action to the driver's `approved` event (a car
    /// allocated), read from the server's call book; `None` if it never
    /// came within two seconds.
    approved: Option<Duration>,
}

/// When the call was approved, relative to `sent_at`, from the server's
/// call book (the event's own timestamp, so reading it later does not add
/// to the figure).
async fn approved_after(
    state: &AppState,
    building: i64,
    call: u64,
    app: i64,
    sent_at: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    let (history, mut rx) =
        hoistway_remote::calls_of(state)
            .book
            .follow(building, call, Owner::App(app))?;
    let event = match history.into_iter().find(|e| e.state == CallState::Approved) {
        Some(e) => e,
        None => tokio::time::timeout(Duration::from_secs(2), async {
            loop {
                match rx.recv().await {
                    Ok(e) if e.state == CallState::Approved => return Some(e),
                    Ok(_) => {}
                    Err(_) => return None,
                }
            }
        })
        .await
        .ok()??,
    };
    (event.at - sent_at).to_std().ok().or(Some(Duration::ZERO))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // `cargo test --benches` runs this with --test-ish flags: keep it quick then.
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let connections = env_or("KONE_BENCH_CONNECTIONS", 200);
    let calls = env_or("KONE_BENCH_CALLS", 10);
    for t in TestDb::all().await {
        run(t, connections, calls).await;
    }
}
