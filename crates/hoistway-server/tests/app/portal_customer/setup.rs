//! The Setup tab's forms and the calendar feed.

use super::*;

#[tokio::test]
async fn calendar_feed_is_created_once_shown_and_revoked() {
    let app = demo().await;
    let mut b = signed_in(&app, ADMIN).await;
    let csrf = b.csrf_of("/services").await;
    let p = b.post("/services/calendar", &[("_csrf", &csrf)]).await;
    assert_eq!(p.status, StatusCode::OK);
    let marker = "data-ical-url>";
    let start = p.body.find(marker).expect("the URL is shown") + marker.len();
    let url = &p.body[start..start + p.body[start..].find('<').unwrap()];
    let path = &url[url.find("/api/").unwrap()..];
    let feed = app.call("GET", path, None, None).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.json.as_str().unwrap().contains("BEGIN:VCALENDAR"));
    let r = b
        .post("/services/calendar/revoke", &[("_csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(b
        .get("/services")
        .await
        .body
        .contains("1 calendar link revoked."));
    assert_eq!(
        app.call("GET", path, None, None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn setup_saves_settings_matrix_portfolios_and_team() {
    let app = demo().await;
    let mut b = signed_in(&app, ADMIN).await;
    let csrf = b.csrf_of("/setup").await;

    let r = b
        .post(
            "/setup/me",
            &[
                ("_csrf", &csrf),
                ("name", "Anna Admin"),
                ("phone", "+358 40 111 2222"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(b.get("/setup").await.body.contains("Anna Admin"));
    let r = b
        .post(
            "/setup/me",
            &[("_csrf", &csrf), ("name", ""), ("phone", "")],
        )
        .await;
    assert!(
        b.get(r.location()).await.body.contains("flash-error"),
        "blank name refused"
    );

    let r = b
        .post(
            "/setup/notifications",
            &[
                ("_csrf", &csrf),
                ("case_created.sms", "on"),
                ("resolved.email", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let token = app.login(ADMIN, DEMO_PASSWORD).await;
    let prefs = app
        .call(
            "GET",
            "/api/v1/me/notification-preferences",
            Some(&token),
            None,
        )
        .await;
    assert_eq!(
        prefs.json,
        json!({"case_created": ["sms"], "resolved": ["email"]})
    );

    let buildings = app
        .call("GET", "/api/v1/buildings", Some(&token), None)
        .await;
    let b1 = buildings.json["items"][0]["id"].to_string();
    let b2 = buildings.json["items"][1]["id"].to_string();
    let r = b
        .post(
            "/setup/portfolios",
            &[
                ("_csrf", &csrf),
                ("name", "Helsinki core"),
                ("building_id", &b1),
                ("building_id", &b2),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let list = app
        .call("GET", "/api/v1/portfolios", Some(&token), None)
        .await;
    let created = list.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Helsinki core")
        .expect("portfolio created")
        .clone();
    assert_eq!(created["building_ids"].as_array().unwrap().len(), 2);
    let id = created["id"].as_i64().unwrap();
    let r = b
        .post(
            &format!("/setup/portfolios/{id}"),
            &[("_csrf", &csrf), ("name", "Helsinki"), ("building_id", &b1)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let p = app
        .call(
            "GET",
            &format!("/api/v1/portfolios/{id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(p.json["name"], "Helsinki");
    assert_eq!(p.json["building_ids"].as_array().unwrap().len(), 1);

    // Nina joins by invitation (tests/invitations.rs walks the link);
    // here the provider gives her a password directly.
    let provider = app
        .login(
            "provider.admin@hoistway.example",
            hoistway_demo::DEMO_PASSWORD,
        )
        .await;
    let customer_id =
        app.call("GET", "/api/v1/me", Some(&token), None).await.json["customer_id"].clone();
    let r = app
        .call(
            "POST",
            "/api/v1/users",
            Some(&provider),
            Some(serde_json::json!({"email": "nina@nordictowers.example", "name": "Nina New",
                "role": "front_desk", "customer_id": customer_id, "password": "a long enough password"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.json);
    let mut nina = Browser::new(app.app.clone());
    nina.sign_in("nina@nordictowers.example", "a long enough password")
        .await;
    // A customer admin cannot hand out a provider role.
    let r = b
        .post(
            "/setup/team",
            &[
                ("_csrf", &csrf),
                ("name", "Evil"),
                ("email", "evil@x.example"),
                ("role", "operator"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let nina_id = hoistway_store::users::find_for_login(&app.t.db, "nina@nordictowers.example")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    // Her role and portfolios change from the Team tab: as a property
    // manager of "Helsinki" she sees that portfolio's building only.
    let team = b.get("/setup/team").await;
    assert!(team
        .body
        .contains(&format!("action=\"/setup/team/{nina_id}\"")));
    let r = b
        .post(
            &format!("/setup/team/{nina_id}"),
            &[
                ("_csrf", &csrf),
                ("role", "property_manager"),
                ("portfolio_id", &id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let u = app
        .call(
            "GET",
            &format!("/api/v1/users/{nina_id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(u.json["role"], "property_manager", "{}", u.json);
    assert_eq!(u.json["portfolio_ids"], serde_json::json!([id]));
    let nina_token = app
        .login("nina@nordictowers.example", "a long enough password")
        .await;
    let seen = app
        .call("GET", "/api/v1/buildings", Some(&nina_token), None)
        .await;
    let seen: Vec<String> = seen.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].to_string())
        .collect();
    assert_eq!(seen, vec![b1.clone()], "narrowed to the portfolio");
    let r = b
        .post(
            &format!("/setup/team/{nina_id}"),
            &[("_csrf", &csrf), ("role", "operator")],
        )
        .await;
    let refused = r.status == StatusCode::FORBIDDEN
        || (r.status == StatusCode::SEE_OTHER
            && b.get(r.location()).await.body.contains("flash-error"));
    assert!(refused, "no provider roles: {}", r.status);
    let u = app
        .call(
            "GET",
            &format!("/api/v1/users/{nina_id}"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(u.json["role"], "property_manager");
    let r = b
        .post(
            &format!("/setup/team/{nina_id}/remove"),
            &[("_csrf", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        nina.get("/").await.status,
        StatusCode::SEE_OTHER,
        "signed out everywhere"
    );
    // Another customer's user cannot be removed: not found.
    let other = hoistway_store::users::find_for_login(&app.t.db, OTHER_ADMIN)
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let r = b
        .post(&format!("/setup/team/{other}/remove"), &[("_csrf", &csrf)])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = b
        .post(
            &format!("/setup/team/{other}"),
            &[("_csrf", &csrf), ("role", "finance")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn my_settings_change_the_sign_in_address_language_and_time_zone() {
    let app = demo().await;
    let mut b = signed_in(&app, ADMIN).await;
    let page = b.get("/setup").await;
    assert!(page.body.contains("id=\"m-email\""));
    assert!(page.body.contains("value=\"en\""), "the language picker");
    assert!(
        page.body.contains("value=\"Europe/Helsinki\""),
        "the buildings' zones are offered"
    );
    let csrf = page.csrf();
    let save = |email: &'static str, language: &'static str, zone: &'static str| {
        vec![
            ("name", "Demo customer admin"),
            ("phone", ""),
            ("email", email),
            ("language", language),
            ("timezone", zone),
        ]
    };
    // Refusals name the field and change nothing.
    for (fields, named) in [
        (save("not an address", "en", ""), "email"),
        (save("owner@nordictowers.example", "xx", ""), "language"),
        (
            save("owner@nordictowers.example", "en", "Mars/Base"),
            "timezone",
        ),
        (save(OTHER_ADMIN, "en", ""), "already exists"),
    ] {
        let mut pairs = vec![("_csrf", csrf.as_str())];
        pairs.extend(fields);
        let r = b.post("/setup/me", &pairs).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{named}");
        let after = b.get("/setup").await;
        assert!(after.body.contains("flash-error"), "{named}");
        assert!(after.body.contains(named), "{named}: {}", after.body);
    }
    let mut pairs = vec![("_csrf", csrf.as_str())];
    pairs.extend(save("owner@nordictowers.example", "en", "Europe/Helsinki"));
    let r = b.post("/setup/me", &pairs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let token = app.login("owner@nordictowers.example", DEMO_PASSWORD).await;
    let me = app.call("GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!(
        me.json["email"], "owner@nordictowers.example",
        "{}",
        me.json
    );
    assert_eq!(me.json["timezone"], "Europe/Helsinki");
    assert_eq!(me.json["language"], "en");
    // The old address no longer signs in.
    let old = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({"email": ADMIN, "password": DEMO_PASSWORD})),
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    // The API takes the same fields, with the same refusals.
    let r = app
        .call(
            "PATCH",
            "/api/v1/me",
            Some(&token),
            Some(json!({"timezone": "Mars/Base"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.json);
    assert_eq!(r.json["error"]["field"], "timezone");
    let r = app
        .call(
            "PATCH",
            "/api/v1/me",
            Some(&token),
            Some(json!({"timezone": ""})),
        )
        .await;
    assert_eq!(
        r.json["timezone"],
        serde_json::Value::Null,
        "back to building zones"
    );
}
