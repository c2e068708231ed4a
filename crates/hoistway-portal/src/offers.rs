//! Offers (issue #20): `/offers`, where a customer admin or property
//! manager asks for a modernization, repair or door upgrade offer and
//! accepts or declines the quote; `/desk/offers`, where the care center
//! quotes or declines. Every action is the API's own function
//! (`hoistway_api::offers`), so rules, refusals, audit and notices match.

use crate::fleet;
use crate::forms::{csrf_field, Posted};
use crate::layout::{self, Area};
use crate::page::{back_with_refusal, redirect_with, Ctx, PageResult, PortalError};
use crate::ui;
use axum::extract::State;
use axum::response::IntoResponse;
use hoistway_api::offers::{ask, decide, give_quote};
use hoistway_app::extract::{Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::Role;
use hoistway_store::offers::{self, DeclineInput, Offer, OfferRequest, QuoteInput, KINDS};
use hoistway_store::ListFilter;
use maud::{html, Markup};
use serde::Deserialize;
use std::collections::HashMap;

const CUSTOMER_PAGE: &str = "/offers";
const DESK_PAGE: &str = "/desk/offers";

async fn all_offers(
    s: &AppState,
    ctx: &Ctx,
    status: Option<&str>,
) -> Result<Vec<Offer>, PortalError> {
    let f = ListFilter {
        limit: Some(200),
        status: status.map(str::to_string),
        ..Default::default()
    };
    Ok(offers::list(&s.db, &ctx.caller.scope, &f).await?.items)
}

/// Building and unit names of the viewer's fleet.
async fn names(
    s: &AppState,
    ctx: &Ctx,
) -> Result<(HashMap<i64, String>, HashMap<i64, String>), PortalError> {
    let buildings = fleet::buildings(s, &ctx.caller).await?;
    let units = fleet::units(s, &ctx.caller, &ListFilter::default()).await?;
    Ok((
        buildings.into_iter().map(|b| (b.id, b.name)).collect(),
        units.iter().map(|u| (u.id, fleet::unit_name(u))).collect(),
    ))
}

fn status_badge(ctx: &Ctx, status: &str) -> Markup {
    let tone = match status {
        "quoted" => ui::Tone::Warn,
        "accepted" => ui::Tone::Ok,
        "declined" => ui::Tone::Muted,
        _ => ui::Tone::Info,
    };
    ui::badge(tone, (ctx.t.offers.status_label)(status))
}

fn quote_facts(ctx: &Ctx, o: &Offer) -> Markup {
    let t = &ctx.t.offers;
    html! {
        @if let (Some(cents), Some(cur)) = (o.quote_cents, o.currency.as_deref()) {
            p { strong { (t.quote) ": " (ui::money(cents as f64 / 100.0, cur)) }
                @if let Some(d) = &o.valid_until { " · " ((t.valid_until)(&ui::date(d))) } }
            @if let Some(text) = &o.quote_text { p.keep-lines { (text) } }
        }
        @if let Some(r) = &o.decline_reason { p.muted { (r) } }
    }
}

/// What `/offers?unit=…` preselects.
#[derive(Debug, Default, Deserialize)]
pub struct AskQuery {
    unit: Option<i64>,
}

/// `GET /offers`.
pub async fn customer_page(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AskQuery>,
) -> PageResult {
    ctx.require_area(Area::Requests)?;
    let t = &ctx.t.offers;
    let may_ask = matches!(
        ctx.caller.user.role,
        Role::CustomerAdmin | Role::PropertyManager
    );
    let list = all_offers(&s, &ctx, None).await?;
    let (buildings, units) = names(&s, &ctx).await?;
    let unit_building: HashMap<i64, i64> = fleet::units(&s, &ctx.caller, &ListFilter::default())
        .await?
        .into_iter()
        .map(|u| (u.id, u.building_id))
        .collect();
    let chosen_building = q.unit.and_then(|u| unit_building.get(&u).copied());
    let mut building_list: Vec<(&i64, &String)> = buildings.iter().collect();
    building_list.sort_by(|a, b| a.1.cmp(b.1));
    let mut unit_list: Vec<(&i64, &String)> = units.iter().collect();
    unit_list.sort_by(|a, b| a.1.cmp(b.1));
    let body = html! {
        (ui::page_header(t.title, Some(t.lead), html! {}))
        @if may_ask {
            section.card #ask aria-labelledby="ask-h" {
                h2 #ask-h { (t.ask_heading) }
                form.stack method="post" action="/offers" {
                    (csrf_field(&ctx))
                    div.row {
                        div.field {
                            label for="o-building" { (t.building) }
                            select #o-building name="building_id" required {
                                @for (id, name) in &building_list { option value=(id) selected[chosen_building == Some(**id)] { (name) } }
                            }
                        }
                        div.field {
                            label for="o-unit" { (t.unit) }
                            select #o-unit name="unit_id" {
                                option value="" { (t.whole_building) }
                                @for (id, name) in &unit_list {
                                    option value=(id) selected[q.unit == Some(**id)] {
                                        (name) " · " (unit_building.get(id).and_then(|b| buildings.get(b)).map_or("", String::as_str))
                                    }
                                }
                            }
                        }
                        div.field {
                            label for="o-kind" { (t.kind) }
                            select #o-kind name="kind" { @for k in KINDS { option value=(k) { ((t.kind_label)(k)) } } }
                        }
                    }
                    div.field {
                        label for="o-desc" { (t.description) }
                        textarea #o-desc name="description" rows="4" required aria-describedby="o-desc-hint" {}
                        span.small.muted #o-desc-hint { (t.description_hint) }
                    }
                    button.btn.btn-primary type="submit" { (t.ask) }
                }
            }
        }
        section.card aria-labelledby="list-h" {
            h2 #list-h { (t.title) }
            @if list.is_empty() { (ui::empty(t.none)) }
            ul.list { @for o in &list {
                li data-offer=(o.id) {
                    div.main {
                        strong { ((t.kind_label)(&o.kind)) " · " (buildings.get(&o.building_id).map_or("", String::as_str)) }
                        @if let Some(u) = o.unit_id { div.sub { (units.get(&u).map_or("", String::as_str)) } }
                        div.sub { (t.asked_on) " " (o.created_at.format("%-d %b %Y")) }
                        p.keep-lines { (o.description) }
                        (quote_facts(&ctx, o))
                        @if o.status == "quoted" && may_ask {
                            div.actions {
                                form method="post" action=(format!("/offers/{}/accept", o.id)) {
                                    (csrf_field(&ctx))
                                    button.btn.btn-primary.btn-sm type="submit" data-confirm=(t.accept_confirm) { (t.accept) }
                                }
                                form method="post" action=(format!("/offers/{}/decline", o.id)) {
                                    (csrf_field(&ctx))
                                    label.sr-only for=(format!("dr-{}", o.id)) { (t.reason) }
                                    input.input-sm id=(format!("dr-{}", o.id)) type="text" name="reason" placeholder=(t.reason);
                                    " " button.btn.btn-sm type="submit" { (t.decline) }
                                }
                            }
                        }
                    }
                    (status_badge(&ctx, &o.status))
                }
            } }
        }
    };
    Ok(layout::page(&ctx, t.title, body).into_response())
}

