//! The server's end-to-end suites: the whole app, in process or on a real
//! port, on SQLite and PostgreSQL. One test binary rather than one per
//! file, so a change relinks one executable instead of thirty; run one
//! suite with `cargo test -p hoistway-server --test app <module>::`.

mod common;
mod kone_common;
mod portal_common;
mod remote_common;

mod admin_screens;
mod api;
mod cases;
mod cases_over_time;
mod certificate_notices;
mod connected;
mod contract_scope;
mod data_export;
mod demo_feed;
mod demo_history;
mod desk_console;
mod desk_day;
mod email_intake;
mod hardening_authz;
mod hardening_connections;
mod hardening_input;
mod hardening_roles;
mod hardening_text;
mod hardening_transport;
mod invitations;
mod kone;
mod kone_common_api;
mod kone_connections;
mod kone_equipment;
mod kone_rules;
mod kone_stream;
mod lifecycle;
mod maintenance;
mod notify;
mod offers;
mod on_call;
mod openapi_doc;
mod parts;
mod portal;
mod portal_customer;
mod portal_desk;
mod portal_notifications;
mod portal_speed;
mod privacy;
mod remote_access;
mod remote_calls;
mod request_journeys;
mod resident_app;
mod root_causes;
mod root_causes_portal;
mod service_contacts;
mod surveys;
mod tech_visits;
mod tenancy;
mod triage_flags;
mod web_push;
mod webhooks;
mod webhooks_common;
mod webhooks_endpoints;
mod webhooks_portal;
