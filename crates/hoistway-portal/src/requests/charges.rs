//! The charges card of a request: each part, labour and quote of its
//! service report as the contract classifies it (covered, under warranty
//! or billable, with the reason) and what is charged. Shown to roles that
//! may read contracts; read like `GET /api/v1/cases/{number}/work`.

use crate::strings::Strings;
use crate::ui::{self, Tone};
use hoistway_domain::coverage::Coverage;
use hoistway_store::contract_work::WorkLine;
use maud::{html, Markup};

fn tone(c: Coverage) -> Tone {
    match c {
        Coverage::Covered => Tone::Ok,
        Coverage::Warranty => Tone::Info,
        Coverage::Billable => Tone::Warn,
    }
}

/// The card, or nothing when the report produced no lines.
pub fn card(t: &Strings, lines: &[WorkLine]) -> Markup {
    let c = &t.contract_scope;
    let billed: f64 = lines
        .iter()
        .filter(|l| l.status == "billable")
        .map(|l| l.charge)
        .sum();
    let currency = lines.first().map(|l| l.currency.as_str()).unwrap_or("");
    html! {
        @if !lines.is_empty() {
            section.card #charges aria-labelledby="charges-h" {
                h2 #charges-h { (c.charges) }
                div.table-wrap {
                    table.stack-sm {
                        thead { tr { th scope="col" { (c.work) } th scope="col" { (c.coverage) } th scope="col" { (c.why) } th.num scope="col" { (c.charge) } } }
                        tbody {
                            @for l in lines {
                                tr {
                                    td data-label=(c.work) { (l.description) }
                                    td data-label=(c.coverage) { (ui::badge(tone(l.coverage), (c.coverage_label)(l.coverage))) " " @if l.status != "billable" && l.status != "no_charge" { (ui::badge(Tone::Info, (c.status_label)(&l.status))) } }
                                    td data-label=(c.why) { (l.reason) }
                                    td.num data-label=(c.charge) { (ui::money(l.charge, &l.currency)) }
                                }
                            }
                        }
                    }
                }
                p { (c.billed_total) ": " strong { (ui::money(billed, currency)) } }
                p.hint { (c.charges_hint) }
            }
        }
    }
}
