//! `/desk/cases/{number}`: one case for the care center. What was
//! reported and how triage decided, the SLA promises with countdowns,
//! escalations waiting for acknowledgement, dispatch (technician and
//! ETA), the status moves the status machine allows, the duty manager's
//! priority override, internal notes, the timeline and the report, and
//! the customer's pending asks (escalation, a callback) with the buttons
//! that answer them.
//!
//! The forms post to `/desk/cases/{number}/{action}`, handled in
//! `case_actions.rs`.

use super::queue::Names;
use super::{countdown, next_due, priority_badge, sla_badge};
use crate::forms::csrf_field;
use crate::layout::{self, Area};
use crate::page::{Ctx, PageResult};
use crate::strings::Strings;
use crate::ui;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_desk::Status;
use hoistway_domain::{Action, Resource, Role};
use hoistway_store::cases::sla::{escalations, EscalationRow};
use hoistway_store::cases::timeline::{self, TimelineEntry};
use hoistway_store::cases::{self, Case};
use hoistway_store::maintenance::technicians;
use hoistway_store::parts::{self, Part, PartFilter};
use maud::{html, Markup};

/// The lead time a catalogue part would get on hold today.
fn hold_days(p: &Part) -> i64 {
    hoistway_desk::hold::catalogue_lead_days(p.lead_time_days, p.in_stock)
}

/// ETA choices offered at dispatch, minutes from now.
pub const ETA_MINUTES: [i64; 9] = [15, 30, 45, 60, 90, 120, 180, 240, 480];

/// The furthest a suggestion's predicted on-site time may become the ETA
/// (the store refuses ETAs beyond 60 days anyway).
pub(super) const MAX_PREDICTED_MINUTES: i64 = 7 * 24 * 60;

/// The care center sees the dispatch suggestions (the API's rule).
fn may_see_suggestions(ctx: &Ctx) -> bool {
    matches!(
        ctx.caller.user.role,
        Role::ProviderAdmin | Role::Operator | Role::DutyManager
    )
}

fn yes_no(t: &Strings, v: bool) -> &'static str {
    if v {
        t.desk.yes
    } else {
        t.desk.no
    }
}

/// The timeline, newest first; internal entries marked.
pub fn timeline_list(t: &Strings, entries: &[TimelineEntry], tz: chrono_tz::Tz) -> Markup {
    html! {
        ol.timeline {
            @for e in entries.iter().rev() {
                li.(if e.internal { "tl-internal" } else { "" }) {
                    span.tl-dot aria-hidden="true" {}
                    time.tl-when datetime=(e.at.to_rfc3339()) { (ui::datetime(e.at, tz)) }
                    div.tl-body {
                        div.tl-meta {
                            span { ((t.desk.timeline_kind)(&e.kind)) }
                            @if e.internal { " " (ui::badge(ui::Tone::Muted, t.desk.internal)) }
                        }
                        // Status and priority codes in words; other entries
                        // (escalations with their arithmetic) as written.
                        p.tl-text {
                            @if matches!(e.kind.as_str(), "status" | "priority_override") {
                                (crate::requests::timeline_text(t, e))
                            } @else {
                                (e.message)
                            }
                        }
                    }
                }
            }
        }
    }
}

