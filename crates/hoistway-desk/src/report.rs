//! Service report: what the technician writes on resolution. A
//! [`ServiceReportDraft`] is what arrives from a form or the API; validation
//! turns it into a [`ServiceReport`] whose parts are all valid, or returns
//! every problem at once so a form can show them together.

use serde::{Deserialize, Serialize};

/// A spare-part number: trimmed, non-empty, at most 64 characters, no inner
/// whitespace (part catalogues never have it; a space means a typo).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartNumber(String);

impl PartNumber {
    pub fn parse(s: &str) -> Result<Self, ReportError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(ReportError::PartNumberEmpty);
        }
        if t.len() > 64 || t.chars().any(char::is_whitespace) {
            return Err(ReportError::PartNumberInvalid(t.to_owned()));
        }
        Ok(Self(t.to_owned()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PartNumber {
    type Error = ReportError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<PartNumber> for String {
    fn from(p: PartNumber) -> Self {
        p.0
    }
}

/// A cause code from the maintenance catalogue: 1–32 characters of upper-case
/// letters, digits, `-`, `_` or `.` (input is upper-cased).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CauseCode(String);

impl CauseCode {
    pub fn parse(s: &str) -> Result<Self, ReportError> {
        let t = s.trim().to_ascii_uppercase();
        let ok = !t.is_empty()
            && t.len() <= 32
            && t.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"-_.".contains(&b));
        if ok {
            Ok(Self(t))
        } else {
            Err(ReportError::CauseCodeInvalid(s.to_owned()))
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CauseCode {
    type Error = ReportError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CauseCode> for String {
    fn from(c: CauseCode) -> Self {
        c.0
    }
}

/// A customer's answer to a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteDecision {
    Pending,
    Accepted,
    Declined,
}

/// One line of parts used, as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartUsedDraft {
    pub part_number: String,
    pub quantity: i64,
}

/// A quote for further work, as typed. Money is in minor units (cents) so
/// no float rounding reaches an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteDraft {
    pub amount_minor: i64,
    pub currency: String,
    pub text: String,
    pub decision: QuoteDecision,
}

/// A follow-up action; `requires_visit` is what makes a fix not first-time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub action: String,
    #[serde(default)]
    pub requires_visit: bool,
}

/// The report as submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceReportDraft {
    pub findings: String,
    pub cause_code: String,
    pub actions: Vec<String>,
    #[serde(default)]
    pub parts_used: Vec<PartUsedDraft>,
    #[serde(default)]
    pub follow_ups: Vec<FollowUp>,
    #[serde(default)]
    pub quote: Option<QuoteDraft>,
    pub returned_to_service: bool,
    /// The controller or a safety component was replaced: the authority
    /// inspects the unit before it returns to service, and the case closes
    /// only once that inspection is recorded.
    #[serde(default)]
    pub inspection_required: bool,
    /// Minutes of labour to charge; left out, the time since arrival on
    /// site (capped) is used.
    #[serde(default)]
    pub labour_minutes: Option<i64>,
    /// The cause falls under a contract exclusion: vandalism, water_ingress,
    /// misuse or power_quality (checked against the contract's terms).
    #[serde(default)]
    pub exclusion: Option<String>,
}

/// A validated line of parts used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartUsed {
    pub part_number: PartNumber,
    pub quantity: u32,
}

/// A validated quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub amount_minor: u64,
    pub currency: String,
    pub text: String,
    pub decision: QuoteDecision,
}

/// A validated service report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceReport {
    pub findings: String,
    pub cause_code: CauseCode,
    pub actions: Vec<String>,
    pub parts_used: Vec<PartUsed>,
    pub follow_ups: Vec<FollowUp>,
    pub quote: Option<Quote>,
    pub returned_to_service: bool,
    /// See [`ServiceReportDraft::inspection_required`].
    #[serde(default)]
    pub inspection_required: bool,
    /// See [`ServiceReportDraft::labour_minutes`].
    #[serde(default)]
    pub labour_minutes: Option<u32>,
    /// See [`ServiceReportDraft::exclusion`].
    #[serde(default)]
    pub exclusion: Option<String>,
}

/// One problem in a report; `index` is the position in its list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ReportError {
    #[error("findings must not be empty")]
    FindingsEmpty,
    #[error("cause code {0:?} is not a catalogue code (A-Z, 0-9, - _ ., up to 32)")]
    CauseCodeInvalid(String),
    #[error("at least one action must be listed")]
    ActionsEmpty,
    #[error("action {index} is empty")]
    ActionEmpty { index: usize },
    #[error("part number must not be empty")]
    PartNumberEmpty,
    #[error("part number {0:?} has whitespace or is longer than 64")]
    PartNumberInvalid(String),
    #[error("part line {index}: {source}")]
    PartLine {
        index: usize,
        #[source]
        source: Box<ReportError>,
    },
    #[error("part line {index}: quantity must be at least 1, got {quantity}")]
    QuantityNotPositive { index: usize, quantity: i64 },
    #[error("follow-up {index} is empty")]
    FollowUpEmpty { index: usize },
    #[error("quote amount must not be negative, got {0}")]
    QuoteNegative(i64),
    #[error("quote currency {0:?} is not a three-letter code")]
    QuoteCurrency(String),
    #[error("quote text must not be empty")]
    QuoteTextEmpty,
    #[error("labour minutes must be 0 to 1440, got {0}")]
    LabourMinutes(i64),
    #[error("a unit whose controller or a safety component was replaced returns to service only after the authority's inspection: returned_to_service must be false")]
    ReturnedBeforeInspection,
}

