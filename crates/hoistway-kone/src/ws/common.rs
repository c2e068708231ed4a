//! `common-api` (§7.7): `ping`, `config` (the group as the building's
//! stored topology describes it) and `actions` (the call types
//! `lift_call.rs` takes). Each is answered with an ack and one result.
//!
//! Numbering follows the KONE convention the topology already uses for
//! areas: a floor's `group_floor_id` is its index from the lowest floor
//! plus one, its front landing area `1000 * group_floor_id` (rear: + 10);
//! lifts are numbered from 1 in topology order, and a deck's area is
//! `1_000_000 + 1000 * lift + 10 * deck` (`1001010`: lift 1, deck 1).
//! Terminals 1 and 2 are the virtual terminals API calls come from.

use super::lift_call::{Kind, CALL_TYPES};
use super::{field, frames, Conn, WsResult};
use hoistway_twin::{Building, Group, Side};
use serde_json::{json, Map, Value};

/// The virtual terminals API calls come from.
pub const TERMINALS: [i64; 2] = [1, 2];

/// `group_floor_id` of a floor number.
pub fn group_floor(b: &Building, floor: i32) -> i64 {
    b.floor_index(floor).map_or(0, |i| i as i64 + 1)
}

/// Area of a lift's deck (decks from 1).
pub fn deck_area(lift_no: usize, deck: u8) -> i64 {
    1_000_000 + 1000 * lift_no as i64 + 10 * i64::from(deck)
}

fn side_no(s: Side) -> i64 {
    match s {
        Side::Front => 1,
        Side::Rear => 2,
    }
}

