//! The demo's past: 24 months of history before "now" (the actor's clock,
//! never the wall clock) for the whole demo fleet, generated through the
//! domain rather than pasted. [`plan`] decides the calls (seeded, so every
//! fresh start is the same history); [`traffic`] turns the twin's traffic
//! model and the plan's outages into hourly and daily rollups (written
//! first, [`seed_rollups`], so the contracts' plans see each unit's use);
//! [`cases`]
//! plays the calls through the service desk's store functions; [`visits`]
//! completes the planned maintenance the scheduler books. The outbox rows
//! this replay writes are marked delivered when written: those notices went
//! out at the time, not at the next start.

pub mod cases;
pub mod plan;
pub mod traffic;
pub mod visits;

use chrono::{DateTime, Duration, Utc};
use hoistway_domain::fleet::UnitKind;
use hoistway_domain::Scope;
use hoistway_store::cases::Rules;
use hoistway_store::{buildings, rollups, units, Actor, Db, ListFilter, StoreError};
use plan::UnitInfo;
use std::collections::HashMap;

/// The seed of the demo's history.
pub const SEED: u64 = 0x486f_6973_7477_6179;
/// Months of history.
pub const MONTHS: u32 = 24;
/// Days of hourly rollups (daily rows cover the whole history).
pub const HOURLY_DAYS: i64 = 45;

/// What was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub cases: usize,
    pub escalations: usize,
    pub visits: usize,
}

/// The first instant of the history ending at `now`.
pub fn start_of(now: DateTime<Utc>) -> DateTime<Utc> {
    now.checked_sub_months(chrono::Months::new(MONTHS))
        .unwrap_or(now - Duration::days(730))
}

/// Where the replayed maintenance starts: the contracts are signed then (so
/// their plans start there, and no visit before it is left "missed"). The
/// whole history, like the calls.
pub fn visits_start(now: DateTime<Utc>) -> DateTime<Utc> {
    start_of(now)
}

/// Writes the history's telemetry rollups, ending where the live twin's
/// warm-up begins ([`crate::feed::WARM_UP`] before `now`, whose telemetry
/// the twin itself replays): before the contracts exist, so the
/// maintenance plans they create already see each unit's use. Returns the
/// rows written.
pub async fn seed_rollups(
    db: &Db,
    now: DateTime<Utc>,
    technicians: &HashMap<String, i64>,
) -> Result<usize, StoreError> {
    let clock = std::time::Instant::now();
    let from = start_of(now);
    let (infos, customers) = fleet(db, technicians).await?;
    let incidents = plan::incidents(&infos, from, now, SEED);
    let rows = tokio::task::spawn_blocking(move || {
        let mut rows = Vec::new();
        for (ui, u) in infos.iter().enumerate().filter(|(_, u)| u.connected) {
            let mine: Vec<&plan::Incident> = incidents.iter().filter(|i| i.unit == ui).collect();
            rows.extend(traffic::unit_rows(
                u,
                customers[ui],
                &mine,
                from,
                now - crate::feed::WARM_UP,
                HOURLY_DAYS,
                SEED,
            ));
        }
        rows
    })
    .await
    .map_err(|e| StoreError::Conflict(format!("history rollups: {e}")))?;
    let mut tx = db.begin().await?;
    rollups::add(&mut tx, &rows).await?;
    tx.commit().await?;
    tracing::info!(
        ms = clock.elapsed().as_millis() as u64,
        rows = rows.len(),
        "history: rollups"
    );
    Ok(rows.len())
}

/// Writes the history's calls and maintenance ending at `actor.at` (after
/// [`seed_rollups`] and the contracts). `technicians` maps a country code
/// to the technician covering it.
pub async fn seed(
    db: &Db,
    actor: Actor,
    rules: &Rules,
    technicians: &HashMap<String, i64>,
    horizon_days: i64,
) -> Result<Summary, StoreError> {
    let now = actor.at;
    let from = start_of(now);
    let (infos, _) = fleet(db, technicians).await?;
    // The same plan as the rollups' (same fleet, same seed).
    let incidents = plan::incidents(&infos, from, now, SEED);
    let clock = std::time::Instant::now();
    let played = cases::play(db, rules, &infos, &incidents, now).await?;
    tracing::info!(ms = clock.elapsed().as_millis() as u64, "history: cases");
    let visits = visits::complete_since(db, visits_start(now), now, horizon_days).await?;
    tracing::info!(ms = clock.elapsed().as_millis() as u64, "history: visits");
    hoistway_store::notifications::settle_before(db, now + Duration::seconds(1)).await?;
    Ok(Summary {
        cases: played.cases,
        escalations: played.escalations,
        visits,
    })
}

/// Every unit with what the plan needs, and each one's customer.
async fn fleet(
    db: &Db,
    technicians: &HashMap<String, i64>,
) -> Result<(Vec<UnitInfo>, Vec<i64>), StoreError> {
    let all = Scope::All;
    let units = units::list(db, &all, &ListFilter::limited(500))
        .await?
        .items;
    let sites: HashMap<i64, buildings::Building> =
        buildings::list(db, &all, &ListFilter::limited(500))
            .await?
            .items
            .into_iter()
            .map(|b| (b.id, b))
            .collect();
    let mut lifts: HashMap<i64, u32> = HashMap::new();
    for u in units.iter().filter(|u| u.kind == UnitKind::Elevator) {
        *lifts.entry(u.building_id).or_default() += 1;
    }
    let fallback = technicians.values().copied().min().unwrap_or_default();
    let mut infos = Vec::new();
    let mut customers = Vec::new();
    for u in &units {
        let Some(b) = sites.get(&u.building_id) else {
            continue;
        };
        infos.push(UnitInfo {
            id: u.id,
            kind: u.kind,
            connected: u.connected,
            floors: u.floors_served.unwrap_or(0).clamp(0, 200) as u32,
            lifts_in_building: lifts.get(&u.building_id).copied().unwrap_or(1),
            tz: b.timezone.parse().unwrap_or(chrono_tz::UTC),
            technician_id: technicians
                .get(b.country.as_str())
                .copied()
                .unwrap_or(fallback),
        });
        customers.push(u.customer_id);
    }
    Ok((infos, customers))
}
