//! A building's business hours: the weekdays and local hours its
//! business-time SLA targets count, and its own closed dates on top of the
//! country's public holidays. A building without them works Mon–Fri
//! 08:00–17:00 in its own time zone. Also the day and time parsers the
//! maintenance window shares.

use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use hoistway_desk::{BusinessCalendar, Country, OpeningHours};
use hoistway_domain::text::parse_date;
use hoistway_domain::Invalid;
use serde::{Deserialize, Serialize};

/// Weekday names as the API writes them, Monday first.
pub const DAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Closed dates a building may list (a few years of shutdowns).
const MAX_CLOSED_DATES: usize = 400;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessHours {
    /// Working weekdays, `mon` … `sun`.
    #[schema(example = json!(["mon", "tue", "wed", "thu", "fri"]))]
    pub working_days: Vec<String>,
    /// Local opening time `HH:MM`.
    #[schema(example = "08:00")]
    pub opens: String,
    /// Local closing time `HH:MM`, after `opens`.
    #[schema(example = "17:00")]
    pub closes: String,
    /// YYYY-MM-DD dates the building is closed (regional holidays,
    /// shutdowns), on top of the country's public holidays.
    #[serde(default)]
    pub closed_dates: Vec<String>,
}

impl Default for BusinessHours {
    fn default() -> Self {
        Self {
            working_days: DAY_NAMES[..5].iter().map(|d| d.to_string()).collect(),
            opens: "08:00".into(),
            closes: "17:00".into(),
            closed_dates: Vec::new(),
        }
    }
}

impl BusinessHours {
    /// Checks every part and writes it the one way it is stored: days
    /// Monday first without repeats, `HH:MM`, dates sorted.
    pub fn validated(self) -> Result<Self, Invalid> {
        let days = weekdays("business_calendar.working_days", &self.working_days)?;
        if days.is_empty() {
            return Err(Invalid::new(
                "business_calendar.working_days",
                "needs at least one working weekday",
            ));
        }
        let opens = parse_time("business_calendar.opens", &self.opens)?;
        let closes = parse_time("business_calendar.closes", &self.closes)?;
        OpeningHours::new(opens, closes)
            .map_err(|e| Invalid::new("business_calendar.closes", e.to_string()))?;
        if self.closed_dates.len() > MAX_CLOSED_DATES {
            return Err(Invalid::new(
                "business_calendar.closed_dates",
                format!("at most {MAX_CLOSED_DATES} dates"),
            ));
        }
        let mut dates = self
            .closed_dates
            .iter()
            .map(|d| parse_date("business_calendar.closed_dates", d))
            .collect::<Result<Vec<_>, _>>()?;
        dates.sort();
        dates.dedup();
        let mut working_days: Vec<Weekday> = days;
        working_days.sort_by_key(|d| d.num_days_from_monday());
        working_days.dedup();
        Ok(Self {
            working_days: working_days
                .iter()
                .map(|d| DAY_NAMES[d.num_days_from_monday() as usize].to_string())
                .collect(),
            opens: opens.format("%H:%M").to_string(),
            closes: closes.format("%H:%M").to_string(),
            closed_dates: dates.iter().map(|d| d.to_string()).collect(),
        })
    }

    /// The calendar these hours make in a building's time zone and country.
    pub fn calendar(&self, tz: Tz, country: Option<Country>) -> Result<BusinessCalendar, Invalid> {
        let hours = OpeningHours::new(
            parse_time("business_calendar.opens", &self.opens)?,
            parse_time("business_calendar.closes", &self.closes)?,
        )
        .map_err(|e| Invalid::new("business_calendar.closes", e.to_string()))?;
        let closed = self
            .closed_dates
            .iter()
            .map(|d| parse_date("business_calendar.closed_dates", d))
            .collect::<Result<Vec<NaiveDate>, _>>()?;
        BusinessCalendar::new(
            tz,
            country,
            &weekdays("business_calendar.working_days", &self.working_days)?,
            hours,
            &closed,
        )
        .map_err(|e| Invalid::new("business_calendar.working_days", e.to_string()))
    }
}

/// A local time written `HH:MM`.
pub fn parse_time(field: &'static str, raw: &str) -> Result<NaiveTime, Invalid> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| Invalid::new(field, format!("'{raw}' is not a time like 08:00")))
}

/// Weekdays written `mon` … `sun` (chrono also takes full names).
pub fn weekdays(field: &'static str, days: &[String]) -> Result<Vec<Weekday>, Invalid> {
    days.iter()
        .map(|d| {
            d.trim()
                .parse::<Weekday>()
                .map_err(|_| Invalid::new(field, format!("'{d}' is not a weekday like mon")))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(days: &[&str], opens: &str, closes: &str, closed: &[&str]) -> BusinessHours {
        BusinessHours {
            working_days: days.iter().map(|d| d.to_string()).collect(),
            opens: opens.into(),
            closes: closes.into(),
            closed_dates: closed.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn validation_writes_one_form() {
        let h = hours(
            &["Sat", "mon", "monday"],
            "7:30",
            "19:00",
            &["2026-12-31", "2026-12-24", "2026-12-31"],
        )
        .validated()
        .unwrap();
        assert_eq!(h.working_days, ["mon", "sat"]);
        assert_eq!(h.opens, "07:30");
        assert_eq!(h.closed_dates, ["2026-12-24", "2026-12-31"]);
    }

    #[test]
    fn refusals_name_the_part() {
        let field = |h: BusinessHours| h.validated().unwrap_err().field;
        assert_eq!(
            field(hours(&[], "08:00", "17:00", &[])),
            "business_calendar.working_days"
        );
        assert_eq!(
            field(hours(&["funday"], "08:00", "17:00", &[])),
            "business_calendar.working_days"
        );
        assert_eq!(
            field(hours(&["mon"], "8am", "17:00", &[])),
            "business_calendar.opens"
        );
        assert_eq!(
            field(hours(&["mon"], "17:00", "08:00", &[])),
            "business_calendar.closes"
        );
        assert_eq!(
            field(hours(&["mon"], "08:00", "17:00", &["24.12.2026"])),
            "business_calendar.closed_dates"
        );
    }

    #[test]
    fn a_closed_date_is_not_business_time() {
        let h = hours(
            &["mon", "tue", "wed", "thu", "fri"],
            "08:00",
            "17:00",
            &["2026-12-08"],
        )
        .validated()
        .unwrap();
        let cal = h.calendar(chrono_tz::Europe::Helsinki, None).unwrap();
        let tue = chrono::NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        let wed = chrono::NaiveDate::from_ymd_opt(2026, 12, 9).unwrap();
        assert!(!cal.is_business_day(tue));
        assert!(cal.is_business_day(wed));
    }
}
