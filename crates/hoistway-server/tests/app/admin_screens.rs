//! The provider admin's screens (`/admin`), in-process on SQLite and
//! PostgreSQL: a customer, a building with the hospital flag and its own
//! business hours, a unit with the triage flags, a device credential that
//! works until it is revoked, a topology, an API application, people
//! invited and changed. Every write is checked through the API (the same
//! store functions), every refusal names its field, and no other role
//! reaches the screens. Also the API side of business hours.

use crate::common::TestApp;
use crate::portal_common::{Browser, Page};
use crate::remote_common::residential;
use axum::http::StatusCode;
use hoistway_domain::Clock;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

const ROOT: &str = "root@hoistway.example";
const ROOT_PASSWORD: &str = "correct horse battery";

/// Posts a form of the page at `from` (its CSRF field) to `to`.
async fn submit(b: &mut Browser, from: &str, to: &str, fields: &[(&str, &str)]) -> Page {
    let csrf = b.csrf_of(from).await;
    let mut pairs = vec![("_csrf", csrf.as_str())];
    pairs.extend_from_slice(fields);
    b.post(to, &pairs).await
}

/// Follows a form's redirect and returns the flash it shows.
async fn flash_after(b: &mut Browser, r: &Page) -> String {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = b.get(r.location()).await;
    let start = page
        .body
        .find("class=\"flash ")
        .unwrap_or_else(|| panic!("no flash on {}: {}", r.location(), page.body));
    let end = page.body[start..].find("</div>").unwrap() + start;
    page.body[start..end].to_string()
}

