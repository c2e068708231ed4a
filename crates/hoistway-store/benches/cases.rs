//! Case intake throughput and the SLA timer tick through the store, on
//! SQLite and (when `HOISTWAY_TEST_POSTGRES` is set) PostgreSQL.
//!
//! 1. Opens 2,000 cases one after another (each its own transaction with
//!    numbering, triage, SLA state, timeline, audit and outbox rows) and
//!    prints cases/s and p50/p99 latency, then 2,000 more from 8 concurrent
//!    tasks (cases/s).
//! 2. Runs the SLA timers over those 4,000 open cases when all are due
//!    (every case evaluated and written once) and prints cases/s.
//!
//! A plain timing harness: latency percentiles and rates are what matter.

use chrono::{Duration, TimeZone, Utc};
use hoistway_domain::Scope;
use hoistway_store::cases::intake::Opening;
use hoistway_store::cases::{self, CaseInput, Rules};
use hoistway_store::sql::Sql;
use hoistway_store::testing::TestDb;
use hoistway_store::{Actor, Db};
use std::time::Instant;

const CASES: usize = 2_000;

async fn seed(db: &Db) {
    for text in [
        "INSERT INTO customers (id, name, created_at, updated_at) VALUES (1, 'Bench', 0, 0)",
        "INSERT INTO buildings (id, customer_id, name, address, country, timezone, created_at, updated_at) VALUES (1, 1, 'B', 'Street 1', 'FI', 'Europe/Helsinki', 0, 0)",
    ] {
        Sql::new(text).execute(&db.pool).await.expect("seed");
    }
    let rows: Vec<String> = (1..=100)
        .map(|u| format!("({u}, 1, 1, 'elevator', 'ken:{u}', 0, 0)"))
        .collect();
    Sql::new(&format!(
        "INSERT INTO units (id, customer_id, building_id, kind, equipment_number, created_at, updated_at) VALUES {}",
        rows.join(",")
    ))
    .execute(&db.pool)
    .await
    .expect("units");
}

fn input(i: usize) -> CaseInput {
    CaseInput {
        unit_id: Some((i % 100) as i64 + 1),
        symptoms: Some(format!("bench case {i}")),
        passengers_trapped: None,
        ..Default::default()
    }
}

async fn open(db: &Db, rules: &Rules, i: usize, at: chrono::DateTime<Utc>) {
    let actor = Actor { user_id: None, at };
    cases::create(
        db,
        &Scope::All,
        actor,
        rules,
        input(i),
        Opening {
            channel: "api",
            finding_key: None,
        },
    )
    .await
    .expect("case");
}

async fn run(label: &str, db: Db) {
    seed(&db).await;
    let rules = Rules::default();
    let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap();
    let mut lat = Vec::with_capacity(CASES);
    let started = Instant::now();
    for i in 0..CASES {
        let s = Instant::now();
        open(&db, &rules, i, t0).await;
        lat.push(s.elapsed());
    }
    let serial = started.elapsed();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    println!(
        "{label}: {CASES} cases one by one: {:.0} cases/s, p50 {:.2} ms, p99 {:.2} ms",
        CASES as f64 / serial.as_secs_f64(),
        pct(0.5).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3
    );
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..8 {
        let db = db.clone();
        let rules = rules.clone();
        tasks.push(tokio::spawn(async move {
            for i in (w..CASES).step_by(8) {
                open(&db, &rules, CASES + i, t0).await;
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    println!(
        "{label}: {CASES} cases from 8 tasks: {:.0} cases/s",
        CASES as f64 / started.elapsed().as_secs_f64()
    );
    // Everything is due a week later: one tick evaluates every open case.
    let later = t0 + Duration::days(7);
    let started = Instant::now();
    let mut evaluated = 0;
    loop {
        let r = cases::sla::run_due(&db, &rules, later, "bench", 1000)
            .await
            .expect("timers");
        if r.evaluated == 0 {
            break;
        }
        evaluated += r.evaluated;
    }
    println!(
        "{label}: SLA timers over {evaluated} due cases: {:.0} cases/s ({:.2} s)",
        evaluated as f64 / started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

#[tokio::main]
async fn main() {
    let t = TestDb::sqlite().await;
    run("sqlite", t.db.clone()).await;
    t.cleanup().await;
    if std::env::var("HOISTWAY_TEST_POSTGRES").is_ok() {
        let t = TestDb::postgres().await.expect("postgres");
        run("postgres", t.db.clone()).await;
        t.cleanup().await;
    }
}
