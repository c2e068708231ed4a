//! All analytics of one unit: rules, robust detectors and open findings.
//!
//! Each [`FindingKind`] can have several sources (levelling drift is raised
//! by the levelling-error detector, by too many re-levellings per hour, and
//! by positioning fault codes). A kind opens when any source fires, rises in
//! severity when a source says so, and clears only when every source is
//! quiet again. Findings are built (strings and all) only on a transition,
//! so the steady state allocates nothing.

use super::catalog::{fault_diagnosis, fault_kind, kind_diagnosis, Diagnosis};
use super::config::AnalyticsConfig;
use super::finding::{Evidence, Finding, FindingKind, FindingStatus, Severity};
use super::robust::{DetectorConfig, Observation, Phase, SignalDetector};
use super::window::WindowCounter;
use crate::event::*;
use crate::time::HOUR_MS;

mod recovery;

type K = FindingKind;

/// Finding kinds fed by fault codes, in slot order.
const FAULT_KINDS: [FindingKind; 8] = [
    K::DriveFaults,
    K::DoorFaults,
    K::BrakeFaults,
    K::SafetyCircuitFaults,
    K::ControllerFaults,
    K::EscalatorFaults,
    K::OtherFaults,
    K::LevellingDrift,
];

fn fault_slot(kind: FindingKind) -> usize {
    FAULT_KINDS.iter().position(|k| *k == kind).unwrap_or(6)
}

/// Trip length classes by floors travelled: 1 to 8 each, then 9+. One
/// class per distance keeps the ratio's spread to the trip's own noise
/// (a class spanning 5–8 floors would spread ±15 % by distance alone).
const TRIP_CLASSES: usize = 9;

fn trip_class(floors: u32) -> usize {
    (floors.max(1) as usize - 1).min(TRIP_CLASSES - 1)
}

/// Typical trip duration per length class, so trip time can be watched as
/// one dimensionless ratio. Learned from the first trips of each class, then
/// anchored like the detectors' baselines.
#[derive(Debug, Clone, Default, PartialEq)]
struct TripNorm {
    median_ms: [f32; TRIP_CLASSES],
    count: [u16; TRIP_CLASSES],
}

/// Trips of a class before its median is trusted, and after which it stops
/// moving.
const TRIP_NORM_READY: u16 = 20;
const TRIP_NORM_ANCHOR: u16 = 200;

impl TripNorm {
    /// Learns from a trip and returns `duration / typical` once ready.
    fn ratio(&mut self, floors: u32, duration_ms: u32) -> Option<f32> {
        let c = trip_class(floors);
        let x = duration_ms as f32;
        let n = self.count[c];
        if n == 0 {
            self.median_ms[c] = x;
        } else if n < TRIP_NORM_ANCHOR {
            // Decreasing frugal step: a running median estimate.
            let step = self.median_ms[c] * 2.0 / f32::from(n + 1);
            self.median_ms[c] +=
                step.min(self.median_ms[c] * 0.1) * (x - self.median_ms[c]).signum();
        }
        self.count[c] = n.saturating_add(1);
        (n >= TRIP_NORM_READY && self.median_ms[c] > 0.0).then(|| x / self.median_ms[c])
    }
}

/// Analytics state of one unit. Small by design: see [`UnitAnalytics::footprint`].
#[derive(Debug, Clone, PartialEq)]
pub struct UnitAnalytics {
    door_close: SignalDetector,
    levelling: SignalDetector,
    motor_temp: SignalDetector,
    trip_time: SignalDetector,
    trip_norm: TripNorm,
    relevels: WindowCounter<12>,
    reopens: WindowCounter<12>,
    door_cycles: WindowCounter<12>,
    faults: [WindowCounter<6>; FAULT_KINDS.len()],
    /// Open findings: 0 closed, else `1 + Severity as u8`.
    open: [u8; FindingKind::ALL.len()],
    /// Per kind, the event-time minute since which every source of the open
    /// finding has been quiet (0: not quiet). A finding clears only after
    /// [`AnalyticsConfig::clear_after_min`] of sustained recovery, so a
    /// signal hovering at its threshold does not flap.
    quiet_since_min: [u32; FindingKind::ALL.len()],
    motor_hot: bool,
    vibration_high: bool,
    braking_bad: bool,
}

/// Context of one evaluation: who, when, where findings go.
struct Ctx<'a> {
    unit: &'a UnitKey,
    ts_ms: i64,
    out: &'a mut Vec<Finding>,
}

fn sev_code(s: Severity) -> u8 {
    1 + s as u8
}

