//! `/admin/parts`: the provider admin keeps the parts catalogue (issue
//! #21): search and filter it, add a part, change one, and set its stock
//! per depot. Saved through the same store functions as
//! `/api/v1/parts`, so the rules, refusals and audit rows are the API's.

use super::{back_with, require_admin, required_field, shell, text_field};
use crate::forms::{csrf_field, Posted};
use crate::page::{redirect_with, Ctx, PageResult};
use crate::ui;
use axum::extract::{Query, State};
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::fleet::UnitKind;
use hoistway_domain::{Invalid, Resource};
use hoistway_store::parts::{self, Part, PartFilter, PartInput};
use maud::{html, Markup};
use serde::Deserialize;

/// The filters of the list page (blank fields mean "any").
#[derive(Debug, Default, Deserialize)]
pub struct Search {
    pub q: Option<String>,
    pub unit_kind: Option<String>,
    pub critical: Option<String>,
}

/// `GET /admin/parts`.
pub async fn list(State(s): State<AppState>, ctx: Ctx, Query(q): Query<Search>) -> PageResult {
    require_admin(&ctx, Resource::Parts)?;
    let t = ctx.t;
    let p = &t.parts;
    let blank = |v: &Option<String>| v.clone().filter(|v| !v.trim().is_empty());
    let filter = PartFilter {
        q: blank(&q.q),
        unit_kind: blank(&q.unit_kind).filter(|k| UnitKind::parse(k).is_ok()),
        critical: blank(&q.critical).map(|_| true),
        limit: Some(500),
        ..PartFilter::default()
    };
    let rows = parts::list(&s.db, &filter).await?.items;
    let body = html! {
        section.card aria-labelledby="p-h" {
            h2 #p-h { (p.title) " " span.count { (rows.len()) } }
            p.muted { (p.lead) }
            form.row method="get" action="/admin/parts" role="search" {
                div.field {
                    label for="p-q" { (p.search) }
                    input #p-q type="search" name="q" value=(filter.q.clone().unwrap_or_default());
                }
                div.field {
                    label for="p-kind" { (p.unit_kind) }
                    select #p-kind name="unit_kind" {
                        option value="" { (p.any_kind) }
                        @for k in UnitKind::ALL {
                            option value=(k.as_str()) selected[filter.unit_kind.as_deref() == Some(k.as_str())] {
                                ((t.labels.unit_kind)(k.as_str()))
                            }
                        }
                    }
                }
                label.check {
                    input type="checkbox" name="critical" value="on" checked[filter.critical.is_some()];
                    span { (p.critical_only) }
                }
                div.field { button.btn type="submit" { (t.common.filter) } }
            }
            @if rows.is_empty() { (ui::empty(p.none)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (p.part_number) }
                        th scope="col" { (p.description) }
                        th scope="col" { (p.unit_kinds) }
                        th scope="col" { (p.category) }
                        th scope="col" { (p.lead_time) }
                        th scope="col" { (p.price) }
                        th scope="col" { (p.in_stock) }
                    } }
                    tbody { @for part in &rows {
                        tr {
                            td data-label=(p.part_number) {
                                a href=(format!("/admin/parts/{}", part.id)) { (part.part_number) }
                                @if part.critical { " " (ui::badge(ui::Tone::Warn, p.critical)) }
                            }
                            td data-label=(p.description) { (part.description) }
                            td data-label=(p.unit_kinds) { (kinds(&ctx, part)) }
                            td data-label=(p.category) { ((p.category_label)(&part.category)) }
                            td data-label=(p.lead_time) { ((p.days)(part.lead_time_days)) }
                            td data-label=(p.price) { (price(part)) }
                            td data-label=(p.in_stock) { (part.in_stock) }
                        }
                    } }
                } }
            }
        }
        section.card aria-labelledby="np-h" {
            h2 #np-h { (p.new_part) }
            form.stack method="post" action="/admin/parts" {
                (csrf_field(&ctx))
                (part_fields(&ctx, None))
                button.btn.btn-primary type="submit" { (p.create) }
            }
        }
    };
    Ok(shell(&ctx, p.title, &[], body))
}

