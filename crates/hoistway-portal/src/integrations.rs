//! Setup → Integrations (`/setup/integrations`): a customer admin's
//! outgoing webhooks. Add an endpoint (URL, the kinds of events), see its
//! signing secret once on the answer to the form that made it (or made a
//! new one), send a test message, read the delivery log, turn it off or
//! delete it. Writes call the same store functions as the API
//! (`hoistway_store::webhooks`, with the API's URL policy), so a refusal
//! names the API's field.

use crate::admin::secret_box;
use crate::forms::{csrf_field, Posted};
use crate::layout::Area;
use crate::page::{redirect_with, Ctx, PageResult, PortalError};
use crate::setup::{back_with, shell};
use crate::ui;
use axum::extract::State;
use hoistway_api::webhooks::url_policy;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::webhooks::{self, log, outbox, WebhookEndpoint, WebhookInput, KINDS};
use hoistway_store::ListFilter;
use maud::{html, Markup};

const HOME: &str = "/setup/integrations";

/// Customer admins of a customer only: the provider's admins manage any
/// customer's webhooks through the API.
fn allowed(ctx: &Ctx) -> Result<(), PortalError> {
    ctx.require_area(Area::Setup)?;
    ctx.require(Resource::ApiClients, Action::Write)?;
    if ctx.caller.scope.customer_id().is_none() {
        return Err(PortalError::Forbidden);
    }
    Ok(())
}

/// Whether the viewer gets the Integrations tab.
pub fn has_tab(ctx: &Ctx) -> bool {
    allowed(ctx).is_ok()
}

fn tz(ctx: &Ctx) -> chrono_tz::Tz {
    ui::zone(ctx.caller.user.timezone.as_deref().unwrap_or("UTC"))
}

/// `GET /setup/integrations`.
pub async fn list(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    allowed(&ctx)?;
    page(&s, &ctx, None).await
}

async fn page(s: &AppState, ctx: &Ctx, secret: Option<(&str, String)>) -> PageResult {
    let t = &ctx.t.integrations;
    let list = webhooks::list(&s.db, &ctx.caller.scope, &ListFilter::limited(500))
        .await?
        .items;
    let body = html! {
        @if let Some((heading, secret)) = &secret {
            (secret_box(ctx, heading, &[(t.secret, secret.clone())]))
            p.muted { (t.secret_hint) }
        }
        p.muted { (t.lead) }
        section.card aria-labelledby="wh-h" {
            h2 #wh-h { (t.endpoints) " " span.count { (list.len()) } }
            @if list.is_empty() { (ui::empty(t.none)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (t.url) }
                        th scope="col" { (t.events) }
                        th scope="col" { (t.state) }
                        th scope="col" { span.sr-only { (t.actions) } }
                    } }
                    tbody { @for w in &list { (row(ctx, w)) } }
                } }
            }
        }
        section.card aria-labelledby="wh-add" {
            h2 #wh-add { (t.add) }
            form.stack method="post" action=(HOME) {
                (csrf_field(ctx))
                div.field {
                    label for="wh-url" { (t.url) }
                    input #wh-url type="url" name="url" required placeholder="https://" aria-describedby="wh-url-h";
                    p.small.muted #wh-url-h { (t.url_hint) }
                }
                div.field {
                    label for="wh-d" { (t.description) }
                    input #wh-d type="text" name="description" maxlength="200";
                }
                fieldset {
                    legend { (t.events) }
                    p.small.muted { (t.events_hint) }
                    div.checks {
                        @for k in KINDS {
                            label.check {
                                input type="checkbox" name="events" value=(k) checked;
                                span { ((t.kind)(k)) }
                            }
                        }
                    }
                }
                button.btn.btn-primary type="submit" { (t.add_submit) }
            }
        }
    };
    Ok(shell(ctx, t.tab, body))
}

fn row(ctx: &Ctx, w: &WebhookEndpoint) -> Markup {
    let t = &ctx.t.integrations;
    let kinds: Vec<&str> = w.events.iter().map(|k| (t.kind)(k)).collect();
    html! {
        tr {
            td data-label=(t.url) {
                a href=(format!("{HOME}/{}", w.id)) { code { (w.url) } }
                @if !w.description.is_empty() { br; span.small.muted { (w.description) } }
            }
            td data-label=(t.events) { (kinds.join(", ")) }
            td data-label=(t.state) {
                @if w.enabled { (ui::badge(ui::Tone::Ok, t.enabled)) } @else { (ui::badge(ui::Tone::Muted, t.disabled)) }
            }
            td data-label=(t.actions) {
                a.btn.btn-sm href=(format!("{HOME}/{}", w.id)) { (t.log) }
            }
        }
    }
}

/// `POST /setup/integrations`: adds an endpoint and shows its secret once.
pub async fn create(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    allowed(ctx)?;
    let input = WebhookInput {
        customer_id: None,
        url: posted.get("url").unwrap_or("").to_string(),
        events: posted.all("events").iter().map(|e| e.to_string()).collect(),
        description: posted.get("description").unwrap_or("").to_string(),
        enabled: true,
    };
    let actor = ctx.caller.actor(&s);
    match webhooks::create(&s.db, &ctx.caller.scope, actor, input, &url_policy(&s)).await {
        Ok((_, secret)) => page(&s, ctx, Some((ctx.t.integrations.created, secret))).await,
        Err(e) => back_with(&s, HOME, e),
    }
}

