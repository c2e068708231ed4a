//! What broker ingest does when a batch will not store.
//!
//! Broker messages are acknowledged only after their batch commits, so a
//! batch that never commits stops the stream for every device (and the
//! broker redelivers it after a restart). The policy here bounds that:
//!
//! 1. the whole batch is retried a few times (a busy database, a lost
//!    connection);
//! 2. then it is cut into one part per event, each retried the same way,
//!    so one part the database refuses cannot hold the others;
//! 3. a part that still fails becomes a dead letter that names the error,
//!    and the stream moves on;
//! 4. if even the dead letter does not store, the database itself is down:
//!    nothing is dead-lettered or acknowledged, the part is retried until
//!    the database is back, and [`IngestHealth`] makes `/readyz` say so.

use super::health::IngestHealth;
use super::pipeline::Prepared;
use chrono::{DateTime, Utc};
use std::future::Future;
use std::time::Duration;

/// Where a batch is committed (the database; a fake in unit tests).
pub trait BatchSink {
    fn commit(&self, batch: &Prepared) -> impl Future<Output = Result<(), String>> + Send;
    /// Now, from the injectable clock.
    fn now(&self) -> DateTime<Utc>;
}

/// How often and how patiently to retry.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Attempts per batch or part before the next step.
    pub attempts: u32,
    /// The first wait; it doubles up to `max_wait`.
    pub first_wait: Duration,
    pub max_wait: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Self {
            attempts: 4,
            first_wait: Duration::from_millis(100),
            max_wait: Duration::from_secs(5),
        }
    }
}

/// What became of a batch.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Events stored as events.
    pub stored: usize,
    /// Events that would not store and became dead letters.
    pub dead_lettered: usize,
}

/// Stores `batch` by the policy in the module doc. Returns once every
/// part is stored as an event or a dead letter.
pub async fn store<S: BatchSink>(
    sink: &S,
    health: &IngestHealth,
    retry: Retry,
    batch: Prepared,
) -> Outcome {
    if batch.is_empty() {
        return Outcome::default();
    }
    let events = batch.events();
    if batch.len() > 1 && attempt(sink, health, retry, &batch).await.is_ok() {
        health.recovered();
        return Outcome {
            stored: events,
            dead_lettered: 0,
        };
    }
    let mut outcome = Outcome::default();
    for part in batch.into_parts() {
        let part_events = part.events();
        if store_part(sink, health, retry, &part).await {
            outcome.stored += part_events;
        } else {
            outcome.dead_lettered += part_events;
        }
        health.recovered();
    }
    outcome
}

/// Stores one part as itself (true) or as a dead letter (false): with
/// its payload if the database takes that, else without. While neither
/// stores the database is down: the part waits for it, whole.
async fn store_part<S: BatchSink>(
    sink: &S,
    health: &IngestHealth,
    retry: Retry,
    part: &Prepared,
) -> bool {
    loop {
        let error = match attempt(sink, health, retry, part).await {
            Ok(()) => return true,
            Err(e) => e,
        };
        let reason = format!(
            "could not be stored after {} attempts: {error}",
            retry.attempts
        );
        for keep_raw in [true, false] {
            if sink
                .commit(&part.to_dead_letters(&reason, keep_raw))
                .await
                .is_ok()
            {
                return false;
            }
        }
        tracing::error!(error = %error, "neither telemetry nor its dead letter stores: is the database down? waiting");
        tokio::time::sleep(retry.max_wait).await;
    }
}

