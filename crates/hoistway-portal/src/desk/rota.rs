//! `/desk/rota` (issue #21): the care center's rota page. Who is on call
//! now in each country the field force covers, the week's shifts and
//! on-call entries (per country, with add and remove), and declared extreme
//! weather (declare, withdraw). Every action is the API's own function
//! (`hoistway_api::on_call`), so role checks (the duty manager and the
//! provider admin change the rota; operators read it), validation, audit
//! and refusals naming the field match the API.

use crate::forms::{csrf_field, Posted};
use crate::layout::{self, Area};
use crate::page::{back_with_refusal, redirect_with, Ctx, PageResult};
use crate::ui;
use axum::extract::State;
use axum::response::IntoResponse;
use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use hoistway_api::on_call as api;
use hoistway_app::extract::{Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::maintenance::technicians;
use hoistway_store::on_call::shifts::ShiftInput;
use hoistway_store::on_call::weather::WeatherInput;
use maud::html;
use serde::Deserialize;

pub const PATH: &str = "/desk/rota";

#[derive(Debug, Default, Deserialize)]
pub struct RotaQuery {
    /// Any day of the week to show, YYYY-MM-DD (default: this week).
    pub week: Option<String>,
    /// ISO alpha-2; empty is every country.
    pub country: Option<String>,
}

/// A `datetime-local` value (`YYYY-MM-DDTHH:MM`, read as UTC) as RFC 3339;
/// anything else is passed on for the API to refuse, naming the field.
fn utc_instant(raw: &str) -> String {
    let raw = raw.trim();
    if raw.len() == 16 && raw.as_bytes().get(10) == Some(&b'T') {
        format!("{raw}:00Z")
    } else {
        raw.to_string()
    }
}

fn back(week: Option<&str>) -> String {
    match week {
        Some(w) if !w.is_empty() => format!("{PATH}?week={w}"),
        _ => PATH.to_string(),
    }
}

/// `GET /desk/rota`.
pub async fn show(State(s): State<AppState>, ctx: Ctx, Query(q): Query<RotaQuery>) -> PageResult {
    ctx.require_area(Area::Desk)?;
    ctx.require(Resource::Rota, Action::Read)?;
    let o = &ctx.t.on_call;
    let now = s.clock.now();
    let day = q
        .week
        .as_deref()
        .and_then(|w| NaiveDate::parse_from_str(w, "%Y-%m-%d").ok())
        .unwrap_or_else(|| now.date_naive());
    let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
    let from = Utc.from_utc_datetime(&monday.and_hms_opt(0, 0, 0).unwrap_or_default());
    let to = from + Duration::days(7);
    let country = q.country.clone().filter(|c| !c.trim().is_empty());
    let shifts = api::rota(
        &s,
        &ctx.caller,
        &api::ShiftQuery {
            from: Some(from.to_rfc3339()),
            to: Some(to.to_rfc3339()),
            country: country.clone(),
            technician_id: None,
        },
    )
    .await?;
    let storms = api::declarations(&s, &ctx.caller, &api::WeatherQuery::default()).await?;
    let current: Vec<_> = storms
        .iter()
        .filter(|w| w.from <= now && now < w.until)
        .cloned()
        .collect();
    let techs = technicians::list(&s.db).await?;
    let mut countries: Vec<String> = techs
        .iter()
        .flat_map(|t| t.countries.iter().cloned())
        .collect();
    countries.sort();
    countries.dedup();
    let mut on_now = Vec::new();
    for c in &countries {
        let who = api::who_is_on_call(
            &s,
            &ctx.caller,
            &api::OnCallQuery {
                country: Some(c.clone()),
                ..Default::default()
            },
        )
        .await?;
        on_now.push(who);
    }
    let editable = ctx.may(Resource::Rota, Action::Write);
    let week = monday.to_string();
    let body = html! {
        (super::suggest::weather_banner(&ctx, &current))
        (ui::page_header(o.title, Some(o.lead), html! {
            a.btn.btn-ghost href="/desk" { (ctx.t.desk.back_to_queue) }
        }))
        @if !editable { p.small.muted { (o.may_not_edit) } }
        section.card aria-labelledby="now-h" data-on-call-now {
            h2 #now-h { (o.now_heading) }
            ul.list { @for n in &on_now {
                li data-country=(n.country) {
                    div.main {
                        strong { (n.country) }
                        @if n.technicians.is_empty() { div.sub.muted { (o.nobody) } }
                        @for t in &n.technicians {
                            div.sub data-on-duty=(t.technician_id) {
                                (t.name) " · " ((o.cover_label)(&t.cover)) " " (o.until) " " (t.until.format("%-d %b %H:%M UTC"))
                                @if let Some(r) = &t.region { " · " (r) }
                            }
                        }
                    }
                }
            } }
        }
        section.card aria-labelledby="week-h" {
            h2 #week-h { ((o.week_heading)(&ui::date(&week))) }
            div.row {
                a.btn.btn-ghost.btn-sm href=(format!("{PATH}?week={}", monday - Duration::days(7))) { (o.prev_week) }
                a.btn.btn-ghost.btn-sm href=(format!("{PATH}?week={}", monday + Duration::days(7))) { (o.next_week) }
            }
            @if shifts.is_empty() { (ui::empty(o.no_shifts)) }
            ul.list.rota { @for sh in &shifts {
                li data-shift=(sh.id) {
                    div.main {
                        strong { (sh.technician_name) } " " (ui::badge(if sh.kind == "on_call" { ui::Tone::Warn } else { ui::Tone::Info }, (o.cover_label)(if sh.kind == "on_call" { "on_call" } else { "working" })))
                        div.sub {
                            (sh.country) @if let Some(r) = &sh.region { " (" (r) ")" }
                            " · " (sh.starts_at.format("%a %-d %b %H:%M")) " – " (sh.ends_at.format("%a %-d %b %H:%M UTC"))
                            @if let Some(n) = &sh.note { " · " (n) }
                        }
                    }
                    @if editable {
                        form method="post" action=(format!("{PATH}/shifts/{}/delete", sh.id)) {
                            (csrf_field(&ctx))
                            input type="hidden" name="week" value=(week);
                            button.btn.btn-sm type="submit" { (o.remove) }
                        }
                    }
                }
            } }
            @if editable {
                details.more {
                    summary { (o.add_shift) }
                    form.stack method="post" action=(format!("{PATH}/shifts")) {
                        (csrf_field(&ctx))
                        input type="hidden" name="week" value=(week);
                        div.row {
                            div.field { label for="sh-tech" { (o.technician) }
                                select #sh-tech name="technician_id" required {
                                    @for t in &techs { option value=(t.user_id) { (t.name) " · " (t.countries.join(", ")) } }
                                }
                            }
                            div.field { label for="sh-kind" { (o.kind) }
                                select #sh-kind name="kind" {
                                    option value="on_call" { ((o.cover_label)("on_call")) }
                                    option value="regular" { ((o.cover_label)("working")) }
                                }
                            }
                        }
                        div.row {
                            div.field { label for="sh-country" { (o.country) } input #sh-country type="text" name="country" maxlength="2" required value=(country.clone().unwrap_or_default()); }
                            div.field { label for="sh-region" { (o.region) } input #sh-region type="text" name="region" maxlength="100" placeholder=(o.region_hint); }
                        }
                        div.row {
                            div.field { label for="sh-start" { (o.starts) } input #sh-start type="datetime-local" name="starts_at" required; }
                            div.field { label for="sh-end" { (o.ends) } input #sh-end type="datetime-local" name="ends_at" required; }
                        }
                        p.small.muted { (o.times_in_utc) }
                        div.field { label for="sh-note" { (o.note) } input #sh-note type="text" name="note" maxlength="500"; }
                        button.btn.btn-primary type="submit" { (o.add_shift) }
                    }
                }
            }
        }
        section.card aria-labelledby="weather-h" {
            h2 #weather-h { (o.weather_heading) }
            @if storms.is_empty() { (ui::empty(o.weather_none)) }
            ul.list { @for w in &storms {
                li data-weather=(w.id) {
                    div.main {
                        strong { (w.country) @if let Some(r) = &w.region { " (" (r) ")" } }
                        div.sub { (w.from.format("%-d %b %H:%M")) " – " (w.until.format("%-d %b %H:%M UTC")) " · " (w.note) }
                    }
                    @if editable {
                        form method="post" action=(format!("{PATH}/weather/{}/delete", w.id)) {
                            (csrf_field(&ctx))
                            button.btn.btn-sm type="submit" { (o.withdraw) }
                        }
                    }
                }
            } }
            @if editable {
                details.more {
                    summary { (o.declare) }
                    form.stack method="post" action=(format!("{PATH}/weather")) {
                        (csrf_field(&ctx))
                        div.row {
                            div.field { label for="w-country" { (o.country) } input #w-country type="text" name="country" maxlength="2" required; }
                            div.field { label for="w-region" { (o.region) } input #w-region type="text" name="region" maxlength="100" placeholder=(o.region_hint); }
                        }
                        div.row {
                            div.field { label for="w-from" { (o.from) } input #w-from type="datetime-local" name="from" required; }
                            div.field { label for="w-until" { (o.ends) } input #w-until type="datetime-local" name="until" required; }
                        }
                        p.small.muted { (o.times_in_utc) }
                        div.field { label for="w-note" { (o.weather_note) } input #w-note type="text" name="note" maxlength="1000" required; }
                        button.btn.btn-primary type="submit" { (o.declare) }
                    }
                }
            }
        }
    };
    Ok(layout::page(&ctx, o.title, body).into_response())
}

fn optional(posted: &Posted, name: &str) -> Option<String> {
    posted
        .get(name)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

/// `POST /desk/rota/shifts`.
pub async fn add_shift(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    ctx.require_area(Area::Desk)?;
    let to = back(posted.get("week"));
    let input = ShiftInput {
        technician_id: posted
            .get("technician_id")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        starts_at: utc_instant(posted.get("starts_at").unwrap_or_default()),
        ends_at: utc_instant(posted.get("ends_at").unwrap_or_default()),
        kind: posted.get("kind").unwrap_or_default().to_string(),
        country: posted.get("country").unwrap_or_default().to_string(),
        region: optional(&posted, "region"),
        note: optional(&posted, "note"),
    };
    match api::add_shift(&s, &ctx.caller, input).await {
        Ok(_) => Ok(redirect_with(&s, &to, true, ctx.t.on_call.added)),
        Err(e) => back_with_refusal(&s, &to, e),
    }
}

/// `POST /desk/rota/shifts/{id}/delete`.
pub async fn remove_shift(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    ctx.require_area(Area::Desk)?;
    let to = back(posted.get("week"));
    match api::remove_shift(&s, &ctx.caller, id).await {
        Ok(()) => Ok(redirect_with(&s, &to, true, ctx.t.on_call.removed)),
        Err(e) => back_with_refusal(&s, &to, e),
    }
}

/// `POST /desk/rota/weather`.
pub async fn declare(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    ctx.require_area(Area::Desk)?;
    let input = WeatherInput {
        country: posted.get("country").unwrap_or_default().to_string(),
        region: optional(&posted, "region"),
        from: utc_instant(posted.get("from").unwrap_or_default()),
        until: utc_instant(posted.get("until").unwrap_or_default()),
        note: posted.get("note").unwrap_or_default().to_string(),
    };
    match api::declare(&s, &ctx.caller, input).await {
        Ok(_) => Ok(redirect_with(&s, PATH, true, ctx.t.on_call.declared)),
        Err(e) => back_with_refusal(&s, PATH, e),
    }
}

/// `POST /desk/rota/weather/{id}/delete`.
pub async fn withdraw(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    ctx.require_area(Area::Desk)?;
    match api::withdraw(&s, &ctx.caller, id).await {
        Ok(()) => Ok(redirect_with(&s, PATH, true, ctx.t.on_call.withdrawn)),
        Err(e) => back_with_refusal(&s, PATH, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetime_local_values_become_utc_instants() {
        assert_eq!(utc_instant("2026-12-07T16:00"), "2026-12-07T16:00:00Z");
        // Anything else goes on unchanged, for the API to refuse by name.
        assert_eq!(utc_instant("tomorrow"), "tomorrow");
        assert_eq!(utc_instant(" "), "");
    }

    #[test]
    fn the_week_survives_the_round_trip() {
        assert_eq!(back(Some("2026-12-07")), "/desk/rota?week=2026-12-07");
        assert_eq!(back(None), PATH);
    }
}
