//! One running driver per building, started on first use and stopped when
//! the building's topology changes.
//!
//! The registry keeps, with each driver, the twin model of the topology it
//! was started from: the server routes calls with it (area → floor and side,
//! which groups serve which floors) whatever kind the driver is.

use crate::driver::{ControllerDriver, DriverError};
use crate::twin::{TwinDriver, TwinOptions};
use hoistway_domain::Clock;
use hoistway_twin::Building;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Starts the driver of a building.
pub trait DriverFactory: Send + Sync + 'static {
    fn start(
        &self,
        building_id: i64,
        topology: &Building,
    ) -> Result<Arc<dyn ControllerDriver>, DriverError>;
}

/// Every building is driven by the twin.
pub struct TwinFactory {
    pub clock: Arc<dyn Clock>,
    pub options: TwinOptions,
}

impl DriverFactory for TwinFactory {
    fn start(
        &self,
        building_id: i64,
        topology: &Building,
    ) -> Result<Arc<dyn ControllerDriver>, DriverError> {
        let options = TwinOptions {
            // Different buildings get different background traffic.
            seed: self.options.seed.wrapping_add(building_id as u64),
            ..self.options.clone()
        };
        Ok(Arc::new(TwinDriver::start(
            topology,
            self.clock.clone(),
            options,
        )))
    }
}

/// A running driver and the topology it serves.
#[derive(Clone)]
pub struct Running {
    pub driver: Arc<dyn ControllerDriver>,
    pub topology: Arc<Building>,
}

pub struct Registry {
    factory: Arc<dyn DriverFactory>,
    running: Mutex<HashMap<i64, Running>>,
}

impl Registry {
    pub fn new(factory: Arc<dyn DriverFactory>) -> Self {
        Self {
            factory,
            running: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Running>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The running driver of a building, if started.
    pub fn get(&self, building_id: i64) -> Option<Running> {
        self.lock().get(&building_id).cloned()
    }

    /// Starts the building's driver from `topology` unless one is running
    /// (two requests may race to start it). `on_start` runs, under the
    /// registry's lock, only for a driver this call started: subscribe to it
    /// there, and no other request can place a call before you listen.
    pub fn start(
        &self,
        building_id: i64,
        topology: Building,
        on_start: impl FnOnce(&Running),
    ) -> Result<Running, DriverError> {
        let mut running = self.lock();
        if let Some(r) = running.get(&building_id) {
            return Ok(r.clone());
        }
        let driver = self.factory.start(building_id, &topology)?;
        let r = Running {
            driver,
            topology: Arc::new(topology),
        };
        on_start(&r);
        running.insert(building_id, r.clone());
        Ok(r)
    }

    /// Stops the building's driver (its live calls are cancelled); the next
    /// call starts a new one from the then current topology.
    pub fn stop(&self, building_id: i64) -> bool {
        let removed = self.lock().remove(&building_id);
        if let Some(r) = &removed {
            r.driver.shutdown();
        }
        removed.is_some()
    }

    /// Buildings with a running driver.
    pub fn buildings(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self.lock().keys().copied().collect();
        ids.sort_unstable();
        ids
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        for r in self.lock().values() {
            r.driver.shutdown();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use hoistway_domain::ManualClock;

    const OFFICE: &str = include_str!("../../../examples/buildings/office-10.toml");

    #[tokio::test]
    async fn one_driver_per_building_until_stopped() {
        let clock = ManualClock::new(chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        let reg = Registry::new(Arc::new(TwinFactory {
            clock: Arc::new(clock),
            options: TwinOptions::default(),
        }));
        let b = Building::from_toml_str(OFFICE).unwrap();
        let mut started = 0;
        let first = reg.start(7, b.clone(), |_| started += 1).unwrap();
        let again = reg.start(7, b.clone(), |_| started += 1).unwrap();
        assert_eq!(started, 1);
        assert!(Arc::ptr_eq(&first.driver, &again.driver));
        assert_eq!(first.driver.groups()[0].lifts.len(), 4);
        assert_eq!(reg.buildings(), vec![7]);
        assert!(reg.stop(7));
        assert!(!reg.stop(7));
        assert!(reg.get(7).is_none());
        let fresh = reg.start(7, b, |_| started += 1).unwrap();
        assert_eq!(started, 2);
        assert!(!Arc::ptr_eq(&first.driver, &fresh.driver));
        // The stopped driver no longer answers.
        assert!(first.driver.lift_states("A").await.is_err());
        assert_eq!(fresh.driver.lift_states("A").await.unwrap().len(), 4);
    }
}