/// `POST /offers`.
pub async fn customer_ask(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    let id = |name: &str| posted.get(name).and_then(|v| v.parse::<i64>().ok());
    let input = OfferRequest {
        building_id: id("building_id").unwrap_or(0),
        unit_id: id("unit_id"),
        kind: posted.get("kind").unwrap_or("").to_string(),
        description: posted.get("description").unwrap_or("").to_string(),
    };
    match ask(&s, &ctx.caller, input).await {
        Ok(_) => Ok(redirect_with(&s, CUSTOMER_PAGE, true, ctx.t.offers.asked)),
        Err(e) => back_with_refusal(&s, CUSTOMER_PAGE, e),
    }
}

/// `POST /offers/{id}/accept` and `…/decline` on the customer's side, and
/// `POST /desk/offers/{id}/decline` on the care center's.
async fn decided(s: &AppState, posted: &Posted, id: i64, accept: bool, back: &str) -> PageResult {
    let ctx = &posted.ctx;
    let input = DeclineInput {
        reason: posted.get("reason").map(str::to_string),
    };
    let said = if accept {
        ctx.t.offers.accepted
    } else {
        ctx.t.offers.declined
    };
    match decide(s, &ctx.caller, id, accept, input).await {
        Ok(_) => Ok(redirect_with(s, back, true, said)),
        Err(e) => back_with_refusal(s, back, e),
    }
}

pub async fn customer_accept(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    decided(&s, &posted, id, true, CUSTOMER_PAGE).await
}

pub async fn customer_decline(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    decided(&s, &posted, id, false, CUSTOMER_PAGE).await
}

pub async fn desk_decline(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    decided(&s, &posted, id, false, DESK_PAGE).await
}

