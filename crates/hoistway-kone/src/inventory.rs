//! `GET /api/v2/application/self/resources`: what the application may use,
//! i.e. its customer's buildings (with the lift groups of their stored
//! topology) and equipment.
//!
//! Ids follow the contract: building ids bare, group ids
//! `<building>:<group number>` (see `group_no`), KENs bare digits. Only units whose equipment number
//! has the KEN shape (`ken:123` or `123`) are listed, because only those
//! can be named in the equipment and service-info paths.

use super::token::{ApiCaller, INVENTORY};
use super::{customer_scope, ken_digits, KoneResult};
use axum::extract::State;
use axum::Json;
use hoistway_app::state::AppState;
use hoistway_domain::fleet::UnitKind;
use hoistway_store::units::Unit;
use hoistway_store::{buildings, topology, units, ListFilter, StoreError};
use serde_json::{json, Value};
use std::collections::HashMap;

/// All pages of a list (the store pages by 500 at most).
async fn all_units(state: &AppState, customer_id: i64) -> KoneResult<Vec<Unit>> {
    let scope = customer_scope(customer_id);
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = units::list(
            &state.db,
            &scope,
            &ListFilter {
                cursor,
                limit: Some(500),
                ..Default::default()
            },
        )
        .await?;
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return Ok(out),
        }
    }
}

pub async fn resources(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> KoneResult<Json<Value>> {
    caller.require(INVENTORY)?;
    let scope = customer_scope(caller.customer_id());
    let units = all_units(&state, caller.customer_id()).await?;
    let ken_of: HashMap<i64, String> = units
        .iter()
        .filter_map(|u| ken_digits(&u.equipment_number).map(|k| (u.id, k.to_string())))
        .collect();
    let mut out_buildings = Vec::new();
    let mut cursor = None;
    loop {
        let page = buildings::list(
            &state.db,
            &scope,
            &ListFilter {
                cursor,
                limit: Some(500),
                ..Default::default()
            },
        )
        .await?;
        for b in &page.items {
            let groups = match topology::get(&state.db, &scope, b.id).await {
                Ok(t) => t
                    .groups
                    .iter()
                    .enumerate()
                    .map(|(i, g)| {
                        let kens: Vec<&String> = g
                            .lifts
                            .iter()
                            .filter_map(|l| l.unit_id.and_then(|id| ken_of.get(&id)))
                            .collect();
                        json!({
                            "id": format!("{}:{}", b.id, i + 1),
                            "name": g.name,
                            "desc": format!("{} lifts", g.lifts.len()),
                            "products": ["callgiving"],
                            "kens": kens,
                        })
                    })
                    .collect(),
                Err(StoreError::NotFound(_)) => Vec::new(),
                Err(e) => return Err(e.into()),
            };
            let api_kens: Vec<&String> = units
                .iter()
                .filter(|u| u.building_id == b.id)
                .filter_map(|u| ken_of.get(&u.id))
                .collect();
            out_buildings.push(json!({
                "id": b.id.to_string(),
                "name": b.name,
                "desc": b.address,
                "city": "",
                "country": b.country,
                "zipCode": "",
                "addressLine1": b.address,
                "addressLine2": "",
                "groups": groups,
                "apiKens": api_kens,
            }));
        }
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let equipments: Vec<Value> = units
        .iter()
        .filter_map(|u| {
            let ken = ken_of.get(&u.id)?;
            Some(json!({
                "id": ken,
                "name": u.name.clone().unwrap_or_else(|| u.equipment_number.clone()),
                "desc": format!("{} {}", kind_name(u.kind), u.location.as_deref().unwrap_or("")).trim().to_string(),
                "products": ["serviceinfo", "rtm"],
            }))
        })
        .collect();
    Ok(Json(
        json!({ "buildings": out_buildings, "equipments": equipments }),
    ))
}

fn kind_name(k: UnitKind) -> &'static str {
    k.as_str()
}
