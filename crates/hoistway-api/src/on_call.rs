//! On call and dispatch suggestions (issue #21), provider side only:
//! `/api/v1/shifts` (the technicians' rota: regular shifts and on-call
//! entries per territory), `/api/v1/extreme-weather` (declared periods),
//! `/api/v1/on-call` (who is on duty in a territory at an instant) and
//! `/api/v1/cases/{number}/dispatch-suggestions` (technicians ranked by
//! predicted on-site time against the response SLA).
//!
//! The role table's `rota` row decides: the provider's staff read it, the
//! duty manager and the provider admin change it; customers get 403.
//! Suggestions are for the care center (operators, duty managers, provider
//! admins).

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Invalid, Resource, Role};
use hoistway_store::on_call::shifts::{self, Shift, ShiftInput, ShiftWindow};
use hoistway_store::on_call::suggest::{self, DispatchSuggestions};
use hoistway_store::on_call::weather::{self, WeatherInput, WeatherPeriod};
use hoistway_store::on_call::{self, parse_instant, OnCallNow};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_shifts, create_shift))
        .routes(routes!(get_shift, replace_shift, delete_shift))
        .routes(routes!(list_weather, declare_weather))
        .routes(routes!(get_weather, replace_weather, delete_weather))
        .routes(routes!(on_call_now))
        .routes(routes!(dispatch_suggestions))
}

/// The widest window one list covers.
const MAX_WINDOW_DAYS: i64 = 120;

/// A list of rota entries.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ShiftList {
    pub items: Vec<Shift>,
}

/// A list of extreme-weather declarations.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WeatherList {
    pub items: Vec<WeatherPeriod>,
}

/// Which rota entries to list. Other query parameters are ignored (the
/// list is provider data, not filtered by customer).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShiftQuery {
    /// RFC 3339; entries ending after it (default: a day ago).
    pub from: Option<String>,
    /// RFC 3339; entries starting before it (default: two weeks ahead;
    /// at most 120 days after `from`).
    pub to: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub technician_id: Option<i64>,
}

/// Which declarations to list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WeatherQuery {
    /// RFC 3339; periods ending after it (default: 30 days ago).
    pub from: Option<String>,
    /// RFC 3339; periods starting before it (default: 60 days ahead).
    pub to: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
}

/// Where and when to ask who is on call.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OnCallQuery {
    /// ISO 3166-1 alpha-2 (required).
    pub country: Option<String>,
    /// A region of the country.
    pub region: Option<String>,
    /// RFC 3339 instant (default: now).
    pub at: Option<String>,
}

fn window(
    from: Option<&str>,
    to: Option<&str>,
    default_from: DateTime<Utc>,
    default_to: DateTime<Utc>,
) -> ApiResult<(DateTime<Utc>, DateTime<Utc>)> {
    let from = match from {
        Some(f) => parse_instant("from", f)?,
        None => default_from,
    };
    let to = match to {
        Some(t) => parse_instant("to", t)?,
        None => default_to.max(from + Duration::days(1)),
    };
    if to <= from {
        return Err(Invalid::new("to", "must be after from").into());
    }
    if to - from > Duration::days(MAX_WINDOW_DAYS) {
        return Err(
            Invalid::new("to", format!("at most {MAX_WINDOW_DAYS} days after from")).into(),
        );
    }
    Ok((from, to))
}

fn country_filter(c: Option<&str>) -> ApiResult<Option<String>> {
    c.map(|c| on_call::territory_of(c, None).map(|(c, _)| c))
        .transpose()
        .map_err(AppError::from)
}

/// Rota entries overlapping a window, by start.
#[utoipa::path(get, path = "/api/v1/shifts", tag = "on call", params(ShiftQuery),
    responses((status = 200, body = ShiftList), (status = 400), (status = 401), (status = 403)))]
async fn list_shifts(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ShiftQuery>,
) -> ApiResult<Json<ShiftList>> {
    Ok(Json(ShiftList {
        items: rota(&s, &caller, &q).await?,
    }))
}

/// The rota entries of `q` as `caller` (the API and the portal).
pub async fn rota(s: &AppState, caller: &Caller, q: &ShiftQuery) -> ApiResult<Vec<Shift>> {
    caller.require(Resource::Rota, Action::Read)?;
    let now = s.clock.now();
    let (from, to) = window(
        q.from.as_deref(),
        q.to.as_deref(),
        now - Duration::days(1),
        now + Duration::days(14),
    )?;
    let w = ShiftWindow {
        from,
        to,
        country: country_filter(q.country.as_deref())?,
        technician_id: q.technician_id,
    };
    Ok(shifts::list(&s.db.pool, &w).await?)
}