/// `GET /setup/integrations/{id}`: the endpoint and its delivery log.
pub async fn show(State(s): State<AppState>, Path(id): Path<i64>, ctx: Ctx) -> PageResult {
    allowed(&ctx)?;
    detail(&s, &ctx, id, None).await
}

async fn detail(s: &AppState, ctx: &Ctx, id: i64, secret: Option<String>) -> PageResult {
    let t = &ctx.t.integrations;
    let w = webhooks::get(&s.db, &ctx.caller.scope, id).await?;
    let log = log::deliveries(&s.db, &ctx.caller.scope, id, &ListFilter::limited(100))
        .await?
        .items;
    let tz = tz(ctx);
    let here = format!("{HOME}/{id}");
    let body = html! {
        p { a href=(HOME) { (t.back) } }
        @if let Some(secret) = &secret {
            (secret_box(ctx, t.rotated, &[(t.secret, secret.clone())]))
            p.muted { (t.secret_hint) }
        }
        section.card aria-labelledby="wl-h" {
            h2 #wl-h { ((t.log_of)(&w.url)) }
            p.muted { (t.log_lead) }
            div.row {
                form method="post" action=(format!("{here}/test")) {
                    (csrf_field(ctx))
                    button.btn.btn-primary.btn-sm type="submit" disabled[!w.enabled] { (t.test) }
                }
                form method="post" action=(format!("{here}/enabled")) {
                    (csrf_field(ctx))
                    input type="hidden" name="enabled" value=(if w.enabled { "false" } else { "true" });
                    button.btn.btn-sm type="submit" { (if w.enabled { t.disable } else { t.enable }) }
                }
                form method="post" action=(format!("{here}/rotate")) {
                    (csrf_field(ctx))
                    button.btn.btn-sm type="submit" data-confirm=(t.rotate_confirm) { (t.rotate) }
                }
                form method="post" action=(format!("{here}/delete")) {
                    (csrf_field(ctx))
                    button.btn.btn-danger.btn-sm type="submit" data-confirm=((t.delete_confirm)(&w.url)) { (t.delete) }
                }
            }
            @if log.is_empty() { (ui::empty(t.log_empty)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (t.when) }
                        th scope="col" { (t.event) }
                        th scope="col" { (t.outcome) }
                        th scope="col" { (t.attempts) }
                        th scope="col" { (t.answer) }
                        th scope="col" { (t.next_try) }
                    } }
                    tbody { @for d in &log {
                        tr data-delivery=(d.id) {
                            td data-label=(t.when) { (ui::datetime(d.created_at, tz)) }
                            td data-label=(t.event) { code { (d.event_type) } }
                            td data-label=(t.outcome) {
                                @let tone = match d.status.as_str() {
                                    "delivered" => ui::Tone::Ok,
                                    "failed" => ui::Tone::Bad,
                                    _ => ui::Tone::Warn,
                                };
                                (ui::badge(tone, (t.delivery_state)(&d.status)))
                            }
                            td data-label=(t.attempts) { (d.attempts) }
                            td data-label=(t.answer) {
                                @match d.last_status_code {
                                    Some(code) => { "HTTP " (code) }
                                    None => { @if d.attempts > 0 { (t.no_answer) } @else { (ctx.t.common.dash) } }
                                }
                                @if let Some(e) = &d.last_error { br; span.small.muted { (ui::short(e, 200)) } }
                            }
                            td data-label=(t.next_try) {
                                @match d.next_attempt_at {
                                    Some(at) => { (ui::datetime(at, tz)) }
                                    None => { (ctx.t.common.dash) }
                                }
                            }
                        }
                    } }
                } }
            }
        }
    };
    Ok(shell(ctx, t.log, body))
}

/// `POST /setup/integrations/{id}/test`.
pub async fn test(State(s): State<AppState>, Path(id): Path<i64>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    allowed(ctx)?;
    let here = format!("{HOME}/{id}");
    match outbox::enqueue_test(&s.db, &ctx.caller.scope, ctx.caller.actor(&s), id).await {
        Ok(_) => Ok(redirect_with(
            &s,
            &here,
            true,
            ctx.t.integrations.test_queued,
        )),
        Err(e) => back_with(&s, &here, e),
    }
}

/// `POST /setup/integrations/{id}/enabled`: turns it on or off.
pub async fn set_enabled(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    allowed(ctx)?;
    let here = format!("{HOME}/{id}");
    let on = posted.get("enabled") == Some("true");
    let changes = serde_json::json!({ "enabled": on });
    let actor = ctx.caller.actor(&s);
    match webhooks::update(
        &s.db,
        &ctx.caller.scope,
        actor,
        id,
        changes,
        &url_policy(&s),
    )
    .await
    {
        Ok(_) => Ok(redirect_with(&s, &here, true, ctx.t.common.saved)),
        Err(e) => back_with(&s, &here, e),
    }
}

/// `POST /setup/integrations/{id}/rotate`: a new secret, shown once.
pub async fn rotate(State(s): State<AppState>, Path(id): Path<i64>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    allowed(ctx)?;
    let actor = ctx.caller.actor(&s);
    let (_, secret) = webhooks::rotate_secret(&s.db, &ctx.caller.scope, actor, id).await?;
    detail(&s, ctx, id, Some(secret)).await
}

/// `POST /setup/integrations/{id}/delete`.
pub async fn delete(State(s): State<AppState>, Path(id): Path<i64>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    allowed(ctx)?;
    let actor = ctx.caller.actor(&s);
    webhooks::delete(&s.db, &ctx.caller.scope, actor, id).await?;
    Ok(redirect_with(&s, HOME, true, ctx.t.integrations.deleted))
}
