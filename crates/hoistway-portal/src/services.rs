//! `/services`: planned and completed visits of a month as a calendar or a
//! list, filterable by address (search), building and contract; and the
//! viewer's iCalendar subscription URL (created and revoked through the
//! same store functions as `/api/v1/calendar/tokens`; shown once, since
//! only its hash is kept).

use super::forms::{csrf_field, Posted};
use super::layout::{self, Area};
use super::page::{redirect_with, Ctx, PageResult};
use super::{fleet, ui};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use chrono::{Datelike, Duration, NaiveDate};
use hoistway_app::auth::{random_token, token_hash};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_maintenance::VisitStatus;
use hoistway_store::maintenance::calendar_tokens;
use hoistway_store::maintenance::visits::{self, Visit, VisitFilter};
use hoistway_store::ListFilter;
use maud::{html, Markup};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Default, Deserialize)]
pub struct ServicesQuery {
    view: Option<String>,
    month: Option<String>,
    building_id: Option<String>,
    contract_id: Option<String>,
    q: Option<String>,
}

/// First day of the month `YYYY-MM`, or of `today`'s month.
fn month_start(month: Option<&str>, today: NaiveDate) -> NaiveDate {
    month
        .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        .unwrap_or_else(|| today.with_day(1).unwrap_or(today))
}

fn add_months(d: NaiveDate, n: i32) -> NaiveDate {
    let total = d.year() * 12 + d.month0() as i32 + n;
    NaiveDate::from_ymd_opt(total.div_euclid(12), total.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}

/// The weeks (Monday first) covering the month of `first`.
pub fn weeks(first: NaiveDate) -> Vec<[NaiveDate; 7]> {
    let start = first - Duration::days(first.weekday().num_days_from_monday() as i64);
    let next = add_months(first, 1);
    let mut out = Vec::new();
    let mut d = start;
    while d < next {
        let mut week = [d; 7];
        for (i, day) in week.iter_mut().enumerate() {
            *day = d + Duration::days(i as i64);
        }
        out.push(week);
        d += Duration::days(7);
    }
    out
}

/// `GET /services`, and also the page after creating a feed URL (`fresh_url`).
pub async fn show(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ServicesQuery>,
) -> PageResult {
    render(&s, &ctx, &q, None).await
}

async fn render(
    s: &AppState,
    ctx: &Ctx,
    q: &ServicesQuery,
    fresh_url: Option<String>,
) -> PageResult {
    ctx.require_area(Area::Services)?;
    ctx.require(Resource::Maintenance, Action::Read)?;
    let t = ctx.t;
    let caller = &ctx.caller;
    let today = s.clock.now().date_naive();
    let first = month_start(q.month.as_deref(), today);
    let calendar_view = q.view.as_deref() != Some("list");
    let f = VisitFilter {
        building_id: super::forms::id_of(&q.building_id),
        contract_id: super::forms::id_of(&q.contract_id),
        q: q.q.clone().filter(|s| !s.trim().is_empty()),
        from: Some(first.to_string()),
        to: Some((add_months(first, 1) - Duration::days(1)).to_string()),
        ..Default::default()
    };
    // Cancelled visits (re-planned by the scheduler) are not the customer's
    // plan: they are left out.
    let list: Vec<Visit> = visits::all(&s.db, &caller.scope, &f, 2000)
        .await?
        .into_iter()
        .filter(|v| v.status != VisitStatus::Cancelled)
        .collect();
    let names: HashMap<i64, String> = fleet::units(s, caller, &ListFilter::default())
        .await?
        .iter()
        .map(|u| (u.id, fleet::short_unit_name(u)))
        .collect();
    let buildings = fleet::buildings(s, caller).await?;
    let contracts = if ctx.may(Resource::Contracts, Action::Read) {
        fleet::contracts(s, caller).await?
    } else {
        Vec::new()
    };
    let link = |view: &str, month: NaiveDate| {
        let mut pairs = vec![
            ("view", view.to_string()),
            ("month", month.format("%Y-%m").to_string()),
        ];
        for (k, v) in [
            ("building_id", &q.building_id),
            ("contract_id", &q.contract_id),
            ("q", &q.q),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
                pairs.push((k, v.to_string()));
            }
        }
        format!(
            "/services?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    };
    let view = if calendar_view { "calendar" } else { "list" };
    let month_label = first.format("%B %Y").to_string();
    let body = html! {
        (ui::page_header(t.services.title, Some(t.services.lead), html! {
            @if ctx.may(Resource::Certificates, Action::Read) {
                a.btn href="/services/certificates" { (t.services.certificates) }
            }
            nav.seg aria-label=(t.services.view) {
                a href=(link("calendar", first)) aria-current=[calendar_view.then_some("page")] { (t.services.calendar) }
                a href=(link("list", first)) aria-current=[(!calendar_view).then_some("page")] { (t.services.list) }
            }
        }))
        (ui::filter_box(t, [q.building_id.as_deref(), q.contract_id.as_deref(), q.q.as_deref()].iter().filter(|v| v.is_some_and(|v| !v.trim().is_empty())).count(), html! { form.filters method="get" action="/services" data-autosubmit {
            input type="hidden" name="view" value=(view);
            input type="hidden" name="month" value=(first.format("%Y-%m").to_string());
            div.field {
                label for="s-building" { (t.equipment.building) }
                select #s-building name="building_id" {
                    option value="" { (t.common.all) }
                    @for b in &buildings {
                        option value=(b.id) selected[super::forms::id_of(&q.building_id) == Some(b.id)] { (b.name) }
                    }
                }
            }
            @if !contracts.is_empty() {
                div.field {
                    label for="s-contract" { (t.equipment.contract) }
                    select #s-contract name="contract_id" {
                        option value="" { (t.common.all) }
                        @for c in &contracts {
                            option value=(c.id) selected[super::forms::id_of(&q.contract_id) == Some(c.id)] { (c.number) }
                        }
                    }
                }
            }
            div.field {
                label for="s-q" { (t.services.address) }
                input #s-q type="text" name="q" value=(q.q.clone().unwrap_or_default()) placeholder=(t.equipment.search_hint);
            }
            div.buttons { button.btn.btn-primary type="submit" { (t.common.filter) } }
        } }))
        section.card aria-labelledby="m-h" {
            div.card-head {
                a.btn.btn-sm href=(link(view, add_months(first, -1))) { "‹ " span.sr-only { (t.services.previous) } }
                h2 #m-h { (month_label) }
                a.btn.btn-sm href=(link(view, add_months(first, 1))) { span.sr-only { (t.services.next) } " ›" }
            }
            @if calendar_view {
                (calendar(ctx, first, today, &list, &names))
            } @else if list.is_empty() {
                (ui::empty(t.services.none))
            } @else {
                (visit_table(ctx, &list, &names))
            }
        }
        (ical_card(ctx, fresh_url.as_deref()))
    };
    Ok(layout::page(ctx, t.services.title, body).into_response())
}

