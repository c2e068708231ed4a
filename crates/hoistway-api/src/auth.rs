//! `/api/v1/auth/*` and `/api/v1/me`: signing in and out.

use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Extension;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{DateTime, Utc};
use hoistway_app::auth::{
    hash_password, random_token, token_hash, verify_password, Caller, CSRF_COOKIE, SESSION_COOKIE,
};
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::Json;
use hoistway_app::state::AppState;
use hoistway_app::throttle::{PER_ACCOUNT, PER_ADDRESS};
use hoistway_domain::Scope;
use hoistway_store::users::{self, User};
use hoistway_store::{second_factor, sessions, Actor};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::OnceLock;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me, update_me))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// The current authenticator code (or a recovery code), for accounts
    /// with a second factor; refused with 401 `second_factor_required`
    /// when missing there, ignored otherwise.
    #[serde(default)]
    pub totp: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// Send as `X-CSRF-Token` on cookie-authenticated writes.
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// A hash to verify against when the account does not exist, so a wrong
/// e-mail costs as much time as a wrong password and reveals nothing.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password that matches nothing"))
}

/// A successful sign-in: the new session's secrets and its user.
pub struct SignedIn {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub user: User,
}

/// Checks a password under the sign-in throttle and opens a session. The
/// one path for every password sign-in (API and portal), so both count
/// failures and lock out alike. `address` is the client's IP, if known.
/// An account with a second factor is refused with
/// [`AppError::SecondFactorRequired`]: its callers use [`check_password`],
/// [`hoistway_app::second_factor::verify`] and [`open_session`].
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password: String,
    address: Option<std::net::IpAddr>,
) -> ApiResult<SignedIn> {
    let user = check_password(state, email, password, address).await?;
    if second_factor::enabled(&state.db, user.id).await? {
        return Err(AppError::SecondFactorRequired);
    }
    open_session(state, user).await
}

/// The password step: the user if `password` is theirs (throttled).
pub async fn check_password(
    state: &AppState,
    email: &str,
    password: String,
    address: Option<std::net::IpAddr>,
) -> ApiResult<User> {
    let now = state.clock.now();
    let email = email.trim().to_lowercase();
    let account_key = format!("account:{email}");
    let address_key = format!(
        "address:{}",
        address.map(|a| a.to_string()).unwrap_or_default()
    );
    for (key, limit) in [(&account_key, PER_ACCOUNT), (&address_key, PER_ADDRESS)] {
        if let Some(retry_after_s) = state.throttle.locked_for(key, limit, now) {
            return Err(AppError::TooManyRequests { retry_after_s });
        }
    }
    let found = users::find_for_login(&state.db, &email).await?;
    let hash = found
        .as_ref()
        .map(|(_, h)| h.clone())
        // An invited account has no password yet: it costs the same time.
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| decoy_hash().to_string());
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(AppError::internal)?;
    let user = match found {
        Some((user, _)) if matches && !user.disabled => user,
        _ => {
            state.throttle.fail(&account_key, now);
            state.throttle.fail(&address_key, now);
            state.metrics.login_failures.inc();
            return Err(AppError::Unauthorized);
        }
    };
    state.throttle.clear(&account_key);
    Ok(user)
}

/// Opens a session for a user who has passed every factor.
pub async fn open_session(state: &AppState, user: User) -> ApiResult<SignedIn> {
    let now = state.clock.now();
    let token = random_token(32);
    let csrf_token = random_token(18);
    let expires_at = now + state.settings.session_ttl;
    let actor = Actor {
        user_id: Some(user.id),
        at: now,
    };
    sessions::create(
        &state.db,
        actor,
        user.id,
        &token_hash(&token),
        &csrf_token,
        expires_at,
    )
    .await?;
    Ok(SignedIn {
        token,
        csrf_token,
        expires_at,
        user,
    })
}

