//! Privacy rights over the API (issue #20): a person downloads their data,
//! objects to analytics or erases their account; a customer admin (for
//! their customer's people) or the provider does the same on a person's
//! request. Reading someone else's data is audited with the purpose.
//! Retention periods are public to every signed-in user and set by the
//! provider.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use hoistway_app::auth::Caller;
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Path};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Invalid, Resource};
use hoistway_store::privacy::retention::{self, RetentionInput, RetentionPolicy};
use hoistway_store::privacy::{self, Erased, PersonalData, PrivacyChoices, Purpose};
use hoistway_store::users;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_data))
        .routes(routes!(my_choices, set_my_objection))
        .routes(routes!(set_my_survey_consent))
        .routes(routes!(erase_me))
        .routes(routes!(user_data))
        .routes(routes!(set_user_objection))
        .routes(routes!(erase_user))
        .routes(routes!(list_retention))
        .routes(routes!(set_retention))
}

/// An objection to analytics, made or withdrawn.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectionInput {
    pub objects: bool,
}

/// Consent to satisfaction surveys, given or withdrawn.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    pub consents: bool,
}

/// Agrees (or stops agreeing) to a short satisfaction survey after one's
/// requests are closed.
#[utoipa::path(put, path = "/api/v1/me/survey-consent", tag = "privacy", request_body = ConsentInput,
    responses((status = 200, body = PrivacyChoices), (status = 400), (status = 401)))]
async fn set_my_survey_consent(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<ConsentInput>,
) -> ApiResult<Json<PrivacyChoices>> {
    let id = caller.user.id;
    Ok(Json(
        privacy::set_survey_consent(&s.db, &caller.scope, caller.actor(&s), id, input.consents)
            .await?,
    ))
}

/// Erasing one's own account: the sign-in e-mail typed again, so it is
/// never one click.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseMe {
    pub confirm_email: String,
}

/// A JSON download named after the person's id.
fn as_download(data: &PersonalData) -> ApiResult<Response> {
    let body = serde_json::to_vec_pretty(data).map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"hoistway-personal-data-{}.json\"",
                    data.profile.id
                ),
            ),
        ],
        body,
    )
        .into_response())
}

/// Everything kept about the signed-in user, as a JSON download.
#[utoipa::path(get, path = "/api/v1/me/personal-data", tag = "privacy",
    responses((status = 200, body = PersonalData), (status = 401)))]
async fn my_data(State(s): State<AppState>, caller: Caller) -> ApiResult<Response> {
    own_data(&s, &caller).await
}

/// The signed-in user's privacy choices.
#[utoipa::path(get, path = "/api/v1/me/analytics-objection", tag = "privacy",
    responses((status = 200, body = PrivacyChoices), (status = 401)))]
async fn my_choices(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<PrivacyChoices>> {
    Ok(Json(
        privacy::choices(&s.db, &caller.scope, caller.user.id).await?,
    ))
}

/// Objects to (or stops objecting to) the use of one's data for analytics.
#[utoipa::path(put, path = "/api/v1/me/analytics-objection", tag = "privacy", request_body = ObjectionInput,
    responses((status = 200, body = PrivacyChoices), (status = 400), (status = 401)))]
async fn set_my_objection(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<ObjectionInput>,
) -> ApiResult<Json<PrivacyChoices>> {
    let id = caller.user.id;
    Ok(Json(
        privacy::set_objection(&s.db, &caller.scope, caller.actor(&s), id, input.objects).await?,
    ))
}

/// Erases the signed-in user's account: it becomes a pseudonym in the
/// history, and this session ends with every other.
#[utoipa::path(post, path = "/api/v1/me/erase", tag = "privacy", request_body = EraseMe,
    responses((status = 200, body = Erased), (status = 400), (status = 401),
        (status = 409, description = "the last active provider admin cannot be erased")))]
async fn erase_me(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<EraseMe>,
) -> ApiResult<Json<Erased>> {
    erase_self(&s, &caller, &input.confirm_email)
        .await
        .map(Json)
}

/// Erases the caller's own account once they typed their e-mail again
/// (the API and the portal).
pub async fn erase_self(s: &AppState, caller: &Caller, confirm_email: &str) -> ApiResult<Erased> {
    if !confirm_email
        .trim()
        .eq_ignore_ascii_case(&caller.user.email)
    {
        return Err(Invalid::new("confirm_email", "type the e-mail you sign in with").into());
    }
    Ok(privacy::erase(&s.db, &caller.scope, caller.actor(s), caller.user.id).await?)
}

/// Checks that the caller may act for user `id` on their request: an admin
/// of users, who could give that user's role.
async fn may_act_for(s: &AppState, caller: &Caller, id: i64) -> ApiResult<users::User> {
    caller.require(Resource::Users, Action::Write)?;
    let user = users::get(&s.db, &caller.scope, id).await?;
    if !caller.user.role.may_grant(user.role) {
        return Err(AppError::Forbidden(format!(
            "a {} may not act for a {}",
            caller.user.role, user.role
        )));
    }
    Ok(user)
}

