//! `/desk/intake`: a phone call taken by the care center. The safety
//! checklist (trapped passengers, medical condition, car position, unit
//! stopped or taken out of service, hazards) is what `hoistway-desk`'s
//! triage reads; together with the unit's place (hospital, only lift,
//! accessible route, high traffic) it decides the priority.
//!
//! While the form is filled in, app.js asks `/desk/intake/preview` (the
//! store's `intake::preview`: the same place lookup and the same triage
//! function as opening a case) and shows the priority the rules would
//! give. The server decides again on submit, through the API's own
//! `routes::cases::open`. Without script the form works the same; the
//! priority is then shown on the case page.

use crate::desk::queue::Names;
use crate::fleet;
use crate::forms::{csrf_field, Posted};
use crate::layout::{self, Area};
use crate::page::{redirect_with, Ctx, PageResult};
use crate::strings::Strings;
use crate::ui;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use hoistway_api::cases::open;
use hoistway_app::error::AppError;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::cases::{intake, CaseInput, Repeatable, Trapped};
use hoistway_store::ListFilter;
use maud::{html, Markup};

/// Hazards offered as check boxes (the triage's named kinds).
pub const HAZARDS: [&str; 6] = [
    "fire",
    "smoke",
    "water",
    "exposed_shaft",
    "electrical",
    "uncontrolled_movement",
];

fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

fn yes_no(v: Option<&str>) -> Option<bool> {
    match v {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        _ => None,
    }
}

/// The case input a filled-in intake form stands for (unparsable numbers
/// are left out; the store then says what is missing).
pub fn input_of(pairs: &[(String, String)]) -> CaseInput {
    let num = |n: &str| first(pairs, n).and_then(|v| v.parse::<i64>().ok());
    let trapped = yes_no(first(pairs, "trapped")) == Some(true);
    let mut hazards: Vec<String> = pairs
        .iter()
        .filter(|(n, v)| n == "hazard" && HAZARDS.contains(&v.as_str()))
        .map(|(_, v)| v.clone())
        .collect();
    if let Some(other) = first(pairs, "hazard_other") {
        hazards.push(other.to_string());
    }
    let text = |n: &str| first(pairs, n).map(str::to_string);
    CaseInput {
        unit_id: num("unit_id"),
        building_id: num("building_id"),
        channel: Some("phone".into()),
        symptoms: text("symptoms"),
        error_codes: first(pairs, "error_codes")
            .map(hoistway_store::cases::intake::split_error_codes)
            .unwrap_or_default(),
        location_in_building: text("location_in_building"),
        repeatable: text("repeatable"),
        passengers_trapped: Some(Trapped::Flag(trapped)),
        trapped_count: if trapped { num("trapped_count") } else { None },
        medical_condition: first(pairs, "medical_condition").is_some(),
        car_near_landing: yes_no(first(pairs, "car_near_landing")),
        unit_removed_from_service: first(pairs, "unit_removed_from_service").is_some(),
        unit_out_of_service: first(pairs, "unit_out_of_service").is_some(),
        hazards,
        access_instructions: text("access_instructions"),
        po_number: text("po_number"),
        spending_limit: None,
        reporter_name: text("reporter_name"),
        callback_phone: text("callback_phone"),
    }
}

/// A field's error, if it is the one the store named.
fn field_error<'a>(err: Option<(&'a str, &'a str)>, name: &str) -> Option<&'a str> {
    err.filter(|(f, _)| *f == name).map(|(_, m)| m)
}

fn radio(name: &str, value: &str, label: &str, checked: bool) -> Markup {
    let id = format!("{name}-{value}");
    html! {
        label.choice for=(id) {
            input #(id) type="radio" name=(name) value=(value) checked[checked];
            span { (label) }
        }
    }
}

fn check(name: &str, value: &str, label: &str, hint: Option<&str>, checked: bool) -> Markup {
    let id = format!("{name}-{value}");
    html! {
        label.check for=(id) {
            input #(id) type="checkbox" name=(name) value=(value) checked[checked];
            span { (label) @if let Some(h) = hint { span.hint.block { (h) } } }
        }
    }
}

/// Most units a search shows.
const MATCHES: usize = 20;

/// A unit the search found, with its building.
pub struct Match {
    pub unit: hoistway_store::units::Unit,
    pub building: String,
}

