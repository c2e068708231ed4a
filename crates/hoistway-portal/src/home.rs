//! `/`: the customer's overview. Units by state, open service requests
//! with live status, the next planned visits and overdue invoices; every
//! tile leads to its detail. Staff and technicians are sent on to their
//! own start pages; front desk sees the requests part only; a resident
//! gets the remote-call app ([`super::resident`]).

use super::fleet::{self, UnitState};
use super::layout::{self, Area};
use super::page::{Ctx, PageResult};
use super::resident;
use super::ui::{self, Tone};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use chrono::Duration;
use hoistway_app::state::AppState;
use hoistway_domain::fleet::InvoiceStatus;
use hoistway_domain::{Action, Resource, Role};
use hoistway_maintenance::VisitStatus;
use hoistway_store::maintenance::visits::{self, VisitFilter};
use hoistway_store::{customers, invoices, ListFilter};
use maud::{html, Markup};

fn tile(href: &str, tone: Tone, n: usize, label: &str) -> Markup {
    let class = match tone {
        Tone::Ok => "tile tile-ok",
        Tone::Bad => "tile tile-bad",
        Tone::Warn => "tile tile-warn",
        Tone::Info => "tile tile-info",
        Tone::Muted => "tile tile-muted",
    };
    html! { a class=(class) href=(href) { span.n { (n) } span.l { (label) } } }
}

/// `GET /`.
pub async fn show(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    let role = ctx.caller.user.role;
    if role == Role::Resident {
        return resident::show(&s, &ctx).await;
    }
    if !layout::areas(role).contains(&Area::Home) {
        return Ok(Redirect::to(layout::landing(role)).into_response());
    }
    let t = ctx.t;
    let caller = &ctx.caller;
    let now = s.clock.now();
    let today = now.date_naive();
    let equipment = layout::areas(role).contains(&Area::Equipment);

    let customer = match caller.scope.customer_id() {
        Some(id) => Some(customers::get(&s.db, &caller.scope, id).await?),
        None => None,
    };
    let open = fleet::open_cases(&s, caller).await?;
    let units = fleet::units(&s, caller, &ListFilter::default()).await?;

    // The next few visits are listed; the tile counts every one planned.
    let mut upcoming = Vec::new();
    let mut planned = 0usize;
    let mut on_site = Vec::new();
    if ctx.may(Resource::Maintenance, Action::Read) {
        let f = VisitFilter {
            from: Some(today.to_string()),
            to: Some((today + Duration::days(90)).to_string()),
            ..Default::default()
        };
        for v in visits::all(&s.db, &caller.scope, &f, 500).await? {
            if v.status == VisitStatus::InProgress {
                on_site.push(v.unit_id);
            } else if v.status == VisitStatus::Planned {
                planned += 1;
                if upcoming.len() < 6 {
                    upcoming.push(v);
                }
            }
        }
    }
    let mut counts = [0usize; 4];
    if equipment {
        let states = fleet::states(&s, caller, &units, &open, &on_site).await?;
        for (_, state) in states.values() {
            let i = UnitState::ALL.iter().position(|x| x == state).unwrap_or(3);
            counts[i] += 1;
        }
    }
    let overdue = if ctx.may(Resource::Invoices, Action::Read) {
        let f = ListFilter {
            status: Some(InvoiceStatus::Overdue.as_str().into()),
            limit: Some(100),
            ..Default::default()
        };
        Some(invoices::list(&s.db, &caller.scope, &f, now).await?.items)
    } else {
        None
    };

    let unit_names: std::collections::HashMap<i64, String> =
        units.iter().map(|u| (u.id, fleet::unit_name(u))).collect();
    let lead = customer
        .as_ref()
        .map(|c| (t.home.lead)(&c.name, units.len()));
    let mut recent = open.clone();
    recent.sort_by_key(|c| std::cmp::Reverse(c.created_at));
    let body = html! {
        (ui::page_header(t.home.title, lead.as_deref(), html! {
            @if ctx.may(Resource::Cases, Action::Write) {
                a.btn.btn-primary href="/requests/new" { (t.requests.new_button) }
            }
        }))
        @if equipment {
            section aria-labelledby="units-h" {
                h2 #units-h .sr-only { (t.home.units_heading) }
                div.tiles {
                    @for (i, state) in UnitState::ALL.iter().enumerate() {
                        (tile(&format!("/equipment?status={}", state.as_str()), state.tone(), counts[i], (t.labels.unit_state)(state.as_str())))
                    }
                }
            }
        }
        div.tiles {
            (tile("/requests", Tone::Info, open.len(), t.home.open_requests))
            @if ctx.may(Resource::Maintenance, Action::Read) && layout::areas(role).contains(&Area::Services) {
                (tile("/services?view=list", Tone::Info, planned, t.home.next_visits_tile))
            }
            @if let Some(o) = &overdue {
                (tile("/documents?status=overdue", if o.is_empty() { Tone::Ok } else { Tone::Bad }, o.len(), t.home.overdue_tile))
            }
        }
        div.grid {
            section.card aria-labelledby="req-h" data-live-list="cases" {
                div.card-head {
                    h2 #req-h { (t.home.open_requests) }
                    a href="/requests" { (t.common.view_all) }
                }
                p.small.muted data-live-new hidden { (t.home.new_request_arrived) " " a href="/" { (t.home.reload) } }
                @if recent.is_empty() {
                    (ui::empty(t.home.no_open_requests))
                } @else {
                    ul.list {
                        @for c in recent.iter().take(8) {
                            li {
                                div.main {
                                    a.case-no href=(format!("/requests/{}", c.number)) { (c.number) }
                                    div.sub {
                                        (c.unit_id.and_then(|u| unit_names.get(&u).cloned()).unwrap_or_default())
                                        " · " (ui::short(&c.symptoms, 60))
                                    }
                                }
                                (ui::case_status_badge(t, &c.number, &c.status))
                            }
                        }
                    }
                }
            }
            @if ctx.may(Resource::Maintenance, Action::Read) && layout::areas(role).contains(&Area::Services) {
                section.card aria-labelledby="vis-h" {
                    div.card-head {
                        h2 #vis-h { (t.home.next_visits) }
                        a href="/services?view=list" { (t.common.view_all) }
                    }
                    @if upcoming.is_empty() {
                        (ui::empty(t.home.no_visits))
                    } @else {
                        ul.list {
                            @for v in &upcoming {
                                li {
                                    div.main {
                                        a href=(format!("/equipment/{}", v.unit_id)) { (unit_names.get(&v.unit_id).map_or(v.equipment_number.as_str(), String::as_str)) }
                                        div.sub { (v.building_name) " · " ((t.labels.visit_kind)(v.kind.as_str())) }
                                    }
                                    span.small { (ui::datetime(v.planned_for, ui::zone(&v.timezone))) }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(o) = &overdue {
                section.card aria-labelledby="inv-h" {
                    div.card-head {
                        h2 #inv-h { (t.home.overdue_invoices) }
                        a href="/documents?status=overdue" { (t.common.view_all) }
                    }
                    @if o.is_empty() {
                        (ui::empty(t.home.no_overdue))
                    } @else {
                        ul.list {
                            @for i in o.iter().take(6) {
                                li {
                                    div.main {
                                        a href=(format!("/documents?status=overdue#inv-{}", i.id)) { (i.number) }
                                        div.sub { (t.documents.due) " " (ui::date(&i.due_on)) }
                                    }
                                    strong { (ui::money(i.amount, &i.currency)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&ctx, t.home.title, body).into_response())
}
