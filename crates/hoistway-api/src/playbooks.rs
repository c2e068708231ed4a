//! `/api/v1/buildings/{id}/playbook`: a building's on-site playbook (the
//! local emergency number from the directory, its units, escalation
//! contacts, access instructions, the review date). Customer admins and
//! property managers edit it and mark it reviewed; the rest of the
//! building's people read it. Another tenant's building is a 404.

use axum::extract::State;
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Path};
use hoistway_app::state::AppState;
use hoistway_domain::text::TimeZoneName;
use hoistway_domain::{Action, Resource};
use hoistway_store::buildings;
use hoistway_store::playbooks::{self, Playbook, PlaybookInput};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get, put))
        .routes(routes!(review))
}

/// "Today" in the building's own calendar: a review done late in the
/// evening counts for that day where the building is.
async fn building_today(s: &AppState, caller: &Caller, id: i64) -> ApiResult<chrono::NaiveDate> {
    let b = buildings::get(&s.db, &caller.scope, id).await?;
    Ok(match TimeZoneName::parse(&b.timezone) {
        Ok(zone) => s.clock.now().with_timezone(&zone.tz()).date_naive(),
        Err(_) => s.clock.now().date_naive(),
    })
}

#[utoipa::path(get, path = "/api/v1/buildings/{id}/playbook", tag = "service contacts",
    params(("id" = i64, Path)),
    responses((status = 200, body = Playbook), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Playbook>> {
    caller.require(Resource::Playbooks, Action::Read)?;
    let today = building_today(&s, &caller, id).await?;
    Ok(Json(playbooks::get(&s.db, &caller.scope, id, today).await?))
}

/// Changes access instructions, escalation contacts or the review
/// interval (6 to 12 months); a field left out keeps its value.
#[utoipa::path(put, path = "/api/v1/buildings/{id}/playbook", tag = "service contacts",
    params(("id" = i64, Path)), request_body = PlaybookInput,
    responses((status = 200, body = Playbook), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn put(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<PlaybookInput>,
) -> ApiResult<Json<Playbook>> {
    caller.require(Resource::Playbooks, Action::Write)?;
    Ok(Json(
        playbooks::update(&s.db, &caller.scope, caller.actor(&s), id, input).await?,
    ))
}

/// Records that the playbook was gone through with the building's staff
/// today; the next review is one interval from today.
#[utoipa::path(post, path = "/api/v1/buildings/{id}/playbook/review", tag = "service contacts",
    params(("id" = i64, Path)),
    responses((status = 200, body = Playbook), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn review(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Playbook>> {
    caller.require(Resource::Playbooks, Action::Write)?;
    let today = building_today(&s, &caller, id).await?;
    Ok(Json(
        playbooks::mark_reviewed(&s.db, &caller.scope, caller.actor(&s), id, today).await?,
    ))
}
