//! Every frame the Elevator WebSocket API sends is built here, so each keeps
//! the contract's rules (§7.2): one JSON object per text frame (R1), a
//! `data` object in every frame (R2), `data.session_id` only in the
//! successful lift-call result (R3, built in `lift_call.rs`), and
//! `data.sessionId` only in the answer to `create-session` (R4, built by
//! [`session_ok`] from `session.rs` only). Times are ISO-8601 UTC with
//! milliseconds (R6).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

/// `2025-11-18T12:14:57.167Z`.
pub fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A fresh UUID v4, for ids the client did not give.
pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The acknowledgement of a request (no `type`): 201, or 202 for delete.
pub fn ack(conn: &str, request_id: &Value, status: u16, at: DateTime<Utc>) -> Value {
    json!({
        "connectionId": conn,
        "requestId": request_id,
        "statusCode": status,
        "data": { "time": iso(at) },
    })
}

/// An error acknowledgement (no `type`), for everything but session control.
pub fn error_ack(conn: &str, request_id: &Value, status: u16, message: &str) -> Value {
    json!({
        "connectionId": conn,
        "requestId": request_id,
        "statusCode": status,
        "message": message,
        "data": { "error": message },
    })
}

/// A successful session-control answer. `data` carries `sessionId` only
/// for `create-session`.
pub fn session_ok(conn: &str, request_id: &Value, data: Value) -> Value {
    json!({
        "type": "ok",
        "connectionId": conn,
        "requestId": request_id,
        "statusCode": 201,
        "data": data,
    })
}

/// A failed session-control answer.
pub fn session_error(conn: &str, request_id: &Value, status: u16, message: &str) -> Value {
    json!({
        "type": "error",
        "connectionId": conn,
        "requestId": request_id,
        "statusCode": status,
        "message": message,
        "data": {},
    })
}

/// A result or event (no `type`): `callType`, `buildingId`, `groupId`,
/// `data`, and `requestId` / `subtopic` where the family has them.
pub fn result(
    call_type: &str,
    building: &str,
    group: &str,
    request_id: Option<&Value>,
    data: Value,
) -> Value {
    let mut m = Map::new();
    m.insert("callType".into(), json!(call_type));
    m.insert("buildingId".into(), json!(building));
    m.insert("groupId".into(), json!(group));
    if let Some(r) = request_id {
        m.insert("requestId".into(), r.clone());
    }
    m.insert("data".into(), data);
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_have_milliseconds_and_every_frame_has_a_data_object() {
        let t = Utc.with_ymd_and_hms(2025, 11, 18, 12, 14, 57).unwrap()
            + chrono::Duration::milliseconds(167);
        assert_eq!(iso(t), "2025-11-18T12:14:57.167Z");
        let id = json!(7);
        for f in [
            ack("c", &id, 201, t),
            error_ack("c", &id, 400, "bad"),
            session_ok("c", &id, json!({})),
            session_error("c", &id, 404, "Invalid session id"),
            result("ping", "building:1", "1", None, json!({"x": 1})),
        ] {
            assert!(f["data"].is_object(), "{f}");
            assert!(f["data"].get("session_id").is_none());
            assert!(f["data"].get("sessionId").is_none());
        }
    }
}
