//! Create, read, update and list for the fleet registry: customers,
//! buildings, portfolios, units and contracts. They share one shape, so
//! one macro writes their handlers; the rules live in the store and domain.

use axum::extract::State;
use axum::http::StatusCode;
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::ListFilter;
use utoipa_axum::router::OpenApiRouter;

macro_rules! registry_api {
    ($module:ident, $store:ident, $resource:expr, $record:ty, $input:ty, $collection:literal, $item:literal, $tag:literal) => {
        pub mod $module {
            use super::*;
            use hoistway_store::$store;
            use hoistway_store::Page;
            use utoipa_axum::routes;

            pub fn router() -> OpenApiRouter<AppState> {
                OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(get, update))
            }

            #[utoipa::path(get, path = $collection, tag = $tag, params(ListFilter),
                responses((status = 200, body = Page<$record>), (status = 400), (status = 401), (status = 403)))]
            async fn list(State(s): State<AppState>, caller: Caller, Query(f): Query<ListFilter>) -> ApiResult<Json<Page<$record>>> {
                caller.require($resource, Action::Read)?;
                Ok(Json($store::list(&s.db, &caller.scope, &f).await?))
            }

            #[utoipa::path(post, path = $collection, tag = $tag, request_body = $input,
                responses((status = 201, body = $record), (status = 400), (status = 401), (status = 403), (status = 409)))]
            async fn create(State(s): State<AppState>, caller: Caller, Json(input): Json<$input>) -> ApiResult<(StatusCode, Json<$record>)> {
                caller.require($resource, Action::Write)?;
                let created = $store::create(&s.db, &caller.scope, caller.actor(&s), input).await?;
                Ok((StatusCode::CREATED, Json(created)))
            }

            #[utoipa::path(get, path = $item, tag = $tag, params(("id" = i64, Path)),
                responses((status = 200, body = $record), (status = 401), (status = 403), (status = 404)))]
            async fn get(State(s): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Json<$record>> {
                caller.require($resource, Action::Read)?;
                Ok(Json($store::get(&s.db, &caller.scope, id).await?))
            }

            /// Changes the fields sent; the result must pass the same rules as a create.
            #[utoipa::path(patch, path = $item, tag = $tag, params(("id" = i64, Path)), request_body = $input,
                responses((status = 200, body = $record), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409)))]
            async fn update(
                State(s): State<AppState>,
                caller: Caller,
                Path(id): Path<i64>,
                Json(changes): Json<serde_json::Value>,
            ) -> ApiResult<Json<$record>> {
                caller.require($resource, Action::Write)?;
                Ok(Json($store::update(&s.db, &caller.scope, caller.actor(&s), id, changes).await?))
            }
        }
    };
}

registry_api!(
    customers_api,
    customers,
    Resource::Customers,
    customers::Customer,
    customers::CustomerInput,
    "/api/v1/customers",
    "/api/v1/customers/{id}",
    "customers"
);
registry_api!(
    buildings_api,
    buildings,
    Resource::Buildings,
    buildings::Building,
    buildings::BuildingInput,
    "/api/v1/buildings",
    "/api/v1/buildings/{id}",
    "buildings"
);
registry_api!(
    portfolios_api,
    portfolios,
    Resource::Portfolios,
    portfolios::Portfolio,
    portfolios::PortfolioInput,
    "/api/v1/portfolios",
    "/api/v1/portfolios/{id}",
    "portfolios"
);
registry_api!(
    units_api,
    units,
    Resource::Units,
    units::Unit,
    units::UnitInput,
    "/api/v1/units",
    "/api/v1/units/{id}",
    "units"
);
registry_api!(
    contracts_api,
    contracts,
    Resource::Contracts,
    contracts::Contract,
    contracts::ContractInput,
    "/api/v1/contracts",
    "/api/v1/contracts/{id}",
    "contracts"
);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(customers_api::router())
        .merge(buildings_api::router())
        .merge(portfolios_api::router())
        .merge(units_api::router())
        .merge(contracts_api::router())
}
