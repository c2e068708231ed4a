//! Service requests (cases) as customers see them: `/requests` (list with
//! live status), `/requests/new` (report a problem on a unit),
//! `/requests/{number}` (timeline, the technician's report, the quote to
//! accept or decline, and on an open request the two asks: escalation and
//! a callback). Opening a case, answering a quote and the asks go through
//! the API's own functions (`hoistway_api::cases::{open, answer_quote,
//! ask_escalation, ask_callback}`), so role checks, audit and the live
//! notice the desk listens to are one path.

use super::forms::{csrf_field, Posted};
use super::layout::{self, Area};
use super::page::{redirect_with, Ctx, PageResult, PortalError};
use super::strings::Strings;
use super::{fleet, ui};
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use hoistway_api::cases::{answer_quote, ask_callback, ask_escalation, open};
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::buildings;
use hoistway_store::cases::asks::{CallbackAsk, EscalationAsk, REASON_MAX};
use hoistway_store::cases::intake::split_error_codes;
use hoistway_store::cases::lifecycle::QuoteAnswer;
use hoistway_store::cases::timeline;
use hoistway_store::cases::{
    self, CallbackWindow, Case, CaseFilter, CaseInput, Repeatable, Trapped,
};
use hoistway_store::ListFilter;
use maud::{html, Markup};
use serde::Deserialize;
use std::collections::HashMap;

mod asks;
mod charges;
mod report;

use asks::asks_box;
pub use asks::{callback, escalation};
pub use report::report_pdf;
use report::ReportView;

/// A table of cases with live status badges, each opening time in its
/// building's own zone (`zone_of` maps a building id to it).
pub fn case_table(
    t: &Strings,
    list: &[Case],
    unit_names: Option<&HashMap<i64, String>>,
    zone_of: impl Fn(i64) -> chrono_tz::Tz,
) -> Markup {
    if list.is_empty() {
        return ui::empty(t.requests.none);
    }
    html! {
        div.table-wrap {
            table.stack-sm {
                thead { tr {
                    th scope="col" { (t.requests.number) }
                    @if unit_names.is_some() { th scope="col" { (t.requests.unit) } }
                    th scope="col" { (t.requests.symptoms) }
                    th scope="col" { (t.requests.priority) }
                    th scope="col" { (t.requests.status) }
                    th scope="col" { (t.requests.opened) }
                } }
                tbody {
                    @for c in list {
                        tr {
                            td.case-no data-label=(t.requests.number) { a href=(format!("/requests/{}", c.number)) { (c.number) } }
                            @if let Some(names) = unit_names {
                                td data-label=(t.requests.unit) { (c.unit_id.and_then(|u| names.get(&u).cloned()).unwrap_or_else(|| t.common.dash.into())) }
                            }
                            td data-label=(t.requests.symptoms) { (ui::short(&c.symptoms, 80)) }
                            td data-label=(t.requests.priority) { (ui::badge(ui::priority_tone(&c.priority), (t.labels.priority)(&c.priority))) }
                            td data-label=(t.requests.status) { (ui::case_status_badge(t, &c.number, &c.status)) }
                            td data-label=(t.requests.opened) { (ui::datetime(c.created_at, zone_of(c.building_id))) }
                        }
                    }
                }
            }
        }
    }
}

/// A timeline entry in plain words: a status or priority change names the
/// states as the portal does ("On site → Resolved"), not by their codes;
/// whatever the entry adds after them (a reason) is kept.
pub fn timeline_text(t: &Strings, e: &timeline::TimelineEntry) -> String {
    let change = |label: fn(&str) -> &'static str, prefix: &str| {
        let d = e.detail.as_ref()?;
        let (from, to) = (d["from"].as_str()?, d["to"].as_str()?);
        let rest = e.message.strip_prefix(&format!("{prefix} {from} → {to}"))?;
        Some(format!("{} → {}{rest}", label(from), label(to)))
    };
    match e.kind.as_str() {
        "status" => change(t.labels.case_status, "Status"),
        "priority_override" => change(t.labels.priority, "Priority"),
        // "Case opened via connected": the channel in words.
        "created" => e
            .message
            .strip_prefix("Case opened via ")
            .map(|c| (t.requests.opened_via)(c).to_string()),
        // "Escalated (response_breached): …": the kind in words, without
        // the desk's internal arithmetic.
        "escalation" => e
            .detail
            .as_ref()
            .and_then(|d| d["kind"].as_str())
            .map(|k| (t.requests.escalated)(k).to_string()),
        _ => None,
    }
    .unwrap_or_else(|| e.message.clone())
}

