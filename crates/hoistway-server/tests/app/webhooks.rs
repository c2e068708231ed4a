//! Outgoing webhooks end to end, on SQLite and PostgreSQL, against a real
//! receiver: an axum server on a free port started by the test, which
//! checks every request's Standard Webhooks signature with the secret the
//! API showed once, and answers with the statuses the test scripts.
//!
//! A receiver answering 500 and then 200 shows the backoff and the
//! delivery log; a case of customer A never reaches customer B's endpoint;
//! invoices and visits reach only the endpoints that chose them. Managing
//! endpoints is in `webhooks_endpoints.rs`, the receiver in
//! `webhooks_common.rs`.

use axum::http::StatusCode;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_jobs::webhooks::deliver_due;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

use crate::webhooks_common::*;

#[tokio::test]
async fn a_case_change_is_delivered_signed_and_retried_after_a_500() {
    for t in TestDb::all().await {
        let app = app_on(t).await;
        let (base, rx) = receiver().await;
        let admin = app.login(ADMIN_A, DEMO_PASSWORD).await;
        let (id, secret) = register(&app, &admin, &format!("{base}/in/a"), json!(["case"])).await;
        rx.set_secret(&secret);

        // The secret is shown once: no read returns it.
        let one = app
            .call("GET", &format!("/api/v1/webhooks/{id}"), Some(&admin), None)
            .await;
        assert_eq!(one.status, StatusCode::OK);
        assert!(one.json.get("secret").is_none(), "{}", one.json);
        assert_eq!(one.json["events"], json!(["case"]));
        let list = app
            .call("GET", "/api/v1/webhooks", Some(&admin), None)
            .await;
        assert_eq!(list.json["items"].as_array().unwrap().len(), 1);
        assert!(!list.json.to_string().contains(&secret));

        let number = open_case(&app, &admin).await;
        rx.answer(&[500]);
        let s = sender(&app);
        let first = deliver_due(&app.state, &s).await;
        assert_eq!((first.delivered, first.failed), (0, 1));

        let log = log_of(&app, &admin, id).await;
        assert_eq!(log.len(), 1, "{log:?}");
        let d = &log[0];
        assert_eq!(d["status"], "pending");
        assert_eq!(d["event_type"], "case.created");
        assert_eq!(d["attempts"], 1);
        assert_eq!(d["last_status_code"], 500);
        assert!(d["last_error"].as_str().unwrap().contains("500"), "{d}");
        let next: chrono::DateTime<chrono::Utc> =
            serde_json::from_value(d["next_attempt_at"].clone()).unwrap();
        assert_eq!(next - app.clock_now(), chrono::Duration::seconds(10));

        // Not due yet: nothing is sent.
        let early = deliver_due(&app.state, &s).await;
        assert_eq!((early.delivered, early.failed), (0, 0));

        app.clock.advance(chrono::Duration::seconds(11));
        let second = deliver_due(&app.state, &s).await;
        assert_eq!((second.delivered, second.failed), (1, 0));

        let got = rx.got();
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got.iter().all(|g| g.verified), "{got:?}");
        assert_eq!(got[0].id, got[1].id, "the same webhook-id on a retry");
        assert!(got[0].id.starts_with("msg_"));
        assert_eq!(got[1].timestamp, app.clock_now().timestamp());
        let body = &got[1].body;
        assert_eq!(body["type"], "case.created");
        assert_eq!(body["data"]["kind"], "case");
        assert_eq!(body["data"]["object"]["number"], number.as_str());
        let customer = body["data"]["customer_id"].as_i64().unwrap();
        assert_eq!(body["data"]["object"]["customer_id"], customer);

        let log = log_of(&app, &admin, id).await;
        let d = &log[0];
        assert_eq!(d["status"], "delivered");
        assert_eq!(d["attempts"], 2);
        assert!(d["next_attempt_at"].is_null());
        let codes: Vec<Value> = d["attempt_log"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["status_code"].clone())
            .collect();
        assert_eq!(codes, [json!(500), json!(200)]);
        assert_eq!(d["payload"]["type"], "case.created");

        // Delivered once: a further round sends nothing.
        let after = deliver_due(&app.state, &s).await;
        assert_eq!((after.delivered, after.failed), (0, 0));

        // The log forgets settled deliveries after 30 days, never pending ones.
        open_case(&app, &admin).await;
        rx.answer(&[503]);
        deliver_due(&app.state, &s).await;
        let purge = |days: i64| {
            hoistway_store::webhooks::outbox::purge_settled(
                &app.state.db,
                app.clock_now() - chrono::Duration::days(days),
            )
        };
        assert_eq!(purge(30).await.unwrap(), 0);
        app.clock.advance(chrono::Duration::days(31));
        assert_eq!(purge(30).await.unwrap(), 1);
        // (A month later the session has ended: sign in again.)
        let admin = app.login(ADMIN_A, DEMO_PASSWORD).await;
        let left = log_of(&app, &admin, id).await;
        assert_eq!(left.len(), 1, "{left:?}");
        assert_eq!(left[0]["status"], "pending");
        app.t.cleanup().await;
    }
}

