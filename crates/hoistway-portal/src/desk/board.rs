//! `/desk/escalations`: the duty manager's escalation board. Two lists of
//! what is waiting for someone to take charge, the longest waiting first:
//! the SLA escalations nobody has acknowledged (a promise at risk or
//! broken, an entrapment), and customers' requests for escalation the desk
//! has not answered. Acknowledging from here goes through the same API
//! functions as on the case page and comes back to the board.

use super::queue::Names;
use super::{priority_badge, span_text};
use crate::forms::csrf_field;
use crate::layout::{self, Area};
use crate::page::{Ctx, PageResult};
use crate::ui;
use axum::extract::State;
use axum::response::IntoResponse;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::cases::sla::{open_escalations, OpenEscalation};
use hoistway_store::cases::{self, Case, CaseFilter};
use maud::{html, Markup};

/// Where an acknowledgement made on the board returns to.
pub const PATH: &str = "/desk/escalations";

/// Most rows of each list.
const LIMIT: i64 = 200;

fn waiting(
    ctx: &Ctx,
    since: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> Markup {
    let d = &ctx.t.desk;
    let secs = (now - since).num_seconds().max(0);
    html! {
        time datetime=(since.to_rfc3339()) { ((d.waiting_for)(&span_text(secs))) }
    }
}

/// One row of a board list, whatever is waiting.
struct Row<'a> {
    since: chrono::DateTime<chrono::Utc>,
    number: &'a str,
    priority: &'a str,
    building_id: i64,
    unit_id: Option<i64>,
    urgent: bool,
    what: Markup,
    /// The acknowledging form's action and its extra fields.
    action: String,
    fields: Vec<(&'static str, &'a str)>,
    button: &'static str,
}

fn rows(
    ctx: &Ctx,
    list: &[Row],
    empty: &str,
    names: &Names,
    now: chrono::DateTime<chrono::Utc>,
) -> Markup {
    let t = ctx.t;
    let d = &t.desk;
    html! {
        @if list.is_empty() {
            tr { td colspan="5" { (ui::empty(empty)) } }
        }
        @for r in list {
            tr class=(if r.urgent { "row-emergency" } else { "" }) {
                td data-label=(d.col_waiting) { (waiting(ctx, r.since, now)) }
                td data-label=(d.col_case) {
                    a.case-link href=(format!("/desk/cases/{}", r.number)) { (r.number) }
                    " " (priority_badge(t, r.priority))
                }
                td data-label=(d.col_escalation) { (r.what) }
                td data-label=(d.col_where) {
                    span.block { (names.building(r.building_id)) }
                    span.sub { (names.unit(t, r.unit_id)) }
                }
                td {
                    form method="post" action=(r.action) {
                        (csrf_field(ctx))
                        @for (name, value) in &r.fields {
                            input type="hidden" name=(name) value=(value);
                        }
                        input type="hidden" name="from" value="board";
                        button.btn.btn-primary.btn-sm type="submit" { (r.button) }
                    }
                }
            }
        }
    }
}

fn sla_row<'a>(ctx: &Ctx, o: &'a OpenEscalation) -> Row<'a> {
    let d = &ctx.t.desk;
    let e = &o.escalation;
    Row {
        since: e.sent_at,
        number: &o.case_number,
        priority: &o.priority,
        building_id: o.building_id,
        unit_id: o.unit_id,
        urgent: e.kind == "entrapment",
        what: html! {
            strong { ((d.escalation_kind)(&e.kind)) }
            @if e.repeat > 0 { " " span.muted { ((d.repeat)(e.repeat)) } }
            span.sub.block { (e.reason) }
        },
        action: format!("/desk/cases/{}/acknowledge", o.case_number),
        fields: vec![("kind", e.kind.as_str())],
        button: d.acknowledge,
    }
}

fn ask_row<'a>(ctx: &Ctx, c: &'a Case) -> Option<Row<'a>> {
    let d = &ctx.t.desk;
    let ask = c.escalation_request.as_ref()?;
    Some(Row {
        since: ask.requested_at,
        number: &c.number,
        priority: &c.priority,
        building_id: c.building_id,
        unit_id: c.unit_id,
        urgent: false,
        what: html! { ((d.escalation_asked)(&ask.reason)) },
        action: format!("/desk/cases/{}/escalation-ack", c.number),
        fields: Vec::new(),
        button: d.acknowledge_ask,
    })
}

fn table(ctx: &Ctx, heading: &str, rows: Markup) -> Markup {
    let d = &ctx.t.desk;
    html! {
        section.card {
            h2 { (heading) }
            div.table-wrap {
                table.stack-sm.board {
                    caption.sr-only { (heading) }
                    thead { tr {
                        th scope="col" { (d.col_waiting) }
                        th scope="col" { (d.col_case) }
                        th scope="col" { (d.col_escalation) }
                        th scope="col" { (d.col_where) }
                        th scope="col" { span.sr-only { (d.acknowledge) } }
                    } }
                    tbody { (rows) }
                }
            }
        }
    }
}

/// `GET /desk/escalations`.
pub async fn show(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    ctx.require_area(Area::Desk)?;
    ctx.require(Resource::Cases, Action::Read)?;
    let sla = open_escalations(&s.db, &ctx.caller.scope, LIMIT).await?;
    let open = cases::list(
        &s.db,
        &ctx.caller.scope,
        &CaseFilter {
            status: Some("open".into()),
            limit: Some(500),
            ..Default::default()
        },
    )
    .await?
    .items;
    let mut asks: Vec<&Case> = open
        .iter()
        .filter(|c| c.escalation_request.as_ref().is_some_and(|e| e.pending()))
        .collect();
    asks.sort_by_key(|c| c.escalation_request.as_ref().map(|e| e.requested_at));
    let names = Names::load(&s, &ctx).await?;
    let now = s.clock.now();
    let d = &ctx.t.desk;
    let sla_rows: Vec<Row> = sla.iter().map(|o| sla_row(&ctx, o)).collect();
    let ask_rows: Vec<Row> = asks.iter().filter_map(|c| ask_row(&ctx, c)).collect();
    let body = html! {
        (ui::page_header(d.board_title, Some(d.board_lead), html! {
            a.btn.btn-ghost href="/desk" { (d.back_to_queue) }
        }))
        div.tiles {
            div.tile.(if sla.is_empty() { "tile-ok" } else { "tile-bad" }) { span.n { (sla.len()) } span.l { (d.board_sla_heading) } }
            div.tile.(if asks.is_empty() { "tile-ok" } else { "tile-warn" }) { span.n { (asks.len()) } span.l { (d.board_asks_heading) } }
        }
        (table(&ctx, d.board_sla_heading, rows(&ctx, &sla_rows, d.board_empty, &names, now)))
        (table(&ctx, d.board_asks_heading, rows(&ctx, &ask_rows, d.board_asks_empty, &names, now)))
    };
    Ok(layout::page(&ctx, d.board_title, body).into_response())
}
