//! From broker messages to committed, acknowledged batches, in two stages
//! that run side by side.
//!
//! The *decode* stage takes messages off the poller's channel, resolves
//! their units and decodes them into [`Stage`]s; the *store* stage commits
//! one stage at a time and then acknowledges its messages. While the
//! database works on one batch the next is being decoded, so the two
//! cores are both busy under load; an idle system still answers at once
//! (no timer: whatever is waiting joins the batch).
//!
//! Entrapment alarms take a lane of their own: the decode stage sends the
//! messages that carry one ahead of everything queued, and the store stage
//! always takes that lane first, so a trapped passenger waits for at most
//! the one commit in progress, never for a queue of trip events.
//!
//! Acknowledgement order is the order messages arrived (MQTT requires it
//! for QoS 1). An alarm message is acknowledged with the regular stage it
//! arrived in; that stage reaches the store stage after the alarm lane
//! received the alarm, and the store stage empties the alarm lane first,
//! so the alarm has committed before its PUBACK goes out.

use super::credentials::TOPIC_PREFIX;
use super::pipeline::Prepared;
use super::remote;
use super::store_retry::{self, BatchSink, Retry};
use hoistway_app::state::AppState;
use rumqttc::{AsyncClient, Publish};
use std::collections::VecDeque;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Messages taken off the poller's channel per decoding step, at most.
const MAX_DRAIN_MESSAGES: usize = 2_000;
/// Events per regular stage before a new one is started.
const MAX_STAGE_EVENTS: usize = 20_000;
/// A rough size of one event in a payload, to count events without
/// parsing (a stage's size only bounds its transaction).
const EVENT_BYTES: usize = 150;

/// A decoded batch and what to do once it has committed.
#[derive(Default)]
struct Stage {
    prepared: Prepared,
    /// Command acknowledgements from units, handled after the commit.
    command_acks: Vec<(i64, Vec<u8>)>,
    /// Messages to acknowledge after the commit, in arrival order.
    publishes: Vec<Publish>,
    bytes: usize,
}

/// Starts both stages on the poller's channel.
pub fn spawn(
    state: AppState,
    client: AsyncClient,
    incoming: mpsc::Receiver<(Instant, Publish)>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let (alarms_tx, alarms_rx) = mpsc::unbounded_channel();
    let (stages_tx, stages_rx) = mpsc::channel(1);
    vec![
        tokio::spawn(decode_stage(state.clone(), incoming, alarms_tx, stages_tx)),
        tokio::spawn(store_stage(state, client, alarms_rx, stages_rx)),
    ]
}

/// Decodes messages into stages while the store stage works. Decoded
/// stages queue here until the store stage takes them (bounded by the
/// broker's in-flight window: unacknowledged messages stop coming).
async fn decode_stage(
    state: AppState,
    mut incoming: mpsc::Receiver<(Instant, Publish)>,
    alarms: mpsc::UnboundedSender<Stage>,
    stages: mpsc::Sender<Stage>,
) {
    let mut queue: VecDeque<Stage> = VecDeque::new();
    loop {
        tokio::select! {
            biased;
            permit = stages.reserve(), if !queue.is_empty() => {
                let Ok(permit) = permit else { return };
                permit.send(queue.pop_front().expect("checked non-empty"));
            }
            first = incoming.recv() => {
                let Some(first) = first else { break };
                let mut messages = vec![first];
                while let Ok(m) = incoming.try_recv() {
                    messages.push(m);
                    if messages.len() >= MAX_DRAIN_MESSAGES {
                        break;
                    }
                }
                let alarm_messages: Vec<_> = messages
                    .iter()
                    .filter(|(_, p)| carries_alarm(&p.payload))
                    .cloned()
                    .collect();
                if !alarm_messages.is_empty() {
                    let mut lane = Stage::default();
                    decode_into(&state, &alarm_messages, &mut lane).await;
                    if alarms.send(lane).is_err() {
                        return;
                    }
                }
                for m in messages {
                    if queue.back().is_none_or(|s| s.bytes >= MAX_STAGE_EVENTS * EVENT_BYTES) {
                        queue.push_back(Stage::default());
                    }
                    let stage = queue.back_mut().expect("just ensured");
                    if !carries_alarm(&m.1.payload) {
                        decode_into(&state, std::slice::from_ref(&m), stage).await;
                    }
                    stage.bytes += m.1.payload.len();
                    stage.publishes.push(m.1);
                }
            }
        }
    }
    // The poller stopped: hand over what is decoded.
    for s in queue {
        if stages.send(s).await.is_err() {
            return;
        }
    }
}

/// Commits stages (the alarm lane first) and acknowledges their messages.
async fn store_stage(
    state: AppState,
    client: AsyncClient,
    mut alarms: mpsc::UnboundedReceiver<Stage>,
    mut stages: mpsc::Receiver<Stage>,
) {
    loop {
        let stage = tokio::select! {
            biased;
            Some(alarm) = alarms.recv() => alarm,
            regular = stages.recv() => match regular {
                Some(s) => s,
                None => return,
            },
        };
        store(&state, stage.prepared).await;
        for (unit_id, payload) in &stage.command_acks {
            remote::on_ack(&state, *unit_id, payload).await;
        }
        for p in &stage.publishes {
            if let Err(e) = client.ack(p).await {
                tracing::warn!(error = %e, "MQTT ack failed");
            }
        }
    }
}

