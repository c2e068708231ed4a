//! `/admin/api-clients`: applications of the KONE-compatible API (OAuth2
//! client credentials per customer): create one (its secret shown once, on
//! the answer), revoke one.

use super::{back_with, posted_id, require_admin, secret_box, shell};
use crate::forms::{csrf_field, Posted};
use crate::page::{redirect_with, Ctx, PageResult};
use crate::ui;
use axum::extract::State;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::Resource;
use hoistway_store::{api_clients, ListFilter};
use maud::html;

/// `GET /admin/api-clients`.
pub async fn list(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    require_admin(&ctx, Resource::ApiClients)?;
    page(&s, &ctx, None).await
}

async fn page(s: &AppState, ctx: &Ctx, created: Option<(String, String)>) -> PageResult {
    let t = ctx.t;
    let a = &t.admin;
    let scope = &ctx.caller.scope;
    let apps = api_clients::list(&s.db, scope, &ListFilter::limited(500))
        .await?
        .items;
    let (customer_list, names) = super::customers_by_id(s, ctx).await?;
    let body = html! {
        @if let Some((id, secret)) = &created {
            (secret_box(ctx, a.app_created, &[(a.client_id, id.clone()), (a.client_secret, secret.clone())]))
        }
        section.card aria-labelledby="ac-h" {
            h2 #ac-h { (a.api_clients) " " span.count { (apps.len()) } }
            p.muted { (a.api_clients_lead) }
            @if apps.is_empty() { (ui::empty(a.no_apps)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (a.name) }
                        th scope="col" { (a.customer) }
                        th scope="col" { (a.client_id) }
                        th scope="col" { span.sr-only { (a.actions) } }
                    } }
                    tbody { @for c in &apps {
                        tr {
                            td data-label=(a.name) { (c.name) }
                            td data-label=(a.customer) {
                                a href=(format!("/admin/customers/{}", c.customer_id)) { (names.get(&c.customer_id).map(String::as_str).unwrap_or("?")) }
                            }
                            td data-label=(a.client_id) { code { (c.client_id) } }
                            td data-label=(a.actions) {
                                @if c.revoked_at.is_some() {
                                    (ui::badge(ui::Tone::Muted, a.revoked))
                                } @else {
                                    form method="post" action=(format!("/admin/api-clients/{}/revoke", c.id)) {
                                        (csrf_field(ctx))
                                        button.btn.btn-danger.btn-sm type="submit" data-confirm=((a.revoke_confirm)(&c.name)) {
                                            (a.revoke) span.sr-only { " " (c.name) }
                                        }
                                    }
                                }
                            }
                        }
                    } }
                } }
            }
        }
        section.card aria-labelledby="na-h" {
            h2 #na-h { (a.new_app) }
            form.stack method="post" action="/admin/api-clients" {
                (csrf_field(ctx))
                div.row {
                    div.field {
                        label for="na-c" { (a.customer) }
                        select #na-c name="customer_id" required {
                            option value="" { (a.choose) }
                            @for c in &customer_list { option value=(c.id) { (c.name) } }
                        }
                    }
                    div.field { label for="na-n" { (a.name) } input #na-n type="text" name="name" required; }
                }
                button.btn.btn-primary type="submit" { (a.create_app) }
            }
        }
    };
    Ok(shell(ctx, a.api_clients, &[], body))
}

/// `POST /admin/api-clients`: creates one and shows its secret once.
pub async fn create(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::ApiClients)?;
    let customer_id = match posted_id(&posted, "customer_id") {
        Ok(id) => id,
        Err(e) => return back_with(&s, "/admin/api-clients", e),
    };
    let name = posted.get("name").unwrap_or("");
    let actor = ctx.caller.actor(&s);
    match api_clients::create(&s.db, &ctx.caller.scope, actor, customer_id, name).await {
        Ok((c, secret)) => page(&s, ctx, Some((c.client_id, secret))).await,
        Err(e) => back_with(&s, "/admin/api-clients", e),
    }
}

/// `POST /admin/api-clients/{id}/revoke`.
pub async fn revoke(State(s): State<AppState>, Path(id): Path<i64>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::ApiClients)?;
    let actor = ctx.caller.actor(&s);
    match api_clients::revoke(&s.db, &ctx.caller.scope, actor, id).await {
        Ok(c) => Ok(redirect_with(
            &s,
            "/admin/api-clients",
            true,
            (ctx.t.admin.revoked_one)(&c.name),
        )),
        Err(e) => back_with(&s, "/admin/api-clients", e),
    }
}
