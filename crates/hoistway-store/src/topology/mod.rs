//! Building topology for remote call: floors (level, height), areas (a floor
//! reached through a side), lift groups with their car performance, lifts
//! and decks.
//!
//! A topology is validated by building the twin's model from it
//! ([`hoistway_twin::Building`]), so every stored topology is one the twin
//! can run and the call service can route on. Area ids are not chosen by the
//! client: they follow the KONE convention the twin derives (`1000 * (floor
//! index + 1)`, plus 10 for a rear landing), so the compatible API and the
//! REST API name landings the same way.

mod rows;

pub use rows::{get, put, twin_building};

use chrono::{DateTime, Utc};
use hoistway_domain::text::{optional_text, required_text};
use hoistway_domain::Invalid;
use hoistway_twin::{Building, Side, TwinError};
use serde::{Deserialize, Serialize};

/// What a client sends to set a building's topology (replacing any earlier one).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopologyInput {
    /// The entrance floor number (default: the lowest floor).
    #[serde(default)]
    pub main_floor: Option<i32>,
    /// Every floor, lowest first, numbers without gaps (negative below ground).
    pub floors: Vec<FloorInput>,
    pub groups: Vec<GroupInput>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FloorInput {
    pub number: i32,
    /// Shown on the phone and the landing (default: the number).
    #[serde(default)]
    pub name: Option<String>,
    /// Floor-to-floor height up to the next floor, metres.
    pub height_m: f64,
}

/// A lift group: lifts dispatched together over the same floors, with the
/// performance data their cars share.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupInput {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Decks per car (1 or 2).
    #[serde(default = "one")]
    pub decks: u8,
    /// Served floor numbers (default: every floor).
    #[serde(default)]
    pub served_floors: Option<Vec<i32>>,
    /// Served floors where the cars also open at the rear.
    #[serde(default)]
    pub rear_floors: Vec<i32>,
    pub lifts: Vec<LiftInput>,
    pub rated_speed_mps: f64,
    pub acceleration_mps2: f64,
    pub jerk_mps3: f64,
    pub capacity_persons: u32,
    pub door_open_s: f64,
    pub door_close_s: f64,
    #[serde(default)]
    pub door_dwell_s: f64,
    /// Time for one passenger to enter or leave, seconds.
    pub transfer_s: f64,
    #[serde(default)]
    pub start_delay_s: f64,
}

