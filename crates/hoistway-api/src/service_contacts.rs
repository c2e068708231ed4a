//! `/api/v1/service-contacts`: the per-country directory of local service
//! contacts (emergency and non-urgent numbers, e-mail, web, hours). Every
//! signed-in role but finance reads it; provider admins set a country's
//! row (`PUT`, which also adds a country the directory lacks).

use axum::extract::State;
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Path};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::service_contacts::{self, ServiceContact, ServiceContactInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(get, put))
}

/// Every country of the directory, by name.
#[utoipa::path(get, path = "/api/v1/service-contacts", tag = "service contacts",
    responses((status = 200, body = Vec<ServiceContact>), (status = 401), (status = 403)))]
async fn list(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<ServiceContact>>> {
    caller.require(Resource::ServiceContacts, Action::Read)?;
    Ok(Json(service_contacts::list(&s.db).await?))
}

/// One country's contacts (`country`: ISO 3166-1 alpha-2, e.g. `FI`).
#[utoipa::path(get, path = "/api/v1/service-contacts/{country}", tag = "service contacts",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-2")),
    responses((status = 200, body = ServiceContact), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(country): Path<String>,
) -> ApiResult<Json<ServiceContact>> {
    caller.require(Resource::ServiceContacts, Action::Read)?;
    Ok(Json(service_contacts::get(&s.db, &country).await?))
}

/// Sets a country's contacts (the whole row; an optional field left out
/// is cleared). Provider admins only.
#[utoipa::path(put, path = "/api/v1/service-contacts/{country}", tag = "service contacts",
    params(("country" = String, Path, description = "ISO 3166-1 alpha-2")),
    request_body = ServiceContactInput,
    responses((status = 200, body = ServiceContact), (status = 400), (status = 401), (status = 403)))]
async fn put(
    State(s): State<AppState>,
    caller: Caller,
    Path(country): Path<String>,
    Json(input): Json<ServiceContactInput>,
) -> ApiResult<Json<ServiceContact>> {
    caller.require(Resource::ServiceContacts, Action::Write)?;
    Ok(Json(
        service_contacts::put(&s.db, caller.actor(&s), &country, input).await?,
    ))
}
