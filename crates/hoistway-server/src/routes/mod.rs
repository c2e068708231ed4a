//! The routes of the API, one module per resource.

pub mod access;
pub mod audit;
pub mod auth;
pub mod calls;
pub mod health;
pub mod invoices;
pub mod registry;
pub mod topology;
pub mod users;
