//! `/admin/units/{id}`: a unit's asset-register fields and the flags
//! triage reads (accessible route, high traffic), and its device
//! credentials: issue (the token shown once, on the answer), revoke.

use super::{
    back_with, flag, require_admin, required_field, secret_box, shell, text_field, JsonForm,
};
use crate::forms::{csrf_field, Posted};
use crate::page::{redirect_with, Ctx, PageResult};
use crate::{fleet, ui};
use axum::extract::State;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_connected::credentials;
use hoistway_domain::{Invalid, Resource};
use hoistway_store::units::{self, Unit};
use hoistway_store::{buildings, customers, devices};
use maud::{html, Markup};

/// A device credential just issued: shown once on the unit's page.
struct Issued {
    token: String,
    username: String,
    topic: String,
}

/// `GET /admin/units/{id}`.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    require_admin(&ctx, Resource::Units)?;
    page(&s, &ctx, id, None).await
}

async fn page(s: &AppState, ctx: &Ctx, id: i64, issued: Option<Issued>) -> PageResult {
    let t = ctx.t;
    let a = &t.admin;
    let scope = &ctx.caller.scope;
    let unit = units::get(&s.db, scope, id).await?;
    let building = buildings::get(&s.db, scope, unit.building_id).await?;
    let customer = customers::get(&s.db, scope, unit.customer_id).await?;
    let creds = devices::list(&s.db, scope, id).await?;
    let body = html! {
        @if let Some(i) = &issued {
            (secret_box(ctx, a.device_issued, &[
                (a.mqtt_username, i.username.clone()),
                (a.device_token, i.token.clone()),
                (a.telemetry_topic, i.topic.clone()),
            ]))
        }
        section.card aria-labelledby="ud-h" {
            h2 #ud-h { (a.details) }
            form.stack method="post" action=(format!("/admin/units/{id}")) {
                (csrf_field(ctx))
                (unit_fields(ctx, &unit))
                button.btn.btn-primary type="submit" { (t.common.save) }
            }
        }
        section.card aria-labelledby="dc-h" {
            h2 #dc-h { (a.devices) }
            p.muted { (a.devices_lead) }
            @if creds.is_empty() { (ui::empty(a.no_devices)) } @else {
                ul.list { @for c in &creds {
                    li {
                        div.main {
                            strong { (c.mqtt_username) }
                            div.sub {
                                (super::or_dash(ctx, c.label.as_deref())) " · "
                                ((a.issued_on)(&ui::datetime(c.created_at, ui::zone(&building.timezone))))
                            }
                        }
                        @if c.revoked_at.is_some() {
                            (ui::badge(ui::Tone::Muted, a.revoked))
                        } @else {
                            form method="post" action=(format!("/admin/units/{id}/devices/{}/revoke", c.id)) {
                                (csrf_field(ctx))
                                button.btn.btn-danger.btn-sm type="submit" data-confirm=((a.revoke_confirm)(&c.mqtt_username)) {
                                    (a.revoke) span.sr-only { " " (c.mqtt_username) }
                                }
                            }
                        }
                    }
                } }
            }
            form.row method="post" action=(format!("/admin/units/{id}/devices")) {
                (csrf_field(ctx))
                (text_field("dv-label", a.device_label, "label", "", "text"))
                div.field { button.btn.btn-primary type="submit" { (a.issue_device) } }
            }
        }
    };
    let crumbs = [
        ("/admin".to_string(), a.customers.to_string()),
        (
            format!("/admin/customers/{}", customer.id),
            customer.name.clone(),
        ),
        (
            format!("/admin/buildings/{}", building.id),
            building.name.clone(),
        ),
    ];
    Ok(shell(ctx, &fleet::unit_name(&unit), &crumbs, body))
}

