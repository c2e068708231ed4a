//! Pass one: each unit's chains of due dates, matched against the visits
//! already planned for it.

use super::{Change, ExistingVisit, Request, Site, Technician, UnitPlan};
use crate::kinds::{DueReason, VisitKind, VisitStatus};
use chrono::{Duration, Months, NaiveDate};
use std::collections::BTreeMap;

/// A chain position that needs a slot (new, or an existing visit to move).
#[derive(Debug, Clone)]
pub(super) struct Pending {
    /// Index into `Request::units`.
    pub unit: usize,
    pub kind: VisitKind,
    pub due: NaiveDate,
    pub reason: DueReason,
    pub existing: Option<i64>,
    /// Allowed days before and after the due date.
    pub before: i64,
    pub after: i64,
}

/// The result of pass one.
#[derive(Debug, Default)]
pub(super) struct Matched {
    pub cancels: Vec<Change>,
    /// Ids of existing visits that stay exactly as they are.
    pub kept: Vec<i64>,
    pub pending: Vec<Pending>,
}

#[derive(Debug, Clone, Copy)]
struct Due {
    date: NaiveDate,
    reason: DueReason,
}

/// The latest of two optional dates, or `fallback` when both are absent.
pub(super) fn latest(a: Option<NaiveDate>, b: Option<NaiveDate>, fallback: NaiveDate) -> NaiveDate {
    match (a, b) {
        (Some(a), Some(b)) => a.max(b),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => fallback,
    }
}

/// Moves a first due date no earlier than the plan's start, and past the
/// latest missed visit of the chain (a catch-up visit), so past gaps are
/// made up once, soon, and never invented backwards.
fn clamp_first(mut due: Due, since: NaiveDate, base: NaiveDate, missed: Option<NaiveDate>) -> Due {
    if due.date < since {
        due = Due {
            date: since,
            reason: DueReason::PlanStart,
        };
    }
    if let Some(m) = missed.filter(|m| *m >= base && due.date <= *m) {
        due = Due {
            date: m + Duration::days(1),
            reason: DueReason::CatchUp,
        };
    }
    due
}

/// How one chain steps and how loosely its visits match.
struct ChainRule<'a> {
    kind: VisitKind,
    first: Due,
    step: Box<dyn Fn(NaiveDate) -> Due + 'a>,
    /// Tolerance for matching an unpinned visit's due date.
    tolerance: i64,
    /// Tolerance for a visit moved by hand.
    pinned_tolerance: i64,
    before: i64,
    after: i64,
}

fn preventive_rule<'a>(u: &'a UnitPlan, today: NaiveDate, req: &Request<'_>) -> ChainRule<'a> {
    let cfg = req.config;
    let time_days = i64::from(u.plan.interval_weeks) * 7;
    let use_days = u
        .plan
        .interval_starts
        .and_then(|s| u.usage.interval_days(s));
    let base = u.preventive_base();
    let by_time = Due {
        date: base + Duration::days(time_days),
        reason: DueReason::Time,
    };
    let by_use = u
        .plan
        .interval_starts
        .and_then(|s| u.usage.days_until(s))
        .map(|n| Due {
            date: today + Duration::days(n),
            reason: DueReason::Use,
        });
    let first = match by_use {
        Some(d) if d.date < by_time.date => d,
        _ => by_time,
    };
    let first = clamp_first(first, u.plan.since, base, u.history.last_missed_preventive);
    let interval = use_days.map_or(time_days, |d| d.min(time_days));
    let flex = cfg.max_flex_days.min(interval / 4);
    ChainRule {
        kind: VisitKind::Preventive,
        first,
        step: Box::new(move |from| match use_days {
            Some(d) if d < time_days => Due {
                date: from + Duration::days(d),
                reason: DueReason::Use,
            },
            _ => Due {
                date: from + Duration::days(time_days),
                reason: DueReason::Time,
            },
        }),
        tolerance: if use_days.is_some() {
            cfg.use_tolerance_days
        } else {
            0
        },
        pinned_tolerance: (interval / 2).max(cfg.use_tolerance_days),
        before: flex,
        after: flex,
    }
}

fn inspection_rule<'a>(u: &'a UnitPlan, months: u32, req: &Request<'_>) -> ChainRule<'a> {
    let base = latest(
        u.history.last_inspection,
        u.history.modernized_on,
        u.plan.anchor,
    );
    let add = move |d: NaiveDate| {
        d.checked_add_months(Months::new(months))
            .unwrap_or(NaiveDate::MAX)
    };
    let first = clamp_first(
        Due {
            date: add(base),
            reason: DueReason::Inspection,
        },
        u.plan.since,
        base,
        u.history.last_missed_inspection,
    );
    ChainRule {
        kind: VisitKind::Inspection,
        first,
        step: Box::new(move |from| Due {
            date: add(from),
            reason: DueReason::Inspection,
        }),
        tolerance: 0,
        pinned_tolerance: 60,
        before: req.config.inspection_lead_days,
        after: 0,
    }
}

