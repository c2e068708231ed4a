//! Inviting people, on every backend: the answer never tells one tenant
//! whether an address has an account elsewhere (issue #18, defect 8), the
//! invited person chooses their own password through a one-time link, and
//! the portal's Team tab and `/invite/{token}` page do the same.

use crate::common;
use crate::portal_common;

use axum::http::StatusCode;
use common::{error_code, TestApp};
use hoistway_demo::DEMO_PASSWORD;
use hoistway_store::testing::TestDb;
use portal_common::Browser;
use serde_json::{json, Value};
use sqlx::Row;

const ADMIN: &str = "customer.admin@nordictowers.example";
const OTHER_TENANTS_USER: &str = "finance@rhein-immo.example";

/// The bodies of the invitation letters sent to `email`, oldest first.
async fn letters_to(app: &TestApp, email: &str) -> Vec<String> {
    sqlx::query(&format!(
        "SELECT o.body FROM outbox o JOIN users u ON u.id = o.user_id \
         WHERE u.email = '{email}' AND o.event = 'invitation' AND o.channel = 'email' ORDER BY o.id"
    ))
    .fetch_all(&app.t.db.pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get::<String, _>("body").unwrap())
    .collect()
}

/// The token of the link in a letter (`…/invite/{token}`).
fn token_in(letter: &str) -> String {
    let start = letter.find("/invite/").expect("a link in the letter") + "/invite/".len();
    letter[start..]
        .split(|c: char| c.is_whitespace())
        .next()
        .unwrap()
        .to_string()
}

fn without_time(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("expires_at");
    v
}