fn one() -> u8 {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiftInput {
    pub id: String,
    /// The registered elevator unit this lift is (same building).
    #[serde(default)]
    pub unit_id: Option<i64>,
}

/// A building's topology as the API shows it.
#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct Topology {
    pub building_id: i64,
    pub customer_id: i64,
    pub main_floor: i32,
    pub floors: Vec<FloorView>,
    /// Landings a call can name: one per floor and side.
    pub areas: Vec<AreaView>,
    pub groups: Vec<GroupView>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct FloorView {
    pub number: i32,
    pub name: String,
    /// Height of the landing above the lowest landing, metres.
    pub level_m: f64,
    pub height_m: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct AreaView {
    pub id: u32,
    pub floor: i32,
    /// `front` or `rear`.
    pub side: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct GroupView {
    pub id: String,
    pub name: String,
    pub decks: u8,
    pub served_floors: Vec<i32>,
    pub rear_floors: Vec<i32>,
    pub lifts: Vec<LiftView>,
    pub rated_speed_mps: f64,
    pub acceleration_mps2: f64,
    pub jerk_mps3: f64,
    pub capacity_persons: u32,
    pub door_open_s: f64,
    pub door_close_s: f64,
    pub door_dwell_s: f64,
    pub transfer_s: f64,
    pub start_delay_s: f64,
}

#[derive(Debug, Clone, Serialize, PartialEq, utoipa::ToSchema)]
pub struct LiftView {
    pub id: String,
    pub unit_id: Option<i64>,
}

impl Topology {
    /// The input that would store this topology again (round trip).
    pub fn to_input(&self) -> TopologyInput {
        TopologyInput {
            main_floor: Some(self.main_floor),
            floors: self
                .floors
                .iter()
                .map(|f| FloorInput {
                    number: f.number,
                    name: Some(f.name.clone()),
                    height_m: f.height_m,
                })
                .collect(),
            groups: self
                .groups
                .iter()
                .map(|g| GroupInput {
                    id: g.id.clone(),
                    name: Some(g.name.clone()),
                    decks: g.decks,
                    served_floors: Some(g.served_floors.clone()),
                    rear_floors: g.rear_floors.clone(),
                    lifts: g
                        .lifts
                        .iter()
                        .map(|l| LiftInput {
                            id: l.id.clone(),
                            unit_id: l.unit_id,
                        })
                        .collect(),
                    rated_speed_mps: g.rated_speed_mps,
                    acceleration_mps2: g.acceleration_mps2,
                    jerk_mps3: g.jerk_mps3,
                    capacity_persons: g.capacity_persons,
                    door_open_s: g.door_open_s,
                    door_close_s: g.door_close_s,
                    door_dwell_s: g.door_dwell_s,
                    transfer_s: g.transfer_s,
                    start_delay_s: g.start_delay_s,
                })
                .collect(),
        }
    }

    /// The area with this id, if the building has it.
    pub fn area(&self, id: u32) -> Option<&AreaView> {
        self.areas.iter().find(|a| a.id == id)
    }
}

impl TopologyInput {
    /// The input describing a twin building (e.g. one of
    /// `examples/buildings/*.toml`), with no lifts linked to units.
    pub fn from_twin(b: &Building) -> TopologyInput {
        let (floors, _, groups) = view_of(b, &TopologyInput::default());
        Topology {
            building_id: 0,
            customer_id: 0,
            main_floor: b.main_floor(),
            floors,
            areas: Vec::new(),
            groups,
            updated_at: DateTime::<Utc>::default(),
        }
        .to_input()
    }
}

/// Most groups a topology may list.
const MAX_GROUPS: usize = 16;

impl TopologyInput {
    /// Validates the input by building the twin's model of it; `name` is the
    /// building's name. Field names in errors are the input's.
    pub fn to_building(&self, name: &str) -> Result<Building, Invalid> {
        if self.floors.is_empty() {
            return Err(Invalid::new(
                "floors",
                "a topology needs at least two floors",
            ));
        }
        if self.groups.is_empty() {
            return Err(Invalid::new(
                "groups",
                "a topology needs at least one lift group",
            ));
        }
        if self.groups.len() > MAX_GROUPS {
            return Err(Invalid::new(
                "groups",
                format!("at most {MAX_GROUPS} groups are supported"),
            ));
        }
        let mut floors = self.floors.clone();
        floors.sort_by_key(|f| f.number);
        for pair in floors.windows(2) {
            if pair[1].number != pair[0].number + 1 {
                return Err(Invalid::new(
                    "floors",
                    format!(
                        "floor numbers must run without gaps or repeats; {} is followed by {}",
                        pair[0].number, pair[1].number
                    ),
                ));
            }
        }
        let mut heights = toml::Table::new();
        let mut names = toml::Table::new();
        for f in &floors {
            heights.insert(f.number.to_string(), f.height_m.into());
            if let Some(n) = optional_text("floors.name", f.name.as_deref(), 100)? {
                names.insert(f.number.to_string(), n.into());
            }
        }
        let lowest = floors[0].number;
        let highest = floors[floors.len() - 1].number;
        let mut floors_t = toml::Table::new();
        floors_t.insert("lowest".into(), i64::from(lowest).into());
        floors_t.insert("highest".into(), i64::from(highest).into());
        floors_t.insert("height_m".into(), floors[0].height_m.into());
        floors_t.insert("heights".into(), heights.into());
        floors_t.insert("names".into(), names.into());

        let mut groups = Vec::with_capacity(self.groups.len());
        for g in &self.groups {
            groups.push(toml::Value::Table(group_table(g, lowest, highest)?));
        }
        let mut root = toml::Table::new();
        root.insert("name".into(), required_text("name", name, 200)?.into());
        if let Some(m) = self.main_floor {
            root.insert("main_floor".into(), i64::from(m).into());
        }
        root.insert("floors".into(), floors_t.into());
        root.insert("groups".into(), groups.into());
        let text = toml::to_string(&root)
            .map_err(|e| Invalid::new("topology", format!("cannot be represented: {e}")))?;
        Building::from_toml_str(&text).map_err(twin_invalid)
    }
}

fn group_table(g: &GroupInput, lowest: i32, highest: i32) -> Result<toml::Table, Invalid> {
    let id = required_text("groups.id", &g.id, 40)?;
    let mut t = toml::Table::new();
    t.insert("id".into(), id.into());
    if let Some(n) = optional_text("groups.name", g.name.as_deref(), 100)? {
        t.insert("name".into(), n.into());
    }
    if g.lifts.is_empty() {
        return Err(Invalid::new(
            "groups.lifts",
            format!("group {} needs at least one lift", g.id),
        ));
    }
    let mut ids = Vec::with_capacity(g.lifts.len());
    for l in &g.lifts {
        ids.push(toml::Value::from(required_text(
            "groups.lifts.id",
            &l.id,
            40,
        )?));
    }
    t.insert("lifts".into(), (ids.len() as i64).into());
    t.insert("lift_ids".into(), ids.into());
    t.insert("decks".into(), i64::from(g.decks).into());
    if let Some(served) = &g.served_floors {
        let mut s = served.clone();
        s.sort_unstable();
        s.dedup();
        let (Some(&lo), Some(&hi)) = (s.first(), s.last()) else {
            return Err(Invalid::new(
                "groups.served_floors",
                format!("group {} must serve at least two floors", g.id),
            ));
        };
        if lo < lowest || hi > highest {
            return Err(Invalid::new(
                "groups.served_floors",
                format!("group {} serves floors outside {lowest}..={highest}", g.id),
            ));
        }
        let skip: Vec<toml::Value> = (lo..=hi)
            .filter(|n| s.binary_search(n).is_err())
            .map(|n| i64::from(n).into())
            .collect();
        t.insert("lowest".into(), i64::from(lo).into());
        t.insert("highest".into(), i64::from(hi).into());
        t.insert("skip".into(), skip.into());
    }
    let rear: Vec<toml::Value> = g.rear_floors.iter().map(|&n| i64::from(n).into()).collect();
    t.insert("rear_floors".into(), rear.into());
    for (k, v) in [
        ("rated_speed_mps", g.rated_speed_mps),
        ("acceleration_mps2", g.acceleration_mps2),
        ("jerk_mps3", g.jerk_mps3),
        ("door_open_s", g.door_open_s),
        ("door_close_s", g.door_close_s),
        ("door_dwell_s", g.door_dwell_s),
        ("transfer_s", g.transfer_s),
        ("start_delay_s", g.start_delay_s),
    ] {
        if !v.is_finite() {
            return Err(Invalid::new(
                "groups",
                format!("{k} of group {} must be a number", g.id),
            ));
        }
        t.insert(k.into(), v.into());
    }
    t.insert(
        "capacity_persons".into(),
        i64::from(g.capacity_persons).into(),
    );
    Ok(t)
}

/// The twin names fields in its TOML terms; report them against the input's
/// top-level field with the full path in the message.
fn twin_invalid(e: TwinError) -> Invalid {
    match e {
        TwinError::Invalid { field, reason } => {
            let path = field
                .replace("lift_ids", "lifts")
                .replace("lowest/highest/skip", "served_floors")
                .replace("lowest/highest", "served_floors")
                .replace(".skip", ".served_floors");
            let top = if path.starts_with("groups") {
                "groups"
            } else if path.starts_with("floors") {
                "floors"
            } else if path == "main_floor" {
                "main_floor"
            } else {
                "topology"
            };
            Invalid::new(top, format!("{path}: {reason}"))
        }
        other => Invalid::new("topology", other.to_string()),
    }
}

/// The view of a validated building (without ids, times and unit links,
/// which the store adds).
pub(crate) fn view_of(
    b: &Building,
    input: &TopologyInput,
) -> (Vec<FloorView>, Vec<AreaView>, Vec<GroupView>) {
    let floors = b
        .floors()
        .iter()
        .map(|f| FloorView {
            number: f.number,
            name: f.name.clone(),
            level_m: f.level_m,
            height_m: f.height_m,
        })
        .collect();
    let areas = b
        .areas()
        .iter()
        .map(|a| AreaView {
            id: a.id,
            floor: a.floor,
            side: side_str(a.side).into(),
            name: a.name.clone(),
        })
        .collect();
    let groups = b
        .groups()
        .iter()
        .map(|g| {
            let units = input
                .groups
                .iter()
                .find(|i| i.id.trim() == g.id)
                .map(|i| i.lifts.clone())
                .unwrap_or_default();
            let rear = g
                .lifts
                .first()
                .and_then(|l| l.doors.iter().find(|d| d.side == Side::Rear))
                .map(|d| d.floors.clone())
                .unwrap_or_default();
            let k = g.car.kinematics;
            GroupView {
                id: g.id.clone(),
                name: g.name.clone(),
                decks: g.lifts.first().map_or(1, |l| l.decks),
                served_floors: g.served.clone(),
                rear_floors: rear,
                lifts: g
                    .lifts
                    .iter()
                    .map(|l| LiftView {
                        id: l.id.clone(),
                        unit_id: units
                            .iter()
                            .find(|u| u.id.trim() == l.id)
                            .and_then(|u| u.unit_id),
                    })
                    .collect(),
                rated_speed_mps: k.rated_speed(),
                acceleration_mps2: k.acceleration(),
                jerk_mps3: k.jerk(),
                capacity_persons: g.car.capacity_persons,
                door_open_s: g.car.door_open_s,
                door_close_s: g.car.door_close_s,
                door_dwell_s: g.car.door_dwell_s,
                transfer_s: g.car.transfer_s,
                start_delay_s: g.car.start_delay_s,
            }
        })
        .collect();
    (floors, areas, groups)
}

pub fn side_str(s: Side) -> &'static str {
    match s {
        Side::Front => "front",
        Side::Rear => "rear",
    }
}

#[cfg(test)]
mod tests;
