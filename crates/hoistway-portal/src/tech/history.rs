//! The unit's history as the technician working on it sees it, on the
//! visit page and the work-order page: the last [`SHOWN`] cases and
//! planned visits of the unit, newest first, each with its date and its
//! status in plain words.
//!
//! Cases of other technicians are listed by number, date, status and the
//! reported cause only (never the reporter's name, phone or words): the
//! API lets a technician read only their own cases (`hoistway_api::cases::
//! technician_reads`), so only those are links.

use crate::page::{Ctx, PortalError};
use crate::ui::{self, Tone};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use hoistway_app::state::AppState;
use hoistway_maintenance::VisitStatus;
use hoistway_store::cases::{self, CaseFilter};
use hoistway_store::maintenance::visits::{self, VisitFilter};
use maud::{html, Markup};

/// Entries shown.
pub const SHOWN: usize = 10;

/// What the current page is about, left out of its own history.
#[derive(Debug, Clone, Copy)]
pub enum Current {
    Case(i64),
    Visit(i64),
}

struct Entry {
    at: DateTime<Utc>,
    label: String,
    status: &'static str,
    tone: Tone,
    detail: Option<String>,
    link: Option<String>,
}

/// Cases of the unit, in id order (every page of the store's list).
async fn unit_cases(
    s: &AppState,
    ctx: &Ctx,
    unit_id: i64,
) -> Result<Vec<cases::Case>, PortalError> {
    let mut out = Vec::new();
    let mut cursor = None;
    // A unit with thousands of cases is not one a phone page lists whole:
    // ten pages of 500 are plenty for its latest ten.
    for _ in 0..10 {
        let page = cases::list(
            &s.db,
            &ctx.caller.scope,
            &CaseFilter {
                unit_id: Some(unit_id),
                limit: Some(500),
                cursor,
                ..Default::default()
            },
        )
        .await?;
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    Ok(out)
}

/// The history block of `unit_id` (`tz`: the building's zone).
pub async fn block(
    s: &AppState,
    ctx: &Ctx,
    unit_id: i64,
    tz: Tz,
    current: Current,
) -> Result<Markup, PortalError> {
    let t = ctx.t;
    let me = ctx.caller.user.id;
    let now = s.clock.now();
    let today = now.with_timezone(&tz).date_naive().to_string();
    let mut entries: Vec<Entry> = Vec::new();
    for c in unit_cases(s, ctx, unit_id).await? {
        if matches!(current, Current::Case(id) if id == c.id) {
            continue;
        }
        let cause = c
            .report
            .as_ref()
            .and_then(|r| r["cause_code"].as_str())
            .filter(|code| !code.is_empty())
            .map(|code| (t.tech_visits.history_cause)((t.printed.cause)(code)));
        entries.push(Entry {
            at: c.created_at,
            label: (t.tech_visits.history_case)(&c.number),
            status: (t.labels.case_status)(&c.status),
            tone: ui::case_tone(&c.status),
            detail: cause,
            link: (c.technician_id == Some(me)).then(|| format!("/tech/cases/{}", c.number)),
        });
    }
    let f = VisitFilter {
        unit_id: Some(unit_id),
        to: Some(today),
        ..Default::default()
    };
    for v in visits::all(&s.db, &ctx.caller.scope, &f, 5000).await? {
        if matches!(current, Current::Visit(id) if id == v.id) {
            continue;
        }
        let tone = match v.status {
            VisitStatus::Completed => Tone::Ok,
            VisitStatus::Missed => Tone::Bad,
            VisitStatus::Cancelled => Tone::Muted,
            _ => Tone::Info,
        };
        entries.push(Entry {
            at: v.completed_at.unwrap_or(v.planned_for),
            label: (t.labels.visit_kind)(v.kind.as_str()).to_string(),
            status: (t.labels.visit_status)(v.status.as_str()),
            tone,
            detail: None,
            link: (v.technician_id == Some(me)).then(|| format!("/tech/visits/{}", v.id)),
        });
    }
    entries.sort_by_key(|e| std::cmp::Reverse(e.at));
    entries.truncate(SHOWN);
    Ok(html! {
        section.card.unit-history data-unit-history=(unit_id) {
            h2 { (t.tech_visits.history_heading) }
            @if entries.is_empty() { (ui::empty(t.tech_visits.history_empty)) }
            ul.history {
                @for e in &entries {
                    li {
                        time datetime=(e.at.to_rfc3339()) { (e.at.with_timezone(&tz).format("%-d %b %Y")) }
                        span.history-what {
                            @if let Some(href) = &e.link { a href=(href) { (e.label) } } @else { (e.label) }
                            @if let Some(d) = &e.detail { br; span.hint { (d) } }
                        }
                        (ui::badge(e.tone, e.status))
                    }
                }
            }
        }
    })
}
