//! `/admin/users`: people of every customer and of the service company:
//! find them (customer, role, name), invite someone with any role (the
//! one-time set-password link of the API's invitations), change a role,
//! disable or re-enable an account. The API's own functions decide what is
//! allowed (a customer role needs a customer, a provider role none).

use super::{back_with, require_admin, shell};
use crate::forms::{csrf_field, id_of, Posted};
use crate::page::{redirect_with, Ctx, PageResult};
use crate::ui;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use hoistway_api::invitations;
use hoistway_api::users::change_user;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::{Resource, Role};
use hoistway_store::invitations::InvitationInput;
use hoistway_store::users::{self, UserPatch};
use hoistway_store::ListFilter;
use maud::html;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct PeopleFilter {
    pub customer_id: Option<String>,
    pub role: Option<String>,
    pub q: Option<String>,
}

/// `GET /admin/users`.
pub async fn list(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(f): Query<PeopleFilter>,
) -> PageResult {
    require_admin(&ctx, Resource::Users)?;
    let t = ctx.t;
    let a = &t.admin;
    let scope = &ctx.caller.scope;
    let customer = id_of(&f.customer_id);
    let role = f.role.clone().filter(|r| Role::parse(r).is_ok());
    let q = f.q.clone().filter(|v| !v.trim().is_empty());
    let people = users::list(
        &s.db,
        scope,
        &ListFilter {
            customer_id: customer,
            role: role.clone(),
            q: q.clone(),
            ..ListFilter::limited(500)
        },
    )
    .await?
    .items;
    let (customer_list, names) = super::customers_by_id(&s, &ctx).await?;
    let back = format!(
        "/admin/users?{}",
        serde_urlencoded::to_string([
            (
                "customer_id",
                customer.map(|c| c.to_string()).unwrap_or_default()
            ),
            ("role", role.clone().unwrap_or_default()),
            ("q", q.clone().unwrap_or_default()),
        ])
        .unwrap_or_default()
    );
    let body = html! {
        section.card aria-labelledby="p-h" {
            h2 #p-h { (a.people) " " span.count { (people.len()) } }
            form.row method="get" action="/admin/users" role="search" {
                div.field {
                    label for="pf-c" { (a.customer) }
                    select #pf-c name="customer_id" {
                        option value="" { (t.common.all) }
                        @for c in &customer_list { option value=(c.id) selected[customer == Some(c.id)] { (c.name) } }
                    }
                }
                div.field {
                    label for="pf-r" { (a.role) }
                    select #pf-r name="role" {
                        option value="" { (t.common.all) }
                        @for r in Role::ALL { option value=(r.as_str()) selected[role.as_deref() == Some(r.as_str())] { ((t.labels.role)(r.as_str())) } }
                    }
                }
                div.field {
                    label for="pf-q" { (a.search_people) }
                    input #pf-q type="search" name="q" value=(q.clone().unwrap_or_default());
                }
                div.field { button.btn type="submit" { (t.common.filter) } }
            }
            @if people.is_empty() { (ui::empty(a.no_people)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (a.name) }
                        th scope="col" { (a.customer) }
                        th scope="col" { (a.role) }
                        th scope="col" { span.sr-only { (a.actions) } }
                    } }
                    tbody { @for u in &people {
                        tr data-user=(u.email) {
                            td data-label=(a.name) {
                                strong { (u.name) } div.small.muted { (u.email) }
                                @if u.invitation_pending { " " (ui::badge(ui::Tone::Info, a.invited)) }
                                @if u.disabled { " " (ui::badge(ui::Tone::Muted, a.disabled)) }
                            }
                            td data-label=(a.customer) {
                                @match u.customer_id {
                                    Some(c) => { a href=(format!("/admin/customers/{c}")) { (names.get(&c).map(String::as_str).unwrap_or("?")) } }
                                    None => { (a.service_company) }
                                }
                            }
                            td data-label=(a.role) {
                                form.inline method="post" action=(format!("/admin/users/{}/role", u.id)) {
                                    (csrf_field(&ctx))
                                    input type="hidden" name="back" value=(back);
                                    label.sr-only for=(format!("r-{}", u.id)) { (a.role) " – " (u.name) }
                                    select id=(format!("r-{}", u.id)) name="role" {
                                        @for r in Role::ALL { option value=(r.as_str()) selected[*r == u.role] { ((t.labels.role)(r.as_str())) } }
                                    }
                                    button.btn.btn-sm type="submit" { (a.change_role) span.sr-only { " " (u.name) } }
                                }
                            }
                            td data-label=(a.actions) {
                                @if u.id != ctx.caller.user.id {
                                    form method="post" action=(format!("/admin/users/{}/access", u.id)) {
                                        (csrf_field(&ctx))
                                        input type="hidden" name="back" value=(back);
                                        @if u.disabled {
                                            input type="hidden" name="disabled" value="false";
                                            button.btn.btn-sm type="submit" { (a.enable) span.sr-only { " " (u.name) } }
                                        } @else {
                                            input type="hidden" name="disabled" value="true";
                                            button.btn.btn-danger.btn-sm type="submit" data-confirm=((a.disable_confirm)(&u.name)) { (a.disable) span.sr-only { " " (u.name) } }
                                        }
                                    }
                                }
                            }
                        }
                    } }
                } }
            }
        }
        section.card aria-labelledby="pi-h" {
            h2 #pi-h { (a.invite) }
            p.muted { (a.invite_lead) }
            form.stack method="post" action="/admin/users" {
                (csrf_field(&ctx))
                div.row {
                    div.field { label for="pi-name" { (a.name) } input #pi-name type="text" name="name" required autocomplete="off"; }
                    div.field { label for="pi-email" { (a.email) } input #pi-email type="email" name="email" required autocomplete="off"; }
                }
                div.row {
                    div.field {
                        label for="pi-role" { (a.role) }
                        select #pi-role name="role" {
                            @for r in Role::ALL { option value=(r.as_str()) selected[*r == Role::Operator] { ((t.labels.role)(r.as_str())) } }
                        }
                    }
                    div.field {
                        label for="pi-c" { (a.customer) }
                        select #pi-c name="customer_id" aria-describedby="pi-c-hint" {
                            option value="" { (a.service_company) }
                            @for c in &customer_list { option value=(c.id) selected[customer == Some(c.id)] { (c.name) } }
                        }
                        span.small.muted #pi-c-hint { (a.customer_hint) }
                    }
                }
                button.btn.btn-primary type="submit" { (a.send_invitation) }
            }
        }
    };
    Ok(shell(&ctx, a.people, &[], body))
}

