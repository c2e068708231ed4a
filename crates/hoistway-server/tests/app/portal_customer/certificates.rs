//! Inspection certificates in the portal: the list under Services (the
//! current certificate of each unit with its state), the unit page's line,
//! the document as a download, and no other customer's document.

use super::{demo, ADMIN, OTHER_ADMIN};
use crate::portal_common::Browser;
use axum::http::{header, StatusCode};
use hoistway_demo::DEMO_PASSWORD;
use hoistway_domain::Clock;
use hoistway_store::maintenance::certificates::{self, CertificateFilter};

#[tokio::test]
async fn certificates_are_listed_with_their_state_and_downloaded_by_their_customer_only() {
    let app = demo().await;
    let today = app.clock.now().date_naive();
    let all = certificates::list(
        &app.t.db,
        &hoistway_domain::Scope::All,
        &CertificateFilter {
            limit: Some(500),
            ..Default::default()
        },
        today,
    )
    .await
    .unwrap()
    .items;
    let mine_id = hoistway_store::users::find_for_login(&app.t.db, ADMIN)
        .await
        .unwrap()
        .unwrap()
        .0
        .customer_id
        .unwrap();
    let mine: Vec<_> = all.iter().filter(|c| c.customer_id == mine_id).collect();
    let theirs = all
        .iter()
        .find(|c| c.customer_id != mine_id)
        .expect("the demo has another customer's certificate");
    assert!(!mine.is_empty(), "the demo has certificates");

    let mut b = Browser::new(app.app.clone());
    b.sign_in(ADMIN, DEMO_PASSWORD).await;
    let services = b.get("/services").await;
    assert!(services.body.contains("href=\"/services/certificates\""));
    let page = b.get("/services/certificates").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // One row per unit: the certificate that expires last.
    let current = mine
        .iter()
        .filter(|c| {
            !mine
                .iter()
                .any(|o| o.unit_id == c.unit_id && o.expires_on > c.expires_on)
        })
        .collect::<Vec<_>>();
    for c in &current {
        assert!(
            page.body
                .contains(&format!("data-certificate=\"{}\"", c.id)),
            "certificate {} listed",
            c.id
        );
        let state = if c.days_to_expiry < 0 {
            "Expired".to_string()
        } else if c.days_to_expiry <= 60 {
            format!("Expires in {} days", c.days_to_expiry)
        } else {
            "Valid".to_string()
        };
        if c.days_to_expiry > 1 || c.days_to_expiry < 0 {
            assert!(page.body.contains(&state), "{state} for {}", c.id);
        }
    }
    assert!(!page
        .body
        .contains(&format!("data-certificate=\"{}\"", theirs.id)));

    // The unit page names its certificate.
    let unit = b.get(&format!("/equipment/{}", current[0].unit_id)).await;
    assert!(unit.body.contains("data-unit-certificate"), "{}", unit.body);

    // The document is a download, never a page of ours.
    let file = b
        .get(&format!("/services/certificates/{}/file", current[0].id))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    let disposition = file.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert!(!file.bytes.is_empty());
    let (_, _, stored) =
        certificates::content(&app.t.db, &hoistway_domain::Scope::All, current[0].id)
            .await
            .unwrap();
    assert_eq!(file.bytes, stored, "the stored document, unchanged");

    // Another customer's document is not found; finance has no Services.
    let other = b
        .get(&format!("/services/certificates/{}/file", theirs.id))
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    let mut finance = Browser::new(app.app.clone());
    finance
        .sign_in("finance@nordictowers.example", DEMO_PASSWORD)
        .await;
    assert_eq!(
        finance.get("/services/certificates").await.status,
        StatusCode::FORBIDDEN
    );
    let mut other_admin = Browser::new(app.app.clone());
    other_admin.sign_in(OTHER_ADMIN, DEMO_PASSWORD).await;
    let theirs_page = other_admin.get("/services/certificates").await;
    assert!(!theirs_page
        .body
        .contains(&format!("data-certificate=\"{}\"", current[0].id)));
}
