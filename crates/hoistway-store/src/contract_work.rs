//! Work done under a contract, classified by its scope: the parts and
//! labour of a service report and the further work it quotes, each covered,
//! under warranty or billable (`hoistway_domain::coverage`), and the
//! billable lines that reach the contract's next invoice.
//!
//! Lines are written with the report, in its transaction, so a report and
//! its charges are never seen apart. A reopened case's uninvoiced lines are
//! replaced by its next report; invoiced lines stay with their invoice.

use crate::cases::Case;
use crate::contracts;
use crate::error::Result;
use crate::page::{finish, paginate, ListFilter, Page};
use crate::row::RowExt;
use crate::scope::{restrict, Shape};
use crate::sql::Sql;
use crate::{Db, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use hoistway_desk::report::ServiceReport;
use hoistway_domain::coverage::{
    self, quote_needs_approval, Coverage, Exclusion, PartCategory, Terms, WarrantyDefaults, Work,
};
use hoistway_domain::fleet::Cents;
use hoistway_domain::text::parse_date;
use hoistway_domain::{Invalid, Scope};
use serde::Serialize;
use sqlx::any::AnyRow;

/// One piece of work done under a contract.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkLine {
    pub id: i64,
    pub contract_id: i64,
    pub customer_id: i64,
    pub case_number: String,
    pub unit_id: i64,
    /// part, labour or quote.
    pub kind: String,
    pub description: String,
    /// Pieces for a part, minutes for labour, 1 for a quote.
    pub quantity: i64,
    /// What the work is worth at catalogue price or labour rate.
    pub value: f64,
    /// What the customer pays: the value when billable, else 0.
    pub charge: f64,
    pub currency: String,
    pub coverage: Coverage,
    /// Why, in words: "included: wear parts", "excluded cause: vandalism".
    pub reason: String,
    /// no_charge, billable (to be invoiced), awaiting_approval (a quote the
    /// customer must approve) or declined.
    pub status: String,
    pub po_number: Option<String>,
    /// YYYY-MM-DD.
    pub work_date: String,
    /// The invoice that bills it, once invoiced.
    pub invoice_id: Option<i64>,
}

fn from_row(r: &AnyRow) -> Result<WorkLine> {
    Ok(WorkLine {
        id: r.int("id")?,
        contract_id: r.int("contract_id")?,
        customer_id: r.int("customer_id")?,
        case_number: r.text("case_number")?,
        unit_id: r.int("unit_id")?,
        kind: r.text("kind")?,
        description: r.text("description")?,
        quantity: r.int("quantity")?,
        value: Cents(r.int("value_cents")?).to_decimal(),
        charge: Cents(r.int("charge_cents")?).to_decimal(),
        currency: r.text("currency")?,
        coverage: Coverage::parse(&r.text("coverage")?)?,
        reason: r.text("reason")?,
        status: r.text("status")?,
        po_number: r.opt_text("po_number")?,
        work_date: r.text("work_date")?,
        invoice_id: r.opt_int("invoice_id")?,
    })
}

/// A line about to be written.
struct NewLine {
    kind: &'static str,
    description: String,
    quantity: i64,
    value_cents: i64,
    currency: String,
    coverage: Coverage,
    reason: String,
    status: &'static str,
}

/// What happens to a report's quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuoteRoute {
    /// Within the spending limit and needing no purchase order: accepted.
    Accepted,
    /// Waits for the customer, for these reasons.
    Customer(Vec<String>),
}

/// Longest labour a report is charged for without saying so itself: a
/// technician who forgot to leave site does not bill a day.
const MAX_IMPLIED_LABOUR_MIN: i64 = 8 * 60;

/// A catalogue part's category and price, if catalogued.
async fn catalogue(
    tx: &mut Tx<'_>,
    part_number: &str,
) -> Result<Option<(PartCategory, i64, String)>> {
    let mut sql =
        Sql::new("SELECT category, unit_price_minor, currency FROM parts WHERE part_number = ");
    sql.bind(part_number.to_string());
    let Some(r) = sql.fetch_optional(&mut **tx).await? else {
        return Ok(None);
    };
    let category = PartCategory::parse(&r.text("category")?)?;
    Ok(Some((
        category,
        r.int("unit_price_minor")?,
        r.text("currency")?,
    )))
}

