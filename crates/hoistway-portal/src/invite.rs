//! `/invite/{token}`: where an invitation letter's link lands. The invited
//! person chooses a password and is signed in; the link then stops working.
//!
//! The page has no session yet, so its form is protected like the sign-in
//! form: a random value in a `SameSite=Strict` cookie the form repeats.
//! Without it another site could post its own invitation's token from a
//! victim's browser and sign them in to the attacker's account.

use super::forms::{csrf_input, PreSessionForm};
use super::layout;
use super::page::{PageResult, PortalError};
use super::signin::after_sign_in;
use super::strings::EN;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use hoistway_api::auth::with_session_cookies;
use hoistway_api::invitations::redeem;
use hoistway_app::auth::{random_token, token_hash};
use hoistway_app::error::AppError;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_store::{invitations, users::User};
use maud::html;

const FORM_COOKIE: &str = "hoistway_invite";

fn form_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build((FORM_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.secure_cookies)
        .path("/invite")
        .build()
}

fn form_page(user: &User, token: &str, csrf: &str, error: Option<&str>) -> maud::Markup {
    let t = &EN.signin;
    layout::bare(
        &EN,
        t.invite_title,
        html! {
            h1 { (t.invite_title) }
            p.lead { ((t.invite_lead)(&user.name, &user.email)) }
            @if let Some(e) = error {
                div.flash.flash-error role="alert" { (e) }
            }
            form.stack method="post" action=(format!("/invite/{token}")) {
                (csrf_input(csrf))
                input type="hidden" name="username" value=(user.email) autocomplete="username";
                div.field {
                    label for="password" { (t.new_password) }
                    input #password type="password" name="password" minlength="10" required autofocus autocomplete="new-password" aria-describedby="pw-hint";
                    span.hint #pw-hint { (t.password_hint) }
                }
                div.field {
                    label for="password2" { (t.repeat_password) }
                    input #password2 type="password" name="password2" minlength="10" required autocomplete="new-password";
                }
                button.btn.btn-primary.btn-block type="submit" { (t.invite_submit) }
            }
        },
    )
}

fn unusable() -> axum::response::Response {
    let t = &EN.signin;
    (
        StatusCode::NOT_FOUND,
        layout::bare(
            &EN,
            t.invite_title,
            html! {
                h1 { (t.invite_title) }
                div.flash.flash-error role="alert" { (t.invite_unusable) }
                p { a href="/signin" { (EN.signin.submit) } }
            },
        ),
    )
        .into_response()
}

async fn invited(state: &AppState, token: &str) -> Result<Option<User>, PortalError> {
    match invitations::pending(&state.db, &token_hash(token), state.clock.now()).await {
        Ok(u) => Ok(Some(u)),
        Err(hoistway_store::StoreError::Invalid(_)) => Ok(None),
        Err(e) => Err(AppError::from(e).into()),
    }
}

/// `GET /invite/{token}`: the password form.
pub async fn show(State(state): State<AppState>, Path(token): Path<String>) -> PageResult {
    let Some(user) = invited(&state, &token).await? else {
        return Ok(unusable());
    };
    let csrf = random_token(18);
    let jar = CookieJar::new().add(form_cookie(&state, csrf.clone()));
    Ok((jar, form_page(&user, &token, &csrf, None)).into_response())
}

/// `POST /invite/{token}`: sets the password and signs in.
pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    jar: CookieJar,
    body: Bytes,
) -> PageResult {
    let posted = PreSessionForm::checked(&jar, FORM_COOKIE, &body)?;
    let Some(user) = invited(&state, &token).await? else {
        return Ok(unusable());
    };
    let get = |k: &str| posted.get(k);
    let (password, again) = (get("password"), get("password2"));
    let retry = |message: String| {
        let csrf = random_token(18);
        let jar = CookieJar::new().add(form_cookie(&state, csrf.clone()));
        Ok((
            StatusCode::BAD_REQUEST,
            jar,
            form_page(&user, &token, &csrf, Some(&message)),
        )
            .into_response())
    };
    if password != again {
        return retry(EN.signin.passwords_differ.to_string());
    }
    match redeem(&state, &token, password).await {
        Ok(signed) => {
            let jar = with_session_cookies(&state, jar, &signed)
                .remove(Cookie::build(FORM_COOKIE).path("/invite").build());
            Ok((jar, Redirect::to(&after_sign_in(signed.user.role, "/"))).into_response())
        }
        Err(AppError::Invalid(i)) if i.field == "password" => retry(i.message.clone()),
        Err(AppError::Invalid(_)) => Ok(unusable()),
        Err(e) => Err(e.into()),
    }
}
