//! Contract scope (issue #21) on every backend: a contract's line items,
//! exclusions and warranty classify a service report's parts and labour as
//! covered, warranty or billable; a quote within the spending limit goes
//! ahead, any other waits for the customer (with a purchase order when the
//! contract requires one); billable work reaches the next invoice as lines.

use crate::common::desk::{desk, open, post, Desk};
use crate::portal_common::signed_in;
use axum::http::StatusCode;
use chrono::Duration;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::audit::Actor;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

const ADMIN: &str = "provider.admin@hoistway.example";
const OTHER_CUSTOMER: &str = "customer.admin@hudsonpg.example";

/// Catalogue parts the reports use: a wear part and a major one.
async fn catalogue(d: &Desk) {
    let now = d.app.clock_now().timestamp_millis();
    for (number, category, price) in [("WEAR-1", "wear", 4_500_i64), ("MAJ-1", "major", 120_000)] {
        sqlx::query(
            "INSERT INTO parts (part_number, description, unit_kinds, category, critical, lead_time_days, unit_price_minor, currency, created_at, updated_at) \
             VALUES ($1, $2, 'elevator', $3, 0, 5, $4, 'EUR', $5, $5)",
        )
        .bind(number)
        .bind(format!("Test part {number}"))
        .bind(category)
        .bind(price)
        .bind(now)
        .execute(&d.app.t.db.pool)
        .await
        .unwrap();
    }
}

/// Opens a case on the desk's unit and takes it on site and resolved with
/// `report`; returns its number.
async fn reported(d: &Desk, report: Value) -> String {
    reported_on(
        d,
        json!({"unit_id": d.unit, "symptoms": "Door reopens"}),
        report,
    )
    .await
}