fn unit_fields(ctx: &Ctx, u: &Unit) -> Markup {
    let a = &ctx.t.admin;
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    html! {
        div.row {
            (required_field("u-eq", a.equipment_number, "equipment_number", &u.equipment_number))
            (text_field("u-name", a.unit_name, "name", &o(&u.name), "text"))
            (text_field("u-loc", a.location, "location", &o(&u.location), "text"))
        }
        div.row {
            (text_field("u-man", a.manufacturer, "manufacturer", &o(&u.manufacturer), "text"))
            (text_field("u-model", a.model, "model", &o(&u.model), "text"))
            (text_field("u-ctl", a.controller_type, "controller_type", &o(&u.controller_type), "text"))
        }
        div.row {
            (text_field("u-drive", a.drive_type, "drive_type", &o(&u.drive_type), "text"))
            (text_field("u-door", a.door_operator_model, "door_operator_model", &o(&u.door_operator_model), "text"))
            (text_field("u-phone", a.emergency_phone, "emergency_phone", &o(&u.emergency_phone), "tel"))
        }
        div.row {
            (text_field("u-inst", a.install_date, "install_date", &o(&u.install_date), "date"))
            (text_field("u-take", a.takeover_date, "takeover_date", &o(&u.takeover_date), "date"))
            (text_field("u-mod", a.modernization_date, "modernization_date", &o(&u.modernization_date), "date"))
        }
        div.row {
            (text_field("u-floors", a.floors_served, "floors_served", &u.floors_served.map(|n| n.to_string()).unwrap_or_default(), "number"))
            (text_field("u-rise", a.rise_m, "rise_m", &u.rise_m.map(|n| n.to_string()).unwrap_or_default(), "text"))
            (text_field("u-label", a.service_label, "service_label", &o(&u.service_label), "text"))
        }
        div.stack {
            (flag("connected", a.connected, a.connected_hint, u.connected))
            (flag("accessible_route", a.accessible_route, a.accessible_route_hint, u.accessible_route))
            (flag("high_traffic", a.high_traffic, a.high_traffic_hint, u.high_traffic))
        }
    }
}

fn unit_json(posted: &Posted) -> Result<serde_json::Value, Invalid> {
    Ok(JsonForm::new(posted)
        .required(&["equipment_number"])
        .text(&[
            "name",
            "location",
            "manufacturer",
            "model",
            "controller_type",
            "drive_type",
            "door_operator_model",
            "emergency_phone",
            "install_date",
            "takeover_date",
            "modernization_date",
            "service_label",
        ])
        .number("floors_served", true)?
        .number("rise_m", false)?
        .flags(&["connected", "accessible_route", "high_traffic"])
        .value())
}

/// `POST /admin/units/{id}`.
pub async fn update(State(s): State<AppState>, Path(id): Path<i64>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Units)?;
    let here = format!("/admin/units/{id}");
    let changes = match unit_json(&posted) {
        Ok(v) => v,
        Err(e) => return back_with(&s, &here, e),
    };
    let actor = ctx.caller.actor(&s);
    match units::update(&s.db, &ctx.caller.scope, actor, id, changes).await {
        Ok(_) => Ok(redirect_with(&s, &here, true, ctx.t.common.saved)),
        Err(e) => back_with(&s, &here, e),
    }
}

/// `POST /admin/units/{id}/devices`: issues a credential and shows its
/// token on this answer (a reload does not show it again).
pub async fn issue_device(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Devices)?;
    let label = posted.get("label").map(str::to_string);
    let actor = ctx.caller.actor(&s);
    match credentials::issue(&s.db, &ctx.caller.scope, actor, id, label).await {
        Ok((c, token)) => {
            let issued = Issued {
                token,
                username: c.mqtt_username.clone(),
                topic: credentials::telemetry_topic(c.unit_id),
            };
            page(&s, ctx, id, Some(issued)).await
        }
        Err(e) => back_with(&s, &format!("/admin/units/{id}"), e),
    }
}

/// `POST /admin/units/{id}/devices/{device_id}/revoke`.
pub async fn revoke_device(
    State(s): State<AppState>,
    Path((id, device_id)): Path<(i64, i64)>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Devices)?;
    let here = format!("/admin/units/{id}");
    let actor = ctx.caller.actor(&s);
    match devices::revoke(&s.db, &ctx.caller.scope, actor, id, device_id).await {
        Ok(c) => Ok(redirect_with(
            &s,
            &here,
            true,
            (ctx.t.admin.revoked_one)(&c.mqtt_username),
        )),
        Err(e) => back_with(&s, &here, e),
    }
}
