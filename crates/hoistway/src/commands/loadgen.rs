//! `hoistway loadgen`: a telemetry load generator and end-to-end meter.
//!
//! Makes (or finds) a fleet of units in the database, generates a seeded,
//! realistic event mix (`hoistway_analytics::synth`, the same mix the
//! analytics benchmark uses), groups it per unit into NDJSON messages and
//! sends it over MQTT (QoS 1, counting broker acknowledgements) or HTTP
//! (device tokens, a few keep-alive connections). With `--wait-durable` it
//! then polls the database until the hourly rollups count every event and
//! reports end-to-end events per second: sent, stored, deduplicated,
//! counted, committed.

use crate::cli::LoadgenArgs;
use crate::config::Config;
use anyhow::{bail, Context};
use hoistway_analytics::synth::Fleet;
use hoistway_analytics::{encode_event, UnitKey};
use hoistway_connected::credentials;
use hoistway_connected::mqtt::MqttConfig;
use hoistway_domain::{Clock, Scope, SystemClock};
use hoistway_store::buildings::BuildingInput;
use hoistway_store::customers::CustomerInput;
use hoistway_store::units::UnitInput;
use hoistway_store::{buildings, customers, rollups, units, Actor, Db, ListFilter};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::Mutex;

const CUSTOMER: &str = "Loadgen fleet";

struct Target {
    unit_id: i64,
    equipment_number: String,
    token: Option<String>,
}

/// One message: a unit and its NDJSON lines.
struct Message {
    unit: usize,
    body: Vec<u8>,
    events: usize,
}

fn actor() -> Actor {
    Actor {
        user_id: None,
        at: SystemClock.now(),
    }
}

/// Finds or creates the loadgen customer, building and `n` units.
async fn fleet(db: &Db, n: usize, with_tokens: bool) -> anyhow::Result<Vec<Target>> {
    let q = ListFilter {
        q: Some(CUSTOMER.into()),
        ..Default::default()
    };
    let customer = match customers::list(db, &Scope::All, &q).await?.items.first() {
        Some(c) => c.id,
        None => {
            customers::create(
                db,
                &Scope::All,
                actor(),
                CustomerInput {
                    name: CUSTOMER.into(),
                    contact_email: None,
                    contact_phone: None,
                },
            )
            .await?
            .id
        }
    };
    let in_customer = ListFilter {
        customer_id: Some(customer),
        ..Default::default()
    };
    let building = match buildings::list(db, &Scope::All, &in_customer)
        .await?
        .items
        .first()
    {
        Some(b) => b.id,
        None => {
            buildings::create(
                db,
                &Scope::All,
                actor(),
                BuildingInput {
                    customer_id: customer,
                    name: "Loadgen tower".into(),
                    address: "Benchmark Road 1".into(),
                    country: "FI".into(),
                    timezone: "Europe/Helsinki".into(),
                    latitude: None,
                    longitude: None,
                    hospital: None,
                    business_calendar: None,
                },
            )
            .await?
            .id
        }
    };
    let mut existing: HashMap<String, i64> = HashMap::new();
    let mut page = ListFilter {
        customer_id: Some(customer),
        limit: Some(500),
        ..Default::default()
    };
    loop {
        let got = units::list(db, &Scope::All, &page).await?;
        existing.extend(got.items.iter().map(|u| (u.equipment_number.clone(), u.id)));
        match got.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => break,
        }
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let number = format!("ken:77{i:06}");
        let unit_id = match existing.get(&number) {
            Some(id) => *id,
            None => {
                units::create(
                    db,
                    &Scope::All,
                    actor(),
                    UnitInput {
                        building_id: building,
                        kind: "elevator".into(),
                        equipment_number: number.clone(),
                        connected: Some(true),
                        ..Default::default()
                    },
                )
                .await?
                .id
            }
        };
        let token = if with_tokens {
            let (_, t) =
                credentials::issue(db, &Scope::All, actor(), unit_id, Some("loadgen".into()))
                    .await?;
            Some(t)
        } else {
            None
        };
        out.push(Target {
            unit_id,
            equipment_number: number,
            token,
        });
    }
    Ok(out)
}

