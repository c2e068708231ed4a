//! `/api/v1/certificates`: authority inspection certificates with their
//! document; the list filters certificates expiring within N days.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::maintenance::certificates::{
    self, Certificate, CertificateFilter, CertificateInput,
};
use hoistway_store::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get))
        .routes(routes!(file))
}

#[utoipa::path(get, path = "/api/v1/certificates", tag = "maintenance", params(CertificateFilter),
    responses((status = 200, body = Page<Certificate>), (status = 400), (status = 401), (status = 403)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<CertificateFilter>,
) -> ApiResult<Json<Page<Certificate>>> {
    caller.require(Resource::Maintenance, Action::Read)?;
    let today = s.clock.now().date_naive();
    Ok(Json(
        certificates::list(&s.db, &caller.scope, &f, today).await?,
    ))
}

/// Attaches a certificate (document as base64) to a unit and, optionally,
/// its inspection visit.
#[utoipa::path(post, path = "/api/v1/certificates", tag = "maintenance", request_body = CertificateInput,
    responses((status = 201, body = Certificate), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<CertificateInput>,
) -> ApiResult<(StatusCode, Json<Certificate>)> {
    caller.require(Resource::Certificates, Action::Write)?;
    let c = certificates::create(&s.db, &caller.scope, caller.actor(&s), input).await?;
    Ok((StatusCode::CREATED, Json(c)))
}

#[utoipa::path(get, path = "/api/v1/certificates/{id}", tag = "maintenance", params(("id" = i64, Path)),
    responses((status = 200, body = Certificate), (status = 401), (status = 403), (status = 404)))]
async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Certificate>> {
    caller.require(Resource::Maintenance, Action::Read)?;
    let today = s.clock.now().date_naive();
    Ok(Json(
        certificates::get(&s.db, &caller.scope, id, today).await?,
    ))
}

/// The certificate's document, as uploaded.
#[utoipa::path(get, path = "/api/v1/certificates/{id}/file", tag = "maintenance", params(("id" = i64, Path)),
    responses((status = 200, description = "the document"), (status = 401), (status = 403), (status = 404)))]
async fn file(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    caller.require(Resource::Maintenance, Action::Read)?;
    let (name, content_type, bytes) = certificates::content(&s.db, &caller.scope, id).await?;
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect();
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
