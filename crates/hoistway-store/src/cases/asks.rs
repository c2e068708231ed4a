//! What a customer asks of the care center on an open case (issues #19,
//! #20): escalation, with a reason, and a callback, with a phone number
//! and a preferred time. The latest ask of each kind is kept on the case
//! and is *pending* until an operator answers it (acknowledges the
//! escalation, marks the callback done); while one is pending another of
//! the same kind is refused (409), and a case that is resolved, closed or
//! cancelled takes no asks (409). Each ask and answer writes its timeline
//! entry in plain words (visible to the customer), its audit row and the
//! fresh SLA state in one transaction, like every other case change.
//!
//! The pending checks are part of the `UPDATE`'s own condition, so two
//! asks at the same instant cannot both land (on PostgreSQL the second
//! waits for the first's row lock and then finds the ask pending).
//! Who may ask or answer is the API's decision (`hoistway_api::cases`).

use super::lifecycle::{begin, finish};
use super::model::{CallbackWindow, Case};
use super::sla::Rules;
use super::timeline::Entry;
use crate::audit::Actor;
use crate::error::{Result, StoreError};
use crate::sql::Sql;
use crate::Db;
use hoistway_domain::text::{parse_phone, required_text};
use hoistway_domain::Scope;
use serde::Deserialize;

/// Longest reason for an escalation, characters.
pub const REASON_MAX: usize = 1000;

/// A customer's request for escalation.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EscalationAsk {
    /// Why the case needs more attention (1 to 1000 characters).
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// A customer's request for a callback.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallbackAsk {
    /// The number to call, like `+358 40 123 4567`.
    pub phone: String,
    /// `as_soon_as_possible`, `morning` or `afternoon`.
    #[schema(value_type = CallbackWindow)]
    pub window: String,
}

fn closed(case: &Case, what: &str) -> StoreError {
    StoreError::Conflict(format!(
        "case {} is {}; {what} only on an open case",
        case.number, case.status
    ))
}

/// Records the customer's request for escalation.
pub async fn ask_escalation(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    rules: &Rules,
    number: &str,
    ask: EscalationAsk,
) -> Result<Case> {
    let reason = required_text("reason", &ask.reason, REASON_MAX)?;
    let (mut tx, case) = begin(db, scope, number).await?;
    if !case.status().is_open() {
        return Err(closed(&case, "escalation can be asked"));
    }
    let mut up = Sql::new("UPDATE cases SET escalation_requested_at = ");
    up.bind(actor.at.timestamp_millis())
        .push(", escalation_request_reason = ")
        .bind(reason.clone())
        .push(", escalation_requested_by = ")
        .bind(actor.user_id)
        .push(", escalation_acknowledged_at = NULL WHERE id = ")
        .bind(case.id)
        .push(" AND status NOT IN ('resolved', 'closed', 'cancelled')")
        .push(" AND (escalation_requested_at IS NULL OR escalation_acknowledged_at IS NOT NULL)");
    if up.execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "escalation of {} was already asked and the care center has not answered yet",
            case.number
        )));
    }
    let entry = Entry::new(
        "escalation_requested",
        format!("Customer asked for escalation: {reason}"),
    )
    .detail(serde_json::json!({ "reason": reason }));
    finish(tx, rules, actor, &case, "escalation_request", entry, None).await
}

/// The care center acknowledges the pending request for escalation.
pub async fn acknowledge_escalation(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    rules: &Rules,
    number: &str,
) -> Result<Case> {
    let (mut tx, case) = begin(db, scope, number).await?;
    answer(
        &mut tx,
        actor,
        &case,
        ("escalation_requested_at", "escalation_acknowledged_at"),
        "request for escalation",
    )
    .await?;
    let entry = Entry::new(
        "escalation_request_acknowledged",
        "The care center acknowledged the request for escalation",
    );
    finish(
        tx,
        rules,
        actor,
        &case,
        "escalation_request_ack",
        entry,
        None,
    )
    .await
}

/// Records the customer's request for a callback.
pub async fn ask_callback(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    rules: &Rules,
    number: &str,
    ask: CallbackAsk,
) -> Result<Case> {
    let phone = parse_phone("phone", &ask.phone)?;
    let window = CallbackWindow::parse("window", &ask.window)?;
    let (mut tx, case) = begin(db, scope, number).await?;
    if !case.status().is_open() {
        return Err(closed(&case, "a callback can be requested"));
    }
    let mut up = Sql::new("UPDATE cases SET callback_requested_at = ");
    up.bind(actor.at.timestamp_millis())
        .push(", callback_request_phone = ")
        .bind(phone.clone())
        .push(", callback_request_window = ")
        .bind(window.as_str().to_string())
        .push(", callback_requested_by = ")
        .bind(actor.user_id)
        .push(", callback_done_at = NULL WHERE id = ")
        .bind(case.id)
        .push(" AND status NOT IN ('resolved', 'closed', 'cancelled')")
        .push(" AND (callback_requested_at IS NULL OR callback_done_at IS NOT NULL)");
    if up.execute(&mut *tx).await?.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "a callback on {} was already requested and is not done yet",
            case.number
        )));
    }
    let entry = Entry::new(
        "callback_requested",
        format!("Callback requested: {phone}, {}", window.words()),
    )
    .detail(serde_json::json!({ "phone": phone, "window": window.as_str() }));
    finish(tx, rules, actor, &case, "callback_request", entry, None).await
}

/// The care center marks the pending callback done.
pub async fn callback_done(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    rules: &Rules,
    number: &str,
) -> Result<Case> {
    let (mut tx, case) = begin(db, scope, number).await?;
    answer(
        &mut tx,
        actor,
        &case,
        ("callback_requested_at", "callback_done_at"),
        "callback",
    )
    .await?;
    let phone = case
        .callback_request
        .as_ref()
        .map(|c| c.phone.clone())
        .unwrap_or_default();
    let entry = Entry::new(
        "callback_done",
        format!("The care center called back ({phone})"),
    );
    finish(tx, rules, actor, &case, "callback_done", entry, None).await
}

/// Marks the pending ask of `columns` (asked, answered) answered now; a
/// conflict when none is waiting. The check is in the update itself, so
/// two answers at once cannot both land.
async fn answer(
    tx: &mut crate::Tx<'_>,
    actor: Actor,
    case: &Case,
    (asked, answered): (&str, &str),
    what: &str,
) -> Result<()> {
    let mut up = Sql::new(&format!("UPDATE cases SET {answered} = "));
    up.bind(actor.at.timestamp_millis())
        .push(" WHERE id = ")
        .bind(case.id)
        .push(&format!(" AND {asked} IS NOT NULL AND {answered} IS NULL"));
    if up.execute(&mut **tx).await?.rows_affected() == 0 {
        return Err(StoreError::Conflict(format!(
            "no {what} is waiting on {}",
            case.number
        )));
    }
    Ok(())
}
