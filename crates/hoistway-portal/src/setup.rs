//! `/setup`, "1-2-3 Setup": My settings (contact details) and "My action
//! is needed" (the notification matrix, event × e-mail/SMS/push) for every
//! user; Portfolios (create, rename, pick buildings) and Team (users of
//! the customer with their roles; add, change role and portfolios, remove)
//! for customer admins.
//! Writes go through the API's own functions (`routes::auth::change_me`,
//! `routes::invitations::send`, `routes::users::change_user`) or the same
//! store calls. People join a team by invitation: they choose their own
//! password through a one-time link.

use super::forms::{csrf_field, Posted};
use super::layout::{self, Area};
pub(crate) use super::page::back_with;
use super::page::{redirect_with, Ctx, PageResult, PortalError};
use super::{fleet, ui};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use hoistway_api::auth::{change_me, MePatch};
use hoistway_api::invitations;
use hoistway_api::users::change_user;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_desk::{Channel, Event, Preferences};
use hoistway_domain::{Action, Resource, Role};
use hoistway_store::invitations::InvitationInput;
use hoistway_store::portfolios::{self, PortfolioInput};
use hoistway_store::users::{self, UserPatch};
use hoistway_store::{notifications, ListFilter};
use maud::{html, Markup};

/// The sub-pages of setup a viewer has.
fn tabs(ctx: &Ctx) -> Vec<(&'static str, &'static str)> {
    let t = ctx.t;
    let mut v = vec![
        ("/setup", t.setup.my_settings),
        ("/setup/notifications", t.setup.notifications),
    ];
    if ctx.may(Resource::Portfolios, Action::Write) {
        v.push(("/setup/portfolios", t.setup.portfolios));
    }
    if ctx.may(Resource::Users, Action::Read) {
        v.push(("/setup/team", t.setup.team));
    }
    if super::integrations::has_tab(ctx) {
        v.push(("/setup/integrations", t.integrations.tab));
    }
    v.push(("/account/privacy", t.privacy.nav));
    v
}

pub(crate) fn shell(ctx: &Ctx, title: &str, body: Markup) -> Response {
    let t = ctx.t;
    layout::page(
        ctx,
        title,
        html! {
            (ui::page_header(t.setup.title, Some(t.setup.lead), html! {}))
            nav.seg.setup-nav aria-label=(t.setup.title) {
                @for (href, label) in tabs(ctx) {
                    a href=(href) aria-current=[(ctx.path == href).then_some("page")] { (label) }
                }
            }
            div.spacer {}
            (body)
        },
    )
    .into_response()
}

/// `GET /setup`: My settings.
pub async fn me(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    ctx.require_area(Area::Setup)?;
    let t = ctx.t;
    let u = &ctx.caller.user;
    // The zones worth offering: the viewer's buildings', UTC and the one
    // chosen (a list of every IANA zone would be hundreds of entries).
    let mut zones: Vec<String> = if ctx.may(Resource::Buildings, Action::Read) {
        fleet::buildings(&s, &ctx.caller)
            .await?
            .into_iter()
            .map(|b| b.timezone)
            .collect()
    } else {
        Vec::new()
    };
    zones.push("UTC".into());
    zones.extend(u.timezone.clone());
    zones.sort();
    zones.dedup();
    let body = html! {
        section.card aria-labelledby="me-h" {
            h2 #me-h { (t.setup.my_settings) }
            form.stack method="post" action="/setup/me" {
                (csrf_field(&ctx))
                div.row {
                    div.field { label for="m-name" { (t.setup.name) } input #m-name type="text" name="name" value=(u.name) required autocomplete="name"; }
                    div.field { label for="m-phone" { (t.setup.phone) } input #m-phone type="tel" name="phone" value=(u.phone.clone().unwrap_or_default()) autocomplete="tel"; }
                }
                div.row {
                    div.field {
                        label for="m-email" { (t.setup.email) }
                        input #m-email type="email" name="email" value=(u.email) required autocomplete="email" aria-describedby="m-email-hint";
                        span.small.muted #m-email-hint { (t.setup.email_hint) }
                    }
                    div.field {
                        label for="m-lang" { (t.setup.language) }
                        select #m-lang name="language" {
                            @for (code, name) in users::LANGUAGES { option value=(code) lang=(code) selected[u.language == code] { (name) } }
                        }
                    }
                    div.field {
                        label for="m-tz" { (t.setup.time_zone) }
                        select #m-tz name="timezone" aria-describedby="m-tz-hint" {
                            option value="" selected[u.timezone.is_none()] { (t.setup.time_zone_buildings) }
                            @for z in &zones { option value=(z) selected[u.timezone.as_deref() == Some(z.as_str())] { (z) } }
                        }
                        span.small.muted #m-tz-hint { (t.setup.time_zone_hint) }
                    }
                }
                (ui::facts(&[
                    (t.setup.role, (t.labels.role)(u.role.as_str()).into()),
                ]))
                button.btn.btn-primary type="submit" { (t.common.save) }
            }
        }
    };
    Ok(shell(&ctx, t.setup.my_settings, body))
}

