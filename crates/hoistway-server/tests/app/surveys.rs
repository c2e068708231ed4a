//! Satisfaction surveys (issue #20) on every backend: only a reporter who
//! consented (and did not object to analytics) is asked after closure; the
//! letter's one-time link answers once; results are in reports and stay
//! with the tenant.

use crate::common::desk::{desk, open, post, Desk};
use axum::http::StatusCode;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::testing::TestDb;
use serde_json::json;
use sqlx::Row;

/// Opens a case as `token` and takes it through to closed.
async fn closed_case(d: &Desk, token: &str) -> String {
    let c = open(
        d,
        token,
        json!({"unit_id": d.unit, "symptoms": "Door closes too fast"}),
    )
    .await;
    let n = c["number"].as_str().unwrap().to_string();
    let eta = (d.app.clock_now() + chrono::Duration::hours(1)).to_rfc3339();
    for (action, body) in [
        ("assign", json!({"technician_id": d.tech_id, "eta": eta})),
        ("status", json!({"status": "on_site"})),
        ("status", json!({"status": "resolved"})),
        ("status", json!({"status": "closed"})),
    ] {
        let r = post(d, &d.operator, &n, action, body).await;
        assert_eq!(r.status, StatusCode::OK, "{action}: {}", r.json);
    }
    n
}

/// The survey letters queued so far: (recipient, body).
async fn letters(d: &Desk) -> Vec<(i64, String)> {
    sqlx::query("SELECT user_id, body FROM outbox WHERE event = 'survey' ORDER BY id")
        .fetch_all(&d.app.t.db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get::<i64, _>("user_id"), r.get::<String, _>("body")))
        .collect()
}

fn token_of(body: &str) -> String {
    let at = body.find("/survey/").expect("a survey link") + "/survey/".len();
    body[at..].split_whitespace().next().unwrap().to_string()
}

#[tokio::test]
async fn only_consenting_reporters_are_asked_once_and_results_sum_up() {
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        let app = &d.app;
        let pm = app
            .login("property.manager@nordictowers.example", DEMO_PASSWORD)
            .await;

        // No consent, no survey.
        closed_case(&d, &pm).await;
        assert!(letters(&d).await.is_empty(), "{label}");

        // With consent, one letter after closure.
        let r = app
            .call(
                "PUT",
                "/api/v1/me/survey-consent",
                Some(&pm),
                Some(json!({"consents": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert!(r.json["survey_consent_at"].is_string());
        let number = closed_case(&d, &pm).await;
        let sent = letters(&d).await;
        assert_eq!(sent.len(), 1, "{label}");
        assert!(sent[0].1.contains(&number), "{label}: {}", sent[0].1);
        let token = token_of(&sent[0].1);

        // The link shows the request without signing in; the answer is checked and taken once.
        let r = app
            .call("GET", &format!("/api/v1/surveys/{token}"), None, None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["case_number"], number.as_str());
        let r = app
            .call(
                "POST",
                &format!("/api/v1/surveys/{token}"),
                None,
                Some(json!({"rating": 7})),
            )
            .await;
        assert_eq!(r.json["error"]["field"], "rating", "{label}");
        let answer = json!({"rating": 4, "solved": true, "comment": "Quick and friendly"});
        let r = app
            .call(
                "POST",
                &format!("/api/v1/surveys/{token}"),
                None,
                Some(answer.clone()),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{label}: {}", r.json);
        let r = app
            .call(
                "POST",
                &format!("/api/v1/surveys/{token}"),
                None,
                Some(answer),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{label}");
        let r = app
            .call("GET", "/api/v1/surveys/not-a-token", None, None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");

        // Results for the customer; nothing for another tenant.
        let r = app
            .call("GET", "/api/v1/surveys/results", Some(&d.customer), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(
            (r.json["sent"].as_i64(), r.json["answered"].as_i64()),
            (Some(1), Some(1)),
            "{label}"
        );
        assert_eq!(r.json["mean_rating"], 4.0);
        assert_eq!(r.json["solved_pct"], 100.0);
        assert_eq!(r.json["comments"][0]["comment"], "Quick and friendly");
        let other = app
            .login("customer.admin@rhein-immo.example", DEMO_PASSWORD)
            .await;
        let r = app
            .call("GET", "/api/v1/surveys/results", Some(&other), None)
            .await;
        assert_eq!(r.json["sent"], 0, "{label}");

        // An objection to analytics stops surveys even with consent.
        app.call(
            "PUT",
            "/api/v1/me/analytics-objection",
            Some(&pm),
            Some(json!({"objects": true})),
        )
        .await;
        closed_case(&d, &pm).await;
        assert_eq!(letters(&d).await.len(), 1, "{label}: no new survey");
    }
}

#[tokio::test]
async fn the_survey_page_answers_without_signing_in() {
    use crate::portal_common::{on_both_demos, signed_in, Browser};
    on_both_demos(|app| async move {
        let d = Desk {
            operator: app.login("operator@hoistway.example", DEMO_PASSWORD).await,
            duty: String::new(),
            tech: String::new(),
            tech_id: {
                let t = app
                    .login("technician@hoistway.example", DEMO_PASSWORD)
                    .await;
                app.call("GET", "/api/v1/me", Some(&t), None).await.json["id"]
                    .as_i64()
                    .unwrap()
            },
            customer: app
                .login("customer.admin@nordictowers.example", DEMO_PASSWORD)
                .await,
            unit: {
                let c = app
                    .login("customer.admin@nordictowers.example", DEMO_PASSWORD)
                    .await;
                app.call("GET", "/api/v1/units?limit=1", Some(&c), None)
                    .await
                    .json["items"][0]["id"]
                    .as_i64()
                    .unwrap()
            },
            foreign_unit: 0,
            app,
        };
        // Consent from the privacy page.
        let mut pm = signed_in(&d.app, "property.manager@nordictowers.example").await;
        let csrf = pm.csrf_of("/account/privacy").await;
        pm.post(
            "/account/privacy/surveys",
            &[("_csrf", &csrf), ("consents", "yes")],
        )
        .await;
        assert!(pm
            .get("/account/privacy")
            .await
            .body
            .contains("data-surveys=\"on\""));
        let token_pm = d
            .app
            .login("property.manager@nordictowers.example", DEMO_PASSWORD)
            .await;
        closed_case(&d, &token_pm).await;
        let token = token_of(&letters(&d).await[0].1);

        let mut stranger = Browser::new(d.app.app.clone());
        let page = stranger.get(&format!("/survey/{token}")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("How satisfied are you"));
        let r = stranger
            .post(
                &format!("/survey/{token}"),
                &[
                    ("_csrf", &page.csrf()),
                    ("rating", "5"),
                    ("solved", "yes"),
                    ("comment", "Great"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert!(r.body.contains("Thank you"));
        let again = stranger.get(&format!("/survey/{token}")).await;
        assert!(again.body.contains("already answered"));

        // The report shows it.
        let mut ca = signed_in(&d.app, "customer.admin@nordictowers.example").await;
        let today = d.app.clock_now().date_naive();
        let report = ca
            .get(&format!(
                "/reports/view?kind=kpis&from={}&to={today}",
                today - chrono::Duration::days(30)
            ))
            .await;
        assert!(
            report.body.contains("Customer satisfaction") && report.body.contains("Great"),
            "{}",
            report.status
        );
    })
    .await;
}
