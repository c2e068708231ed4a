//! Small building blocks shared by pages: status badges (colour and text),
//! page headers, cards, empty states, key–value lists and dates in the
//! building's time zone.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use maud::{html, Markup};

/// The tone of a badge; each has a colour in the stylesheet, and a badge
/// always carries text too, so colour is never the only signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Ok,
    Warn,
    Bad,
    Info,
    Muted,
}

impl Tone {
    pub fn class(self) -> &'static str {
        match self {
            Tone::Ok => "badge badge-ok",
            Tone::Warn => "badge badge-warn",
            Tone::Bad => "badge badge-bad",
            Tone::Info => "badge badge-info",
            Tone::Muted => "badge badge-muted",
        }
    }
}

pub fn badge(tone: Tone, text: &str) -> Markup {
    html! { span class=(tone.class()) { (text) } }
}

/// The tone of a case status.
pub fn case_tone(status: &str) -> Tone {
    match status {
        "new" => Tone::Warn,
        "dispatched" | "en_route" | "on_site" => Tone::Info,
        "on_hold" => Tone::Warn,
        "resolved" | "closed" => Tone::Ok,
        _ => Tone::Muted,
    }
}

/// A case status badge that the live updater keeps current
/// (`data-case-status` names the case).
pub fn case_status_badge(t: &super::strings::Strings, number: &str, status: &str) -> Markup {
    html! {
        span class=(case_tone(status).class()) data-case-status=(number) data-status=(status) {
            ((t.labels.case_status)(status))
        }
    }
}

pub fn priority_tone(p: &str) -> Tone {
    match p {
        "emergency" => Tone::Bad,
        "urgent" => Tone::Warn,
        _ => Tone::Muted,
    }
}

/// Page title with an optional lead line and actions on the right.
pub fn page_header(title: &str, lead: Option<&str>, actions: Markup) -> Markup {
    html! {
        div.page-head {
            div {
                h1 { (title) }
                @if let Some(l) = lead { p.lead { (l) } }
            }
            div.actions { (actions) }
        }
    }
}

/// `text` cut to `max` characters with an ellipsis.
pub fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// A filter form in a panel that folds away on phones (open without JS,
/// and whenever a filter is set).
pub fn filter_box(t: &super::strings::Strings, active: usize, form: Markup) -> Markup {
    html! {
        details.card.filter-box open data-active=(active) {
            summary {
                span { (t.common.filters) @if active > 0 { span.filter-count { "(" (active) ")" } } }
            }
            (form)
        }
    }
}

pub fn empty(text: &str) -> Markup {
    html! { p.empty { (text) } }
}

/// A definition list of label/value rows.
pub fn facts(rows: &[(&str, String)]) -> Markup {
    html! {
        dl.facts {
            @for (k, v) in rows {
                div { dt { (k) } dd { (v) } }
            }
        }
    }
}

/// The zone of a building, UTC if the name is not a known zone.
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(Tz::UTC)
}

/// The local calendar day around `at` in the zone, as a UTC span
/// `[start, end)` (a DST day is 23 or 25 hours long).
pub fn local_day(at: DateTime<Utc>, tz: Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    use chrono::TimeZone;
    let day = at.with_timezone(&tz).date_naive();
    let start_of = |d: chrono::NaiveDate| {
        let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
        tz.from_local_datetime(&midnight)
            .earliest()
            // A zone whose clocks skip midnight: an hour later exists.
            .unwrap_or_else(|| tz.from_utc_datetime(&midnight))
            .with_timezone(&Utc)
    };
    let next = day.succ_opt().unwrap_or(day);
    (start_of(day), start_of(next))
}

/// `23 Nov 2026, 14:05` in the zone.
pub fn datetime(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz).format("%-d %b %Y, %H:%M").to_string()
}

/// `23 Nov 2026` from `YYYY-MM-DD` (unchanged if it does not parse).
pub fn date(iso: &str) -> String {
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")
        .map(|d| d.format("%-d %b %Y").to_string())
        .unwrap_or_else(|_| iso.to_string())
}

/// An amount with its currency, two decimals and thin grouping.
pub fn money(amount: f64, currency: &str) -> String {
    let cents = (amount * 100.0).round() as i64;
    let (sign, cents) = if cents < 0 {
        ("-", -cents)
    } else {
        ("", cents)
    };
    let units = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i) % 3 == 0 {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02} {currency}", cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn dates_render_in_the_building_zone() {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 22, 30, 0).unwrap();
        assert_eq!(datetime(at, zone("Europe/Helsinki")), "24 Nov 2026, 00:30");
        assert_eq!(datetime(at, zone("nowhere")), "23 Nov 2026, 22:30");
        assert_eq!(date("2026-01-05"), "5 Jan 2026");
    }

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(1234567.5, "EUR"), "1\u{202f}234\u{202f}567.50 EUR");
        assert_eq!(money(-12.0, "USD"), "-12.00 USD");
        assert_eq!(money(999.994, "EUR"), "999.99 EUR");
    }
}
