//! Fixtures shared by the store's integration tests.

#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use hoistway_domain::Scope;
use hoistway_store::buildings::BuildingInput;
use hoistway_store::customers::CustomerInput;
use hoistway_store::units::UnitInput;
use hoistway_store::*;

/// The system at a fixed instant.
pub fn actor() -> Actor {
    Actor {
        user_id: None,
        at: Utc.with_ymd_and_hms(2026, 5, 4, 9, 0, 0).unwrap(),
    }
}

/// A customer and one building in `country` and `timezone`; returns
/// (customer, building).
pub async fn customer_with_building(
    db: &Db,
    name: &str,
    country: &str,
    timezone: &str,
) -> (i64, i64) {
    let c = customers::create(
        db,
        &Scope::All,
        actor(),
        CustomerInput {
            name: name.into(),
            contact_email: None,
            contact_phone: None,
        },
    )
    .await
    .unwrap();
    let b = buildings::create(
        db,
        &Scope::All,
        actor(),
        BuildingInput {
            customer_id: c.id,
            name: format!("{name} HQ"),
            address: "Street 1".into(),
            country: country.into(),
            timezone: timezone.into(),
            latitude: None,
            longitude: None,
            hospital: None,
            business_calendar: None,
        },
    )
    .await
    .unwrap();
    (c.id, b.id)
}

/// A customer with one building and two units; returns (customer, [units]).
pub async fn fleet(db: &Db, name: &str) -> (i64, Vec<i64>) {
    let (customer, building) = customer_with_building(db, name, "FI", "Europe/Helsinki").await;
    let mut ids = Vec::new();
    for n in 0..2 {
        let u = units::create(
            db,
            &Scope::All,
            actor(),
            UnitInput {
                building_id: building,
                kind: "elevator".into(),
                equipment_number: format!("ken:{}{n}", customer * 1000),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        ids.push(u.id);
    }
    (customer, ids)
}
