//! The classical up-peak round-trip-time formula of lift traffic design.
//!
//! With N floors above the main terminal, P passengers per trip, all boarding
//! at the main terminal and leaving at floors chosen uniformly at random:
//!
//! ```text
//! S   = N (1 - (1 - 1/N)^P)                  expected stops above the main floor
//! H   = N - Σ_{i=1}^{N-1} (i/N)^P            expected highest reversal floor
//! RTT = 2 H tv + (S + 1) ts + 2 P tp
//! ```
//!
//! `tv` is the time to pass one floor at rated speed, `ts` the time one stop
//! costs beyond that and `tp` the transfer time of one passenger.
//!
//! How the twin derives `ts` from a building ([`performance_time`]): a stop
//! costs the extra flight time of starting and stopping, taken as the flight
//! time of a one-floor trip minus `tv`, plus the door cycle (opening, dwell,
//! closing) and the start delay:
//! `ts = T(1 floor) - tv + door_open_s + door_dwell_s + door_close_s + start_delay_s`.
//! The one-floor flight uses the average floor height above the main floor.

use serde::Serialize;

use crate::building::{Building, Group};

/// Inputs of the formula.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UpPeakInputs {
    pub floors_above_main: u32,
    pub floor_height_m: f64,
    pub rated_speed_mps: f64,
    /// Average car load P (may be fractional: an average).
    pub avg_car_load: f64,
    pub performance_time_s: f64,
    pub transfer_time_s: f64,
}

/// What the formula yields.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct UpPeakFigures {
    pub stops: f64,
    pub highest_reversal: f64,
    pub tv_s: f64,
    pub rtt_s: f64,
}

impl UpPeakInputs {
    /// The formula's inputs as the twin reads them off a group, for a load P.
    pub fn from_group(building: &Building, group: &Group, avg_car_load: f64) -> Self {
        let main = building.main_floor();
        let n = group.floors_above(main);
        let floor_height_m = avg_floor_height(building, group);
        Self {
            floors_above_main: n as u32,
            floor_height_m,
            rated_speed_mps: group.car.kinematics.rated_speed(),
            avg_car_load,
            performance_time_s: performance_time(group, floor_height_m),
            transfer_time_s: group.car.transfer_s,
        }
    }

    pub fn evaluate(&self) -> UpPeakFigures {
        let n = f64::from(self.floors_above_main);
        let p = self.avg_car_load;
        let tv_s = self.floor_height_m / self.rated_speed_mps;
        if n < 1.0 {
            return UpPeakFigures {
                stops: 0.0,
                highest_reversal: 0.0,
                tv_s,
                rtt_s: 0.0,
            };
        }
        let stops = n * (1.0 - (1.0 - 1.0 / n).powf(p));
        let sum: f64 = (1..self.floors_above_main)
            .map(|i| (f64::from(i) / n).powf(p))
            .sum();
        let highest_reversal = n - sum;
        let rtt_s = 2.0 * highest_reversal * tv_s
            + (stops + 1.0) * self.performance_time_s
            + 2.0 * p * self.transfer_time_s;
        UpPeakFigures {
            stops,
            highest_reversal,
            tv_s,
            rtt_s,
        }
    }
}

/// Mean floor-to-floor height over the floors served above the main floor.
pub fn avg_floor_height(building: &Building, group: &Group) -> f64 {
    let main = building.main_floor();
    let top = group.served.last().copied().unwrap_or(main);
    let n = group.floors_above(main);
    match (building.floor(main), building.floor(top)) {
        (Some(m), Some(t)) if n > 0 => (t.level_m - m.level_m) / n as f64,
        (Some(m), _) => m.height_m,
        _ => 0.0,
    }
}

/// `ts` as documented in the module header.
pub fn performance_time(group: &Group, floor_height_m: f64) -> f64 {
    let car = &group.car;
    let k = &car.kinematics;
    let tv = floor_height_m / k.rated_speed();
    k.flight_time(floor_height_m) - tv
        + car.door_open_s
        + car.door_dwell_s
        + car.door_close_s
        + car.start_delay_s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worked_case_gives_123_seconds() {
        let inputs = UpPeakInputs {
            floors_above_main: 10,
            floor_height_m: 3.3,
            rated_speed_mps: 1.6,
            avg_car_load: 10.4,
            performance_time_s: 7.7,
            transfer_time_s: 1.2,
        };
        let f = inputs.evaluate();
        // S = 10(1 - 0.9^10.4) = 6.657, H = 10 - 0.4626 = 9.537 (by hand).
        assert!((f.stops - 6.657).abs() < 0.01, "S = {}", f.stops);
        assert!(
            (f.highest_reversal - 9.537).abs() < 0.01,
            "H = {}",
            f.highest_reversal
        );
        assert!((f.tv_s - 2.0625).abs() < 1e-12);
        assert!((f.rtt_s - 123.0).abs() < 1.0, "RTT = {}", f.rtt_s);
    }

    #[test]
    fn one_passenger_makes_one_stop() {
        let f = UpPeakInputs {
            floors_above_main: 8,
            floor_height_m: 3.0,
            rated_speed_mps: 1.0,
            avg_car_load: 1.0,
            performance_time_s: 10.0,
            transfer_time_s: 1.0,
        }
        .evaluate();
        // One passenger: exactly one stop; highest floor is the mean of 1..=8.
        assert!((f.stops - 1.0).abs() < 1e-12);
        assert!((f.highest_reversal - 4.5).abs() < 1e-12);
        assert!((f.rtt_s - (2.0 * 4.5 * 3.0 + 2.0 * 10.0 + 2.0)).abs() < 1e-9);
    }

    #[test]
    fn office_10_derives_ts_of_7_7() {
        let text = include_str!("../../../examples/buildings/office-10.toml");
        let b = Building::from_toml_str(text).unwrap();
        let i = UpPeakInputs::from_group(&b, &b.groups()[0], 10.4);
        assert_eq!(i.floors_above_main, 10);
        assert!((i.floor_height_m - 3.3).abs() < 1e-12);
        assert!(
            (i.performance_time_s - 7.7).abs() < 0.01,
            "ts = {}",
            i.performance_time_s
        );
        assert!((i.evaluate().rtt_s - 123.0).abs() < 1.0);
    }
}
