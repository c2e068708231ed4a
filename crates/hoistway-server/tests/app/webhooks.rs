//! Outgoing webhooks end to end, on SQLite and PostgreSQL, against a real
//! receiver: an axum server on a free port started by the test, which
//! checks every request's Standard Webhooks signature with the secret the
//! API showed once, and answers with the statuses the test scripts.
//!
//! A receiver answering 500 and then 200 shows the backoff and the
//! delivery log; a case of customer A never reaches customer B's endpoint;
//! the test button, rotating the secret, disabling and deleting work;
//! redirects are not followed; bad input and internal addresses are
//! refused naming the field; only admins manage webhooks.

use crate::common::{self, TestApp};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use common::error_code;
use hmac::{Hmac, Mac};
use hoistway_app::state::Settings;
use hoistway_app::webhook_url::WebhookSettings;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_jobs::webhooks::{deliver_due, Sender};
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

const ADMIN_A: &str = "customer.admin@nordictowers.example";
const ADMIN_B: &str = "customer.admin@rhein-immo.example";

/// One request the receiver took.
#[derive(Debug, Clone)]
struct Got {
    path: String,
    id: String,
    timestamp: i64,
    /// The signature verified with the secret the receiver holds.
    verified: bool,
    body: Value,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Got>>>,
    /// The endpoint's secret, as the API showed it.
    secret: Arc<Mutex<String>>,
    /// Statuses to answer, in order; 200 once empty.
    script: Arc<Mutex<VecDeque<u16>>>,
}

impl Receiver {
    fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }
    fn set_secret(&self, s: &str) {
        *self.secret.lock().unwrap() = s.to_string();
    }
    fn answer(&self, statuses: &[u16]) {
        self.script.lock().unwrap().extend(statuses);
    }
}

/// Standard Webhooks verification, written from the convention: any `v1,`
/// signature in the header equal to base64(HMAC-SHA256(key,
/// "{id}.{timestamp}.{body}")), key = base64-decoded secret after `whsec_`.
fn verify(secret: &str, id: &str, timestamp: &str, body: &[u8], header: &str) -> bool {
    let Some(key) = secret
        .strip_prefix("whsec_")
        .and_then(|k| STANDARD.decode(k).ok())
    else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    header
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|sig| sig == expected)
}

async fn take(
    State(r): State<Receiver>,
    Path(path): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> StatusCode {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let secret = r.secret.lock().unwrap().clone();
    let verified = verify(
        &secret,
        &h("webhook-id"),
        &h("webhook-timestamp"),
        &body,
        &h("webhook-signature"),
    );
    r.got.lock().unwrap().push(Got {
        path,
        id: h("webhook-id"),
        timestamp: h("webhook-timestamp").parse().unwrap_or(0),
        verified,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    });
    let status = r.script.lock().unwrap().pop_front().unwrap_or(200);
    StatusCode::from_u16(status).unwrap()
}

/// Starts a receiver on a free port; returns its base URL.
async fn receiver() -> (String, Receiver) {
    let r = Receiver::default();
    let app = axum::Router::new()
        .route("/in/{path}", axum::routing::post(take))
        .route(
            "/moved",
            axum::routing::post(|| async {
                (
                    StatusCode::FOUND,
                    [(axum::http::header::LOCATION, "/in/redirected")],
                )
            }),
        )
        .with_state(r.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, r)
}

/// The demo fleet on an app that allows the local plain-HTTP receiver.
async fn app_on(t: TestDb) -> TestApp {
    let settings = Settings {
        body_limit: 64 * 1024,
        webhooks: WebhookSettings {
            allow_private: true,
        },
        ..Settings::default()
    };
    let app = TestApp::with_settings(t, settings).await;
    app.seed_demo().await;
    app
}

fn sender(app: &TestApp) -> Sender {
    Sender::new(&app.state.settings.webhooks).unwrap()
}

/// Registers an endpoint as `token`; returns (id, secret).
async fn register(app: &TestApp, token: &str, url: &str, events: Value) -> (i64, String) {
    let r = app
        .call(
            "POST",
            "/api/v1/webhooks",
            Some(token),
            Some(json!({"url": url, "events": events, "description": "Our CMMS"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let secret = r.json["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"), "{secret}");
    assert_eq!(STANDARD.decode(&secret[6..]).unwrap().len(), 32);
    (r.json["id"].as_i64().unwrap(), secret)
}

/// Opens a case on the first elevator `token`'s user sees, as the
/// operator; returns its number.
async fn open_case(app: &TestApp, token: &str) -> String {
    let units = app
        .call(
            "GET",
            "/api/v1/units?kind=elevator&limit=1",
            Some(token),
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
            Some(json!({"unit_id": unit, "channel": "phone", "symptoms": "Doors reopen at every floor"})),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.json);
    c.json["number"].as_str().unwrap().to_string()
}

async fn log_of(app: &TestApp, token: &str, id: i64) -> Vec<Value> {
    let r = app
        .call(
            "GET",
            &format!("/api/v1/webhooks/{id}/deliveries"),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    r.json["items"].as_array().unwrap().clone()
}

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
