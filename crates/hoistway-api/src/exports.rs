//! `GET /api/v1/exports/maintenance.csv`: the audit export of planned
//! visits, inspections and certificates per unit over up to 24 months.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::Query;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::maintenance::export::{self, ExportFilter, ExportRow};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(maintenance_csv))
}

/// Writes rows as CSV with a header line (present even when empty).
pub fn to_csv(rows: &[ExportRow]) -> Result<Vec<u8>, AppError> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record([
        "record",
        "unit_id",
        "equipment_number",
        "building",
        "address",
        "date",
        "visit_id",
        "status",
        "reason",
        "due_on",
        "technician_id",
        "findings",
        "parts_used",
        "time_on_site_min",
        "failed_items",
        "certificate_number",
        "authority",
        "certificate_expires_on",
        "case_number",
    ])
    .map_err(AppError::internal)?;
    for r in rows {
        hoistway_app::csv_cells::serialize(&mut w, r).map_err(AppError::internal)?;
    }
    w.into_inner().map_err(AppError::internal)
}

#[utoipa::path(get, path = "/api/v1/exports/maintenance.csv", tag = "maintenance", params(ExportFilter),
    responses((status = 200, description = "text/csv"), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn maintenance_csv(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<ExportFilter>,
) -> ApiResult<Response> {
    caller.require(Resource::Maintenance, Action::Read)?;
    let rows = export::rows(&s.db, &caller.scope, &f).await?;
    let body = to_csv(&rows)?;
    let name = format!("maintenance_{}_{}.csv", f.from, f.to).replace(
        |c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'),
        "",
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response())
}
