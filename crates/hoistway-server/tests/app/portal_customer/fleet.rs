//! Unit charts and live states, and the planned visits on home and in
//! Services.

use super::*;

#[tokio::test]
async fn unit_charts_and_statistics_come_from_the_rollups() {
    use hoistway_store::rollups::{add, RollupDelta};
    let app = demo().await;
    let unit = unit_of(&app, ADMIN).await;
    let u = units::get(&app.t.db, &Scope::All, unit).await.unwrap();
    let today = app.clock_now().date_naive();
    // Three days of counts: 100, 200 and 300 starts, 1, 2 and 3 hours.
    let mut tx = app.t.db.begin().await.unwrap();
    let deltas: Vec<RollupDelta> = (1..=3)
        .map(|d| RollupDelta {
            unit_id: unit,
            customer_id: u.customer_id,
            period: "day",
            start_ms: (today - chrono::Duration::days(d))
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_millis(),
            events: 10,
            starts: 100 * d,
            run_ms: 3_600_000 * d,
            ..Default::default()
        })
        .collect();
    add(&mut tx, &deltas).await.unwrap();
    tx.commit().await.unwrap();

    let mut b = signed_in(&app, ADMIN).await;
    let page = b.get(&format!("/equipment/{unit}")).await;
    assert_eq!(
        page.body.matches("<svg").count()
            - page.body.matches("class=\"icon\"").count()
            - page.body.matches("class=\"logo\"").count(),
        2,
        "two charts"
    );
    assert_eq!(
        page.body.matches("class=\"bar\"").count(),
        30,
        "a bar per day"
    );
    assert!(!page.body.contains("No performance data"));

    let csv = b
        .get(&format!("/reports/csv?kind=statistics&unit={unit}"))
        .await;
    let mut lines = csv.body.lines();
    assert_eq!(lines.next(), Some("Unit,Type,Starts,Operating hours"));
    let row = lines.next().unwrap();
    assert!(row.ends_with(",600,6.0"), "{row}");
    assert_eq!(lines.next(), None, "one unit asked for");
    let view = b
        .get(&format!("/reports/view?kind=statistics&unit={unit}"))
        .await;
    assert!(view.body.contains("class=\"line-path\""));
}

#[tokio::test]
async fn unit_states_follow_live_telemetry_within_the_tenant() {
    use hoistway_store::live::{upsert, LiveState};
    let app = demo().await;
    let own = unit_of(&app, ADMIN).await;
    let foreign = unit_of(&app, OTHER_ADMIN).await;
    let now = app.clock_now();
    let state = |unit_id: i64, customer_id: i64, mode: &str| LiveState {
        unit_id,
        customer_id,
        mode: Some(mode.into()),
        available: mode == "normal",
        last_seen: Some(now),
        current_floor: Some(3),
        passengers: Some(0),
        starts: Some(1000),
        run_hours: Some(12.5),
        alarms: vec![],
        faults: json!([]),
        version: 1,
        updated_at: now,
    };
    let cust = |id: i64| {
        let db = app.t.db.clone();
        async move { units::get(&db, &Scope::All, id).await.unwrap().customer_id }
    };
    let (own_c, foreign_c) = (cust(own).await, cust(foreign).await);
    let mut tx = app.t.db.begin().await.unwrap();
    upsert(
        &mut tx,
        &[
            state(own, own_c, "normal"),
            state(foreign, foreign_c, "out_of_service"),
        ],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let mut b = signed_in(&app, ADMIN).await;
    let list = b.get("/equipment?status=in_service").await;
    assert!(
        list.body.contains("1 of 24 units"),
        "only the own unit is in service"
    );
    assert!(list.body.contains(&format!("href=\"/equipment/{own}\"")));
    let out = b.get("/equipment?status=out_of_service").await;
    assert!(
        out.body.contains("0 of 24 units"),
        "the other tenant's state does not leak in"
    );
    let unit = b.get(&format!("/equipment/{own}")).await;
    assert!(unit.body.contains("Normal service") && unit.body.contains("Online"));
    // An hour later without reports the unit is unknown again.
    app.clock.advance(chrono::Duration::hours(1));
    let later = b.get("/equipment?status=unknown").await;
    assert!(
        later.body.contains("24 of 24 units") || later.body.contains("24 units"),
        "{}",
        later.body.len()
    );
    // A hand-edited state is a 400 naming the field, not a silent "all".
    let bogus = b.get("/equipment?status=bogus").await;
    assert_eq!(bogus.status, axum::http::StatusCode::BAD_REQUEST);
    assert!(
        bogus.body.contains("status") && bogus.body.contains("in_service"),
        "{}",
        bogus.body
    );
}

/// The home tile counts every visit planned in the next 90 days, not only
/// the six the list shows.
#[tokio::test]
async fn the_visits_tile_counts_every_planned_visit() {
    let app = demo().await;
    let token = app.login(ADMIN, DEMO_PASSWORD).await;
    let today = app.clock_now().date_naive();
    let to = today + chrono::Duration::days(90);
    let v = app
        .call(
            "GET",
            &format!("/api/v1/visits?status=planned&from={today}&to={to}&limit=500"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.json);
    let planned = v.json["items"].as_array().unwrap().len();
    assert!(
        planned > 6,
        "the demo plans more than the list shows: {planned}"
    );

    let mut b = Browser::new(app.app.clone());
    b.sign_in(ADMIN, DEMO_PASSWORD).await;
    let home = b.get("/").await;
    let tile = format!(
        "<a class=\"tile tile-info\" href=\"/services?view=list\"><span class=\"n\">{planned}</span>"
    );
    assert!(home.body.contains(&tile), "tile with {planned} missing");
}

/// Visits name units as people do and leave out what the scheduler
/// cancelled when it re-planned.
#[tokio::test]
async fn visits_name_units_and_leave_out_cancelled_ones() {
    let app = demo().await;
    let token = app.login(ADMIN, DEMO_PASSWORD).await;
    let today = app.clock_now().date_naive();
    let mut b = Browser::new(app.app.clone());
    b.sign_in(ADMIN, DEMO_PASSWORD).await;
    // The month with planned visits: this one or the next.
    let mut page = b.get("/services?view=list").await;
    if !page.body.contains("<table") {
        let next = (today + chrono::Duration::days(31)).format("%Y-%m");
        page = b.get(&format!("/services?view=list&month={next}")).await;
    }
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<table"), "a month with visits");
    let units = app
        .call("GET", "/api/v1/units?limit=500", Some(&token), None)
        .await;
    let named = units.json["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["name"].as_str())
        .filter(|n| !n.trim().is_empty())
        .any(|n| page.body.contains(&format!(">{n}</a>")));
    assert!(named, "a unit linked by its name");
    assert!(!page.body.contains(">Cancelled<"), "no cancelled visits");
}
