//! Invoicing from contracts on every backend: periods follow the billing
//! interval, the amount is units × monthly price × months, the due date
//! follows the contract's payment term, reruns issue nothing twice, and
//! finance hears of issued and overdue invoices once each.

use chrono::NaiveDate;
use hoistway_domain::text::Email;
use hoistway_domain::{Role, Scope};
use hoistway_store::contracts::ContractInput;
use hoistway_store::invoicing::issue_due;
use hoistway_store::testing::TestDb;
use hoistway_store::users::NewUser;
use hoistway_store::*;
use support::{actor, fleet};

mod support;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[tokio::test]
async fn contracts_are_invoiced_on_their_interval_once() {
    for t in TestDb::all().await {
        let label = t.label;
        let db = &t.db;
        let (customer, units) = fleet(db, "Acme").await;
        let finance = users::create(
            db,
            &Scope::All,
            actor(),
            NewUser {
                email: Email::parse("finance@acme.example").unwrap(),
                name: "Fin".into(),
                role: Role::Finance,
                customer_id: Some(customer),
                phone: None,
                password_hash: "x".into(),
                portfolio_ids: vec![],
            },
        )
        .await
        .unwrap();
        let contract = contracts::create(
            db,
            &Scope::All,
            actor(),
            ContractInput {
                customer_id: customer,
                number: None,
                tier: "standard".into(),
                billing_interval: "quarterly".into(),
                start_date: "2026-01-15".into(),
                end_date: None,
                monthly_price_per_unit: Some(100.0),
                currency: None,
                spending_limit: None,
                po_required: None,
                payment_term_days: Some(14),
                included: None,
                exclusions: None,
                warranty_months: None,
                labour_rate: None,
                unit_ids: units.clone(),
            },
        )
        .await
        .unwrap();
        assert_eq!(contract.payment_term_days, 14);

        let run = issue_due(db, actor(), day("2026-01-01"), day("2026-08-01"))
            .await
            .unwrap();
        let got: Vec<(String, String, f64, String)> = run
            .issued
            .iter()
            .map(|i| {
                (
                    i.period_start.clone(),
                    i.period_end.clone(),
                    i.amount,
                    i.due_on.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "2026-01-15".into(),
                    "2026-04-14".into(),
                    600.0,
                    "2026-01-29".into()
                ),
                (
                    "2026-04-15".into(),
                    "2026-07-14".into(),
                    600.0,
                    "2026-04-29".into()
                ),
                (
                    "2026-07-15".into(),
                    "2026-10-14".into(),
                    600.0,
                    "2026-07-29".into()
                ),
            ],
            "{label}"
        );
        // Run again: nothing new, no second overdue notice.
        let again = issue_due(db, actor(), day("2026-01-01"), day("2026-08-01"))
            .await
            .unwrap();
        assert!(again.issued.is_empty(), "{label}");
        assert_eq!(again.overdue_notices, 0, "{label}");

        let inbox = notifications::for_user(db, finance.id, 0, 100)
            .await
            .unwrap();
        let count = |event: &str| inbox.iter().filter(|n| n.event == event).count();
        assert_eq!(count("invoice_issued"), 3, "{label}: {inbox:?}");
        // All three are past due on 2026-08-01 and unpaid.
        assert_eq!(count("invoice_overdue"), 3, "{label}: {inbox:?}");
        assert_eq!(run.overdue_notices, 3, "{label}");
        assert!(
            inbox
                .iter()
                .any(|n| n.subject.contains("overdue") && n.subject.contains("INV-")),
            "{label}: {inbox:?}"
        );
        // A payment stops the reminders for that invoice only.
        invoices::update(
            db,
            &Scope::All,
            actor(),
            run.issued[2].id,
            serde_json::json!({"status": "paid", "paid_on": "2026-07-20"}),
        )
        .await
        .unwrap();
        let later = issue_due(db, actor(), day("2026-01-01"), day("2026-10-20"))
            .await
            .unwrap();
        assert_eq!(later.issued.len(), 1, "{label}: the October period");
        assert_eq!(later.issued[0].period_start, "2026-10-15", "{label}");
        t.cleanup().await;
    }
}
