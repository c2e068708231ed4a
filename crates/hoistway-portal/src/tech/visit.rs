//! `/tech/visits/{id}`: one planned maintenance visit on the phone. The
//! unit and building named as people name them, the address with a map
//! link, then the work in field order: start the visit, record its
//! checklist (OK, not OK, N/A, each with a note), complete it with the
//! visit report; afterwards the report and the results. The unit's
//! history closes the page ([`super::history`]).
//!
//! Every change goes through the store functions the API's handlers call
//! (`completion::{start, record_items, complete}`, which write the audit
//! rows and hand a failed safety item to the care center), after the
//! API's own check `hoistway_api::visit_work::may_work`. A visit assigned
//! to someone else (or to no one) is a 404 here, like a case.

use super::history::{self, Current};
use crate::fleet;
use crate::forms::{csrf_field, Posted};
use crate::layout::{self, Area};
use crate::page::{redirect_with, Ctx, PageResult, PortalError};
use crate::strings::Strings;
use crate::ui::{self, Tone};
use axum::extract::State;
use axum::response::IntoResponse;
use hoistway_app::error::AppError;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_maintenance::report::{PartUsed, VisitReportInput};
use hoistway_maintenance::VisitStatus;
use hoistway_store::buildings;
use hoistway_store::maintenance::completion::{self, ChecklistEntry, ItemInput};
use hoistway_store::maintenance::visits::{self, Visit};
use maud::{html, Markup};

/// Parts rows offered on the completion form.
const PART_ROWS: usize = 4;

/// The outcomes a checklist item takes, in the order offered.
const OUTCOMES: [&str; 3] = ["pass", "fail", "n_a"];

/// My visit, or 404 (another technician's visit is not shown at all).
pub async fn my_visit(s: &AppState, ctx: &Ctx, id: i64) -> Result<Visit, PortalError> {
    ctx.require_area(Area::Tech)?;
    ctx.require(Resource::Maintenance, Action::Read)?;
    let v = visits::get(&s.db, &ctx.caller.scope, id).await?;
    if v.technician_id != Some(ctx.caller.user.id) {
        return Err(PortalError::NotFound);
    }
    Ok(v)
}

/// A link to a building on OpenStreetMap: a pin where it has coordinates,
/// else a search for its address.
pub fn map_link(latitude: Option<f64>, longitude: Option<f64>, address: &str) -> String {
    match (latitude, longitude) {
        (Some(lat), Some(lon)) => format!(
            "https://www.openstreetmap.org/?mlat={lat:.6}&mlon={lon:.6}#map=18/{lat:.6}/{lon:.6}"
        ),
        _ => {
            let q = serde_urlencoded::to_string([("query", address)]).unwrap_or_default();
            format!("https://www.openstreetmap.org/search?{q}")
        }
    }
}

/// "Lift C · Keilaniemi Campus": the unit as people name it, then the building.
pub fn visit_name(unit: &str, building: &str) -> String {
    format!("{unit} · {building}")
}

fn back(id: i64) -> String {
    format!("/tech/visits/{id}")
}

fn status_tone(s: VisitStatus) -> Tone {
    match s {
        VisitStatus::Completed => Tone::Ok,
        VisitStatus::InProgress => Tone::Info,
        VisitStatus::Missed => Tone::Bad,
        VisitStatus::Cancelled => Tone::Muted,
        VisitStatus::Planned => Tone::Warn,
    }
}

/// A visit's status badge in plain words.
pub fn status_badge(t: &Strings, s: VisitStatus) -> Markup {
    ui::badge(status_tone(s), (t.labels.visit_status)(s.as_str()))
}

fn outcome_tone(o: &str) -> Tone {
    match o {
        "pass" => Tone::Ok,
        "fail" => Tone::Bad,
        _ => Tone::Muted,
    }
}