/// Adds a rota entry (duty managers and provider admins).
#[utoipa::path(post, path = "/api/v1/shifts", tag = "on call", request_body = ShiftInput,
    responses((status = 201, body = Shift), (status = 400), (status = 401), (status = 403),
        (status = 409, description = "overlaps an entry of the same technician, kind and country")))]
async fn create_shift(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<ShiftInput>,
) -> ApiResult<(StatusCode, Json<Shift>)> {
    Ok((
        StatusCode::CREATED,
        Json(add_shift(&s, &caller, input).await?),
    ))
}

/// Adds a rota entry as `caller` (the API and the portal).
pub async fn add_shift(s: &AppState, caller: &Caller, input: ShiftInput) -> ApiResult<Shift> {
    caller.require(Resource::Rota, Action::Write)?;
    Ok(shifts::create(&s.db, caller.actor(s), input).await?)
}

#[utoipa::path(get, path = "/api/v1/shifts/{id}", tag = "on call", params(("id" = i64, Path)),
    responses((status = 200, body = Shift), (status = 401), (status = 403), (status = 404)))]
async fn get_shift(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Shift>> {
    caller.require(Resource::Rota, Action::Read)?;
    Ok(Json(shifts::get(&s.db, id).await?))
}

/// Replaces a rota entry.
#[utoipa::path(put, path = "/api/v1/shifts/{id}", tag = "on call", params(("id" = i64, Path)), request_body = ShiftInput,
    responses((status = 200, body = Shift), (status = 400), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "overlaps an entry of the same technician, kind and country")))]
async fn replace_shift(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<ShiftInput>,
) -> ApiResult<Json<Shift>> {
    caller.require(Resource::Rota, Action::Write)?;
    Ok(Json(
        shifts::replace(&s.db, caller.actor(&s), id, input).await?,
    ))
}

/// Removes a rota entry.
#[utoipa::path(delete, path = "/api/v1/shifts/{id}", tag = "on call", params(("id" = i64, Path)),
    responses((status = 204, description = "removed"), (status = 401), (status = 403), (status = 404)))]
async fn delete_shift(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    remove_shift(&s, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a rota entry as `caller` (the API and the portal).
pub async fn remove_shift(s: &AppState, caller: &Caller, id: i64) -> ApiResult<()> {
    caller.require(Resource::Rota, Action::Write)?;
    Ok(shifts::delete(&s.db, caller.actor(s), id).await?)
}

/// Declared extreme-weather periods overlapping a window.
#[utoipa::path(get, path = "/api/v1/extreme-weather", tag = "on call", params(WeatherQuery),
    responses((status = 200, body = WeatherList), (status = 400), (status = 401), (status = 403)))]
async fn list_weather(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<WeatherQuery>,
) -> ApiResult<Json<WeatherList>> {
    Ok(Json(WeatherList {
        items: declarations(&s, &caller, &q).await?,
    }))
}

/// The declarations of `q` as `caller` (the API and the portal).
pub async fn declarations(
    s: &AppState,
    caller: &Caller,
    q: &WeatherQuery,
) -> ApiResult<Vec<WeatherPeriod>> {
    caller.require(Resource::Rota, Action::Read)?;
    let now = s.clock.now();
    let (from, to) = window(
        q.from.as_deref(),
        q.to.as_deref(),
        now - Duration::days(30),
        now + Duration::days(60),
    )?;
    let country = country_filter(q.country.as_deref())?;
    Ok(weather::list(&s.db.pool, from, to, country.as_deref()).await?)
}

/// Declares extreme weather for a territory (duty managers and provider
/// admins). SLA targets do not change; dispatch offers only technicians on
/// a shift and slows its travel estimates.
#[utoipa::path(post, path = "/api/v1/extreme-weather", tag = "on call", request_body = WeatherInput,
    responses((status = 201, body = WeatherPeriod), (status = 400), (status = 401), (status = 403)))]
async fn declare_weather(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<WeatherInput>,
) -> ApiResult<(StatusCode, Json<WeatherPeriod>)> {
    Ok((
        StatusCode::CREATED,
        Json(declare(&s, &caller, input).await?),
    ))
}

