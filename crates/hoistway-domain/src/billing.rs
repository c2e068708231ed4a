//! Billing periods of a contract: consecutive spans of its billing interval
//! from its start date, billed in advance (issued on the period's first
//! day), the last one cut at the contract's end.

use chrono::{Months, NaiveDate};

/// One billing period, both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

/// The periods of a contract starting `start` (ending `end`, if any) every
/// `months` months, whose first day lies in `from..=until`.
pub fn periods(
    start: NaiveDate,
    end: Option<NaiveDate>,
    months: u32,
    from: NaiveDate,
    until: NaiveDate,
) -> Vec<Period> {
    let months = months.max(1);
    let mut out = Vec::new();
    for k in 0u32.. {
        // Counted from the start each time so a 31st does not drift to the
        // 28th after February.
        let Some(first) = start.checked_add_months(Months::new(k * months)) else {
            break;
        };
        if first > until || end.is_some_and(|e| first > e) {
            break;
        }
        let Some(next) = start.checked_add_months(Months::new((k + 1) * months)) else {
            break;
        };
        let last = next.pred_opt().unwrap_or(next);
        let last = end.map_or(last, |e| last.min(e));
        if first >= from {
            out.push(Period {
                start: first,
                end: last,
            });
        }
    }
    out
}

/// Whole months a period covers, for the amount (units × monthly price ×
/// months); a period cut short by the contract's end counts the months it
/// started, at least one.
pub fn months_in(p: Period) -> u32 {
    let mut n = 0;
    while p
        .start
        .checked_add_months(Months::new(n))
        .is_some_and(|d| d <= p.end)
    {
        n += 1;
    }
    n.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn quarterly_periods_follow_the_start_and_stop_at_the_end() {
        let p = periods(
            d("2025-01-31"),
            Some(d("2025-12-15")),
            3,
            d("2025-01-01"),
            d("2026-06-01"),
        );
        let spans: Vec<(String, String)> = p
            .iter()
            .map(|p| (p.start.to_string(), p.end.to_string()))
            .collect();
        assert_eq!(
            spans,
            vec![
                ("2025-01-31".into(), "2025-04-29".into()),
                ("2025-04-30".into(), "2025-07-30".into()),
                ("2025-07-31".into(), "2025-10-30".into()),
                ("2025-10-31".into(), "2025-12-15".into()),
            ]
        );
        assert_eq!(months_in(p[0]), 3);
        assert_eq!(months_in(p[3]), 2);
    }

    #[test]
    fn window_and_annual() {
        let p = periods(d("2024-03-01"), None, 12, d("2025-01-01"), d("2026-03-01"));
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].start, d("2025-03-01"));
        assert_eq!(p[0].end, d("2026-02-28"));
        assert_eq!(months_in(p[0]), 12);
        assert_eq!(p[1].start, d("2026-03-01"));
        // Nothing before the contract starts.
        assert!(periods(d("2027-01-01"), None, 1, d("2026-01-01"), d("2026-12-31")).is_empty());
    }
}