/// A timeline entry on the customer's page: [`timeline_text`], and times
/// of arrival in the building's zone rather than the stored UTC text.
pub fn customer_timeline_text(
    t: &Strings,
    e: &timeline::TimelineEntry,
    tz: chrono_tz::Tz,
) -> String {
    let eta = || {
        let d = e.detail.as_ref()?;
        let at = chrono::DateTime::parse_from_rfc3339(d["eta"].as_str()?).ok()?;
        Some(ui::datetime(at.with_timezone(&chrono::Utc), tz))
    };
    let plain = match e.kind.as_str() {
        "assigned" => e
            .message
            .strip_prefix("Technician ")
            .and_then(|rest| rest.split(" assigned").next())
            .map(|name| (t.requests.assigned)(name, eta().as_deref())),
        "eta" => eta().map(|w| (t.requests.eta_changed)(&w)),
        _ => None,
    };
    plain.unwrap_or_else(|| timeline_text(t, e))
}

/// The service-request form. `units`: a unit picker (when not on a unit page).
pub fn request_form(ctx: &Ctx, action: &str, units: Option<&[(i64, String)]>) -> Markup {
    let t = ctx.t;
    let user = &ctx.caller.user;
    html! {
        form.stack method="post" action=(action) {
            (csrf_field(ctx))
            @if let Some(units) = units {
                div.field {
                    label for="r-unit" { (t.requests.unit) }
                    select #r-unit name="unit_id" required {
                        option value="" { (t.requests.pick_unit) }
                        @for (id, name) in units { option value=(id) { (name) } }
                    }
                }
            }
            div.field {
                label for="r-symptoms" { (t.requests.symptoms) }
                textarea #r-symptoms name="symptoms" required maxlength="2000" aria-describedby="r-symptoms-hint" {}
                span.hint #r-symptoms-hint { (t.requests.symptoms_hint) }
            }
            fieldset {
                legend { (t.requests.safety) }
                label.check { input type="checkbox" name="passengers_trapped" value="true"; (t.requests.trapped) }
                label.check { input type="checkbox" name="unit_out_of_service" value="true"; (t.requests.out_of_service) }
            }
            div.row {
                div.field {
                    label for="r-name" { (t.requests.reporter) }
                    input #r-name type="text" name="reporter_name" value=(user.name) autocomplete="name";
                }
                div.field {
                    label for="r-phone" { (t.requests.callback) }
                    input #r-phone type="tel" name="callback_phone" value=(user.phone.clone().unwrap_or_default()) autocomplete="tel";
                }
            }
            div.row {
                div.field {
                    label for="r-location" { (t.requests.location) }
                    input #r-location type="text" name="location_in_building" maxlength="200" aria-describedby="r-location-hint";
                    span.hint #r-location-hint { (t.requests.location_hint) }
                }
                div.field {
                    label for="r-repeatable" { (t.requests.repeatable) }
                    select #r-repeatable name="repeatable" {
                        option value="" { (t.requests.not_said) }
                        @for r in Repeatable::ALL {
                            option value=(r.as_str()) { ((t.labels.repeatable)(r.as_str())) }
                        }
                    }
                }
            }
            div.row {
                div.field {
                    label for="r-codes" { (t.requests.error_codes) }
                    input #r-codes type="text" name="error_codes" maxlength="2000" aria-describedby="r-codes-hint";
                    span.hint #r-codes-hint { (t.requests.error_codes_hint) }
                }
                div.field {
                    label for="r-po" { (t.requests.po_number) }
                    input #r-po type="text" name="po_number" maxlength="60";
                }
            }
            div.field {
                label for="r-access" { (t.requests.access) }
                input #r-access type="text" name="access_instructions" maxlength="500";
            }
            p.note { (t.signin.emergency_note) }
            button.btn.btn-primary type="submit" { (t.requests.submit) }
        }
    }
}

