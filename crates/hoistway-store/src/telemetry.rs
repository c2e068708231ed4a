//! Raw telemetry: accepted events, dead letters, and their retention.
//!
//! The hot path. Events are written with multi-row
//! `INSERT … ON CONFLICT DO NOTHING RETURNING`, which both backends accept:
//! one statement per chunk, no per-event round trip, and the primary key
//! `(unit_id, seq)` decides what is a duplicate, so dedupe holds across
//! restarts and across nodes sharing one database.

use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// One decoded event ready to store.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub unit_id: i64,
    pub seq: i64,
    pub ts_ms: i64,
    pub kind: &'static str,
    /// The line as received.
    pub payload: String,
}

/// A line that could not be accepted.
#[derive(Debug, Clone)]
pub struct DeadLetter {
    pub unit_id: Option<i64>,
    /// `http` or `mqtt:<topic>`.
    pub source: String,
    /// 1-based line within the batch or message.
    pub line: i64,
    pub reason: String,
    pub raw: String,
}

/// A unit as telemetry sees it: id, tenant and equipment number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRef {
    pub unit_id: i64,
    pub customer_id: i64,
    pub equipment_number: String,
}

/// Stores `events`; returns, per input, whether it was new (`true`) or a
/// duplicate of a stored `(unit_id, seq)` (`false`). Duplicates inside
/// `events` itself count once.
///
/// Duplicates are rare (a redelivery after a crash, a device resending),
/// so the insert first runs without `RETURNING` inside a savepoint: when
/// the database stored every row, all are new and no row comes back (on
/// SQLite, returning a row per event cost as much as inserting it). Only
/// when some were refused is the savepoint rolled back and the insert
/// repeated with `RETURNING`, to learn which.
pub async fn insert_events(
    tx: &mut Tx<'_>,
    received_at: DateTime<Utc>,
    events: &[NewEvent],
) -> Result<Vec<bool>> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let at = received_at.timestamp_millis();
    let backend = crate::Backend::of(tx);
    sqlx::query("SAVEPOINT insert_events")
        .execute(&mut **tx)
        .await?;
    let mut stored = 0;
    for chunk in events.chunks(rows_per_statement(backend)) {
        stored += insert_sql(backend, at, chunk, false)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    }
    if stored == events.len() as u64 {
        sqlx::query("RELEASE SAVEPOINT insert_events")
            .execute(&mut **tx)
            .await?;
        return Ok(vec![true; events.len()]);
    }
    sqlx::query("ROLLBACK TO SAVEPOINT insert_events")
        .execute(&mut **tx)
        .await?;
    sqlx::query("RELEASE SAVEPOINT insert_events")
        .execute(&mut **tx)
        .await?;
    let mut inserted: HashSet<(i64, i64)> = HashSet::with_capacity(events.len());
    for chunk in events.chunks(rows_per_statement(backend)) {
        for r in insert_sql(backend, at, chunk, true)
            .fetch_all(&mut **tx)
            .await?
        {
            inserted.insert((r.int("unit_id")?, r.int("seq")?));
        }
    }
    // The first occurrence of a stored key is the new one; repeats within
    // the batch are duplicates.
    Ok(events
        .iter()
        .map(|e| inserted.remove(&(e.unit_id, e.seq)))
        .collect())
}

fn rows_per_statement(backend: crate::Backend) -> usize {
    match backend {
        crate::Backend::Sqlite => backend.rows_per_statement(6),
        crate::Backend::Postgres => POSTGRES_ROWS_PER_STATEMENT,
    }
}

/// The insert for one chunk, `ON CONFLICT DO NOTHING`, optionally
/// returning the keys it stored.
fn insert_sql(backend: crate::Backend, at: i64, chunk: &[NewEvent], returning: bool) -> Sql {
    let mut sql = match backend {
        crate::Backend::Sqlite => values_insert(backend, at, chunk),
        crate::Backend::Postgres => unnest_insert(at, chunk),
    };
    sql.push(" ON CONFLICT DO NOTHING");
    if returning {
        sql.push(" RETURNING unit_id, seq");
    }
    sql
}

/// Events per `unnest` statement on PostgreSQL: bounds the statement's
/// size, not its parameters (always six).
const POSTGRES_ROWS_PER_STATEMENT: usize = 20_000;

/// A multi-row `VALUES` insert (SQLite: a statement per row count is
/// cheap there, and plain `?` parameters bind in O(1)).
fn values_insert(backend: crate::Backend, at: i64, chunk: &[NewEvent]) -> Sql {
    let mut sql = Sql::for_backend(
        backend,
        "INSERT INTO telemetry_events (unit_id, seq, ts, received_at, kind, payload) VALUES ",
    );
    for (i, e) in chunk.iter().enumerate() {
        sql.push(if i == 0 { "(" } else { ", (" });
        sql.bind(e.unit_id)
            .push(", ")
            .bind(e.seq)
            .push(", ")
            .bind(e.ts_ms)
            .push(", ")
            .bind(at)
            .push(", ")
            .bind_static(e.kind)
            .push(", ")
            .bind(e.payload.clone())
            .push(")");
    }
    sql
}

