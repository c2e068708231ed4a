//! An in-process test harness: the real router on a throwaway database,
//! driven with `oneshot`, on a manual clock.

#![allow(dead_code)]

pub mod desk;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chrono::{TimeZone, Utc};
use hoistway_app::state::{AppState, Settings};
use hoistway_domain::ManualClock;
use hoistway_store::testing::TestDb;
use hoistway_store::Actor;
use http_body_util::BodyExt;
use serde_json::Value;
use std::sync::Arc;
use tower::ServiceExt;

pub struct TestApp {
    pub app: Router,
    pub clock: ManualClock,
    pub state: AppState,
    pub t: TestDb,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub json: Value,
}

impl TestApp {
    pub async fn on(t: TestDb) -> TestApp {
        let settings = Settings {
            body_limit: 64 * 1024,
            ..Settings::default()
        };
        TestApp::with_settings(t, settings).await
    }

    /// An app with its own settings, on the same manual clock start.
    pub async fn with_settings(t: TestDb, settings: Settings) -> TestApp {
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap());
        let state = AppState::new(t.db.clone(), Arc::new(clock.clone()), settings);
        TestApp {
            app: hoistway_server::app(state.clone()),
            clock,
            state,
            t,
        }
    }

    pub fn clock_now(&self) -> chrono::DateTime<Utc> {
        hoistway_domain::Clock::now(&self.clock)
    }

    pub async fn sqlite() -> TestApp {
        TestApp::on(TestDb::sqlite().await).await
    }

    /// Seeds the demo fleet; returns nothing, logins are the demo's.
    pub async fn seed_demo(&self) {
        let actor = Actor {
            user_id: None,
            at: hoistway_domain::Clock::now(&self.clock),
        };
        hoistway_demo::seed(&self.t.db, actor).await.unwrap();
    }

    pub async fn raw(&self, req: Request<Body>) -> Reply {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Reply {
            status,
            headers,
            json,
        }
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.raw(req.body(body).unwrap()).await
    }

    /// `POST /api/v1/telemetry` of an NDJSON `body` as the device of `token`.
    pub async fn post_ndjson(&self, token: &str, body: String) -> Reply {
        let req = Request::builder()
            .method("POST")
            .uri("/api/v1/telemetry")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/x-ndjson")
            .body(Body::from(body))
            .unwrap();
        self.raw(req).await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let r = self
            .call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(serde_json::json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {email}: {}", r.json);
        r.json["token"].as_str().unwrap().to_string()
    }

    /// Creates a provider admin through the store and signs in.
    pub async fn admin_token(&self) -> String {
        let new = hoistway_store::users::NewUser {
            email: hoistway_domain::text::Email::parse("root@hoistway.example").unwrap(),
            name: "Root".into(),
            role: hoistway_domain::Role::ProviderAdmin,
            customer_id: None,
            phone: None,
            password_hash: hoistway_app::auth::hash_password("correct horse battery"),
            portfolio_ids: vec![],
        };
        let actor = Actor {
            user_id: None,
            at: hoistway_domain::Clock::now(&self.clock),
        };
        hoistway_store::users::create(&self.t.db, &hoistway_domain::Scope::All, actor, new)
            .await
            .unwrap();
        self.login("root@hoistway.example", "correct horse battery")
            .await
    }
}

/// Asserts the error shape and returns the code.
pub fn error_code(r: &Reply) -> String {
    let code = r.json["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error shape in {}", r.json));
    assert!(
        r.json["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{}",
        r.json
    );
    code.to_string()
}
