//! The routes of the API, one module per resource.

pub mod access;
pub mod api_clients;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod calls;
pub mod cases;
pub mod certificates;
pub mod checklists;
pub mod devices;
pub mod equipment;
pub mod exports;
pub mod health;
pub mod invitations;
pub mod invoices;
pub mod kpis;
pub mod maintenance;
pub mod notifications;
pub mod registry;
pub mod technicians;
pub mod telemetry;
pub mod topology;
pub mod users;
pub mod visit_work;