/// Opens a case from a submitted form (unit from the path or the form).
pub async fn open_from_form(s: &AppState, posted: Posted, unit: Option<i64>) -> PageResult {
    let ctx = &posted.ctx;
    let t = ctx.t;
    let unit_id = match unit {
        Some(u) => u,
        None => posted
            .get("unit_id")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| PortalError::BadRequest(t.requests.pick_unit.into()))?,
    };
    let checked = |name: &str| posted.get(name) == Some("true");
    let text = |name: &str| posted.get(name).map(str::to_string);
    let input = CaseInput {
        unit_id: Some(unit_id),
        building_id: None,
        channel: Some("portal".into()),
        symptoms: text("symptoms"),
        error_codes: posted
            .get("error_codes")
            .map(split_error_codes)
            .unwrap_or_default(),
        location_in_building: text("location_in_building"),
        repeatable: text("repeatable"),
        passengers_trapped: Some(Trapped::Flag(checked("passengers_trapped"))),
        trapped_count: None,
        medical_condition: false,
        car_near_landing: None,
        unit_removed_from_service: false,
        unit_out_of_service: checked("unit_out_of_service"),
        hazards: vec![],
        access_instructions: text("access_instructions"),
        po_number: text("po_number"),
        spending_limit: None,
        reporter_name: text("reporter_name"),
        callback_phone: text("callback_phone"),
    };
    let back = match unit {
        Some(u) => format!("/equipment/{u}#new-request"),
        None => "/requests/new".into(),
    };
    match open(s, &ctx.caller, input, "portal").await {
        Ok(case) => Ok(redirect_with(
            s,
            &format!("/requests/{}", case.number),
            true,
            (t.requests.created)(&case.number),
        )),
        Err(hoistway_app::error::AppError::Invalid(e)) => {
            Ok(redirect_with(s, &back, false, e.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RequestsQuery {
    status: Option<String>,
    building_id: Option<String>,
    q: Option<String>,
}

/// `GET /requests`.
pub async fn list(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<RequestsQuery>,
) -> PageResult {
    ctx.require_area(Area::Requests)?;
    let t = ctx.t;
    let caller = &ctx.caller;
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("") | Some("open") => Some("open".to_string()),
        Some("all") => None,
        Some(other) => Some(other.to_string()),
    };
    let f = CaseFilter {
        status: status.clone(),
        building_id: super::forms::id_of(&q.building_id),
        q: q.q.clone().filter(|s| !s.trim().is_empty()),
        ..Default::default()
    };
    let mut list = fleet::cases_where(&s, caller, f).await?;
    list.sort_by_key(|c| std::cmp::Reverse(c.created_at));
    let units = fleet::units(&s, caller, &ListFilter::default()).await?;
    let names: HashMap<i64, String> = units.iter().map(|u| (u.id, fleet::unit_name(u))).collect();
    let buildings = fleet::buildings(&s, caller).await?;
    let zones: HashMap<i64, chrono_tz::Tz> = buildings
        .iter()
        .map(|b| (b.id, ui::zone(&b.timezone)))
        .collect();
    let current = status.as_deref().unwrap_or("all");
    let body = html! {
        (ui::page_header(t.requests.title, Some(t.requests.lead), html! {
            @if matches!(ctx.caller.user.role, hoistway_domain::Role::CustomerAdmin | hoistway_domain::Role::PropertyManager) {
                a.btn.btn-ghost href="/offers" { (t.offers.title) }
            }
            @if ctx.may(Resource::Cases, Action::Write) {
                a.btn.btn-primary href="/requests/new" { (t.requests.new_button) }
            }
        }))
        (ui::filter_box(t, [q.building_id.as_deref(), q.q.as_deref()].iter().filter(|v| v.is_some_and(|v| !v.trim().is_empty())).count(), html! { form.filters method="get" action="/requests" data-autosubmit {
            div.field {
                label for="q-status" { (t.requests.status) }
                select #q-status name="status" {
                    @for (v, label) in [("open", t.requests.open), ("all", t.common.all), ("resolved", (t.labels.case_status)("resolved")), ("closed", (t.labels.case_status)("closed"))] {
                        option value=(v) selected[current == v] { (label) }
                    }
                }
            }
            div.field {
                label for="q-building" { (t.equipment.building) }
                select #q-building name="building_id" {
                    option value="" { (t.common.all) }
                    @for b in &buildings {
                        option value=(b.id) selected[super::forms::id_of(&q.building_id) == Some(b.id)] { (b.name) }
                    }
                }
            }
            div.field {
                label for="q-q" { (t.equipment.search) }
                input #q-q type="text" name="q" value=(q.q.clone().unwrap_or_default());
            }
            div.buttons { button.btn.btn-primary type="submit" { (t.common.filter) } }
        } }))
        section.card data-live-list="cases" {
            p.small.muted data-live-new hidden { (t.home.new_request_arrived) " " a href="/requests" { (t.home.reload) } }
            (case_table(t, &list, Some(&names), |b| zones.get(&b).copied().unwrap_or(chrono_tz::Tz::UTC)))
        }
    };
    Ok(layout::page(&ctx, t.requests.title, body).into_response())
}

/// `GET /requests/new`: report a problem, picking the unit.
pub async fn new(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    ctx.require_area(Area::Requests)?;
    ctx.require(Resource::Cases, Action::Write)?;
    let t = ctx.t;
    let units = fleet::units(&s, &ctx.caller, &ListFilter::default()).await?;
    let buildings = fleet::buildings(&s, &ctx.caller).await?;
    let options: Vec<(i64, String)> = units
        .iter()
        .map(|u| {
            let b = buildings
                .iter()
                .find(|b| b.id == u.building_id)
                .map(|b| b.name.as_str())
                .unwrap_or("");
            (
                u.id,
                format!(
                    "{b} · {} · {}",
                    fleet::unit_name(u),
                    (t.labels.unit_kind)(u.kind.as_str())
                ),
            )
        })
        .collect();
    let body = html! {
        nav.crumbs aria-label=(t.equipment.breadcrumb) { a href="/requests" { (t.requests.title) } }
        (ui::page_header(t.requests.new_title, Some(t.requests.new_lead), html! {}))
        @if let Some(mail) = s.settings.inbound_email.as_ref().filter(|m| !m.address.is_empty()) {
            p.muted data-intake-address=(mail.address) { ((t.requests.by_email)(&mail.address)) }
        }
        section.card { (request_form(&ctx, "/requests", Some(&options))) }
    };
    Ok(layout::page(&ctx, t.requests.new_title, body).into_response())
}

/// `POST /requests`.
pub async fn create(State(s): State<AppState>, posted: Posted) -> PageResult {
    posted.ctx.require_area(Area::Requests)?;
    open_from_form(&s, posted, None).await
}

/// The case, its building and the customer's view of its timeline, or
/// the refusal `/requests/{number}` gives.
async fn load_case(
    s: &AppState,
    ctx: &Ctx,
    number: &str,
) -> Result<(Case, buildings::Building, Vec<timeline::TimelineEntry>), PortalError> {
    ctx.require_area(Area::Requests)?;
    ctx.require(Resource::Cases, Action::Read)?;
    let caller = &ctx.caller;
    let case = cases::get(&s.db, &caller.scope, number).await?;
    hoistway_api::privacy::audit_case_read(s, caller, &case).await?;
    let building = buildings::get(&s.db, &caller.scope, case.building_id).await?;
    // Customers never see internal notes (as in the API).
    let entries = timeline::list(&s.db, case.id, caller.user.role.is_provider_side()).await?;
    Ok((case, building, entries))
}

/// `GET /requests/{number}`.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> PageResult {
    let (case, building, entries) = load_case(&s, &ctx, &number).await?;
    let t = ctx.t;
    let caller = &ctx.caller;
    let tz = ui::zone(&building.timezone);
    let unit_name = match case.unit_id {
        Some(u) => Some(fleet::unit_name(
            &hoistway_store::units::get(&s.db, &caller.scope, u).await?,
        )),
        None => None,
    };
    let report = case.report.as_ref();
    let view = match report {
        Some(r) => {
            let tech = cases::technician_name(&s.db, &caller.scope, &case.number).await?;
            Some(ReportView::of(t, &case, r, tech, &entries, s.clock.now()))
        }
        None => None,
    };
    let quote = report.and_then(|r| r.get("quote")).filter(|q| !q.is_null());
    let work = if ctx.may(Resource::Contracts, Action::Read) {
        hoistway_store::contract_work::of_case(&s.db, &caller.scope, case.id).await?
    } else {
        Vec::new()
    };
    let may_answer = matches!(
        caller.user.role,
        hoistway_domain::Role::CustomerAdmin | hoistway_domain::Role::PropertyManager
    );
    let may_ask = !caller.user.role.is_provider_side()
        && ctx.may(Resource::Cases, Action::Write)
        && case.status().is_open();
    let pending = case
        .quote_decision
        .as_deref()
        .is_none_or(|d| d == "pending");
    let body = html! {
        nav.crumbs aria-label=(t.equipment.breadcrumb) { a href="/requests" { (t.requests.title) } " / " (case.number) }
        (ui::page_header(&format!("{} {}", t.requests.request, case.number), Some(&format!("{} · {}", building.name, building.address)), html! {
            (ui::case_status_badge(t, &case.number, &case.status))
        }))
        div.grid {
            section.card {
                h2 { (t.requests.details) }
                @if let Some((day, _)) = crate::desk::case::parts_expected(&case) {
                    p.lead data-parts-expected { strong { ((t.parts.part_expected)(&day)) } }
                }
                (ui::facts(&[
                    (t.requests.unit, unit_name.clone().unwrap_or_else(|| t.common.dash.into())),
                    (t.requests.priority, (t.labels.priority)(&case.priority).into()),
                    (t.requests.opened, ui::datetime(case.created_at, tz)),
                    (t.requests.eta, case.eta.map(|e| ui::datetime(e, tz)).unwrap_or_else(|| t.common.dash.into())),
                    (t.requests.reported_by, case.reporter_name.clone().unwrap_or_else(|| t.common.dash.into())),
                    (t.requests.resolved_at, case.resolved_at.map(|e| ui::datetime(e, tz)).unwrap_or_else(|| t.common.dash.into())),
                    (t.requests.location, case.location_in_building.clone().unwrap_or_else(|| t.common.dash.into())),
                    (t.requests.repeatable, (t.labels.repeatable)(case.repeatable.map(|r| r.as_str()).unwrap_or("")).into()),
                    (t.requests.error_codes, if case.error_codes.is_empty() { t.common.dash.into() } else { case.error_codes.join(", ") }),
                    (t.requests.po_number, case.po_number.clone().unwrap_or_else(|| t.common.dash.into())),
                ]))
                h3 { (t.requests.symptoms) }
                p { (case.symptoms) }
            }
            section.card {
                h2 { (t.requests.timeline) }
                ol.timeline {
                    @for e in entries.iter().rev() {
                        li {
                            span.tl-dot aria-hidden="true" {}
                            time.tl-when datetime=(e.at.to_rfc3339()) { (ui::datetime(e.at, tz)) }
                            div.tl-body { p.tl-text { (customer_timeline_text(t, e, tz)) } }
                        }
                    }
                }
            }
        }
        @if let Some(r) = &view {
            section.card #report aria-labelledby="rep-h" {
                div.card-head {
                    h2 #rep-h { (t.requests.report) }
                    a href=(format!("/requests/{}/report/pdf", case.number)) download { (t.printed.report_download) }
                }
                (ui::facts(&[
                    (t.printed.technician, r.technician.clone().unwrap_or_else(|| t.common.dash.into())),
                    (t.printed.time_on_site, r.on_site_text(t)),
                    (t.requests.findings, r.findings.clone()),
                    (t.requests.cause, r.cause.to_string()),
                    (t.requests.returned, if r.returned { t.requests.yes.into() } else { t.requests.no.into() }),
                ]))
                @if !r.actions.is_empty() {
                    h3 { (t.requests.actions) }
                    ul { @for a in &r.actions { li { (a) } } }
                }
                @if !r.parts.is_empty() {
                    h3 { (t.requests.parts) }
                    ul { @for (number, name, qty) in &r.parts { li { (name) " (" (number) ") × " (qty) } } }
                }
                @if !r.follow_ups.is_empty() {
                    h3 { (t.requests.follow_ups) }
                    ul { @for x in &r.follow_ups { li { (x) } } }
                }
            }
        }
        @if may_ask {
            (asks_box(&ctx, &case, tz))
        }
        @if let Some(q) = quote {
            section.card #quote aria-labelledby="quote-h" {
                h2 #quote-h { (t.requests.quote) }
                p { (q["text"].as_str().unwrap_or("")) }
                p { strong { (ui::money(q["amount_minor"].as_f64().unwrap_or(0.0) / 100.0, q["currency"].as_str().unwrap_or(""))) } }
                @if pending && may_answer {
                    form.stack method="post" action=(format!("/requests/{}/quote", case.number)) {
                        (csrf_field(&ctx))
                        div.field {
                            label for="po_number" { (t.contract_scope.po_number) }
                            input #po_number type="text" name="po_number" maxlength="60" value=(case.po_number.clone().unwrap_or_default());
                            p.hint { (t.contract_scope.po_hint) }
                        }
                        div.row {
                            button.btn.btn-primary type="submit" name="decision" value="accepted" { (t.requests.accept) }
                            button.btn.btn-danger type="submit" name="decision" value="declined" data-confirm=(t.requests.decline_confirm) { (t.requests.decline) }
                        }
                    }
                } @else {
                    p { (ui::badge(ui::Tone::Info, &(t.requests.quote_decision)(case.quote_decision.as_deref().unwrap_or("pending")))) }
                }
            }
        }
        (charges::card(t, &work))
    };
    Ok(layout::page(&ctx, &case.number, body).into_response())
}

