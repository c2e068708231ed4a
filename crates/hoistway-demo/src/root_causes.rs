//! The demo's root-cause analysis (issue #21): after the history, the
//! recurring-fault rule flags the first lift for its repeated door faults
//! (`history::plan::DOOR_SERIES_DAYS_BEFORE`); the care center has opened
//! an analysis on it with a corrective action plan, the first action done,
//! so the portal's dashboard, analysis pages and lifecycle view have
//! something real to show. Written through the store like any client.

use chrono::Duration;
use hoistway_domain::Scope;
use hoistway_maintenance::recurring::{CauseFamily, Rule};
use hoistway_store::root_causes::{self, ActionInput, CompleteInput, RootCauseInput};
use hoistway_store::{recurring, Actor, Db, StoreError};

/// Opens the analysis of the first door flag, if the history raised one.
/// Returns its id.
pub async fn seed(db: &Db, actor: Actor) -> Result<Option<i64>, StoreError> {
    let flagged = recurring::flagged(db, &Scope::All, None, Rule::default(), actor.at).await?;
    let Some((unit, flag)) = flagged.iter().find_map(|u| {
        u.flags
            .iter()
            .find(|f| f.family == CauseFamily::Door)
            .map(|f| (&u.unit, f))
    }) else {
        return Ok(None);
    };
    let opened_at = Actor {
        at: (flag.last_at + Duration::days(2)).min(actor.at),
        ..actor
    };
    let rca = root_causes::open(
        db,
        opened_at,
        RootCauseInput {
            unit_id: unit.unit_id,
            family: "door".into(),
            summary: format!(
                "Recurring door faults on {}",
                unit.unit_name.clone().unwrap_or(unit.equipment_number.clone())
            ),
            findings: Some(
                "Door rollers worn flat on the car door and two landing doors; the track is out of line at the upper floors, which wears new rollers within weeks.".into(),
            ),
            case_numbers: flag.cases.clone(),
        },
    )
    .await?;
    let today = actor.at.date_naive();
    let plan = [
        (
            "Replace the car and landing door rollers",
            today - Duration::days(1),
            "KM601230 door roller set ×3",
            180_000,
        ),
        (
            "Realign the landing door track, floors 5–8",
            today + Duration::days(10),
            "",
            95_000,
        ),
        (
            "Door operator upgrade kit with light curtain",
            today + Duration::days(45),
            "Door operator kit, light curtain",
            1_250_000,
        ),
    ];
    let mut first = None;
    for (description, due, parts, cost) in plan {
        let after = root_causes::add_action(
            db,
            opened_at,
            rca.id,
            ActionInput {
                description: description.into(),
                due_on: due.to_string(),
                parts: (!parts.is_empty()).then(|| parts.to_string()),
                cost_minor: Some(cost),
                currency: Some("EUR".into()),
            },
        )
        .await?;
        first = first.or(after.actions.first().map(|a| a.id));
    }
    if let Some(action) = first {
        root_causes::complete_action(db, actor, rca.id, action, CompleteInput::default()).await?;
    }
    Ok(Some(rca.id))
}