/// One statement whatever the batch size: each column is bound once as a
/// PostgreSQL array literal and `unnest`ed. PostgreSQL then parses and
/// plans one small, cached statement instead of one with six parameters
/// per row (a new prepared statement for every batch size), which was
/// most of its CPU on the ingest path. The `Any` driver cannot bind
/// arrays, so the literals travel as text and are cast on the server.
fn unnest_insert(at: i64, chunk: &[NewEvent]) -> Sql {
    let mut units = Vec::with_capacity(chunk.len());
    let mut seqs = Vec::with_capacity(chunk.len());
    let mut stamps = Vec::with_capacity(chunk.len());
    let mut kinds = Vec::with_capacity(chunk.len());
    let mut payloads = Vec::with_capacity(chunk.len());
    for e in chunk {
        units.push(e.unit_id);
        seqs.push(e.seq);
        stamps.push(e.ts_ms);
        kinds.push(e.kind);
        payloads.push(e.payload.as_str());
    }
    let mut sql = Sql::new(
        "INSERT INTO telemetry_events (unit_id, seq, ts, received_at, kind, payload) \
         SELECT u, s, t, ",
    );
    sql.bind(at)
        .push(", k, p FROM unnest(CAST(")
        .bind(crate::pg_array::ints(&units))
        .push(" AS BIGINT[]), CAST(")
        .bind(crate::pg_array::ints(&seqs))
        .push(" AS BIGINT[]), CAST(")
        .bind(crate::pg_array::ints(&stamps))
        .push(" AS BIGINT[]), CAST(")
        .bind(crate::pg_array::texts(&kinds))
        .push(" AS TEXT[]), CAST(")
        .bind(crate::pg_array::texts(&payloads))
        .push(" AS TEXT[])) AS x(u, s, t, k, p)");
    sql
}

/// Stores refused lines.
/// Dead letters keep what was refused, which may be a raw NUL byte that
/// PostgreSQL cannot store in text: it is kept as U+FFFD instead, so a
/// refused line can never fail the batch that refuses it.
fn storable(text: &str) -> String {
    text.replace('\0', "\u{fffd}")
}

pub async fn insert_dead_letters(
    tx: &mut Tx<'_>,
    received_at: DateTime<Utc>,
    letters: &[DeadLetter],
) -> Result<()> {
    let at = received_at.timestamp_millis();
    let backend = crate::Backend::of(tx);
    let rows = backend.rows_per_statement(6);
    for chunk in letters.chunks(rows) {
        let mut sql = Sql::for_backend(
            backend,
            "INSERT INTO telemetry_dead_letters (received_at, unit_id, source, line, reason, raw) VALUES ",
        );
        for (i, d) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(at)
                .push(", ")
                .bind(d.unit_id)
                .push(", ")
                .bind(storable(&d.source))
                .push(", ")
                .bind(d.line)
                .push(", ")
                .bind(storable(&d.reason))
                .push(", ")
                .bind(storable(&d.raw))
                .push(")");
        }
        sql.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Deletes raw events and dead letters received before `cutoff`; returns
/// how many rows went. Rollups, state and findings are kept.
///
/// On SQLite raw events are stored in arrival order without an index on
/// `received_at` (see migration 0011): everything stored before the first
/// event received at or after `cutoff` goes. That never deletes an event
/// inside the retention period; an event stored late with an older
/// `received_at` (a clock set back) waits for a later purge.
pub async fn purge_events_before(db: &Db, cutoff: DateTime<Utc>) -> Result<u64> {
    let at = cutoff.timestamp_millis();
    let mut tx = db.begin().await?;
    let mut events = match db.backend {
        crate::Backend::Sqlite => Sql::new(
            "DELETE FROM telemetry_events WHERE id < COALESCE(\
             (SELECT id FROM telemetry_events WHERE received_at >= ",
        ),
        crate::Backend::Postgres => Sql::new("DELETE FROM telemetry_events WHERE received_at < "),
    };
    events.bind(at);
    if db.backend == crate::Backend::Sqlite {
        events.push(" ORDER BY id LIMIT 1), (SELECT MAX(id) + 1 FROM telemetry_events))");
    }
    let mut gone = events.execute(&mut *tx).await?.rows_affected();
    let mut letters = Sql::new("DELETE FROM telemetry_dead_letters WHERE received_at < ");
    letters.bind(at);
    gone += letters.execute(&mut *tx).await?.rows_affected();
    tx.commit().await?;
    Ok(gone)
}

/// A unit by id, for resolving MQTT topics.
pub async fn unit_ref(db: &Db, unit_id: i64) -> Result<Option<UnitRef>> {
    let mut sql = Sql::new("SELECT id, customer_id, equipment_number FROM units WHERE id = ");
    sql.bind(unit_id);
    let Some(r) = sql.fetch_optional(&db.pool).await? else {
        return Ok(None);
    };
    Ok(Some(UnitRef {
        unit_id: r.int("id")?,
        customer_id: r.int("customer_id")?,
        equipment_number: r.text("equipment_number")?,
    }))
}

/// Stored raw events of a unit (tests and support tools).
pub async fn count_events(db: &Db, unit_id: Option<i64>) -> Result<i64> {
    let mut sql = Sql::new("SELECT COUNT(*) AS n FROM telemetry_events WHERE 1=1");
    if let Some(u) = unit_id {
        sql.push(" AND unit_id = ").bind(u);
    }
    Ok(sql.fetch_one(&db.pool).await?.int("n")?)
}

/// One stored dead letter.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StoredDeadLetter {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub unit_id: Option<i64>,
    pub source: String,
    pub line: i64,
    pub reason: String,
    pub raw: String,
}

/// The most recent dead letters, newest first.
pub async fn recent_dead_letters(db: &Db, limit: i64) -> Result<Vec<StoredDeadLetter>> {
    let mut sql = Sql::new("SELECT * FROM telemetry_dead_letters ORDER BY id DESC LIMIT ");
    sql.bind(limit);
    let rows = sql.fetch_all(&db.pool).await?;
    rows.iter()
        .map(|r| {
            Ok(StoredDeadLetter {
                id: r.int("id")?,
                received_at: r.instant("received_at")?,
                unit_id: r.opt_int("unit_id")?,
                source: r.text("source")?,
                line: r.int("line")?,
                reason: r.text("reason")?,
                raw: r.text("raw")?,
            })
        })
        .collect()
}
