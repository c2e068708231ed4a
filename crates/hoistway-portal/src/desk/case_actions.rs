//! The care center's actions on one case (`POST /desk/cases/{number}/…`):
//! status moves, dispatch, priority override, notes, acknowledgements and
//! the answers to the customer's asks. Each calls the API's shared
//! function of that action, so role checks, audit and live notices are one
//! path; a refusal comes back to the case page as a flash.

use super::case::{ETA_MINUTES, MAX_PREDICTED_MINUTES};
use super::refused;
use crate::forms::Posted;
use crate::layout::Area;
use crate::page::{redirect_with, PageResult};
use axum::extract::State;
use hoistway_api::cases as api;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_store::cases;
use hoistway_store::cases::lifecycle::{
    Acknowledgement, Assignment, Note, PriorityChange, StatusChange,
};

fn back(number: &str) -> String {
    format!("/desk/cases/{number}")
}

/// `POST /desk/cases/{number}/status`.
pub async fn status(
    State(s): State<AppState>,
    Path(number): Path<String>,
    posted: Posted,
) -> PageResult {
    posted.ctx.require_area(Area::Desk)?;
    let change = StatusChange {
        status: posted.get("status").unwrap_or_default().to_string(),
        reason: posted.get("reason").map(str::to_string),
        hold: None,
        part: posted.get("part").map(str::to_string),
        // Blank: the catalogue's lead time; not a number: refused by the
        // store's range check, naming the field.
        lead_time_days: posted
            .get("lead_time_days")
            .map(|v| v.parse().unwrap_or(-1)),
    };
    match api::move_status(&s, &posted.ctx.caller, &number, change).await {
        Ok(c) => Ok(redirect_with(
            &s,
            &back(&number),
            true,
            (posted.ctx.t.desk.moved)((posted.ctx.t.labels.case_status)(&c.status)),
        )),
        Err(e) => refused(&s, &back(&number), e),
    }
}

/// `POST /desk/cases/{number}/assign`: technician and ETA.
pub async fn assign(
    State(s): State<AppState>,
    Path(number): Path<String>,
    posted: Posted,
) -> PageResult {
    posted.ctx.require_area(Area::Desk)?;
    let t = posted.ctx.t;
    let Some(technician_id) = posted.get("technician_id").and_then(|v| v.parse().ok()) else {
        return Ok(redirect_with(
            &s,
            &back(&number),
            false,
            t.desk.technician_missing,
        ));
    };
    let now = s.clock.now();
    let predicted = posted
        .get("eta_predicted_minutes")
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|m| (1..=MAX_PREDICTED_MINUTES).contains(m));
    let eta = match posted.get("eta_minutes") {
        // A suggestion's predicted on-site time becomes the ETA.
        _ if predicted.is_some() => predicted.map(|m| now + chrono::Duration::minutes(m)),
        // The ETA already promised stands (a redispatch does not move it).
        Some("keep") => cases::get(&s.db, &posted.ctx.caller.scope, &number)
            .await?
            .eta
            .filter(|eta| *eta > now),
        v => v
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|m| ETA_MINUTES.contains(m))
            .map(|m| now + chrono::Duration::minutes(m)),
    };
    match api::dispatch(
        &s,
        &posted.ctx.caller,
        &number,
        Assignment { technician_id, eta },
    )
    .await
    {
        Ok(_) => Ok(redirect_with(&s, &back(&number), true, t.desk.dispatched)),
        Err(e) => refused(&s, &back(&number), e),
    }
}

/// `POST /desk/cases/{number}/priority`: the duty manager's override.
pub async fn priority(
    State(s): State<AppState>,
    Path(number): Path<String>,
    posted: Posted,
) -> PageResult {
    posted.ctx.require_area(Area::Desk)?;
    let change = PriorityChange {
        priority: posted.get("priority").unwrap_or_default().to_string(),
        reason: posted.get("reason").unwrap_or_default().to_string(),
    };
    match api::override_priority(&s, &posted.ctx.caller, &number, change).await {
        Ok(_) => Ok(redirect_with(
            &s,
            &back(&number),
            true,
            posted.ctx.t.desk.overridden,
        )),
        Err(e) => refused(&s, &back(&number), e),
    }
}

/// `POST /desk/cases/{number}/note`.
pub async fn note(
    State(s): State<AppState>,
    Path(number): Path<String>,
    posted: Posted,
) -> PageResult {
    posted.ctx.require_area(Area::Desk)?;
    let n = Note {
        text: posted.get("text").unwrap_or_default().to_string(),
        internal: posted.get("internal").is_some(),
    };
    match api::add_note(&s, &posted.ctx.caller, &number, n).await {
        Ok(_) => Ok(redirect_with(
            &s,
            &back(&number),
            true,
            posted.ctx.t.desk.noted,
        )),
        Err(e) => refused(&s, &back(&number), e),
    }
}

/// Where an acknowledgement returns: the escalation board when it was made
/// there (a fixed path, never a URL from the form), else the case page.
fn return_to(posted: &Posted, number: &str) -> String {
    if posted.get("from") == Some("board") {
        super::board::PATH.to_string()
    } else {
        back(number)
    }
}

/// `POST /desk/cases/{number}/acknowledge`.
pub async fn acknowledge(
    State(s): State<AppState>,
    Path(number): Path<String>,
    posted: Posted,
) -> PageResult {
    posted.ctx.require_area(Area::Desk)?;
    let a = Acknowledgement {
        kind: posted.get("kind").unwrap_or_default().to_string(),
    };
    let to = return_to(&posted, &number);
    match api::acknowledge_escalation(&s, &posted.ctx.caller, &number, a).await {
        Ok(_) => Ok(redirect_with(&s, &to, true, posted.ctx.t.desk.acknowledged)),
        Err(e) => refused(&s, &to, e),
    }
}

/// `POST /desk/cases/{number}/escalation-ack`: the customer's request for
/// escalation is acknowledged.
pub async fn escalation_ack(
    State(s): State<AppState>,
    Path(number): Path<String>,
    posted: Posted,
) -> PageResult {
    posted.ctx.require_area(Area::Desk)?;
    let to = return_to(&posted, &number);
    match api::acknowledge_escalation_request(&s, &posted.ctx.caller, &number).await {
        Ok(_) => Ok(redirect_with(
            &s,
            &to,
            true,
            posted.ctx.t.desk.ask_acknowledged,
        )),
        Err(e) => refused(&s, &to, e),
    }
}

/// `POST /desk/cases/{number}/callback-done`: the customer was called back.
pub async fn callback_done(
    State(s): State<AppState>,
    Path(number): Path<String>,
    posted: Posted,
) -> PageResult {
    posted.ctx.require_area(Area::Desk)?;
    match api::complete_callback(&s, &posted.ctx.caller, &number).await {
        Ok(_) => Ok(redirect_with(
            &s,
            &back(&number),
            true,
            posted.ctx.t.desk.callback_marked,
        )),
        Err(e) => refused(&s, &back(&number), e),
    }
}
