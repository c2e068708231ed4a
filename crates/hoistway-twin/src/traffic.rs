//! Passenger demand: traffic patterns and a seeded arrival generator.
//!
//! Arrivals form a Poisson process at a rate given in persons per five
//! minutes (the unit of lift traffic design). Each arrival is incoming (main
//! floor to a populated floor), outgoing (back to the main floor) or
//! interfloor (between two populated floors) in the proportions of its
//! pattern. Populated floors are the served floors above the main floor,
//! equally weighted; floors below it (parking, plant) are not populated
//! unless nothing lies above, as the up-peak formula assumes. All randomness comes from a ChaCha8 stream seeded
//! explicitly, so a seed replays the same day exactly.

use std::fmt;
use std::str::FromStr;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::building::Building;
use crate::error::TwinError;

/// The traffic patterns of lift traffic design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    UpPeak,
    DownPeak,
    Lunch,
    Interfloor,
    Mixed,
}

/// Shares of incoming, outgoing and interfloor trips (sum to 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mix {
    pub incoming: f64,
    pub outgoing: f64,
    pub interfloor: f64,
}

impl Pattern {
    pub const ALL: [Pattern; 5] = [
        Self::UpPeak,
        Self::DownPeak,
        Self::Lunch,
        Self::Interfloor,
        Self::Mixed,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::UpPeak => "up-peak",
            Self::DownPeak => "down-peak",
            Self::Lunch => "lunch",
            Self::Interfloor => "interfloor",
            Self::Mixed => "mixed",
        }
    }

    /// Up-peak is pure incoming so that it is the traffic the round-trip
    /// formula describes; lunch and mixed follow common design templates.
    pub fn mix(&self) -> Mix {
        let (incoming, outgoing, interfloor) = match self {
            Self::UpPeak => (1.0, 0.0, 0.0),
            Self::DownPeak => (0.0, 1.0, 0.0),
            Self::Lunch => (0.45, 0.45, 0.10),
            Self::Interfloor => (0.0, 0.0, 1.0),
            Self::Mixed => (0.40, 0.30, 0.30),
        };
        Mix {
            incoming,
            outgoing,
            interfloor,
        }
    }

    /// Default arrival rate as a share of the population per five minutes,
    /// used when the building file gives no rate for the pattern.
    pub fn default_share_p5(&self) -> f64 {
        match self {
            Self::UpPeak => 0.12,
            Self::DownPeak => 0.12,
            Self::Lunch => 0.11,
            Self::Interfloor => 0.05,
            Self::Mixed => 0.08,
        }
    }

    /// Whether idle cars return to the main floor: yes when most demand
    /// starts there.
    pub(crate) fn parks_at_main(&self) -> bool {
        matches!(self, Self::UpPeak | Self::Lunch | Self::Mixed)
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Pattern {
    type Err = TwinError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == norm)
            .ok_or_else(|| TwinError::UnknownPattern(s.to_owned()))
    }
}

impl Serialize for Pattern {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Persons assumed per populated floor when the building gives no
/// population: a mid-size office floor.
pub const DEFAULT_PERSONS_PER_FLOOR: u32 = 80;

/// The arrival rate (persons per five minutes) of a pattern in a building:
/// the file's `[traffic]` value, else a share of the population.
pub fn arrival_rate_p5(building: &Building, pattern: Pattern) -> f64 {
    let r = building.traffic_rates();
    let given = match pattern {
        Pattern::UpPeak => r.up_peak,
        Pattern::DownPeak => r.down_peak,
        Pattern::Lunch => r.lunch,
        Pattern::Interfloor => r.interfloor,
        Pattern::Mixed => r.mixed,
    };
    given.unwrap_or_else(|| f64::from(population(building)) * pattern.default_share_p5())
}

/// The building's population, or an estimate from its floor count.
pub fn population(building: &Building) -> u32 {
    building
        .population()
        .unwrap_or_else(|| (building.floors().len() as u32 - 1) * DEFAULT_PERSONS_PER_FLOOR)
}

/// One person turning up at a landing. Floors are building floor indices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Arrival {
    pub t: f64,
    pub origin: usize,
    pub dest: usize,
}

/// Seeded Poisson arrival generator.
#[derive(Debug, Clone)]
pub struct TrafficGen {
    rng: ChaCha8Rng,
    rate_per_s: f64,
    mix: Mix,
    main: usize,
    populated: Vec<usize>,
    next_t: f64,
}

