//! The care-center console, the technician view and two-step sign-in,
//! in-process on the demo data: role gating (a customer cannot open the
//! desk; a technician sees only their own work orders), CSRF refusal,
//! a case moved through intake → dispatch → en route → on site →
//! resolved → report, and TOTP (enable, sign-in needs the code, a
//! recovery code works once, also on the API login).

use crate::common;
use crate::portal_common;

use axum::http::StatusCode;
use common::{error_code, TestApp};
use hoistway_demo::DEMO_PASSWORD;
use portal_common::Browser;
use serde_json::json;

const OPERATOR: &str = "operator@hoistway.example";
const TECH: &str = "technician@hoistway.example";
const OTHER_TECH: &str = "technician.de@hoistway.example";
const CUSTOMER: &str = "property.manager@nordictowers.example";

async fn demo() -> TestApp {
    let app = TestApp::sqlite().await;
    app.seed_demo().await;
    app
}

async fn signed_in(app: &TestApp, email: &str) -> Browser {
    let mut b = Browser::new(app.app.clone());
    b.sign_in(email, DEMO_PASSWORD).await;
    b
}

/// A unit of the demo's first customer and the ids of two technicians.
async fn fixture(app: &TestApp) -> (i64, i64, i64) {
    let op = app.login(OPERATOR, DEMO_PASSWORD).await;
    let units = app
        .call("GET", "/api/v1/units?limit=5", Some(&op), None)
        .await;
    let unit = units.json["items"][0]["id"].as_i64().unwrap();
    let techs = app
        .call("GET", "/api/v1/technicians", Some(&op), None)
        .await;
    let id_of = |email: &str| {
        techs
            .json
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["email"] == email)
            .unwrap()["user_id"]
            .as_i64()
            .unwrap()
    };
    (unit, id_of(TECH), id_of(OTHER_TECH))
}