/// The id at the end of a redirect's location.
fn id_in(r: &Page) -> i64 {
    r.location().rsplit('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_provider_admin_keeps_the_register_from_the_portal() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let token = app.admin_token().await;
        let mut admin = Browser::new(app.app.clone());
        admin.sign_in(ROOT, ROOT_PASSWORD).await;
        let home = admin.get("/desk").await;
        assert!(home.body.contains("href=\"/admin\""), "{label}: the tab");

        // A customer.
        let r = submit(
            &mut admin,
            "/admin",
            "/admin/customers",
            &[
                ("name", "Harbour Estates"),
                ("contact_email", "desk@harbour.example"),
            ],
        )
        .await;
        let customer = id_in(&r);
        let got = app
            .call(
                "GET",
                &format!("/api/v1/customers/{customer}"),
                Some(&token),
                None,
            )
            .await;
        assert_eq!(got.json["contact_email"], "desk@harbour.example", "{label}");
        let listed = admin.get("/admin?q=harbour").await;
        assert!(listed.body.contains("Harbour Estates"), "{label}");

        // A building: a bad country is refused by name; then a hospital.
        let cpage = format!("/admin/customers/{customer}");
        let to = format!("/admin/customers/{customer}/buildings");
        let building_fields = |country: &'static str| {
            vec![
                ("name", "Harbour Clinic"),
                ("address", "Satamakatu 1, Helsinki"),
                ("country", country),
                ("timezone", "Europe/Helsinki"),
                ("latitude", "60.1675"),
                ("longitude", "24.9525"),
                ("hospital", "on"),
            ]
        };
        let r = submit(&mut admin, &cpage, &to, &building_fields("Finland")).await;
        let flash = flash_after(&mut admin, &r).await;
        assert!(
            flash.contains("flash-error") && flash.contains("country"),
            "{label}: {flash}"
        );
        let r = submit(&mut admin, &cpage, &to, &building_fields("FI")).await;
        let building = id_in(&r);
        let bpath = format!("/api/v1/buildings/{building}");
        let got = app.call("GET", &bpath, Some(&token), None).await;
        assert_eq!(got.json["hospital"], true, "{label}: {}", got.json);
        assert_eq!(got.json["business_calendar"], Value::Null, "{label}");

        // Its own business hours: the form's days, times and dates arrive
        // in one written form; a bad time names its field; "standard" clears.
        let bpage = format!("/admin/buildings/{building}");
        let hours = format!("/admin/buildings/{building}/hours");
        let r = submit(
            &mut admin,
            &bpage,
            &hours,
            &[
                ("working_day", "sat"),
                ("working_day", "mon"),
                ("opens", "07:00"),
                ("closes", "19:30"),
                ("closed_dates", "2026-12-31\n2026-12-24"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}: {}", r.body);
        let got = app.call("GET", &bpath, Some(&token), None).await;
        assert_eq!(
            got.json["business_calendar"],
            json!({"working_days": ["mon", "sat"], "opens": "07:00", "closes": "19:30",
                   "closed_dates": ["2026-12-24", "2026-12-31"]}),
            "{label}"
        );
        let shown = admin.get(&bpage).await;
        assert!(
            shown.body.contains("Monday, Saturday, 07:00–19:30"),
            "{label}"
        );
        assert!(
            !shown.body.contains("data-no-holidays"),
            "{label}: FI has rules"
        );
        let r = app
            .call(
                "PATCH",
                &bpath,
                Some(&token),
                Some(json!({"country": "JP"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let shown = admin.get(&bpage).await;
        assert!(
            shown.body.contains("data-no-holidays"),
            "{label}: said, not silent"
        );
        app.call(
            "PATCH",
            &bpath,
            Some(&token),
            Some(json!({"country": "FI"})),
        )
        .await;
        let r = submit(
            &mut admin,
            &bpage,
            &hours,
            &[
                ("working_day", "mon"),
                ("opens", "25:00"),
                ("closes", "19:30"),
            ],
        )
        .await;
        let flash = flash_after(&mut admin, &r).await;
        assert!(
            flash.contains("business_calendar.opens"),
            "{label}: {flash}"
        );
        let r = submit(&mut admin, &bpage, &hours, &[("standard", "1")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}");
        let got = app.call("GET", &bpath, Some(&token), None).await;
        assert_eq!(got.json["business_calendar"], Value::Null, "{label}");

        // A unit, then its triage flags; a bad number names its field.
        let r = submit(
            &mut admin,
            &bpage,
            &format!("/admin/buildings/{building}/units"),
            &[
                ("kind", "elevator"),
                ("equipment_number", "ken:49000001"),
                ("name", "Lift A"),
            ],
        )
        .await;
        let unit = id_in(&r);
        let upage = format!("/admin/units/{unit}");
        let unit_fields = |floors: &'static str| {
            vec![
                ("equipment_number", "ken:49000001"),
                ("name", "Lift A"),
                ("floors_served", floors),
                ("connected", "on"),
                ("accessible_route", "on"),
                ("high_traffic", "on"),
            ]
        };
        let r = submit(&mut admin, &upage, &upage, &unit_fields("many")).await;
        let flash = flash_after(&mut admin, &r).await;
        assert!(flash.contains("floors_served"), "{label}: {flash}");
        let r = submit(&mut admin, &upage, &upage, &unit_fields("8")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}: {}", r.body);
        let got = app
            .call("GET", &format!("/api/v1/units/{unit}"), Some(&token), None)
            .await;
        assert_eq!(
            (
                &got.json["accessible_route"],
                &got.json["high_traffic"],
                &got.json["floors_served"]
            ),
            (&json!(true), &json!(true), &json!(8)),
            "{label}: {}",
            got.json
        );

        // A device credential: shown once, works, stops when revoked.
        let issued = submit(
            &mut admin,
            &upage,
            &format!("/admin/units/{unit}/devices"),
            &[("label", "GW-1")],
        )
        .await;
        assert_eq!(issued.status, StatusCode::OK, "{label}");
        let device_token = secret_in(&issued, "Token");
        assert!(device_token.starts_with("hwd_"), "{label}: {device_token}");
        let line = json!({"v": 1, "unit": "ken:49000001", "ts": app.clock.now().to_rfc3339(),
                          "seq": 1, "kind": "status", "mode": "normal", "available": true});
        let sent = app
            .post_ndjson(&device_token, line.to_string())
            .await
            .status;
        assert_eq!(sent, StatusCode::OK, "{label}");
        assert!(
            !admin.get(&upage).await.body.contains(&device_token),
            "{label}: the token is not shown again"
        );
        let devices = app
            .call(
                "GET",
                &format!("/api/v1/units/{unit}/devices"),
                Some(&token),
                None,
            )
            .await;
        let device = devices.json["items"][0]["id"].as_i64().unwrap();
        let r = submit(
            &mut admin,
            &upage,
            &format!("/admin/units/{unit}/devices/{device}/revoke"),
            &[],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}");
        let sent = app
            .post_ndjson(&device_token, line.to_string())
            .await
            .status;
        assert_eq!(sent, StatusCode::UNAUTHORIZED, "{label}");

        // A topology: not JSON is refused by name, the API's body is taken.
        let topo = format!("/admin/buildings/{building}/topology");
        let r = submit(&mut admin, &bpage, &topo, &[("topology", "{floors")]).await;
        let flash = flash_after(&mut admin, &r).await;
        assert!(flash.contains("topology"), "{label}: {flash}");
        let body = residential().to_string();
        let r = submit(&mut admin, &bpage, &topo, &[("topology", &body)]).await;
        let flash = flash_after(&mut admin, &r).await;
        assert!(flash.contains("flash-ok"), "{label}: {flash}");
        let got = app
            .call("GET", &format!("{bpath}/topology"), Some(&token), None)
            .await;
        assert_eq!(got.status, StatusCode::OK, "{label}");
        assert!(
            admin.get(&bpage).await.body.contains("10 floors"),
            "{label}"
        );

        // An API application: its secret once; it authenticates until revoked.
        let made = submit(
            &mut admin,
            "/admin/api-clients",
            "/admin/api-clients",
            &[("customer_id", &customer.to_string()), ("name", "BMS link")],
        )
        .await;
        assert_eq!(made.status, StatusCode::OK, "{label}");
        let (client_id, secret) = (
            secret_in(&made, "Client id"),
            secret_in(&made, "Client secret"),
        );
        let db = &app.state.db;
        let ok = hoistway_store::api_clients::authenticate(db, &client_id, &secret)
            .await
            .unwrap();
        let app_id = ok.expect("the new application authenticates").id;
        let r = submit(
            &mut admin,
            "/admin/api-clients",
            &format!("/admin/api-clients/{app_id}/revoke"),
            &[],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}");
        let gone = hoistway_store::api_clients::authenticate(db, &client_id, &secret)
            .await
            .unwrap();
        assert!(gone.is_none(), "{label}: revoked");

        // People: a customer role without a customer is refused by name; an
        // invitation is sent; a role changes; an account is disabled.
        let r = submit(
            &mut admin,
            "/admin/users",
            "/admin/users",
            &[
                ("name", "Pia"),
                ("email", "pia@harbour.example"),
                ("role", "customer_admin"),
            ],
        )
        .await;
        let flash = flash_after(&mut admin, &r).await;
        assert!(flash.contains("customer_id"), "{label}: {flash}");
        let r = submit(
            &mut admin,
            "/admin/users",
            "/admin/users",
            &[
                ("name", "Pia"),
                ("email", "pia@harbour.example"),
                ("role", "property_manager"),
                ("customer_id", &customer.to_string()),
            ],
        )
        .await;
        let flash = flash_after(&mut admin, &r).await;
        assert!(flash.contains("pia@harbour.example"), "{label}: {flash}");
        let people = app
            .call(
                "GET",
                &format!("/api/v1/users?customer_id={customer}"),
                Some(&token),
                None,
            )
            .await;
        let pia = people.json["items"][0]["id"].as_i64().unwrap();
        let r = submit(
            &mut admin,
            "/admin/users",
            &format!("/admin/users/{pia}/role"),
            &[
                ("role", "customer_admin"),
                ("back", "/admin/users?customer_id=1"),
            ],
        )
        .await;
        assert_eq!(r.location(), "/admin/users?customer_id=1", "{label}");
        let r = submit(
            &mut admin,
            "/admin/users",
            &format!("/admin/users/{pia}/access"),
            &[("disabled", "true"), ("back", "https://evil.example/")],
        )
        .await;
        assert_eq!(
            r.location(),
            "/admin/users",
            "{label}: only back to the list"
        );
        let got = app
            .call("GET", &format!("/api/v1/users/{pia}"), Some(&token), None)
            .await;
        assert_eq!(
            (&got.json["role"], &got.json["disabled"]),
            (&json!("customer_admin"), &json!(true)),
            "{label}: {}",
            got.json
        );

        // Every change is on the audit trail, made by the admin.
        let audit = app
            .call(
                "GET",
                &format!("/api/v1/audit?customer_id={customer}&limit=500"),
                Some(&token),
                None,
            )
            .await;
        let entities: Vec<&str> = audit.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["entity"].as_str())
            .collect();
        for e in [
            "customer",
            "building",
            "unit",
            "device_credential",
            "topology",
            "api_client",
            "user",
        ] {
            assert!(
                entities.contains(&e),
                "{label}: no {e} in the audit: {entities:?}"
            );
        }
    }
}

#[tokio::test]
async fn only_the_provider_admin_reaches_the_screens() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        for (email, start) in [
            ("operator@hoistway.example", "/desk"),
            ("duty.manager@hoistway.example", "/desk"),
            ("customer.admin@nordictowers.example", "/"),
        ] {
            let mut b = Browser::new(app.app.clone());
            b.sign_in(email, hoistway_demo::DEMO_PASSWORD).await;
            let landing = b.get(start).await;
            assert!(
                !landing.body.contains("href=\"/admin\""),
                "{label}: {email} sees the tab"
            );
            for path in [
                "/admin",
                "/admin/users",
                "/admin/api-clients",
                "/admin/customers/1",
            ] {
                let p = b.get(path).await;
                assert_eq!(p.status, StatusCode::FORBIDDEN, "{label}: {email} {path}");
            }
            let csrf = b.csrf_of(start).await;
            let p = b
                .post("/admin/customers", &[("_csrf", &csrf), ("name", "Sneaky")])
                .await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{label}: {email} creates");
        }
        let mut admin = Browser::new(app.app.clone());
        admin
            .sign_in(
                "provider.admin@hoistway.example",
                hoistway_demo::DEMO_PASSWORD,
            )
            .await;
        let list = admin.get("/admin").await;
        assert_eq!(list.status, StatusCode::OK, "{label}");
        assert!(
            list.body.contains("Nordic Towers"),
            "{label}: the demo's customers"
        );
    }
}

#[tokio::test]
async fn business_hours_through_the_api_are_checked_and_kept() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let token = app.admin_token().await;
        let c = app
            .call(
                "POST",
                "/api/v1/customers",
                Some(&token),
                Some(json!({"name": "Owner"})),
            )
            .await;
        let b = app
            .call(
                "POST",
                "/api/v1/buildings",
                Some(&token),
                Some(json!({"customer_id": c.json["id"], "name": "Mall", "address": "Via Roma 1",
                            "country": "IT", "timezone": "Europe/Rome",
                            "business_calendar": {"working_days": ["mon","tue","wed","thu","fri","sat"],
                                                  "opens": "9:00", "closes": "21:00"}})),
            )
            .await;
        assert_eq!(b.status, StatusCode::CREATED, "{label}: {}", b.json);
        assert_eq!(b.json["business_calendar"]["opens"], "09:00", "{label}");
        assert_eq!(
            b.json["business_calendar"]["closed_dates"],
            json!([]),
            "{label}"
        );
        let path = format!("/api/v1/buildings/{}", b.json["id"]);
        for (bad, field) in [
            (
                json!({"working_days": [], "opens": "08:00", "closes": "17:00"}),
                "business_calendar.working_days",
            ),
            (
                json!({"working_days": ["mon"], "opens": "18:00", "closes": "17:00"}),
                "business_calendar.closes",
            ),
            (
                json!({"working_days": ["mon"], "opens": "08:00", "closes": "17:00", "closed_dates": ["soon"]}),
                "business_calendar.closed_dates",
            ),
        ] {
            let r = app
                .call(
                    "PATCH",
                    &path,
                    Some(&token),
                    Some(json!({"business_calendar": bad})),
                )
                .await;
            assert!(r.status.is_client_error(), "{label}: {}", r.json);
            assert!(
                r.json.to_string().contains(field),
                "{label}: {field} in {}",
                r.json
            );
        }
        let r = app
            .call(
                "PATCH",
                &path,
                Some(&token),
                Some(json!({"business_calendar": null})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}");
        assert_eq!(r.json["business_calendar"], Value::Null, "{label}");
        // The SLA clock counts in them: a routine case's response is due at
        // a business day's close, 21:00 here and 17:00 in a building with
        // the standard hours.
        let mall = b.json["id"].clone();
        let hours = json!({"business_calendar": {"working_days": ["mon", "tue", "wed", "thu", "fri", "sat"],
                                                 "opens": "09:00", "closes": "21:00"}});
        let r = app.call("PATCH", &path, Some(&token), Some(hours)).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let plain = app
            .call(
                "POST",
                "/api/v1/buildings",
                Some(&token),
                Some(
                    json!({"customer_id": c.json["id"], "name": "Office", "address": "Via Po 2",
                            "country": "IT", "timezone": "Europe/Rome"}),
                ),
            )
            .await;
        let mut units = Vec::new();
        for (building, number) in [
            (mall, "ken:49100001"),
            (plain.json["id"].clone(), "ken:49100002"),
        ] {
            let u = app
                .call(
                    "POST",
                    "/api/v1/units",
                    Some(&token),
                    Some(json!({"building_id": building, "kind": "elevator", "equipment_number": number})),
                )
                .await;
            units.push(u.json["id"].clone());
        }
        let today = app.clock.now().date_naive().to_string();
        let contract = app
            .call(
                "POST",
                "/api/v1/contracts",
                Some(&token),
                Some(json!({"customer_id": c.json["id"], "tier": "standard", "billing_interval": "annual",
                            "start_date": today, "unit_ids": units})),
            )
            .await;
        assert_eq!(
            contract.status,
            StatusCode::CREATED,
            "{label}: {}",
            contract.json
        );
        for (unit, closes) in [(&units[0], 21), (&units[1], 17)] {
            let case = app
                .call(
                    "POST",
                    "/api/v1/cases",
                    Some(&token),
                    Some(
                        json!({"unit_id": unit, "symptoms": "Light in the car flickers",
                                "passengers_trapped": false}),
                    ),
                )
                .await;
            assert_eq!(case.status, StatusCode::CREATED, "{label}: {}", case.json);
            assert_ne!(case.json["priority"], "emergency", "{label}: {}", case.json);
            let due: chrono::DateTime<chrono::Utc> =
                serde_json::from_value(case.json["sla"]["response_due"].clone())
                    .unwrap_or_else(|e| panic!("{label}: {e}: {}", case.json));
            let local = due.with_timezone(&chrono_tz::Europe::Rome);
            assert_eq!(
                chrono::Timelike::hour(&local),
                closes,
                "{label}: unit {unit} due {local} ({})",
                case.json["priority"]
            );
        }
        let doc = serde_json::to_value(hoistway_server::openapi()).unwrap();
        assert!(
            doc["components"]["schemas"]["BusinessHours"].is_object(),
            "{label}: the document describes it"
        );
    }
}

/// The value shown under `heading` in a one-time secret box.
fn secret_in(page: &Page, heading: &str) -> String {
    let marker = format!("data-secret=\"{heading}");
    let start = page
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no {heading} on the page: {}", page.body));
    let open = page.body[start..].find('>').unwrap() + start + 1;
    let close = page.body[open..].find('<').unwrap() + open;
    page.body[open..close].to_string()
}