/// A person's data, downloaded for them on their request (audited as a
/// read of personal data for a data request).
#[utoipa::path(get, path = "/api/v1/users/{id}/personal-data", tag = "privacy", params(("id" = i64, Path)),
    responses((status = 200, body = PersonalData), (status = 401), (status = 403), (status = 404)))]
async fn user_data(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    data_for(&s, &caller, id).await
}

/// The download of user `id`'s data for `caller` acting on their request
/// (the API and the portal's Team tab).
pub async fn data_for(s: &AppState, caller: &Caller, id: i64) -> ApiResult<Response> {
    let user = may_act_for(s, caller, id).await?;
    let data = privacy::export(&s.db, &caller.scope, id, s.clock.now()).await?;
    if id != caller.user.id {
        privacy::record_read(
            &s.db,
            caller.actor(s),
            user.customer_id,
            "user",
            id,
            Some(id),
            Purpose::DataRequest,
        )
        .await?;
    }
    as_download(&data)
}

/// The caller's own data as a download (the API and the portal).
pub async fn own_data(s: &AppState, caller: &Caller) -> ApiResult<Response> {
    let data = privacy::export(&s.db, &caller.scope, caller.user.id, s.clock.now()).await?;
    as_download(&data)
}

/// Records a person's objection to analytics on their request.
#[utoipa::path(put, path = "/api/v1/users/{id}/analytics-objection", tag = "privacy", params(("id" = i64, Path)),
    request_body = ObjectionInput,
    responses((status = 200, body = PrivacyChoices), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn set_user_objection(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<ObjectionInput>,
) -> ApiResult<Json<PrivacyChoices>> {
    may_act_for(&s, &caller, id).await?;
    Ok(Json(
        privacy::set_objection(&s.db, &caller.scope, caller.actor(&s), id, input.objects).await?,
    ))
}

/// Erases a person's account on their request.
#[utoipa::path(post, path = "/api/v1/users/{id}/erase", tag = "privacy", params(("id" = i64, Path)),
    responses((status = 200, body = Erased), (status = 401), (status = 403), (status = 404),
        (status = 409, description = "already erased, or the last active provider admin")))]
async fn erase_user(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<Erased>> {
    erase_for(&s, &caller, id).await.map(Json)
}

/// Erases user `id` for `caller` acting on their request.
pub async fn erase_for(s: &AppState, caller: &Caller, id: i64) -> ApiResult<Erased> {
    may_act_for(s, caller, id).await?;
    Ok(privacy::erase(&s.db, &caller.scope, caller.actor(s), id).await?)
}

/// How long each kind of record is kept.
#[utoipa::path(get, path = "/api/v1/retention", tag = "privacy",
    responses((status = 200, body = Vec<RetentionPolicy>), (status = 401)))]
async fn list_retention(
    State(s): State<AppState>,
    _caller: Caller,
) -> ApiResult<Json<Vec<RetentionPolicy>>> {
    Ok(Json(retention::policies(&s.db).await?))
}

/// Sets how long one kind of record is kept (provider admins).
#[utoipa::path(put, path = "/api/v1/retention/{kind}", tag = "privacy", params(("kind" = String, Path)),
    request_body = RetentionInput,
    responses((status = 200, body = RetentionPolicy), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn set_retention(
    State(s): State<AppState>,
    caller: Caller,
    Path(kind): Path<String>,
    Json(input): Json<RetentionInput>,
) -> ApiResult<Json<RetentionPolicy>> {
    caller.require(Resource::Audit, Action::Write)?;
    Ok(Json(
        retention::set(&s.db, caller.actor(&s), &kind, input).await?,
    ))
}

/// Audits a read of a case's reporter (name, callback phone) by anyone but
/// the reporter: every channel that shows a case calls this.
pub async fn audit_case_read(
    s: &AppState,
    caller: &Caller,
    case: &hoistway_store::cases::Case,
) -> ApiResult<()> {
    let has_person = case.reporter_name.is_some() || case.callback_phone.is_some();
    if has_person && case.reporter_user_id != Some(caller.user.id) {
        privacy::record_read(
            &s.db,
            caller.actor(s),
            Some(case.customer_id),
            "case",
            case.id,
            case.reporter_user_id,
            Purpose::CaseHandling,
        )
        .await?;
    }
    Ok(())
}

/// Audits a read of another user's account details.
pub async fn audit_user_read(s: &AppState, caller: &Caller, user: &users::User) -> ApiResult<()> {
    if user.id != caller.user.id {
        privacy::record_read(
            &s.db,
            caller.actor(s),
            user.customer_id,
            "user",
            user.id,
            Some(user.id),
            Purpose::UserAdministration,
        )
        .await?;
    }
    Ok(())
}