/// The event stream grouped per unit into messages of up to `batch` events.
fn messages(a: &LoadgenArgs, targets: &[Target]) -> Vec<Message> {
    let start_ms = SystemClock.now().timestamp_millis();
    // Sequence numbers above any earlier run's, so a rerun is not all duplicates.
    let seq_base = start_ms as u64 * 1000;
    let mut open: Vec<(Vec<u8>, usize)> = vec![(Vec::new(), 0); targets.len()];
    let mut out = Vec::with_capacity(a.events / a.batch.max(1) + targets.len());
    let keys: Vec<UnitKey> = targets
        .iter()
        .map(|t| UnitKey::parse(&t.equipment_number).expect("equipment numbers are valid keys"))
        .collect();
    for mut ev in Fleet::new(a.seed, targets.len(), start_ms, 2).take(a.events) {
        let index = ev.unit.as_str()[3..].parse::<usize>().unwrap_or(10_000) - 10_000;
        ev.unit = keys[index].clone();
        ev.seq += seq_base;
        let (body, n) = &mut open[index];
        body.extend_from_slice(encode_event(&ev).as_bytes());
        body.push(b'\n');
        *n += 1;
        if *n >= a.batch.max(1) {
            out.push(Message {
                unit: index,
                body: std::mem::take(body),
                events: std::mem::take(n),
            });
        }
    }
    for (index, (body, n)) in open.into_iter().enumerate() {
        if n > 0 {
            out.push(Message {
                unit: index,
                body,
                events: n,
            });
        }
    }
    // Entrapment alarms, raised and reset, spread evenly through the stream.
    let every = out.len() / (a.alarms + 1);
    for k in (0..a.alarms).rev() {
        let unit = k % targets.len();
        let at = (k + 1) * every;
        for (i, active) in [(0u64, true), (1, false)] {
            let line = format!(
                "{{\"v\":1,\"unit\":\"{}\",\"ts\":\"{}\",\"seq\":{},\"kind\":\"alarm\",\"alarm\":\"entrapment\",\"active\":{active}}}\n",
                targets[unit].equipment_number,
                hoistway_analytics::time::format_rfc3339_ms(start_ms + k as i64),
                seq_base + 900_000_000 + 2 * k as u64 + i
            );
            out.insert(
                at + i as usize,
                Message {
                    unit,
                    body: line.into_bytes(),
                    events: 1,
                },
            );
        }
    }
    out
}

/// Percentiles of the server's alarm-to-case histogram, from `/metrics`.
async fn alarm_latency(url: &str) -> anyhow::Result<String> {
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap_or((rest, "/metrics".into()));
    let mut s = tokio::net::TcpStream::connect(host).await?;
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await?;
    let mut text = String::new();
    s.read_to_string(&mut text).await?;
    let prefix = "hoistway_alarm_to_case_seconds_bucket{le=\"";
    let buckets: Vec<(f64, f64)> = text
        .lines()
        .filter_map(|l| l.strip_prefix(prefix))
        .filter_map(|l| {
            let (le, n) = l.split_once("\"} ")?;
            Some((le.parse().unwrap_or(f64::INFINITY), n.trim().parse().ok()?))
        })
        .collect();
    let count = buckets.last().map_or(0.0, |b| b.1);
    if count == 0.0 {
        return Ok("no alarms were measured".into());
    }
    let q = |p: f64| {
        buckets
            .iter()
            .find(|b| b.1 >= p * count)
            .map_or(f64::INFINITY, |b| b.0)
    };
    Ok(format!(
        "alarm to case (committed, hook called) over {count} alarms: p50 <= {:.1} ms, p99 <= {:.1} ms (histogram bucket upper bounds)",
        q(0.5) * 1000.0,
        q(0.99) * 1000.0
    ))
}

/// Sleeps so that `sent` events take at least `sent / rate` seconds.
async fn pace(rate: u64, started: Instant, sent: usize) {
    if rate > 0 {
        let due = Duration::from_secs_f64(sent as f64 / rate as f64);
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            tokio::time::sleep(wait).await;
        }
    }
}

async fn send_mqtt(a: &LoadgenArgs, targets: &[Target], msgs: Vec<Message>) -> anyhow::Result<()> {
    use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
    let cfg = MqttConfig::parse(&a.target, "x")?;
    let mut o = MqttOptions::new(
        format!("hoistway-loadgen-{}", std::process::id()),
        cfg.host,
        cfg.port,
    );
    o.set_keep_alive(Duration::from_secs(30))
        .set_max_packet_size(4 << 20, 4 << 20)
        .set_inflight(1000);
    if let Some(u) = cfg.username {
        o.set_credentials(u, cfg.password.unwrap_or_default());
    }
    let (client, mut eventloop) = AsyncClient::new(o, 1000);
    let total = msgs.len();
    let acks = tokio::spawn(async move {
        let mut acked = 0;
        while acked < total {
            match eventloop.poll().await {
                Ok(Event::Incoming(Packet::PubAck(_))) => acked += 1,
                Ok(_) => {}
                Err(e) => return Err(anyhow::anyhow!("MQTT: {e}")),
            }
        }
        Ok(acked)
    });
    let started = Instant::now();
    let mut sent = 0;
    for m in msgs {
        let topic = credentials::telemetry_topic(targets[m.unit].unit_id);
        client
            .publish(topic, QoS::AtLeastOnce, false, m.body)
            .await?;
        sent += m.events;
        pace(a.rate, started, sent).await;
    }
    let acked = acks.await??;
    eprintln!("published {acked} messages, every one acknowledged by the broker");
    let _ = client.disconnect().await;
    Ok(())
}

