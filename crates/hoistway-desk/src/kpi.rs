//! KPIs over case records and a period: pure arithmetic, no storage.
//!
//! Definitions (all over the cases of the units in scope):
//! * **calls**: customer calls opened in the period, excluding cancelled
//!   cases and pre-emptive work orders opened by analytics (not a failure
//!   the customer saw). **Calls per unit** = calls / units.
//! * **MTTR**: mean of `resolved − opened` for cases resolved in the period
//!   (time the customer waited for a fix, not wrench time).
//! * **MTBC**: mean time between calls = units × elapsed period / calls.
//! * **entrapments**: entrapment cases opened in the period.
//! * **availability %**: 100 × (1 − downtime / (units × elapsed period)),
//!   downtime taken from the cases' out-of-service intervals, merged per unit
//!   so overlapping cases do not count twice. Until telemetry rollups are
//!   better this is the only source.
//! * **first-time-fix rate**: share of cases resolved in the period whose
//!   first-time-fix flag is known and true.
//! * **SLA attainment per priority**: share of settled promises (met or
//!   breached) among cases opened in the period.
//! * **time lost waiting for parts**: hours the cases spent on hold
//!   waiting for parts inside the period (each hold from its start to its
//!   end, or to now while it lasts), and how many cases waited. Cancelled
//!   cases count too: the wait happened.
//!
//! The elapsed period ends at `min(period.to, now)` so a running quarter is
//! not diluted by time that has not happened yet.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::priority::Priority;

/// A half-open interval `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PeriodRaw", into = "PeriodRaw")]
pub struct Period {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
struct PeriodRaw {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

/// Why a KPI computation is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KpiError {
    #[error("period must end after it starts ({from} .. {to})")]
    EmptyPeriod {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
    #[error("period starts at {from}, after now ({now})")]
    FuturePeriod {
        from: DateTime<Utc>,
        now: DateTime<Utc>,
    },
}

impl Period {
    pub fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Self, KpiError> {
        if to <= from {
            return Err(KpiError::EmptyPeriod { from, to });
        }
        Ok(Self { from, to })
    }
    pub fn from(&self) -> DateTime<Utc> {
        self.from
    }
    pub fn to(&self) -> DateTime<Utc> {
        self.to
    }
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t < self.to
    }
}

impl TryFrom<PeriodRaw> for Period {
    type Error = KpiError;
    fn try_from(r: PeriodRaw) -> Result<Self, Self::Error> {
        Self::new(r.from, r.to)
    }
}

impl From<Period> for PeriodRaw {
    fn from(p: Period) -> Self {
        Self {
            from: p.from,
            to: p.to,
        }
    }
}

/// What KPIs need of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRecord {
    pub unit: String,
    pub priority: Priority,
    pub opened_at: DateTime<Utc>,
    #[serde(default)]
    pub resolved_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub cancelled: bool,
    /// Opened by analytics before the customer noticed (channel `connected`).
    #[serde(default)]
    pub preemptive: bool,
    #[serde(default)]
    pub entrapment: bool,
    /// Known once resolved with a report.
    #[serde(default)]
    pub first_time_fix: Option<bool>,
    /// Out of service from `.0` until `.1` (`None`: still down).
    #[serde(default)]
    pub downtime: Option<(DateTime<Utc>, Option<DateTime<Utc>>)>,
    /// Settled SLA outcomes (`None` while still open).
    #[serde(default)]
    pub response_met: Option<bool>,
    #[serde(default)]
    pub resolution_met: Option<bool>,
    /// Stays on hold waiting for parts, from `.0` until `.1` (`None`:
    /// still waiting).
    #[serde(default)]
    pub parts_holds: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
}

/// SLA attainment of one priority.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Attainment {
    pub response_met: u32,
    pub response_settled: u32,
    pub resolution_met: u32,
    pub resolution_settled: u32,
    pub response_pct: Option<f64>,
    pub resolution_pct: Option<f64>,
}

