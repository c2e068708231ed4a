//! The KONE API v2 compatible surface, on every backend: the inventory,
//! equipment status from telemetry and service orders from cases, as the
//! contract's example clients read them.

use crate::common;
use crate::kone_common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::TestApp;
use hoistway_store::testing::TestDb;
use kone_common::*;
use serde_json::json;

#[tokio::test]
async fn resources_status_and_service_orders() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let admin = app.admin_token().await;
        let f = fixture(&app, &admin).await;
        let (id, secret) = (f.client_id.as_str(), f.secret.as_str());

        // Inventory: the customer's buildings, groups and KENs only.
        let inv = access(&app, id, secret, "").await;
        let r = app
            .call(
                "GET",
                "/api/v2/application/self/resources",
                Some(&inv),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let buildings = r.json["buildings"].as_array().unwrap();
        let building_id = f.building.to_string();
        assert_eq!(buildings.len(), 2, "{label}");
        let b = buildings
            .iter()
            .find(|b| b["id"] == building_id.as_str())
            .unwrap();
        assert_eq!(b["groups"][0]["id"], format!("{}:{}", f.building, f.group));
        assert_eq!(b["groups"][0]["products"], json!(["callgiving"]));
        assert_eq!(b["apiKens"], json!(["41000001"]), "the door has no KEN");
        let ids: Vec<&str> = r.json["equipments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["41000001", "41000002"], "{label}");
        // Without the inventory scope: refused.
        let rtm = access(&app, id, secret, "rtm/ken:41000001").await;
        let r = app
            .call(
                "GET",
                "/api/v2/application/self/resources",
                Some(&rtm),
                None,
            )
            .await;
        assert_eq!(kone_error(&r), StatusCode::FORBIDDEN);
        let r = app
            .call("GET", "/api/v2/application/self/resources", None, None)
            .await;
        assert_eq!(kone_error(&r), StatusCode::UNAUTHORIZED);

        // Equipment status from telemetry.
        let one = r#"{"equipmentIds":["ken:41000001"]}"#;
        // axios behind HTTPS_PROXY sends absolute-form targets (contract 2.1
        // option B): routed on the path alone.
        let req = Request::builder()
            .method("POST")
            .uri("https://kone.test:8443/api/v2/equipment/search/status")
            .header(header::AUTHORIZATION, format!("Bearer {rtm}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(one))
            .unwrap();
        let r = app.raw(req).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let r = post_equipment(&app, &rtm, "search/status", one).await;
        let s = &r.json[0];
        assert_eq!(s["equipmentId"], "ken:41000001", "{label}: {}", r.json);
        assert_eq!(s["entrapment"], false);
        assert_eq!(s["outOfOrder"], false);
        assert_eq!(s["status"], "IN_SERVICE");
        assert_eq!(s["equipmentType"], "elevator");
        assert!(s["maintenance"]["status"].is_string());
        let r = post_equipment(&app, &rtm, "search/availability", one).await;
        assert_eq!(r.json[0]["state"], "IN_SERVICE", "{label}: {}", r.json);
        assert_eq!(r.json[0]["activeAlertCount"], 0);
        let r = post_equipment(&app, &rtm, "search/movement", one).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        assert_eq!(r.json[0]["decks"][0]["startFloor"]["floorIndex"], 0);
        assert_eq!(r.json[0]["decks"][0]["stopFloor"]["floorIndex"], 5);
        assert_eq!(r.json[0]["durationSeconds"], 9.0);
        let r = post_equipment(&app, &rtm, "elevator/door", one).await;
        assert_eq!(r.json[0]["floor"], 5, "{label}: {}", r.json);
        assert_eq!(r.json[0]["openingDuration"], 3.0);
        assert_eq!(r.json[0]["reopensByPhotoCell"], 1);
        let r = post_equipment(&app, &rtm, "elevator/button", one).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json[0]["equipmentId"], "ken:41000001");
        // The escalator demo with an elevator's KEN: a clear 400.
        let r = post_equipment(&app, &rtm, "escalator/movement/direction", one).await;
        assert_eq!(kone_error(&r), StatusCode::BAD_REQUEST, "{label}");
        let esc = access(&app, id, secret, "rtm/ken:41000002").await;
        let r = post_equipment(
            &app,
            &esc,
            "escalator/movement/direction",
            r#"{"equipmentIds":["ken:41000002"]}"#,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json[0]["movementEventType"], "NONE");
        // Scope per id; bad bodies.
        let r = post_equipment(
            &app,
            &rtm,
            "search/status",
            r#"{"equipmentIds":["ken:41000002"]}"#,
        )
        .await;
        assert_eq!(kone_error(&r), StatusCode::FORBIDDEN, "{label}");
        for bad in [
            "",
            "not json",
            "{}",
            r#"{"equipmentIds":[]}"#,
            r#"{"equipmentIds":["41000001"]}"#,
            r#"{"equipmentIds":"ken:41000001"}"#,
        ] {
            let r = post_equipment(&app, &rtm, "search/availability", bad).await;
            assert_eq!(kone_error(&r), StatusCode::BAD_REQUEST, "{label}: {bad:?}");
        }

        // Service orders from cases; the first one's number opens the detail.
        let si = access(&app, id, secret, "serviceinfo/ken:41000001").await;
        let r = app
            .call(
                "GET",
                "/api/v2/equipment/ken:41000001/serviceOrders",
                Some(&si),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let wo = r.json[0]["workOrderNumber"].as_str().unwrap().to_string();
        assert!(wo.starts_with("SO-"), "{wo}");
        assert!(wo
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)));
        assert_eq!(r.json[0]["serviceOrderNumber"], wo);
        assert_eq!(r.json[0]["customerEquipmentNumber"], "ken:41000001");
        assert!(r.json[0]["activityType"].is_string());
        let r = app
            .call(
                "GET",
                &format!("/api/v2/equipment/ken:41000001/serviceOrders/{wo}"),
                Some(&si),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["workOrderNumber"], wo);
        assert_eq!(r.json["description"], "Car stops between floors");
        assert_eq!(r.json["entrapment"], false);
        // Maintenance visits follow the cases, with their own numbers.
        let list = app
            .call(
                "GET",
                "/api/v2/equipment/ken:41000001/serviceOrders",
                Some(&si),
                None,
            )
            .await;
        let visit = list
            .json
            .as_array()
            .unwrap()
            .iter()
            .find_map(|o| {
                o["workOrderNumber"]
                    .as_str()
                    .filter(|n| n.starts_with("MV-"))
            })
            .unwrap_or_else(|| panic!("{label}: no visits in {}", list.json))
            .to_string();
        let r = app
            .call(
                "GET",
                &format!("/api/v2/equipment/ken:41000001/serviceOrders/{visit}"),
                Some(&si),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["workOrderNumber"], visit.as_str());
        assert!(r.json["workOrderPlannedStartDate"].is_string());
        let r = app
            .call(
                "GET",
                "/api/v2/equipment/ken:41000001/serviceOrders/MV-987654321",
                Some(&si),
                None,
            )
            .await;
        assert_eq!(kone_error(&r), StatusCode::NOT_FOUND);
        for (path, status) in [
            // Unknown order, an escalator without cases, a foreign KEN, a bad KEN.
            (
                "/api/v2/equipment/ken:41000001/serviceOrders/SO-2000-000001".to_string(),
                StatusCode::NOT_FOUND,
            ),
            (
                "/api/v2/equipment/ken:41000002/serviceOrders".into(),
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v2/equipment/ken:42000001/serviceOrders".into(),
                StatusCode::FORBIDDEN,
            ),
            (
                "/api/v2/equipment/41000001/serviceOrders".into(),
                StatusCode::BAD_REQUEST,
            ),
        ] {
            let r = app.call("GET", &path, Some(&si), None).await;
            assert_eq!(kone_error(&r), status, "{label}: {path}: {}", r.json);
        }
        // An rtm token does not read service orders.
        let r = app
            .call(
                "GET",
                "/api/v2/equipment/ken:41000001/serviceOrders",
                Some(&rtm),
                None,
            )
            .await;
        assert_eq!(kone_error(&r), StatusCode::FORBIDDEN);
        // No cases: 404 with a message rather than `[]` (which crashes the client).
        let si2 = access(&app, id, secret, "serviceinfo/ken:41000002").await;
        let r = app
            .call(
                "GET",
                "/api/v2/equipment/ken:41000002/serviceOrders",
                Some(&si2),
                None,
            )
            .await;
        assert_eq!(kone_error(&r), StatusCode::NOT_FOUND, "{label}");
        app.t.cleanup().await;
    }
}