/// Every problem found in a draft.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("service report has {} problem(s): {}", .0.len(), .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
pub struct ReportErrors(pub Vec<ReportError>);

impl ServiceReportDraft {
    /// Validates the draft, collecting all problems.
    pub fn validate(&self) -> Result<ServiceReport, ReportErrors> {
        let mut errs = Vec::new();
        let findings = self.findings.trim().to_owned();
        if findings.is_empty() {
            errs.push(ReportError::FindingsEmpty);
        }
        let cause_code = CauseCode::parse(&self.cause_code)
            .map_err(|e| errs.push(e))
            .ok();
        if self.actions.is_empty() {
            errs.push(ReportError::ActionsEmpty);
        }
        let mut actions = Vec::new();
        for (index, a) in self.actions.iter().enumerate() {
            if a.trim().is_empty() {
                errs.push(ReportError::ActionEmpty { index });
            } else {
                actions.push(a.trim().to_owned());
            }
        }
        let mut parts_used = Vec::new();
        for (index, p) in self.parts_used.iter().enumerate() {
            let number = PartNumber::parse(&p.part_number).map_err(|e| {
                errs.push(ReportError::PartLine {
                    index,
                    source: Box::new(e),
                })
            });
            let qty = u32::try_from(p.quantity).ok().filter(|q| *q > 0);
            if qty.is_none() {
                errs.push(ReportError::QuantityNotPositive {
                    index,
                    quantity: p.quantity,
                });
            }
            if let (Ok(part_number), Some(quantity)) = (number, qty) {
                parts_used.push(PartUsed {
                    part_number,
                    quantity,
                });
            }
        }
        for (index, f) in self.follow_ups.iter().enumerate() {
            if f.action.trim().is_empty() {
                errs.push(ReportError::FollowUpEmpty { index });
            }
        }
        let quote = self
            .quote
            .as_ref()
            .and_then(|q| validate_quote(q, &mut errs));
        if self.inspection_required && self.returned_to_service {
            errs.push(ReportError::ReturnedBeforeInspection);
        }
        let labour_minutes = match self.labour_minutes {
            None => None,
            Some(m) => match u32::try_from(m).ok().filter(|m| *m <= 24 * 60) {
                Some(m) => Some(m),
                None => {
                    errs.push(ReportError::LabourMinutes(m));
                    None
                }
            },
        };
        let exclusion = self
            .exclusion
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(str::to_owned);
        match cause_code {
            Some(cause_code) if errs.is_empty() => Ok(ServiceReport {
                findings,
                cause_code,
                actions,
                parts_used,
                follow_ups: self.follow_ups.clone(),
                quote,
                returned_to_service: self.returned_to_service,
                inspection_required: self.inspection_required,
                labour_minutes,
                exclusion,
            }),
            _ => Err(ReportErrors(errs)),
        }
    }
}

fn validate_quote(q: &QuoteDraft, errs: &mut Vec<ReportError>) -> Option<Quote> {
    let before = errs.len();
    if q.amount_minor < 0 {
        errs.push(ReportError::QuoteNegative(q.amount_minor));
    }
    let currency = q.currency.trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        errs.push(ReportError::QuoteCurrency(q.currency.clone()));
    }
    if q.text.trim().is_empty() {
        errs.push(ReportError::QuoteTextEmpty);
    }
    (errs.len() == before).then(|| Quote {
        amount_minor: q.amount_minor.unsigned_abs(),
        currency,
        text: q.text.trim().to_owned(),
        decision: q.decision,
    })
}

impl ServiceReport {
    /// Some follow-up needs another visit to the unit.
    pub fn needs_follow_up_visit(&self) -> bool {
        self.follow_ups.iter().any(|f| f.requires_visit) || !self.returned_to_service
    }
}

