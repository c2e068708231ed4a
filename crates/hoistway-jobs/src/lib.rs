//! Background work of a server node: the notification drivers (e-mail,
//! SMS, push: [`delivery`], Web Push itself in [`web_push`]), SLA timers and the delivery loop ([`desk`]), the daily maintenance scheduler ([`maintenance`]) and
//! hourly invoicing from contracts ([`invoicing`]) and the daily deletion
//! of records past their retention period ([`retention`]).
//! Outgoing webhooks of customers are sent by [`webhooks`] (signed,
//! retried with backoff from their own outbox).
//!
//! Every node runs these loops. Work is claimed through the database (row
//! leases for timers and outbox rows, a named lease for daily jobs), so with
//! several nodes on one PostgreSQL each piece of work is done once.

pub mod delivery;
pub mod desk;
pub mod invoicing;
pub mod maintenance;
pub mod retention;
pub mod web_push;
pub mod webhooks;

pub use desk::spawn;
pub use maintenance::spawn_maintenance_scheduler;
pub use retention::spawn_retention;
