//! `/api/v1/access-grants`: resident access to buildings and areas, given
//! along the invitation chain (customer admin → facility users →
//! residents) and revoked with everything passed on from it. `GET
//! /api/v1/me/access` shows a user their own active grants.

use axum::extract::State;
use axum::http::StatusCode;
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::grants::{self, Grant, GrantFilter, GrantInput};
use hoistway_store::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, revoke))
        .routes(routes!(mine))
}

#[utoipa::path(get, path = "/api/v1/access-grants", tag = "remote call", params(GrantFilter),
    responses((status = 200, body = Page<Grant>), (status = 400), (status = 401), (status = 403)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<GrantFilter>,
) -> ApiResult<Json<Page<Grant>>> {
    caller.require(Resource::Access, Action::Read)?;
    Ok(Json(grants::list(&s.db, &caller.scope, &f).await?))
}

/// Gives a user access to a building (all areas, or `area_ids`). Admins
/// give it to facility users and residents; facility users pass their own
/// access on to residents, within their own areas.
#[utoipa::path(post, path = "/api/v1/access-grants", tag = "remote call", request_body = GrantInput,
    responses((status = 201, body = Grant), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<GrantInput>,
) -> ApiResult<(StatusCode, Json<Grant>)> {
    caller.require(Resource::Access, Action::Write)?;
    let granter = (caller.user.id, caller.user.role);
    let g = grants::create(&s.db, &caller.scope, caller.actor(&s), granter, input).await?;
    Ok((StatusCode::CREATED, Json(g)))
}

#[utoipa::path(get, path = "/api/v1/access-grants/{id}", tag = "remote call", params(("id" = i64, Path)),
    responses((status = 200, body = Grant), (status = 401), (status = 403), (status = 404)))]
async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Grant>> {
    caller.require(Resource::Access, Action::Read)?;
    Ok(Json(grants::get(&s.db, &caller.scope, id).await?))
}

/// Revokes a grant and every grant passed on from it. Admins revoke any
/// grant of their customer; facility users those they gave (or that
/// descend from those).
#[utoipa::path(delete, path = "/api/v1/access-grants/{id}", tag = "remote call", params(("id" = i64, Path)),
    responses((status = 200, body = Grant), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn revoke(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Grant>> {
    caller.require(Resource::Access, Action::Write)?;
    grants::get(&s.db, &caller.scope, id).await?;
    if !grants::grants_as_root(caller.user.role)
        && !grants::given_under(&s.db, id, caller.user.id).await?
    {
        return Err(AppError::Forbidden(
            "you may only revoke access you gave, or that was passed on from it".into(),
        ));
    }
    Ok(Json(
        grants::revoke(&s.db, &caller.scope, caller.actor(&s), id).await?,
    ))
}

/// The signed-in user's own active grants: where they may call lifts.
#[utoipa::path(get, path = "/api/v1/me/access", tag = "remote call",
    responses((status = 200, body = Page<Grant>), (status = 401)))]
async fn mine(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Page<Grant>>> {
    let f = GrantFilter {
        user_id: Some(caller.user.id),
        active: Some(true),
        limit: Some(500),
        ..Default::default()
    };
    Ok(Json(grants::list(&s.db, &caller.scope, &f).await?))
}