fn kinds(ctx: &Ctx, part: &Part) -> String {
    part.unit_kinds
        .iter()
        .map(|k| (ctx.t.labels.unit_kind)(k.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn price(part: &Part) -> String {
    ui::money(part.unit_price_minor as f64 / 100.0, &part.currency)
}

/// The fields of a part, filled from `part` when editing.
fn part_fields(ctx: &Ctx, part: Option<&Part>) -> Markup {
    let p = &ctx.t.parts;
    let id = part.map_or("new".to_string(), |x| x.id.to_string());
    let fits = |k: UnitKind| part.is_none_or(|x| x.unit_kinds.contains(&k));
    let price = part.map_or(String::new(), |x| {
        format!(
            "{}.{:02}",
            x.unit_price_minor / 100,
            x.unit_price_minor % 100
        )
    });
    html! {
        div.row {
            (required_field(&format!("pn-{id}"), p.part_number, "part_number", part.map_or("", |x| &x.part_number)))
            (required_field(&format!("pd-{id}"), p.description, "description", part.map_or("", |x| &x.description)))
        }
        fieldset {
            legend { (p.unit_kinds) }
            @for k in UnitKind::ALL {
                label.check {
                    input type="checkbox" name="unit_kinds" value=(k.as_str()) checked[fits(*k)];
                    span { ((ctx.t.labels.unit_kind)(k.as_str())) }
                }
            }
        }
        div.row {
            div.field {
                label for=(format!("pc-{id}")) { (p.category) }
                select id=(format!("pc-{id}")) name="category" {
                    @for c in parts::CATEGORIES {
                        option value=(c) selected[part.is_some_and(|x| x.category == c)] { ((p.category_label)(c)) }
                    }
                }
            }
            div.field {
                label for=(format!("pl-{id}")) { (p.lead_time) }
                input id=(format!("pl-{id}")) type="number" name="lead_time_days" min="0" max="365" required
                    value=(part.map_or(String::new(), |x| x.lead_time_days.to_string()));
            }
        }
        div.row {
            div.field {
                label for=(format!("pp-{id}")) { (p.price) }
                input id=(format!("pp-{id}")) type="text" inputmode="decimal" name="price" required value=(price);
                span.small.muted { (p.price_hint) }
            }
            (text_field(&format!("pcur-{id}"), p.currency, "currency", part.map_or("EUR", |x| &x.currency), "text"))
        }
        (super::flag("critical", p.critical, p.critical_hint, part.is_some_and(|x| x.critical)))
    }
}

/// A price in the currency's main unit (`1250`, `1250.5`, `1 250,00`) as
/// minor units; anything else is refused naming the field.
fn price_minor(raw: Option<&str>) -> Result<i64, Invalid> {
    let refused = || Invalid::new("price", "give the price as a number such as 1250.00");
    let text: String = raw
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let (units, cents) = text.split_once('.').unwrap_or((&text, ""));
    if units.is_empty()
        || !units.bytes().all(|b| b.is_ascii_digit())
        || cents.len() > 2
        || !cents.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(refused());
    }
    let units: i64 = units.parse().map_err(|_| refused())?;
    let cents: i64 = format!("{cents:0<2}").parse().map_err(|_| refused())?;
    units
        .checked_mul(100)
        .and_then(|u| u.checked_add(cents))
        .ok_or_else(refused)
}

fn part_input(posted: &Posted) -> Result<PartInput, Invalid> {
    let lead_time_days = match posted.get("lead_time_days") {
        None => return Err(Invalid::new("lead_time_days", "give the lead time in days")),
        Some(v) => v
            .parse()
            .map_err(|_| Invalid::new("lead_time_days", format!("'{v}' is not a number")))?,
    };
    Ok(PartInput {
        part_number: posted.get("part_number").unwrap_or("").to_string(),
        description: posted.get("description").unwrap_or("").to_string(),
        unit_kinds: posted
            .all("unit_kinds")
            .into_iter()
            .map(str::to_string)
            .collect(),
        category: posted.get("category").unwrap_or("").to_string(),
        critical: posted.get("critical").is_some(),
        lead_time_days,
        unit_price_minor: price_minor(posted.get("price"))?,
        currency: posted.get("currency").unwrap_or("").to_string(),
    })
}

/// `POST /admin/parts`.
pub async fn create(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Parts)?;
    let input = match part_input(&posted) {
        Ok(i) => i,
        Err(e) => return back_with(&s, "/admin/parts", e),
    };
    match parts::create(&s.db, ctx.caller.actor(&s), input).await {
        Ok(p) => Ok(redirect_with(
            &s,
            &format!("/admin/parts/{}", p.id),
            true,
            (ctx.t.parts.created)(&p.part_number),
        )),
        Err(e) => back_with(&s, "/admin/parts", e),
    }
}

/// `GET /admin/parts/{id}`: the part's fields and its stock per depot.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    require_admin(&ctx, Resource::Parts)?;
    let p = &ctx.t.parts;
    let part = parts::get(&s.db, id).await?;
    let stock_action = format!("/admin/parts/{id}/stock");
    let body = html! {
        section.card aria-labelledby="pe-h" {
            h2 #pe-h { (part.part_number) " " span.small.muted { (part.description) } }
            form.stack method="post" action=(format!("/admin/parts/{id}")) {
                (csrf_field(&ctx))
                (part_fields(&ctx, Some(&part)))
                button.btn.btn-primary type="submit" { (ctx.t.common.save) }
            }
        }
        section.card aria-labelledby="ps-h" {
            h2 #ps-h { (p.stock) " " span.count { (part.in_stock) } }
            p.muted { (p.stock_lead) }
            @if part.stock.is_empty() { (ui::empty(p.no_stock)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (p.depot) }
                        th scope="col" { (p.quantity) }
                    } }
                    tbody { @for (i, d) in part.stock.iter().enumerate() {
                        tr {
                            td data-label=(p.depot) { (d.depot) }
                            td data-label=(p.quantity) {
                                form.row method="post" action=(stock_action) {
                                    (csrf_field(&ctx))
                                    input type="hidden" name="depot" value=(d.depot);
                                    label.sr-only for=(format!("sq-{i}")) { (p.quantity) }
                                    input id=(format!("sq-{i}")) type="number" name="quantity" min="0" max="1000000" required value=(d.quantity);
                                    button.btn type="submit" { (p.set_stock) }
                                }
                            }
                        }
                    } }
                } }
            }
            h3 { (p.add_depot) }
            form.row method="post" action=(stock_action) {
                (csrf_field(&ctx))
                (required_field("sd-new", p.depot, "depot", ""))
                div.field {
                    label for="sq-new" { (p.quantity) }
                    input #sq-new type="number" name="quantity" min="0" max="1000000" required;
                }
                div.field { button.btn type="submit" { (p.set_stock) } }
            }
        }
    };
    let crumbs = [("/admin/parts".to_string(), p.title.to_string())];
    Ok(shell(&ctx, &part.part_number, &crumbs, body))
}

