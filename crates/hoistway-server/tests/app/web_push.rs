//! Web Push against a push service started by the test (a plain HTTP
//! server standing in for FCM or Mozilla's autopush): the delivery job
//! POSTs to the subscription's endpoint with a VAPID `Authorization` that
//! verifies with the server's public key, `Content-Encoding: aes128gcm`
//! and a TTL, and the body decrypts with the browser's private key using
//! Mozilla's `ece` crate (not the library that encrypted it). A push
//! service answering 410 Gone makes the server forget the subscription.
//! Also: the subscription API refuses bad fields by name, and nobody
//! removes another user's subscription.

use crate::common;

use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::TestApp;
use hoistway_app::state::Settings;
use hoistway_app::web_push::WebPushSettings;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_jobs::delivery::{deliver_due, DeliverySettings, Drivers};
use hoistway_store::testing::TestDb;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

const ADMIN: &str = "customer.admin@nordictowers.example";
const OTHER: &str = "customer.admin@rhein-immo.example";

/// One request the push service received: its path, headers and body.
type Got = Arc<Mutex<Vec<(String, HeaderMap, Vec<u8>)>>>;

/// A push service: `/push/{id}` takes a message (201 Created, as RFC 8030
/// says), `/gone/{id}` answers 410 Gone.
async fn push_service() -> (String, Got) {
    let got: Got = Arc::new(Mutex::new(Vec::new()));
    let keep = |status: StatusCode, got: Got| {
        move |Path(id): Path<String>, headers: HeaderMap, body: axum::body::Bytes| {
            let got = got.clone();
            async move {
                got.lock().unwrap().push((id, headers, body.to_vec()));
                status
            }
        }
    };
    let app = axum::Router::new()
        .route(
            "/push/{id}",
            axum::routing::post(keep(StatusCode::CREATED, got.clone())),
        )
        .route(
            "/gone/{id}",
            axum::routing::post(keep(StatusCode::GONE, got.clone())),
        );
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, got)
}

/// The app with plain-HTTP endpoints allowed (the stand-in has no TLS).
async fn app_on(t: TestDb) -> TestApp {
    let settings = Settings {
        body_limit: 64 * 1024,
        web_push: WebPushSettings {
            subject: "mailto:ops@hoistway.example".into(),
            allow_insecure_endpoints: true,
            ..Default::default()
        },
        ..Settings::default()
    };
    let app = TestApp::with_settings(t, settings).await;
    app.seed_demo().await;
    app
}

/// A browser's push keys: Mozilla's ece makes them as Firefox would.
struct BrowserKeys {
    pair: Box<dyn ece::LocalKeyPair>,
    auth: [u8; 16],
}

impl BrowserKeys {
    fn new() -> Self {
        let (pair, auth) = ece::generate_keypair_and_auth_secret().unwrap();
        Self { pair, auth }
    }

    /// `PushSubscription.toJSON()` for `endpoint`.
    fn subscription(&self, endpoint: &str) -> Value {
        json!({
            "endpoint": endpoint,
            "expirationTime": null,
            "keys": {
                "p256dh": URL_SAFE_NO_PAD.encode(self.pair.pub_as_raw().unwrap()),
                "auth": URL_SAFE_NO_PAD.encode(self.auth),
            }
        })
    }

    fn decrypt(&self, body: &[u8]) -> Value {
        let plain = ece::decrypt(&self.pair.raw_components().unwrap(), &self.auth, body).unwrap();
        serde_json::from_slice(&plain).unwrap()
    }
}

