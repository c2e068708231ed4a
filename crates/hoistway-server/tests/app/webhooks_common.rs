//! The webhook tests' receiver and helpers: an axum server on a free port
//! that checks each request's Standard Webhooks signature and answers with
//! the statuses a test scripts, plus registering endpoints, opening cases
//! and reading the delivery log.
#![allow(dead_code)]

use crate::common::TestApp;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use hoistway_app::state::Settings;
use hoistway_app::webhook_url::WebhookSettings;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_jobs::webhooks::Sender;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

pub const ADMIN_A: &str = "customer.admin@nordictowers.example";
pub const ADMIN_B: &str = "customer.admin@rhein-immo.example";

/// One request the receiver took.
#[derive(Debug, Clone)]
pub struct Got {
    pub path: String,
    pub id: String,
    pub timestamp: i64,
    /// The signature verified with the secret the receiver holds.
    pub verified: bool,
    pub body: Value,
}

#[derive(Clone, Default)]
pub struct Receiver {
    pub got: Arc<Mutex<Vec<Got>>>,
    /// The endpoint's secret, as the API showed it.
    secret: Arc<Mutex<String>>,
    /// Statuses to answer, in order; 200 once empty.
    script: Arc<Mutex<VecDeque<u16>>>,
}

impl Receiver {
    pub fn got(&self) -> Vec<Got> {
        self.got.lock().unwrap().clone()
    }
    pub fn set_secret(&self, s: &str) {
        *self.secret.lock().unwrap() = s.to_string();
    }
    pub fn answer(&self, statuses: &[u16]) {
        self.script.lock().unwrap().extend(statuses);
    }
}

/// Standard Webhooks verification, written from the convention: any `v1,`
/// signature in the header equal to base64(HMAC-SHA256(key,
/// "{id}.{timestamp}.{body}")), key = base64-decoded secret after `whsec_`.
pub fn verify(secret: &str, id: &str, timestamp: &str, body: &[u8], header: &str) -> bool {
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

pub async fn take(
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
pub async fn receiver() -> (String, Receiver) {
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
pub async fn app_on(t: TestDb) -> TestApp {
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

pub fn sender(app: &TestApp) -> Sender {
    Sender::new(&app.state.settings.webhooks).unwrap()
}

/// Registers an endpoint as `token`; returns (id, secret).
pub async fn register(app: &TestApp, token: &str, url: &str, events: Value) -> (i64, String) {
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
pub async fn open_case(app: &TestApp, token: &str) -> String {
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

pub async fn log_of(app: &TestApp, token: &str, id: i64) -> Vec<Value> {
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
