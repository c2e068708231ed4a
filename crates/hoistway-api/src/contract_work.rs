//! Work under a contract, classified by its scope: a case's charges
//! (`/api/v1/cases/{number}/work`), a contract's work
//! (`/api/v1/contracts/{id}/work`) and an invoice's lines
//! (`/api/v1/invoices/{id}/lines`). Prices are contract data: only roles
//! that may read contracts (or invoices, for lines) see them.

use axum::extract::State;
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::contract_work::{self, InvoiceLine, WorkLine};
use hoistway_store::{cases, contracts, invoices, ListFilter, Page};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(of_case))
        .routes(routes!(of_contract))
        .routes(routes!(invoice_lines))
}

#[utoipa::path(get, path = "/api/v1/cases/{number}/work", tag = "contracts",
    params(("number" = String, Path)),
    responses((status = 200, body = Vec<WorkLine>, description = "the parts, labour and quote of the case's service report, each covered, under warranty or billable by the contract's scope"),
        (status = 401), (status = 403), (status = 404)))]
async fn of_case(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
) -> ApiResult<Json<Vec<WorkLine>>> {
    caller.require(Resource::Cases, Action::Read)?;
    caller.require(Resource::Contracts, Action::Read)?;
    let case = cases::get(&s.db, &caller.scope, &number).await?;
    Ok(Json(
        contract_work::of_case(&s.db, &caller.scope, case.id).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/contracts/{id}/work", tag = "contracts",
    params(("id" = i64, Path), ListFilter),
    responses((status = 200, body = Page<WorkLine>, description = "work under the contract, newest first; `status` filters: no_charge, billable, awaiting_approval, declined, invoiced"),
        (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn of_contract(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(f): Query<ListFilter>,
) -> ApiResult<Json<Page<WorkLine>>> {
    caller.require(Resource::Contracts, Action::Read)?;
    contracts::get(&s.db, &caller.scope, id).await?;
    Ok(Json(
        contract_work::of_contract(&s.db, &caller.scope, id, &f).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/invoices/{id}/lines", tag = "invoices",
    params(("id" = i64, Path)),
    responses((status = 200, body = Vec<InvoiceLine>, description = "the contract's charge for the period, then each billable piece of work; empty for an invoice entered by hand"),
        (status = 401), (status = 403), (status = 404)))]
async fn invoice_lines(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Vec<InvoiceLine>>> {
    caller.require(Resource::Invoices, Action::Read)?;
    invoices::get(&s.db, &caller.scope, id, s.clock.now()).await?;
    Ok(Json(contract_work::invoice_lines(&s.db, id).await?))
}
