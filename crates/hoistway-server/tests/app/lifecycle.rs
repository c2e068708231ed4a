//! Lifecycle planning (issue #21) on every backend: the view answers asset
//! ages, modernization candidates with reasons and a budget per year whose
//! figures add up, as JSON and as CSV.

use crate::common::desk::desk;
use axum::http::StatusCode;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

#[tokio::test]
async fn the_lifecycle_view_lists_candidates_and_a_budget_that_adds_up() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let app = &d.app;
        let admin = app
            .login("provider.admin@hoistway.example", DEMO_PASSWORD)
            .await;
        // An old lift with a relay controller.
        let r = app
            .call(
                "PATCH",
                &format!("/api/v1/units/{}", d.unit),
                Some(&admin),
                Some(json!({"install_date": "1995-03-01", "modernization_date": null, "controller_type": "Relay logic panel"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);

        for (query, field) in [("years=0", "years"), ("years=11", "years")] {
            let r = app
                .call(
                    "GET",
                    &format!("/api/v1/lifecycle?{query}"),
                    Some(&d.customer),
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {query}");
            assert_eq!(r.json["error"]["field"], field, "{label}");
        }
        let front = app
            .login("front.desk@nordictowers.example", DEMO_PASSWORD)
            .await;
        let r = app
            .call("GET", "/api/v1/lifecycle", Some(&front), None)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");

        let r = app
            .call("GET", "/api/v1/lifecycle?years=3", Some(&d.customer), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let v = r.json;
        assert_eq!(v["years"], 3);
        let units = v["units"].as_array().unwrap();
        let own = units[0]["customer_id"].clone();
        assert!(units.iter().all(|u| u["customer_id"] == own), "{label}");
        let lift = units
            .iter()
            .find(|u| u["unit_id"].as_i64() == Some(d.unit))
            .unwrap();
        let a = &lift["assessment"];
        assert_eq!(a["age_years"], 31, "{label}: {a}");
        let codes: Vec<&str> = a["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            codes,
            vec!["beyond_service_life", "obsolete_controller"],
            "{label}"
        );
        // A full modernization this year replaces the controller upgrade.
        assert_eq!(a["measures"].as_array().unwrap().len(), 1);
        assert_eq!(a["measures"][0]["kind"], "full_modernization");
        assert_eq!(a["measures"][0]["year"], 2026);
        assert_eq!(a["measures"][0]["low_minor"], 8_000_000);
        assert!(a["measures"][0]["high_minor"].is_null());
        assert_eq!(
            v["candidates"].as_u64().unwrap() as usize,
            units.iter().filter(|u| u["candidate"] == true).count()
        );

        // The budget: every year of the horizon per currency, each the sum
        // of the units' measures of that year.
        let budget = v["budget"].as_array().unwrap();
        let years: Vec<i64> = budget.iter().map(|b| b["year"].as_i64().unwrap()).collect();
        assert!(
            years.contains(&2026) && years.contains(&2028) && !years.contains(&2029),
            "{label}"
        );
        for b in budget {
            let measures: Vec<&Value> = units
                .iter()
                .flat_map(|u| u["assessment"]["measures"].as_array().unwrap())
                .filter(|m| m["year"] == b["year"] && m["currency"] == b["currency"])
                .collect();
            let low: i64 = measures
                .iter()
                .map(|m| m["low_minor"].as_i64().unwrap())
                .sum();
            assert_eq!(b["low_minor"].as_i64().unwrap(), low, "{label}: {b}");
            let full = measures
                .iter()
                .filter(|m| m["kind"] == "full_modernization")
                .count();
            assert_eq!(b["full_modernizations"].as_u64().unwrap() as usize, full);
            if full > 0 {
                assert!(b["high_minor"].is_null(), "{label}: open-ended {b}");
            } else {
                let high: i64 = measures
                    .iter()
                    .map(|m| m["high_minor"].as_i64().unwrap())
                    .sum();
                assert_eq!(b["high_minor"].as_i64().unwrap(), high, "{label}: {b}");
            }
        }
        let this_year = budget
            .iter()
            .find(|b| b["year"] == 2026 && b["currency"] == lift["currency"])
            .unwrap();
        assert!(this_year["full_modernizations"].as_u64().unwrap() >= 1);
        assert!(this_year["low_minor"].as_i64().unwrap() >= 8_000_000);

        // Another customer sees none of these units.
        let other = app
            .login("customer.admin@rhein-immo.example", DEMO_PASSWORD)
            .await;
        let r = app
            .call("GET", "/api/v1/lifecycle", Some(&other), None)
            .await;
        assert!(r.json["units"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["unit_id"].as_i64() != Some(d.unit) && u["customer_id"] != own));

        // The CSV: the documented columns, the lift's measure, the budget.
        let r = app
            .call(
                "GET",
                "/api/v1/lifecycle.csv?years=3",
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}");
        assert!(r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let text = r.json.as_str().unwrap().to_string();
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_string).collect();
        assert_eq!(
            header,
            hoistway_api::lifecycle::CSV_COLUMNS.to_vec(),
            "{label}"
        );
        let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        let lift_row = records.iter().find(|r| r[1] == d.unit.to_string()).unwrap();
        assert_eq!(&lift_row[0], "unit");
        assert_eq!(&lift_row[8], "31");
        assert_eq!(&lift_row[15], "full_modernization");
        assert_eq!(&lift_row[18], "80000.00");
        assert_eq!(&lift_row[19], "");
        assert!(lift_row[13].contains("no longer supported"), "{label}");
        let budget_rows = records.iter().filter(|r| &r[0] == "budget").count();
        assert_eq!(budget_rows, budget.len(), "{label}");
        let r = app
            .call(
                "GET",
                "/api/v1/lifecycle.csv?years=12",
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(r.json["error"]["field"], "years", "{label}");
        d.app.t.cleanup().await;
    }
}
