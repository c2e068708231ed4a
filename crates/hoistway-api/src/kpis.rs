//! `/api/v1/kpis`: service KPIs for a unit, building, portfolio, customer
//! or everything the caller sees, over a period.

use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Query};
use hoistway_app::state::AppState;
use hoistway_desk::{compute_kpis, Kpis, Period};
use hoistway_domain::{Action, Invalid, Resource};
use hoistway_store::cases::kpi::{records, Target};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(kpis))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct KpiQuery {
    /// unit, building, portfolio, customer or all (default).
    scope: Option<String>,
    id: Option<i64>,
    /// Start, `YYYY-MM-DD` or RFC 3339 (default: 90 days ago).
    from: Option<String>,
    /// End, exclusive (default: now).
    to: Option<String>,
}

fn instant(field: &'static str, s: &str) -> Result<DateTime<Utc>, Invalid> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        .map_err(|_| Invalid::new(field, "use YYYY-MM-DD or an RFC 3339 time"))
}

#[utoipa::path(get, path = "/api/v1/kpis", tag = "cases", params(KpiQuery),
    responses((status = 200, description = "calls, calls_per_unit, mttr_minutes, mtbc_days, entrapments, availability_pct, first_time_fix_rate, sla per priority, parts_wait_hours and parts_wait_cases (time on hold waiting for parts in the period)", body = Object),
        (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn kpis(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<KpiQuery>,
) -> ApiResult<Json<Kpis>> {
    caller.require(Resource::Cases, Action::Read)?;
    let now = s.clock.now();
    let from = match q.from.as_deref() {
        Some(f) => instant("from", f)?,
        None => now - chrono::Duration::days(90),
    };
    let to = match q.to.as_deref() {
        Some(t) => instant("to", t)?,
        None => now,
    };
    let period = Period::new(from, to).map_err(|e| Invalid::new("to", e.to_string()))?;
    let target = Target::parse(q.scope.as_deref(), q.id)?;
    let (records, units) = records(&s.db, &caller.scope, target).await?;
    let kpis = compute_kpis(&records, units, period, now)
        .map_err(|e| AppError::Invalid(Invalid::new("from", e.to_string())))?;
    Ok(Json(kpis))
}
