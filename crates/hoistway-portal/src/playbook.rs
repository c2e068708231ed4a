//! `/buildings/{id}/playbook`: a building's on-site playbook (issue #20),
//! one page that prints: the local emergency and service contacts, what
//! to do when someone is trapped, the units, who to call, how service gets
//! in, and when it was last gone through with the staff. Customer admins
//! and property managers edit it and mark it reviewed here (the forms do
//! not print); everyone else who sees the building reads it.

use crate::admin::back_with;
use crate::contacts;
use crate::forms::{csrf_field, Posted};
use crate::layout;
use crate::page::{redirect_with, Ctx, PageResult};
use crate::ui;
use axum::extract::State;
use axum::response::IntoResponse;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Invalid, Resource};
use hoistway_store::buildings;
use hoistway_store::playbooks::{self, EscalationContact, Playbook, PlaybookInput};
use maud::{html, Markup};

/// "Today" where the building is.
async fn building_today(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<chrono::NaiveDate, crate::page::PortalError> {
    let b = buildings::get(&s.db, &ctx.caller.scope, id).await?;
    Ok(s.clock
        .now()
        .with_timezone(&ui::zone(&b.timezone))
        .date_naive())
}

/// `GET /buildings/{id}/playbook`.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    ctx.require(Resource::Playbooks, Action::Read)?;
    let today = building_today(&s, &ctx, id).await?;
    let pb = playbooks::get(&s.db, &ctx.caller.scope, id, today).await?;
    let t = ctx.t;
    let c = &t.contacts;
    let title = (c.playbook_title)(&pb.building_name);
    let editable = ctx.may(Resource::Playbooks, Action::Write);
    let country = pb
        .service_contact
        .as_ref()
        .map(|sc| sc.name.clone())
        .unwrap_or_else(|| pb.country.clone());
    let body = html! {
        nav.crumbs.no-print aria-label=(t.equipment.breadcrumb) {
            a href=(format!("/buildings/{id}")) { (pb.building_name) } " / " (c.playbook)
        }
        (ui::page_header(&title, Some(&pb.address), html! {
            @if pb.review_due { (ui::badge(ui::Tone::Warn, c.review_due)) }
            a.btn.no-print href=(format!("/buildings/{id}/playbook/pdf")) { (c.pdf) }
            button.btn.btn-primary.no-print type="button" data-print { (c.print) }
        }))
        p.muted { (c.playbook_lead) }
        section.card aria-labelledby="pb-contacts" {
            h2 #pb-contacts { (c.title) " · " (country) }
            (contacts::card_body(t, pb.service_contact.as_ref(), &country))
        }
        section.card aria-labelledby="pb-trapped" {
            h2 #pb-trapped { (c.entrapment) }
            ol.steps { @for step in c.entrapment_steps { li { (step) } } }
        }
        section.card aria-labelledby="pb-units" {
            h2 #pb-units { (c.units) }
            @if pb.units.is_empty() { (ui::empty(t.places.no_units)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (c.unit_id) }
                        th scope="col" { (c.unit) }
                        th scope="col" { (c.location) }
                        th scope="col" { (c.emergency) }
                        th.no-print scope="col" { (c.label) }
                    } }
                    tbody { @for u in &pb.units {
                        tr {
                            td data-label=(c.unit_id) { strong { (u.equipment_number) } }
                            td data-label=(c.unit) { (u.name.clone().unwrap_or_default()) " " span.muted { ((t.labels.unit_kind)(&u.kind)) } }
                            td data-label=(c.location) { (u.location.clone().unwrap_or_else(|| t.common.dash.into())) }
                            // What the unit's label prints: the directory's number, else the unit's own line.
                            td data-label=(c.emergency) {
                                @match contacts::emergency_number(pb.service_contact.as_ref(), u.emergency_phone.as_deref()) {
                                    Some(n) => (contacts::phone_link(n)),
                                    None => (t.common.dash),
                                }
                            }
                            td.no-print data-label=(c.label) { a href=(format!("/equipment/{}/label", u.id)) { (c.label) } }
                        }
                    } }
                } }
            }
        }
        section.card aria-labelledby="pb-escalation" {
            h2 #pb-escalation { (c.escalation) }
            p.small.muted { (c.escalation_lead) }
            @if pb.escalation_contacts.is_empty() { (ui::empty(c.no_escalation)) } @else {
                ol.steps { @for e in &pb.escalation_contacts {
                    li {
                        strong { (e.name) }
                        @if let Some(r) = &e.role { " · " (r) }
                        @if let Some(p) = &e.phone { " · " (contacts::phone_link(p)) }
                        @if let Some(m) = &e.email { " · " a href=(format!("mailto:{m}")) { (m) } }
                    }
                } }
            }
        }
        section.card aria-labelledby="pb-access" {
            h2 #pb-access { (c.access) }
            @if pb.access_instructions.is_empty() { (ui::empty(c.no_access)) } @else {
                p.pre-wrap { (pb.access_instructions) }
            }
        }
        section.card aria-labelledby="pb-review" {
            h2 #pb-review { (c.review) }
            (ui::facts(&[
                (c.last_reviewed, pb.last_reviewed_on.as_deref().map(ui::date).unwrap_or_else(|| c.never.into())),
                (c.next_review, ui::date(&pb.next_review_on)),
                (c.interval, (c.every_months)(pb.review_interval_months)),
            ]))
            @if editable {
                form.no-print method="post" action=(format!("/buildings/{id}/playbook/review")) {
                    (csrf_field(&ctx))
                    button.btn type="submit" { (c.mark_reviewed) }
                }
            }
        }
        @if editable { (edit_form(&ctx, &pb)) }
    };
    Ok(layout::page(&ctx, &title, body).into_response())
}