/// `GET /desk/offers`: what waits for a quote, then what waits for the
/// customer.
pub async fn desk_page(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    ctx.require_area(Area::Desk)?;
    let t = &ctx.t.offers;
    let mut waiting = all_offers(&s, &ctx, Some("requested")).await?;
    waiting.reverse();
    let quoted = all_offers(&s, &ctx, Some("quoted")).await?;
    let (buildings, units) = names(&s, &ctx).await?;
    let today = s.clock.now().date_naive();
    let default_until = (today + chrono::Duration::days(30)).to_string();
    let place = |o: &Offer| {
        let b = buildings
            .get(&o.building_id)
            .map_or("", String::as_str)
            .to_string();
        match o.unit_id.and_then(|u| units.get(&u)) {
            Some(u) => format!("{b} · {u}"),
            None => b,
        }
    };
    let body = html! {
        (ui::page_header(t.desk_title, Some(t.desk_lead), html! {}))
        section.card aria-labelledby="wait-h" {
            h2 #wait-h { ((t.status_label)("requested")) }
            @if waiting.is_empty() { (ui::empty(t.none_waiting)) }
            ul.list { @for o in &waiting {
                li data-offer=(o.id) {
                    div.main {
                        strong { ((t.kind_label)(&o.kind)) " · " (place(o)) }
                        div.sub { (t.asked_on) " " (o.created_at.format("%-d %b %Y %H:%M UTC")) }
                        p.keep-lines { (o.description) }
                        details {
                            summary { (t.send_quote) }
                            form.stack method="post" action=(format!("/desk/offers/{}/quote", o.id)) {
                                (csrf_field(&ctx))
                                div.row {
                                    div.field { label for=(format!("qa-{}", o.id)) { (t.amount) } input id=(format!("qa-{}", o.id)) type="number" name="amount" min="0.01" step="0.01" required; }
                                    div.field { label for=(format!("qc-{}", o.id)) { (t.currency) } input id=(format!("qc-{}", o.id)) type="text" name="currency" value="EUR" maxlength="3" required; }
                                    div.field { label for=(format!("qv-{}", o.id)) { (t.valid_until_label) } input id=(format!("qv-{}", o.id)) type="date" name="valid_until" value=(default_until) required; }
                                }
                                div.field { label for=(format!("qt-{}", o.id)) { (t.quote_text) } textarea id=(format!("qt-{}", o.id)) name="text" rows="3" required {} }
                                button.btn.btn-primary.btn-sm type="submit" { (t.send_quote) }
                            }
                        }
                        form method="post" action=(format!("/desk/offers/{}/decline", o.id)) {
                            (csrf_field(&ctx))
                            label.sr-only for=(format!("dn-{}", o.id)) { (t.reason) }
                            input.input-sm id=(format!("dn-{}", o.id)) type="text" name="reason" placeholder=(t.reason);
                            " " button.btn.btn-sm type="submit" { (t.will_not_quote) }
                        }
                    }
                    (status_badge(&ctx, &o.status))
                }
            } }
        }
        section.card aria-labelledby="quoted-h" {
            h2 #quoted-h { ((t.status_label)("quoted")) }
            @if quoted.is_empty() { (ui::empty(t.none)) }
            ul.list { @for o in &quoted {
                li data-offer=(o.id) {
                    div.main {
                        strong { ((t.kind_label)(&o.kind)) " · " (place(o)) }
                        (quote_facts(&ctx, o))
                    }
                    (status_badge(&ctx, &o.status))
                }
            } }
        }
    };
    Ok(layout::page(&ctx, t.desk_title, body).into_response())
}

/// `POST /desk/offers/{id}/quote`: the amount is typed in currency units.
pub async fn desk_quote(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    let amount_cents = posted
        .get("amount")
        .and_then(|a| a.replace(',', ".").parse::<f64>().ok())
        .filter(|a| a.is_finite())
        .map_or(0, |a| (a * 100.0).round() as i64);
    let input = QuoteInput {
        amount_cents,
        currency: posted.get("currency").unwrap_or("").to_string(),
        text: posted.get("text").unwrap_or("").to_string(),
        valid_until: posted.get("valid_until").unwrap_or("").to_string(),
    };
    match give_quote(&s, &ctx.caller, id, input).await {
        Ok(_) => Ok(redirect_with(&s, DESK_PAGE, true, ctx.t.offers.quoted)),
        Err(e) => back_with_refusal(&s, DESK_PAGE, e),
    }
}
