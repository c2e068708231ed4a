//! The case as the API shows it, and its row mapping.

use crate::error::Result;
use crate::row::{from_millis, RowExt};
use chrono::{DateTime, Utc};
use hoistway_desk::{Priority, Status};
use hoistway_domain::Invalid;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

/// Channels a case can come in through.
pub const CHANNELS: [&str; 5] = ["phone", "portal", "mobile", "api", "connected"];

/// What the reporter said about safety.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Safety {
    pub passengers_trapped: bool,
    /// How many people are trapped (0 when none).
    pub trapped_count: i64,
    pub medical_condition: bool,
    pub car_near_landing: Option<bool>,
    pub unit_removed_from_service: bool,
    pub unit_out_of_service: bool,
    pub hazards: Vec<String>,
}

/// SLA promises and where they stand.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SlaView {
    /// Technician on site by then.
    pub response_due: Option<DateTime<Utc>>,
    /// Resolved by then.
    pub resolution_due: Option<DateTime<Utc>>,
    /// on_track, at_risk, breached or met.
    pub response: Option<String>,
    pub resolution: Option<String>,
}

/// Whether the fault keeps coming back, as the reporter says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Repeatable {
    Yes,
    No,
    /// The reporter does not know.
    Unknown,
}

impl Repeatable {
    pub const ALL: [Repeatable; 3] = [Repeatable::Yes, Repeatable::No, Repeatable::Unknown];

    pub fn as_str(self) -> &'static str {
        match self {
            Repeatable::Yes => "yes",
            Repeatable::No => "no",
            Repeatable::Unknown => "unknown",
        }
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Repeatable, Invalid> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| Invalid::new(field, format!("{s:?} is not yes, no or unknown")))
    }
}

/// When the customer would like to be called back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallbackWindow {
    AsSoonAsPossible,
    Morning,
    Afternoon,
}

impl CallbackWindow {
    pub const ALL: [CallbackWindow; 3] = [
        CallbackWindow::AsSoonAsPossible,
        CallbackWindow::Morning,
        CallbackWindow::Afternoon,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CallbackWindow::AsSoonAsPossible => "as_soon_as_possible",
            CallbackWindow::Morning => "morning",
            CallbackWindow::Afternoon => "afternoon",
        }
    }

    /// The window in plain words (the timeline's English).
    pub fn words(self) -> &'static str {
        match self {
            CallbackWindow::AsSoonAsPossible => "as soon as possible",
            CallbackWindow::Morning => "morning",
            CallbackWindow::Afternoon => "afternoon",
        }
    }

    pub fn parse(field: &'static str, s: &str) -> Result<CallbackWindow, Invalid> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|w| w.as_str() == s)
            .ok_or_else(|| {
                Invalid::new(
                    field,
                    format!("{s:?} is not as_soon_as_possible, morning or afternoon"),
                )
            })
    }
}

/// The customer's latest request for escalation of this case.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EscalationRequest {
    pub requested_at: DateTime<Utc>,
    pub reason: String,
    pub requested_by_user_id: Option<i64>,
    /// When the care center acknowledged it; `null` while it is pending.
    pub acknowledged_at: Option<DateTime<Utc>>,
}

impl EscalationRequest {
    pub fn pending(&self) -> bool {
        self.acknowledged_at.is_none()
    }
}

/// The customer's latest request for a callback on this case.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CallbackRequest {
    pub requested_at: DateTime<Utc>,
    pub phone: String,
    pub window: CallbackWindow,
    pub requested_by_user_id: Option<i64>,
    /// When the care center called back; `null` while it is pending.
    pub done_at: Option<DateTime<Utc>>,
}