/// The units matching every word of `q` (equipment number, name, place in
/// the building, building name, street or city), the chosen unit first
/// even when it no longer matches. The store narrows by the longest word;
/// the other words filter what it returns.
async fn find_units(
    s: &AppState,
    ctx: &Ctx,
    q: &str,
    chosen: &str,
) -> Result<Vec<Match>, crate::page::PortalError> {
    let words: Vec<String> = q.split_whitespace().map(str::to_lowercase).collect();
    let mut out: Vec<hoistway_store::units::Unit> = Vec::new();
    if let Ok(id) = chosen.parse::<i64>() {
        // Only a unit the caller may see can be shown as chosen.
        if let Ok(u) = hoistway_store::units::get(&s.db, &ctx.caller.scope, id).await {
            out.push(u);
        }
    }
    let buildings: std::collections::HashMap<i64, hoistway_store::buildings::Building> =
        fleet::buildings(s, &ctx.caller)
            .await?
            .into_iter()
            .map(|b| (b.id, b))
            .collect();
    if let Some(longest) = words.iter().max_by_key(|w| w.len()) {
        let f = ListFilter {
            q: Some(longest.clone()),
            limit: Some(500),
            ..ListFilter::default()
        };
        let page = hoistway_store::units::list(&s.db, &ctx.caller.scope, &f).await?;
        for u in page.items {
            if out.iter().any(|o| o.id == u.id) {
                continue;
            }
            let b = buildings.get(&u.building_id);
            let text = format!(
                "{} {} {} {}",
                fleet::unit_name(&u),
                u.location.as_deref().unwrap_or(""),
                b.map(|b| b.name.as_str()).unwrap_or(""),
                b.map(|b| b.address.as_str()).unwrap_or("")
            )
            .to_lowercase();
            if words.iter().all(|w| text.contains(w.as_str())) {
                out.push(u);
            }
            if out.len() > MATCHES {
                break;
            }
        }
    }
    Ok(out
        .into_iter()
        .map(|u| Match {
            building: buildings
                .get(&u.building_id)
                .map(|b| format!("{} · {}", b.name, b.address))
                .unwrap_or_default(),
            unit: u,
        })
        .collect())
}

/// The search's answer: one radio per unit (the chosen one checked), or a
/// hint when nothing matches.
fn unit_results(
    d: &crate::strings::desk::Desk,
    found: &[Match],
    chosen: &str,
    searched: bool,
) -> Markup {
    let shown = &found[..found.len().min(MATCHES)];
    html! {
        @if shown.is_empty() {
            @if searched { p.hint { (d.unit_no_match) } }
        } @else {
            fieldset.unit-matches {
                legend.small.muted {
                    @if searched { ((d.unit_matches)(shown.len())) } @else { (d.unit_chosen) }
                }
                @for m in shown {
                    @let id = format!("unit-{}", m.unit.id);
                    label.unit-pick for=(id) {
                        input #(id) type="radio" name="unit_id" value=(m.unit.id) checked[chosen == m.unit.id.to_string()];
                        span { strong { (fleet::unit_name(&m.unit)) } span.sub.block { (m.building) } }
                    }
                }
            }
        }
    }
}

