//! Case numbers: `SO-YYYY-NNNNNN`, the reference a caller reads out on the phone.
//!
//! A `CaseNumber` that exists is well formed: the only ways to get one are
//! [`CaseNumber::new`] and [`CaseNumber::parse`], both of which refuse bad input.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Highest sequence that fits the six digits of the format.
pub const MAX_SEQUENCE: u32 = 999_999;

/// A service-order number such as `SO-2026-000042`.
///
/// The year is the year the case was opened (four digits, 1000–9999) and the
/// sequence is per year, starting at 1; `000000` is refused so that a zeroed
/// counter in storage is caught rather than handed to a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseNumber {
    year: u16,
    sequence: u32,
}

/// Why a string or a pair of numbers is not a case number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseNumberError {
    #[error("case number must look like SO-YYYY-NNNNNN, got {0:?}")]
    Malformed(String),
    #[error("case number year {0} is outside 1000..=9999")]
    Year(u32),
    #[error("case number sequence {0} is outside 1..=999999")]
    Sequence(u32),
}

impl CaseNumber {
    /// Builds a case number from its parts, refusing values the format cannot hold.
    pub fn new(year: u32, sequence: u32) -> Result<Self, CaseNumberError> {
        if !(1000..=9999).contains(&year) {
            return Err(CaseNumberError::Year(year));
        }
        if !(1..=MAX_SEQUENCE).contains(&sequence) {
            return Err(CaseNumberError::Sequence(sequence));
        }
        Ok(Self {
            year: year as u16,
            sequence,
        })
    }

    /// Parses exactly `SO-YYYY-NNNNNN` (upper-case prefix, ASCII digits, no spaces).
    pub fn parse(s: &str) -> Result<Self, CaseNumberError> {
        let malformed = || CaseNumberError::Malformed(s.to_owned());
        let rest = s.strip_prefix("SO-").ok_or_else(malformed)?;
        let (year, seq) = rest.split_once('-').ok_or_else(malformed)?;
        let all_digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        if !all_digits(year, 4) || !all_digits(seq, 6) {
            return Err(malformed());
        }
        // Both parts are short runs of ASCII digits, so these parses cannot overflow.
        let year: u32 = year.parse().map_err(|_| malformed())?;
        let seq: u32 = seq.parse().map_err(|_| malformed())?;
        Self::new(year, seq)
    }

    pub fn year(&self) -> u32 {
        u32::from(self.year)
    }

    pub fn sequence(&self) -> u32 {
        self.sequence
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SO-{:04}-{:06}", self.year, self.sequence)
    }
}

impl FromStr for CaseNumber {
    type Err = CaseNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CaseNumber {
    type Error = CaseNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CaseNumber> for String {
    fn from(n: CaseNumber) -> Self {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_with_zero_padding() {
        let n = CaseNumber::new(2026, 42).unwrap();
        assert_eq!(n.to_string(), "SO-2026-000042");
        assert_eq!(n.year(), 2026);
        assert_eq!(n.sequence(), 42);
    }

    #[test]
    fn refuses_bad_values() {
        for bad in [
            "",
            "SO-2026-00004",
            "SO-2026-0000042",
            "so-2026-000042",
            "SO-26-000042",
            "SO-2026-000000",
            "SO-0999-000001",
            "SO-2026-00004a",
            " SO-2026-000042",
            "SO-2026-000042 ",
            "SO-2026_000042",
            "SO-+026-000042",
            "SO-2026-+00042",
        ] {
            assert!(CaseNumber::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert_eq!(CaseNumber::new(2026, 0), Err(CaseNumberError::Sequence(0)));
        assert_eq!(
            CaseNumber::new(2026, 1_000_000),
            Err(CaseNumberError::Sequence(1_000_000))
        );
        assert_eq!(
            CaseNumber::new(10_000, 1),
            Err(CaseNumberError::Year(10_000))
        );
    }

    #[test]
    fn serde_uses_the_display_form_and_validates() {
        let n = CaseNumber::new(2031, 7).unwrap();
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(json, "\"SO-2031-000007\"");
        assert_eq!(serde_json::from_str::<CaseNumber>(&json).unwrap(), n);
        assert!(serde_json::from_str::<CaseNumber>("\"SO-2031-000000\"").is_err());
    }

    proptest! {
        #[test]
        fn round_trips(year in 1000u32..=9999, seq in 1u32..=MAX_SEQUENCE) {
            let n = CaseNumber::new(year, seq).unwrap();
            let back = CaseNumber::parse(&n.to_string()).unwrap();
            prop_assert_eq!(back, n);
            prop_assert_eq!(back.year(), year);
            prop_assert_eq!(back.sequence(), seq);
        }

        #[test]
        fn parse_never_panics_and_accepts_only_canonical(s in ".{0,20}") {
            if let Ok(n) = CaseNumber::parse(&s) {
                prop_assert_eq!(n.to_string(), s);
            }
        }

        #[test]
        fn ordering_follows_year_then_sequence(a in 1000u32..=9999, b in 1u32..=MAX_SEQUENCE,
                                               c in 1000u32..=9999, d in 1u32..=MAX_SEQUENCE) {
            let x = CaseNumber::new(a, b).unwrap();
            let y = CaseNumber::new(c, d).unwrap();
            prop_assert_eq!(x.cmp(&y), (a, b).cmp(&(c, d)));
            // The zero padding makes string order agree with numeric order.
            prop_assert_eq!(x.to_string().cmp(&y.to_string()), (a, b).cmp(&(c, d)));
        }
    }
}
