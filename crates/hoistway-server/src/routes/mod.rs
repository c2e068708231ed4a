//! The routes of the API, one module per resource.

pub mod audit;
pub mod auth;
pub mod devices;
pub mod equipment;
pub mod health;
pub mod invoices;
pub mod registry;
pub mod telemetry;
pub mod users;