fn sev_of(code: u8) -> Option<Severity> {
    match code {
        1 => Some(Severity::Minor),
        2 => Some(Severity::Major),
        3 => Some(Severity::Critical),
        _ => None,
    }
}

/// A statistical source's verdict as a severity.
fn stat_severity(o: &Observation, cfg: &DetectorConfig) -> Option<Severity> {
    match o.phase {
        Phase::Raised | Phase::Sustained if o.deviation.abs() >= cfg.major_z => {
            Some(Severity::Major)
        }
        Phase::Raised | Phase::Sustained => Some(Severity::Minor),
        _ => None,
    }
}

fn stat_text(what: &str, unit: &str, o: &Observation) -> (String, Option<Evidence>) {
    // `recent` is deseasonalised, so compare it with the plain baseline.
    let base = o.recent - o.deviation * o.scale;
    (
        // Plain words for the people who read the case; the deviation in
        // robust σ stays in the evidence for the desk and the API.
        format!(
            "{what}: lately {:.1} {unit}, {} this unit's usual {:.1} {unit}",
            o.recent,
            if o.deviation >= 0.0 { "above" } else { "below" },
            base
        ),
        Some(Evidence {
            signal: what.replace(' ', "_"),
            observed: f64::from(o.recent),
            baseline: f64::from(base),
            deviation_sigma: Some(f64::from(o.deviation)),
        }),
    )
}

impl UnitAnalytics {
    pub fn new(cfg: &AnalyticsConfig) -> Self {
        Self {
            door_close: SignalDetector::new(&cfg.door_close),
            levelling: SignalDetector::new(&cfg.levelling),
            motor_temp: SignalDetector::new(&cfg.motor_temp),
            trip_time: SignalDetector::new(&cfg.trip_time),
            trip_norm: TripNorm::default(),
            relevels: WindowCounter::new((HOUR_MS / 12) as u32),
            reopens: WindowCounter::new((HOUR_MS / 12) as u32),
            door_cycles: WindowCounter::new((HOUR_MS / 12) as u32),
            faults: std::array::from_fn(|_| WindowCounter::new((4 * HOUR_MS) as u32)),
            open: [0; FindingKind::ALL.len()],
            quiet_since_min: [0; FindingKind::ALL.len()],
            motor_hot: false,
            vibration_high: false,
            braking_bad: false,
        }
    }

    /// Bytes this state occupies, inline plus heap (seasonal profiles).
    pub fn footprint(&self) -> usize {
        std::mem::size_of::<Self>()
            + [
                &self.door_close,
                &self.levelling,
                &self.motor_temp,
                &self.trip_time,
            ]
            .iter()
            .map(|d| d.heap_bytes())
            .sum::<usize>()
    }

