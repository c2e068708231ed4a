//! `/notifications`: the viewer's own notification list (newest first, 20
//! a page, older pages by `?before=<id>`), each entry linking to the page
//! it is about; mark one or all as read (CSRF-checked, audited by the
//! store); and the switch for Web Push on this device ([`push_panel`],
//! also on the settings page), driven by app.js.
//!
//! Every role has the list (the bell is in every page's top bar); rows are
//! read by the viewer's user id, so nobody reaches another user's entries:
//! marking someone else's id is the 404 page. [`unread`] gives app.js the
//! bell's count, so the bell stays current without a reload.

use super::forms::{csrf_field, Posted};
use super::page::{redirect_with, Ctx, PageResult, PortalError};
use super::{layout, ui};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hoistway_app::extract::Path;
use hoistway_app::links::{event_page, notice_page};
use hoistway_app::state::AppState;
use hoistway_app::web_push::vapid_key;
use hoistway_store::inbox::{self, Entry};
use maud::{html, Markup};
use serde::Deserialize;

/// Entries per page.
const PAGE: i64 = 20;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Show entries older than this id.
    before: Option<String>,
}

/// `GET /notifications`.
pub async fn list(State(s): State<AppState>, ctx: Ctx, Query(q): Query<ListQuery>) -> PageResult {
    let t = ctx.t;
    let before = match q.before.as_deref().map(str::trim).filter(|b| !b.is_empty()) {
        None => None,
        Some(b) => Some(b.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
            PortalError::BadRequest("before: must be the number of a notification".into())
        })?),
    };
    let mut entries = inbox::list(&s.db, ctx.caller.user.id, before, PAGE + 1).await?;
    let more = entries.len() as i64 > PAGE;
    entries.truncate(PAGE as usize);
    let panel = push_panel(&s, &ctx).await;
    let body = html! {
        (ui::page_header(t.notices.title, Some(t.notices.lead), html! {
            @if ctx.unread > 0 {
                form method="post" action="/notifications/read-all" {
                    (csrf_field(&ctx))
                    button.btn.btn-primary type="submit" { (t.notices.mark_all_read) }
                }
            }
        }))
        section.card aria-label=(t.notices.title) {
            @if entries.is_empty() {
                (ui::empty(t.notices.empty))
            } @else {
                ul.list.notices data-notices {
                    @for e in &entries { (item(&ctx, e)) }
                }
            }
            @if more || before.is_some() {
                nav.pager aria-label=(t.notices.older) {
                    @if before.is_some() { a href="/notifications" { (t.notices.newest) } }
                    @if more {
                        @if let Some(last) = entries.last() {
                            a href=(format!("/notifications?before={}", last.id)) { (t.notices.older) }
                        }
                    }
                }
            }
        }
        (panel)
    };
    Ok(layout::page(&ctx, t.notices.title, body).into_response())
}

/// `GET /notifications/unread`: the bell's number and its spoken label as
/// JSON (`{"unread": 3, "label": "Notifications, 3 unread"}`), read by
/// app.js to keep the bell current on live events and a slow poll.
pub async fn unread(ctx: Ctx) -> Response {
    let n = ctx.unread;
    Json(serde_json::json!({ "unread": n, "label": (ctx.t.notices.bell)(n) })).into_response()
}

