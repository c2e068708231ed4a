//! The residents' remote-call app (`/` for a resident) on every backend.
//! The page offers only the buildings and floors of the resident's grants;
//! the call API it talks to with the portal's session cookie takes that
//! cookie only with the session's CSRF header, still refuses floors outside
//! the grants when a request is crafted by hand, answers another
//! customer's building as missing, streams the call's events to the
//! cookie's owner and cancels with the header only.

use crate::common::TestApp;
use crate::portal_common::Browser;
use crate::remote_common::{app, grant, world, PASSWORD};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hoistway_portal::strings::EN;
use hoistway_store::testing::TestDb;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::time::Duration;
use tower::ServiceExt;

/// A request with the browser's cookies (no bearer token), and the CSRF
/// header when given.
async fn with_cookies(
    app: &TestApp,
    b: &Browser,
    method: &str,
    path: &str,
    csrf: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let cookies: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::COOKIE, cookies.join("; "));
    if let Some(t) = csrf {
        req = req.header("x-csrf-token", t);
    }
    let body = match body {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let r = app.raw(req.body(body).unwrap()).await;
    (r.status, r.json)
}

/// Every value of `attr="…"` in the page, in order.
fn attr_values(page: &str, attr: &str) -> Vec<String> {
    let marker = format!("{attr}=\"");
    page.match_indices(&marker)
        .map(|(i, _)| {
            let rest = &page[i + marker.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

#[tokio::test]
async fn the_page_offers_the_granted_floors_and_the_api_holds_them_with_csrf() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = app(t).await;
        let admin = app.admin_token().await;
        let w = world(&app, &admin, "app").await;
        let other = world(&app, &admin, "elsewhere").await;
        let (_, ca) = w.user("ca");
        let (r1, _) = w.user("r1");
        // floors -1..=8: 2000 the entrance (E), 2010 its rear door, 3000
        // floor 1, 7000 floor 5; floor 8 (10000) is not granted.
        grant(&app, ca, w.building, r1, Some(vec![2000, 2010, 3000, 7000])).await;
        // A grant on a building whose lifts have no topology yet.
        grant(&app, ca, w.bare_building, r1, None).await;

        let mut b = Browser::new(app.app.clone());
        let landed = b.sign_in("r1.app@remote.example", PASSWORD).await;
        assert_eq!(landed, "/", "{label}");
        let page = b.get("/").await;
        assert_eq!(page.status, StatusCode::OK, "{label}: {}", page.body);
        let body = &page.body;
        assert!(body.contains(EN.resident.title), "{label}");
        assert!(body.contains(EN.resident.privacy_heading), "{label}");
        assert!(!body.contains("mobile app"), "the placeholder is gone");
        assert!(body.contains("Residence app"), "{label}");
        assert!(
            !body.contains("elsewhere"),
            "{label}: another customer shows"
        );
        assert!(
            body.contains(&(EN.resident.not_set_up)("Annex app")),
            "{label}: the building without remote call is named, not offered"
        );
        assert!(
            !body.contains("id=\"rc-building\""),
            "{label}: one building, no picker"
        );
        // Only the granted areas, as destinations and as start floors.
        let mut offered = attr_values(body, "data-area");
        offered.sort();
        assert_eq!(offered, ["2000", "2010", "3000", "7000"], "{label}");
        assert!(body.contains("E · rear door"), "{label}");
        assert!(body.contains(">Floor 5<"), "{label}");
        assert!(
            body.contains(r#"<option value="2000" data-floor="0" selected>"#),
            "{label}: the entrance is the default start"
        );
        // The script gets the session's CSRF token, as forms do.
        let csrf = b.cookies["hoistway_csrf"].clone();
        assert_eq!(
            attr_values(body, "data-csrf"),
            vec![csrf.as_str()],
            "{label}"
        );

        let calls = format!("/api/v1/buildings/{}/calls", w.building);
        let to5 = json!({"from_area": 2000, "to_area": 7000});
        // The cookie alone, or with a wrong token, changes nothing.
        for token in [None, Some("not-the-token")] {
            let (status, j) =
                with_cookies(&app, &b, "POST", &calls, token, Some(to5.clone())).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{label}: {j}");
        }
        // Every floor the page offers is one the API accepts.
        for to in ["2010", "3000", "7000"] {
            let from = if to == "2010" { 3000 } else { 2000 };
            let to: u32 = to.parse().unwrap();
            let (status, j) = with_cookies(
                &app,
                &b,
                "POST",
                &calls,
                Some(&csrf),
                Some(json!({"from_area": from, "to_area": to})),
            )
            .await;
            assert_eq!(status, StatusCode::CREATED, "{label}: {j}");
            assert_ne!(j["state"], "cancelled", "{label}: {to}: {j}");
        }
        // A crafted request to a floor outside the grants is refused by
        // the building, like any client's.
        let (status, j) = with_cookies(
            &app,
            &b,
            "POST",
            &calls,
            Some(&csrf),
            Some(json!({"from_area": 2000, "to_area": 10000})),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {j}");
        assert_eq!(
            (j["state"].as_str(), j["reason"].as_str(), &j["id"]),
            (Some("cancelled"), Some("access_denied"), &Value::Null),
            "{label}"
        );
        let (_, j) = with_cookies(
            &app,
            &b,
            "POST",
            &calls,
            Some(&csrf),
            Some(json!({"area": 10000, "direction": "down"})),
        )
        .await;
        assert_eq!(j["reason"], "access_denied", "{label}: {j}");
        // Another customer's building, and one without a grant, are missing.
        for building in [other.building, w.bare_building] {
            let (status, j) = with_cookies(
                &app,
                &b,
                "POST",
                &format!("/api/v1/buildings/{building}/calls"),
                Some(&csrf),
                Some(to5.clone()),
            )
            .await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{label}: {j}");
        }

        // A call placed the page's way is followed and cancelled its way.
        let (status, placed) =
            with_cookies(&app, &b, "POST", &calls, Some(&csrf), Some(to5.clone())).await;
        assert_eq!(status, StatusCode::CREATED, "{label}: {placed}");
        let events = placed["events"].as_str().unwrap().to_string();
        let first = first_event(&app, &b, &events).await;
        assert_eq!(first["state"], "created", "{label}: {first}");
        let cancel = format!("{calls}/{}", placed["id"]);
        let (status, _) = with_cookies(&app, &b, "DELETE", &cancel, None, None).await;
        assert_eq!(
            status,
            StatusCode::FORBIDDEN,
            "{label}: cancel needs the header"
        );
        let (status, j) = with_cookies(&app, &b, "DELETE", &cancel, Some(&csrf), None).await;
        assert_eq!(status, StatusCode::OK, "{label}: {j}");
        assert_eq!(j["reason"], "by_caller");
        app.t.cleanup().await;
    }
}

/// The first `call` event of a stream opened with the browser's cookies.
async fn first_event(app: &TestApp, b: &Browser, path: &str) -> Value {
    let cookies: Vec<String> = b.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let req = Request::get(path)
        .header(header::COOKIE, cookies.join("; "))
        .body(Body::empty())
        .unwrap();
    let res = app.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    let mut buf = String::new();
    loop {
        if let Some(end) = buf.find("\n\n") {
            let block = &buf[..end];
            if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) {
                assert!(block.contains("event: call"), "{block}");
                return serde_json::from_str(data).unwrap();
            }
            buf.drain(..end + 2);
            continue;
        }
        let frame = tokio::time::timeout(Duration::from_secs(10), body.frame())
            .await
            .expect("an event within 10 s")
            .expect("the stream stays open")
            .unwrap();
        if let Ok(data) = frame.into_data() {
            buf.push_str(&String::from_utf8_lossy(&data));
        }
    }
}

#[tokio::test]
async fn residents_without_access_and_other_roles_get_no_call_page() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = app(t).await;
        let admin = app.admin_token().await;
        let w = world(&app, &admin, "none").await;
        let (_, ca) = w.user("ca");
        let (r1, _) = w.user("r1");
        let g = grant(&app, ca, w.building, r1, Some(vec![2000, 7000])).await;

        // A resident without a grant is told how to get one.
        let mut b = Browser::new(app.app.clone());
        b.sign_in("r2.none@remote.example", PASSWORD).await;
        let page = b.get("/").await;
        assert_eq!(page.status, StatusCode::OK, "{label}");
        assert!(page.body.contains(EN.resident.no_access_title), "{label}");
        assert!(!page.body.contains("data-rc"), "{label}");

        // A revoked grant takes the building off the page at once.
        let mut b = Browser::new(app.app.clone());
        b.sign_in("r1.none@remote.example", PASSWORD).await;
        assert!(b.get("/").await.body.contains("data-area=\"7000\""));
        let r = app
            .call(
                "DELETE",
                &format!("/api/v1/access-grants/{}", g["id"]),
                Some(ca),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let page = b.get("/").await;
        assert!(page.body.contains(EN.resident.no_access_title), "{label}");
        assert!(!page.body.contains("data-area="), "{label}");

        // Two buildings with remote call: the resident picks one.
        let r = app
            .call(
                "PUT",
                &format!("/api/v1/buildings/{}/topology", w.bare_building),
                Some(&admin),
                Some(crate::remote_common::residential()),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        grant(&app, ca, w.building, r1, Some(vec![2000, 7000])).await;
        grant(&app, ca, w.bare_building, r1, Some(vec![2000, 4000])).await;
        let page = b.get("/").await;
        assert!(page.body.contains("id=\"rc-building\""), "{label}");
        assert_eq!(
            attr_values(&page.body, "data-building"),
            // By name: "Annex …" before "Residence …".
            [w.bare_building.to_string(), w.building.to_string()],
            "{label}"
        );
        let mut offered = attr_values(&page.body, "data-area");
        offered.sort();
        assert_eq!(offered, ["2000", "2000", "4000", "7000"], "{label}");

        // Facility users keep their overview.
        let mut b = Browser::new(app.app.clone());
        b.sign_in("pm.none@remote.example", PASSWORD).await;
        let page = b.get("/").await;
        assert_eq!(page.status, StatusCode::OK, "{label}");
        assert!(!page.body.contains(EN.resident.title), "{label}");
        app.t.cleanup().await;
    }
}
