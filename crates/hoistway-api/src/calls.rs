//! `/api/v1/buildings/{id}/calls`: remote lift calls, their live state over
//! server-sent events, cancellation, and the building's call counters.
//!
//! Answers:
//! - **4xx** when the request itself is wrong or not allowed, exactly as for
//!   any other resource: malformed body or both call shapes at once (400),
//!   a role that may not call lifts (403), a building outside the caller's
//!   scope, without remote call (no topology) or, for a resident, without
//!   an access grant (404), an unknown `group` (400).
//! - **201 with `state: cancelled` and a `reason`** when the building
//!   refuses the call: `access_denied` (an area the resident was not
//!   granted), `area_does_not_exist`, `same_source_and_destination`,
//!   `invalid_direction`, `not_served` (no group opens at both landings),
//!   `no_lifts_available`, `cannot_serve_now`. This mirrors the lift-call
//!   result of the compatible API (a call answer with `success: false`), so
//!   a phone has one path for "the lift said no"; such calls are counted.
//! - **201 with `state: created` or `approved`** (with the lift) otherwise;
//!   follow it at `events` until `served` or `cancelled`.
//!
//! Calls are never written to the database, the audit log or the
//! idempotency table: an `Idempotency-Key` on a call is honoured from memory.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream};
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Path};
use hoistway_app::idempotency::HEADER as IDEMPOTENCY_HEADER;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource, Role};
use hoistway_lift::{CallEvent, CallId, CallState, CancelReason, Direction, Guidance};
use hoistway_remote::book::{Owner, Replay};
use hoistway_remote::place::Placed;
use hoistway_remote::{access, route};
use hoistway_store::call_counters::{self, CallCounters};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::VecDeque;
use std::convert::Infallible;
use tokio::sync::broadcast;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(place))
        .routes(routes!(cancel))
        .routes(routes!(events))
        .routes(routes!(counters))
}

/// A destination call (`from_area`, `to_area`) or a landing call (`area`,
/// `direction`). Area ids are those of the building's topology.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallInput {
    #[serde(default)]
    pub from_area: Option<u32>,
    #[serde(default)]
    pub to_area: Option<u32>,
    #[serde(default)]
    pub area: Option<u32>,
    #[serde(default)]
    pub direction: Option<Direction>,
    /// Pin a lift group (default: the first group that serves the call).
    #[serde(default)]
    pub group: Option<String>,
}

impl CallInput {
    fn ask(&self) -> ApiResult<route::Ask> {
        match (self.from_area, self.to_area, self.area, self.direction) {
            (Some(from), Some(to), None, None) => Ok(route::Ask::Destination { from, to }),
            (None, None, Some(area), Some(direction)) => {
                Ok(route::Ask::Landing { area, direction })
            }
            _ => Err(hoistway_domain::Invalid::new(
                "from_area",
                "send from_area and to_area for a destination call, or area and direction for a landing call",
            )
            .into()),
        }
    }
}

/// A call as the caller sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CallReply {
    /// The call's id; `null` when the building refused it.
    pub id: Option<CallId>,
    pub building_id: i64,
    /// `destination` or `landing`.
    pub kind: Option<String>,
    pub group: Option<String>,
    pub state: CallState,
    /// The allocated lift, once known.
    pub lift: Option<String>,
    pub guidance: Option<Guidance>,
    /// Why the call ended without being served.
    pub reason: Option<CancelReason>,
    /// Where to follow the call (server-sent events).
    pub events: Option<String>,
}

fn refused(building: i64, kind: &str, group: Option<String>, reason: CancelReason) -> CallReply {
    CallReply {
        id: None,
        building_id: building,
        kind: Some(kind.into()),
        group,
        state: CallState::Cancelled,
        lift: None,
        guidance: None,
        reason: Some(reason),
        events: None,
    }
}

fn request_hash(building: i64, body: &serde_json::Value) -> String {
    hex::encode(Sha256::digest(format!("{building}\0{body}").as_bytes()))
}

/// Places a remote call.
#[utoipa::path(post, path = "/api/v1/buildings/{id}/calls", tag = "remote call",
    params(("id" = i64, Path, description = "building id")), request_body = CallInput,
    responses((status = 201, body = CallReply, description = "placed, or refused by the building (state cancelled with a reason)"),
        (status = 400), (status = 401), (status = 403), (status = 404), (status = 422)))]
