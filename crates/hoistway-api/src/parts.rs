//! `/api/v1/parts`: the parts catalogue and stock per depot (issue #21).
//! Provider staff read it (the care center picks a part when it puts a
//! case on hold; technicians look up what a depot holds); provider admins
//! add and change parts and set stock. Customers do not read it: they see
//! the expected date of the part their case waits for on the case.

use axum::extract::State;
use axum::http::StatusCode;
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::parts::{self, Part, PartFilter, PartInput};
use hoistway_store::Page;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
        .routes(routes!(set_stock))
}

/// The catalogue, filtered by text, unit kind, critical flag or category.
#[utoipa::path(get, path = "/api/v1/parts", tag = "parts", params(PartFilter),
    responses((status = 200, body = Page<Part>), (status = 400), (status = 401), (status = 403)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<PartFilter>,
) -> ApiResult<Json<Page<Part>>> {
    caller.require(Resource::Parts, Action::Read)?;
    Ok(Json(parts::list(&s.db, &f).await?))
}

/// Adds a part (provider admins).
#[utoipa::path(post, path = "/api/v1/parts", tag = "parts", request_body = PartInput,
    responses((status = 201, body = Part), (status = 400), (status = 401), (status = 403),
        (status = 409, description = "the part number is already in the catalogue")))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<PartInput>,
) -> ApiResult<(StatusCode, Json<Part>)> {
    caller.require(Resource::Parts, Action::Write)?;
    let part = parts::create(&s.db, caller.actor(&s), input).await?;
    Ok((StatusCode::CREATED, Json(part)))
}

#[utoipa::path(get, path = "/api/v1/parts/{id}", tag = "parts", params(("id" = i64, Path)),
    responses((status = 200, body = Part), (status = 401), (status = 403), (status = 404)))]
async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Part>> {
    caller.require(Resource::Parts, Action::Read)?;
    Ok(Json(parts::get(&s.db, id).await?))
}

/// Changes the fields sent (provider admins); the result must pass the
/// rules of a create.
#[utoipa::path(patch, path = "/api/v1/parts/{id}", tag = "parts", params(("id" = i64, Path)),
    request_body = PartInput,
    responses((status = 200, body = Part), (status = 400), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "the part number is already in the catalogue")))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(changes): Json<serde_json::Value>,
) -> ApiResult<Json<Part>> {
    caller.require(Resource::Parts, Action::Write)?;
    Ok(Json(
        parts::update(&s.db, caller.actor(&s), id, changes).await?,
    ))
}

/// The quantity on hand in one depot.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StockInput {
    /// 0 to 1,000,000 (0 keeps the depot listed as out of stock).
    pub quantity: i64,
}

/// Sets a part's stock in a depot (provider admins); a depot not yet
/// listed for the part is added.
#[utoipa::path(put, path = "/api/v1/parts/{id}/stock/{depot}", tag = "parts",
    params(("id" = i64, Path), ("depot" = String, Path, description = "the depot's name")),
    request_body = StockInput,
    responses((status = 200, body = Part), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn set_stock(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, depot)): Path<(i64, String)>,
    Json(input): Json<StockInput>,
) -> ApiResult<Json<Part>> {
    caller.require(Resource::Parts, Action::Write)?;
    Ok(Json(
        parts::set_stock(&s.db, caller.actor(&s), id, &depot, input.quantity).await?,
    ))
}
