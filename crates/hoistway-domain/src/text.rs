//! Validated strings of the registry. Each has a `parse` that refuses bad
//! values with a message a user can act on.

use crate::error::Invalid;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_newtype {
    ($name:ident) => {
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_inner(self) -> String {
                self.0
            }
        }
    };
}

/// An e-mail address, lower-cased, with one `@`, a non-empty local part and a
/// dotted domain. Deliberately not RFC 5322 complete: it refuses what is
/// surely wrong and keeps what users type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Email(String);
string_newtype!(Email);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim().to_lowercase();
        let bad =
            |why: &str| Invalid::new("email", format!("'{raw}' is not an e-mail address: {why}"));
        if s.len() > 254 {
            return Err(bad("longer than 254 characters"));
        }
        let (local, domain) = s.split_once('@').ok_or_else(|| bad("no '@'"))?;
        if local.is_empty() || domain.contains('@') {
            return Err(bad("expected exactly one '@' after a name"));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("contains spaces"));
        }
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
            return Err(bad("the domain needs a dot, like example.com"));
        }
        Ok(Self(s))
    }
}

/// An equipment number: `ken:` plus digits (the form the compatible API
/// uses), or a plain identifier of letters, digits, `-`, `_`, `.`, up to 40.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EquipmentNumber(String);
string_newtype!(EquipmentNumber);

impl EquipmentNumber {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim();
        let field = "equipment_number";
        if let Some(digits) = s.strip_prefix("ken:") {
            if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
                return Err(Invalid::new(
                    field,
                    format!("'{s}': after 'ken:' only digits are allowed"),
                ));
            }
            return Ok(Self(s.to_string()));
        }
        if s.is_empty() || s.len() > 40 {
            return Err(Invalid::new(field, "must be 1 to 40 characters"));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(Invalid::new(
                field,
                format!("'{s}': use letters, digits, '-', '_' or '.', or 'ken:' plus digits"),
            ));
        }
        Ok(Self(s.to_string()))
    }
}

/// An ISO 3166-1 alpha-2 country code, upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CountryCode(String);
string_newtype!(CountryCode);

impl CountryCode {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim().to_uppercase();
        match isocountry::CountryCode::for_alpha2(&s) {
            Ok(_) => Ok(Self(s)),
            Err(_) => Err(Invalid::new(
                "country",
                format!("'{raw}' is not an ISO 3166-1 alpha-2 country code (like FI, DE, US)"),
            )),
        }
    }
}

/// An IANA time zone name such as `Europe/Helsinki`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TimeZoneName(String);
string_newtype!(TimeZoneName);

impl TimeZoneName {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let s = raw.trim();
        s.parse::<chrono_tz::Tz>()
            .map(|tz| Self(tz.name().to_string()))
            .map_err(|_| {
                Invalid::new(
                    "timezone",
                    format!("'{raw}' is not an IANA time zone (like Europe/Helsinki)"),
                )
            })
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        // Only constructed through `parse`, which proved the name valid.
        self.0.parse().unwrap_or(chrono_tz::UTC)
    }
}

/// A required human-readable name: trimmed, 1 to `max` characters.
pub fn required_text(field: &'static str, raw: &str, max: usize) -> Result<String, Invalid> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    if s.chars().count() > max {
        return Err(Invalid::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(s.to_string())
}

/// An optional free text: trimmed, empty becomes `None`, at most `max` characters.
pub fn optional_text(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, Invalid> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => required_text(field, s, max).map(Some),
    }
}

/// A calendar date in `YYYY-MM-DD`.
pub fn parse_date(field: &'static str, raw: &str) -> Result<NaiveDate, Invalid> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| Invalid::new(field, format!("'{raw}' is not a date in YYYY-MM-DD form")))
}

/// Refuses a period whose end comes before its start.
pub fn ordered_dates(
    start_field: &'static str,
    start: NaiveDate,
    end_field: &'static str,
    end: Option<NaiveDate>,
) -> Result<(), Invalid> {
    match end {
        Some(end) if end < start => Err(Invalid::new(
            end_field,
            format!("{end} is before {start_field} {start}"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn email_is_normalised_and_checked() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "@example.com",
            "ann@",
            "ann@example",
            "a@b@c.d",
            "a b@c.de",
            "ann@.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn equipment_numbers() {
        assert!(EquipmentNumber::parse("ken:41234567").is_ok());
        assert!(EquipmentNumber::parse("EL-042").is_ok());
        assert!(EquipmentNumber::parse("ken:").is_err());
        assert!(EquipmentNumber::parse("ken:12a").is_err());
        assert!(EquipmentNumber::parse("has space").is_err());
        assert!(EquipmentNumber::parse(&"x".repeat(41)).is_err());
    }

    #[test]
    fn countries_and_zones() {
        assert_eq!(CountryCode::parse("fi").unwrap().as_str(), "FI");
        assert!(CountryCode::parse("XX").is_err());
        assert!(CountryCode::parse("FIN").is_err());
        assert_eq!(
            TimeZoneName::parse("Europe/Helsinki").unwrap().tz(),
            chrono_tz::Europe::Helsinki
        );
        assert!(TimeZoneName::parse("Mars/Olympus").is_err());
    }

    #[test]
    fn dates_in_order() {
        let a = parse_date("start_date", "2026-01-01").unwrap();
        let b = parse_date("end_date", "2025-12-31").unwrap();
        assert!(ordered_dates("start_date", a, "end_date", Some(b)).is_err());
        assert!(ordered_dates("start_date", b, "end_date", Some(a)).is_ok());
        assert!(parse_date("d", "2026-02-30").is_err());
    }

    proptest! {
        #[test]
        fn parsers_never_panic(s in ".{0,80}") {
            let _ = Email::parse(&s);
            let _ = EquipmentNumber::parse(&s);
            let _ = CountryCode::parse(&s);
            let _ = TimeZoneName::parse(&s);
            let _ = parse_date("d", &s);
        }

        #[test]
        fn ken_numbers_round_trip(n in 0u64..u64::MAX) {
            let raw = format!("ken:{n}");
            let parsed = EquipmentNumber::parse(&raw).unwrap();
            prop_assert_eq!(parsed.as_str(), raw.as_str());
        }
    }
}

/// A phone number as people write it: digits with optional `+`, spaces,
/// dashes and parentheses; 5 to 20 digits.
pub fn parse_phone(field: &'static str, raw: &str) -> Result<String, Invalid> {
    let s = raw.trim();
    let digits = s.chars().filter(char::is_ascii_digit).count();
    let allowed = s.chars().enumerate().all(|(i, c)| {
        c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')') || (c == '+' && i == 0)
    });
    if allowed && (5..=20).contains(&digits) {
        Ok(s.to_string())
    } else {
        Err(Invalid::new(
            field,
            format!("'{raw}' is not a phone number like +358 20 475 1"),
        ))
    }
}

#[cfg(test)]
mod phone_tests {
    #[test]
    fn phones() {
        assert!(super::parse_phone("p", "+358 20 475 1").is_ok());
        assert!(super::parse_phone("p", "(555) 123-4567").is_ok());
        assert!(super::parse_phone("p", "12").is_err());
        assert!(super::parse_phone("p", "call me").is_err());
        assert!(super::parse_phone("p", "1+2345678").is_err());
    }
}
