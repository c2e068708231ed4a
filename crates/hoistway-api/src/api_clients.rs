//! API applications of the KONE-compatible API: create (secret shown once),
//! list, revoke. Provider admins manage any customer's; a customer admin
//! only their own customer's (the scope makes others "not found").

use axum::extract::State;
use axum::http::StatusCode;
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::api_clients::{self, ApiClient};
use hoistway_store::{ListFilter, Page};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(revoke))
}

/// What a client sends to create an application.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiClientInput {
    pub customer_id: i64,
    pub name: String,
}

/// A new application with its secret: the only time the secret is shown.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedApiClient {
    #[serde(flatten)]
    pub client: ApiClient,
    /// Send `client_id:client_secret` as HTTP Basic to `POST /api/v2/oauth2/token`.
    pub client_secret: String,
}

/// API applications, oldest first. Filter: `customer_id`.
#[utoipa::path(get, path = "/api/v1/api-clients", tag = "api-clients", params(ListFilter),
    responses((status = 200, body = Page<ApiClient>), (status = 400), (status = 401), (status = 403)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<ListFilter>,
) -> ApiResult<Json<Page<ApiClient>>> {
    caller.require(Resource::ApiClients, Action::Read)?;
    Ok(Json(api_clients::list(&s.db, &caller.scope, &f).await?))
}

/// Creates an application for a customer. The secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/api-clients", tag = "api-clients",
    request_body = ApiClientInput,
    responses((status = 201, body = CreatedApiClient), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<ApiClientInput>,
) -> ApiResult<(StatusCode, Json<CreatedApiClient>)> {
    caller.require(Resource::ApiClients, Action::Write)?;
    let (client, client_secret) = api_clients::create(
        &s.db,
        &caller.scope,
        caller.actor(&s),
        input.customer_id,
        &input.name,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiClient {
            client,
            client_secret,
        }),
    ))
}

/// Revokes an application: its secret and its access tokens stop working.
#[utoipa::path(delete, path = "/api/v1/api-clients/{id}", tag = "api-clients", params(("id" = i64, Path)),
    responses((status = 200, body = ApiClient), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn revoke(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<ApiClient>> {
    caller.require(Resource::ApiClients, Action::Write)?;
    Ok(Json(
        api_clients::revoke(&s.db, &caller.scope, caller.actor(&s), id).await?,
    ))
}
