//! The ingest pipeline: the one path every telemetry event takes, whether
//! it came over HTTP or MQTT.
//!
//! [`Pipeline::prepare`] decodes a payload for a known unit (lines that do
//! not decode, or name another unit, become dead letters with a reason);
//! [`Pipeline::commit`] stores a prepared batch in one transaction:
//! raw events (`ON CONFLICT DO NOTHING` decides duplicates), the rollup
//! counts of the events that were new, the analytics engine's live state
//! and findings (each through the cases hook). Only events the database
//! accepted as new reach the engine, so the engine never double counts
//! after a redelivery, a restart, or another node storing the event first.

use super::health::IngestHealth;
use super::publisher::Publisher;
use super::{cases_hook, convert, ConnectedSettings};
use chrono::{DateTime, Utc};
use hoistway_analytics::{decode_event, Engine, EngineConfig, Event, Finding, Rollup, UnitKey};
use hoistway_app::metrics::Metrics;
use hoistway_store::findings::{self, Applied};
use hoistway_store::telemetry::{self, DeadLetter, NewEvent, UnitRef};
use hoistway_store::{live, rollups, Actor, Db, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Mutex, OnceLock, RwLock};
use std::time::Instant;

/// One refused line, as `POST /telemetry` reports it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LineError {
    /// 1-based line number in the batch.
    pub line: usize,
    pub message: String,
}

/// The answer to a telemetry batch (fixed shape).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IngestReport {
    /// Events stored for the first time.
    pub accepted: usize,
    /// Events already stored (same unit and seq): dropped.
    pub duplicates: usize,
    /// Lines refused; see `errors`.
    pub rejected: usize,
    pub errors: Vec<LineError>,
}

/// A decoded event bound to its unit.
#[derive(Debug, Clone)]
struct Item {
    unit: UnitRef,
    event: Event,
    raw: String,
    /// Where it came from and its line there, should it become a dead letter.
    source: String,
    line: i64,
}

/// A batch decoded and checked, ready to store.
#[derive(Debug, Default)]
pub struct Prepared {
    items: Vec<Item>,
    dead: Vec<DeadLetter>,
    errors: Vec<LineError>,
    /// When the earliest message of the batch reached this node.
    received: Option<Instant>,
}