/// As [`reported`], opening the case with `case`.
async fn reported_on(d: &Desk, case: Value, report: Value) -> String {
    let c = open(d, &d.customer, case).await;
    let n = c["number"].as_str().unwrap().to_string();
    let eta = (d.app.clock_now() + Duration::hours(1)).to_rfc3339();
    let r = post(
        d,
        &d.operator,
        &n,
        "assign",
        json!({"technician_id": d.tech_id, "eta": eta}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let r = post(d, &d.tech, &n, "status", json!({"status": "on_site"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    d.app.clock.advance(Duration::minutes(50));
    let r = post(d, &d.tech, &n, "status", json!({"status": "resolved"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    let r = post(d, &d.tech, &n, "report", report).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    n
}

fn report(parts: Value, extra: Value) -> Value {
    let mut r = json!({
        "findings": "Door operator belt slipping", "cause_code": "DOOR-BELT",
        "actions": ["Replaced the belt"], "parts_used": parts,
        "follow_ups": [], "returned_to_service": true
    });
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

async fn work(d: &Desk, token: &str, n: &str) -> (StatusCode, Value) {
    let r = d
        .app
        .call("GET", &format!("/api/v1/cases/{n}/work"), Some(token), None)
        .await;
    (r.status, r.json)
}

fn line<'a>(lines: &'a Value, kind: &str, text: &str) -> &'a Value {
    lines
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == kind && l["description"].as_str().unwrap().contains(text))
        .unwrap_or_else(|| panic!("no {kind} line {text:?} in {lines}"))
}

#[tokio::test]
async fn report_work_is_classified_by_scope_and_billed_on_the_next_invoice() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let app = &d.app;
        let admin = app.login(ADMIN, DEMO_PASSWORD).await;
        catalogue(&d).await;

        // The unit's contract starts with its tier's scope (the demo's
        // agreed to cover water ingress, so three exclusions are left).
        let r = app
            .call(
                "GET",
                &format!("/api/v1/contracts?unit_id={}", d.unit),
                Some(&admin),
                None,
            )
            .await;
        let contract = r.json["items"][0].clone();
        let id = contract["id"].as_i64().unwrap();
        assert_eq!(contract["custom_scope"], false, "{label}");
        assert_eq!(
            contract["exclusions"],
            json!(["vandalism", "misuse", "power_quality"]),
            "{label}"
        );

        // Bad scope input is refused naming the field.
        for (body, field) in [
            (json!({"included": ["gold_plating"]}), "included"),
            (json!({"exclusions": ["weather"]}), "exclusions"),
            (json!({"warranty_months": 500}), "warranty_months"),
            (json!({"labour_rate": -1.0}), "labour_rate"),
        ] {
            let r = app
                .call(
                    "PATCH",
                    &format!("/api/v1/contracts/{id}"),
                    Some(&admin),
                    Some(body),
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
            assert!(r.json.to_string().contains(field), "{label}: {}", r.json);
        }

        // Its own scope: wear parts but no repair labour, only vandalism
        // excluded, no warranty, 120.00 an hour, 1,000.00 spending limit.
        let r = app
            .call(
                "PATCH",
                &format!("/api/v1/contracts/{id}"),
                Some(&admin),
                Some(json!({
                    "included": ["scheduled_maintenance", "safety_checks", "wear_parts"],
                    "exclusions": ["vandalism"], "warranty_months": 0,
                    "labour_rate": 120.0, "spending_limit": 1000.0, "po_required": false
                })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["custom_scope"], true, "{label}");
        assert_eq!(r.json["included"].as_array().unwrap().len(), 3, "{label}");
        assert_eq!(r.json["exclusions"], json!(["vandalism"]), "{label}");

        // A report: a covered wear part, a billable major part, an
        // uncatalogued part, an hour of labour, a quote within the limit.
        let n = reported(
            &d,
            report(
                json!([{"part_number": "WEAR-1", "quantity": 2}, {"part_number": "MAJ-1", "quantity": 1}, {"part_number": "UNK-9", "quantity": 1}]),
                json!({"labour_minutes": 60, "quote": {"amount_minor": 80000, "currency": "EUR", "text": "Replace the door rollers", "decision": "pending"}}),
            ),
        )
        .await;
        let (status, lines) = work(&d, &d.customer, &n).await;
        assert_eq!(status, StatusCode::OK, "{label}: {lines}");
        let wear = line(&lines, "part", "WEAR-1");
        assert_eq!(wear["coverage"], "covered", "{label}: {wear}");
        assert_eq!(
            (wear["value"].as_f64(), wear["charge"].as_f64()),
            (Some(90.0), Some(0.0))
        );
        let major = line(&lines, "part", "MAJ-1");
        assert_eq!(major["coverage"], "billable", "{label}: {major}");
        assert_eq!(major["charge"].as_f64(), Some(1200.0), "{label}");
        assert_eq!(
            major["reason"], "not in the contract: major parts",
            "{label}"
        );
        let unknown = line(&lines, "part", "UNK-9");
        assert!(
            unknown["reason"]
                .as_str()
                .unwrap()
                .contains("not in the parts catalogue"),
            "{label}"
        );
        let labour = line(&lines, "labour", "60 min");
        assert_eq!(
            (labour["coverage"].as_str(), labour["charge"].as_f64()),
            (Some("billable"), Some(120.0))
        );
        let quote = line(&lines, "quote", "door rollers");
        assert_eq!(quote["status"], "billable", "{label}: {quote}");
        let case = app
            .call(
                "GET",
                &format!("/api/v1/cases/{n}"),
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(case.json["quote_decision"], "accepted", "{label}");

        // Charges are contract data: not for the technician, not for others.
        assert_eq!(
            work(&d, &d.tech, &n).await.0,
            StatusCode::FORBIDDEN,
            "{label}"
        );
        let other = app.login(OTHER_CUSTOMER, DEMO_PASSWORD).await;
        assert_eq!(
            work(&d, &other, &n).await.0,
            StatusCode::NOT_FOUND,
            "{label}"
        );
        let r = app
            .call(
                "GET",
                &format!("/api/v1/contracts/{id}/work"),
                Some(&other),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");

        // Vandalism: even the wear part is billable; a quote above the
        // limit waits, and the customer's acceptance makes it billable.
        let vandal = reported(
            &d,
            report(
                json!([{"part_number": "WEAR-1", "quantity": 1}]),
                json!({"exclusion": "vandalism", "quote": {"amount_minor": 500000, "currency": "EUR", "text": "New landing door panel", "decision": "pending"}}),
            ),
        )
        .await;
        let (_, lines) = work(&d, &d.customer, &vandal).await;
        let wear = line(&lines, "part", "WEAR-1");
        assert_eq!(
            wear["reason"], "excluded cause: vandalism",
            "{label}: {wear}"
        );
        assert_eq!(wear["charge"].as_f64(), Some(45.0), "{label}");
        assert_eq!(
            line(&lines, "quote", "door panel")["status"],
            "awaiting_approval",
            "{label}"
        );
        let r = post(
            &d,
            &d.customer,
            &vandal,
            "quote",
            json!({"decision": "accepted", "po_number": "PO-77"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let (_, lines) = work(&d, &d.customer, &vandal).await;
        let quote = line(&lines, "quote", "door panel");
        assert_eq!(
            (quote["status"].as_str(), quote["po_number"].as_str()),
            (Some("billable"), Some("PO-77"))
        );

        // An unknown exclusion in a report is refused naming it.
        let c = open(
            &d,
            &d.customer,
            json!({"unit_id": d.unit, "symptoms": "Noise"}),
        )
        .await;
        let m = c["number"].as_str().unwrap();
        let eta = (app.clock_now() + Duration::hours(1)).to_rfc3339();
        post(
            &d,
            &d.operator,
            m,
            "assign",
            json!({"technician_id": d.tech_id, "eta": eta}),
        )
        .await;
        post(&d, &d.tech, m, "status", json!({"status": "on_site"})).await;
        let r = post(
            &d,
            &d.tech,
            m,
            "report",
            report(json!([]), json!({"exclusion": "hail"})),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
        assert!(
            r.json.to_string().contains("exclusion"),
            "{label}: {}",
            r.json
        );

        // The next invoices carry the billable work as lines that add up.
        let today = app.clock_now().date_naive();
        let actor = Actor {
            user_id: None,
            at: app.clock_now(),
        };
        let from = today + Duration::days(1);
        let run = hoistway_store::invoicing::issue_due(
            &app.t.db,
            actor,
            from,
            today + Duration::days(400),
        )
        .await
        .unwrap();
        let billed = run
            .issued
            .iter()
            .filter(|i| i.contract_id == id)
            .min_by_key(|i| i.issued_on.clone())
            .expect("an invoice of the contract");
        let r = app
            .call(
                "GET",
                &format!("/api/v1/invoices/{}/lines", billed.id),
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let lines = r.json.as_array().unwrap();
        assert_eq!(lines[0]["kind"], "contract", "{label}");
        // Major part, labour, first quote; vandalised wear part, its
        // implied 50 minutes of labour, the accepted second quote (the
        // unpriced part waits for the care center's price).
        let billable: Vec<&Value> = lines.iter().filter(|l| l["kind"] == "billable").collect();
        assert_eq!(billable.len(), 6, "{label}: {lines:?}");
        let sum: f64 = lines.iter().map(|l| l["amount"].as_f64().unwrap()).sum();
        assert!(
            (sum - billed.amount).abs() < 0.005,
            "{label}: {sum} vs {}",
            billed.amount
        );
        assert!(
            billable.iter().any(|l| l["case_number"] == n.as_str()),
            "{label}"
        );
        let r = app
            .call(
                "GET",
                &format!("/api/v1/contracts/{id}/work?status=invoiced"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(
            r.json["items"].as_array().unwrap().len(),
            6,
            "{label}: {}",
            r.json
        );
        // The portal shows the same: scope and work on the contract, the
        // lines on the invoice, the charges on the request.
        let mut b = signed_in(app, "customer.admin@nordictowers.example").await;
        let page = b.get(&format!("/contracts/{id}")).await;
        for want in [
            "What the contract covers",
            "Common wear parts",
            "Part MAJ-1",
            "not in the contract: major parts",
        ] {
            assert!(
                page.body.contains(want),
                "{label}: contract page misses {want:?}"
            );
        }
        let page = b.get(&format!("/documents/invoices/{}", billed.id)).await;
        assert!(
            page.body.contains("Lines") && page.body.contains(&n),
            "{label}: invoice page"
        );
        let page = b.get(&format!("/requests/{vandal}")).await;
        assert!(
            page.body.contains("Charges") && page.body.contains("excluded cause: vandalism"),
            "{label}: request page"
        );
        let pdf = b
            .get(&format!("/documents/invoices/{}/pdf", billed.id))
            .await;
        assert_eq!(pdf.status, StatusCode::OK, "{label}");
        let r = app
            .call(
                "GET",
                &format!("/api/v1/contracts/{id}/work?status=gone"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}");
        d.app.t.cleanup().await;
    }
}

#[tokio::test]
async fn a_contract_requiring_a_purchase_order_holds_every_quote() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let app = &d.app;
        let admin = app.login(ADMIN, DEMO_PASSWORD).await;
        let r = app
            .call(
                "GET",
                &format!("/api/v1/contracts?unit_id={}", d.unit),
                Some(&admin),
                None,
            )
            .await;
        let id = r.json["items"][0]["id"].as_i64().unwrap();
        let r = app
            .call(
                "PATCH",
                &format!("/api/v1/contracts/{id}"),
                Some(&admin),
                Some(json!({"po_required": true, "spending_limit": 5000.0})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        // An entrapment is opened without a purchase order; its quote waits
        // even far below the limit.
        let n = reported_on(
            &d,
            json!({"unit_id": d.unit, "passengers_trapped": true}),
            report(json!([]), json!({"quote": {"amount_minor": 1000, "currency": "EUR", "text": "Lubricate guide rails", "decision": "pending"}})),
        )
        .await;
        let case = app
            .call(
                "GET",
                &format!("/api/v1/cases/{n}"),
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(case.json["quote_decision"], "pending", "{label}");
        // Accepting without a purchase order is refused naming it.
        let r = post(
            &d,
            &d.customer,
            &n,
            "quote",
            json!({"decision": "accepted"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
        assert!(
            r.json.to_string().contains("po_number"),
            "{label}: {}",
            r.json
        );
        let r = post(
            &d,
            &d.customer,
            &n,
            "quote",
            json!({"decision": "accepted", "po_number": "PO-1"}),
        )
        .await;
        assert_eq!(r.json["quote_decision"], "accepted", "{label}: {}", r.json);
        d.app.t.cleanup().await;
    }
}
