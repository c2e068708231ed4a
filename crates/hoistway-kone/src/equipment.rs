//! Equipment Status API v2 (`POST /api/v2/equipment/...`, scope
//! `rtm/<KEN>`) and Service Info API v2 (`GET
//! /api/v2/equipment/<KEN>/serviceOrders[/<workOrderNumber>]`, scope
//! `serviceinfo/<KEN>`).
//!
//! Status comes from the same live state as `GET /api/v1/units/{id}/status`
//! (so both APIs agree on availability and connectivity); movement, door and
//! escalator answers come from the newest stored raw telemetry event of the
//! kind (`trip`, `door_cycle`, `escalator`). Facts Hoistway does not record
//! (door side, load before opening, button presses) are `null`, never made
//! up. Service orders are the unit's service cases (the case number
//! `SO-YYYY-NNNNNN`, path-safe, is both the service-order and the
//! work-order number), then its maintenance visits (`MV-<visit id>`).

use super::token::ApiCaller;
use super::{customer_scope, unit_of_ken, KoneError, KoneResult};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use chrono::{DateTime, SecondsFormat, Utc};
use hoistway_api::equipment::{unit_status, UnitStatus};
use hoistway_app::state::AppState;
use hoistway_domain::fleet::UnitKind;
use hoistway_maintenance::{VisitKind, VisitStatus};
use hoistway_store::api_clients::latest_event;
use hoistway_store::buildings::{self, Building};
use hoistway_store::cases::{self, Case, CaseFilter};
use hoistway_store::maintenance::visits::{self, Visit, VisitFilter};
use hoistway_store::units::Unit;
use hoistway_store::StoreError;
use serde::Deserialize;
use serde_json::{json, Value};

/// Most equipment ids one status request may name.
const MAX_IDS: usize = 100;

#[derive(Debug, Deserialize)]
struct EquipmentQuery {
    #[serde(rename = "equipmentIds")]
    equipment_ids: Vec<String>,
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn opt_iso(t: Option<DateTime<Utc>>) -> Value {
    t.map(|t| json!(iso(t))).unwrap_or(Value::Null)
}

/// One requested unit with what every answer needs about it.
struct Target {
    ken: String,
    unit: Unit,
    building: Building,
    status: UnitStatus,
}

/// Parses the body, checks `rtm/<KEN>` for every id and loads the units.
async fn targets(
    state: &AppState,
    caller: &ApiCaller,
    body: &Bytes,
    kinds: &[UnitKind],
) -> KoneResult<Vec<Target>> {
    let q: EquipmentQuery = serde_json::from_slice(body).map_err(|e| {
        KoneError::bad_request(format!(
            "send {{\"equipmentIds\": [\"ken:…\"]}} as JSON: {e}"
        ))
    })?;
    if q.equipment_ids.is_empty() || q.equipment_ids.len() > MAX_IDS {
        return Err(KoneError::bad_request(format!(
            "equipmentIds must name 1 to {MAX_IDS} equipment"
        )));
    }
    let scope = customer_scope(caller.customer_id());
    let mut out = Vec::new();
    for ken in q.equipment_ids {
        super::parse_ken(&ken)?;
        caller.require(&format!("rtm/{ken}"))?;
        let unit = unit_of_ken(state, caller.customer_id(), &ken)
            .await?
            .ok_or_else(|| KoneError::not_found(format!("equipment {ken} not found")))?;
        if !kinds.contains(&unit.kind) {
            return Err(KoneError::bad_request(format!(
                "equipment {ken} is a{} {}; this endpoint serves {}",
                if unit.kind == UnitKind::Escalator {
                    "n"
                } else {
                    ""
                },
                unit.kind,
                kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(" and ")
            )));
        }
        let building = buildings::get(&state.db, &scope, unit.building_id).await?;
        let status = unit_status(state, &scope, unit.id).await?;
        out.push(Target {
            ken,
            unit,
            building,
            status,
        });
    }
    Ok(out)
}

const ALL_KINDS: [UnitKind; 3] = [UnitKind::Elevator, UnitKind::Escalator, UnitKind::Door];

fn state_of(s: &UnitStatus) -> &'static str {
    // Awaiting the authority's inspection is out of order even when the
    // controller, back online, reports normal service.
    if s.awaiting_inspection {
        return "OUT_OF_ORDER";
    }
    match (s.connectivity.as_str(), s.available) {
        ("online", true) => "IN_SERVICE",
        ("online", false) => "OUT_OF_ORDER",
        _ => "UNKNOWN",
    }
}