#[tokio::test]
async fn an_invitation_answers_alike_for_every_address_and_signs_up_once() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = TestApp::on(t).await;
        app.seed_demo().await;
        let admin = app.login(ADMIN, DEMO_PASSWORD).await;

        // Creating an account with a chosen address is the provider's: a
        // customer admin's attempt answers 403 whatever the address, where
        // it used to answer 409 "already exists" for another tenant's user.
        for email in [OTHER_TENANTS_USER, "nobody.yet@nordictowers.example"] {
            let r = app
                .call(
                    "POST",
                    "/api/v1/users",
                    Some(&admin),
                    Some(json!({"email": email, "name": "X", "role": "front_desk",
                        "password": "a long enough password"})),
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{label} {email}: {}",
                r.json
            );
            assert!(
                !r.json.to_string().contains("exists"),
                "{label}: {}",
                r.json
            );
        }

        // Inviting: the same status and body for another tenant's user, an
        // unknown address and a teammate who already has an account.
        let mut answers = Vec::new();
        for email in [
            OTHER_TENANTS_USER,
            "new.pm@nordictowers.example",
            "front.desk@nordictowers.example",
        ] {
            let r = app
                .call(
                    "POST",
                    "/api/v1/invitations",
                    Some(&admin),
                    Some(json!({"email": email, "name": "New person", "role": "property_manager"})),
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::ACCEPTED,
                "{label} {email}: {}",
                r.json
            );
            let mut body = without_time(r.json.clone());
            body["email"] = json!("…");
            answers.push(body);
        }
        assert!(
            answers.windows(2).all(|w| w[0] == w[1]),
            "{label}: {answers:?}"
        );

        // The other tenant's user keeps their account and gets a letter
        // with no link; nothing about them reaches the inviting tenant.
        let theirs = letters_to(&app, OTHER_TENANTS_USER).await;
        assert_eq!(theirs.len(), 1, "{label}");
        assert!(!theirs[0].contains("/invite/"), "{label}: {}", theirs[0]);
        app.login(OTHER_TENANTS_USER, DEMO_PASSWORD).await;
        let team = app
            .call("GET", "/api/v1/users?limit=200", Some(&admin), None)
            .await;
        let seen = team.json.to_string();
        assert!(!seen.contains(OTHER_TENANTS_USER), "{label}");
        assert!(seen.contains("new.pm@nordictowers.example"), "{label}");

        // The new address cannot sign in before choosing a password.
        let r = app
            .call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(json!({"email": "new.pm@nordictowers.example", "password": ""})),
            )
            .await;
        assert!(r.status.is_client_error(), "{label}");

        // Its letter carries a one-time link.
        let mine = letters_to(&app, "new.pm@nordictowers.example").await;
        assert_eq!(mine.len(), 1, "{label}");
        let token = token_in(&mine[0]);
        let short = app
            .call(
                "POST",
                "/api/v1/invitations/accept",
                None,
                Some(json!({"token": token, "password": "short"})),
            )
            .await;
        assert_eq!(short.status, StatusCode::BAD_REQUEST, "{label}");
        assert_eq!(short.json["error"]["field"], "password", "{label}");
        let ok = app
            .call(
                "POST",
                "/api/v1/invitations/accept",
                None,
                Some(json!({"token": token, "password": "my own long password"})),
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{label}: {}", ok.json);
        assert_eq!(ok.json["user"]["role"], "property_manager", "{label}");
        assert_eq!(ok.json["user"]["invitation_pending"], false, "{label}");
        let customer =
            app.call("GET", "/api/v1/me", Some(&admin), None).await.json["customer_id"].clone();
        assert_eq!(ok.json["user"]["customer_id"], customer, "{label}");
        app.login("new.pm@nordictowers.example", "my own long password")
            .await;
        // Used once: the link is dead.
        let again = app
            .call(
                "POST",
                "/api/v1/invitations/accept",
                None,
                Some(json!({"token": token, "password": "someone else's password"})),
            )
            .await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST, "{label}");
        assert_eq!(error_code(&again), "invalid", "{label}");
        assert_eq!(again.json["error"]["field"], "token", "{label}");

        // Nobody invites into a role they may not grant.
        let r = app
            .call(
                "POST",
                "/api/v1/invitations",
                Some(&admin),
                Some(json!({"email": "evil@x.example", "name": "E", "role": "provider_admin"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}");
        // A link expires after seven days; a fresh invitation replaces it.
        for _ in 0..2 {
            app.call(
                "POST",
                "/api/v1/invitations",
                Some(&admin),
                Some(json!({"email": "late@nordictowers.example", "name": "Late", "role": "finance"})),
            )
            .await;
        }
        let late = letters_to(&app, "late@nordictowers.example").await;
        assert_eq!(late.len(), 2, "{label}");
        let (first, second) = (token_in(&late[0]), token_in(&late[1]));
        let replaced = app
            .call(
                "POST",
                "/api/v1/invitations/accept",
                None,
                Some(json!({"token": first, "password": "my own long password"})),
            )
            .await;
        assert_eq!(
            replaced.status,
            StatusCode::BAD_REQUEST,
            "{label}: the older link"
        );
        app.clock.advance(chrono::Duration::days(8));
        let expired = app
            .call(
                "POST",
                "/api/v1/invitations/accept",
                None,
                Some(json!({"token": second, "password": "my own long password"})),
            )
            .await;
        assert_eq!(expired.status, StatusCode::BAD_REQUEST, "{label}: expired");

        app.t.cleanup().await;
    }
}

#[tokio::test]
async fn the_team_tab_invites_and_the_link_signs_the_person_in() {
    let app = TestApp::sqlite().await;
    app.seed_demo().await;
    let mut admin = Browser::new(app.app.clone());
    admin.sign_in(ADMIN, DEMO_PASSWORD).await;
    let team = admin.get("/setup/team").await;
    assert!(
        !team.body.contains("name=\"password\""),
        "no initial password any more"
    );
    let csrf = team.csrf();
    let r = admin
        .post(
            "/setup/team",
            &[
                ("_csrf", &csrf),
                ("name", "Nina New"),
                ("email", "nina@nordictowers.example"),
                ("role", "front_desk"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let team = admin.get("/setup/team").await;
    assert!(team.body.contains("Nina New") && team.body.contains("Invitation sent"));

    let letter = &letters_to(&app, "nina@nordictowers.example").await[0];
    let token = token_in(letter);
    let mut nina = Browser::new(app.app.clone());
    let form = nina.get(&format!("/invite/{token}")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("Nina New"));
    let csrf = form.csrf();
    // Without the form's cookie (another site posting): refused.
    let mut stranger = Browser::new(app.app.clone());
    let r = stranger
        .post(
            &format!("/invite/{token}"),
            &[
                ("_csrf", &csrf),
                ("password", "ninas own password"),
                ("password2", "ninas own password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = nina
        .post(
            &format!("/invite/{token}"),
            &[
                ("_csrf", &csrf),
                ("password", "ninas own password"),
                ("password2", "a different one"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("differ"));
    let csrf = r.csrf();
    let r = nina
        .post(
            &format!("/invite/{token}"),
            &[
                ("_csrf", &csrf),
                ("password", "ninas own password"),
                ("password2", "ninas own password"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(nina.cookies.contains_key("hoistway_session"));
    assert_eq!(nina.get("/requests").await.status, StatusCode::OK);
    // The link is spent.
    let spent = Browser::new(app.app.clone())
        .get(&format!("/invite/{token}"))
        .await;
    assert_eq!(spent.status, StatusCode::NOT_FOUND);
    assert!(spent.body.contains("already used or expired"));
}
