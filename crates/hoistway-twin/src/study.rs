//! Traffic studies: what `hoistway twin study` runs and prints.
//!
//! A study simulates one group under one pattern for some minutes, lets the
//! passengers already in the system finish, and reports the simulated
//! figures beside the up-peak formula evaluated with the inputs the twin
//! derives from the building and the simulated average car load.

use std::fmt::Write as _;

use serde::Serialize;

use crate::building::{Building, Group};
use crate::error::TwinError;
use crate::figures::{Percentiles, RoundTripFigures};
use crate::formula::UpPeakInputs;
use crate::sim::{DispatchMode, GroupSim, Parking, PassengerRecord, SimOptions};
use crate::traffic::{self, Pattern};

/// Longest the study runs on after arrivals stop, so a saturated group
/// still ends.
const MAX_DRAIN_S: f64 = 3600.0;

/// Settings of a study beyond the simple [`run_study`] call.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyOptions {
    pub pattern: Pattern,
    pub minutes: f64,
    pub seed: u64,
    /// Group id; the building's first group when absent.
    pub group: Option<String>,
    pub dispatch: DispatchMode,
    /// Persons per five minutes; from the building when absent.
    pub arrival_rate_p5: Option<f64>,
}

impl StudyOptions {
    pub fn new(pattern: Pattern, minutes: f64, seed: u64) -> Self {
        Self {
            pattern,
            minutes,
            seed,
            group: None,
            dispatch: DispatchMode::Collective,
            arrival_rate_p5: None,
        }
    }
}

/// Figures of one study. Field names are part of the CLI's JSON contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StudyReport {
    pub building: String,
    pub group: String,
    pub pattern: Pattern,
    pub dispatch: DispatchMode,
    pub minutes: f64,
    pub seed: u64,
    pub lifts: usize,
    pub arrival_rate_p5: f64,
    /// Population used for the percentage (given, or estimated).
    pub population: u32,
    pub population_given: bool,
    /// Simulated round trip time (busy time from door opening at the main
    /// floor to the next arrival there).
    pub rtt_s: f64,
    /// RTT divided by the number of lifts.
    pub interval_s: f64,
    /// Handling capacity, persons per five minutes: 300 P / interval.
    pub hc5_persons: f64,
    pub hc5_percent: f64,
    /// Average waiting time (arrival at the landing to boarding).
    pub awt_s: f64,
    pub floors_above_main: u32,
    pub floor_height_m: f64,
    pub rated_speed_mps: f64,
    pub avg_car_load: f64,
    pub performance_time_s: f64,
    pub transfer_time_s: f64,
    pub formula_rtt_s: f64,
    pub formula_stops: f64,
    pub formula_highest_reversal: f64,
    /// The formula applied to each round trip with that trip's own load,
    /// averaged: the formula at the mean load overstates RTT when loads
    /// vary, because stops and reversal floor grow ever slower with load.
    pub formula_rtt_per_trip_s: f64,
    /// (simulated - formula) / formula, percent.
    pub rtt_deviation_pct: f64,
    pub round_trips: usize,
    pub passengers_delivered: usize,
    pub passengers_unfinished: usize,
    pub waiting_s: Percentiles,
    pub transit_s: Percentiles,
    pub time_to_destination_s: Percentiles,
    /// Per-passenger journeys, for [`csv_rows`]; not in the JSON.
    #[serde(skip)]
    pub passengers: Vec<PassengerRecord>,
    #[serde(skip)]
    pub lift_ids: Vec<String>,
}

/// Runs a study of the building's first group with collective control and
/// the building's arrival rate. `progress` receives the completed fraction
/// (0..=1) now and then.
pub fn run_study(
    building: &Building,
    pattern: Pattern,
    minutes: f64,
    seed: u64,
    progress: &mut dyn FnMut(f64),
) -> StudyReport {
    // A validated building always has a first group.
    study_group(
        building,
        &building.groups()[0],
        &StudyOptions::new(pattern, minutes, seed),
        progress,
    )
}

