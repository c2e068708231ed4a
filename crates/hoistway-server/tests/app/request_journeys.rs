//! Issues #19 and #20 end to end, on every backend: the customer's request
//! form carries floor/zone, "is it repeatable", error codes and the PO
//! number through the API and the portal; a customer asks for escalation
//! and a callback on an open request, the desk sees both as markers in the
//! queue and on the case page and answers them; another customer gets 404
//! in every channel (API, portal, live events), the provider's staff
//! cannot ask and customers cannot answer.

use crate::common;
use crate::portal_common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::desk::*;
use common::error_code;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::testing::TestDb;
use http_body_util::BodyExt;
use portal_common::Browser;
use serde_json::{json, Value};
use tower::ServiceExt;

const CUSTOMER: &str = "customer.admin@nordictowers.example";
const OTHER_CUSTOMER: &str = "customer.admin@hudsonpg.example";
const OPERATOR: &str = "operator@hoistway.example";

#[tokio::test]
async fn new_fields_round_trip_and_bad_ones_name_themselves() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let c = open(
            &d,
            &d.customer,
            json!({
                "unit_id": d.unit,
                "symptoms": "Doors reopen",
                "location_in_building": "Floor 3, east lobby",
                "repeatable": "yes",
                "error_codes": ["E-204", "DOOR_12"],
                "po_number": "PO-7781"
            }),
        )
        .await;
        for body in [
            c.clone(),
            d.app
                .call(
                    "GET",
                    &format!("/api/v1/cases/{}", c["number"].as_str().unwrap()),
                    Some(&d.customer),
                    None,
                )
                .await
                .json,
        ] {
            assert_eq!(
                body["location_in_building"], "Floor 3, east lobby",
                "{label}"
            );
            assert_eq!(body["repeatable"], "yes", "{label}");
            assert_eq!(body["error_codes"], json!(["E-204", "DOOR_12"]), "{label}");
            assert_eq!(body["po_number"], "PO-7781", "{label}");
            assert_eq!(body["escalation_request"], Value::Null, "{label}");
            assert_eq!(body["callback_request"], Value::Null, "{label}");
        }
        let before = case_count(&d).await;
        for (extra, field) in [
            (json!({"repeatable": "sometimes"}), "repeatable"),
            (json!({"error_codes": ["E1", "E 2"]}), "error_codes"),
            (
                json!({"location_in_building": "x".repeat(201)}),
                "location_in_building",
            ),
        ] {
            let mut body = json!({"unit_id": d.unit, "symptoms": "Doors reopen"});
            body.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            let r = d
                .app
                .call("POST", "/api/v1/cases", Some(&d.customer), Some(body))
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
            assert_eq!(r.json["error"]["field"], field, "{label}: {}", r.json);
        }
        assert_eq!(case_count(&d).await, before, "{label}: nothing stored");
        d.app.t.cleanup().await;
    }
}

