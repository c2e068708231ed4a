//! The KONE API v2 compatible HTTP surface (issue 7, contract in
//! `kone-api-v2.md`): OAuth2 client-credentials tokens, the application's
//! inventory, the Equipment Status API and the Service Info API.
//!
//! It is a separate router from `/api/v1` on purpose: the wire shapes are
//! KONE's, not ours (errors are `{"message", "errors"}` rather than
//! `{"error":{…}}`), callers are API applications rather than users, and
//! the routes stay out of our OpenAPI document and its tenancy walk.
//! Every answer is built from Hoistway's own data: buildings, topology and
//! units of the application's customer, live telemetry state and raw
//! events, and service cases.
//!
//! Files: [`token`] (the token endpoint, signing, scopes and the bearer
//! extractor), [`inventory`] (`application/self/resources`), [`equipment`]
//! (equipment status and service orders), [`group_no`] (the contract's
//! bare group numbers over our named groups), [`ws`] (the Elevator WebSocket
//! API at `/stream-v2`). Unknown `/api/v2/…` paths, wrong methods and
//! rejected bodies there also answer in the contract's error shape
//! ([`v2_fallback`], [`v2_errors`]).

pub mod equipment;
pub mod group_no;
pub mod inventory;
pub mod token;
pub mod ws;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hoistway_app::state::AppState;
use hoistway_domain::Scope;
use hoistway_store::StoreError;
use serde_json::json;

/// The compatible API's routes (merged into the application unauthenticated:
/// each handler authenticates the application itself).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v2/oauth2/token", post(token::issue))
        .route("/api/v2/oauth2/limited-token", post(token::limited))
        .route(
            "/api/v2/application/self/resources",
            get(inventory::resources),
        )
        .route(
            "/api/v2/equipment/search/availability",
            post(equipment::availability),
        )
        .route("/api/v2/equipment/search/status", post(equipment::status))
        .route(
            "/api/v2/equipment/search/movement",
            post(equipment::movement),
        )
        .route("/api/v2/equipment/elevator/door", post(equipment::door))
        .route("/api/v2/equipment/elevator/button", post(equipment::button))
        .route(
            "/api/v2/equipment/escalator/movement/direction",
            post(equipment::escalator_direction),
        )
        .route(
            "/api/v2/equipment/{ken}/serviceOrders",
            get(equipment::service_orders),
        )
        .route(
            "/api/v2/equipment/{ken}/serviceOrders/{work_order}",
            get(equipment::service_order),
        )
        .route("/stream-v2", get(ws::stream))
        .layer(axum::middleware::map_response(v2_errors))
}

/// Whether a path belongs to the compatible API (its errors are KONE's).
pub fn is_v2_path(path: &str) -> bool {
    path == "/api/v2" || path.starts_with("/api/v2/") || path == "/stream-v2"
}

/// The answer to an unknown `/api/v2/…` path.
pub fn v2_fallback() -> Response {
    KoneError::not_found("no such resource in the API").into_response()
}

/// Errors axum answers by itself on these routes (405 method not allowed,
/// 413 body too large, …) come with a plain-text or empty body; they are
/// rewritten into the contract's shape so clients parse one error format.
async fn v2_errors(res: Response) -> Response {
    let status = res.status();
    let is_json = res
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        let message = status.canonical_reason().unwrap_or("request failed");
        let mut kone = KoneError::new(status, message).into_response();
        // Keep `Allow` on a 405 and similar protocol headers.
        for (k, v) in res.headers() {
            if k != axum::http::header::CONTENT_TYPE && k != axum::http::header::CONTENT_LENGTH {
                kone.headers_mut().insert(k.clone(), v.clone());
            }
        }
        return kone;
    }
    res
}

/// An error in the contract's shape:
/// `{"message": "...", "errors": [{"type": "...", "header"?: "..."}]}`.
#[derive(Debug)]
pub struct KoneError {
    pub status: StatusCode,
    pub message: String,
    /// The request header at fault (`authorization`), if any.
    pub header: Option<&'static str>,
}

