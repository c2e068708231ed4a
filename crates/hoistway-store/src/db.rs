//! Opening the database the URL names, and running its migrations.

use crate::error::Result;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// The schema found in the database, against the binary's migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    Current,
    /// No applied migrations at all.
    Missing,
    /// Migrations up to `applied` ran; this binary needs `expected`.
    Behind {
        applied: i64,
        expected: i64,
    },
}

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Rows per multi-row statement built with [`crate::sql::Sql::for_backend`]
    /// for `params_per_row` parameters each, under both backends' limits
    /// (SQLite 32,766 parameters, PostgreSQL 65,535).
    pub fn rows_per_statement(self, params_per_row: usize) -> usize {
        let budget = match self {
            Backend::Sqlite => 12_000,
            Backend::Postgres => 30_000,
        };
        (budget / params_per_row.max(1)).max(1)
    }

    /// The backend behind a connection (or a transaction, which derefs to one).
    pub fn of(conn: &sqlx::AnyConnection) -> Backend {
        if conn.backend_name() == "SQLite" {
            Backend::Sqlite
        } else {
            Backend::Postgres
        }
    }
}

/// A connection pool plus the backend it talks to.
#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    /// SQLite's one writer, taken in turn by this process's transactions
    /// (see [`Db::begin`]).
    write_turn: Arc<tokio::sync::Mutex<()>>,
}

/// The transaction every write runs in. Derefs to the connection, so
/// statements run on `&mut **tx` (or `&mut *tx` on an owned one). On
/// SQLite it holds the process's write turn until commit or rollback.
pub struct Tx<'a> {
    inner: sqlx::Transaction<'a, sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl Tx<'_> {
    pub async fn commit(self) -> std::result::Result<(), sqlx::Error> {
        self.inner.commit().await
    }

    pub async fn rollback(self) -> std::result::Result<(), sqlx::Error> {
        self.inner.rollback().await
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = sqlx::AnyConnection;

    fn deref(&self) -> &sqlx::AnyConnection {
        &self.inner
    }
}

impl std::ops::DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.inner
    }
}

impl Db {
    /// Connects to `url` (`sqlite://path`, `sqlite::memory:`, `postgres://…`).
    /// SQLite files are created if missing and opened in WAL mode.
    pub async fn connect(url: &str) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(hoistway_domain::Invalid::new(
                "database_url",
                format!("'{url}' must start with sqlite:// or postgres://"),
            )
            .into());
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") && !url.contains(":memory:") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the one writer; the
                        // busy timeout makes writers queue instead of failing.
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        // A telemetry batch dirties a few MB of pages; with
                        // the default 2 MB cache SQLite spills them to the
                        // WAL mid-transaction and reads them back.
                        conn.execute("PRAGMA cache_size = -32768").await?;
                        // Statement journals (every multi-row insert inside
                        // a transaction keeps one) in memory, not temp files.
                        conn.execute("PRAGMA temp_store = MEMORY").await?;
                        // Checkpoints run beside the writer
                        // ([`Db::spawn_wal_checkpointer`]); the writer only
                        // checkpoints itself if that falls far behind.
                        conn.execute("PRAGMA wal_autocheckpoint = 16384").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Db {
            pool,
            backend,
            write_turn: Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies the migrations of this backend that have not run yet.
    pub async fn migrate(&self) -> Result<()> {
        self.migrator().run(&self.pool).await?;
        Ok(())
    }

    /// Whether the schema is the one this binary was built for: every
    /// embedded migration applied. A database without the schema (or one
    /// an older binary left behind) answers every call with a 500, so
    /// `/readyz` must not call it ready.
    pub async fn schema(&self) -> Result<Schema> {
        let expected = self.migrator().iter().map(|m| m.version).max().unwrap_or(0);
        let applied = sqlx::query("SELECT MAX(version) AS v FROM _sqlx_migrations WHERE success")
            .fetch_one(&self.pool)
            .await;
        let applied = match applied {
            // No migrations table: an empty or foreign database.
            Err(sqlx::Error::Database(_)) => return Ok(Schema::Missing),
            Err(e) => return Err(e.into()),
            Ok(row) => crate::row::RowExt::opt_int(&row, "v")?,
        };
        Ok(match applied {
            None => Schema::Missing,
            Some(v) if v < expected => Schema::Behind {
                applied: v,
                expected,
            },
            Some(_) => Schema::Current,
        })
    }

    /// Connects and migrates: what `serve` does at start.
    pub async fn open(url: &str) -> Result<Db> {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        Ok(db)
    }

    /// A round trip to the database, for `/readyz`.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Copies committed WAL frames into the SQLite database file every
    /// `every`, on a pool connection of its own, so the writer does not pay
    /// for checkpoints inside its commits. A passive checkpoint never takes
    /// the writer's or readers' locks, though its `fsync`s can still slow a
    /// concurrent commit on a slow disk. `None` on PostgreSQL.
    pub fn spawn_wal_checkpointer(&self, every: Duration) -> Option<tokio::task::JoinHandle<()>> {
        if self.backend != Backend::Sqlite {
            return None;
        }
        let pool = self.pool.clone();
        Some(tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&pool)
                    .await
                {
                    tracing::warn!(error = %e, "SQLite WAL checkpoint failed");
                }
            }
        }))
    }

    /// Starts a transaction. On SQLite it first waits for this process's
    /// write turn (a fair queue), then takes the write lock at once
    /// (`BEGIN IMMEDIATE`).
    ///
    /// Without the queue, writers that found the lock taken slept in
    /// SQLite's busy handler, whose back-off (sleeps of up to 100 ms) can
    /// keep a small commit waiting long after the lock came free. A
    /// deferred transaction that reads and then writes also failed at once
    /// ("database is locked") whenever another connection wrote after its
    /// read. The busy timeout still covers other processes (CLI commands
    /// beside a running server).
    pub async fn begin(&self) -> Result<Tx<'static>> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let turn = self.write_turn.clone().lock_owned().await;
                Tx {
                    inner: self.pool.begin_with("BEGIN IMMEDIATE").await?,
                    _turn: Some(turn),
                }
            }
            Backend::Postgres => Tx {
                inner: self.pool.begin().await?,
                _turn: None,
            },
        })
    }
}