/// The KPI figures of a scope and period. `None` where the figure is undefined
/// (no calls, no resolved cases, no units).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kpis {
    pub period: Period,
    pub units: u32,
    pub calls: u32,
    pub calls_per_unit: Option<f64>,
    pub mttr_minutes: Option<f64>,
    pub mtbc_days: Option<f64>,
    pub entrapments: u32,
    pub availability_pct: Option<f64>,
    pub first_time_fix_rate: Option<f64>,
    pub sla: BTreeMap<Priority, Attainment>,
    /// Hours cases spent on hold waiting for parts inside the period.
    pub parts_wait_hours: f64,
    /// Cases that waited for parts inside the period.
    pub parts_wait_cases: u32,
}

fn ratio(n: u32, d: u32) -> Option<f64> {
    (d > 0).then(|| f64::from(n) / f64::from(d))
}

/// Computes KPIs for `units` units from their case records.
pub fn compute_kpis(
    records: &[CaseRecord],
    units: u32,
    period: Period,
    now: DateTime<Utc>,
) -> Result<Kpis, KpiError> {
    if now <= period.from {
        return Err(KpiError::FuturePeriod {
            from: period.from,
            now,
        });
    }
    let end = period.to.min(now);
    let elapsed = end - period.from;
    let opened: Vec<&CaseRecord> = records
        .iter()
        .filter(|r| period.contains(r.opened_at) && !r.cancelled)
        .collect();
    let calls = opened.iter().filter(|r| !r.preemptive).count() as u32;
    let entrapments = opened.iter().filter(|r| r.entrapment).count() as u32;

    let resolved: Vec<&CaseRecord> = records
        .iter()
        .filter(|r| {
            !r.cancelled
                && r.resolved_at
                    .is_some_and(|t| period.contains(t) && t <= now)
        })
        .collect();
    let mttr_minutes = (!resolved.is_empty()).then(|| {
        let total: i64 = resolved
            .iter()
            .filter_map(|r| r.resolved_at.map(|t| (t - r.opened_at).num_seconds()))
            .sum();
        total as f64 / 60.0 / resolved.len() as f64
    });
    let ftf_known: Vec<bool> = resolved.iter().filter_map(|r| r.first_time_fix).collect();
    let first_time_fix_rate = ratio(
        ftf_known.iter().filter(|f| **f).count() as u32,
        ftf_known.len() as u32,
    );

    let unit_time_secs = elapsed.num_seconds() as f64 * f64::from(units);
    let mtbc_days = (calls > 0 && units > 0).then(|| unit_time_secs / 86_400.0 / f64::from(calls));
    let availability_pct = (units > 0).then(|| {
        let down = downtime_secs(records, period.from, end);
        100.0 * (1.0 - down as f64 / unit_time_secs).clamp(0.0, 1.0)
    });

    let mut sla: BTreeMap<Priority, Attainment> = Priority::ALL
        .iter()
        .map(|p| (*p, Attainment::default()))
        .collect();
    for r in &opened {
        let a = sla.entry(r.priority).or_default();
        if let Some(m) = r.response_met {
            a.response_settled += 1;
            a.response_met += u32::from(m);
        }
        if let Some(m) = r.resolution_met {
            a.resolution_settled += 1;
            a.resolution_met += u32::from(m);
        }
    }
    for a in sla.values_mut() {
        a.response_pct = ratio(a.response_met, a.response_settled).map(|x| x * 100.0);
        a.resolution_pct = ratio(a.resolution_met, a.resolution_settled).map(|x| x * 100.0);
    }

    let (parts_wait_secs, parts_wait_cases) = parts_wait(records, period.from, end);

    Ok(Kpis {
        period,
        units,
        calls,
        calls_per_unit: (units > 0).then(|| f64::from(calls) / f64::from(units)),
        mttr_minutes,
        mtbc_days,
        entrapments,
        availability_pct,
        first_time_fix_rate,
        sla,
        parts_wait_hours: parts_wait_secs as f64 / 3600.0,
        parts_wait_cases,
    })
}