/// As [`run_study`] with every option; fails only for an unknown group.
pub fn run_study_with(
    building: &Building,
    opts: &StudyOptions,
    progress: &mut dyn FnMut(f64),
) -> Result<StudyReport, TwinError> {
    let group = match &opts.group {
        Some(id) => building.group(id)?,
        None => &building.groups()[0],
    };
    Ok(study_group(building, group, opts, progress))
}

fn study_group(
    building: &Building,
    group: &Group,
    opts: &StudyOptions,
    progress: &mut dyn FnMut(f64),
) -> StudyReport {
    let minutes = if opts.minutes.is_finite() {
        opts.minutes.max(0.0)
    } else {
        0.0
    };
    let horizon = minutes * 60.0;
    let rate = opts
        .arrival_rate_p5
        .filter(|r| r.is_finite() && *r >= 0.0)
        .unwrap_or_else(|| traffic::arrival_rate_p5(building, opts.pattern));
    let sim_opts = SimOptions {
        dispatch: opts.dispatch,
        parking: if opts.pattern.parks_at_main() {
            Parking::MainFloor
        } else {
            Parking::StayPut
        },
        keep_records: true,
        observations: false,
        fixed_main_load: None,
        seed: opts.seed,
    };
    let mut sim = GroupSim::for_group(building, group, sim_opts);
    sim.set_traffic(opts.pattern, rate, opts.seed);
    sim.stop_traffic_at(horizon);
    const STEPS: u32 = 100;
    for i in 1..=STEPS {
        sim.run_until(horizon * f64::from(i) / f64::from(STEPS));
        progress(0.9 * f64::from(i) / f64::from(STEPS));
    }
    let mut extra = 0.0;
    while sim.in_system() > 0 && extra < MAX_DRAIN_S {
        extra += 60.0;
        sim.run_until(horizon + extra);
    }
    progress(1.0);
    report(building, group, opts, minutes, rate, &sim)
}

fn report(
    building: &Building,
    group: &Group,
    opts: &StudyOptions,
    minutes: f64,
    rate: f64,
    sim: &GroupSim,
) -> StudyReport {
    let lifts = group.lifts.len();
    let rt = RoundTripFigures::of(sim.round_trips());
    let inputs = UpPeakInputs::from_group(building, group, rt.avg_car_load);
    let formula = inputs.evaluate();
    let recs = sim.records();
    let waiting = Percentiles::of(recs.iter().map(PassengerRecord::waiting_s));
    let population = traffic::population(building);
    let hc5 = rt.hc5(lifts);
    StudyReport {
        building: building.name().to_owned(),
        group: group.id.clone(),
        pattern: opts.pattern,
        dispatch: opts.dispatch,
        minutes,
        seed: opts.seed,
        lifts,
        arrival_rate_p5: rate,
        population,
        population_given: building.population().is_some(),
        rtt_s: rt.rtt_s,
        interval_s: rt.interval_s(lifts),
        hc5_persons: hc5,
        hc5_percent: 100.0 * hc5 / f64::from(population.max(1)),
        awt_s: waiting.mean,
        floors_above_main: inputs.floors_above_main,
        floor_height_m: inputs.floor_height_m,
        rated_speed_mps: inputs.rated_speed_mps,
        avg_car_load: inputs.avg_car_load,
        performance_time_s: inputs.performance_time_s,
        transfer_time_s: inputs.transfer_time_s,
        formula_rtt_s: formula.rtt_s,
        formula_stops: formula.stops,
        formula_highest_reversal: formula.highest_reversal,
        formula_rtt_per_trip_s: per_trip_formula(&inputs, sim),
        rtt_deviation_pct: if rt.trips > 0 && formula.rtt_s > 0.0 {
            100.0 * (rt.rtt_s - formula.rtt_s) / formula.rtt_s
        } else {
            0.0
        },
        round_trips: rt.trips,
        passengers_delivered: recs.len(),
        passengers_unfinished: sim.in_system(),
        waiting_s: waiting,
        transit_s: Percentiles::of(recs.iter().map(PassengerRecord::transit_s)),
        time_to_destination_s: Percentiles::of(
            recs.iter().map(PassengerRecord::time_to_destination_s),
        ),
        passengers: recs.to_vec(),
        lift_ids: sim.lift_ids().to_vec(),
    }
}

