//! `/equipment/{id}/label` and `/buildings/{id}/labels`: printable unit
//! service labels (issue #20). Each carries the unit id, the building and
//! unit name, the local emergency number from the directory and a QR code
//! that opens the unit's page at its service-request form. Laid out by the
//! stylesheet at about 90 × 55 mm, so a sheet of them prints on A4.

use crate::contacts::emergency_number;
use crate::fleet;
use crate::layout;
use crate::page::{Ctx, PageResult};
use crate::strings::Strings;
use crate::ui;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use hoistway_app::extract::Path;
use hoistway_app::links;
use hoistway_app::second_factor::qr_svg;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::buildings::Building;
use hoistway_store::service_contacts::{self, ServiceContact};
use hoistway_store::units::Unit;
use hoistway_store::{buildings, units, ListFilter};
use maud::{html, Markup, PreEscaped};

/// The portal path a unit's QR code opens: its page, at the request form.
pub fn request_path(unit_id: i64) -> String {
    format!("/equipment/{unit_id}#new-request")
}

/// One label.
pub fn label(
    t: &Strings,
    unit: &Unit,
    building: &Building,
    contact: Option<&ServiceContact>,
    url: &str,
) -> Markup {
    let c = &t.contacts;
    let number = emergency_number(contact, unit.emergency_phone.as_deref());
    html! {
        article.service-label aria-label=((c.label_title)(&unit.equipment_number)) {
            div.label-head { (t.common.app_name) " · " (c.label_heading) }
            div.label-body {
                div.label-text {
                    p { span.k { (c.unit_id) } strong.unit-id { (unit.equipment_number) } }
                    p { span.k { (c.label_building) } (building.name) @if let Some(n) = &unit.name { " · " (n) } }
                    p.label-emergency {
                        span.k { (c.emergency) }
                        @match number {
                            Some(n) => strong { (n) },
                            None => span.small { (c.use_car_phone) },
                        }
                    }
                    p.label-url { (url) }
                }
                div.label-qr {
                    @if let Some(svg) = qr_svg(url, c.label_qr) { (PreEscaped(svg)) }
                    span.small { (c.label_scan) }
                }
            }
        }
    }
}

fn print_actions(t: &Strings) -> Markup {
    html! { button.btn.btn-primary.no-print type="button" data-print { (t.contacts.print) } }
}

/// `GET /equipment/{id}/label`.
pub async fn unit_label(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> PageResult {
    ctx.require(Resource::Units, Action::Read)?;
    let t = ctx.t;
    let unit = units::get(&s.db, &ctx.caller.scope, id).await?;
    let building = buildings::get(&s.db, &ctx.caller.scope, unit.building_id).await?;
    let contact = service_contacts::find(&s.db, &building.country).await?;
    let url = links::absolute(&s, &headers, &request_path(id));
    let name = fleet::unit_name(&unit);
    let title = (t.contacts.label_title)(&name);
    let body = html! {
        nav.crumbs.no-print aria-label=(t.equipment.breadcrumb) {
            a href=(format!("/equipment/{id}")) { (name) } " / " (t.contacts.label)
        }
        (ui::page_header(&title, Some(t.contacts.label_lead), print_actions(t)))
        div.labels { (label(t, &unit, &building, contact.as_ref(), &url)) }
    };
    Ok(layout::page(&ctx, &title, body).into_response())
}

/// `GET /buildings/{id}/labels`: a sheet with every unit's label.
pub async fn building_labels(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> PageResult {
    ctx.require(Resource::Units, Action::Read)?;
    let t = ctx.t;
    let building = buildings::get(&s.db, &ctx.caller.scope, id).await?;
    let list = units::list(
        &s.db,
        &ctx.caller.scope,
        &ListFilter {
            building_id: Some(id),
            limit: Some(500),
            ..Default::default()
        },
    )
    .await?
    .items;
    let contact = service_contacts::find(&s.db, &building.country).await?;
    let title = format!("{}: {}", t.contacts.labels, building.name);
    let body = html! {
        nav.crumbs.no-print aria-label=(t.equipment.breadcrumb) {
            a href=(format!("/buildings/{id}")) { (building.name) } " / " (t.contacts.labels)
        }
        (ui::page_header(&title, Some(t.contacts.label_lead), print_actions(t)))
        @if list.is_empty() { (ui::empty(t.places.no_units)) }
        div.labels {
            @for u in &list {
                (label(t, u, &building, contact.as_ref(), &links::absolute(&s, &headers, &request_path(u.id))))
            }
        }
    };
    Ok(layout::page(&ctx, &title, body).into_response())
}
