//! `/documents/invoices/{id}`: one invoice (number, contract, period,
//! amount, currency, issued, due, status, payment term, its lines) and
//! `/documents/invoices/{id}/pdf`, the same as a PDF. Read like
//! `GET /api/v1/invoices/{id}` and `GET /api/v1/contracts/{id}`, with the
//! same role checks as `/documents` and the caller's scope (404 outside).

use super::documents::invoice_tone;
use super::layout::{self, Area};
use super::page::{Ctx, PageResult, PortalError};
use super::{contract_scope, printed, ui};
use axum::extract::State;
use axum::response::IntoResponse;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_documents::InvoiceDocument;
use hoistway_domain::{Action, Resource};
use hoistway_store::contracts::Contract;
use hoistway_store::invoices::Invoice;
use hoistway_store::{contract_work, contracts, customers, invoices};
use maud::html;

/// The invoice, its contract and its customer's name, or the refusal the
/// `/documents` page would give.
async fn load(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
) -> Result<(Invoice, Contract, String), PortalError> {
    ctx.require_area(Area::Documents)?;
    ctx.require(Resource::Contracts, Action::Read)?;
    ctx.require(Resource::Invoices, Action::Read)?;
    let scope = &ctx.caller.scope;
    let inv = invoices::get(&s.db, scope, id, s.clock.now()).await?;
    let contract = contracts::get(&s.db, scope, inv.contract_id).await?;
    let customer = customers::get(&s.db, scope, inv.customer_id).await?.name;
    Ok((inv, contract, customer))
}

/// The facts of an invoice as the page and the PDF show them.
fn facts(ctx: &Ctx, inv: &Invoice, contract: &Contract) -> Vec<(&'static str, String)> {
    let t = ctx.t;
    let p = &t.printed;
    let mut out = vec![
        (t.documents.invoice, inv.number.clone()),
        (t.documents.contract, contract.number.clone()),
        (
            t.documents.period,
            (t.reports.period)(&ui::date(&inv.period_start), &ui::date(&inv.period_end)),
        ),
        (t.documents.amount, ui::money(inv.amount, &inv.currency)),
        (p.currency, inv.currency.clone()),
        (t.documents.issued, ui::date(&inv.issued_on)),
        (t.documents.due, ui::date(&inv.due_on)),
        (
            p.status,
            (t.labels.invoice_status)(inv.status.as_str()).to_string(),
        ),
        (
            t.places.payment_term,
            (t.places.days)(contract.payment_term_days),
        ),
    ];
    if let Some(paid) = &inv.paid_on {
        out.push((p.paid_on, ui::date(paid)));
    }
    out
}

/// `GET /documents/invoices/{id}`.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let (inv, contract, customer) = load(&s, &ctx, id).await?;
    let t = ctx.t;
    let p = &t.printed;
    let title = (p.invoice_title)(&inv.number);
    let rows = facts(&ctx, &inv, &contract);
    let lines = contract_work::invoice_lines(&s.db, inv.id).await?;
    let body = html! {
        nav.crumbs aria-label=(t.equipment.breadcrumb) {
            a href="/documents#invoices" { (t.documents.title) } " / " (inv.number)
        }
        (ui::page_header(&title, Some(p.invoice_lead), html! {
            (ui::badge(invoice_tone(inv.status), (t.labels.invoice_status)(inv.status.as_str())))
            a.btn.btn-primary href=(format!("/documents/invoices/{}/pdf", inv.id)) download { (p.download_pdf) }
        }))
        section.card aria-labelledby="inv-h" {
            h2 #inv-h { (p.invoice_details) }
            dl.facts {
                div { dt { (p.customer) } dd { (customer) } }
                @for (k, v) in &rows {
                    div {
                        dt { (k) }
                        @if *k == t.documents.contract {
                            dd { a href=(format!("/contracts/{}", contract.id)) { (v) } }
                        } @else {
                            dd { (v) }
                        }
                    }
                }
            }
        }
        (contract_scope::lines_card(t, &lines, &inv.currency))
    };
    Ok(layout::page(&ctx, &title, body).into_response())
}

/// `GET /documents/invoices/{id}/pdf`.
pub async fn pdf(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    let (inv, contract, customer) = load(&s, &ctx, id).await?;
    let t = ctx.t;
    let p = &t.printed;
    let now = s.clock.now();
    let mut rows = facts(&ctx, &inv, &contract);
    // The amount stands apart, under the facts.
    let amount_at = rows.iter().position(|(k, _)| *k == t.documents.amount);
    let amount = amount_at
        .map(|i| rows.remove(i))
        .unwrap_or((t.documents.amount, ui::money(inv.amount, &inv.currency)));
    let lines = contract_work::invoice_lines(&s.db, inv.id)
        .await?
        .into_iter()
        .map(|l| (l.description, ui::money(l.amount, &inv.currency)))
        .collect();
    let doc = InvoiceDocument {
        frame: printed::frame(
            t,
            (p.invoice_title)(&inv.number),
            vec![(p.customer_line)(&customer)],
            now,
            chrono_tz::Tz::UTC,
        ),
        details: p.invoice_details.into(),
        facts: rows.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        lines,
        lines_header: vec![
            t.contract_scope.work.to_string(),
            t.documents.amount.to_string(),
        ],
        amount: (amount.0.to_string(), amount.1),
        note: Some((p.invoice_note)(&inv.number)),
    };
    let bytes = doc.to_pdf().map_err(printed::failed)?;
    Ok(printed::pdf_response(
        bytes,
        &format!("invoice-{}", inv.number),
    ))
}
