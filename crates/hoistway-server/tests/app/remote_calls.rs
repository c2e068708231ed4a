//! Remote calls through the API on every backend: placing, following over
//! server-sent events, refusals, cancellation, counters, and the proof that
//! calls leave no trace in the database besides the counters.

use crate::common;
use crate::remote_common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::TestApp;
use hoistway_store::testing::TestDb;
use hoistway_store::Backend;
use http_body_util::BodyExt;
use remote_common::{app, grant, world};
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::BTreeMap;
use std::time::Duration;
use tower::ServiceExt;

/// Reads server-sent events from a streaming response body.
struct Sse {
    body: Body,
    buf: String,
}

impl Sse {
    async fn open(app: &TestApp, path: &str, token: &str) -> Result<Sse, StatusCode> {
        let req = Request::get(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .unwrap();
        let res = app.app.clone().oneshot(req).await.unwrap();
        if res.status() != StatusCode::OK {
            return Err(res.status());
        }
        let ct = res.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        assert!(ct.starts_with("text/event-stream"), "{ct}");
        Ok(Sse {
            body: res.into_body(),
            buf: String::new(),
        })
    }

    /// The next `call` event's data, or `None` when the stream ends.
    async fn next(&mut self) -> Option<Value> {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) {
                    assert!(block.contains("event: call"), "{block}");
                    return Some(serde_json::from_str(data).unwrap());
                }
                continue;
            }
            let frame = tokio::time::timeout(Duration::from_secs(10), self.body.frame())
                .await
                .expect("an event within 10 s")?
                .unwrap();
            if let Ok(data) = frame.into_data() {
                self.buf.push_str(&String::from_utf8_lossy(&data));
            }
        }
    }

    /// Every event until the stream ends (after the final one).
    async fn rest(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        while let Some(e) = self.next().await {
            out.push(e);
        }
        out
    }
}

fn steps(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e["guidance"]["action"].as_str() {
            Some(a) => format!("{}:{a}", e["state"].as_str().unwrap()),
            None => e["state"].as_str().unwrap().to_string(),
        })
        .collect()
}

async fn call(app: &TestApp, token: &str, building: i64, body: Value) -> common::Reply {
    app.call(
        "POST",
        &format!("/api/v1/buildings/{building}/calls"),
        Some(token),
        Some(body),
    )
    .await
}

