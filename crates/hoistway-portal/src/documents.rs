//! `/documents`: contracts (type, billing interval, start date, units
//! covered) and invoices (issued, paid, unpaid, overdue; filterable), read
//! like `GET /api/v1/contracts` and `GET /api/v1/invoices`. Each invoice
//! opens its page (`invoice.rs`), which has the PDF.

use super::layout::{self, Area};
use super::page::{Ctx, PageResult};
use super::{fleet, ui};
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use hoistway_app::state::AppState;
use hoistway_domain::fleet::InvoiceStatus;
use hoistway_domain::{Action, Resource};
use hoistway_store::{invoices, ListFilter};
use maud::html;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Default, Deserialize)]
pub struct DocumentsQuery {
    status: Option<String>,
    contract_id: Option<String>,
}

pub(crate) fn invoice_tone(s: InvoiceStatus) -> ui::Tone {
    match s {
        InvoiceStatus::Paid => ui::Tone::Ok,
        InvoiceStatus::Overdue => ui::Tone::Bad,
        InvoiceStatus::Unpaid => ui::Tone::Warn,
        _ => ui::Tone::Info,
    }
}

/// `GET /documents`.
pub async fn show(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DocumentsQuery>,
) -> PageResult {
    ctx.require_area(Area::Documents)?;
    ctx.require(Resource::Contracts, Action::Read)?;
    ctx.require(Resource::Invoices, Action::Read)?;
    let t = ctx.t;
    let caller = &ctx.caller;
    let contracts = fleet::contracts(&s, caller).await?;
    let status = match q.status.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(v) => Some(InvoiceStatus::parse(v)?),
        None => None,
    };
    let contract_id = super::forms::id_of(&q.contract_id);
    let mut list = Vec::new();
    let mut cursor = None;
    loop {
        let f = ListFilter {
            status: status.map(|s| s.as_str().to_string()),
            contract_id,
            cursor,
            limit: Some(500),
            ..Default::default()
        };
        let page = invoices::list(&s.db, &caller.scope, &f, s.clock.now()).await?;
        list.extend(page.items);
        match page.next_cursor {
            Some(c) if list.len() < 5000 => cursor = Some(c),
            _ => break,
        }
    }
    list.sort_by(|a, b| b.issued_on.cmp(&a.issued_on));
    // Unit names only for roles that may read units (finance may not).
    let names: HashMap<i64, String> = if ctx.may(Resource::Units, Action::Read) {
        fleet::units(&s, caller, &ListFilter::default())
            .await?
            .iter()
            .map(|u| (u.id, u.equipment_number.clone()))
            .collect()
    } else {
        HashMap::new()
    };
    let number_of: HashMap<i64, &str> = contracts
        .iter()
        .map(|c| (c.id, c.number.as_str()))
        .collect();
    let body = html! {
        (ui::page_header(t.documents.title, Some(t.documents.lead), html! {}))
        section.card aria-labelledby="c-h" {
            h2 #c-h { (t.documents.contracts) }
            @if contracts.is_empty() { (ui::empty(t.documents.no_contracts)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (t.documents.contract) }
                        th scope="col" { (t.documents.kind) }
                        th scope="col" { (t.documents.billing) }
                        th scope="col" { (t.documents.start) }
                        th scope="col" { (t.documents.units) }
                        th.num scope="col" { (t.documents.price) }
                    } }
                    tbody { @for c in &contracts {
                        tr {
                            td data-label=(t.documents.contract) { a href=(format!("/contracts/{}", c.id)) { strong { (c.number) } } }
                            td data-label=(t.documents.kind) { ((t.labels.tier)(c.tier.as_str())) }
                            td data-label=(t.documents.billing) { ((t.labels.billing_interval)(c.billing_interval.as_str())) }
                            td data-label=(t.documents.start) { (ui::date(&c.start_date)) }
                            td data-label=(t.documents.units) {
                                (c.unit_ids.len())
                                @if !names.is_empty() {
                                    div.small.muted { (c.unit_ids.iter().filter_map(|u| names.get(u).cloned()).collect::<Vec<_>>().join(", ")) }
                                }
                            }
                            td.num data-label=(t.documents.price) { (ui::money(c.monthly_price_per_unit, &c.currency)) }
                        }
                    } }
                } }
            }
        }
        section.card #invoices aria-labelledby="i-h" {
            div.card-head { h2 #i-h { (t.documents.invoices) } }
            form.filters method="get" action="/documents#invoices" data-autosubmit {
                div.field {
                    label for="d-status" { (t.equipment.status) }
                    select #d-status name="status" {
                        option value="" { (t.common.all) }
                        @for st in ["issued", "unpaid", "overdue", "paid"] {
                            option value=(st) selected[status.map(|s| s.as_str()) == Some(st)] { ((t.labels.invoice_status)(st)) }
                        }
                    }
                }
                div.field {
                    label for="d-contract" { (t.documents.contract) }
                    select #d-contract name="contract_id" {
                        option value="" { (t.common.all) }
                        @for c in &contracts { option value=(c.id) selected[contract_id == Some(c.id)] { (c.number) } }
                    }
                }
                div.buttons { button.btn.btn-primary type="submit" { (t.common.filter) } }
            }
            @if list.is_empty() { (ui::empty(t.documents.no_invoices)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (t.documents.invoice) }
                        th scope="col" { (t.documents.contract) }
                        th scope="col" { (t.documents.period) }
                        th scope="col" { (t.documents.issued) }
                        th scope="col" { (t.documents.due) }
                        th.num scope="col" { (t.documents.amount) }
                        th scope="col" { (t.equipment.status) }
                    } }
                    tbody { @for i in &list {
                        tr #(format!("inv-{}", i.id)) {
                            td data-label=(t.documents.invoice) { a href=(format!("/documents/invoices/{}", i.id)) { strong { (i.number) } } }
                            td data-label=(t.documents.contract) { (number_of.get(&i.contract_id).copied().unwrap_or("")) }
                            td data-label=(t.documents.period) { (ui::date(&i.period_start)) " – " (ui::date(&i.period_end)) }
                            td data-label=(t.documents.issued) { (ui::date(&i.issued_on)) }
                            td data-label=(t.documents.due) { (ui::date(&i.due_on)) }
                            td.num data-label=(t.documents.amount) { (ui::money(i.amount, &i.currency)) }
                            td data-label=(t.equipment.status) { (ui::badge(invoice_tone(i.status), (t.labels.invoice_status)(i.status.as_str()))) }
                        }
                    } }
                } }
            }
        }
    };
    Ok(layout::page(&ctx, t.documents.title, body).into_response())
}
