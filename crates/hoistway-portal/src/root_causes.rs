//! Recurring faults and root-cause analyses (issue #21). The same pages
//! serve both sides under their own tab: customers under `/reports/…`
//! (Reports), the care center under `/desk/…` (Desk).
//!
//! * `…/recurring`: the flagged units and the ranking by recurrent issues;
//!   the care center opens an analysis from a flagged unit there.
//! * `…/root-causes`: the analyses with their progress; `…/root-causes/{id}`
//!   one analysis and its corrective action plan, which the care center
//!   edits on the page.
//!
//! Every read and write is the API's own function (`hoistway_api::recurring`,
//! `hoistway_api::root_causes`, the store's `root_causes`), so scope, roles,
//! refusals, audit and notices are one path.

use crate::forms::{csrf_field, Posted};
use crate::layout::{self, Area};
use crate::page::{back_with, redirect_with, Ctx, PageResult};
use crate::ui;
use axum::extract::State;
use axum::response::IntoResponse;
use hoistway_api::recurring::{flagged_units, ranked_units, RankingQuery, RecurringQuery};
use hoistway_api::root_causes::{open, require_provider};
use hoistway_app::extract::{Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::recurring::UnitRef;
use hoistway_store::root_causes::{self, ActionInput, CompleteInput, RootCause, RootCauseInput};
use hoistway_store::ListFilter;
use maud::{html, Markup};
use serde::Deserialize;

/// The side a page is shown on: its tab and path prefix.
#[derive(Debug, Clone, Copy)]
enum Side {
    Customer,
    Desk,
}

impl Side {
    fn area(self) -> Area {
        match self {
            Side::Customer => Area::Reports,
            Side::Desk => Area::Desk,
        }
    }
    fn base(self) -> &'static str {
        match self {
            Side::Customer => "/reports",
            Side::Desk => "/desk",
        }
    }
}

fn unit_words(u: &UnitRef) -> String {
    match &u.unit_name {
        Some(n) => format!("{n} ({})", u.equipment_number),
        None => u.equipment_number.clone(),
    }
}

fn status_badge(ctx: &Ctx, status: &str) -> Markup {
    let tone = match status {
        "open" => ui::Tone::Warn,
        "in_progress" => ui::Tone::Info,
        _ => ui::Tone::Ok,
    };
    ui::badge(tone, (ctx.t.root_causes.status_label)(status))
}

/// The links between the pages of this feature.
pub fn links(ctx: &Ctx, base: &str) -> Markup {
    let t = &ctx.t.root_causes;
    html! {
        nav.actions aria-label=(t.links_lead) {
            a.btn.btn-sm href=(format!("{base}/recurring")) { (t.to_dashboard) }
            " " a.btn.btn-sm href=(format!("{base}/root-causes")) { (t.to_list) }
            " " a.btn.btn-sm href=(format!("{base}/lifecycle")) { (t.to_lifecycle) }
        }
    }
}

/// The ranking's period, as `?days=`.
#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    days: Option<u32>,
}

