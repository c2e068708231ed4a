//! The facts triage reads about a place are set through the API: a unit's
//! high-traffic and accessible-route flags, a building's hospital flag.
//! Each one turns a unit-down call urgent, and clearing it makes the next
//! call routine again; a wrong value is a 400 that names the field.

use crate::common;

use axum::http::StatusCode;
use common::desk::*;
use common::error_code;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

async fn down_call(d: &Desk) -> Value {
    open(
        d,
        &d.customer,
        json!({"unit_id": d.unit, "symptoms": "Lift stopped, doors closed", "passengers_trapped": false, "unit_out_of_service": true}),
    )
    .await
}

#[tokio::test]
async fn place_flags_are_set_through_the_api_and_drive_triage() {
    for t in TestDb::all().await {
        let d = desk(t).await;
        let admin = d.app.admin_token().await;
        let unit_path = format!("/api/v1/units/{}", d.unit);
        let unit = d.app.call("GET", &unit_path, Some(&admin), None).await;
        assert_eq!(unit.status, StatusCode::OK);
        let building_path = format!("/api/v1/buildings/{}", unit.json["building_id"]);

        // Start from a plain unit in a plain building.
        for (path, body) in [
            (
                &unit_path,
                json!({"high_traffic": false, "accessible_route": false}),
            ),
            (&building_path, json!({"hospital": false})),
        ] {
            let r = d.app.call("PATCH", path, Some(&admin), Some(body)).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        }
        let plain = down_call(&d).await;
        assert_eq!(plain["priority"], "routine", "{plain}");

        for (path, body, rule) in [
            (
                &unit_path,
                json!({"high_traffic": true}),
                "high_traffic_outage",
            ),
            (
                &unit_path,
                json!({"high_traffic": false, "accessible_route": true}),
                "accessible_route",
            ),
            (&building_path, json!({"hospital": true}), "hospital"),
        ] {
            let r = d.app.call("PATCH", path, Some(&admin), Some(body)).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.json);
            let c = down_call(&d).await;
            assert_eq!(c["priority"], "urgent", "{rule}: {c}");
            assert_eq!(c["triage_rule"], rule, "{c}");
        }
        let unit = d.app.call("GET", &unit_path, Some(&admin), None).await;
        assert_eq!(unit.json["accessible_route"], true);
        assert_eq!(unit.json["high_traffic"], false);
        let building = d.app.call("GET", &building_path, Some(&admin), None).await;
        assert_eq!(building.json["hospital"], true);

        // A wrong value names its field.
        let bad = d
            .app
            .call(
                "PATCH",
                &unit_path,
                Some(&admin),
                Some(json!({"high_traffic": "yes"})),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        error_code(&bad);
        assert!(
            bad.json.to_string().contains("high_traffic"),
            "{}",
            bad.json
        );
        d.app.t.cleanup().await;
    }
}