/// `POST /requests/{number}/quote`.
pub async fn quote(
    State(s): State<AppState>,
    Path(number): Path<String>,
    posted: Posted,
) -> PageResult {
    posted.ctx.require_area(Area::Requests)?;
    let t = posted.ctx.t;
    let decision = posted.get("decision").unwrap_or("").to_string();
    let back = format!("/requests/{number}#quote");
    match answer_quote(
        &s,
        &posted.ctx.caller,
        &number,
        QuoteAnswer {
            decision: decision.clone(),
            po_number: posted
                .get("po_number")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_string),
        },
    )
    .await
    {
        Ok(_) => Ok(redirect_with(
            &s,
            &back,
            true,
            (t.requests.quote_decision)(&decision),
        )),
        Err(hoistway_app::error::AppError::Invalid(e)) => {
            Ok(redirect_with(&s, &back, false, e.to_string()))
        }
        Err(hoistway_app::error::AppError::Conflict(m)) => Ok(redirect_with(&s, &back, false, m)),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strings::EN;
    use chrono::Utc;

    fn entry(kind: &str, message: &str, detail: serde_json::Value) -> timeline::TimelineEntry {
        timeline::TimelineEntry {
            id: 1,
            at: Utc::now(),
            actor_user_id: None,
            kind: kind.into(),
            message: message.into(),
            detail: Some(detail),
            internal: false,
        }
    }

    #[test]
    fn timeline_changes_read_in_plain_words() {
        let status = entry(
            "status",
            "Status on_site → resolved",
            serde_json::json!({"from": "on_site", "to": "resolved"}),
        );
        assert_eq!(timeline_text(&EN, &status), "Technician on site → Resolved");
        let priority = entry(
            "priority_override",
            "Priority routine → urgent: critical finding",
            serde_json::json!({"from": "routine", "to": "urgent", "reason": "critical finding"}),
        );
        assert_eq!(
            timeline_text(&EN, &priority),
            "Routine → Urgent: critical finding"
        );
        // Entries that name no codes stay as written.
        let hold = entry(
            "status",
            "On hold: waiting for part DOOR-ROLLER (2 days)",
            serde_json::json!({"from": "on_site", "to": "on_hold"}),
        );
        assert_eq!(timeline_text(&EN, &hold), hold.message);
        // How it came in and escalations: no channel or escalation codes.
        let opened = entry(
            "created",
            "Case opened via connected",
            serde_json::json!({}),
        );
        assert_eq!(
            timeline_text(&EN, &opened),
            "Request opened by the equipment's remote monitoring"
        );
        let esc = entry(
            "escalation",
            "Escalated (response_breached): response promise breached: was due 2025-06-17 14:00 UTC",
            serde_json::json!({"kind": "response_breached"}),
        );
        assert_eq!(
            timeline_text(&EN, &esc),
            "Escalated: the technician is late"
        );
        // Arrival times in the building's zone.
        let assigned = entry(
            "assigned",
            "Technician Demo technician assigned, ETA 2025-06-17 14:10 UTC",
            serde_json::json!({"technician_id": 7, "eta": "2025-06-17T14:10:00Z"}),
        );
        let helsinki = ui::zone("Europe/Helsinki");
        assert_eq!(
            customer_timeline_text(&EN, &assigned, helsinki),
            "Technician Demo technician assigned, expected 17 Jun 2025, 17:10"
        );
        let eta = entry(
            "eta",
            "ETA 2025-06-17 15:00 UTC",
            serde_json::json!({"eta": "2025-06-17T15:00:00Z"}),
        );
        assert_eq!(
            customer_timeline_text(&EN, &eta, helsinki),
            "Technician now expected 17 Jun 2025, 18:00"
        );
    }
}
