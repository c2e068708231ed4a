//! Connected equipment as users see it: a unit's live status, its hourly
//! and daily rollups, analytics findings, and remote commands.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_connected::remote::{self, CommandInput};
use hoistway_domain::{Action, Invalid, Resource};
use hoistway_store::commands::{self, UnitCommand};
use hoistway_store::findings::{self, FindingRecord};
use hoistway_store::rollups::{self, RollupRow};
use hoistway_store::{live, ListFilter, Page};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status))
        .routes(routes!(rollups_of))
        .routes(routes!(findings_list))
        .routes(routes!(commands_list, command_send))
        .routes(routes!(command_get))
}

/// A unit's live status (fixed shape: `available`, `mode`, `last_seen`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitStatus {
    pub unit_id: i64,
    /// In service for passengers now. False when connectivity is lost.
    pub available: bool,
    /// `normal`, `out_of_service`, `inspection`, `fire`, `maintenance`, or
    /// `unknown` (never reported, or connectivity lost).
    pub mode: String,
    pub last_seen: Option<DateTime<Utc>>,
    /// `online`, `lost` (no events for the offline threshold) or `never`.
    pub connectivity: String,
    /// The last mode the unit reported, even when connectivity is lost.
    pub reported_mode: Option<String>,
    pub current_floor: Option<i64>,
    /// Last reported number of people in the car.
    pub passengers: Option<i64>,
    /// Starts (absolute counter plus trips since its last report).
    pub starts: Option<i64>,
    pub run_hours: Option<f64>,
    /// Active alarms: `entrapment`, `emergency_phone`.
    pub alarms: Vec<String>,
    /// Faults since the unit last reported normal service.
    #[schema(value_type = Vec<Object>)]
    pub faults: serde_json::Value,
    /// The controller or a safety component was replaced and the
    /// authority's inspection is not recorded yet: out of service
    /// (`available` false) whatever the unit reports.
    pub awaiting_inspection: bool,
}

#[utoipa::path(get, path = "/api/v1/units/{id}/status", tag = "telemetry", params(("id" = i64, Path)),
    responses((status = 200, body = UnitStatus), (status = 401), (status = 403), (status = 404)))]
async fn status(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<UnitStatus>> {
    caller.require(Resource::Telemetry, Action::Read)?;
    Ok(Json(unit_status(&s, &caller.scope, id).await?))
}

/// A unit's live status as `GET /units/{id}/status` shows it (also read by
/// the KONE-compatible equipment-status API, so both agree).
pub async fn unit_status(
    s: &AppState,
    scope: &hoistway_domain::Scope,
    id: i64,
) -> Result<UnitStatus, hoistway_store::StoreError> {
    let st = live::get(&s.db, scope, id).await?;
    let mut status = status_from(s, id, st);
    if hoistway_store::cases::inspection::unit_awaits(&s.db, id).await? {
        status.available = false;
        status.awaiting_inspection = true;
    }
    Ok(status)
}

/// The status of a unit that never reported.
pub fn never_reported(unit_id: i64) -> UnitStatus {
    UnitStatus {
        unit_id,
        available: false,
        mode: "unknown".into(),
        last_seen: None,
        connectivity: "never".into(),
        reported_mode: None,
        current_floor: None,
        passengers: None,
        starts: None,
        run_hours: None,
        alarms: vec![],
        faults: serde_json::json!([]),
        awaiting_inspection: false,
    }
}

/// A unit's status from its stored live state (`None`: never reported),
/// judged against the clock and the offline threshold.
pub fn status_from(s: &AppState, id: i64, st: Option<live::LiveState>) -> UnitStatus {
    let now = s.clock.now();
    let offline_after = hoistway_connected::pipeline_of(s).settings().offline_after;
    let Some(st) = st else {
        return never_reported(id);
    };
    let online = st.last_seen.is_some_and(|t| now - t <= offline_after);
    UnitStatus {
        unit_id: id,
        available: online && st.available,
        mode: match (&st.mode, online) {
            (Some(m), true) => m.clone(),
            _ => "unknown".into(),
        },
        last_seen: st.last_seen,
        connectivity: if st.last_seen.is_none() {
            "never"
        } else if online {
            "online"
        } else {
            "lost"
        }
        .into(),
        reported_mode: st.mode,
        current_floor: st.current_floor,
        passengers: st.passengers,
        starts: st.starts,
        run_hours: st.run_hours,
        alarms: st.alarms,
        faults: st.faults,
        awaiting_inspection: false,
    }
}

/// Query of `GET /units/{id}/rollups`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RollupQuery {
    /// `hour` (default) or `day`.
    pub period: Option<String>,
    /// RFC 3339 instant or YYYY-MM-DD (UTC); default: 24 hours (hour) or 30
    /// days (day) before `to`.
    pub from: Option<String>,
    /// RFC 3339 instant or YYYY-MM-DD (UTC), exclusive; default: now.
    pub to: Option<String>,
}

