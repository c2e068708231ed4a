//! `/services/certificates`: the authorities' inspection certificates of
//! the viewer's units, the latest per unit first by expiry, with a plain
//! state (expired, expires in N days, valid) and the document to download.
//! Read through the store's certificate list with the viewer's scope, like
//! `GET /api/v1/certificates`.

use super::layout::{self, Area};
use super::page::{Ctx, PageResult};
use super::{fleet, ui};
use axum::extract::State;
use axum::response::IntoResponse;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::maintenance::certificates::{self, Certificate, CertificateFilter};
use hoistway_store::ListFilter;
use maud::html;
use std::collections::{HashMap, HashSet};

/// A certificate expiring within this many days is flagged.
pub const SOON_DAYS: i64 = 60;

/// The state a certificate is in, as a badge.
pub fn state_badge(t: &crate::strings::Strings, c: &Certificate) -> maud::Markup {
    let s = &t.services;
    if c.days_to_expiry < 0 {
        ui::badge(ui::Tone::Bad, s.cert_expired)
    } else if c.days_to_expiry <= SOON_DAYS {
        ui::badge(ui::Tone::Warn, &(s.cert_expires_in)(c.days_to_expiry))
    } else {
        ui::badge(ui::Tone::Ok, s.cert_valid)
    }
}

/// `GET /services/certificates`.
pub async fn list(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    ctx.require_area(Area::Services)?;
    ctx.require(Resource::Certificates, Action::Read)?;
    let t = ctx.t;
    let st = &t.services;
    let today = s.clock.now().date_naive();
    let mut all: Vec<Certificate> = Vec::new();
    let mut cursor = None;
    loop {
        let f = CertificateFilter {
            cursor,
            limit: Some(500),
            ..Default::default()
        };
        let page = certificates::list(&s.db, &ctx.caller.scope, &f, today).await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(c) if all.len() < 5000 => cursor = Some(c),
            _ => break,
        }
    }
    // The current certificate of each unit: the one that expires last.
    all.sort_by(|a, b| b.expires_on.cmp(&a.expires_on));
    let mut seen = HashSet::new();
    let mut current: Vec<Certificate> =
        all.into_iter().filter(|c| seen.insert(c.unit_id)).collect();
    current.sort_by_key(|c| c.days_to_expiry);
    let units = fleet::units(&s, &ctx.caller, &ListFilter::default()).await?;
    let buildings: HashMap<i64, String> = fleet::buildings(&s, &ctx.caller)
        .await?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let unit_of: HashMap<i64, _> = units.iter().map(|u| (u.id, u)).collect();
    let uncovered = units.iter().filter(|u| !seen.contains(&u.id)).count();
    let due = current
        .iter()
        .filter(|c| c.days_to_expiry <= SOON_DAYS)
        .count();
    let body = html! {
        nav.crumbs aria-label=(t.equipment.breadcrumb) { a href="/services" { (st.title) } " / " (st.certificates) }
        (ui::page_header(st.certificates, Some(st.certificates_lead), html! {
            @if due > 0 { (ui::badge(ui::Tone::Warn, &(st.cert_due_count)(due))) }
        }))
        section.card aria-labelledby="cert-h" {
            h2 #cert-h { (st.certificates) " " span.count { (current.len()) } }
            @if current.is_empty() { (ui::empty(st.no_certificates)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr {
                        th scope="col" { (st.cert_unit) }
                        th scope="col" { (st.cert_authority) }
                        th scope="col" { (st.cert_expires) }
                        th scope="col" { (st.cert_state) }
                        th scope="col" { (st.cert_document) }
                    } }
                    tbody { @for c in &current {
                        tr data-certificate=(c.id) {
                            td data-label=(st.cert_unit) {
                                @if let Some(u) = unit_of.get(&c.unit_id) {
                                    a href=(format!("/equipment/{}", u.id)) { (fleet::unit_name(u)) }
                                    div.small.muted { (buildings.get(&u.building_id).cloned().unwrap_or_default()) }
                                }
                            }
                            td data-label=(st.cert_authority) {
                                (c.authority)
                                @if let Some(n) = &c.certificate_number { div.small.muted { (n) } }
                            }
                            td.nowrap data-label=(st.cert_expires) { (ui::date(&c.expires_on)) }
                            td data-label=(st.cert_state) { (state_badge(t, c)) }
                            td data-label=(st.cert_document) {
                                a href=(format!("/services/certificates/{}/file", c.id)) download {
                                    (st.cert_download) span.sr-only { " " (c.file_name) }
                                }
                            }
                        }
                    } }
                } }
            }
            @if uncovered > 0 { p.small.muted { ((st.cert_uncovered)(uncovered)) } }
        }
    };
    Ok(layout::page(&ctx, st.certificates, body).into_response())
}

/// `GET /services/certificates/{id}/file`: the document, always as a
/// download (an uploaded file is never rendered as a page of ours).
pub async fn file(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    ctx.require_area(Area::Services)?;
    ctx.require(Resource::Certificates, Action::Read)?;
    let (name, content_type, bytes) = certificates::content(&s.db, &ctx.caller.scope, id).await?;
    Ok(super::printed::download(bytes, content_type, &name))
}