/// Seconds spent waiting for parts inside `[from, end)`, and the number of
/// cases that waited. A case's holds never overlap (one stay in `on_hold`
/// ends before the next begins), so they simply add up.
fn parts_wait(records: &[CaseRecord], from: DateTime<Utc>, end: DateTime<Utc>) -> (i64, u32) {
    let mut total = 0;
    let mut cases = 0;
    for r in records {
        let secs: i64 = r
            .parts_holds
            .iter()
            .map(|&(a, b)| {
                let a = a.max(from);
                let b = b.unwrap_or(end).min(end);
                (b - a).num_seconds().max(0)
            })
            .sum();
        if secs > 0 {
            total += secs;
            cases += 1;
        }
    }
    (total, cases)
}

/// A `[from, until)` stretch of time.
type Span = (DateTime<Utc>, DateTime<Utc>);

/// Seconds of downtime inside `[from, end)`, merged per unit.
fn downtime_secs(records: &[CaseRecord], from: DateTime<Utc>, end: DateTime<Utc>) -> i64 {
    let mut per_unit: BTreeMap<&str, Vec<Span>> = BTreeMap::new();
    for r in records {
        if let Some((a, b)) = r.downtime {
            let a = a.max(from);
            let b = b.unwrap_or(end).min(end);
            if b > a {
                per_unit.entry(&r.unit).or_default().push((a, b));
            }
        }
    }
    let mut total = Duration::zero();
    for v in per_unit.values_mut() {
        v.sort();
        let mut cur: Option<Span> = None;
        for &(a, b) in v.iter() {
            cur = match cur {
                Some((ca, cb)) if a <= cb => Some((ca, cb.max(b))),
                Some((ca, cb)) => {
                    total += cb - ca;
                    Some((a, b))
                }
                None => Some((a, b)),
            };
        }
        if let Some((ca, cb)) = cur {
            total += cb - ca;
        }
    }
    total.num_seconds()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, d, h, 0, 0).unwrap()
    }

    fn rec(
        unit: &str,
        p: Priority,
        opened: DateTime<Utc>,
        resolved: Option<DateTime<Utc>>,
    ) -> CaseRecord {
        CaseRecord {
            unit: unit.into(),
            priority: p,
            opened_at: opened,
            resolved_at: resolved,
            cancelled: false,
            preemptive: false,
            entrapment: false,
            first_time_fix: None,
            downtime: None,
            response_met: None,
            resolution_met: None,
            parts_holds: Vec::new(),
        }
    }

    #[test]
    fn figures_from_a_small_fleet() {
        // April 2026 (30 days), two units.
        let period = Period::new(
            day(1, 0),
            Utc.with_ymd_and_hms(2026, 5, 1, 0, 0, 0).unwrap(),
        )
        .unwrap();
        let now = Utc.with_ymd_and_hms(2026, 5, 2, 0, 0, 0).unwrap();
        let mut a = rec("A", Priority::Emergency, day(2, 10), Some(day(2, 12)));
        a.entrapment = true;
        a.first_time_fix = Some(true);
        a.response_met = Some(true);
        a.resolution_met = Some(true);
        a.downtime = Some((day(2, 10), Some(day(2, 12))));
        let mut b = rec("A", Priority::Routine, day(2, 11), Some(day(2, 15)));
        b.first_time_fix = Some(false);
        b.response_met = Some(false);
        b.downtime = Some((day(2, 11), Some(day(2, 16)))); // overlaps a: A is down 10–16 = 6h
        let mut c = rec("B", Priority::Routine, day(10, 0), None);
        c.downtime = Some((day(29, 0), None)); // still down: 2 days until period end
        let mut cancelled = rec("B", Priority::Urgent, day(11, 0), None);
        cancelled.cancelled = true;
        let mut pre = rec("B", Priority::Routine, day(12, 0), Some(day(12, 1)));
        pre.preemptive = true;
        let before = rec(
            "B",
            Priority::Routine,
            Utc.with_ymd_and_hms(2026, 3, 30, 0, 0, 0).unwrap(),
            Some(day(1, 2)),
        );
        let k = compute_kpis(&[a, b, c, cancelled, pre, before], 2, period, now).unwrap();
        assert_eq!(k.calls, 3);
        assert_eq!(k.calls_per_unit, Some(1.5));
        assert_eq!(k.entrapments, 1);
        // Resolved in April: a (120 min), b (240), pre (60), before (2 days + 2h = 3000).
        assert_eq!(k.mttr_minutes, Some((120.0 + 240.0 + 60.0 + 3000.0) / 4.0));
        assert_eq!(k.mtbc_days, Some(60.0 / 3.0));
        let expected = 100.0 * (1.0 - (6.0 * 3600.0 + 2.0 * 86400.0) / (2.0 * 30.0 * 86400.0));
        assert!((k.availability_pct.unwrap() - expected).abs() < 1e-9);
        assert_eq!(k.first_time_fix_rate, Some(0.5));
        assert_eq!(k.sla[&Priority::Emergency].response_pct, Some(100.0));
        assert_eq!(k.sla[&Priority::Routine].response_pct, Some(0.0));
        assert_eq!(k.sla[&Priority::Routine].resolution_pct, None);
        assert_eq!(k.sla[&Priority::Urgent].response_settled, 0);
    }

    #[test]
    fn running_period_is_measured_to_now_and_empty_figures_are_none() {
        let period = Period::new(day(1, 0), day(30, 0)).unwrap();
        let k = compute_kpis(&[], 4, period, day(11, 0)).unwrap();
        assert_eq!(k.calls, 0);
        assert_eq!(k.mtbc_days, None);
        assert_eq!(k.mttr_minutes, None);
        assert_eq!(k.availability_pct, Some(100.0));
        let mut down = rec("X", Priority::Urgent, day(6, 0), None);
        down.downtime = Some((day(6, 0), None));
        let k = compute_kpis(&[down], 1, period, day(11, 0)).unwrap();
        assert!((k.availability_pct.unwrap() - 50.0).abs() < 1e-9);
        assert_eq!(
            compute_kpis(&[], 0, period, day(11, 0))
                .unwrap()
                .availability_pct,
            None
        );
        assert_eq!(k.parts_wait_hours, 0.0);
        assert!(Period::new(day(2, 0), day(2, 0)).is_err());
        assert!(compute_kpis(&[], 1, period, day(1, 0)).is_err());
    }

    #[test]
    fn parts_waits_are_clipped_to_the_period_and_run_to_now_while_open() {
        let period = Period::new(day(5, 0), day(30, 0)).unwrap();
        let now = day(20, 0);
        let mut a = rec("A", Priority::Routine, day(1, 0), Some(day(12, 0)));
        // Began before the period: only 5th 00:00 → 6th 12:00 counts (36 h).
        a.parts_holds = vec![(day(3, 0), Some(day(6, 12)))];
        // A second case: a closed 2-day hold and one still open since the
        // 19th, counted to now (24 h).
        let mut b = rec("B", Priority::Urgent, day(8, 0), None);
        b.parts_holds = vec![(day(9, 0), Some(day(11, 0))), (day(19, 0), None)];
        // Entirely before the period: not counted, nor is its case.
        let mut c = rec("C", Priority::Routine, day(1, 0), Some(day(4, 0)));
        c.parts_holds = vec![(day(1, 0), Some(day(2, 0)))];
        let k = compute_kpis(&[a, b, c], 3, period, now).unwrap();
        assert!((k.parts_wait_hours - (36.0 + 48.0 + 24.0)).abs() < 1e-9);
        assert_eq!(k.parts_wait_cases, 2);
    }
}
