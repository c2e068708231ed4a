//! Hoistway's REST API under `/api/v1`: one module per resource, and the
//! OpenAPI document built from the same handlers ([`router`]).
//!
//! Other capabilities reuse a handler's logic through the small public
//! functions these modules export (the portal opens a case through
//! [`cases::open`], the KONE surface reads status through
//! [`equipment::status_from`]), never through their internals.

mod api_doc;

pub mod access;
pub mod api_clients;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod calls;
pub mod cases;
pub mod certificates;
pub mod checklists;
pub mod contract_work;
pub mod data_export;
pub mod devices;
pub mod email_intake;
pub mod equipment;
pub mod exports;
pub mod health;
pub mod invitations;
pub mod invoices;
pub mod kpis;
pub mod lifecycle;
pub mod maintenance;
pub mod notifications;
pub mod offers;
pub mod on_call;
pub mod parts;
pub mod playbooks;
pub mod privacy;
pub mod push;
pub mod recurring;
pub mod registry;
pub mod root_causes;
pub mod service_contacts;
pub mod surveys;
pub mod technicians;
pub mod telemetry;
pub mod topology;
pub mod users;
pub mod visit_work;
pub mod webhooks;

use hoistway_app::state::AppState;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// The API's router and its OpenAPI document, built from the same handlers.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::with_openapi(api_doc::ApiDoc::openapi())
        .merge(auth::router())
        .merge(registry::router())
        .merge(invoices::router())
        .merge(contract_work::router())
        .merge(users::router())
        .merge(privacy::router())
        .merge(offers::router())
        .merge(parts::router())
        .merge(on_call::router())
        .merge(root_causes::router())
        .merge(recurring::router())
        .merge(lifecycle::router())
        .merge(surveys::router())
        .merge(email_intake::router())
        .merge(invitations::router())
        .merge(audit::router())
        .merge(cases::router())
        .merge(kpis::router())
        .merge(notifications::router())
        .merge(push::router())
        .merge(maintenance::router())
        .merge(visit_work::router())
        .merge(checklists::router())
        .merge(certificates::router())
        .merge(technicians::router())
        .merge(calendar::router())
        .merge(exports::router())
        .merge(data_export::router())
        .merge(topology::router())
        .merge(access::router())
        .merge(calls::router())
        .merge(telemetry::router())
        .merge(devices::router())
        .merge(equipment::router())
        .merge(api_clients::router())
        .merge(service_contacts::router())
        .merge(playbooks::router())
        .merge(webhooks::router())
        .split_for_parts();
    // After the merge: the routers' operations exist only now.
    utoipa::Modify::modify(&api_doc::SharedErrors, &mut doc);
    (router, api_doc::with_patch_bodies(doc))
}

/// The OpenAPI document (also served at `/api/v1/openapi.json`).
pub fn openapi() -> utoipa::openapi::OpenApi {
    router().1
}
