//! `/healthz` (the process answers), `/readyz` (the database answers) and
//! `/metrics` (Prometheus text).

use crate::error::{ApiResult, AppError};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

async fn readyz(State(s): State<AppState>) -> ApiResult<&'static str> {
    s.db.ping()
        .await
        .map_err(|e| AppError::Unavailable(format!("database: {e}")))?;
    Ok("ready")
}

async fn metrics(State(s): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        s.metrics.render(),
    )
}
