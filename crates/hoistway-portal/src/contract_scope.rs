//! Contract scope on the contract and invoice pages (issue #21): what a
//! contract includes and never covers, its warranty and labour rate, the
//! work done under it as its scope classified it, and an invoice's lines.
//! Read like `GET /api/v1/contracts/{id}`, `…/contracts/{id}/work` and
//! `…/invoices/{id}/lines`.

use crate::strings::Strings;
use crate::ui::{self, Tone};
use hoistway_domain::coverage::{Coverage, ScopeItem};
use hoistway_store::contract_work::{InvoiceLine, WorkLine};
use hoistway_store::contracts::Contract;
use maud::{html, Markup};

fn tone(c: Coverage) -> Tone {
    match c {
        Coverage::Covered => Tone::Ok,
        Coverage::Warranty => Tone::Info,
        Coverage::Billable => Tone::Warn,
    }
}

/// What the contract covers and what it never covers.
pub fn scope_card(t: &Strings, c: &Contract) -> Markup {
    let s = &t.contract_scope;
    let missing: Vec<&ScopeItem> = ScopeItem::ALL
        .iter()
        .filter(|i| !c.included.contains(i))
        .collect();
    html! {
        section.card aria-labelledby="c-scope" {
            h2 #c-scope { (s.scope) }
            p.muted { (if c.custom_scope { s.custom } else { s.tier_default }) }
            div.grid {
                div {
                    h3 { (s.included) }
                    ul { @for i in &c.included { li { (ui::badge(Tone::Ok, (s.item_label)(i.as_str()))) } } }
                }
                div {
                    h3 { (s.not_included) }
                    @if missing.is_empty() { p { (t.common.dash) } } @else {
                        ul { @for i in &missing { li { ((s.item_label)(i.as_str())) } } }
                    }
                }
            }
            (ui::facts(&[
                (s.exclusions, if c.exclusions.is_empty() { t.common.dash.to_string() } else {
                    c.exclusions.iter().map(|e| (s.exclusion_label)(e.as_str())).collect::<Vec<_>>().join(", ")
                }),
                (s.warranty, (s.warranty_text)(c.warranty_months)),
                (s.labour_rate, ui::money(c.labour_rate, &c.currency)),
            ]))
        }
    }
}

/// The work done under the contract, newest first.
pub fn work_card(t: &Strings, lines: &[WorkLine]) -> Markup {
    let s = &t.contract_scope;
    html! {
        section.card aria-labelledby="c-work" {
            h2 #c-work { (s.work_heading) }
            p.muted { (s.work_lead) }
            @if lines.is_empty() { (ui::empty(s.no_work)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (t.documents.period) }
                        th scope="col" { (s.case) }
                        th scope="col" { (s.work) }
                        th scope="col" { (s.coverage) }
                        th.num scope="col" { (s.charge) }
                        th scope="col" { (s.invoice) }
                    } }
                    tbody { @for l in lines {
                        tr {
                            td data-label=(t.documents.period) { (ui::date(&l.work_date)) }
                            td data-label=(s.case) { a href=(format!("/requests/{}", l.case_number)) { (l.case_number) } }
                            td data-label=(s.work) { (l.description) div.sub.muted { (l.reason) } }
                            td data-label=(s.coverage) {
                                (ui::badge(tone(l.coverage), (s.coverage_label)(l.coverage)))
                                @let status = (s.status_label)(&l.status);
                                @if !status.is_empty() { " " (ui::badge(Tone::Info, status)) }
                            }
                            td.num data-label=(s.charge) { (ui::money(l.charge, &l.currency)) }
                            td data-label=(s.invoice) {
                                @if let Some(i) = l.invoice_id { a href=(format!("/documents/invoices/{i}")) { "#" (i) } }
                                @else if l.status == "billable" && l.charge > 0.0 { (s.not_invoiced) }
                                @else { (t.common.dash) }
                            }
                        }
                    } }
                } }
            }
        }
    }
}

/// An invoice's lines and their total.
pub fn lines_card(t: &Strings, lines: &[InvoiceLine], currency: &str) -> Markup {
    let s = &t.contract_scope;
    html! {
        @if !lines.is_empty() {
            section.card aria-labelledby="inv-lines" {
                h2 #inv-lines { (s.lines) }
                div.table-wrap { table.stack-sm {
                    thead { tr { th scope="col" { (s.work) } th.num scope="col" { (t.documents.amount) } } }
                    tbody { @for l in lines {
                        tr {
                            td data-label=(s.work) {
                                @if let Some(n) = &l.case_number {
                                    a href=(format!("/requests/{n}")) { (l.description) }
                                } @else { (l.description) }
                            }
                            td.num data-label=(t.documents.amount) { (ui::money(l.amount, currency)) }
                        }
                    } }
                } }
            }
        }
    }
}
