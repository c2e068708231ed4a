//! `/api/v1/surveys`: satisfaction surveys (issue #20). A closed case's
//! reporter who consented gets a one-time link; `GET`/`POST
//! /api/v1/surveys/{token}` show and answer it without signing in (the
//! token is the key); `GET /api/v1/surveys/results` sums up a period for
//! those who read cases.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use hoistway_app::auth::{random_token, token_hash, Caller};
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::text::parse_date;
use hoistway_domain::{Action, Resource};
use hoistway_store::cases::Case;
use hoistway_store::surveys::{self, SurveyAnswer, SurveyResults, SurveyView};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(results))
        .routes(routes!(show, answer))
}

/// After a case closed: asks its reporter if they agreed to surveys. A
/// failure is logged and does not undo the closing.
pub async fn ask_after_close(s: &AppState, caller: &Caller, case: &Case) {
    if case.status != "closed" || case.reporter_user_id.is_none() {
        return;
    }
    let token = random_token(24);
    let path = format!("/survey/{token}");
    let link = match &s.settings.public_url {
        Some(base) => format!("{}{path}", base.trim_end_matches('/')),
        None => path,
    };
    if let Err(e) =
        surveys::ask_after_close(&s.db, caller.actor(s), case.id, &token_hash(&token), &link).await
    {
        tracing::warn!(case = %case.number, error = %e, "satisfaction survey not sent");
    }
}

#[utoipa::path(get, path = "/api/v1/surveys/{token}", tag = "surveys", params(("token" = String, Path)),
    security(()),
    responses((status = 200, body = SurveyView), (status = 404, description = "unknown or expired link")))]
async fn show(State(s): State<AppState>, Path(token): Path<String>) -> ApiResult<Json<SurveyView>> {
    Ok(Json(
        surveys::open(&s.db, &token_hash(&token), s.clock.now()).await?,
    ))
}

/// Answers a survey (once).
#[utoipa::path(post, path = "/api/v1/surveys/{token}", tag = "surveys", params(("token" = String, Path)),
    security(()), request_body = SurveyAnswer,
    responses((status = 204), (status = 400), (status = 404, description = "unknown or expired link"),
        (status = 409, description = "already answered")))]
async fn answer(
    State(s): State<AppState>,
    Path(token): Path<String>,
    Json(a): Json<SurveyAnswer>,
) -> ApiResult<StatusCode> {
    surveys::answer(&s.db, &token_hash(&token), s.clock.now(), a).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Period of the results.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ResultsQuery {
    /// First day, YYYY-MM-DD (UTC); default 90 days before `to`.
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD (UTC); default today.
    pub to: Option<String>,
}

/// Surveys sent in a period, for the cases the caller can read.
#[utoipa::path(get, path = "/api/v1/surveys/results", tag = "surveys", params(ResultsQuery),
    responses((status = 200, body = SurveyResults), (status = 400), (status = 401), (status = 403)))]
async fn results(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ResultsQuery>,
) -> ApiResult<Json<SurveyResults>> {
    caller.require(Resource::Cases, Action::Read)?;
    let today = s.clock.now().date_naive();
    let to: NaiveDate =
        q.to.as_deref()
            .map(|t| parse_date("to", t))
            .transpose()?
            .unwrap_or(today);
    let from = match q.from.as_deref() {
        Some(f) => parse_date("from", f)?,
        None => to - Duration::days(90),
    };
    hoistway_domain::text::ordered_dates("from", from, "to", Some(to))?;
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let end = (to + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    Ok(Json(
        surveys::results(&s.db, &caller.scope, start, end).await?,
    ))
}