/// `POST /setup/me`.
pub async fn save_me(State(s): State<AppState>, posted: Posted) -> PageResult {
    posted.ctx.require_area(Area::Setup)?;
    let text = |n: &str| Some(posted.get(n).unwrap_or("").to_string());
    // A field the form did not send is left as it is; a sent blank time
    // zone goes back to the buildings' zones.
    let sent = |n: &str| {
        posted
            .pairs
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.trim().to_string())
    };
    let p = MePatch {
        name: text("name"),
        email: sent("email"),
        phone: text("phone"),
        language: sent("language"),
        timezone: sent("timezone"),
    };
    match change_me(&s, &posted.ctx.caller, p).await {
        Ok(_) => Ok(redirect_with(&s, "/setup", true, posted.ctx.t.common.saved)),
        Err(e) => back_with(&s, "/setup", e),
    }
}

/// `GET /setup/notifications`: the event × channel matrix.
pub async fn notifications_page(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    ctx.require_area(Area::Setup)?;
    let t = ctx.t;
    let prefs =
        notifications::preferences_of(&s.db.pool, ctx.caller.user.id, ctx.caller.user.role).await?;
    // Choosing "Push" needs this browser's subscription too: the switch.
    let panel = super::notices::push_panel(&s, &ctx).await;
    let body = html! {
        section.card aria-labelledby="n-h" {
            h2 #n-h { (t.setup.notifications) }
            p.muted { (t.setup.notifications_lead) }
            form.stack method="post" action="/setup/notifications" {
                (csrf_field(&ctx))
                div.table-wrap {
                    table.matrix {
                        thead { tr {
                            th scope="col" { (t.setup.event) }
                            @for c in Channel::ALL { th scope="col" { ((t.setup.channel)(c)) } }
                        } }
                        tbody {
                            @for e in Event::ALL {
                                tr {
                                    th scope="row" { ((t.setup.event_label)(e)) }
                                    @for c in Channel::ALL {
                                        td {
                                            input type="checkbox" name=(key(e, c)) value="on" checked[prefs.wants(e, c)]
                                                aria-label=(format!("{} – {}", (t.setup.event_label)(e), (t.setup.channel)(c)));
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                button.btn.btn-primary type="submit" { (t.common.save) }
            }
        }
        (panel)
    };
    Ok(shell(&ctx, t.setup.notifications, body))
}

/// The field name of one matrix cell, e.g. `case_created.email`.
fn key(e: Event, c: Channel) -> String {
    let name = |v: serde_json::Value| v.as_str().unwrap_or("").to_string();
    format!(
        "{}.{}",
        name(serde_json::to_value(e).unwrap_or_default()),
        name(serde_json::to_value(c).unwrap_or_default())
    )
}

/// `POST /setup/notifications`: unchecked boxes are not sent, so every
/// cell not in the form is off.
pub async fn save_notifications(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    ctx.require_area(Area::Setup)?;
    let mut prefs = Preferences::none();
    for e in Event::ALL {
        for c in Channel::ALL {
            prefs.set(e, c, posted.get(&key(e, c)) == Some("on"));
        }
    }
    notifications::set_preferences(
        &s.db,
        ctx.caller.actor(&s),
        ctx.caller.user.id,
        ctx.caller.user.customer_id,
        &prefs,
    )
    .await?;
    Ok(redirect_with(
        &s,
        "/setup/notifications",
        true,
        ctx.t.common.saved,
    ))
}

/// `GET /setup/portfolios`.
pub async fn portfolios_page(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    ctx.require_area(Area::Setup)?;
    ctx.require(Resource::Portfolios, Action::Write)?;
    let t = ctx.t;
    let list = portfolios::list(
        &s.db,
        &ctx.caller.scope,
        &ListFilter {
            limit: Some(500),
            ..Default::default()
        },
    )
    .await?
    .items;
    let buildings = fleet::buildings(&s, &ctx.caller).await?;
    let picker = |chosen: &[i64], prefix: &str| {
        html! {
            fieldset {
                legend { (t.setup.buildings) }
                div.checks {
                    @for b in &buildings {
                        label.check {
                            input type="checkbox" name="building_id" value=(b.id) checked[chosen.contains(&b.id)] id=(format!("{prefix}-{}", b.id));
                            span { (b.name) span.small.muted { " · " (b.address) } }
                        }
                    }
                }
            }
        }
    };
    let body = html! {
        @for p in &list {
            section.card aria-labelledby=(format!("p-{}", p.id)) {
                h2 id=(format!("p-{}", p.id)) { (p.name) }
                form.stack method="post" action=(format!("/setup/portfolios/{}", p.id)) {
                    (csrf_field(&ctx))
                    div.field { label for=(format!("pn-{}", p.id)) { (t.setup.portfolio_name) } input id=(format!("pn-{}", p.id)) type="text" name="name" value=(p.name) required; }
                    (picker(&p.building_ids, &format!("pb{}", p.id)))
                    button.btn.btn-primary type="submit" { (t.common.save) }
                }
            }
        }
        section.card aria-labelledby="new-p" {
            h2 #new-p { (t.setup.new_portfolio) }
            form.stack method="post" action="/setup/portfolios" {
                (csrf_field(&ctx))
                div.field { label for="pn-new" { (t.setup.portfolio_name) } input #pn-new type="text" name="name" required; }
                (picker(&[], "pnew"))
                button.btn.btn-primary type="submit" { (t.setup.create_portfolio) }
            }
        }
    };
    Ok(shell(&ctx, t.setup.portfolios, body))
}

fn building_ids(posted: &Posted) -> Result<Vec<i64>, PortalError> {
    posted
        .all("building_id")
        .iter()
        .map(|v| {
            v.parse()
                .map_err(|_| PortalError::BadRequest(format!("{v:?} is not a building")))
        })
        .collect()
}

/// `POST /setup/portfolios`.
pub async fn create_portfolio(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    ctx.require_area(Area::Setup)?;
    ctx.require(Resource::Portfolios, Action::Write)?;
    let input = PortfolioInput {
        customer_id: None,
        name: posted.get("name").unwrap_or("").to_string(),
        building_ids: building_ids(&posted)?,
    };
    match portfolios::create(&s.db, &ctx.caller.scope, ctx.caller.actor(&s), input).await {
        Ok(p) => Ok(redirect_with(
            &s,
            "/setup/portfolios",
            true,
            (ctx.t.setup.portfolio_created)(&p.name),
        )),
        Err(e) => back_with(&s, "/setup/portfolios", e),
    }
}

/// `POST /setup/portfolios/{id}`.
pub async fn update_portfolio(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    ctx.require_area(Area::Setup)?;
    ctx.require(Resource::Portfolios, Action::Write)?;
    let changes = serde_json::json!({
        "name": posted.get("name").unwrap_or(""),
        "building_ids": building_ids(&posted)?,
    });
    match portfolios::update(&s.db, &ctx.caller.scope, ctx.caller.actor(&s), id, changes).await {
        Ok(_) => Ok(redirect_with(
            &s,
            "/setup/portfolios",
            true,
            ctx.t.common.saved,
        )),
        Err(e) => back_with(&s, "/setup/portfolios", e),
    }
}

/// Roles a customer admin can hand out, in the order shown.
const CUSTOMER_ROLES: [Role; 4] = [
    Role::CustomerAdmin,
    Role::PropertyManager,
    Role::FrontDesk,
    Role::Finance,
];

/// `GET /setup/team`.
pub async fn team_page(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    ctx.require_area(Area::Setup)?;
    ctx.require(Resource::Users, Action::Read)?;
    let t = ctx.t;
    let mut list = users::list(
        &s.db,
        &ctx.caller.scope,
        &ListFilter {
            limit: Some(500),
            ..Default::default()
        },
    )
    .await?
    .items;
    list.retain(|u| !u.disabled);
    let may_write = ctx.may(Resource::Users, Action::Write);
    let portfolio_list = if may_write {
        portfolios::list(
            &s.db,
            &ctx.caller.scope,
            &ListFilter {
                limit: Some(500),
                ..Default::default()
            },
        )
        .await?
        .items
    } else {
        Vec::new()
    };
    let body = html! {
        section.card aria-labelledby="team-h" {
            h2 #team-h { (t.setup.team) }
            div.table-wrap { table.stack-sm {
                thead { tr {
                    th scope="col" { (t.setup.name) }
                    th scope="col" { (t.setup.email) }
                    th scope="col" { (t.setup.role) }
                    @if may_write { th scope="col" { span.sr-only { (t.setup.actions) } } }
                } }
                tbody { @for u in &list {
                    tr {
                        td data-label=(t.setup.name) { (u.name) }
                        td data-label=(t.setup.email) { (u.email) }
                        td data-label=(t.setup.role) {
                            ((t.labels.role)(u.role.as_str()))
                            @if u.invitation_pending { " " span.badge { (t.setup.invited) } }
                        }
                        @if may_write {
                            td data-label=(t.setup.actions) {
                                @if u.id != ctx.caller.user.id {
                                    details.member-edit {
                                        summary { (t.setup.change) span.sr-only { " " (u.name) } }
                                        form.stack method="post" action=(format!("/setup/team/{}", u.id)) {
                                            (csrf_field(&ctx))
                                            div.field {
                                                label for=(format!("mr-{}", u.id)) { (t.setup.role) }
                                                select id=(format!("mr-{}", u.id)) name="role" {
                                                    @for r in CUSTOMER_ROLES { option value=(r.as_str()) selected[r == u.role] { ((t.labels.role)(r.as_str())) } }
                                                }
                                            }
                                            @if !portfolio_list.is_empty() {
                                                fieldset {
                                                    legend { (t.setup.portfolios) }
                                                    p.small.muted { (t.setup.portfolios_hint) }
                                                    div.checks {
                                                        @for p in &portfolio_list {
                                                            label.check {
                                                                input type="checkbox" name="portfolio_id" value=(p.id) checked[u.portfolio_ids.contains(&p.id)];
                                                                span { (p.name) }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                            button.btn.btn-primary.btn-sm type="submit" { (t.common.save) }
                                        }
                                    }
                                    form method="post" action=(format!("/setup/team/{}/remove", u.id)) {
                                        (csrf_field(&ctx))
                                        button.btn.btn-danger.btn-sm type="submit" data-confirm=((t.setup.remove_confirm)(&u.name)) { (t.setup.remove) span.sr-only { " " (u.name) } }
                                    }
                                    a.btn.btn-sm href=(format!("/account/privacy/users/{}/data.json", u.id)) download { (t.privacy.their_data) span.sr-only { " · " (u.name) } }
                                    form method="post" action=(format!("/account/privacy/users/{}/erase", u.id)) {
                                        (csrf_field(&ctx))
                                        button.btn.btn-danger.btn-sm type="submit" data-confirm=(t.privacy.erase_member_confirm) { (t.privacy.erase_member) span.sr-only { " " (u.name) } }
                                    }
                                }
                            }
                        }
                    }
                } }
            } }
        }
        @if may_write {
            section.card aria-labelledby="add-h" {
                h2 #add-h { (t.setup.add_user) }
                p.muted { (t.setup.add_user_lead) }
                form.stack method="post" action="/setup/team" {
                    (csrf_field(&ctx))
                    div.row {
                        div.field { label for="u-name" { (t.setup.name) } input #u-name type="text" name="name" required; }
                        div.field { label for="u-email" { (t.setup.email) } input #u-email type="email" name="email" required; }
                    }
                    div.field {
                        label for="u-role" { (t.setup.role) }
                        select #u-role name="role" {
                            @for r in CUSTOMER_ROLES { option value=(r.as_str()) selected[r == Role::PropertyManager] { ((t.labels.role)(r.as_str())) } }
                        }
                    }
                    @if !portfolio_list.is_empty() {
                        fieldset {
                            legend { (t.setup.portfolios) }
                            div.checks {
                                @for p in &portfolio_list {
                                    label.check {
                                        input type="checkbox" name="portfolio_id" value=(p.id);
                                        span { (p.name) }
                                    }
                                }
                            }
                        }
                    }
                    button.btn.btn-primary type="submit" { (t.setup.invite) }
                }
            }
        }
    };
    Ok(shell(&ctx, t.setup.team, body))
}

/// `POST /setup/team`: invites someone (the API's one path).
pub async fn add_member(
    State(s): State<AppState>,
    headers: HeaderMap,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    ctx.require_area(Area::Setup)?;
    let portfolio_ids = portfolio_ids(&posted)?;
    let input = InvitationInput {
        email: posted.get("email").unwrap_or("").to_string(),
        name: posted.get("name").unwrap_or("").to_string(),
        role: posted.get("role").unwrap_or("").to_string(),
        customer_id: None,
        phone: None,
        portfolio_ids,
    };
    let link_of =
        |token: &str| hoistway_app::links::absolute(&s, &headers, &format!("/invite/{token}"));
    match invitations::send(&s, &ctx.caller, input, link_of).await {
        Ok(sent) => Ok(redirect_with(
            &s,
            "/setup/team",
            true,
            (ctx.t.setup.invitation_sent)(&sent.email),
        )),
        Err(e) => back_with(&s, "/setup/team", e),
    }
}

/// `POST /setup/team/{id}`: a member's role and portfolios (none ticked:
/// the whole customer).
pub async fn change_member(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    ctx.require_area(Area::Setup)?;
    if id == ctx.caller.user.id {
        return Err(PortalError::BadRequest(ctx.t.setup.not_yourself.into()));
    }
    let patch = UserPatch {
        role: posted.get("role").map(str::to_string),
        portfolio_ids: Some(portfolio_ids(&posted)?),
        ..Default::default()
    };
    match change_user(&s, &ctx.caller, id, patch).await {
        Ok(_) => Ok(redirect_with(&s, "/setup/team", true, ctx.t.common.saved)),
        Err(e) => back_with(&s, "/setup/team", e),
    }
}

/// The ticked portfolios of a team form.
fn portfolio_ids(posted: &Posted) -> Result<Vec<i64>, PortalError> {
    posted
        .all("portfolio_id")
        .iter()
        .map(|v| {
            v.parse()
                .map_err(|_| PortalError::BadRequest(format!("{v:?} is not a portfolio")))
        })
        .collect()
}

/// `POST /setup/team/{id}/remove`: disables the account (signs it out).
pub async fn remove_member(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    ctx.require_area(Area::Setup)?;
    if id == ctx.caller.user.id {
        return Err(PortalError::BadRequest(ctx.t.setup.not_yourself.into()));
    }
    let patch = UserPatch {
        disabled: Some(true),
        ..Default::default()
    };
    match change_user(&s, &ctx.caller, id, patch).await {
        Ok(u) => Ok(redirect_with(
            &s,
            "/setup/team",
            true,
            (ctx.t.setup.user_removed)(&u.name),
        )),
        Err(e) => back_with(&s, "/setup/team", e),
    }
}
