//! `/admin/buildings/{id}`: a building's details and the inputs triage and
//! the SLA clock read (the hospital flag, business hours), its units with a
//! new unit form, and its remote-call topology.

use super::{back_with, flag, require_admin, required_field, shell, text_field, JsonForm};
use crate::forms::{csrf_field, Posted};
use crate::page::{redirect_with, Ctx, PageResult};
use crate::{fleet, ui};
use axum::extract::State;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::fleet::UnitKind;
use hoistway_domain::{Invalid, Resource};
use hoistway_store::buildings::{self, Building, BuildingInput};
use hoistway_store::business_hours::{BusinessHours, DAY_NAMES};
use hoistway_store::topology::{self, TopologyInput};
use hoistway_store::units::{self, UnitInput};
use hoistway_store::{customers, ListFilter, StoreError};
use maud::{html, Markup};
use serde_json::json;

/// The fields of a building, empty for a new one.
pub(crate) fn building_fields(ctx: &Ctx, b: Option<&Building>) -> Markup {
    let a = &ctx.t.admin;
    let id = b.map_or("new".to_string(), |b| b.id.to_string());
    let num = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    html! {
        div.row {
            (required_field(&format!("bn-{id}"), a.name, "name", b.map_or("", |b| &b.name)))
            (required_field(&format!("ba-{id}"), a.address, "address", b.map_or("", |b| &b.address)))
        }
        div.row {
            div.field {
                label for=(format!("bc-{id}")) { (a.country) }
                input id=(format!("bc-{id}")) type="text" name="country" value=(b.map_or("", |b| &b.country))
                    required maxlength="2" autocapitalize="characters" aria-describedby=(format!("bc-{id}-hint"));
                span.small.muted id=(format!("bc-{id}-hint")) { (a.country_hint) }
            }
            div.field {
                label for=(format!("bt-{id}")) { (a.time_zone) }
                input id=(format!("bt-{id}")) type="text" name="timezone" value=(b.map_or("", |b| &b.timezone))
                    required aria-describedby=(format!("bt-{id}-hint"));
                span.small.muted id=(format!("bt-{id}-hint")) { (a.time_zone_hint) }
            }
        }
        div.row {
            (text_field(&format!("blat-{id}"), a.latitude, "latitude", &num(b.and_then(|b| b.latitude)), "text"))
            (text_field(&format!("blon-{id}"), a.longitude, "longitude", &num(b.and_then(|b| b.longitude)), "text"))
        }
        (flag("hospital", a.hospital, a.hospital_hint, b.is_some_and(|b| b.hospital)))
    }
}

/// The building fields of a posted form, for a create or an update.
fn building_json(posted: &Posted) -> Result<serde_json::Value, Invalid> {
    Ok(JsonForm::new(posted)
        .required(&["name", "address", "country", "timezone"])
        .number("latitude", false)?
        .number("longitude", false)?
        .flags(&["hospital"])
        .value())
}

/// `POST /admin/customers/{id}/buildings`.
pub async fn create(
    State(s): State<AppState>,
    Path(customer_id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Buildings)?;
    let back = format!("/admin/customers/{customer_id}");
    let made = async {
        let mut v = building_json(&posted)?;
        v["customer_id"] = json!(customer_id);
        let input: BuildingInput =
            serde_json::from_value(v).map_err(|e| Invalid::new("body", e.to_string()))?;
        let b = buildings::create(&s.db, &ctx.caller.scope, ctx.caller.actor(&s), input).await?;
        Ok::<_, StoreError>(b)
    };
    match made.await {
        Ok(b) => Ok(redirect_with(
            &s,
            &format!("/admin/buildings/{}", b.id),
            true,
            (ctx.t.admin.created)(&b.name),
        )),
        Err(e) => back_with(&s, &back, e),
    }
}

