//! The `common-api` messages of the Elevator WebSocket API (contract §7.6):
//! ping with the server's clock, config from the building's running
//! topology, actions; and group numbers: `groupId` is the contract's bare
//! number (group N is the N-th group of the topology), not our name for the
//! group, so renaming a group keeps its number and dropping one makes its
//! requests 404.

use crate::kone_common;
use crate::remote_common;

use hoistway_store::testing::TestDb;
use kone_common::live::*;
use serde_json::{json, Value};
use std::time::Duration;

const IDLE: Duration = Duration::from_secs(30);

#[tokio::test]
async fn common_api_ping_config_and_actions() {
    let live = Live::start(TestDb::sqlite().await, IDLE).await;
    let (b, g) = (live.building_id(), live.f.group.clone());
    let mut ws = live.ws(&live.token(&live.callgiving()).await).await;

    let ack = ws.ask(common(&b, &g, "ping")).await;
    assert!(is_ack(&ack, 201), "{ack}");
    assert_eq!(ack["requestId"], 4242);
    let pong = ws.next().await;
    assert_eq!(pong["callType"], "ping");
    assert_eq!(pong["data"]["request_id"], 4242);
    let time = pong["data"]["time"].as_str().unwrap();
    assert_eq!(
        time, "2026-11-23T08:00:00.000Z",
        "the server's (manual) clock"
    );

    let req = common(&b, &g, "config");
    let ack = ws.ask(req.clone()).await;
    assert_eq!(ack["requestId"], req["requestId"]);
    let config = ws.next().await;
    assert_eq!(
        (config["callType"].as_str(), &config["requestId"]),
        (Some("config"), &req["requestId"])
    );
    // The residential topology: floors -1..=8, rear landings at 0, 2 lifts.
    let d = &config["data"];
    let lifts = d["groups"][0]["lifts"].as_array().unwrap();
    let topo = live
        .app
        .call(
            "GET",
            &format!("/api/v1/buildings/{}/topology", live.f.building),
            Some(&live.admin),
            None,
        )
        .await
        .json;
    assert_eq!(
        lifts.len(),
        topo["groups"][0]["lifts"].as_array().unwrap().len()
    );
    assert_eq!(lifts[0]["lift_name"], topo["groups"][0]["lifts"][0]["id"]);
    let areas: Vec<u64> = d["destinations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["area_id"].as_u64().unwrap())
        .collect();
    let stored: Vec<u64> = topo["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_u64().unwrap())
        .collect();
    assert_eq!(areas, stored, "every landing of the stored topology");
    assert!(areas.contains(&3000) && areas.contains(&5000) && areas.contains(&2010));
    let terminals: Vec<u64> = d["terminals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["terminal_id"].as_u64().unwrap())
        .collect();
    assert_eq!(terminals, vec![1, 2]);

    ws.ask(common(&b, &g, "actions")).await;
    let actions = ws.next().await;
    let ids: Vec<i64> = actions["data"]["call_types"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["action_id"].as_i64().unwrap())
        .collect();
    assert!(
        ids.contains(&2) && ids.contains(&3) && ids.contains(&2001) && ids.contains(&2002),
        "{ids:?}"
    );

    // Errors: unknown group, wrong building form, missing scope.
    assert_error_ack(&ws.ask(common(&b, "Z", "config")).await, 403);
    let mut bad = common(&b, &g, "ping");
    bad["buildingId"] = json!(live.f.building);
    assert_error_ack(&ws.ask(bad).await, 400);
    let mut inv = live.ws(&live.token("").await).await;
    assert_error_ack(&inv.ask(common(&b, &g, "actions")).await, 403);

    // Groups go by number, not by our name for them: the topology's
    // name "A" is unknown, and renaming the group keeps its number.
    let named = common(&b, &live.f.group_name, "config");
    assert_error_ack(&ws.ask(named).await, 403);
    let put_topology = |topo: Value| {
        let live = &live;
        async move {
            let r = live
                .app
                .call(
                    "PUT",
                    &format!("/api/v1/buildings/{}/topology", live.f.building),
                    Some(&live.admin),
                    Some(topo),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.json);
        }
    };
    let mut renamed = remote_common::residential();
    renamed["groups"][0]["id"] = json!("Q");
    put_topology(renamed.clone()).await;
    ws.ask(common(&b, &g, "config")).await;
    assert_eq!(ws.next().await["data"]["groups"][0]["group_id"], 1);

    // A second group is number 2; when the topology drops it, its token's
    // requests get 404.
    let mut second = renamed["groups"][0].clone();
    second["id"] = json!("R");
    for lift in second["lifts"].as_array_mut().unwrap() {
        lift["id"] = json!(format!("R{}", lift["id"].as_str().unwrap()));
        lift["unit_id"] = Value::Null;
    }
    let mut two = renamed.clone();
    two["groups"].as_array_mut().unwrap().push(second);
    put_topology(two).await;
    let scope = format!("callgiving/group:{}:2", live.f.building);
    let mut ws2 = live.ws(&live.token(&scope).await).await;
    ws2.ask(common(&b, "2", "config")).await;
    let config2 = ws2.next().await;
    assert_eq!(
        (
            &config2["groupId"],
            &config2["data"]["groups"][0]["group_id"]
        ),
        (&json!("2"), &json!(2))
    );
    put_topology(renamed).await;
    assert_error_ack(&ws2.ask(common(&b, "2", "config")).await, 404);
    live.stop().await;
}
