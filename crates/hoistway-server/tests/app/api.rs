//! The REST API in-process: fixed shapes, sign-in, CSRF, throttling,
//! idempotency, error shapes and roles.

use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{error_code, TestApp};
use serde_json::json;

async fn fleet(app: &TestApp, token: &str) -> (i64, i64, i64) {
    let c = app
        .call(
            "POST",
            "/api/v1/customers",
            Some(token),
            Some(json!({"name": "Acme Estates"})),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.json);
    let customer = c.json["id"].as_i64().unwrap();
    let b = app
        .call(
            "POST",
            "/api/v1/buildings",
            Some(token),
            Some(json!({"customer_id": customer, "name": "Acme One", "address": "Main St 1", "country": "FI", "timezone": "Europe/Helsinki"})),
        )
        .await;
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.json);
    let building = b.json["id"].as_i64().unwrap();
    let u = app
        .call(
            "POST",
            "/api/v1/units",
            Some(token),
            Some(json!({"building_id": building, "kind": "elevator", "equipment_number": "ken:123456"})),
        )
        .await;
    assert_eq!(u.status, StatusCode::CREATED, "{}", u.json);
    assert_eq!(u.json["equipment_number"], "ken:123456");
    (customer, building, u.json["id"].as_i64().unwrap())
}

#[tokio::test]
async fn fixed_shapes_round_trip() {
    let app = TestApp::sqlite().await;
    let token = app.admin_token().await;
    let (customer, _, unit) = fleet(&app, &token).await;

    let got = app
        .call("GET", &format!("/api/v1/units/{unit}"), Some(&token), None)
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.json["id"], unit);
    let list = app.call("GET", "/api/v1/units", Some(&token), None).await;
    assert_eq!(list.json["items"].as_array().unwrap().len(), 1);
    assert!(
        list.json.get("next_cursor").is_some(),
        "next_cursor must be present (null on the last page)"
    );

    let contract = app
        .call(
            "POST",
            "/api/v1/contracts",
            Some(&token),
            Some(json!({"customer_id": customer, "tier": "comprehensive", "billing_interval": "annual", "start_date": "2026-01-01", "unit_ids": [unit]})),
        )
        .await;
    assert_eq!(contract.status, StatusCode::CREATED, "{}", contract.json);
    assert!(contract.json["id"].as_i64().is_some());
    assert_eq!(contract.json["unit_ids"], json!([unit]));

    let patched = app
        .call(
            "PATCH",
            &format!("/api/v1/units/{unit}"),
            Some(&token),
            Some(json!({"model": "MonoSpace 700"})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.json);
    assert_eq!(patched.json["model"], "MonoSpace 700");
    assert_eq!(
        patched.json["equipment_number"], "ken:123456",
        "fields not sent stay as they were"
    );

    let audit = app
        .call("GET", "/api/v1/audit?limit=500", Some(&token), None)
        .await;
    let entries = audit.json["items"].as_array().unwrap();
    let unit_update = entries
        .iter()
        .find(|e| e["entity"] == "unit" && e["action"] == "update")
        .expect("audited");
    assert_eq!(unit_update["before"]["model"], json!(null));
    assert_eq!(unit_update["after"]["model"], "MonoSpace 700");
    assert!(unit_update["actor_user_id"].as_i64().is_some());
}

