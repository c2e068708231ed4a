//! `lift-call-api-v2` (§7.5, §7.6): a destination or landing call, and its
//! cancellation, placed through the same remote-call service as the REST
//! call routes ([`hoistway_remote::place`]): routed to the named group of the
//! building's driver, owned by the application (only it may cancel or
//! follow the call), counted, never stored.
//!
//! The permission check is the token's `callgiving/group:<B>:<G>` scope
//! (403), issued only for groups of the application's customer; an
//! application calls between any areas of its customer's buildings, as a
//! customer's own staff may over REST.
//!
//! Call types (`call.action`): 2 and 3 are destination calls from `area` to
//! `call.destination` (standard and accessible), 2001 and 2002 landing
//! calls up and down at `area`. The call's id is its `session_id`.

use super::{field, frames, payload, Conn, WsError, WsResult};
use hoistway_lift::{CancelReason, Direction};
use hoistway_remote::book::Owner;
use hoistway_remote::place::Placed;
use hoistway_remote::route::Ask;
use hoistway_store::grants::Areas;
use serde_json::{json, Map, Value};

/// What a call type asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Destination,
    Landing(Direction),
}

/// The call types this server takes: (action id, name, kind).
pub const CALL_TYPES: [(i64, &str, Kind); 4] = [
    (2, "Standard destination call", Kind::Destination),
    (3, "Accessible destination call", Kind::Destination),
    (2001, "Landing call up", Kind::Landing(Direction::Up)),
    (2002, "Landing call down", Kind::Landing(Direction::Down)),
];

/// The failure code of a refused call (`data.error`), in the real
/// service's spelling where it has one.
pub fn error_code(r: CancelReason) -> &'static str {
    match r {
        CancelReason::SameSourceAndDestination => "SAME_SOURCE_AND_DEST_FLOOR",
        CancelReason::InvalidDirection => "INVALID_DIRECTION",
        CancelReason::AreaDoesNotExist => "UNKNOWN_AREA",
        CancelReason::AccessDenied => "ACCESS_DENIED",
        CancelReason::NotServed => "AREA_NOT_SERVED",
        CancelReason::NoLiftsAvailable => "NO_LIFTS_AVAILABLE",
        CancelReason::CannotServeNow | CancelReason::ByCaller => "CANNOT_SERVE_NOW",
    }
}

fn area(v: Option<&Value>, name: &str) -> WsResult<u32> {
    v.and_then(Value::as_u64)
        .and_then(|a| u32::try_from(a).ok())
        .ok_or_else(|| WsError::bad_request(format!("{name} must be an area id (integer)")))
}

/// The request's `payload.request_id`: 0 to 999,999,999.
fn request_number(p: &Map<String, Value>) -> WsResult<i64> {
    field(p, "request_id")
        .and_then(Value::as_i64)
        .filter(|n| (0..=999_999_999).contains(n))
        .ok_or_else(|| WsError::bad_request("payload.request_id must be an integer 0 to 999999999"))
}

/// Reads the call out of an action payload.
pub fn parse_call(p: &Map<String, Value>) -> WsResult<Ask> {
    let from = area(field(p, "area"), "payload.area")?;
    if let Some(t) = field(p, "terminal") {
        t.as_u64()
            .ok_or_else(|| WsError::bad_request("payload.terminal must be an integer"))?;
    }
    let call = field(p, "call")
        .and_then(Value::as_object)
        .ok_or_else(|| WsError::bad_request("payload.call is required (an object)"))?;
    let action = field(call, "action")
        .and_then(Value::as_i64)
        .ok_or_else(|| WsError::bad_request("payload.call.action must be an integer"))?;
    let (_, _, kind) = CALL_TYPES
        .iter()
        .find(|(id, _, _)| *id == action)
        .ok_or_else(|| {
            WsError::bad_request(format!(
                "unknown call action {action} (see common-api actions)"
            ))
        })?;
    match kind {
        Kind::Destination => Ok(Ask::Destination {
            from,
            to: area(field(call, "destination"), "payload.call.destination")?,
        }),
        Kind::Landing(direction) => {
            if field(call, "destination").is_some() {
                return Err(WsError::bad_request(
                    "a landing call (2001, 2002) has no destination",
                ));
            }
            Ok(Ask::Landing {
                area: from,
                direction: *direction,
            })
        }
    }
}