/// `GET /tech/visits/{id}`.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let v = my_visit(&s, &ctx, id).await?;
    let t = ctx.t;
    let r = &t.tech_visits;
    let building = buildings::get(&s.db, &ctx.caller.scope, v.building_id).await?;
    let unit = hoistway_store::units::get(&s.db, &ctx.caller.scope, v.unit_id).await?;
    let tz = ui::zone(&v.timezone);
    let checklist = completion::checklist(&s.db, &ctx.caller.scope, id).await?;
    let report = match v.status {
        VisitStatus::Completed => Some(completion::report(&s.db, &ctx.caller.scope, id).await?),
        _ => None,
    };
    let history = history::block(&s, &ctx, v.unit_id, tz, Current::Visit(v.id)).await?;
    let name = visit_name(&fleet::short_unit_name(&unit), &building.name);
    let kind = (t.labels.visit_kind)(v.kind.as_str());
    let local = v.planned_for.with_timezone(&tz);
    let done = checklist.iter().filter(|e| e.outcome.is_some()).count();
    let now = s.clock.now();
    let minutes = v
        .started_at
        .map(|st| (now - st).num_minutes().clamp(1, 1440))
        .unwrap_or(i64::from(v.duration_min.clamp(1, 1440)));
    let mut facts: Vec<(&str, String)> = vec![
        (r.planned_for, ui::datetime(v.planned_for, tz)),
        (r.equipment_number, v.equipment_number.clone()),
    ];
    if let Some(l) = unit.location.as_deref().filter(|l| !l.trim().is_empty()) {
        facts.push((r.location, l.to_string()));
    }
    if let Some(n) = v.notes.as_deref() {
        facts.push((r.notes, n.to_string()));
    }
    let body = html! {
        p.crumbs { a href="/tech" { (r.back) } " / " (kind) }
        div.order-head {
            div.order-top {
                (ui::badge(Tone::Info, kind))
                (status_badge(t, v.status))
            }
            h1 { (name) }
            p.lead { ((r.planned_line)(kind, &local.format("%H:%M").to_string(), v.duration_min)) }
        }
        @if v.case_pending {
            div.flash.flash-error role="alert" { (r.case_pending) }
        }
        section.card.visit-where {
            p.address { strong { (r.address) } br; (building.address) }
            a.btn.btn-block href=(map_link(building.latitude, building.longitude, &building.address)) target="_blank" rel="noopener noreferrer" data-map-link { (r.open_map) }
            (ui::facts(&facts))
        }
        @if v.status == VisitStatus::Planned {
            section.steps aria-label=(t.tech.steps) {
                form method="post" action=(format!("/tech/visits/{id}/start")) {
                    (csrf_field(&ctx))
                    button.btn.btn-primary.btn-block.btn-big type="submit" { (r.start) }
                }
                p.hint { (r.start_hint) }
            }
        }
        @if v.status == VisitStatus::InProgress {
            section.card {
                h2 { (r.checklist_heading) " " span.count data-checklist-progress { ((r.progress)(done, checklist.len())) } }
                @if checklist.is_empty() {
                    (ui::empty(r.no_checklist))
                } @else {
                    p.hint { (r.checklist_hint) }
                    (checklist_form(&ctx, id, &checklist))
                }
            }
            section.card {
                h2 { (r.complete_heading) }
                p.hint { (r.complete_hint) }
                (complete_form(&ctx, id, minutes))
            }
        }
        @if let Some(done) = &report {
            section.card.visit-report {
                h2 { (r.report_heading) }
                dl.report {
                    div { dt { (r.findings) } dd { (done.report.findings) } }
                    div { dt { (r.time_on_site) } dd { ((r.minutes_on_site)(done.report.time_on_site_min)) } }
                    @if !done.report.parts_used.is_empty() {
                        div { dt { (r.parts) } dd { ul { @for p in &done.report.parts_used { li { span.mono { (p.part_number) } " × " (p.quantity) } } } } }
                    }
                    div { dt { (r.filed_at) } dd { (ui::datetime(done.report.posted_at, tz)) } }
                }
            }
        }
        @if v.status != VisitStatus::InProgress && !checklist.is_empty() {
            section.card {
                h2 { (r.checklist_heading) " " span.count { ((r.progress)(done, checklist.len())) } }
                ul.checklist-results {
                    @for e in &checklist {
                        li {
                            span { (e.title) }
                            @let o = e.outcome.map(|o| o.as_str()).unwrap_or("");
                            (ui::badge(outcome_tone(o), (r.outcome)(o)))
                            @if let Some(n) = &e.note { span.hint.result-note { (n) } }
                        }
                    }
                }
            }
        }
        (history)
    };
    Ok(layout::page(&ctx, &name, body).into_response())
}

