//! `/api/v1/invitations`: inviting someone by e-mail, and the one-time link
//! that lets them set their own password.
//!
//! The answer to an invitation is `202` with the same body whether or not
//! the address already has an account anywhere: the e-mail address is the
//! global sign-in identity, and a different answer would let one tenant
//! probe another's users (issue #18, defect 8). What happens differs only
//! in the letter the address receives.

use crate::auth::{open_session, with_session_cookies, LoginResponse, SignedIn};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum_extra::extract::cookie::CookieJar;
use chrono::{DateTime, Duration, Utc};
use hoistway_app::auth::{hash_password, random_token, token_hash, Caller};
use hoistway_app::error::{ApiResult, AppError};
use hoistway_app::extract::Json;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::invitations::{self, InvitationInput, Letters, VALID_FOR_DAYS};
use hoistway_store::users::check_password;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(accept))
}

/// The answer to an invitation: the same for every address.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvitationSent {
    pub email: String,
    /// Always `sent`.
    pub status: String,
    /// Until when the link in the letter works.
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitation {
    /// The token from the invitation link (`/invite/{token}`).
    pub token: String,
    /// At least 10 characters.
    pub password: String,
}

/// Invites someone: a new address gets an account without a password and a
/// letter with a one-time link (valid 7 days); an address that already has
/// an account gets a letter saying so. The answer does not tell which.
#[utoipa::path(post, path = "/api/v1/invitations", tag = "users", request_body = InvitationInput,
    responses((status = 202, body = InvitationSent), (status = 400), (status = 401), (status = 403), (status = 404)))]
async fn create(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Json(input): Json<InvitationInput>,
) -> ApiResult<(StatusCode, Json<InvitationSent>)> {
    let link_of =
        |token: &str| hoistway_app::links::absolute(&s, &headers, &format!("/invite/{token}"));
    let sent = send(&s, &caller, input, link_of).await?;
    Ok((StatusCode::ACCEPTED, Json(sent)))
}

/// Invites for the caller (the API's and the portal's one path); `link_of`
/// turns a token into the link the letter carries.
pub async fn send(
    s: &AppState,
    caller: &Caller,
    mut input: InvitationInput,
    link_of: impl Fn(&str) -> String,
) -> ApiResult<InvitationSent> {
    caller.require(Resource::Users, Action::Write)?;
    if input.customer_id.is_none() {
        input.customer_id = caller.scope.customer_id();
    }
    let role = hoistway_domain::Role::parse(&input.role)?;
    if !caller.user.role.may_grant(role) {
        return Err(AppError::Forbidden(format!(
            "a {} may not invite a {role}",
            caller.user.role
        )));
    }
    let invite = input.validated()?;
    let email = invite.email.clone().into_inner();
    let token = random_token(32);
    let letters = letters(&caller.user.name, &link_of(&token));
    let actor = caller.actor(s);
    invitations::invite(
        &s.db,
        &caller.scope,
        actor,
        invite,
        &token_hash(&token),
        letters,
    )
    .await?;
    Ok(InvitationSent {
        email,
        status: "sent".into(),
        expires_at: actor.at + Duration::days(VALID_FOR_DAYS),
    })
}

fn letters(inviter: &str, link: &str) -> Letters {
    Letters {
        welcome: (
            "You are invited to Hoistway".into(),
            format!(
                "{inviter} invited you to Hoistway, the service portal for your building's \
                 lifts, escalators and doors.\n\nChoose your password here (the link works \
                 once, for {VALID_FOR_DAYS} days):\n{link}\n\nIf you did not expect this, \
                 ignore this message: no account is used until you choose a password."
            ),
        ),
        already_registered: (
            "An invitation to Hoistway for an address that already has an account".into(),
            format!(
                "{inviter} tried to invite this e-mail address to Hoistway, but it already \
                 has an account. Sign in with your current password; if you need access to \
                 another organisation's buildings, ask your service provider.\n\nIf you did \
                 not expect this, you can ignore this message."
            ),
        ),
    }
}

/// Uses an invitation link: sets the password, signs in.
pub async fn redeem(s: &AppState, token: &str, password: String) -> ApiResult<SignedIn> {
    check_password(&password)?;
    let now = s.clock.now();
    // Refuse a used link before spending time on the hash.
    invitations::pending(&s.db, &token_hash(token), now).await?;
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(AppError::internal)?;
    let user = invitations::accept(&s.db, &token_hash(token), now, hash).await?;
    open_session(s, user).await
}

/// Sets the password of an invited account with the link's token and signs
/// in (as `POST /api/v1/auth/login` does). A link works once.
#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "auth", request_body = AcceptInvitation,
    responses((status = 200, body = LoginResponse), (status = 400)))]
async fn accept(
    State(s): State<AppState>,
    jar: CookieJar,
    Json(req): Json<AcceptInvitation>,
) -> ApiResult<impl IntoResponse> {
    let signed = redeem(&s, &req.token, req.password).await?;
    let jar = with_session_cookies(&s, jar, &signed);
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
