//! The viewer's fleet as the customer pages need it: buildings, units,
//! contracts, open cases and each unit's state (in service, out of
//! service, under maintenance, unknown), read through the store with the
//! viewer's scope, exactly as the API lists them.
//!
//! [`classify`] is the one rule deciding a unit's state, from its live
//! telemetry status, its open cases and maintenance in progress.

use super::page::PortalError;
use hoistway_api::equipment::{status_from, UnitStatus};
use hoistway_app::auth::Caller;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::buildings::{self, Building};
use hoistway_store::cases::{self, Case, CaseFilter};
use hoistway_store::contracts::{self, Contract};
use hoistway_store::units::{self, Unit};
use hoistway_store::{ListFilter, Page};
use std::collections::HashMap;

/// Most rows read for one page (the demo customer has a few dozen units).
const MAX_ROWS: usize = 5000;

/// What a unit is doing, as the customer sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitState {
    InService,
    OutOfService,
    Maintenance,
    Unknown,
}

impl UnitState {
    pub const ALL: [UnitState; 4] = [
        UnitState::InService,
        UnitState::OutOfService,
        UnitState::Maintenance,
        UnitState::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitState::InService => "in_service",
            UnitState::OutOfService => "out_of_service",
            UnitState::Maintenance => "maintenance",
            UnitState::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<UnitState> {
        UnitState::ALL.into_iter().find(|u| u.as_str() == s)
    }

    pub fn tone(self) -> super::ui::Tone {
        use super::ui::Tone;
        match self {
            UnitState::InService => Tone::Ok,
            UnitState::OutOfService => Tone::Bad,
            UnitState::Maintenance => Tone::Warn,
            UnitState::Unknown => Tone::Muted,
        }
    }
}

/// A unit's state. An open case that took the unit out of service (or
/// traps people) wins; then maintenance on site; then what the unit itself
/// reports while online; without telemetry the state is unknown.
pub fn classify(status: &UnitStatus, open_cases: &[&Case], maintenance_on_site: bool) -> UnitState {
    let case_down = open_cases.iter().any(|c| {
        c.passengers_trapped || c.safety.unit_out_of_service || c.safety.unit_removed_from_service
    });
    if case_down {
        return UnitState::OutOfService;
    }
    if maintenance_on_site {
        return UnitState::Maintenance;
    }
    match status.mode.as_str() {
        "maintenance" | "inspection" => UnitState::Maintenance,
        "out_of_service" | "fire" => UnitState::OutOfService,
        "normal" if status.available => UnitState::InService,
        "normal" => UnitState::OutOfService,
        _ => UnitState::Unknown,
    }
}

/// Reads every page of a cursor-paginated list.
async fn all_pages<T, F, Fut>(mut page: F) -> Result<Vec<T>, PortalError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, hoistway_store::StoreError>>,
{
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let p = page(cursor).await?;
        out.extend(p.items);
        match p.next_cursor {
            Some(c) if out.len() < MAX_ROWS => cursor = Some(c),
            _ => return Ok(out),
        }
    }
}

pub async fn buildings(s: &AppState, caller: &Caller) -> Result<Vec<Building>, PortalError> {
    caller.require(Resource::Buildings, Action::Read)?;
    all_pages(|cursor| {
        let f = ListFilter {
            cursor,
            limit: Some(500),
            ..Default::default()
        };
        async move { buildings::list(&s.db, &caller.scope, &f).await }
    })
    .await
}

/// Units matching `f` (its cursor and limit are managed here).
pub async fn units(
    s: &AppState,
    caller: &Caller,
    f: &ListFilter,
) -> Result<Vec<Unit>, PortalError> {
    caller.require(Resource::Units, Action::Read)?;
    all_pages(|cursor| {
        let f = ListFilter {
            cursor,
            limit: Some(500),
            ..f.clone()
        };
        async move { units::list(&s.db, &caller.scope, &f).await }
    })
    .await
}

pub async fn contracts(s: &AppState, caller: &Caller) -> Result<Vec<Contract>, PortalError> {
    caller.require(Resource::Contracts, Action::Read)?;
    all_pages(|cursor| {
        let f = ListFilter {
            cursor,
            limit: Some(500),
            ..Default::default()
        };
        async move { contracts::list(&s.db, &caller.scope, &f).await }
    })
    .await
}