/// The checklist of a visit in progress: one form, each item a row of
/// three big choices and a note; only what changed is recorded.
fn checklist_form(ctx: &Ctx, id: i64, items: &[ChecklistEntry]) -> Markup {
    let r = &ctx.t.tech_visits;
    html! {
        form.stack.checklist method="post" action=(format!("/tech/visits/{id}/checklist")) {
            (csrf_field(ctx))
            @for (i, e) in items.iter().enumerate() {
                @let current = e.outcome.map(|o| o.as_str());
                fieldset.check-item data-item=(e.code) data-outcome=[current] {
                    legend {
                        (e.title)
                        @if e.safety { " " (ui::badge(Tone::Warn, r.safety_item)) }
                        @if e.case_opened { " " (ui::badge(Tone::Bad, r.handed_to_desk)) }
                    }
                    input type="hidden" name=(format!("code_{i}")) value=(e.code);
                    div.outcomes {
                        @for o in OUTCOMES {
                            @let fid = format!("o-{i}-{o}");
                            input.outcome-input id=(fid) type="radio" name=(format!("o_{i}")) value=(o) checked[current == Some(o)];
                            label.outcome.(format!("outcome-{o}")) for=(fid) { ((r.outcome)(o)) }
                        }
                    }
                    div.field {
                        label for=(format!("note-{i}")) { (r.note) }
                        input id=(format!("note-{i}")) type="text" name=(format!("note_{i}")) maxlength="2000" value=[e.note.as_deref()];
                    }
                }
            }
            button.btn.btn-primary.btn-block.btn-big type="submit" { (r.save_checklist) }
        }
    }
}

fn complete_form(ctx: &Ctx, id: i64, minutes: i64) -> Markup {
    let r = &ctx.t.tech_visits;
    html! {
        form.stack.visit-complete method="post" action=(format!("/tech/visits/{id}/complete")) {
            (csrf_field(ctx))
            div.field {
                label for="findings" { (r.findings) }
                textarea #findings name="findings" rows="4" required maxlength="5000" {}
            }
            div.field {
                label for="time_on_site" { (r.time_on_site) }
                input #time_on_site type="number" name="time_on_site" min="1" max="1440" inputmode="numeric" required value=(minutes);
            }
            fieldset {
                legend { (r.parts) }
                p.hint { (r.parts_hint) }
                @for i in 0..PART_ROWS {
                    div.part-row {
                        div.field {
                            label for=(format!("vpart_{i}")) { (r.part_number) " " (i + 1) }
                            input id=(format!("vpart_{i}")) type="text" name=(format!("part_{i}")) maxlength="60" autocapitalize="characters";
                        }
                        div.field.qty {
                            label for=(format!("vqty_{i}")) { (r.quantity) }
                            input id=(format!("vqty_{i}")) type="number" name=(format!("qty_{i}")) min="1" max="10000" inputmode="numeric";
                        }
                    }
                }
            }
            button.btn.btn-primary.btn-block.btn-big type="submit" { (r.complete) }
        }
    }
}

/// A refused visit form as a flash in plain words (the store's messages
/// name statuses by their wire codes).
fn refused(s: &AppState, t: &Strings, id: i64, e: AppError) -> PageResult {
    let r = &t.tech_visits;
    match e {
        AppError::Invalid(i) => Ok(redirect_with(
            s,
            &back(id),
            false,
            (r.refused_field)(i.field),
        )),
        AppError::BadRequest(_) => Ok(redirect_with(s, &back(id), false, (r.refused_field)(""))),
        AppError::Conflict(_) => Ok(redirect_with(s, &back(id), false, r.refused_state)),
        other => crate::desk::refused(s, &back(id), other),
    }
}

/// `POST /tech/visits/{id}/start`.
pub async fn start(State(s): State<AppState>, Path(id): Path<i64>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    my_visit(&s, ctx, id).await?;
    let t = ctx.t;
    let done = async {
        hoistway_api::visit_work::may_work(&s, &ctx.caller, id).await?;
        Ok::<_, AppError>(
            completion::start(&s.db, &ctx.caller.scope, ctx.caller.actor(&s), id).await?,
        )
    };
    match done.await {
        Ok(_) => Ok(redirect_with(&s, &back(id), true, t.tech_visits.started)),
        Err(e) => refused(&s, t, id, e),
    }
}