#[tokio::test]
async fn asks_through_the_api_follow_roles_and_tenancy() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let other = d.app.login(OTHER_CUSTOMER, DEMO_PASSWORD).await;
        let c = open(
            &d,
            &d.customer,
            json!({"unit_id": d.unit, "symptoms": "Car stops hard"}),
        )
        .await;
        let n = c["number"].as_str().unwrap().to_string();
        let esc = json!({"reason": "Our only lift; residents on floor 9"});
        let cb = json!({"phone": "+358 40 123 4567", "window": "afternoon"});

        // Another customer: as if the case did not exist.
        for (action, body) in [
            ("escalation-request", esc.clone()),
            ("callback-request", cb.clone()),
        ] {
            let r = post(&d, &other, &n, action, body).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}: {}", r.json);
        }
        // The provider's staff do not ask.
        for token in [&d.tech, &d.operator] {
            let r = post(&d, token, &n, "escalation-request", esc.clone()).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: {}", r.json);
            let r = post(&d, token, &n, "callback-request", cb.clone()).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: {}", r.json);
        }
        // Bad fields name themselves; unknown fields are refused.
        for (action, body, field) in [
            (
                "escalation-request",
                json!({"reason": "  "}),
                Some("reason"),
            ),
            (
                "callback-request",
                json!({"phone": "call me", "window": "morning"}),
                Some("phone"),
            ),
            (
                "callback-request",
                json!({"phone": "+358 40 123 4567", "window": "midnight"}),
                Some("window"),
            ),
            (
                "escalation-request",
                json!({"reason": "x", "urgent": true}),
                None,
            ),
        ] {
            let r = post(&d, &d.customer, &n, action, body).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
            if let Some(field) = field {
                assert_eq!(r.json["error"]["field"], field, "{label}: {}", r.json);
            }
        }
        // Nothing to answer yet.
        let r = post(&d, &d.operator, &n, "escalation-request/ack", json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.json);

        let asked = post(&d, &d.customer, &n, "escalation-request", esc.clone()).await;
        assert_eq!(asked.status, StatusCode::OK, "{label}: {}", asked.json);
        assert_eq!(
            asked.json["escalation_request"]["reason"],
            "Our only lift; residents on floor 9"
        );
        assert_eq!(
            asked.json["escalation_request"]["acknowledged_at"],
            Value::Null
        );
        let again = post(&d, &d.customer, &n, "escalation-request", esc.clone()).await;
        assert_eq!(
            again.status,
            StatusCode::CONFLICT,
            "{label}: {}",
            again.json
        );
        assert!(
            again.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("already asked"),
            "{label}: {}",
            again.json
        );
        let r = post(&d, &d.customer, &n, "callback-request", cb.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["callback_request"]["window"], "afternoon");
        let r = post(&d, &d.customer, &n, "callback-request", cb.clone()).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.json);

        // Customers, technicians and other customers do not answer.
        for (token, status) in [
            (&d.customer, StatusCode::FORBIDDEN),
            (&d.tech, StatusCode::FORBIDDEN),
            (&other, StatusCode::FORBIDDEN),
        ] {
            for action in ["escalation-request/ack", "callback-request/done"] {
                let r = post(&d, token, &n, action, json!({})).await;
                assert_eq!(r.status, status, "{label} {action}: {}", r.json);
                assert_eq!(error_code(&r), "forbidden", "{label}");
            }
        }
        let r = post(&d, &d.operator, &n, "escalation-request/ack", json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert!(r.json["escalation_request"]["acknowledged_at"].is_string());
        let r = post(&d, &d.operator, &n, "escalation-request/ack", json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.json);
        let r = post(&d, &d.duty, &n, "callback-request/done", json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert!(r.json["callback_request"]["done_at"].is_string());

        // The customer's timeline says it in plain words.
        let got = d
            .app
            .call(
                "GET",
                &format!("/api/v1/cases/{n}"),
                Some(&d.customer),
                None,
            )
            .await;
        let words: Vec<&str> = got.json["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["message"].as_str().unwrap())
            .collect();
        for w in [
            "Customer asked for escalation: Our only lift; residents on floor 9",
            "Callback requested: +358 40 123 4567, afternoon",
            "The care center acknowledged the request for escalation",
            "The care center called back (+358 40 123 4567)",
        ] {
            assert!(words.contains(&w), "{label}: {w:?} in {words:?}");
        }

        // A cancelled case takes no asks.
        let r = post(
            &d,
            &d.operator,
            &n,
            "status",
            json!({"status": "cancelled", "reason": "duplicate"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let r = post(&d, &d.customer, &n, "escalation-request", esc.clone()).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.json);
        let r = post(&d, &d.customer, &n, "callback-request", cb.clone()).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.json);
        d.app.t.cleanup().await;
    }
}

/// The names of the events an open stream carries in the next moment.
async fn stream_kinds(body: &mut Body) -> Vec<String> {
    let mut buf = String::new();
    loop {
        let wait = std::time::Duration::from_millis(400);
        match tokio::time::timeout(wait, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    buf.push_str(&String::from_utf8_lossy(&data));
                }
            }
            Ok(Some(Err(e))) => panic!("stream failed: {e}"),
            Ok(None) | Err(_) => break,
        }
    }
    buf.lines()
        .filter_map(|l| l.strip_prefix("event:"))
        .map(|k| k.trim().to_string())
        .collect()
}

async fn stream(d: &Desk, token: &str) -> Body {
    let req = Request::builder()
        .uri("/api/v1/events")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let res = d.app.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    stream_kinds(&mut body).await; // the greeting
    body
}