impl Conn {
    /// `callType: "action"`: ack 201, then the result (with `session_id`
    /// only on success).
    pub async fn lift_call(
        &mut self,
        m: &Map<String, Value>,
        request_id: &Value,
    ) -> WsResult<Vec<Value>> {
        let target = self.target(m).await?;
        let p = payload(m)?;
        let number = request_number(p)?;
        let ask = parse_call(p)?;
        if !self.request_ids.insert(number) {
            return Err(WsError::new(
                409,
                format!("request_id {number} was already used on this connection"),
            ));
        }
        let customer = self.caller.customer_id();
        let placed = hoistway_remote::calls_of(&self.state)
            .place(
                target.building,
                customer,
                Owner::App(self.caller.client.id),
                &Areas::All,
                ask,
                Some(&target.group),
            )
            .await?;
        let data = match placed {
            Placed::Accepted(ev) => {
                json!({ "request_id": number, "success": true, "session_id": ev.call })
            }
            Placed::Refused { reason, .. } => {
                json!({ "request_id": number, "success": false, "error": error_code(reason) })
            }
        };
        Ok(vec![
            frames::ack(&self.id, request_id, 201, self.state.clock.now()),
            frames::result(
                "action",
                &target.building_text,
                &target.group_no,
                None,
                data,
            ),
        ])
    }

    /// `callType: "delete"`: cancels the application's own call named by
    /// `payload.session_id`; ack 202 and a result, neither with
    /// `session_id` (R3).
    pub async fn delete_call(
        &mut self,
        m: &Map<String, Value>,
        request_id: &Value,
    ) -> WsResult<Vec<Value>> {
        let target = self.target(m).await?;
        let p = payload(m)?;
        let call = field(p, "session_id")
            .and_then(Value::as_u64)
            .filter(|n| *n > 0)
            .ok_or_else(|| WsError::bad_request("payload.session_id must be a positive integer"))?;
        match hoistway_remote::calls_of(&self.state)
            .cancel(target.building, call, Owner::App(self.caller.client.id))
            .await
        {
            Ok(()) => {}
            Err(hoistway_app::error::AppError::NotFound(_)) => {
                return Err(WsError::new(404, format!("unknown session_id {call}")))
            }
            Err(e) => return Err(e.into()),
        }
        Ok(vec![
            frames::ack(&self.id, request_id, 202, self.state.clock.now()),
            frames::result(
                "delete",
                &target.building_text,
                &target.group_no,
                None,
                json!({ "success": true }),
            ),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn call_types_and_bad_payloads() {
        assert_eq!(
            parse_call(&p(
                json!({"area": 3000, "terminal": 1, "call": {"action": 2, "destination": 5000}})
            ))
            .unwrap(),
            Ask::Destination {
                from: 3000,
                to: 5000
            }
        );
        assert_eq!(
            parse_call(&p(json!({"area": 3000, "call": {"action": 2002}}))).unwrap(),
            Ask::Landing {
                area: 3000,
                direction: Direction::Down
            }
        );
        for bad in [
            json!({"area": "3000", "call": {"action": 2, "destination": 5000}}),
            json!({"area": 3000, "call": {"action": 2}}),
            json!({"area": 3000, "call": {"action": 77, "destination": 5000}}),
            json!({"area": 3000, "call": {"action": 2001, "destination": 5000}}),
            json!({"area": 3000, "terminal": "x", "call": {"action": 2, "destination": 5000}}),
            json!({"area": 3000}),
        ] {
            assert_eq!(
                parse_call(&p(bad.clone())).unwrap_err().status,
                400,
                "{bad}"
            );
        }
    }
}