async fn dashboard(s: &AppState, ctx: &Ctx, side: Side, q: DashboardQuery) -> PageResult {
    ctx.require_area(side.area())?;
    ctx.require(Resource::Cases, Action::Read)?;
    let t = &ctx.t.root_causes;
    let base = side.base();
    let flagged = flagged_units(s, &ctx.caller, &RecurringQuery::default()).await?;
    let ranking = ranked_units(
        s,
        &ctx.caller,
        &RankingQuery {
            days: q.days,
            customer_id: None,
        },
    )
    .await?;
    let provider = require_provider(&ctx.caller).is_ok();
    let body = html! {
        (ui::page_header(t.dashboard_title, Some(t.dashboard_lead), links(ctx, base)))
        section.card aria-labelledby="flagged-h" {
            h2 #flagged-h { (t.flagged_heading) }
            p.muted { ((t.flagged_rule)(flagged.min_cases, flagged.days)) }
            @if flagged.units.is_empty() { (ui::empty(t.none_flagged)) }
            ul.list { @for f in &flagged.units {
                @for flag in &f.flags {
                    li data-flagged-unit=(f.unit.unit_id) {
                        div.main {
                            strong { (unit_words(&f.unit)) " · " (f.unit.building_name) }
                            div.sub { ((t.family_label)(flag.family.as_str())) " · " (flag.cases.len()) " " (t.cases.to_lowercase()) ": " (flag.cases.join(", ")) }
                            @for id in &f.unit.open_analyses {
                                div.sub { a href=(format!("{base}/root-causes/{id}")) { (t.analysis_open) " #" (id) } }
                            }
                            @if provider && f.unit.open_analyses.is_empty() {
                                form.stack method="post" action=(format!("{base}/root-causes")) {
                                    (csrf_field(ctx))
                                    input type="hidden" name="unit_id" value=(f.unit.unit_id);
                                    input type="hidden" name="family" value=(flag.family.as_str());
                                    input type="hidden" name="case_numbers" value=(flag.cases.join(" "));
                                    div.field {
                                        label for=(format!("s-{}-{}", f.unit.unit_id, flag.family.as_str())) { (t.summary) }
                                        input id=(format!("s-{}-{}", f.unit.unit_id, flag.family.as_str())) type="text" name="summary" required
                                            value=((t.summary_default)(flag.family.as_str(), &unit_words(&f.unit)));
                                    }
                                    button.btn.btn-primary.btn-sm type="submit" { (t.open_analysis) }
                                }
                            }
                        }
                        (ui::badge(ui::Tone::Warn, t.flagged))
                    }
                }
            } }
        }
        section.card aria-labelledby="rank-h" {
            h2 #rank-h { (t.ranking_heading) }
            p.muted { (t.ranking_lead) }
            form.row method="get" action=(format!("{base}/recurring")) {
                div.field {
                    label for="days" { (t.period) }
                    select #days name="days" {
                        @for d in [90u32, 180, 365, 730] {
                            option value=(d) selected[ranking.days == d] { ((t.period_days)(d)) }
                        }
                    }
                }
                button.btn.btn-sm type="submit" { (t.show) }
            }
            @if ranking.units.is_empty() { (ui::empty(t.none_ranked)) } @else {
                div.table-wrap { table.stack-sm #ranking {
                    thead { tr {
                        th scope="col" { (t.unit) } th scope="col" { (t.building) }
                        th scope="col" { (t.repeats) } th scope="col" { (t.cases) } th scope="col" { (t.families) }
                    } }
                    tbody { @for r in &ranking.units {
                        tr data-unit=(r.unit.unit_id) {
                            td data-label=(t.rank) { (r.rank) ". " (unit_words(&r.unit)) @if r.flagged { " " (ui::badge(ui::Tone::Warn, t.flagged)) } }
                            td data-label=(t.building) { (r.unit.building_name) }
                            td data-label=(t.repeats) { (r.repeats) }
                            td data-label=(t.cases) { (r.cases) }
                            td data-label=(t.families) { @for (i, f) in r.families.iter().enumerate() {
                                @if i > 0 { ", " } ((t.family_label)(f.family.as_str())) " ×" (f.cases)
                            } }
                        }
                    } }
                } }
            }
        }
    };
    Ok(layout::page(ctx, t.dashboard_title, body).into_response())
}

/// `GET /reports/recurring`.
pub async fn customer_dashboard(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DashboardQuery>,
) -> PageResult {
    dashboard(&s, &ctx, Side::Customer, q).await
}

/// `GET /desk/recurring`.
pub async fn desk_dashboard(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<DashboardQuery>,
) -> PageResult {
    dashboard(&s, &ctx, Side::Desk, q).await
}

fn progress(ctx: &Ctx, r: &RootCause) -> Markup {
    let t = &ctx.t.root_causes;
    let all = r.actions.len();
    html! {
        span.small { ((t.progress)(r.actions_done, all)) }
        @if all > 0 {
            " " progress max=(all) value=(r.actions_done) aria-label=((t.progress)(r.actions_done, all)) {}
        }
    }
}

