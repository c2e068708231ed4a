//! `/admin` (the customer list and a new customer) and
//! `/admin/customers/{id}` (a customer's details, its buildings with a new
//! building form, its people and API applications).

use super::{back_with, or_dash, require_admin, required_field, shell, text_field, JsonForm};
use crate::forms::{csrf_field, Posted};
use crate::page::{redirect_with, Ctx, PageResult};
use crate::{fleet, ui};
use axum::extract::{Query, State};
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::Resource;
use hoistway_store::customers::{self, CustomerInput};
use hoistway_store::{api_clients, buildings, users, ListFilter};
use maud::{html, Markup};
use serde::Deserialize;
use std::collections::HashMap;

/// Rows of a customer's lists on one page (buildings, people, apps).
const MAX_ROWS: i64 = 500;

#[derive(Debug, Default, Deserialize)]
pub struct Search {
    pub q: Option<String>,
}

/// How many of each customer's rows a list holds.
fn count_by<T>(items: &[T], key: impl Fn(&T) -> i64) -> HashMap<i64, usize> {
    let mut m = HashMap::new();
    for i in items {
        *m.entry(key(i)).or_default() += 1;
    }
    m
}

/// `GET /admin`.
pub async fn list(State(s): State<AppState>, ctx: Ctx, Query(q): Query<Search>) -> PageResult {
    require_admin(&ctx, Resource::Customers)?;
    let t = ctx.t;
    let a = &t.admin;
    let scope = &ctx.caller.scope;
    let search = q.q.clone().filter(|v| !v.trim().is_empty());
    let rows = customers::list(
        &s.db,
        scope,
        &ListFilter {
            q: search.clone(),
            ..ListFilter::limited(MAX_ROWS)
        },
    )
    .await?
    .items;
    let all_buildings = fleet::buildings(&s, &ctx.caller).await?;
    let all_units = fleet::units(&s, &ctx.caller, &ListFilter::default()).await?;
    let building_count = count_by(&all_buildings, |b| b.customer_id);
    let unit_count = count_by(&all_units, |u| u.customer_id);
    let body = html! {
        section.card aria-labelledby="c-h" {
            h2 #c-h { (a.customers) " " span.count { (rows.len()) } }
            form.row method="get" action="/admin" role="search" {
                div.field {
                    label for="c-q" { (a.search_customers) }
                    input #c-q type="search" name="q" value=(search.clone().unwrap_or_default());
                }
                div.field { button.btn type="submit" { (t.common.filter) } }
            }
            @if rows.is_empty() { (ui::empty(a.no_customers)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (a.name) }
                        th scope="col" { (a.contact) }
                        th scope="col" { (a.buildings) }
                        th scope="col" { (a.units) }
                    } }
                    tbody { @for c in &rows {
                        tr {
                            td data-label=(a.name) { a href=(format!("/admin/customers/{}", c.id)) { (c.name) } }
                            td data-label=(a.contact) {
                                (or_dash(&ctx, c.contact_email.as_deref()))
                                @if let Some(p) = &c.contact_phone { div.small.muted { (p) } }
                            }
                            td data-label=(a.buildings) { (building_count.get(&c.id).copied().unwrap_or(0)) }
                            td data-label=(a.units) { (unit_count.get(&c.id).copied().unwrap_or(0)) }
                        }
                    } }
                } }
            }
        }
        section.card aria-labelledby="nc-h" {
            h2 #nc-h { (a.new_customer) }
            form.stack method="post" action="/admin/customers" {
                (csrf_field(&ctx))
                (customer_fields(&ctx, None))
                button.btn.btn-primary type="submit" { (a.create_customer) }
            }
        }
    };
    Ok(shell(&ctx, a.title, &[], body))
}

fn customer_fields(ctx: &Ctx, c: Option<&customers::Customer>) -> Markup {
    let a = &ctx.t.admin;
    let id = c.map_or("new".to_string(), |c| c.id.to_string());
    html! {
        (required_field(&format!("cn-{id}"), a.name, "name", c.map_or("", |c| &c.name)))
        div.row {
            (text_field(&format!("ce-{id}"), a.contact_email, "contact_email", c.and_then(|c| c.contact_email.as_deref()).unwrap_or(""), "email"))
            (text_field(&format!("cp-{id}"), a.contact_phone, "contact_phone", c.and_then(|c| c.contact_phone.as_deref()).unwrap_or(""), "tel"))
        }
    }
}

fn customer_input(posted: &Posted) -> CustomerInput {
    let opt = |n: &str| posted.get(n).map(str::to_string);
    CustomerInput {
        name: posted.get("name").unwrap_or("").to_string(),
        contact_email: opt("contact_email"),
        contact_phone: opt("contact_phone"),
    }
}

