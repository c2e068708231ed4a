//! `/desk`: the queue of open cases, the next promise to fall due first
//! (the store's `sort=sla` order, the API's own), with a countdown per
//! case that app.js ticks down and filters by priority, status and text.
//! A customer's pending asks (escalation, a callback) are markers on the
//! case's row until the desk answers them on the case page.
//! `/desk/rows` is the table body alone: app.js fetches it when the live
//! stream reports a case created or moved, so the queue stays current
//! without a reload.

use super::{countdown, next_due, priority_badge};
use crate::fleet;
use crate::layout::{self, Area};
use crate::page::{Ctx, PageResult};
use crate::strings::Strings;
use crate::ui;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::cases::{self, Case, CaseFilter};
use hoistway_store::maintenance::technicians;
use hoistway_store::ListFilter;
use maud::{html, Markup};
use serde::Deserialize;
use std::collections::HashMap;

/// Filters of the queue (all optional; blank means any).
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    pub priority: Option<String>,
    pub status: Option<String>,
    pub q: Option<String>,
}

fn blank_none(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// Names to show beside ids: buildings, units, technicians.
pub struct Names {
    pub buildings: HashMap<i64, String>,
    pub units: HashMap<i64, String>,
    pub technicians: HashMap<i64, String>,
}

impl Names {
    pub async fn load(s: &AppState, ctx: &Ctx) -> Result<Names, crate::page::PortalError> {
        let buildings = fleet::buildings(s, &ctx.caller).await?;
        let units = fleet::units(s, &ctx.caller, &ListFilter::default()).await?;
        let techs = technicians::list(&s.db).await?;
        Ok(Names {
            buildings: buildings.into_iter().map(|b| (b.id, b.name)).collect(),
            units: units.iter().map(|u| (u.id, fleet::unit_name(u))).collect(),
            technicians: techs.into_iter().map(|t| (t.user_id, t.name)).collect(),
        })
    }

    pub fn building(&self, id: i64) -> String {
        self.buildings
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("#{id}"))
    }

    pub fn unit(&self, t: &Strings, id: Option<i64>) -> String {
        id.map(|u| {
            self.units
                .get(&u)
                .cloned()
                .unwrap_or_else(|| format!("#{u}"))
        })
        .unwrap_or_else(|| t.desk.unit_unknown.to_string())
    }

    pub fn technician(&self, id: Option<i64>) -> Option<String> {
        id.map(|u| {
            self.technicians
                .get(&u)
                .cloned()
                .unwrap_or_else(|| format!("#{u}"))
        })
    }
}

async fn load(
    s: &AppState,
    ctx: &Ctx,
    q: &QueueQuery,
) -> Result<Vec<Case>, crate::page::PortalError> {
    ctx.require_area(Area::Desk)?;
    ctx.require(Resource::Cases, Action::Read)?;
    let asked = CaseFilter {
        status: Some(blank_none(&q.status).unwrap_or_else(|| "open".into())),
        priority: blank_none(&q.priority),
        q: blank_none(&q.q),
        sort: Some("sla".into()),
        limit: Some(200),
        ..Default::default()
    };
    let (f, mut list) = match cases::list(&s.db, &ctx.caller.scope, &asked).await {
        Ok(page) => (asked, page.items),
        // A hand-edited filter value: show the whole queue instead of an error.
        Err(hoistway_store::StoreError::Invalid(_)) => {
            let whole = CaseFilter {
                status: Some("open".into()),
                sort: Some("sla".into()),
                limit: Some(200),
                ..Default::default()
            };
            let items = cases::list(&s.db, &ctx.caller.scope, &whole).await?.items;
            (whole, items)
        }
        Err(e) => return Err(e.into()),
    };
    if f.priority.is_none() {
        // Emergencies stay on top, however many other cases fall due first
        // (a flood of machine cases must not push one off the page).
        let emergencies = cases::list(
            &s.db,
            &ctx.caller.scope,
            &CaseFilter {
                priority: Some("emergency".into()),
                ..f.clone()
            },
        )
        .await?
        .items;
        list.retain(|c| c.priority != "emergency");
        list.splice(0..0, emergencies);
    }
    Ok(list)
}

fn rows(t: &Strings, list: &[Case], names: &Names, now: DateTime<Utc>) -> Markup {
    html! {
        @if list.is_empty() {
            tr { td colspan="7" { (ui::empty(t.desk.queue_empty)) } }
        }
        @for c in list {
            tr class=(if c.priority == "emergency" { "row-emergency" } else { "" }) data-case=(c.number) {
                td data-label=(t.desk.col_due) { (countdown(t, next_due(c), now)) }
                td data-label=(t.desk.col_priority) { (priority_badge(t, &c.priority)) }
                td data-label=(t.desk.col_case) {
                    a.case-link href=(format!("/desk/cases/{}", c.number)) { (c.number) }
                    @if c.passengers_trapped { " " (ui::badge(ui::Tone::Bad, t.desk.trapped_flag)) }
                    @if c.escalation_request.as_ref().is_some_and(|e| e.pending()) { " " (ui::badge(ui::Tone::Bad, t.desk.escalation_flag)) }
                    @if c.callback_request.as_ref().is_some_and(|cb| cb.pending()) { " " (ui::badge(ui::Tone::Warn, t.desk.callback_flag)) }
                }
                td data-label=(t.desk.col_where) {
                    span.block { (names.building(c.building_id)) }
                    span.sub { (names.unit(t, c.unit_id)) }
                }
                td data-label=(t.desk.col_problem) { (ui::short(&c.symptoms, 90)) }
                td data-label=(t.desk.col_status) { (ui::case_status_badge(t, &c.number, &c.status)) }
                td data-label=(t.desk.col_technician) {
                    @match names.technician(c.technician_id) {
                        Some(n) => { (n) }
                        None => { span.muted { (t.desk.unassigned) } }
                    }
                }
            }
        }
    }
}

