//! `GET /api/v1/units/{id}/export`: a unit's equipment data for its owner
//! (issue #20, in the spirit of the EU Data Act): raw telemetry, rollups or
//! service history over a period, as CSV or JSON. Raw events and rollups
//! are read page by page and streamed, so a year of raw events never sits
//! in memory. The columns are documented in `docs/data-export.md`.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::text::parse_date;
use hoistway_domain::{Action, Invalid, Resource};
use hoistway_store::data_export::{raw_page, rollup_page};
use hoistway_store::maintenance::export::{self as service, ExportFilter};
use hoistway_store::{units, Db};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(unit_export))
}

/// Rows read per page from the database.
const PAGE: i64 = 5000;

/// What to export.
#[derive(Debug, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DataExportQuery {
    /// `raw` (telemetry events as sent), `rollups` (hourly or daily
    /// counts; the default) or `service` (visits, inspections,
    /// certificates, calls and repairs).
    pub dataset: Option<String>,
    /// `csv` (default) or `json`.
    pub format: Option<String>,
    /// First day, YYYY-MM-DD (UTC); default 30 days before `to`.
    pub from: Option<String>,
    /// Last day included, YYYY-MM-DD (UTC); default today.
    pub to: Option<String>,
    /// Rollups only: `hour` or `day` (default).
    pub period: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dataset {
    Raw,
    Rollups,
    Service,
}

impl Dataset {
    fn name(self) -> &'static str {
        match self {
            Dataset::Raw => "raw",
            Dataset::Rollups => "rollups",
            Dataset::Service => "service",
        }
    }
    /// The longest period one export covers.
    fn max_days(self) -> i64 {
        match self {
            Dataset::Raw => 366,
            Dataset::Rollups => 3660,
            Dataset::Service => service::MAX_DAYS,
        }
    }
}

/// A checked request.
struct Plan {
    dataset: Dataset,
    json: bool,
    from: NaiveDate,
    to: NaiveDate,
    period: &'static str,
}

fn plan(q: &DataExportQuery, today: NaiveDate) -> Result<Plan, Invalid> {
    let dataset = match q.dataset.as_deref().unwrap_or("rollups") {
        "raw" => Dataset::Raw,
        "rollups" => Dataset::Rollups,
        "service" => Dataset::Service,
        other => {
            return Err(Invalid::new(
                "dataset",
                format!("'{other}' must be raw, rollups or service"),
            ))
        }
    };
    let json = match q.format.as_deref().unwrap_or("csv") {
        "csv" => false,
        "json" => true,
        other => {
            return Err(Invalid::new(
                "format",
                format!("'{other}' must be csv or json"),
            ))
        }
    };
    let to =
        q.to.as_deref()
            .map(|t| parse_date("to", t))
            .transpose()?
            .unwrap_or(today);
    let from = match q.from.as_deref() {
        Some(f) => parse_date("from", f)?,
        None => to - Duration::days(30),
    };
    hoistway_domain::text::ordered_dates("from", from, "to", Some(to))?;
    if (to - from).num_days() > dataset.max_days() {
        return Err(Invalid::new(
            "to",
            format!(
                "a {} export covers at most {} days",
                dataset.name(),
                dataset.max_days()
            ),
        ));
    }
    let period = match (dataset, q.period.as_deref()) {
        (Dataset::Rollups, None | Some("day")) => "day",
        (Dataset::Rollups, Some("hour")) => "hour",
        (Dataset::Rollups, Some(other)) => {
            return Err(Invalid::new(
                "period",
                format!("'{other}' must be hour or day"),
            ))
        }
        (_, None) => "day",
        (_, Some(_)) => return Err(Invalid::new("period", "applies to rollups only")),
    };
    Ok(Plan {
        dataset,
        json,
        from,
        to,
        period,
    })
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// One page as CSV (with the header row on the first) or as JSON array
/// elements (with the separator before each but the very first).
fn encode<T: Serialize>(rows: &[T], json: bool, first: bool) -> Result<Bytes, String> {
    if json {
        let mut out = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            if !(first && i == 0) {
                out.push(b',');
            }
            serde_json::to_writer(&mut out, r).map_err(|e| e.to_string())?;
            out.push(b'\n');
        }
        Ok(out.into())
    } else {
        let mut w = csv::WriterBuilder::new()
            .has_headers(first)
            .from_writer(Vec::new());
        for r in rows {
            w.serialize(r).map_err(|e| e.to_string())?;
        }
        w.into_inner().map(Bytes::from).map_err(|e| e.to_string())
    }
}

