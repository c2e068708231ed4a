//! What a simulation leaves behind: passenger journeys, round trips, and the
//! raw observations a device would report (trips and door cycles).

use serde::Serialize;

/// One completed passenger journey. Times are simulated seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PassengerRecord {
    pub id: u64,
    pub arrival_s: f64,
    pub origin: i32,
    pub destination: i32,
    /// Index of the lift (in group order) that carried the passenger.
    pub lift: usize,
    pub board_s: f64,
    pub alight_s: f64,
}

impl PassengerRecord {
    pub fn waiting_s(&self) -> f64 {
        self.board_s - self.arrival_s
    }

    pub fn transit_s(&self) -> f64 {
        self.alight_s - self.board_s
    }

    pub fn time_to_destination_s(&self) -> f64 {
        self.alight_s - self.arrival_s
    }
}

/// One round trip of a car: from its doors starting to open at the main
/// floor to its next arrival there. `busy_s` leaves out time spent parked
/// idle, so it is the round trip time the formula describes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RoundTrip {
    pub lift: usize,
    pub start_s: f64,
    pub end_s: f64,
    pub busy_s: f64,
    pub boardings: u32,
}

/// A raw device observation of one car.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    pub t: f64,
    pub lift: usize,
    pub kind: ObservationKind,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ObservationKind {
    /// A completed flight; floors are floor numbers.
    Trip {
        from: i32,
        to: i32,
        duration_s: f64,
        levelling_error_mm: f64,
    },
    /// A completed door cycle; `open_s`/`close_s` are the opening and the
    /// final closing movement.
    DoorCycle {
        floor: i32,
        open_s: f64,
        close_s: f64,
        reopens: u32,
        obstruction: bool,
    },
}

/// How faults bend a car's behaviour; the telemetry twin sets these as a
/// fault progresses. The default is a healthy car.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CarEffects {
    /// Multiplies the door closing time (roller wear makes doors slow).
    pub door_close_factor: f64,
    /// Chance that a closing door reopens (repeated while it keeps failing).
    pub reopen_prob: f64,
    /// Chance that a reopen is reported as an obstruction.
    pub obstruction_prob: f64,
    /// Spread of the stopping accuracy, millimetres.
    pub levelling_sigma_mm: f64,
    /// Systematic stopping error, millimetres (levelling drift).
    pub levelling_bias_mm: f64,
}

impl Default for CarEffects {
    fn default() -> Self {
        Self {
            door_close_factor: 1.0,
            reopen_prob: 0.0,
            obstruction_prob: 0.0,
            levelling_sigma_mm: 1.5,
            levelling_bias_mm: 0.0,
        }
    }
}

/// A stop further off than this is re-levelled, costing [`RELEVEL_S`].
pub const RELEVEL_THRESHOLD_MM: f64 = 10.0;
/// Time a re-levelling adds to the trip.
pub const RELEVEL_S: f64 = 1.5;
