//! `POST /api/v1/telemetry`: devices send NDJSON batches with their token.
//!
//! Answers `200 {"accepted","duplicates","rejected","errors":[{"line","message"}]}`
//! once the batch is committed. Malformed lines and lines naming another
//! unit are refused one by one (and kept as dead letters); the rest of the
//! batch is stored.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use hoistway_app::auth::token_hash;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::Json;
use hoistway_app::state::AppState;
use hoistway_connected::pipeline::Prepared;
use hoistway_connected::IngestReport;
use hoistway_store::devices;
use hoistway_store::telemetry::UnitRef;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use hoistway_app::auth::INGEST_PATH;

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
    let limit = hoistway_connected::pipeline_of(&s)
        .settings()
        .ingest_body_limit;
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
    hoistway_connected::pipeline_of(&s).prepare(&unit, &bytes, "http", s.clock.now(), &mut batch);
    let report = hoistway_connected::pipeline_of(&s)
        .commit(&s.db, &s.metrics, s.clock.now(), &batch)
        .await?;
    Ok(Json(report))
}
