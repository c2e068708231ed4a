//! `/tech/cases/{number}`: one work order on the phone. Big buttons for
//! the next steps a technician takes (en route, on site, resolved, as the
//! status machine allows from here), the service report while on site
//! and once resolved (the store takes it in either state), remote
//! diagnostics/reset for a connected unit (a refusal shows its reason:
//! offline, passengers aboard, alarm, unsafe mode) and the unit's history.

use super::history::{self, Current};
use super::report;
use crate::desk::case::{report_view, timeline_list};
use crate::desk::queue::Names;
use crate::desk::{countdown, next_due, priority_badge, refused};
use crate::forms::{csrf_field, Posted};
use crate::layout::{self, Area};
use crate::page::{redirect_with, Ctx, PageResult, PortalError};
use crate::ui;
use axum::extract::State;
use axum::response::IntoResponse;
use hoistway_api::cases as api;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_connected::remote::{self, CommandInput};
use hoistway_desk::Status;
use hoistway_store::cases::lifecycle::StatusChange;
use hoistway_store::cases::{self, timeline, Case};
use maud::html;

/// My case, or 404 (another technician's case is not shown at all).
async fn my_case(s: &AppState, ctx: &Ctx, number: &str) -> Result<Case, PortalError> {
    ctx.require_area(Area::Tech)?;
    let c = cases::get(&s.db, &ctx.caller.scope, number).await?;
    if c.technician_id != Some(ctx.caller.user.id) {
        return Err(PortalError::NotFound);
    }
    hoistway_api::privacy::audit_case_read(s, &ctx.caller, &c).await?;
    Ok(c)
}

/// The steps a technician takes, in field order.
const STEPS: [Status; 3] = [Status::EnRoute, Status::OnSite, Status::Resolved];

/// `GET /tech/cases/{number}`.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> PageResult {
    let c = my_case(&s, &ctx, &number).await?;
    let t = ctx.t;
    let r = &t.tech;
    let names = Names::load(&s, &ctx).await?;
    let building = hoistway_store::buildings::get(&s.db, &ctx.caller.scope, c.building_id).await?;
    let tz = ui::zone(&building.timezone);
    let entries = timeline::list(&s.db, c.id, true).await?;
    let connected = match c.unit_id {
        Some(u) => hoistway_store::units::get(&s.db, &ctx.caller.scope, u)
            .await
            .map(|u| u.connected)
            .unwrap_or(false),
        None => false,
    };
    let next = c.status().allowed_next();
    let history = match c.unit_id {
        Some(u) => Some(history::block(&s, &ctx, u, tz, Current::Case(c.id)).await?),
        None => None,
    };
    let report_open = matches!(c.status(), Status::OnSite | Status::Resolved) && c.report.is_none();
    let now = s.clock.now();
    let body = html! {
        p.crumbs { a href="/tech" { (r.title) } " / " (c.number) }
        div.order-head {
            div.order-top {
                (priority_badge(t, &c.priority))
                (ui::case_status_badge(t, &c.number, &c.status))
                span.order-due { (countdown(t, next_due(&c), now)) }
            }
            h1 { (building.name) }
            p.lead { (building.address) br; (names.unit(t, c.unit_id)) " · " (c.number) }
        }
        @if c.passengers_trapped {
            div.flash.flash-error role="alert" { ((r.trapped)(c.safety.trapped_count)) }
        }
        section.card {
            p.symptoms { (c.symptoms) }
            @if let Some(a) = &c.access_instructions { p { strong { (r.access) } " " (a) } }
            @if let Some(p) = &c.callback_phone {
                a.btn.btn-block href=(format!("tel:{}", p.replace(' ', ""))) { (r.call) " " (p) }
            }
        }
        @if c.status().is_open() {
            section.steps aria-label=(r.steps) {
                @for step in STEPS.iter().filter(|st| next.contains(st)) {
                    form method="post" action=(format!("/tech/cases/{}/status", c.number)) {
                        (csrf_field(&ctx))
                        input type="hidden" name="status" value=(step.as_str());
                        button.btn.btn-primary.btn-block.btn-big type="submit" { ((r.step)(step.as_str())) }
                    }
                }
            }
        }
        @if connected && c.status().is_open() {
            section.card {
                h2 { (r.remote_heading) }
                p.hint { (r.remote_hint) }
                div.remote-buttons {
                    @for (cmd, label) in [("diagnostics", r.diagnostics), ("reset", r.reset)] {
                        form method="post" action=(format!("/tech/cases/{}/command", c.number)) {
                            (csrf_field(&ctx))
                            input type="hidden" name="command" value=(cmd);
                            button.btn.btn-block type="submit" data-confirm=[(cmd == "reset").then_some(r.reset_confirm)] { (label) }
                        }
                    }
                }
            }
        }
        @if report_open {
            section.card {
                h2 { (r.report_heading) }
                @if c.status() == Status::OnSite { p.hint { (t.tech_visits.report_on_site_hint) } }
                (report::form(&ctx, &c))
            }
        }
        @if let Some(rep) = &c.report {
            section.card { h2 { (t.desk.report_heading) } (report_view(t, rep, c.quote_decision.as_deref())) }
        }
        details.card.more {
            summary { (t.desk.timeline_heading) }
            (timeline_list(t, &entries, tz))
        }
        @if let Some(h) = history { (h) }
    };
    Ok(layout::page(&ctx, &c.number, body).into_response())
}