/// `GET /admin/buildings/{id}`.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    require_admin(&ctx, Resource::Buildings)?;
    let t = ctx.t;
    let a = &t.admin;
    let scope = &ctx.caller.scope;
    let building = buildings::get(&s.db, scope, id).await?;
    let customer = customers::get(&s.db, scope, building.customer_id).await?;
    let unit_list = fleet::units(
        &s,
        &ctx.caller,
        &ListFilter {
            building_id: Some(id),
            ..Default::default()
        },
    )
    .await?;
    let topo = match topology::get(&s.db, scope, id).await {
        Ok(tp) => Some(tp),
        Err(StoreError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let topo_json = topo
        .as_ref()
        .and_then(|tp| serde_json::to_string_pretty(&tp.to_input()).ok())
        .unwrap_or_default();
    let hours = building.business_calendar.clone();
    let shown = hours.clone().unwrap_or_default();
    let body = html! {
        p {
            a.btn href=(format!("/buildings/{id}/playbook")) { (t.contacts.playbook) }
            " "
            a.btn href=(format!("/buildings/{id}/labels")) { (t.contacts.labels) }
        }
        section.card aria-labelledby="bd-h" {
            h2 #bd-h { (a.details) }
            form.stack method="post" action=(format!("/admin/buildings/{id}")) {
                (csrf_field(&ctx))
                (building_fields(&ctx, Some(&building)))
                button.btn.btn-primary type="submit" { (t.common.save) }
            }
        }
        section.card aria-labelledby="bh-h" {
            h2 #bh-h { (a.business_hours) }
            p.muted { (a.business_hours_lead) }
            @if hoistway_desk::Country::parse(&building.country).is_err() {
                p.flash.flash-error role="note" data-no-holidays { ((a.no_holiday_rules)(&building.country)) }
            }
            p { strong { (a.now_in_use) " " }
                @match &hours {
                    Some(h) => { ((a.hours_summary)(&days_text(ctx.t, &h.working_days), &h.opens, &h.closes)) }
                    None => { (a.standard_hours) }
                }
            }
            form.stack method="post" action=(format!("/admin/buildings/{id}/hours")) {
                (csrf_field(&ctx))
                fieldset {
                    legend { (a.working_days) }
                    div.checks.days {
                        @for (i, d) in DAY_NAMES.iter().enumerate() {
                            label.check {
                                input type="checkbox" name="working_day" value=(d) checked[shown.working_days.iter().any(|w| w == d)];
                                span { ((a.weekday)(i)) }
                            }
                        }
                    }
                }
                div.row {
                    (text_field("h-opens", a.opens, "opens", &shown.opens, "time"))
                    (text_field("h-closes", a.closes, "closes", &shown.closes, "time"))
                }
                div.field {
                    label for="h-closed" { (a.closed_dates) }
                    textarea #h-closed name="closed_dates" rows="3" aria-describedby="h-closed-hint" { (shown.closed_dates.join("\n")) }
                    span.small.muted #h-closed-hint { (a.closed_dates_hint) }
                }
                div.actions {
                    button.btn.btn-primary type="submit" { (a.save_hours) }
                    @if hours.is_some() {
                        button.btn type="submit" name="standard" value="1" { (a.use_standard) }
                    }
                }
            }
        }
        section.card aria-labelledby="bu-h" {
            h2 #bu-h { (a.units) " " span.count { (unit_list.len()) } }
            @if unit_list.is_empty() { (ui::empty(a.no_units)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (a.unit) }
                        th scope="col" { (a.kind) }
                        th scope="col" { (a.location) }
                        th scope="col" { (a.flags) }
                    } }
                    tbody { @for u in &unit_list {
                        tr {
                            td data-label=(a.unit) { a href=(format!("/admin/units/{}", u.id)) { (fleet::unit_name(u)) } }
                            td data-label=(a.kind) { ((t.labels.unit_kind)(u.kind.as_str())) }
                            td data-label=(a.location) { (super::or_dash(&ctx, u.location.as_deref())) }
                            td data-label=(a.flags) {
                                @if u.connected { (ui::badge(ui::Tone::Info, a.connected)) " " }
                                @if u.accessible_route { (ui::badge(ui::Tone::Info, a.accessible_route)) " " }
                                @if u.high_traffic { (ui::badge(ui::Tone::Info, a.high_traffic)) }
                            }
                        }
                    } }
                } }
            }
        }
        section.card aria-labelledby="nu-h" {
            h2 #nu-h { (a.new_unit) }
            form.stack method="post" action=(format!("/admin/buildings/{id}/units")) {
                (csrf_field(&ctx))
                div.row {
                    div.field {
                        label for="nu-kind" { (a.kind) }
                        select #nu-kind name="kind" {
                            @for k in UnitKind::ALL { option value=(k.as_str()) { ((t.labels.unit_kind)(k.as_str())) } }
                        }
                    }
                    (required_field("nu-eq", a.equipment_number, "equipment_number", ""))
                }
                div.row {
                    (text_field("nu-name", a.unit_name, "name", "", "text"))
                    (text_field("nu-loc", a.location, "location", "", "text"))
                }
                button.btn.btn-primary type="submit" { (a.create_unit) }
            }
        }
        section.card aria-labelledby="bt-h" {
            h2 #bt-h { (a.topology) }
            @match &topo {
                Some(tp) => {
                    p { ((a.topology_summary)(tp.floors.len(), tp.groups.len(), tp.groups.iter().map(|g| g.lifts.len()).sum())) }
                }
                None => { (ui::empty(a.no_topology)) }
            }
            form.stack method="post" action=(format!("/admin/buildings/{id}/topology")) {
                (csrf_field(&ctx))
                div.field {
                    label for="bt-json" { (a.topology_json) }
                    textarea #bt-json.mono name="topology" rows="12" spellcheck="false" aria-describedby="bt-hint" { (topo_json) }
                    span.small.muted #bt-hint { (a.topology_hint) }
                }
                button.btn.btn-primary type="submit" { (a.save_topology) }
            }
        }
    };
    let crumbs = [
        ("/admin".to_string(), a.customers.to_string()),
        (
            format!("/admin/customers/{}", customer.id),
            customer.name.clone(),
        ),
    ];
    Ok(shell(&ctx, &building.name, &crumbs, body))
}