#[tokio::test]
async fn a_customers_events_never_reach_another_customers_endpoint() {
    for t in TestDb::all().await {
        let app = app_on(t).await;
        let (base, rx) = receiver().await;
        let a = app.login(ADMIN_A, DEMO_PASSWORD).await;
        let b = app.login(ADMIN_B, DEMO_PASSWORD).await;
        let (a_id, a_secret) = register(
            &app,
            &a,
            &format!("{base}/in/a"),
            json!(["case", "visit", "finding", "invoice"]),
        )
        .await;
        let (b_id, _) = register(
            &app,
            &b,
            &format!("{base}/in/b"),
            json!(["case", "visit", "finding", "invoice"]),
        )
        .await;
        rx.set_secret(&a_secret);

        open_case(&app, &a).await;
        deliver_due(&app.state, &sender(&app)).await;
        let got = rx.got();
        assert!(!got.is_empty());
        assert!(got.iter().all(|g| g.path == "a"), "{got:?}");
        assert!(log_of(&app, &b, b_id).await.is_empty());

        // B cannot see, change, test or read the log of A's endpoint.
        for (method, path, body) in [
            ("GET", format!("/api/v1/webhooks/{a_id}"), None),
            (
                "PATCH",
                format!("/api/v1/webhooks/{a_id}"),
                Some(json!({"enabled": false})),
            ),
            ("DELETE", format!("/api/v1/webhooks/{a_id}"), None),
            ("POST", format!("/api/v1/webhooks/{a_id}/test"), None),
            (
                "POST",
                format!("/api/v1/webhooks/{a_id}/rotate-secret"),
                None,
            ),
            ("GET", format!("/api/v1/webhooks/{a_id}/deliveries"), None),
        ] {
            let r = app.call(method, &path, Some(&b), body).await;
            assert_eq!(
                r.status,
                StatusCode::NOT_FOUND,
                "{method} {path}: {}",
                r.json
            );
        }
        let b_list = app.call("GET", "/api/v1/webhooks", Some(&b), None).await;
        let ids: Vec<i64> = b_list.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, [b_id]);
        // Nor register one for A.
        let a_customer = app
            .call("GET", &format!("/api/v1/webhooks/{a_id}"), Some(&a), None)
            .await
            .json["customer_id"]
            .as_i64()
            .unwrap();
        let r = app
            .call(
                "POST",
                "/api/v1/webhooks",
                Some(&b),
                Some(json!({"customer_id": a_customer, "url": format!("{base}/in/b"), "events": ["case"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.json);

        // Other roles: 403, even in their own customer.
        for login in [
            "property.manager@nordictowers.example",
            "finance@nordictowers.example",
            "operator@hoistway.example",
        ] {
            let token = app.login(login, DEMO_PASSWORD).await;
            let r = app
                .call("GET", "/api/v1/webhooks", Some(&token), None)
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{login}: {}", r.json);
            let r = app
                .call(
                    "POST",
                    &format!("/api/v1/webhooks/{a_id}/test"),
                    Some(&token),
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{login}: {}", r.json);
        }
        // The provider admin manages any customer's, naming the customer.
        let root = app
            .login("provider.admin@hoistway.example", DEMO_PASSWORD)
            .await;
        let all = app.call("GET", "/api/v1/webhooks", Some(&root), None).await;
        assert_eq!(all.json["items"].as_array().unwrap().len(), 2);
        let r = app
            .call(
                "POST",
                "/api/v1/webhooks",
                Some(&root),
                Some(json!({"url": format!("{base}/in/c"), "events": ["case"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.json);
        assert_eq!(r.json["error"]["field"], "customer_id");
        let r = app
            .call(
                "POST",
                "/api/v1/webhooks",
                Some(&root),
                Some(json!({"customer_id": a_customer, "url": format!("{base}/in/c"), "events": ["case"]})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
        app.t.cleanup().await;
    }
}

#[tokio::test]
async fn invoices_and_visits_reach_only_the_endpoints_that_chose_them() {
    for t in TestDb::all().await {
        let app = app_on(t).await;
        let (base, rx) = receiver().await;
        let a = app.login(ADMIN_A, DEMO_PASSWORD).await;
        let b = app.login(ADMIN_B, DEMO_PASSWORD).await;
        let (_, secret) =
            register(&app, &a, &format!("{base}/in/invoices"), json!(["invoice"])).await;
        let (visits_id, _) =
            register(&app, &a, &format!("{base}/in/visits"), json!(["visit"])).await;
        register(
            &app,
            &b,
            &format!("{base}/in/b"),
            json!(["invoice", "visit"]),
        )
        .await;
        rx.set_secret(&secret);

        // A case: neither of A's endpoints chose cases.
        open_case(&app, &a).await;
        assert_eq!(deliver_due(&app.state, &sender(&app)).await.delivered, 0);

        // An invoice on one of A's contracts, written by the provider.
        let contracts = app
            .call("GET", "/api/v1/contracts?limit=1", Some(&a), None)
            .await;
        let contract = contracts.json["items"][0]["id"].as_i64().unwrap();
        let root = app
            .login("provider.admin@hoistway.example", DEMO_PASSWORD)
            .await;
        let inv = app
            .call(
                "POST",
                "/api/v1/invoices",
                Some(&root),
                Some(json!({
                    "contract_id": contract, "number": "INV-WEBHOOK-1", "period_start": "2020-01-01", "period_end": "2020-01-31",
                    "amount": 1250.0, "issued_on": "2026-11-01", "due_on": "2026-11-30"
                })),
            )
            .await;
        assert_eq!(inv.status, StatusCode::CREATED, "{}", inv.json);

        // A visit of A's, annotated by the care center.
        let visits = app
            .call("GET", "/api/v1/visits?limit=1", Some(&a), None)
            .await;
        let visit = visits.json["items"][0]["id"].as_i64().unwrap();
        let operator = app.login("operator@hoistway.example", DEMO_PASSWORD).await;
        let v = app
            .call(
                "PATCH",
                &format!("/api/v1/visits/{visit}"),
                Some(&operator),
                Some(json!({"notes": "Gate code 4711"})),
            )
            .await;
        assert_eq!(v.status, StatusCode::OK, "{}", v.json);

        let run = deliver_due(&app.state, &sender(&app)).await;
        assert_eq!(run.delivered, 2, "{run:?}");
        let got = rx.got();
        let paths: Vec<&str> = got.iter().map(|g| g.path.as_str()).collect();
        assert_eq!(paths.len(), 2, "{paths:?}");
        assert!(
            paths.contains(&"invoices") && paths.contains(&"visits"),
            "{paths:?}"
        );
        let invoice = got.iter().find(|g| g.path == "invoices").unwrap();
        assert!(invoice.verified);
        assert_eq!(invoice.body["type"], "invoice.created");
        assert_eq!(invoice.body["data"]["object"]["amount"], 1250.0);
        let visit_msg = got.iter().find(|g| g.path == "visits").unwrap();
        assert_eq!(visit_msg.body["type"], "visit.updated");
        assert_eq!(visit_msg.body["data"]["id"], visit);
        assert_eq!(log_of(&app, &a, visits_id).await.len(), 1);
        app.t.cleanup().await;
    }
}
