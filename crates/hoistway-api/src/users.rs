//! `/api/v1/users`: accounts and teams. Customer admins manage their own
//! customer's users and may not hand out service-company roles. They add
//! people by invitation (`/api/v1/invitations`), not here: creating an
//! account with a chosen address would answer "already exists" for another
//! tenant's user, and so tell one tenant about another's (issue #18).

use axum::extract::State;
use axum::http::StatusCode;
use hoistway_app::auth::{hash_password, Caller};
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::{Json, Path, Query};
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::users::{self, User, UserInput, UserPatch};
use hoistway_store::{ListFilter, Page};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(ListFilter),
    responses((status = 200, body = Page<User>), (status = 400), (status = 401), (status = 403)))]
async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(f): Query<ListFilter>,
) -> ApiResult<Json<Page<User>>> {
    caller.require(Resource::Users, Action::Read)?;
    Ok(Json(users::list(&s.db, &caller.scope, &f).await?))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserInput,
    responses((status = 201, body = User), (status = 400), (status = 401), (status = 403), (status = 409)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<UserInput>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let created = add_user(&s, &caller, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = User), (status = 401), (status = 403), (status = 404)))]
async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Json<User>> {
    caller.require(Resource::Users, Action::Read)?;
    let user = users::get(&s.db, &caller.scope, id).await?;
    crate::privacy::audit_user_read(&s, &caller, &user).await?;
    Ok(Json(user))
}

/// Changes name, phone, role, password, portfolios or disables the account
/// (which also signs it out everywhere).
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UserPatch,
    responses((status = 200, body = User), (status = 400), (status = 401), (status = 403), (status = 404), (status = 409, description = "the e-mail belongs to another user")))]
async fn update(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(p): Json<UserPatch>,
) -> ApiResult<Json<User>> {
    let updated = change_user(&s, &caller, id, p).await?;
    Ok(Json(updated))
}

/// Creates a user with a password, for the provider's staff (who see every
/// tenant's users anyway); nobody hands out a role they may not grant.
/// Customer admins invite instead (see the module doc).
pub async fn add_user(s: &AppState, caller: &Caller, input: UserInput) -> ApiResult<User> {
    caller.require(Resource::Users, Action::Write)?;
    if caller.scope.customer_id().is_some() {
        return Err(AppError::Forbidden(
            "customer admins add people by invitation: POST /api/v1/invitations".into(),
        ));
    }
    let role = hoistway_domain::Role::parse(&input.role)?;
    if !caller.user.role.may_grant(role) {
        return Err(AppError::Forbidden(format!(
            "a {} may not create a {role}",
            caller.user.role
        )));
    }
    let password = input.password.clone();
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(AppError::internal)?;
    let new = input.validated(|_| hash)?;
    Ok(users::create(&s.db, &caller.scope, caller.actor(s), new).await?)
}

/// Applies a patch to a user for the caller (API and portal).
pub async fn change_user(s: &AppState, caller: &Caller, id: i64, p: UserPatch) -> ApiResult<User> {
    caller.require(Resource::Users, Action::Write)?;
    let hash = match p.password.clone() {
        Some(pw) => Some(
            tokio::task::spawn_blocking(move || hash_password(&pw))
                .await
                .map_err(AppError::internal)?,
        ),
        None => None,
    };
    let granter = caller.user.role;
    Ok(users::update(
        &s.db,
        &caller.scope,
        caller.actor(s),
        id,
        p,
        |r| granter.may_grant(r),
        |_| hash.unwrap_or_default(),
    )
    .await?)
}
