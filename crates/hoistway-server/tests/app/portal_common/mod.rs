//! A tiny in-process "browser" for the portal tests: keeps cookies, follows
//! nothing by itself, reads the CSRF field out of pages.

#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use std::collections::BTreeMap;
use tower::ServiceExt;

pub struct Page {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as sent (a PDF is not text).
    pub bytes: Vec<u8>,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first hidden `_csrf` field.
    pub fn csrf(&self) -> String {
        let marker = "name=\"_csrf\" value=\"";
        let start = self
            .body
            .find(marker)
            .unwrap_or_else(|| panic!("no CSRF field in page: {}", &self.body))
            + marker.len();
        let end = self.body[start..].find('"').unwrap() + start;
        self.body[start..end].to_string()
    }
}

pub struct Browser {
    pub app: Router,
    pub cookies: BTreeMap<String, String>,
}

impl Browser {
    pub fn new(app: Router) -> Self {
        Self {
            app,
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn send(&mut self, req: Request<Body>) -> Page {
        let res = self.app.clone().oneshot(req).await.unwrap();
        for v in res.headers().get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap();
            let first = s.split(';').next().unwrap();
            let (k, val) = first.split_once('=').unwrap();
            let removed = s.contains("Max-Age=0") || val.is_empty();
            if removed {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), val.to_string());
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let req = Request::get(path)
            .header(header::ACCEPT, "text/html")
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    pub async fn post(&mut self, path: &str, pairs: &[(&str, &str)]) -> Page {
        let body = serde_urlencoded::to_string(pairs).unwrap();
        let req = Request::post(path)
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, self.cookie_header())
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Signs in through the form; asserts it worked; returns where it landed.
    pub async fn sign_in(&mut self, email: &str, password: &str) -> String {
        let form = self.get("/signin").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        let csrf = form.csrf();
        let r = self
            .post(
                "/signin",
                &[
                    ("_csrf", &csrf),
                    ("email", email),
                    ("password", password),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "sign-in {email}: {}",
            r.body
        );
        assert!(self.cookies.contains_key("hoistway_session"));
        r.location().to_string()
    }

    /// GET a page and return its CSRF token (for posting a form on it).
    pub async fn csrf_of(&mut self, path: &str) -> String {
        let p = self.get(path).await;
        assert_eq!(p.status, StatusCode::OK, "{path}: {}", p.body);
        p.csrf()
    }
}

/// Runs `body` on the demo data, on SQLite and PostgreSQL.
pub async fn on_both_demos<F, Fut>(body: F)
where
    F: Fn(crate::common::TestApp) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for t in hoistway_store::testing::TestDb::all().await {
        let app = crate::common::TestApp::on(t).await;
        app.seed_demo().await;
        body(app).await;
    }
}

/// A browser signed in as the demo user `email`.
pub async fn signed_in(app: &crate::common::TestApp, email: &str) -> Browser {
    let mut b = Browser::new(app.app.clone());
    b.sign_in(email, hoistway_demo::DEMO_PASSWORD).await;
    b
}
