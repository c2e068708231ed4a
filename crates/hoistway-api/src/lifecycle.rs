//! Lifecycle planning (issue #21): `GET /api/v1/lifecycle?years=1..10`
//! answers each unit's age, the modernization candidates with their
//! reasons and the budget per year and currency with seed 000's indicative
//! ranges; `GET /api/v1/lifecycle.csv` the same plan as CSV (columns in
//! `docs/lifecycle.md`). For the provider's care center and the customer's
//! admins and property managers, over the units they can see.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource, Role};
use hoistway_maintenance::lifecycle::{self, MeasureKind};
use hoistway_store::lifecycle::LifecycleView;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(view))
        .routes(routes!(csv_export))
}

/// The horizon and, for the provider, one customer.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LifecycleQuery {
    /// Budget horizon in calendar years, this year included: 1–10 (default 5).
    pub years: Option<u32>,
    /// Only this customer's units (the provider's filter).
    pub customer_id: Option<i64>,
}

/// The lifecycle view for `caller` (the API and the portal).
pub async fn plan(s: &AppState, caller: &Caller, q: &LifecycleQuery) -> ApiResult<LifecycleView> {
    caller.require(Resource::Units, Action::Read)?;
    if !matches!(
        caller.user.role,
        Role::ProviderAdmin
            | Role::Operator
            | Role::DutyManager
            | Role::CustomerAdmin
            | Role::PropertyManager
    ) {
        return Err(AppError::Forbidden(
            "lifecycle budgets are for the care center, customer admins and property managers"
                .into(),
        ));
    }
    let years = lifecycle::horizon(q.years)?;
    Ok(
        hoistway_store::lifecycle::view(&s.db, &caller.scope, q.customer_id, years, s.clock.now())
            .await?,
    )
}

#[utoipa::path(get, path = "/api/v1/lifecycle", tag = "lifecycle", params(LifecycleQuery),
    responses((status = 200, body = LifecycleView), (status = 400, description = "years outside 1–10; the error names it"),
        (status = 401), (status = 403)))]
async fn view(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<LifecycleQuery>,
) -> ApiResult<Json<LifecycleView>> {
    Ok(Json(plan(&s, &caller, &q).await?))
}

/// The CSV's columns, in order (documented in `docs/lifecycle.md`).
pub const CSV_COLUMNS: [&str; 22] = [
    "row",
    "unit_id",
    "equipment_number",
    "unit_name",
    "building",
    "kind",
    "install_date",
    "modernization_date",
    "age_years",
    "years_since_renewal",
    "controller_type",
    "door_operator_model",
    "candidate",
    "reasons",
    "year",
    "measure",
    "component",
    "currency",
    "low",
    "high",
    "full_modernizations",
    "targeted_upgrades",
];

fn major(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// The view as CSV: one `unit` row per budgeted measure of a unit (one row
/// with empty measure cells for a unit without any), then one `budget` row
/// per year and currency. Amounts are in major units with two decimals; an
/// empty `high` is open-ended ("80,000+").
pub fn to_csv(v: &LifecycleView) -> Result<Vec<u8>, AppError> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(CSV_COLUMNS).map_err(AppError::internal)?;
    let write = |w: &mut csv::Writer<Vec<u8>>, cells: Vec<String>| {
        hoistway_app::csv_cells::write_record(w, cells).map_err(AppError::internal)
    };
    for u in &v.units {
        let a = &u.assessment;
        let reasons: Vec<String> = a.reasons.iter().map(|r| r.detail.clone()).collect();
        let base = vec![
            "unit".to_string(),
            u.unit_id.to_string(),
            u.equipment_number.clone(),
            u.unit_name.clone().unwrap_or_default(),
            u.building_name.clone(),
            u.kind.clone(),
            u.install_date.clone().unwrap_or_default(),
            u.modernization_date.clone().unwrap_or_default(),
            a.age_years.map(|y| y.to_string()).unwrap_or_default(),
            a.years_since_renewal
                .map(|y| y.to_string())
                .unwrap_or_default(),
            u.controller_type.clone().unwrap_or_default(),
            u.door_operator_model.clone().unwrap_or_default(),
            u.candidate.to_string(),
            reasons.join("; "),
        ];
        if a.measures.is_empty() {
            // No measure: year, measure and component empty; the unit's
            // currency; no amounts; nothing counted.
            let mut row = base.clone();
            row.extend([String::new(), String::new(), String::new()]);
            row.push(u.currency.clone());
            row.extend([String::new(), String::new(), "0".into(), "0".into()]);
            write(&mut w, row)?;
            continue;
        }
        for m in &a.measures {
            let mut row = base.clone();
            row.push(m.year.to_string());
            row.push(
                match m.kind {
                    MeasureKind::FullModernization => "full_modernization",
                    MeasureKind::TargetedUpgrade => "targeted_upgrade",
                }
                .to_string(),
            );
            row.push(
                m.component
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default(),
            );
            row.push(m.currency.clone());
            row.push(major(m.low_minor));
            row.push(m.high_minor.map(major).unwrap_or_default());
            let full = m.kind == MeasureKind::FullModernization;
            row.push(u8::from(full).to_string());
            row.push(u8::from(!full).to_string());
            write(&mut w, row)?;
        }
    }
    for b in &v.budget {
        let mut row = vec!["budget".to_string()];
        row.extend(std::iter::repeat_n(String::new(), 13));
        row.push(b.year.to_string());
        row.extend([String::new(), String::new()]);
        row.push(b.currency.clone());
        row.push(major(b.low_minor));
        row.push(b.high_minor.map(major).unwrap_or_default());
        row.push(b.full_modernizations.to_string());
        row.push(b.targeted_upgrades.to_string());
        write(&mut w, row)?;
    }
    w.into_inner().map_err(AppError::internal)
}

#[utoipa::path(get, path = "/api/v1/lifecycle.csv", tag = "lifecycle", params(LifecycleQuery),
    responses((status = 200, description = "text/csv; columns in docs/lifecycle.md"),
        (status = 400, description = "years outside 1–10; the error names it"), (status = 401), (status = 403)))]
async fn csv_export(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<LifecycleQuery>,
) -> ApiResult<Response> {
    let v = plan(&s, &caller, &q).await?;
    let body = to_csv(&v)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"lifecycle_{}_{}y.csv\"",
                    v.as_of, v.years
                ),
            ),
        ],
        body,
    )
        .into_response())
}
