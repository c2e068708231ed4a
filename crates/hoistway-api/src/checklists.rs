//! `/api/v1/checklist-templates`: the checklist of each unit kind. Anyone
//! who reads maintenance reads them; only provider admins change them.

use super::maintenance::require_provider_admin;
use axum::extract::State;
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Path};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_maintenance::checklist::ChecklistItem;
use hoistway_store::maintenance::checklists::{self, ChecklistTemplate};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(get, put, reset))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateInput {
    pub items: Vec<ChecklistItem>,
}

#[utoipa::path(get, path = "/api/v1/checklist-templates", tag = "maintenance",
    responses((status = 200, body = Vec<ChecklistTemplate>), (status = 401), (status = 403)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<ChecklistTemplate>>> {
    caller.require(Resource::Maintenance, Action::Read)?;
    Ok(Json(checklists::list(&s.db).await?))
}

#[utoipa::path(get, path = "/api/v1/checklist-templates/{kind}", tag = "maintenance",
    params(("kind" = String, Path, description = "elevator, escalator or door")),
    responses((status = 200, body = ChecklistTemplate), (status = 400), (status = 401), (status = 403)))]
async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(kind): Path<String>,
) -> ApiResult<Json<ChecklistTemplate>> {
    caller.require(Resource::Maintenance, Action::Read)?;
    Ok(Json(checklists::get(&s.db, &kind).await?))
}

/// Replaces the checklist of a unit kind (visits already started keep theirs).
#[utoipa::path(put, path = "/api/v1/checklist-templates/{kind}", tag = "maintenance",
    params(("kind" = String, Path)), request_body = TemplateInput,
    responses((status = 200, body = ChecklistTemplate), (status = 400), (status = 401), (status = 403)))]
async fn put(
    State(s): State<AppState>,
    caller: Caller,
    Path(kind): Path<String>,
    Json(input): Json<TemplateInput>,
) -> ApiResult<Json<ChecklistTemplate>> {
    require_provider_admin(&caller)?;
    Ok(Json(
        checklists::put(&s.db, caller.actor(&s), &kind, input.items).await?,
    ))
}

/// Goes back to the built-in checklist of the kind.
#[utoipa::path(delete, path = "/api/v1/checklist-templates/{kind}", tag = "maintenance",
    params(("kind" = String, Path)),
    responses((status = 200, body = ChecklistTemplate), (status = 400), (status = 401), (status = 403)))]
async fn reset(
    State(s): State<AppState>,
    caller: Caller,
    Path(kind): Path<String>,
) -> ApiResult<Json<ChecklistTemplate>> {
    require_provider_admin(&caller)?;
    Ok(Json(
        checklists::reset(&s.db, caller.actor(&s), &kind).await?,
    ))
}
