//! The portal's notification list through the in-process browser: the
//! bell counts unread notices on every page, `/notifications` lists the
//! viewer's own (linked to the request), marking one or all read needs the
//! form's CSRF field, is audited, and another tenant's user can neither
//! see nor mark them.

use crate::common::TestApp;
use crate::portal_common::Browser;
use axum::http::StatusCode;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::testing::TestDb;
use serde_json::json;

const ADMIN: &str = "customer.admin@nordictowers.example";
const OTHER: &str = "customer.admin@rhein-immo.example";

/// Opens a case on the first elevator `ADMIN` sees, as the operator.
async fn open_case(app: &TestApp, symptoms: &str) -> String {
    let admin = app.login(ADMIN, DEMO_PASSWORD).await;
    let units = app
        .call(
            "GET",
            "/api/v1/units?kind=elevator&limit=1",
            Some(&admin),
            None,
        )
        .await;
    let unit = units.json["items"][0]["id"].as_i64().unwrap();
    let operator = app.login("operator@hoistway.example", DEMO_PASSWORD).await;
    let c = app
        .call(
            "POST",
            "/api/v1/cases",
            Some(&operator),
            Some(json!({"unit_id": unit, "channel": "phone", "symptoms": symptoms})),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.json);
    c.json["number"].as_str().unwrap().to_string()
}