#[tokio::test]
async fn live_events_reach_the_desk_and_the_tenant_only() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let other = d.app.login(OTHER_CUSTOMER, DEMO_PASSWORD).await;
        let c = open(
            &d,
            &d.customer,
            json!({"unit_id": d.unit, "symptoms": "Car stops hard"}),
        )
        .await;
        let n = c["number"].as_str().unwrap().to_string();
        let mut desk_stream = stream(&d, &d.operator).await;
        let mut own_stream = stream(&d, &d.customer).await;
        let mut other_stream = stream(&d, &other).await;
        let r = post(
            &d,
            &d.customer,
            &n,
            "escalation-request",
            json!({"reason": "urgent"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        let r = post(
            &d,
            &d.customer,
            &n,
            "callback-request",
            json!({"phone": "+358 40 123 4567", "window": "morning"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        let r = post(&d, &d.operator, &n, "escalation-request/ack", json!({})).await;
        assert_eq!(r.status, StatusCode::OK);
        let desk_kinds = stream_kinds(&mut desk_stream).await;
        for k in [
            "case_escalation_request",
            "case_callback_request",
            "case_escalation_ack",
        ] {
            assert!(
                desk_kinds.iter().any(|x| x == k),
                "{label}: {k} in {desk_kinds:?}"
            );
        }
        let own = stream_kinds(&mut own_stream).await;
        assert!(
            own.iter().any(|x| x == "case_escalation_ack"),
            "{label}: {own:?}"
        );
        let foreign = stream_kinds(&mut other_stream).await;
        assert!(
            !foreign.iter().any(|x| x.starts_with("case_")),
            "{label}: another customer hears nothing: {foreign:?}"
        );
        d.app.t.cleanup().await;
    }
}

/// The case number a portal redirect to `/requests/{number}` names.
fn number_of(location: &str) -> String {
    location
        .trim_start_matches("/requests/")
        .split(['#', '?'])
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn portal_journey_customer_asks_and_desk_answers() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let app = &d.app;
        let mut customer = Browser::new(app.app.clone());
        customer.sign_in(CUSTOMER, DEMO_PASSWORD).await;

        // The form offers the four new fields.
        let form = customer.get("/requests/new").await;
        assert_eq!(form.status, StatusCode::OK, "{label}");
        for name in [
            "name=\"location_in_building\"",
            "name=\"repeatable\"",
            "name=\"error_codes\"",
            "name=\"po_number\"",
        ] {
            assert!(form.body.contains(name), "{label}: {name}");
        }
        let csrf = form.csrf();
        let unit = d.unit.to_string();
        let fields = |codes: &'static str| {
            vec![
                ("_csrf", csrf.clone()),
                ("unit_id", unit.clone()),
                ("symptoms", "Doors reopen again and again".to_string()),
                ("location_in_building", "Floor 3, east lobby".to_string()),
                ("repeatable", "yes".to_string()),
                ("error_codes", codes.to_string()),
                ("po_number", "PO-7781".to_string()),
                ("callback_phone", "+358 40 123 4567".to_string()),
            ]
        };
        // A bad code: the form again, with the message; nothing opened.
        let before = case_count(&d).await;
        let bad = fields("E-204, <E2>");
        let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = customer.post("/requests", &bad).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}: {}", r.body);
        assert_eq!(r.location(), "/requests/new", "{label}");
        let again = customer.get("/requests/new").await;
        assert!(
            again.body.contains("&lt;E2&gt;&quot; is not an error code"),
            "{label}: the message is shown"
        );
        assert_eq!(case_count(&d).await, before, "{label}");

        let good = fields("E-204, DOOR_12");
        let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = customer.post("/requests", &good).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}: {}", r.body);
        let n = number_of(r.location());
        let page = customer.get(&format!("/requests/{n}")).await;
        assert_eq!(page.status, StatusCode::OK, "{label}");
        for words in [
            "Floor 3, east lobby",
            "Yes, it keeps happening",
            "E-204, DOOR_12",
            "PO-7781",
            "Ask for escalation",
            "Request a callback",
        ] {
            assert!(page.body.contains(words), "{label}: {words}");
        }

        // The asks, with the page's CSRF token; without it, refused.
        let csrf = page.csrf();
        let r = customer
            .post(
                &format!("/requests/{n}/escalation"),
                &[("reason", "forged")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: no CSRF");
        let r = customer
            .post(
                &format!("/requests/{n}/escalation"),
                &[
                    ("_csrf", &csrf),
                    ("reason", "Residents on floor 9 are stuck upstairs"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}: {}", r.body);
        let r = customer
            .post(
                &format!("/requests/{n}/callback"),
                &[
                    ("_csrf", &csrf),
                    ("phone", "call me"),
                    ("window", "morning"),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "{label}: a bad phone is a message"
        );
        let shown = customer.get(&format!("/requests/{n}")).await;
        assert!(shown.body.contains("is not a phone number"), "{label}");
        let r = customer
            .post(
                &format!("/requests/{n}/callback"),
                &[
                    ("_csrf", &csrf),
                    ("phone", "+358 40 123 4567"),
                    ("window", "afternoon"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}: {}", r.body);
        let page = customer.get(&format!("/requests/{n}")).await;
        for words in [
            "Customer asked for escalation: Residents on floor 9 are stuck upstairs",
            "Callback requested: +358 40 123 4567, afternoon",
            "The care center has not answered yet",
            "The care center has not called yet",
        ] {
            assert!(page.body.contains(words), "{label}: {words}");
        }
        // A second ask while pending: a message, not a second entry.
        let r = customer
            .post(
                &format!("/requests/{n}/escalation"),
                &[("_csrf", &csrf), ("reason", "again")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}");
        let page = customer.get(&format!("/requests/{n}")).await;
        assert!(page.body.contains("already asked"), "{label}");

        // Another customer: 404 on the page and on the forms.
        let mut stranger = Browser::new(app.app.clone());
        stranger.sign_in(OTHER_CUSTOMER, DEMO_PASSWORD).await;
        let theirs = stranger.csrf_of("/requests").await;
        assert_eq!(
            stranger.get(&format!("/requests/{n}")).await.status,
            StatusCode::NOT_FOUND,
            "{label}"
        );
        let r = stranger
            .post(
                &format!("/requests/{n}/escalation"),
                &[("_csrf", &theirs), ("reason", "let me in")],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");

        // The desk: markers in the queue, the asks on the case page.
        let mut op = Browser::new(app.app.clone());
        op.sign_in(OPERATOR, DEMO_PASSWORD).await;
        let row = |body: &str| -> String {
            let at = body
                .find(&format!("data-case=\"{n}\""))
                .unwrap_or_else(|| panic!("{n} in the queue"));
            let end = body[at..].find("</tr>").unwrap() + at;
            body[at..end].to_string()
        };
        let queue = op.get("/desk").await;
        let r0 = row(&queue.body);
        assert!(r0.contains("Escalation requested"), "{label}: {r0}");
        assert!(r0.contains("Callback requested"), "{label}: {r0}");
        let rows = op.get("/desk/rows").await;
        assert!(row(&rows.body).contains("Escalation requested"), "{label}");
        let case_page = op.get(&format!("/desk/cases/{n}")).await;
        for words in [
            "Escalation requested: Residents on floor 9 are stuck upstairs",
            "Callback requested: +358 40 123 4567, afternoon",
            "Floor 3, east lobby",
            "PO-7781",
            "/escalation-ack",
            "/callback-done",
        ] {
            assert!(case_page.body.contains(words), "{label}: {words}");
        }
        let csrf = case_page.csrf();
        for action in ["escalation-ack", "callback-done"] {
            let r = op
                .post(&format!("/desk/cases/{n}/{action}"), &[("_csrf", &csrf)])
                .await;
            assert_eq!(
                r.status,
                StatusCode::SEE_OTHER,
                "{label} {action}: {}",
                r.body
            );
        }
        let queue = op.get("/desk").await;
        let r1 = row(&queue.body);
        assert!(
            !r1.contains("Escalation requested") && !r1.contains("Callback requested"),
            "{label}: answered asks leave the queue: {r1}"
        );
        // The customer can ask again; the answers are on their timeline.
        let page = customer.get(&format!("/requests/{n}")).await;
        assert!(page
            .body
            .contains("The care center acknowledged the request for escalation"));
        assert!(page.body.contains(
            "action=\"/requests/{n}/escalation\""
                .replace("{n}", &n)
                .as_str()
        ));

        // A customer cannot post the desk's answers.
        let csrf = customer.csrf_of(&format!("/requests/{n}")).await;
        let r = customer
            .post(
                &format!("/desk/cases/{n}/escalation-ack"),
                &[("_csrf", &csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        d.app.t.cleanup().await;
    }
}

/// The OpenAPI document describes the new routes with every answer they
/// give and the exact bodies (schemathesis holds the wire to it).
#[test]
fn the_document_describes_the_asks() {
    let doc = serde_json::to_value(hoistway_server::openapi()).unwrap();
    let schemas = &doc["components"]["schemas"];
    for (path, body) in [
        (
            "/api/v1/cases/{number}/escalation-request",
            Some("EscalationAsk"),
        ),
        ("/api/v1/cases/{number}/escalation-request/ack", None),
        (
            "/api/v1/cases/{number}/callback-request",
            Some("CallbackAsk"),
        ),
        ("/api/v1/cases/{number}/callback-request/done", None),
    ] {
        let op = &doc["paths"][path]["post"];
        assert!(op.is_object(), "{path} is documented");
        for status in ["200", "400", "401", "403", "404", "409"] {
            assert!(
                op["responses"][status].is_object(),
                "{path} answers {status}"
            );
        }
        match body {
            Some(name) => {
                let r = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                    .as_str()
                    .unwrap();
                assert!(r.ends_with(name), "{path}: {r}");
                assert_eq!(schemas[name]["additionalProperties"], false, "{name}");
            }
            None => assert!(op["requestBody"].is_null(), "{path} takes no body"),
        }
    }
    assert_eq!(
        schemas["CallbackWindow"]["enum"],
        json!(["as_soon_as_possible", "morning", "afternoon"])
    );
    assert_eq!(
        schemas["Repeatable"]["enum"],
        json!(["yes", "no", "unknown"])
    );
    for field in [
        "location_in_building",
        "repeatable",
        "error_codes",
        "po_number",
    ] {
        assert!(
            schemas["CaseInput"]["properties"][field].is_object(),
            "{field}"
        );
    }
    for field in [
        "location_in_building",
        "repeatable",
        "escalation_request",
        "callback_request",
    ] {
        assert!(schemas["Case"]["properties"][field].is_object(), "{field}");
    }
}