fn escalation_box(ctx: &Ctx, c: &Case, list: &[EscalationRow], tz: chrono_tz::Tz) -> Markup {
    let t = ctx.t;
    let waiting: Vec<&EscalationRow> = list
        .iter()
        .filter(|e| e.acknowledged_at.is_none())
        .collect();
    html! {
        @if !waiting.is_empty() {
            section.card.escalations role="alert" {
                h2 { (t.desk.escalations_heading) }
                ul.list {
                    @for e in &waiting {
                        li {
                            div.main {
                                strong { ((t.desk.escalation_kind)(&e.kind)) }
                                @if e.repeat > 0 { " " span.muted { ((t.desk.repeat)(e.repeat)) } }
                                div.sub { (e.reason) " · " (ui::datetime(e.sent_at, tz)) }
                            }
                            form method="post" action=(format!("/desk/cases/{}/acknowledge", c.number)) {
                                (csrf_field(ctx))
                                input type="hidden" name="kind" value=(e.kind);
                                button.btn.btn-primary.btn-sm type="submit" { (t.desk.acknowledge) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The customer's asks still waiting for the care center: what, when, and
/// the button that answers each.
fn asks_box(ctx: &Ctx, c: &Case, tz: chrono_tz::Tz) -> Markup {
    let t = ctx.t;
    let d = &t.desk;
    let escalation = c.escalation_request.as_ref().filter(|e| e.pending());
    let callback = c.callback_request.as_ref().filter(|cb| cb.pending());
    html! {
        @if escalation.is_some() || callback.is_some() {
            section.card.escalations #asks role="alert" {
                h2 { (d.asks_heading) }
                ul.list {
                    @if let Some(e) = escalation {
                        li {
                            div.main {
                                strong { ((d.escalation_asked)(&e.reason)) }
                                div.sub { ((d.asked_at)(&ui::datetime(e.requested_at, tz))) }
                            }
                            form method="post" action=(format!("/desk/cases/{}/escalation-ack", c.number)) {
                                (csrf_field(ctx))
                                button.btn.btn-primary.btn-sm type="submit" { (d.acknowledge_ask) }
                            }
                        }
                    }
                    @if let Some(cb) = callback {
                        li {
                            div.main {
                                strong { ((d.callback_asked)(&cb.phone, (t.labels.callback_window)(cb.window.as_str()))) }
                                div.sub { ((d.asked_at)(&ui::datetime(cb.requested_at, tz))) }
                            }
                            form method="post" action=(format!("/desk/cases/{}/callback-done", c.number)) {
                                (csrf_field(ctx))
                                button.btn.btn-primary.btn-sm type="submit" { (d.callback_mark_done) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A technician as the dispatcher weighs them.
pub struct TechChoice {
    pub id: i64,
    pub name: String,
    /// The countries they cover, as `FI, SE`.
    pub countries: String,
    /// Covers the case's country.
    pub local: bool,
    pub load: technicians::Workload,
}

/// Technicians for the dispatch form: those covering the building's country
/// first, then the least busy (nobody on site, fewest open cases, fewest
/// visits today), then by name.
async fn tech_choices(
    s: &AppState,
    country: &str,
    tz: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> Result<Vec<TechChoice>, crate::page::PortalError> {
    let (from, to) = ui::local_day(now, tz);
    let loads = technicians::workloads(&s.db, from, to).await?;
    let mut out: Vec<TechChoice> = technicians::list(&s.db)
        .await?
        .into_iter()
        .map(|p| TechChoice {
            id: p.user_id,
            local: p.countries.iter().any(|c| c.eq_ignore_ascii_case(country)),
            load: loads.get(&p.user_id).copied().unwrap_or_default(),
            countries: p.countries.join(", "),
            name: p.name,
        })
        .collect();
    out.sort_by(|a, b| {
        (
            !a.local,
            a.load.on_site,
            a.load.open_cases,
            a.load.visits,
            &a.name,
        )
            .cmp(&(
                !b.local,
                b.load.on_site,
                b.load.open_cases,
                b.load.visits,
                &b.name,
            ))
    });
    Ok(out)
}

fn dispatch_box(
    ctx: &Ctx,
    c: &Case,
    techs: &[TechChoice],
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
) -> Markup {
    let t = ctx.t;
    let d = &t.desk;
    // A promised ETA still ahead is kept unless the dispatcher picks another.
    let promised = c.eta.filter(|eta| *eta > now);
    let option = |tc: &TechChoice| {
        html! {
            option value=(tc.id) selected[c.technician_id == Some(tc.id)] {
                (tc.name) " · " (tc.countries) " — " ((d.tech_load)(tc.load.open_cases, tc.load.visits, tc.load.on_site))
            }
        }
    };
    html! {
        section.card {
            h2 { (d.dispatch_heading) }
            @if let Some(eta) = c.eta {
                p.small {
                    (d.current_eta) " " strong { (countdown(t, Some(eta), now)) }
                    " " span.muted { ((d.eta_at)(&ui::datetime(eta, tz))) }
                }
            }
            form.stack method="post" action=(format!("/desk/cases/{}/assign", c.number)) {
                (csrf_field(ctx))
                div.field {
                    label for="technician_id" { (d.technician) }
                    select #technician_id name="technician_id" required {
                        option value="" { (d.technician_pick) }
                        @let (local, other): (Vec<&TechChoice>, Vec<&TechChoice>) = techs.iter().partition(|tc| tc.local);
                        @if !local.is_empty() {
                            optgroup label=(d.tech_covers) { @for tc in &local { (option(tc)) } }
                        }
                        @if !other.is_empty() {
                            optgroup label=(d.tech_elsewhere) { @for tc in &other { (option(tc)) } }
                        }
                    }
                }
                div.field {
                    label for="eta_minutes" { (d.eta) }
                    select #eta_minutes name="eta_minutes" {
                        @if let Some(eta) = promised {
                            option value="keep" selected { ((d.eta_keep)(&ui::datetime(eta, tz))) }
                        }
                        option value="" { (d.eta_none) }
                        @for m in ETA_MINUTES {
                            option value=(m) selected[promised.is_none() && m == 60] { ((d.eta_in)(m)) }
                        }
                    }
                }
                button.btn.btn-primary.btn-block type="submit" {
                    @if c.technician_id.is_some() { (d.redispatch) } @else { (d.dispatch) }
                }
            }
        }
    }
}

/// The day the awaited part is expected, while the case waits for it.
pub fn parts_expected(c: &Case) -> Option<(String, String)> {
    let day = c
        .parts_expected_on
        .as_deref()
        .filter(|_| c.status == "on_hold")?;
    Some((ui::date(day), c.hold_part.clone().unwrap_or_default()))
}

fn status_box(ctx: &Ctx, c: &Case, catalogue: &[Part]) -> Markup {
    let t = ctx.t;
    let next = c.status().allowed_next();
    let action = format!("/desk/cases/{}/status", c.number);
    html! {
        @if let Some((day, part)) = parts_expected(c) {
            section.card data-parts-expected {
                h2 { (t.parts.expected_on) }
                p { strong { (day) } " · " span.mono { (part) } }
            }
        }
        @if !next.is_empty() {
            section.card {
                h2 { (t.desk.status_heading) }
                div.status-moves {
                    // A new case is dispatched through the dispatch form (it needs a technician).
                    @for to in next.iter().filter(|s| matches!(s, Status::EnRoute | Status::OnSite | Status::Resolved | Status::Closed) || (**s == Status::Dispatched && c.status() != Status::New)) {
                        form method="post" action=(action) {
                            (csrf_field(ctx))
                            input type="hidden" name="status" value=(to.as_str());
                            button.btn.btn-block type="submit" { ((t.desk.move_to)(to.as_str())) }
                        }
                    }
                }
                @if next.contains(&Status::OnHold) {
                    details.more {
                        summary { (t.desk.hold) }
                        form.stack method="post" action=(action) {
                            (csrf_field(ctx))
                            input type="hidden" name="status" value="on_hold";
                            div.field {
                                label for="part" { (t.desk.hold_part) }
                                input #part type="text" name="part" required maxlength="64" list="catalogue-parts" aria-describedby="part-hint";
                                datalist #catalogue-parts {
                                    @for p in catalogue {
                                        option value=(p.part_number) { (p.description) " · " ((t.parts.days)(hold_days(p))) }
                                    }
                                }
                                span.small.muted #part-hint { (t.parts.hold_part_hint) }
                            }
                            div.field {
                                label for="lead_time_days" { (t.desk.hold_days) }
                                input #lead_time_days type="number" name="lead_time_days" min="0" max="365" aria-describedby="days-hint";
                                span.small.muted #days-hint { (t.parts.hold_days_hint) }
                            }
                            button.btn.btn-block type="submit" { (t.desk.hold) }
                        }
                    }
                }
                @if next.contains(&Status::Cancelled) || next.contains(&Status::New) {
                    details.more {
                        summary { @if next.contains(&Status::New) { (t.desk.reopen) } @else { (t.desk.cancel) } }
                        form.stack method="post" action=(action) {
                            (csrf_field(ctx))
                            input type="hidden" name="status" value=(if next.contains(&Status::New) { "new" } else { "cancelled" });
                            div.field { label for="reason" { (t.desk.reason) } input #reason type="text" name="reason" required maxlength="500"; }
                            button.btn.btn-danger.btn-block type="submit" { @if next.contains(&Status::New) { (t.desk.reopen) } @else { (t.desk.cancel) } }
                        }
                    }
                }
            }
        }
    }
}

fn priority_box(ctx: &Ctx, c: &Case) -> Markup {
    let t = ctx.t;
    html! {
        @if matches!(ctx.caller.user.role, Role::DutyManager | Role::ProviderAdmin) && c.status().is_open() {
            section.card {
                h2 { (t.desk.override_heading) }
                form.stack method="post" action=(format!("/desk/cases/{}/priority", c.number)) {
                    (csrf_field(ctx))
                    div.field {
                        label for="priority" { (t.desk.new_priority) }
                        select #priority name="priority" {
                            @for p in ["emergency", "urgent", "routine"] {
                                option value=(p) selected[p == c.priority] disabled[p == c.priority] { ((t.desk.priority)(p)) }
                            }
                        }
                    }
                    div.field { label for="override-reason" { (t.desk.reason) } input #override-reason type="text" name="reason" required maxlength="500"; }
                    button.btn.btn-block type="submit" { (t.desk.override_submit) }
                }
            }
        }
    }
}

/// The service report as a definition list (shared with the tech view).
pub fn report_view(t: &Strings, report: &serde_json::Value, decision: Option<&str>) -> Markup {
    let parts = report["parts_used"].as_array().cloned().unwrap_or_default();
    let follow = report["follow_ups"].as_array().cloned().unwrap_or_default();
    html! {
        dl.report {
            div { dt { (t.desk.findings) } dd { (report["findings"].as_str().unwrap_or("")) } }
            div { dt { (t.desk.cause_code) } dd.mono { (report["cause_code"].as_str().unwrap_or("")) } }
            div { dt { (t.desk.actions) } dd { ul { @for a in report["actions"].as_array().cloned().unwrap_or_default() { li { (a.as_str().unwrap_or("")) } } } } }
            @if !parts.is_empty() {
                div { dt { (t.desk.parts) } dd { ul { @for p in &parts { li { span.mono { (p["part_number"].as_str().unwrap_or("")) } " × " (p["quantity"]) } } } } }
            }
            @if !follow.is_empty() {
                div { dt { (t.desk.follow_ups) } dd { ul { @for f in &follow { li { (f["action"].as_str().unwrap_or("")) @if f["requires_visit"] == true { " " (ui::badge(ui::Tone::Warn, t.desk.visit_needed)) } } } } } }
            }
            @if let Some(q) = report["quote"].as_object() {
                div { dt { (t.desk.quote) } dd {
                    (q.get("text").and_then(|v| v.as_str()).unwrap_or("")) " · "
                    strong { (ui::money(q.get("amount_minor").and_then(|v| v.as_i64()).unwrap_or(0) as f64 / 100.0, q.get("currency").and_then(|v| v.as_str()).unwrap_or(""))) }
                    @if let Some(d) = decision { " " (ui::badge(match d { "accepted" => ui::Tone::Ok, "declined" => ui::Tone::Bad, _ => ui::Tone::Warn }, (t.desk.quote_decision)(d))) }
                } }
            }
            div { dt { (t.desk.returned) } dd { (yes_no(t, report["returned_to_service"] == true)) } }
            @if report["inspection_required"] == true {
                div data-inspection-required { dt { (t.desk.inspection_required) } dd { (yes_no(t, true)) } }
            }
        }
    }
}

/// `GET /desk/cases/{number}`.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(number): Path<String>) -> PageResult {
    ctx.require_area(Area::Desk)?;
    ctx.require(Resource::Cases, Action::Read)?;
    let c = cases::get(&s.db, &ctx.caller.scope, &number).await?;
    hoistway_api::privacy::audit_case_read(&s, &ctx.caller, &c).await?;
    let entries = timeline::list(&s.db, c.id, true).await?;
    let escal = escalations(&s.db, c.id).await?;
    let names = Names::load(&s, &ctx).await?;
    let building = hoistway_store::buildings::get(&s.db, &ctx.caller.scope, c.building_id).await?;
    let tz = ui::zone(&building.timezone);
    let techs = tech_choices(&s, &building.country, tz, s.clock.now()).await?;
    let catalogue = if c.status().allowed_next().contains(&Status::OnHold)
        && ctx.may(Resource::Parts, Action::Read)
    {
        let all = PartFilter {
            limit: Some(500),
            ..PartFilter::default()
        };
        parts::list(&s.db, &all).await?.items
    } else {
        Vec::new()
    };
    // The ranking for the care center on an open case (issue #21); other
    // desk roles see the plain dispatch form.
    let suggestions = if c.status().is_open() && may_see_suggestions(&ctx) {
        Some(hoistway_api::on_call::suggestions(&s, &ctx.caller, &c.number).await?)
    } else {
        None
    };
    let t = ctx.t;
    let d = &t.desk;
    let now = s.clock.now();
    let safety = &c.safety;
    let title = format!("{} · {}", c.number, d.case_title);
    let body = html! {
        p.crumbs { a href="/desk" { (d.queue_title) } " / " (c.number) }
        div.page-head.case-head {
            div {
                h1 { (c.number) " " (priority_badge(t, &c.priority)) " " (ui::case_status_badge(t, &c.number, &c.status)) }
                p.lead { (building.name) " · " (building.address) " · " (names.unit(t, c.unit_id)) }
            }
            div.sla-box {
                div { span.label { (d.next_due) } " " (countdown(t, next_due(&c), now)) }
                div.small { (d.response) " " (sla_badge(t, c.sla.response.as_deref())) " " (d.resolution) " " (sla_badge(t, c.sla.resolution.as_deref())) }
            }
        }
        (asks_box(&ctx, &c, tz))
        (escalation_box(&ctx, &c, &escal, tz))
        div.case-grid {
            div.case-main {
                section.card {
                    h2 { (d.reported_heading) }
                    p.symptoms { (c.symptoms) }
                    p.triage-line { strong { ((d.priority)(&c.priority)) } " — " (c.triage_rationale) }
                    (ui::facts(&[
                        (d.q_trapped, if safety.passengers_trapped { format!("{} ({})", d.yes, safety.trapped_count) } else { d.no.to_string() }),
                        (d.q_medical, yes_no(t, safety.medical_condition).to_string()),
                        (d.q_car_near, safety.car_near_landing.map(|v| yes_no(t, v).to_string()).unwrap_or_else(|| d.unknown.to_string())),
                        (d.q_stopped, yes_no(t, safety.unit_out_of_service).to_string()),
                        (d.q_removed, yes_no(t, safety.unit_removed_from_service).to_string()),
                        (d.hazards_legend, if safety.hazards.is_empty() { d.none_reported.to_string() } else { safety.hazards.iter().map(|h| (d.hazard)(h).to_string()).collect::<Vec<_>>().join(", ") }),
                        (d.channel, (d.channel_name)(&c.channel).to_string()),
                        (d.opened_at, ui::datetime(c.created_at, tz)),
                        (d.reporter_name, c.reporter_name.clone().unwrap_or_else(|| t.common.dash.into())),
                        (d.callback_phone, c.callback_phone.clone().unwrap_or_else(|| t.common.dash.into())),
                        (d.access, c.access_instructions.clone().unwrap_or_else(|| t.common.dash.into())),
                        (d.location, c.location_in_building.clone().unwrap_or_else(|| t.common.dash.into())),
                        (d.repeatable, (t.labels.repeatable)(c.repeatable.map(|r| r.as_str()).unwrap_or("")).to_string()),
                        (d.error_codes, if c.error_codes.is_empty() { t.common.dash.into() } else { c.error_codes.join(", ") }),
                        (d.po_number, c.po_number.clone().unwrap_or_else(|| t.common.dash.into())),
                        (d.technician, names.technician(c.technician_id).unwrap_or_else(|| d.unassigned.into())),
                        (d.tier, (t.labels.tier)(&c.tier).to_string()),
                    ]))
                }
                @if let Some(r) = &c.report {
                    section.card { h2 { (d.report_heading) } (report_view(t, r, c.quote_decision.as_deref())) }
                }
                section.card {
                    h2 { (d.note_heading) }
                    form.stack method="post" action=(format!("/desk/cases/{}/note", c.number)) {
                        (csrf_field(&ctx))
                        div.field { label for="note-text" { (d.note) } textarea #note-text name="text" rows="2" required maxlength="4000" {} }
                        div.row {
                            label.check for="note-internal" { input #note-internal type="checkbox" name="internal" value="1" checked; span { (d.note_internal) } }
                            button.btn type="submit" { (d.add_note) }
                        }
                    }
                }
                section.card {
                    h2 { (d.timeline_heading) }
                    (timeline_list(t, &entries, tz))
                }
            }
            aside.case-side {
                @if let Some(sg) = &suggestions { (super::suggest::card(&ctx, &c.number, sg, tz)) }
                @if c.status().is_open() { (dispatch_box(&ctx, &c, &techs, now, tz)) }
                (status_box(&ctx, &c, &catalogue))
                (priority_box(&ctx, &c))
            }
        }
    };
    Ok(layout::page(&ctx, &title, body).into_response())
}