/// "Mon, Tue, Wed" from stored day names.
fn days_text(t: &crate::strings::Strings, days: &[String]) -> String {
    days.iter()
        .filter_map(|d| DAY_NAMES.iter().position(|n| n == d))
        .map(|i| (t.admin.weekday)(i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `POST /admin/buildings/{id}`.
pub async fn update(State(s): State<AppState>, Path(id): Path<i64>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Buildings)?;
    let here = format!("/admin/buildings/{id}");
    let changes = match building_json(&posted) {
        Ok(v) => v,
        Err(e) => return back_with(&s, &here, e),
    };
    let actor = ctx.caller.actor(&s);
    match buildings::update(&s.db, &ctx.caller.scope, actor, id, changes).await {
        Ok(_) => Ok(redirect_with(&s, &here, true, ctx.t.common.saved)),
        Err(e) => back_with(&s, &here, e),
    }
}

/// `POST /admin/buildings/{id}/hours`: the building's own business hours,
/// or back to the standard ones.
pub async fn set_hours(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Buildings)?;
    let here = format!("/admin/buildings/{id}");
    let hours = if posted.get("standard").is_some() {
        None
    } else {
        Some(BusinessHours {
            working_days: posted
                .all("working_day")
                .iter()
                .map(|d| d.to_string())
                .collect(),
            opens: posted.get("opens").unwrap_or("").to_string(),
            closes: posted.get("closes").unwrap_or("").to_string(),
            closed_dates: posted
                .get("closed_dates")
                .unwrap_or("")
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|d| !d.is_empty())
                .map(str::to_string)
                .collect(),
        })
    };
    let changes = json!({ "business_calendar": hours });
    let actor = ctx.caller.actor(&s);
    match buildings::update(&s.db, &ctx.caller.scope, actor, id, changes).await {
        Ok(_) => Ok(redirect_with(&s, &here, true, ctx.t.common.saved)),
        Err(e) => back_with(&s, &here, e),
    }
}

/// `POST /admin/buildings/{id}/units`.
pub async fn create_unit(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Units)?;
    let here = format!("/admin/buildings/{id}");
    let opt = |n: &str| posted.get(n).map(str::to_string);
    let input = UnitInput {
        building_id: id,
        kind: posted.get("kind").unwrap_or("").to_string(),
        equipment_number: posted.get("equipment_number").unwrap_or("").to_string(),
        name: opt("name"),
        location: opt("location"),
        ..Default::default()
    };
    match units::create(&s.db, &ctx.caller.scope, ctx.caller.actor(&s), input).await {
        Ok(u) => Ok(redirect_with(
            &s,
            &format!("/admin/units/{}", u.id),
            true,
            (ctx.t.admin.created)(&fleet::unit_name(&u)),
        )),
        Err(e) => back_with(&s, &here, e),
    }
}

/// `POST /admin/buildings/{id}/topology`: replaces the topology with the
/// posted JSON (the API's `PUT …/topology` body).
pub async fn set_topology(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Topology)?;
    let here = format!("/admin/buildings/{id}");
    let input: TopologyInput = match serde_json::from_str(posted.get("topology").unwrap_or("")) {
        Ok(i) => i,
        Err(e) => return back_with(&s, &here, Invalid::new("topology", e.to_string())),
    };
    match topology::put(&s.db, &ctx.caller.scope, ctx.caller.actor(&s), id, input).await {
        Ok(_) => {
            // As the API does: calls in progress there are cancelled.
            hoistway_remote::calls_of(&s).topology_changed(id).await;
            Ok(redirect_with(&s, &here, true, ctx.t.common.saved))
        }
        Err(e) => back_with(&s, &here, e),
    }
}
