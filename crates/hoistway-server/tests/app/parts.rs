//! The parts catalogue (issue #21) on every backend: provider staff read
//! it, provider admins keep it (refusals name the field, a taken part
//! number is a conflict, every change audited), customers are refused it;
//! a case put on hold for a catalogue part is dated from the catalogue
//! (depot stock: one day; none: the supplier's lead time) while a part
//! the catalogue lacks still needs a lead time; the customer sees the
//! expected date on the case, in the API and the portal; the KPIs count
//! the time lost waiting for parts, the customer only for their own units.

use crate::common;
use crate::portal_common::signed_in;

use axum::http::StatusCode;
use chrono::Duration;
use common::desk::*;
use common::Reply;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

fn field(r: &Reply) -> &str {
    r.json["error"]["field"].as_str().unwrap_or("")
}

fn numbers(r: &Reply) -> Vec<String> {
    r.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["part_number"].as_str().unwrap().to_string())
        .collect()
}

fn new_part() -> Value {
    json!({"part_number": "TEST-ROLLER-9", "description": "Test roller", "unit_kinds": ["door", "elevator"],
           "category": "wear", "lead_time_days": 12, "unit_price_minor": 2500, "currency": "eur"})
}

#[tokio::test]
async fn the_catalogue_is_read_by_staff_and_kept_by_provider_admins() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let app = &d.app;
        let admin = app
            .login("provider.admin@hoistway.example", DEMO_PASSWORD)
            .await;

        // The demo catalogue, filtered.
        let r = app
            .call("GET", "/api/v1/parts", Some(&d.operator), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(numbers(&r).len(), 21, "{label}");
        let r = app
            .call("GET", "/api/v1/parts?q=vvvf", Some(&d.tech), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let mut vvvf = numbers(&r);
        vvvf.sort();
        assert_eq!(vvvf, ["KM1366210", "KM964410", "KM964420"], "{label}");
        let r = app
            .call(
                "GET",
                "/api/v1/parts?unit_kind=escalator&critical=true",
                Some(&d.operator),
                None,
            )
            .await;
        assert_eq!(numbers(&r), ["KM1366210"], "{label}: {}", r.json);
        let r = app
            .call(
                "GET",
                "/api/v1/parts?category=wear",
                Some(&d.operator),
                None,
            )
            .await;
        assert!(
            r.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["category"] == "wear"),
            "{label}"
        );
        let r = app
            .call(
                "GET",
                "/api/v1/parts?unit_kind=lift",
                Some(&d.operator),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}");
        assert_eq!(field(&r), "unit_kind", "{label}");

        // What billing reads: category and price by part number.
        let drive = hoistway_store::parts::by_number(&app.t.db.pool, " KM964410 ")
            .await
            .unwrap()
            .expect("in the catalogue");
        assert_eq!(drive.category, "major", "{label}");
        assert!(drive.critical, "{label}");
        assert_eq!(drive.in_stock, 3, "{label}");
        assert_eq!(drive.stock.len(), 2, "{label}: depots with stock");
        assert!(hoistway_store::parts::by_number(&app.t.db.pool, "NOPE-1")
            .await
            .unwrap()
            .is_none());

        // Customers see the date on their case, not the catalogue.
        let r = app
            .call("GET", "/api/v1/parts", Some(&d.customer), None)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        let r = app
            .call(
                "GET",
                &format!("/api/v1/parts/{}", drive.id),
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        // Only provider admins change it.
        let r = app
            .call("POST", "/api/v1/parts", Some(&d.operator), Some(new_part()))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");

        let r = app
            .call("POST", "/api/v1/parts", Some(&admin), Some(new_part()))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        let id = r.json["id"].as_i64().unwrap();
        assert_eq!(r.json["currency"], "EUR", "{label}");
        assert_eq!(r.json["unit_kinds"], json!(["elevator", "door"]), "{label}");
        assert_eq!(r.json["critical"], false, "{label}");
        let r = app
            .call("POST", "/api/v1/parts", Some(&admin), Some(new_part()))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.json);
        for (key, value, culprit) in [
            ("category", json!("consumable"), "category"),
            ("unit_kinds", json!([]), "unit_kinds"),
            ("unit_kinds", json!(["lift"]), "unit_kinds"),
            ("lead_time_days", json!(400), "lead_time_days"),
            ("unit_price_minor", json!(-1), "unit_price_minor"),
            ("currency", json!("EURO"), "currency"),
            ("part_number", json!("has spaces"), "part_number"),
            ("description", json!("  "), "description"),
        ] {
            let mut body = new_part();
            body["part_number"] = json!("TEST-OTHER-1");
            body[key] = value;
            let r = app
                .call("POST", "/api/v1/parts", Some(&admin), Some(body))
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {key}");
            assert_eq!(field(&r), culprit, "{label}: {key}: {}", r.json);
        }

        let item = format!("/api/v1/parts/{id}");
        let r = app
            .call(
                "PATCH",
                &item,
                Some(&admin),
                Some(json!({"lead_time_days": 30, "critical": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["lead_time_days"], 30, "{label}");
        assert_eq!(r.json["description"], "Test roller", "{label}: kept");
        let r = app
            .call("PATCH", &item, Some(&admin), Some(json!({"category": "x"})))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}");
        assert_eq!(field(&r), "category", "{label}");
        let r = app
            .call(
                "PATCH",
                &item,
                Some(&admin),
                Some(json!({"part_number": "KM964410"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.json);
        let r = app
            .call(
                "PATCH",
                &item,
                Some(&d.operator),
                Some(json!({"lead_time_days": 1})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");

        // Stock per depot.
        let r = app
            .call(
                "PUT",
                &format!("{item}/stock/Oulu"),
                Some(&admin),
                Some(json!({"quantity": 4})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["in_stock"], 4, "{label}");
        assert_eq!(r.json["stock"][0]["depot"], "Oulu", "{label}");
        let r = app
            .call(
                "PUT",
                &format!("{item}/stock/Oulu"),
                Some(&admin),
                Some(json!({"quantity": 1})),
            )
            .await;
        assert_eq!(r.json["in_stock"], 1, "{label}: replaced, not added");
        let r = app
            .call(
                "PUT",
                &format!("{item}/stock/Oulu"),
                Some(&admin),
                Some(json!({"quantity": -1})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}");
        assert_eq!(field(&r), "quantity", "{label}");
        let r = app
            .call(
                "PUT",
                "/api/v1/parts/987654321/stock/Oulu",
                Some(&admin),
                Some(json!({"quantity": 1})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");
        let r = app
            .call("GET", "/api/v1/parts/987654321", Some(&d.operator), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");

        // Every change is audited.
        let rows = sqlx::query(
            "SELECT action FROM audit_log WHERE entity = 'part' AND entity_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&app.t.db.pool)
        .await
        .unwrap();
        let actions: Vec<String> = rows
            .iter()
            .map(|r| sqlx::Row::get::<String, _>(r, "action"))
            .collect();
        assert_eq!(actions, ["create", "update", "stock", "stock"], "{label}");
        d.app.t.cleanup().await;
    }
}

async fn ok(d: &Desk, number: &str, action: &str, body: Value) -> Value {
    let r = post(d, &d.operator, number, action, body).await;
    assert_eq!(r.status, StatusCode::OK, "{action}: {}", r.json);
    r.json
}

/// Moves the clock on, signing the desk's users in again (sessions
/// expire with the clock).
async fn later(d: &mut Desk, by: Duration) {
    d.app.clock.advance(by);
    d.operator = d
        .app
        .login("operator@hoistway.example", DEMO_PASSWORD)
        .await;
    d.customer = d
        .app
        .login("customer.admin@nordictowers.example", DEMO_PASSWORD)
        .await;
}

async fn kpis(d: &Desk, token: &str, unit: i64) -> Reply {
    d.app
        .call(
            "GET",
            &format!("/api/v1/kpis?scope=unit&id={unit}&from=2026-11-01"),
            Some(token),
            None,
        )
        .await
}

#[tokio::test]
async fn a_hold_for_a_catalogue_part_is_dated_from_the_catalogue_and_counted() {
    for t in TestDb::all().await {
        let label = t.label;
        let mut d = desk(t).await;
        let c = open(
            &d,
            &d.customer,
            json!({"unit_id": d.unit, "symptoms": "Drive trips and the car stops between floors"}),
        )
        .await;
        let n = c["number"].as_str().unwrap();
        ok(
            &d,
            n,
            "assign",
            json!({"technician_id": d.tech_id, "eta": "2026-11-23T09:00:00Z"}),
        )
        .await;
        ok(&d, n, "status", json!({"status": "on_site"})).await;

        // A part the catalogue lacks still needs its lead time.
        let r = post(
            &d,
            &d.operator,
            n,
            "status",
            json!({"status": "on_hold", "part": "NOT-IN-CATALOGUE-7"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
        assert_eq!(field(&r), "lead_time_days", "{label}");
        let r = post(
            &d,
            &d.operator,
            n,
            "status",
            json!({"status": "on_hold", "part": "KM964410", "lead_time_days": 500}),
        )
        .await;
        assert_eq!(field(&r), "lead_time_days", "{label}: range checked");

        // The VVVF drive module is in stock at a depot: one day's transfer.
        let held = ok(
            &d,
            n,
            "status",
            json!({"status": "on_hold", "part": "KM964410"}),
        )
        .await;
        assert_eq!(held["hold_lead_time_days"], 1, "{label}: {held}");
        assert_eq!(held["parts_expected_on"], "2026-11-24", "{label}");
        // The customer sees it on the case, its timeline and is told.
        let r = d
            .app
            .call(
                "GET",
                &format!("/api/v1/cases/{n}"),
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(r.json["parts_expected_on"], "2026-11-24", "{label}");
        let said: Vec<&str> = r.json["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["message"].as_str())
            .collect();
        assert!(
            said.iter()
                .any(|m| m.contains("KM964410") && m.contains("expected on 24 Nov 2026")),
            "{label}: {said:?}"
        );
        let told = sqlx::query("SELECT subject FROM outbox WHERE event = 'eta_changed'")
            .fetch_all(&d.app.t.db.pool)
            .await
            .unwrap();
        assert!(
            told.iter().any(|r| {
                let s: String = sqlx::Row::get(r, "subject");
                s.contains("part KM964410 expected on 24 Nov 2026")
            }),
            "{label}: no notice of the expected date"
        );
        let mut page = signed_in(&d.app, "customer.admin@nordictowers.example").await;
        let p = page.get(&format!("/requests/{n}")).await;
        assert_eq!(p.status, StatusCode::OK, "{label}");
        assert!(
            p.body.contains("Part expected on 24 Nov 2026"),
            "{label}: customer page"
        );

        // 26 hours later the part is there; the technician returns.
        later(&mut d, Duration::hours(26)).await;
        ok(&d, n, "status", json!({"status": "dispatched"})).await;
        ok(&d, n, "status", json!({"status": "on_site"})).await;
        // The escalator inverter is in no depot: the supplier's 63 days.
        let held = ok(
            &d,
            n,
            "status",
            json!({"status": "on_hold", "part": "KM1366210"}),
        )
        .await;
        assert_eq!(held["hold_lead_time_days"], 63, "{label}");
        assert_eq!(held["parts_expected_on"], "2027-01-26", "{label}");
        // A lead time given for a catalogue part wins (the supplier's
        // promise for this order).
        later(&mut d, Duration::hours(4)).await;
        ok(&d, n, "status", json!({"status": "dispatched"})).await;
        ok(&d, n, "status", json!({"status": "on_site"})).await;
        let held = ok(
            &d,
            n,
            "status",
            json!({"status": "on_hold", "part": "KM1366210", "lead_time_days": 5}),
        )
        .await;
        assert_eq!(held["parts_expected_on"], "2026-11-29", "{label}");
        later(&mut d, Duration::hours(6)).await;

        // Time lost: 26 h + 4 h closed, 6 h still waiting.
        let k = kpis(&d, &d.customer, d.unit).await;
        assert_eq!(k.status, StatusCode::OK, "{label}: {}", k.json);
        let hours = k.json["parts_wait_hours"].as_f64().unwrap();
        assert!((hours - 36.0).abs() < 1e-6, "{label}: {hours}");
        assert_eq!(k.json["parts_wait_cases"], 1, "{label}");
        let k = kpis(&d, &d.operator, d.unit).await;
        assert_eq!(k.json["parts_wait_hours"].as_f64(), Some(hours), "{label}");
        // Another customer's unit is not the customer's to measure.
        let k = kpis(&d, &d.customer, d.foreign_unit).await;
        assert_eq!(k.status, StatusCode::NOT_FOUND, "{label}");
        // The report page shows the column.
        let mut page = signed_in(&d.app, "customer.admin@nordictowers.example").await;
        let p = page
            .get(&format!(
                "/reports/view?kind=kpis&unit={}&from=2026-11-01&to=2026-11-24",
                d.unit
            ))
            .await;
        assert_eq!(p.status, StatusCode::OK, "{label}");
        assert!(p.body.contains("Waiting for parts"), "{label}");
        assert!(p.body.contains("36.0 h"), "{label}");
        d.app.t.cleanup().await;
    }
}

#[tokio::test]
async fn the_admin_keeps_the_catalogue_in_the_portal_and_the_desk_offers_it() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let mut admin = signed_in(&d.app, "provider.admin@hoistway.example").await;
        let list = admin.get("/admin/parts?q=door&unit_kind=door").await;
        assert_eq!(list.status, StatusCode::OK, "{label}");
        assert!(list.body.contains("KM871233"), "{label}: door operator");
        assert!(!list.body.contains("KM964410"), "{label}: filtered out");
        let csrf = list.csrf();
        let r = admin
            .post(
                "/admin/parts",
                &[
                    ("_csrf", &csrf),
                    ("part_number", "KM-TEST-1"),
                    ("description", "Landing door lock"),
                    ("unit_kinds", "elevator"),
                    ("category", "wear"),
                    ("lead_time_days", "9"),
                    ("price", "1 250,50"),
                    ("currency", "EUR"),
                    ("critical", "on"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}: {}", r.body);
        let at = r.location().to_string();
        assert!(at.starts_with("/admin/parts/"), "{label}: {at}");
        let part = hoistway_store::parts::by_number(&d.app.t.db.pool, "KM-TEST-1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(part.unit_price_minor, 125_050, "{label}");
        assert!(part.critical, "{label}");
        let csrf = admin.csrf_of(&at).await;
        let r = admin
            .post(
                &format!("{at}/stock"),
                &[("_csrf", &csrf), ("depot", "Tampere"), ("quantity", "2")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}");
        let page = admin.get(&at).await;
        assert!(page.body.contains("Tampere"), "{label}");
        // A refusal comes back naming the field.
        let r = admin
            .post(
                &format!("{at}/stock"),
                &[("_csrf", &csrf), ("depot", "Tampere"), ("quantity", "lots")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}");
        let page = admin.get(&at).await;
        assert!(
            page.body.contains("give the quantity on hand"),
            "{label}: refusal shown"
        );

        // Operators do not administer it.
        let mut operator = signed_in(&d.app, "operator@hoistway.example").await;
        let p = operator.get("/admin/parts").await;
        assert!(p.status.is_client_error(), "{label}: {}", p.status);

        // The desk's hold form offers the catalogue.
        let c = open(
            &d,
            &d.customer,
            json!({"unit_id": d.unit, "symptoms": "Door operator hums, doors stay shut"}),
        )
        .await;
        let n = c["number"].as_str().unwrap();
        ok(
            &d,
            n,
            "assign",
            json!({"technician_id": d.tech_id, "eta": "2026-11-23T09:00:00Z"}),
        )
        .await;
        ok(&d, n, "status", json!({"status": "on_site"})).await;
        let page = operator.get(&format!("/desk/cases/{n}")).await;
        assert_eq!(page.status, StatusCode::OK, "{label}");
        assert!(page.body.contains("datalist"), "{label}");
        assert!(
            page.body.contains("value=\"KM-TEST-1\""),
            "{label}: catalogue part offered"
        );
        let csrf = page.csrf();
        let r = operator
            .post(
                &format!("/desk/cases/{n}/status"),
                &[
                    ("_csrf", &csrf),
                    ("status", "on_hold"),
                    ("part", "KM-TEST-1"),
                    ("lead_time_days", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}");
        let page = operator.get(&format!("/desk/cases/{n}")).await;
        // In stock at Tampere: tomorrow.
        assert!(
            page.body.contains("data-parts-expected") && page.body.contains("24 Nov 2026"),
            "{label}"
        );
        d.app.t.cleanup().await;
    }
}