/// Opens a phone case through the intake form; returns its number.
async fn intake(b: &mut Browser, unit: i64, trapped: bool) -> String {
    let csrf = b.csrf_of("/desk/intake").await;
    let unit = unit.to_string();
    let r = b
        .post(
            "/desk/intake",
            &[
                ("_csrf", &csrf),
                ("trapped", if trapped { "yes" } else { "no" }),
                ("trapped_count", "2"),
                ("unit_out_of_service", "1"),
                ("unit_id", &unit),
                ("symptoms", "Car stopped between floors 3 and 4"),
                ("location_in_building", "3rd floor, east core"),
                ("repeatable", "yes"),
                ("reporter_name", "Anna Front"),
                ("callback_phone", "+358 40 123 4567"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location().trim_start_matches("/desk/cases/").to_string()
}

async fn post_form(b: &mut Browser, page: &str, action: &str, fields: &[(&str, &str)]) -> String {
    let csrf = b.csrf_of(page).await;
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let r = b.post(action, &all).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}: {}", r.body);
    let next = b.get(r.location()).await;
    next.body
}

#[tokio::test]
async fn a_customer_cannot_open_the_desk_and_a_technician_sees_only_own_orders() {
    let app = demo().await;
    let (unit, tech, other) = fixture(&app).await;
    let mut op = signed_in(&app, OPERATOR).await;
    let mine = intake(&mut op, unit, false).await;
    let theirs = intake(&mut op, unit, false).await;
    for (n, t) in [(&mine, tech), (&theirs, other)] {
        let page = format!("/desk/cases/{n}");
        post_form(
            &mut op,
            &page,
            &format!("{page}/assign"),
            &[("technician_id", &t.to_string()), ("eta_minutes", "60")],
        )
        .await;
    }
    let queue = op.get("/desk").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body.contains(&mine) && queue.body.contains("data-due="));
    // What the caller said about where and how often is on the case.
    let case = op.get(&format!("/desk/cases/{mine}")).await;
    assert!(case.body.contains("3rd floor, east core"), "{}", case.body);

    let mut customer = signed_in(&app, CUSTOMER).await;
    for path in [
        "/desk",
        "/desk/intake",
        &format!("/desk/cases/{mine}"),
        "/tech",
    ] {
        assert_eq!(
            customer.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }

    let mut t = signed_in(&app, TECH).await;
    let list = t.get("/tech").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(&mine), "own order listed");
    assert!(
        !list.body.contains(&theirs),
        "another technician's order is not listed"
    );
    assert_eq!(
        t.get(&format!("/tech/cases/{theirs}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(t.get("/desk").await.status, StatusCode::FORBIDDEN);
    // Moving another technician's case is refused too, not just hidden.
    let csrf = t.csrf_of(&format!("/tech/cases/{mine}")).await;
    let r = t
        .post(
            &format!("/tech/cases/{theirs}/status"),
            &[("_csrf", &csrf), ("status", "en_route")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn desk_forms_without_the_csrf_field_are_refused() {
    let app = demo().await;
    let (unit, tech, _) = fixture(&app).await;
    let mut op = signed_in(&app, OPERATOR).await;
    let n = intake(&mut op, unit, false).await;
    let unit = unit.to_string();
    let r = op
        .post("/desk/intake", &[("unit_id", &unit), ("symptoms", "x")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Form expired"));
    let r = op
        .post(
            &format!("/desk/cases/{n}/assign"),
            &[("_csrf", "forged"), ("technician_id", &tech.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let page = op.get(&format!("/desk/cases/{n}")).await;
    assert!(page.body.contains("Unassigned"), "nothing was dispatched");
}

#[tokio::test]
async fn a_case_moves_from_intake_to_report_through_the_desk_and_the_phone_view() {
    let app = demo().await;
    let (unit, tech, _) = fixture(&app).await;
    let mut op = signed_in(&app, OPERATOR).await;

    // The triage preview runs the same rules as opening the case.
    let preview = op
        .get(&format!(
            "/desk/intake/preview?unit_id={unit}&trapped=yes&trapped_count=1"
        ))
        .await;
    let v: serde_json::Value = serde_json::from_str(&preview.body).unwrap();
    assert_eq!(v["priority"], "emergency", "{v}");
    let routine = op
        .get(&format!("/desk/intake/preview?unit_id={unit}&trapped=no"))
        .await;
    let v: serde_json::Value = serde_json::from_str(&routine.body).unwrap();
    assert_ne!(v["priority"], "emergency", "{v}");

    // Bad input re-renders the form with a field message.
    let csrf = op.csrf_of("/desk/intake").await;
    let r = op
        .post(
            "/desk/intake",
            &[("_csrf", &csrf), ("trapped", "no"), ("symptoms", "noise")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body.contains("field-error") && r.body.contains("noise"),
        "{}",
        r.body
    );

    let n = intake(&mut op, unit, true).await;
    let case_page = format!("/desk/cases/{n}");
    let page = op.get(&case_page).await;
    assert!(page.body.contains("Emergency") && page.body.contains("Anna Front"));
    // An operator may not override a priority (a duty manager may).
    let csrf = page.csrf();
    let r = op
        .post(
            &format!("{case_page}/priority"),
            &[("_csrf", &csrf), ("priority", "routine"), ("reason", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let body = post_form(
        &mut op,
        &case_page,
        &format!("{case_page}/assign"),
        &[("technician_id", &tech.to_string()), ("eta_minutes", "45")],
    )
    .await;
    assert!(body.contains("data-status=\"dispatched\""), "dispatched");
    let body = post_form(
        &mut op,
        &case_page,
        &format!("{case_page}/note"),
        &[("text", "Caller calm, 2 inside"), ("internal", "1")],
    )
    .await;
    assert!(body.contains("Caller calm, 2 inside"));

    let mut t = signed_in(&app, TECH).await;
    let order = format!("/tech/cases/{n}");
    for (step, shown) in [
        ("en_route", "en_route"),
        ("on_site", "on_site"),
        ("resolved", "resolved"),
    ] {
        let body = post_form(
            &mut t,
            &order,
            &format!("{order}/status"),
            &[("status", step)],
        )
        .await;
        assert!(body.contains(&format!("data-status=\"{shown}\"")), "{step}");
    }
    // A move the status machine forbids comes back as a message, not a 500.
    let body = post_form(
        &mut t,
        &order,
        &format!("{order}/status"),
        &[("status", "en_route")],
    )
    .await;
    assert!(body.contains("flash-error"), "illegal move refused");

    let body = post_form(
        &mut t,
        &order,
        &format!("{order}/report"),
        &[
            ("findings", "Door lock contact worn"),
            ("cause_code", "door-lock"),
            ("actions", "Replaced contact\nTested 20 runs"),
            ("part_0", "KM123"),
            ("qty_0", "2"),
            ("follow_up", "Replace door operator belt"),
            ("follow_up_visit", "1"),
            ("quote_amount", "12500.50"),
            ("quote_currency", "EUR"),
            ("quote_text", "New door operator belt"),
            ("returned_to_service", "1"),
        ],
    )
    .await;
    assert!(
        body.contains("DOOR-LOCK") && body.contains("KM123"),
        "report shown"
    );
    let op_token = app.login(OPERATOR, DEMO_PASSWORD).await;
    let c = app
        .call("GET", &format!("/api/v1/cases/{n}"), Some(&op_token), None)
        .await;
    assert_eq!(c.json["status"], "resolved");
    assert_eq!(c.json["quote_decision"], "pending");
    assert_eq!(c.json["report"]["quote"]["amount_minor"], 1250050);
    assert!(c.json["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "note" && e["internal"] == true));
}

fn code_at(secret: &str, at: chrono::DateTime<chrono::Utc>) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_string())
        .to_bytes()
        .unwrap();
    let t =
        totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes, None, "x".into()).unwrap();
    t.generate(at.timestamp() as u64)
}

fn between<'a>(body: &'a str, start: &str, end: &str) -> &'a str {
    let i = body
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {body}"))
        + start.len();
    let j = body[i..].find(end).unwrap() + i;
    &body[i..j]
}

#[tokio::test]
async fn totp_is_enabled_then_asked_at_sign_in_and_recovery_codes_work_once() {
    let app = demo().await;
    let mut b = signed_in(&app, CUSTOMER).await;
    // A session opened elsewhere with the password alone (issue #18).
    let older = app.login(CUSTOMER, DEMO_PASSWORD).await;
    let csrf = b.csrf_of("/account/security").await;
    let r = b.post("/account/security/start", &[("_csrf", &csrf)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = b.get("/account/security").await;
    assert!(page.body.contains("<svg class=\"qr\""), "QR code inline");
    let secret = between(&page.body, "data-totp-secret=\"", "\"").to_string();
    let csrf = page.csrf();
    let wrong = b
        .post(
            "/account/security/confirm",
            &[("_csrf", &csrf), ("code", "000000")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    let code = code_at(&secret, app.clock_now());
    let on = b
        .post(
            "/account/security/confirm",
            &[("_csrf", &csrf), ("code", &code)],
        )
        .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    let codes: Vec<String> = on
        .body
        .split("<li><code>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10, "ten recovery codes shown");
    let r = app.call("GET", "/api/v1/me", Some(&older), None).await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "enabling TOTP ends the sessions opened before"
    );
    assert_eq!(
        b.get("/account/security").await.status,
        StatusCode::OK,
        "the session that enabled it stays"
    );

    // Sign-in now asks for the code: no session after the password alone.
    let mut fresh = Browser::new(app.app.clone());
    let form = fresh.get("/signin").await;
    let r = fresh
        .post(
            "/signin",
            &[
                ("_csrf", &form.csrf()),
                ("email", CUSTOMER),
                ("password", DEMO_PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("action=\"/signin/code\""));
    assert!(!fresh.cookies.contains_key("hoistway_session"));
    // The code used to enable is not accepted again (same step).
    let again = fresh
        .post(
            "/signin/code",
            &[("_csrf", &r.csrf()), ("code", &code), ("next", "/")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    app.clock.advance(chrono::Duration::seconds(31));
    let code = code_at(&secret, app.clock_now());
    let ok = fresh
        .post(
            "/signin/code",
            &[("_csrf", &again.csrf()), ("code", &code), ("next", "/")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert!(fresh.cookies.contains_key("hoistway_session"));

    // The API login honours it: the fixed shape alone is refused, a
    // recovery code works once.
    let bare = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": CUSTOMER, "password": DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(bare.status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&bare), "second_factor_required");
    let with = json!({"email": CUSTOMER, "password": DEMO_PASSWORD, "totp": codes[0]});
    let first = app
        .call("POST", "/api/v1/auth/login", None, Some(with.clone()))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    assert!(first.json["token"].is_string());
    let second = app
        .call("POST", "/api/v1/auth/login", None, Some(with))
        .await;
    assert_eq!(
        second.status,
        StatusCode::UNAUTHORIZED,
        "a recovery code works once"
    );
    // Users without a second factor keep the fixed shape.
    let op = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": OPERATOR, "password": DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(op.status, StatusCode::OK);

    // Disabling needs a code; afterwards the password alone signs in.
    let csrf = b.csrf_of("/account/security").await;
    let r = b
        .post(
            "/account/security/disable",
            &[("_csrf", &csrf), ("code", &codes[1])],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let back = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": CUSTOMER, "password": DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(back.status, StatusCode::OK);
}