async fn place(
    State(s): State<AppState>,
    caller: Caller,
    Path(building): Path<i64>,
    headers: HeaderMap,
    Json(body): Json<serde_json::Value>,
) -> ApiResult<Response> {
    caller.require(Resource::Calls, Action::Write)?;
    let input: CallInput = serde_json::from_value(body.clone())
        .map_err(|e| AppError::BadRequest(format!("invalid JSON body: {e}")))?;
    let ask = input.ask()?;
    let key = headers
        .get(IDEMPOTENCY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let hash = request_hash(building, &body);
    if let Some(key) = &key {
        if key.is_empty() || key.len() > 200 {
            return Err(AppError::BadRequest(
                "Idempotency-Key must be 1 to 200 characters".into(),
            ));
        }
        if let Some(r) = hoistway_remote::calls_of(&s)
            .book
            .replay(caller.user.id, key)
        {
            if r.request_hash != hash {
                return Err(AppError::Unprocessable(
                    "this Idempotency-Key was already used for a different request".into(),
                ));
            }
            let mut res = (
                StatusCode::from_u16(r.status).unwrap_or(StatusCode::CREATED),
                [(axum::http::header::CONTENT_TYPE, "application/json")],
                r.body,
            )
                .into_response();
            res.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return Ok(res);
        }
    }
    let (b, areas) = access::call_areas(&s, &caller, building).await?;
    let kind = match ask {
        route::Ask::Destination { .. } => "destination",
        route::Ask::Landing { .. } => "landing",
    };
    let placed = hoistway_remote::calls_of(&s)
        .place(
            building,
            b.customer_id,
            Owner::User(caller.user.id),
            &areas,
            ask,
            input.group.as_deref(),
        )
        .await?;
    let reply = match placed {
        Placed::Accepted(ev) => reply_of(building, kind, &ev),
        Placed::Refused { group, reason } => refused(building, kind, group, reason),
    };
    let text = serde_json::to_string(&reply).map_err(AppError::internal)?;
    if let Some(key) = &key {
        hoistway_remote::calls_of(&s).book.remember_replay(
            caller.user.id,
            key,
            Replay {
                request_hash: hash,
                status: 201,
                body: text.clone(),
                at: s.clock.now(),
            },
        );
    }
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        text,
    )
        .into_response())
}

fn reply_of(building: i64, kind: &str, ev: &CallEvent) -> CallReply {
    CallReply {
        id: Some(ev.call),
        building_id: building,
        kind: Some(kind.into()),
        group: Some(ev.group.clone()),
        state: ev.state,
        lift: ev.lift.clone(),
        guidance: ev.guidance.clone(),
        reason: ev.reason,
        events: Some(format!(
            "/api/v1/buildings/{building}/calls/{}/events",
            ev.call
        )),
    }
}

/// Withdraws a call that has not been boarded yet (only its caller may).
#[utoipa::path(delete, path = "/api/v1/buildings/{id}/calls/{call_id}", tag = "remote call",
    params(("id" = i64, Path, description = "building id"), ("call_id" = u64, Path)),
    responses((status = 200, body = CallReply), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn cancel(
    State(s): State<AppState>,
    caller: Caller,
    Path((building, call)): Path<(i64, u64)>,
) -> ApiResult<Json<CallReply>> {
    caller.require(Resource::Calls, Action::Write)?;
    access::call_areas(&s, &caller, building).await?;
    hoistway_remote::calls_of(&s)
        .cancel(building, call, Owner::User(caller.user.id))
        .await?;
    Ok(Json(CallReply {
        id: Some(call),
        building_id: building,
        kind: None,
        group: None,
        state: CallState::Cancelled,
        lift: None,
        guidance: None,
        reason: Some(CancelReason::ByCaller),
        events: None,
    }))
}

/// Live state of a call as server-sent events (`event: call`, data a
/// `CallEvent`): every step so far, then each change, until `served` or
/// `cancelled`. Only the call's caller may follow it.
#[utoipa::path(get, path = "/api/v1/buildings/{id}/calls/{call_id}/events", tag = "remote call",
    params(("id" = i64, Path, description = "building id"), ("call_id" = u64, Path)),
    responses((status = 200, content_type = "text/event-stream", body = CallEvent), (status = 401), (status = 403), (status = 404)))]
async fn events(
    State(s): State<AppState>,
    caller: Caller,
    Path((building, call)): Path<(i64, u64)>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    caller.require(Resource::Calls, Action::Read)?;
    access::call_areas(&s, &caller, building).await?;
    let (history, rx) = hoistway_remote::calls_of(&s)
        .book
        .follow(building, call, Owner::User(caller.user.id))
        .ok_or(AppError::NotFound("call"))?;
    Ok(Sse::new(call_stream(history, rx)).keep_alive(KeepAlive::default()))
}

struct Follow {
    queued: VecDeque<CallEvent>,
    rx: broadcast::Receiver<CallEvent>,
    done: bool,
    seq: u64,
}

fn call_stream(
    history: Vec<CallEvent>,
    rx: broadcast::Receiver<CallEvent>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let start = Follow {
        queued: history.into(),
        rx,
        done: false,
        seq: 0,
    };
    stream::unfold(start, |mut f| async move {
        if f.done {
            return None;
        }
        let next = match f.queued.pop_front() {
            Some(e) => e,
            None => loop {
                match f.rx.recv().await {
                    Ok(e) => break e,
                    Err(broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            },
        };
        f.done = next.state.is_final();
        f.seq += 1;
        let event = Event::default()
            .event("call")
            .id(f.seq.to_string())
            .json_data(&next)
            .unwrap_or_else(|_| Event::default().event("call"));
        Some((Ok(event), f))
    })
}

/// How many calls the building had: placed, served, cancelled by reason.
/// The only trace calls leave. Not for residents.
#[utoipa::path(get, path = "/api/v1/buildings/{id}/call-counters", tag = "remote call",
    params(("id" = i64, Path, description = "building id")),
    responses((status = 200, body = CallCounters), (status = 401), (status = 403), (status = 404)))]
async fn counters(
    State(s): State<AppState>,
    caller: Caller,
    Path(building): Path<i64>,
) -> ApiResult<Json<CallCounters>> {
    caller.require(Resource::Calls, Action::Read)?;
    if caller.user.role == Role::Resident {
        return Err(AppError::Forbidden(
            "a resident may not read building statistics".into(),
        ));
    }
    hoistway_remote::calls_of(&s).flush().await?;
    Ok(Json(
        call_counters::get(&s.db, &caller.scope, building).await?,
    ))
}
