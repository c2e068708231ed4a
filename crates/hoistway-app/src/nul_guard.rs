//! Text with U+0000 is refused at the edge (issue #18). PostgreSQL cannot
//! store NUL in `text` ("invalid byte sequence for encoding UTF8: 0x00"),
//! so such a string reaching SQL was a 500 on one backend and stored on the
//! other. One layer in front of every route checks the path, the query and
//! JSON and form bodies, and answers 400 naming the field. NDJSON telemetry
//! is not checked here: its lines are judged one by one (a NUL line is a
//! dead letter, the rest of the batch kept; see `connected::pipeline`).

use crate::error::AppError;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// NDJSON ingest, judged line by line further in (and with its own limit).
const TELEMETRY_PATH: &str = "/api/v1/telemetry";

const MESSAGE: &str = "must not contain NUL characters (U+0000)";

/// The shape of [`AppError::Invalid`], with a field named at run time
/// (a JSON path or a query key, where `Invalid` holds a static name).
fn refuse(field: impl Into<String>) -> Response {
    let field = field.into();
    let error =
        json!({"code": "invalid", "field": field, "message": format!("{field}: {MESSAGE}")});
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({ "error": error })),
    )
        .into_response()
}

/// The middleware: passes the request on unchanged unless it carries NUL.
pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path().contains("%00") {
        return refuse("path");
    }
    if let Some(field) = req.uri().query().and_then(nul_in_form) {
        return refuse(field);
    }
    let kind = body_kind(&req);
    if kind == BodyKind::Other || req.uri().path() == TELEMETRY_PATH {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, state.settings.body_limit).await {
        Ok(b) => b,
        Err(_) => return AppError::PayloadTooLarge.into_response(),
    };
    let found = match kind {
        BodyKind::Json => nul_in_json(&bytes),
        BodyKind::Form => std::str::from_utf8(&bytes).ok().and_then(nul_in_form),
        BodyKind::Other => None,
    };
    if let Some(field) = found {
        return refuse(field);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[derive(PartialEq, Clone, Copy)]
enum BodyKind {
    Json,
    Form,
    Other,
}

fn body_kind(req: &Request) -> BodyKind {
    let Some(ct) = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return BodyKind::Other;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        BodyKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else {
        BodyKind::Other
    }
}

/// The name of the first `key=value` pair (query or form body) with NUL.
fn nul_in_form(encoded: &str) -> Option<String> {
    if !encoded.contains("%00") {
        return None;
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(encoded).ok()?;
    pairs
        .into_iter()
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        .map(|(k, _)| k.replace('\0', "\u{fffd}"))
}

/// The JSON path (`symptoms`, `unit_ids[2]`, `address.street`) of the first
/// string holding NUL. A raw NUL byte is not valid JSON (the extractor
/// refuses it), so only the `\u0000` escape is looked for; the full parse
/// runs only when it is present.
pub fn nul_in_json(bytes: &[u8]) -> Option<String> {
    bytes.windows(6).position(|w| w == b"\\u0000")?;
    let value: Value = serde_json::from_slice(bytes).ok()?;
    let mut path = String::new();
    walk(&value, &mut path).then(|| if path.is_empty() { "body".into() } else { path })
}

fn walk(value: &Value, path: &mut String) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().enumerate().any(|(i, v)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = walk(v, path);
            if !found {
                path.truncate(len);
            }
            found
        }),
        Value::Object(fields) => fields.iter().any(|(k, v)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&k.replace('\0', "\u{fffd}"));
            let found = k.contains('\0') || walk(v, path);
            if !found {
                path.truncate(len);
            }
            found
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_paths_name_the_field() {
        let at = |s: &str| nul_in_json(s.as_bytes());
        assert_eq!(at(r#"{"name":"a\u0000b"}"#).as_deref(), Some("name"));
        assert_eq!(
            at(r#"{"a":{"b":["x","\u0000"]}}"#).as_deref(),
            Some("a.b[1]")
        );
        assert_eq!(at(r#""\u0000""#).as_deref(), Some("body"));
        assert_eq!(at(r#"{"name":"plain"}"#), None);
        // An escaped backslash followed by u0000 is six characters of text.
        assert_eq!(at(r#"{"name":"\\u0000"}"#), None);
    }

    #[test]
    fn form_pairs_name_the_key() {
        assert_eq!(nul_in_form("q=a%00b&x=1").as_deref(), Some("q"));
        assert_eq!(nul_in_form("x=1&email=%00").as_deref(), Some("email"));
        assert_eq!(nul_in_form("q=a%2500"), None);
        assert_eq!(nul_in_form("q=plain"), None);
    }
}