/// Up to `retry.attempts` commits with growing waits between them.
async fn attempt<S: BatchSink>(
    sink: &S,
    health: &IngestHealth,
    retry: Retry,
    batch: &Prepared,
) -> Result<(), String> {
    let mut wait = retry.first_wait;
    let mut last = String::new();
    for n in 0..retry.attempts.max(1) {
        if n > 0 {
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(retry.max_wait);
        }
        match sink.commit(batch).await {
            Ok(()) => return Ok(()),
            Err(e) => {
                tracing::warn!(error = %e, attempt = n + 1, "storing MQTT telemetry failed");
                health.failing(sink.now(), &e);
                last = e;
            }
        }
    }
    Err(last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Pipeline;
    use hoistway_store::telemetry::UnitRef;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Mutex;

    /// Refuses any batch holding an event whose payload contains `poison`,
    /// and, while `down`, everything.
    #[derive(Default)]
    struct Fake {
        poison: &'static str,
        down: AtomicBool,
        commits: AtomicUsize,
        stored_events: Mutex<Vec<String>>,
        dead: Mutex<Vec<String>>,
    }

    impl BatchSink for Fake {
        async fn commit(&self, batch: &Prepared) -> Result<(), String> {
            self.commits.fetch_add(1, Ordering::SeqCst);
            if self.down.load(Ordering::SeqCst) {
                return Err("connection refused".into());
            }
            let debug = format!("{batch:?}");
            if batch.events() > 0 && debug.contains(self.poison) {
                return Err("invalid byte sequence".into());
            }
            let (events, dead) = batch.describe();
            self.stored_events.lock().unwrap().extend(events);
            self.dead.lock().unwrap().extend(dead);
            Ok(())
        }
        fn now(&self) -> DateTime<Utc> {
            Utc::now()
        }
    }

    fn quick() -> Retry {
        Retry {
            attempts: 3,
            first_wait: Duration::from_millis(1),
            max_wait: Duration::from_millis(2),
        }
    }

    fn batch(lines: &[&str]) -> Prepared {
        let pipeline = Pipeline::new(Default::default());
        let unit = UnitRef {
            unit_id: 7,
            customer_id: 1,
            equipment_number: "ken:7".into(),
        };
        let mut out = Prepared::default();
        for (i, mark) in lines.iter().enumerate() {
            let line = format!(
                r#"{{"v":1,"unit":"7","seq":{},"ts":"{}","kind":"status","mode":"normal","available":true,"mark":"{mark}"}}"#,
                i + 1,
                Utc::now().to_rfc3339()
            );
            pipeline.prepare(&unit, line.as_bytes(), "mqtt:t", Utc::now(), &mut out);
        }
        out
    }

    #[tokio::test]
    async fn a_part_that_will_not_store_becomes_a_dead_letter_and_the_rest_is_kept() {
        let sink = Fake {
            poison: "BAD",
            ..Fake::default()
        };
        let health = IngestHealth::default();
        let b = batch(&["ok1", "BAD", "ok2"]);
        assert_eq!(b.events(), 3, "{b:?}");
        let outcome = store(&sink, &health, quick(), b).await;
        assert_eq!(
            outcome,
            Outcome {
                stored: 2,
                dead_lettered: 1
            }
        );
        let stored = sink.stored_events.lock().unwrap().clone();
        assert_eq!(stored.len(), 2);
        assert!(stored.iter().all(|s| !s.contains("BAD")));
        let dead = sink.dead.lock().unwrap().clone();
        assert_eq!(dead.len(), 1);
        assert!(dead[0].contains("BAD"), "the payload is kept: {dead:?}");
        assert!(dead[0].contains("after 3 attempts: invalid byte sequence"));
        assert!(health
            .stuck_for(Utc::now() + chrono::Duration::hours(1))
            .is_none());
    }

    #[tokio::test]
    async fn a_database_outage_dead_letters_nothing_and_waits() {
        let sink = std::sync::Arc::new(Fake {
            poison: "never",
            ..Fake::default()
        });
        sink.down.store(true, Ordering::SeqCst);
        let health = std::sync::Arc::new(IngestHealth::default());
        let task = {
            let (sink, health) = (sink.clone(), health.clone());
            tokio::spawn(async move { store(&*sink, &health, quick(), batch(&["a", "b"])).await })
        };
        while sink.commits.load(Ordering::SeqCst) < 20 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert!(!task.is_finished(), "an outage must not let the batch go");
        let later = Utc::now() + chrono::Duration::seconds(31);
        assert!(health.stuck_for(later).is_some(), "readiness sees it");
        sink.down.store(false, Ordering::SeqCst);
        let outcome = task.await.unwrap();
        // Parts already given up on during the outage are dead letters
        // (with their payload); nothing is lost or acknowledged unstored.
        assert_eq!(outcome.stored + outcome.dead_lettered, 2);
        let kept = sink.stored_events.lock().unwrap().len() + sink.dead.lock().unwrap().len();
        assert_eq!(kept, 2);
        assert!(health.stuck_for(later).is_none(), "recovered");
    }

    #[test]
    fn stuck_only_after_the_grace_period() {
        let h = IngestHealth::default();
        let t0 = Utc::now();
        h.failing(t0, "x");
        h.failing(t0 + chrono::Duration::seconds(20), "y");
        assert!(h.stuck_for(t0 + chrono::Duration::seconds(29)).is_none());
        assert_eq!(
            h.stuck_for(t0 + chrono::Duration::seconds(30)),
            Some(Duration::from_secs(30))
        );
        h.recovered();
        assert!(h.stuck_for(t0 + chrono::Duration::seconds(99)).is_none());
    }
}
