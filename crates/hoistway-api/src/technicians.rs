//! Technician profiles (territory, skills, weekly capacity) and buildings'
//! maintenance windows: the inputs of visit scheduling that people set.

use super::maintenance::require_provider_admin;
use axum::extract::State;
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Path};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::maintenance::sites::{self, MaintenanceWindow, WindowInput};
use hoistway_store::maintenance::technicians::{self, ProfileInput, TechnicianProfile};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(get_profile, set_profile))
        .routes(routes!(get_window, set_window))
}

fn provider_side(caller: &Caller) -> ApiResult<()> {
    caller.require(Resource::Maintenance, Action::Read)?;
    if caller.user.role.is_provider_side() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "technician profiles are the service company's".into(),
        ))
    }
}

#[utoipa::path(get, path = "/api/v1/technicians", tag = "maintenance",
    responses((status = 200, body = Vec<TechnicianProfile>), (status = 401), (status = 403)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<TechnicianProfile>>> {
    provider_side(&caller)?;
    Ok(Json(technicians::list(&s.db).await?))
}

#[utoipa::path(get, path = "/api/v1/technicians/{user_id}/profile", tag = "maintenance",
    params(("user_id" = i64, Path)),
    responses((status = 200, body = TechnicianProfile), (status = 401), (status = 403), (status = 404)))]
async fn get_profile(
    State(s): State<AppState>,
    caller: Caller,
    Path(user_id): Path<i64>,
) -> ApiResult<Json<TechnicianProfile>> {
    provider_side(&caller)?;
    Ok(Json(technicians::get(&s.db, user_id).await?))
}

/// Sets where a technician works and on what; every plan is rescheduled.
#[utoipa::path(put, path = "/api/v1/technicians/{user_id}/profile", tag = "maintenance",
    params(("user_id" = i64, Path)), request_body = ProfileInput,
    responses((status = 200, body = TechnicianProfile), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn set_profile(
    State(s): State<AppState>,
    caller: Caller,
    Path(user_id): Path<i64>,
    Json(input): Json<ProfileInput>,
) -> ApiResult<Json<TechnicianProfile>> {
    require_provider_admin(&caller)?;
    Ok(Json(
        technicians::set(&s.db, caller.actor(&s), user_id, input).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/buildings/{id}/maintenance-window", tag = "maintenance",
    params(("id" = i64, Path)),
    responses((status = 200, body = MaintenanceWindow), (status = 401), (status = 403), (status = 404)))]
async fn get_window(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<MaintenanceWindow>> {
    caller.require(Resource::Maintenance, Action::Read)?;
    Ok(Json(sites::get(&s.db, &caller.scope, id).await?))
}

/// Sets the days, hours, blackout dates and region maintenance may use in a
/// building; its units are rescheduled at once.
#[utoipa::path(put, path = "/api/v1/buildings/{id}/maintenance-window", tag = "maintenance",
    params(("id" = i64, Path)), request_body = WindowInput,
    responses((status = 200, body = MaintenanceWindow), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn set_window(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<WindowInput>,
) -> ApiResult<Json<MaintenanceWindow>> {
    caller.require(Resource::Maintenance, Action::Write)?;
    // Maintenance windows decide where every technician's visits fall:
    // planning work of the care center, not of one technician (issue #18).
    if caller.user.role == hoistway_domain::Role::Technician {
        return Err(hoistway_app::error::AppError::Forbidden(
            "a technician may not change a building's maintenance window".into(),
        ));
    }
    Ok(Json(
        sites::set(&s.db, &caller.scope, caller.actor(&s), id, input).await?,
    ))
}