impl CallbackRequest {
    pub fn pending(&self) -> bool {
        self.done_at.is_none()
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Case {
    #[serde(skip)]
    pub id: i64,
    /// `SO-YYYY-NNNNNN`.
    pub number: String,
    pub customer_id: i64,
    pub building_id: i64,
    pub unit_id: Option<i64>,
    pub contract_id: Option<i64>,
    /// The contract tier the SLA follows (basic without a contract).
    pub tier: String,
    /// phone, portal, mobile, api or connected.
    pub channel: String,
    pub symptoms: String,
    pub error_codes: Vec<String>,
    /// Where in the building: floor, zone or landing, in the reporter's words.
    pub location_in_building: Option<String>,
    /// Whether the fault repeats; `null` when the reporter did not say.
    pub repeatable: Option<Repeatable>,
    pub passengers_trapped: bool,
    pub safety: Safety,
    pub access_instructions: Option<String>,
    pub po_number: Option<String>,
    pub spending_limit: Option<f64>,
    pub reporter_name: Option<String>,
    pub reporter_user_id: Option<i64>,
    pub callback_phone: Option<String>,
    /// emergency, urgent or routine.
    pub priority: String,
    /// The triage rule that decided the priority.
    pub triage_rule: String,
    pub triage_rationale: String,
    /// new, dispatched, en_route, on_site, on_hold, resolved, closed, cancelled.
    pub status: String,
    pub technician_id: Option<i64>,
    pub eta: Option<DateTime<Utc>>,
    /// When the technician arrived (the latest visit).
    pub on_site_at: Option<DateTime<Utc>>,
    pub first_on_site_at: Option<DateTime<Utc>>,
    pub site_visits: i64,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The part waited for while on hold.
    pub hold_part: Option<String>,
    pub hold_lead_time_days: Option<i64>,
    /// The day the part waited for is expected (YYYY-MM-DD): today plus
    /// the lead time when the case went on hold (a catalogue part in stock
    /// at some depot: the transfer time).
    pub parts_expected_on: Option<String>,
    pub sla: SlaView,
    /// The service report, once posted.
    #[schema(value_type = Option<Object>)]
    pub report: Option<serde_json::Value>,
    /// pending, accepted or declined when the report carries a quote.
    pub quote_decision: Option<String>,
    /// Resolved at the first visit with no follow-up visit (known once reported).
    pub first_time_fix: Option<bool>,
    /// The customer's latest request for escalation (pending until acknowledged).
    pub escalation_request: Option<EscalationRequest>,
    /// The customer's latest request for a callback (pending until done).
    pub callback_request: Option<CallbackRequest>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Query parameters of the case list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CaseFilter {
    pub cursor: Option<String>,
    pub limit: Option<i64>,
    pub customer_id: Option<i64>,
    pub building_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub technician_id: Option<i64>,
    /// A status, or `open` for every case still needing work.
    pub status: Option<String>,
    pub priority: Option<String>,
    pub channel: Option<String>,
    /// Search in number and symptoms.
    pub q: Option<String>,
    /// `id` (default) or `sla`: open promises most urgent first.
    pub sort: Option<String>,
}

fn opt_instant(r: &AnyRow, col: &str) -> Result<Option<DateTime<Utc>>> {
    Ok(r.opt_int(col)?.map(from_millis))
}

fn json_list(r: &AnyRow, col: &str) -> Result<Vec<String>> {
    Ok(serde_json::from_str(&r.text(col)?).unwrap_or_default())
}

pub(crate) fn from_row(r: &AnyRow) -> Result<Case> {
    let trapped = r.int("passengers_trapped")?;
    let report: Option<serde_json::Value> = r
        .opt_text("report")?
        .and_then(|t| serde_json::from_str(&t).ok());
    let site_visits = r.int("site_visits")?;
    let first_time_fix = report.as_ref().map(|rep| {
        let follow_up_visit = rep["follow_ups"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x["requires_visit"] == true));
        site_visits <= 1 && !follow_up_visit
    });
    Ok(Case {
        id: r.int("id")?,
        number: r.text("number")?,
        customer_id: r.int("customer_id")?,
        building_id: r.int("building_id")?,
        unit_id: r.opt_int("unit_id")?,
        contract_id: r.opt_int("contract_id")?,
        tier: r.text("tier")?,
        channel: r.text("channel")?,
        symptoms: r.text("symptoms")?,
        error_codes: json_list(r, "error_codes")?,
        location_in_building: r.opt_text("location_in_building")?,
        repeatable: r
            .opt_text("repeatable")?
            .and_then(|v| Repeatable::parse("repeatable", &v).ok()),
        passengers_trapped: trapped > 0,
        safety: Safety {
            passengers_trapped: trapped > 0,
            trapped_count: trapped,
            medical_condition: r.int("medical_condition")? != 0,
            car_near_landing: r.opt_int("car_near_landing")?.map(|v| v != 0),
            unit_removed_from_service: r.int("unit_removed_from_service")? != 0,
            unit_out_of_service: r.int("unit_out_of_service")? != 0,
            hazards: json_list(r, "hazards")?,
        },
        access_instructions: r.opt_text("access_instructions")?,
        po_number: r.opt_text("po_number")?,
        spending_limit: r.opt_int("spending_limit_cents")?.map(|c| c as f64 / 100.0),
        reporter_name: r.opt_text("reporter_name")?,
        reporter_user_id: r.opt_int("reporter_user_id")?,
        callback_phone: r.opt_text("callback_phone")?,
        priority: r.text("priority")?,
        triage_rule: r.text("triage_rule")?,
        triage_rationale: r.text("triage_rationale")?,
        status: r.text("status")?,
        technician_id: r.opt_int("technician_id")?,
        eta: opt_instant(r, "eta")?,
        on_site_at: opt_instant(r, "on_site_at")?,
        first_on_site_at: opt_instant(r, "first_on_site_at")?,
        site_visits,
        resolved_at: opt_instant(r, "resolved_at")?,
        closed_at: opt_instant(r, "closed_at")?,
        hold_part: r.opt_text("hold_part")?,
        hold_lead_time_days: r.opt_int("hold_lead_days")?,
        parts_expected_on: r.opt_text("hold_parts_expected_on")?,
        sla: SlaView {
            response_due: opt_instant(r, "response_due")?,
            resolution_due: opt_instant(r, "resolution_due")?,
            response: r.opt_text("sla_response")?,
            resolution: r.opt_text("sla_resolution")?,
        },
        report,
        quote_decision: r.opt_text("quote_decision")?,
        first_time_fix,
        escalation_request: match r.opt_int("escalation_requested_at")? {
            Some(at) => Some(EscalationRequest {
                requested_at: from_millis(at),
                reason: r.opt_text("escalation_request_reason")?.unwrap_or_default(),
                requested_by_user_id: r.opt_int("escalation_requested_by")?,
                acknowledged_at: opt_instant(r, "escalation_acknowledged_at")?,
            }),
            None => None,
        },
        callback_request: match (
            r.opt_int("callback_requested_at")?,
            r.opt_text("callback_request_window")?
                .and_then(|w| CallbackWindow::parse("window", &w).ok()),
        ) {
            (Some(at), Some(window)) => Some(CallbackRequest {
                requested_at: from_millis(at),
                phone: r.opt_text("callback_request_phone")?.unwrap_or_default(),
                window,
                requested_by_user_id: r.opt_int("callback_requested_by")?,
                done_at: opt_instant(r, "callback_done_at")?,
            }),
            _ => None,
        },
        created_at: r.instant("created_at")?,
        updated_at: r.instant("updated_at")?,
    })
}

impl Case {
    pub fn status(&self) -> Status {
        parse_status("status", &self.status).unwrap_or(Status::New)
    }

    pub fn priority(&self) -> Priority {
        parse_priority("priority", &self.priority).unwrap_or(Priority::Routine)
    }
}

pub(crate) fn parse_status(field: &'static str, s: &str) -> Result<Status, Invalid> {
    Status::ALL
        .into_iter()
        .find(|x| x.as_str() == s)
        .ok_or_else(|| {
            let names: Vec<&str> = Status::ALL.iter().map(|x| x.as_str()).collect();
            Invalid::new(
                field,
                format!("unknown status {s:?}; one of {}", names.join(", ")),
            )
        })
}

pub(crate) fn parse_priority(field: &'static str, s: &str) -> Result<Priority, Invalid> {
    Priority::ALL
        .into_iter()
        .find(|x| x.as_str() == s)
        .ok_or_else(|| {
            Invalid::new(
                field,
                format!("unknown priority {s:?}; one of emergency, urgent, routine"),
            )
        })
}

pub(crate) fn parse_channel(s: &str) -> Result<&'static str, Invalid> {
    CHANNELS.into_iter().find(|c| *c == s).ok_or_else(|| {
        Invalid::new(
            "channel",
            format!("unknown channel {s:?}; one of {}", CHANNELS.join(", ")),
        )
    })
}
