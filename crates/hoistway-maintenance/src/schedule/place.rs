//! Pass two: slots for what pass one left pending, balancing technicians'
//! weekly load. Booked time lives in flat arrays indexed by technician and
//! day (or week) offset from today, which keeps a 10,000-unit run fast.

use super::chain::{Matched, Pending};
use super::{duration_min, Change, Outcome, PlannedVisit, Request, Site, Slot};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use hoistway_domain::fleet::UnitKind;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Booked minutes per technician per day and per week.
struct Book {
    today: NaiveDate,
    /// Monday of today's week: week indexes count from here.
    week0: NaiveDate,
    days: usize,
    weeks: usize,
    day_min: Vec<u32>,
    week_min: Vec<u32>,
    index: HashMap<i64, usize>,
    capacity: Vec<u32>,
    ids: Vec<i64>,
}

impl Book {
    fn new(req: &Request<'_>) -> Book {
        let cfg = req.config;
        let days = (cfg.horizon_days + cfg.search_days + cfg.max_flex_days + 2).max(1) as usize;
        let week0 =
            req.today - Duration::days(i64::from(req.today.weekday().num_days_from_monday()));
        let weeks = days / 7 + 2;
        let n = req.technicians.len();
        Book {
            today: req.today,
            week0,
            days,
            weeks,
            day_min: vec![0; n * days],
            week_min: vec![0; n * weeks],
            index: req
                .technicians
                .iter()
                .enumerate()
                .map(|(i, t)| (t.id, i))
                .collect(),
            capacity: req
                .technicians
                .iter()
                .map(|t| t.weekly_capacity_min)
                .collect(),
            ids: req.technicians.iter().map(|t| t.id).collect(),
        }
    }

    fn day_index(&self, d: NaiveDate) -> Option<usize> {
        let i = (d - self.today).num_days();
        (0..self.days as i64).contains(&i).then_some(i as usize)
    }

    fn week_index(&self, d: NaiveDate) -> usize {
        (((d - self.week0).num_days() / 7) as usize).min(self.weeks - 1)
    }

    fn add(&mut self, tech: usize, d: NaiveDate, minutes: u32) {
        if let Some(di) = self.day_index(d) {
            let wi = self.week_index(d);
            self.day_min[tech * self.days + di] += minutes;
            self.week_min[tech * self.weeks + wi] += minutes;
        }
    }
}

/// A building's business window per day, computed once per (site, day).
#[derive(Clone, Copy)]
enum Window {
    Unknown,
    Closed,
    Open(DateTime<Utc>, u32),
}

struct Windows<'a> {
    today: NaiveDate,
    not_before: Option<DateTime<Utc>>,
    cache: HashMap<i64, Vec<Window>>,
    sites: &'a BTreeMap<i64, Site>,
    days: usize,
}

impl Windows<'_> {
    /// The site's open window on `d`, unless it began before the run.
    fn get(&mut self, site: i64, d: NaiveDate) -> Option<(DateTime<Utc>, u32)> {
        let not_before = self.not_before;
        self.window(site, d)
            .filter(|(open, _)| not_before.is_none_or(|n| *open >= n))
    }

    fn window(&mut self, site: i64, d: NaiveDate) -> Option<(DateTime<Utc>, u32)> {
        let s = self.sites.get(&site)?;
        let i = (d - self.today).num_days();
        let compute = || match s.calendar.window(d) {
            Some((o, c)) => Window::Open(o, (c - o).num_minutes().max(0) as u32),
            None => Window::Closed,
        };
        if !(0..self.days as i64).contains(&i) {
            return match compute() {
                Window::Open(o, m) => Some((o, m)),
                _ => None,
            };
        }
        let days = self.days;
        let cells = self
            .cache
            .entry(site)
            .or_insert_with(|| vec![Window::Unknown; days]);
        let cell = &mut cells[i as usize];
        if matches!(cell, Window::Unknown) {
            *cell = compute();
        }
        match *cell {
            Window::Open(o, m) => Some((o, m)),
            _ => None,
        }
    }
}

/// How a slot ranks: full week last, then least booked week, nearest day,
/// earlier day, lower technician id.
type Rank = (bool, u32, i64, NaiveDate, i64);
/// A chosen slot: day, technician index, start.
type Chosen = (NaiveDate, usize, DateTime<Utc>);

/// Finds the best slot on days `lo..=hi`: the technician-week with the least
/// booked time (full weeks last), then the day nearest `due`, then the
/// earlier day and the lower technician id.
fn best_slot(
    book: &Book,
    windows: &mut Windows<'_>,
    site: i64,
    qualified: &[usize],
    due: NaiveDate,
    (lo, hi): (NaiveDate, NaiveDate),
    dur: u32,
) -> Option<Chosen> {
    let mut best: Option<(Rank, Chosen)> = None;
    let mut d = lo;
    while d <= hi {
        if let (Some((open, len)), Some(di)) = (windows.get(site, d), book.day_index(d)) {
            let wi = book.week_index(d);
            for &t in qualified {
                let booked = book.day_min[t * book.days + di];
                if booked + dur > len {
                    continue;
                }
                let week = book.week_min[t * book.weeks + wi];
                let key = (
                    week + dur > book.capacity[t],
                    week,
                    (d - due).num_days().abs(),
                    d,
                    book.ids[t],
                );
                if best.as_ref().is_none_or(|(k, _)| key < *k) {
                    let at = open + Duration::minutes(i64::from(booked));
                    best = Some((key, (d, t, at)));
                }
            }
        }
        d += Duration::days(1);
    }
    best.map(|(_, slot)| slot)
}

