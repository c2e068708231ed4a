//! `/api/v1/audit`: the audit trail, for provider admins.

use axum::extract::State;
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::audit::{self, AuditEntry};
use hoistway_store::{ListFilter, Page};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(ListFilter),
    responses((status = 200, body = Page<AuditEntry>), (status = 401), (status = 403)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<ListFilter>,
) -> ApiResult<Json<Page<AuditEntry>>> {
    caller.require(Resource::Audit, Action::Read)?;
    Ok(Json(audit::list(&s.db, &f).await?))
}