impl Prepared {
    pub fn len(&self) -> usize {
        self.items.len() + self.dead.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Notes when a message of the batch arrived (the earliest counts).
    pub fn received_at(&mut self, at: Instant) {
        self.received = Some(self.received.map_or(at, |r| r.min(at)));
    }

    /// Records a payload refused as a whole (unknown unit in a topic, …).
    pub fn dead_letter(&mut self, unit_id: Option<i64>, source: &str, reason: String, raw: &[u8]) {
        self.dead.push(DeadLetter {
            unit_id,
            source: source.to_string(),
            line: 1,
            reason,
            raw: String::from_utf8_lossy(raw).into_owned(),
        });
    }

    /// The batch cut into parts of one event or one dead letter each, so
    /// a part that will not store can be told from those that will.
    pub fn into_parts(self) -> Vec<Prepared> {
        let Prepared {
            items,
            dead,
            errors,
            received,
        } = self;
        let mut parts: Vec<Prepared> = items
            .into_iter()
            .map(|it| Prepared {
                items: vec![it],
                received,
                ..Prepared::default()
            })
            .chain(dead.into_iter().map(|d| Prepared {
                dead: vec![d],
                received,
                ..Prepared::default()
            }))
            .collect();
        if let Some(first) = parts.first_mut() {
            first.errors = errors;
        }
        parts
    }

    /// The same batch with every event turned into a dead letter that
    /// says why (`reason`). Without `keep_raw` the payloads are replaced
    /// by their size: the last resort for text the database refuses.
    pub fn to_dead_letters(&self, reason: &str, keep_raw: bool) -> Prepared {
        let raw_of = |raw: &String| {
            if keep_raw {
                raw.clone()
            } else {
                format!("(payload of {} bytes not stored)", raw.len())
            }
        };
        let mut dead: Vec<DeadLetter> = self
            .items
            .iter()
            .map(|it| DeadLetter {
                unit_id: Some(it.unit.unit_id),
                source: it.source.clone(),
                line: it.line,
                reason: reason.to_string(),
                raw: raw_of(&it.raw),
            })
            .collect();
        dead.extend(self.dead.iter().map(|d| DeadLetter {
            raw: raw_of(&d.raw),
            ..d.clone()
        }));
        Prepared {
            items: Vec::new(),
            dead,
            errors: self.errors.clone(),
            received: self.received,
        }
    }

    /// The raw events and the dead letters (`reason | raw`) of the batch.
    #[cfg(test)]
    pub fn describe(&self) -> (Vec<String>, Vec<String>) {
        (
            self.items.iter().map(|it| it.raw.clone()).collect(),
            self.dead
                .iter()
                .map(|d| format!("{} | {}", d.reason, d.raw))
                .collect(),
        )
    }

    /// Events (not dead letters) in the batch.
    pub fn events(&self) -> usize {
        self.items.len()
    }
}

/// A line whose text holds U+0000 (the `\u0000` escape) is refused like
/// any malformed line: PostgreSQL cannot store NUL in text, and one such
/// line used to fail its whole batch (issue #18).
fn refuse_nul(line: &[u8]) -> Result<(), String> {
    match hoistway_app::nul_guard::nul_in_json(line) {
        Some(field) => Err(format!(
            "field `{field}`: must not contain NUL characters (U+0000)"
        )),
        None => Ok(()),
    }
}

/// The in-process analytics and everything that feeds it.
pub struct Pipeline {
    engine: Mutex<Engine>,
    settings: ConnectedSettings,
    version: AtomicI64,
    /// Units seen, by id: topic resolution and tenancy of findings.
    units: RwLock<HashMap<i64, UnitRef>>,
    /// Set when an MQTT broker is connected: remote commands go here.
    publisher: OnceLock<Publisher>,
    /// Whether broker ingest is failing to store (readiness).
    health: IngestHealth,
}

impl Pipeline {
    pub fn new(settings: ConnectedSettings) -> Self {
        let mut cfg = EngineConfig::default();
        cfg.state.offline_after_ms = settings.offline_after.num_milliseconds();
        let mut engine = Engine::new(cfg);
        if let Some(model) = &settings.risk_model {
            engine.set_risk_model(model.clone());
        }
        Self {
            engine: Mutex::new(engine),
            settings,
            version: AtomicI64::new(0),
            units: RwLock::new(HashMap::new()),
            publisher: OnceLock::new(),
            health: IngestHealth::default(),
        }
    }

    /// Whether broker ingest is failing to store, for readiness.
    pub fn health(&self) -> &IngestHealth {
        &self.health
    }

    /// Registers the broker connection commands are published on.
    pub fn set_publisher(&self, p: Publisher) {
        let _ = self.publisher.set(p);
    }

    /// The broker connection, if MQTT is configured.
    pub fn publisher(&self) -> Option<&Publisher> {
        self.publisher.get()
    }

    pub fn settings(&self) -> &ConnectedSettings {
        &self.settings
    }

    /// Runs `f` on the engine. Never held across an await.
    pub fn with_engine<T>(&self, f: impl FnOnce(&mut Engine) -> T) -> T {
        let mut engine = self.engine.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut engine)
    }

    /// A unit by id, from the cache or the database.
    pub async fn unit(&self, db: &Db, unit_id: i64) -> Result<Option<UnitRef>, StoreError> {
        if let Some(u) = self.read_units().get(&unit_id) {
            return Ok(Some(u.clone()));
        }
        let found = telemetry::unit_ref(db, unit_id).await?;
        if let Some(u) = &found {
            self.remember(u);
        }
        Ok(found)
    }

