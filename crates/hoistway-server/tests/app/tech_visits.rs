//! The technician's planned visits in the phone view (issue #19), in
//! process on the demo data, on SQLite and PostgreSQL: today's visit
//! listed for its technician and not for another, another technician's
//! visit a 404, the checklist recorded through the page and read back
//! through the API, the visit completed with its report (audited), the
//! unit's history on the visit and work-order pages, and the service
//! report form (and filing) while on site.

use crate::common::TestApp;
use crate::portal_common::{on_both_demos, signed_in, Browser};
use axum::http::StatusCode;
use hoistway_demo::DEMO_PASSWORD;
use serde_json::{json, Value};
use sqlx::Row;

const ADMIN: &str = "provider.admin@hoistway.example";
const OPERATOR: &str = "operator@hoistway.example";
const TECH: &str = "technician@hoistway.example";
const OTHER_TECH: &str = "technician.de@hoistway.example";

async fn technician_id(app: &TestApp, token: &str, email: &str) -> i64 {
    let techs = app
        .call("GET", "/api/v1/technicians", Some(token), None)
        .await;
    techs
        .json
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["email"] == email)
        .unwrap()["user_id"]
        .as_i64()
        .unwrap()
}

/// Two planned future visits of different units, moved by the care center
/// to today (12:00 UTC is 23 Nov in every demo zone) and given to `a` and
/// `b`.
async fn visits_for_today(app: &TestApp, admin: &str, a: i64, b: i64) -> (Value, Value) {
    let planned = app
        .call(
            "GET",
            "/api/v1/visits?status=planned&kind=preventive&from=2026-11-30&limit=200",
            Some(admin),
            None,
        )
        .await;
    assert_eq!(planned.status, StatusCode::OK, "{}", planned.json);
    let items = planned.json["items"].as_array().unwrap().clone();
    let first = items[0].clone();
    let second = items
        .iter()
        .find(|v| v["unit_id"] != first["unit_id"])
        .unwrap()
        .clone();
    let mut out = Vec::new();
    for (v, tech) in [(first, a), (second, b)] {
        let moved = app
            .call(
                "PATCH",
                &format!("/api/v1/visits/{}", v["id"]),
                Some(admin),
                Some(json!({"planned_for": "2026-11-23T12:00:00Z", "technician_id": tech})),
            )
            .await;
        assert_eq!(moved.status, StatusCode::OK, "{}", moved.json);
        out.push(moved.json);
    }
    let b = out.pop().unwrap();
    let a = out.pop().unwrap();
    (a, b)
}

