//! Outgoing webhooks of a customer (issue #20): register endpoints (the
//! signing secret is in the creating answer only), change, disable or
//! delete them, send a `webhook.test` event, rotate the secret (the new
//! one shown once) and read the delivery log.
//!
//! Webhooks are an integration like API applications, so the role table's
//! `api_clients` row decides who manages them: customer admins for their
//! own customer, provider admins for any; every other role gets 403, and
//! another customer's endpoint is 404 (the scope).

use axum::extract::State;
use axum::http::StatusCode;
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_app::webhook_url;
use hoistway_domain::{Action, Invalid, Resource};
use hoistway_store::webhooks::log::{self, WebhookDelivery};
use hoistway_store::webhooks::{self, outbox, WebhookEndpoint, WebhookInput};
use hoistway_store::{ListFilter, Page};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update, delete))
        .routes(routes!(test))
        .routes(routes!(rotate_secret))
        .routes(routes!(deliveries))
}

/// The node's policy for endpoint URLs (https and public addresses unless
/// the node allows private ones), for the store's checks. The portal uses
/// it too.
pub fn url_policy(s: &AppState) -> impl Fn(&str) -> Result<String, Invalid> + Send + Sync + '_ {
    move |url| webhook_url::check(url, &s.settings.webhooks)
}

/// An endpoint with its signing secret: the only answers that hold it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: WebhookEndpoint,
    /// `whsec_` + base64 of the key. Verify `webhook-signature` with it
    /// (Standard Webhooks); it is not shown again.
    pub secret: String,
}

/// A test event queued for delivery.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TestQueued {
    /// Its entry in the delivery log.
    pub delivery_id: i64,
}

/// Paging of the delivery log.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<i64>,
}

/// Webhook endpoints, oldest first. Filter: `customer_id`.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks", params(ListFilter),
    responses((status = 200, body = Page<WebhookEndpoint>), (status = 400), (status = 401), (status = 403)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<ListFilter>,
) -> ApiResult<Json<Page<WebhookEndpoint>>> {
    caller.require(Resource::ApiClients, Action::Read)?;
    Ok(Json(webhooks::list(&s.db, &caller.scope, &f).await?))
}

/// Registers an endpoint. The signing secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks",
    request_body = WebhookInput,
    responses((status = 201, body = WebhookWithSecret), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<WebhookInput>,
) -> ApiResult<(StatusCode, Json<WebhookWithSecret>)> {
    caller.require(Resource::ApiClients, Action::Write)?;
    let (webhook, secret) = webhooks::create(
        &s.db,
        &caller.scope,
        caller.actor(&s),
        input,
        &url_policy(&s),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(WebhookWithSecret { webhook, secret }),
    ))
}

/// One endpoint (without its secret).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = WebhookEndpoint), (status = 401), (status = 403), (status = 404)))]
async fn get_one(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<WebhookEndpoint>> {
    caller.require(Resource::ApiClients, Action::Read)?;
    Ok(Json(webhooks::get(&s.db, &caller.scope, id).await?))
}

/// Changes the fields sent (URL, events, description, `enabled`); the
/// result must pass the rules of a create.
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)),
    request_body = WebhookInput,
    responses((status = 200, body = WebhookEndpoint), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(changes): Json<serde_json::Value>,
) -> ApiResult<Json<WebhookEndpoint>> {
    caller.require(Resource::ApiClients, Action::Write)?;
    Ok(Json(
        webhooks::update(
            &s.db,
            &caller.scope,
            caller.actor(&s),
            id,
            changes,
            &url_policy(&s),
        )
        .await?,
    ))
}

/// Deletes an endpoint with its queued deliveries and log.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 204, description = "deleted"), (status = 401), (status = 403), (status = 404)))]
async fn delete(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    caller.require(Resource::ApiClients, Action::Write)?;
    webhooks::delete(&s.db, &caller.scope, caller.actor(&s), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Queues a `webhook.test` event for the endpoint (sent within seconds;
/// its outcome is in the delivery log). 409 if the endpoint is disabled.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/test", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 202, body = TestQueued), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn test(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<(StatusCode, Json<TestQueued>)> {
    caller.require(Resource::ApiClients, Action::Write)?;
    let delivery_id = outbox::enqueue_test(&s.db, &caller.scope, caller.actor(&s), id).await?;
    Ok((StatusCode::ACCEPTED, Json(TestQueued { delivery_id })))
}

/// Replaces the signing secret; the new one is in this answer only. The
/// old one stops at once (deliveries still queued are signed with the new).
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/rotate-secret", tag = "webhooks", params(("id" = i64, Path)),
    responses((status = 200, body = WebhookWithSecret), (status = 401), (status = 403), (status = 404)))]
async fn rotate_secret(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<WebhookWithSecret>> {
    caller.require(Resource::ApiClients, Action::Write)?;
    let (webhook, secret) =
        webhooks::rotate_secret(&s.db, &caller.scope, caller.actor(&s), id).await?;
    Ok(Json(WebhookWithSecret { webhook, secret }))
}

/// The endpoint's delivery log, newest first: each delivery's state, its
/// attempts (status code, error) and the next retry.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = i64, Path), LogQuery),
    responses((status = 200, body = Page<WebhookDelivery>), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn deliveries(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<LogQuery>,
) -> ApiResult<Json<Page<WebhookDelivery>>> {
    caller.require(Resource::ApiClients, Action::Read)?;
    let f = ListFilter {
        cursor: q.cursor,
        limit: q.limit,
        ..Default::default()
    };
    Ok(Json(log::deliveries(&s.db, &caller.scope, id, &f).await?))
}
