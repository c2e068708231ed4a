//! Remote call for the demo fleet: every building gets a lift topology
//! (one of `examples/buildings/*.toml`, its lifts linked to the building's
//! elevator units), and in each customer's first building the invitation
//! chain is walked once: the customer admin grants the property manager
//! every area, the property manager passes the resident five floors.

use hoistway_domain::{Role, Scope};
use hoistway_store::grants::{self, GrantInput};
use hoistway_store::topology::{self, TopologyInput};
use hoistway_store::{buildings, units, users, Actor, Db, ListFilter, StoreError};
use hoistway_twin::Building;

const SHAPES: [&str; 3] = [
    include_str!("../../../examples/buildings/office-10.toml"),
    include_str!("../../../examples/buildings/office-20x6.toml"),
    include_str!("../../../examples/buildings/residential-8.toml"),
];

pub async fn seed(db: &Db, actor: Actor) -> Result<(), StoreError> {
    let scope = Scope::All;
    let buildings = buildings::list(db, &scope, &ListFilter::limited(500))
        .await?
        .items;
    let mut first_of_customer = std::collections::BTreeMap::new();
    for (i, b) in buildings.iter().enumerate() {
        first_of_customer.entry(b.customer_id).or_insert(b.id);
        let twin = Building::from_toml_str(SHAPES[i % SHAPES.len()])
            .map_err(|e| hoistway_domain::Invalid::new("topology", e.to_string()))?;
        let mut input = TopologyInput::from_twin(&twin);
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
        let lifts = input.groups.iter_mut().flat_map(|g| g.lifts.iter_mut());
        for (lift, unit) in lifts.zip(&elevators) {
            lift.unit_id = Some(unit.id);
        }
        topology::put(db, &scope, actor, b.id, input).await?;
    }
    for (customer, building) in first_of_customer {
        let people = users::list(
            db,
            &scope,
            &ListFilter {
                customer_id: Some(customer),
                ..ListFilter::limited(500)
            },
        )
        .await?
        .items;
        let find = |role: Role| people.iter().find(|u| u.role == role && !u.disabled);
        let (Some(admin), Some(pm), Some(resident)) = (
            find(Role::CustomerAdmin),
            find(Role::PropertyManager),
            find(Role::Resident),
        ) else {
            continue;
        };
        let as_user = |id: i64| Actor {
            user_id: Some(id),
            at: actor.at,
        };
        grants::create(
            db,
            &scope,
            as_user(admin.id),
            (admin.id, admin.role),
            GrantInput {
                building_id: building,
                user_id: pm.id,
                area_ids: None,
            },
        )
        .await?;
        let t = topology::get(db, &scope, building).await?;
        let floors: Vec<u32> = t
            .areas
            .iter()
            .filter(|a| a.side == "front")
            .take(5)
            .map(|a| a.id)
            .collect();
        grants::create(
            db,
            &scope,
            as_user(pm.id),
            (pm.id, pm.role),
            GrantInput {
                building_id: building,
                user_id: resident.id,
                area_ids: Some(floors),
            },
        )
        .await?;
    }
    Ok(())
}
