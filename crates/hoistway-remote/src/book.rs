//! The call book: what the server knows of live calls, in memory only.
//!
//! Calls are never stored (the remote-call privacy statement: floors are
//! "collected only briefly to enable the elevator call and will not be
//! stored"). The book holds, per live call, who placed it (only they may
//! follow or cancel it) and its events so far, so a phone that subscribes
//! late still sees every step. An ended call stays a short while, then is
//! forgotten; `Idempotency-Key` replays of call requests are answered from
//! here too, never from the database.

use chrono::{DateTime, Duration, Utc};
use hoistway_lift::{CallEvent, CallId};
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::broadcast;

/// How long an ended call can still be followed or replayed.
pub const KEEP_ENDED: Duration = Duration::seconds(60);

/// Who placed a call: a signed-in user (REST) or an API application (the
/// compatible WebSocket API). Only its owner may follow or cancel a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Owner {
    User(i64),
    App(i64),
}

struct Entry {
    owner: Option<Owner>,
    history: Vec<CallEvent>,
    tx: broadcast::Sender<CallEvent>,
    ended_at: Option<DateTime<Utc>>,
    touched: DateTime<Utc>,
}

/// A replayable answer to a call request with an `Idempotency-Key`.
#[derive(Clone)]
pub struct Replay {
    pub request_hash: String,
    pub status: u16,
    pub body: String,
    pub at: DateTime<Utc>,
}

#[derive(Default)]
pub struct CallBook {
    calls: Mutex<HashMap<(i64, CallId), Entry>>,
    replays: Mutex<HashMap<(i64, String), Replay>>,
}

impl CallBook {
    fn entry(
        calls: &mut HashMap<(i64, CallId), Entry>,
        key: (i64, CallId),
        now: DateTime<Utc>,
    ) -> &mut Entry {
        calls.entry(key).or_insert_with(|| Entry {
            owner: None,
            history: Vec::new(),
            tx: broadcast::channel(64).0,
            ended_at: None,
            touched: now,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(i64, CallId), Entry>> {
        self.calls.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Notes who placed a call (the driver may already have reported on it).
    pub fn claim(&self, building: i64, call: CallId, owner: Owner, now: DateTime<Utc>) {
        let mut calls = self.lock();
        Self::entry(&mut calls, (building, call), now).owner = Some(owner);
    }

    /// Adds an event from the driver and passes it to followers.
    pub fn record(&self, building: i64, event: CallEvent, now: DateTime<Utc>) {
        let mut calls = self.lock();
        let e = Self::entry(&mut calls, (building, event.call), now);
        e.touched = now;
        if event.state.is_final() {
            e.ended_at = Some(now);
        }
        e.history.push(event.clone());
        let _ = e.tx.send(event);
    }

    /// Who placed a live (or just ended) call.
    pub fn owner(&self, building: i64, call: CallId) -> Option<Owner> {
        self.lock().get(&(building, call)).and_then(|e| e.owner)
    }

    /// The events so far and a receiver for the rest, for the call's owner
    /// only; taken under one lock so nothing is missed or repeated.
    pub fn follow(
        &self,
        building: i64,
        call: CallId,
        owner: Owner,
    ) -> Option<(Vec<CallEvent>, broadcast::Receiver<CallEvent>)> {
        let calls = self.lock();
        let e = calls
            .get(&(building, call))
            .filter(|e| e.owner == Some(owner))?;
        Some((e.history.clone(), e.tx.subscribe()))
    }

    /// The events so far of every live (or just ended) call of `owner` in
    /// the building, by call id.
    pub fn history_of(&self, building: i64, owner: Owner) -> Vec<(CallId, Vec<CallEvent>)> {
        let calls = self.lock();
        let mut out: Vec<(CallId, Vec<CallEvent>)> = calls
            .iter()
            .filter(|((b, _), e)| *b == building && e.owner == Some(owner))
            .map(|((_, c), e)| (*c, e.history.clone()))
            .collect();
        out.sort_by_key(|(c, _)| *c);
        out
    }

    /// Forgets calls ended more than [`KEEP_ENDED`] ago, calls nobody
    /// claimed for as long, and old replays. Returns how many calls remain.
    pub fn sweep(&self, now: DateTime<Utc>) -> usize {
        let mut calls = self.lock();
        calls.retain(|_, e| match e.ended_at {
            Some(t) => now - t <= KEEP_ENDED,
            None => e.owner.is_some() || now - e.touched <= KEEP_ENDED,
        });
        let left = calls.len();
        drop(calls);
        self.replays
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|_, r| now - r.at <= KEEP_ENDED);
        left
    }

    /// Live and recently ended calls held (for tests and metrics).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn replay(&self, user: i64, key: &str) -> Option<Replay> {
        self.replays
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(user, key.to_string()))
            .cloned()
    }

    pub fn remember_replay(&self, user: i64, key: &str, replay: Replay) {
        self.replays
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((user, key.to_string()), replay);
    }
}
