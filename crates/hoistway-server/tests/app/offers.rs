//! Offers (issue #20) on every backend: a property manager asks for a door
//! upgrade offer, the care center quotes, the customer accepts within the
//! validity; an expired quote cannot be accepted; roles and tenants are
//! kept apart; the portal's pages do the same through the same functions.

use crate::common::desk::desk;
use axum::http::StatusCode;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::testing::TestDb;
use serde_json::json;

#[tokio::test]
async fn an_offer_is_asked_quoted_and_accepted() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let app = &d.app;
        let pm = app
            .login("property.manager@nordictowers.example", DEMO_PASSWORD)
            .await;
        let unit = app
            .call("GET", &format!("/api/v1/units/{}", d.unit), Some(&pm), None)
            .await;
        let building = unit.json["building_id"].as_i64().unwrap();

        // Refusals name the field; the front desk and the care center do not ask.
        for (body, field) in [
            (
                json!({"building_id": building, "kind": "rocket", "description": "x"}),
                "kind",
            ),
            (
                json!({"building_id": building, "kind": "repair", "description": "  "}),
                "description",
            ),
            (
                json!({"building_id": 999999, "kind": "repair", "description": "x"}),
                "building_id",
            ),
            (
                json!({"building_id": building, "unit_id": d.foreign_unit, "kind": "repair", "description": "x"}),
                "unit_id",
            ),
        ] {
            let r = app
                .call("POST", "/api/v1/offers", Some(&pm), Some(body))
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
            assert_eq!(r.json["error"]["field"], field, "{label}");
        }
        let front = app
            .login("front.desk@nordictowers.example", DEMO_PASSWORD)
            .await;
        let ask = json!({"building_id": building, "unit_id": d.unit, "kind": "door_upgrade",
                         "description": "Door operator reopens often; we want an upgrade offer"});
        let r = app
            .call("POST", "/api/v1/offers", Some(&front), Some(ask.clone()))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        let r = app
            .call("POST", "/api/v1/offers", Some(&pm), Some(ask))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
        let id = r.json["id"].as_i64().unwrap();
        assert_eq!(r.json["status"], "requested");

        // The operator hears of it and sees it; another customer does not.
        let inbox = app
            .call(
                "GET",
                "/api/v1/notifications?limit=100",
                Some(&d.operator),
                None,
            )
            .await;
        assert!(
            inbox.json.to_string().contains("Offer requested"),
            "{label}: {}",
            inbox.json
        );
        let other = app
            .login("customer.admin@rhein-immo.example", DEMO_PASSWORD)
            .await;
        let r = app
            .call("GET", &format!("/api/v1/offers/{id}"), Some(&other), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");
        let r = app
            .call(
                "POST",
                &format!("/api/v1/offers/{id}/accept"),
                Some(&pm),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: no quote yet");

        // The quote: checked by field, and only by the care center.
        let today = app.clock_now().date_naive();
        let quote = |cents: i64, until: chrono::NaiveDate| {
            json!({"amount_cents": cents, "currency": "eur",
            "text": "New door operator with light curtain, installed in one day", "valid_until": until.to_string()})
        };
        let r = app
            .call(
                "POST",
                &format!("/api/v1/offers/{id}/quote"),
                Some(&pm),
                Some(quote(1_250_000, today)),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        let r = app
            .call(
                "POST",
                &format!("/api/v1/offers/{id}/quote"),
                Some(&d.operator),
                Some(quote(-5, today)),
            )
            .await;
        assert_eq!(r.json["error"]["field"], "amount_cents", "{label}");
        let r = app
            .call(
                "POST",
                &format!("/api/v1/offers/{id}/quote"),
                Some(&d.operator),
                Some(quote(1_250_000, today - chrono::Duration::days(1))),
            )
            .await;
        assert_eq!(r.json["error"]["field"], "valid_until", "{label}");
        let until = today + chrono::Duration::days(14);
        let r = app
            .call(
                "POST",
                &format!("/api/v1/offers/{id}/quote"),
                Some(&d.operator),
                Some(quote(1_250_000, until)),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(
            (r.json["status"].as_str(), r.json["currency"].as_str()),
            (Some("quoted"), Some("EUR"))
        );
        let inbox = app
            .call("GET", "/api/v1/notifications?limit=100", Some(&pm), None)
            .await;
        assert!(
            inbox.json.to_string().contains("offer is ready"),
            "{label}: {}",
            inbox.json
        );

        // Accepted in time; then it is settled.
        let r = app
            .call(
                "POST",
                &format!("/api/v1/offers/{id}/accept"),
                Some(&pm),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["status"], "accepted");
        let r = app
            .call(
                "POST",
                &format!("/api/v1/offers/{id}/decline"),
                Some(&pm),
                Some(json!({})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}");

        // A second offer's quote expires before the customer decides.
        let r = app
            .call("POST", "/api/v1/offers", Some(&d.customer), Some(json!({"building_id": building, "kind": "modernization", "description": "Full modernization of lift A"})))
            .await;
        let second = r.json["id"].as_i64().unwrap();
        app.call(
            "POST",
            &format!("/api/v1/offers/{second}/quote"),
            Some(&d.operator),
            Some(quote(9_000_000, today)),
        )
        .await;
        app.clock.advance(chrono::Duration::days(2));
        let customer = app
            .login("customer.admin@nordictowers.example", DEMO_PASSWORD)
            .await;
        let r = app
            .call(
                "POST",
                &format!("/api/v1/offers/{second}/accept"),
                Some(&customer),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}: {}", r.json);
        assert!(r.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired"));
        let r = app
            .call(
                "POST",
                &format!("/api/v1/offers/{second}/decline"),
                Some(&customer),
                Some(json!({"reason": "Budget next year"})),
            )
            .await;
        assert_eq!(r.json["status"], "declined", "{label}");
        let listed = app
            .call(
                "GET",
                "/api/v1/offers?status=declined",
                Some(&customer),
                None,
            )
            .await;
        assert_eq!(listed.json["items"].as_array().unwrap().len(), 1, "{label}");
    }
}

#[tokio::test]
async fn the_portal_asks_quotes_and_accepts() {
    use crate::portal_common::{on_both_demos, signed_in};
    on_both_demos(|app| async move {
        let mut pm = signed_in(&app, "property.manager@nordictowers.example").await;
        let page = pm.get("/offers").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let csrf = page.csrf();
        let building = {
            let marker = "name=\"building_id\" required><option value=\"";
            let start = page.body.find(marker).expect("a building to choose") + marker.len();
            page.body[start..].split('"').next().unwrap().to_string()
        };
        let r = pm
            .post(
                "/offers",
                &[
                    ("_csrf", &csrf),
                    ("building_id", &building),
                    ("unit_id", ""),
                    ("kind", "repair"),
                    ("description", "Repaint the landing doors"),
                ],
            )
            .await;
        assert_eq!(r.location(), "/offers");
        assert!(pm
            .get("/offers")
            .await
            .body
            .contains("Repaint the landing doors"));

        let mut op = signed_in(&app, "operator@hoistway.example").await;
        let desk = op.get("/desk/offers").await;
        assert!(
            desk.body.contains("Repaint the landing doors"),
            "{}",
            desk.body
        );
        let id = {
            let marker = "action=\"/desk/offers/";
            let start = desk.body.find(marker).unwrap() + marker.len();
            desk.body[start..].split('/').next().unwrap().to_string()
        };
        let until = (app.clock_now().date_naive() + chrono::Duration::days(10)).to_string();
        let r = op
            .post(
                &format!("/desk/offers/{id}/quote"),
                &[
                    ("_csrf", &desk.csrf()),
                    ("amount", "2400,50"),
                    ("currency", "EUR"),
                    ("valid_until", &until),
                    ("text", "Two coats, four landings"),
                ],
            )
            .await;
        assert_eq!(r.location(), "/desk/offers");
        let mine = pm.get("/offers").await;
        assert!(
            mine.body.contains("Quote ready") && mine.body.contains("2\u{202f}400.50"),
            "{}",
            mine.body
        );
        let r = pm
            .post(&format!("/offers/{id}/accept"), &[("_csrf", &mine.csrf())])
            .await;
        assert_eq!(r.location(), "/offers");
        assert!(pm.get("/offers").await.body.contains("Accepted"));
        // A front desk has no way in.
        let mut front = signed_in(&app, "front.desk@nordictowers.example").await;
        let page = front.get("/offers").await;
        assert!(
            !page.body.contains("id=\"o-desc\""),
            "no form for the front desk"
        );
        front
            .post(
                "/offers",
                &[
                    ("_csrf", &page.csrf()),
                    ("building_id", &building),
                    ("kind", "repair"),
                    ("description", "Sneaky"),
                ],
            )
            .await;
        let after = front.get("/offers").await;
        assert!(
            after.body.contains("customer admins and property managers"),
            "{}",
            after.body
        );
        assert!(!after.body.contains("Sneaky"));
    })
    .await;
}