fn instant(field: &'static str, v: &str) -> Result<DateTime<Utc>, Invalid> {
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            Invalid::new(
                field,
                format!("'{v}' is not an RFC 3339 instant or YYYY-MM-DD"),
            )
        })
}

/// Rollups of a unit.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RollupList {
    pub items: Vec<RollupRow>,
}

#[utoipa::path(get, path = "/api/v1/units/{id}/rollups", tag = "telemetry", params(("id" = i64, Path), RollupQuery),
    responses((status = 200, body = RollupList), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn rollups_of(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<RollupQuery>,
) -> ApiResult<Json<RollupList>> {
    caller.require(Resource::Telemetry, Action::Read)?;
    let period = q.period.unwrap_or_else(|| "hour".into());
    let to =
        q.to.as_deref()
            .map(|v| instant("to", v))
            .transpose()?
            .unwrap_or_else(|| s.clock.now());
    let from = match q.from.as_deref() {
        Some(v) => instant("from", v)?,
        None if period == "day" => to - chrono::Duration::days(30),
        None => to - chrono::Duration::hours(24),
    };
    Ok(Json(RollupList {
        items: rollups::list(&s.db, &caller.scope, id, &period, from, to).await?,
    }))
}

/// Analytics findings, newest last. Filters: `unit_id`, `status` (`open`,
/// `cleared`), `customer_id`, `building_id`.
#[utoipa::path(get, path = "/api/v1/findings", tag = "telemetry", params(ListFilter),
    responses((status = 200, body = Page<FindingRecord>), (status = 400), (status = 401), (status = 403)))]
async fn findings_list(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<ListFilter>,
) -> ApiResult<Json<Page<FindingRecord>>> {
    caller.require(Resource::Telemetry, Action::Read)?;
    Ok(Json(findings::list(&s.db, &caller.scope, &f).await?))
}

/// Commands of a unit, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CommandList {
    pub items: Vec<UnitCommand>,
}

#[utoipa::path(get, path = "/api/v1/units/{id}/commands", tag = "telemetry", params(("id" = i64, Path)),
    responses((status = 200, body = CommandList), (status = 401), (status = 403), (status = 404)))]
async fn commands_list(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<CommandList>> {
    caller.require(Resource::Telemetry, Action::Read)?;
    Ok(Json(CommandList {
        items: commands::list(&s.db, &caller.scope, id, 100).await?,
    }))
}

/// Sends remote diagnostics or a remote reset. Refused with 409 and the
/// reason unless the unit is online, reports an empty car, no alarm, and
/// normal or out_of_service mode. 202: published; poll the command for the
/// device's answer (`acknowledged`, `failed` or `timed_out`).
#[utoipa::path(post, path = "/api/v1/units/{id}/commands", tag = "telemetry", params(("id" = i64, Path)),
    request_body = CommandInput,
    responses((status = 202, body = UnitCommand), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409), (status = 503)))]
async fn command_send(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<CommandInput>,
) -> ApiResult<(StatusCode, Json<UnitCommand>)> {
    let sent = remote::send(&s, &caller, id, input).await?;
    Ok((StatusCode::ACCEPTED, Json(sent)))
}

#[utoipa::path(get, path = "/api/v1/units/{id}/commands/{command_id}", tag = "telemetry",
    params(("id" = i64, Path), ("command_id" = i64, Path)),
    responses((status = 200, body = UnitCommand), (status = 401), (status = 403), (status = 404)))]
async fn command_get(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, command_id)): Path<(i64, i64)>,
) -> ApiResult<Json<UnitCommand>> {
    caller.require(Resource::Telemetry, Action::Read)?;
    Ok(Json(
        commands::get(&s.db, &caller.scope, id, command_id).await?,
    ))
}
