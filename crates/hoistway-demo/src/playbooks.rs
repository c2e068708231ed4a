//! The demo buildings' on-site playbooks (issue #20): access instructions
//! and an escalation contact for every building, reviewed two months ago,
//! except each customer's first building, last reviewed thirteen months
//! ago, so its review is due and the daily job announces it.

use chrono::{Duration, Months};
use hoistway_domain::Scope;
use hoistway_store::playbooks::{self, EscalationContact, PlaybookInput};
use hoistway_store::{Actor, Db, StoreError};

/// `buildings`: (building id, its index within its customer's sites).
pub async fn seed(db: &Db, actor: Actor, buildings: &[(i64, usize)]) -> Result<(), StoreError> {
    let today = actor.at.date_naive();
    for &(id, index) in buildings {
        let input = PlaybookInput {
            access_instructions: Some(
                "Service entrance at the loading dock, open 07:00–18:00. Keys and machine-room \
                 access cards at the security desk in the lobby; show your company ID. Visitor \
                 parking in bays 1–4."
                    .into(),
            ),
            escalation_contacts: Some(vec![
                EscalationContact {
                    name: "Security desk".into(),
                    role: Some("Lobby, staffed 24/7".into()),
                    phone: Some("555 0100".into()),
                    email: None,
                },
                EscalationContact {
                    name: "Facility manager".into(),
                    role: Some("Weekdays 08:00–17:00".into()),
                    phone: Some("555 0101".into()),
                    email: Some("facility@customer.example".into()),
                },
            ]),
            review_interval_months: Some(12),
        };
        playbooks::update(db, &Scope::All, actor, id, input).await?;
        let reviewed = if index == 0 {
            today.checked_sub_months(Months::new(13))
        } else {
            today.checked_sub_signed(Duration::days(60))
        }
        .unwrap_or(today);
        playbooks::mark_reviewed(db, &Scope::All, actor, id, reviewed).await?;
    }
    Ok(())
}
