//! Remote diagnostics and remote reset: the safety gate and the life of a
//! command from request to acknowledgement.
//!
//! The gate reads the unit's stored live state, not one node's memory, so
//! every node decides alike. A command is refused unless the unit is
//! connected, reports an empty car (a status event with `"passengers":0`
//! that is the latest passenger report), has no active alarm, and is in
//! `normal` or `out_of_service` mode (inspection and maintenance mean a
//! person may be on the car roof; fire service belongs to the brigade).
//! Refused attempts are recorded too, so every command is audited.

use chrono::{DateTime, Utc};
use hoistway_analytics::{AlarmKind, Mode, Refusal};
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Invalid, Resource};
use hoistway_store::commands::{self, NewCommand, UnitCommand};
use hoistway_store::live::{self, LiveState};
use hoistway_store::Actor;
use serde::Deserialize;
use serde_json::json;

use super::credentials::commands_topic;

/// What a client sends to `POST /units/{id}/commands`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandInput {
    /// `diagnostics` or `reset`.
    pub command: String,
}

/// Decides whether a remote command may go to a unit in `state` at `now`.
pub fn gate(
    state: Option<&LiveState>,
    now: DateTime<Utc>,
    offline_after: chrono::Duration,
) -> Result<(), Refusal> {
    let Some(s) = state else {
        return Err(Refusal::Offline);
    };
    match s.last_seen {
        Some(seen) if now - seen <= offline_after => {}
        _ => return Err(Refusal::Offline),
    }
    let Some(mode) = s.mode.as_deref().and_then(Mode::parse) else {
        return Err(Refusal::NoStatus);
    };
    for alarm in [AlarmKind::Entrapment, AlarmKind::EmergencyPhone] {
        if s.alarms.iter().any(|a| a == alarm.as_str()) {
            return Err(Refusal::AlarmActive { alarm });
        }
    }
    match s.passengers {
        None => return Err(Refusal::PassengersUnknown),
        Some(n) if n > 0 => {
            return Err(Refusal::PassengersAboard {
                count: u32::try_from(n).unwrap_or(u32::MAX),
            })
        }
        Some(_) => {}
    }
    match mode {
        Mode::Normal | Mode::OutOfService => Ok(()),
        mode => Err(Refusal::UnsafeMode { mode }),
    }
}

/// Requests a command: gate, record, publish. Refusals are recorded and
/// answered with 409 and the reason.
pub async fn send(
    state: &AppState,
    caller: &Caller,
    unit_id: i64,
    input: CommandInput,
) -> ApiResult<UnitCommand> {
    caller.require(Resource::Telemetry, Action::Write)?;
    let command = match input.command.as_str() {
        c @ ("diagnostics" | "reset") => c.to_string(),
        other => {
            return Err(
                Invalid::new("command", format!("'{other}' must be diagnostics or reset")).into(),
            )
        }
    };
    let actor = caller.actor(state);
    let pipeline = crate::pipeline_of(state);
    let settings = pipeline.settings();
    let live = live::get(&state.db, &caller.scope, unit_id).await?;
    let record = |status: &str, result: Option<serde_json::Value>| NewCommand {
        unit_id,
        command: command.clone(),
        status: status.to_string(),
        result,
        deadline: actor.at + settings.command_timeout,
    };
    if let Err(refusal) = gate(live.as_ref(), actor.at, settings.offline_after) {
        let reason = serde_json::to_value(refusal).unwrap_or_default();
        commands::create(
            &state.db,
            &caller.scope,
            actor,
            record("refused", Some(reason)),
        )
        .await?;
        return Err(AppError::Conflict(format!(
            "remote {command} refused: {refusal}"
        )));
    }
    let Some(publisher) = pipeline.publisher() else {
        commands::create(
            &state.db,
            &caller.scope,
            actor,
            record(
                "undeliverable",
                Some(json!({"reason": "no MQTT broker configured"})),
            ),
        )
        .await?;
        return Err(AppError::Unavailable(
            "no MQTT broker is configured, so commands cannot reach units".into(),
        ));
    };
    let created =
        commands::create(&state.db, &caller.scope, actor, record("pending", None)).await?;
    let payload = json!({
        "command_id": created.id,
        "command": created.command,
        "issued_at": created.created_at,
        "deadline": created.deadline,
    });
    let (to, result) = match publisher
        .publish(commands_topic(unit_id), payload.to_string().into_bytes())
        .await
    {
        Ok(()) => ("sent", None),
        Err(e) => ("undeliverable", Some(json!({"reason": e}))),
    };
    let updated = commands::transition(
        &state.db,
        actor,
        unit_id,
        created.id,
        &["pending"],
        to,
        result,
    )
    .await?;
    // `None`: the device answered before we marked it sent; show it as it is.
    match updated {
        Some(c) if c.status == "undeliverable" => Err(AppError::Unavailable(format!(
            "command {} could not be published",
            c.id
        ))),
        Some(c) => Ok(c),
        None => Ok(commands::get(&state.db, &caller.scope, unit_id, created.id).await?),
    }
}

