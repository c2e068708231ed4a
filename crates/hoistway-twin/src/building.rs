//! Building topology: floors with heights and levels, areas and sides, lift
//! groups with their lifts, decks and doors, and each group's car spec.
//!
//! A [`Building`] only exists validated: [`Building::from_toml_str`] checks
//! every rule (ranges, positive physics, a served main floor) and names the
//! offending field, so the simulator can rely on it without re-checking.

mod raw;

use serde::Serialize;

use crate::error::TwinError;
use crate::kinematics::Kinematics;

pub use raw::MAX_FLOORS;

/// Door side of a car; a landing is reached through one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Front,
    Rear,
}

/// One floor of the building.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Floor {
    /// Floor number as people use it (negative below ground).
    pub number: i32,
    pub name: String,
    /// Height of the landing above the lowest landing, metres.
    pub level_m: f64,
    /// Floor-to-floor height up to the next floor, metres.
    pub height_m: f64,
}

/// A place a call is made from or to: one floor reached through one side.
/// Ids follow the KONE convention: `1000 * (floor index + 1)`, plus 10 for
/// the rear side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Area {
    pub id: u32,
    pub floor: i32,
    pub side: Side,
    pub name: String,
}

/// A door of a lift: the side it is on and the floors it opens at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Door {
    pub side: Side,
    pub floors: Vec<i32>,
}

/// One lift (hoistway with its car) of a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lift {
    pub id: String,
    /// Number of decks; the simulator moves the lift as one car.
    pub decks: u8,
    pub doors: Vec<Door>,
}

/// Performance data shared by the cars of a group.
#[derive(Debug, Clone, PartialEq)]
pub struct CarSpec {
    pub kinematics: Kinematics,
    /// Rated number of persons.
    pub capacity_persons: u32,
    pub door_open_s: f64,
    pub door_close_s: f64,
    /// Doors stay open this long after the last passenger transfer.
    pub door_dwell_s: f64,
    /// Time for one passenger to enter or leave the car (tp).
    pub transfer_s: f64,
    /// Delay between doors closed and the car starting to move.
    pub start_delay_s: f64,
}

/// Lifts dispatched together over the same floors.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub lifts: Vec<Lift>,
    /// Served floor numbers, ascending.
    pub served: Vec<i32>,
    pub car: CarSpec,
}

/// Arrival rates in persons per five minutes, per pattern, when the building
/// file gives them; otherwise they follow from the population.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TrafficRates {
    pub up_peak: Option<f64>,
    pub down_peak: Option<f64>,
    pub lunch: Option<f64>,
    pub interfloor: Option<f64>,
    pub mixed: Option<f64>,
}

/// A validated building.
#[derive(Debug, Clone, PartialEq)]
pub struct Building {
    pub(crate) name: String,
    pub(crate) population: Option<u32>,
    pub(crate) main_floor: i32,
    pub(crate) floors: Vec<Floor>,
    pub(crate) areas: Vec<Area>,
    pub(crate) groups: Vec<Group>,
    pub(crate) traffic: TrafficRates,
}

impl Building {
    /// Parses and validates a building description (see `examples/buildings`).
    pub fn from_toml_str(text: &str) -> Result<Self, TwinError> {
        raw::parse(text)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Persons living or working above (and below) the main floor, if known.
    pub fn population(&self) -> Option<u32> {
        self.population
    }

    /// The main terminal (entrance) floor number.
    pub fn main_floor(&self) -> i32 {
        self.main_floor
    }

    /// Floors from lowest to highest.
    pub fn floors(&self) -> &[Floor] {
        &self.floors
    }

    pub fn floor(&self, number: i32) -> Option<&Floor> {
        let lowest = self.floors.first()?.number;
        let idx = usize::try_from(number.checked_sub(lowest)?).ok()?;
        self.floors.get(idx)
    }

    /// Index of a floor counted from the lowest floor.
    pub fn floor_index(&self, number: i32) -> Option<usize> {
        self.floor(number)
            .map(|f| (f.number - self.floors[0].number) as usize)
    }

    pub fn areas(&self) -> &[Area] {
        &self.areas
    }

    pub fn area(&self, id: u32) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    /// The area of a floor and side, if that landing exists.
    pub fn area_at(&self, floor: i32, side: Side) -> Option<&Area> {
        self.areas
            .iter()
            .find(|a| a.floor == floor && a.side == side)
    }

    /// Groups in file order; never empty.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    pub fn group(&self, id: &str) -> Result<&Group, TwinError> {
        self.groups
            .iter()
            .find(|g| g.id == id)
            .ok_or_else(|| TwinError::UnknownGroup(id.to_owned()))
    }

    pub fn traffic_rates(&self) -> TrafficRates {
        self.traffic
    }
}

impl Group {
    /// Served floors strictly above the main floor (N of the up-peak formula).
    pub fn floors_above(&self, main: i32) -> usize {
        self.served.iter().filter(|&&f| f > main).count()
    }

    pub fn serves(&self, floor: i32) -> bool {
        self.served.binary_search(&floor).is_ok()
    }
}

#[cfg(test)]
mod tests;