/// The contract's long `equipmentInfo` (availability, movement).
fn equipment_info(t: &Target) -> Value {
    json!({
        "description": t.unit.name.clone().unwrap_or_else(|| t.unit.kind.as_str().to_string()),
        "serialNumber": t.unit.equipment_number,
        "addressCity": "",
        "addressName": t.building.name,
        "addressStreet": t.building.address,
        "addressPostCode": "",
        "addressState": "",
        "addressCountry": t.building.country,
    })
}

/// The short `equipmentInfo` of door, button and escalator events.
fn event_equipment_info(t: &Target) -> Value {
    json!({
        "customerEquipmentNumber": t.unit.equipment_number,
        "equipmentNumber": t.ken.trim_start_matches("ken:"),
        "serialNumber": t.unit.equipment_number,
        "type": t.unit.kind.as_str(),
        "description": t.unit.name.clone().unwrap_or_default(),
        "city": "",
        "countryCode": t.building.country,
        "postalCode": "",
        "name": t.building.name,
        "street": t.building.address,
    })
}

pub async fn availability(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Bytes,
) -> KoneResult<Json<Value>> {
    let targets = targets(&state, &caller, &body, &ALL_KINDS).await?;
    Ok(Json(Value::Array(
        targets
            .iter()
            .map(|t| {
                let s = &t.status;
                json!({
                    "equipmentId": t.ken,
                    "state": state_of(s),
                    "activeAlertCount": s.alarms.len(),
                    "activeAlerts": s.alarms.iter().map(|a| json!({
                        "serviceNeedCode": a,
                        "serviceNeedVersion": "1",
                        "activationTime": opt_iso(s.last_seen),
                        "alertUUID": format!("{}-{a}", t.unit.id),
                    })).collect::<Vec<_>>(),
                    "serviceMode": s.reported_mode,
                    "lastUpdate": opt_iso(s.last_seen),
                    "equipmentInfo": equipment_info(t),
                })
            })
            .collect(),
    )))
}

pub async fn status(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Bytes,
) -> KoneResult<Json<Value>> {
    let targets = targets(&state, &caller, &body, &ALL_KINDS).await?;
    Ok(Json(Value::Array(
        targets
            .iter()
            .map(|t| {
                let s = &t.status;
                let state = state_of(s);
                json!({
                    "equipmentId": t.ken,
                    "entrapment": s.alarms.iter().any(|a| a == "entrapment"),
                    "outOfOrder": state == "OUT_OF_ORDER",
                    "status": state,
                    "equipmentStatus": s.mode,
                    // Hoistway keeps the current state, not the change times.
                    "equipmentOutOfOrderDate": "",
                    "equipmentBackInOrderDate": "",
                    "equipmentLocationId": t.building.id.to_string(),
                    "equipmentLocationDescription": t.unit.location.clone().unwrap_or_default(),
                    "addressStreet": t.building.address,
                    "addressPostCode": "",
                    "addressCity": "",
                    "addressCountry": t.building.country,
                    "equipmentType": t.unit.kind.as_str(),
                    "customerEquipmentLocationId": t.building.id.to_string(),
                    "equipmentNumber": t.ken.trim_start_matches("ken:"),
                    "customerEquipmentNumber": t.unit.equipment_number,
                    "equipmentFunctionalLocation": t.building.name,
                    "equipmentFunctionalLocationDescription": t.building.address,
                    "maintenance": {
                        "status": if s.reported_mode.as_deref() == Some("maintenance") { "IN_MAINTENANCE" } else { "NOT_IN_MAINTENANCE" }
                    },
                })
            })
            .collect(),
    )))
}

