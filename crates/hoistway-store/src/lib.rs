//! Hoistway's storage: one schema on SQLite (embedded, the default) and
//! PostgreSQL (by URL), through sqlx's `Any` driver so every query is
//! written once.
//!
//! Invariant: every read of tenant data takes the caller's
//! [`hoistway_domain::Scope`] and filters in SQL, so a row outside the scope
//! is indistinguishable from a row that does not exist.
//!
//! Portability rules that keep one SQL text valid on both backends:
//! placeholders are `$1..$n`; integers are `BIGINT` (decoded as `i64`);
//! booleans are stored as `0/1`; instants are epoch milliseconds; dates are
//! `YYYY-MM-DD` text.
//!
//! Module map:
//! - [`db`]: connecting, migrations, backend detection.
//! - [`sql`]: a small query builder that numbers placeholders.
//! - [`scope`]: turning a tenancy scope into SQL.
//! - [`page`]: cursor pagination and list filters.
//! - [`audit`]: the audit log, written in the same transaction as the change.
//! - one module per entity: [`customers`], [`buildings`] (with their
//!   [`business_hours`]), [`portfolios`],
//!   [`units`], [`contracts`] (with the [`contract_work`] done under them,
//!   classified by their scope), [`invoices`], [`users`], [`sessions`],
//!   [`idempotency`].
//! - [`cases`]: the service desk's cases, timeline and SLA timers;
//!   [`notifications`]: the outbox and notification preferences;
//!   [`inbox`]: the in-portal notification list and its read state;
//!   [`push`]: Web Push subscriptions and the server's VAPID key.
//! - [`maintenance`]: plans, visits, checklists, reports, certificates,
//!   technician profiles and the scheduler's edge (its own module map).
//! - [`surveys`]: satisfaction surveys after a case closes.
//! - [`offers`]: customers' requests for offers and the care center's
//!   quotes.
//! - [`parts`]: the parts catalogue (lead times, critical spares,
//!   contract-scope category, price) and stock per depot.
//! - [`on_call`]: the technicians' rota, declared extreme weather, who is
//!   on call at an instant and ranked dispatch suggestions (issue #21).
//! - issue #21: [`recurring`] (flagged units and the ranking by recurrent
//!   issues), [`root_causes`] (analyses and corrective action plans) and
//!   [`lifecycle`] (asset ages, modernization candidates, the budget).
//! - [`data_export`]: a unit's raw telemetry and rollups in pages, for
//!   the equipment data export.
//! - [`privacy`]: personal data export, objection, erasure, audited
//!   reads and retention periods.
//! - [`leases`]: named leases so one node runs a periodic job at a time.
//! - remote call: [`topology`], [`grants`] and [`call_counters`].
//! - connected equipment (issue 5): [`devices`] (device credentials),
//!   [`telemetry`] (raw events, dead letters, retention), [`rollups`]
//!   (hourly/daily counts), [`live`] (live unit state), [`findings`]
//!   (analytics findings) and [`commands`] (remote commands).
//! - KONE-compatible API (issue 7): [`api_clients`] (OAuth2 client
//!   credentials per customer).
//! - service contacts (issue 20): [`service_contacts`] (the per-country
//!   directory) and [`playbooks`] (a building's on-site playbook and its
//!   review reminder).
//! - outgoing webhooks (issue #20): [`webhooks`] (endpoints, the delivery
//!   outbox fed by the audit trail, the delivery log).

pub mod api_clients;
pub mod audit;
pub mod buildings;
pub mod business_hours;
pub mod call_counters;
pub mod cases;
pub mod commands;
pub mod contract_work;
pub mod contracts;
pub mod customers;
pub mod data_export;
pub mod db;
pub mod devices;
pub mod error;
pub mod findings;
pub mod grants;
pub mod idempotency;
pub mod inbox;
pub mod invitations;
pub mod invoices;
pub mod invoicing;
pub mod leases;
pub mod lifecycle;
pub mod live;
pub mod maintenance;
pub mod notifications;
pub mod offers;
pub mod on_call;
pub mod page;
pub mod parts;
pub mod patch;
mod pg_array;
pub mod playbooks;
pub mod portfolios;
pub mod privacy;
pub mod push;
pub mod recurring;
pub mod rollups;
pub mod root_causes;
mod row;
pub mod scope;
pub mod second_factor;
pub mod service_contacts;
pub mod sessions;
pub mod sql;
pub mod surveys;
pub mod telemetry;
pub mod testing;
pub mod topology;
pub mod units;
pub mod users;
pub mod webhooks;

pub use audit::Actor;
pub use db::{Backend, Db, Schema, Tx};
pub use error::StoreError;
pub use page::{ListFilter, Page};