/// The `config` data of `group` of `b`.
pub fn config_data(b: &Building, g: &Group) -> Value {
    let group_no =
        crate::group_no::number_of(b.groups().iter().map(|x| x.id.as_str()), &g.id).unwrap_or(1);
    let lifts: Vec<Value> = g
        .lifts
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let decks: Vec<u8> = (1..=l.decks.max(1)).collect();
            let mut sides: Vec<i64> = l.doors.iter().map(|d| side_no(d.side)).collect();
            sides.sort_unstable();
            sides.dedup();
            let mut floors: Vec<i32> = l.doors.iter().flat_map(|d| d.floors.clone()).collect();
            floors.sort_unstable();
            floors.dedup();
            json!({
                "lift_id": i + 1,
                "lift_name": l.id,
                "decks": decks.iter().map(|d| json!({
                    "deck": d - 1,
                    "area_id": deck_area(i + 1, *d),
                    "doors": sides,
                    "terminals": TERMINALS,
                })).collect::<Vec<_>>(),
                "floors": floors.iter().enumerate().map(|(k, f)| json!({
                    "lift_floor_id": k + 1,
                    "group_floor_id": group_floor(b, *f),
                    "height": b.floor(*f).map_or(0, |x| (x.level_m * 1000.0).round() as i64),
                    "sides": l.doors.iter().filter(|d| d.floors.contains(f)).map(|d| json!({
                        "lift_side": side_no(d.side),
                        "group_side": side_no(d.side),
                        "decks": decks.iter().map(|d| d - 1).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let opens = |floor: i32, side: Side| {
        g.lifts
            .iter()
            .flat_map(|l| l.doors.iter())
            .any(|d| d.side == side && d.floors.contains(&floor))
    };
    let destinations: Vec<Value> = b
        .areas()
        .iter()
        .filter(|a| opens(a.floor, a.side))
        .map(|a| {
            json!({
                "area_id": a.id,
                "group_floor_id": group_floor(b, a.floor),
                "group_side": side_no(a.side),
                "short_name": b.floor(a.floor).map_or_else(|| a.floor.to_string(), |f| f.name.clone()),
                "exit": a.floor == b.main_floor(),
                "terminals": TERMINALS,
            })
        })
        .collect();
    json!({
        "version_major": 2,
        "version_minor": 0,
        "groups": [{ "group_id": group_no, "terminals": TERMINALS, "lifts": lifts }],
        "destinations": destinations,
        "terminals": TERMINALS.iter().map(|t| json!({"terminal_id": t, "type": "virtual"})).collect::<Vec<_>>(),
    })
}

/// The `actions` data: the call types this server takes.
pub fn actions_data() -> Value {
    let call_types: Vec<Value> = CALL_TYPES
        .iter()
        .map(|(id, name, kind)| {
            json!({
                "action_id": id,
                "action_type": match kind { Kind::Destination => "destination", Kind::Landing(_) => "landing" },
                "direct_allowed": true,
                "enabled": true,
                "group_call_allowed": true,
                "key": id,
                "name": name,
                "preferred_allowed": false,
            })
        })
        .collect();
    json!({
        "version_major": 2,
        "version_minor": 0,
        "action_set": [{
            "action_set_id": 1,
            "name": "default",
            "action_ids": CALL_TYPES.iter().map(|(id, _, _)| id).collect::<Vec<_>>(),
        }],
        "call_types": call_types,
        "functions": [],
    })
}

impl Conn {
    pub async fn ping(
        &mut self,
        m: &Map<String, Value>,
        request_id: &Value,
    ) -> WsResult<Vec<Value>> {
        let t = self.target(m).await?;
        let now = self.state.clock.now();
        let echoed = field(m, "payload")
            .and_then(|p| p.get("request_id"))
            .cloned()
            .unwrap_or_else(|| request_id.clone());
        Ok(vec![
            frames::ack(&self.id, request_id, 201, now),
            frames::result(
                "ping",
                &t.building_text,
                &t.group_no,
                None,
                json!({ "request_id": echoed, "time": frames::iso(now) }),
            ),
        ])
    }

    pub async fn config(
        &mut self,
        m: &Map<String, Value>,
        request_id: &Value,
    ) -> WsResult<Vec<Value>> {
        let t = self.target(m).await?;
        let b = &t.running.topology;
        let g = b
            .group(&t.group)
            .map_err(|e| super::WsError::new(404, e.to_string()))?;
        Ok(vec![
            frames::ack(&self.id, request_id, 201, self.state.clock.now()),
            frames::result(
                "config",
                &t.building_text,
                &t.group_no,
                Some(request_id),
                config_data(b, g),
            ),
        ])
    }

    pub async fn actions(
        &mut self,
        m: &Map<String, Value>,
        request_id: &Value,
    ) -> WsResult<Vec<Value>> {
        let t = self.target(m).await?;
        Ok(vec![
            frames::ack(&self.id, request_id, 201, self.state.clock.now()),
            frames::result(
                "actions",
                &t.building_text,
                &t.group_no,
                Some(request_id),
                actions_data(),
            ),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFICE: &str = include_str!("../../../../examples/buildings/office-10.toml");

    #[test]
    fn config_lists_the_topology_with_kone_numbering() {
        let b = Building::from_toml_str(OFFICE).unwrap();
        let g = b.group("A").unwrap();
        let c = config_data(&b, g);
        let lifts = c["groups"][0]["lifts"].as_array().unwrap();
        assert_eq!(lifts.len(), 4);
        assert_eq!(lifts[0]["decks"][0]["area_id"], 1001010);
        assert_eq!(lifts[0]["floors"].as_array().unwrap().len(), 11);
        let dest: Vec<i64> = c["destinations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["area_id"].as_i64().unwrap())
            .collect();
        assert!(dest.contains(&3000) && dest.contains(&5000), "{dest:?}");
        let lobby = &c["destinations"][0];
        assert_eq!(
            (lobby["short_name"].as_str(), lobby["exit"].as_bool()),
            (Some("Lobby"), Some(true))
        );
        let ids: Vec<i64> = actions_data()["call_types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["action_id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids, vec![2, 3, 2001, 2002]);
    }
}
