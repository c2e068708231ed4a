//! The technician's phone view, designed for 390 px first: `/tech` lists
//! my work orders (cases assigned to me, most urgent first, and resolved
//! ones still waiting for a report), `/tech/cases/{number}` is one order
//! with big status buttons (en route, on site, resolved), the service
//! report form ([`report`]) and remote diagnostics/reset for connected
//! units. A case assigned to someone else is a 404 here; the API's shared
//! functions refuse its moves too.

pub mod order;
pub mod report;

use crate::desk::{countdown, next_due, priority_badge};
use crate::layout::{self, Area};
use crate::page::{Ctx, PageResult};
use crate::ui;
use axum::extract::State;
use axum::response::IntoResponse;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::cases::{self, Case, CaseFilter};
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
    let names = crate::desk::queue::Names::load(&s, &ctx).await?;
    let t = ctx.t;
    let now = s.clock.now();
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
    };
    Ok(layout::page(&ctx, t.tech.title, body).into_response())
}
