//! The per-user iCalendar feed of visits. A signed-in user creates a secret
//! feed URL (`POST /api/v1/calendar/tokens`, shown once, stored hashed) and
//! gives it to a calendar app, which fetches `GET /api/v1/calendar/{token}.ics`
//! without signing in. Technicians get their own visits; everyone else the
//! visits their scope sees. Revoking kills every URL of the user.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use hoistway_app::auth::{random_token, token_hash, Caller};
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Path};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource, Role, Scope};
use hoistway_maintenance::{DueReason, VisitStatus};
use hoistway_store::maintenance::calendar_tokens;
use hoistway_store::maintenance::visits::{self, Visit, VisitFilter};
use hoistway_store::users;
use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Most events one feed carries.
const MAX_EVENTS: i64 = 5000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_token, revoke_tokens))
        .routes(routes!(feed))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FeedToken {
    /// Shown once; only its hash is kept.
    pub token: String,
    /// The feed's path on this server.
    pub url: String,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Revoked {
    pub revoked: u64,
}

#[utoipa::path(post, path = "/api/v1/calendar/tokens", tag = "maintenance",
    responses((status = 201, body = FeedToken), (status = 401), (status = 403)))]
async fn create_token(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<(StatusCode, Json<FeedToken>)> {
    caller.require(Resource::Maintenance, Action::Read)?;
    let token = random_token(32);
    calendar_tokens::create(&s.db, caller.actor(&s), caller.user.id, &token_hash(&token)).await?;
    let url = format!("/api/v1/calendar/{token}.ics");
    Ok((StatusCode::CREATED, Json(FeedToken { token, url })))
}

#[utoipa::path(delete, path = "/api/v1/calendar/tokens", tag = "maintenance",
    responses((status = 200, body = Revoked), (status = 401)))]
async fn revoke_tokens(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<Revoked>> {
    let revoked = calendar_tokens::revoke_all(&s.db, caller.actor(&s), caller.user.id).await?;
    Ok(Json(Revoked { revoked }))
}

/// The feed (no sign-in: the secret URL is the credential).
#[utoipa::path(get, path = "/api/v1/calendar/{file}", tag = "maintenance", security(()),
    params(("file" = String, Path, description = "the token followed by .ics")),
    responses((status = 200, description = "text/calendar"), (status = 404)))]
async fn feed(State(s): State<AppState>, Path(file): Path<String>) -> ApiResult<Response> {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    let user_id = calendar_tokens::user_of(&s.db, &token_hash(token))
        .await?
        .ok_or(AppError::NotFound("calendar"))?;
    let user = users::get(&s.db, &Scope::All, user_id).await?;
    if !user.role.permits(Resource::Maintenance, Action::Read) {
        return Err(AppError::NotFound("calendar"));
    }
    let scope = Scope::for_user(user.role, user.customer_id, user.portfolio_ids.clone());
    let today = s.clock.now().date_naive();
    let f = VisitFilter {
        technician_id: (user.role == Role::Technician).then_some(user.id),
        from: Some((today - Duration::days(30)).to_string()),
        to: Some((today + Duration::days(400)).to_string()),
        ..VisitFilter::default()
    };
    let list = visits::all(&s.db, &scope, &f, MAX_EVENTS).await?;
    let body = render(
        &list,
        &format!("Hoistway maintenance – {}", user.name),
        s.clock.now(),
    );
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        body,
    )
        .into_response())
}

/// Renders visits as an iCalendar document (one VEVENT per visit, UID
/// stable across fetches so calendar apps update rather than duplicate).
pub fn render(list: &[Visit], name: &str, now: chrono::DateTime<chrono::Utc>) -> String {
    let mut cal = Calendar::new();
    cal.name(name);
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    for v in list {
        let kind = match v.kind.as_str() {
            "inspection" => "Inspection",
            "follow_up" => "Follow-up visit",
            _ => "Maintenance",
        };
        let status = if v.status == VisitStatus::Cancelled {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        };
        let event = Event::new()
            .uid(&format!("visit-{}@hoistway", v.id))
            .summary(&format!(
                "{kind} {} – {}",
                v.equipment_number, v.building_name
            ))
            .location(&v.address)
            .description(&format!(
                "Visit {}: {}; {}{}",
                v.id,
                DueReason::parse(&v.reason)
                    .map(DueReason::in_words)
                    .unwrap_or(v.reason.as_str()),
                v.status.in_words(),
                v.due_on
                    .as_deref()
                    .map(|d| format!("; due by {d}"))
                    .unwrap_or_default()
            ))
            .starts(v.planned_for)
            .ends(v.planned_for + Duration::minutes(i64::from(v.duration_min)))
            .status(status)
            .add_property("DTSTAMP", &stamp)
            .done();
        cal.push(event);
    }
    cal.done().to_string()
}
