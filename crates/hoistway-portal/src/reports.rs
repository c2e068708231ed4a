//! `/reports`: "create new report". Pick the kind (equipment statistics:
//! starts and operating hours; service visits; repair costs; KPIs), the
//! units and the period; then `/reports/view` is a printable page with SVG
//! charts, `/reports/csv` the same rows as CSV and `/reports/pdf` as a PDF
//! (`hoistway-documents`); page, print and PDF carry one heading
//! ([`Heading`]: customer, period, generation date from the app's clock).
//! Data comes from the rollups, visits, case reports and KPI records the
//! API reads.

use super::layout::{self, Area};
use super::page::{Ctx, PageResult, PortalError};
use super::strings::Strings;
use super::{charts, fleet, ui};
use axum::extract::{RawQuery, State};
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use hoistway_app::state::AppState;
use hoistway_desk::{compute_kpis, Period};
use hoistway_domain::{Action, Resource};
use hoistway_maintenance::VisitStatus;
use hoistway_store::cases::kpi::{records, Target};
use hoistway_store::cases::CaseFilter;
use hoistway_store::maintenance::visits::{self, VisitFilter};
use hoistway_store::units::Unit;
use hoistway_store::{rollups, ListFilter};
use maud::{html, Markup};
use std::collections::BTreeMap;

/// The kinds of report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Statistics,
    Visits,
    Costs,
    Kpis,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Statistics, Kind::Visits, Kind::Costs, Kind::Kpis];

    fn as_str(self) -> &'static str {
        match self {
            Kind::Statistics => "statistics",
            Kind::Visits => "visits",
            Kind::Costs => "costs",
            Kind::Kpis => "kpis",
        }
    }

    fn label(self, t: &Strings) -> &'static str {
        match self {
            Kind::Statistics => t.reports.statistics,
            Kind::Visits => t.reports.visits,
            Kind::Costs => t.reports.costs,
            Kind::Kpis => t.reports.kpis,
        }
    }
}