async fn form_page(
    s: &AppState,
    ctx: &Ctx,
    pairs: &[(String, String)],
    err: Option<(&str, &str)>,
) -> Result<Markup, crate::page::PortalError> {
    let t: &Strings = ctx.t;
    let d = &t.desk;
    let buildings = fleet::buildings(s, &ctx.caller).await?;
    let v = |n: &str| first(pairs, n).unwrap_or("").to_string();
    let found = find_units(s, ctx, &v("unit_q"), &v("unit_id")).await?;
    let has = |n: &str, val: &str| pairs.iter().any(|(k, x)| k == n && x == val);
    let unit_sel = v("unit_id");
    let building_sel = v("building_id");
    let trapped = v("trapped");
    let near = v("car_near_landing");
    let body = html! {
        (ui::page_header(d.intake_title, Some(d.intake_lead), html! {
            a.btn.btn-ghost href="/desk" { (d.back_to_queue) }
        }))
        @if let Some((_, m)) = err {
            div.flash.flash-error role="alert" { (m) }
        }
        form.intake method="post" action="/desk/intake" data-triage-form="/desk/intake/preview" {
            (csrf_field(ctx))
            div.intake-grid {
                div.intake-main {
                    fieldset.card.safety {
                        legend { (d.safety_legend) }
                        p.hint { (d.safety_lead) }
                        div.question {
                            span.q #q-trapped { (d.q_trapped) }
                            div.choices role="radiogroup" aria-labelledby="q-trapped" {
                                (radio("trapped", "yes", d.yes, trapped == "yes"))
                                (radio("trapped", "no", d.no, trapped == "no"))
                            }
                            @if let Some(m) = field_error(err, "trapped") { p.field-error { (m) } }
                        }
                        div.field.narrow {
                            label for="trapped_count" { (d.q_trapped_count) }
                            input #trapped_count type="number" name="trapped_count" min="1" max="100" value=(v("trapped_count")) inputmode="numeric";
                            @if let Some(m) = field_error(err, "trapped_count") { p.field-error { (m) } }
                        }
                        div.question {
                            span.q #q-near { (d.q_car_near) }
                            div.choices role="radiogroup" aria-labelledby="q-near" {
                                (radio("car_near_landing", "yes", d.near_yes, near == "yes"))
                                (radio("car_near_landing", "no", d.near_no, near == "no"))
                                (radio("car_near_landing", "unknown", d.unknown, near.is_empty() || near == "unknown"))
                            }
                        }
                        div.checks {
                            (check("medical_condition", "1", d.q_medical, Some(d.q_medical_hint), has("medical_condition", "1")))
                            (check("unit_out_of_service", "1", d.q_stopped, Some(d.q_stopped_hint), has("unit_out_of_service", "1")))
                            (check("unit_removed_from_service", "1", d.q_removed, Some(d.q_removed_hint), has("unit_removed_from_service", "1")))
                        }
                        fieldset.hazards {
                            legend { (d.hazards_legend) }
                            div.checks {
                                @for h in HAZARDS {
                                    (check("hazard", h, &(d.hazard)(h), None, has("hazard", h)))
                                }
                            }
                            div.field {
                                label for="hazard_other" { (d.hazard_other) }
                                input #hazard_other type="text" name="hazard_other" value=(v("hazard_other")) maxlength="200";
                            }
                        }
                    }
                    fieldset.card {
                        legend { (d.where_legend) }
                        div.field {
                            label for="unit_q" { (d.unit_search) }
                            div.search-row {
                                input #unit_q type="search" name="unit_q" value=(v("unit_q")) placeholder=(d.unit_search_hint) autocomplete="off" maxlength="100" aria-describedby="unit-results";
                                button.btn type="submit" formmethod="get" formaction="/desk/intake" formnovalidate { (d.unit_find) }
                            }
                            div #unit-results data-unit-results="/desk/intake/units" aria-live="polite" {
                                (unit_results(d, &found, &unit_sel, !v("unit_q").is_empty()))
                            }
                            @if let Some(m) = field_error(err, "unit_id") { p.field-error { (m) } }
                        }
                        div.field {
                            label for="building_id" { (d.building_only) }
                            select #building_id name="building_id" aria-invalid=[field_error(err, "building_id").map(|_| "true")] {
                                option value="" { (d.building_pick) }
                                @for b in &buildings {
                                    option value=(b.id) selected[building_sel == b.id.to_string()] { (b.name) " · " (b.address) }
                                }
                            }
                            p.hint { (d.building_hint) }
                            @if let Some(m) = field_error(err, "building_id") { p.field-error { (m) } }
                        }
                    }
                    fieldset.card {
                        legend { (d.problem_legend) }
                        div.field {
                            label for="symptoms" { (d.symptoms) }
                            textarea #symptoms name="symptoms" rows="3" maxlength="4000" aria-invalid=[field_error(err, "symptoms").map(|_| "true")] { (v("symptoms")) }
                            @if let Some(m) = field_error(err, "symptoms") { p.field-error { (m) } }
                        }
                        div.row2 {
                            div.field {
                                label for="error_codes" { (d.error_codes) }
                                input #error_codes type="text" name="error_codes" value=(v("error_codes")) placeholder="E-204, DOOR-12";
                            }
                            div.field {
                                label for="po_number" { (d.po_number) }
                                input #po_number type="text" name="po_number" value=(v("po_number")) maxlength="60";
                                @if let Some(m) = field_error(err, "po_number") { p.field-error { (m) } }
                            }
                        }
                        div.row2 {
                            div.field {
                                label for="location_in_building" { (t.requests.location) }
                                input #location_in_building type="text" name="location_in_building" value=(v("location_in_building")) maxlength="200" placeholder=(t.requests.location_hint);
                                @if let Some(m) = field_error(err, "location_in_building") { p.field-error { (m) } }
                            }
                            div.field {
                                label for="repeatable" { (t.requests.repeatable) }
                                select #repeatable name="repeatable" {
                                    option value="" { (t.requests.not_said) }
                                    @for r in Repeatable::ALL {
                                        option value=(r.as_str()) selected[v("repeatable") == r.as_str()] { ((t.labels.repeatable)(r.as_str())) }
                                    }
                                }
                                @if let Some(m) = field_error(err, "repeatable") { p.field-error { (m) } }
                            }
                        }
                        div.field {
                            label for="access_instructions" { (d.access) }
                            input #access_instructions type="text" name="access_instructions" value=(v("access_instructions")) maxlength="1000";
                        }
                    }
                    fieldset.card {
                        legend { (d.caller_legend) }
                        div.row2 {
                            div.field {
                                label for="reporter_name" { (d.reporter_name) }
                                input #reporter_name type="text" name="reporter_name" value=(v("reporter_name")) autocomplete="off" maxlength="200";
                            }
                            div.field {
                                label for="callback_phone" { (d.callback_phone) }
                                input #callback_phone type="tel" name="callback_phone" value=(v("callback_phone")) placeholder="+358 40 123 4567";
                                @if let Some(m) = field_error(err, "callback_phone") { p.field-error { (m) } }
                            }
                        }
                    }
                }
                aside.intake-side {
                    div.card.triage data-triage-panel aria-live="polite" {
                        h2 { (d.triage_heading) }
                        p.triage-priority data-triage-priority { span.badge.badge-muted { (d.triage_pending) } }
                        p.small.triage-why data-triage-why { (d.triage_nojs) }
                        button.btn.btn-primary.btn-block type="submit" { (d.open_case) }
                    }
                }
            }
        }
    };
    Ok(layout::page(ctx, d.intake_title, body))
}

