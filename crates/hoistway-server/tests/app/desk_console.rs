//! The care center's working tools, in-process on the demo data: the
//! intake's unit search (words, not a list of every unit; the chosen unit
//! kept), "trapped?" unanswered is not "no", technicians shown with their
//! workload and the promised ETA kept on a redispatch, emergencies on top
//! of the queue, and the duty manager's escalation board (SLA escalations
//! and customers' requests, acknowledged from the board).

use crate::common::TestApp;
use crate::portal_common::{on_both_demos, signed_in, Browser};
use axum::http::StatusCode;
use chrono::Duration;
use hoistway_demo::DEMO_PASSWORD;
use serde_json::json;

const OPERATOR: &str = "operator@hoistway.example";
const DUTY: &str = "duty.manager@hoistway.example";
const CUSTOMER: &str = "customer.admin@nordictowers.example";

/// A connected unit of the first customer: id, equipment number and its
/// building's name.
async fn a_unit(app: &TestApp, token: &str) -> (i64, String, String) {
    let units = app
        .call("GET", "/api/v1/units?limit=1", Some(token), None)
        .await;
    let u = &units.json["items"][0];
    let b = app
        .call(
            "GET",
            &format!("/api/v1/buildings/{}", u["building_id"]),
            Some(token),
            None,
        )
        .await;
    (
        u["id"].as_i64().unwrap(),
        u["equipment_number"].as_str().unwrap().to_string(),
        b.json["name"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn intake_finds_units_by_words_and_will_not_take_an_unanswered_trapped_for_no() {
    on_both_demos(intake_finds_units_by_words_and_will_not_take_an_unanswered_trapped_for_no_on)
        .await;
}

async fn intake_finds_units_by_words_and_will_not_take_an_unanswered_trapped_for_no_on(
    app: TestApp,
) {
    let token = app.login(OPERATOR, DEMO_PASSWORD).await;
    let (unit, number, building) = a_unit(&app, &token).await;
    let mut op = signed_in(&app, OPERATOR).await;

    // The form searches; it no longer lists every unit of every customer.
    let form = op.get("/desk/intake").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        !form.body.contains("id=\"unit_id\""),
        "a select of all units"
    );
    assert!(form.body.contains("id=\"unit_q\""));

    // Every word must match somewhere: the equipment number's digits and a
    // word of the building's name find the unit; a stray word finds nothing.
    let digits = number.trim_start_matches("ken:");
    let word = building.split_whitespace().next().unwrap().to_lowercase();
    let found = op
        .get(&format!("/desk/intake/units?unit_q={digits}+{word}"))
        .await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(
        found.body.contains(&format!("value=\"{unit}\"")),
        "{}",
        found.body
    );
    assert!(found.body.contains(&building));
    let none = op
        .get(&format!("/desk/intake/units?unit_q={digits}+zzzqqq"))
        .await;
    assert!(!none.body.contains("type=\"radio\""), "{}", none.body);
    assert!(none.body.contains("No unit matches"));

    // Without script, "Find" sends the form to itself: what was typed stays,
    // the matches are offered, the chosen unit stays checked.
    let page = op
        .get(&format!(
            "/desk/intake?unit_q={digits}&unit_id={unit}&symptoms=Door+grinds&trapped=no"
        ))
        .await;
    assert!(page.body.contains("Door grinds"));
    assert!(
        page.body.contains(&format!("value=\"{unit}\" checked")),
        "{}",
        page.body
    );

    // Not asked yet is not "no": the preview says so, and opening waits.
    let preview = op
        .get(&format!("/desk/intake/preview?unit_id={unit}"))
        .await;
    let v: serde_json::Value = serde_json::from_str(&preview.body).unwrap();
    assert_eq!(v["priority"], serde_json::Value::Null, "{v}");
    assert_eq!(v["label"], "Unanswered");
    let csrf = op.csrf_of("/desk/intake").await;
    let unit_text = unit.to_string();
    let r = op
        .post(
            "/desk/intake",
            &[
                ("_csrf", &csrf),
                ("unit_id", &unit_text),
                ("symptoms", "Door grinds"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("is anyone trapped"), "{}", r.body);
    assert!(r.body.contains("Door grinds"), "what was typed is kept");

    // A customer's search is refused with the desk itself.
    let mut customer = signed_in(&app, CUSTOMER).await;
    assert_eq!(
        customer.get("/desk/intake/units?unit_q=lift").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn dispatch_shows_workloads_keeps_the_promised_eta_and_emergencies_lead_the_queue() {
    on_both_demos(
        dispatch_shows_workloads_keeps_the_promised_eta_and_emergencies_lead_the_queue_on,
    )
    .await;
}

async fn dispatch_shows_workloads_keeps_the_promised_eta_and_emergencies_lead_the_queue_on(
    app: TestApp,
) {
    let token = app.login(OPERATOR, DEMO_PASSWORD).await;
    let (unit, _, _) = a_unit(&app, &token).await;
    let open = |trapped: bool| {
        let app = &app;
        async move {
            // Signed in afresh: the clock jumps past a token's life.
            let token = app.login(OPERATOR, DEMO_PASSWORD).await;
            let c = app
                .call(
                    "POST",
                    "/api/v1/cases",
                    Some(&token),
                    Some(json!({"unit_id": unit, "passengers_trapped": trapped, "channel": "phone", "symptoms": "test"})),
                )
                .await;
            assert_eq!(c.status, StatusCode::CREATED, "{}", c.json);
            c.json["number"].as_str().unwrap().to_string()
        }
    };
    // Routine cases overdue (their response was due by the third business
    // day), then an emergency: by due time alone it would sort below them.
    let mut routine = Vec::new();
    for _ in 0..3 {
        routine.push(open(false).await);
    }
    app.clock.advance(Duration::days(4));
    let emergency = open(true).await;
    let token = app.login(OPERATOR, DEMO_PASSWORD).await;

    let mut op = signed_in(&app, OPERATOR).await;
    let queue = op.get("/desk").await;
    let at = |n: &str| queue.body.find(&format!("data-case=\"{n}\"")).unwrap();
    for r in &routine {
        assert!(at(&emergency) < at(r), "emergency {emergency} below {r}");
    }

    // Technicians come with what they have on.
    let page_path = format!("/desk/cases/{}", routine[0]);
    let page = op.get(&page_path).await;
    assert!(
        page.body.contains("open case") || page.body.contains("no open cases"),
        "{}",
        page.body
    );
    assert!(page.body.contains("visit"), "{}", page.body);
    let techs = app
        .call("GET", "/api/v1/technicians", Some(&token), None)
        .await;
    let tech = techs.json[0]["user_id"].as_i64().unwrap().to_string();
    // Dispatches from the case page with an ETA choice; returns the stored ETA.
    async fn dispatch(
        app: &TestApp,
        op: &mut Browser,
        token: &str,
        number: &str,
        tech: &str,
        eta: &str,
    ) -> serde_json::Value {
        let page_path = format!("/desk/cases/{number}");
        let csrf = op.csrf_of(&page_path).await;
        let r = op
            .post(
                &format!("{page_path}/assign"),
                &[
                    ("_csrf", &csrf),
                    ("technician_id", tech),
                    ("eta_minutes", eta),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        app.call("GET", &format!("/api/v1/cases/{number}"), Some(token), None)
            .await
            .json["eta"]
            .clone()
    }
    let promised = dispatch(&app, &mut op, &token, &routine[0], &tech, "30").await;
    assert!(promised.is_string(), "{promised}");

    // The page offers the promised ETA, chosen; a redispatch keeps it.
    app.clock.advance(Duration::minutes(10));
    let page = op.get(&page_path).await;
    assert!(
        page.body.contains("value=\"keep\" selected"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("1 open case"),
        "the technician's load counts it"
    );
    let after = dispatch(&app, &mut op, &token, &routine[0], &tech, "keep").await;
    assert_eq!(after, promised, "a redispatch kept the promise");
}

#[tokio::test]
async fn the_duty_manager_acknowledges_escalations_from_the_board() {
    on_both_demos(the_duty_manager_acknowledges_escalations_from_the_board_on).await;
}

async fn the_duty_manager_acknowledges_escalations_from_the_board_on(app: TestApp) {
    let token = app.login(OPERATOR, DEMO_PASSWORD).await;
    let (unit, _, _) = a_unit(&app, &token).await;
    let c = app
        .call(
            "POST",
            "/api/v1/cases",
            Some(&token),
            Some(json!({"unit_id": unit, "passengers_trapped": true, "channel": "phone"})),
        )
        .await;
    let trapped = c.json["number"].as_str().unwrap().to_string();
    // A customer asks to escalate another open case.
    let customer_token = app.login(CUSTOMER, DEMO_PASSWORD).await;
    let c = app
        .call(
            "POST",
            "/api/v1/cases",
            Some(&customer_token),
            Some(json!({"unit_id": unit, "symptoms": "Noisy doors", "passengers_trapped": false})),
        )
        .await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.json);
    let asked = c.json["number"].as_str().unwrap().to_string();
    let r = app
        .call(
            "POST",
            &format!("/api/v1/cases/{asked}/escalation-request"),
            Some(&customer_token),
            Some(json!({"reason": "Third time this month"})),
        )
        .await;
    assert!(r.status.is_success(), "{} {}", r.status, r.json);

    app.clock.advance(Duration::minutes(45));
    let run = hoistway_store::cases::sla::run_due(
        &app.state.db,
        &app.state.desk,
        app.clock_now(),
        "t",
        50,
    )
    .await
    .unwrap();
    assert!(!run.fired.is_empty());

    let mut duty = signed_in(&app, DUTY).await;
    let board = duty.get("/desk/escalations").await;
    assert_eq!(board.status, StatusCode::OK);
    assert!(board.body.contains(&trapped), "{}", board.body);
    assert!(board.body.contains("Third time this month"));
    assert!(
        board.body.contains("for 45 min"),
        "time since: {}",
        board.body
    );

    // Acknowledged from the board, the user comes back to the board and
    // the row is gone; the case page agrees.
    let kind = if board.body.contains("value=\"entrapment\"") {
        "entrapment"
    } else {
        "response_breached"
    };
    let csrf = board.csrf();
    let r = duty
        .post(
            &format!("/desk/cases/{trapped}/acknowledge"),
            &[("_csrf", &csrf), ("kind", kind), ("from", "board")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/desk/escalations");
    let r = duty
        .post(
            &format!("/desk/cases/{asked}/escalation-ack"),
            &[("_csrf", &csrf), ("from", "board")],
        )
        .await;
    assert_eq!(r.location(), "/desk/escalations");
    let board = duty.get("/desk/escalations").await;
    assert!(
        !board.body.contains("Third time this month"),
        "{}",
        board.body
    );
    assert!(
        !board.body.contains(&format!("value=\"{kind}\""))
            || !board
                .body
                .contains(&format!("/desk/cases/{trapped}/acknowledge")),
        "{}",
        board.body
    );
    // "from" is not a URL: anything else returns to the case page.
    let page = duty.get(&format!("/desk/cases/{trapped}")).await;
    let r = duty
        .post(
            &format!("/desk/cases/{trapped}/acknowledge"),
            &[
                ("_csrf", &page.csrf()),
                ("kind", kind),
                ("from", "https://evil.example/"),
            ],
        )
        .await;
    assert!(r.location().starts_with("/desk/cases/"), "{}", r.location());

    // The board is the desk's: a customer is refused.
    let mut customer = signed_in(&app, CUSTOMER).await;
    assert_eq!(
        customer.get("/desk/escalations").await.status,
        StatusCode::FORBIDDEN
    );
}