/// The items of a posted checklist that differ from what is recorded.
fn changed_items(posted: &Posted, current: &[ChecklistEntry]) -> Vec<(String, ItemInput)> {
    let mut out = Vec::new();
    for (i, e) in current.iter().enumerate() {
        if posted.get(&format!("code_{i}")) != Some(e.code.as_str()) {
            continue;
        }
        let Some(outcome) = posted.get(&format!("o_{i}")) else {
            continue;
        };
        let note = posted.get(&format!("note_{i}")).map(str::to_string);
        let same = e.outcome.map(|o| o.as_str()) == Some(outcome) && e.note == note;
        if !same {
            out.push((
                e.code.clone(),
                ItemInput {
                    outcome: outcome.to_string(),
                    note,
                },
            ));
        }
    }
    out
}

/// `POST /tech/visits/{id}/checklist`: records the items whose outcome or
/// note changed, each as `PUT /api/v1/visits/{id}/checklist/{code}` does.
pub async fn checklist(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    my_visit(&s, ctx, id).await?;
    let t = ctx.t;
    let current = completion::checklist(&s.db, &ctx.caller.scope, id).await?;
    let items = changed_items(&posted, &current);
    if items.is_empty() {
        return Ok(redirect_with(
            &s,
            &back(id),
            false,
            t.tech_visits.nothing_recorded,
        ));
    }
    let n = items.len();
    let done = async {
        hoistway_api::visit_work::may_work(&s, &ctx.caller, id).await?;
        Ok::<_, AppError>(
            completion::record_items(&s.db, &ctx.caller.scope, ctx.caller.actor(&s), id, items)
                .await?,
        )
    };
    match done.await {
        Ok(_) => Ok(redirect_with(
            &s,
            &back(id),
            true,
            (t.tech_visits.recorded)(n),
        )),
        Err(e) => refused(&s, t, id, e),
    }
}

/// The report a completion form stands for; `Err` names a field that
/// could not be read at all (the rules check the rest).
fn report_of(p: &Posted) -> Result<VisitReportInput, &'static str> {
    let time_on_site_min = p
        .get("time_on_site")
        .unwrap_or("")
        .parse::<u32>()
        .map_err(|_| "time_on_site_min")?;
    let mut parts_used = Vec::new();
    for i in 0..PART_ROWS {
        let Some(part) = p.get(&format!("part_{i}")) else {
            continue;
        };
        let quantity = match p.get(&format!("qty_{i}")) {
            None => 1,
            Some(q) => q.parse::<u32>().map_err(|_| "parts_used")?,
        };
        parts_used.push(PartUsed {
            part_number: part.to_string(),
            quantity,
        });
    }
    Ok(VisitReportInput {
        findings: p.get("findings").unwrap_or("").to_string(),
        parts_used,
        time_on_site_min,
    })
}

/// `POST /tech/visits/{id}/complete`: completes the visit with its report,
/// as `POST /api/v1/visits/{id}/complete` does.
pub async fn complete(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    my_visit(&s, ctx, id).await?;
    let t = ctx.t;
    let input = match report_of(&posted) {
        Ok(i) => i,
        Err(field) => {
            return Ok(redirect_with(
                &s,
                &back(id),
                false,
                (t.tech_visits.refused_field)(field),
            ))
        }
    };
    let done = async {
        hoistway_api::visit_work::may_work(&s, &ctx.caller, id).await?;
        Ok::<_, AppError>(
            completion::complete(&s.db, &ctx.caller.scope, ctx.caller.actor(&s), id, input).await?,
        )
    };
    match done.await {
        Ok(_) => Ok(redirect_with(&s, &back(id), true, t.tech_visits.completed)),
        Err(e) => refused(&s, t, id, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_link_pins_coordinates_or_searches_the_address() {
        let address = "Keilaranta 1, 02150 Espoo";
        let pinned = map_link(Some(60.1756), Some(24.8286), address);
        assert!(
            pinned.starts_with("https://www.openstreetmap.org/?mlat=60.175600&mlon=24.828600"),
            "{pinned}"
        );
        let search = map_link(Some(60.1756), None, address);
        assert_eq!(
            search,
            "https://www.openstreetmap.org/search?query=Keilaranta+1%2C+02150+Espoo"
        );
    }

    #[test]
    fn a_visit_is_named_unit_then_building() {
        assert_eq!(
            visit_name("Lift C", "Keilaniemi Campus"),
            "Lift C · Keilaniemi Campus"
        );
    }
}
