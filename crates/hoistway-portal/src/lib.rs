//! The portal: server-rendered HTML pages (maud) for building owners and
//! facility teams, the care center and technicians. No front-end build
//! step: one stylesheet, one small script for live updates over the API's
//! server-sent events, a service worker and a manifest so it installs on
//! a phone.
//!
//! Pages reach data through the same store functions as the API handlers,
//! with the same `Caller` scope and role checks; a few actions share the
//! API's own helper (sign-in, opening a case) so both paths stay one.
//!
//! Module map:
//! - [`page`]: [`page::Ctx`] (the signed-in viewer) and [`page::PortalError`].
//! - [`areas`]: the tabs and which of them each role has.
//! - [`layout`]: page shell and navigation, and refusals as pages.
//! - [`strings`]: every user-facing string ([`strings::EN`]).
//! - [`forms`]: the CSRF field and [`forms::Posted`], a checked form.
//! - [`ui`]: small building blocks (badges, dates, empty states).
//! - [`charts`]: server-side SVG charts.
//! - [`assets`]: stylesheet, script, service worker, manifest, icon.
//! - [`signin`]: sign-in and sign-out.
//! - [`printed`]: what the PDF routes share (the download answer, the
//!   document frame, time on site); documents are drawn by
//!   `hoistway-documents`.
//! - [`fleet`]: the viewer's units, cases and each unit's state.
//! - [`notices`]: the notification list behind the bell (every role) and
//!   the Web Push switch for this device.
//! - customer pages: [`home`], [`equipment`], [`requests`], [`services`],
//!   [`reports`], [`documents`] (with [`invoice`] and [`contract`], whose
//!   scope, work and invoice lines are [`contract_scope`]),
//!   [`certificates`] (inspection certificates, under Services), [`setup`].
//! - [`integrations`]: Setup → Integrations, a customer admin's outgoing
//!   webhooks (secret shown once, test message, delivery log).
//! - [`resident`]: a resident's start page, the remote-call app.
//! - [`contacts`], [`playbook`], [`label`]: the local service contacts, a
//!   building's printable on-site playbook and the units' service labels
//!   (issue #20).
//! - [`admin`]: the provider admin's register: customers, buildings (flags,
//!   business hours, topology), units (device credentials), people, API
//!   applications.

pub mod admin;
pub mod areas;
pub mod assets;
pub mod building;
pub mod certificates;
pub mod charts;
pub mod contacts;
pub mod contract;
pub mod contract_scope;
pub mod desk;
pub mod documents;
pub mod equipment;
pub mod equipment_export;
pub mod fleet;
pub mod forms;
pub mod home;
pub mod integrations;
pub mod invite;
pub mod invoice;
pub mod label;
pub mod layout;
pub mod lifecycle;
pub mod notices;
pub mod offers;
pub mod page;
pub mod playbook;
pub mod printed;
pub mod privacy;
pub mod reports;
pub mod requests;
pub mod resident;
pub mod root_causes;
pub mod security;
pub mod services;
pub mod setup;
pub mod signin;
pub mod strings;
pub mod survey;
pub mod tech;
pub mod ui;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use hoistway_app::state::AppState;

/// The portal's Content-Security-Policy: nothing inline, nothing foreign.
pub const CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
form-action 'self'; frame-ancestors 'none'";