impl TrafficGen {
    /// `served` are the building floor indices the group serves; `main` must
    /// be one of them.
    pub fn new(pattern: Pattern, rate_p5: f64, served: &[usize], main: usize, seed: u64) -> Self {
        let above: Vec<usize> = served.iter().copied().filter(|&f| f > main).collect();
        let populated = if above.is_empty() {
            served.iter().copied().filter(|&f| f != main).collect()
        } else {
            above
        };
        let mut g = Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            rate_per_s: if rate_p5.is_finite() {
                rate_p5.max(0.0) / 300.0
            } else {
                0.0
            },
            mix: pattern.mix(),
            main,
            populated,
            next_t: 0.0,
        };
        g.next_t = g.gap();
        g
    }

    fn gap(&mut self) -> f64 {
        if self.rate_per_s <= 0.0 || self.populated.is_empty() {
            return f64::INFINITY;
        }
        let u: f64 = self.rng.gen();
        -(1.0 - u).ln() / self.rate_per_s
    }

    /// Time of the next arrival (infinite when there is no demand).
    pub fn peek_time(&self) -> f64 {
        self.next_t
    }

    /// The next arrival; the generator never runs dry unless the rate is zero.
    pub fn next_arrival(&mut self) -> Option<Arrival> {
        if !self.next_t.is_finite() {
            return None;
        }
        let t = self.next_t;
        let pick = |rng: &mut ChaCha8Rng, v: &[usize]| v[rng.gen_range(0..v.len())];
        let u: f64 = self.rng.gen();
        let (origin, dest) = if u < self.mix.incoming {
            (self.main, pick(&mut self.rng, &self.populated))
        } else if u < self.mix.incoming + self.mix.outgoing || self.populated.len() < 2 {
            (pick(&mut self.rng, &self.populated), self.main)
        } else {
            let o = pick(&mut self.rng, &self.populated);
            let mut d = pick(&mut self.rng, &self.populated[..self.populated.len() - 1]);
            // Draw from all but one slot and shift past the origin: uniform
            // over the other floors without rejection loops.
            if d == o {
                d = self.populated[self.populated.len() - 1];
            }
            (o, d)
        };
        self.next_t = t + self.gap();
        Some(Arrival { t, origin, dest })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_parse_and_print() {
        for p in Pattern::ALL {
            assert_eq!(p.as_str().parse::<Pattern>().unwrap(), p);
            let m = p.mix();
            assert!((m.incoming + m.outgoing + m.interfloor - 1.0).abs() < 1e-12);
        }
        assert_eq!("UP_PEAK".parse::<Pattern>().unwrap(), Pattern::UpPeak);
        assert!(matches!(
            "rush".parse::<Pattern>(),
            Err(TwinError::UnknownPattern(_))
        ));
    }

    fn draw(p: Pattern, seed: u64, n: usize) -> Vec<Arrival> {
        let served: Vec<usize> = (0..=10).collect();
        let mut g = TrafficGen::new(p, 60.0, &served, 0, seed);
        (0..n).map(|_| g.next_arrival().unwrap()).collect()
    }

    #[test]
    fn same_seed_same_arrivals_other_seed_other_arrivals() {
        assert_eq!(draw(Pattern::Mixed, 7, 200), draw(Pattern::Mixed, 7, 200));
        assert_ne!(draw(Pattern::Mixed, 7, 200), draw(Pattern::Mixed, 8, 200));
    }

    #[test]
    fn rate_and_directions_follow_the_pattern() {
        let a = draw(Pattern::UpPeak, 1, 6000);
        assert!(a.iter().all(|x| x.origin == 0 && x.dest >= 1));
        // 60 persons per 5 min = 0.2/s: 6000 arrivals take about 30000 s.
        let span = a.last().unwrap().t;
        assert!((span / 30000.0 - 1.0).abs() < 0.05, "span {span}");
        // Destinations uniform over 10 floors.
        let top = a.iter().filter(|x| x.dest == 10).count() as f64 / 6000.0;
        assert!((top - 0.1).abs() < 0.02, "share {top}");

        let d = draw(Pattern::DownPeak, 1, 500);
        assert!(d.iter().all(|x| x.dest == 0 && x.origin >= 1));
        let i = draw(Pattern::Interfloor, 1, 2000);
        assert!(i
            .iter()
            .all(|x| x.origin != x.dest && x.origin != 0 && x.dest != 0));
        assert!(i.iter().any(|x| x.dest == 10) && i.iter().any(|x| x.dest == 9));
    }

    #[test]
    fn zero_rate_means_no_arrivals() {
        let mut g = TrafficGen::new(Pattern::UpPeak, 0.0, &[0, 1, 2], 0, 3);
        assert!(g.next_arrival().is_none());
    }
}