fn per_trip_formula(inputs: &UpPeakInputs, sim: &GroupSim) -> f64 {
    let trips = sim.round_trips();
    if trips.is_empty() {
        return 0.0;
    }
    let sum: f64 = trips
        .iter()
        .map(|t| {
            let mut i = *inputs;
            i.avg_car_load = f64::from(t.boardings);
            i.evaluate().rtt_s
        })
        .sum();
    sum / trips.len() as f64
}

impl StudyReport {
    /// A human-readable summary for the terminal.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let pct = |p: &Percentiles| {
            format!(
                "mean {:6.1}  p50 {:6.1}  p90 {:6.1}  p95 {:6.1}  max {:6.1}",
                p.mean, p.p50, p.p90, p.p95, p.max
            )
        };
        let _ = writeln!(
            s,
            "Traffic study: {} / group {} ({} lifts)",
            self.building, self.group, self.lifts
        );
        let _ = writeln!(
            s,
            "Pattern {} with {} control, {:.1} min, seed {}, {:.1} persons per 5 min",
            self.pattern, self.dispatch, self.minutes, self.seed, self.arrival_rate_p5
        );
        let _ = writeln!(s);
        let _ = writeln!(s, "Simulated");
        let _ = writeln!(
            s,
            "  round trip time      {:8.1} s  ({} round trips)",
            self.rtt_s, self.round_trips
        );
        let _ = writeln!(s, "  interval             {:8.1} s", self.interval_s);
        let pop = if self.population_given {
            ""
        } else {
            ", estimated"
        };
        let _ = writeln!(
            s,
            "  handling capacity    {:8.1} persons / 5 min  ({:.1} % of {}{pop})",
            self.hc5_persons, self.hc5_percent, self.population
        );
        let _ = writeln!(
            s,
            "  average car load P   {:8.2} persons",
            self.avg_car_load
        );
        let _ = writeln!(s, "  average waiting time {:8.1} s", self.awt_s);
        let _ = writeln!(s, "  waiting              {}", pct(&self.waiting_s));
        let _ = writeln!(s, "  transit              {}", pct(&self.transit_s));
        let _ = writeln!(
            s,
            "  time to destination  {}",
            pct(&self.time_to_destination_s)
        );
        let _ = writeln!(
            s,
            "  passengers           {} delivered, {} unfinished",
            self.passengers_delivered, self.passengers_unfinished
        );
        let _ = writeln!(s);
        let _ = writeln!(s, "Up-peak formula (inputs derived from the building)");
        if self.pattern != Pattern::UpPeak {
            let _ = writeln!(
                s,
                "  note: the formula describes up-peak traffic; for {} it is only a reference",
                self.pattern
            );
        }
        let _ = writeln!(
            s,
            "  N = {}  floor height = {:.2} m  v = {:.2} m/s  P = {:.2}  ts = {:.2} s  tp = {:.2} s",
            self.floors_above_main, self.floor_height_m, self.rated_speed_mps, self.avg_car_load, self.performance_time_s, self.transfer_time_s
        );
        let _ = writeln!(
            s,
            "  S = {:.2}  H = {:.2}  RTT = {:.1} s  (simulated differs by {:+.1} %)",
            self.formula_stops,
            self.formula_highest_reversal,
            self.formula_rtt_s,
            self.rtt_deviation_pct
        );
        s
    }
}

/// Header of the per-passenger CSV.
pub const CSV_HEADER: &str = "id,arrival_s,origin,destination,lift,board_s,alight_s,waiting_s,transit_s,time_to_destination_s";

/// One CSV row per delivered passenger (no header; see [`CSV_HEADER`]).
pub fn csv_rows(report: &StudyReport) -> Vec<String> {
    report
        .passengers
        .iter()
        .map(|r| {
            let lift = report.lift_ids.get(r.lift).map_or("", String::as_str);
            format!(
                "{},{:.3},{},{},{},{:.3},{:.3},{:.3},{:.3},{:.3}",
                r.id,
                r.arrival_s,
                r.origin,
                r.destination,
                csv_field(lift),
                r.board_s,
                r.alight_s,
                r.waiting_s(),
                r.transit_s(),
                r.time_to_destination_s()
            )
        })
        .collect()
}

/// Quotes a field when it holds a separator, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}