pub async fn movement(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Bytes,
) -> KoneResult<Json<Value>> {
    let targets = targets(&state, &caller, &body, &[UnitKind::Elevator]).await?;
    let mut out = Vec::new();
    for t in &targets {
        let trip = latest_event(&state.db, t.unit.id, "trip").await?;
        let floor = |f: &Value| json!({ "floorIndex": f, "marking": f.as_i64().map(|n| n.to_string()).unwrap_or_default() });
        let (event, decks, duration, at) = match &trip {
            Some((at, p)) => (
                "TRIP",
                json!([{
                    "deckIndex": 0,
                    "startFloor": floor(&p["from_floor"]),
                    "stopFloor": floor(&p["to_floor"]),
                    "loadPercentage": Value::Null,
                    "estimatedPersons": t.status.passengers,
                }]),
                p["duration_ms"].as_f64().map(|ms| ms / 1000.0),
                Some(*at),
            ),
            None => ("NONE", json!([]), None, None),
        };
        out.push(json!({
            "equipmentId": t.ken,
            "movementEventType": event,
            "mode": t.status.mode,
            "decks": decks,
            "durationSeconds": duration,
            "lastUpdate": opt_iso(at.or(t.status.last_seen)),
            "equipmentInfo": equipment_info(t),
        }));
    }
    Ok(Json(Value::Array(out)))
}

pub async fn door(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Bytes,
) -> KoneResult<Json<Value>> {
    let targets = targets(&state, &caller, &body, &[UnitKind::Elevator]).await?;
    let mut out = Vec::new();
    for t in &targets {
        let cycle = latest_event(&state.db, t.unit.id, "door_cycle").await?;
        let (at, p) = match &cycle {
            Some((at, p)) => (Some(*at), p.clone()),
            None => (None, Value::Null),
        };
        let open_ms = p["open_ms"].as_f64();
        let close_ms = p["close_ms"].as_f64();
        out.push(json!({
            "equipmentId": t.ken,
            "lastUpdate": opt_iso(at.or(t.status.last_seen)),
            "timestamp": opt_iso(at),
            "doorOpenStartedTime": opt_iso(at),
            "doorClosedTime": match (at, open_ms, close_ms) {
                (Some(at), Some(o), Some(c)) => json!(iso(at + chrono::Duration::milliseconds((o + c) as i64))),
                _ => Value::Null,
            },
            "doorSideCode": Value::Null,
            "doorSideDesc": Value::Null,
            "deckIndexCode": 0,
            "deckIndexDesc": "lower",
            "floor": p["floor"],
            "floorMarking": p["floor"].as_i64().map(|n| n.to_string()),
            "loadBeforeDoorOpen": Value::Null,
            "loadAfterDoorClose": Value::Null,
            "modeCode": Value::Null,
            "modeDesc": t.status.mode,
            "openingDuration": open_ms.map(|ms| ms / 1000.0),
            "closingDuration": close_ms.map(|ms| ms / 1000.0),
            "closingModeCode": Value::Null,
            "closingModeDesc": if p["obstruction"] == true { json!("obstructed") } else if cycle.is_some() { json!("normal") } else { Value::Null },
            "reopensByPhotoCell": p["reopens"],
            "reopensByDOB": Value::Null,
            "equipmentInfo": event_equipment_info(t),
        }));
    }
    Ok(Json(Value::Array(out)))
}