fn filters(t: &Strings, q: &QueueQuery) -> Markup {
    let pr = q.priority.as_deref().unwrap_or("");
    let st = q.status.as_deref().unwrap_or("");
    html! {
        form.filters.card method="get" action="/desk" data-autosubmit role="search" {
            div.field {
                label for="f-priority" { (t.desk.col_priority) }
                select #f-priority name="priority" {
                    option value="" selected[pr.is_empty()] { (t.common.all) }
                    @for p in ["emergency", "urgent", "routine"] {
                        option value=(p) selected[pr == p] { ((t.desk.priority)(p)) }
                    }
                }
            }
            div.field {
                label for="f-status" { (t.desk.col_status) }
                select #f-status name="status" {
                    option value="" selected[st.is_empty() || st == "open"] { (t.desk.all_open) }
                    @for s in ["new", "dispatched", "en_route", "on_site", "on_hold", "resolved"] {
                        option value=(s) selected[st == s] { ((t.labels.case_status)(s)) }
                    }
                }
            }
            div.field {
                label for="f-q" { (t.desk.search) }
                input #f-q type="text" name="q" value=(q.q.as_deref().unwrap_or("")) placeholder=(t.desk.search_hint);
            }
            div.buttons {
                button.btn type="submit" { (t.common.filter) }
                a.btn.btn-ghost href="/desk" { (t.common.clear_filters) }
            }
        }
    }
}

/// `GET /desk`.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Query(q): Query<QueueQuery>) -> PageResult {
    let list = load(&s, &ctx, &q).await?;
    let names = Names::load(&s, &ctx).await?;
    let t = ctx.t;
    let now = s.clock.now();
    let emergencies = list.iter().filter(|c| c.priority == "emergency").count();
    let unassigned = list.iter().filter(|c| c.technician_id.is_none()).count();
    let late = list
        .iter()
        .filter(|c| next_due(c).is_some_and(|d| d < now))
        .count();
    // Extreme weather declared anywhere now (issue #21): a banner on top.
    let storms = hoistway_store::on_call::weather::list(
        &s.db.pool,
        now,
        now + chrono::Duration::milliseconds(1),
        None,
    )
    .await?;
    let body = html! {
        (super::suggest::weather_banner(&ctx, &storms))
        (ui::page_header(t.desk.queue_title, Some(t.desk.queue_lead), html! {
            a.btn.btn-ghost href=(super::board::PATH) { (t.desk.board_link) }
            a.btn.btn-ghost href="/desk/offers" { (t.offers.desk_link) }
            a.btn.btn-ghost href=(super::rota::PATH) { (t.on_call.desk_link) }
            a.btn.btn-ghost href="/desk/recurring" { (t.root_causes.to_dashboard) }
            a.btn.btn-ghost href="/desk/lifecycle" { (t.root_causes.to_lifecycle) }
            a.btn.btn-primary href="/desk/intake" { (t.desk.new_intake) }
        }))
        div.tiles {
            div.tile.tile-info { span.n { (list.len()) } span.l { (t.desk.tile_open) } }
            div.tile.(if emergencies > 0 { "tile-bad" } else { "tile-muted" }) { span.n { (emergencies) } span.l { (t.desk.tile_emergency) } }
            div.tile.(if unassigned > 0 { "tile-warn" } else { "tile-ok" }) { span.n { (unassigned) } span.l { (t.desk.tile_unassigned) } }
            div.tile.(if late > 0 { "tile-bad" } else { "tile-ok" }) { span.n { (late) } span.l { (t.desk.tile_overdue) } }
        }
        (filters(t, &q))
        section.card.queue-card {
            div.card-head {
                h2 { (t.desk.queue_heading) }
                span.muted.small data-live-note { (t.desk.live_note) }
            }
            div.table-wrap {
                table.stack-sm.queue {
                    caption.sr-only { (t.desk.queue_heading) }
                    thead { tr {
                        th scope="col" { (t.desk.col_due) }
                        th scope="col" { (t.desk.col_priority) }
                        th scope="col" { (t.desk.col_case) }
                        th scope="col" { (t.desk.col_where) }
                        th scope="col" { (t.desk.col_problem) }
                        th scope="col" { (t.desk.col_status) }
                        th scope="col" { (t.desk.col_technician) }
                    } }
                    tbody data-queue-rows="/desk/rows" data-live-list="cases" aria-live="polite" {
                        (rows(t, &list, &names, now))
                    }
                }
            }
        }
    };
    Ok(layout::page(&ctx, t.desk.queue_title, body).into_response())
}

/// `GET /desk/rows`: the queue's table body, for the live refresh.
pub async fn rows_only(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QueueQuery>,
) -> PageResult {
    let list = load(&s, &ctx, &q).await?;
    let names = Names::load(&s, &ctx).await?;
    let markup = rows(ctx.t, &list, &names, s.clock.now());
    Ok((
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response())
}
