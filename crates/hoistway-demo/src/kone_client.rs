//! The demo's ready KONE API client: an API application of the demo's
//! first customer and the ids to point a KONE API v2 client at (the
//! contract's environment variables `CLIENT_ID`, `CLIENT_SECRET`,
//! `BUILDING_ID`, `GROUP_ID`, `KEN`), and an escalator's KEN.
//!
//! Secrets are stored hashed and shown once, so each demo start makes a
//! fresh application and revokes the one the previous start made (same
//! name), rather than keeping a secret somewhere.

use hoistway_domain::Scope;
use hoistway_store::{api_clients, buildings, topology, units, Actor, Db, ListFilter, StoreError};

/// Name of the demo's application (the one revoked on the next start).
pub const APP_NAME: &str = "KONE API demo client";

/// What a KONE API client needs.
#[derive(Debug, Clone)]
pub struct KoneDemo {
    pub client_id: String,
    pub client_secret: String,
    /// Bare (`BUILDING_ID`); the WebSocket says `building:<id>`.
    pub building_id: i64,
    /// The contract's bare group number (`"1"`, the building's first group).
    pub group_id: String,
    /// `ken:<digits>`, an elevator of that group.
    pub ken: String,
    /// `ken:<digits>` of an escalator of the same customer, if it has one
    /// (the escalator-status example wants one).
    pub escalator_ken: Option<String>,
}

/// Makes the demo's application (revoking the previous one) for the first
/// building with a topology and a KEN-numbered elevator.
pub async fn ready(db: &Db, actor: Actor) -> Result<KoneDemo, StoreError> {
    let scope = Scope::All;
    for b in buildings::list(db, &scope, &ListFilter::limited(500))
        .await?
        .items
    {
        let t = match topology::get(db, &scope, b.id).await {
            Ok(t) => t,
            Err(StoreError::NotFound(_)) => continue,
            Err(e) => return Err(e),
        };
        let Some(group) = t.groups.first() else {
            continue;
        };
        let linked: Vec<i64> = group.lifts.iter().filter_map(|l| l.unit_id).collect();
        let elevators = units::list(
            db,
            &scope,
            &ListFilter {
                building_id: Some(b.id),
                kind: Some("elevator".into()),
                ..ListFilter::limited(100)
            },
        )
        .await?
        .items;
        let ken_of = |u: &units::Unit| {
            hoistway_kone::ken_digits(&u.equipment_number).map(|d| format!("ken:{d}"))
        };
        // A KEN-numbered elevator, one linked to the group first.
        let Some((_, ken)) = elevators
            .iter()
            .filter_map(|u| Some((u, ken_of(u)?)))
            .min_by_key(|(u, _)| (!linked.contains(&u.id), u.id))
        else {
            continue;
        };
        let escalator_ken = units::list(
            db,
            &scope,
            &ListFilter {
                customer_id: Some(b.customer_id),
                kind: Some("escalator".into()),
                ..ListFilter::limited(100)
            },
        )
        .await?
        .items
        .iter()
        .find_map(ken_of);
        let previous = api_clients::list(
            db,
            &scope,
            &ListFilter {
                customer_id: Some(b.customer_id),
                ..ListFilter::limited(500)
            },
        )
        .await?
        .items;
        for p in previous
            .iter()
            .filter(|p| p.name == APP_NAME && p.revoked_at.is_none())
        {
            api_clients::revoke(db, &scope, actor, p.id).await?;
        }
        let (client, secret) =
            api_clients::create(db, &scope, actor, b.customer_id, APP_NAME).await?;
        return Ok(KoneDemo {
            client_id: client.client_id,
            client_secret: secret,
            building_id: b.id,
            group_id: "1".into(),
            ken,
            escalator_ken,
        });
    }
    Err(StoreError::NotFound("a demo building with a lift topology"))
}
