//! The care-center console (operator, duty manager, provider admin):
//! [`queue`] (`/desk`, open cases by SLA urgency with live countdowns),
//! [`intake`] (`/desk/intake`, a phone call whose safety checklist drives
//! triage as it is filled in), [`case`] (`/desk/cases/{number}`: timeline,
//! status moves, dispatch, priority override, notes, escalations; its
//! forms' handlers are [`case_actions`]),
//! [`board`] (`/desk/escalations`: the duty manager's escalation board),
//! [`rota`] (`/desk/rota`: shifts, on call now, extreme weather) and
//! [`suggest`] (the case page's ranked dispatch suggestions, the weather banner).
//!
//! Every change goes through the API's own functions in
//! [`hoistway_api::cases`] (same role checks, same store calls, same live
//! notice); a refusal comes back as a flash message on the page.

pub mod board;
pub mod case;
pub mod case_actions;
pub mod intake;
pub mod queue;
pub mod rota;
pub mod suggest;

use super::page::{redirect_with, PageResult, PortalError};
use super::strings::Strings;
use super::ui::{self, Tone};
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use hoistway_app::error::AppError;
use hoistway_app::state::AppState;
use hoistway_store::cases::Case;
use maud::{html, Markup};

/// The instant the case's next promise falls due: on site by the response
/// deadline, then resolved by the resolution deadline.
pub fn next_due(c: &Case) -> Option<DateTime<Utc>> {
    if !c.status().is_open() {
        return None;
    }
    if c.first_on_site_at.is_none() {
        c.sla.response_due
    } else {
        c.sla.resolution_due
    }
}

/// "1 h 05 min" / "12 min" / "40 s" for a span in seconds (absolute).
pub fn span_text(secs: i64) -> String {
    let s = secs.abs();
    if s >= 86_400 {
        format!("{} d {} h", s / 86_400, (s % 86_400) / 3600)
    } else if s >= 3600 {
        format!("{} h {:02} min", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

/// A countdown to `due` that app.js keeps ticking (`data-due`); rendered
/// right at `now` for readers without script.
pub fn countdown(t: &Strings, due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Markup {
    let Some(due) = due else {
        return html! { span.countdown.countdown-none { (t.common.dash) } };
    };
    let left = (due - now).num_seconds();
    let (class, text) = if left < 0 {
        (
            "countdown countdown-over",
            (t.desk.overdue_by)(&span_text(left)),
        )
    } else if left < 30 * 60 {
        (
            "countdown countdown-soon",
            (t.desk.due_in)(&span_text(left)),
        )
    } else {
        ("countdown", (t.desk.due_in)(&span_text(left)))
    };
    html! {
        time class=(class) datetime=(due.to_rfc3339()) data-due=(due.to_rfc3339())
            data-in=(t.desk.due_in_js) data-over=(t.desk.overdue_js) { (text) }
    }
}

/// The priority of a case as a badge with its text.
pub fn priority_badge(t: &Strings, p: &str) -> Markup {
    let tone = match p {
        "emergency" => Tone::Bad,
        "urgent" => Tone::Warn,
        _ => Tone::Muted,
    };
    ui::badge(tone, (t.desk.priority)(p))
}

/// The SLA state word of a promise (on_track, at_risk, breached, met).
pub fn sla_badge(t: &Strings, state: Option<&str>) -> Markup {
    let Some(s) = state else {
        return html! {};
    };
    let tone = match s {
        "breached" => Tone::Bad,
        "at_risk" => Tone::Warn,
        "met" => Tone::Ok,
        _ => Tone::Info,
    };
    ui::badge(tone, (t.desk.sla_state)(s))
}

/// A refusal of a case action as the page shows it: a 403 page for a role
/// that may not, a flash on `back` for anything the user can fix.
pub fn refused(s: &AppState, back: &str, e: AppError) -> PageResult {
    match e {
        AppError::Forbidden(_) => Err(PortalError::Forbidden),
        AppError::Internal(_) | AppError::Unavailable(_) | AppError::Unauthorized => Err(e.into()),
        AppError::NotFound(_) => Err(PortalError::NotFound),
        other => Ok(redirect_with(s, back, false, other.to_string()).into_response()),
    }
}
