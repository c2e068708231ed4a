//! Invoicing from contracts: every contract's invoices on its billing
//! interval, and the notices that an invoice was issued or is overdue.
//!
//! [`issue_due`] issues, for each contract, every billing period whose first
//! day lies between `from` and `today` and has no invoice yet: period from
//! the contract's start in steps of its interval, amount = covered units ×
//! monthly price × months, issued on the period's first day, due after the
//! contract's payment term. The unique index on (contract, period start)
//! makes it idempotent: run it any number of times, on any node, and each
//! period is invoiced once. Issued invoices notify finance (per their
//! preferences); invoices past due and unpaid notify once as overdue.

use crate::audit::Actor;
use crate::error::{Result, StoreError};
use crate::invoices::{self, Invoice, InvoiceInput};
use crate::notifications::{self, Audience, Notice};
use crate::row::RowExt;
use crate::sql::Sql;
use crate::Db;
use chrono::{Duration, NaiveDate};
use hoistway_desk::notify::Event;
use hoistway_domain::billing::{months_in, periods};
use hoistway_domain::fleet::BillingInterval;
use hoistway_domain::{Role, Scope};

/// What one run did.
#[derive(Debug, Default, Clone)]
pub struct InvoicingRun {
    pub issued: Vec<Invoice>,
    /// Overdue notices newly written (one per invoice and recipient channel).
    pub overdue_notices: u64,
}

struct Billable {
    id: i64,
    interval: BillingInterval,
    start: NaiveDate,
    end: Option<NaiveDate>,
    monthly_price_cents: i64,
    currency: String,
    payment_term_days: i64,
    units: i64,
    building_id: Option<i64>,
}

/// Who hears of a customer's invoices: finance and the customer's admins.
const INVOICE_ROLES: &[Role] = &[Role::Finance, Role::CustomerAdmin];

/// A stored value the schema should have prevented.
fn corrupt(message: String) -> StoreError {
    StoreError::Db(sqlx::Error::Protocol(message))
}

async fn billable(db: &Db) -> Result<Vec<Billable>> {
    let sql = Sql::new(
        "SELECT c.id, c.billing_interval, c.start_date, c.end_date, c.monthly_price_cents, c.currency, c.payment_term_days, \
         (SELECT COUNT(*) FROM contract_units cu WHERE cu.contract_id = c.id) AS units, \
         (SELECT MIN(u.building_id) FROM contract_units cu JOIN units u ON u.id = cu.unit_id WHERE cu.contract_id = c.id) AS building_id \
         FROM contracts c ORDER BY c.id",
    );
    let mut out = Vec::new();
    for r in sql.fetch_all(&db.pool).await? {
        let date = |col: &str, v: &str| {
            v.parse::<NaiveDate>()
                .map_err(|e| corrupt(format!("contract {col} {v:?}: {e}")))
        };
        let end = match r.opt_text("end_date")? {
            Some(e) => Some(date("end_date", &e)?),
            None => None,
        };
        out.push(Billable {
            id: r.int("id")?,
            interval: BillingInterval::parse(&r.text("billing_interval")?)
                .map_err(|e| corrupt(e.to_string()))?,
            start: date("start_date", &r.text("start_date")?)?,
            end,
            monthly_price_cents: r.int("monthly_price_cents")?,
            currency: r.text("currency")?,
            payment_term_days: r.int("payment_term_days")?,
            units: r.int("units")?,
            building_id: r.opt_int("building_id")?,
        });
    }
    Ok(out)
}

async fn has_invoice(db: &Db, contract_id: i64, period_start: NaiveDate) -> Result<bool> {
    let mut sql = Sql::new("SELECT id FROM invoices WHERE contract_id = ");
    sql.bind(contract_id)
        .push(" AND period_start = ")
        .bind(period_start.to_string());
    Ok(sql.fetch_optional(&db.pool).await?.is_some())
}

async fn notify(
    db: &Db,
    actor: Actor,
    event: Event,
    invoice: &Invoice,
    building_id: i64,
    subject: String,
) -> Result<u64> {
    let what = match event {
        Event::InvoiceOverdue => "overdue",
        _ => "issued",
    };
    let mut tx = db.begin().await?;
    let n = notifications::enqueue(
        &mut tx,
        actor.at,
        Notice {
            event,
            key: format!("{}:{what}", invoice.number),
            case_id: None,
            invoice_id: Some(invoice.id),
            customer_id: Some(invoice.customer_id),
            body: format!(
                "Invoice {} for {} to {}: {:.2} {}, due {}.",
                invoice.number,
                invoice.period_start,
                invoice.period_end,
                invoice.amount,
                invoice.currency,
                invoice.due_on
            ),
            subject,
            audience: Audience::Roles {
                roles: INVOICE_ROLES,
                customer_id: invoice.customer_id,
                building_id,
            },
        },
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// Issues every contract's due invoices with a first day in `from..=today`
/// and sends the issued and overdue notices.
pub async fn issue_due(
    db: &Db,
    actor: Actor,
    from: NaiveDate,
    today: NaiveDate,
) -> Result<InvoicingRun> {
    let mut run = InvoicingRun::default();
    for c in billable(db).await? {
        if c.units == 0 {
            continue;
        }
        for p in periods(c.start, c.end, c.interval.months(), from, today) {
            if has_invoice(db, c.id, p.start).await? {
                continue;
            }
            let cents = c.units * c.monthly_price_cents * i64::from(months_in(p));
            let input = InvoiceInput {
                contract_id: c.id,
                number: None,
                period_start: p.start.to_string(),
                period_end: p.end.to_string(),
                amount: cents as f64 / 100.0,
                currency: Some(c.currency.clone()),
                issued_on: p.start.to_string(),
                due_on: (p.start + Duration::days(c.payment_term_days)).to_string(),
                paid_on: None,
                status: Some("issued".into()),
            };
            let charge = format!(
                "Maintenance {} to {}: {} unit(s) × {} month(s)",
                p.start,
                p.end,
                c.units,
                months_in(p)
            );
            let invoice = match invoices::issue(db, actor, input, charge).await {
                Ok(i) => i,
                // Another node issued it between the check and the insert.
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e),
            };
            if let Some(b) = c.building_id {
                let subject = format!("Invoice {} issued", invoice.number);
                notify(db, actor, Event::InvoiceIssued, &invoice, b, subject).await?;
            }
            run.issued.push(invoice);
        }
    }
    run.overdue_notices = notify_overdue(db, actor, today).await?;
    Ok(run)
}

/// One overdue notice per unpaid invoice past its due date (the outbox key
/// makes repeats no-ops).
async fn notify_overdue(db: &Db, actor: Actor, today: NaiveDate) -> Result<u64> {
    let mut sql = Sql::new(
        "SELECT i.id, (SELECT MIN(u.building_id) FROM contract_units cu JOIN units u ON u.id = cu.unit_id WHERE cu.contract_id = i.contract_id) AS building_id \
         FROM invoices i WHERE i.paid_on IS NULL AND i.status <> 'paid' AND i.due_on < ",
    );
    sql.bind(today.to_string()).push(" ORDER BY i.id");
    let mut written = 0;
    for r in sql.fetch_all(&db.pool).await? {
        let Some(building_id) = r.opt_int("building_id")? else {
            continue;
        };
        let invoice = invoices::get(db, &Scope::All, r.int("id")?, actor.at).await?;
        let subject = format!("Invoice {} is overdue", invoice.number);
        written += notify(
            db,
            actor,
            Event::InvoiceOverdue,
            &invoice,
            building_id,
            subject,
        )
        .await?;
    }
    Ok(written)
}
