//! A case's service report as the customer reads it: the view the request
//! page shows and its PDF (`/requests/{number}/report/pdf`).

use super::*;

/// A case's service report as the customer reads it: plain words for the
/// cause, parts with what they are, the technician and the time on site.
pub struct ReportView {
    pub findings: String,
    pub cause: &'static str,
    pub returned: bool,
    pub actions: Vec<String>,
    /// Part number, what it is, quantity.
    pub parts: Vec<(String, String, String)>,
    pub follow_ups: Vec<String>,
    pub technician: Option<String>,
    pub on_site: Option<chrono::Duration>,
}

impl ReportView {
    pub fn of(
        t: &Strings,
        case: &Case,
        report: &serde_json::Value,
        technician: Option<String>,
        entries: &[timeline::TimelineEntry],
        now: chrono::DateTime<chrono::Utc>,
    ) -> ReportView {
        let list = |key: &str, field: Option<&str>| -> Vec<String> {
            report[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|x| match field {
                            Some(f) => x[f].as_str(),
                            None => x.as_str(),
                        })
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        let parts = report["parts_used"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|p| {
                        let number = p["part_number"].as_str().unwrap_or("").to_string();
                        let name = (t.printed.part_name)(&number).unwrap_or(t.printed.part_unknown);
                        (number, name.to_string(), p["quantity"].to_string())
                    })
                    .collect()
            })
            .unwrap_or_default();
        ReportView {
            findings: report["findings"].as_str().unwrap_or("").to_string(),
            cause: (t.printed.cause)(report["cause_code"].as_str().unwrap_or("")),
            returned: report["returned_to_service"] == true,
            actions: list("actions", None),
            parts,
            follow_ups: list("follow_ups", Some("action")),
            technician,
            on_site: crate::printed::time_on_site(entries, case.resolved_at.unwrap_or(now)),
        }
    }

    pub(super) fn on_site_text(&self, t: &Strings) -> String {
        self.on_site
            .map(|d| (t.printed.duration)(d.num_minutes()))
            .unwrap_or_else(|| t.common.dash.into())
    }
}

/// `GET /requests/{number}/report/pdf`: the service report of a case as a
/// PDF (404 while the case has no report).
pub async fn report_pdf(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(number): Path<String>,
) -> PageResult {
    let (case, building, entries) = load_case(&s, &ctx, &number).await?;
    let t = ctx.t;
    let p = &t.printed;
    let caller = &ctx.caller;
    let Some(report) = case.report.as_ref() else {
        return Err(PortalError::NotFound);
    };
    let tz = ui::zone(&building.timezone);
    let now = s.clock.now();
    let tech = cases::technician_name(&s.db, &caller.scope, &case.number).await?;
    let r = ReportView::of(t, &case, report, tech, &entries, now);
    let unit = match case.unit_id {
        Some(u) => fleet::unit_name(&hoistway_store::units::get(&s.db, &caller.scope, u).await?),
        None => t.common.dash.into(),
    };
    let customer = hoistway_store::customers::get(&s.db, &caller.scope, case.customer_id)
        .await?
        .name;
    let dash = || t.common.dash.to_string();
    let mut visit = vec![
        (t.requests.unit.to_string(), unit),
        (
            p.building.to_string(),
            format!("{}, {}", building.name, building.address),
        ),
        (
            p.technician.to_string(),
            r.technician.clone().unwrap_or_else(dash),
        ),
        (p.time_on_site.to_string(), r.on_site_text(t)),
        (
            t.requests.opened.to_string(),
            ui::datetime(case.created_at, tz),
        ),
        (
            t.requests.resolved_at.to_string(),
            case.resolved_at
                .map(|e| ui::datetime(e, tz))
                .unwrap_or_else(dash),
        ),
        (
            t.requests.returned.to_string(),
            (if r.returned {
                t.requests.yes
            } else {
                t.requests.no
            })
            .to_string(),
        ),
    ];
    if case.site_visits > 1 {
        visit.push((p.visits.to_string(), case.site_visits.to_string()));
    }
    let quote = report.get("quote").filter(|q| !q.is_null()).map(|q| {
        let decision = case.quote_decision.as_deref().unwrap_or("pending");
        (
            t.requests.quote.to_string(),
            vec![
                (
                    p.quote_work.to_string(),
                    q["text"].as_str().unwrap_or("").to_string(),
                ),
                (
                    p.quote_amount.to_string(),
                    ui::money(
                        q["amount_minor"].as_f64().unwrap_or(0.0) / 100.0,
                        q["currency"].as_str().unwrap_or(""),
                    ),
                ),
                (
                    p.quote_answer.to_string(),
                    (t.requests.quote_decision)(decision),
                ),
            ],
        )
    });
    let doc = hoistway_documents::ServiceReportDocument {
        frame: crate::printed::frame(
            t,
            (p.report_title)(&case.number),
            vec![(p.customer_line)(&customer)],
            now,
            tz,
        ),
        visit_heading: p.visit.into(),
        visit,
        symptoms: (p.reported.into(), case.symptoms.clone()),
        findings: (t.requests.findings.into(), r.findings.clone()),
        cause: (t.requests.cause.into(), r.cause.into()),
        actions: hoistway_documents::Section {
            heading: t.requests.actions.into(),
            items: r.actions.clone(),
        },
        parts_heading: t.requests.parts.into(),
        parts_header: [p.part.into(), p.description.into(), p.quantity.into()],
        parts: r
            .parts
            .iter()
            .map(
                |(number, description, quantity)| hoistway_documents::PartLine {
                    number: number.clone(),
                    description: description.clone(),
                    quantity: quantity.clone(),
                },
            )
            .collect(),
        follow_ups: hoistway_documents::Section {
            heading: t.requests.follow_ups.into(),
            items: r.follow_ups.clone(),
        },
        quote,
    };
    let bytes = doc.to_pdf().map_err(crate::printed::failed)?;
    Ok(crate::printed::pdf_response(
        bytes,
        &format!("service-report-{}", case.number),
    ))
}
