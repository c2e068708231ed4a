//! Placing and withdrawing a call, the one path for both surfaces that
//! take calls: the REST call routes (`routes/calls.rs`) and the compatible
//! WebSocket API (`kone/ws/lift_call.rs`). Each surface checks who may
//! call where (its own authentication, [`super::access`] for users, token
//! scopes for applications) and then comes here: the call is routed to a
//! group, given to the building's driver, its owner noted in the in-memory
//! book and the counters bumped. Nothing is stored.

use super::book::Owner;
use super::route::{self, Ask};
use super::{cancelled_counter, RemoteCalls};
use hoistway_app::error::{ApiResult, AppError};
use hoistway_lift::{CallEvent, CallId, CancelReason, DriverError};
use hoistway_store::grants::Areas;

/// The outcome of placing a call.
#[derive(Debug, Clone)]
pub enum Placed {
    /// The driver took it; its state right after placing.
    Accepted(CallEvent),
    /// The building refused it (counted, never live).
    Refused {
        group: Option<String>,
        reason: CancelReason,
    },
}

impl RemoteCalls {
    /// Places `ask` in `building` (of `customer`) for `owner`, between the
    /// `allowed` areas; `group` pins the group (it must exist: 400).
    pub async fn place(
        &self,
        building: i64,
        customer: i64,
        owner: Owner,
        allowed: &Areas,
        ask: Ask,
        group: Option<&str>,
    ) -> ApiResult<Placed> {
        let running = self.running(building).await?;
        if let Some(g) = group {
            if running.topology.group(g).is_err() {
                return Err(hoistway_domain::Invalid::new(
                    "group",
                    format!("building {building} has no lift group {g:?}"),
                )
                .into());
            }
        }
        self.counters.add(building, customer, "placed");
        let placed = match route::resolve(&running.topology, ask, allowed, group) {
            Err(reason) => Placed::Refused {
                group: None,
                reason,
            },
            Ok((group, call)) => match running.driver.place_call(&group, call).await {
                Ok(ev) => {
                    self.book.claim(building, ev.call, owner, self.clock.now());
                    Placed::Accepted(ev)
                }
                Err(DriverError::Refused(reason)) => Placed::Refused {
                    group: Some(group),
                    reason,
                },
                Err(e) => {
                    tracing::warn!(building, error = %e, "controller did not take a call");
                    Placed::Refused {
                        group: Some(group),
                        reason: CancelReason::CannotServeNow,
                    }
                }
            },
        };
        if let Placed::Refused { reason, .. } = &placed {
            self.counters
                .add(building, customer, cancelled_counter(*reason));
        }
        Ok(placed)
    }

    /// Withdraws `owner`'s call: someone else's call, or one already
    /// forgotten, is "not found" (404); a boarded or ended one 409.
    pub async fn cancel(&self, building: i64, call: CallId, owner: Owner) -> ApiResult<()> {
        if self.book.owner(building, call) != Some(owner) {
            return Err(AppError::NotFound("call"));
        }
        let running = self
            .registry
            .get(building)
            .ok_or(AppError::NotFound("call"))?;
        match running.driver.cancel_call(call).await {
            Ok(()) => Ok(()),
            Err(DriverError::UnknownCall(_)) => Err(AppError::NotFound("call")),
            Err(DriverError::NotCancellable(_)) => Err(AppError::Conflict(
                "the call can no longer be cancelled: the passenger is aboard or it has ended"
                    .into(),
            )),
            Err(e) => Err(AppError::Unavailable(e.to_string())),
        }
    }
}
