//! Device credentials of a unit: issue (token shown once), list, revoke.

use axum::extract::State;
use axum::http::StatusCode;
use hoistway_app::auth::Caller;
use hoistway_app::error::ApiResult;
use hoistway_app::extract::{Json, Path};
use hoistway_app::state::AppState;
use hoistway_connected::credentials;
use hoistway_domain::{Action, Resource};
use hoistway_store::devices::{self, DeviceCredential};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, issue))
        .routes(routes!(revoke))
}

/// What a client sends to issue a credential.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceInput {
    /// Free text, e.g. the gateway's serial number.
    #[serde(default)]
    pub label: Option<String>,
}

/// A new credential with its token: the only time the token is shown.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IssuedDevice {
    #[serde(flatten)]
    pub credential: DeviceCredential,
    /// Send as `Authorization: Bearer …` to `POST /api/v1/telemetry`, and
    /// as the MQTT password with user name `mqtt_username`.
    pub token: String,
    /// Where the device publishes over MQTT.
    pub telemetry_topic: String,
    pub commands_topic: String,
}

/// The credentials of a unit.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeviceList {
    pub items: Vec<DeviceCredential>,
}

#[utoipa::path(get, path = "/api/v1/units/{id}/devices", tag = "devices", params(("id" = i64, Path)),
    responses((status = 200, body = DeviceList), (status = 401), (status = 403), (status = 404)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<DeviceList>> {
    caller.require(Resource::Devices, Action::Read)?;
    Ok(Json(DeviceList {
        items: devices::list(&s.db, &caller.scope, id).await?,
    }))
}

/// Issues a device credential for the unit. The token is in this answer only.
#[utoipa::path(post, path = "/api/v1/units/{id}/devices", tag = "devices", params(("id" = i64, Path)),
    request_body = DeviceInput,
    responses((status = 201, body = IssuedDevice), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn issue(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<DeviceInput>,
) -> ApiResult<(StatusCode, Json<IssuedDevice>)> {
    caller.require(Resource::Devices, Action::Write)?;
    let (credential, token) =
        credentials::issue(&s.db, &caller.scope, caller.actor(&s), id, input.label).await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedDevice {
            telemetry_topic: credentials::telemetry_topic(credential.unit_id),
            commands_topic: credentials::commands_topic(credential.unit_id),
            credential,
            token,
        }),
    ))
}

/// Revokes a device credential: its token stops working at once (regenerate
/// the broker files with `hoistway mqtt acl` for MQTT).
#[utoipa::path(delete, path = "/api/v1/units/{id}/devices/{device_id}", tag = "devices",
    params(("id" = i64, Path), ("device_id" = i64, Path)),
    responses((status = 200, body = DeviceCredential), (status = 401), (status = 403), (status = 404), (status = 409)))]
async fn revoke(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, device_id)): Path<(i64, i64)>,
) -> ApiResult<Json<DeviceCredential>> {
    caller.require(Resource::Devices, Action::Write)?;
    Ok(Json(
        devices::revoke(&s.db, &caller.scope, caller.actor(&s), id, device_id).await?,
    ))
}
