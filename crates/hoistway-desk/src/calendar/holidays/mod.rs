//! Public holidays by country, computed by rule.
//!
//! Fixed dates, Easter-based dates (computus), nth-weekday rules and
//! weekend substitution are computed for any year; Singapore's lunar and
//! Islamic holidays cannot be, so they come from a table of gazetted dates
//! (see [`sg`]) and [`coverage`] says where that table ends.
//!
//! Only nationwide days are listed: regional holidays (German states,
//! Scotland, Alsace-Moselle) belong in a building's extra closed dates. Days
//! that are de facto closed in the Nordics (Midsummer Eve, Christmas Eve,
//! Swedish New Year's Eve) are included because service desks close then.

pub mod at;
pub mod be;
pub mod de;
pub mod dk;
pub mod es;
pub mod fi;
pub mod fr;
pub mod gb;
pub mod it;
pub mod nl;
pub mod no;
pub mod pl;
pub mod rules;
pub mod se;
pub mod sg;
pub mod us;

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Countries whose public holidays are known here (ISO 3166 alpha-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Country {
    Fi,
    De,
    /// England and Wales bank holidays.
    Gb,
    /// US federal holidays.
    Us,
    Sg,
    Fr,
    Se,
    It,
    Es,
    Nl,
    No,
    Dk,
    At,
    Be,
    Pl,
}

/// An alpha-2 code this crate has no holiday rules for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no public-holiday rules for country {0:?} (known: FI, DE, GB, US, SG, FR, SE, IT, ES, NL, NO, DK, AT, BE, PL)")]
pub struct UnknownCountry(pub String);

impl Country {
    pub const ALL: [Country; 15] = [
        Country::Fi,
        Country::De,
        Country::Gb,
        Country::Us,
        Country::Sg,
        Country::Fr,
        Country::Se,
        Country::It,
        Country::Es,
        Country::Nl,
        Country::No,
        Country::Dk,
        Country::At,
        Country::Be,
        Country::Pl,
    ];

    /// Parses an alpha-2 code, case-insensitively (`UK` is taken as `GB`).
    pub fn parse(code: &str) -> Result<Self, UnknownCountry> {
        Ok(match code.trim().to_ascii_uppercase().as_str() {
            "FI" => Country::Fi,
            "DE" => Country::De,
            "GB" | "UK" => Country::Gb,
            "US" => Country::Us,
            "SG" => Country::Sg,
            "FR" => Country::Fr,
            "SE" => Country::Se,
            "IT" => Country::It,
            "ES" => Country::Es,
            "NL" => Country::Nl,
            "NO" => Country::No,
            "DK" => Country::Dk,
            "AT" => Country::At,
            "BE" => Country::Be,
            "PL" => Country::Pl,
            _ => return Err(UnknownCountry(code.to_owned())),
        })
    }

    pub fn code(self) -> &'static str {
        match self {
            Country::Fi => "FI",
            Country::De => "DE",
            Country::Gb => "GB",
            Country::Us => "US",
            Country::Sg => "SG",
            Country::Fr => "FR",
            Country::Se => "SE",
            Country::It => "IT",
            Country::Es => "ES",
            Country::Nl => "NL",
            Country::No => "NO",
            Country::Dk => "DK",
            Country::At => "AT",
            Country::Be => "BE",
            Country::Pl => "PL",
        }
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Country {
    type Error = UnknownCountry;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Country> for String {
    fn from(c: Country) -> Self {
        c.code().to_owned()
    }
}

/// A day off, with its local name (or the English one where that is usual).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: &'static str,
}

/// Whether the list for a year is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "coverage", content = "missing")]
pub enum HolidayCoverage {
    Complete,
    /// Some holidays of that year are not known here; add them as extra
    /// closed dates on the building's calendar.
    Partial(&'static str),
}

/// The public holidays (days off, after substitution) falling in `year`,
/// sorted by date, without duplicates.
pub fn public_holidays(country: Country, year: i32) -> Vec<Holiday> {
    let mut v = match country {
        Country::Fi => fi::holidays(year),
        Country::De => de::holidays(year),
        Country::Gb => gb::holidays(year),
        Country::Us => us::holidays(year),
        Country::Sg => sg::holidays(year),
        Country::Fr => fr::holidays(year),
        Country::Se => se::holidays(year),
        Country::It => it::holidays(year),
        Country::Es => es::holidays(year),
        Country::Nl => nl::holidays(year),
        Country::No => no::holidays(year),
        Country::Dk => dk::holidays(year),
        Country::At => at::holidays(year),
        Country::Be => be::holidays(year),
        Country::Pl => pl::holidays(year),
    };
    v.retain(|h| rules::year_of(h.date) == year);
    v.sort_by_key(|h| h.date);
    v.dedup_by_key(|h| h.date);
    v
}

/// How complete [`public_holidays`] is for a year.
pub fn coverage(country: Country, year: i32) -> HolidayCoverage {
    match country {
        Country::Sg => sg::coverage(year),
        // Rule-based lists are complete for any year, except one-off days a
        // government has not announced yet (e.g. a GB jubilee).
        _ => HolidayCoverage::Complete,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn has(c: Country, date: NaiveDate) -> bool {
        public_holidays(c, rules::year_of(date))
            .iter()
            .any(|h| h.date == date)
    }

    #[test]
    fn known_dates() {
        // Good Friday 2026 is 3 April everywhere it is a holiday.
        for c in [
            Country::Fi,
            Country::De,
            Country::Gb,
            Country::Sg,
            Country::Se,
        ] {
            assert!(has(c, d(2026, 4, 3)), "{c}");
        }
        assert!(
            !has(Country::Fr, d(2026, 4, 3)),
            "Good Friday is not national in FR"
        );
        assert!(!has(Country::Us, d(2026, 4, 3)));
        // Juhannusaatto (Midsummer Eve): Friday between 19 and 25 June.
        assert!(has(Country::Fi, d(2026, 6, 19)));
        assert!(has(Country::Fi, d(2025, 6, 20)));
        assert!(has(Country::Se, d(2026, 6, 19)));
        // Thanksgiving 2026: fourth Thursday of November.
        assert!(has(Country::Us, d(2026, 11, 26)));
        assert!(has(Country::Us, d(2025, 11, 27)));
        // UK Early May bank holiday: first Monday of May; in 2020 moved to VE day.
        assert!(has(Country::Gb, d(2026, 5, 4)));
        assert!(has(Country::Gb, d(2020, 5, 8)));
        assert!(!has(Country::Gb, d(2020, 5, 4)));
        // Ascension and Whit Monday in DE/FR.
        assert!(has(Country::De, d(2026, 5, 14)));
        assert!(has(Country::De, d(2026, 5, 25)));
        assert!(has(Country::Fr, d(2026, 5, 25)));
        assert!(has(Country::Fr, d(2026, 7, 14)));
        assert!(has(Country::De, d(2026, 10, 3)));
        // The European countries' own days (issue #21: an Italian building
        // had none).
        assert!(has(Country::It, d(2026, 4, 6)), "Pasquetta");
        assert!(has(Country::It, d(2026, 6, 2)));
        assert!(has(Country::It, d(2026, 10, 4)), "San Francesco from 2026");
        assert!(!has(Country::It, d(2025, 10, 4)));
        assert!(has(Country::Es, d(2026, 4, 3)), "Viernes Santo");
        assert!(has(Country::Es, d(2026, 10, 12)));
        assert!(has(Country::Nl, d(2026, 4, 27)), "Koningsdag");
        assert!(
            has(Country::Nl, d(2025, 4, 26)),
            "27 April 2025 is a Sunday"
        );
        assert!(has(Country::Nl, d(2025, 5, 5)) && !has(Country::Nl, d(2026, 5, 5)));
        assert!(has(Country::No, d(2026, 5, 17)));
        assert!(has(Country::No, d(2026, 4, 2)), "Skjærtorsdag");
        assert!(has(Country::Dk, d(2023, 5, 5)) && !has(Country::Dk, d(2024, 4, 26)));
        assert!(has(Country::At, d(2026, 6, 4)), "Fronleichnam");
        assert!(has(Country::At, d(2026, 10, 26)));
        assert!(has(Country::Be, d(2026, 7, 21)));
        assert!(has(Country::Pl, d(2026, 12, 24)) && !has(Country::Pl, d(2024, 12, 24)));
        assert!(has(Country::Pl, d(2026, 6, 4)), "Boże Ciało");
        // Sweden's national day, Finland's independence day.
        assert!(has(Country::Se, d(2026, 6, 6)));
        assert!(has(Country::Fi, d(2026, 12, 6)));
    }

    #[test]
    fn substitution_rules() {
        // GB: Christmas 2021 on Saturday → Monday 27, Boxing Day Sunday → Tuesday 28.
        assert!(has(Country::Gb, d(2021, 12, 27)));
        assert!(has(Country::Gb, d(2021, 12, 28)));
        assert!(!has(Country::Gb, d(2021, 12, 25)));
        // GB: New Year 2022 on Saturday → Monday 3 January.
        assert!(has(Country::Gb, d(2022, 1, 3)));
        // US: Independence Day 2026 on Saturday → Friday 3 July; 2027 Sunday → Monday 5.
        assert!(has(Country::Us, d(2026, 7, 3)));
        assert!(has(Country::Us, d(2027, 7, 5)));
        // US: New Year 2022 on Saturday is observed Friday 31 December 2021.
        assert!(has(Country::Us, d(2021, 12, 31)));
        assert!(!public_holidays(Country::Us, 2022)
            .iter()
            .any(|h| h.date.month() == 1 && h.date.day() == 1));
        // SG: Sunday holidays move to Monday; CNY 2023 Sun+Mon → Tuesday.
        assert!(has(Country::Sg, d(2023, 1, 24)));
        assert!(has(Country::Sg, d(2026, 8, 10)));
        // FI/SE/DE/FR do not substitute weekend holidays.
        assert!(!has(Country::Fi, d(2026, 12, 7)));
    }

    #[test]
    fn every_supported_year_has_plausible_lists() {
        for c in Country::ALL {
            for y in 2020..=2035 {
                let v = public_holidays(c, y);
                // The Netherlands has seven days off outside lustrum years.
                let min = if coverage(c, y) == HolidayCoverage::Complete {
                    7
                } else {
                    6
                };
                assert!(v.len() >= min && v.len() <= 20, "{c} {y}: {}", v.len());
                assert!(v.windows(2).all(|w| w[0].date < w[1].date));
                assert!(v.iter().all(|h| rules::year_of(h.date) == y));
            }
        }
    }

    #[test]
    fn country_codes_parse() {
        assert_eq!(Country::parse("fi").unwrap(), Country::Fi);
        assert_eq!(Country::parse("UK").unwrap(), Country::Gb);
        assert_eq!(Country::parse("no").unwrap(), Country::No);
        assert!(Country::parse("XX").is_err());
        assert_eq!(serde_json::to_string(&Country::Se).unwrap(), "\"SE\"");
    }

    use chrono::Datelike;
}
