//! Where connected equipment meets the service desk.
//!
//! Every finding transition (opened, updated, cleared) and every entrapment
//! alarm (which the analytics raise as an `entrapment` finding at once)
//! passes through [`on_finding`], inside the transaction that stored the
//! finding. The finding row itself is the record of "a case is due"; the
//! partial unique index on open findings makes `Opened` happen once per
//! open finding, never twice, even across restarts and nodes.
//!
//! `Opened` opens a case with channel `connected` (an `entrapment` finding
//! as an emergency with passengers trapped) carrying the explanation, the
//! likely fault and the suggested spares; `Updated` goes on that case's
//! timeline; `Cleared` cancels the case if no work has started, or tells it.
//! All in the finding's transaction (`hoistway_store::cases::preemptive`).

use hoistway_store::cases::{preemptive, Rules};
use hoistway_store::findings::Applied;
use hoistway_store::{Actor, Tx};

/// Called once per stored finding transition, inside its transaction.
pub async fn on_finding(
    tx: &mut Tx<'_>,
    actor: Actor,
    applied: &Applied,
) -> hoistway_store::error::Result<()> {
    // The rules are the desk's defaults (the same ones `AppState::desk`
    // holds until policies become configurable).
    let rules = Rules::default();
    match applied {
        Applied::Opened(f) => {
            let case = preemptive::finding_opened(tx, actor, &rules, f).await?;
            tracing::info!(finding = f.id, unit = f.unit_id, kind = %f.kind, case = %case.number, priority = %case.priority, "finding opened a case");
        }
        Applied::Updated(f) => {
            tracing::debug!(finding = f.id, unit = f.unit_id, kind = %f.kind, severity = %f.severity, "finding updated");
            preemptive::finding_updated(tx, actor, &rules, f).await?;
        }
        Applied::Cleared(f) => {
            tracing::info!(finding = f.id, unit = f.unit_id, kind = %f.kind, "finding cleared");
            preemptive::finding_cleared(tx, actor, &rules, f).await?;
        }
        Applied::Ignored => {}
    }
    Ok(())
}
