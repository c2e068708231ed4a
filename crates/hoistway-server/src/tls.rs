//! Serving over HTTPS (and WSS) with rustls, beside the plain-HTTP
//! listener: the KONE example clients reach the equipment and service-info
//! endpoints only at `https://${API_HOSTNAME}` (contract §2.1, option A).
//!
//! `axum-server` does the TLS accept loop (hyper with upgrades, so the
//! WebSocket API works over TLS too); the crypto provider is `ring`, the
//! one reqwest already brings, so no second provider is built.

use axum_server::tls_rustls::RustlsAcceptor;
pub use axum_server::tls_rustls::RustlsConfig;
use hoistway_app::state::AppState;
use std::future::Future;
use std::path::Path;
use tokio::net::TcpListener;

/// Loads a PEM certificate chain and private key.
pub async fn config(cert: &Path, key: &Path) -> std::io::Result<RustlsConfig> {
    // Only the first install wins; later calls (tests) are no-ops.
    let _ = rustls::crypto::ring::default_provider().install_default();
    RustlsConfig::from_pem_file(cert, key).await
}

/// Serves the application over TLS on `listener` until `shutdown`
/// resolves (open connections then get ten seconds to finish).
pub async fn run(
    listener: TcpListener,
    state: AppState,
    tls: RustlsConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits = state.settings.limits;
    let acceptor = hoistway_app::listen::Limited::new(RustlsAcceptor::new(tls), &limits);
    crate::serve_with(listener, state, acceptor, true, shutdown).await
}
