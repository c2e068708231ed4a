//! `/api/v1/buildings/{id}/topology`: the building's lift groups, lifts,
//! decks, floors and areas. Everyone who may read the building may read its
//! topology (residents only where they hold a grant); only provider admins
//! set it, because it describes the installed equipment.

use axum::extract::State;
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Path};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::topology::{self, Topology, TopologyInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get, put))
}

#[utoipa::path(get, path = "/api/v1/buildings/{id}/topology", tag = "remote call",
    params(("id" = i64, Path, description = "building id")),
    responses((status = 200, body = Topology), (status = 401), (status = 403), (status = 404)))]
async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Topology>> {
    caller.require(Resource::Topology, Action::Read)?;
    hoistway_remote::access::require_building(&s, &caller, id).await?;
    Ok(Json(topology::get(&s.db, &caller.scope, id).await?))
}

/// Sets the topology, replacing any earlier one. It is validated by building
/// the twin's model of it; calls in progress in the building are cancelled.
#[utoipa::path(put, path = "/api/v1/buildings/{id}/topology", tag = "remote call",
    params(("id" = i64, Path, description = "building id")), request_body = TopologyInput,
    responses((status = 200, body = Topology), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn put(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<TopologyInput>,
) -> ApiResult<Json<Topology>> {
    caller.require(Resource::Topology, Action::Write)?;
    let t = topology::put(&s.db, &caller.scope, caller.actor(&s), id, input).await?;
    hoistway_remote::calls_of(&s).topology_changed(id).await;
    Ok(Json(t))
}
