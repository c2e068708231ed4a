//! Completed planned maintenance for the demo history, done the way a
//! technician does it: the maintenance scheduler runs on the first day of
//! the history (as its daily job would have), then each visit it planned
//! is started, its checklist recorded and the visit completed with a
//! report at its planned time, through `maintenance::completion`; every
//! completion re-plans the unit, as live, which books the next visit.

use chrono::{DateTime, Duration, Utc};
use hoistway_domain::{ManualClock, Scope};
use hoistway_maintenance::report::{PartUsed, VisitReportInput};
use hoistway_maintenance::VisitKind;
use hoistway_store::maintenance::completion::{self, ItemInput};
use hoistway_store::maintenance::scheduler::run_scheduler;
use hoistway_store::maintenance::visits::{self, VisitFilter};
use hoistway_store::{Actor, Db, StoreError};

/// Visits completed from `from` until `now`; returns how many.
pub async fn complete_since(
    db: &Db,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
    horizon_days: i64,
) -> Result<usize, StoreError> {
    run_scheduler(db, &ManualClock::new(from), horizon_days).await?;
    let all = Scope::All;
    let last_day = (now - Duration::days(1)).date_naive().to_string();
    let mut done = 0usize;
    let mut spent = [std::time::Duration::ZERO; 4];
    // Each completion books the unit's next visit, so the earliest planned
    // visit is read again every time. Bounded: every pass completes one.
    for _ in 0..20_000 {
        let filter = VisitFilter {
            status: Some("planned".into()),
            to: Some(last_day.clone()),
            ..Default::default()
        };
        let t0 = std::time::Instant::now();
        let Some(v) = visits::all(db, &all, &filter, 1).await?.into_iter().next() else {
            break;
        };
        let start = Actor {
            user_id: v.technician_id,
            at: v.planned_for,
        };
        spent[0] += t0.elapsed();
        let t0 = std::time::Instant::now();
        completion::start(db, &all, start, v.id).await?;
        spent[1] += t0.elapsed();
        let t0 = std::time::Instant::now();
        let during = Actor {
            at: v.planned_for + Duration::minutes(i64::from(v.duration_min) / 2),
            ..start
        };
        let items: Vec<(String, ItemInput)> = completion::checklist(db, &all, v.id)
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
                        note: remark
                            .then(|| "Worn, still within limits; recheck next visit".into()),
                    },
                )
            })
            .collect();
        if !items.is_empty() {
            completion::record_items(db, &all, during, v.id, items).await?;
        }
        spent[2] += t0.elapsed();
        let t0 = std::time::Instant::now();
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
        completion::complete(db, &all, end, v.id, report).await?;
        spent[3] += t0.elapsed();
        done += 1;
    }
    tracing::info!(?spent, "history: visits (pick, start, items, complete)");
    Ok(done)
}
