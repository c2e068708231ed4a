//! Where connected equipment meets the service desk.
//!
//! Every finding transition (opened, updated, cleared) and every entrapment
//! alarm (which the analytics raise as an `entrapment` finding at once)
//! passes through [`on_finding`], inside the transaction that stored the
//! finding. The finding row itself is the record of "a case is due"; the
//! partial unique index on open findings makes `Opened` happen once per
//! open finding, never twice, even across restarts and nodes.
//!
//! TO WIRE (lead, after merging the service desk): on `Opened`, create a
//! case with channel `connected` (priority from `kind`: `entrapment` →
//! emergency with passengers trapped; others by severity) carrying the
//! finding's explanation, likely fault and spares, in the same `tx`; on
//! `Updated`, add a timeline entry / raise priority; on `Cleared`, add a
//! timeline entry and downgrade or close the case if no work started.

use hoistway_store::findings::Applied;
use hoistway_store::{Actor, Tx};

/// Called once per stored finding transition, inside its transaction.
pub async fn on_finding(
    _tx: &mut Tx<'_>,
    _actor: Actor,
    applied: &Applied,
) -> hoistway_store::error::Result<()> {
    match applied {
        Applied::Opened(f) => {
            tracing::info!(finding = f.id, unit = f.unit_id, kind = %f.kind, severity = %f.severity, "finding opened: case due");
        }
        Applied::Updated(f) => {
            tracing::debug!(finding = f.id, unit = f.unit_id, kind = %f.kind, severity = %f.severity, "finding updated");
        }
        Applied::Cleared(f) => {
            tracing::info!(finding = f.id, unit = f.unit_id, kind = %f.kind, "finding cleared");
        }
        Applied::Ignored => {}
    }
    Ok(())
}
