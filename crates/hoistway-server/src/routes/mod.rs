//! The routes of the API, one module per resource.

pub mod audit;
pub mod auth;
pub mod cases;
pub mod health;
pub mod invoices;
pub mod kpis;
pub mod notifications;
pub mod registry;
pub mod users;
