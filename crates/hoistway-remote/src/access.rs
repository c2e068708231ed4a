//! Who may use remote call in a building, and between which areas.
//!
//! Residents need an active access grant for the building: without one the
//! building's topology and calls are "not found" for them, and with one they
//! may call only between the areas granted. Everyone else who may place
//! calls at all (their role) does so in every building their tenancy scope
//! shows, between any areas.

use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::state::AppState;
use hoistway_domain::Role;
use hoistway_store::buildings::{self, Building};
use hoistway_store::grants::{self, Areas};

/// Refuses (404) a resident without access to the building; others pass
/// (the store applies their scope).
pub async fn require_building(s: &AppState, caller: &Caller, building: i64) -> ApiResult<()> {
    if caller.user.role == Role::Resident {
        call_areas(s, caller, building).await?;
    }
    Ok(())
}

/// The building (in the caller's scope) and the areas the caller may call
/// between there.
pub async fn call_areas(
    s: &AppState,
    caller: &Caller,
    building: i64,
) -> ApiResult<(Building, Areas)> {
    let b = buildings::get(&s.db, &caller.scope, building).await?;
    if caller.user.role != Role::Resident {
        return Ok((b, Areas::All));
    }
    match grants::allowed_areas(&s.db, caller.user.id, building).await? {
        Some(areas) => Ok((b, areas)),
        None => Err(AppError::NotFound("building")),
    }
}
