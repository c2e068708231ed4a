//! The storage story, run against every backend: SQLite always, PostgreSQL
//! when configured (always in CI).

use hoistway_domain::{Role, Scope};
use hoistway_store::buildings::BuildingInput;
use hoistway_store::contracts::ContractInput;
use hoistway_store::invoices::InvoiceInput;
use hoistway_store::portfolios::PortfolioInput;
use hoistway_store::testing::TestDb;
use hoistway_store::units::UnitInput;
use hoistway_store::users::NewUser;
use hoistway_store::*;
use serde_json::json;
use support::actor;

mod support;

fn unit(building_id: i64, n: u32, kind: &str) -> UnitInput {
    UnitInput {
        building_id,
        kind: kind.into(),
        equipment_number: format!("ken:{n}"),
        manufacturer: Some("KONE".into()),
        install_date: Some("2010-01-01".into()),
        ..Default::default()
    }
}

async fn customer_with_building(db: &Db, name: &str, country: &str) -> (i64, i64) {
    support::customer_with_building(db, name, country, "Europe/Berlin").await
}

#[tokio::test]
async fn registry_story_on_every_backend() {
    for t in TestDb::all().await {
        let db = &t.db;
        let label = t.label;
        let (a, a_building) = customer_with_building(db, "Alpha", "de").await;
        let (b, b_building) = customer_with_building(db, "Beta", "FI").await;

        // Units, with a conflict on a reused equipment number.
        let mut a_units = Vec::new();
        for n in 0..7 {
            let kind = ["elevator", "escalator", "door"][n % 3];
            a_units.push(
                units::create(
                    db,
                    &Scope::All,
                    actor(),
                    unit(a_building, 100 + n as u32, kind),
                )
                .await
                .unwrap()
                .id,
            );
        }
        let b_unit = units::create(db, &Scope::All, actor(), unit(b_building, 900, "elevator"))
            .await
            .unwrap();
        let dup = units::create(db, &Scope::All, actor(), unit(a_building, 100, "door")).await;
        assert!(
            matches!(dup, Err(StoreError::Conflict(_))),
            "{label}: {dup:?}"
        );

        // Pagination walks every unit of A exactly once, in order.
        let scope_a = Scope::Customer {
            customer_id: a,
            portfolios: None,
        };
        let mut seen = Vec::new();
        let mut f = ListFilter {
            limit: Some(3),
            ..Default::default()
        };
        loop {
            let page = units::list(db, &scope_a, &f).await.unwrap();
            seen.extend(page.items.iter().map(|u| u.id));
            match page.next_cursor {
                Some(c) => f.cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(seen, a_units, "{label}");

        // Filters.
        let escalators = units::list(
            db,
            &Scope::All,
            &ListFilter {
                kind: Some("escalator".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(escalators.items.len(), 2, "{label}");
        let finnish = units::list(
            db,
            &Scope::All,
            &ListFilter {
                country: Some("fi".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            finnish.items.iter().map(|u| u.id).collect::<Vec<_>>(),
            vec![b_unit.id],
            "{label}"
        );
        let searched = units::list(
            db,
            &Scope::All,
            &ListFilter {
                q: Some("BETA hq".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(searched.items.len(), 1, "{label}: search by building name");
        assert!(units::list(
            db,
            &Scope::All,
            &ListFilter {
                role: Some("x".into()),
                ..Default::default()
            }
        )
        .await
        .is_err());

        // Tenancy: B's unit is invisible to A, exactly like a missing one.
        assert!(
            matches!(
                units::get(db, &scope_a, b_unit.id).await,
                Err(StoreError::NotFound("unit"))
            ),
            "{label}"
        );
        assert!(
            matches!(
                units::get(db, &scope_a, 999_999).await,
                Err(StoreError::NotFound("unit"))
            ),
            "{label}"
        );
        let moved = units::update(
            db,
            &scope_a,
            actor(),
            a_units[0],
            json!({"building_id": b_building}),
        )
        .await;
        assert!(
            moved.is_err(),
            "{label}: moved a unit into another tenant's building"
        );

        // Portfolios narrow a property manager's view.
        let p = portfolios::create(
            db,
            &Scope::All,
            actor(),
            PortfolioInput {
                customer_id: Some(a),
                name: "Core".into(),
                building_ids: vec![a_building],
            },
        )
        .await
        .unwrap();
        let bad = portfolios::create(
            db,
            &Scope::All,
            actor(),
            PortfolioInput {
                customer_id: Some(a),
                name: "Stolen".into(),
                building_ids: vec![b_building],
            },
        )
        .await;
        assert!(
            bad.is_err(),
            "{label}: portfolio took another tenant's building"
        );
        let empty_portfolio = Scope::Customer {
            customer_id: a,
            portfolios: Some(vec![]),
        };
        assert!(units::list(db, &empty_portfolio, &ListFilter::default())
            .await
            .unwrap()
            .items
            .is_empty());
        let narrowed = Scope::Customer {
            customer_id: a,
            portfolios: Some(vec![p.id]),
        };
        assert_eq!(
            units::list(db, &narrowed, &ListFilter::default())
                .await
                .unwrap()
                .items
                .len(),
            7,
            "{label}"
        );

        // Contracts and invoices, with derived overdue.
        let contract = contracts::create(
            db,
            &Scope::All,
            actor(),
            ContractInput {
                customer_id: a,
                number: None,
                tier: "standard".into(),
                billing_interval: "quarterly".into(),
                start_date: "2026-01-01".into(),
                end_date: None,
                monthly_price_per_unit: Some(250.5),
                currency: None,
                spending_limit: None,
                po_required: None,
                payment_term_days: None,
                included: None,
                exclusions: None,
                warranty_months: None,
                labour_rate: None,
                unit_ids: a_units[..3].to_vec(),
            },
        )
        .await
        .unwrap();
        assert_eq!(contract.number, format!("CT-{:06}", contract.id), "{label}");
        assert_eq!(contract.unit_ids, a_units[..3].to_vec());
        let foreign = contracts::update(
            db,
            &Scope::All,
            actor(),
            contract.id,
            json!({"unit_ids": [b_unit.id]}),
        )
        .await;
        assert!(
            foreign.is_err(),
            "{label}: contract covered another tenant's unit"
        );
        let invoice = invoices::create(
            db,
            &Scope::All,
            actor(),
            InvoiceInput {
                contract_id: contract.id,
                number: None,
                period_start: "2026-01-01".into(),
                period_end: "2026-03-31".into(),
                amount: 2254.5,
                currency: None,
                issued_on: "2026-04-01".into(),
                due_on: "2026-04-30".into(),
                paid_on: None,
                status: Some("unpaid".into()),
            },
        )
        .await
        .unwrap();
        assert_eq!(
            invoice.status.as_str(),
            "overdue",
            "{label}: due 30 April, today 4 May"
        );
        assert_eq!(invoice.currency, "EUR");
        // A second invoice for the same contract and period is refused by
        // what clashes (the period), not as a clash of numbers.
        let again = invoices::create(
            db,
            &Scope::All,
            actor(),
            InvoiceInput {
                contract_id: contract.id,
                number: Some("INV-NEW-NUMBER".into()),
                period_start: "2026-01-01".into(),
                period_end: "2026-03-31".into(),
                amount: 1.0,
                currency: None,
                issued_on: "2026-04-01".into(),
                due_on: "2026-04-30".into(),
                paid_on: None,
                status: None,
            },
        )
        .await;
        match again {
            Err(hoistway_store::StoreError::Conflict(m)) => {
                assert!(
                    m.contains("already has invoice") && m.contains("2026-01-01"),
                    "{label}: {m}"
                )
            }
            other => panic!("{label}: {other:?}"),
        }
        let overdue = invoices::list(
            db,
            &scope_a,
            &ListFilter {
                status: Some("overdue".into()),
                ..Default::default()
            },
            actor().at,
        )
        .await
        .unwrap();
        assert_eq!(overdue.items.len(), 1, "{label}");
        let paid = invoices::update(
            db,
            &scope_a,
            actor(),
            invoice.id,
            json!({"status": "paid", "paid_on": "2026-05-02"}),
        )
        .await
        .unwrap();
        assert_eq!(paid.status.as_str(), "paid");

        // Users and their portfolio-narrowed scope.
        let user = users::create(
            db,
            &Scope::All,
            actor(),
            NewUser {
                email: hoistway_domain::text::Email::parse("pm@alpha.example").unwrap(),
                name: "Pat".into(),
                role: Role::PropertyManager,
                customer_id: Some(a),
                phone: None,
                password_hash: "x".into(),
                portfolio_ids: vec![p.id],
            },
        )
        .await
        .unwrap();
        assert_eq!(user.portfolio_ids, vec![p.id]);
        let (found, hash) = users::find_for_login(db, "PM@alpha.example")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((found.id, hash.as_str()), (user.id, "x"));
        let scope_b = Scope::Customer {
            customer_id: b,
            portfolios: None,
        };
        assert!(users::get(db, &scope_b, user.id).await.is_err(), "{label}");

        // Every write above left an audit row with before/after.
        let audit = audit::list(
            db,
            &ListFilter {
                customer_id: Some(a),
                limit: Some(500),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let updates: Vec<_> = audit
            .items
            .iter()
            .filter(|e| e.entity == "invoice" && e.action == "update")
            .collect();
        assert_eq!(updates.len(), 1, "{label}");
        assert_eq!(updates[0].before.as_ref().unwrap()["status"], "overdue");
        assert_eq!(updates[0].after.as_ref().unwrap()["status"], "paid");
        let unit_creates = audit
            .items
            .iter()
            .filter(|e| e.entity == "unit" && e.action == "create")
            .count();
        assert_eq!(unit_creates, 7, "{label}");
        // The refused writes left nothing behind.
        let failed_portfolio = portfolios::list(
            db,
            &Scope::All,
            &ListFilter {
                q: Some("stolen".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(
            failed_portfolio.items.is_empty(),
            "{label}: half-written portfolio"
        );

        t.cleanup().await;
    }
}

#[tokio::test]
async fn idempotency_claims_are_exclusive_on_every_backend() {
    use hoistway_store::idempotency::{claim, complete, release, Claim};
    for t in TestDb::all().await {
        let now = actor().at;
        assert_eq!(claim(&t.db, 1, "k", "h1", now).await.unwrap(), Claim::Fresh);
        assert_eq!(
            claim(&t.db, 1, "k", "h1", now).await.unwrap(),
            Claim::InFlight {
                request_hash: "h1".into()
            }
        );
        assert_eq!(
            claim(&t.db, 2, "k", "h1", now).await.unwrap(),
            Claim::Fresh,
            "keys are per user"
        );
        complete(&t.db, 1, "k", 201, "{}").await.unwrap();
        assert_eq!(
            claim(&t.db, 1, "k", "h1", now).await.unwrap(),
            Claim::Done {
                request_hash: "h1".into(),
                status: 201,
                body: "{}".into()
            }
        );
        release(&t.db, 2, "k").await.unwrap();
        assert_eq!(
            claim(&t.db, 2, "k", "h1", now).await.unwrap(),
            Claim::Fresh,
            "released keys can be reused"
        );
        t.cleanup().await;
    }
}

/// sqlx's `Any` driver declares a NULL `f64` as `float4` on PostgreSQL; a
/// statement prepared with a NULL coordinate must still take a real one.
#[tokio::test]
async fn optional_floats_after_nulls_on_every_backend() {
    for t in TestDb::all().await {
        let (customer, _) = customer_with_building(&t.db, "Floaty", "FI").await;
        for (lat, lon) in [(None, None), (Some(60.17), Some(24.94)), (None, Some(1.5))] {
            let b = buildings::create(
                &t.db,
                &Scope::All,
                actor(),
                BuildingInput {
                    customer_id: customer,
                    name: format!("B {lat:?}"),
                    address: "Street 2".into(),
                    country: "FI".into(),
                    timezone: "Europe/Helsinki".into(),
                    latitude: lat,
                    longitude: lon,
                    hospital: None,
                    business_calendar: None,
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{}: {lat:?}/{lon:?}: {e}", t.label));
            assert_eq!(b.latitude, lat);
            assert_eq!(b.longitude, lon);
        }
        t.cleanup().await;
    }
}