    /// Open findings and their severities.
    pub fn open_findings(&self) -> impl Iterator<Item = (FindingKind, Severity)> + '_ {
        FindingKind::ALL
            .into_iter()
            .filter_map(|k| sev_of(self.open[k.index()]).map(|s| (k, s)))
    }

    pub fn is_open(&self, kind: FindingKind) -> bool {
        self.open[kind.index()] != 0
    }

    /// Opens or escalates `kind`. The text is built only when something is
    /// emitted.
    fn raise(
        &mut self,
        c: &mut Ctx<'_>,
        kind: FindingKind,
        sev: Severity,
        diag: Diagnosis,
        text: impl FnOnce() -> (String, Option<Evidence>),
    ) {
        let cur = sev_of(self.open[kind.index()]);
        let status = match cur {
            None => FindingStatus::Raised,
            Some(s) if sev > s => FindingStatus::Updated,
            Some(_) => return,
        };
        self.open[kind.index()] = sev_code(sev);
        let (explanation, evidence) = text();
        c.out.push(Finding {
            unit: c.unit.clone(),
            kind,
            status,
            severity: sev,
            explanation,
            likely_fault: diag.likely_fault.to_owned(),
            suggested_spares: diag.spares.iter().map(|s| (*s).to_owned()).collect(),
            evidence,
            ts_ms: c.ts_ms,
        });
    }

    /// Clears `kind` if open.
    fn clear(&mut self, c: &mut Ctx<'_>, kind: FindingKind, why: &str) {
        let Some(sev) = sev_of(self.open[kind.index()]) else {
            return;
        };
        self.open[kind.index()] = 0;
        let diag = kind_diagnosis(kind);
        c.out.push(Finding {
            unit: c.unit.clone(),
            kind,
            status: FindingStatus::Cleared,
            severity: sev,
            explanation: format!("recovered: {why}"),
            likely_fault: diag.likely_fault.to_owned(),
            suggested_spares: Vec::new(),
            evidence: None,
            ts_ms: c.ts_ms,
        });
    }

    /// Folds one accepted event in; findings that changed go to `out`.
    pub fn ingest(
        &mut self,
        unit: &UnitKey,
        ev: &Event,
        cfg: &AnalyticsConfig,
        out: &mut Vec<Finding>,
    ) {
        let mut c = Ctx {
            unit,
            ts_ms: ev.ts_ms,
            out,
        };
        if self.is_open(K::Offline) {
            self.clear(&mut c, K::Offline, "telemetry is arriving again");
        }
        match &ev.body {
            EventBody::Trip(t) => self.on_trip(&mut c, t, cfg),
            EventBody::DoorCycle(d) => self.on_door(&mut c, d, cfg),
            EventBody::Sensor(s) => self.on_sensor(&mut c, s, cfg),
            EventBody::Fault(f) => self.on_fault(&mut c, f, cfg),
            EventBody::Alarm(a) => self.on_alarm(&mut c, a),
            EventBody::Escalator(e) => self.on_escalator(&mut c, e, cfg),
            EventBody::Status(_) | EventBody::Counter(_) => {}
        }
        self.expire(&mut c, cfg);
    }

    /// Time-based clearing, for units that have gone quiet.
    pub fn tick(
        &mut self,
        unit: &UnitKey,
        now_ms: i64,
        cfg: &AnalyticsConfig,
        out: &mut Vec<Finding>,
    ) {
        let mut c = Ctx {
            unit,
            ts_ms: now_ms,
            out,
        };
        self.expire(&mut c, cfg);
    }

    /// Raises [`FindingKind::Offline`] (the engine decides when).
    pub fn mark_offline(
        &mut self,
        unit: &UnitKey,
        now_ms: i64,
        silent_ms: i64,
        out: &mut Vec<Finding>,
    ) {
        let mut c = Ctx {
            unit,
            ts_ms: now_ms,
            out,
        };
        self.raise(
            &mut c,
            K::Offline,
            Severity::Minor,
            kind_diagnosis(K::Offline),
            || {
                (
                    format!("no telemetry for {} minutes", silent_ms / 60_000),
                    None,
                )
            },
        );
    }

    /// Applies a daily failure-risk score (see [`crate::risk`]).
    pub fn set_risk(
        &mut self,
        unit: &UnitKey,
        ts_ms: i64,
        score: f64,
        cfg: &AnalyticsConfig,
        out: &mut Vec<Finding>,
    ) {
        let mut c = Ctx { unit, ts_ms, out };
        if score >= cfg.risk_raise {
            self.raise(&mut c, K::FailureRisk, Severity::Minor, kind_diagnosis(K::FailureRisk), || {
                (
                    format!("learned failure-risk score {score:.2} for the last day (raise at {:.2})", cfg.risk_raise),
                    Some(Evidence {
                        signal: "failure_risk".into(),
                        observed: score,
                        baseline: cfg.risk_raise,
                        deviation_sigma: None,
                    }),
                )
            });
        } else if score < cfg.risk_clear {
            self.clear(&mut c, K::FailureRisk, "failure-risk score back to normal");
        }
    }

    /// Forgets all learned baselines (after a repair or a component swap)
    /// and clears the statistical findings that depended on them.
    pub fn rebaseline(
        &mut self,
        unit: &UnitKey,
        now_ms: i64,
        cfg: &AnalyticsConfig,
        out: &mut Vec<Finding>,
    ) {
        self.door_close.rebaseline(&cfg.door_close);
        self.levelling.rebaseline(&cfg.levelling);
        self.motor_temp.rebaseline(&cfg.motor_temp);
        self.trip_time.rebaseline(&cfg.trip_time);
        self.trip_norm = TripNorm::default();
        let mut c = Ctx {
            unit,
            ts_ms: now_ms,
            out,
        };
        if !self.door_close.is_alarmed() {
            self.clear(&mut c, K::DoorWear, "baseline reset after service");
        }
        if !self.trip_time.is_alarmed() {
            self.clear(&mut c, K::TripSlowdown, "baseline reset after service");
        }
        self.expire(&mut c, cfg);
    }

    fn on_trip(&mut self, c: &mut Ctx<'_>, t: &Trip, cfg: &AnalyticsConfig) {
        let err = t.levelling_error_mm.abs();
        let o = self.levelling.observe(err, c.ts_ms, &cfg.levelling);
        if let Some(sev) = stat_severity(&o, &cfg.levelling)
            .filter(|_| o.deviation * o.scale >= cfg.levelling_rise_mm)
        {
            self.raise(
                c,
                K::LevellingDrift,
                sev,
                kind_diagnosis(K::LevellingDrift),
                || stat_text("levelling error", "mm", &o),
            );
        }
        if err > cfg.relevel_threshold_mm {
            self.relevels.add(c.ts_ms, 1);
            let n = self.relevels.total(c.ts_ms);
            if n >= cfg.relevels_per_hour {
                self.raise(
                    c,
                    K::LevellingDrift,
                    Severity::Major,
                    kind_diagnosis(K::LevellingDrift),
                    || {
                        (
                            format!(
                                "{n} stops beyond ±{} mm within the last hour (limit {})",
                                cfg.relevel_threshold_mm, cfg.relevels_per_hour
                            ),
                            Some(Evidence {
                                signal: "relevels_per_hour".into(),
                                observed: f64::from(n),
                                baseline: f64::from(cfg.relevels_per_hour),
                                deviation_sigma: None,
                            }),
                        )
                    },
                );
            }
        }
        let floors = t.to_floor.abs_diff(t.from_floor);
        if floors > 0 {
            if let Some(ratio) = self.trip_norm.ratio(floors, t.duration_ms) {
                let o = self.trip_time.observe(ratio, c.ts_ms, &cfg.trip_time);
                if let Some(sev) = stat_severity(&o, &cfg.trip_time)
                    .filter(|_| o.recent >= cfg.trip_slowdown_min_ratio)
                {
                    self.raise(
                        c,
                        K::TripSlowdown,
                        sev,
                        kind_diagnosis(K::TripSlowdown),
                        || {
                            let (_, ev) = stat_text("trip time ratio", "", &o);
                            (
                                format!(
                                    "trips take {:.0}% of the unit's usual time for the distance",
                                    o.recent * 100.0
                                ),
                                ev,
                            )
                        },
                    );
                }
            }
        }
    }

    fn on_door(&mut self, c: &mut Ctx<'_>, d: &DoorCycle, cfg: &AnalyticsConfig) {
        let o = self
            .door_close
            .observe(d.close_ms as f32, c.ts_ms, &cfg.door_close);
        if let Some(sev) = stat_severity(&o, &cfg.door_close) {
            self.raise(c, K::DoorWear, sev, kind_diagnosis(K::DoorWear), || {
                stat_text("door close time", "ms", &o)
            });
        }
        self.door_cycles.add(c.ts_ms, 1);
        if d.reopens > 0 {
            self.reopens.add(c.ts_ms, d.reopens);
            let n = self.reopens.total(c.ts_ms);
            let cycles = self.door_cycles.total(c.ts_ms);
            if n >= cfg.reopens_per_hour && n as f32 >= cfg.reopen_share * cycles as f32 {
                self.raise(
                    c,
                    K::DoorReopens,
                    Severity::Minor,
                    kind_diagnosis(K::DoorReopens),
                    || {
                        (
                            format!(
                                "{n} door reopens in {cycles} door closings within the last hour (limit {} and {:.0} %)",
                                cfg.reopens_per_hour,
                                100.0 * cfg.reopen_share
                            ),
                            Some(Evidence {
                                signal: "door_reopens_per_hour".into(),
                                observed: f64::from(n),
                                baseline: f64::from(cfg.reopens_per_hour),
                                deviation_sigma: None,
                            }),
                        )
                    },
                );
            }
        }
    }

    fn on_sensor(&mut self, c: &mut Ctx<'_>, s: &Sensor, cfg: &AnalyticsConfig) {
        match s.name {
            SensorName::MotorTempC => {
                let o = self
                    .motor_temp
                    .observe(s.value as f32, c.ts_ms, &cfg.motor_temp);
                if s.value >= cfg.motor_temp_limit_c {
                    self.motor_hot = true;
                } else if s.value < cfg.motor_temp_clear_c {
                    self.motor_hot = false;
                }
                if self.motor_hot {
                    let v = s.value;
                    self.raise(
                        c,
                        K::MotorOverheat,
                        Severity::Critical,
                        kind_diagnosis(K::MotorOverheat),
                        || {
                            (
                                format!(
                                    "motor temperature {v:.1} °C at or above the limit {:.0} °C",
                                    cfg.motor_temp_limit_c
                                ),
                                Some(Evidence {
                                    signal: "motor_temp_c".into(),
                                    observed: v,
                                    baseline: cfg.motor_temp_limit_c,
                                    deviation_sigma: None,
                                }),
                            )
                        },
                    );
                } else if let Some(sev) = stat_severity(&o, &cfg.motor_temp).filter(|_| {
                    // A traction motor warms with its duty: only a rise of
                    // several degrees over its own usual level is a finding.
                    f64::from(o.deviation * o.scale) >= cfg.motor_temp_rise_c
                }) {
                    self.raise(
                        c,
                        K::MotorOverheat,
                        sev,
                        kind_diagnosis(K::MotorOverheat),
                        || stat_text("motor temperature", "°C", &o),
                    );
                }
            }
            SensorName::VibrationMmS => {
                if s.value >= cfg.vibration_limit_mm_s {
                    self.vibration_high = true;
                    let v = s.value;
                    self.raise(
                        c,
                        K::Vibration,
                        Severity::Major,
                        kind_diagnosis(K::Vibration),
                        || {
                            (
                                format!(
                                    "vibration {v:.1} mm/s at or above {:.1} mm/s",
                                    cfg.vibration_limit_mm_s
                                ),
                                Some(Evidence {
                                    signal: "vibration_mm_s".into(),
                                    observed: v,
                                    baseline: cfg.vibration_limit_mm_s,
                                    deviation_sigma: None,
                                }),
                            )
                        },
                    );
                } else if s.value < cfg.vibration_clear_mm_s {
                    self.vibration_high = false;
                }
            }
            SensorName::DriveCurrentA | SensorName::Other(_) => {}
        }
    }

    fn on_fault(&mut self, c: &mut Ctx<'_>, f: &Fault, cfg: &AnalyticsConfig) {
        let kind = fault_kind(&f.code);
        let slot = fault_slot(kind);
        self.faults[slot].add(c.ts_ms, 1);
        let n = self.faults[slot].total(c.ts_ms);
        let sev = if f.severity == FaultSeverity::Critical {
            Severity::Critical
        } else if n >= cfg.faults_per_day {
            Severity::Major
        } else {
            return;
        };
        let diag = fault_diagnosis(&f.code).unwrap_or_else(|| kind_diagnosis(kind));
        let code = f.code.as_str();
        let fsev = f.severity.as_str();
        self.raise(c, kind, sev, diag, || {
            (
                format!("fault {code} ({fsev}); {n} fault(s) of this family in 24 hours"),
                Some(Evidence {
                    signal: "faults_per_day".into(),
                    observed: f64::from(n),
                    baseline: f64::from(cfg.faults_per_day),
                    deviation_sigma: None,
                }),
            )
        });
    }

    fn on_alarm(&mut self, c: &mut Ctx<'_>, a: &Alarm) {
        let (kind, sev, text) = match a.alarm {
            AlarmKind::Entrapment => (
                K::Entrapment,
                Severity::Critical,
                "entrapment alarm: passengers trapped in the car",
            ),
            AlarmKind::EmergencyPhone => (
                K::EmergencyPhone,
                Severity::Major,
                "emergency phone call from the car",
            ),
        };
        if a.active {
            self.raise(c, kind, sev, kind_diagnosis(kind), || {
                (text.to_owned(), None)
            });
        } else {
            self.clear(c, kind, "alarm reset at the unit");
        }
    }

    fn on_escalator(&mut self, c: &mut Ctx<'_>, e: &Escalator, cfg: &AnalyticsConfig) {
        // Braking distance is measured on a stop from nominal speed.
        if e.speed_mps < 0.1 || e.braking_distance_mm <= 0.0 {
            return;
        }
        let lo = cfg.braking_min_mm_per_mps * e.speed_mps;
        let hi = cfg.braking_max_mm_per_mps * e.speed_mps;
        let d = e.braking_distance_mm;
        if d < lo || d > hi {
            self.braking_bad = true;
            let speed = e.speed_mps;
            self.raise(c, K::EscalatorBraking, Severity::Major, kind_diagnosis(K::EscalatorBraking), || {
                (
                    format!("braking distance {d:.0} mm at {speed:.2} m/s outside the permitted {lo:.0}–{hi:.0} mm"),
                    Some(Evidence {
                        signal: "braking_distance_mm".into(),
                        observed: d,
                        baseline: if d > hi { hi } else { lo },
                        deviation_sigma: None,
                    }),
                )
            });
        } else {
            self.braking_bad = false;
        }
    }
}