/// Cases matching `f`, oldest first.
pub async fn cases_where(
    s: &AppState,
    caller: &Caller,
    f: CaseFilter,
) -> Result<Vec<Case>, PortalError> {
    caller.require(Resource::Cases, Action::Read)?;
    all_pages(|cursor| {
        let f = CaseFilter {
            cursor,
            limit: Some(500),
            ..f.clone()
        };
        async move { cases::list(&s.db, &caller.scope, &f).await }
    })
    .await
}

pub async fn open_cases(s: &AppState, caller: &Caller) -> Result<Vec<Case>, PortalError> {
    cases_where(
        s,
        caller,
        CaseFilter {
            status: Some("open".into()),
            ..Default::default()
        },
    )
    .await
}

/// Each unit's live status and state. Reads the status only if the role may
/// read telemetry; otherwise the state comes from cases alone.
pub async fn states(
    s: &AppState,
    caller: &Caller,
    units: &[Unit],
    open: &[Case],
    on_site: &[i64],
) -> Result<HashMap<i64, (UnitStatus, UnitState)>, PortalError> {
    let telemetry = caller.user.role.permits(Resource::Telemetry, Action::Read);
    let mut by_unit: HashMap<i64, Vec<&Case>> = HashMap::new();
    for c in open {
        if let Some(u) = c.unit_id {
            by_unit.entry(u).or_default().push(c);
        }
    }
    // One query for every visible unit's live state, judged exactly as
    // `GET /units/{id}/status` judges one.
    let mut live: HashMap<i64, hoistway_store::live::LiveState> = if telemetry {
        hoistway_store::live::list_visible(&s.db, &caller.scope)
            .await?
            .into_iter()
            .map(|l| (l.unit_id, l))
            .collect()
    } else {
        HashMap::new()
    };
    let awaiting = hoistway_store::cases::inspection::units_awaiting(&s.db, &caller.scope).await?;
    let mut out = HashMap::with_capacity(units.len());
    for u in units {
        let mut status = if telemetry {
            status_from(s, u.id, live.remove(&u.id))
        } else {
            unknown_status(u.id)
        };
        let awaits = awaiting.binary_search(&u.id).is_ok();
        if awaits {
            status.available = false;
            status.awaiting_inspection = true;
        }
        let cases = by_unit.get(&u.id).map(Vec::as_slice).unwrap_or(&[]);
        // A unit whose controller or safety component was replaced stays
        // out of service until the authority's inspection is recorded.
        let state = if awaits {
            UnitState::OutOfService
        } else {
            classify(&status, cases, on_site.contains(&u.id))
        };
        out.insert(u.id, (status, state));
    }
    Ok(out)
}

/// The status of a unit that never reported.
pub fn unknown_status(unit_id: i64) -> UnitStatus {
    hoistway_api::equipment::never_reported(unit_id)
}

/// A unit's display name: its name or equipment number.
pub fn unit_name(u: &Unit) -> String {
    match named(u) {
        Some(n) => format!("{n} ({})", u.equipment_number),
        None => u.equipment_number.clone(),
    }
}

/// A unit as people name it where space is short (calendar chips): its
/// name alone, else its equipment number.
pub fn short_unit_name(u: &Unit) -> String {
    named(u).unwrap_or(&u.equipment_number).to_string()
}

fn named(u: &Unit) -> Option<&str> {
    u.name.as_deref().filter(|n| !n.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(mode: &str, available: bool) -> UnitStatus {
        UnitStatus {
            mode: mode.into(),
            available,
            ..unknown_status(1)
        }
    }

    #[test]
    fn telemetry_decides_without_cases() {
        assert_eq!(
            classify(&status("normal", true), &[], false),
            UnitState::InService
        );
        assert_eq!(
            classify(&status("normal", false), &[], false),
            UnitState::OutOfService
        );
        assert_eq!(
            classify(&status("fire", false), &[], false),
            UnitState::OutOfService
        );
        assert_eq!(
            classify(&status("inspection", false), &[], false),
            UnitState::Maintenance
        );
        assert_eq!(
            classify(&status("unknown", false), &[], false),
            UnitState::Unknown
        );
    }

    #[test]
    fn maintenance_on_site_beats_a_normal_report() {
        assert_eq!(
            classify(&status("normal", true), &[], true),
            UnitState::Maintenance
        );
    }

    #[test]
    fn states_round_trip_their_names() {
        for s in UnitState::ALL {
            assert_eq!(UnitState::parse(s.as_str()), Some(s));
        }
        assert_eq!(UnitState::parse("x"), None);
    }
}
