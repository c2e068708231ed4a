//! The TOML shape of a building file and its validation into [`Building`].
//!
//! The file is compact on purpose: floors are a numbered range with one
//! default height and per-floor overrides, and a group lists a lift count
//! instead of repeating identical lifts. `deny_unknown_fields` turns typos
//! into errors instead of silently ignored settings.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::{Area, Building, CarSpec, Door, Floor, Group, Lift, Side, TrafficRates};
use crate::error::{invalid, TwinError};
use crate::kinematics::Kinematics;

/// Most floors a building may have; the simulator keeps per-floor sets in
/// fixed-size bit sets of this width.
pub const MAX_FLOORS: usize = 256;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBuilding {
    name: String,
    population: Option<u32>,
    main_floor: Option<i32>,
    floors: RawFloors,
    #[serde(default)]
    traffic: RawTraffic,
    groups: Vec<RawGroup>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFloors {
    lowest: Option<i32>,
    highest: i32,
    height_m: f64,
    #[serde(default)]
    heights: BTreeMap<String, f64>,
    #[serde(default)]
    names: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTraffic {
    up_peak: Option<f64>,
    down_peak: Option<f64>,
    lunch: Option<f64>,
    interfloor: Option<f64>,
    mixed: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: String,
    name: Option<String>,
    lifts: u32,
    lift_ids: Option<Vec<String>>,
    #[serde(default = "one")]
    decks: u8,
    lowest: Option<i32>,
    highest: Option<i32>,
    #[serde(default)]
    skip: Vec<i32>,
    #[serde(default)]
    rear_floors: Vec<i32>,
    rated_speed_mps: f64,
    acceleration_mps2: f64,
    jerk_mps3: f64,
    capacity_persons: u32,
    door_open_s: f64,
    door_close_s: f64,
    #[serde(default)]
    door_dwell_s: f64,
    transfer_s: f64,
    #[serde(default)]
    start_delay_s: f64,
}

fn one() -> u8 {
    1
}

pub(super) fn parse(text: &str) -> Result<Building, TwinError> {
    let raw: RawBuilding = toml::from_str(text).map_err(|e| TwinError::Toml(e.to_string()))?;
    validate(raw)
}

fn validate(raw: RawBuilding) -> Result<Building, TwinError> {
    if raw.name.trim().is_empty() {
        return Err(invalid("name", "must not be empty"));
    }
    if raw.population == Some(0) {
        return Err(invalid("population", "must be at least 1 when given"));
    }
    let floors = floors(&raw.floors)?;
    let lowest = floors[0].number;
    let highest = floors[floors.len() - 1].number;
    let main_floor = raw.main_floor.unwrap_or(lowest);
    if !(lowest..=highest).contains(&main_floor) {
        return Err(invalid(
            "main_floor",
            format!("{main_floor} is outside floors {lowest}..={highest}"),
        ));
    }
    let traffic = traffic(&raw.traffic)?;
    if raw.groups.is_empty() {
        return Err(invalid(
            "groups",
            "a building needs at least one lift group",
        ));
    }
    let mut groups = Vec::with_capacity(raw.groups.len());
    let mut lift_ids = BTreeSet::new();
    for (gi, g) in raw.groups.iter().enumerate() {
        let group = group(gi, g, lowest, highest, main_floor)?;
        if groups.iter().any(|o: &Group| o.id == group.id) {
            return Err(invalid(
                format!("groups[{gi}].id"),
                format!("duplicate group id {:?}", group.id),
            ));
        }
        for lift in &group.lifts {
            if !lift_ids.insert(lift.id.clone()) {
                return Err(invalid(
                    format!("groups[{gi}].lift_ids"),
                    format!("duplicate lift id {:?}", lift.id),
                ));
            }
        }
        groups.push(group);
    }
    let areas = areas(&floors, &groups);
    Ok(Building {
        name: raw.name,
        population: raw.population,
        main_floor,
        floors,
        areas,
        groups,
        traffic,
    })
}

fn positive(field: &str, v: f64) -> Result<f64, TwinError> {
    if v.is_finite() && v > 0.0 {
        Ok(v)
    } else {
        Err(invalid(
            field,
            format!("must be a positive number, got {v}"),
        ))
    }
}

fn non_negative(field: &str, v: f64) -> Result<f64, TwinError> {
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(invalid(field, format!("must be zero or more, got {v}")))
    }
}

fn floor_key(field: &str, key: &str, lowest: i32, highest: i32) -> Result<i32, TwinError> {
    let n: i32 = key
        .trim()
        .parse()
        .map_err(|_| invalid(field, format!("key {key:?} is not a floor number")))?;
    if !(lowest..=highest).contains(&n) {
        return Err(invalid(
            field,
            format!("floor {n} is outside {lowest}..={highest}"),
        ));
    }
    Ok(n)
}

fn floors(raw: &RawFloors) -> Result<Vec<Floor>, TwinError> {
    let lowest = raw.lowest.unwrap_or(0);
    let highest = raw.highest;
    if highest <= lowest {
        return Err(invalid(
            "floors.highest",
            format!("must be above floors.lowest ({lowest}), got {highest}"),
        ));
    }
    let count = (i64::from(highest) - i64::from(lowest) + 1) as usize;
    if count > MAX_FLOORS {
        return Err(invalid(
            "floors",
            format!("{count} floors; at most {MAX_FLOORS} are supported"),
        ));
    }
    let default_height = positive("floors.height_m", raw.height_m)?;
    let mut heights = vec![default_height; count];
    for (key, &h) in &raw.heights {
        let n = floor_key("floors.heights", key, lowest, highest)?;
        heights[(n - lowest) as usize] = positive(&format!("floors.heights.{key}"), h)?;
    }
    let mut names: Vec<String> = (lowest..=highest).map(|n| n.to_string()).collect();
    for (key, name) in &raw.names {
        let n = floor_key("floors.names", key, lowest, highest)?;
        if name.trim().is_empty() {
            return Err(invalid(format!("floors.names.{key}"), "must not be empty"));
        }
        names[(n - lowest) as usize] = name.clone();
    }
    let mut level = 0.0;
    let mut out = Vec::with_capacity(count);
    for (i, (name, height_m)) in names.into_iter().zip(heights).enumerate() {
        out.push(Floor {
            number: lowest + i as i32,
            name,
            level_m: level,
            height_m,
        });
        level += height_m;
    }
    Ok(out)
}

fn traffic(raw: &RawTraffic) -> Result<TrafficRates, TwinError> {
    let check = |name: &str, v: Option<f64>| -> Result<Option<f64>, TwinError> {
        v.map(|x| non_negative(&format!("traffic.{name}"), x))
            .transpose()
    };
    Ok(TrafficRates {
        up_peak: check("up_peak", raw.up_peak)?,
        down_peak: check("down_peak", raw.down_peak)?,
        lunch: check("lunch", raw.lunch)?,
        interfloor: check("interfloor", raw.interfloor)?,
        mixed: check("mixed", raw.mixed)?,
    })
}

fn group(
    gi: usize,
    g: &RawGroup,
    lowest: i32,
    highest: i32,
    main: i32,
) -> Result<Group, TwinError> {
    let f = |name: &str| format!("groups[{gi}].{name}");
    let id = g.id.trim();
    if id.is_empty() {
        return Err(invalid(f("id"), "must not be empty"));
    }
    if !(1..=64).contains(&g.lifts) {
        return Err(invalid(
            f("lifts"),
            format!("must be 1..=64, got {}", g.lifts),
        ));
    }
    if !(1..=2).contains(&g.decks) {
        return Err(invalid(
            f("decks"),
            format!("must be 1 or 2, got {}", g.decks),
        ));
    }
    let ids: Vec<String> = match &g.lift_ids {
        Some(ids) if ids.len() != g.lifts as usize => {
            return Err(invalid(
                f("lift_ids"),
                format!("lists {} ids for {} lifts", ids.len(), g.lifts),
            ));
        }
        Some(ids) => ids.clone(),
        None => (1..=g.lifts).map(|i| format!("{id}{i}")).collect(),
    };
    if ids.iter().any(|s| s.trim().is_empty()) {
        return Err(invalid(f("lift_ids"), "ids must not be empty"));
    }
    let lo = g.lowest.unwrap_or(lowest);
    let hi = g.highest.unwrap_or(highest);
    if lo < lowest || hi > highest || lo >= hi {
        return Err(invalid(
            f("lowest/highest"),
            format!("served range {lo}..={hi} must lie inside floors {lowest}..={highest} and span two floors"),
        ));
    }
    for &s in &g.skip {
        if !(lo..=hi).contains(&s) {
            return Err(invalid(
                f("skip"),
                format!("floor {s} is outside the served range {lo}..={hi}"),
            ));
        }
    }
    let served: Vec<i32> = (lo..=hi).filter(|n| !g.skip.contains(n)).collect();
    if served.len() < 2 {
        return Err(invalid(f("skip"), "a group must serve at least two floors"));
    }
    if !served.contains(&main) {
        return Err(invalid(
            f("lowest/highest/skip"),
            format!("the group must serve the main floor {main}"),
        ));
    }
    for &r in &g.rear_floors {
        if !served.contains(&r) {
            return Err(invalid(
                f("rear_floors"),
                format!("floor {r} is not served by the group"),
            ));
        }
    }
    let kinematics = Kinematics::new(g.rated_speed_mps, g.acceleration_mps2, g.jerk_mps3)
        .map_err(|e| prefix(e, &format!("groups[{gi}].")))?;
    if g.capacity_persons == 0 {
        return Err(invalid(f("capacity_persons"), "must be at least 1"));
    }
    let door_open_s = non_negative(&f("door_open_s"), g.door_open_s)?;
    let door_close_s = non_negative(&f("door_close_s"), g.door_close_s)?;
    if door_open_s + door_close_s <= 0.0 {
        // A zero-time door cycle would let a car reopen forever without the
        // simulated clock moving.
        return Err(invalid(
            f("door_open_s/door_close_s"),
            "a door cycle must take some time",
        ));
    }
    let car = CarSpec {
        kinematics,
        capacity_persons: g.capacity_persons,
        door_open_s,
        door_close_s,
        door_dwell_s: non_negative(&f("door_dwell_s"), g.door_dwell_s)?,
        transfer_s: positive(&f("transfer_s"), g.transfer_s)?,
        start_delay_s: non_negative(&f("start_delay_s"), g.start_delay_s)?,
    };
    let mut doors = vec![Door {
        side: Side::Front,
        floors: served.clone(),
    }];
    if !g.rear_floors.is_empty() {
        let mut rear = g.rear_floors.clone();
        rear.sort_unstable();
        rear.dedup();
        doors.push(Door {
            side: Side::Rear,
            floors: rear,
        });
    }
    let lifts = ids
        .into_iter()
        .map(|id| Lift {
            id,
            decks: g.decks,
            doors: doors.clone(),
        })
        .collect();
    Ok(Group {
        id: id.to_owned(),
        name: g.name.clone().unwrap_or_else(|| format!("Group {id}")),
        lifts,
        served,
        car,
    })
}

fn prefix(e: TwinError, p: &str) -> TwinError {
    match e {
        TwinError::Invalid { field, reason } => TwinError::Invalid {
            field: format!("{p}{field}"),
            reason,
        },
        other => other,
    }
}

fn areas(floors: &[Floor], groups: &[Group]) -> Vec<Area> {
    let mut out = Vec::new();
    for (i, fl) in floors.iter().enumerate() {
        let base = 1000 * (i as u32 + 1);
        out.push(Area {
            id: base,
            floor: fl.number,
            side: Side::Front,
            name: fl.name.clone(),
        });
        let has_rear = groups
            .iter()
            .flat_map(|g| g.lifts.iter().flat_map(|l| l.doors.iter()))
            .any(|d| d.side == Side::Rear && d.floors.contains(&fl.number));
        if has_rear {
            out.push(Area {
                id: base + 10,
                floor: fl.number,
                side: Side::Rear,
                name: format!("{} rear", fl.name),
            });
        }
    }
    out
}
