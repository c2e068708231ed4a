//! The service-desk test fixture: the demo fleet with the desk's logins,
//! and small helpers to open and move cases.

use super::{Reply, TestApp};
use axum::http::StatusCode;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::testing::TestDb;
use serde_json::Value;

pub struct Desk {
    pub app: TestApp,
    pub operator: String,
    pub duty: String,
    pub tech: String,
    pub tech_id: i64,
    pub customer: String,
    /// A unit of the first demo customer (Nordic Towers).
    pub unit: i64,
    /// A unit of another customer.
    pub foreign_unit: i64,
}

pub async fn desk(t: TestDb) -> Desk {
    let app = TestApp::on(t).await;
    app.seed_demo().await;
    let operator = app.login("operator@hoistway.example", DEMO_PASSWORD).await;
    let duty = app
        .login("duty.manager@hoistway.example", DEMO_PASSWORD)
        .await;
    let tech = app
        .login("technician@hoistway.example", DEMO_PASSWORD)
        .await;
    let customer = app
        .login("customer.admin@nordictowers.example", DEMO_PASSWORD)
        .await;
    let me = app.call("GET", "/api/v1/me", Some(&tech), None).await;
    let tech_id = me.json["id"]
        .as_i64()
        .or(me.json["user"]["id"].as_i64())
        .unwrap();
    let mine = app
        .call(
            "GET",
            "/api/v1/units?kind=elevator&limit=1",
            Some(&customer),
            None,
        )
        .await;
    let unit = mine.json["items"][0]["id"].as_i64().unwrap();
    let all = app
        .call("GET", "/api/v1/units?limit=500", Some(&operator), None)
        .await;
    let own_customer = mine.json["items"][0]["customer_id"].as_i64().unwrap();
    let foreign_unit = all.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["customer_id"].as_i64() != Some(own_customer))
        .and_then(|u| u["id"].as_i64())
        .unwrap();
    Desk {
        app,
        operator,
        duty,
        tech,
        tech_id,
        customer,
        unit,
        foreign_unit,
    }
}

pub async fn open(d: &Desk, token: &str, body: Value) -> Value {
    let r = d
        .app
        .call("POST", "/api/v1/cases", Some(token), Some(body))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    r.json
}

pub async fn post(d: &Desk, token: &str, number: &str, action: &str, body: Value) -> Reply {
    d.app
        .call(
            "POST",
            &format!("/api/v1/cases/{number}/{action}"),
            Some(token),
            Some(body),
        )
        .await
}

pub async fn case_count(d: &Desk) -> usize {
    let r = d
        .app
        .call("GET", "/api/v1/cases?limit=500", Some(&d.operator), None)
        .await;
    r.json["items"].as_array().unwrap().len()
}