/// First-time fix: resolved at the first visit with no follow-up visit.
///
/// `visits` counts technician visits up to resolution. A unit left out of
/// service counts as needing a follow-up visit, since it is not fixed.
pub fn is_first_time_fix(visits: u32, report: &ServiceReport) -> bool {
    visits == 1 && !report.needs_follow_up_visit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ServiceReportDraft {
        ServiceReportDraft {
            findings: "Door roller worn on landing 3".into(),
            cause_code: "door-01".into(),
            actions: vec!["replaced roller".into(), "adjusted door".into()],
            parts_used: vec![PartUsedDraft {
                part_number: "KM601234G01".into(),
                quantity: 2,
            }],
            follow_ups: vec![FollowUp {
                action: "check other landings at next PM".into(),
                requires_visit: false,
            }],
            quote: Some(QuoteDraft {
                amount_minor: 120_000,
                currency: "eur".into(),
                text: "replace all landing rollers".into(),
                decision: QuoteDecision::Pending,
            }),
            returned_to_service: true,
            inspection_required: false,
            labour_minutes: Some(45),
            exclusion: None,
        }
    }

    #[test]
    fn labour_minutes_are_bounded() {
        let mut d = good();
        assert_eq!(d.validate().unwrap().labour_minutes, Some(45));
        d.labour_minutes = Some(-1);
        let errs = d.validate().unwrap_err().0;
        assert_eq!(errs, vec![ReportError::LabourMinutes(-1)]);
        d.labour_minutes = Some(1441);
        assert!(d.validate().is_err());
    }

    #[test]
    fn a_unit_awaiting_inspection_is_not_back_in_service() {
        let mut d = good();
        d.inspection_required = true;
        let errs = d.validate().unwrap_err().0;
        assert_eq!(errs, vec![ReportError::ReturnedBeforeInspection]);
        d.returned_to_service = false;
        let r = d.validate().unwrap();
        assert!(r.inspection_required && !r.returned_to_service);
        // Reports stored before the field existed read as "not required".
        let old = serde_json::json!({"findings": "f", "cause_code": "C", "actions": ["a"],
            "parts_used": [], "follow_ups": [], "quote": null, "returned_to_service": true});
        let r: ServiceReport = serde_json::from_value(old).unwrap();
        assert!(!r.inspection_required);
    }

    #[test]
    fn valid_report_passes_and_normalises() {
        let r = good().validate().unwrap();
        assert_eq!(r.cause_code.as_str(), "DOOR-01");
        assert_eq!(r.parts_used[0].quantity, 2);
        assert_eq!(r.quote.as_ref().unwrap().currency, "EUR");
        assert!(is_first_time_fix(1, &r));
        assert!(!is_first_time_fix(2, &r));
    }

    #[test]
    fn collects_every_problem() {
        let mut d = good();
        d.findings = " ".into();
        d.cause_code = "no spaces allowed".into();
        d.actions = vec![];
        d.parts_used = vec![
            PartUsedDraft {
                part_number: "".into(),
                quantity: 0,
            },
            PartUsedDraft {
                part_number: "OK1".into(),
                quantity: -3,
            },
        ];
        d.quote = Some(QuoteDraft {
            amount_minor: -1,
            currency: "EURO".into(),
            text: "".into(),
            decision: QuoteDecision::Declined,
        });
        let errs = d.validate().unwrap_err().0;
        assert!(errs.contains(&ReportError::FindingsEmpty));
        assert!(errs.contains(&ReportError::ActionsEmpty));
        assert!(errs
            .iter()
            .any(|e| matches!(e, ReportError::CauseCodeInvalid(_))));
        assert!(errs.contains(&ReportError::PartLine {
            index: 0,
            source: Box::new(ReportError::PartNumberEmpty)
        }));
        assert!(errs.contains(&ReportError::QuantityNotPositive {
            index: 0,
            quantity: 0
        }));
        assert!(errs.contains(&ReportError::QuantityNotPositive {
            index: 1,
            quantity: -3
        }));
        assert!(errs.contains(&ReportError::QuoteNegative(-1)));
        assert!(errs.contains(&ReportError::QuoteTextEmpty));
        assert!(errs
            .iter()
            .any(|e| matches!(e, ReportError::QuoteCurrency(_))));
        assert_eq!(errs.len(), 9);
    }

    #[test]
    fn zero_quote_is_allowed() {
        let mut d = good();
        d.quote.as_mut().unwrap().amount_minor = 0;
        assert_eq!(d.validate().unwrap().quote.unwrap().amount_minor, 0);
    }

    #[test]
    fn follow_up_visit_or_unit_down_is_not_first_time_fix() {
        let mut d = good();
        d.follow_ups[0].requires_visit = true;
        assert!(!is_first_time_fix(1, &d.validate().unwrap()));
        let mut d = good();
        d.returned_to_service = false;
        assert!(!is_first_time_fix(1, &d.validate().unwrap()));
    }

    #[test]
    fn part_number_refuses_blank_and_spaces() {
        assert!(PartNumber::parse("  ").is_err());
        assert!(PartNumber::parse("KM 6012").is_err());
        assert_eq!(PartNumber::parse(" KM6012 ").unwrap().as_str(), "KM6012");
        assert!(serde_json::from_str::<PartNumber>("\"\"").is_err());
    }
}