/// Whether a payload may hold an alarm event. A byte scan, not a parse:
/// a false positive only costs a separate transaction.
fn carries_alarm(payload: &[u8]) -> bool {
    const NEEDLE: &[u8] = b"\"alarm\"";
    payload.windows(NEEDLE.len()).any(|w| w == NEEDLE)
}

/// What a topic is about.
enum Topic {
    Telemetry(i64),
    Ack(i64),
    Other,
}

fn parse_topic(topic: &str) -> Topic {
    let Some(rest) = topic
        .strip_prefix(TOPIC_PREFIX)
        .and_then(|r| r.strip_prefix('/'))
    else {
        return Topic::Other;
    };
    let (unit, what) = rest.split_once('/').unwrap_or((rest, ""));
    match (unit.parse::<i64>(), what) {
        (Ok(u), "telemetry") => Topic::Telemetry(u),
        (Ok(u), "commands/ack") => Topic::Ack(u),
        _ => Topic::Other,
    }
}

/// Decodes `messages` into `stage` (events, dead letters, command acks).
async fn decode_into(state: &AppState, messages: &[(Instant, Publish)], stage: &mut Stage) {
    for (at, p) in messages {
        stage.prepared.received_at(*at);
        let source = format!("mqtt:{}", p.topic);
        match parse_topic(&p.topic) {
            Topic::Telemetry(unit_id) => {
                let unit = loop {
                    match crate::pipeline_of(state).unit(&state.db, unit_id).await {
                        Ok(u) => break u,
                        Err(e) => {
                            // Only an outage fails a lookup by id: wait
                            // for the database, and let readiness say so.
                            tracing::error!(error = %e, "looking up a unit failed; retrying");
                            crate::pipeline_of(state)
                                .health()
                                .failing(state.clock.now(), &e.to_string());
                            tokio::time::sleep(Duration::from_millis(500)).await;
                        }
                    }
                };
                match unit {
                    Some(u) => {
                        crate::pipeline_of(state).prepare(
                            &u,
                            &p.payload,
                            &source,
                            state.clock.now(),
                            &mut stage.prepared,
                        );
                        count(state, "ingested");
                    }
                    None => {
                        stage.prepared.dead_letter(
                            None,
                            &source,
                            format!("no unit with id {unit_id}"),
                            &p.payload,
                        );
                        count(state, "dead_letter");
                    }
                }
            }
            Topic::Ack(unit_id) => stage.command_acks.push((unit_id, p.payload.to_vec())),
            Topic::Other => {
                stage.prepared.dead_letter(
                    None,
                    &source,
                    "not a Hoistway telemetry topic".into(),
                    &p.payload,
                );
                count(state, "dead_letter");
            }
        }
    }
}

/// The database as broker ingest's sink.
struct Database<'a>(&'a AppState);

impl BatchSink for Database<'_> {
    async fn commit(&self, batch: &Prepared) -> Result<(), String> {
        let s = self.0;
        crate::pipeline_of(s)
            .commit(&s.db, &s.metrics, s.clock.now(), batch)
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.clock.now()
    }
}

/// Stores one batch by [`store_retry`]'s policy: bounded retries, then
/// dead letters, so its messages can be acknowledged.
async fn store(state: &AppState, prepared: Prepared) {
    let outcome = store_retry::store(
        &Database(state),
        crate::pipeline_of(state).health(),
        Retry::default(),
        prepared,
    )
    .await;
    if outcome.dead_lettered > 0 {
        tracing::error!(
            events = outcome.dead_lettered,
            "telemetry that would not store was dead-lettered"
        );
        for _ in 0..outcome.dead_lettered {
            count(state, "unstorable");
        }
    }
}

fn count(state: &AppState, outcome: &str) {
    state
        .metrics
        .mqtt_messages
        .get_or_create(&vec![("outcome".to_string(), outcome.to_string())])
        .inc();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alarms_are_spotted_without_parsing() {
        assert!(carries_alarm(
            br#"{"v":1,"unit":"7","seq":3,"kind":"alarm","alarm":"entrapment","active":true}"#
        ));
        assert!(carries_alarm(b"{\"kind\":\"trip\"}\n{\"kind\":\"alarm\"}"));
        assert!(!carries_alarm(
            br#"{"v":1,"unit":"7","seq":3,"kind":"trip","from_floor":0,"to_floor":4}"#
        ));
    }

    #[test]
    fn topics() {
        assert!(matches!(
            parse_topic("hoistway/v1/units/42/telemetry"),
            Topic::Telemetry(42)
        ));
        assert!(matches!(
            parse_topic("hoistway/v1/units/42/commands/ack"),
            Topic::Ack(42)
        ));
        assert!(matches!(
            parse_topic("hoistway/v1/units/ken:1/telemetry"),
            Topic::Other
        ));
    }
}