/// Posts a form of `page` (with its CSRF field); returns the redirect and
/// the page it leads to.
async fn post_form(
    b: &mut Browser,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (String, String) {
    let csrf = b.csrf_of(page).await;
    let mut all = vec![("_csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    let r = b.post(action, &all).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}: {}", r.body);
    let to = r.location().to_string();
    let next = b.get(&to).await;
    assert_eq!(next.status, StatusCode::OK, "{to}");
    (to, next.body)
}

async fn audit_rows(app: &TestApp, entity: &str, id: i64) -> Vec<String> {
    sqlx::query(&format!(
        "SELECT action FROM audit_log WHERE entity = '{entity}' AND entity_id = {id} ORDER BY id"
    ))
    .fetch_all(&app.t.db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get::<String, _>("action").unwrap())
    .collect()
}

#[tokio::test]
async fn a_technician_works_todays_visit_from_the_phone_view() {
    on_both_demos(a_technician_works_todays_visit_from_the_phone_view_on).await;
}

async fn a_technician_works_todays_visit_from_the_phone_view_on(app: TestApp) {
    let admin = app.login(ADMIN, DEMO_PASSWORD).await;
    let tech = technician_id(&app, &admin, TECH).await;
    let other = technician_id(&app, &admin, OTHER_TECH).await;
    let (mine, theirs) = visits_for_today(&app, &admin, tech, other).await;
    let id = mine["id"].as_i64().unwrap();
    let their_id = theirs["id"].as_i64().unwrap();
    let page = format!("/tech/visits/{id}");

    // Today's visit is listed for its technician, and not for another.
    let mut t = signed_in(&app, TECH).await;
    let list = t.get("/tech").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("Today&#39;s planned visits")
            || list.body.contains("Today's planned visits")
    );
    assert!(
        list.body.contains(&format!("href=\"{page}\"")),
        "{}",
        list.body
    );
    assert!(!list.body.contains(&format!("/tech/visits/{their_id}\"")));
    let mut o = signed_in(&app, OTHER_TECH).await;
    let theirs_list = o.get("/tech").await;
    assert!(theirs_list
        .body
        .contains(&format!("/tech/visits/{their_id}\"")));
    assert!(!theirs_list.body.contains(&format!("href=\"{page}\"")));

    // Another technician's visit is a 404, to read and to act on.
    assert_eq!(
        t.get(&format!("/tech/visits/{their_id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let csrf = t.csrf_of(&page).await;
    let r = t
        .post(
            &format!("/tech/visits/{their_id}/start"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.call(
            "GET",
            &format!("/api/v1/visits/{their_id}"),
            Some(&admin),
            None
        )
        .await
        .json["status"],
        "planned",
        "nothing started"
    );

    // The page names the unit and building, and links the address to a map.
    let v = t.get(&page).await;
    assert_eq!(v.status, StatusCode::OK);
    let building = mine["building_name"].as_str().unwrap();
    assert!(
        v.body.contains(&format!(" · {building}</h1>")),
        "{}",
        v.body
    );
    assert!(v.body.contains("https://www.openstreetmap.org/"));
    assert!(v.body.contains("Planned"), "status in words");
    assert!(!v.body.contains(">planned<"), "no wire codes");

    // Unit history: a case of the unit, opened by the care center and
    // assigned to me, is on the visit page.
    let op = app.login(OPERATOR, DEMO_PASSWORD).await;
    let case = app
        .call(
            "POST",
            "/api/v1/cases",
            Some(&op),
            Some(json!({"unit_id": mine["unit_id"], "symptoms": "Door reopens twice before closing"})),
        )
        .await;
    assert_eq!(case.status, StatusCode::CREATED, "{}", case.json);
    let number = case.json["number"].as_str().unwrap().to_string();
    let assigned = app
        .call(
            "POST",
            &format!("/api/v1/cases/{number}/assign"),
            Some(&op),
            Some(json!({"technician_id": tech, "eta": "2026-11-23T09:00:00Z"})),
        )
        .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.json);
    let v = t.get(&page).await;
    assert!(v.body.contains("History of this unit"));
    assert!(
        v.body.contains(&format!("Fault case {number}")),
        "{}",
        v.body
    );
    assert!(
        v.body.contains("Technician assigned"),
        "case status in words"
    );

    // Start; the checklist opens.
    let (to, body) = post_form(&mut t, &page, &format!("{page}/start"), &[]).await;
    assert_eq!(to, page);
    assert!(body.contains("Visit started"), "{body}");
    assert!(body.contains(&format!("action=\"{page}/checklist\"")));
    let tech_token = app.login(TECH, DEMO_PASSWORD).await;
    let items = app
        .call(
            "GET",
            &format!("/api/v1/visits/{id}/checklist"),
            Some(&tech_token),
            None,
        )
        .await;
    let items = items.json.as_array().unwrap().clone();
    assert!(items.len() >= 2, "a preventive visit has a checklist");

    // Completing before the checklist is done is refused in words.
    let (_, body) = post_form(
        &mut t,
        &page,
        &format!("{page}/complete"),
        &[("findings", "All fine"), ("time_on_site", "40")],
    )
    .await;
    assert!(
        body.contains("Some checklist items have no result yet"),
        "{body}"
    );

    // Record the checklist through the page: the first item N/A with a
    // note, every other item OK.
    let mut fields: Vec<(String, String)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        fields.push((format!("code_{i}"), item["code"].as_str().unwrap().into()));
        let outcome = if i == 0 { "n_a" } else { "pass" };
        fields.push((format!("o_{i}"), outcome.into()));
        fields.push((
            format!("note_{i}"),
            if i == 0 {
                "No pit ladder on this unit"
            } else {
                ""
            }
            .into(),
        ));
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let (_, body) = post_form(&mut t, &page, &format!("{page}/checklist"), &borrowed).await;
    assert!(
        body.contains(&format!("{} items recorded", items.len())),
        "{body}"
    );
    // Sent again unchanged, nothing new is recorded.
    let (_, body) = post_form(&mut t, &page, &format!("{page}/checklist"), &borrowed).await;
    assert!(body.contains("Nothing new to record"), "{body}");
    let read = app
        .call(
            "GET",
            &format!("/api/v1/visits/{id}/checklist"),
            Some(&tech_token),
            None,
        )
        .await;
    let read = read.json.as_array().unwrap();
    assert_eq!(read[0]["outcome"], "n_a");
    assert_eq!(read[0]["note"], "No pit ladder on this unit");
    assert!(read[1..].iter().all(|e| e["outcome"] == "pass"), "{read:?}");
    assert_eq!(read[0]["recorded_by"], tech);

    // Complete with the report.
    let (_, body) = post_form(
        &mut t,
        &page,
        &format!("{page}/complete"),
        &[
            ("findings", "Doors adjusted, rails cleaned"),
            ("time_on_site", "55"),
            ("part_0", "KM123"),
            ("qty_0", "2"),
        ],
    )
    .await;
    assert!(body.contains("Visit completed and report filed"), "{body}");
    assert!(body.contains("Doors adjusted, rails cleaned"));
    assert!(body.contains("55 min on site"));
    let done = app
        .call(
            "GET",
            &format!("/api/v1/visits/{id}/report"),
            Some(&tech_token),
            None,
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.json);
    assert_eq!(done.json["visit"]["status"], "completed");
    assert_eq!(done.json["report"]["time_on_site_min"], 55);
    assert_eq!(done.json["report"]["parts_used"][0]["part_number"], "KM123");
    // Every change is audited by the store functions the page called.
    let visit_audit = audit_rows(&app, "visit", id).await;
    assert!(
        visit_audit.contains(&"in_progress".to_string())
            && visit_audit.contains(&"completed".to_string()),
        "{visit_audit:?}"
    );
    assert_eq!(
        audit_rows(&app, "visit_checklist_item", id).await.len(),
        items.len()
    );
    assert_eq!(audit_rows(&app, "visit_report", id).await, vec!["post"]);
    // Still on today's list, completed.
    let list = t.get("/tech").await;
    assert!(list.body.contains(&format!("href=\"{page}\"")));
    assert!(list.body.contains("Completed"));

    // The work order: the report form is there while on site, the unit's
    // history shows the completed visit, and the report files on site.
    let order = format!("/tech/cases/{number}");
    for step in ["en_route", "on_site"] {
        post_form(
            &mut t,
            &order,
            &format!("{order}/status"),
            &[("status", step)],
        )
        .await;
    }
    let o_page = t.get(&order).await;
    assert!(
        o_page.body.contains(&format!("action=\"{order}/report\"")),
        "report form while on site: {}",
        o_page.body
    );
    assert!(o_page.body.contains("History of this unit"));
    assert!(
        o_page.body.contains(&format!("href=\"{page}\"")),
        "the visit in the history"
    );
    let (_, body) = post_form(
        &mut t,
        &order,
        &format!("{order}/report"),
        &[
            ("findings", "Door sensor dirty"),
            ("cause_code", "DOOR-SENSOR"),
            ("actions", "Cleaned the light curtain"),
            ("returned_to_service", "1"),
        ],
    )
    .await;
    assert!(body.contains("Service report filed"), "{body}");
    let c = app
        .call("GET", &format!("/api/v1/cases/{number}"), Some(&op), None)
        .await;
    assert_eq!(c.json["status"], "on_site");
    assert_eq!(c.json["report"]["findings"], "Door sensor dirty");
    // The case page no longer offers the form, and a second report is refused.
    let o_page = t.get(&order).await;
    assert!(!o_page.body.contains(&format!("action=\"{order}/report\"")));
}
