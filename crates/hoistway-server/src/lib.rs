//! Hoistway's HTTP edge: the REST API under `/api/v1` with its OpenAPI
//! document, sign-in, health and metrics.
//!
//! The server is a library; the `hoistway` binary is thin. [`run`] takes an
//! already-bound listener and a shutdown future, so tests bind port 0.
//!
//! Module map:
//! - `api_doc`: what the OpenAPI document adds to the handlers' own
//!   annotations (bearer auth, shared error answers, PATCH schemas).
//! - [`state`]: what handlers share (database, clock, settings, metrics).
//! - [`error`]: the one application error and its HTTP mapping.
//! - [`extract`]: JSON/query/path extractors whose rejections are our errors.
//! - [`auth`]: password hashing, tokens, CSRF, the [`auth::Caller`].
//! - [`throttle`]: sign-in throttling.
//! - [`idempotency`]: the `Idempotency-Key` middleware.
//! - [`metrics`]: Prometheus counters.
//! - [`live`]: change notices streamed to the portal.
//! - [`connected`]: telemetry ingest (HTTP, MQTT), analytics pipeline,
//!   live state, rollups, findings, remote commands, retention.
//! - [`routes`]: one module per resource.
//! - [`portal`]: the web portal (server-rendered pages, assets, sign-in).
//! - [`remote`]: remote call: running lift drivers, live calls, counters.
//! - [`kone`]: the KONE API v2 compatible surface (`/api/v2`: OAuth2
//!   tokens, inventory, equipment status, service orders; the Elevator
//!   WebSocket API at `/stream-v2`).
//! - [`listen`]: connection timeouts and limits of both listeners.
//! - [`tls`]: serving over HTTPS (rustls) beside plain HTTP.
//! - [`transport`]: trusted proxies, `Secure` cookies and HSTS.
//! - [`demo`]: the seeded demo fleet; [`demo_feed`]: its live twin telemetry;
//!   [`demo_kone`]: its ready KONE API client.
//! - [`jobs`]: background loops (SLA timers, notification delivery, the
//!   daily maintenance scheduler); [`delivery`]: the e-mail, SMS and push
//!   drivers.

mod api_doc;
pub mod auth;
pub mod connected;
pub mod csv_cells;
pub mod delivery;
pub mod demo;
pub mod demo_feed;
pub mod demo_history;
pub mod demo_kone;
pub mod demo_maintenance;
pub mod error;
pub mod extract;
pub mod fuzz;
pub mod idempotency;
pub mod jobs;
pub mod kone;
pub mod links;
pub mod listen;
pub mod live;
pub mod metrics;
pub mod nul_guard;
pub mod portal;
pub mod remote;
pub mod routes;
pub mod second_factor;
pub mod state;
pub mod throttle;
pub mod tls;
pub mod transport;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use state::AppState;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Instant;
use tokio::net::TcpListener;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// The OpenAPI document and the API router, built from the same handlers.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(api_doc::ApiDoc::openapi())
        .merge(routes::auth::router())
        .merge(routes::registry::router())
        .merge(routes::invoices::router())
        .merge(routes::users::router())
        .merge(routes::invitations::router())
        .merge(routes::audit::router())
        .merge(routes::cases::router())
        .merge(routes::kpis::router())
        .merge(routes::notifications::router())
        .merge(routes::maintenance::router())
        .merge(routes::visit_work::router())
        .merge(routes::checklists::router())
        .merge(routes::certificates::router())
        .merge(routes::technicians::router())
        .merge(routes::calendar::router())
        .merge(routes::exports::router())
        .merge(routes::topology::router())
        .merge(routes::access::router())
        .merge(routes::calls::router())
        .merge(routes::telemetry::router())
        .merge(routes::devices::router())
        .merge(routes::equipment::router())
        .merge(routes::api_clients::router())
        .split_for_parts();
    // After the merge: the routers' operations exist only now.
    utoipa::Modify::modify(&api_doc::SharedErrors, &mut doc);
    (router, api_doc::with_patch_bodies(doc))
}

/// The OpenAPI document (also served at `/api/v1/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, doc) = api();
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
        .merge(kone::router())
        .merge(routes::health::router())
        // Outside the API's session layer: pages check their own session
        // and the CSRF field of their forms.
        .merge(portal::router())
        .fallback(portal::fallback)
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