/// A report request: kind, units (none = all), period `[from, to]` in days.
#[derive(Debug, Clone)]
pub struct Request {
    pub kind: Kind,
    pub units: Vec<i64>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Longest period of one report, days (the rollups serve 2000 buckets).
const MAX_DAYS: i64 = 731;

impl Request {
    /// Reads `kind`, repeated `unit`, `from`, `to` from a query string.
    pub fn parse(query: &str, today: NaiveDate) -> Result<Request, PortalError> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).map_err(|e| {
            PortalError::BadRequest(format!("the report request could not be read: {e}"))
        })?;
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let kind = match get("kind").as_deref() {
            None => Kind::Statistics,
            Some(k) => Kind::ALL
                .into_iter()
                .find(|x| x.as_str() == k)
                .ok_or_else(|| PortalError::BadRequest(format!("unknown report kind {k:?}")))?,
        };
        let units = pairs
            .iter()
            .filter(|(n, _)| n == "unit")
            .map(|(_, v)| {
                v.parse::<i64>()
                    .map_err(|_| PortalError::BadRequest(format!("{v:?} is not a unit")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let date = |k: &str, default: NaiveDate| match get(k) {
            None => Ok(default),
            Some(v) => NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                .map_err(|_| PortalError::BadRequest(format!("{k}: use a date like 2026-11-01"))),
        };
        let to = date("to", today)?;
        let from = date("from", to - Duration::days(29))?;
        if from > to {
            return Err(PortalError::BadRequest(
                "the period must start before it ends".into(),
            ));
        }
        if (to - from).num_days() > MAX_DAYS {
            return Err(PortalError::BadRequest(format!(
                "a report covers at most {MAX_DAYS} days"
            )));
        }
        Ok(Request {
            kind,
            units,
            from,
            to,
        })
    }

    fn query(&self) -> String {
        let mut pairs = vec![
            ("kind", self.kind.as_str().to_string()),
            ("from", self.from.to_string()),
            ("to", self.to.to_string()),
        ];
        pairs.extend(self.units.iter().map(|u| ("unit", u.to_string())));
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    fn start(&self) -> DateTime<Utc> {
        self.from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
    }

    /// Exclusive end: the day after `to`.
    fn end(&self) -> DateTime<Utc> {
        self.start() + Duration::days((self.to - self.from).num_days() + 1)
    }
}

/// A computed report: a table (header + rows) and its charts.
pub struct Report {
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    pub charts: Vec<Markup>,
}

/// `GET /reports`: the "create new report" form.
pub async fn form(State(s): State<AppState>, ctx: Ctx) -> PageResult {
    ctx.require_area(Area::Reports)?;
    let t = ctx.t;
    let units = fleet::units(&s, &ctx.caller, &ListFilter::default()).await?;
    let buildings = fleet::buildings(&s, &ctx.caller).await?;
    let today = s.clock.now().date_naive();
    let body = html! {
        (ui::page_header(t.reports.title, Some(t.reports.lead), super::root_causes::links(&ctx, "/reports")))
        form.card.stack method="get" action="/reports/view" {
            h2 { (t.reports.create) }
            fieldset {
                legend { (t.reports.step_kind) }
                div.checks {
                    @for (i, k) in Kind::ALL.iter().enumerate() {
                        label.check { input type="radio" name="kind" value=(k.as_str()) checked[i == 0]; (k.label(t)) }
                    }
                }
            }
            fieldset {
                legend { (t.reports.step_units) }
                p.small.muted { (t.reports.units_hint) }
                // Grouped by building, each unit named with its building:
                // several buildings have a "Lift A".
                @for b in &buildings {
                    @let mine: Vec<&Unit> = units.iter().filter(|u| u.building_id == b.id).collect();
                    @if !mine.is_empty() {
                        fieldset.unit-group {
                            legend { (b.name) }
                            div.checks {
                                @for u in mine {
                                    label.check {
                                        input type="checkbox" name="unit" value=(u.id);
                                        span { (fleet::short_unit_name(u)) " · " (b.name) " " span.small.muted { "(" (u.equipment_number) ")" } }
                                    }
                                }
                            }
                        }
                    }
                }
                @let orphans: Vec<&Unit> = units.iter().filter(|u| !buildings.iter().any(|b| b.id == u.building_id)).collect();
                @if !orphans.is_empty() {
                    div.checks {
                        @for u in orphans {
                            label.check { input type="checkbox" name="unit" value=(u.id); (fleet::unit_name(u)) }
                        }
                    }
                }
            }
            fieldset {
                legend { (t.reports.step_period) }
                div.row {
                    div.field { label for="r-from" { (t.reports.from) } input #r-from type="date" name="from" value=((today - Duration::days(29)).to_string()); }
                    div.field { label for="r-to" { (t.reports.to) } input #r-to type="date" name="to" value=(today.to_string()); }
                }
            }
            button.btn.btn-primary type="submit" { (t.reports.open) }
        }
    };
    Ok(layout::page(&ctx, t.reports.title, body).into_response())
}

/// The units of the request the viewer can see (404 if one is not theirs).
async fn units_of(s: &AppState, ctx: &Ctx, req: &Request) -> Result<Vec<Unit>, PortalError> {
    if req.units.is_empty() {
        return fleet::units(s, &ctx.caller, &ListFilter::default()).await;
    }
    let mut out = Vec::new();
    for id in &req.units {
        out.push(hoistway_store::units::get(&s.db, &ctx.caller.scope, *id).await?);
    }
    Ok(out)
}

fn day_points(req: &Request, values: &BTreeMap<NaiveDate, f64>) -> Vec<charts::Point> {
    let mut out = Vec::new();
    let mut d = req.from;
    while d <= req.to {
        out.push(charts::Point {
            label: d.format("%-d.%-m.").to_string(),
            value: values.get(&d).copied().unwrap_or(0.0),
        });
        d += Duration::days(1);
    }
    out
}

/// Computes a report.
pub async fn compute(s: &AppState, ctx: &Ctx, req: &Request) -> Result<Report, PortalError> {
    let t = ctx.t;
    let caller = &ctx.caller;
    let units = units_of(s, ctx, req).await?;
    match req.kind {
        Kind::Statistics => {
            ctx.require(Resource::Telemetry, Action::Read)?;
            let mut starts = BTreeMap::new();
            let mut hours = BTreeMap::new();
            let mut rows = Vec::new();
            for u in &units {
                let list = rollups::list(&s.db, &caller.scope, u.id, "day", req.start(), req.end())
                    .await?;
                let (mut st, mut h) = (0i64, 0f64);
                for r in &list {
                    st += r.starts;
                    h += r.run_hours;
                    *starts.entry(r.start.date_naive()).or_insert(0.0) += r.starts as f64;
                    *hours.entry(r.start.date_naive()).or_insert(0.0) += r.run_hours;
                }
                rows.push(vec![
                    u.equipment_number.clone(),
                    (t.labels.unit_kind)(u.kind.as_str()).into(),
                    st.to_string(),
                    format!("{h:.1}"),
                ]);
            }
            Ok(Report {
                header: vec![
                    t.reports.col_unit,
                    t.reports.col_kind,
                    t.reports.col_starts,
                    t.reports.col_hours,
                ],
                rows,
                charts: vec![
                    charts::bars(
                        t.equipment.starts_chart,
                        t.equipment.per_day,
                        &day_points(req, &starts),
                    ),
                    charts::line(
                        t.equipment.hours_chart,
                        t.equipment.hours_per_day,
                        &day_points(req, &hours),
                    ),
                ],
            })
        }
        Kind::Visits => {
            ctx.require(Resource::Maintenance, Action::Read)?;
            let mut rows = Vec::new();
            let mut per_day = BTreeMap::new();
            for u in &units {
                let f = VisitFilter {
                    unit_id: Some(u.id),
                    from: Some(req.from.to_string()),
                    to: Some(req.to.to_string()),
                    ..Default::default()
                };
                for v in visits::all(&s.db, &caller.scope, &f, 5000).await? {
                    if let Ok(d) = NaiveDate::parse_from_str(&v.planned_date, "%Y-%m-%d") {
                        if v.status == VisitStatus::Completed {
                            *per_day.entry(d).or_insert(0.0) += 1.0;
                        }
                    }
                    rows.push(vec![
                        v.planned_date.clone(),
                        v.equipment_number.clone(),
                        v.building_name.clone(),
                        (t.labels.visit_kind)(v.kind.as_str()).into(),
                        (t.labels.visit_status)(v.status.as_str()).into(),
                    ]);
                }
            }
            rows.sort();
            Ok(Report {
                header: vec![
                    t.reports.col_date,
                    t.reports.col_unit,
                    t.reports.col_building,
                    t.reports.col_kind,
                    t.reports.col_status,
                ],
                rows,
                charts: vec![charts::bars(
                    t.reports.visits_chart,
                    t.reports.per_day_count,
                    &day_points(req, &per_day),
                )],
            })
        }
        Kind::Costs => {
            ctx.require(Resource::Cases, Action::Read)?;
            let mut rows = Vec::new();
            let mut per_day = BTreeMap::new();
            let mut currency = String::new();
            for u in &units {
                let list = fleet::cases_where(
                    s,
                    caller,
                    CaseFilter {
                        unit_id: Some(u.id),
                        ..Default::default()
                    },
                )
                .await?;
                for c in list {
                    let d = c.created_at.date_naive();
                    if d < req.from || d > req.to {
                        continue;
                    }
                    let Some(q) = c
                        .report
                        .as_ref()
                        .map(|r| &r["quote"])
                        .filter(|q| !q.is_null())
                    else {
                        continue;
                    };
                    let amount = q["amount_minor"].as_f64().unwrap_or(0.0) / 100.0;
                    let cur = q["currency"].as_str().unwrap_or("").to_string();
                    let decision = c.quote_decision.clone().unwrap_or_else(|| "pending".into());
                    if decision == "accepted" {
                        *per_day.entry(d).or_insert(0.0) += amount;
                    }
                    currency = cur.clone();
                    rows.push(vec![
                        d.to_string(),
                        c.number.clone(),
                        u.equipment_number.clone(),
                        q["text"].as_str().unwrap_or("").to_string(),
                        format!("{amount:.2}"),
                        cur,
                        (t.requests.quote_decision)(&decision),
                    ]);
                }
            }
            rows.sort();
            Ok(Report {
                header: vec![
                    t.reports.col_date,
                    t.reports.col_case,
                    t.reports.col_unit,
                    t.reports.col_text,
                    t.reports.col_amount,
                    t.reports.col_currency,
                    t.reports.col_decision,
                ],
                rows,
                charts: vec![charts::bars(
                    t.reports.costs_chart,
                    &currency,
                    &day_points(req, &per_day),
                )],
            })
        }
        Kind::Kpis => {
            ctx.require(Resource::Cases, Action::Read)?;
            let now = s.clock.now();
            let period = Period::new(req.start(), req.end())
                .map_err(|e| PortalError::BadRequest(e.to_string()))?;
            let mut rows = Vec::new();
            let mut calls = Vec::new();
            for u in &units {
                let (recs, n) = records(&s.db, &caller.scope, Target::Unit(u.id)).await?;
                let k = compute_kpis(&recs, n, period, now)
                    .map_err(|e| PortalError::BadRequest(e.to_string()))?;
                let opt = |v: Option<f64>, unit: &str| {
                    v.map(|x| format!("{x:.1}{unit}"))
                        .unwrap_or_else(|| t.common.dash.into())
                };
                calls.push(charts::Point {
                    label: u.equipment_number.clone(),
                    value: f64::from(k.calls),
                });
                rows.push(vec![
                    u.equipment_number.clone(),
                    k.calls.to_string(),
                    k.entrapments.to_string(),
                    opt(k.mttr_minutes, " min"),
                    opt(k.mtbc_days, " d"),
                    opt(k.availability_pct, " %"),
                    opt(k.first_time_fix_rate.map(|r| r * 100.0), " %"),
                    format!("{:.1} h", k.parts_wait_hours),
                ]);
            }
            Ok(Report {
                header: vec![
                    t.reports.col_unit,
                    t.reports.col_calls,
                    t.reports.col_entrapments,
                    t.reports.col_mttr,
                    t.reports.col_mtbc,
                    t.reports.col_availability,
                    t.reports.col_ftf,
                    t.parts.kpi_wait,
                ],
                rows,
                charts: vec![charts::bars(
                    t.reports.calls_chart,
                    t.reports.calls_unit,
                    &calls,
                )],
            })
        }
    }
}

/// The report's satisfaction card: the surveys sent in its period.
fn satisfaction(ctx: &Ctx, r: &hoistway_store::surveys::SurveyResults) -> maud::Markup {
    let t = &ctx.t.surveys;
    html! {
        section.card aria-labelledby="sat-h" {
            h2 #sat-h { (t.report_heading) }
            @if r.sent == 0 { (ui::empty(t.none_sent)) } @else {
                p { ((t.answered_of)(r.answered, r.sent, r.response_rate_pct)) }
                (ui::facts(&[
                    (t.mean, r.mean_rating.map_or("–".into(), |m| format!("{m:.1}"))),
                    (t.solved_share, r.solved_pct.map_or("–".into(), |p| format!("{p:.0}%"))),
                ]))
                @if !r.comments.is_empty() {
                    h3 { (t.comments) }
                    ul.list { @for c in r.comments.iter().take(10) {
                        li { div.main { strong { (c.case_number) " · " (c.rating) "/5" } p.keep-lines { (c.comment) } } }
                    } }
                }
            }
        }
    }
}

/// `GET /reports/view`: the printable report.
pub async fn view(State(s): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> PageResult {
    ctx.require_area(Area::Reports)?;
    let t = ctx.t;
    let req = Request::parse(q.as_deref().unwrap_or(""), s.clock.now().date_naive())?;
    let report = compute(&s, &ctx, &req).await?;
    let head = Heading::of(&s, &ctx, &req).await?;
    let title = head.title;
    let body = html! {
        nav.crumbs.no-print aria-label=(t.equipment.breadcrumb) { a href="/reports" { (t.reports.title) } }
        // The heading of the printed copy (the screen shows the site's own
        // header above it): who issued it, whose report, when.
        p.print-only.print-brand { (t.common.app_name) }
        (ui::page_header(title, None, html! {
            a.btn.btn-primary href=(format!("/reports/pdf?{}", req.query())) download { (t.printed.download_pdf) }
            a.btn href=(format!("/reports/csv?{}", req.query())) download { (t.reports.csv) }
            a.btn href="/reports" { (t.reports.new_report) }
        }))
        ul.report-meta {
            @for line in head.lines(t) { li { (line) } }
            li { ((t.printed.generated)(&head.generated)) }
        }
        @if !report.rows.is_empty() {
            div.grid { @for c in report.charts.iter().filter(|c| !c.0.is_empty()) { section.card { (c) } } }
        }
        section.card {
            @if report.rows.is_empty() { (ui::empty(t.reports.no_rows)) } @else {
                div.table-wrap { table.stack-sm {
                    thead { tr { @for h in &report.header { th scope="col" { (h) } } } }
                    tbody { @for r in &report.rows { tr { @for (i, c) in r.iter().enumerate() { td data-label=(report.header.get(i).copied().unwrap_or("")) { (c) } } } } }
                } }
            }
        }
        (satisfaction(&ctx, &hoistway_store::surveys::results(&s.db, &ctx.caller.scope, req.start(), req.end()).await?))
        p.note { (t.reports.print_hint) }
    };
    Ok(layout::page(&ctx, title, body).into_response())
}

/// The heading every copy of a report carries (the page, its print and
/// the PDF): whose it is, the period, and when it was made (the app's
/// clock, in the zone of the viewer's first building).
pub struct Heading {
    pub title: &'static str,
    pub customer: String,
    pub period: String,
    pub generated: String,
    pub now: DateTime<Utc>,
    pub zone: chrono_tz::Tz,
}

impl Heading {
    pub async fn of(s: &AppState, ctx: &Ctx, req: &Request) -> Result<Heading, PortalError> {
        let t = ctx.t;
        let customer = match ctx.caller.user.customer_id {
            Some(id) => {
                hoistway_store::customers::get(&s.db, &ctx.caller.scope, id)
                    .await?
                    .name
            }
            None => t.printed.all_customers.to_string(),
        };
        let zone = fleet::buildings(s, &ctx.caller)
            .await?
            .first()
            .map(|b| ui::zone(&b.timezone))
            .unwrap_or(chrono_tz::Tz::UTC);
        let now = s.clock.now();
        Ok(Heading {
            title: req.kind.label(t),
            customer,
            period: (t.reports.period)(
                &ui::date(&req.from.to_string()),
                &ui::date(&req.to.to_string()),
            ),
            generated: super::printed::generated_at(now, zone),
            now,
            zone,
        })
    }

    /// The lines under the title: customer, period, generation date.
    fn lines(&self, t: &Strings) -> Vec<String> {
        vec![
            (t.printed.customer_line)(&self.customer),
            (t.printed.period_line)(&self.period),
        ]
    }
}

/// Whether column `i` holds numbers (with their unit: ` min`, ` d`, ` %`, ` h`)
/// or dashes only, so the PDF aligns it right.
fn numeric_column(rows: &[Vec<String>], i: usize, dash: &str) -> bool {
    !rows.is_empty()
        && rows.iter().all(|r| {
            let c = r.get(i).map(|c| c.trim()).unwrap_or("");
            let n = [" min", " d", " %", " h"]
                .iter()
                .find_map(|u| c.strip_suffix(u))
                .unwrap_or(c);
            c == dash || n.parse::<f64>().is_ok()
        })
}

/// `GET /reports/pdf`: the report of `/reports/view` (same query) as a PDF.
pub async fn pdf(State(s): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> PageResult {
    ctx.require_area(Area::Reports)?;
    let t = ctx.t;
    let req = Request::parse(q.as_deref().unwrap_or(""), s.clock.now().date_naive())?;
    let report = compute(&s, &ctx, &req).await?;
    let head = Heading::of(&s, &ctx, &req).await?;
    let numeric = (0..report.header.len())
        .map(|i| numeric_column(&report.rows, i, t.common.dash))
        .collect();
    let doc = hoistway_documents::KpiReportDocument {
        frame: super::printed::frame(
            t,
            head.title.to_string(),
            head.lines(t),
            head.now,
            head.zone,
        ),
        header: report.header.iter().map(|h| h.to_string()).collect(),
        rows: report.rows,
        numeric,
        empty: t.reports.no_rows.into(),
    };
    let bytes = doc.to_pdf().map_err(super::printed::failed)?;
    Ok(super::printed::pdf_response(
        bytes,
        &format!("hoistway-{}-{}-{}", req.kind.as_str(), req.from, req.to),
    ))
}

/// `GET /reports/csv`.
pub async fn csv(State(s): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> PageResult {
    ctx.require_area(Area::Reports)?;
    let req = Request::parse(q.as_deref().unwrap_or(""), s.clock.now().date_naive())?;
    let report = compute(&s, &ctx, &req).await?;
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(&report.header)
        .map_err(|_| PortalError::Internal)?;
    for r in &report.rows {
        hoistway_app::csv_cells::write_record(&mut w, r).map_err(|_| PortalError::Internal)?;
    }
    let bytes = w.into_inner().map_err(|_| PortalError::Internal)?;
    let name = format!("hoistway-{}-{}-{}.csv", req.kind.as_str(), req.from, req.to);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn requests_parse_repeated_units_and_default_the_period() {
        let r = Request::parse("kind=visits&unit=3&unit=5", day("2026-11-23")).unwrap();
        assert_eq!(r.kind, Kind::Visits);
        assert_eq!(r.units, vec![3, 5]);
        assert_eq!((r.from, r.to), (day("2026-10-25"), day("2026-11-23")));
        assert_eq!(r.end() - r.start(), Duration::days(30));
        let again = Request::parse(&r.query(), day("2030-01-01")).unwrap();
        assert_eq!(again.units, r.units);
        assert_eq!(again.from, r.from);
    }

    #[test]
    fn numbers_with_units_align_right_words_do_not() {
        let rows = vec![
            vec![
                "ken:1".to_string(),
                "12.5 min".into(),
                "–".into(),
                "2026-11-02".into(),
            ],
            vec![
                "ken:2".to_string(),
                "3 min".into(),
                "99.0 %".into(),
                "2026-11-03".into(),
            ],
        ];
        let cols: Vec<bool> = (0..4).map(|i| numeric_column(&rows, i, "–")).collect();
        assert_eq!(cols, vec![false, true, true, false]);
        assert!(!numeric_column(&[], 0, "–"));
    }

    #[test]
    fn bad_requests_are_refused_not_panicked() {
        let today = day("2026-11-23");
        for q in [
            "kind=nope",
            "unit=x",
            "from=2026-13-01",
            "from=2026-11-20&to=2026-11-01",
            "from=2020-01-01",
        ] {
            assert!(Request::parse(q, today).is_err(), "{q}");
        }
    }
}
