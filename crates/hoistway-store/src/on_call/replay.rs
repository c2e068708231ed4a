//! Replaying the past (issue #21, "measure on the demo's history how often
//! the suggestion meets the SLA"): each case with a response due time is
//! ranked again at the instant it was opened, with the rota, the declared
//! weather and the technicians' positions as they were then (cases they had
//! been on site at by then, visits planned from then), and the top
//! suggestion's predicted on-site time is compared with the response due
//! time the case had. Read-only.

use super::suggest::{rank_for, CaseFacts};
use crate::error::Result;
use crate::row::RowExt;
use crate::sql::Sql;
use crate::Db;
use serde::Serialize;
use std::collections::BTreeMap;

/// What the replay found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReplayFigures {
    /// Cases replayed (those with a response due time).
    pub cases: u64,
    /// The top suggestion was available and had a prediction.
    pub top_predicted: u64,
    /// ... and its predicted on-site time met the response due time.
    pub top_meets_sla: u64,
    /// The technician actually sent was on site by the response due time
    /// (the history as it happened, for comparison).
    pub actual_met: u64,
    /// The top suggestion was the technician actually sent.
    pub top_was_sent: u64,
    /// Per priority: (cases, top suggestion meets the SLA, history met it).
    pub by_priority: BTreeMap<String, (u64, u64, u64)>,
}

impl ReplayFigures {
    /// Share of replayed cases whose top suggestion met the SLA, percent.
    pub fn top_meets_share(&self) -> f64 {
        if self.cases == 0 {
            0.0
        } else {
            100.0 * self.top_meets_sla as f64 / self.cases as f64
        }
    }

    pub fn actual_share(&self) -> f64 {
        if self.cases == 0 {
            0.0
        } else {
            100.0 * self.actual_met as f64 / self.cases as f64
        }
    }
}

/// Replays every case with a response due time, oldest first.
pub async fn replay(db: &Db) -> Result<ReplayFigures> {
    let sql = Sql::new(
        "SELECT id, number, building_id, priority, response_due, created_at, first_on_site_at, technician_id \
         FROM cases WHERE response_due IS NOT NULL ORDER BY created_at, id",
    );
    let rows = sql.fetch_all(&db.pool).await?;
    let mut f = ReplayFigures::default();
    for r in rows {
        let due = r.instant("response_due")?;
        let facts = CaseFacts {
            id: r.int("id")?,
            number: r.text("number")?,
            building_id: r.int("building_id")?,
            response_due: Some(due),
        };
        let opened = r.instant("created_at")?;
        let mut tx = db.begin().await?;
        let ranked = rank_for(&mut tx, &facts, opened, false).await?;
        tx.rollback().await?;
        f.cases += 1;
        let row = f.by_priority.entry(r.text("priority")?).or_default();
        row.0 += 1;
        if let Some(top) = ranked.suggestions.first() {
            if top.available && top.predicted_on_site.is_some() {
                f.top_predicted += 1;
                if top.meets_sla == Some(true) {
                    f.top_meets_sla += 1;
                    row.1 += 1;
                }
            }
            if r.opt_int("technician_id")? == Some(top.technician_id) {
                f.top_was_sent += 1;
            }
        }
        if r.opt_int("first_on_site_at")?
            .is_some_and(|t| t <= due.timestamp_millis())
        {
            f.actual_met += 1;
            row.2 += 1;
        }
    }
    Ok(f)
}
