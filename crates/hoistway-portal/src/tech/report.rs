//! The service-report form of the technician view and its reading into
//! `hoistway-desk`'s [`ServiceReportDraft`] (validated by the store's
//! `post_report`, which names every problem at once).
//!
//! Fields: findings, cause code, actions (one per line), up to four
//! parts-used rows (part number, quantity), a follow-up (text, visit
//! needed), an optional quote (amount, currency, text), labour minutes,
//! a contract exclusion the cause falls under, and whether the unit was
//! returned to service.

use crate::forms::{csrf_field, Posted};
use crate::page::Ctx;
use hoistway_desk::report::{FollowUp, PartUsedDraft, QuoteDecision, QuoteDraft};
use hoistway_desk::ServiceReportDraft;
use hoistway_store::cases::Case;
use maud::{html, Markup};

/// Parts rows offered.
const PART_ROWS: usize = 4;

/// Amount text ("1 250,50" or "1250.50") in minor units.
fn minor(amount: &str) -> Option<i64> {
    let clean: String = amount
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    let v: f64 = clean.parse().ok()?;
    (v.is_finite() && (0.0..1e12).contains(&v)).then(|| (v * 100.0).round() as i64)
}

/// The draft a submitted form stands for; `Err` names a field that could
/// not be read at all (the store validates the rest).
pub fn draft_of(p: &Posted) -> Result<ServiceReportDraft, &'static str> {
    let mut parts = Vec::new();
    for i in 0..PART_ROWS {
        let Some(part) = p.get(&format!("part_{i}")) else {
            continue;
        };
        let quantity = match p.get(&format!("qty_{i}")) {
            None => 1,
            Some(q) => q.parse::<i64>().map_err(|_| "quantity")?,
        };
        parts.push(PartUsedDraft {
            part_number: part.to_string(),
            quantity,
        });
    }
    let follow_ups = p
        .get("follow_up")
        .map(|a| {
            vec![FollowUp {
                action: a.to_string(),
                requires_visit: p.get("follow_up_visit").is_some(),
            }]
        })
        .unwrap_or_default();
    let quote = match (p.get("quote_amount"), p.get("quote_text")) {
        (None, None) => None,
        (amount, text) => Some(QuoteDraft {
            amount_minor: amount.and_then(minor).ok_or("quote_amount")?,
            currency: p.get("quote_currency").unwrap_or("EUR").to_string(),
            text: text.unwrap_or("").to_string(),
            decision: QuoteDecision::Pending,
        }),
    };
    Ok(ServiceReportDraft {
        findings: p.get("findings").unwrap_or("").to_string(),
        cause_code: p.get("cause_code").unwrap_or("").to_string(),
        actions: p
            .get("actions")
            .unwrap_or("")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect(),
        parts_used: parts,
        follow_ups,
        quote,
        returned_to_service: p.get("returned_to_service").is_some(),
        inspection_required: p.get("inspection_required").is_some(),
        labour_minutes: match p.get("labour_minutes").map(str::trim) {
            None | Some("") => None,
            Some(m) => Some(m.parse().map_err(|_| "labour_minutes")?),
        },
        exclusion: p
            .get("exclusion")
            .filter(|e| !e.is_empty())
            .map(str::to_string),
    })
}

/// The form (empty: a failed submit shows the store's message as a flash).
pub fn form(ctx: &Ctx, c: &Case) -> Markup {
    let r = &ctx.t.tech;
    html! {
        form.stack.report-form method="post" action=(format!("/tech/cases/{}/report", c.number)) {
            (csrf_field(ctx))
            div.field {
                label for="findings" { (r.findings) }
                textarea #findings name="findings" rows="3" required maxlength="4000" {}
            }
            div.field {
                label for="cause_code" { (r.cause_code) }
                input #cause_code type="text" name="cause_code" required maxlength="32" autocapitalize="characters" placeholder="DOOR-LOCK";
                p.hint { (r.cause_hint) }
            }
            div.field {
                label for="actions" { (r.actions) }
                textarea #actions name="actions" rows="3" required {}
                p.hint { (r.actions_hint) }
            }
            fieldset {
                legend { (r.parts) }
                @for i in 0..PART_ROWS {
                    div.part-row {
                        div.field {
                            label for=(format!("part_{i}")) { (r.part_number) " " (i + 1) }
                            input id=(format!("part_{i}")) type="text" name=(format!("part_{i}")) maxlength="64" autocapitalize="characters";
                        }
                        div.field.qty {
                            label for=(format!("qty_{i}")) { (r.quantity) }
                            input id=(format!("qty_{i}")) type="number" name=(format!("qty_{i}")) min="1" max="999" inputmode="numeric";
                        }
                    }
                }
            }
            fieldset {
                legend { (r.follow_up) }
                div.field {
                    label for="follow_up" { (r.follow_up_action) }
                    input #follow_up type="text" name="follow_up" maxlength="500";
                }
                label.check for="follow_up_visit" { input #follow_up_visit type="checkbox" name="follow_up_visit" value="1"; span { (r.follow_up_visit) } }
            }
            fieldset {
                legend { (r.quote) }
                p.hint { (r.quote_hint) }
                div.part-row {
                    div.field {
                        label for="quote_amount" { (r.quote_amount) }
                        input #quote_amount type="text" name="quote_amount" inputmode="decimal" placeholder="0.00";
                    }
                    div.field.qty {
                        label for="quote_currency" { (r.quote_currency) }
                        select #quote_currency name="quote_currency" {
                            @for cur in ["EUR", "SEK", "USD", "GBP", "SGD"] { option value=(cur) { (cur) } }
                        }
                    }
                }
                div.field {
                    label for="quote_text" { (r.quote_text) }
                    input #quote_text type="text" name="quote_text" maxlength="1000";
                }
            }
            div.part-row {
                div.field {
                    label for="labour_minutes" { (r.labour_minutes) }
                    input #labour_minutes type="number" name="labour_minutes" min="0" max="1440" inputmode="numeric";
                    p.hint { (r.labour_hint) }
                }
                div.field {
                    label for="exclusion" { (r.exclusion) }
                    select #exclusion name="exclusion" {
                        option value="" { (r.exclusion_none) }
                        @for (value, label) in r.exclusions { option value=(value) { (label) } }
                    }
                }
            }
            label.check for="returned_to_service" { input #returned_to_service type="checkbox" name="returned_to_service" value="1" checked; span { (r.returned) } }
            label.check for="inspection_required" { input #inspection_required type="checkbox" name="inspection_required" value="1"; span { (r.inspection_needed) } }
            button.btn.btn-primary.btn-block.btn-big type="submit" { (r.submit_report) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_with_comma_or_dot() {
        assert_eq!(minor("1250.50"), Some(125_050));
        assert_eq!(minor("1 250,5"), Some(125_050));
        assert_eq!(minor("-3"), None);
        assert_eq!(minor("abc"), None);
    }
}
