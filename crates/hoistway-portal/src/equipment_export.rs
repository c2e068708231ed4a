//! The unit page's "Download this unit's data" (issue #20): a plain GET
//! form to `/equipment/{id}/export`, answered by the API's own export
//! (`hoistway_api::data_export`), so rules, limits and refusals match.

use crate::page::{Ctx, PageResult};
use axum::extract::State;
use hoistway_api::data_export::{export, DataExportQuery};
use hoistway_app::extract::{Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use maud::{html, Markup};
use serde::Deserialize;

/// The card, for viewers who may read telemetry.
pub fn card(ctx: &Ctx, unit_id: i64) -> Markup {
    let t = &ctx.t.privacy;
    if !ctx.may(Resource::Telemetry, Action::Read) {
        return html! {};
    }
    html! {
        section.card aria-labelledby="export-h" {
            h2 #export-h { (t.export_heading) }
            p.muted { (t.export_lead) }
            form.stack method="get" action=(format!("/equipment/{unit_id}/export")) {
                div.row {
                    div.field {
                        label for="x-set" { (t.dataset) }
                        select #x-set name="what" {
                            option value="rollups-day" selected { (t.dataset_rollups_day) }
                            option value="rollups-hour" { (t.dataset_rollups_hour) }
                            option value="raw" { (t.dataset_raw) }
                            @if ctx.may(Resource::Maintenance, Action::Read) {
                                option value="service" { (t.dataset_service) }
                            }
                        }
                    }
                    div.field {
                        label for="x-format" { (t.format) }
                        select #x-format name="format" { option value="csv" { "CSV" } option value="json" { "JSON" } }
                    }
                }
                div.row {
                    div.field { label for="x-from" { (t.from) } input #x-from type="date" name="from"; }
                    div.field { label for="x-to" { (t.to) } input #x-to type="date" name="to"; }
                }
                button.btn type="submit" { (t.export_submit) }
            }
        }
    }
}

/// What the card's form sends.
#[derive(Debug, Deserialize)]
pub struct ExportForm {
    what: String,
    format: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// `GET /equipment/{id}/export`.
pub async fn download(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(f): Query<ExportForm>,
) -> PageResult {
    let (dataset, period) = match f.what.as_str() {
        "rollups-day" => ("rollups", Some("day")),
        "rollups-hour" => ("rollups", Some("hour")),
        other => (other, None),
    };
    // An empty date field means the default.
    let date = |v: Option<String>| v.filter(|d| !d.trim().is_empty());
    let q = DataExportQuery {
        dataset: Some(dataset.to_string()),
        format: f.format,
        from: date(f.from),
        to: date(f.to),
        period: period.map(str::to_string),
    };
    Ok(export(&s, &ctx.caller, id, &q).await?)
}
