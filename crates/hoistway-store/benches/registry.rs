//! Listing one customer's units in a big fleet: 10,000 units over 100
//! customers and 1,000,000 audit rows, on SQLite and (when
//! `HOISTWAY_TEST_POSTGRES` is set) PostgreSQL. Prints p50/p99 latency of a
//! first page (50 units) for a customer user, a filtered search, and a
//! provider-wide page. Latency percentiles are what matter here, so this is
//! a plain timing harness rather than criterion.

use hoistway_domain::Scope;
use hoistway_store::sql::Sql;
use hoistway_store::testing::TestDb;
use hoistway_store::{units, Db, ListFilter};
use std::time::Instant;

const CUSTOMERS: i64 = 100;
const UNITS: i64 = 10_000;
const AUDIT_ROWS: i64 = 1_000_000;
const BATCH: i64 = 500;

async fn exec(db: &Db, text: String) {
    Sql::new(&text)
        .execute(&db.pool)
        .await
        .expect("seed statement");
}

async fn seed(db: &Db) {
    let mut tx_rows = Vec::new();
    for c in 1..=CUSTOMERS {
        tx_rows.push(format!("({c}, 'Customer {c}', 0, 0)"));
    }
    exec(
        db,
        format!(
            "INSERT INTO customers (id, name, created_at, updated_at) VALUES {}",
            tx_rows.join(",")
        ),
    )
    .await;
    let buildings: Vec<String> = (1..=CUSTOMERS * 2)
        .map(|b| {
            format!(
                "({b}, {}, 'Building {b}', 'Street {b}', 'FI', 'Europe/Helsinki', 0, 0)",
                (b - 1) / 2 + 1
            )
        })
        .collect();
    exec(db, format!("INSERT INTO buildings (id, customer_id, name, address, country, timezone, created_at, updated_at) VALUES {}", buildings.join(","))).await;
    for start in (1..=UNITS).step_by(BATCH as usize) {
        let rows: Vec<String> = (start..start + BATCH)
            .map(|u| {
                let building = (u - 1) % (CUSTOMERS * 2) + 1;
                let customer = (building - 1) / 2 + 1;
                let kind = ["elevator", "escalator", "door"][(u % 3) as usize];
                format!(
                    "({u}, {customer}, {building}, '{kind}', 'ken:{u}', 'Lift {u}', 'KONE', 0, 0)"
                )
            })
            .collect();
        exec(db, format!("INSERT INTO units (id, customer_id, building_id, kind, equipment_number, name, manufacturer, created_at, updated_at) VALUES {}", rows.join(","))).await;
    }
    for start in (0..AUDIT_ROWS).step_by(2000) {
        let rows: Vec<String> = (start..start + 2000)
            .map(|i| format!("({i}, 1, {}, 'unit', {}, 'update', '{{\"model\":\"a\"}}', '{{\"model\":\"b\"}}')", i % CUSTOMERS + 1, i % UNITS + 1))
            .collect();
        exec(db, format!("INSERT INTO audit_log (at, actor_user_id, customer_id, entity, entity_id, action, before_json, after_json) VALUES {}", rows.join(","))).await;
    }
    if db.backend == hoistway_store::Backend::Postgres {
        // Explicit ids above bypassed the sequences; analyse for the planner.
        exec(db, "ANALYZE".into()).await;
    }
}

async fn measure(db: &Db, label: &str, scope: &Scope, filter: &ListFilter, expect: usize) {
    let mut samples = Vec::new();
    for i in 0..400 {
        let started = Instant::now();
        let page = units::list(db, scope, filter).await.expect("list");
        let took = started.elapsed();
        assert_eq!(page.items.len(), expect, "{label}");
        if i >= 50 {
            samples.push(took.as_secs_f64() * 1000.0);
        }
    }
    samples.sort_by(f64::total_cmp);
    let p = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    println!(
        "{:<9} {label:<44} p50 {:>7.3} ms   p99 {:>7.3} ms",
        db.backend_name(),
        p(0.50),
        p(0.99)
    );
}

trait Name {
    fn backend_name(&self) -> &'static str;
}
impl Name for Db {
    fn backend_name(&self) -> &'static str {
        match self.backend {
            hoistway_store::Backend::Sqlite => "sqlite",
            hoistway_store::Backend::Postgres => "postgres",
        }
    }
}

#[tokio::main]
async fn main() {
    // `cargo test --benches` runs bench targets too; only measure under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    for t in TestDb::all().await {
        let seeding = Instant::now();
        seed(&t.db).await;
        println!(
            "{}: seeded {UNITS} units, {AUDIT_ROWS} audit rows in {:.1} s",
            t.label,
            seeding.elapsed().as_secs_f64()
        );
        let customer = Scope::Customer {
            customer_id: 42,
            portfolios: None,
        };
        let page = ListFilter {
            limit: Some(50),
            ..Default::default()
        };
        measure(
            &t.db,
            "customer user, first page of 100 units",
            &customer,
            &page,
            50,
        )
        .await;
        let search = ListFilter {
            limit: Some(50),
            kind: Some("door".into()),
            q: Some("lift 41".into()),
            ..Default::default()
        };
        let expect = units::list(&t.db, &customer, &search)
            .await
            .unwrap()
            .items
            .len();
        measure(
            &t.db,
            "customer user, kind + free-text search",
            &customer,
            &search,
            expect,
        )
        .await;
        measure(
            &t.db,
            "provider, first page of all 10k units",
            &Scope::All,
            &page,
            50,
        )
        .await;
        t.cleanup().await;
    }
}