/// A minimal HTTP/1.1 POST over a kept-alive connection; returns the
/// status and body. Enough for a load generator, and no HTTP client crate.
async fn post(
    conn: &mut BufReader<tokio::net::TcpStream>,
    host: &str,
    token: &str,
    body: &[u8],
) -> anyhow::Result<(u16, Vec<u8>)> {
    let head = format!(
        "POST /api/v1/telemetry HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    conn.get_mut().write_all(head.as_bytes()).await?;
    conn.get_mut().write_all(body).await?;
    let mut line = String::new();
    conn.read_line(&mut line).await?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .context("bad HTTP status line")?;
    let mut length = 0usize;
    loop {
        line.clear();
        conn.read_line(&mut line).await?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse()?;
            }
        }
    }
    let mut buf = vec![0; length];
    conn.read_exact(&mut buf).await?;
    Ok((status, buf))
}

async fn send_http(a: &LoadgenArgs, targets: &[Target], msgs: Vec<Message>) -> anyhow::Result<()> {
    let host = a
        .target
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let tokens: Arc<Vec<String>> = Arc::new(
        targets
            .iter()
            .map(|t| t.token.clone().unwrap_or_default())
            .collect(),
    );
    let queue = Arc::new(Mutex::new(msgs.into_iter()));
    let started = Instant::now();
    let sent = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..a.concurrency.max(1) {
        let (queue, tokens, host, sent) =
            (queue.clone(), tokens.clone(), host.clone(), sent.clone());
        let rate = a.rate;
        workers.push(tokio::spawn(async move {
            let mut conn = BufReader::new(tokio::net::TcpStream::connect(&host).await?);
            let mut accepted = 0u64;
            loop {
                let Some(m) = queue.lock().await.next() else {
                    break;
                };
                let (status, body) = post(&mut conn, &host, &tokens[m.unit], &m.body).await?;
                if status != 200 {
                    bail!("HTTP {status}: {}", String::from_utf8_lossy(&body));
                }
                let report: serde_json::Value = serde_json::from_slice(&body)?;
                accepted += report["accepted"].as_u64().unwrap_or(0);
                let n = sent.fetch_add(m.events, std::sync::atomic::Ordering::Relaxed) + m.events;
                pace(rate, started, n).await;
            }
            Ok(accepted)
        }));
    }
    let mut accepted = 0;
    for w in workers {
        accepted += w.await??;
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!("HTTP: {accepted} events accepted (committed before each 200) in {secs:.2} s: {:.0} events/s", accepted as f64 / secs);
    Ok(())
}

pub async fn run(config: &Config, a: LoadgenArgs) -> anyhow::Result<()> {
    let http = a.target.starts_with("http://");
    if !http && !a.target.starts_with("mqtt://") {
        bail!("--target must be mqtt://host:port or http://host:port");
    }
    let db = Db::open(&config.database_url_or("hoistway.db")?).await?;
    let targets = fleet(&db, a.units.max(1), http).await?;
    let msgs = messages(&a, &targets);
    let events: usize = msgs.iter().map(|m| m.events).sum();
    let before = rollups::total_events(&db, None, "hour").await?;
    eprintln!(
        "{} units, {events} events in {} messages",
        targets.len(),
        msgs.len()
    );
    let started = Instant::now();
    if http {
        send_http(&a, &targets, msgs).await?;
    } else {
        send_mqtt(&a, &targets, msgs).await?;
    }
    let sent_secs = started.elapsed().as_secs_f64();
    eprintln!(
        "sent in {sent_secs:.2} s: {:.0} events/s offered",
        events as f64 / sent_secs
    );
    if a.wait_durable {
        let want = before + events as i64;
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let now = rollups::total_events(&db, None, "hour").await?;
            if now >= want {
                break;
            }
            if Instant::now() > deadline {
                bail!(
                    "only {} of {events} events reached the rollups after 5 minutes",
                    now - before
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "end-to-end: {events} events durable in the hourly rollups after {secs:.2} s: {:.0} events/s",
            events as f64 / secs
        );
    }
    if let Some(url) = &a.metrics_url {
        println!("{}", alarm_latency(url).await?);
    }
    Ok(())
}
