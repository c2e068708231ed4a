//! Issue #18 defects 7 and 13: over TLS every cookie is `Secure` and the
//! answer carries HSTS; `X-Forwarded-For` counts only from a trusted
//! proxy; the KONE token endpoint is throttled like sign-in.

use crate::common;
use crate::kone_common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use common::TestApp;
use hoistway_app::state::Settings;
use hoistway_app::transport::{parse_proxies, OverTls};
use hoistway_store::testing::TestDb;
use std::net::SocketAddr;

fn login_request(password: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri("/api/v1/auth/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(format!(
            r#"{{"email":"root@hoistway.example","password":"{password}"}}"#
        )))
        .unwrap()
}

fn cookies(headers: &axum::http::HeaderMap) -> Vec<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn over_tls_cookies_are_secure_and_hsts_is_sent_and_not_over_plain_http() {
    let app = TestApp::sqlite().await;
    app.admin_token().await;

    let plain = app.raw(login_request("correct horse battery")).await;
    assert_eq!(plain.status, StatusCode::OK);
    assert!(plain
        .headers
        .get(header::STRICT_TRANSPORT_SECURITY)
        .is_none());
    let set = cookies(&plain.headers);
    assert!(!set.is_empty());
    assert!(set.iter().all(|c| !c.contains("Secure")), "{set:?}");

    let mut req = login_request("correct horse battery");
    req.extensions_mut().insert(OverTls);
    let tls = app.raw(req).await;
    assert_eq!(tls.status, StatusCode::OK);
    assert_eq!(
        tls.headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000"
    );
    let set = cookies(&tls.headers);
    assert!(set.len() >= 2, "session and CSRF cookies: {set:?}");
    assert!(
        set.iter()
            .all(|c| c.ends_with("; Secure") || c.contains("; Secure;")),
        "{set:?}"
    );
}

async fn failed_login_from(app: &TestApp, peer: &str, forwarded: Option<&str>) {
    let mut req = login_request("wrong password");
    req.extensions_mut()
        .insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    if let Some(f) = forwarded {
        req.headers_mut()
            .insert("x-forwarded-for", f.parse().unwrap());
    }
    assert_eq!(app.raw(req).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn forwarded_for_counts_only_from_a_trusted_proxy() {
    let settings = Settings {
        trusted_proxies: parse_proxies("10.0.0.1").unwrap(),
        ..Settings::default()
    };
    let app = TestApp::with_settings(TestDb::sqlite().await, settings).await;
    app.admin_token().await;
    let now = app.clock_now();
    let failed = |key: &str| app.state.throttle.locked_for(key, 1, now).is_some();

    failed_login_from(&app, "10.0.0.1:4000", Some("198.51.100.7")).await;
    assert!(
        failed("address:198.51.100.7"),
        "the client behind the proxy"
    );
    assert!(!failed("address:10.0.0.1"), "not the proxy");

    failed_login_from(&app, "203.0.113.9:4000", Some("198.51.100.99")).await;
    assert!(failed("address:203.0.113.9"), "a direct client is itself");
    assert!(
        !failed("address:198.51.100.99"),
        "its header is not believed"
    );
}

#[tokio::test]
async fn the_kone_token_endpoint_locks_a_client_id_after_repeated_failures() {
    let app = TestApp::sqlite().await;
    let admin = app.admin_token().await;
    let f = kone_common::fixture(&app, &admin).await;
    for _ in 0..hoistway_app::throttle::PER_ACCOUNT {
        let r = kone_common::token(
            &app,
            &f.client_id,
            "not the secret",
            "application/inventory",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = kone_common::token(&app, &f.client_id, &f.secret, "application/inventory").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.json);
    app.clock.advance(chrono::Duration::minutes(
        hoistway_app::throttle::WINDOW_MINUTES + 1,
    ));
    let r = kone_common::token(&app, &f.client_id, &f.secret, "application/inventory").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
}
