//! E-mail intake (issue #20) on every backend: a relay posts a message
//! from a known user naming a lift and it becomes a portal-channel case
//! with a receipt by e-mail; unknown senders, roles that cannot open
//! requests and messages naming no lift are refused with the reason (and a
//! letter to a known sender); the relay's token is required.

use crate::common::TestApp;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use hoistway_app::state::{InboundEmail, Settings};
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::testing::TestDb;
use sqlx::Row;

const TOKEN: &str = "relay-secret-0123456789";

fn mail(from: &str, subject: &str, text: &str) -> String {
    format!(
        "From: Someone <{from}>\r\nTo: service@hoistway.example\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
    )
}

async fn deliver(app: &TestApp, token: &str, message: String) -> crate::common::Reply {
    let req = Request::post("/api/v1/inbound-email")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "message/rfc822")
        .body(Body::from(message))
        .unwrap();
    app.raw(req).await
}

async fn letters(app: &TestApp) -> Vec<String> {
    sqlx::query("SELECT subject FROM outbox WHERE event = 'email_intake' ORDER BY id")
        .fetch_all(&app.t.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("subject"))
        .collect()
}

#[tokio::test]
async fn a_mail_from_a_known_user_naming_a_lift_becomes_a_case() {
    for t in TestDb::all().await {
        let label = t.label;
        let settings = Settings {
            body_limit: 64 * 1024,
            inbound_email: Some(InboundEmail {
                token: TOKEN.into(),
                address: "service@hoistway.example".into(),
            }),
            ..Settings::default()
        };
        let app = TestApp::with_settings(t, settings).await;
        app.seed_demo().await;
        let pm = app
            .login("property.manager@nordictowers.example", DEMO_PASSWORD)
            .await;
        let unit = app
            .call("GET", "/api/v1/units?limit=1", Some(&pm), None)
            .await
            .json["items"][0]
            .clone();
        let number = unit["equipment_number"].as_str().unwrap().to_uppercase();

        // The relay's token is required.
        let m = mail(
            "property.manager@nordictowers.example",
            &format!("Noisy doors on {number}"),
            "The doors of the lift squeal when they close.",
        );
        let r = deliver(&app, "wrong", m.clone()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{label}");

        // A known sender naming a lift: a portal case, and a receipt.
        let r = deliver(&app, TOKEN, m).await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        assert_eq!(r.json["unit_id"], unit["id"]);
        let case_number = r.json["case_number"].as_str().unwrap().to_string();
        let case = app
            .call(
                "GET",
                &format!("/api/v1/cases/{case_number}"),
                Some(&pm),
                None,
            )
            .await;
        assert_eq!(case.json["channel"], "portal", "{label}");
        assert!(
            case.json["symptoms"].as_str().unwrap().contains("squeal"),
            "{label}"
        );
        assert!(
            letters(&app).await.iter().any(|s| s.contains(&case_number)),
            "{label}"
        );

        // An unknown sender is refused by the relay's answer only.
        let r = deliver(
            &app,
            TOKEN,
            mail("stranger@example.com", "Help", "Lift broken"),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert!(r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a Hoistway user"));

        // A customer admin with several buildings must name the lift.
        let r = deliver(
            &app,
            TOKEN,
            mail(
                "customer.admin@nordictowers.example",
                "Lift broken",
                "It makes a noise",
            ),
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{label}: {}",
            r.json
        );
        assert!(r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("equipment number"));
        // Finance cannot open requests: refused, and told by e-mail.
        let r = deliver(
            &app,
            TOKEN,
            mail(
                "finance@nordictowers.example",
                &format!("Broken {number}"),
                "x",
            ),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{label}");
        assert_eq!(
            letters(&app)
                .await
                .iter()
                .filter(|s| s.starts_with("We could not take"))
                .count(),
            2,
            "{label}"
        );

        // Not an e-mail at all.
        let r = deliver(&app, TOKEN, "\u{0}\u{1}".into()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);

        // The request form tells people about the address.
        let mut b =
            crate::portal_common::signed_in(&app, "property.manager@nordictowers.example").await;
        assert!(b
            .get("/requests/new")
            .await
            .body
            .contains("service@hoistway.example"));
    }
}

#[tokio::test]
async fn without_a_token_the_intake_is_off() {
    let app = TestApp::sqlite().await;
    let r = deliver(&app, TOKEN, mail("a@b.example", "x", "y")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}
