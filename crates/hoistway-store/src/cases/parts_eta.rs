//! When the part a case waits for is expected (issue #21). A part in the
//! catalogue brings its own lead time — the transfer time when some depot
//! has it in stock, the supplier's lead time otherwise — so the operator
//! may leave `lead_time_days` out; a part the catalogue does not know still
//! needs it. A lead time the operator gives wins over the catalogue's
//! (the supplier may have promised a date for this order).
//!
//! The expected day counts calendar days from the UTC day the case went on
//! hold, read from the injected clock.

use super::Tx;
use crate::error::Result;
use crate::parts;
use chrono::{DateTime, NaiveDate, Utc};
use hoistway_desk::hold::{catalogue_lead_days, parts_expected_on};
use hoistway_domain::Invalid;

/// Where the lead time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    /// The operator gave it.
    Given,
    /// The catalogue part is in stock at some depot: a transfer.
    Stock,
    /// The catalogue part must be ordered: the supplier's lead time.
    Supplier,
}

impl Source {
    /// How the timeline names the source, after the days.
    pub(super) fn words(self) -> &'static str {
        match self {
            Source::Given => "",
            Source::Stock => ", from depot stock",
            Source::Supplier => ", supplier lead time",
        }
    }
}

/// A parts hold's lead time and expected day.
#[derive(Debug, Clone, Copy)]
pub(super) struct PartsEta {
    pub days: i64,
    pub expected_on: NaiveDate,
    pub source: Source,
}

pub(super) async fn parts_eta(
    tx: &mut Tx<'_>,
    part: &str,
    given: Option<i64>,
    at: DateTime<Utc>,
) -> Result<PartsEta> {
    let (days, source) = match given {
        Some(d) if (0..=365).contains(&d) => (d, Source::Given),
        Some(_) => {
            return Err(Invalid::new("lead_time_days", "give the lead time, 0 to 365 days").into())
        }
        None => match parts::find(tx, part).await? {
            Some(p) if p.in_stock > 0 => (
                catalogue_lead_days(p.lead_time_days, p.in_stock),
                Source::Stock,
            ),
            Some(p) => (p.lead_time_days, Source::Supplier),
            None => {
                return Err(Invalid::new(
                    "lead_time_days",
                    format!(
                    "part {part} is not in the parts catalogue: give the lead time, 0 to 365 days"
                ),
                )
                .into())
            }
        },
    };
    Ok(PartsEta {
        days,
        expected_on: parts_expected_on(at.date_naive(), days),
        source,
    })
}