/// A device's answer on `hoistway/v1/units/{unit}/commands/ack`.
#[derive(Debug, Deserialize)]
struct Ack {
    command_id: i64,
    ok: bool,
    #[serde(default)]
    result: Option<serde_json::Value>,
}

/// Records a device's acknowledgement. Unknown, late or malformed answers
/// are logged and dropped: the command's state decides, not the device.
pub async fn on_ack(state: &AppState, unit_id: i64, payload: &[u8]) {
    let ack: Ack = match serde_json::from_slice(payload) {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(unit = unit_id, error = %e, "malformed command acknowledgement");
            return;
        }
    };
    let actor = Actor {
        user_id: None,
        at: state.clock.now(),
    };
    let to = if ack.ok { "acknowledged" } else { "failed" };
    match commands::transition(
        &state.db,
        actor,
        unit_id,
        ack.command_id,
        &["pending", "sent"],
        to,
        ack.result,
    )
    .await
    {
        Ok(Some(c)) => {
            tracing::info!(unit = unit_id, command = c.id, status = %c.status, "command answered")
        }
        Ok(None) => tracing::warn!(
            unit = unit_id,
            command = ack.command_id,
            "acknowledgement for no open command"
        ),
        Err(e) => tracing::error!(error = %e, "recording a command acknowledgement failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn state(mode: &str, passengers: Option<i64>, alarms: &[&str]) -> LiveState {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
        LiveState {
            unit_id: 1,
            customer_id: 1,
            mode: Some(mode.into()),
            available: true,
            last_seen: Some(t),
            current_floor: Some(0),
            passengers,
            starts: None,
            run_hours: None,
            alarms: alarms.iter().map(|a| a.to_string()).collect(),
            faults: json!([]),
            version: 1,
            updated_at: t,
        }
    }

    #[test]
    fn only_an_empty_car_in_a_safe_mode_passes() {
        let t = Utc.with_ymd_and_hms(2026, 1, 1, 12, 1, 0).unwrap();
        let ten = chrono::Duration::minutes(10);
        assert_eq!(gate(Some(&state("normal", Some(0), &[])), t, ten), Ok(()));
        assert_eq!(
            gate(Some(&state("out_of_service", Some(0), &[])), t, ten),
            Ok(())
        );
        assert_eq!(
            gate(Some(&state("normal", Some(2), &[])), t, ten),
            Err(Refusal::PassengersAboard { count: 2 })
        );
        assert_eq!(
            gate(Some(&state("normal", None, &[])), t, ten),
            Err(Refusal::PassengersUnknown)
        );
        assert!(matches!(
            gate(Some(&state("inspection", Some(0), &[])), t, ten),
            Err(Refusal::UnsafeMode { .. })
        ));
        assert!(matches!(
            gate(Some(&state("normal", Some(0), &["entrapment"])), t, ten),
            Err(Refusal::AlarmActive { .. })
        ));
        assert_eq!(gate(None, t, ten), Err(Refusal::Offline));
        let late = t + chrono::Duration::minutes(11);
        assert_eq!(
            gate(Some(&state("normal", Some(0), &[])), late, ten),
            Err(Refusal::Offline)
        );
    }
}