/// Adds the session and CSRF cookies of a fresh sign-in to `jar`.
pub fn with_session_cookies(state: &AppState, jar: CookieJar, s: &SignedIn) -> CookieJar {
    let session_cookie = Cookie::build((SESSION_COOKIE, s.token.clone()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies)
        .path("/")
        .build();
    let csrf_cookie = Cookie::build((CSRF_COOKIE, s.csrf_token.clone()))
        .same_site(SameSite::Strict)
        .secure(state.settings.secure_cookies)
        .path("/")
        .build();
    jar.add(session_cookie).add(csrf_cookie)
}

/// Removes the session and CSRF cookies from `jar`.
pub fn without_session_cookies(jar: CookieJar) -> CookieJar {
    jar.remove(Cookie::build(SESSION_COOKIE).path("/").build())
        .remove(Cookie::build(CSRF_COOKIE).path("/").build())
}

/// Signs in and returns a bearer token; also sets the session cookie (a
/// browser-session cookie: it ends with the browser or at `expires_at`).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401), (status = 429)))]
async fn login(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    jar: CookieJar,
    Json(req): Json<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    let address = connect.map(|c| c.0 .0.ip());
    let user = check_password(&state, &req.email, req.password, address).await?;
    if second_factor::enabled(&state.db, user.id).await? {
        let code = req.totp.as_deref().ok_or(AppError::SecondFactorRequired)?;
        hoistway_app::second_factor::verify(&state, &user, code, address).await?;
    }
    let signed = open_session(&state, user).await?;
    let jar = with_session_cookies(&state, jar, &signed);
    Ok((
        jar,
        Json(LoginResponse {
            token: signed.token,
            csrf_token: signed.csrf_token,
            expires_at: signed.expires_at,
            user: signed.user,
        }),
    ))
}

/// Revokes the current session and clears the cookies.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204), (status = 401)))]
async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    jar: CookieJar,
) -> ApiResult<impl IntoResponse> {
    sessions::revoke(&state.db, caller.actor(&state), caller.session_id).await?;
    Ok((StatusCode::NO_CONTENT, without_session_cookies(jar)))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    #[serde(flatten)]
    pub user: User,
    /// `all` for service-company staff, else `customer`.
    pub scope: String,
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", responses((status = 200, body = Me), (status = 401)))]
async fn me(caller: Caller) -> Json<Me> {
    let scope = match caller.scope {
        Scope::All => "all",
        Scope::Customer { .. } => "customer",
    };
    Json(Me {
        user: caller.user,
        scope: scope.into(),
    })
}

/// What a signed-in user may change about themselves.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MePatch {
    pub name: Option<String>,
    /// A new sign-in address (unique).
    pub email: Option<String>,
    /// Empty to remove.
    pub phone: Option<String>,
    /// The portal's language: `en`.
    pub language: Option<String>,
    /// IANA zone for times not tied to a building; empty for UTC.
    pub timezone: Option<String>,
}

/// Changes the caller's own contact details (any role; the role, password
/// and access stay as they are). Shared by the API and the portal.
pub async fn change_me(state: &AppState, caller: &Caller, p: MePatch) -> ApiResult<User> {
    let patch = users::UserPatch {
        name: p.name,
        email: p.email,
        phone: p.phone,
        language: p.language,
        timezone: p.timezone,
        ..Default::default()
    };
    Ok(users::update(
        &state.db,
        &caller.scope,
        caller.actor(state),
        caller.user.id,
        patch,
        |_| false,
        |_| String::new(),
    )
    .await?)
}

/// Changes the signed-in user's name, e-mail, phone, language or time zone.
#[utoipa::path(patch, path = "/api/v1/me", tag = "auth", request_body = MePatch,
    responses((status = 200, body = User), (status = 400), (status = 401), (status = 409, description = "the e-mail belongs to another user")))]
async fn update_me(
    State(state): State<AppState>,
    caller: Caller,
    Json(p): Json<MePatch>,
) -> ApiResult<Json<User>> {
    Ok(Json(change_me(&state, &caller, p).await?))
}