/// The ids of the entries on a list page, in order.
fn entry_ids(body: &str) -> Vec<i64> {
    body.split("data-notice=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap())
        .collect()
}

/// The bell's count as JSON for app.js (which keeps the bell current on
/// live events), and a notice in plain words: what, which request, which
/// unit in which building; no internal priority code.
#[tokio::test]
async fn the_bell_count_reads_as_json_and_notices_speak_plainly() {
    for t in TestDb::all().await {
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        let token = app.login(ADMIN, DEMO_PASSWORD).await;
        let prefs = app
            .call(
                "PUT",
                "/api/v1/me/notification-preferences",
                Some(&token),
                Some(json!({ "case_created": ["email"] })),
            )
            .await;
        assert_eq!(prefs.status, StatusCode::OK);

        let mut b = Browser::new(app.app.clone());
        // Signed out: no count (the sign-in redirect).
        assert_eq!(
            b.get("/notifications/unread").await.status,
            StatusCode::SEE_OTHER
        );
        b.sign_in(ADMIN, DEMO_PASSWORD).await;
        let none = b.get("/notifications/unread").await;
        assert_eq!(none.status, StatusCode::OK);
        let v: serde_json::Value = serde_json::from_str(&none.body).unwrap();
        assert_eq!(
            v,
            json!({"unread": 0, "label": "Notifications, none unread"})
        );

        let number = open_case(&app, "Car stops half a floor low").await;
        let one = b.get("/notifications/unread").await;
        let v: serde_json::Value = serde_json::from_str(&one.body).unwrap();
        assert_eq!(v, json!({"unread": 1, "label": "Notifications, 1 unread"}));

        let sent = app
            .call("GET", "/api/v1/notifications", Some(&token), None)
            .await;
        let subject = sent.json["items"][0]["subject"].as_str().unwrap();
        let words = ["Emergency request", "Urgent request", "Service request"];
        assert!(
            words
                .iter()
                .any(|w| subject.starts_with(&format!("{w} {number} opened for "))),
            "{subject}"
        );
        // "for <unit> · <building>"
        let place = subject.rsplit(" opened for ").next().unwrap();
        assert_eq!(place.split(" · ").count(), 2, "{subject}");
        for code in ["emergency", "urgent", "routine", " case "] {
            assert!(!subject.contains(code), "{subject}");
        }
    }
}

#[tokio::test]
async fn the_bell_counts_and_the_list_marks_read() {
    for t in TestDb::all().await {
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        // The admin hears about new requests (by e-mail): they are listed.
        let token = app.login(ADMIN, DEMO_PASSWORD).await;
        let prefs = app
            .call(
                "PUT",
                "/api/v1/me/notification-preferences",
                Some(&token),
                Some(json!({ "case_created": ["email"] })),
            )
            .await;
        assert_eq!(prefs.status, StatusCode::OK);

        let mut b = Browser::new(app.app.clone());
        b.sign_in(ADMIN, DEMO_PASSWORD).await;
        let home = b.get("/").await;
        assert!(
            home.body.contains("Notifications, none unread"),
            "{}",
            home.body
        );
        assert!(!home.body.contains("data-bell-count"));

        let number = open_case(&app, "Car stops half a floor low").await;
        let home = b.get("/").await;
        assert!(home.body.contains("Notifications, 1 unread"));
        assert!(
            home.body.contains("data-bell-count>1</span>"),
            "{}",
            home.body
        );

        let list = b.get("/notifications").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.body.contains("New service request"));
        assert!(list.body.contains(&format!("href=\"/requests/{number}\"")));
        assert!(list.body.contains("Car stops half a floor low"));
        let ids = entry_ids(&list.body);
        assert_eq!(ids.len(), 1);
        let id = ids[0];

        // Another tenant's admin sees none of it and cannot mark it.
        let mut other = Browser::new(app.app.clone());
        other.sign_in(OTHER, DEMO_PASSWORD).await;
        let theirs = other.get("/notifications").await;
        assert!(entry_ids(&theirs.body).is_empty());
        let csrf = theirs.csrf();
        let refused = other
            .post(&format!("/notifications/{id}/read"), &[("_csrf", &csrf)])
            .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND);

        // Without the form's CSRF field: refused, still unread.
        let forged = b.post(&format!("/notifications/{id}/read"), &[]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert!(b.get("/").await.body.contains("Notifications, 1 unread"));

        let csrf = list.csrf();
        let done = b
            .post(&format!("/notifications/{id}/read"), &[("_csrf", &csrf)])
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(done.location(), "/notifications");
        let after = b.get("/notifications").await;
        assert!(after.body.contains("Marked as read."));
        assert!(after.body.contains("Notifications, none unread"));
        assert_eq!(entry_ids(&after.body), vec![id], "still listed, read");

        let audited: i64 = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'notification' AND entity_id = $1 AND action = 'read'",
        )
        .bind(id)
        .fetch_one(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(audited, 1);

        // Two more, newest first; "mark all" clears the count.
        let second = open_case(&app, "Door sensor fault").await;
        let third = open_case(&app, "Noise in the shaft").await;
        let list = b.get("/notifications").await;
        assert!(list.body.contains("Notifications, 2 unread"));
        let ids = entry_ids(&list.body);
        assert_eq!(ids.len(), 3);
        assert!(ids[0] > ids[1] && ids[1] > ids[2], "{ids:?}");
        let pos = |n: &str| list.body.find(&format!("/requests/{n}\"")).unwrap();
        assert!(pos(&third) < pos(&second));
        let all = b
            .post("/notifications/read-all", &[("_csrf", &list.csrf())])
            .await;
        assert_eq!(all.status, StatusCode::SEE_OTHER);
        let cleared = b.get("/notifications").await;
        assert!(cleared.body.contains("2 notifications marked as read."));
        assert!(cleared.body.contains("Notifications, none unread"));

        // Twenty a page, newest first; older ones behind a link.
        let me = app.call("GET", "/api/v1/me", Some(&token), None).await;
        let user_id = me.json["id"].as_i64().unwrap();
        for i in 0..20 {
            sqlx::query(
                "INSERT INTO inbox (event_key, event, user_id, subject, body, created_at) VALUES ($1, 'invoice_issued', $2, 'Invoice', 'Invoice issued.', $3)",
            )
            .bind(format!("test:{i}"))
            .bind(user_id)
            .bind(app.clock_now().timestamp_millis())
            .execute(&app.state.db.pool)
            .await
            .unwrap();
        }
        let first = b.get("/notifications").await;
        let page = entry_ids(&first.body);
        assert_eq!(page.len(), 20);
        let older = format!("/notifications?before={}", page[19]);
        assert!(first.body.contains(&older), "{}", first.body);
        let next = b.get(&older).await;
        let rest = entry_ids(&next.body);
        assert_eq!(rest.len(), 3);
        assert!(rest.iter().all(|id| *id < page[19]));
        assert!(next.body.contains("Back to the newest"));

        // A bad page cursor is a 400 naming it, not a 500.
        let bad = b.get("/notifications?before=yesterday").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.body.contains("before"));
    }
}
