//! Business time per building: time zone, working days, opening hours,
//! public holidays and the building's own closed dates.
//!
//! * [`holidays`] computes public holidays by rule (plus a table for
//!   Singapore's lunar and Islamic dates).
//! * [`business`] is the [`BusinessCalendar`] that adds business time.
//! * [`local`] turns local wall-clock times into instants across DST changes.

pub mod business;
pub mod holidays;
pub mod local;

pub use business::{BusinessCalendar, CalendarError, OpeningHours};
pub use holidays::{public_holidays, Country, Holiday, HolidayCoverage};
