//! `/contracts/{id}`: one service contract: tier, billing interval, term,
//! price, spending limit and purchase-order rule, its scope and the work
//! done under it, the units it covers and its invoices. Read like `GET /api/v1/contracts/{id}` and
//! `GET /api/v1/invoices?contract_id=`.

use super::documents::invoice_tone;
use super::layout::{self, Area};
use super::page::{Ctx, PageResult};
use super::{contract_scope, fleet, ui};
use axum::extract::State;
use axum::response::IntoResponse;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::{contracts, invoices, ListFilter};
use maud::html;

/// `GET /contracts/{id}`.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    ctx.require_area(Area::Documents)?;
    ctx.require(Resource::Contracts, Action::Read)?;
    let t = ctx.t;
    let p = &t.places;
    let caller = &ctx.caller;
    let c = contracts::get(&s.db, &caller.scope, id).await?;
    let units = if ctx.may(Resource::Units, Action::Read) {
        let mut covered = fleet::units(&s, caller, &ListFilter::default()).await?;
        covered.retain(|u| c.unit_ids.contains(&u.id));
        Some(covered)
    } else {
        None
    };
    let invoice_list = if ctx.may(Resource::Invoices, Action::Read) {
        let f = ListFilter {
            contract_id: Some(id),
            limit: Some(500),
            ..Default::default()
        };
        let mut list = invoices::list(&s.db, &caller.scope, &f, s.clock.now())
            .await?
            .items;
        list.sort_by(|a, b| b.period_start.cmp(&a.period_start));
        Some(list)
    } else {
        None
    };
    let work = hoistway_store::contract_work::of_contract(
        &s.db,
        &caller.scope,
        id,
        &ListFilter {
            limit: Some(50),
            ..Default::default()
        },
    )
    .await?
    .items;
    let tier = (t.labels.tier)(c.tier.as_str());
    let billing = (t.labels.billing_interval)(c.billing_interval.as_str());
    let monthly_total = c.monthly_price_per_unit * c.unit_ids.len() as f64;
    let title = format!("{} {}", p.contract, c.number);
    let body = html! {
        nav.crumbs aria-label=(t.documents.title) { a href="/documents" { (t.documents.title) } " / " (c.number) }
        (ui::page_header(&title, Some(&(p.contract_lead)(tier, &billing.to_lowercase())), html! {}))
        section.card aria-labelledby="c-terms" {
            h2 #c-terms { (t.documents.contract) }
            (ui::facts(&[
                (p.tier, tier.to_string()),
                (p.billing, billing.to_string()),
                (p.start, ui::date(&c.start_date)),
                (p.end, c.end_date.as_deref().map(ui::date).unwrap_or_else(|| p.open_ended.into())),
                (p.covered_units, c.unit_ids.len().to_string()),
                (p.price, ui::money(c.monthly_price_per_unit, &c.currency)),
                (p.monthly_total, ui::money(monthly_total, &c.currency)),
                (p.spending_limit, ui::money(c.spending_limit, &c.currency)),
                (p.po_required, (if c.po_required { p.yes } else { p.no }).to_string()),
                (p.payment_term, (p.days)(c.payment_term_days)),
            ]))
            p.small.muted { (p.spending_limit_hint) }
        }
        (contract_scope::scope_card(t, &c))
        (contract_scope::work_card(t, &work))
        @if let Some(units) = &units {
            section.card aria-labelledby="c-units" {
                h2 #c-units { (p.covered_units) }
                ul.list { @for u in units {
                    li { div.main {
                        a href=(format!("/equipment/{}", u.id)) { strong { (fleet::unit_name(u)) } }
                        div.sub { (u.equipment_number) " · " ((t.labels.unit_kind)(u.kind.as_str())) }
                    } }
                } }
            }
        }
        @if let Some(list) = &invoice_list {
            section.card aria-labelledby="c-invoices" {
                div.card-head {
                    h2 #c-invoices { (p.invoices) }
                    a href=(format!("/documents?contract_id={id}#invoices")) { (p.all_invoices) }
                }
                @if list.is_empty() { (ui::empty(t.documents.no_invoices)) } @else {
                    div.table-wrap { table.stack-sm {
                        thead { tr {
                            th scope="col" { (t.documents.invoice) }
                            th scope="col" { (t.documents.period) }
                            th scope="col" { (t.documents.due) }
                            th.num scope="col" { (t.documents.amount) }
                            th scope="col" { (t.equipment.status) }
                        } }
                        tbody { @for i in list.iter().take(24) {
                            tr {
                                td data-label=(t.documents.invoice) { a href=(format!("/documents/invoices/{}", i.id)) { strong { (i.number) } } }
                                td data-label=(t.documents.period) { (ui::date(&i.period_start)) " – " (ui::date(&i.period_end)) }
                                td data-label=(t.documents.due) { (ui::date(&i.due_on)) }
                                td.num data-label=(t.documents.amount) { (ui::money(i.amount, &i.currency)) }
                                td data-label=(t.equipment.status) { (ui::badge(invoice_tone(i.status), (t.labels.invoice_status)(i.status.as_str()))) }
                            }
                        } }
                    } }
                }
            }
        }
    };
    Ok(layout::page(&ctx, &title, body).into_response())
}