/// Makes `token`'s user want `case_created` by push, and opens a case in
/// that user's first building as the operator; returns its number.
async fn case_for(app: &TestApp, token: &str) -> String {
    let prefs = app
        .call(
            "PUT",
            "/api/v1/me/notification-preferences",
            Some(token),
            Some(json!({ "case_created": ["push"] })),
        )
        .await;
    assert_eq!(prefs.status, StatusCode::OK, "{}", prefs.json);
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

fn drivers() -> Drivers {
    Drivers::new(&DeliverySettings::default()).unwrap()
}

#[tokio::test]
async fn a_push_reaches_the_browser_signed_and_encrypted() {
    for t in TestDb::all().await {
        let app = app_on(t).await;
        let (base, got) = push_service().await;
        let admin = app.login(ADMIN, DEMO_PASSWORD).await;

        let key = app
            .call("GET", "/api/v1/push/public-key", Some(&admin), None)
            .await;
        assert_eq!(key.status, StatusCode::OK);
        let public = key.json["public_key"].as_str().unwrap().to_string();
        assert_eq!(URL_SAFE_NO_PAD.decode(&public).unwrap().len(), 65);

        let browser = BrowserKeys::new();
        let endpoint = format!("{base}/push/browser-1");
        let sub = app
            .call(
                "POST",
                "/api/v1/me/push-subscriptions",
                Some(&admin),
                Some(browser.subscription(&endpoint)),
            )
            .await;
        assert_eq!(sub.status, StatusCode::CREATED, "{}", sub.json);
        assert_eq!(sub.json["push_service"], base.as_str());

        let number = case_for(&app, &admin).await;
        let run = deliver_due(&app.state, &drivers()).await;
        assert!(run.delivered >= 1, "{run:?}");

        let got = got.lock().unwrap().clone();
        assert_eq!(got.len(), 1, "one push to the one browser");
        let (id, headers, body) = &got[0];
        assert_eq!(id, "browser-1");
        let header = |name: &str| headers.get(name).unwrap().to_str().unwrap().to_string();
        assert_eq!(header("content-encoding"), "aes128gcm");
        let ttl: u64 = header("ttl").parse().unwrap();
        assert!(ttl > 0 && ttl <= 24 * 3600, "TTL {ttl}");

        // VAPID (RFC 8292): `vapid t=<JWT>, k=<the key the page got>`.
        let authorization = header("authorization");
        let (t, k) = authorization
            .strip_prefix("vapid t=")
            .unwrap()
            .split_once(", k=")
            .unwrap();
        assert_eq!(k, public);
        let (signed, signature) = t.rsplit_once('.').unwrap();
        let vk = VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(k).unwrap()).unwrap();
        let sig = Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
        vk.verify(signed.as_bytes(), &sig)
            .expect("the JWT verifies with the server's public key");
        let part = |i: usize| -> Value {
            serde_json::from_slice(
                &URL_SAFE_NO_PAD
                    .decode(signed.split('.').nth(i).unwrap())
                    .unwrap(),
            )
            .unwrap()
        };
        assert_eq!(part(0)["alg"], "ES256");
        let claims = part(1);
        assert_eq!(claims["aud"], base.as_str(), "the endpoint's origin");
        assert_eq!(claims["sub"], "mailto:ops@hoistway.example");
        let exp = claims["exp"].as_i64().unwrap();
        let now = app.clock_now().timestamp();
        assert!(exp > now && exp <= now + 24 * 3600, "exp {exp} now {now}");

        // RFC 8291: only the browser's private key opens it.
        let message = browser.decrypt(body);
        assert!(
            message["title"].as_str().unwrap().contains(&number),
            "{message}"
        );
        assert_eq!(message["link"], format!("/requests/{number}"));
        assert!(message["body"]
            .as_str()
            .unwrap()
            .contains("Doors reopen at every floor"));

        // Delivered: the outbox row is settled and not sent again.
        app.clock.advance(chrono::Duration::hours(2));
        deliver_due(&app.state, &drivers()).await;
        let inbox = app
            .call("GET", "/api/v1/notifications?limit=500", Some(&admin), None)
            .await;
        let push_rows: Vec<&Value> = inbox.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["channel"] == "push")
            .collect();
        assert_eq!(push_rows.len(), 1);
        assert!(!push_rows[0]["delivered_at"].is_null());
    }
}

