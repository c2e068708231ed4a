//! `/buildings/{id}`: one building as its facility manager thinks of it:
//! address, its units and their state, the contracts that cover them, open
//! requests and the maintenance planned for the next 90 days. Read through
//! the store with the viewer's scope, like the API.

use super::layout::{self, Area};
use super::page::{Ctx, PageResult};
use super::{fleet, requests, ui};
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::Duration;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_maintenance::VisitStatus;
use hoistway_store::buildings;
use hoistway_store::cases::CaseFilter;
use hoistway_store::maintenance::visits::{self, VisitFilter};
use hoistway_store::ListFilter;
use maud::html;
use std::collections::HashMap;

/// `GET /buildings/{id}`.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    ctx.require_area(Area::Equipment)?;
    ctx.require(Resource::Buildings, Action::Read)?;
    let t = ctx.t;
    let p = &t.places;
    let caller = &ctx.caller;
    let building = buildings::get(&s.db, &caller.scope, id).await?;
    let tz = ui::zone(&building.timezone);
    let contact = hoistway_store::service_contacts::find(&s.db, &building.country).await?;
    let unit_list = fleet::units(
        &s,
        caller,
        &ListFilter {
            building_id: Some(id),
            ..Default::default()
        },
    )
    .await?;
    let open = fleet::cases_where(
        &s,
        caller,
        CaseFilter {
            building_id: Some(id),
            status: Some("open".into()),
            ..Default::default()
        },
    )
    .await?;
    let today = s.clock.now().with_timezone(&tz).date_naive();
    let (planned, on_site) = if ctx.may(Resource::Maintenance, Action::Read) {
        let all = visits::all(
            &s.db,
            &caller.scope,
            &VisitFilter {
                building_id: Some(id),
                from: Some(today.to_string()),
                to: Some((today + Duration::days(90)).to_string()),
                ..Default::default()
            },
            1000,
        )
        .await?;
        let on_site: Vec<i64> = all
            .iter()
            .filter(|v| v.status == VisitStatus::InProgress)
            .map(|v| v.unit_id)
            .collect();
        let planned: Vec<_> = all
            .into_iter()
            .filter(|v| matches!(v.status, VisitStatus::Planned | VisitStatus::InProgress))
            .collect();
        (planned, on_site)
    } else {
        (Vec::new(), Vec::new())
    };
    let states = fleet::states(&s, caller, &unit_list, &open, &on_site).await?;
    let in_service = states
        .values()
        .filter(|(_, st)| *st == fleet::UnitState::InService)
        .count();
    let names: HashMap<i64, String> = unit_list
        .iter()
        .map(|u| (u.id, fleet::unit_name(u)))
        .collect();
    let covering: Vec<_> = if ctx.may(Resource::Contracts, Action::Read) {
        fleet::contracts(&s, caller)
            .await?
            .into_iter()
            .filter(|c| c.unit_ids.iter().any(|u| names.contains_key(u)))
            .collect()
    } else {
        Vec::new()
    };
    let body = html! {
        nav.crumbs aria-label=(t.equipment.breadcrumb) { a href="/equipment" { (t.equipment.title) } " / " (building.name) }
        (ui::page_header(&building.name, Some(&building.address), html! {
            (ui::badge(ui::Tone::Info, &(p.in_service)(in_service, unit_list.len())))
        }))
        div.grid {
            section.card aria-labelledby="b-about" {
                h2 #b-about { (p.building) }
                (ui::facts(&[
                    (t.equipment.location, building.address.clone()),
                    (p.country, building.country.clone()),
                    (p.time_zone, building.timezone.clone()),
                    (p.units, unit_list.len().to_string()),
                    (p.open_requests, open.len().to_string()),
                ]))
            }
            @if ctx.may(Resource::Contracts, Action::Read) {
                section.card aria-labelledby="b-contracts" {
                    h2 #b-contracts { (p.contracts) }
                    @if covering.is_empty() { (ui::empty(p.no_contracts)) } @else {
                        ul.list { @for c in &covering {
                            li {
                                div.main {
                                    a href=(format!("/contracts/{}", c.id)) { strong { (c.number) } }
                                    div.sub { ((t.labels.tier)(c.tier.as_str())) " · " ((t.labels.billing_interval)(c.billing_interval.as_str())) }
                                }
                            }
                        } }
                    }
                }
            }
        }
        section.card aria-labelledby="b-service" {
            h2 #b-service { (t.contacts.title) }
            (super::contacts::card_body(t, contact.as_ref(), &building.country))
            p {
                a.btn href=(format!("/buildings/{id}/playbook")) { (t.contacts.playbook) }
                " "
                a.btn href=(format!("/buildings/{id}/labels")) { (t.contacts.labels) }
            }
        }
        section.card aria-labelledby="b-units" {
            h2 #b-units { (p.units) }
            @if unit_list.is_empty() { (ui::empty(p.no_units)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (p.unit) }
                        th scope="col" { (p.kind) }
                        th scope="col" { (p.location) }
                        th scope="col" { (p.state) }
                    } }
                    tbody { @for u in &unit_list {
                        tr {
                            td data-label=(p.unit) {
                                a href=(format!("/equipment/{}", u.id)) { (fleet::unit_name(u)) }
                                div.small.muted { (u.equipment_number) }
                            }
                            td data-label=(p.kind) { ((t.labels.unit_kind)(u.kind.as_str())) }
                            td data-label=(p.location) { (u.location.clone().unwrap_or_else(|| t.common.dash.into())) }
                            td data-label=(p.state) {
                                @if let Some((_, st)) = states.get(&u.id) {
                                    (ui::badge(st.tone(), (t.labels.unit_state)(st.as_str())))
                                }
                            }
                        }
                    } }
                } }
            }
        }
        section.card aria-labelledby="b-open" {
            h2 #b-open { (p.open_requests) }
            (requests::case_table(t, &open, Some(&names), |_| tz))
        }
        @if ctx.may(Resource::Maintenance, Action::Read) {
            section.card aria-labelledby="b-visits" {
                h2 #b-visits { (p.next_visits) }
                @if planned.is_empty() { (ui::empty(p.no_visits)) } @else {
                    ul.list { @for v in &planned {
                        li {
                            div.main {
                                strong { ((t.labels.visit_kind)(v.kind.as_str())) " · " (names.get(&v.unit_id).cloned().unwrap_or_default()) }
                                div.sub { (ui::datetime(v.planned_for, tz)) }
                            }
                            (ui::badge(ui::Tone::Info, (t.labels.visit_status)(v.status.as_str())))
                        }
                    } }
                }
            }
        }
    };
    Ok(layout::page(&ctx, &building.name, body).into_response())
}
