//! Hoistway's application core: what every capability of the server
//! shares. Capabilities (the REST API, the portal, the KONE surface,
//! connected equipment, remote call, background jobs, the demo) depend on
//! this crate; it depends on none of them.
//!
//! Module map:
//! - [`state`]: what handlers share (database, clock, settings, metrics,
//!   live events) and each capability's own process-wide state.
//! - [`error`]: the one application error and its HTTP mapping.
//! - [`extract`]: JSON/query/path extractors whose rejections are our errors.
//! - [`auth`]: password hashing, tokens, CSRF, the [`auth::Caller`].
//! - [`second_factor`]: TOTP enrolment and the second sign-in step.
//! - [`throttle`]: sign-in throttling.
//! - [`idempotency`]: the `Idempotency-Key` middleware.
//! - [`nul_guard`]: refuses NUL bytes before they reach the database.
//! - [`metrics`]: Prometheus counters.
//! - [`live`]: change notices streamed to the portal.
//! - [`links`]: absolute links to this server (letters, QR codes).
//! - [`csv_cells`]: CSV cells that spreadsheets will not run as formulas.
//! - [`listen`]: connection timeouts and limits of both listeners.
//! - [`transport`]: trusted proxies, `Secure` cookies and HSTS.
//! - [`fuzz`]: the case count of the fuzz targets.
//! - [`web_push`]: the server's VAPID key and the checks on a browser's
//!   push subscription.
//! - [`webhook_url`]: which webhook endpoint URLs and addresses the
//!   server may call.

pub mod auth;
pub mod csv_cells;
pub mod error;
pub mod extract;
pub mod fuzz;
pub mod idempotency;
pub mod links;
pub mod listen;
pub mod live;
pub mod metrics;
pub mod nul_guard;
pub mod second_factor;
pub mod state;
pub mod throttle;
pub mod transport;
pub mod web_push;
pub mod webhook_url;