/// Where a row's form returns to: its list with the same filters.
fn back_of(posted: &Posted) -> String {
    posted
        .get("back")
        .filter(|b| b.starts_with("/admin/users"))
        .unwrap_or("/admin/users")
        .to_string()
}

/// `POST /admin/users`: invites someone.
pub async fn invite(State(s): State<AppState>, headers: HeaderMap, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Users)?;
    let input = InvitationInput {
        email: posted.get("email").unwrap_or("").to_string(),
        name: posted.get("name").unwrap_or("").to_string(),
        role: posted.get("role").unwrap_or("").to_string(),
        customer_id: posted.get("customer_id").and_then(|c| c.parse().ok()),
        phone: None,
        portfolio_ids: Vec::new(),
    };
    let link_of =
        |token: &str| hoistway_app::links::absolute(&s, &headers, &format!("/invite/{token}"));
    match invitations::send(&s, &ctx.caller, input, link_of).await {
        Ok(sent) => Ok(redirect_with(
            &s,
            "/admin/users",
            true,
            (ctx.t.setup.invitation_sent)(&sent.email),
        )),
        Err(e) => back_with(&s, "/admin/users", e),
    }
}

/// `POST /admin/users/{id}/role`.
pub async fn change_role(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Users)?;
    let back = back_of(&posted);
    let patch = UserPatch {
        role: posted.get("role").map(str::to_string),
        ..Default::default()
    };
    match change_user(&s, &ctx.caller, id, patch).await {
        Ok(u) => Ok(redirect_with(
            &s,
            &back,
            true,
            (ctx.t.admin.role_changed)(&u.name, (ctx.t.labels.role)(u.role.as_str())),
        )),
        Err(e) => back_with(&s, &back, e),
    }
}

/// `POST /admin/users/{id}/access`: disables (signs out) or re-enables.
pub async fn set_access(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Users)?;
    let back = back_of(&posted);
    if id == ctx.caller.user.id {
        return back_with(
            &s,
            &back,
            hoistway_app::error::AppError::BadRequest(ctx.t.setup.not_yourself.into()),
        );
    }
    let disabled = posted.get("disabled") == Some("true");
    let patch = UserPatch {
        disabled: Some(disabled),
        ..Default::default()
    };
    match change_user(&s, &ctx.caller, id, patch).await {
        Ok(u) => {
            let a = &ctx.t.admin;
            let text = if disabled {
                (a.disabled_one)(&u.name)
            } else {
                (a.enabled_one)(&u.name)
            };
            Ok(redirect_with(&s, &back, true, text))
        }
        Err(e) => back_with(&s, &back, e),
    }
}