/// The unit's takeover date and its building's country.
async fn unit_facts(tx: &mut Tx<'_>, unit_id: i64) -> Result<(Option<NaiveDate>, String)> {
    let mut sql = Sql::new(
        "SELECT u.takeover_date, b.country FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.id = ",
    );
    sql.bind(unit_id);
    let r = sql.fetch_one(&mut **tx).await?;
    let takeover = r
        .opt_text("takeover_date")?
        .and_then(|d| d.parse::<NaiveDate>().ok());
    Ok((takeover, r.text("country")?))
}

/// Classifies a report's work and writes its lines; says where its quote
/// goes. A case without a contract or unit has no lines and its quote waits
/// for the customer, as before contract scope existed.
pub(crate) async fn record_report(
    tx: &mut Tx<'_>,
    warranty: &WarrantyDefaults,
    case: &Case,
    report: &ServiceReport,
    now: DateTime<Utc>,
) -> Result<Option<QuoteRoute>> {
    let (Some(contract_id), Some(unit_id)) = (case.contract_id, case.unit_id) else {
        return Ok(report
            .quote
            .as_ref()
            .map(|_| QuoteRoute::Customer(Vec::new())));
    };
    let exclusion = report
        .exclusion
        .as_deref()
        .map(|e| Exclusion::parse(e).map_err(|e| e.in_field("exclusion")))
        .transpose()?;
    let contract = contracts::fetch(tx, &Scope::All, contract_id).await?;
    let mut clear = Sql::new("DELETE FROM contract_work WHERE case_id = ");
    clear.bind(case.id).push(" AND invoice_id IS NULL");
    clear.execute(&mut **tx).await?;

    let (takeover, country) = unit_facts(tx, unit_id).await?;
    let months = contract
        .warranty_months
        .map(|m| m as u32)
        .unwrap_or_else(|| warranty.months_for(&country));
    let terms = Terms {
        included: contract.included.iter().copied().collect(),
        exclusions: contract.exclusions.iter().copied().collect(),
        warranty_until: takeover.and_then(|t| coverage::warranty_until(t, months)),
    };
    let day = now.date_naive();
    let currency = contract.currency.clone();
    let mut lines = Vec::new();
    for p in &report.parts_used {
        let number = p.part_number.as_str();
        let quantity = i64::from(p.quantity);
        let priced = catalogue(tx, number).await?;
        let category = priced.as_ref().map(|(c, _, _)| *c);
        let classified = coverage::classify(&terms, Work::Part(category), day, exclusion);
        let (value_cents, reason) = match &priced {
            Some((_, price, cur)) if *cur == currency => (price * quantity, classified.reason),
            Some((_, _, cur)) => (
                0,
                format!(
                    "{}; catalogue price in {cur}, priced by the care center",
                    classified.reason
                ),
            ),
            None => (
                0,
                format!(
                    "{}; not in the parts catalogue, priced by the care center",
                    classified.reason
                ),
            ),
        };
        lines.push(charged(
            "part",
            format!("Part {number} × {quantity}"),
            quantity,
            value_cents,
            &currency,
            classified.coverage,
            reason,
        ));
    }
    let labour_min = report.labour_minutes.map(i64::from).unwrap_or_else(|| {
        case.on_site_at
            .map(|t| (now - t).num_minutes().clamp(0, MAX_IMPLIED_LABOUR_MIN))
            .unwrap_or(0)
    });
    if labour_min > 0 {
        let classified = coverage::classify(&terms, Work::Labour, day, exclusion);
        let rate = (contract.labour_rate * 100.0).round() as i64;
        lines.push(charged(
            "labour",
            format!("Labour, {labour_min} min"),
            labour_min,
            (rate * labour_min + 30) / 60,
            &currency,
            classified.coverage,
            classified.reason,
        ));
    }
    let mut route = None;
    if let Some(q) = &report.quote {
        let amount = i64::try_from(q.amount_minor).unwrap_or(i64::MAX);
        let limit = case
            .spending_limit
            .map(|l| (l * 100.0).round() as i64)
            .unwrap_or_else(|| (contract.spending_limit * 100.0).round() as i64);
        let mut reasons = quote_needs_approval(
            amount,
            limit,
            contract.po_required && case.po_number.is_none(),
        );
        if q.currency != currency {
            reasons.push(format!(
                "quoted in {}, the contract bills in {currency}",
                q.currency
            ));
        }
        let (status, reason) = if reasons.is_empty() {
            (
                "billable",
                "quoted work within the spending limit".to_string(),
            )
        } else {
            (
                "awaiting_approval",
                format!("waits for approval: {}", reasons.join("; ")),
            )
        };
        lines.push(NewLine {
            kind: "quote",
            description: q.text.clone(),
            quantity: 1,
            value_cents: amount,
            currency: q.currency.clone(),
            coverage: Coverage::Billable,
            reason,
            status,
        });
        route = Some(if reasons.is_empty() {
            QuoteRoute::Accepted
        } else {
            QuoteRoute::Customer(reasons)
        });
    }
    for l in lines {
        insert(tx, &contract, case, unit_id, now, l).await?;
    }
    Ok(route)
}

