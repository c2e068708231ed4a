//! `/api/v1/invoices`: invoices with their derived status.

use axum::extract::State;
use axum::http::StatusCode;
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::invoices::{self, Invoice, InvoiceInput};
use hoistway_store::{ListFilter, Page};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
}

#[utoipa::path(get, path = "/api/v1/invoices", tag = "invoices", params(ListFilter),
    responses((status = 200, body = Page<Invoice>), (status = 400), (status = 401), (status = 403)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<ListFilter>,
) -> ApiResult<Json<Page<Invoice>>> {
    caller.require(Resource::Invoices, Action::Read)?;
    Ok(Json(
        invoices::list(&s.db, &caller.scope, &f, s.clock.now()).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/invoices", tag = "invoices", request_body = InvoiceInput,
    responses((status = 201, body = Invoice), (status = 400), (status = 401), (status = 403), (status = 409)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<InvoiceInput>,
) -> ApiResult<(StatusCode, Json<Invoice>)> {
    caller.require(Resource::Invoices, Action::Write)?;
    let created = invoices::create(&s.db, &caller.scope, caller.actor(&s), input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/api/v1/invoices/{id}", tag = "invoices", params(("id" = i64, Path)),
    responses((status = 200, body = Invoice), (status = 401), (status = 403), (status = 404)))]
async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Invoice>> {
    caller.require(Resource::Invoices, Action::Read)?;
    Ok(Json(
        invoices::get(&s.db, &caller.scope, id, s.clock.now()).await?,
    ))
}

#[utoipa::path(patch, path = "/api/v1/invoices/{id}", tag = "invoices", params(("id" = i64, Path)),
    request_body = InvoiceInput,
    responses((status = 200, body = Invoice), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(changes): Json<serde_json::Value>,
) -> ApiResult<Json<Invoice>> {
    caller.require(Resource::Invoices, Action::Write)?;
    Ok(Json(
        invoices::update(&s.db, &caller.scope, caller.actor(&s), id, changes).await?,
    ))
}
