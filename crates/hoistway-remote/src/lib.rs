//! Remote call at the edge: the running controller drivers, the in-memory
//! call book and the batched counters, shared by the call, topology and
//! access routes through [`calls_of`].
//!
//! Module map:
//! - [`book`]: live calls in memory (owner, events), never in the database.
//! - [`counters`]: per-building counters, the only trace calls leave.
//! - [`access`]: who may use remote call in a building, and where.
//! - [`route`]: from a call request (areas) to a group and a driver call.
//! - [`place`]: placing and withdrawing a call, for every surface.
//! - [`demo`]: topologies and grants for the demo fleet.

pub mod access;
pub mod book;
pub mod counters;
pub mod demo;
pub mod place;
pub mod route;

use book::CallBook;
use counters::Counters;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::state::AppState;
use hoistway_domain::{Clock, Scope};
use hoistway_lift::{CallEvent, CancelReason, Registry, Running, TwinFactory, TwinOptions};
use hoistway_store::{topology, Db};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

/// How often counters are written and ended calls forgotten (wall time).
const HOUSEKEEPING: std::time::Duration = std::time::Duration::from_secs(1);

pub struct RemoteCalls {
    pub registry: Registry,
    pub book: Arc<CallBook>,
    pub counters: Arc<Counters>,
    db: Db,
    clock: Arc<dyn Clock>,
    housekeeping: AtomicBool,
}

/// The counter a call's end adds to.
pub fn counter_of(event: &CallEvent) -> Option<&'static str> {
    match (event.state, event.reason) {
        (hoistway_lift::CallState::Served, _) => Some("served"),
        (hoistway_lift::CallState::Cancelled, Some(r)) => Some(cancelled_counter(r)),
        (hoistway_lift::CallState::Cancelled, None) => Some("cancelled_cannot_serve_now"),
        _ => None,
    }
}

pub fn cancelled_counter(r: CancelReason) -> &'static str {
    match r {
        CancelReason::ByCaller => "cancelled_by_caller",
        CancelReason::AccessDenied => "cancelled_access_denied",
        CancelReason::AreaDoesNotExist => "cancelled_area_does_not_exist",
        CancelReason::SameSourceAndDestination => "cancelled_same_source_and_destination",
        CancelReason::InvalidDirection => "cancelled_invalid_direction",
        CancelReason::NotServed => "cancelled_not_served",
        CancelReason::NoLiftsAvailable => "cancelled_no_lifts_available",
        CancelReason::CannotServeNow => "cancelled_cannot_serve_now",
    }
}

impl RemoteCalls {
    /// Every building driven by the twin, on `clock`.
    pub fn twin(db: Db, clock: Arc<dyn Clock>, options: TwinOptions) -> Self {
        let factory = TwinFactory {
            clock: clock.clone(),
            options,
        };
        Self {
            registry: Registry::new(Arc::new(factory)),
            book: Arc::default(),
            counters: Arc::default(),
            db,
            clock,
            housekeeping: AtomicBool::new(false),
        }
    }

    /// The building's running driver, started from its stored topology on
    /// first use. A building without a topology has no remote call (404).
    pub async fn running(&self, building: i64) -> ApiResult<Running> {
        if let Some(r) = self.registry.get(building) {
            return Ok(r);
        }
        let t = topology::get(&self.db, &Scope::All, building).await?;
        let model = topology::twin_building(&t).map_err(AppError::internal)?;
        self.start_housekeeping();
        let (book, counters, clock) =
            (self.book.clone(), self.counters.clone(), self.clock.clone());
        self.registry
            .start(building, model, |r| {
                pump(r, building, t.customer_id, book, counters, clock)
            })
            .map_err(|e| AppError::Unavailable(e.to_string()))
    }

    /// The topology changed: stop the driver (its live calls end as
    /// `cannot_serve_now`); the next call starts one on the new topology.
    pub async fn topology_changed(&self, building: i64) {
        self.registry.stop(building);
    }

    /// Writes pending counters now (before they are read).
    pub async fn flush(&self) -> ApiResult<()> {
        Ok(self.counters.flush(&self.db, self.clock.now()).await?)
    }

    fn start_housekeeping(&self) {
        if self.housekeeping.swap(true, Ordering::SeqCst) {
            return;
        }
        let (db, clock) = (self.db.clone(), self.clock.clone());
        let (book, counters) = (Arc::downgrade(&self.book), Arc::downgrade(&self.counters));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(HOUSEKEEPING);
            loop {
                tick.tick().await;
                // The service is gone once its book and counters are.
                let (Some(book), Some(counters)) = (book.upgrade(), counters.upgrade()) else {
                    break;
                };
                if let Err(e) = counters.flush(&db, clock.now()).await {
                    tracing::warn!(error = %e, "could not write call counters; will retry");
                }
                book.sweep(clock.now());
            }
        });
    }
}

/// Listens to every group of a freshly started driver: events go to the
/// call book, ends of calls to the counters.
fn pump(
    running: &Running,
    building: i64,
    customer: i64,
    book: Arc<CallBook>,
    counters: Arc<Counters>,
    clock: Arc<dyn Clock>,
) {
    for g in running.driver.groups() {
        let Ok(mut rx) = running.driver.subscribe_calls(&g.id) else {
            continue;
        };
        let (book, counters, clock) = (book.clone(), counters.clone(), clock.clone());
        tokio::spawn(async move {
            loop {
                match rx.recv().await {
                    Ok(event) => {
                        if let Some(c) = counter_of(&event) {
                            counters.add(building, customer, c);
                        }
                        book.record(building, event, clock.now());
                    }
                    Err(RecvError::Lagged(n)) => {
                        tracing::warn!(building, missed = n, "call events were dropped");
                    }
                    Err(RecvError::Closed) => break,
                }
            }
        });
    }
}

/// The process's remote-call service: the twin driver unless a test or the
/// binary provided another through [`AppState::capabilities`].
pub fn calls_of(state: &AppState) -> Arc<RemoteCalls> {
    state.capabilities.get_or_init(|| {
        RemoteCalls::twin(
            state.db.clone(),
            state.clock.clone(),
            hoistway_lift::TwinOptions::default(),
        )
    })
}