/// The unit's name from `names`, else the visit's equipment number.
fn unit_label<'a>(names: &'a HashMap<i64, String>, v: &'a Visit) -> &'a str {
    names
        .get(&v.unit_id)
        .map_or(v.equipment_number.as_str(), String::as_str)
}

fn calendar(
    ctx: &Ctx,
    first: NaiveDate,
    today: NaiveDate,
    list: &[Visit],
    names: &HashMap<i64, String>,
) -> Markup {
    let t = ctx.t;
    html! {
        div.table-wrap {
            table.calendar {
                caption.sr-only { (first.format("%B %Y")) }
                thead { tr { @for d in t.services.weekdays { th scope="col" { (d) } } } }
                tbody {
                    @for week in weeks(first) {
                        tr {
                            @for day in week {
                                @let iso = day.to_string();
                                @let events: Vec<&Visit> = list.iter().filter(|v| v.planned_date == iso).collect();
                                td class=(if day.month() != first.month() { "out" } else if day == today { "today" } else { "" }) {
                                    span.d { (day.day()) }
                                    @for v in events.iter().take(3) {
                                        a.ev.(if v.status == VisitStatus::Completed { "done" } else { "" }) href=(format!("/equipment/{}", v.unit_id))
                                            title=(format!("{} · {} · {}", (t.labels.visit_kind)(v.kind.as_str()), unit_label(names, v), v.building_name)) {
                                            (unit_label(names, v))
                                        }
                                    }
                                    @if events.len() > 3 { span.more { "+" (events.len() - 3) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        // Phones: the grid is too narrow for names, so its visits are dots
        // and the month's visits are listed by day below it.
        @if !list.is_empty() {
            div.cal-days {
                h3 { (t.services.days_with_visits) }
                ol.cal-day-list {
                    @for day in weeks(first).iter().flatten().filter(|d| d.month() == first.month()) {
                        @let iso = day.to_string();
                        @let events: Vec<&Visit> = list.iter().filter(|v| v.planned_date == iso).collect();
                        @if !events.is_empty() {
                            li.(if *day == today { "today" } else { "" }) {
                                time.cal-day datetime=(iso) {
                                    (t.services.weekdays[day.weekday().num_days_from_monday() as usize]) " " (day.day())
                                }
                                ul {
                                    @for v in &events {
                                        li {
                                            a.(if v.status == VisitStatus::Completed { "done" } else { "" }) href=(format!("/equipment/{}", v.unit_id)) {
                                                (unit_label(names, v))
                                            }
                                            span.muted { " · " (v.building_name) " · " ((t.labels.visit_kind)(v.kind.as_str())) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn visit_table(ctx: &Ctx, list: &[Visit], names: &HashMap<i64, String>) -> Markup {
    let t = ctx.t;
    html! {
        div.table-wrap {
            table.stack-sm {
                thead { tr {
                    th scope="col" { (t.services.when) }
                    th scope="col" { (t.requests.unit) }
                    th scope="col" { (t.equipment.building) }
                    th scope="col" { (t.services.kind) }
                    th scope="col" { (t.equipment.status) }
                } }
                tbody {
                    @for v in list {
                        tr {
                            td data-label=(t.services.when) { (ui::datetime(v.planned_for, ui::zone(&v.timezone))) }
                            td data-label=(t.requests.unit) {
                                a href=(format!("/equipment/{}", v.unit_id)) { (unit_label(names, v)) }
                                div.small.muted { (v.equipment_number) }
                            }
                            td data-label=(t.equipment.building) { (v.building_name) div.small.muted { (v.address) } }
                            td data-label=(t.services.kind) { ((t.labels.visit_kind)(v.kind.as_str())) }
                            td data-label=(t.equipment.status) {
                                (ui::badge(if v.status == VisitStatus::Completed { ui::Tone::Ok } else { ui::Tone::Info }, (t.labels.visit_status)(v.status.as_str())))
                            }
                        }
                    }
                }
            }
        }
    }
}

fn ical_card(ctx: &Ctx, fresh_url: Option<&str>) -> Markup {
    let t = ctx.t;
    html! {
        section.card #calendar-feed aria-labelledby="ical-h" {
            h2 #ical-h { (t.services.ical_title) }
            p.muted { (t.services.ical_lead) }
            @if let Some(url) = fresh_url {
                div.flash.flash-ok role="status" {
                    (t.services.ical_created)
                    code.secret data-ical-url { (url) }
                }
            }
            div.row {
                form method="post" action="/services/calendar" {
                    (csrf_field(ctx))
                    button.btn.btn-primary type="submit" { (t.services.ical_create) }
                }
                form method="post" action="/services/calendar/revoke" {
                    (csrf_field(ctx))
                    button.btn.btn-danger type="submit" data-confirm=(t.services.ical_revoke_confirm) { (t.services.ical_revoke) }
                }
            }
        }
    }
}

/// `POST /services/calendar`: a new feed URL, shown once on the page.
pub async fn create_feed(
    State(s): State<AppState>,
    headers: HeaderMap,
    posted: Posted,
) -> PageResult {
    let ctx = posted.ctx;
    ctx.require_area(Area::Services)?;
    ctx.require(Resource::Maintenance, Action::Read)?;
    let token = random_token(32);
    calendar_tokens::create(
        &s.db,
        ctx.caller.actor(&s),
        ctx.caller.user.id,
        &token_hash(&token),
    )
    .await?;
    let url = hoistway_app::links::absolute(&s, &headers, &format!("/api/v1/calendar/{token}.ics"));
    render(&s, &ctx, &ServicesQuery::default(), Some(url)).await
}

/// `POST /services/calendar/revoke`: every feed URL of the viewer stops working.
pub async fn revoke_feeds(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = posted.ctx;
    ctx.require_area(Area::Services)?;
    let n = calendar_tokens::revoke_all(&s.db, ctx.caller.actor(&s), ctx.caller.user.id).await?;
    Ok(redirect_with(
        &s,
        "/services#calendar-feed",
        true,
        (ctx.t.services.ical_revoked)(n),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_cover_the_month_monday_first() {
        let nov = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(); // a Sunday
        let w = weeks(nov);
        assert_eq!(w[0][0], NaiveDate::from_ymd_opt(2026, 10, 26).unwrap());
        assert_eq!(w[0][6], nov);
        assert!(w
            .last()
            .unwrap()
            .contains(&NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()));
        assert_eq!(w.len(), 6);
    }

    #[test]
    fn months_roll_over_years() {
        let jan = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert_eq!(
            add_months(jan, -1),
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
        assert_eq!(
            add_months(jan, 12),
            NaiveDate::from_ymd_opt(2028, 1, 1).unwrap()
        );
        assert_eq!(
            month_start(Some("2026-02"), jan),
            NaiveDate::from_ymd_opt(2026, 2, 1).unwrap()
        );
        assert_eq!(month_start(Some("bad"), jan), jan);
    }
}
