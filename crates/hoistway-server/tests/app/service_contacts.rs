//! Service contacts, on-site playbooks and unit service labels (issue #20),
//! on every backend: the directory comes seeded with every country of the
//! provider's country list and only provider admins change it; a building's
//! playbook is edited by its customer's admins, refused to other roles
//! (403) and invisible to other tenants (404); a due review is announced
//! once; the portal prints the playbook and a label whose QR code encodes
//! the unit's request page.

use crate::common::{error_code, TestApp};
use crate::maintenance::{setup, Setup};
use crate::portal_common::Browser;
use axum::http::StatusCode;
use hoistway_domain::Clock;
use hoistway_store::playbooks::notify_review_due;
use hoistway_store::testing::TestDb;
use serde_json::{json, Value};

const OWNER: &str = "owner@aalto.example";
const OTHER: &str = "admin@other.example";
const PASSWORD: &str = "owner password long";

/// The setup's fleet, its customer admin, and a second customer with its
/// own admin and building.
struct World {
    s: Setup,
    owner: String,
    other: String,
    other_building: i64,
}

async fn world(app: &TestApp) -> World {
    let s = setup(app).await;
    let created = |path: &'static str, body: Value| {
        let token = s.token.clone();
        async move {
            let r = app.call("POST", path, Some(&token), Some(body)).await;
            assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.json);
            r.json["id"].as_i64().unwrap()
        }
    };
    created(
        "/api/v1/users",
        json!({"email": OWNER, "name": "Owner", "role": "customer_admin",
               "customer_id": s.customer, "password": PASSWORD}),
    )
    .await;
    let other_customer = created("/api/v1/customers", json!({"name": "Other Oy"})).await;
    let other_building = created(
        "/api/v1/buildings",
        json!({"customer_id": other_customer, "name": "Other House", "address": "Main St 1, Springfield",
               "country": "US", "timezone": "America/Chicago"}),
    )
    .await;
    created(
        "/api/v1/users",
        json!({"email": OTHER, "name": "Other", "role": "customer_admin",
               "customer_id": other_customer, "password": PASSWORD}),
    )
    .await;
    let owner = app.login(OWNER, PASSWORD).await;
    let other = app.login(OTHER, PASSWORD).await;
    World {
        s,
        owner,
        other,
        other_building,
    }
}