/// Streams every page `next_page(after)` returns until an empty one;
/// `key` gives the position a row leaves the next page at.
fn paged<T, F, Fut>(json: bool, mut next_page: F, key: fn(&T) -> i64) -> Body
where
    T: Serialize + Send + 'static,
    F: FnMut(i64) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = hoistway_store::error::Result<Vec<T>>> + Send,
{
    let stream = async_stream::stream! {
        if json {
            yield Ok::<Bytes, std::io::Error>(Bytes::from_static(b"[\n"));
        }
        let (mut after, mut first) = (i64::MIN, true);
        loop {
            let rows = match next_page(after).await {
                Ok(rows) => rows,
                Err(e) => {
                    // Headers are gone: cut the body short, so the client
                    // sees a broken download rather than a short file.
                    tracing::error!(error = %e, "data export page failed");
                    yield Err(std::io::Error::other(e.to_string()));
                    return;
                }
            };
            let Some(last) = rows.last() else { break };
            after = key(last);
            match encode(&rows, json, first) {
                Ok(bytes) => yield Ok(bytes),
                Err(e) => {
                    yield Err(std::io::Error::other(e));
                    return;
                }
            }
            first = false;
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
        // (An empty period gives an empty CSV: its columns come from rows.)
        if json {
            yield Ok(Bytes::from_static(b"]\n"));
        }
    };
    Body::from_stream(stream)
}

#[utoipa::path(get, path = "/api/v1/units/{id}/export", tag = "telemetry", params(("id" = i64, Path), DataExportQuery),
    responses((status = 200, description = "text/csv or application/json (an array), streamed; columns in docs/data-export.md"),
        (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn unit_export(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<DataExportQuery>,
) -> ApiResult<Response> {
    export(&s, &caller, id, &q).await
}

/// The export of unit `id` for `caller` (the API and the portal).
pub async fn export(
    s: &AppState,
    caller: &Caller,
    id: i64,
    q: &DataExportQuery,
) -> ApiResult<Response> {
    caller.require(Resource::Telemetry, Action::Read)?;
    let p = plan(q, s.clock.now().date_naive())?;
    if p.dataset == Dataset::Service {
        caller.require(Resource::Maintenance, Action::Read)?;
    }
    let unit = units::get(&s.db, &caller.scope, id).await?;
    let (from, to) = (midnight(p.from), midnight(p.to + Duration::days(1)));
    let db: Db = s.db.clone();
    let body = match p.dataset {
        Dataset::Raw => paged(
            p.json,
            move |after| {
                let db = db.clone();
                async move { raw_page(&db, id, from, to, after, PAGE).await }
            },
            |e| e.seq,
        ),
        Dataset::Rollups => {
            let period = p.period;
            paged(
                p.json,
                move |after| {
                    let db = db.clone();
                    async move { rollup_page(&db, id, period, from, to, after, PAGE).await }
                },
                |r| r.start.timestamp_millis(),
            )
        }
        Dataset::Service => {
            let f = ExportFilter {
                from: p.from.to_string(),
                to: p.to.to_string(),
                unit_id: Some(id),
                building_id: None,
            };
            let rows = service::rows(&s.db, &caller.scope, &f).await?;
            let bytes = if p.json {
                serde_json::to_vec(&rows).map_err(AppError::internal)?
            } else {
                crate::exports::to_csv(&rows)?
            };
            Body::from(bytes)
        }
    };
    let number: String = unit
        .equipment_number
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let (ext, kind) = if p.json {
        ("json", "application/json")
    } else {
        ("csv", "text/csv; charset=utf-8")
    };
    let name = format!("{number}_{}_{}_{}.{ext}", p.dataset.name(), p.from, p.to);
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}