/// `POST /admin/parts/{id}`.
pub async fn update(State(s): State<AppState>, Path(id): Path<i64>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Parts)?;
    let back = format!("/admin/parts/{id}");
    let input = match part_input(&posted) {
        Ok(i) => i,
        Err(e) => return back_with(&s, &back, e),
    };
    let changes = serde_json::to_value(&input).unwrap_or_default();
    match parts::update(&s.db, ctx.caller.actor(&s), id, changes).await {
        Ok(p) => Ok(redirect_with(
            &s,
            &back,
            true,
            (ctx.t.parts.saved)(&p.part_number),
        )),
        Err(e) => back_with(&s, &back, e),
    }
}

/// `POST /admin/parts/{id}/stock`: one depot's quantity.
pub async fn stock(State(s): State<AppState>, Path(id): Path<i64>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    require_admin(ctx, Resource::Parts)?;
    let back = format!("/admin/parts/{id}");
    let depot = posted.get("depot").unwrap_or("").to_string();
    let quantity = match posted.get("quantity").map(str::parse::<i64>) {
        Some(Ok(q)) => q,
        _ => {
            let e = Invalid::new("quantity", "give the quantity on hand, 0 or more");
            return back_with(&s, &back, e);
        }
    };
    match parts::set_stock(&s.db, ctx.caller.actor(&s), id, &depot, quantity).await {
        Ok(p) => {
            let depot = p
                .stock
                .iter()
                .find(|d| d.depot == depot.trim())
                .map_or(depot.clone(), |d| d.depot.clone());
            Ok(redirect_with(
                &s,
                &back,
                true,
                (ctx.t.parts.stock_saved)(&depot, quantity),
            ))
        }
        Err(e) => back_with(&s, &back, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_read_in_the_main_unit() {
        assert_eq!(price_minor(Some("1250")).unwrap(), 125_000);
        assert_eq!(price_minor(Some("1 250,5")).unwrap(), 125_050);
        assert_eq!(price_minor(Some("0.07")).unwrap(), 7);
        for bad in ["", "12.345", "-3", "abc", "1.2.3"] {
            assert_eq!(price_minor(Some(bad)).unwrap_err().field, "price", "{bad}");
        }
        assert_eq!(price_minor(None).unwrap_err().field, "price");
    }
}
