//! `/api/v1/root-causes`: root-cause analyses with their corrective action
//! plans (issue #21). The provider admin, operators and duty managers open
//! and edit them and plan, change and complete actions; every role that
//! reads cases reads the analyses of the units it can see (customers only
//! their own units': another customer's analysis is a 404).

use axum::extract::State;
use axum::http::StatusCode;
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource, Role};
use hoistway_store::root_causes::{
    self, ActionInput, CompleteInput, RootCause, RootCauseFields, RootCauseInput,
};
use hoistway_store::{ListFilter, Page};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
        .routes(routes!(add_action))
        .routes(routes!(update_action))
        .routes(routes!(complete_action))
}

/// Refuses callers who are not the provider's care center.
pub fn require_provider(caller: &Caller) -> ApiResult<()> {
    if matches!(
        caller.user.role,
        Role::ProviderAdmin | Role::Operator | Role::DutyManager
    ) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "root-cause analyses are opened and edited by the provider's care center".into(),
        ))
    }
}

#[utoipa::path(get, path = "/api/v1/root-causes", tag = "root-causes", params(ListFilter),
    responses((status = 200, body = Page<RootCause>), (status = 400), (status = 401), (status = 403)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<ListFilter>,
) -> ApiResult<Json<Page<RootCause>>> {
    caller.require(Resource::Cases, Action::Read)?;
    Ok(Json(root_causes::list(&s.db, &caller.scope, &f).await?))
}

/// Opens an analysis on a unit (the provider).
#[utoipa::path(post, path = "/api/v1/root-causes", tag = "root-causes", request_body = RootCauseInput,
    responses((status = 201, body = RootCause), (status = 400), (status = 401), (status = 403)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<RootCauseInput>,
) -> ApiResult<(StatusCode, Json<RootCause>)> {
    Ok((StatusCode::CREATED, Json(open(&s, &caller, input).await?)))
}

/// Opens an analysis as `caller` (the API and the desk).
pub async fn open(s: &AppState, caller: &Caller, input: RootCauseInput) -> ApiResult<RootCause> {
    require_provider(caller)?;
    Ok(root_causes::open(&s.db, caller.actor(s), input).await?)
}

#[utoipa::path(get, path = "/api/v1/root-causes/{id}", tag = "root-causes", params(("id" = i64, Path)),
    responses((status = 200, body = RootCause), (status = 401), (status = 403), (status = 404)))]
async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<RootCause>> {
    caller.require(Resource::Cases, Action::Read)?;
    Ok(Json(root_causes::get(&s.db, &caller.scope, id).await?))
}

/// Changes summary, findings, linked cases or moves the status forward
/// (`open → in_progress → closed`).
#[utoipa::path(patch, path = "/api/v1/root-causes/{id}", tag = "root-causes", params(("id" = i64, Path)), request_body = RootCauseFields,
    responses((status = 200, body = RootCause), (status = 400), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "the analysis is closed")))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(changes): Json<serde_json::Value>,
) -> ApiResult<Json<RootCause>> {
    require_provider(&caller)?;
    Ok(Json(
        root_causes::update(&s.db, caller.actor(&s), id, changes).await?,
    ))
}

/// Adds a corrective action (an open analysis moves to in progress).
#[utoipa::path(post, path = "/api/v1/root-causes/{id}/actions", tag = "root-causes", params(("id" = i64, Path)), request_body = ActionInput,
    responses((status = 201, body = RootCause), (status = 400), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "the analysis is closed")))]
async fn add_action(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<ActionInput>,
) -> ApiResult<(StatusCode, Json<RootCause>)> {
    require_provider(&caller)?;
    Ok((
        StatusCode::CREATED,
        Json(root_causes::add_action(&s.db, caller.actor(&s), id, input).await?),
    ))
}

/// Changes a planned action.
#[utoipa::path(patch, path = "/api/v1/root-causes/{id}/actions/{action_id}", tag = "root-causes",
    params(("id" = i64, Path), ("action_id" = i64, Path)), request_body = ActionInput,
    responses((status = 200, body = RootCause), (status = 400), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "the analysis is closed or the action done")))]
async fn update_action(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, action_id)): Path<(i64, i64)>,
    Json(changes): Json<serde_json::Value>,
) -> ApiResult<Json<RootCause>> {
    require_provider(&caller)?;
    Ok(Json(
        root_causes::update_action(&s.db, caller.actor(&s), id, action_id, changes).await?,
    ))
}

/// Marks an action done (the customer is told).
#[utoipa::path(post, path = "/api/v1/root-causes/{id}/actions/{action_id}/complete", tag = "root-causes",
    params(("id" = i64, Path), ("action_id" = i64, Path)), request_body = CompleteInput,
    responses((status = 200, body = RootCause), (status = 400), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "the analysis is closed or the action already done")))]
async fn complete_action(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, action_id)): Path<(i64, i64)>,
    Json(input): Json<CompleteInput>,
) -> ApiResult<Json<RootCause>> {
    require_provider(&caller)?;
    Ok(Json(
        root_causes::complete_action(&s.db, caller.actor(&s), id, action_id, input).await?,
    ))
}