fn charged(
    kind: &'static str,
    description: String,
    quantity: i64,
    value_cents: i64,
    currency: &str,
    coverage: Coverage,
    reason: String,
) -> NewLine {
    NewLine {
        kind,
        description,
        quantity,
        value_cents,
        currency: currency.to_string(),
        coverage,
        reason,
        status: if coverage == Coverage::Billable {
            "billable"
        } else {
            "no_charge"
        },
    }
}

async fn insert(
    tx: &mut Tx<'_>,
    contract: &contracts::Contract,
    case: &Case,
    unit_id: i64,
    now: DateTime<Utc>,
    l: NewLine,
) -> Result<()> {
    let charge = if l.coverage == Coverage::Billable {
        l.value_cents
    } else {
        0
    };
    let mut sql = Sql::new(
        "INSERT INTO contract_work (contract_id, customer_id, case_id, case_number, unit_id, kind, description, quantity, value_cents, charge_cents, currency, coverage, reason, status, work_date, created_at) VALUES (",
    );
    sql.bind(contract.id)
        .push(", ")
        .bind(contract.customer_id)
        .push(", ")
        .bind(case.id)
        .push(", ")
        .bind(case.number.clone());
    sql.push(", ")
        .bind(unit_id)
        .push(", ")
        .bind_static(l.kind)
        .push(", ")
        .bind(l.description)
        .push(", ")
        .bind(l.quantity);
    sql.push(", ")
        .bind(l.value_cents)
        .push(", ")
        .bind(charge)
        .push(", ")
        .bind(l.currency)
        .push(", ")
        .bind_static(l.coverage.as_str());
    sql.push(", ")
        .bind(l.reason)
        .push(", ")
        .bind_static(l.status)
        .push(", ")
        .bind(now.date_naive().to_string())
        .push(", ")
        .bind(now.timestamp_millis());
    sql.push(")");
    sql.execute(&mut **tx).await?;
    Ok(())
}

/// The customer's answer to a case's quote: accepted work becomes billable
/// (with the purchase order, if given), declined work is never billed.
pub(crate) async fn answer_quote(
    tx: &mut Tx<'_>,
    case: &Case,
    accepted: bool,
    po_number: Option<String>,
) -> Result<()> {
    if accepted {
        if let Some(contract_id) = case.contract_id {
            let contract = contracts::fetch(tx, &Scope::All, contract_id).await?;
            if contract.po_required && po_number.is_none() && case.po_number.is_none() {
                return Err(Invalid::new(
                    "po_number",
                    format!(
                        "contract {} requires a purchase order number to accept a quote",
                        contract.number
                    ),
                )
                .into());
            }
        }
    }
    let mut sql = Sql::new("UPDATE contract_work SET status = ");
    sql.bind_static(if accepted { "billable" } else { "declined" })
        .push(", po_number = ")
        .bind(po_number.or_else(|| case.po_number.clone()))
        .push(" WHERE case_id = ")
        .bind(case.id)
        .push(" AND kind = 'quote' AND status = 'awaiting_approval'");
    sql.execute(&mut **tx).await?;
    Ok(())
}

