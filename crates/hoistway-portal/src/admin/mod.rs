//! `/admin`: the provider admin's screens for the register behind every
//! other page: customers ([`customers`]), their buildings with the flags
//! and business hours triage and SLA timers read ([`buildings`], with the
//! remote-call topology), units and their device credentials ([`units`]),
//! people of every role ([`people`]) and KONE-compatible API applications
//! ([`api_clients`]), the per-country service contacts
//! ([`service_contacts`]) and the parts catalogue with its stock per depot
//! ([`parts`]).
//!
//! Every write goes through the same store function as the API's handler,
//! with the viewer's scope and actor, so the rules, refusals and audit rows
//! are the API's. A refusal comes back to the form as a message naming the
//! field. Secrets (device tokens, client secrets) are shown once, on the
//! answer to the form that made them, and never stored in a cookie.

pub mod api_clients;
pub mod buildings;
pub mod customers;
pub mod parts;
pub mod people;
pub mod service_contacts;
pub mod units;

use super::layout::{self, Area};
use super::page::{Ctx, PortalError};
use super::ui;
use crate::forms::Posted;
use axum::response::{IntoResponse, Response};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Invalid, Resource};
use hoistway_store::customers::Customer;
use hoistway_store::ListFilter;
use maud::{html, Markup};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The admin's sub-pages.
fn tabs(ctx: &Ctx) -> [(&'static str, &'static str); 5] {
    let a = &ctx.t.admin;
    [
        ("/admin", a.customers),
        ("/admin/users", a.people),
        ("/admin/api-clients", a.api_clients),
        ("/admin/service-contacts", ctx.t.contacts.directory),
        ("/admin/parts", ctx.t.parts.title),
    ]
}

/// Checks that the viewer administers the register.
pub(crate) fn require_admin(ctx: &Ctx, resource: Resource) -> Result<(), PortalError> {
    ctx.require_area(Area::Admin)?;
    ctx.require(resource, Action::Write)
}

/// The admin page frame: header, the sub-tabs, a breadcrumb trail.
pub(crate) fn shell(ctx: &Ctx, title: &str, crumbs: &[(String, String)], body: Markup) -> Response {
    let t = ctx.t;
    let current = tabs(ctx)
        .iter()
        .rev()
        .find(|(href, _)| ctx.path == *href || ctx.path.starts_with(&format!("{href}/")))
        .map(|(href, _)| *href)
        .unwrap_or("/admin");
    layout::page(
        ctx,
        title,
        html! {
            @if !crumbs.is_empty() {
                nav.crumbs aria-label=(t.admin.breadcrumb) {
                    @for (href, label) in crumbs { a href=(href) { (label) } " / " }
                    (title)
                }
            }
            (ui::page_header(title, None, html! {}))
            nav.seg.setup-nav aria-label=(t.admin.title) {
                @for (href, label) in tabs(ctx) {
                    a href=(href) aria-current=[(current == href).then_some("page")] { (label) }
                }
            }
            div.spacer {}
            (body)
        },
    )
    .into_response()
}

pub(crate) use crate::page::back_with;

/// A labelled text input.
pub(crate) fn text_field(id: &str, label: &str, name: &str, value: &str, kind: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            input id=(id) type=(kind) name=(name) value=(value);
        }
    }
}

/// A labelled text input that must be filled.
pub(crate) fn required_field(id: &str, label: &str, name: &str, value: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            input id=(id) type="text" name=(name) value=(value) required;
        }
    }
}

/// A check box with its label and a hint under it.
pub(crate) fn flag(name: &str, label: &str, hint: &str, checked: bool) -> Markup {
    html! {
        label.check {
            input type="checkbox" name=(name) value="on" checked[checked];
            span { strong { (label) } br; span.small.muted { (hint) } }
        }
    }
}

/// Form fields as a JSON object for a store input or patch: text fields
/// (blank is `null`), numbers (blank is `null`, anything else must parse,
/// or the refusal names the field) and check boxes (absent is `false`).
pub(crate) struct JsonForm<'a> {
    posted: &'a Posted,
    out: Map<String, Value>,
}

impl<'a> JsonForm<'a> {
    pub(crate) fn new(posted: &'a Posted) -> Self {
        Self {
            posted,
            out: Map::new(),
        }
    }

    pub(crate) fn text(mut self, names: &[&str]) -> Self {
        for n in names {
            let v = self.posted.get(n).map(|v| Value::String(v.into()));
            self.out.insert((*n).into(), v.unwrap_or(Value::Null));
        }
        self
    }

    /// Required text: blank is sent as "" so the store's own check names it.
    pub(crate) fn required(mut self, names: &[&str]) -> Self {
        for n in names {
            let v = self.posted.get(n).unwrap_or("").to_string();
            self.out.insert((*n).into(), Value::String(v));
        }
        self
    }

    pub(crate) fn number(mut self, name: &'static str, integer: bool) -> Result<Self, Invalid> {
        let v = match self.posted.get(name) {
            None => Value::Null,
            Some(raw) => {
                let refused = || Invalid::new(name, format!("'{raw}' is not a number"));
                if integer {
                    Value::from(raw.parse::<i64>().map_err(|_| refused())?)
                } else {
                    let x: f64 = raw.replace(',', ".").parse().map_err(|_| refused())?;
                    serde_json::Number::from_f64(x)
                        .map(Value::Number)
                        .ok_or_else(refused)?
                }
            }
        };
        self.out.insert(name.into(), v);
        Ok(self)
    }

    pub(crate) fn flags(mut self, names: &[&str]) -> Self {
        for n in names {
            let on = self.posted.get(n).is_some();
            self.out.insert((*n).into(), Value::Bool(on));
        }
        self
    }

    pub(crate) fn value(self) -> Value {
        Value::Object(self.out)
    }
}

/// An id from a form field, or a refusal naming it.
pub(crate) fn posted_id(posted: &Posted, name: &'static str) -> Result<i64, Invalid> {
    posted
        .get(name)
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| Invalid::new(name, "choose one"))
}

/// Every customer the viewer administers (one page of 500) and their
/// names by id, for pickers and the lists' customer column.
pub(crate) async fn customers_by_id(
    s: &AppState,
    ctx: &Ctx,
) -> Result<(Vec<Customer>, HashMap<i64, String>), PortalError> {
    let list = hoistway_store::customers::list(&s.db, &ctx.caller.scope, &ListFilter::limited(500))
        .await?
        .items;
    let names = list.iter().map(|c| (c.id, c.name.clone())).collect();
    Ok((list, names))
}

/// "—" for nothing.
pub(crate) fn or_dash(ctx: &Ctx, v: Option<&str>) -> String {
    v.filter(|v| !v.is_empty())
        .unwrap_or(ctx.t.common.dash)
        .to_string()
}

/// A one-time secret, shown on the page that made it.
pub(crate) fn secret_box(ctx: &Ctx, heading: &str, rows: &[(&str, String)]) -> Markup {
    let a = &ctx.t.admin;
    html! {
        section.card role="status" aria-labelledby="secret-h" {
            h2 #secret-h { (heading) }
            p { strong { (a.secret_once) } }
            @for (k, v) in rows {
                h3.small { (k) }
                code.secret data-secret=(k) { (v) }
            }
        }
    }
}