#[tokio::test]
async fn calls_are_placed_followed_refused_cancelled_and_counted() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = app(t).await;
        let admin = app.admin_token().await;
        let w = world(&app, &admin, "calls").await;
        let other = world(&app, &admin, "far").await;
        let b = w.building;
        let (_, ca) = w.user("ca");
        let (_, pm) = w.user("pm");
        let (r1, r1_token) = w.user("r1");
        let (_, r2_token) = w.user("r2");
        let (_, fin) = w.user("fin");
        // floors -1..=8: area 2000 is the entrance (0), 7000 floor 5, 10000 floor 8.
        grant(&app, ca, b, r1, Some(vec![2000, 3000, 7000, 2010])).await;

        let placed = call(
            &app,
            r1_token,
            b,
            json!({"from_area": 2000, "to_area": 7000}),
        )
        .await;
        assert_eq!(
            placed.status,
            StatusCode::CREATED,
            "{label}: {}",
            placed.json
        );
        assert_eq!(placed.json["state"], "approved", "{label}: {}", placed.json);
        assert_eq!(placed.json["kind"], "destination");
        let lift = placed.json["lift"].as_str().unwrap().to_string();
        assert!(lift.starts_with("R-"), "{lift}");
        let id = placed.json["id"].as_u64().unwrap();
        let events = placed.json["events"].as_str().unwrap().to_string();
        assert_eq!(events, format!("/api/v1/buildings/{b}/calls/{id}/events"));

        // Only the caller may follow or cancel it.
        for token in [ca, r2_token, other.user("r1").1] {
            assert_eq!(
                Sse::open(&app, &events, token).await.err(),
                Some(StatusCode::NOT_FOUND)
            );
            let r = app
                .call(
                    "DELETE",
                    &format!("/api/v1/buildings/{b}/calls/{id}"),
                    Some(token),
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{label}");
        }
        let mut sse = Sse::open(&app, &events, r1_token).await.unwrap();
        let first = sse.next().await.unwrap();
        assert_eq!(first["state"], "created");
        app.clock.advance(chrono::Duration::seconds(120));
        let mut all = vec![first];
        all.extend(sse.rest().await);
        assert_eq!(
            steps(&all),
            [
                "created",
                "approved:wait_for_car",
                "approved:enter_car",
                "approved:stay_in_car",
                "served:exit_car"
            ],
            "{label}: {all:?}"
        );
        assert_eq!(all[1]["guidance"]["floor"], 0);
        assert_eq!(all[4]["guidance"]["floor"], 5);
        assert!(all[1..].iter().all(|e| e["lift"] == lift.as_str()));
        // A late follower still gets the whole story (for a while).
        let late = Sse::open(&app, &events, r1_token)
            .await
            .unwrap()
            .rest()
            .await;
        assert_eq!(steps(&late), steps(&all));

        // Refusals are calls that end at once, with the reason.
        for (token, body, reason) in [
            (
                r1_token,
                json!({"from_area": 2000, "to_area": 10000}),
                "access_denied",
            ),
            (
                r1_token,
                json!({"from_area": 2000, "to_area": 99000}),
                "area_does_not_exist",
            ),
            (
                r1_token,
                json!({"from_area": 2000, "to_area": 2010}),
                "same_source_and_destination",
            ),
            (
                pm,
                json!({"area": 10000, "direction": "up"}),
                "invalid_direction",
            ),
            (
                pm,
                json!({"from_area": 3010, "to_area": 2000}),
                "area_does_not_exist",
            ),
        ] {
            let r = call(&app, token, b, body.clone()).await;
            assert_eq!(r.status, StatusCode::CREATED, "{label}: {body}: {}", r.json);
            assert_eq!(
                (r.json["state"].as_str(), r.json["reason"].as_str()),
                (Some("cancelled"), Some(reason)),
                "{body}"
            );
            assert_eq!(r.json["id"], Value::Null);
        }

        // Request errors are 4xx like everywhere else.
        for (token, building, body, status) in [
            (
                r1_token,
                b,
                json!({"from_area": 2000}),
                StatusCode::BAD_REQUEST,
            ),
            (
                r1_token,
                b,
                json!({"from_area": 2000, "to_area": 3000, "area": 2000, "direction": "up"}),
                StatusCode::BAD_REQUEST,
            ),
            (
                r1_token,
                b,
                json!({"area": 2000, "direction": "sideways"}),
                StatusCode::BAD_REQUEST,
            ),
            (
                pm,
                b,
                json!({"from_area": 2000, "to_area": 3000, "group": "Z"}),
                StatusCode::BAD_REQUEST,
            ),
            (
                fin,
                b,
                json!({"from_area": 2000, "to_area": 3000}),
                StatusCode::FORBIDDEN,
            ),
            (
                r2_token,
                b,
                json!({"from_area": 2000, "to_area": 3000}),
                StatusCode::NOT_FOUND,
            ),
            (
                pm,
                w.bare_building,
                json!({"from_area": 2000, "to_area": 3000}),
                StatusCode::NOT_FOUND,
            ),
            (
                r1_token,
                other.building,
                json!({"from_area": 2000, "to_area": 3000}),
                StatusCode::NOT_FOUND,
            ),
        ] {
            let r = call(&app, token, building, body.clone()).await;
            assert_eq!(r.status, status, "{label}: {body}: {}", r.json);
            common::error_code(&r);
        }

        // A landing call, and a call cancelled before boarding.
        let landing = call(
            &app,
            pm,
            b,
            json!({"area": 7000, "direction": "down", "group": "R"}),
        )
        .await;
        assert_eq!(
            landing.json["state"], "approved",
            "{label}: {}",
            landing.json
        );
        let far = call(&app, pm, b, json!({"from_area": 10000, "to_area": 1000})).await;
        let far_id = far.json["id"].as_u64().unwrap();
        let mut far_sse = Sse::open(&app, far.json["events"].as_str().unwrap(), pm)
            .await
            .unwrap();
        let del = app
            .call(
                "DELETE",
                &format!("/api/v1/buildings/{b}/calls/{far_id}"),
                Some(pm),
                None,
            )
            .await;
        assert_eq!(del.status, StatusCode::OK, "{label}: {}", del.json);
        assert_eq!(del.json["reason"], "by_caller");
        let ended = far_sse.rest().await;
        assert_eq!(ended.last().unwrap()["reason"], "by_caller", "{ended:?}");
        let again = app
            .call(
                "DELETE",
                &format!("/api/v1/buildings/{b}/calls/{far_id}"),
                Some(pm),
                None,
            )
            .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND);
        let mut land_sse = Sse::open(&app, landing.json["events"].as_str().unwrap(), pm)
            .await
            .unwrap();
        app.clock.advance(chrono::Duration::seconds(120));
        let served = land_sse.rest().await;
        assert_eq!(
            served.last().unwrap()["state"],
            "served",
            "{label}: {served:?}"
        );

        // An Idempotency-Key replays the answer from memory.
        let keyed = |body: Value| {
            Request::post(format!("/api/v1/buildings/{b}/calls"))
                .header(header::AUTHORIZATION, format!("Bearer {r1_token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .header("idempotency-key", "phone-42")
                .body(Body::from(body.to_string()))
                .unwrap()
        };
        let one = app
            .raw(keyed(json!({"from_area": 3000, "to_area": 2000})))
            .await;
        let two = app
            .raw(keyed(json!({"from_area": 3000, "to_area": 2000})))
            .await;
        assert_eq!(one.status, StatusCode::CREATED);
        assert_eq!(one.json, two.json, "{label}");
        assert_eq!(two.headers["idempotent-replayed"], "true");
        let three = app
            .raw(keyed(json!({"from_area": 3000, "to_area": 7000})))
            .await;
        assert_eq!(three.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Counters: placed = served + cancelled + still live.
        let r = app
            .call(
                "GET",
                &format!("/api/v1/buildings/{b}/call-counters"),
                Some(r1_token),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let c = app
            .call(
                "GET",
                &format!("/api/v1/buildings/{b}/call-counters"),
                Some(ca),
                None,
            )
            .await;
        assert_eq!(c.status, StatusCode::OK, "{label}: {}", c.json);
        assert_eq!(c.json["placed"], 9, "{label}: {}", c.json);
        assert_eq!(c.json["served"], 2, "{label}: {}", c.json);
        let cancelled: BTreeMap<String, i64> =
            serde_json::from_value(c.json["cancelled"].clone()).unwrap();
        let want: BTreeMap<String, i64> = [
            ("access_denied", 1),
            ("area_does_not_exist", 2),
            ("same_source_and_destination", 1),
            ("invalid_direction", 1),
            ("by_caller", 1),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        assert_eq!(cancelled, want, "{label}");
        let foreign = app
            .call(
                "GET",
                &format!("/api/v1/buildings/{b}/call-counters"),
                Some(other.user("ca").1),
                None,
            )
            .await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);
        app.t.cleanup().await;
    }
}

/// Every row of every table, as text cells, by table name.
async fn dump(app: &TestApp) -> BTreeMap<String, Vec<Vec<String>>> {
    let db = &app.t.db;
    let list = match db.backend {
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        Backend::Postgres => "SELECT tablename::text AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    };
    let tables: Vec<String> = sqlx::query(list)
        .fetch_all(&db.pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("name"))
        // sqlx's own migration bookkeeping (types the Any driver cannot
        // read); only `migrate` writes it.
        .filter(|t| !t.starts_with("_sqlx"))
        .collect();
    assert!(tables.len() > 15, "{tables:?}");
    let mut out = BTreeMap::new();
    for table in tables {
        let rows = sqlx::query(&format!("SELECT * FROM {table}"))
            .fetch_all(&db.pool)
            .await
            .unwrap();
        let mut cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| {
                        if let Ok(v) = r.try_get::<Option<i64>, _>(i) {
                            format!("{v:?}")
                        } else if let Ok(v) = r.try_get::<Option<f64>, _>(i) {
                            format!("{v:?}")
                        } else if let Ok(v) = r.try_get::<Option<String>, _>(i) {
                            format!("{v:?}")
                        } else if let Ok(v) = r.try_get::<Option<Vec<u8>>, _>(i) {
                            format!("{:?}", v.map(hex::encode))
                        } else if let Ok(v) = r.try_get::<Option<bool>, _>(i) {
                            format!("{v:?}")
                        } else {
                            panic!("cannot read column {i} of {table}")
                        }
                    })
                    .collect()
            })
            .collect();
        cells.sort();
        out.insert(table, cells);
    }
    out
}

