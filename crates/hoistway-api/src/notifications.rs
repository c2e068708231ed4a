//! The caller's notifications: preferences (event × channel), the in-portal
//! inbox, and the live stream of change notices (`/api/v1/events`, SSE).

use axum::extract::State;
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use futures_util::stream::Stream;
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Query};
use hoistway_app::live::{Next, Viewer};
use hoistway_app::state::AppState;
use hoistway_desk::Preferences;
use hoistway_store::notifications::{self, Notification};
use serde::{Deserialize, Serialize};
use std::convert::Infallible;
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_preferences, put_preferences))
        .routes(routes!(inbox))
        .routes(routes!(events))
}

#[utoipa::path(get, path = "/api/v1/me/notification-preferences", tag = "notifications",
    responses((status = 200, description = "`{\"case_created\":[\"email\",\"push\"], …}`", body = Object), (status = 401)))]
async fn get_preferences(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Preferences>> {
    Ok(Json(
        notifications::preferences_of(&s.db.pool, caller.user.id, caller.user.role).await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/me/notification-preferences", tag = "notifications",
    request_body(content = Object, description = "event → channels (email, sms, push); events: case_created, technician_assigned, eta_changed, on_site, resolved, report_posted, invoice_issued, invoice_overdue, escalation, predictive_alert"),
    responses((status = 200, body = Object), (status = 400), (status = 401)))]
async fn put_preferences(
    State(s): State<AppState>,
    caller: Caller,
    Json(body): Json<serde_json::Value>,
) -> ApiResult<Json<Preferences>> {
    let prefs: Preferences = serde_json::from_value(body)
        .map_err(|e| AppError::BadRequest(format!("preferences: {e}")))?;
    notifications::set_preferences(
        &s.db,
        caller.actor(&s),
        caller.user.id,
        caller.user.customer_id,
        &prefs,
    )
    .await?;
    Ok(Json(prefs))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct InboxQuery {
    /// Id of the last notification already seen.
    cursor: Option<i64>,
    limit: Option<i64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
struct Inbox {
    items: Vec<Notification>,
    next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(InboxQuery),
    responses((status = 200, body = Inbox), (status = 400), (status = 401)))]
async fn inbox(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<InboxQuery>,
) -> ApiResult<Json<Inbox>> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(hoistway_domain::Invalid::new("limit", "must be 1 to 500").into());
    }
    let items =
        notifications::for_user(&s.db, caller.user.id, q.cursor.unwrap_or(0), limit + 1).await?;
    let more = items.len() as i64 > limit;
    let mut items = items;
    items.truncate(limit as usize);
    let next_cursor = if more {
        items.last().map(|n| n.id.to_string())
    } else {
        None
    };
    Ok(Json(Inbox { items, next_cursor }))
}

#[utoipa::path(get, path = "/api/v1/events", tag = "notifications",
    responses((status = 200, description = "text/event-stream of change notices the caller could read through the API (role, tenant, portfolio; a technician's own cases) and of their own push notifications: `event: case_status` with `data: {\"number\",…}`, `event: notification`"), (status = 401)))]
async fn events(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Sse<impl Stream<Item = Result<SseEvent, Infallible>>>> {
    // Who may hear what is fixed here, once: the role, the tenant and the
    // buildings a portfolio-limited caller may see.
    let buildings = hoistway_store::buildings::visible_ids(&s.db, &caller.scope).await?;
    let viewer = Viewer::new(caller.user.id, caller.user.role, &caller.scope, buildings);
    let mut sub = s.live.subscribe(viewer);
    let stream = async_stream::stream! {
        yield Ok(SseEvent::default().event("hello").data("{}"));
        while let Some(next) = sub.next().await {
            match next {
                Next::Event(e) => {
                    let data = serde_json::to_string(&e.payload).unwrap_or_default();
                    yield Ok(SseEvent::default().event(e.kind).data(data));
                }
                // Missed notices: tell the client to refetch what it shows.
                Next::Resync => yield Ok(SseEvent::default().event("resync").data("{}")),
            }
        }
    };
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}
