//! Completed planned maintenance for the demo history, done the way a
//! technician does it: the maintenance scheduler runs on the first day of
//! the history, then each visit it planned is started, its checklist
//! recorded and the visit completed with a report at its planned time,
//! through `maintenance::completion`, in pages of one transaction each;
//! the scheduler then plans the future from that history.

use chrono::{DateTime, Duration, Utc};
use hoistway_domain::{ManualClock, Scope};
use hoistway_maintenance::report::{PartUsed, VisitReportInput};
use hoistway_maintenance::schedule::Config;
use hoistway_maintenance::VisitKind;
use hoistway_store::maintenance::completion::{self, ItemInput, Replan};
use hoistway_store::maintenance::scheduler::{mark_visit_missed, run_scheduler};
use hoistway_store::maintenance::visits::{self, Visit, VisitFilter};
use hoistway_store::{units, Actor, Db, ListFilter, StoreError, Tx};

/// Visits completed from `from` until `now`; returns how many.
///
/// The scheduler plans the history in two runs, as the daily job would
/// have: from `from` up to two weeks before `now`, then for those two
/// weeks. Each visit is done at its planned
/// time, and the scheduler runs once more at `now` to plan the future from
/// that history. Done exactly as planned, re-planning after every
/// completion (as live work does) would only cancel and re-create the same
/// visits, so the replay skips it ([`Replan::Later`]).
pub async fn complete_since(
    db: &Db,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
    horizon_days: i64,
) -> Result<usize, StoreError> {
    // The second run starts two flex spans before "now": it then plans
    // every due date up to "now" from a day before it, inspections ahead
    // of their deadline; those of the first run after it are kept.
    let flex = Config::default().max_flex_days + 1;
    let second = now - Duration::days(2 * flex);
    let first_unit = units::list(db, &Scope::All, &ListFilter::limited(1))
        .await?
        .items
        .first()
        .map(|u| u.id);
    let span = (second - from).num_days().max(0);
    run_scheduler(db, &ManualClock::new(from), span).await?;
    let mut done = complete_before(db, second, now, first_unit).await?;
    run_scheduler(db, &ManualClock::new(second), 2 * flex).await?;
    done += complete_before(db, now, now, first_unit).await?;
    run_scheduler(db, &ManualClock::new(now), horizon_days).await?;
    Ok(done)
}

/// Completes (or misses) every visit still planned before the day of
/// `until`; returns how many were completed.
async fn complete_before(
    db: &Db,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
    first_unit: Option<i64>,
) -> Result<usize, StoreError> {
    let last_day = (until - Duration::days(1)).date_naive().to_string();
    let mut done = 0usize;
    // A page of due visits per transaction: each page is read after the
    // previous one committed, so it holds only visits still planned.
    loop {
        let filter = VisitFilter {
            status: Some("planned".into()),
            to: Some(last_day.clone()),
            ..Default::default()
        };
        let page = visits::all(db, &Scope::All, &filter, PAGE).await?;
        if page.is_empty() {
            break;
        }
        let mut tx = db.begin().await?;
        for v in &page {
            if missed(v, now, first_unit) {
                // Nobody came: the day after, the daily job marks it
                // missed (the next run books a catch-up).
                let next_day = Actor {
                    user_id: None,
                    at: v.planned_for + Duration::days(1),
                };
                mark_visit_missed(&mut tx, next_day, v.id).await?;
            } else {
                complete_one(&mut tx, v).await?;
                done += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(done)
}

/// The one authority inspection of the history that did not happen: the
/// first unit's in the last ten months, so its certificate has expired
/// and a catch-up inspection is booked.
fn missed(v: &Visit, now: DateTime<Utc>, first_unit: Option<i64>) -> bool {
    Some(v.unit_id) == first_unit
        && v.kind == VisitKind::Inspection
        && v.planned_for > now - Duration::days(300)
}

/// Due visits completed per transaction.
const PAGE: i64 = 400;

/// Starts, records and completes one visit at its planned time, through
/// the same store functions as a technician's phone.
async fn complete_one(tx: &mut Tx<'_>, v: &Visit) -> Result<(), StoreError> {
    let all = Scope::All;
    let start = Actor {
        user_id: v.technician_id,
        at: v.planned_for,
    };
    completion::start_in(tx, &all, start, v.id).await?;
    let during = Actor {
        at: v.planned_for + Duration::minutes(i64::from(v.duration_min) / 2),
        ..start
    };
    let items: Vec<(String, ItemInput)> = completion::checklist_in(tx, v.id)
        .await?
        .into_iter()
        .enumerate()
        .map(|(k, e)| {
            // Now and then a non-safety item needs a word.
            let remark = !e.safety && (v.id as usize + k).is_multiple_of(23);
            (
                e.code,
                ItemInput {
                    outcome: "pass".into(),
                    note: remark.then(|| "Worn, still within limits; recheck next visit".into()),
                },
            )
        })
        .collect();
    if !items.is_empty() {
        completion::record_items_in(tx, &all, during, v.id, items).await?;
    }
    let inspection = v.kind == VisitKind::Inspection;
    let report = VisitReportInput {
        findings: if inspection {
            "Periodic inspection with the notified body; no remarks".into()
        } else {
            "Planned maintenance done: lubricated guides, adjusted door operator, tested safety circuits".into()
        },
        parts_used: if !inspection && v.id % 4 == 0 {
            vec![PartUsed {
                part_number: "KM-LUBE-200".into(),
                quantity: 1,
            }]
        } else {
            vec![]
        },
        time_on_site_min: v.duration_min.clamp(1, 1440),
    };
    let end = Actor {
        at: v.planned_for + Duration::minutes(i64::from(v.duration_min)),
        ..start
    };
    completion::complete_in(tx, &all, end, v.id, report, Replan::Later).await?;
    Ok(())
}
