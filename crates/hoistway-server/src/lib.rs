//! Hoistway's server: composes the capability crates into one
//! application and serves it. [`app`] builds everything from one
//! [`AppState`]; [`run`] takes an already-bound listener and a shutdown
//! future, so tests bind port 0; [`tls`] serves the same app over HTTPS.
//!
//! Crate map (dependencies run one way: capabilities → core → store →
//! domain):
//! - `hoistway_app`: the core (state, auth, errors, extractors, live
//!   events, metrics, middleware).
//! - `hoistway_api`: the REST API under `/api/v1` and its OpenAPI document.
//! - `hoistway_portal`: the web portal.
//! - `hoistway_kone`: the KONE API v2 compatible surface.
//! - `hoistway_connected`: telemetry ingest and the analytics pipeline.
//! - `hoistway_remote`: remote call.
//! - `hoistway_jobs`: notification delivery and background loops.
//! - `hoistway_demo`: the seeded demo fleet.

pub mod tls;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hoistway_app::state::AppState;
use hoistway_app::{auth, idempotency, listen, nul_guard, transport};
use std::future::Future;
use std::net::SocketAddr;
use std::time::Instant;
use tokio::net::TcpListener;

/// The OpenAPI document (also served at `/api/v1/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    hoistway_api::openapi()
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, doc) = hoistway_api::router();
    let doc = std::sync::Arc::new(doc);
    let api = api
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = doc.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::layer,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::authenticate_layer,
        ));
    Router::new()
        .merge(api)
        // Outside the session layers: API applications authenticate with
        // their own tokens (see `kone`).
        .merge(hoistway_kone::router())
        .merge(hoistway_api::health::router())
        // Outside the API's session layer: pages check their own session
        // and the CSRF field of their forms.
        .merge(hoistway_portal::router())
        .fallback(fallback)
        .layer(DefaultBodyLimit::max(state.settings.body_limit))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            state.settings.limits.body_read_timeout,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            nul_guard::layer,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            transport::layer,
        ))
        .with_state(state)
}

/// Unknown paths: the KONE surface answers its own (`/api/v2`), the portal
/// the rest.
async fn fallback(req: Request) -> Response {
    if hoistway_kone::is_v2_path(req.uri().path()) {
        return hoistway_kone::v2_fallback();
    }
    hoistway_portal::fallback(req).await
}

/// Counts and times every request by route template and status.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    let labels = vec![("method".to_string(), method), ("route".to_string(), route)];
    state
        .metrics
        .http_duration
        .get_or_create(&labels)
        .observe(started.elapsed().as_secs_f64());
    let mut with_status = labels;
    with_status.push(("status".into(), status));
    state
        .metrics
        .http_requests
        .get_or_create(&with_status)
        .inc();
    response.into_response()
}

/// Serves `app` on `listener` until `shutdown` resolves (open
/// connections then get ten seconds to finish).
pub async fn run(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.settings.limits;
    serve_with(
        listener,
        state,
        listen::Limited::new(axum_server::accept::DefaultAcceptor, &limits),
        false,
        shutdown,
    )
    .await
}

/// Serves `app` through `acceptor` (plain or TLS) with the connection
/// limits of [`listen`].
pub(crate) async fn serve_with<A>(
    listener: TcpListener,
    state: AppState,
    acceptor: A,
    over_tls: bool,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()>
where
    A: axum_server::accept::Accept<
            tokio::net::TcpStream,
            axum::middleware::AddExtension<Router, axum::extract::ConnectInfo<SocketAddr>>,
        > + Clone
        + Send
        + Sync
        + 'static,
    A::Stream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send,
    A::Service:
        axum_server::service::SendService<axum::http::Request<hyper::body::Incoming>> + Send,
    A::Future: Send,
{
    let limits = state.settings.limits;
    let handle = axum_server::Handle::<SocketAddr>::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown.await;
        stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
    });
    let mut server = axum_server::Server::<SocketAddr>::from_listener(listener)
        .acceptor(acceptor)
        .handle(handle);
    listen::configure(server.http_builder(), &limits);
    let mut router = app(state);
    if over_tls {
        router = router.layer(axum::Extension(transport::OverTls));
    }
    server
        .serve(router.into_make_service_with_connect_info::<SocketAddr>())
        .await
}