/// The open day nearest `due` in `lo..=hi` (earlier on ties), for a visit
/// no technician can take.
fn nearest_open(
    windows: &mut Windows<'_>,
    site: i64,
    due: NaiveDate,
    (lo, hi): (NaiveDate, NaiveDate),
) -> Option<(NaiveDate, DateTime<Utc>)> {
    let mut best: Option<(i64, NaiveDate, DateTime<Utc>)> = None;
    let mut d = lo;
    while d <= hi {
        if let Some((open, _)) = windows.get(site, d) {
            let dist = (d - due).num_days().abs();
            if best.is_none_or(|(b, _, _)| dist < b) {
                best = Some((dist, d, open));
            }
        }
        d += Duration::days(1);
    }
    best.map(|(_, d, o)| (d, o))
}

/// Pass two: turns pending positions into creates and moves.
pub(super) fn place_all(req: &Request<'_>, matched: Matched) -> Outcome {
    let Matched {
        mut cancels,
        kept,
        mut pending,
    } = matched;
    let mut book = Book::new(req);
    let released: HashSet<i64> = cancels
        .iter()
        .filter_map(|c| match c {
            Change::Cancel { id, .. } => Some(*id),
            _ => None,
        })
        .chain(pending.iter().filter_map(|p| p.existing))
        .collect();
    for v in req.existing.iter().filter(|v| !released.contains(&v.id)) {
        if let Some(t) = v.technician_id.and_then(|t| book.index.get(&t).copied()) {
            book.add(t, v.date, v.duration_min);
        }
    }
    let mut windows = Windows {
        today: req.today,
        not_before: req.now,
        cache: HashMap::new(),
        sites: req.sites,
        days: book.days,
    };
    pending.sort_by_key(|p| {
        (
            p.due,
            req.units[p.unit].unit_id,
            p.kind.as_str(),
            p.existing,
        )
    });
    cancels.sort_by_key(|c| match c {
        Change::Cancel { id, .. } => *id,
        _ => 0,
    });
    let mut qualified_cache: HashMap<(i64, UnitKind), Vec<usize>> = HashMap::new();
    let mut changes = cancels;
    let mut unassigned = 0;
    for p in &pending {
        let u = &req.units[p.unit];
        let Some(site) = req.sites.get(&u.site_id) else {
            continue;
        };
        let qualified = qualified_cache
            .entry((u.site_id, u.kind))
            .or_insert_with(|| {
                req.technicians
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| t.covers(site, u.kind))
                    .map(|(i, _)| i)
                    .collect()
            });
        let dur = duration_min(p.kind, u.kind);
        let (lo, hi) = window_of(p, req.today, u.plan.until);
        let far = lo + Duration::days(req.config.search_days);
        let slot = best_slot(
            &book,
            &mut windows,
            u.site_id,
            qualified,
            p.due,
            (lo, hi),
            dur,
        )
        .or_else(|| {
            best_slot(
                &book,
                &mut windows,
                u.site_id,
                qualified,
                p.due,
                (hi + Duration::days(1), far),
                dur,
            )
        });
        let slot = match slot {
            Some((date, t, at)) => {
                book.add(t, date, dur);
                Slot {
                    date,
                    planned_for: at,
                    duration_min: dur,
                    technician_id: Some(book.ids[t]),
                }
            }
            None => {
                unassigned += 1;
                let (date, at) = nearest_open(&mut windows, u.site_id, p.due, (lo, hi))
                    .or_else(|| nearest_open(&mut windows, u.site_id, p.due, (lo, far)))
                    // A calendar always has an open day within weeks; this
                    // is only reached for a pathological blackout list.
                    .unwrap_or((lo, lo.and_hms_opt(8, 0, 0).unwrap_or_default().and_utc()));
                Slot {
                    date,
                    planned_for: at,
                    duration_min: dur,
                    technician_id: None,
                }
            }
        };
        let visit = PlannedVisit {
            unit_id: u.unit_id,
            kind: p.kind,
            due_on: p.due,
            reason: p.reason,
            slot,
        };
        changes.push(match p.existing {
            Some(id) => Change::Move { id, visit },
            None => Change::Create(visit),
        });
    }
    Outcome {
        changes,
        kept: kept.len(),
        unassigned,
    }
}

/// The days a pending visit may take: around its due date, never before
/// today, never after the plan ends (unless that leaves nothing).
fn window_of(p: &Pending, today: NaiveDate, until: Option<NaiveDate>) -> (NaiveDate, NaiveDate) {
    let lo = (p.due - Duration::days(p.before)).max(today);
    let mut hi = (p.due + Duration::days(p.after)).max(lo);
    if let Some(u) = until {
        hi = hi.min(u).max(lo);
    }
    (lo, hi)
}
