//! The technician's phone view, designed for 390 px first: `/tech` lists
//! my work orders (cases assigned to me, most urgent first, and resolved
//! ones still waiting for a report, then today's planned visits),
//! `/tech/cases/{number}` is one order with big status buttons (en route,
//! on site, resolved), the service report form ([`report`]) and remote
//! diagnostics/reset for connected units; `/tech/visits/{id}` is one
//! planned visit ([`visit`]). Both show the unit's history ([`history`]).
//! A case or visit assigned to someone else is a 404 here; the API's
//! shared functions refuse its moves too.

pub mod history;
pub mod order;
pub mod report;
pub mod visit;

use crate::desk::{countdown, next_due, priority_badge};
use crate::layout::{self, Area};
use crate::page::{Ctx, PageResult};
use crate::ui;
use axum::extract::State;
use axum::response::IntoResponse;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_maintenance::VisitStatus;
use hoistway_store::cases::{self, Case, CaseFilter};
use hoistway_store::maintenance::visits::{self, Visit, VisitFilter};
use maud::html;

/// My cases with `status` (`open` for all open ones), SLA order.
pub async fn mine(
    s: &AppState,
    ctx: &Ctx,
    status: &str,
) -> Result<Vec<Case>, crate::page::PortalError> {
    let f = CaseFilter {
        technician_id: Some(ctx.caller.user.id),
        status: Some(status.into()),
        sort: Some("sla".into()),
        limit: Some(100),
        ..Default::default()
    };
    Ok(cases::list(&s.db, &ctx.caller.scope, &f).await?.items)
}

/// My visits of today, each in its building's zone (a visit planned for
/// today there), plus any I started and have not completed; planned order.
pub async fn visits_today(s: &AppState, ctx: &Ctx) -> Result<Vec<Visit>, crate::page::PortalError> {
    if !ctx.may(Resource::Maintenance, Action::Read) {
        return Ok(Vec::new());
    }
    let now = s.clock.now();
    // Every zone's today lies within a day of UTC's.
    let day = chrono::Duration::days(1);
    let f = VisitFilter {
        technician_id: Some(ctx.caller.user.id),
        from: Some((now - day).date_naive().to_string()),
        to: Some((now + day).date_naive().to_string()),
        ..Default::default()
    };
    let mut out: Vec<Visit> = visits::all(&s.db, &ctx.caller.scope, &f, 500)
        .await?
        .into_iter()
        .filter(|v| {
            let today = now
                .with_timezone(&ui::zone(&v.timezone))
                .date_naive()
                .to_string();
            matches!(v.status, VisitStatus::Planned | VisitStatus::Completed)
                && v.planned_date == today
        })
        .collect();
    // Started and not completed, whatever day it was planned for.
    let started = VisitFilter {
        technician_id: Some(ctx.caller.user.id),
        status: Some(VisitStatus::InProgress.as_str().into()),
        ..Default::default()
    };
    out.extend(visits::all(&s.db, &ctx.caller.scope, &started, 100).await?);
    out.sort_by_key(|v| (v.planned_for, v.id));
    Ok(out)
}

/// `GET /tech`.
pub async fn list(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    ctx.require_area(Area::Tech)?;
    ctx.require(Resource::Cases, Action::Read)?;
    let open = mine(&s, &ctx, "open").await?;
    let to_report: Vec<Case> = mine(&s, &ctx, "resolved")
        .await?
        .into_iter()
        .filter(|c| c.report.is_none())
        .collect();
    let today = visits_today(&s, &ctx).await?;
    let mut unit_names = std::collections::HashMap::new();
    for v in &today {
        if let Ok(u) = hoistway_store::units::get(&s.db, &ctx.caller.scope, v.unit_id).await {
            unit_names.insert(v.unit_id, crate::fleet::short_unit_name(&u));
        }
    }
    let names = crate::desk::queue::Names::load(&s, &ctx).await?;
    let t = ctx.t;
    let now = s.clock.now();
    let visit_card = |v: &Visit| {
        let kind = (t.labels.visit_kind)(v.kind.as_str());
        let at = v
            .planned_for
            .with_timezone(&ui::zone(&v.timezone))
            .format("%H:%M")
            .to_string();
        html! {
            li.order data-visit=(v.id) {
                a.order-link href=(format!("/tech/visits/{}", v.id)) {
                    div.order-top {
                        (ui::badge(ui::Tone::Info, kind))
                        (visit::status_badge(t, v.status))
                    }
                    strong.order-where { (visit::visit_name(unit_names.get(&v.unit_id).unwrap_or(&v.equipment_number), &v.building_name)) }
                    span.order-unit { ((t.tech_visits.planned_line)(kind, &at, v.duration_min)) }
                    span.order-problem { (v.address) }
                }
            }
        }
    };
    let card = |c: &Case| {
        html! {
            li.order data-case=(c.number) {
                a.order-link href=(format!("/tech/cases/{}", c.number)) {
                    div.order-top {
                        (priority_badge(t, &c.priority))
                        (ui::case_status_badge(t, &c.number, &c.status))
                        span.order-due { (countdown(t, next_due(c), now)) }
                    }
                    strong.order-where { (names.building(c.building_id)) }
                    span.order-unit { (names.unit(t, c.unit_id)) " · " (c.number) }
                    span.order-problem { (ui::short(&c.symptoms, 120)) }
                }
            }
        }
    };
    let body = html! {
        (ui::page_header(t.tech.title, Some(t.tech.lead), html! {}))
        section {
            h2 { (t.tech.open_heading) " " span.count { (open.len()) } }
            @if open.is_empty() { (ui::empty(t.tech.none_open)) }
            ul.orders data-live-list="cases" { @for c in &open { (card(c)) } }
        }
        @if !to_report.is_empty() {
            section {
                h2 { (t.tech.report_due_heading) " " span.count { (to_report.len()) } }
                ul.orders { @for c in &to_report { (card(c)) } }
            }
        }
        section.visits-today {
            h2 { (t.tech_visits.today_heading) " " span.count { (today.len()) } }
            @if today.is_empty() { (ui::empty(t.tech_visits.none_today)) }
            ul.orders { @for v in &today { (visit_card(v)) } }
        }
    };
    Ok(layout::page(&ctx, t.tech.title, body).into_response())
}
