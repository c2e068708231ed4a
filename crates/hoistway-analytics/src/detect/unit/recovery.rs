//! When an open finding has recovered: per kind, whether all its sources
//! are quiet, and the sustained-recovery rule that clears it only after
//! `clear_after_min` of quiet event time (renewed evidence restarts the
//! count), so a signal hovering at its threshold cannot flap.

use super::{fault_slot, Ctx, UnitAnalytics, K};
use crate::detect::config::AnalyticsConfig;
use crate::detect::finding::FindingKind;

/// What "recovered" means for a kind, in plain words.
fn recovery_text(kind: FindingKind) -> &'static str {
    match kind {
        K::DoorWear => "door close time back to the unit's baseline",
        K::DoorReopens => "door reopens back to normal",
        K::LevellingDrift => "levelling error and re-levellings back to normal",
        K::MotorOverheat => "motor temperature back to normal",
        K::TripSlowdown => "trip times back to the unit's baseline",
        K::Vibration => "vibration back below the clear level",
        K::EscalatorBraking => "braking distance within limits",
        K::Entrapment | K::EmergencyPhone => "alarm reset at the unit",
        K::Offline => "telemetry arriving again",
        K::FailureRisk => "failure-risk score back to normal",
        _ => "no fault of this family for 24 hours",
    }
}

/// `90` → "1 h 30 min", `120` → "2 hours".
fn hours_text(min: u32) -> String {
    match (min / 60, min % 60) {
        (0, m) => format!("{m} minutes"),
        (1, 0) => "1 hour".to_owned(),
        (h, 0) => format!("{h} hours"),
        (h, m) => format!("{h} h {m} min"),
    }
}

impl UnitAnalytics {
    pub(super) fn levelling_quiet(&self, now: i64, cfg: &AnalyticsConfig) -> bool {
        !self.levelling.is_alarmed()
            && self.relevels.total(now) < cfg.relevels_per_hour.div_ceil(2)
            && self.faults[fault_slot(K::LevellingDrift)].total(now) == 0
    }

    /// Whether every source of an open `kind` is quiet at `now`; `None` for
    /// kinds that clear on an explicit event instead (alarm reset, telemetry
    /// back, a calm day's risk score).
    fn quiet(&self, kind: FindingKind, now: i64, cfg: &AnalyticsConfig) -> Option<bool> {
        Some(match kind {
            K::Entrapment | K::EmergencyPhone | K::Offline | K::FailureRisk => return None,
            K::DoorWear => !self.door_close.is_alarmed(),
            K::DoorReopens => {
                let n = self.reopens.total(now);
                n < cfg.reopens_per_hour.div_ceil(2)
                    || (n as f32) < 0.5 * cfg.reopen_share * self.door_cycles.total(now) as f32
            }
            K::LevellingDrift => self.levelling_quiet(now, cfg),
            K::MotorOverheat => !self.motor_hot && !self.motor_temp.is_alarmed(),
            K::TripSlowdown => !self.trip_time.is_alarmed(),
            K::Vibration => !self.vibration_high,
            K::EscalatorBraking => !self.braking_bad,
            K::DriveFaults
            | K::DoorFaults
            | K::BrakeFaults
            | K::SafetyCircuitFaults
            | K::ControllerFaults
            | K::EscalatorFaults
            | K::OtherFaults => self.faults[fault_slot(kind)].total(now) == 0,
        })
    }

    /// Clears open kinds whose every source has been quiet for
    /// `clear_after_min` of event time by `c.ts_ms`; any renewed evidence
    /// restarts the count.
    pub(super) fn expire(&mut self, c: &mut Ctx<'_>, cfg: &AnalyticsConfig) {
        if self.open.iter().all(|&s| s == 0) {
            return;
        }
        let now = c.ts_ms;
        let now_min = u32::try_from(now.max(0) / 60_000)
            .unwrap_or(u32::MAX)
            .max(1);
        for kind in FindingKind::ALL {
            if !self.is_open(kind) {
                continue;
            }
            let i = kind.index();
            match self.quiet(kind, now, cfg) {
                None => {}
                Some(false) => self.quiet_since_min[i] = 0,
                Some(true) => {
                    if self.quiet_since_min[i] == 0 {
                        self.quiet_since_min[i] = now_min;
                    }
                    if now_min.saturating_sub(self.quiet_since_min[i]) >= cfg.clear_after_min {
                        self.quiet_since_min[i] = 0;
                        let why = format!(
                            "{} for {}",
                            recovery_text(kind),
                            hours_text(cfg.clear_after_min)
                        );
                        self.clear(c, kind, &why);
                    }
                }
            }
        }
    }
}
