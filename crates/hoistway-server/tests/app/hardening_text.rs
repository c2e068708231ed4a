//! Issue #18, defect 12, on every backend: what a user types is matched
//! and exported as text. `%`, `_` and `\` in `?q=` match themselves (they
//! were `LIKE` wildcards: `?q=_` listed everything), and a CSV export never
//! writes a cell a spreadsheet would run as a formula.

use crate::common;

use axum::http::StatusCode;
use common::TestApp;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

async fn names(app: &TestApp, token: &str, q: &str) -> Vec<String> {
    let path = format!("/api/v1/customers?limit=200&q={q}");
    let r = app.call("GET", &path, Some(token), None).await;
    assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.json);
    let mut names: Vec<String> = r.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

async fn create(app: &TestApp, token: &str, path: &str, body: Value) -> i64 {
    let r = app.call("POST", path, Some(token), Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.json);
    r.json["id"].as_i64().unwrap()
}

#[tokio::test]
async fn search_wildcards_are_literal() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let token = app.admin_token().await;
        for name in ["Alpha_1", "AlphaX1", "Beta%2", "Back\\slash", "Gamma"] {
            create(&app, &token, "/api/v1/customers", json!({"name": name})).await;
        }
        assert_eq!(names(&app, &token, "_").await, ["Alpha_1"], "{label}");
        assert_eq!(names(&app, &token, "a_1").await, ["Alpha_1"], "{label}");
        assert_eq!(names(&app, &token, "%25").await, ["Beta%2"], "{label}");
        assert_eq!(names(&app, &token, "%5C").await, ["Back\\slash"], "{label}");
        assert_eq!(
            names(&app, &token, "alpha").await,
            ["AlphaX1", "Alpha_1"],
            "{label}: ordinary search still finds by substring, any case"
        );
        // The same pattern helper serves every list that searches.
        let first = app
            .call("GET", "/api/v1/customers?limit=1", Some(&token), None)
            .await;
        let mut b = json!({"customer_id": first.json["items"][0]["id"], "name": "Tower_9",
            "address": "Main st 1", "country": "FI", "timezone": "Europe/Helsinki"});
        create(&app, &token, "/api/v1/buildings", b.clone()).await;
        b["name"] = json!("Tower 9");
        create(&app, &token, "/api/v1/buildings", b).await;
        let r = app
            .call("GET", "/api/v1/buildings?q=r_9", Some(&token), None)
            .await;
        let found: Vec<&str> = r.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["name"].as_str().unwrap())
            .collect();
        assert_eq!(found, ["Tower_9"], "{label}: buildings");
    }
}

#[tokio::test]
async fn csv_export_cells_are_never_formulas() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let token = app.admin_token().await;
        let customer = create(
            &app,
            &token,
            "/api/v1/customers",
            json!({"name": "Formula Oy"}),
        )
        .await;
        let building = create(
            &app,
            &token,
            "/api/v1/buildings",
            json!({"customer_id": customer, "name": "=HYPERLINK(\"http://evil.example\",\"open\")",
                "address": "@SUM(1+1)", "country": "FI", "timezone": "Europe/Helsinki"}),
        )
        .await;
        let unit = create(
            &app,
            &token,
            "/api/v1/units",
            json!({"building_id": building, "kind": "elevator", "equipment_number": "ken:41000001"}),
        )
        .await;
        create(
            &app,
            &token,
            "/api/v1/contracts",
            json!({"customer_id": customer, "tier": "standard", "billing_interval": "monthly",
                "start_date": "2026-11-01", "unit_ids": [unit]}),
        )
        .await;
        let r = app
            .call(
                "GET",
                &format!("/api/v1/exports/maintenance.csv?from=2026-11-01&to=2027-12-31&building_id={building}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let text = r.json.as_str().unwrap().to_string();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert!(
            !rows.is_empty(),
            "{label}: the contract's visits are exported"
        );
        for row in &rows {
            for cell in row.iter() {
                let formula = cell.starts_with(['=', '+', '@', '\t', '\r'])
                    || (cell.starts_with('-') && cell.parse::<f64>().is_err());
                assert!(!formula, "{label}: formula cell {cell:?}");
            }
            assert_eq!(&row[3], "'=HYPERLINK(\"http://evil.example\",\"open\")");
            assert_eq!(&row[4], "'@SUM(1+1)");
        }
    }
}