    fn read_units(&self) -> std::sync::RwLockReadGuard<'_, HashMap<i64, UnitRef>> {
        self.units.read().unwrap_or_else(|p| p.into_inner())
    }

    fn remember(&self, u: &UnitRef) {
        self.units
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(u.unit_id, u.clone());
    }

    /// Decodes an NDJSON payload (one or more events) sent for `unit` and
    /// adds its events and refused lines to `out`. `source` names where it
    /// came from in dead letters (`http`, `mqtt:<topic>`). Events dated
    /// outside the accepted window around `now` are refused.
    pub fn prepare(
        &self,
        unit: &UnitRef,
        payload: &[u8],
        source: &str,
        now: DateTime<Utc>,
        out: &mut Prepared,
    ) {
        let earliest = now - self.settings.accept_behind;
        let latest = now + self.settings.accept_ahead;
        self.remember(unit);
        let id_text = unit.unit_id.to_string();
        let key = UnitKey::parse(&id_text).expect("a decimal id is a valid unit key");
        for (i, line) in payload.split(|&b| b == b'\n').enumerate() {
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let checked = refuse_nul(line)
                .and_then(|()| decode_event(line).map_err(|e| e.to_string()))
                .and_then(|ev| {
                    let named = ev.unit.as_str();
                    if named != unit.equipment_number && named != id_text {
                        return Err(format!(
                            "event names unit {named:?}, but this {} is for unit {} ({}); a device may only send its own unit's events",
                            if source == "http" { "device token" } else { "topic" },
                            unit.unit_id,
                            unit.equipment_number
                        ));
                    }
                    if i64::try_from(ev.seq).is_err() {
                        return Err(format!("field `seq`: {} is above {}", ev.seq, i64::MAX));
                    }
                    if ev.ts_ms < earliest.timestamp_millis() || ev.ts_ms > latest.timestamp_millis() {
                        let shown = DateTime::<Utc>::from_timestamp_millis(ev.ts_ms)
                            .map_or_else(|| ev.ts_ms.to_string(), |t| t.to_rfc3339());
                        return Err(format!(
                            "field `ts`: {shown} is outside the accepted window {} to {} (check the device's clock)",
                            earliest.to_rfc3339(),
                            latest.to_rfc3339()
                        ));
                    }
                    Ok(ev)
                });
            let raw = String::from_utf8_lossy(line).into_owned();
            match checked {
                Ok(mut event) => {
                    event.unit = key.clone();
                    out.items.push(Item {
                        unit: unit.clone(),
                        event,
                        raw,
                        source: source.to_string(),
                        line: (i + 1) as i64,
                    });
                }
                Err(message) => {
                    out.dead.push(DeadLetter {
                        unit_id: Some(unit.unit_id),
                        source: source.to_string(),
                        line: (i + 1) as i64,
                        reason: message.clone(),
                        raw,
                    });
                    out.errors.push(LineError {
                        line: i + 1,
                        message,
                    });
                }
            }
        }
    }

    /// A version above every earlier one from this node, near `now` in
    /// microseconds so versions from several nodes roughly follow time.
    fn next_version(&self, now: DateTime<Utc>) -> i64 {
        let floor = now.timestamp_micros();
        let prev = self
            .version
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| {
                Some(floor.max(v + 1))
            })
            .unwrap_or(0);
        floor.max(prev + 1)
    }

    /// Stores a prepared batch in one transaction and feeds the engine.
    /// Returns when everything is committed.
    pub async fn commit(
        &self,
        db: &Db,
        metrics: &Metrics,
        now: DateTime<Utc>,
        batch: &Prepared,
    ) -> Result<IngestReport, StoreError> {
        let started = Instant::now();
        let Prepared {
            items,
            dead,
            errors,
            received,
        } = batch;
        let rows: Vec<NewEvent> = items
            .iter()
            .map(|it| NewEvent {
                unit_id: it.unit.unit_id,
                seq: it.event.seq as i64,
                ts_ms: it.event.ts_ms,
                kind: it.event.body.kind(),
                payload: it.raw.clone(),
            })
            .collect();
        let mut tx = db.begin().await?;
        let fresh = telemetry::insert_events(&mut tx, now, &rows).await?;
        drop(rows);
        let new_items: Vec<&Item> = items
            .iter()
            .zip(&fresh)
            .filter_map(|(it, new)| new.then_some(it))
            .collect();
        let customers: HashMap<i64, i64> = new_items
            .iter()
            .map(|it| (it.unit.unit_id, it.unit.customer_id))
            .collect();

        // Counts of the new events, added in this transaction: exact.
        let deltas: Vec<_> = Rollup::deltas(new_items.iter().map(|it| &it.event))
            .iter()
            .filter_map(|r| {
                let id = r.unit.as_str().parse::<i64>().ok()?;
                Some(convert::counts(r, id, *customers.get(&id)?))
            })
            .collect();

        // The engine: state and findings. In memory, no await while locked.
        let mut found: Vec<Finding> = Vec::new();
        let views = self.with_engine(|engine| {
            for it in &new_items {
                engine.ingest_into(&it.event, &mut found);
            }
            customers
                .iter()
                .filter_map(|(&id, &customer)| {
                    let state = engine.state(&id.to_string())?;
                    let seen = state.last_seen_ms()?;
                    Some((id, customer, state.view(seen, &engine.config().state)))
                })
                .collect::<Vec<_>>()
        });
        let states: Vec<_> = views
            .iter()
            .map(|(id, customer, view)| {
                convert::live_state(view, *id, *customer, self.next_version(now), now)
            })
            .collect();

        rollups::add(&mut tx, &deltas).await?;
        live::upsert(&mut tx, &states).await?;
        telemetry::insert_dead_letters(&mut tx, now, dead).await?;
        let emergencies = self.store_findings(&mut tx, &found, now, metrics).await?;
        tx.commit().await?;
        if emergencies > 0 {
            let since = received.unwrap_or(started);
            metrics
                .alarm_to_case_seconds
                .observe(since.elapsed().as_secs_f64());
        }

        let report = IngestReport {
            accepted: new_items.len(),
            duplicates: items.len() - new_items.len(),
            rejected: dead.len(),
            errors: errors.clone(),
        };
        metrics.record_ingest(
            report.accepted,
            report.duplicates,
            report.rejected,
            started.elapsed(),
        );
        Ok(report)
    }

    /// Stores findings and passes each transition to the cases hook;
    /// returns how many emergencies (entrapments) were opened.
    pub(crate) async fn store_findings(
        &self,
        tx: &mut hoistway_store::Tx<'_>,
        found: &[Finding],
        now: DateTime<Utc>,
        metrics: &Metrics,
    ) -> Result<usize, StoreError> {
        let mut emergencies = 0;
        let actor = Actor {
            user_id: None,
            at: now,
        };
        // By (unit, kind), keeping each one's transitions in order: an
        // ingest batch and the tick then lock finding rows in one order on
        // PostgreSQL and cannot deadlock.
        let mut found: Vec<&Finding> = found.iter().collect();
        found.sort_by(|a, b| (a.unit.as_str(), a.kind).cmp(&(b.unit.as_str(), b.kind)));
        for f in found {
            let Ok(unit_id) = f.unit.as_str().parse::<i64>() else {
                continue;
            };
            let customer_id = match self.read_units().get(&unit_id) {
                Some(u) => u.customer_id,
                None => {
                    // Only units this node ingested reach the engine.
                    tracing::warn!(unit = unit_id, "finding for a unit not in the cache");
                    continue;
                }
            };
            let at = DateTime::from_timestamp_millis(f.ts_ms).unwrap_or(now);
            let change = convert::finding_change(f, unit_id, customer_id, at);
            let applied = findings::apply(tx, actor, &change).await?;
            if !matches!(applied, Applied::Ignored) {
                metrics
                    .findings
                    .get_or_create(&vec![
                        ("kind".to_string(), change.kind.clone()),
                        ("transition".to_string(), convert::wire(&f.status)),
                    ])
                    .inc();
            }
            if f.kind.is_emergency() && matches!(applied, Applied::Opened(_)) {
                emergencies += 1;
            }
            cases_hook::on_finding(tx, actor, &applied).await?;
        }
        Ok(emergencies)
    }

    /// Customer of a unit this node has seen.
    pub fn customer_of(&self, unit_id: i64) -> Option<i64> {
        self.read_units().get(&unit_id).map(|u| u.customer_id)
    }
}
