//! `/admin/service-contacts`: the provider admin keeps the per-country
//! directory of local service contacts (issue #20) that buildings,
//! playbooks and unit labels show. Saved through the same store function
//! as `PUT /api/v1/service-contacts/{country}`.

use super::{back_with, require_admin, shell, text_field};
use crate::forms::{csrf_field, Posted};
use crate::page::{redirect_with, Ctx, PageResult};
use crate::ui;
use axum::extract::State;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::Resource;
use hoistway_store::service_contacts::{self, ServiceContactInput};
use maud::html;

/// `GET /admin/service-contacts`.
pub async fn list(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    require_admin(&ctx, Resource::ServiceContacts)?;
    let t = ctx.t;
    let c = &t.contacts;
    let all = service_contacts::list(&s.db).await?;
    let dash = || t.common.dash.to_string();
    let body = html! {
        section.card aria-labelledby="sc-h" {
            h2 #sc-h { (c.directory) " " span.count { (all.len()) } }
            p.muted { (c.directory_lead) }
            div.table-wrap { table.stack-sm {
                thead { tr {
                    th scope="col" { (c.country) }
                    th scope="col" { (c.emergency) }
                    th scope="col" { (c.non_urgent) }
                    th scope="col" { (c.email) }
                    th scope="col" { (c.web) }
                } }
                tbody { @for sc in &all {
                    tr {
                        td data-label=(c.country) {
                            a href=(format!("/admin/service-contacts/{}", sc.country)) { (sc.name) }
                            " " span.small.muted { (sc.country) }
                        }
                        td data-label=(c.emergency) { (sc.emergency_phone.clone().unwrap_or_else(dash)) }
                        td data-label=(c.non_urgent) { (sc.service_phone.clone().unwrap_or_else(dash)) }
                        td data-label=(c.email) { (sc.service_email.clone().unwrap_or_else(dash)) }
                        td data-label=(c.web) { (sc.web.as_deref().map(|w| ui::short(w, 40)).unwrap_or_else(dash)) }
                    }
                } }
            } }
        }
    };
    Ok(shell(&ctx, c.directory, &[], body))
}

/// `GET /admin/service-contacts/{country}`.
pub async fn edit(State(s): State<AppState>, ctx: Ctx, Path(country): Path<String>) -> PageResult {
    require_admin(&ctx, Resource::ServiceContacts)?;
    let c = &ctx.t.contacts;
    let sc = service_contacts::get(&s.db, &country).await?;
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let title = (c.edit_country)(&sc.name);
    let body = html! {
        section.card aria-labelledby="sce-h" {
            h2 #sce-h { (sc.name) " " span.small.muted { (sc.country) } }
            form.stack method="post" action=(format!("/admin/service-contacts/{}", sc.country)) {
                (csrf_field(&ctx))
                (super::required_field("sc-name", c.country, "name", &sc.name))
                fieldset {
                    legend { (c.emergency) }
                    div.row {
                        (text_field("sc-ep", c.phone, "emergency_phone", &v(&sc.emergency_phone), "tel"))
                        (text_field("sc-eh", c.hours, "emergency_hours", &v(&sc.emergency_hours), "text"))
                    }
                }
                fieldset {
                    legend { (c.non_urgent) }
                    div.row {
                        (text_field("sc-sp", c.phone, "service_phone", &v(&sc.service_phone), "tel"))
                        (text_field("sc-se", c.email, "service_email", &v(&sc.service_email), "email"))
                        (text_field("sc-sh", c.hours, "service_hours", &v(&sc.service_hours), "text"))
                    }
                }
                (text_field("sc-web", c.web, "web", &v(&sc.web), "url"))
                div.field {
                    label for="sc-notes" { (c.notes) }
                    textarea #sc-notes name="notes" rows="3" { (v(&sc.notes)) }
                }
                button.btn.btn-primary type="submit" { (ctx.t.common.save) }
            }
        }
    };
    let crumbs = [(
        "/admin/service-contacts".to_string(),
        c.directory.to_string(),
    )];
    Ok(shell(&ctx, &title, &crumbs, body))
}

/// `POST /admin/service-contacts/{country}`.
pub async fn save(
    State(s): State<AppState>,
    Path(country): Path<String>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::ServiceContacts)?;
    let back = format!("/admin/service-contacts/{}", country.trim().to_uppercase());
    let field = |n: &str| posted.get(n).map(str::to_string);
    let input = ServiceContactInput {
        name: posted.get("name").unwrap_or("").to_string(),
        emergency_phone: field("emergency_phone"),
        emergency_hours: field("emergency_hours"),
        service_phone: field("service_phone"),
        service_email: field("service_email"),
        service_hours: field("service_hours"),
        web: field("web"),
        notes: field("notes"),
    };
    match service_contacts::put(&s.db, ctx.caller.actor(&s), &country, input).await {
        Ok(sc) => Ok(redirect_with(
            &s,
            "/admin/service-contacts",
            true,
            (ctx.t.contacts.saved_country)(&sc.name),
        )),
        Err(e) => back_with(&s, &back, e),
    }
}