pub async fn button(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Bytes,
) -> KoneResult<Json<Value>> {
    let targets = targets(&state, &caller, &body, &[UnitKind::Elevator]).await?;
    // Telemetry has no button events; the answer says so with nulls rather
    // than inventing a press.
    Ok(Json(Value::Array(
        targets
            .iter()
            .map(|t| {
                json!({
                    "equipmentId": t.ken,
                    "lastUpdate": opt_iso(t.status.last_seen),
                    "timestamp": Value::Null,
                    "landingCallType": Value::Null,
                    "equipmentInfo": event_equipment_info(t),
                })
            })
            .collect(),
    )))
}

pub async fn escalator_direction(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: Bytes,
) -> KoneResult<Json<Value>> {
    let targets = targets(&state, &caller, &body, &[UnitKind::Escalator]).await?;
    let mut out = Vec::new();
    for t in &targets {
        let run = latest_event(&state.db, t.unit.id, "escalator").await?;
        let (at, p) = match &run {
            Some((at, p)) => (Some(*at), p.clone()),
            None => (None, Value::Null),
        };
        let (code, desc) = match p["direction"].as_str() {
            Some("up") => (json!(1), json!("UP")),
            Some("down") => (json!(2), json!("DOWN")),
            Some("stopped") => (json!(0), json!("STOPPED")),
            _ => (Value::Null, Value::Null),
        };
        out.push(json!({
            "equipmentId": t.ken,
            "lastUpdate": opt_iso(at.or(t.status.last_seen)),
            "statusChangeCode": Value::Null,
            "statusChangeDesc": Value::Null,
            "previousSpeed": Value::Null,
            "currentSpeed": p["speed_mps"],
            "currentDirectionCode": code,
            "currentDirectionDesc": desc,
            "previousDirectionCode": Value::Null,
            "previousDirectionDesc": Value::Null,
            "brakingDistance": p["braking_distance_mm"],
            "serviceModeCode": Value::Null,
            "serviceModeDesc": t.status.mode,
            "movementEventType": if run.is_some() { "DIRECTION" } else { "NONE" },
            "timestamp": opt_iso(at),
            "equipmentInfo": event_equipment_info(t),
        }));
    }
    Ok(Json(Value::Array(out)))
}

/// The unit of a service-info path, after the scope check.
async fn service_unit(state: &AppState, caller: &ApiCaller, ken: &str) -> KoneResult<Unit> {
    super::parse_ken(ken)?;
    caller.require(&format!("serviceinfo/{ken}"))?;
    unit_of_ken(state, caller.customer_id(), ken)
        .await?
        .ok_or_else(|| KoneError::not_found(format!("equipment {ken} not found")))
}

fn activity_type(c: &Case) -> &'static str {
    // Cases are unplanned work: call-outs (maintenance visits are not cases).
    if c.channel == "connected" {
        "PREDICTIVE_CALLOUT"
    } else {
        "CALLOUT"
    }
}

pub async fn service_orders(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(ken): Path<String>,
) -> KoneResult<Json<Value>> {
    let unit = service_unit(&state, &caller, &ken).await?;
    let page = cases::list(
        &state.db,
        &customer_scope(caller.customer_id()),
        &CaseFilter {
            unit_id: Some(unit.id),
            limit: Some(500),
            ..Default::default()
        },
    )
    .await?;
    let mut orders: Vec<Value> = page
        .items
        .iter()
        .rev()
        .map(|c| {
            json!({
                "activityType": activity_type(c),
                "serviceOrderNumber": c.number,
                "customerEquipmentNumber": unit.equipment_number,
                "workOrderNumber": c.number,
                "status": c.status,
                "createdDateTime": iso(c.created_at),
            })
        })
        .collect();
    // Then planned maintenance: visits are the other half of the service
    // orders a unit gets, latest first.
    let mut planned = visits::all(
        &state.db,
        &customer_scope(caller.customer_id()),
        &VisitFilter {
            unit_id: Some(unit.id),
            ..Default::default()
        },
        500,
    )
    .await?;
    planned.retain(|v| v.status != VisitStatus::Cancelled);
    orders.extend(planned.iter().rev().map(|v| {
        json!({
            "activityType": visit_activity(v),
            "serviceOrderNumber": visit_number(v.id),
            "customerEquipmentNumber": unit.equipment_number,
            "workOrderNumber": visit_number(v.id),
            "status": v.status.as_str(),
            "createdDateTime": iso(v.created_at),
        })
    }));
    // The contract's client reads `[0]`: an empty list would crash it, so
    // "nothing to show" is a 404 with a message instead.
    if orders.is_empty() {
        return Err(KoneError::not_found(format!(
            "no service orders for equipment {ken}"
        )));
    }
    Ok(Json(Value::Array(orders)))
}