async fn list(s: &AppState, ctx: &Ctx, side: Side) -> PageResult {
    ctx.require_area(side.area())?;
    ctx.require(Resource::Cases, Action::Read)?;
    let t = &ctx.t.root_causes;
    let base = side.base();
    let f = ListFilter {
        limit: Some(200),
        ..Default::default()
    };
    let mut items = root_causes::list(&s.db, &ctx.caller.scope, &f).await?.items;
    items.reverse();
    let units = crate::fleet::units(s, &ctx.caller, &ListFilter::default()).await?;
    let unit_name = |id: i64| {
        units
            .iter()
            .find(|u| u.id == id)
            .map(crate::fleet::unit_name)
            .unwrap_or_else(|| format!("#{id}"))
    };
    let body = html! {
        (ui::page_header(t.list_title, Some(t.list_lead), links(ctx, base)))
        section.card aria-labelledby="rca-h" {
            h2 #rca-h { (t.list_title) }
            @if items.is_empty() { (ui::empty(t.none)) }
            ul.list { @for r in &items {
                li data-root-cause=(r.id) {
                    div.main {
                        a href=(format!("{base}/root-causes/{}", r.id)) { strong { (r.summary) } }
                        div.sub { (unit_name(r.unit_id)) " · " ((t.family_label)(r.family.as_str())) " · " (t.opened_on) " " (r.created_at.format("%-d %b %Y")) }
                        div.sub { (progress(ctx, r)) }
                    }
                    (status_badge(ctx, &r.status))
                }
            } }
        }
    };
    Ok(layout::page(ctx, t.list_title, body).into_response())
}

/// `GET /reports/root-causes`.
pub async fn customer_list(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    list(&s, &ctx, Side::Customer).await
}

/// `GET /desk/root-causes`.
pub async fn desk_list(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    list(&s, &ctx, Side::Desk).await
}

fn money(minor: i64, currency: &str) -> String {
    ui::money(minor as f64 / 100.0, currency)
}