/// Declares as `caller` (the API and the portal).
pub async fn declare(
    s: &AppState,
    caller: &Caller,
    input: WeatherInput,
) -> ApiResult<WeatherPeriod> {
    caller.require(Resource::Rota, Action::Write)?;
    Ok(weather::declare(&s.db, caller.actor(s), input).await?)
}

#[utoipa::path(get, path = "/api/v1/extreme-weather/{id}", tag = "on call", params(("id" = i64, Path)),
    responses((status = 200, body = WeatherPeriod), (status = 401), (status = 403), (status = 404)))]
async fn get_weather(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<WeatherPeriod>> {
    caller.require(Resource::Rota, Action::Read)?;
    Ok(Json(weather::get(&s.db, id).await?))
}

/// Replaces a declaration (the storm lasts longer, or less).
#[utoipa::path(put, path = "/api/v1/extreme-weather/{id}", tag = "on call", params(("id" = i64, Path)), request_body = WeatherInput,
    responses((status = 200, body = WeatherPeriod), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn replace_weather(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<WeatherInput>,
) -> ApiResult<Json<WeatherPeriod>> {
    caller.require(Resource::Rota, Action::Write)?;
    Ok(Json(
        weather::replace(&s.db, caller.actor(&s), id, input).await?,
    ))
}

/// Withdraws a declaration.
#[utoipa::path(delete, path = "/api/v1/extreme-weather/{id}", tag = "on call", params(("id" = i64, Path)),
    responses((status = 204, description = "withdrawn"), (status = 401), (status = 403), (status = 404)))]
async fn delete_weather(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    withdraw(&s, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Withdraws as `caller` (the API and the portal).
pub async fn withdraw(s: &AppState, caller: &Caller, id: i64) -> ApiResult<()> {
    caller.require(Resource::Rota, Action::Write)?;
    Ok(weather::delete(&s.db, caller.actor(s), id).await?)
}

/// Who is on a shift or on call in a territory at an instant (default
/// now), with any extreme weather declared there.
#[utoipa::path(get, path = "/api/v1/on-call", tag = "on call", params(OnCallQuery),
    responses((status = 200, body = OnCallNow), (status = 400), (status = 401), (status = 403)))]
async fn on_call_now(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<OnCallQuery>,
) -> ApiResult<Json<OnCallNow>> {
    Ok(Json(who_is_on_call(&s, &caller, &q).await?))
}

/// Who is on call as `caller` (the API and the portal).
pub async fn who_is_on_call(
    s: &AppState,
    caller: &Caller,
    q: &OnCallQuery,
) -> ApiResult<OnCallNow> {
    caller.require(Resource::Rota, Action::Read)?;
    let Some(country) = q.country.as_deref() else {
        return Err(Invalid::new(
            "country",
            "name the territory's country (ISO 3166-1 alpha-2)",
        )
        .into());
    };
    let at = match q.at.as_deref() {
        Some(a) => parse_instant("at", a)?,
        None => s.clock.now(),
    };
    Ok(on_call::on_call_now(&s.db, at, country, q.region.as_deref()).await?)
}

/// Technicians ranked for a case: available first (outside working time,
/// on holidays and in declared extreme weather only those on a shift or on
/// call), then those predicted on site within the response SLA, then the
/// earliest predicted arrival; each with distance, predicted on-site time,
/// SLA slack and the reason. The care center only.
#[utoipa::path(get, path = "/api/v1/cases/{number}/dispatch-suggestions", tag = "on call",
    params(("number" = String, Path)),
    responses((status = 200, body = DispatchSuggestions), (status = 401), (status = 403), (status = 404)))]
async fn dispatch_suggestions(
    State(s): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
) -> ApiResult<Json<DispatchSuggestions>> {
    Ok(Json(suggestions(&s, &caller, &number).await?))
}

/// The ranking as `caller` (the API and the desk's case page).
pub async fn suggestions(
    s: &AppState,
    caller: &Caller,
    number: &str,
) -> ApiResult<DispatchSuggestions> {
    caller.require(Resource::Rota, Action::Read)?;
    if !matches!(
        caller.user.role,
        Role::ProviderAdmin | Role::Operator | Role::DutyManager
    ) {
        return Err(AppError::Forbidden(
            "dispatch suggestions are for the care center".into(),
        ));
    }
    Ok(suggest::for_case(&s.db, &caller.scope, number, s.clock.now()).await?)
}
