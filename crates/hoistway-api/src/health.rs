//! `/healthz` (the process answers), `/readyz` (the database answers, holds the schema, and ingest is not
//! stuck) and
//! `/metrics` (Prometheus text).

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::state::AppState;
use hoistway_store::Schema;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// Ready when the database answers and holds this binary's schema. The
/// cause of a failure is logged, never sent: a probe is unauthenticated.
async fn readyz(State(s): State<AppState>) -> ApiResult<&'static str> {
    let unavailable = |e: hoistway_store::StoreError| {
        tracing::warn!(error = %e, "readiness: database check failed");
        AppError::Unavailable("the database does not answer".into())
    };
    s.db.ping().await.map_err(unavailable)?;
    match s.db.schema().await.map_err(unavailable)? {
        Schema::Current => match hoistway_connected::pipeline_of(&s).health().stuck_for(s.clock.now()) {
            None => Ok("ready"),
            Some(d) => Err(AppError::Unavailable(format!(
                "telemetry ingest is stuck: storing has failed for {} s",
                d.as_secs()
            ))),
        },
        Schema::Missing => Err(AppError::Unavailable(
            "the database has no schema: run the migrations (`hoistway serve` applies them at start)".into(),
        )),
        Schema::Behind { applied, expected } => Err(AppError::Unavailable(format!(
            "the database schema is at migration {applied}, this binary needs {expected}"
        ))),
    }
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
