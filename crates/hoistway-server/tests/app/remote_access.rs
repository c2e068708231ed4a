//! Remote call set-up through the API, on every backend: building topology
//! (who may read and set it, validation, audit) and resident access grants
//! along the invitation chain with cascading revocation.

use crate::common;
use crate::remote_common;

use axum::http::StatusCode;
use common::error_code;
use hoistway_store::testing::TestDb;
use remote_common::{app, grant, residential, world};
use serde_json::json;

#[tokio::test]
async fn topology_is_validated_scoped_and_audited() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = app(t).await;
        let admin = app.admin_token().await;
        let w = world(&app, &admin, "topo").await;
        let other = world(&app, &admin, "other").await;
        let path = format!("/api/v1/buildings/{}/topology", w.building);

        let got = app.call("GET", &path, Some(&admin), None).await;
        assert_eq!(got.status, StatusCode::OK, "{label}: {}", got.json);
        let areas = got.json["areas"].as_array().unwrap();
        // floors -1..=8 front, plus rear landings at -1 and 0.
        assert_eq!(areas.len(), 12, "{label}");
        assert_eq!(got.json["floors"][1]["level_m"], 2.9, "{label}");
        assert_eq!(got.json["groups"][0]["lifts"][1]["id"], "R-right");
        assert_eq!(got.json["groups"][0]["rear_floors"], json!([-1, 0]));

        // Staff of the customer read it; another customer's staff do not see it.
        let (_, ca) = w.user("ca");
        assert_eq!(
            app.call("GET", &path, Some(ca), None).await.status,
            StatusCode::OK
        );
        let (_, foreign) = other.user("ca");
        let r = app.call("GET", &path, Some(foreign), None).await;
        let missing = app
            .call(
                "GET",
                "/api/v1/buildings/987654321/topology",
                Some(foreign),
                None,
            )
            .await;
        assert_eq!(
            (r.status, r.json.clone()),
            (missing.status, missing.json),
            "{label}"
        );
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // A resident without a grant does not see it either; with one, does.
        let (r1, r1_token) = w.user("r1");
        assert_eq!(
            app.call("GET", &path, Some(r1_token), None).await.status,
            StatusCode::NOT_FOUND
        );
        grant(&app, ca, w.building, r1, Some(vec![2000, 5000])).await;
        assert_eq!(
            app.call("GET", &path, Some(r1_token), None).await.status,
            StatusCode::OK
        );
        // A building without a topology.
        let bare = app
            .call(
                "GET",
                &format!("/api/v1/buildings/{}/topology", w.bare_building),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(bare.status, StatusCode::NOT_FOUND, "{label}");

        // Only provider admins set it.
        let r = app.call("PUT", &path, Some(ca), Some(residential())).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");

        // Validation names the field; nothing is half-written.
        let mut bad = residential();
        bad["groups"][0]["rated_speed_mps"] = json!(-1.0);
        let r = app.call("PUT", &path, Some(&admin), Some(bad)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
        assert_eq!(r.json["error"]["field"], "groups");
        let mut gap = residential();
        gap["floors"].as_array_mut().unwrap().remove(4);
        let r = app.call("PUT", &path, Some(&admin), Some(gap)).await;
        assert_eq!(error_code(&r), "invalid");
        let r = app
            .call(
                "PUT",
                &path,
                Some(&admin),
                Some(json!({"floors": [], "groups": [], "extra": 1})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}");
        assert_eq!(
            app.call("GET", &path, Some(&admin), None).await.json,
            got.json
        );

        // Lifts may name elevator units of the same building only.
        let unit = common_unit(&app, &admin, w.building, "ken:5550001", "elevator").await;
        let foreign_unit =
            common_unit(&app, &admin, other.building, "ken:5550002", "elevator").await;
        let door = common_unit(&app, &admin, w.building, "ken:5550003", "door").await;
        for (bad_unit, ok) in [(foreign_unit, false), (door, false), (unit, true)] {
            let mut body = residential();
            body["groups"][0]["lifts"][0]["unit_id"] = json!(bad_unit);
            body["floors"][0]["name"] = json!("Parking");
            let r = app.call("PUT", &path, Some(&admin), Some(body)).await;
            if ok {
                assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
                assert_eq!(r.json["groups"][0]["lifts"][0]["unit_id"], unit);
                assert_eq!(r.json["areas"][0]["name"], "Parking");
            } else {
                assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
                assert_eq!(r.json["error"]["field"], "groups.lifts.unit_id");
            }
        }

        // Create and update were audited with before and after.
        let audit = app
            .call(
                "GET",
                &format!("/api/v1/audit?customer_id={}&limit=500", w.customer),
                Some(&admin),
                None,
            )
            .await;
        let rows: Vec<_> = audit.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["entity"] == "topology" && a["entity_id"] == w.building)
            .collect();
        let actions: Vec<&str> = rows.iter().map(|a| a["action"].as_str().unwrap()).collect();
        assert_eq!(actions, ["create", "update"], "{label}");
        assert_eq!(rows[1]["before"]["areas"][0]["name"], "P");
        assert_eq!(rows[1]["after"]["areas"][0]["name"], "Parking");
        app.t.cleanup().await;
    }
}