#[tokio::test]
async fn a_subscription_the_push_service_calls_gone_is_forgotten() {
    for t in TestDb::all().await {
        let app = app_on(t).await;
        let (base, got) = push_service().await;
        let admin = app.login(ADMIN, DEMO_PASSWORD).await;
        let me = app.call("GET", "/api/v1/me", Some(&admin), None).await;
        let user_id = me.json["id"].as_i64().unwrap();
        let browser = BrowserKeys::new();
        let sub = app
            .call(
                "POST",
                "/api/v1/me/push-subscriptions",
                Some(&admin),
                Some(browser.subscription(&format!("{base}/gone/old-browser"))),
            )
            .await;
        assert_eq!(sub.status, StatusCode::CREATED);
        let sub_id = sub.json["id"].as_i64().unwrap();
        assert_eq!(
            hoistway_store::push::of_user(&app.state.db, user_id)
                .await
                .unwrap()
                .len(),
            1
        );

        case_for(&app, &admin).await;
        let run = deliver_due(&app.state, &drivers()).await;
        assert_eq!(got.lock().unwrap().len(), 1, "the push service was asked");
        assert!(run.failed >= 1, "{run:?}");
        // Nobody took the admin's push: it stays pending, to be retried.
        let inbox = app
            .call("GET", "/api/v1/notifications?limit=500", Some(&admin), None)
            .await;
        let push_row = inbox.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["channel"] == "push")
            .unwrap()
            .clone();
        assert!(push_row["delivered_at"].is_null(), "{push_row}");
        assert!(hoistway_store::push::of_user(&app.state.db, user_id)
            .await
            .unwrap()
            .is_empty());
        // The removal is on the audit trail, as the system's doing.
        let audit: Vec<(Option<i64>, String)> = sqlx::query_as::<_, (Option<i64>, String)>(
            "SELECT actor_user_id, action FROM audit_log WHERE entity = 'push_subscription' AND entity_id = $1 ORDER BY id",
        )
        .bind(sub_id)
        .fetch_all(&app.state.db.pool)
        .await
        .unwrap();
        assert_eq!(
            audit,
            vec![
                (Some(user_id), "subscribe".to_string()),
                (None, "gone".to_string())
            ]
        );

        // The next attempt finds no subscription and asks nobody.
        app.clock.advance(chrono::Duration::minutes(5));
        deliver_due(&app.state, &drivers()).await;
        assert_eq!(got.lock().unwrap().len(), 1);
    }
}

#[tokio::test]
async fn subscriptions_are_checked_and_belong_to_their_user() {
    for t in TestDb::all().await {
        // The default settings: only https endpoints.
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        let admin = app.login(ADMIN, DEMO_PASSWORD).await;
        let other = app.login(OTHER, DEMO_PASSWORD).await;
        let browser = BrowserKeys::new();
        let post = |token: String, body: Value| {
            let app = &app;
            async move {
                app.call(
                    "POST",
                    "/api/v1/me/push-subscriptions",
                    Some(&token),
                    Some(body),
                )
                .await
            }
        };
        let field = |r: &common::Reply| r.json["error"]["field"].as_str().unwrap_or("").to_string();

        let plain = post(
            admin.clone(),
            browser.subscription("http://10.0.0.7/push/1"),
        )
        .await;
        assert_eq!(plain.status, StatusCode::BAD_REQUEST);
        assert_eq!(field(&plain), "endpoint");
        let mut bad_key = browser.subscription("https://push.example/p/1");
        bad_key["keys"]["p256dh"] = json!("AAAA");
        let r = post(admin.clone(), bad_key).await;
        assert_eq!(
            (r.status, field(&r)),
            (StatusCode::BAD_REQUEST, "keys.p256dh".into())
        );
        let mut bad_auth = browser.subscription("https://push.example/p/1");
        bad_auth["keys"]["auth"] = json!("c2hvcnQ");
        let r = post(admin.clone(), bad_auth).await;
        assert_eq!(
            (r.status, field(&r)),
            (StatusCode::BAD_REQUEST, "keys.auth".into())
        );

        let endpoint = "https://push.example/p/admin-phone";
        let ok = post(admin.clone(), browser.subscription(endpoint)).await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.json);
        // Another tenant's user cannot remove it ...
        let theirs = app
            .call(
                "DELETE",
                "/api/v1/me/push-subscriptions",
                Some(&other),
                Some(json!({ "endpoint": endpoint })),
            )
            .await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND);
        // ... its owner can, once.
        for expected in [StatusCode::NO_CONTENT, StatusCode::NOT_FOUND] {
            let mine = app
                .call(
                    "DELETE",
                    "/api/v1/me/push-subscriptions",
                    Some(&admin),
                    Some(json!({ "endpoint": endpoint })),
                )
                .await;
            assert_eq!(mine.status, expected);
        }
        // No key without signing in.
        let anon = app.call("GET", "/api/v1/push/public-key", None, None).await;
        assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    }
}
