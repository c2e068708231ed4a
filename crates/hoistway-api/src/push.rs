//! Web Push for the caller's browsers: the server's VAPID public key (the
//! browser's `applicationServerKey`), and storing or removing the
//! subscription `pushManager.subscribe` gave the browser. Pushes then go
//! out from the delivery job (`hoistway-jobs/src/delivery.rs`) for the
//! events the user chose "push" for.
//!
//! A subscription belongs to the signed-in caller only; no role needs a
//! permission for it, as with notification preferences.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::Json;
use hoistway_app::state::AppState;
use hoistway_app::web_push::{check_subscription, origin, vapid_key};
use hoistway_store::push;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(public_key))
        .routes(routes!(subscribe, unsubscribe))
}

/// The server's VAPID public key.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct PublicKey {
    /// Uncompressed P-256 point, base64url: pass it to
    /// `pushManager.subscribe({ applicationServerKey })`.
    public_key: String,
}

#[utoipa::path(get, path = "/api/v1/push/public-key", tag = "notifications",
    responses((status = 200, body = PublicKey), (status = 401)))]
async fn public_key(State(s): State<AppState>, _caller: Caller) -> ApiResult<Json<PublicKey>> {
    let key = vapid_key(&s).await?;
    Ok(Json(PublicKey {
        public_key: key.public().to_string(),
    }))
}

/// The keys of a subscription.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct SubscriptionKeys {
    /// The browser's P-256 public key, base64url.
    p256dh: String,
    /// The browser's 16-byte auth secret, base64url.
    auth: String,
}

/// What `PushSubscription.toJSON()` gives.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct NewSubscription {
    /// The push service's URL for this browser (https).
    endpoint: String,
    /// When the push service will end the subscription (epoch ms), if it says.
    #[serde(rename = "expirationTime")]
    // Accepted since browsers send it, not kept: an ended subscription
    // shows as 404/410 at the next push and is removed then.
    #[allow(dead_code)]
    expiration_time: Option<f64>,
    keys: SubscriptionKeys,
}

/// A stored subscription, as its owner sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
struct StoredSubscription {
    id: i64,
    /// `scheme://host` of the push service.
    push_service: String,
    created_at: DateTime<Utc>,
}

#[utoipa::path(post, path = "/api/v1/me/push-subscriptions", tag = "notifications",
    request_body = NewSubscription,
    responses((status = 201, body = StoredSubscription, description = "stored; a browser subscribed by another user before now belongs to the caller"),
        (status = 400), (status = 401)))]
async fn subscribe(
    State(s): State<AppState>,
    caller: Caller,
    Json(body): Json<NewSubscription>,
) -> ApiResult<impl IntoResponse> {
    check_subscription(
        &s.settings.web_push,
        &body.endpoint,
        &body.keys.p256dh,
        &body.keys.auth,
    )?;
    let sub = push::subscribe(
        &s.db,
        caller.actor(&s),
        caller.user.id,
        caller.user.customer_id,
        &body.endpoint,
        body.keys.p256dh.trim_end_matches('='),
        body.keys.auth.trim_end_matches('='),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(StoredSubscription {
            id: sub.id,
            push_service: origin(&sub.endpoint).unwrap_or_default(),
            created_at: sub.created_at,
        }),
    ))
}

/// Which subscription to remove.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
struct Unsubscribe {
    endpoint: String,
}

#[utoipa::path(delete, path = "/api/v1/me/push-subscriptions", tag = "notifications",
    request_body = Unsubscribe,
    responses((status = 204, description = "removed"), (status = 400), (status = 401),
        (status = 404, description = "the caller has no subscription with this endpoint")))]
async fn unsubscribe(
    State(s): State<AppState>,
    caller: Caller,
    Json(body): Json<Unsubscribe>,
) -> ApiResult<StatusCode> {
    let removed = push::unsubscribe(
        &s.db,
        caller.actor(&s),
        caller.user.id,
        caller.user.customer_id,
        &body.endpoint,
    )
    .await?;
    if removed {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::NotFound("push subscription"))
    }
}