/// Whether an existing visit may stay exactly where it is.
fn still_fits(
    v: &ExistingVisit,
    u: &UnitPlan,
    site: &Site,
    techs: &BTreeMap<i64, &Technician>,
    anyone: bool,
    today: NaiveDate,
) -> bool {
    if v.status == VisitStatus::InProgress || v.pinned {
        return true;
    }
    if v.date < today || !site.calendar.is_business_day(v.date) {
        return false;
    }
    match v.technician_id {
        Some(t) => techs.get(&t).is_some_and(|t| t.covers(site, u.kind)),
        // Unassigned: move it as soon as someone could take it.
        None => !anyone,
    }
}

/// Walks one chain, matching existing visits (sorted by due date, then id).
fn walk(
    idx: usize,
    rule: ChainRule<'_>,
    existing: &[&ExistingVisit],
    end: NaiveDate,
    ctx: (&Site, &BTreeMap<i64, &Technician>, bool, NaiveDate),
    req: &Request<'_>,
    out: &mut Matched,
) {
    let u = &req.units[idx];
    let (site, techs, anyone, today) = ctx;
    let until = u.plan.until.unwrap_or(NaiveDate::MAX);
    let tol = |v: &ExistingVisit| {
        if v.pinned {
            rule.pinned_tolerance
        } else {
            rule.tolerance
        }
    };
    let drop = |v: &ExistingVisit, out: &mut Matched| {
        if v.status == VisitStatus::InProgress {
            out.kept.push(v.id);
        } else {
            out.cancels.push(Change::Cancel {
                id: v.id,
                unit_id: v.unit_id,
            });
        }
    };
    let mut due = rule.first;
    let mut i = 0;
    while due.date <= end && due.date <= until {
        while let Some(v) = existing.get(i) {
            let d = v.due_on.unwrap_or(v.date);
            if d < due.date - Duration::days(tol(v)) {
                drop(v, out);
                i += 1;
            } else {
                break;
            }
        }
        let base = match existing.get(i) {
            Some(v) if (v.due_on.unwrap_or(v.date) - due.date).num_days().abs() <= tol(v) => {
                let d = v.due_on.unwrap_or(v.date);
                if still_fits(v, u, site, techs, anyone, today) {
                    out.kept.push(v.id);
                } else {
                    out.pending.push(Pending {
                        unit: idx,
                        kind: rule.kind,
                        due: d,
                        reason: due.reason,
                        existing: Some(v.id),
                        before: rule.before,
                        after: rule.after,
                    });
                }
                i += 1;
                d
            }
            _ => {
                out.pending.push(Pending {
                    unit: idx,
                    kind: rule.kind,
                    due: due.date,
                    reason: due.reason,
                    existing: None,
                    before: rule.before,
                    after: rule.after,
                });
                due.date
            }
        };
        due = (rule.step)(base);
    }
    for v in &existing[i..] {
        drop(v, out);
    }
}

/// Pass one over every unit of the request.
pub(super) fn match_all(req: &Request<'_>) -> Matched {
    let today = req.today;
    let end = today + Duration::days(req.config.horizon_days);
    let techs: BTreeMap<i64, &Technician> = req.technicians.iter().map(|t| (t.id, t)).collect();
    let mut by_unit: BTreeMap<(i64, &'static str), Vec<&ExistingVisit>> = BTreeMap::new();
    for v in req.existing {
        if v.due_on.is_some() && v.kind != VisitKind::FollowUp {
            by_unit
                .entry((v.unit_id, v.kind.as_str()))
                .or_default()
                .push(v);
        }
    }
    for list in by_unit.values_mut() {
        list.sort_by_key(|v| (v.due_on, v.id));
    }
    let mut out = Matched::default();
    for (idx, u) in req.units.iter().enumerate() {
        let Some(site) = req.sites.get(&u.site_id) else {
            continue;
        };
        let anyone = req.technicians.iter().any(|t| t.covers(site, u.kind));
        let ctx = (site, &techs, anyone, today);
        let empty = Vec::new();
        let list = |k: VisitKind| by_unit.get(&(u.unit_id, k.as_str())).unwrap_or(&empty);
        let rule = preventive_rule(u, today, req);
        walk(
            idx,
            rule,
            list(VisitKind::Preventive),
            end,
            ctx,
            req,
            &mut out,
        );
        match u.plan.inspection_months {
            Some(m) => {
                let rule = inspection_rule(u, m, req);
                walk(
                    idx,
                    rule,
                    list(VisitKind::Inspection),
                    end,
                    ctx,
                    req,
                    &mut out,
                );
            }
            None => {
                for v in list(VisitKind::Inspection) {
                    out.cancels.push(Change::Cancel {
                        id: v.id,
                        unit_id: v.unit_id,
                    });
                }
            }
        }
    }
    out
}
