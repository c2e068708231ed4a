//! Throwaway databases for tests: a SQLite file in the temp directory always,
//! and a fresh PostgreSQL database when `HOISTWAY_TEST_POSTGRES` names a
//! server (an admin URL such as `postgres://postgres@127.0.0.1:5432/postgres`).
//! With `HOISTWAY_REQUIRE_POSTGRES=1` an unreachable server is an error, so
//! CI cannot silently skip the PostgreSQL half.

use crate::Db;
use sqlx::Connection;
use std::sync::atomic::{AtomicU64, Ordering};

/// One migrated, empty database.
pub struct TestDb {
    pub label: &'static str,
    pub url: String,
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let path = std::env::temp_dir().join(format!("hoistway_test_{}.db", unique_suffix()));
        let url = format!("sqlite://{}", path.display());
        let db = Db::open(&url).await.expect("open sqlite test database");
        TestDb {
            label: "sqlite",
            url,
            db,
            cleanup: Cleanup::File(path),
        }
    }

    /// A fresh PostgreSQL database, or `None` when none is configured.
    pub async fn postgres() -> Option<TestDb> {
        let required = std::env::var("HOISTWAY_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
        let Ok(admin_url) = std::env::var("HOISTWAY_TEST_POSTGRES") else {
            assert!(
                !required,
                "HOISTWAY_REQUIRE_POSTGRES=1 but HOISTWAY_TEST_POSTGRES is not set"
            );
            return None;
        };
        let name = format!("hoistway_test_{}", unique_suffix());
        let mut admin = match sqlx::PgConnection::connect(&admin_url).await {
            Ok(c) => c,
            Err(e) if !required => {
                eprintln!("skipping PostgreSQL: {e}");
                return None;
            }
            Err(e) => panic!("PostgreSQL required but unreachable at {admin_url}: {e}"),
        };
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let (base, _) = admin_url
            .rsplit_once('/')
            .expect("admin URL names a database");
        let url = format!("{base}/{name}");
        let db = Db::open(&url).await.expect("open postgres test database");
        Some(TestDb {
            label: "postgres",
            url,
            db,
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    /// SQLite, plus PostgreSQL when configured.
    pub async fn all() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite().await];
        dbs.extend(TestDb::postgres().await);
        dbs
    }

    /// Drops the database. Tests call it at the end; a failed test leaves
    /// its database behind for inspection.
    pub async fn cleanup(self) {
        self.db.pool.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            }
        }
    }
}
