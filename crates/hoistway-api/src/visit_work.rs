//! Doing a visit from the phone: start it, record its checklist item by
//! item, complete it with the report; read the report afterwards. A
//! technician works only on visits assigned to them (or to no one).

use axum::extract::State;
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Path};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource, Role};
use hoistway_maintenance::report::VisitReportInput;
use hoistway_store::maintenance::completion::{self, ChecklistEntry, CompletedVisit, ItemInput};
use hoistway_store::maintenance::visits::{self, Visit};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(start))
        .routes(routes!(checklist))
        .routes(routes!(record_item))
        .routes(routes!(complete))
        .routes(routes!(report))
}

/// Refuses a technician working on someone else's visit (the API's
/// handlers and the portal's visit page, `portal/tech/visit.rs`).
pub async fn may_work(s: &AppState, caller: &Caller, id: i64) -> ApiResult<()> {
    caller.require(Resource::Maintenance, Action::Write)?;
    let v = visits::get(&s.db, &caller.scope, id).await?;
    match v.technician_id {
        Some(t) if caller.user.role == Role::Technician && t != caller.user.id => Err(
            AppError::Forbidden("this visit is assigned to another technician".into()),
        ),
        _ => Ok(()),
    }
}

#[utoipa::path(post, path = "/api/v1/visits/{id}/start", tag = "maintenance", params(("id" = i64, Path)),
    responses((status = 200, body = Visit), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn start(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Visit>> {
    may_work(&s, &caller, id).await?;
    Ok(Json(
        completion::start(&s.db, &caller.scope, caller.actor(&s), id).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/visits/{id}/checklist", tag = "maintenance", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ChecklistEntry>), (status = 401), (status = 403), (status = 404)))]
async fn checklist(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<ChecklistEntry>>> {
    caller.require(Resource::Maintenance, Action::Read)?;
    Ok(Json(completion::checklist(&s.db, &caller.scope, id).await?))
}

/// Records one item (`pass`, `fail`, `n_a`). A failed safety item is handed
/// to the service desk once; the visit shows `case_pending`.
#[utoipa::path(put, path = "/api/v1/visits/{id}/checklist/{code}", tag = "maintenance",
    params(("id" = i64, Path), ("code" = String, Path)), request_body = ItemInput,
    responses((status = 200, body = ChecklistEntry), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn record_item(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, code)): Path<(i64, String)>,
    Json(input): Json<ItemInput>,
) -> ApiResult<Json<ChecklistEntry>> {
    may_work(&s, &caller, id).await?;
    Ok(Json(
        completion::record_item(&s.db, &caller.scope, caller.actor(&s), id, &code, input).await?,
    ))
}

/// Completes the visit with its report (findings, parts used, time on site).
#[utoipa::path(post, path = "/api/v1/visits/{id}/complete", tag = "maintenance", params(("id" = i64, Path)),
    request_body = VisitReportInput,
    responses((status = 200, body = CompletedVisit), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn complete(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<VisitReportInput>,
) -> ApiResult<Json<CompletedVisit>> {
    may_work(&s, &caller, id).await?;
    Ok(Json(
        completion::complete(&s.db, &caller.scope, caller.actor(&s), id, input).await?,
    ))
}

/// The visit report as the customer sees it.
#[utoipa::path(get, path = "/api/v1/visits/{id}/report", tag = "maintenance", params(("id" = i64, Path)),
    responses((status = 200, body = CompletedVisit), (status = 401), (status = 403), (status = 404)))]
async fn report(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<CompletedVisit>> {
    caller.require(Resource::Maintenance, Action::Read)?;
    Ok(Json(completion::report(&s.db, &caller.scope, id).await?))
}