fn edit_form(ctx: &Ctx, pb: &Playbook) -> Markup {
    let c = &ctx.t.contacts;
    // The stored contacts and two blank rows, up to the limit.
    let rows = (pb.escalation_contacts.len() + 2).min(playbooks::MAX_CONTACTS);
    let blank = EscalationContact::default();
    html! {
        section.card.no-print aria-labelledby="pb-edit" {
            h2 #pb-edit { (c.edit) }
            form.stack method="post" action=(format!("/buildings/{}/playbook", pb.building_id)) {
                (csrf_field(ctx))
                div.field {
                    label for="pb-access-text" { (c.access) }
                    textarea #pb-access-text name="access_instructions" rows="5" maxlength="4000" aria-describedby="pb-access-hint" { (pb.access_instructions) }
                    p.small.muted #pb-access-hint { (c.access_hint) }
                }
                fieldset.contact-rows {
                    legend { (c.escalation) }
                    @for i in 0..rows {
                        @let e = pb.escalation_contacts.get(i).unwrap_or(&blank);
                        div.row {
                            div.field { label for=(format!("pb-n{i}")) { (c.name) span.sr-only { " " ((c.contact_n)(i + 1)) } } input id=(format!("pb-n{i}")) type="text" name=(format!("contact_name_{i}")) value=(e.name); }
                            div.field { label for=(format!("pb-r{i}")) { (c.role) } input id=(format!("pb-r{i}")) type="text" name=(format!("contact_role_{i}")) value=(e.role.clone().unwrap_or_default()); }
                            div.field { label for=(format!("pb-p{i}")) { (c.phone) } input id=(format!("pb-p{i}")) type="tel" name=(format!("contact_phone_{i}")) value=(e.phone.clone().unwrap_or_default()); }
                            div.field { label for=(format!("pb-e{i}")) { (c.email) } input id=(format!("pb-e{i}")) type="email" name=(format!("contact_email_{i}")) value=(e.email.clone().unwrap_or_default()); }
                        }
                    }
                }
                div.field {
                    label for="pb-interval" { (c.interval) }
                    select #pb-interval name="review_interval_months" {
                        @for m in playbooks::INTERVAL_RANGE {
                            option value=(m) selected[m == pb.review_interval_months] { ((c.every_months)(m)) }
                        }
                    }
                }
                button.btn.btn-primary type="submit" { (c.save) }
            }
        }
    }
}