fn field(r: &crate::common::Reply) -> String {
    r.json["error"]["field"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn the_directory_is_seeded_with_every_country_and_kept_by_provider_admins() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let w = world(&app).await;
        let admin = w.s.token.clone();

        let r = app
            .call("GET", "/api/v1/service-contacts", Some(&w.owner), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        let all = r.json.as_array().unwrap();
        // Seed 002 lists 151 local sites; five countries have two (by
        // language) and Palestine is listed twice: 146 countries.
        assert_eq!(all.len(), 146, "{label}");
        let by = |code: &str| all.iter().find(|c| c["country"] == code).cloned();
        let us = by("US").expect("United States");
        assert_eq!(us["emergency_phone"], "877-276-8691", "{label}");
        assert_eq!(us["service_email"], "koneservice@kone.com", "{label}");
        let fi = by("FI").expect("Finland");
        assert!(fi["emergency_phone"].is_null(), "{label}: nothing invented");
        assert_eq!(fi["web"], "https://www.kone.com/en/contact/", "{label}");
        for code in ["BE", "CA", "CN", "CH", "PS", "XK", "CW", "ST", "TW", "ZW"] {
            assert!(by(code).is_some(), "{label}: {code}");
        }

        let r = app
            .call("GET", "/api/v1/service-contacts/fi", Some(&w.owner), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}");
        assert_eq!(r.json["name"], "Finland");
        let r = app
            .call("GET", "/api/v1/service-contacts/ZZ", Some(&w.owner), None)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}");
        assert_eq!(field(&r), "country", "{label}");
        let r = app
            .call("GET", "/api/v1/service-contacts/AQ", Some(&w.owner), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}: {}", r.json);
        error_code(&r);

        let body = json!({"name": "Finland", "emergency_phone": "+358 20 475 1", "emergency_hours": "24/7",
                          "service_email": "care@example.fi", "web": "https://example.fi/contact"});
        let r = app
            .call(
                "PUT",
                "/api/v1/service-contacts/FI",
                Some(&w.owner),
                Some(body.clone()),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::FORBIDDEN,
            "{label}: a customer cannot"
        );
        let r = app
            .call(
                "PUT",
                "/api/v1/service-contacts/FI",
                Some(&w.s.tech_token),
                Some(body.clone()),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: nor a technician");
        for (bad, name) in [
            (
                json!({"name": "Finland", "emergency_phone": "call us"}),
                "emergency_phone",
            ),
            (
                json!({"name": "Finland", "service_email": "nobody"}),
                "service_email",
            ),
            (
                json!({"name": "Finland", "web": "javascript:alert(1)"}),
                "web",
            ),
            (json!({"name": " "}), "name"),
        ] {
            let r = app
                .call(
                    "PUT",
                    "/api/v1/service-contacts/FI",
                    Some(&admin),
                    Some(bad),
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
            assert_eq!(field(&r), name, "{label}");
        }
        let r = app
            .call(
                "PUT",
                "/api/v1/service-contacts/ZZ",
                Some(&admin),
                Some(body.clone()),
            )
            .await;
        assert_eq!(field(&r), "country", "{label}");
        let r = app
            .call(
                "PUT",
                "/api/v1/service-contacts/fi",
                Some(&admin),
                Some(body),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["emergency_phone"], "+358 20 475 1");
        let r = app
            .call("GET", "/api/v1/service-contacts/FI", Some(&w.owner), None)
            .await;
        assert_eq!(r.json["service_email"], "care@example.fi", "{label}");
        let audited: i64 = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'service_contact' AND action = 'update'",
        )
        .fetch_one(&app.t.db.pool)
        .await
        .unwrap();
        assert_eq!(audited, 1, "{label}");
    }
}

#[tokio::test]
async fn a_playbook_is_edited_by_its_customer_and_hidden_from_others() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let w = world(&app).await;
        let path = format!("/api/v1/buildings/{}/playbook", w.s.building);
        let today = app.clock.now().date_naive();

        let r = app.call("GET", &path, Some(&w.owner), None).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["country"], "FI");
        assert_eq!(r.json["service_contact"]["name"], "Finland", "{label}");
        assert_eq!(r.json["units"].as_array().unwrap().len(), 3, "{label}");
        assert_eq!(r.json["review_interval_months"], 12);
        assert!(r.json["last_reviewed_on"].is_null());
        assert_eq!(r.json["review_due"], false);
        let in_a_year = today
            .checked_add_months(chrono::Months::new(12))
            .unwrap()
            .to_string();
        assert_eq!(r.json["next_review_on"], in_a_year.as_str(), "{label}");

        for (bad, name) in [
            (
                json!({"review_interval_months": 13}),
                "review_interval_months",
            ),
            (
                json!({"review_interval_months": 5}),
                "review_interval_months",
            ),
            (
                json!({"escalation_contacts": [{"name": "Duty", "phone": "ring"}]}),
                "escalation_contacts",
            ),
            (
                json!({"escalation_contacts": [{"name": ""}]}),
                "escalation_contacts",
            ),
            (
                json!({"access_instructions": "x".repeat(4001)}),
                "access_instructions",
            ),
        ] {
            let r = app.call("PUT", &path, Some(&w.owner), Some(bad)).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}: {}", r.json);
            assert_eq!(field(&r), name, "{label}");
        }
        let r = app
            .call("PUT", &path, Some(&w.owner), Some(json!({"unknown": 1})))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{label}");

        let body = json!({
            "access_instructions": "Loading dock open 7-18. Keys at the security desk.",
            "escalation_contacts": [{"name": "Maija Facility", "role": "Facility manager", "phone": "+358 40 123 4567", "email": "Maija@Aalto.example"}],
            "review_interval_months": 6
        });
        let r = app
            .call("PUT", &path, Some(&w.owner), Some(body.clone()))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(
            r.json["escalation_contacts"][0]["email"],
            "maija@aalto.example"
        );
        assert_eq!(r.json["review_interval_months"], 6);
        let in_half = today
            .checked_add_months(chrono::Months::new(6))
            .unwrap()
            .to_string();
        assert_eq!(r.json["next_review_on"], in_half.as_str(), "{label}");
        // A field left out keeps its value.
        let r = app
            .call(
                "PUT",
                &path,
                Some(&w.owner),
                Some(json!({"review_interval_months": 9})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}");
        assert_eq!(r.json["access_instructions"], body["access_instructions"]);

        // Roles: a technician reads but does not write; finance neither.
        let r = app.call("GET", &path, Some(&w.s.tech_token), None).await;
        assert_eq!(r.status, StatusCode::OK, "{label}");
        let r = app
            .call("PUT", &path, Some(&w.s.tech_token), Some(json!({})))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        let r = app
            .call(
                "POST",
                &format!("{path}/review"),
                Some(&w.s.tech_token),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");

        // Another tenant's building does not exist for this caller.
        let theirs = format!("/api/v1/buildings/{}/playbook", w.other_building);
        for (method, p, b) in [
            ("GET", theirs.clone(), None),
            (
                "PUT",
                theirs.clone(),
                Some(json!({"access_instructions": "mine now"})),
            ),
            ("POST", format!("{theirs}/review"), None),
        ] {
            let r = app.call(method, &p, Some(&w.owner), b).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}: {method} {p}");
        }
        let r = app.call("GET", &path, Some(&w.other), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");
        // ... while its own shows the US numbers.
        let r = app.call("GET", &theirs, Some(&w.other), None).await;
        assert_eq!(r.json["service_contact"]["emergency_phone"], "877-276-8691");

        let r = app
            .call("POST", &format!("{path}/review"), Some(&w.owner), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["last_reviewed_on"], today.to_string().as_str());
        let next = today
            .checked_add_months(chrono::Months::new(9))
            .unwrap()
            .to_string();
        assert_eq!(r.json["next_review_on"], next.as_str(), "{label}");
        let audited: i64 = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'building_playbook'",
        )
        .fetch_one(&app.t.db.pool)
        .await
        .unwrap();
        assert_eq!(audited, 3, "{label}: two edits and a review");
    }
}

