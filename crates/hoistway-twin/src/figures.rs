//! Summary statistics of a run: percentiles of passenger times and the
//! round-trip figures of lift traffic design.

use serde::Serialize;

use crate::sim::RoundTrip;

/// Mean and nearest-rank percentiles of a sample, in seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Percentiles {
    pub n: usize,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub max: f64,
}

impl Percentiles {
    /// All zeros for an empty sample; non-finite values are ignored.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Self {
        let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return Self::default();
        }
        v.sort_by(f64::total_cmp);
        let n = v.len();
        // Nearest rank: the smallest value with at least q of the sample at
        // or below it.
        let rank = |q: f64| v[((q * n as f64).ceil() as usize).clamp(1, n) - 1];
        Self {
            n,
            mean: v.iter().sum::<f64>() / n as f64,
            p50: rank(0.50),
            p90: rank(0.90),
            p95: rank(0.95),
            max: v[n - 1],
        }
    }
}

/// Round trip time and average load over measured round trips.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RoundTripFigures {
    pub trips: usize,
    /// Mean busy round trip time (parked time left out).
    pub rtt_s: f64,
    /// Mean passengers boarded per round trip (P).
    pub avg_car_load: f64,
}

impl RoundTripFigures {
    pub fn of(trips: &[RoundTrip]) -> Self {
        if trips.is_empty() {
            return Self::default();
        }
        let n = trips.len() as f64;
        Self {
            trips: trips.len(),
            rtt_s: trips.iter().map(|t| t.busy_s).sum::<f64>() / n,
            avg_car_load: trips.iter().map(|t| f64::from(t.boardings)).sum::<f64>() / n,
        }
    }

    /// Average interval between cars: RTT over the number of cars.
    pub fn interval_s(&self, cars: usize) -> f64 {
        if cars == 0 {
            0.0
        } else {
            self.rtt_s / cars as f64
        }
    }

    /// Handling capacity in persons per five minutes: 300 P / interval.
    pub fn hc5(&self, cars: usize) -> f64 {
        let i = self.interval_s(cars);
        if i > 0.0 {
            300.0 * self.avg_car_load / i
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let p = Percentiles::of((1..=20).map(f64::from));
        assert_eq!(p.n, 20);
        assert_eq!(p.p50, 10.0);
        assert_eq!(p.p90, 18.0);
        assert_eq!(p.p95, 19.0);
        assert_eq!(p.max, 20.0);
        assert!((p.mean - 10.5).abs() < 1e-12);
        assert_eq!(Percentiles::of(Vec::new()), Percentiles::default());
        assert_eq!(Percentiles::of([f64::NAN, 3.0]).n, 1);
    }

    #[test]
    fn round_trip_figures() {
        let t = |busy, boardings| RoundTrip {
            lift: 0,
            start_s: 0.0,
            end_s: busy,
            busy_s: busy,
            boardings,
        };
        let f = RoundTripFigures::of(&[t(100.0, 8), t(140.0, 12)]);
        assert!((f.rtt_s - 120.0).abs() < 1e-12);
        assert!((f.avg_car_load - 10.0).abs() < 1e-12);
        assert!((f.interval_s(4) - 30.0).abs() < 1e-12);
        assert!((f.hc5(4) - 100.0).abs() < 1e-12);
        assert_eq!(RoundTripFigures::of(&[]).hc5(4), 0.0);
    }
}