#[tokio::test]
async fn sign_in_out_cookie_and_csrf() {
    let app = TestApp::sqlite().await;
    let _ = app.admin_token().await;
    let r = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "ROOT@hoistway.example", "password": "correct horse battery"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let token = r.json["token"].as_str().unwrap().to_string();
    let csrf = r.json["csrf_token"].as_str().unwrap().to_string();
    let cookies: Vec<String> = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("hoistway_session="))
        .expect("session cookie");
    assert!(session.contains("HttpOnly"), "{session}");
    let cookie = session.split(';').next().unwrap().to_string();

    // The cookie alone reads.
    let me = app
        .raw(
            Request::get("/api/v1/me")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json["role"], "provider_admin");
    assert_eq!(me.json["scope"], "all");

    // The cookie alone cannot write: CSRF.
    let post = |csrf: Option<&str>| {
        let mut b = Request::post("/api/v1/customers")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(c) = csrf {
            b = b.header("x-csrf-token", c);
        }
        b.body(Body::from(r#"{"name":"Via cookie"}"#)).unwrap()
    };
    let forged = app.raw(post(None)).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.json);
    let wrong = app.raw(post(Some("guess"))).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let ok = app.raw(post(Some(&csrf))).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.json);

    // Logout revokes the token.
    assert_eq!(
        app.call("POST", "/api/v1/auth/logout", Some(&token), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.call("GET", "/api/v1/me", Some(&token), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.call("GET", "/api/v1/me", None, None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn tokens_expire_and_logins_are_throttled() {
    let app = TestApp::sqlite().await;
    let token = app.admin_token().await;
    app.clock.advance(chrono::Duration::hours(13));
    let expired = app.call("GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&expired), "unauthorized");

    let attempt = |pw: &'static str| {
        app.call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "root@hoistway.example", "password": pw})),
        )
    };
    for _ in 0..5 {
        let r = attempt("wrong password").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let locked = attempt("correct horse battery").await;
    assert_eq!(
        locked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(locked.headers.get(header::RETRY_AFTER).is_some());
    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(
        attempt("correct horse battery").await.status,
        StatusCode::OK
    );
    // An unknown account gets the same answer as a wrong password.
    let unknown = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "nobody@x.example", "password": "whatever12"})),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_input_gets_clear_4xx_and_writes_nothing() {
    let app = TestApp::sqlite().await;
    let token = app.admin_token().await;
    let (customer, building, _) = fleet(&app, &token).await;
    let t = Some(token.as_str());

    let raw_post = |body: &'static str, ctype: &'static str| {
        Request::post("/api/v1/customers")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, ctype)
            .body(Body::from(body))
            .unwrap()
    };
    let malformed = app.raw(raw_post("{\"name\": ", "application/json")).await;
    assert_eq!(
        (malformed.status, error_code(&malformed).as_str()),
        (StatusCode::BAD_REQUEST, "bad_request")
    );
    let media = app
        .raw(raw_post("name=x", "application/x-www-form-urlencoded"))
        .await;
    assert_eq!(media.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let big = "x".repeat(70 * 1024);
    let too_large = app
        .call("POST", "/api/v1/customers", t, Some(json!({"name": big})))
        .await;
    assert_eq!(
        too_large.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        too_large.json
    );

    let cases = [
        (
            "/api/v1/customers",
            json!({"name": "X", "colour": "red"}),
            "colour",
        ),
        ("/api/v1/customers", json!({"name": "   "}), "name"),
        (
            "/api/v1/customers",
            json!({"name": "X", "contact_email": "not-an-email"}),
            "contact_email",
        ),
        (
            "/api/v1/buildings",
            json!({"customer_id": customer, "name": "B", "address": "A", "country": "XX", "timezone": "Europe/Helsinki"}),
            "country",
        ),
        (
            "/api/v1/buildings",
            json!({"customer_id": customer, "name": "B", "address": "A", "country": "FI", "timezone": "Moon/Base"}),
            "timezone",
        ),
        (
            "/api/v1/units",
            json!({"building_id": building, "kind": "lift", "equipment_number": "ken:9"}),
            "elevator, escalator, door",
        ),
        (
            "/api/v1/units",
            json!({"building_id": building, "kind": "door", "equipment_number": "ken:9", "install_date": "2020-01-01", "takeover_date": "2019-01-01"}),
            "takeover_date",
        ),
        (
            "/api/v1/contracts",
            json!({"customer_id": customer, "tier": "gold", "billing_interval": "monthly", "start_date": "2026-01-01"}),
            "basic, standard, comprehensive",
        ),
        (
            "/api/v1/contracts",
            json!({"customer_id": customer, "tier": "basic", "billing_interval": "monthly", "start_date": "2026-01-01", "end_date": "2025-01-01"}),
            "end_date",
        ),
        (
            "/api/v1/users",
            json!({"email": "bad", "name": "N", "role": "operator", "password": "long enough pw"}),
            "email",
        ),
        (
            "/api/v1/users",
            json!({"email": "a@b.example", "name": "N", "role": "operator", "password": "short"}),
            "password",
        ),
        (
            "/api/v1/users",
            json!({"email": "a@b.example", "name": "N", "role": "finance", "password": "long enough pw"}),
            "customer",
        ),
    ];
    for (path, body, mentions) in cases {
        let r = app.call("POST", path, t, Some(body.clone())).await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "{path} {body}: {}",
            r.json
        );
        let msg = r.json["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
            + r.json["error"]["field"].as_str().unwrap_or_default();
        assert!(
            msg.contains(mentions),
            "{path} {body}: '{msg}' should mention {mentions}"
        );
    }
    for path in [
        "/api/v1/units?limit=0",
        "/api/v1/units?cursor=abc",
        "/api/v1/units?colour=red",
        "/api/v1/units?kind=lift",
        "/api/v1/units/abc",
    ] {
        let r = app.call("GET", path, t, None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.json);
        error_code(&r);
    }
    let nowhere = app.call("GET", "/api/v1/nowhere", t, None).await;
    assert_eq!(
        (nowhere.status, error_code(&nowhere).as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
    let dup = app
        .call(
            "POST",
            "/api/v1/units",
            t,
            Some(
                json!({"building_id": building, "kind": "door", "equipment_number": "ken:123456"}),
            ),
        )
        .await;
    assert_eq!(
        (dup.status, error_code(&dup).as_str()),
        (StatusCode::CONFLICT, "conflict")
    );

    // Nothing of the refused requests was written.
    let customers = app.call("GET", "/api/v1/customers", t, None).await;
    assert_eq!(customers.json["items"].as_array().unwrap().len(), 1);
    let units = app.call("GET", "/api/v1/units", t, None).await;
    assert_eq!(units.json["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn idempotency_key_replays_instead_of_writing_twice() {
    let app = TestApp::sqlite().await;
    let token = app.admin_token().await;
    let send = |name: &'static str, key: &'static str| {
        Request::post("/api/v1/customers")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", key)
            .body(Body::from(json!({"name": name}).to_string()))
            .unwrap()
    };
    let first = app.raw(send("Once Ltd", "k-1")).await;
    let again = app.raw(send("Once Ltd", "k-1")).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(first.json["id"], again.json["id"]);
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");
    let misuse = app.raw(send("Other Ltd", "k-1")).await;
    assert_eq!(misuse.status, StatusCode::UNPROCESSABLE_ENTITY);
    let list = app
        .call("GET", "/api/v1/customers", Some(&token), None)
        .await;
    assert_eq!(
        list.json["items"].as_array().unwrap().len(),
        1,
        "one customer, not two"
    );
}

#[tokio::test]
async fn roles_limit_what_each_user_may_do() {
    let app = TestApp::sqlite().await;
    app.seed_demo().await;
    let pw = hoistway_demo::DEMO_PASSWORD;
    let finance = app.login("finance@nordictowers.example", pw).await;
    assert_eq!(
        app.call("GET", "/api/v1/units", Some(&finance), None)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Two years of history: every status a finance user meets is there.
    for status in ["issued", "overdue", "paid", "unpaid"] {
        let invoices = app
            .call(
                "GET",
                &format!("/api/v1/invoices?status={status}"),
                Some(&finance),
                None,
            )
            .await;
        assert_eq!(invoices.status, StatusCode::OK);
        let items = invoices.json["items"].as_array().unwrap();
        assert!(!items.is_empty(), "no {status} invoice");
        assert!(
            items.iter().all(|i| i["status"] == status),
            "{status}: {items:?}"
        );
    }

    let front = app.login("front.desk@nordictowers.example", pw).await;
    let units = app
        .call("GET", "/api/v1/units?limit=1", Some(&front), None)
        .await;
    let any_unit = units.json["items"][0].clone();
    let write = app
        .call(
            "PATCH",
            &format!("/api/v1/units/{}", any_unit["id"]),
            Some(&front),
            Some(json!({"model": "x"})),
        )
        .await;
    assert_eq!(write.status, StatusCode::FORBIDDEN);

    let cadmin = app.login("customer.admin@nordictowers.example", pw).await;
    let escalate = app
        .call("POST", "/api/v1/users", Some(&cadmin), Some(json!({"email": "evil@x.example", "name": "E", "role": "provider_admin", "password": "long enough pw"})))
        .await;
    assert_eq!(escalate.status, StatusCode::FORBIDDEN);
    // Customer admins add people by invitation; the provider creates the
    // account here to test what a customer admin then may change.
    let refused = app
        .call("POST", "/api/v1/users", Some(&cadmin), Some(json!({"email": "new.pm@nordictowers.example", "name": "New PM", "role": "property_manager", "password": "long enough pw"})))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.json);
    let provider = app.login("provider.admin@hoistway.example", pw).await;
    let customer_id = units.json["items"][0]["customer_id"].clone();
    let teammate = app
        .call("POST", "/api/v1/users", Some(&provider), Some(json!({"email": "new.pm@nordictowers.example", "name": "New PM", "role": "property_manager", "customer_id": customer_id, "password": "long enough pw"})))
        .await;
    assert_eq!(teammate.status, StatusCode::CREATED, "{}", teammate.json);
    assert!(teammate.json.get("password_hash").is_none());
    let new_login = app
        .login("new.pm@nordictowers.example", "long enough pw")
        .await;
    // Disabling signs the user out everywhere.
    let disable = app
        .call(
            "PATCH",
            &format!("/api/v1/users/{}", teammate.json["id"]),
            Some(&cadmin),
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(disable.status, StatusCode::OK, "{}", disable.json);
    assert_eq!(
        app.call("GET", "/api/v1/me", Some(&new_login), None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    // A property manager sees only the buildings of their portfolio.
    let pm = app.login("property.manager@nordictowers.example", pw).await;
    let me = app.call("GET", "/api/v1/me", Some(&pm), None).await;
    let portfolio = me.json["portfolio_ids"][0].as_i64().unwrap();
    let p = app
        .call(
            "GET",
            &format!("/api/v1/portfolios/{portfolio}"),
            Some(&pm),
            None,
        )
        .await;
    let mine: Vec<i64> = p.json["building_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_i64().unwrap())
        .collect();
    let buildings = app.call("GET", "/api/v1/buildings", Some(&pm), None).await;
    let seen: Vec<i64> = buildings.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_i64().unwrap())
        .collect();
    assert_eq!(seen, mine);
    let all = app
        .call("GET", "/api/v1/buildings", Some(&cadmin), None)
        .await;
    assert!(all.json["items"].as_array().unwrap().len() > mine.len());
}

#[tokio::test]
async fn health_metrics_and_openapi() {
    let app = TestApp::sqlite().await;
    assert_eq!(
        app.call("GET", "/healthz", None, None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.call("GET", "/readyz", None, None).await.status,
        StatusCode::OK
    );
    let doc = app.call("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.json["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc.json["paths"].as_object().unwrap();
    for p in [
        "/api/v1/auth/login",
        "/api/v1/me",
        "/api/v1/customers",
        "/api/v1/units/{id}",
        "/api/v1/invoices",
        "/api/v1/users/{id}",
    ] {
        assert!(
            paths.contains_key(p),
            "{p} missing from the OpenAPI document"
        );
    }
    assert!(doc.json["components"]["schemas"]["UnitInput"].is_object());
    let metrics = app.call("GET", "/metrics", None, None).await;
    let text = metrics.json.as_str().unwrap().to_string();
    assert!(
        text.contains(
            "hoistway_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"} 1"
        ),
        "{text}"
    );
    app.t.db.pool.close().await;
    assert_eq!(
        app.call("GET", "/readyz", None, None).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}
