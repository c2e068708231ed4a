//! The equipment data export (issue #20) on every backend: a customer
//! downloads a unit's raw telemetry, rollups and service history as CSV or
//! JSON; pages of the raw stream join without gaps or repeats; bad
//! requests are refused by field; other tenants' units and roles without
//! telemetry are refused.

use crate::common::desk::desk;
use crate::common::TestApp;
use axum::http::StatusCode;
use chrono::Duration;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::telemetry::{insert_events, NewEvent};
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

fn get(unit: i64, query: &str) -> String {
    format!("/api/v1/units/{unit}/export?{query}")
}

async fn body_text(app: &TestApp, token: &str, path: &str) -> (StatusCode, String, Value) {
    let r = app.call("GET", path, Some(token), None).await;
    let text = match &r.json {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    (r.status, text, r.json)
}

#[tokio::test]
async fn a_customer_downloads_a_units_data_in_pages() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let app = &d.app;
        let now = app.clock_now();
        let today = now.date_naive();

        // 5,200 raw events over the last few days: more than one page.
        let events: Vec<NewEvent> = (1..=5200)
            .map(|seq| NewEvent {
                unit_id: d.unit,
                seq,
                ts_ms: (now - Duration::minutes(5200 - seq)).timestamp_millis(),
                kind: "trip",
                payload: json!({"seq": seq, "kind": "trip"}).to_string(),
            })
            .collect();
        let mut tx = app.t.db.begin().await.unwrap();
        insert_events(&mut tx, now, &events).await.unwrap();
        tx.commit().await.unwrap();

        let from = (today - Duration::days(7)).to_string();
        let (status, csv, _) = body_text(
            app,
            &d.customer,
            &get(d.unit, &format!("dataset=raw&from={from}")),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{label}: {csv}");
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0], "unit_id,seq,ts,received_at,kind,payload",
            "{label}"
        );
        assert_eq!(lines.len(), 5201, "{label}: a header and every event once");
        let seqs: Vec<i64> = lines[1..]
            .iter()
            .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
            .collect();
        assert_eq!(
            seqs,
            (1..=5200).collect::<Vec<i64>>(),
            "{label}: in order, no gap, no repeat"
        );

        let r = app
            .call(
                "GET",
                &get(d.unit, &format!("dataset=raw&format=json&from={from}")),
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            r.headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains("_raw_"),
            "{label}"
        );
        let items = r
            .json
            .as_array()
            .unwrap_or_else(|| panic!("{label}: a JSON array: {}", r.json));
        assert_eq!(items.len(), 5200, "{label}");
        assert_eq!(items[5199]["seq"], 5200);
        // A shorter period holds only its events.
        let (_, csv, _) = body_text(
            app,
            &d.customer,
            &get(d.unit, &format!("dataset=raw&from={today}&to={today}")),
        )
        .await;
        let today_events = csv.lines().count().saturating_sub(1);
        assert!(
            today_events > 0 && today_events < 5200,
            "{label}: {today_events}"
        );

        // Rollups and service history, as JSON arrays.
        for q in [
            "dataset=rollups&format=json",
            "dataset=rollups&period=hour&format=json",
            "dataset=service&format=json",
        ] {
            let r = app
                .call("GET", &get(d.unit, q), Some(&d.customer), None)
                .await;
            assert_eq!(r.status, StatusCode::OK, "{label}: {q}: {}", r.json);
            assert!(r.json.is_array(), "{label}: {q}: {}", r.json);
        }

        // Refusals name the field.
        for (q, field) in [
            ("dataset=everything", "dataset"),
            ("dataset=raw&format=xml", "format"),
            ("dataset=raw&from=2026-11-20&to=2026-11-01", "to"),
            ("dataset=raw&from=2025-01-01&to=2026-11-01", "to"),
            ("dataset=raw&period=hour", "period"),
            ("dataset=rollups&period=week", "period"),
            ("dataset=raw&from=yesterday", "from"),
        ] {
            let r = app
                .call("GET", &get(d.unit, q), Some(&d.customer), None)
                .await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{label}: {q}: {}",
                r.json
            );
            assert_eq!(r.json["error"]["field"], field, "{label}: {q}");
        }

        // Another customer's unit does not exist for them; finance has no telemetry.
        let r = app
            .call(
                "GET",
                &get(d.foreign_unit, "dataset=raw"),
                Some(&d.customer),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");
        let finance = app
            .login("finance@nordictowers.example", DEMO_PASSWORD)
            .await;
        let r = app
            .call("GET", &get(d.unit, "dataset=raw"), Some(&finance), None)
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
    }
}

#[tokio::test]
async fn the_unit_page_offers_the_download() {
    use crate::portal_common::{on_both_demos, signed_in};
    on_both_demos(|app| async move {
        let mut b = signed_in(&app, "customer.admin@nordictowers.example").await;
        let token = app
            .login("customer.admin@nordictowers.example", DEMO_PASSWORD)
            .await;
        let units = app
            .call("GET", "/api/v1/units?limit=1", Some(&token), None)
            .await;
        let unit = units.json["items"][0]["id"].as_i64().unwrap();
        let page = b.get(&format!("/equipment/{unit}")).await;
        assert!(
            page.body.contains("Download this unit&#39;s data")
                || page.body.contains("Download this unit's data")
        );
        let r = b
            .get(&format!(
                "/equipment/{unit}/export?what=rollups-day&format=csv&from=&to="
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let disposition = r.headers["content-disposition"].to_str().unwrap();
        assert!(disposition.contains("_rollups_"), "{disposition}");
        let r = b
            .get(&format!(
                "/equipment/{unit}/export?what=service&format=json"
            ))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(serde_json::from_slice::<Value>(&r.bytes)
            .unwrap()
            .is_array());
        // A front desk reads telemetry too, but finance sees no card and gets no data.
        let mut fin = signed_in(&app, "finance@nordictowers.example").await;
        let r = fin.get(&format!("/equipment/{unit}/export?what=raw")).await;
        assert!(r.status == StatusCode::FORBIDDEN, "{}", r.status);
    })
    .await;
}