impl KoneError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            header: None,
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self {
            header: Some("authorization"),
            ..Self::new(StatusCode::UNAUTHORIZED, message)
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    fn kind(&self) -> &'static str {
        match self.status {
            StatusCode::BAD_REQUEST => "invalid",
            StatusCode::UNAUTHORIZED => "unauthorized",
            StatusCode::FORBIDDEN => "forbidden",
            StatusCode::NOT_FOUND => "not_found",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
            StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
            StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
            StatusCode::CONFLICT => "conflict",
            _ => "internal",
        }
    }
}

impl IntoResponse for KoneError {
    fn into_response(self) -> Response {
        let mut error = json!({ "type": self.kind() });
        if let Some(h) = self.header {
            error["header"] = json!(h);
        }
        (
            self.status,
            axum::Json(json!({ "message": self.message, "errors": [error] })),
        )
            .into_response()
    }
}

impl From<StoreError> for KoneError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => KoneError::not_found(format!("{what} not found")),
            StoreError::Invalid(i) => KoneError::bad_request(i.to_string()),
            StoreError::Conflict(m) => KoneError::new(StatusCode::CONFLICT, m),
            other => {
                // Internal causes are logged, never sent.
                tracing::error!(cause = %other, "KONE API request failed");
                KoneError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    }
}

pub type KoneResult<T> = Result<T, KoneError>;

/// The whole-customer scope an application works in.
pub fn customer_scope(customer_id: i64) -> Scope {
    Scope::Customer {
        customer_id,
        portfolios: None,
    }
}

/// Checks a KEN as the contract writes it (`ken:` plus digits) and returns
/// the digits.
pub fn parse_ken(raw: &str) -> KoneResult<&str> {
    raw.strip_prefix("ken:")
        .filter(|d| !d.is_empty() && d.len() <= 20 && d.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            KoneError::bad_request(format!(
                "'{raw}' is not an equipment id (ken: followed by digits)"
            ))
        })
}

/// The bare KEN digits of a unit's equipment number, if it has the KEN
/// shape (`ken:123` or `123`); other numbers cannot be named in this API.
pub fn ken_digits(equipment_number: &str) -> Option<&str> {
    let d = equipment_number
        .strip_prefix("ken:")
        .unwrap_or(equipment_number);
    (!d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())).then_some(d)
}

/// The customer's unit named by a KEN (`ken:123`), stored as `ken:123` or
/// as bare `123`.
pub async fn unit_of_ken(
    state: &AppState,
    customer_id: i64,
    ken: &str,
) -> KoneResult<Option<hoistway_store::units::Unit>> {
    let digits = parse_ken(ken)?;
    let db = &state.db;
    let id = match hoistway_store::api_clients::unit_by_equipment_number(db, customer_id, ken)
        .await?
    {
        Some(id) => Some(id),
        None => {
            hoistway_store::api_clients::unit_by_equipment_number(db, customer_id, digits).await?
        }
    };
    match id {
        Some(id) => Ok(Some(
            hoistway_store::units::get(db, &customer_scope(customer_id), id).await?,
        )),
        None => Ok(None),
    }
}

/// What the KONE surface keeps for the whole process: the key that signs
/// its access tokens, the single-use tokens already used and the Elevator
/// WebSocket API's sessions (this node, in memory).
pub struct KoneShared {
    /// HMAC key of the access tokens.
    pub token_key: Vec<u8>,
    /// Single-use limited tokens already used.
    pub used_tokens: token::UsedTokens,
    /// Sessions of the Elevator WebSocket API.
    pub sessions: ws::session::Sessions,
}

/// The KONE surface's shared state (made on first use; every clone of the
/// application state shares it).
pub fn shared_of(state: &AppState) -> std::sync::Arc<KoneShared> {
    state.capabilities.get_or_init(|| KoneShared {
        token_key: token::signing_key(state.settings.api_token_secret.as_deref()),
        used_tokens: token::UsedTokens::default(),
        sessions: ws::session::Sessions::default(),
    })
}