/// One entry: what happened, about what (linked), when, and its button.
fn item(ctx: &Ctx, e: &Entry) -> Markup {
    let t = ctx.t;
    let role = ctx.caller.user.role;
    let link = notice_page(role, e.case_number.as_deref(), e.invoice_id)
        .or_else(|| event_page(role, &e.event));
    let about = match (&e.case_number, &e.invoice_number) {
        (Some(n), _) => Some((t.notices.about_request)(n)),
        (None, Some(n)) => Some((t.notices.about_invoice)(n)),
        _ => None,
    };
    // A case's own words; otherwise (invoices, other notices) the notice's text.
    let detail = match &e.case_symptoms {
        Some(s) => ui::short(s, 140),
        None => ui::short(e.body.lines().next().unwrap_or(""), 140),
    };
    // The viewer's own zone if chosen (My settings), else the building's.
    let zone = ctx
        .caller
        .user
        .timezone
        .as_deref()
        .or(e.timezone.as_deref());
    let tz = ui::zone(zone.unwrap_or("UTC"));
    let unread = e.read_at.is_none();
    html! {
        li.notice.(if unread { "notice-unread" } else { "notice-read" }) data-notice=(e.id) {
            div.main {
                div.notice-title {
                    @if unread { (ui::badge(ui::Tone::Info, t.notices.unread)) " " }
                    @match &link {
                        Some(href) => a href=(href) { ((t.notices.event_title)(&e.event)) },
                        None => strong { ((t.notices.event_title)(&e.event)) },
                    }
                }
                div.sub {
                    @if let Some(a) = &about { span.notice-about { (a) } " · " }
                    time datetime=(e.created_at.to_rfc3339()) { (ui::datetime(e.created_at, tz)) }
                }
                @if !detail.is_empty() { div.notice-detail { (detail) } }
            }
            @if unread {
                form.notice-action method="post" action=(format!("/notifications/{}/read", e.id)) {
                    (csrf_field(ctx))
                    button.btn.btn-ghost type="submit" aria-label=(format!("{} – {}", t.notices.mark_read, (t.notices.event_title)(&e.event))) { (t.notices.mark_read) }
                }
            }
        }
    }
}

/// The Web Push switch for this device: app.js reads the server's VAPID
/// key and the messages from its data attributes (no inline script under
/// the CSP) and tells in plain words what the browser did.
pub async fn push_panel(s: &AppState, ctx: &Ctx) -> Markup {
    let t = ctx.t;
    let key = match vapid_key(s).await {
        Ok(k) => k.public().to_string(),
        Err(e) => {
            // The page still works; push cannot start without the key.
            tracing::warn!(error = %e, "no VAPID key for the push switch");
            String::new()
        }
    };
    html! {
        section.card.push-panel aria-labelledby="push-h" data-push-panel data-vapid-key=(key)
            data-msg-checking=(t.notices.push_checking) data-msg-working=(t.notices.push_working)
            data-msg-unsupported=(t.notices.push_unsupported) data-msg-denied=(t.notices.push_denied)
            data-msg-failed=(t.notices.push_failed) data-msg-not-saved=(t.notices.push_not_saved)
            data-msg-on=(t.notices.push_is_on) data-msg-off=(t.notices.push_is_off) {
            h2 #push-h { (t.notices.push_title) }
            p.muted { (t.notices.push_lead) }
            p.push-status role="status" aria-live="polite" data-push-status { (t.notices.push_needs_script) }
            div.actions {
                button.btn.btn-primary type="button" data-push-on hidden { (t.notices.push_on) }
                button.btn.btn-ghost type="button" data-push-off hidden { (t.notices.push_off) }
            }
        }
    }
}

/// `POST /notifications/{id}/read`.
pub async fn mark_read(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    let u = &ctx.caller.user;
    inbox::mark_read(&s.db, ctx.caller.actor(&s), u.id, u.customer_id, id).await?;
    Ok(redirect_with(
        &s,
        "/notifications",
        true,
        ctx.t.notices.marked_read,
    ))
}

/// `POST /notifications/read-all`.
pub async fn mark_all_read(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    let u = &ctx.caller.user;
    let n = inbox::mark_all_read(&s.db, ctx.caller.actor(&s), u.id, u.customer_id).await?;
    let text = if n == 0 {
        ctx.t.notices.nothing_unread.to_string()
    } else {
        (ctx.t.notices.all_marked)(n)
    };
    Ok(redirect_with(&s, "/notifications", true, text))
}
