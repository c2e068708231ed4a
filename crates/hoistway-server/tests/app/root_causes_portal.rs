//! Root-cause analyses in the portal (issue #21): the care center opens an
//! analysis from a flagged unit, plans and completes an action, and the
//! customer follows it on its own pages.

use crate::common::desk::desk;
use crate::root_causes::fault;
use axum::http::StatusCode;
use hoistway_store::testing::TestDb;

#[tokio::test]
async fn the_portal_opens_an_analysis_from_a_flagged_unit_and_the_customer_follows_it() {
    use crate::portal_common::signed_in;
    for t in TestDb::all().await {
        let label = t.label;
        let d = desk(t).await;
        for code in ["DOOR-ROLLER", "DOOR-LOCK", "DOOR-ROLLER"] {
            fault(&d, d.unit, code).await;
        }
        let mut op = signed_in(&d.app, "operator@hoistway.example").await;
        let page = op.get("/desk/recurring").await;
        assert_eq!(page.status, StatusCode::OK, "{label}: {}", page.body);
        assert!(
            page.body
                .contains(&format!("data-flagged-unit=\"{}\"", d.unit))
                && page.body.contains("Open a root-cause analysis"),
            "{label}: {}",
            page.body
        );
        let numbers = {
            let marker = "name=\"case_numbers\" value=\"";
            let start = page.body.find(marker).unwrap() + marker.len();
            page.body[start..].split('"').next().unwrap().to_string()
        };
        assert_eq!(numbers.split(' ').count(), 3, "{label}");
        let r = op
            .post(
                "/desk/root-causes",
                &[
                    ("_csrf", &page.csrf()),
                    ("unit_id", &d.unit.to_string()),
                    ("family", "door"),
                    ("case_numbers", &numbers),
                    ("summary", "Door rollers keep wearing out"),
                ],
            )
            .await;
        let here = r.location().to_string();
        assert!(here.starts_with("/desk/root-causes/"), "{label}: {here}");
        let id = here.rsplit('/').next().unwrap().to_string();
        let page = op.get(&here).await;
        assert!(
            page.body.contains("Door rollers keep wearing out"),
            "{label}"
        );
        // A refused action names its field on the page.
        op.post(
            &format!("{here}/actions"),
            &[
                ("_csrf", &page.csrf()),
                ("description", "Rollers"),
                ("due_on", ""),
            ],
        )
        .await;
        let page = op.get(&here).await;
        assert!(page.body.contains("due_on"), "{label}: {}", page.body);
        let r = op
            .post(
                &format!("{here}/actions"),
                &[
                    ("_csrf", &page.csrf()),
                    ("description", "Replace rollers on all landings"),
                    ("due_on", "2026-12-10"),
                    ("parts", "KM601230"),
                    ("cost", "1200,50"),
                    ("currency", "EUR"),
                ],
            )
            .await;
        assert_eq!(r.location(), here);
        let page = op.get(&here).await;
        assert!(
            page.body.contains("1\u{202f}200.50"),
            "{label}: {}",
            page.body
        );
        let action = {
            let marker = "actions/";
            let start = page.body.find(&format!("{here}/{marker}")).unwrap()
                + here.len()
                + 1
                + marker.len();
            page.body[start..].split('/').next().unwrap().to_string()
        };
        op.post(
            &format!("{here}/actions/{action}/complete"),
            &[("_csrf", &page.csrf())],
        )
        .await;
        assert!(
            op.get(&here).await.body.contains("1 of 1 actions done"),
            "{label}"
        );

        // The customer follows it: list, analysis, unit page, dashboard, lifecycle.
        let mut pm = signed_in(&d.app, "property.manager@nordictowers.example").await;
        let list = pm.get("/reports/root-causes").await;
        assert!(
            list.body.contains("Door rollers keep wearing out")
                && list.body.contains("1 of 1 actions done"),
            "{label}: {}",
            list.body
        );
        let mine = pm.get(&format!("/reports/root-causes/{id}")).await;
        assert_eq!(mine.status, StatusCode::OK);
        assert!(
            !mine.body.contains("Mark done"),
            "{label}: customers only read"
        );
        let unit_page = pm.get(&format!("/equipment/{}", d.unit)).await;
        assert!(unit_page.body.contains("Root-cause analyses"), "{label}");
        let dash = pm.get("/reports/recurring").await;
        assert!(
            dash.body.contains("id=\"ranking\"")
                && !dash.body.contains("Open a root-cause analysis"),
            "{label}"
        );
        let life = pm.get("/reports/lifecycle?years=7").await;
        assert_eq!(life.status, StatusCode::OK, "{label}: {}", life.body);
        assert!(
            life.body.contains("id=\"budget\"")
                && life.body.contains("/api/v1/lifecycle.csv?years=7"),
            "{label}"
        );
        let r = pm
            .post(
                "/desk/root-causes",
                &[
                    ("_csrf", &mine.csrf()),
                    ("unit_id", &d.unit.to_string()),
                    ("family", "door"),
                    ("summary", "x"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        let mut other = signed_in(&d.app, "customer.admin@rhein-immo.example").await;
        let theirs = other.get(&format!("/reports/root-causes/{id}")).await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{label}");
        d.app.t.cleanup().await;
    }
}