async fn common_unit(
    app: &common::TestApp,
    admin: &str,
    building: i64,
    number: &str,
    kind: &str,
) -> i64 {
    remote_common::created(
        app,
        admin,
        "/api/v1/units",
        json!({"building_id": building, "kind": kind, "equipment_number": number}),
    )
    .await["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn invitation_chain_and_cascading_revocation() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = app(t).await;
        let admin = app.admin_token().await;
        let w = world(&app, &admin, "chain").await;
        let other = world(&app, &admin, "else").await;
        let (_, ca) = w.user("ca");
        let (pm, pm_token) = w.user("pm");
        let (fd, fd_token) = w.user("fd");
        let (r1, r1_token) = w.user("r1");
        let (r2, _) = w.user("r2");
        let (fin, _) = w.user("fin");

        // Facility users need access of their own before passing it on.
        let r = app
            .call(
                "POST",
                "/api/v1/access-grants",
                Some(pm_token),
                Some(json!({"building_id": w.building, "user_id": r1})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
        assert_eq!(r.json["error"]["field"], "building_id");

        let pm_grant = grant(&app, ca, w.building, pm, Some(vec![2000, 3000, 4000, 5000])).await;
        assert_eq!(pm_grant["granted_by"], json!(w.user("ca").0));
        assert_eq!(pm_grant["parent_id"], json!(null));
        // Within their own areas only, to residents only.
        let r = app
            .call(
                "POST",
                "/api/v1/access-grants",
                Some(pm_token),
                Some(json!({"building_id": w.building, "user_id": r1, "area_ids": [2000, 9000]})),
            )
            .await;
        assert_eq!(r.json["error"]["field"], "area_ids", "{label}: {}", r.json);
        let r = app
            .call(
                "POST",
                "/api/v1/access-grants",
                Some(pm_token),
                Some(json!({"building_id": w.building, "user_id": r1, "area_ids": [2000, 7000]})),
            )
            .await;
        assert!(
            r.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("outside your own"),
            "{}",
            r.json
        );
        for (who, field) in [(fd, "user_id"), (fin, "user_id")] {
            let r = app
                .call(
                    "POST",
                    "/api/v1/access-grants",
                    Some(pm_token),
                    Some(json!({"building_id": w.building, "user_id": who})),
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
            assert_eq!(r.json["error"]["field"], field);
        }
        // Another customer's user or building: not found.
        let r = app
            .call(
                "POST",
                "/api/v1/access-grants",
                Some(ca),
                Some(json!({"building_id": w.building, "user_id": other.user("r1").0})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
        let r = app
            .call(
                "POST",
                "/api/v1/access-grants",
                Some(ca),
                Some(json!({"building_id": other.building, "user_id": r1})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}: {}", r.json);

        // The resident inherits the facility user's areas when none are named.
        let r1_grant = grant(&app, pm_token, w.building, r1, None).await;
        assert_eq!(r1_grant["parent_id"], pm_grant["id"]);
        assert_eq!(r1_grant["granted_by"], json!(pm));
        assert_eq!(r1_grant["all_areas"], false);
        assert_eq!(r1_grant["area_ids"], json!([2000, 3000, 4000, 5000]));
        let r2_grant = grant(&app, pm_token, w.building, r2, Some(vec![2000])).await;
        // One active grant per user and building.
        let r = app
            .call(
                "POST",
                "/api/v1/access-grants",
                Some(ca),
                Some(json!({"building_id": w.building, "user_id": r1})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}");
        // Residents may not grant; residents see their own access.
        let r = app
            .call(
                "POST",
                "/api/v1/access-grants",
                Some(r1_token),
                Some(json!({"building_id": w.building, "user_id": r2})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let mine = app
            .call("GET", "/api/v1/me/access", Some(r1_token), None)
            .await;
        assert_eq!(mine.json["items"].as_array().unwrap().len(), 1, "{label}");
        assert_eq!(mine.json["items"][0]["id"], r1_grant["id"]);

        // A facility user may not revoke what they did not give.
        let r = app
            .call(
                "DELETE",
                &format!("/api/v1/access-grants/{}", pm_grant["id"]),
                Some(pm_token),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        // The admin revokes the property manager's grant: the residents' go too.
        let r = app
            .call(
                "DELETE",
                &format!("/api/v1/access-grants/{}", pm_grant["id"]),
                Some(ca),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["active"], false);
        assert_eq!(r.json["revoke_reason"], "revoked");
        for g in [&r1_grant, &r2_grant] {
            let got = app
                .call(
                    "GET",
                    &format!("/api/v1/access-grants/{}", g["id"]),
                    Some(ca),
                    None,
                )
                .await;
            assert_eq!(got.json["active"], false, "{label}: {}", got.json);
            assert_eq!(got.json["revoke_reason"], "parent_revoked");
            assert_eq!(got.json["revoked_by"], json!(w.user("ca").0));
        }
        let r = app
            .call(
                "DELETE",
                &format!("/api/v1/access-grants/{}", pm_grant["id"]),
                Some(ca),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let mine = app
            .call("GET", "/api/v1/me/access", Some(r1_token), None)
            .await;
        assert!(mine.json["items"].as_array().unwrap().is_empty(), "{label}");

        // Disabling the inviter revokes what they gave.
        let fd_grant = grant(&app, ca, w.building, fd, None).await;
        let r1_again = grant(&app, fd_token, w.building, r1, Some(vec![3000])).await;
        let r = app
            .call(
                "PATCH",
                &format!("/api/v1/users/{fd}"),
                Some(ca),
                Some(json!({"disabled": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let list = app
            .call(
                "GET",
                &format!(
                    "/api/v1/access-grants?building_id={}&active=false&limit=500",
                    w.building
                ),
                Some(ca),
                None,
            )
            .await;
        let reasons: Vec<(i64, String)> = list.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["id"].as_i64().unwrap(),
                    g["revoke_reason"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert!(
            reasons.contains(&(fd_grant["id"].as_i64().unwrap(), "user_disabled".into())),
            "{reasons:?}"
        );
        assert!(
            reasons.contains(&(r1_again["id"].as_i64().unwrap(), "granter_disabled".into())),
            "{reasons:?}"
        );
        let active = app
            .call(
                "GET",
                &format!(
                    "/api/v1/access-grants?building_id={}&active=true",
                    w.building
                ),
                Some(ca),
                None,
            )
            .await;
        assert!(
            active.json["items"].as_array().unwrap().is_empty(),
            "{label}: {}",
            active.json
        );

        // Every grant and revocation has its audit row.
        let audit = app
            .call(
                "GET",
                &format!("/api/v1/audit?customer_id={}&limit=500", w.customer),
                Some(&admin),
                None,
            )
            .await;
        let count = |action: &str| {
            audit.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["entity"] == "access_grant" && a["action"] == action)
                .count()
        };
        assert_eq!((count("create"), count("revoke")), (5, 5), "{label}");
        app.t.cleanup().await;
    }
}