/// The portal's routes (merged at the root by [`crate::app`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::show))
        .route("/signin", get(signin::show).post(signin::submit))
        .route("/signout", post(signin::sign_out))
        .route("/invite/{token}", get(invite::show).post(invite::submit))
        .route("/survey/{token}", get(survey::show).post(survey::submit))
        .route("/equipment", get(equipment::list))
        .route("/equipment/{id}", get(equipment::show))
        .route("/equipment/{id}/requests", post(equipment::create_request))
        .route("/equipment/{id}/export", get(equipment_export::download))
        .route("/requests", get(requests::list).post(requests::create))
        .route("/requests/new", get(requests::new))
        .route("/requests/{number}", get(requests::show))
        .route("/requests/{number}/quote", post(requests::quote))
        .route("/requests/{number}/escalation", post(requests::escalation))
        .route("/requests/{number}/callback", post(requests::callback))
        .route("/requests/{number}/report/pdf", get(requests::report_pdf))
        .route("/services", get(services::show))
        .route("/services/certificates", get(certificates::list))
        .route("/services/certificates/{id}/file", get(certificates::file))
        .route("/services/calendar", post(services::create_feed))
        .route("/services/calendar/revoke", post(services::revoke_feeds))
        .route("/reports", get(reports::form))
        .route("/reports/view", get(reports::view))
        .route("/reports/csv", get(reports::csv))
        .route("/reports/pdf", get(reports::pdf))
        // Recurring faults, root-cause analyses, lifecycle (issue #21).
        .route("/reports/recurring", get(root_causes::customer_dashboard))
        .route("/reports/root-causes", get(root_causes::customer_list))
        .route(
            "/reports/root-causes/{id}",
            get(root_causes::customer_detail),
        )
        .route("/reports/lifecycle", get(lifecycle::customer_page))
        .route("/desk/recurring", get(root_causes::desk_dashboard))
        .route(
            "/desk/root-causes",
            get(root_causes::desk_list).post(root_causes::desk_open),
        )
        .route(
            "/desk/root-causes/{id}",
            get(root_causes::desk_detail).post(root_causes::desk_edit),
        )
        .route(
            "/desk/root-causes/{id}/actions",
            post(root_causes::desk_add_action),
        )
        .route(
            "/desk/root-causes/{id}/actions/{action_id}/complete",
            post(root_causes::desk_complete),
        )
        .route("/desk/lifecycle", get(lifecycle::desk_page))
        .route("/documents", get(documents::show))
        .route("/documents/invoices/{id}", get(invoice::show))
        .route("/documents/invoices/{id}/pdf", get(invoice::pdf))
        .route("/contracts/{id}", get(contract::show))
        .route("/buildings/{id}", get(building::show))
        // Service contacts, on-site playbook, unit service labels (issue #20).
        .route(
            "/buildings/{id}/playbook",
            get(playbook::show).post(playbook::save),
        )
        .route("/buildings/{id}/playbook/review", post(playbook::review))
        .route("/buildings/{id}/playbook/pdf", get(playbook::pdf))
        .route("/buildings/{id}/labels", get(label::building_labels))
        .route("/equipment/{id}/label", get(label::unit_label))
        .route(
            "/admin/service-contacts",
            get(admin::service_contacts::list),
        )
        .route(
            "/admin/service-contacts/{country}",
            get(admin::service_contacts::edit).post(admin::service_contacts::save),
        )
        // The parts catalogue (issue #21).
        .route(
            "/admin/parts",
            get(admin::parts::list).post(admin::parts::create),
        )
        .route(
            "/admin/parts/{id}",
            get(admin::parts::show).post(admin::parts::update),
        )
        .route("/admin/parts/{id}/stock", post(admin::parts::stock))
        .route("/notifications", get(notices::list))
        .route("/notifications/unread", get(notices::unread))
        .route("/notifications/read-all", post(notices::mark_all_read))
        .route("/notifications/{id}/read", post(notices::mark_read))
        .route("/setup", get(setup::me))
        .route("/setup/me", post(setup::save_me))
        .route(
            "/setup/notifications",
            get(setup::notifications_page).post(setup::save_notifications),
        )
        .route(
            "/setup/portfolios",
            get(setup::portfolios_page).post(setup::create_portfolio),
        )
        .route("/setup/portfolios/{id}", post(setup::update_portfolio))
        .route("/setup/team", get(setup::team_page).post(setup::add_member))
        .route("/setup/team/{id}", post(setup::change_member))
        .route("/setup/team/{id}/remove", post(setup::remove_member))
        // Setup → Integrations: outgoing webhooks (integrations.rs).
        .route(
            "/setup/integrations",
            get(integrations::list).post(integrations::create),
        )
        .route("/setup/integrations/{id}", get(integrations::show))
        .route("/setup/integrations/{id}/test", post(integrations::test))
        .route(
            "/setup/integrations/{id}/enabled",
            post(integrations::set_enabled),
        )
        .route(
            "/setup/integrations/{id}/rotate",
            post(integrations::rotate),
        )
        .route(
            "/setup/integrations/{id}/delete",
            post(integrations::delete),
        )
        // Care center, technician view, sign-in security (desk/, tech/, security/).
        .route("/desk", get(desk::queue::show))
        .route("/desk/rows", get(desk::queue::rows_only))
        .route(
            "/desk/intake",
            get(desk::intake::show).post(desk::intake::submit),
        )
        .route("/desk/intake/preview", get(desk::intake::preview))
        .route("/desk/intake/units", get(desk::intake::units))
        .route("/desk/escalations", get(desk::board::show))
        .route(desk::rota::PATH, get(desk::rota::show))
        .route("/desk/rota/shifts", post(desk::rota::add_shift))
        .route(
            "/desk/rota/shifts/{id}/delete",
            post(desk::rota::remove_shift),
        )
        .route("/desk/rota/weather", post(desk::rota::declare))
        .route("/desk/rota/weather/{id}/delete", post(desk::rota::withdraw))
        .route("/desk/offers", get(offers::desk_page))
        .route("/desk/offers/{id}/quote", post(offers::desk_quote))
        .route("/desk/offers/{id}/decline", post(offers::desk_decline))
        .route(
            "/offers",
            get(offers::customer_page).post(offers::customer_ask),
        )
        .route("/offers/{id}/accept", post(offers::customer_accept))
        .route("/offers/{id}/decline", post(offers::customer_decline))
        .route("/desk/cases/{number}", get(desk::case::show))
        .route(
            "/desk/cases/{number}/status",
            post(desk::case_actions::status),
        )
        .route(
            "/desk/cases/{number}/assign",
            post(desk::case_actions::assign),
        )
        .route(
            "/desk/cases/{number}/priority",
            post(desk::case_actions::priority),
        )
        .route("/desk/cases/{number}/note", post(desk::case_actions::note))
        .route(
            "/desk/cases/{number}/escalation-ack",
            post(desk::case_actions::escalation_ack),
        )
        .route(
            "/desk/cases/{number}/callback-done",
            post(desk::case_actions::callback_done),
        )
        .route(
            "/desk/cases/{number}/acknowledge",
            post(desk::case_actions::acknowledge),
        )
        .route("/tech", get(tech::list))
        .route("/tech/cases/{number}", get(tech::order::show))
        .route("/tech/cases/{number}/status", post(tech::order::status))
        .route(
            "/tech/cases/{number}/report",
            post(tech::order::file_report),
        )
        .route("/tech/cases/{number}/command", post(tech::order::command))
        // The provider admin's register (admin/).
        .route("/admin", get(admin::customers::list))
        .route("/admin/customers", post(admin::customers::create))
        .route(
            "/admin/customers/{id}",
            get(admin::customers::show).post(admin::customers::update),
        )
        .route(
            "/admin/customers/{id}/buildings",
            post(admin::buildings::create),
        )
        .route(
            "/admin/buildings/{id}",
            get(admin::buildings::show).post(admin::buildings::update),
        )
        .route(
            "/admin/buildings/{id}/hours",
            post(admin::buildings::set_hours),
        )
        .route(
            "/admin/buildings/{id}/units",
            post(admin::buildings::create_unit),
        )
        .route(
            "/admin/buildings/{id}/topology",
            post(admin::buildings::set_topology),
        )
        .route(
            "/admin/units/{id}",
            get(admin::units::show).post(admin::units::update),
        )
        .route(
            "/admin/units/{id}/devices",
            post(admin::units::issue_device),
        )
        .route(
            "/admin/units/{id}/devices/{device_id}/revoke",
            post(admin::units::revoke_device),
        )
        .route(
            "/admin/users",
            get(admin::people::list).post(admin::people::invite),
        )
        .route("/admin/users/{id}/role", post(admin::people::change_role))
        .route("/admin/users/{id}/access", post(admin::people::set_access))
        .route(
            "/admin/api-clients",
            get(admin::api_clients::list).post(admin::api_clients::create),
        )
        .route(
            "/admin/api-clients/{id}/revoke",
            post(admin::api_clients::revoke),
        )
        .route("/tech/visits/{id}", get(tech::visit::show))
        .route("/tech/visits/{id}/start", post(tech::visit::start))
        .route("/tech/visits/{id}/checklist", post(tech::visit::checklist))
        .route("/tech/visits/{id}/complete", post(tech::visit::complete))
        .route("/signin/code", post(security::second_step::submit))
        .route("/account/security", get(security::enrol::show))
        .route("/account/privacy", get(privacy::show))
        .route("/account/privacy/data.json", get(privacy::my_data))
        .route("/account/privacy/objection", post(privacy::set_objection))
        .route(
            "/account/privacy/surveys",
            post(privacy::set_survey_consent),
        )
        .route("/account/privacy/erase", post(privacy::erase_me))
        .route(
            "/account/privacy/retention/{kind}",
            post(privacy::set_retention),
        )
        .route(
            "/account/privacy/users/{id}/data.json",
            get(privacy::member_data),
        )
        .route(
            "/account/privacy/users/{id}/erase",
            post(privacy::erase_member),
        )
        .route("/account/security/start", post(security::enrol::start))
        .route("/account/security/confirm", post(security::enrol::confirm))
        .route("/account/security/disable", post(security::enrol::disable))
        .route("/assets/{name}", get(assets::serve))
        .route("/sw.js", get(assets::service_worker))
        .route("/manifest.webmanifest", get(assets::manifest))
        .layer(middleware::from_fn(clear_flash))
        .layer(middleware::from_fn(security_headers))
}

/// Security headers on every portal response; pages (not assets) are
/// never stored by caches, since they hold a signed-in user's data.
async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    res
}

/// A flash message is shown once: when a page was rendered for a request
/// that carried one, the cookie is removed.
async fn clear_flash(req: Request, next: Next) -> Response {
    let had = CookieJar::from_headers(req.headers())
        .get(page::FLASH_COOKIE)
        .is_some();
    let mut res = next.run(req).await;
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if had && is_page {
        let mut gone = Cookie::build((page::FLASH_COOKIE, "")).path("/").build();
        gone.make_removal();
        if let Ok(v) = HeaderValue::from_str(&gone.to_string()) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// Unknown paths: an HTML 404 page for browsers, the API's JSON otherwise
/// (the server sends unknown KONE API paths to the KONE surface first).
pub async fn fallback(req: Request) -> Response {
    let wants_html = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html && !req.uri().path().starts_with("/api/") {
        let mut res = page::PortalError::NotFound.into_response();
        res.headers_mut().insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
        return res;
    }
    hoistway_app::error::AppError::NotFound("route").into_response()
}
