//! Recurring faults and the portfolio ranking (issue #21):
//! `GET /api/v1/recurring-faults` lists the units the rule flags (N cases
//! of one cause family within D days; defaults 3 in 90) and
//! `GET /api/v1/portfolio/recurring` ranks units by repeat faults over a
//! period. Both are scoped like cases: the provider sees every customer
//! (or one, with `customer_id`), a customer user the units it can see.

use axum::extract::State;
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Invalid, Resource};
use hoistway_maintenance::recurring::{Rule, WINDOW_DAYS_RANGE};
use hoistway_store::recurring::{self, FlaggedUnit, RankedUnit};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(flagged))
        .routes(routes!(ranking))
}

/// The rule's parameters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RecurringQuery {
    /// Cases of one family that make a unit recurring, 2–10 (default 3).
    pub min_cases: Option<u32>,
    /// The window in days, 7–730 (default 90).
    pub days: Option<u32>,
    /// Only this customer's units (the provider's filter).
    pub customer_id: Option<i64>,
}

/// The flagged units and the rule that flagged them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecurringFaults {
    pub min_cases: u32,
    pub days: u32,
    pub units: Vec<FlaggedUnit>,
}

#[utoipa::path(get, path = "/api/v1/recurring-faults", tag = "root-causes", params(RecurringQuery),
    responses((status = 200, body = RecurringFaults), (status = 400, description = "a parameter out of bounds; the error names it"),
        (status = 401), (status = 403)))]
async fn flagged(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<RecurringQuery>,
) -> ApiResult<Json<RecurringFaults>> {
    Ok(Json(flagged_units(&s, &caller, &q).await?))
}

/// The flagged units for `caller` (the API and the portal).
pub async fn flagged_units(
    s: &AppState,
    caller: &Caller,
    q: &RecurringQuery,
) -> ApiResult<RecurringFaults> {
    caller.require(Resource::Cases, Action::Read)?;
    let rule = Rule::new(q.min_cases, q.days)?;
    let units =
        recurring::flagged(&s.db, &caller.scope, q.customer_id, rule, s.clock.now()).await?;
    Ok(RecurringFaults {
        min_cases: rule.min_cases,
        days: rule.window_days,
        units,
    })
}

/// The ranking's period.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RankingQuery {
    /// The period in days before now, 7–730 (default 365).
    pub days: Option<u32>,
    /// Only this customer's units (the provider's filter).
    pub customer_id: Option<i64>,
}

/// Units by recurrent issues.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RecurringRanking {
    pub days: u32,
    /// Most repeat faults first; units without a repeat are left out.
    pub units: Vec<RankedUnit>,
}

/// Default period of the ranking: a year shows seasonal door trouble too.
pub const DEFAULT_RANKING_DAYS: u32 = 365;

#[utoipa::path(get, path = "/api/v1/portfolio/recurring", tag = "root-causes", params(RankingQuery),
    responses((status = 200, body = RecurringRanking), (status = 400, description = "a parameter out of bounds; the error names it"),
        (status = 401), (status = 403)))]
async fn ranking(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<RankingQuery>,
) -> ApiResult<Json<RecurringRanking>> {
    Ok(Json(ranked_units(&s, &caller, &q).await?))
}

/// The ranking for `caller` (the API and the portal).
pub async fn ranked_units(
    s: &AppState,
    caller: &Caller,
    q: &RankingQuery,
) -> ApiResult<RecurringRanking> {
    caller.require(Resource::Cases, Action::Read)?;
    let days = q.days.unwrap_or(DEFAULT_RANKING_DAYS);
    let (lo, hi) = WINDOW_DAYS_RANGE;
    if !(lo..=hi).contains(&days) {
        return Err(Invalid::new("days", format!("must be between {lo} and {hi}")).into());
    }
    let units =
        recurring::ranking(&s.db, &caller.scope, q.customer_id, days, s.clock.now()).await?;
    Ok(RecurringRanking { days, units })
}