#[tokio::test]
async fn calls_leave_no_trace_but_counters() {
    for t in TestDb::all().await {
        let label = t.label;
        let app = app(t).await;
        let admin = app.admin_token().await;
        let w = world(&app, &admin, "trace").await;
        let b = w.building;
        let (_, ca) = w.user("ca");
        let (r1, r1_token) = w.user("r1");
        grant(&app, ca, b, r1, Some(vec![1000, 2000, 9000, 2010])).await;
        // Warm the driver up so starting it is not part of the comparison.
        call(
            &app,
            r1_token,
            b,
            json!({"from_area": 9000, "to_area": 1000}),
        )
        .await;
        app.clock.advance(chrono::Duration::seconds(300));
        app.call(
            "GET",
            &format!("/api/v1/buildings/{b}/call-counters"),
            Some(ca),
            None,
        )
        .await;
        let before = dump(&app).await;

        let mut ids = Vec::new();
        let mut followers = Vec::new();
        for (i, body) in [
            json!({"from_area": 2000, "to_area": 9000}),
            json!({"from_area": 9000, "to_area": 2010}),
            json!({"area": 1000, "direction": "up"}),
            json!({"from_area": 1000, "to_area": 9000}),
        ]
        .into_iter()
        .enumerate()
        {
            let req = Request::post(format!("/api/v1/buildings/{b}/calls"))
                .header(header::AUTHORIZATION, format!("Bearer {r1_token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .header("idempotency-key", format!("trace-{i}"))
                .body(Body::from(body.to_string()))
                .unwrap();
            let r = app.raw(req).await;
            assert_eq!(r.status, StatusCode::CREATED, "{label}: {}", r.json);
            let id = r.json["id"].as_u64().unwrap();
            ids.push(id);
            followers.push(
                Sse::open(&app, r.json["events"].as_str().unwrap(), r1_token)
                    .await
                    .unwrap(),
            );
        }
        // One refused, one cancelled, the rest served.
        let refused = call(
            &app,
            r1_token,
            b,
            json!({"from_area": 2000, "to_area": 5000}),
        )
        .await;
        assert_eq!(refused.json["reason"], "access_denied");
        let del = app
            .call(
                "DELETE",
                &format!("/api/v1/buildings/{b}/calls/{}", ids[3]),
                Some(r1_token),
                None,
            )
            .await;
        assert_eq!(del.status, StatusCode::OK, "{label}: {}", del.json);
        app.clock.advance(chrono::Duration::seconds(300));
        for f in &mut followers {
            let end = f.rest().await;
            assert!(
                end.last().unwrap()["state"] == "served"
                    || end.last().unwrap()["reason"] == "by_caller"
            );
        }
        let c = app
            .call(
                "GET",
                &format!("/api/v1/buildings/{b}/call-counters"),
                Some(ca),
                None,
            )
            .await;
        assert_eq!(
            (c.json["placed"].as_i64(), c.json["served"].as_i64()),
            (Some(6), Some(4)),
            "{label}: {}",
            c.json
        );

        let after = dump(&app).await;
        for (table, rows) in &after {
            if table == "call_counters" {
                assert_ne!(before[table], *rows, "{label}: the counters moved");
                continue;
            }
            assert_eq!(
                before.get(table),
                Some(rows),
                "{label}: calls changed table {table}"
            );
        }
        // And no cell anywhere holds a call id.
        for (table, rows) in &after {
            for id in &ids {
                let hit = rows.iter().flatten().any(|c| c.contains(&id.to_string()));
                assert!(!hit, "{label}: call {id} found in {table}");
            }
        }
        app.t.cleanup().await;
    }
}