/// `GET /buildings/{id}/playbook/pdf`: the same sections as a document.
pub async fn pdf(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    ctx.require(Resource::Playbooks, Action::Read)?;
    let b = buildings::get(&s.db, &ctx.caller.scope, id).await?;
    let tz = ui::zone(&b.timezone);
    let now = s.clock.now();
    let pb = playbooks::get(
        &s.db,
        &ctx.caller.scope,
        id,
        now.with_timezone(&tz).date_naive(),
    )
    .await?;
    let t = ctx.t;
    let c = &t.contacts;
    let known = |v: &Option<String>| v.clone().unwrap_or_else(|| c.not_known.into());
    let contacts = match &pb.service_contact {
        Some(sc) => vec![
            (
                c.emergency.to_string(),
                sc.emergency_phone
                    .clone()
                    .unwrap_or_else(|| c.use_car_phone.into()),
            ),
            (c.non_urgent.to_string(), known(&sc.service_phone)),
            (c.email.to_string(), known(&sc.service_email)),
            (c.hours.to_string(), known(&sc.service_hours)),
            (c.web.to_string(), known(&sc.web)),
        ],
        None => vec![(c.emergency.to_string(), (c.none_for_country)(&pb.country))],
    };
    let units = pb
        .units
        .iter()
        .map(|u| {
            [
                u.equipment_number.clone(),
                u.name
                    .clone()
                    .unwrap_or_else(|| (t.labels.unit_kind)(&u.kind).into()),
                u.location.clone().unwrap_or_else(|| t.common.dash.into()),
                contacts::emergency_number(
                    pb.service_contact.as_ref(),
                    u.emergency_phone.as_deref(),
                )
                .unwrap_or(t.common.dash)
                .to_string(),
            ]
        })
        .collect();
    let escalation = if pb.escalation_contacts.is_empty() {
        vec![c.no_escalation.to_string()]
    } else {
        pb.escalation_contacts
            .iter()
            .map(|e| {
                [
                    Some(e.name.clone()),
                    e.role.clone(),
                    e.phone.clone(),
                    e.email.clone(),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" · ")
            })
            .collect()
    };
    let access = if pb.access_instructions.is_empty() {
        c.no_access.to_string()
    } else {
        pb.access_instructions.clone()
    };
    let title = (c.playbook_title)(&pb.building_name);
    let doc = hoistway_documents::PlaybookDocument {
        frame: crate::printed::frame(t, title.clone(), vec![pb.address.clone()], now, tz),
        contacts_heading: c.title.into(),
        contacts,
        entrapment: hoistway_documents::Section {
            heading: c.entrapment.into(),
            items: c.entrapment_steps.iter().map(|s| s.to_string()).collect(),
        },
        units_heading: c.units.into(),
        units_header: [
            c.unit_id.into(),
            c.unit.into(),
            c.location.into(),
            c.emergency.into(),
        ],
        units,
        escalation: hoistway_documents::Section {
            heading: c.escalation.into(),
            items: escalation,
        },
        access: (c.access.into(), access),
        review_heading: c.review.into(),
        review: vec![
            (
                c.last_reviewed.into(),
                pb.last_reviewed_on
                    .as_deref()
                    .map(ui::date)
                    .unwrap_or_else(|| c.never.into()),
            ),
            (c.next_review.into(), ui::date(&pb.next_review_on)),
            (
                c.interval.into(),
                (c.every_months)(pb.review_interval_months),
            ),
        ],
    };
    let bytes = doc.to_pdf().map_err(crate::printed::failed)?;
    Ok(crate::printed::pdf_response(
        bytes,
        &format!("playbook-{id}"),
    ))
}

/// The form's fields as the API's input: rows with every field blank are
/// left out.
fn input_of(posted: &Posted) -> Result<PlaybookInput, Invalid> {
    let mut list = Vec::new();
    for i in 0..playbooks::MAX_CONTACTS {
        let get = |k: &str| posted.get(&format!("contact_{k}_{i}")).map(str::to_string);
        let (name, role, phone, email) = (get("name"), get("role"), get("phone"), get("email"));
        if name.is_none() && role.is_none() && phone.is_none() && email.is_none() {
            continue;
        }
        list.push(EscalationContact {
            name: name.unwrap_or_default(),
            role,
            phone,
            email,
        });
    }
    let interval = match posted.get("review_interval_months") {
        Some(v) => Some(
            v.parse()
                .map_err(|_| Invalid::new("review_interval_months", "must be 6 to 12 months"))?,
        ),
        None => None,
    };
    Ok(PlaybookInput {
        access_instructions: Some(posted.get("access_instructions").unwrap_or("").to_string()),
        escalation_contacts: Some(list),
        review_interval_months: interval,
    })
}

/// `POST /buildings/{id}/playbook`.
pub async fn save(State(s): State<AppState>, Path(id): Path<i64>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    ctx.require(Resource::Playbooks, Action::Write)?;
    let back = format!("/buildings/{id}/playbook");
    let input = match input_of(&posted) {
        Ok(i) => i,
        Err(e) => return back_with(&s, &back, e),
    };
    match playbooks::update(&s.db, &ctx.caller.scope, ctx.caller.actor(&s), id, input).await {
        Ok(_) => Ok(redirect_with(&s, &back, true, ctx.t.contacts.saved)),
        Err(e) => back_with(&s, &back, e),
    }
}

/// `POST /buildings/{id}/playbook/review`.
pub async fn review(State(s): State<AppState>, Path(id): Path<i64>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    ctx.require(Resource::Playbooks, Action::Write)?;
    let today = building_today(&s, ctx, id).await?;
    playbooks::mark_reviewed(&s.db, &ctx.caller.scope, ctx.caller.actor(&s), id, today).await?;
    Ok(redirect_with(
        &s,
        &format!("/buildings/{id}/playbook"),
        true,
        ctx.t.contacts.reviewed,
    ))
}
