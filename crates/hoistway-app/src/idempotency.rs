//! `Idempotency-Key` on POST: a retried request gets the first response
//! again, never a second write. Keys are per user; reusing a key for a
//! different request is refused.

use crate::auth::caller_of;
use crate::error::AppError;
use crate::state::AppState;
use axum::body::{to_bytes, Body};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hoistway_store::idempotency::{self, Claim};
use sha2::{Digest, Sha256};

pub const HEADER: &str = "idempotency-key";

/// Routes whose requests must never be written down: remote calls (their
/// floors are personal data that is not stored). They honour the header
/// themselves, from memory.
const NOT_STORED: [&str; 1] = ["/api/v1/buildings/{id}/calls"];

pub async fn layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let unstored = req
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|p| NOT_STORED.contains(&p.as_str()));
    if req.method() != Method::POST || unstored {
        return next.run(req).await;
    }
    let Some(key) = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
    else {
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    // Anonymous requests (sign-in) have no one to key on; let them through.
    let Some(user_id) = caller_of(&parts).map(|c| c.user.id) else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    if key.is_empty() || key.len() > 200 {
        return AppError::BadRequest("Idempotency-Key must be 1 to 200 characters".into())
            .into_response();
    }
    let bytes = match to_bytes(body, state.settings.body_limit).await {
        Ok(b) => b,
        Err(_) => return AppError::PayloadTooLarge.into_response(),
    };
    let mut h = Sha256::new();
    h.update(parts.uri.path().as_bytes());
    h.update([0]);
    h.update(&bytes);
    let request_hash = hex::encode(h.finalize());
    let now = state.clock.now();
    let claim = match idempotency::claim(&state.db, user_id, &key, &request_hash, now).await {
        Ok(c) => c,
        Err(e) => return AppError::from(e).into_response(),
    };
    match claim {
        Claim::Done {
            request_hash: first,
            ..
        }
        | Claim::InFlight {
            request_hash: first,
        } if first != request_hash => AppError::Unprocessable(
            "this Idempotency-Key was already used for a different request".into(),
        )
        .into_response(),
        Claim::InFlight { .. } => AppError::Conflict(
            "a request with this Idempotency-Key is still being processed; retry shortly".into(),
        )
        .into_response(),
        Claim::Done { status, body, .. } => {
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            response.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            response
        }
        Claim::Fresh => {
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            let (rparts, rbody) = response.into_parts();
            let rbytes = to_bytes(rbody, usize::MAX).await.unwrap_or_default();
            let stored = if rparts.status.is_success() {
                let text = String::from_utf8_lossy(&rbytes);
                idempotency::complete(&state.db, user_id, &key, rparts.status.as_u16(), &text).await
            } else {
                // A refused request changed nothing; the key may be used again.
                idempotency::release(&state.db, user_id, &key).await
            };
            if let Err(e) = stored {
                tracing::error!(error = %e, "could not record idempotency key");
            }
            Response::from_parts(rparts, Body::from(rbytes))
        }
    }
}
