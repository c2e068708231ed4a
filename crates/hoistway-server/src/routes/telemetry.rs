//! `POST /api/v1/telemetry`: devices send NDJSON batches with their token.
//!
//! Answers `200 {"accepted","duplicates","rejected","errors":[{"line","message"}]}`
//! once the batch is committed. Malformed lines and lines naming another
//! unit are refused one by one (and kept as dead letters); the rest of the
//! batch is stored.

use crate::auth::token_hash;
use crate::connected::pipeline::Prepared;
use crate::connected::IngestReport;
use crate::error::{ApiResult, AppError};
use crate::extract::Json;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use hoistway_store::devices;
use hoistway_store::telemetry::UnitRef;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub const INGEST_PATH: &str = "/api/v1/telemetry";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(ingest))
}

/// Accepts a batch of telemetry events (newline-delimited JSON, schema v1)
/// from a device. `Authorization: Bearer <device token>`; every event must
/// be of the token's unit (its equipment number or id in `unit`).
#[utoipa::path(post, path = "/api/v1/telemetry", tag = "telemetry",
    request_body(content = String, content_type = "application/x-ndjson",
        description = "One JSON event per line: {\"v\":1,\"unit\",\"ts\",\"seq\",\"kind\",…}"),
    responses((status = 200, body = IngestReport), (status = 401), (status = 413)))]
async fn ingest(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Json<IngestReport>> {
    let received = std::time::Instant::now();
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or(AppError::Unauthorized)?;
    let device = devices::authenticate(&s.db, &token_hash(token))
        .await?
        .ok_or(AppError::Unauthorized)?;
    let limit = s.connected.settings().ingest_body_limit;
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| AppError::PayloadTooLarge)?;
    let unit = UnitRef {
        unit_id: device.unit_id,
        customer_id: device.customer_id,
        equipment_number: device.equipment_number,
    };
    let mut batch = Prepared::default();
    batch.received_at(received);
    s.connected
        .prepare(&unit, &bytes, "http", s.clock.now(), &mut batch);
    let report = s
        .connected
        .commit(&s.db, &s.metrics, s.clock.now(), &batch)
        .await?;
    Ok(Json(report))
}
