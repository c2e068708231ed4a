//! Lifecycle planning (issue #21): `/reports/lifecycle` for customer
//! admins and property managers, `/desk/lifecycle` for the care center.
//! Asset ages, the modernization candidates with their reasons, the budget
//! per year for a chosen horizon (1–10 years) and the CSV download
//! (`/api/v1/lifecycle.csv`, the API's own export, on the session cookie).
//! The view is `hoistway_api::lifecycle::plan`, the API's function.

use crate::layout::{self, Area};
use crate::page::{Ctx, PageResult};
use crate::root_causes::links;
use crate::ui;
use axum::extract::State;
use axum::response::IntoResponse;
use hoistway_api::lifecycle::{plan, LifecycleQuery};
use hoistway_app::extract::Query;
use hoistway_app::state::AppState;
use hoistway_maintenance::lifecycle::MeasureKind;
use hoistway_store::lifecycle::LifecycleUnit;
use maud::{html, Markup};
use serde::Deserialize;

/// `?years=`.
#[derive(Debug, Default, Deserialize)]
pub struct HorizonQuery {
    years: Option<u32>,
}

fn money(minor: i64, currency: &str) -> String {
    ui::money(minor as f64 / 100.0, currency)
}

fn unit_row(ctx: &Ctx, u: &LifecycleUnit, with_reasons: bool) -> Markup {
    let t = &ctx.t.root_causes;
    let a = &u.assessment;
    html! {
        tr data-unit=(u.unit_id) {
            td data-label=(t.unit) { (u.unit_name.clone().unwrap_or_default()) " " span.mono.small { (u.equipment_number) } }
            td data-label=(t.building) { (u.building_name) }
            td data-label=(t.installed) { (u.install_date.as_deref().map(ui::date).unwrap_or_else(|| t.unknown.to_string())) }
            td data-label=(t.modernized) { (u.modernization_date.as_deref().map(ui::date).unwrap_or_default()) }
            td data-label=(t.age) { (a.age_years.map(t.age_years).unwrap_or_else(|| t.unknown.to_string())) }
            td data-label=(t.controller) { (u.controller_type.clone().unwrap_or_default()) }
            td data-label=(t.door_operator) { (u.door_operator_model.clone().unwrap_or_default()) }
            @if with_reasons {
                td data-label=(t.reasons) { ul.plain { @for r in &a.reasons { li { (r.detail) } } } }
                td data-label=(t.measures) { ul.plain { @for m in &a.measures {
                    li {
                        ((t.measure_label)(
                            match m.kind { MeasureKind::FullModernization => "full_modernization", MeasureKind::TargetedUpgrade => "targeted_upgrade" },
                            m.component.map(|c| c.as_str()),
                        ))
                        " · " (m.year) " · " (money(m.low_minor, &m.currency))
                        @if let Some(h) = m.high_minor { "–" (money(h, &m.currency)) } @else { "+" }
                    }
                } } }
            }
        }
    }
}

async fn page(s: &AppState, ctx: &Ctx, area: Area, base: &str, q: HorizonQuery) -> PageResult {
    ctx.require_area(area)?;
    let t = &ctx.t.root_causes;
    let v = plan(
        s,
        &ctx.caller,
        &LifecycleQuery {
            years: q.years,
            customer_id: None,
        },
    )
    .await?;
    let candidates: Vec<&LifecycleUnit> = v.units.iter().filter(|u| u.candidate).collect();
    let head = |with_reasons: bool| {
        html! { thead { tr {
            th scope="col" { (t.unit) } th scope="col" { (t.building) } th scope="col" { (t.installed) }
            th scope="col" { (t.modernized) } th scope="col" { (t.age) } th scope="col" { (t.controller) }
            th scope="col" { (t.door_operator) }
            @if with_reasons { th scope="col" { (t.reasons) } th scope="col" { (t.measures) } }
        } } }
    };
    let body = html! {
        (ui::page_header(t.lifecycle_title, Some(t.lifecycle_lead), links(ctx, base)))
        section.card aria-labelledby="budget-h" {
            h2 #budget-h { (t.budget_heading) }
            form.row method="get" action=(format!("{base}/lifecycle")) {
                div.field {
                    label for="years" { (t.horizon) }
                    select #years name="years" {
                        @for y in 1..=10u32 { option value=(y) selected[v.years == y] { ((t.years)(y)) } }
                    }
                }
                button.btn.btn-sm type="submit" { (t.show) }
                " " a.btn.btn-sm #lifecycle-csv href=(format!("/api/v1/lifecycle.csv?years={}", v.years)) download { (t.download_csv) }
            }
            div.table-wrap { table.stack-sm #budget {
                thead { tr {
                    th scope="col" { (t.year) } th scope="col" { (t.full_modernizations) }
                    th scope="col" { (t.targeted_upgrades) } th scope="col" { (t.low) } th scope="col" { (t.high) }
                } }
                tbody { @for b in &v.budget {
                    tr data-year=(b.year) {
                        td data-label=(t.year) { (b.year) " · " (b.currency) }
                        td data-label=(t.full_modernizations) { (b.full_modernizations) }
                        td data-label=(t.targeted_upgrades) { (b.targeted_upgrades) }
                        td data-label=(t.low) { (money(b.low_minor, &b.currency)) }
                        td data-label=(t.high) { @match b.high_minor { Some(h) => (money(h, &b.currency)), None => (t.open_ended) } }
                    }
                } }
            } }
            p.small.muted { (t.budget_note) }
        }
        section.card aria-labelledby="cand-h" {
            h2 #cand-h { (t.candidates_heading) }
            p { ((t.candidates_count)(candidates.len(), v.units.len())) }
            @if candidates.is_empty() { (ui::empty(t.none_candidates)) } @else {
                div.table-wrap { table.stack-sm #candidates {
                    (head(true))
                    tbody { @for u in &candidates { (unit_row(ctx, u, true)) } }
                } }
            }
        }
        section.card aria-labelledby="all-h" {
            h2 #all-h { (t.all_units_heading) }
            div.table-wrap { table.stack-sm {
                (head(false))
                tbody { @for u in &v.units { (unit_row(ctx, u, false)) } }
            } }
        }
    };
    Ok(layout::page(ctx, t.lifecycle_title, body).into_response())
}

/// `GET /reports/lifecycle`.
pub async fn customer_page(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HorizonQuery>,
) -> PageResult {
    page(&s, &ctx, Area::Reports, "/reports", q).await
}

/// `GET /desk/lifecycle`.
pub async fn desk_page(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<HorizonQuery>,
) -> PageResult {
    page(&s, &ctx, Area::Desk, "/desk", q).await
}
