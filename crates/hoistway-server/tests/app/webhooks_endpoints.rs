//! Managing webhook endpoints, on SQLite and PostgreSQL: the test button,
//! rotating the secret, disabling, deleting, redirects not followed, and
//! bad input and internal addresses refused naming the field.

use crate::common::{self, TestApp};

use axum::http::StatusCode;
use common::error_code;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_jobs::webhooks::deliver_due;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

use crate::webhooks_common::*;

#[tokio::test]
async fn test_button_rotation_disable_redirects_and_delete() {
    for t in TestDb::all().await {
        let app = app_on(t).await;
        let (base, rx) = receiver().await;
        let admin = app.login(ADMIN_A, DEMO_PASSWORD).await;
        let (id, old) = register(
            &app,
            &admin,
            &format!("{base}/in/a"),
            json!(["case", "invoice"]),
        )
        .await;
        rx.set_secret(&old);
        let s = sender(&app);

        let r = app
            .call(
                "POST",
                &format!("/api/v1/webhooks/{id}/test"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.json);
        assert_eq!(deliver_due(&app.state, &s).await.delivered, 1);
        let got = rx.got();
        assert_eq!(got.len(), 1);
        assert!(got[0].verified);
        assert_eq!(got[0].body["type"], "webhook.test");

        // A new secret, shown once; the old one no longer verifies.
        let r = app
            .call(
                "POST",
                &format!("/api/v1/webhooks/{id}/rotate-secret"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        let new = r.json["secret"].as_str().unwrap().to_string();
        assert_ne!(new, old);
        app.call(
            "POST",
            &format!("/api/v1/webhooks/{id}/test"),
            Some(&admin),
            None,
        )
        .await;
        deliver_due(&app.state, &s).await;
        assert!(!rx.got()[1].verified, "signed with the new secret");
        rx.set_secret(&new);
        app.call(
            "POST",
            &format!("/api/v1/webhooks/{id}/test"),
            Some(&admin),
            None,
        )
        .await;
        deliver_due(&app.state, &s).await;
        assert!(rx.got()[2].verified);

        // Redirects are not followed: the attempt fails and says why.
        let r = app
            .call(
                "PATCH",
                &format!("/api/v1/webhooks/{id}"),
                Some(&admin),
                Some(json!({"url": format!("{base}/moved")})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.json);
        app.call(
            "POST",
            &format!("/api/v1/webhooks/{id}/test"),
            Some(&admin),
            None,
        )
        .await;
        let run = deliver_due(&app.state, &s).await;
        assert_eq!(run.failed, 1);
        assert_eq!(rx.got().len(), 3, "the redirect target was not called");
        let log = log_of(&app, &admin, id).await;
        assert_eq!(log[0]["last_status_code"], 302);
        assert!(
            log[0]["last_error"].as_str().unwrap().contains("redirect"),
            "{}",
            log[0]
        );

        // Disabled: nothing is queued for it, and the test button says so.
        let r = app
            .call(
                "PATCH",
                &format!("/api/v1/webhooks/{id}"),
                Some(&admin),
                Some(json!({"enabled": false, "url": format!("{base}/in/a")})),
            )
            .await;
        assert_eq!(r.json["enabled"], false, "{}", r.json);
        let r = app
            .call(
                "POST",
                &format!("/api/v1/webhooks/{id}/test"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.json);
        open_case(&app, &admin).await;
        assert_eq!(log_of(&app, &admin, id).await.len(), 4);

        let r = app
            .call(
                "DELETE",
                &format!("/api/v1/webhooks/{id}"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let r = app
            .call("GET", &format!("/api/v1/webhooks/{id}"), Some(&admin), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Every change is audited, and no audit row holds a secret.
        let rows = sqlx::query(
            "SELECT action, COALESCE(before_json, '') AS b, COALESCE(after_json, '') AS a FROM audit_log WHERE entity = 'webhook' ORDER BY id",
        )
        .fetch_all(&app.t.db.pool)
        .await
        .unwrap();
        let mut actions = Vec::new();
        for row in &rows {
            use sqlx::Row;
            let text: String = row.get::<String, _>("b") + &row.get::<String, _>("a");
            assert!(!text.contains(&old[6..]) && !text.contains(&new[6..]));
            actions.push(row.get::<String, _>("action"));
        }
        for action in ["create", "update", "rotate_secret", "test", "delete"] {
            assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
        }
        app.t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_endpoints_are_refused_naming_the_field() {
    for t in TestDb::all().await {
        // Production settings: https and public addresses only.
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        let admin = app.login(ADMIN_A, DEMO_PASSWORD).await;
        let post = |body: Value| app.call("POST", "/api/v1/webhooks", Some(&admin), Some(body));
        for (body, field) in [
            (
                json!({"url": "http://hooks.example.com/in", "events": ["case"]}),
                "url",
            ),
            (
                json!({"url": "https://127.0.0.1/in", "events": ["case"]}),
                "url",
            ),
            (
                json!({"url": "https://localhost:8443/in", "events": ["case"]}),
                "url",
            ),
            (
                json!({"url": "https://10.0.0.7/in", "events": ["case"]}),
                "url",
            ),
            (
                json!({"url": "https://169.254.169.254/latest", "events": ["case"]}),
                "url",
            ),
            (
                json!({"url": "https://[::1]/in", "events": ["case"]}),
                "url",
            ),
            (json!({"url": "not a url", "events": ["case"]}), "url"),
            (
                json!({"url": "https://hooks.example.com/in", "events": []}),
                "events",
            ),
            (
                json!({"url": "https://hooks.example.com/in", "events": ["cases"]}),
                "events",
            ),
            (
                json!({"url": "https://hooks.example.com/in", "events": ["case"], "description": "x".repeat(201)}),
                "description",
            ),
        ] {
            let r = post(body.clone()).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.json);
            assert_eq!(error_code(&r), "invalid");
            assert_eq!(r.json["error"]["field"], field, "{body}: {}", r.json);
        }
        // An unknown field is a 400 too, not a 500.
        let r = post(
            json!({"url": "https://hooks.example.com/in", "events": ["case"], "secret": "mine"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.json);

        let ok =
            post(json!({"url": "https://hooks.example.com/in", "events": ["case", "case"]})).await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.json);
        assert_eq!(ok.json["events"], json!(["case"]));
        let id = ok.json["id"].as_i64().unwrap();
        for (patch, field) in [
            (json!({"url": "https://192.168.0.10/in"}), "url"),
            (json!({"events": ["everything"]}), "events"),
            (json!({"customer_id": 999}), "customer_id"),
        ] {
            let r = app
                .call(
                    "PATCH",
                    &format!("/api/v1/webhooks/{id}"),
                    Some(&admin),
                    Some(patch.clone()),
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{patch}: {}", r.json);
            assert_eq!(r.json["error"]["field"], field, "{patch}: {}", r.json);
        }
        let r = app
            .call(
                "GET",
                &format!("/api/v1/webhooks/{id}/deliveries?limit=0"),
                Some(&admin),
                None,
            )
            .await;
        assert_eq!(r.json["error"]["field"], "limit", "{}", r.json);
        app.t.cleanup().await;
    }
}
