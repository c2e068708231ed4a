//! `/equipment`: the units with filters (address or building, contract,
//! kind, state, search), and `/equipment/{id}`: one unit's status, starts
//! and operating hours as charts from the rollups, maintenance done and
//! planned, its service requests with live status, and the form that
//! opens a service request for it.

use super::fleet::{self, UnitState};
use super::forms::id_of;
use super::layout::{self, Area};
use super::page::{Ctx, PageResult};
use super::requests;
use super::{charts, ui};
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use chrono::{Duration, DurationRound};
use hoistway_api::equipment::unit_status;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::fleet::UnitKind;
use hoistway_domain::{Action, Resource};
use hoistway_maintenance::VisitStatus;
use hoistway_store::cases::CaseFilter;
use hoistway_store::maintenance::certificates::{self, CertificateFilter};
use hoistway_store::maintenance::visits::{self, VisitFilter};
use hoistway_store::{buildings, rollups, units, ListFilter};
use maud::html;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct EquipmentQuery {
    building_id: Option<String>,
    contract_id: Option<String>,
    kind: Option<String>,
    status: Option<String>,
    q: Option<String>,
}

fn text_of(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// `GET /equipment`.
pub async fn list(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<EquipmentQuery>,
) -> PageResult {
    ctx.require_area(Area::Equipment)?;
    let t = ctx.t;
    let caller = &ctx.caller;
    let kind = match text_of(&q.kind) {
        Some(k) => Some(UnitKind::parse(&k)?.as_str().to_string()),
        None => None,
    };
    // A hand-edited state is refused like a hand-edited kind, not ignored.
    let want_state = match text_of(&q.status) {
        Some(v) => Some(UnitState::parse(&v).ok_or_else(|| {
            let known: Vec<&str> = UnitState::ALL.iter().map(|u| u.as_str()).collect();
            hoistway_domain::Invalid::new(
                "status",
                format!("'{v}' is not a unit state; one of {}", known.join(", ")),
            )
        })?),
        None => None,
    };
    let f = ListFilter {
        building_id: id_of(&q.building_id),
        contract_id: id_of(&q.contract_id),
        kind: kind.clone(),
        q: text_of(&q.q),
        ..Default::default()
    };
    let units = fleet::units(&s, caller, &f).await?;
    let buildings = fleet::buildings(&s, caller).await?;
    let contracts = fleet::contracts(&s, caller).await?;
    let open = fleet::open_cases(&s, caller).await?;
    let today = s.clock.now().date_naive();
    let on_site: Vec<i64> = visits::all(
        &s.db,
        &caller.scope,
        &VisitFilter {
            status: Some("in_progress".into()),
            from: Some((today - Duration::days(1)).to_string()),
            to: Some((today + Duration::days(1)).to_string()),
            ..Default::default()
        },
        500,
    )
    .await?
    .iter()
    .map(|v| v.unit_id)
    .collect();
    let states = fleet::states(&s, caller, &units, &open, &on_site).await?;
    let shown: Vec<_> = units
        .iter()
        .filter(|u| want_state.is_none_or(|w| states.get(&u.id).map(|x| x.1) == Some(w)))
        .collect();
    let building_of = |id: i64| buildings.iter().find(|b| b.id == id);
    let contract_of = |unit_id: i64| {
        contracts
            .iter()
            .find(|c| c.unit_ids.contains(&unit_id))
            .map(|c| c.number.clone())
            .unwrap_or_else(|| t.common.dash.into())
    };
    let selected = |v: &Option<String>, id: i64| id_of(v) == Some(id);
    let body = html! {
        (ui::page_header(t.equipment.title, Some(&(t.equipment.count)(shown.len(), units.len())), html! {}))
        (ui::filter_box(t, [q.building_id.as_deref(), q.contract_id.as_deref(), q.kind.as_deref(), q.status.as_deref(), q.q.as_deref()].iter().filter(|v| v.is_some_and(|v| !v.trim().is_empty())).count(), html! { form.filters method="get" action="/equipment" data-autosubmit {
            div.field {
                label for="f-building" { (t.equipment.building) }
                select #f-building name="building_id" {
                    option value="" { (t.common.all) }
                    @for b in &buildings {
                        option value=(b.id) selected[selected(&q.building_id, b.id)] { (b.name) " – " (b.address) }
                    }
                }
            }
            div.field {
                label for="f-contract" { (t.equipment.contract) }
                select #f-contract name="contract_id" {
                    option value="" { (t.common.all) }
                    @for c in &contracts {
                        option value=(c.id) selected[selected(&q.contract_id, c.id)] { (c.number) " · " ((t.labels.tier)(c.tier.as_str())) }
                    }
                }
            }
            div.field {
                label for="f-kind" { (t.equipment.kind) }
                select #f-kind name="kind" {
                    option value="" { (t.common.all) }
                    @for k in ["elevator", "escalator", "door"] {
                        option value=(k) selected[kind.as_deref() == Some(k)] { ((t.labels.unit_kind)(k)) }
                    }
                }
            }
            div.field {
                label for="f-status" { (t.equipment.status) }
                select #f-status name="status" {
                    option value="" { (t.common.all) }
                    @for st in UnitState::ALL {
                        option value=(st.as_str()) selected[want_state == Some(st)] { ((t.labels.unit_state)(st.as_str())) }
                    }
                }
            }
            div.field {
                label for="f-q" { (t.equipment.search) }
                input #f-q type="text" name="q" value=(q.q.clone().unwrap_or_default()) placeholder=(t.equipment.search_hint);
            }
            div.buttons {
                button.btn.btn-primary type="submit" { (t.common.filter) }
                a.btn href="/equipment" { (t.common.clear_filters) }
            }
        } }))
        section.card {
            @if shown.is_empty() {
                (ui::empty(t.equipment.none))
            } @else {
                div.table-wrap {
                    table.stack-sm {
                        thead { tr {
                            th scope="col" { (t.equipment.unit) }
                            th scope="col" { (t.equipment.building) }
                            th scope="col" { (t.equipment.kind) }
                            th scope="col" { (t.equipment.contract) }
                            th scope="col" { (t.equipment.status) }
                        } }
                        tbody {
                            @for u in &shown {
                                @let state = states.get(&u.id).map(|x| x.1).unwrap_or(UnitState::Unknown);
                                tr {
                                    td data-label=(t.equipment.unit) {
                                        a href=(format!("/equipment/{}", u.id)) { (fleet::unit_name(u)) }
                                        @if let Some(l) = &u.location { div.small.muted { (l) } }
                                    }
                                    td data-label=(t.equipment.building) {
                                        @if let Some(b) = building_of(u.building_id) {
                                            a href=(format!("/buildings/{}", b.id)) { (b.name) } div.small.muted { (b.address) }
                                        }
                                    }
                                    td data-label=(t.equipment.kind) { ((t.labels.unit_kind)(u.kind.as_str())) }
                                    td data-label=(t.equipment.contract) { (contract_of(u.id)) }
                                    td data-label=(t.equipment.status) { (ui::badge(state.tone(), (t.labels.unit_state)(state.as_str()))) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&ctx, t.equipment.title, body).into_response())
}

/// `GET /equipment/{id}`. A unit outside the viewer's scope is a 404,
/// exactly like one that does not exist.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    ctx.require_area(Area::Equipment)?;
    ctx.require(Resource::Units, Action::Read)?;
    let t = ctx.t;
    let caller = &ctx.caller;
    let unit = units::get(&s.db, &caller.scope, id).await?;
    let building = buildings::get(&s.db, &caller.scope, unit.building_id).await?;
    let tz = ui::zone(&building.timezone);
    let now = s.clock.now();
    let status = if ctx.may(Resource::Telemetry, Action::Read) {
        unit_status(&s, &caller.scope, id).await?
    } else {
        fleet::unknown_status(id)
    };
    let cases = fleet::cases_where(
        &s,
        caller,
        CaseFilter {
            unit_id: Some(id),
            ..Default::default()
        },
    )
    .await?;
    let open: Vec<_> = cases
        .iter()
        .filter(|c| !matches!(c.status.as_str(), "resolved" | "closed" | "cancelled"))
        .collect();
    let today = now.date_naive();
    let visit_list = if ctx.may(Resource::Maintenance, Action::Read) {
        visits::all(
            &s.db,
            &caller.scope,
            &VisitFilter {
                unit_id: Some(id),
                from: Some((today - Duration::days(365)).to_string()),
                to: Some((today + Duration::days(365)).to_string()),
                ..Default::default()
            },
            1000,
        )
        .await?
    } else {
        Vec::new()
    };
    // The unit's current inspection certificate: the one that expires last.
    let certificate = if ctx.may(Resource::Certificates, Action::Read) {
        let f = CertificateFilter {
            unit_id: Some(id),
            limit: Some(50),
            ..Default::default()
        };
        certificates::list(&s.db, &caller.scope, &f, today)
            .await?
            .items
            .into_iter()
            .max_by(|a, b| a.expires_on.cmp(&b.expires_on))
    } else {
        None
    };
    let on_site = visit_list
        .iter()
        .any(|v| v.status == VisitStatus::InProgress);
    let awaiting = hoistway_store::cases::inspection::units_awaiting(&s.db, &caller.scope).await?;
    let state = if awaiting.contains(&id) {
        UnitState::OutOfService
    } else {
        fleet::classify(&status, &open, on_site)
    };
    let mut done: Vec<_> = visit_list
        .iter()
        .filter(|v| v.status == VisitStatus::Completed)
        .collect();
    done.reverse();
    let planned: Vec<_> = visit_list
        .iter()
        .filter(|v| matches!(v.status, VisitStatus::Planned | VisitStatus::InProgress))
        .collect();

    // Performance: daily buckets of the last 30 days.
    let (starts, hours) = if ctx.may(Resource::Telemetry, Action::Read) {
        let to = now.duration_trunc(Duration::days(1)).unwrap_or(now) + Duration::days(1);
        let from = to - Duration::days(30);
        let rows = rollups::list(&s.db, &caller.scope, id, "day", from, to).await?;
        let mut starts = Vec::new();
        let mut hours = Vec::new();
        for d in 0..30 {
            let day = from + Duration::days(d);
            let row = rows.iter().find(|r| r.start == day);
            let label = day.format("%-d.%-m.").to_string();
            starts.push(charts::Point {
                label: label.clone(),
                value: row.map(|r| r.starts as f64).unwrap_or(0.0),
            });
            hours.push(charts::Point {
                label,
                value: row.map(|r| r.run_hours).unwrap_or(0.0),
            });
        }
        let any = rows.iter().any(|r| r.events > 0);
        (any.then_some(starts), any.then_some(hours))
    } else {
        (None, None)
    };
    let mut history = cases.clone();
    history.sort_by_key(|c| std::cmp::Reverse(c.created_at));
    let name = fleet::unit_name(&unit);
    // Root-cause analyses of this unit, with their progress (issue #21).
    let analyses = super::root_causes::unit_card(&s, &ctx, id).await?;
    let body = html! {
        nav.crumbs aria-label=(t.equipment.breadcrumb) {
            a href="/equipment" { (t.equipment.title) } " / "
            a href=(format!("/buildings/{}", building.id)) { (building.name) } " / " (unit.equipment_number)
        }
        p.lead { a href=(format!("/buildings/{}", building.id)) { (building.name) } " · " (building.address) }
        (ui::page_header(&name, None, html! {
            (ui::badge(state.tone(), (t.labels.unit_state)(state.as_str())))
        }))
        div.grid {
            section.card aria-labelledby="st-h" {
                h2 #st-h { (t.equipment.live_status) }
                (ui::facts(&[
                    (t.equipment.mode, (t.equipment.mode_label)(&status.mode)),
                    (t.equipment.connectivity, (t.equipment.connectivity_label)(&status.connectivity)),
                    (t.equipment.floor, status.current_floor.map(|f| f.to_string()).unwrap_or_else(|| t.common.dash.into())),
                    (t.equipment.last_seen, status.last_seen.map(|at| ui::datetime(at, tz)).unwrap_or_else(|| t.common.dash.into())),
                    (t.equipment.total_starts, status.starts.map(|n| n.to_string()).unwrap_or_else(|| t.common.dash.into())),
                    (t.equipment.total_hours, status.run_hours.map(|h| format!("{h:.0} h")).unwrap_or_else(|| t.common.dash.into())),
                ]))
                span hidden data-unit-live=(id) data-field="floor" {}
            }
            section.card aria-labelledby="about-h" {
                h2 #about-h { (t.equipment.about) }
                (ui::facts(&[
                    (t.equipment.equipment_number, unit.equipment_number.clone()),
                    (t.equipment.kind, (t.labels.unit_kind)(unit.kind.as_str()).into()),
                    (t.equipment.location, unit.location.clone().unwrap_or_else(|| t.common.dash.into())),
                    (t.equipment.model, [unit.manufacturer.clone(), unit.model.clone()].into_iter().flatten().collect::<Vec<_>>().join(" ")),
                    (t.equipment.installed, unit.install_date.as_deref().map(ui::date).unwrap_or_else(|| t.common.dash.into())),
                    (t.equipment.floors, unit.floors_served.map(|f| f.to_string()).unwrap_or_else(|| t.common.dash.into())),
                ]))
                @if let Some(c) = &certificate {
                    p data-unit-certificate {
                        strong { (t.services.certificates) ": " }
                        (t.services.cert_expires) " " (ui::date(&c.expires_on)) " "
                        (crate::certificates::state_badge(t, c)) " "
                        a href="/services/certificates" { (t.common.view_all) }
                    }
                }
            }
        }
        section.card aria-labelledby="perf-h" {
            h2 #perf-h { (t.equipment.performance) }
            @match (&starts, &hours) {
                (Some(st), Some(h)) => {
                    div.grid {
                        (charts::bars(t.equipment.starts_chart, t.equipment.per_day, st))
                        (charts::line(t.equipment.hours_chart, t.equipment.hours_per_day, h))
                    }
                }
                _ => { (ui::empty(t.equipment.no_telemetry)) }
            }
        }
        div.grid {
            section.card aria-labelledby="plan-h" {
                h2 #plan-h { (t.equipment.planned) }
                @if planned.is_empty() { (ui::empty(t.equipment.no_planned)) } @else {
                    ul.list { @for v in planned.iter().take(8) {
                        li {
                            div.main { strong { ((t.labels.visit_kind)(v.kind.as_str())) } div.sub { (ui::datetime(v.planned_for, tz)) } }
                            (ui::badge(ui::Tone::Info, (t.labels.visit_status)(v.status.as_str())))
                        }
                    } }
                }
            }
            section.card aria-labelledby="done-h" {
                h2 #done-h { (t.equipment.done) }
                @if done.is_empty() { (ui::empty(t.equipment.no_done)) } @else {
                    ul.list { @for v in done.iter().take(8) {
                        li {
                            div.main { strong { ((t.labels.visit_kind)(v.kind.as_str())) } div.sub { (ui::datetime(v.completed_at.unwrap_or(v.planned_for), tz)) } }
                            (ui::badge(ui::Tone::Ok, (t.labels.visit_status)(v.status.as_str())))
                        }
                    } }
                }
            }
        }
        p { a.btn href=(format!("/equipment/{id}/label")) { (t.contacts.label) } }
        section.card aria-labelledby="hist-h" {
            h2 #hist-h { (t.equipment.requests) }
            (requests::case_table(t, &history, None, |_| tz))
        }
        (analyses)
        (super::equipment_export::card(&ctx, id))
        @if matches!(ctx.caller.user.role, hoistway_domain::Role::CustomerAdmin | hoistway_domain::Role::PropertyManager) {
            p { a.btn href=(format!("/offers?unit={id}#ask")) { (t.offers.request_offer) } }
        }
        @if ctx.may(Resource::Cases, Action::Write) {
            section.card #new-request aria-labelledby="new-h" {
                h2 #new-h { (t.requests.new_for_unit) }
                (requests::request_form(&ctx, &format!("/equipment/{id}/requests"), None))
            }
        }
    };
    Ok(layout::page(&ctx, &name, body).into_response())
}

/// `POST /equipment/{id}/requests`: opens a service request for the unit
/// through the API's own path.
pub async fn create_request(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: super::forms::Posted,
) -> PageResult {
    posted.ctx.require_area(Area::Equipment)?;
    requests::open_from_form(&s, posted, Some(id)).await
}
