//! `/api/v1/plans`, `/api/v1/visits` and `/api/v1/maintenance/defaults`:
//! maintenance plans per unit, the visits planned from them (list with
//! filters, one, reschedule) and the defaults table new plans start from.

use axum::extract::State;
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource, Role};
use hoistway_maintenance::plan::DefaultInterval;
use hoistway_store::maintenance::defaults;
use hoistway_store::maintenance::plans::{self, Plan, PlanPatch};
use hoistway_store::maintenance::visits::{self, Visit, VisitFilter, VisitPatch};
use hoistway_store::{ListFilter, Page};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_plans))
        .routes(routes!(get_plan, update_plan))
        .routes(routes!(list_visits))
        .routes(routes!(get_visit, update_visit))
        .routes(routes!(get_defaults, set_defaults))
}

#[utoipa::path(get, path = "/api/v1/plans", tag = "maintenance", params(ListFilter),
    responses((status = 200, body = Page<Plan>), (status = 400), (status = 401), (status = 403)))]
async fn list_plans(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<ListFilter>,
) -> ApiResult<Json<Page<Plan>>> {
    caller.require(Resource::Maintenance, Action::Read)?;
    Ok(Json(plans::list(&s.db, &caller.scope, &f).await?))
}

#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "maintenance", params(("id" = i64, Path)),
    responses((status = 200, body = Plan), (status = 401), (status = 403), (status = 404)))]
async fn get_plan(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Plan>> {
    caller.require(Resource::Maintenance, Action::Read)?;
    Ok(Json(plans::get(&s.db, &caller.scope, id).await?))
}

/// Changes a plan's intervals (or switches it off); the plan becomes custom
/// and its unit is rescheduled at once.
#[utoipa::path(patch, path = "/api/v1/plans/{id}", tag = "maintenance", params(("id" = i64, Path)),
    request_body = PlanPatch,
    responses((status = 200, body = Plan), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn update_plan(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(changes): Json<serde_json::Value>,
) -> ApiResult<Json<Plan>> {
    caller.require(Resource::Plans, Action::Write)?;
    Ok(Json(
        plans::update(&s.db, &caller.scope, caller.actor(&s), id, changes).await?,
    ))
}

/// Visits in calendar order. Filters: `q` (address, building, equipment
/// number), `building_id`, `contract_id`, `unit_id`, `technician_id`,
/// `portfolio_id`, `kind`, `status`, and the period `from`/`to`.
#[utoipa::path(get, path = "/api/v1/visits", tag = "maintenance", params(VisitFilter),
    responses((status = 200, body = Page<Visit>), (status = 400), (status = 401), (status = 403)))]
async fn list_visits(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<VisitFilter>,
) -> ApiResult<Json<Page<Visit>>> {
    caller.require(Resource::Maintenance, Action::Read)?;
    Ok(Json(visits::list(&s.db, &caller.scope, &f).await?))
}

#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "maintenance", params(("id" = i64, Path)),
    responses((status = 200, body = Visit), (status = 401), (status = 403), (status = 404)))]
async fn get_visit(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Visit>> {
    caller.require(Resource::Maintenance, Action::Read)?;
    Ok(Json(visits::get(&s.db, &caller.scope, id).await?))
}

/// Reschedules (`planned_for`, which pins the visit), reassigns
/// (`technician_id`), annotates (`notes`) or cancels (`status: cancelled`).
#[utoipa::path(patch, path = "/api/v1/visits/{id}", tag = "maintenance", params(("id" = i64, Path)),
    request_body = VisitPatch,
    responses((status = 200, body = Visit), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn update_visit(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(changes): Json<serde_json::Value>,
) -> ApiResult<Json<Visit>> {
    caller.require(Resource::Maintenance, Action::Write)?;
    technician_may_patch(&s, &caller, id, &changes).await?;
    Ok(Json(
        visits::update(&s.db, &caller.scope, caller.actor(&s), id, changes).await?,
    ))
}

/// A technician annotates their own visits (`notes`); rescheduling,
/// reassigning and cancelling are dispatch work of the care center, so a
/// technician cannot take someone else's visit or cancel one (issue #18).
async fn technician_may_patch(
    s: &AppState,
    caller: &Caller,
    id: i64,
    changes: &serde_json::Value,
) -> ApiResult<()> {
    if caller.user.role != Role::Technician {
        return Ok(());
    }
    let visit = visits::get(&s.db, &caller.scope, id).await?;
    if visit.technician_id != Some(caller.user.id) {
        return Err(AppError::Forbidden(
            "this visit is not assigned to you".into(),
        ));
    }
    if let Some(field) = changes
        .as_object()
        .and_then(|o| o.keys().find(|k| k.as_str() != "notes"))
    {
        return Err(AppError::Forbidden(format!(
            "a technician may only change notes of a visit, not {field}; the care center dispatches"
        )));
    }
    Ok(())
}

/// The intervals new plans get, per contract tier × unit kind.
#[utoipa::path(get, path = "/api/v1/maintenance/defaults", tag = "maintenance",
    responses((status = 200, body = Vec<DefaultInterval>), (status = 401), (status = 403)))]
async fn get_defaults(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<DefaultInterval>>> {
    caller.require(Resource::Maintenance, Action::Read)?;
    Ok(Json(defaults::get(&s.db).await?.entries))
}

/// Overrides rows of the defaults table (provider admins only).
#[utoipa::path(put, path = "/api/v1/maintenance/defaults", tag = "maintenance",
    request_body = Vec<DefaultInterval>,
    responses((status = 200, body = Vec<DefaultInterval>), (status = 400), (status = 401), (status = 403)))]
async fn set_defaults(
    State(s): State<AppState>,
    caller: Caller,
    Json(rows): Json<Vec<DefaultInterval>>,
) -> ApiResult<Json<Vec<DefaultInterval>>> {
    require_provider_admin(&caller)?;
    Ok(Json(
        defaults::set(&s.db, caller.actor(&s), rows).await?.entries,
    ))
}

/// Refuses anyone but a provider admin (for provider-wide settings).
pub fn require_provider_admin(caller: &Caller) -> ApiResult<()> {
    if caller.user.role == Role::ProviderAdmin {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "only a provider_admin may change this, not a {}",
            caller.user.role
        )))
    }
}