async fn detail(s: &AppState, ctx: &Ctx, side: Side, id: i64) -> PageResult {
    ctx.require_area(side.area())?;
    ctx.require(Resource::Cases, Action::Read)?;
    let t = &ctx.t.root_causes;
    let base = side.base();
    let r = root_causes::get(&s.db, &ctx.caller.scope, id).await?;
    let unit = hoistway_store::units::get(&s.db, &ctx.caller.scope, r.unit_id).await?;
    let provider = require_provider(&ctx.caller).is_ok() && r.status != "closed";
    let case_base = match side {
        Side::Customer => "/requests",
        Side::Desk => "/desk/cases",
    };
    let here = format!("{base}/root-causes/{id}");
    let body = html! {
        (ui::page_header(&r.summary, None, html! { a.btn.btn-sm href=(format!("{base}/root-causes")) { (t.back_to_list) } }))
        section.card aria-labelledby="facts-h" {
            h2 #facts-h { (crate::fleet::unit_name(&unit)) " · " ((t.family_label)(r.family.as_str())) " " (status_badge(ctx, &r.status)) }
            (ui::facts(&[
                (t.opened_on, r.created_at.format("%-d %b %Y").to_string()),
                (t.status, (t.status_label)(&r.status).to_string()),
                (t.findings, r.findings.clone().unwrap_or_default()),
            ]))
            @if !r.case_numbers.is_empty() {
                p { strong { (t.linked_cases) ": " }
                    @for (i, n) in r.case_numbers.iter().enumerate() {
                        @if i > 0 { ", " } a href=(format!("{case_base}/{n}")) { (n) }
                    }
                }
            }
            p { (progress(ctx, &r)) }
        }
        section.card aria-labelledby="plan-h" {
            h2 #plan-h { (t.plan_heading) }
            @if r.actions.is_empty() { (ui::empty(t.no_actions)) } @else {
                div.table-wrap { table.stack-sm #plan {
                    thead { tr {
                        th scope="col" { (t.action) } th scope="col" { (t.due_on) } th scope="col" { (t.parts) }
                        th scope="col" { (t.cost) } th scope="col" { (t.status) }
                    } }
                    tbody { @for a in &r.actions {
                        tr data-action=(a.id) {
                            td data-label=(t.action) { (a.description) }
                            td data-label=(t.due_on) { (ui::date(&a.due_on)) }
                            td data-label=(t.parts) { (a.parts.clone().unwrap_or_default()) }
                            td data-label=(t.cost) { @if let (Some(c), Some(cur)) = (a.cost_minor, a.currency.as_deref()) { (money(c, cur)) } }
                            td data-label=(t.status) {
                                @if a.status == "done" {
                                    (ui::badge(ui::Tone::Ok, t.done)) " " (a.done_on.as_deref().map(ui::date).unwrap_or_default())
                                } @else {
                                    (ui::badge(ui::Tone::Info, t.planned))
                                    @if provider {
                                        form method="post" action=(format!("{here}/actions/{}/complete", a.id)) {
                                            (csrf_field(ctx))
                                            button.btn.btn-sm type="submit" { (t.mark_done) }
                                        }
                                    }
                                }
                            }
                        }
                    } }
                } }
            }
            @if provider {
                details {
                    summary { (t.add_action) }
                    form.stack method="post" action=(format!("{here}/actions")) {
                        (csrf_field(ctx))
                        div.field { label for="a-desc" { (t.action) } input #a-desc type="text" name="description" required; }
                        div.row {
                            div.field { label for="a-due" { (t.due_on) } input #a-due type="date" name="due_on" required; }
                            div.field { label for="a-parts" { (t.parts) } input #a-parts type="text" name="parts"; }
                            div.field { label for="a-cost" { (t.cost) } input #a-cost type="number" name="cost" min="0" step="0.01"; }
                            div.field { label for="a-cur" { (t.currency) } input #a-cur type="text" name="currency" value="EUR" maxlength="3"; }
                        }
                        button.btn.btn-primary.btn-sm type="submit" { (t.add_action) }
                    }
                }
            }
        }
        @if provider {
            section.card aria-labelledby="edit-h" {
                h2 #edit-h { (t.edit_heading) }
                form.stack method="post" action=(here.clone()) {
                    (csrf_field(ctx))
                    div.field { label for="e-sum" { (t.summary) } input #e-sum type="text" name="summary" value=(r.summary) required; }
                    div.field { label for="e-find" { (t.findings) } textarea #e-find name="findings" rows="4" { (r.findings.clone().unwrap_or_default()) } }
                    div.field {
                        label for="e-status" { (t.status) }
                        select #e-status name="status" {
                            @for st in root_causes::STATUSES {
                                option value=(st) selected[r.status == st] { ((t.status_label)(st)) }
                            }
                        }
                    }
                    button.btn.btn-primary.btn-sm type="submit" { (t.save) }
                }
            }
        }
    };
    Ok(layout::page(ctx, t.list_title, body).into_response())
}

/// `GET /reports/root-causes/{id}`.
pub async fn customer_detail(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> PageResult {
    detail(&s, &ctx, Side::Customer, id).await
}

/// `GET /desk/root-causes/{id}`.
pub async fn desk_detail(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> PageResult {
    detail(&s, &ctx, Side::Desk, id).await
}

/// `POST /desk/root-causes`: opens an analysis from a flagged unit.
pub async fn desk_open(State(s): State<AppState>, posted: Posted) -> PageResult {
    let ctx = &posted.ctx;
    let back = "/desk/recurring";
    let input = RootCauseInput {
        unit_id: posted
            .get("unit_id")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
        family: posted.get("family").unwrap_or("").to_string(),
        summary: posted.get("summary").unwrap_or("").to_string(),
        findings: None,
        case_numbers: posted
            .get("case_numbers")
            .unwrap_or("")
            .split_whitespace()
            .map(str::to_string)
            .collect(),
    };
    match open(&s, &ctx.caller, input).await {
        Ok(r) => Ok(redirect_with(
            &s,
            &format!("/desk/root-causes/{}", r.id),
            true,
            ctx.t.root_causes.opened,
        )),
        Err(e) => back_with(&s, back, e),
    }
}

/// `POST /desk/root-causes/{id}`: summary, findings and status.
pub async fn desk_edit(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    let here = format!("/desk/root-causes/{id}");
    if let Err(e) = require_provider(&ctx.caller) {
        return back_with(&s, &here, e);
    }
    let changes = serde_json::json!({
        "summary": posted.get("summary").unwrap_or(""),
        "findings": posted.get("findings").filter(|f| !f.trim().is_empty()),
        "status": posted.get("status").unwrap_or(""),
    });
    match root_causes::update(&s.db, ctx.caller.actor(&s), id, changes).await {
        Ok(_) => Ok(redirect_with(&s, &here, true, ctx.t.root_causes.saved)),
        Err(e) => back_with(&s, &here, e),
    }
}

/// `POST /desk/root-causes/{id}/actions`: the cost is typed in currency units.
pub async fn desk_add_action(
    State(s): State<AppState>,
    Path(id): Path<i64>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    let here = format!("/desk/root-causes/{id}");
    if let Err(e) = require_provider(&ctx.caller) {
        return back_with(&s, &here, e);
    }
    let cost_minor = posted
        .get("cost")
        .filter(|c| !c.trim().is_empty())
        .map(|c| {
            c.replace(',', ".")
                .parse::<f64>()
                .ok()
                .filter(|a| a.is_finite())
                .map_or(-1, |a| (a * 100.0).round() as i64)
        });
    let input = ActionInput {
        description: posted.get("description").unwrap_or("").to_string(),
        due_on: posted.get("due_on").unwrap_or("").to_string(),
        parts: posted.get("parts").map(str::to_string),
        cost_minor,
        currency: cost_minor.and(posted.get("currency").map(str::to_string)),
    };
    match root_causes::add_action(&s.db, ctx.caller.actor(&s), id, input).await {
        Ok(_) => Ok(redirect_with(&s, &here, true, ctx.t.root_causes.added)),
        Err(e) => back_with(&s, &here, e),
    }
}

/// `POST /desk/root-causes/{id}/actions/{action_id}/complete`.
pub async fn desk_complete(
    State(s): State<AppState>,
    Path((id, action_id)): Path<(i64, i64)>,
    posted: Posted,
) -> PageResult {
    let ctx = &posted.ctx;
    let here = format!("/desk/root-causes/{id}");
    if let Err(e) = require_provider(&ctx.caller) {
        return back_with(&s, &here, e);
    }
    match root_causes::complete_action(
        &s.db,
        ctx.caller.actor(&s),
        id,
        action_id,
        CompleteInput::default(),
    )
    .await
    {
        Ok(_) => Ok(redirect_with(
            &s,
            &here,
            true,
            ctx.t.root_causes.marked_done,
        )),
        Err(e) => back_with(&s, &here, e),
    }
}

/// The unit page's card: the unit's analyses with progress (customers).
pub async fn unit_card(
    s: &AppState,
    ctx: &Ctx,
    unit_id: i64,
) -> Result<Markup, crate::page::PortalError> {
    if !ctx.may(Resource::Cases, Action::Read) {
        return Ok(html! {});
    }
    let t = &ctx.t.root_causes;
    let f = ListFilter {
        unit_id: Some(unit_id),
        limit: Some(20),
        ..Default::default()
    };
    let items = root_causes::list(&s.db, &ctx.caller.scope, &f).await?.items;
    if items.is_empty() {
        return Ok(html! {});
    }
    Ok(html! {
        section.card aria-labelledby="unit-rca-h" {
            h2 #unit-rca-h { (t.unit_card) }
            ul.list { @for r in items.iter().rev() {
                li data-root-cause=(r.id) {
                    div.main {
                        a href=(format!("/reports/root-causes/{}", r.id)) { strong { (r.summary) } }
                        div.sub { (progress(ctx, r)) }
                    }
                    (status_badge(ctx, &r.status))
                }
            } }
        }
    })
}