/// Work-order number of a maintenance visit (cases use their own number).
fn visit_number(id: i64) -> String {
    format!("MV-{id}")
}

fn visit_activity(v: &Visit) -> &'static str {
    match v.kind {
        VisitKind::Inspection => "INSPECTION",
        _ => "MAINTENANCE",
    }
}

/// The detail of a maintenance visit as a service order.
async fn visit_order(
    state: &AppState,
    caller: &ApiCaller,
    unit: &Unit,
    work_order: &str,
) -> KoneResult<Json<Value>> {
    let not_found = || KoneError::not_found(format!("service order {work_order} not found"));
    let id: i64 = work_order
        .strip_prefix("MV-")
        .and_then(|n| n.parse().ok())
        .ok_or_else(not_found)?;
    let v = match visits::get(&state.db, &customer_scope(caller.customer_id()), id).await {
        Ok(v) if v.unit_id == unit.id => v,
        Ok(_) | Err(StoreError::NotFound(_)) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    let work_time = match (v.started_at, v.completed_at) {
        (Some(a), Some(f)) if f >= a => json!(((f - a).num_minutes() as f64) / 60.0),
        _ => Value::Null,
    };
    Ok(Json(json!({
        "activityType": visit_activity(&v),
        "activityTypeCode": visit_activity(&v),
        "activityTypeCodeDesc": v.kind.as_str(),
        "status": v.status.as_str(),
        "description": format!("{} visit ({})", v.kind.as_str(), v.reason),
        "actualArrivalDateTime": opt_iso(v.started_at),
        "finishedDateTime": opt_iso(v.completed_at),
        "serviceOrderNumber": visit_number(v.id),
        "customerEquipmentNumber": unit.equipment_number,
        "workOrderNumber": visit_number(v.id),
        "jobDescription": v.kind.as_str(),
        "technicianComment": v.notes,
        "entrapment": false,
        "earliestStartDate": v.due_on,
        "workOrderStatus": v.status.as_str(),
        "workOrderStatusCode": v.status.as_str(),
        "serviceOrderType": v.kind.as_str(),
        "technicianRegistrationNumber": v.technician_id.map(|id| id.to_string()),
        "workTime": work_time,
        "workTimeUnit": "H",
        "customer": v.customer_id.to_string(),
        "workOrderPlannedStartDate": iso(v.planned_for),
        "systemStatus": v.status.as_str(),
        "workOrderLineItems": [],
        "invoices": [],
    })))
}

pub async fn service_order(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((ken, work_order)): Path<(String, String)>,
) -> KoneResult<Json<Value>> {
    let unit = service_unit(&state, &caller, &ken).await?;
    if work_order.starts_with("MV-") {
        return visit_order(&state, &caller, &unit, &work_order).await;
    }
    let not_found = || KoneError::not_found(format!("service order {work_order} not found"));
    let c = match cases::get(
        &state.db,
        &customer_scope(caller.customer_id()),
        &work_order,
    )
    .await
    {
        Ok(c) => c,
        Err(StoreError::NotFound(_)) => return Err(not_found()),
        Err(e) => return Err(e.into()),
    };
    if c.unit_id != Some(unit.id) {
        return Err(not_found());
    }
    let report = c.report.clone().unwrap_or(Value::Null);
    let finished = c.resolved_at.or(c.closed_at);
    let line_items: Vec<Value> = report["actions"]
        .as_array()
        .map(|a| a.iter().map(|x| json!({ "operationText": x })).collect())
        .unwrap_or_default();
    let description_of_work = report["actions"].as_array().map(|a| {
        a.iter()
            .filter_map(|x| x.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    });
    let departure = match report["returned_to_service"].as_bool() {
        Some(true) => json!("IN_SERVICE"),
        Some(false) => json!("OUT_OF_ORDER"),
        None => Value::Null,
    };
    let work_time = match (c.first_on_site_at, finished) {
        (Some(a), Some(f)) if f >= a => json!(((f - a).num_minutes() as f64) / 60.0),
        _ => Value::Null,
    };
    // Two objects merged: one `json!` this large exceeds the macro's
    // recursion limit.
    let mut out = json!({
        "activityType": activity_type(&c),
        "activityTypeCode": activity_type(&c),
        "activityTypeCodeDesc": activity_type(&c),
        "status": c.status,
        "description": c.symptoms,
        "actualArrivalDateTime": opt_iso(c.first_on_site_at),
        "finishedDateTime": opt_iso(finished),
        "serviceOrderNumber": c.number,
        "customerEquipmentNumber": unit.equipment_number,
        "workOrderNumber": c.number,
        "jobDescription": c.symptoms,
        "additionalCommentsToCustomer": report["findings"],
        "equipmentFailureReason": report["cause_code"],
        "failedComponentCode": report["cause_code"],
        "equipmentConditionOnArrival": if c.safety.unit_out_of_service { "OUT_OF_ORDER" } else { "UNKNOWN" },
        "equipmentConditionOnArrivalDesc": if c.safety.unit_out_of_service { "out of service" } else { "" },
        "equipmentConditionOnDeparture": departure,
        "equipmentConditionOnDepartureDesc": Value::Null,
    });
    let rest = json!({
        "technicianActionCode": report["actions"],
        "entrapment": c.passengers_trapped,
        "serviceContractNumber": c.contract_id.map(|id| id.to_string()),
        "earliestStartDate": iso(c.created_at),
        "workCenter": Value::Null,
        "serviceTerritoryCode": Value::Null,
        "serviceTerritoryName": Value::Null,
        "workOrderStatus": c.status,
        "workOrderStatusCode": c.status,
        "serviceOrderType": c.priority,
        "serviceOrderTypeDesc": c.triage_rationale,
        "assemblyLocationCode": Value::Null,
        "customerPurchaseOrderNumber": c.po_number,
        "technicianRegistrationNumber": c.technician_id.map(|id| id.to_string()),
        "workTime": work_time,
        "workTimeUnit": "H",
        "customer": c.customer_id.to_string(),
        "workOrderPlannedStartDate": opt_iso(c.eta),
        "companyCode": Value::Null,
        "contactPersonId": c.reporter_user_id.map(|id| id.to_string()),
        "systemStatus": c.status,
        "technicianComment": report["findings"],
        "workOrderLineItems": line_items,
        "descriptionOfWork": description_of_work,
        "invoices": [],
    });
    if let (Some(o), Value::Object(r)) = (out.as_object_mut(), rest) {
        o.extend(r);
    }
    Ok(Json(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_awaiting_inspection_is_out_of_order_whatever_it_reports() {
        let mut s = hoistway_api::equipment::never_reported(1);
        s.connectivity = "online".into();
        s.available = true;
        assert_eq!(state_of(&s), "IN_SERVICE");
        s.awaiting_inspection = true;
        assert_eq!(state_of(&s), "OUT_OF_ORDER");
        s.connectivity = "never".into();
        assert_eq!(state_of(&s), "OUT_OF_ORDER");
    }
}
