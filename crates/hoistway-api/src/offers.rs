//! `/api/v1/offers`: a customer asks for a modernization, repair or door
//! upgrade offer; the care center quotes; the customer accepts or declines
//! (issue #20). Customer admins and property managers ask and decide; the
//! provider admin, operators and duty managers quote (or decline to).

use axum::extract::State;
use axum::http::StatusCode;
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource, Role};
use hoistway_store::offers::{self, DeclineInput, Offer, OfferRequest, QuoteInput};
use hoistway_store::{ListFilter, Page};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get))
        .routes(routes!(quote))
        .routes(routes!(accept))
        .routes(routes!(decline))
}

fn owner(caller: &Caller) -> bool {
    matches!(
        caller.user.role,
        Role::CustomerAdmin | Role::PropertyManager
    )
}

fn care_center(caller: &Caller) -> bool {
    matches!(
        caller.user.role,
        Role::ProviderAdmin | Role::Operator | Role::DutyManager
    )
}

#[utoipa::path(get, path = "/api/v1/offers", tag = "offers", params(ListFilter),
    responses((status = 200, body = Page<Offer>), (status = 400), (status = 401), (status = 403)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<ListFilter>,
) -> ApiResult<Json<Page<Offer>>> {
    caller.require(Resource::Cases, Action::Read)?;
    Ok(Json(offers::list(&s.db, &caller.scope, &f).await?))
}

/// Asks for an offer (customer admins and property managers).
#[utoipa::path(post, path = "/api/v1/offers", tag = "offers", request_body = OfferRequest,
    responses((status = 201, body = Offer), (status = 400), (status = 401), (status = 403)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<OfferRequest>,
) -> ApiResult<(StatusCode, Json<Offer>)> {
    Ok((StatusCode::CREATED, Json(ask(&s, &caller, input).await?)))
}

/// Asks for an offer as `caller` (the API and the portal).
pub async fn ask(s: &AppState, caller: &Caller, input: OfferRequest) -> ApiResult<Offer> {
    if !owner(caller) {
        return Err(AppError::Forbidden(
            "offers are asked for by customer admins and property managers".into(),
        ));
    }
    Ok(offers::request(&s.db, &caller.scope, caller.actor(s), input).await?)
}

#[utoipa::path(get, path = "/api/v1/offers/{id}", tag = "offers", params(("id" = i64, Path)),
    responses((status = 200, body = Offer), (status = 401), (status = 403), (status = 404)))]
async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Offer>> {
    caller.require(Resource::Cases, Action::Read)?;
    Ok(Json(offers::get(&s.db, &caller.scope, id).await?))
}

/// Quotes an offer, or quotes it again while undecided (the care center).
#[utoipa::path(post, path = "/api/v1/offers/{id}/quote", tag = "offers", params(("id" = i64, Path)), request_body = QuoteInput,
    responses((status = 200, body = Offer), (status = 400), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "already accepted or declined")))]
async fn quote(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<QuoteInput>,
) -> ApiResult<Json<Offer>> {
    Ok(Json(give_quote(&s, &caller, id, input).await?))
}

/// Quotes as `caller` (the API and the desk).
pub async fn give_quote(
    s: &AppState,
    caller: &Caller,
    id: i64,
    input: QuoteInput,
) -> ApiResult<Offer> {
    if !care_center(caller) {
        return Err(AppError::Forbidden(
            "offers are quoted by the care center".into(),
        ));
    }
    Ok(offers::quote(&s.db, caller.actor(s), id, input).await?)
}

/// Accepts a quote while it is valid (customer admins and property managers).
#[utoipa::path(post, path = "/api/v1/offers/{id}/accept", tag = "offers", params(("id" = i64, Path)),
    responses((status = 200, body = Offer), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "no quote yet, already decided, or the quote expired")))]
async fn accept(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Offer>> {
    Ok(Json(
        decide(&s, &caller, id, true, DeclineInput::default()).await?,
    ))
}

/// Declines a quote (the customer) or a request (the care center, which
/// will not quote).
#[utoipa::path(post, path = "/api/v1/offers/{id}/decline", tag = "offers", params(("id" = i64, Path)), request_body = DeclineInput,
    responses((status = 200, body = Offer), (status = 400), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "already decided, or no quote yet")))]
async fn decline(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<DeclineInput>,
) -> ApiResult<Json<Offer>> {
    Ok(Json(decide(&s, &caller, id, false, input).await?))
}

/// Accepts or declines as `caller` (the API, the portal and the desk).
pub async fn decide(
    s: &AppState,
    caller: &Caller,
    id: i64,
    accept: bool,
    input: DeclineInput,
) -> ApiResult<Offer> {
    let allowed = if accept {
        owner(caller)
    } else {
        owner(caller) || care_center(caller)
    };
    if !allowed {
        return Err(AppError::Forbidden(format!(
            "a {} may not decide on offers",
            caller.user.role
        )));
    }
    Ok(offers::decide(&s.db, &caller.scope, caller.actor(s), id, accept, input).await?)
}
