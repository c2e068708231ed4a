//! Setup → Integrations in the portal: a customer admin adds an endpoint,
//! sees its secret once, sends a test message that a real receiver gets,
//! reads the delivery log, makes a new secret, turns it off and deletes
//! it. Other roles have no tab and get 403. SQLite and PostgreSQL.

use crate::common::TestApp;
use crate::portal_common::signed_in;

use axum::http::StatusCode;
use hoistway_app::state::Settings;
use hoistway_app::webhook_url::WebhookSettings;
use hoistway_jobs::webhooks::{deliver_due, Sender};
use hoistway_store::testing::TestDb;

const ADMIN: &str = "customer.admin@nordictowers.example";

/// The text of the first one-time secret on a page.
fn secret_on(body: &str) -> Option<String> {
    let start = body.find("whsec_")?;
    let end = body[start..].find('<')? + start;
    Some(body[start..end].to_string())
}

#[tokio::test]
async fn a_customer_admin_manages_webhooks_in_setup() {
    for t in TestDb::all().await {
        let settings = Settings {
            body_limit: 64 * 1024,
            webhooks: WebhookSettings {
                allow_private: true,
            },
            ..Settings::default()
        };
        let app = TestApp::with_settings(t, settings).await;
        app.seed_demo().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = hits.clone();
        let receiver = axum::Router::new().route(
            "/hook",
            axum::routing::post(move || {
                let counter = counter.clone();
                async move {
                    counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    StatusCode::NO_CONTENT
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, receiver).await.unwrap() });

        let mut b = signed_in(&app, ADMIN).await;
        let setup = b.get("/setup").await;
        assert!(setup.body.contains("href=\"/setup/integrations\""));
        let csrf = b.csrf_of("/setup/integrations").await;

        // A refusal comes back as a message naming what is wrong.
        let bad = b
            .post(
                "/setup/integrations",
                &[
                    ("_csrf", &csrf),
                    ("url", "ftp://example.com/"),
                    ("events", "case"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::SEE_OTHER);
        let back = b.get("/setup/integrations").await;
        assert!(
            back.body.contains("must be an https:// URL"),
            "{}",
            back.body
        );

        let made = b
            .post(
                "/setup/integrations",
                &[
                    ("_csrf", &csrf),
                    ("url", &url),
                    ("description", "Facility system"),
                    ("events", "case"),
                    ("events", "invoice"),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        let secret = secret_on(&made.body).expect("the secret on the answer");
        let list = b.get("/setup/integrations").await;
        assert!(!list.body.contains(&secret), "shown once only");
        assert!(list.body.contains("Facility system"));
        let start = list.body.find("/setup/integrations/").unwrap();
        let rest = &list.body[start + "/setup/integrations/".len()..];
        let id: i64 = rest[..rest.find('"').unwrap()].parse().unwrap();
        let here = format!("/setup/integrations/{id}");

        let r = b.post(&format!("{here}/test"), &[("_csrf", &csrf)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert_eq!(r.location(), here);
        let sender = Sender::new(&app.state.settings.webhooks).unwrap();
        assert_eq!(deliver_due(&app.state, &sender).await.delivered, 1);
        assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
        let log = b.get(&here).await;
        assert_eq!(log.status, StatusCode::OK);
        assert!(log.body.contains("webhook.test") && log.body.contains("Delivered"));
        assert!(log.body.contains("HTTP 204"), "{}", log.body);

        let rotated = b.post(&format!("{here}/rotate"), &[("_csrf", &csrf)]).await;
        assert_eq!(rotated.status, StatusCode::OK);
        let new = secret_on(&rotated.body).unwrap();
        assert_ne!(new, secret);
        assert!(!b.get(&here).await.body.contains(&new));

        let off = b
            .post(
                &format!("{here}/enabled"),
                &[("_csrf", &csrf), ("enabled", "false")],
            )
            .await;
        assert_eq!(off.status, StatusCode::SEE_OTHER);
        assert!(b.get(&here).await.body.contains("Turn on"));

        // Another customer's admin: not found.
        let mut other = signed_in(&app, "customer.admin@rhein-immo.example").await;
        assert!(other
            .get("/setup")
            .await
            .body
            .contains("/setup/integrations"));
        assert_eq!(other.get(&here).await.status, StatusCode::NOT_FOUND);
        let csrf_b = other.csrf_of("/setup/integrations").await;
        let r = other
            .post(&format!("{here}/delete"), &[("_csrf", &csrf_b)])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        let gone = b.post(&format!("{here}/delete"), &[("_csrf", &csrf)]).await;
        assert_eq!(gone.status, StatusCode::SEE_OTHER);
        assert!(b
            .get("/setup/integrations")
            .await
            .body
            .contains("No endpoints yet."));
        assert_eq!(b.get(&here).await.status, StatusCode::NOT_FOUND);

        // Other roles: no tab, and 403.
        let mut pm = signed_in(&app, "property.manager@nordictowers.example").await;
        assert!(!pm.get("/setup").await.body.contains("/setup/integrations"));
        assert_eq!(
            pm.get("/setup/integrations").await.status,
            StatusCode::FORBIDDEN
        );
        app.t.cleanup().await;
    }
}