/// `POST /admin/customers`.
pub async fn create(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Customers)?;
    let actor = ctx.caller.actor(&s);
    match customers::create(&s.db, &ctx.caller.scope, actor, customer_input(&posted)).await {
        Ok(c) => Ok(redirect_with(
            &s,
            &format!("/admin/customers/{}", c.id),
            true,
            (ctx.t.admin.created)(&c.name),
        )),
        Err(e) => back_with(&s, "/admin", e),
    }
}

/// `GET /admin/customers/{id}`.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    require_admin(&ctx, Resource::Customers)?;
    let t = ctx.t;
    let a = &t.admin;
    let scope = &ctx.caller.scope;
    let customer = customers::get(&s.db, scope, id).await?;
    let of_customer = ListFilter {
        customer_id: Some(id),
        ..ListFilter::limited(MAX_ROWS)
    };
    let building_list = buildings::list(&s.db, scope, &of_customer).await?.items;
    let unit_count = count_by(
        &fleet::units(
            &s,
            &ctx.caller,
            &ListFilter {
                customer_id: Some(id),
                ..Default::default()
            },
        )
        .await?,
        |u| u.building_id,
    );
    let people = users::list(&s.db, scope, &of_customer).await?.items;
    let apps = api_clients::list(&s.db, scope, &of_customer).await?.items;
    let body = html! {
        div.grid {
            section.card aria-labelledby="cd-h" {
                h2 #cd-h { (a.details) }
                form.stack method="post" action=(format!("/admin/customers/{id}")) {
                    (csrf_field(&ctx))
                    (customer_fields(&ctx, Some(&customer)))
                    button.btn.btn-primary type="submit" { (t.common.save) }
                }
            }
            section.card aria-labelledby="cu-h" {
                h2 #cu-h { (a.people) " " span.count { (people.len()) } }
                @if people.is_empty() { (ui::empty(a.no_people)) } @else {
                    ul.list { @for u in &people {
                        li { div.main {
                            strong { (u.name) }
                            div.sub { ((t.labels.role)(u.role.as_str())) " · " (u.email) @if u.disabled { " · " (a.disabled) } }
                        } }
                    } }
                }
                p { a href=(format!("/admin/users?customer_id={id}")) { (a.manage_people) } }
                p.small.muted { ((a.api_apps_count)(apps.iter().filter(|c| c.revoked_at.is_none()).count())) " · " a href="/admin/api-clients" { (a.api_clients) } }
            }
        }
        section.card aria-labelledby="cb-h" {
            h2 #cb-h { (a.buildings) " " span.count { (building_list.len()) } }
            @if building_list.is_empty() { (ui::empty(a.no_buildings)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (a.name) }
                        th scope="col" { (a.address) }
                        th scope="col" { (a.units) }
                        th scope="col" { (a.flags) }
                    } }
                    tbody { @for b in &building_list {
                        tr {
                            td data-label=(a.name) { a href=(format!("/admin/buildings/{}", b.id)) { (b.name) } }
                            td data-label=(a.address) { (b.address) div.small.muted { (b.country) " · " (b.timezone) } }
                            td data-label=(a.units) { (unit_count.get(&b.id).copied().unwrap_or(0)) }
                            td data-label=(a.flags) {
                                @if b.hospital { (ui::badge(ui::Tone::Warn, a.hospital)) " " }
                                @if b.business_calendar.is_some() { (ui::badge(ui::Tone::Info, a.own_hours)) }
                            }
                        }
                    } }
                } }
            }
        }
        section.card aria-labelledby="nb-h" {
            h2 #nb-h { (a.new_building) }
            form.stack method="post" action=(format!("/admin/customers/{id}/buildings")) {
                (csrf_field(&ctx))
                (super::buildings::building_fields(&ctx, None))
                button.btn.btn-primary type="submit" { (a.create_building) }
            }
        }
    };
    let crumbs = [("/admin".to_string(), a.customers.to_string())];
    Ok(shell(&ctx, &customer.name, &crumbs, body))
}

/// `POST /admin/customers/{id}`.
pub async fn update(State(s): State<AppState>, Path(id): Path<i64>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Customers)?;
    let here = format!("/admin/customers/{id}");
    let changes = JsonForm::new(&posted)
        .required(&["name"])
        .text(&["contact_email", "contact_phone"])
        .value();
    let actor = ctx.caller.actor(&s);
    match customers::update(&s.db, &ctx.caller.scope, actor, id, changes).await {
        Ok(_) => Ok(redirect_with(&s, &here, true, ctx.t.common.saved)),
        Err(e) => back_with(&s, &here, e),
    }
}
