//! Inspection certificates' renewal notices, on every backend: a unit's
//! certificate coming within 60 days of expiry is announced once, its
//! expiry once more, and a newer certificate ends the notices.

use crate::common::TestApp;
use crate::maintenance::setup;
use axum::http::StatusCode;
use hoistway_domain::Clock;
use hoistway_store::testing::TestDb;
use serde_json::json;

#[tokio::test]
async fn certificates_due_for_renewal_are_announced_once_per_stage() {
    use hoistway_store::maintenance::certificates::notify_expiring;
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let s = setup(&app).await;
        let r = app
            .call(
                "POST",
                "/api/v1/users",
                Some(&s.token),
                Some(json!({"email": "owner@aalto.example", "name": "Owner", "role": "customer_admin",
                            "customer_id": s.customer, "password": "owner password long"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        let owner = app
            .login("owner@aalto.example", "owner password long")
            .await;
        let today = app.clock.now().date_naive();
        let day = |d: i64| (today + chrono::Duration::days(d)).to_string();
        let certify = |unit: i64, issued: String, expires: String| {
            let token = s.token.clone();
            let app = &app;
            async move {
                let r = app
                    .call("POST", "/api/v1/certificates", Some(&token), Some(json!({
                        "unit_id": unit, "authority": "Inspecta", "issued_on": issued, "expires_on": expires,
                        "file_name": "cert.pdf", "content_type": "application/pdf", "content_base64": "JVBERi0xLjQK"})))
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
            }
        };
        // Lift 0 expires in 30 days, lift 1 in 200: only lift 0 is due.
        certify(s.units[0], day(-335), day(30)).await;
        certify(s.units[1], day(-165), day(200)).await;
        let at = |d: i64| hoistway_store::Actor {
            user_id: None,
            at: app.clock.now() + chrono::Duration::days(d),
        };
        let due = |d: i64| today + chrono::Duration::days(d);
        let first = notify_expiring(&app.t.db, at(0), due(0)).await.unwrap();
        assert!(first >= 1, "{label}: announced");
        let again = notify_expiring(&app.t.db, at(1), due(1)).await.unwrap();
        assert_eq!(again, 0, "{label}: once per stage");
        let inbox = |token: String| {
            let app = &app;
            async move {
                let r = app
                    .call("GET", "/api/v1/notifications?limit=100", Some(&token), None)
                    .await;
                r.json["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|n| n["event"] == "certificate_expiring")
                    .map(|n| n["subject"].as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            }
        };
        let seen = inbox(owner.clone()).await;
        assert_eq!(seen.len(), 1, "{label}: {seen:?}");
        assert!(
            seen[0].contains("ken:770") && seen[0].contains(&day(30)),
            "{label}: {seen:?}"
        );

        // Expired: announced once more.
        let expired = notify_expiring(&app.t.db, at(31), due(31)).await.unwrap();
        assert!(expired >= 1, "{label}");
        let seen = inbox(owner.clone()).await;
        assert_eq!(seen.len(), 2, "{label}: {seen:?}");
        assert!(
            seen.iter().any(|s| s.contains("has expired")),
            "{label}: {seen:?}"
        );

        // A newer certificate ends the notices for that unit.
        certify(s.units[0], day(0), day(400)).await;
        let after = notify_expiring(&app.t.db, at(32), due(32)).await.unwrap();
        assert_eq!(after, 0, "{label}: replaced");
    }
}
