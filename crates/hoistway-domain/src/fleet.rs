//! The closed vocabularies of the fleet registry.

use crate::error::Invalid;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Declares a string enum with `as_str`, `parse` (naming the allowed values
/// when it refuses) and serde/OpenAPI names equal to the wire names.
#[macro_export]
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($variant:ident => $wire:tt),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub enum $name {
            $(#[serde(rename = $wire)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire),+ }
            }

            pub fn parse(raw: &str) -> Result<Self, $crate::error::Invalid> {
                match raw.trim() {
                    $($wire => Ok($name::$variant),)+
                    other => Err($crate::error::Invalid::new(
                        $field,
                        format!("'{}' is not one of: {}", other, [$($wire),+].join(", ")),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

wire_enum!(
    /// What a unit is.
    UnitKind, "kind" { Elevator => "elevator", Escalator => "escalator", Door => "door" }
);

wire_enum!(
    /// Contract tier: decides SLA targets and maintenance frequency.
    Tier, "tier" { Basic => "basic", Standard => "standard", Comprehensive => "comprehensive" }
);

wire_enum!(
    /// How often a contract is invoiced.
    BillingInterval, "billing_interval" { Monthly => "monthly", Quarterly => "quarterly", Annual => "annual" }
);

wire_enum!(
    /// The status of an invoice as a user sees it. `overdue` is never stored:
    /// it follows from the due date and the clock (see [`InvoiceStatus::effective`]).
    InvoiceStatus, "status" { Issued => "issued", Paid => "paid", Unpaid => "unpaid", Overdue => "overdue" }
);

impl InvoiceStatus {
    /// The status to show on `today`: an unpaid or issued invoice past its
    /// due date is overdue.
    pub fn effective(self, due_on: NaiveDate, today: NaiveDate) -> Self {
        match self {
            InvoiceStatus::Issued | InvoiceStatus::Unpaid if today > due_on => {
                InvoiceStatus::Overdue
            }
            other => other,
        }
    }

    /// The status as stored: overdue is derived, so it is refused as input.
    pub fn parse_stored(raw: &str) -> Result<Self, Invalid> {
        match Self::parse(raw)? {
            InvoiceStatus::Overdue => Err(Invalid::new(
                "status",
                "overdue follows from the due date; set issued, paid or unpaid",
            )),
            s => Ok(s),
        }
    }
}

impl BillingInterval {
    pub fn months(self) -> u32 {
        match self {
            BillingInterval::Monthly => 1,
            BillingInterval::Quarterly => 3,
            BillingInterval::Annual => 12,
        }
    }
}

/// Money in minor units (cents), the only way amounts are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Cents(pub i64);

impl Cents {
    /// Parses a non-negative decimal amount with at most two decimals.
    pub fn from_decimal(field: &'static str, amount: f64) -> Result<Self, Invalid> {
        if !amount.is_finite() || amount < 0.0 {
            return Err(Invalid::new(field, "must be a non-negative amount"));
        }
        if amount > 1e12 {
            return Err(Invalid::new(field, "is too large"));
        }
        let cents = (amount * 100.0).round();
        if ((cents / 100.0) - amount).abs() > 1e-6 {
            return Err(Invalid::new(field, "has more than two decimals"));
        }
        Ok(Cents(cents as i64))
    }

    pub fn to_decimal(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

/// A three-letter ISO 4217 currency code (upper-case letters only).
pub fn parse_currency(raw: &str) -> Result<String, Invalid> {
    let s = raw.trim().to_uppercase();
    if s.len() == 3 && s.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(s)
    } else {
        Err(Invalid::new(
            "currency",
            format!("'{raw}' is not a currency code like EUR"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip_and_refusals_name_the_choices() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse(k.as_str()).unwrap(), *k);
        }
        let err = UnitKind::parse("lift").unwrap_err();
        assert!(err.message.contains("elevator, escalator, door"), "{err}");
        assert_eq!(
            serde_json::to_string(&Tier::Comprehensive).unwrap(),
            "\"comprehensive\""
        );
    }

    #[test]
    fn overdue_follows_from_due_date() {
        let due = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        let before = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
        let after = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        assert_eq!(
            InvoiceStatus::Unpaid.effective(due, before),
            InvoiceStatus::Unpaid
        );
        assert_eq!(
            InvoiceStatus::Unpaid.effective(due, after),
            InvoiceStatus::Overdue
        );
        assert_eq!(
            InvoiceStatus::Issued.effective(due, after),
            InvoiceStatus::Overdue
        );
        assert_eq!(
            InvoiceStatus::Paid.effective(due, after),
            InvoiceStatus::Paid
        );
        assert!(InvoiceStatus::parse_stored("overdue").is_err());
    }

    #[test]
    fn cents() {
        assert_eq!(Cents::from_decimal("a", 12.34).unwrap(), Cents(1234));
        assert!(Cents::from_decimal("a", -1.0).is_err());
        assert!(Cents::from_decimal("a", 1.234).is_err());
        assert!(Cents::from_decimal("a", f64::NAN).is_err());
        assert_eq!(parse_currency("eur").unwrap(), "EUR");
        assert!(parse_currency("EURO").is_err());
    }
}