fn pairs_of(raw: Option<&str>) -> Vec<(String, String)> {
    serde_urlencoded::from_str(raw.unwrap_or("")).unwrap_or_default()
}

/// `GET /desk/intake`: the form, filled in with what the query carries
/// (the unit search's "Find" without script sends the whole form here).
pub async fn show(State(s): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> PageResult {
    ctx.require_area(Area::Desk)?;
    ctx.require(Resource::Cases, Action::Write)?;
    let mut pairs = pairs_of(raw.as_deref());
    pairs.retain(|(k, _)| k != "_csrf");
    Ok(form_page(&s, &ctx, &pairs, None).await?.into_response())
}

/// `GET /desk/intake/units?unit_q=…&unit_id=…`: the unit search's answer
/// as the HTML the form shows (app.js asks as the operator types).
pub async fn units(State(s): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> PageResult {
    ctx.require_area(Area::Desk)?;
    let pairs = pairs_of(raw.as_deref());
    let q = first(&pairs, "unit_q").unwrap_or("");
    let chosen = first(&pairs, "unit_id").unwrap_or("");
    let found = find_units(&s, &ctx, q, chosen).await?;
    let markup = unit_results(&ctx.t.desk, &found, chosen, !q.is_empty());
    Ok((
        [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        markup.into_string(),
    )
        .into_response())
}

/// `GET /desk/intake/preview?…`: what triage would decide (JSON).
pub async fn preview(State(s): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> PageResult {
    ctx.require_area(Area::Desk)?;
    let pairs = pairs_of(raw.as_deref());
    let input = input_of(&pairs);
    let d = &ctx.t.desk;
    if yes_no(first(&pairs, "trapped")).is_none() {
        // Not asked yet is not "no": the rules cannot judge without it.
        return Ok(Json(serde_json::json!({
            "priority": null,
            "label": d.unanswered,
            "rationale": d.ask_trapped_first,
        }))
        .into_response());
    }
    let json = match intake::preview(&s.db, &ctx.caller.scope, &input).await {
        Ok(tr) => serde_json::json!({
            "priority": tr.priority.as_str(),
            "label": (d.priority)(tr.priority.as_str()),
            "rule": serde_json::to_value(tr.rule).unwrap_or_default(),
            "rationale": tr.rationale,
        }),
        Err(hoistway_store::StoreError::Invalid(i)) => serde_json::json!({
            "priority": null,
            "label": d.triage_pending,
            "rationale": i.message,
        }),
        Err(e) => return Err(e.into()),
    };
    Ok(Json(json).into_response())
}

/// `POST /desk/intake`: opens the case (channel `phone`).
pub async fn submit(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    ctx.require_area(Area::Desk)?;
    if yes_no(first(&posted.pairs, "trapped")).is_none() {
        let msg = format!(
            "{}: {}",
            (ctx.t.desk.field_name)("trapped"),
            ctx.t.desk.ask_trapped_first
        );
        let page = form_page(&s, ctx, &posted.pairs, Some(("trapped", &msg))).await?;
        return Ok((StatusCode::BAD_REQUEST, page).into_response());
    }
    let input = input_of(&posted.pairs);
    match open(&s, &ctx.caller, input, "phone").await {
        Ok(case) => {
            let names = Names::load(&s, ctx).await.ok();
            let place = names
                .map(|n| n.building(case.building_id))
                .unwrap_or_default();
            let text =
                (ctx.t.desk.opened)(&case.number, (ctx.t.desk.priority)(&case.priority), &place);
            Ok(redirect_with(
                &s,
                &format!("/desk/cases/{}", case.number),
                true,
                text,
            ))
        }
        Err(AppError::Invalid(i)) => {
            let msg = format!("{}: {}", (ctx.t.desk.field_name)(i.field), i.message);
            let page = form_page(&s, ctx, &posted.pairs, Some((i.field, &msg))).await?;
            Ok((StatusCode::BAD_REQUEST, page).into_response())
        }
        Err(e) => super::refused(&s, "/desk/intake", e),
    }
}
