//! The KONE API v2 compatible surface, on every backend: API applications
//! (REST, audited, scoped to their customer) and client-credentials tokens
//! with scopes checked against the application's customer and expiry on
//! the manual clock. Bad input gets the contract's error shape, never a 500.

use crate::common;
use crate::kone_common;
use crate::remote_common;

use axum::http::StatusCode;
use chrono::Duration;
use common::TestApp;
use hoistway_store::testing::TestDb;
use kone_common::*;
use remote_common::{created, world};
use serde_json::{json, Value};

#[tokio::test]
async fn api_clients_are_scoped_and_audited() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let admin = app.admin_token().await;
        let w = world(&app, &admin, "a").await;
        let other = world(&app, &admin, "b").await;
        let (_, ca) = w.user("ca");
        let (_, pm) = w.user("pm");

        // A customer admin creates for their own customer only.
        let r = app
            .call(
                "POST",
                "/api/v1/api-clients",
                Some(ca),
                Some(json!({"customer_id": other.customer, "name": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}: {}", r.json);
        let r = app
            .call(
                "POST",
                "/api/v1/api-clients",
                Some(pm),
                Some(json!({"customer_id": w.customer, "name": "x"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        let r = app
            .call(
                "POST",
                "/api/v1/api-clients",
                Some(ca),
                Some(json!({"customer_id": w.customer, "name": " "})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}");
        let c = created(
            &app,
            ca,
            "/api/v1/api-clients",
            json!({"customer_id": w.customer, "name": "Mine"}),
        )
        .await;
        let theirs = created(
            &app,
            &admin,
            "/api/v1/api-clients",
            json!({"customer_id": other.customer, "name": "Theirs"}),
        )
        .await;
        assert!(c["client_secret"].as_str().unwrap().len() >= 40);

        let list = app.call("GET", "/api/v1/api-clients", Some(ca), None).await;
        assert_eq!(list.status, StatusCode::OK);
        let items = list.json["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{label}: only their own");
        assert!(items[0].get("client_secret").is_none());
        let all = app
            .call("GET", "/api/v1/api-clients", Some(&admin), None)
            .await;
        assert_eq!(all.json["items"].as_array().unwrap().len(), 2);

        // Revoking another customer's application looks like a missing one.
        let r = app
            .call(
                "DELETE",
                &format!("/api/v1/api-clients/{}", theirs["id"]),
                Some(ca),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");

        // Works until revoked; revoked refuses the secret.
        let id = c["client_id"].as_str().unwrap();
        let secret = c["client_secret"].as_str().unwrap();
        assert_eq!(token(&app, id, secret, "").await.status, StatusCode::OK);
        let r = app
            .call(
                "DELETE",
                &format!("/api/v1/api-clients/{}", c["id"]),
                Some(ca),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert!(r.json["revoked_at"].is_string());
        let r = app
            .call(
                "DELETE",
                &format!("/api/v1/api-clients/{}", c["id"]),
                Some(ca),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);
        let r = token(&app, id, secret, "").await;
        assert_eq!(kone_error(&r), StatusCode::UNAUTHORIZED, "{label}");

        let audit = app
            .call("GET", "/api/v1/audit?limit=500", Some(&admin), None)
            .await;
        let actions: Vec<&str> = audit.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["entity"] == "api_client" && a["entity_id"] == c["id"])
            .map(|a| a["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["create", "revoke"], "{label}");
        let raw = serde_json::to_string(&audit.json).unwrap();
        assert!(!raw.contains(secret), "{label}: the secret is never stored");
        app.t.cleanup().await;
    }
}

#[tokio::test]
async fn tokens_scopes_and_expiry() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let admin = app.admin_token().await;
        let f = fixture(&app, &admin).await;
        let (id, secret) = (f.client_id.as_str(), f.secret.as_str());

        // Empty scope: inventory by default; the response shape of the contract.
        let r = token(&app, id, secret, "").await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["token_type"], "Bearer");
        assert_eq!(r.json["expires_in"], 3600);
        assert_eq!(r.json["scope"], "application/inventory");
        let tok = r.json["access_token"].as_str().unwrap();
        assert!(tok
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));

        // The scopes the example scripts ask for, URL-encoded as axios does.
        let scope = format!(
            "application/inventory callgiving/group:{}:{}",
            f.building, f.group
        );
        let r = token(&app, id, secret, &scope).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["scope"], scope);
        for s in [
            "rtm/ken:41000001",
            "serviceinfo/ken:41000001",
            "rtm/ken:41000002",
        ] {
            assert_eq!(
                token(&app, id, secret, s).await.status,
                StatusCode::OK,
                "{s}"
            );
        }

        // Another customer's building, group or equipment, or a missing one: 403 alike.
        for s in [
            format!(
                "callgiving/group:{}:{}",
                f.foreign_building, f.foreign_group
            ),
            format!("callgiving/group:{}:nope", f.building),
            // Groups go by number; our own group name, a group the
            // building lacks and a padded number name none.
            format!("callgiving/group:{}:{}", f.building, f.group_name),
            format!("callgiving/group:{}:2", f.building),
            format!("callgiving/group:{}:01", f.building),
            "callgiving/group:987654321:1".to_string(),
            "rtm/ken:42000001".into(),
            "serviceinfo/ken:42000001".into(),
            "rtm/ken:99999999".into(),
            "application/inventory rtm/ken:42000001".to_string(),
        ] {
            let r = token(&app, id, secret, &s).await;
            assert_eq!(
                kone_error(&r),
                StatusCode::FORBIDDEN,
                "{label}: {s}: {}",
                r.json
            );
        }
        // Malformed scopes and grants: 400.
        for s in [
            "rtm/41000001",
            "rtm/ken:",
            "callgiving/group:x:1",
            "robots/all",
        ] {
            let r = token(&app, id, secret, s).await;
            assert_eq!(kone_error(&r), StatusCode::BAD_REQUEST, "{label}: {s}");
        }
        let form = "application/x-www-form-urlencoded";
        let auth = basic(id, secret);
        let r = token_req(&app, Some(&auth), form, "grant_type=password").await;
        assert_eq!(kone_error(&r), StatusCode::BAD_REQUEST);
        let r = token_req(&app, Some(&auth), form, "scope=").await;
        assert_eq!(kone_error(&r), StatusCode::BAD_REQUEST);
        // Credentials: 401 with the header named; content type: 415.
        for a in [
            None,
            Some(basic(id, "wrong")),
            Some(basic("nobody", secret)),
            Some("Basic !!!".to_string()),
            Some("Bearer x".to_string()),
        ] {
            let r = token_req(&app, a.as_deref(), form, "grant_type=client_credentials").await;
            assert_eq!(kone_error(&r), StatusCode::UNAUTHORIZED, "{label}: {a:?}");
            assert_eq!(r.json["errors"][0]["header"], "authorization");
        }
        let r = token_req(
            &app,
            Some(&auth),
            "application/json",
            "{\"grant_type\":\"client_credentials\"}",
        )
        .await;
        assert_eq!(kone_error(&r), StatusCode::UNSUPPORTED_MEDIA_TYPE);

        // A token is reusable until it expires (on the manual clock).
        let rtm = access(&app, id, secret, "rtm/ken:41000001").await;
        let body = r#"{"equipmentIds":["ken:41000001"]}"#;
        for _ in 0..2 {
            let r = post_equipment(&app, &rtm, "search/status", body).await;
            assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        }
        app.clock.advance(Duration::minutes(59));
        assert_eq!(
            post_equipment(&app, &rtm, "search/status", body)
                .await
                .status,
            StatusCode::OK
        );
        app.clock.advance(Duration::minutes(1));
        let r = post_equipment(&app, &rtm, "search/status", body).await;
        assert_eq!(kone_error(&r), StatusCode::UNAUTHORIZED, "{label}: expired");
        // Tampered or foreign tokens.
        let fresh = access(&app, id, secret, "rtm/ken:41000001").await;
        let mut tampered = fresh.clone();
        tampered.insert(5, 'x');
        for bad in [tampered.as_str(), "hw1.e30.AAAA", "garbage"] {
            let r = post_equipment(&app, bad, "search/status", body).await;
            assert_eq!(kone_error(&r), StatusCode::UNAUTHORIZED, "{label}: {bad}");
        }

        // Limited tokens: a subset of the master's scopes, never longer-lived,
        // single use honoured.
        let master = access(
            &app,
            id,
            secret,
            "rtm/ken:41000001 serviceinfo/ken:41000001",
        )
        .await;
        let limited = |tok: String, body: Value| {
            let app = &app;
            async move {
                app.call(
                    "POST",
                    "/api/v2/oauth2/limited-token",
                    Some(&tok),
                    Some(body),
                )
                .await
            }
        };
        let r = limited(
            master.clone(),
            json!({"endUserIdentity": "robot-7", "scopes": ["rtm/ken:41000001"], "maxAgeSeconds": 60, "singleUse": true}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["expires_in"], 60);
        assert_eq!(r.json["scope"], "rtm/ken:41000001");
        let once = r.json["access_token"].as_str().unwrap().to_string();
        assert_eq!(
            post_equipment(&app, &once, "search/status", body)
                .await
                .status,
            StatusCode::OK
        );
        let r = post_equipment(&app, &once, "search/status", body).await;
        assert_eq!(
            kone_error(&r),
            StatusCode::UNAUTHORIZED,
            "{label}: used twice"
        );
        let r = limited(
            master.clone(),
            json!({"scopes": ["rtm/ken:41000001"], "maxAgeSeconds": 60, "singleUse": false}),
        )
        .await;
        let reusable = r.json["access_token"].as_str().unwrap().to_string();
        for _ in 0..2 {
            assert_eq!(
                post_equipment(&app, &reusable, "search/status", body)
                    .await
                    .status,
                StatusCode::OK
            );
        }
        // A limited token cannot mint more, nor reach beyond its scopes.
        let r = limited(reusable.clone(), json!({"scopes": ["rtm/ken:41000001"]})).await;
        assert_eq!(kone_error(&r), StatusCode::FORBIDDEN);
        let r = app
            .call(
                "GET",
                "/api/v2/equipment/ken:41000001/serviceOrders",
                Some(&reusable),
                None,
            )
            .await;
        assert_eq!(kone_error(&r), StatusCode::FORBIDDEN);
        app.clock.advance(Duration::seconds(61));
        let r = post_equipment(&app, &reusable, "search/status", body).await;
        assert_eq!(kone_error(&r), StatusCode::UNAUTHORIZED, "{label}: expired");
        for (bad, status) in [
            (
                json!({"scopes": ["rtm/ken:41000002"]}),
                StatusCode::FORBIDDEN,
            ),
            (
                json!({"scopes": ["application/inventory"]}),
                StatusCode::FORBIDDEN,
            ),
            (json!({"scopes": []}), StatusCode::BAD_REQUEST),
            (
                json!({"scopes": ["rtm/ken:41000001"], "maxAgeSeconds": 0}),
                StatusCode::BAD_REQUEST,
            ),
            (json!("nonsense"), StatusCode::BAD_REQUEST),
        ] {
            let r = limited(master.clone(), bad.clone()).await;
            assert_eq!(kone_error(&r), status, "{label}: {bad}");
        }
        app.t.cleanup().await;
    }
}