fn back(number: &str) -> String {
    format!("/tech/cases/{number}")
}

/// `POST /tech/cases/{number}/status`.
pub async fn status(
    State(s): State<AppState>,
    Path(number): Path<String>,
    posted: Posted,
) -> PageResult {
    my_case(&s, &posted.ctx, &number).await?;
    let change = StatusChange {
        status: posted.get("status").unwrap_or_default().to_string(),
        reason: None,
        hold: None,
        part: None,
        lead_time_days: None,
    };
    let t = posted.ctx.t;
    match api::move_status(&s, &posted.ctx.caller, &number, change).await {
        Ok(c) => Ok(redirect_with(
            &s,
            &back(&number),
            true,
            (t.desk.moved)((t.labels.case_status)(&c.status)),
        )),
        Err(e) => refused(&s, &back(&number), e),
    }
}

/// `POST /tech/cases/{number}/report`.
pub async fn file_report(
    State(s): State<AppState>,
    Path(number): Path<String>,
    posted: Posted,
) -> PageResult {
    my_case(&s, &posted.ctx, &number).await?;
    let t = posted.ctx.t;
    let draft = match report::draft_of(&posted) {
        Ok(d) => d,
        Err(field) => {
            return Ok(redirect_with(
                &s,
                &back(&number),
                false,
                (t.tech.unreadable)(field),
            ))
        }
    };
    match api::file_report(&s, &posted.ctx.caller, &number, draft).await {
        Ok(_) => Ok(redirect_with(&s, &back(&number), true, t.tech.report_filed)),
        Err(e) => refused(&s, &back(&number), e),
    }
}

/// `POST /tech/cases/{number}/command`: remote diagnostics or reset.
pub async fn command(
    State(s): State<AppState>,
    Path(number): Path<String>,
    posted: Posted,
) -> PageResult {
    let c = my_case(&s, &posted.ctx, &number).await?;
    let t = posted.ctx.t;
    let Some(unit) = c.unit_id else {
        return Err(PortalError::NotFound);
    };
    let input = CommandInput {
        command: posted.get("command").unwrap_or_default().to_string(),
    };
    match remote::send(&s, &posted.ctx.caller, unit, input).await {
        Ok(cmd) => Ok(redirect_with(
            &s,
            &back(&number),
            true,
            (t.tech.command_sent)(&cmd.command),
        )),
        Err(e) => refused(&s, &back(&number), e),
    }
}