/// Lines of one case, as `scope` sees them.
pub async fn of_case(db: &Db, scope: &Scope, case_id: i64) -> Result<Vec<WorkLine>> {
    let mut sql = Sql::new("SELECT * FROM contract_work w WHERE w.case_id = ");
    sql.bind(case_id);
    restrict(&mut sql, scope, "w", Shape::OfContract);
    sql.push(" ORDER BY w.id");
    sql.fetch_all(&db.pool)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// Lines of a contract (optionally one status), newest first.
pub async fn of_contract(
    db: &Db,
    scope: &Scope,
    contract_id: i64,
    f: &ListFilter,
) -> Result<Page<WorkLine>> {
    f.only("contract work", &["status"])?;
    let mut sql = Sql::new("SELECT * FROM contract_work w WHERE w.contract_id = ");
    sql.bind(contract_id);
    restrict(&mut sql, scope, "w", Shape::OfContract);
    if let Some(s) = f.status.as_deref() {
        match s {
            "no_charge" | "billable" | "awaiting_approval" | "declined" => {
                sql.push(" AND w.status = ").bind(s.to_string());
            }
            "invoiced" => {
                sql.push(" AND w.invoice_id IS NOT NULL");
            }
            other => {
                return Err(Invalid::new(
                    "status",
                    format!(
                        "{other:?} is not one of: no_charge, billable, awaiting_approval, declined, invoiced"
                    ),
                )
                .into())
            }
        }
    }
    let limit = finish(&mut sql, "w", f)?;
    let rows = sql.fetch_all(&db.pool).await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
    Ok(paginate(items, limit, |w| w.id))
}

/// One line of an invoice.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InvoiceLine {
    pub position: i64,
    /// contract (the period's maintenance charge) or billable (work).
    pub kind: String,
    pub description: String,
    pub amount: f64,
    pub case_number: Option<String>,
}

/// An invoice's lines, in order (none for an invoice entered by hand).
pub async fn invoice_lines(db: &Db, invoice_id: i64) -> Result<Vec<InvoiceLine>> {
    let mut sql = Sql::new("SELECT * FROM invoice_lines WHERE invoice_id = ");
    sql.bind(invoice_id).push(" ORDER BY position");
    sql.fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(InvoiceLine {
                position: r.int("position")?,
                kind: r.text("kind")?,
                description: r.text("description")?,
                amount: Cents(r.int("amount_cents")?).to_decimal(),
                case_number: r.opt_text("case_number")?,
            })
        })
        .collect()
}

/// Writes an issued invoice's lines: the contract's charge for the period,
/// then every billable line of the contract in the invoice's currency done
/// before the issue date and not yet invoiced. Returns the new total. A
/// line without a price (a part outside the catalogue) is not invoiced.
pub(crate) async fn attach(
    tx: &mut Tx<'_>,
    invoice_id: i64,
    contract_id: i64,
    currency: &str,
    charge_cents: i64,
    charge_text: String,
    issued_on: &str,
) -> Result<i64> {
    parse_date("issued_on", issued_on)?;
    let mut total = charge_cents;
    line(
        tx,
        invoice_id,
        1,
        "contract",
        charge_text,
        charge_cents,
        None,
        None,
    )
    .await?;
    let mut work = Sql::new("SELECT * FROM contract_work WHERE contract_id = ");
    work.bind(contract_id)
        .push(
            " AND invoice_id IS NULL AND status = 'billable' AND charge_cents > 0 AND currency = ",
        )
        .bind(currency.to_string())
        .push(" AND work_date < ")
        .bind(issued_on.to_string())
        .push(" ORDER BY id");
    let rows = work.fetch_all(&mut **tx).await?;
    for (i, r) in rows.iter().enumerate() {
        let w = from_row(r)?;
        let cents = r.int("charge_cents")?;
        let text = format!("{}: {}", w.case_number, w.description);
        let position = i as i64 + 2;
        line(
            tx,
            invoice_id,
            position,
            "billable",
            text,
            cents,
            Some(w.case_number),
            Some(w.id),
        )
        .await?;
        let mut mark = Sql::new("UPDATE contract_work SET invoice_id = ");
        mark.bind(invoice_id).push(" WHERE id = ").bind(w.id);
        mark.execute(&mut **tx).await?;
        total += cents;
    }
    let mut up = Sql::new("UPDATE invoices SET amount_cents = ");
    up.bind(total).push(" WHERE id = ").bind(invoice_id);
    up.execute(&mut **tx).await?;
    Ok(total)
}

#[allow(clippy::too_many_arguments)]
async fn line(
    tx: &mut Tx<'_>,
    invoice_id: i64,
    position: i64,
    kind: &'static str,
    description: String,
    amount_cents: i64,
    case_number: Option<String>,
    work_id: Option<i64>,
) -> Result<()> {
    let mut sql = Sql::new(
        "INSERT INTO invoice_lines (invoice_id, position, kind, description, amount_cents, case_number, work_id) VALUES (",
    );
    sql.bind(invoice_id)
        .push(", ")
        .bind(position)
        .push(", ")
        .bind_static(kind)
        .push(", ")
        .bind(description);
    sql.push(", ")
        .bind(amount_cents)
        .push(", ")
        .bind(case_number)
        .push(", ")
        .bind(work_id)
        .push(")");
    sql.execute(&mut **tx).await?;
    Ok(())
}
