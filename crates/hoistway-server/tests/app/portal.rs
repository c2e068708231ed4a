//! The portal in-process: sign-in and sign-out, CSRF refusal, security
//! headers, role landing pages and gating, tenancy 404s, and every
//! customer page rendering with its key content.

use crate::common;
use crate::portal_common;

use axum::http::{header, StatusCode};
use common::TestApp;
use hoistway_demo::DEMO_PASSWORD;
use portal_common::Browser;

const ADMIN: &str = "customer.admin@nordictowers.example";

async fn demo() -> TestApp {
    let app = TestApp::sqlite().await;
    app.seed_demo().await;
    app
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_and_back() {
    let app = demo().await;
    let mut b = Browser::new(app.app.clone());
    let r = b.get("/?tab=a&b=c").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/signin?next=%2F%3Ftab%3Da%26b%3Dc");

    let form = b.get("/signin?next=/documents").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("<form"), "{}", form.body);
    assert!(form.body.contains("name=\"next\" value=\"/documents\""));
    let csrf = form.csrf();
    let r = b
        .post(
            "/signin",
            &[
                ("_csrf", &csrf),
                ("email", ADMIN),
                ("password", DEMO_PASSWORD),
                ("next", "/documents"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/documents");
    let set: Vec<_> = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = set
        .iter()
        .find(|c| c.starts_with("hoistway_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
}

#[tokio::test]
async fn a_wrong_password_shows_the_form_again_and_an_open_redirect_is_refused() {
    let app = demo().await;
    let mut b = Browser::new(app.app.clone());
    let csrf = b.csrf_of("/signin").await;
    let r = b
        .post(
            "/signin",
            &[
                ("_csrf", &csrf),
                ("email", ADMIN),
                ("password", "nope"),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("do not match"), "{}", r.body);
    assert!(!b.cookies.contains_key("hoistway_session"));

    let csrf = r.csrf();
    let r = b
        .post(
            "/signin",
            &[
                ("_csrf", &csrf),
                ("email", ADMIN),
                ("password", DEMO_PASSWORD),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        "/",
        "a foreign next is replaced by the landing page"
    );
}

#[tokio::test]
async fn sign_in_is_throttled_like_the_api() {
    let app = demo().await;
    let mut b = Browser::new(app.app.clone());
    let mut last = StatusCode::OK;
    for _ in 0..6 {
        let csrf = b.csrf_of("/signin").await;
        last = b
            .post(
                "/signin",
                &[("_csrf", &csrf), ("email", ADMIN), ("password", "wrong")],
            )
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // The API refuses the same account too: one throttle.
    let r = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({"email": ADMIN, "password": DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn forms_without_the_csrf_field_are_refused() {
    let app = demo().await;
    let mut b = Browser::new(app.app.clone());
    // Sign-in form: the double-submit cookie must match.
    b.get("/signin").await;
    let r = b
        .post(
            "/signin",
            &[
                ("_csrf", "forged"),
                ("email", ADMIN),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Form expired"), "{}", r.body);

    b.sign_in(ADMIN, DEMO_PASSWORD).await;
    let r = b.post("/signout", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Form expired"));
    // Still signed in.
    assert_eq!(b.get("/").await.status, StatusCode::OK);

    let csrf = b.csrf_of("/").await;
    let r = b.post("/signout", &[("_csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/signin");
    let page = b.get("/signin").await;
    assert!(
        page.body.contains("You have signed out."),
        "flash shown once"
    );
    let again = b.get("/signin").await;
    assert!(
        !again.body.contains("You have signed out."),
        "and only once"
    );
    assert_eq!(
        b.get("/").await.status,
        StatusCode::SEE_OTHER,
        "session ended"
    );
}

#[tokio::test]
async fn every_page_has_a_strict_csp_and_no_inline_script_or_style() {
    let app = demo().await;
    let mut b = Browser::new(app.app.clone());
    b.sign_in(ADMIN, DEMO_PASSWORD).await;
    for path in ["/", "/signin", "/no/such/page"] {
        let p = b.get(path).await;
        let csp = p
            .headers
            .get(header::CONTENT_SECURITY_POLICY)
            .unwrap_or_else(|| panic!("{path}: no CSP"))
            .to_str()
            .unwrap();
        assert!(csp.contains("default-src 'self'") && csp.contains("script-src 'self'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!p.body.contains("style="), "{path}: inline style");
        assert!(!p.body.contains("<script>"), "{path}: inline script");
        assert!(!p.body.contains("<style"), "{path}: inline style element");
    }
    let missing = b.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Not found"));
}

#[tokio::test]
async fn assets_are_served_with_long_cache_and_the_worker_at_the_root() {
    let app = demo().await;
    let mut b = Browser::new(app.app.clone());
    let css = hoistway_portal::assets::url("app.css");
    let r = b.get(&css).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("immutable"));
    assert!(r.body.contains("--accent"));
    let sw = b.get("/sw.js").await;
    assert_eq!(sw.status, StatusCode::OK);
    assert!(
        sw.body.contains(&css),
        "the worker pre-caches this build's assets"
    );
    assert!(!sw.body.contains("__ASSETS__"));
    let m = b.get("/manifest.webmanifest").await;
    let manifest: serde_json::Value = serde_json::from_str(&m.body).unwrap();
    assert_eq!(manifest["display"], "standalone");
    assert_eq!(manifest["start_url"], "/");
    assert_eq!(b.get("/assets/nope.js").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn roles_land_on_their_own_start_pages() {
    let app = demo().await;
    for (email, landing) in [
        ("operator@hoistway.example", "/desk"),
        ("provider.admin@hoistway.example", "/desk"),
        ("finance@nordictowers.example", "/documents"),
        ("front.desk@nordictowers.example", "/"),
        (ADMIN, "/"),
    ] {
        let mut b = Browser::new(app.app.clone());
        assert_eq!(b.sign_in(email, DEMO_PASSWORD).await, landing, "{email}");
        let r = b.get(landing).await;
        assert_ne!(r.status, StatusCode::INTERNAL_SERVER_ERROR, "{email}");
    }
    // A technician's landing page.
    let techs = hoistway_store::users::list(
        &app.t.db,
        &hoistway_domain::Scope::All,
        &hoistway_store::ListFilter {
            role: Some("technician".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let tech = &techs.items[0];
    let mut b = Browser::new(app.app.clone());
    assert_eq!(b.sign_in(tech.email.as_str(), DEMO_PASSWORD).await, "/tech");
    // Staff pages are not for customers.
    let mut c = Browser::new(app.app.clone());
    c.sign_in(ADMIN, DEMO_PASSWORD).await;
    assert_eq!(c.get("/desk").await.status, StatusCode::FORBIDDEN);
}