#[tokio::test]
async fn a_due_review_is_announced_once_until_the_next_one() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let w = world(&app).await;
        let run = |days: i64| {
            let app = &app;
            async move {
                let at = app.clock.now() + chrono::Duration::days(days);
                let actor = hoistway_store::Actor { user_id: None, at };
                notify_review_due(&app.t.db, actor, at.date_naive())
                    .await
                    .unwrap()
            }
        };
        // Sessions end long before a year passes: sign in when asking.
        let inbox = || {
            let app = &app;
            async move {
                let token = app.login(OWNER, PASSWORD).await;
                let r = app
                    .call("GET", "/api/v1/notifications?limit=100", Some(&token), None)
                    .await;
                r.json["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|n| n["event"] == "playbook_review_due")
                    .map(|n| n["subject"].as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(run(0).await, 0, "{label}: not due yet");
        // A year and a bit later: the review is due, announced once.
        app.clock.advance(chrono::Duration::days(370));
        assert!(run(0).await >= 1, "{label}: announced");
        assert_eq!(run(0).await, 0, "{label}: not twice");
        assert_eq!(run(1).await, 0, "{label}: nor the next day");
        let seen = inbox().await;
        assert_eq!(seen.len(), 1, "{label}: {seen:?}");
        assert!(seen[0].contains("Aalto House"), "{label}: {seen:?}");
        // The other customer's admin hears nothing of it.
        let other = app.login(OTHER, PASSWORD).await;
        let r = app
            .call("GET", "/api/v1/notifications?limit=100", Some(&other), None)
            .await;
        assert!(
            !r.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["subject"].as_str().unwrap_or("").contains("Aalto House")),
            "{label}"
        );

        // Reviewed: quiet until the next review date, then once more.
        let path = format!("/api/v1/buildings/{}/playbook/review", w.s.building);
        let owner = app.login(OWNER, PASSWORD).await;
        let r = app.call("POST", &path, Some(&owner), None).await;
        assert_eq!(r.status, StatusCode::OK, "{label}: {}", r.json);
        assert_eq!(r.json["review_due"], false);
        assert_eq!(run(30).await, 0, "{label}");
        assert!(run(366).await >= 1, "{label}: the next review");
        assert_eq!(inbox().await.len(), 2, "{label}");
    }
}

#[tokio::test]
async fn the_portal_prints_the_playbook_and_labels_with_a_qr_code() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        let w = world(&app).await;
        let r = app
            .call(
                "PUT",
                "/api/v1/service-contacts/FI",
                Some(&w.s.token),
                Some(json!({"name": "Finland", "emergency_phone": "+358 20 475 1"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{label}");
        let mut b = Browser::new(app.app.clone());
        b.sign_in(OWNER, PASSWORD).await;

        // The building page shows the local contacts and links both prints.
        let page = b.get(&format!("/buildings/{}", w.s.building)).await;
        assert_eq!(page.status, StatusCode::OK, "{label}: {}", page.body);
        assert!(page.body.contains("tel:+358204751"), "{label}");
        assert!(page
            .body
            .contains(&format!("href=\"/buildings/{}/playbook\"", w.s.building)));
        assert!(page
            .body
            .contains(&format!("href=\"/buildings/{}/labels\"", w.s.building)));
        let unit = w.s.units[0];
        let page = b.get(&format!("/equipment/{unit}")).await;
        assert!(
            page.body
                .contains(&format!("href=\"/equipment/{unit}/label\"")),
            "{label}"
        );
        assert!(
            page.body.contains("id=\"new-request\""),
            "{label}: the QR code's target"
        );

        // The label: unit id, building, number, and a QR code of the URL.
        let page = b.get(&format!("/equipment/{unit}/label")).await;
        assert_eq!(page.status, StatusCode::OK, "{label}: {}", page.body);
        let url = format!("http://localhost/equipment/{unit}#new-request");
        assert!(page.body.contains(&url), "{label}: the URL in words");
        assert!(page.body.contains("ken:770") && page.body.contains("Aalto House"));
        assert!(page.body.contains("+358 20 475 1"), "{label}");
        let qr = hoistway_app::second_factor::qr_svg(
            &url,
            hoistway_portal::strings::EN.contacts.label_qr,
        )
        .unwrap();
        assert!(page.body.contains("<svg"), "{label}");
        assert!(
            page.body.contains(&qr),
            "{label}: the QR code encodes the URL"
        );
        let sheet = b.get(&format!("/buildings/{}/labels", w.s.building)).await;
        assert_eq!(
            sheet.body.matches("class=\"service-label\"").count(),
            3,
            "{label}"
        );

        // The playbook: number, entrapment advice, units; edited by form.
        let path = format!("/buildings/{}/playbook", w.s.building);
        let page = b.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{label}: {}", page.body);
        assert!(page.body.contains("If someone is trapped"), "{label}");
        assert!(page.body.contains("Do not force the doors"), "{label}");
        assert!(page.body.contains("+358 20 475 1") && page.body.contains("ken:772"));
        let csrf = page.csrf();
        let r = b
            .post(
                &path,
                &[
                    ("_csrf", &csrf),
                    ("access_instructions", "Ring the janitor at door B."),
                    ("contact_name_0", "Janitor"),
                    ("contact_phone_0", "+358 40 765 4321"),
                    ("contact_name_1", ""),
                    ("review_interval_months", "6"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}: {}", r.body);
        let page = b.get(&path).await;
        assert!(page.body.contains("Ring the janitor at door B."), "{label}");
        assert!(page.body.contains("tel:+358407654321"), "{label}");
        assert!(page.body.contains("Every 6 months"), "{label}");
        let r = b
            .post(
                &path,
                &[
                    ("_csrf", &csrf),
                    ("contact_name_0", "X"),
                    ("contact_phone_0", "ring"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}");
        let page = b.get(&path).await;
        assert!(
            page.body.contains("escalation_contacts"),
            "{label}: the refusal names the field"
        );
        let r = b.post(&format!("{path}/review"), &[("_csrf", &csrf)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}");
        let page = b.get(&path).await;
        let today = app.clock.now().date_naive().format("%-d %b %Y").to_string();
        assert!(page.body.contains(&today), "{label}: reviewed today");

        // The same playbook as a PDF.
        let pdf = b.get(&format!("{path}/pdf")).await;
        assert_eq!(pdf.status, StatusCode::OK, "{label}");
        assert_eq!(pdf.headers["content-type"], "application/pdf");
        let text = hoistway_documents::read_text(&pdf.bytes)
            .unwrap()
            .join("\n");
        for expected in [
            "If someone is trapped",
            "Ring the janitor at door B.",
            "+358 20 475 1",
            "ken:772",
            &today,
        ] {
            assert!(text.contains(expected), "{label}: {expected} in {text}");
        }

        // Another customer's building: no page.
        let mut other = Browser::new(app.app.clone());
        other.sign_in(OTHER, PASSWORD).await;
        for p in [
            path.clone(),
            format!("{path}/pdf"),
            format!("/equipment/{unit}/label"),
            format!("/buildings/{}/labels", w.s.building),
        ] {
            assert_eq!(
                other.get(&p).await.status,
                StatusCode::NOT_FOUND,
                "{label}: {p}"
            );
        }
        let other_csrf = other.csrf_of("/").await;
        let r = other
            .post(&format!("{path}/review"), &[("_csrf", &other_csrf)])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");

        // The directory page: provider admins only.
        assert_eq!(
            b.get("/admin/service-contacts").await.status,
            StatusCode::FORBIDDEN
        );
        let mut root = Browser::new(app.app.clone());
        root.sign_in("root@hoistway.example", "correct horse battery")
            .await;
        let page = root.get("/admin/service-contacts").await;
        assert_eq!(page.status, StatusCode::OK, "{label}: {}", page.body);
        assert!(page.body.contains("Kosovo") && page.body.contains("877-276-8691"));
        let csrf = root.csrf_of("/admin/service-contacts/SE").await;
        let r = root
            .post(
                "/admin/service-contacts/SE",
                &[
                    ("_csrf", &csrf),
                    ("name", "Sweden"),
                    ("service_phone", "+46 8 000 00"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{label}: {}", r.body);
        let r = app
            .call("GET", "/api/v1/service-contacts/SE", Some(&w.owner), None)
            .await;
        assert_eq!(r.json["service_phone"], "+46 8 000 00", "{label}");
    }
}

#[tokio::test]
async fn the_demo_has_playbooks_and_one_due_review_per_customer() {
    crate::portal_common::on_both_demos(|app| async move {
        let today = app.clock.now().date_naive();
        let all = hoistway_store::buildings::list(
            &app.t.db,
            &hoistway_domain::Scope::All,
            &hoistway_store::ListFilter::limited(500),
        )
        .await
        .unwrap()
        .items;
        let mut due = std::collections::BTreeMap::new();
        for b in &all {
            let pb = hoistway_store::playbooks::get(
                &app.t.db,
                &hoistway_domain::Scope::All,
                b.id,
                today,
            )
            .await
            .unwrap();
            assert!(!pb.access_instructions.is_empty(), "{}", b.name);
            assert!(pb.last_reviewed_on.is_some(), "{}", b.name);
            if b.country == "US" {
                let sc = pb.service_contact.expect("the US is in the directory");
                assert_eq!(sc.emergency_phone.as_deref(), Some("877-276-8691"));
            }
            *due.entry(b.customer_id).or_insert(0) += i32::from(pb.review_due);
        }
        assert!(due.values().all(|n| *n == 1), "{due:?}");
        let actor = hoistway_store::Actor {
            user_id: None,
            at: app.clock.now(),
        };
        assert!(notify_review_due(&app.t.db, actor, today).await.unwrap() >= 1);
        assert_eq!(notify_review_due(&app.t.db, actor, today).await.unwrap(), 0);
    })
    .await;
}
