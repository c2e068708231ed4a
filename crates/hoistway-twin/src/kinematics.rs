//! Car kinematics: closed-form jerk-limited flight times.
//!
//! A car moves with the symmetric "S-curve" profile of a modern drive: jerk
//! `j` ramps the acceleration up to at most `a`, the speed up to at most the
//! rated speed `v`, and the stop mirrors the start. Three regimes follow from
//! the trip length `d`:
//!
//! 1. `d >= v * (v/a' + a'/j)`: rated speed is reached;
//!    `T = d/v + v/a' + a'/j` where `a' = min(a, sqrt(v*j))` (when `v*j < a²`
//!    the car reaches rated speed before it could reach `a`).
//! 2. `d >= 2a³/j²`: full acceleration is reached but not rated speed; the
//!    peak speed `vp` solves `vp² + vp*a²/j - a*d = 0` and `T = 2(vp/a + a/j)`.
//! 3. shorter trips: four jerk phases of `tau = (d/(2j))^(1/3)`; `T = 4*tau`.
//!
//! The regimes meet continuously, so the flight time is monotone in `d`.

use crate::error::{invalid, TwinError};

/// Rated speed, acceleration and jerk of one car.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kinematics {
    speed: f64,
    accel: f64,
    jerk: f64,
}

impl Kinematics {
    /// Refuses non-finite or non-positive values: a car that cannot move has
    /// no flight time.
    pub fn new(speed_mps: f64, accel_mps2: f64, jerk_mps3: f64) -> Result<Self, TwinError> {
        for (name, v) in [
            ("rated_speed_mps", speed_mps),
            ("acceleration_mps2", accel_mps2),
            ("jerk_mps3", jerk_mps3),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return Err(invalid(name, format!("must be a positive number, got {v}")));
            }
        }
        Ok(Self {
            speed: speed_mps,
            accel: accel_mps2,
            jerk: jerk_mps3,
        })
    }

    pub fn rated_speed(&self) -> f64 {
        self.speed
    }

    pub fn acceleration(&self) -> f64 {
        self.accel
    }

    pub fn jerk(&self) -> f64 {
        self.jerk
    }

    /// Acceleration actually used on a trip that reaches rated speed.
    fn effective_accel(&self) -> f64 {
        self.accel.min((self.speed * self.jerk).sqrt())
    }

    /// Time to speed up from rest to rated speed (and, mirrored, to stop).
    pub fn ramp_time(&self) -> f64 {
        let a = self.effective_accel();
        self.speed / a + a / self.jerk
    }

    /// Shortest trip that reaches rated speed.
    pub fn full_speed_distance(&self) -> f64 {
        self.speed * self.ramp_time()
    }

    /// Seconds from start to stop over `distance_m` (absolute value is used).
    pub fn flight_time(&self, distance_m: f64) -> f64 {
        let d = distance_m.abs();
        if d == 0.0 {
            return 0.0;
        }
        let (v, j) = (self.speed, self.jerk);
        if d >= self.full_speed_distance() {
            return d / v + self.ramp_time();
        }
        let a = self.accel;
        if d >= 2.0 * a.powi(3) / (j * j) {
            let b = a * a / j;
            let vp = (-b + (b * b + 4.0 * a * d).sqrt()) / 2.0;
            return 2.0 * (vp / a + a / j);
        }
        4.0 * (d / (2.0 * j)).cbrt()
    }

    /// Seconds after departure at which braking for a stop `distance_m` away
    /// begins. A moving car can still be given a stop at that distance while
    /// less time than this has passed since it started.
    pub fn braking_point(&self, distance_m: f64) -> f64 {
        let d = distance_m.abs();
        let t = self.flight_time(d);
        if d >= self.full_speed_distance() {
            t - self.ramp_time()
        } else {
            t / 2.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k() -> Kinematics {
        Kinematics::new(1.6, 1.0, 2.0).unwrap()
    }

    #[test]
    fn long_trip_reaches_rated_speed() {
        // Hand calculation: 30/1.6 + 1.6/1.0 + 1.0/2.0 = 18.75 + 2.1 = 20.85 s.
        assert!((k().flight_time(30.0) - 20.85).abs() < 1e-9);
    }

    #[test]
    fn one_floor_trip_misses_rated_speed() {
        // 3.3 m < 3.36 m needed for 1.6 m/s. vp² + 0.5 vp - 3.3 = 0:
        // vp = (-0.5 + sqrt(0.25 + 13.2)) / 2 = 1.583712..., T = 2(vp + 0.5).
        let vp = (-0.5 + (0.25f64 + 13.2).sqrt()) / 2.0;
        assert!((vp - 1.583_712).abs() < 1e-6);
        let t = k().flight_time(3.3);
        assert!((t - 2.0 * (vp + 0.5)).abs() < 1e-9);
        assert!((t - 4.167_424).abs() < 1e-5);
    }

    #[test]
    fn very_short_trip_is_pure_jerk() {
        // 0.1 m < 2a³/j² = 0.5 m: tau = (0.1/4)^(1/3), T = 4 tau = 1.16961 s.
        let t = k().flight_time(0.1);
        assert!((t - 4.0 * 0.025f64.cbrt()).abs() < 1e-12);
        assert!((t - 1.169_607).abs() < 1e-5);
    }

    #[test]
    fn low_jerk_caps_acceleration() {
        // v*j = 0.5 < a² = 1: the car never reaches 1 m/s², a' = sqrt(0.5).
        let k = Kinematics::new(1.0, 1.0, 0.5).unwrap();
        let a = 0.5f64.sqrt();
        assert!((k.ramp_time() - (1.0 / a + a / 0.5)).abs() < 1e-12);
        assert!((k.flight_time(20.0) - (20.0 + k.ramp_time())).abs() < 1e-12);
    }

    #[test]
    fn regimes_meet_continuously() {
        let k = k();
        for edge in [k.full_speed_distance(), 2.0 * 1.0 / 4.0] {
            let below = k.flight_time(edge - 1e-9);
            let above = k.flight_time(edge + 1e-9);
            assert!(
                (below - above).abs() < 1e-6,
                "jump at {edge}: {below} vs {above}"
            );
        }
    }

    #[test]
    fn braking_point_is_inside_the_trip() {
        let k = k();
        for d in [0.2, 3.3, 10.0, 40.0] {
            let b = k.braking_point(d);
            assert!(b > 0.0 && b < k.flight_time(d));
        }
        // Long trip: braking starts one ramp before arrival.
        assert!((k.braking_point(30.0) - (20.85 - 2.1)).abs() < 1e-9);
    }

    proptest::proptest! {
        #[test]
        fn flight_time_is_monotone_and_never_beats_rated_speed(
            v in 0.25f64..10.0, a in 0.2f64..2.0, j in 0.3f64..3.0,
            d1 in 0.0f64..400.0, extra in 0.0f64..100.0,
        ) {
            let k = Kinematics::new(v, a, j).unwrap();
            let d2 = d1 + extra;
            let (t1, t2) = (k.flight_time(d1), k.flight_time(d2));
            proptest::prop_assert!(t2 >= t1 - 1e-9, "T({d2})={t2} < T({d1})={t1}");
            proptest::prop_assert!(t1 >= d1 / v - 1e-9);
            proptest::prop_assert!(t2 >= d2 / v - 1e-9);
            // Nor faster than constant maximum acceleration allows.
            proptest::prop_assert!(t1 >= 2.0 * (d1 / a).sqrt() - 1e-9);
            proptest::prop_assert_eq!(k.flight_time(-d1), t1);
        }
    }

    #[test]
    fn refuses_bad_values() {
        assert!(Kinematics::new(0.0, 1.0, 1.0).is_err());
        assert!(Kinematics::new(1.0, -1.0, 1.0).is_err());
        assert!(Kinematics::new(1.0, 1.0, f64::NAN).is_err());
    }
}
