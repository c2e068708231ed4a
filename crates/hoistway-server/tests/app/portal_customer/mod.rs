//! The customer portal in-process on the demo fleet, by area: [`pages`]
//! (every page renders with its key content, tenancy, role gating, the
//! service request and quote forms, times in the building's zone),
//! [`setup`] (calendar feed, notification matrix, settings, portfolios and
//! team), [`documents_pdf`] (the invoice page, the invoice, service report
//! and report PDFs and who may open them) and [`fleet`] (unit charts, live
//! states, planned visits), [`certificates`] (inspection certificates).
//! This module holds their shared fixture.

mod certificates;
mod documents_pdf;
mod fleet;
mod pages;
mod setup;

use crate::common;
use crate::portal_common;

use axum::http::{header, StatusCode};
use common::TestApp;
use hoistway_demo::DEMO_PASSWORD;
use hoistway_domain::Scope;
use hoistway_store::{units, ListFilter};
use portal_common::Browser;
use serde_json::json;

pub const ADMIN: &str = "customer.admin@nordictowers.example";
pub const OTHER_ADMIN: &str = "customer.admin@rhein-immo.example";

pub async fn demo() -> TestApp {
    let app = TestApp::sqlite().await;
    app.seed_demo().await;
    app
}

/// The first unit of the customer whose admin is `email`.
pub async fn unit_of(app: &TestApp, email: &str) -> i64 {
    let user = hoistway_store::users::find_for_login(&app.t.db, email)
        .await
        .unwrap()
        .unwrap()
        .0;
    let f = ListFilter {
        customer_id: user.customer_id,
        limit: Some(1),
        ..Default::default()
    };
    units::list(&app.t.db, &Scope::All, &f).await.unwrap().items[0].id
}

/// The building of that unit and a contract of the same customer.
pub async fn building_and_contract_of(app: &TestApp, email: &str) -> (i64, i64) {
    let unit = units::get(&app.t.db, &Scope::All, unit_of(app, email).await)
        .await
        .unwrap();
    let f = ListFilter {
        customer_id: Some(unit.customer_id),
        limit: Some(1),
        ..Default::default()
    };
    let contract = hoistway_store::contracts::list(&app.t.db, &Scope::All, &f)
        .await
        .unwrap()
        .items[0]
        .id;
    (unit.building_id, contract)
}

pub async fn signed_in(app: &TestApp, email: &str) -> Browser {
    let mut b = Browser::new(app.app.clone());
    b.sign_in(email, DEMO_PASSWORD).await;
    b
}
