//! `/signin` and `/signout`.
//!
//! Signing in goes through [`hoistway_api::auth::check_password`] and
//! [`hoistway_api::auth::open_session`], the API's own
//! path, so the throttle and the session are the same. The sign-in form
//! has no session yet, so its CSRF token is a random value in a
//! `SameSite=Strict` cookie that the form must repeat (double submit):
//! another site can neither read the cookie nor make the browser send it.
//!
//! With a second factor (TOTP) enabled, a right password leads to
//! [`super::security::second_step`] instead of the session cookies.

use super::forms::{csrf_input, same_token, split_csrf, PreSessionForm};
use super::layout;
use super::page::{flash_of, redirect_with, safe_next, session_of, Flash, PageResult, PortalError};
use super::strings::EN;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{request::Parts, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::Extension;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use hoistway_api::auth::{
    check_password, open_session, with_session_cookies, without_session_cookies,
};
use hoistway_app::auth::random_token;
use hoistway_app::error::AppError;
use hoistway_app::state::AppState;
use hoistway_domain::Role;
use hoistway_store::sessions;
use maud::html;
use serde::Deserialize;
use std::net::SocketAddr;

/// Cookie holding the sign-in form's CSRF token.
pub(crate) const PRE_COOKIE: &str = "hoistway_signin";

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
}

fn form(token: &str, next: &str, email: &str, message: Option<&Flash>) -> maud::Markup {
    let t = &EN;
    layout::bare(
        t,
        t.signin.title,
        html! {
            h1 { (t.signin.heading) }
            p.lead { (t.signin.lead) }
            @if let Some(f) = message {
                div.flash.(if f.ok { "flash-ok" } else { "flash-error" }) role=(if f.ok { "status" } else { "alert" }) { (f.text) }
            }
            form.stack method="post" action="/signin" {
                (csrf_input(token))
                input type="hidden" name="next" value=(next);
                div.field {
                    label for="email" { (t.signin.email) }
                    input #email type="email" name="email" value=(email) autocomplete="username" required autofocus;
                }
                div.field {
                    label for="password" { (t.signin.password) }
                    input #password type="password" name="password" autocomplete="current-password" required;
                }
                button.btn.btn-primary.btn-block type="submit" { (t.signin.submit) }
            }
            p.note { (t.signin.emergency_note) }
        },
    )
}

pub(crate) fn pre_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build((PRE_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.secure_cookies)
        .path("/signin")
        .build()
}

/// `GET /signin`: the form (or straight on, if already signed in).
pub async fn show(
    State(state): State<AppState>,
    parts: Parts,
    Query(q): Query<SignInQuery>,
) -> PageResult {
    let next = safe_next(q.next.as_deref().unwrap_or("/")).to_string();
    if let Some((caller, _)) = session_of(&state, &parts).await? {
        return Ok(Redirect::to(&after_sign_in(caller.user.role, &next)).into_response());
    }
    let token = random_token(18);
    let flash = flash_of(&parts);
    let jar = CookieJar::new().add(pre_cookie(&state, token.clone()));
    Ok((jar, form(&token, &next, "", flash.as_ref())).into_response())
}

/// Where to go once signed in: `next` if given, else the role's landing.
pub(crate) fn after_sign_in(role: Role, next: &str) -> String {
    if next == "/" {
        layout::landing(role).to_string()
    } else {
        next.to_string()
    }
}

/// `POST /signin`.
pub async fn submit(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    jar: CookieJar,
    body: Bytes,
) -> PageResult {
    let posted = PreSessionForm::checked(&jar, PRE_COOKIE, &body)?;
    let get = |k: &str| posted.get(k);
    let (email, password) = (get("email"), get("password"));
    let next = safe_next(&get("next")).to_string();
    let address = connect.map(|c| c.0 .0.ip());
    let t = &EN;
    let outcome = match check_password(&state, &email, password, address).await {
        // A second factor: the code is asked for on a second page.
        Ok(user) if hoistway_store::second_factor::enabled(&state.db, user.id).await? => {
            return super::security::second_step::ask(&state, jar, user, &next).await;
        }
        Ok(user) => open_session(&state, user).await,
        Err(e) => Err(e),
    };
    match outcome {
        Ok(signed) => {
            let jar = with_session_cookies(&state, jar, &signed)
                .remove(Cookie::build(PRE_COOKIE).path("/signin").build());
            Ok((jar, Redirect::to(&after_sign_in(signed.user.role, &next))).into_response())
        }
        Err(e) => {
            let (status, text) = match e {
                AppError::Unauthorized => (StatusCode::UNAUTHORIZED, t.signin.wrong.to_string()),
                AppError::TooManyRequests { retry_after_s } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    (t.signin.throttled)(retry_after_s),
                ),
                other => return Err(other.into()),
            };
            // A fresh form token for the next attempt.
            let token = random_token(18);
            let jar = jar.add(pre_cookie(&state, token.clone()));
            let message = Flash { ok: false, text };
            Ok((
                status,
                jar,
                form(&token, &next, email.trim(), Some(&message)),
            )
                .into_response())
        }
    }
}

/// `POST /signout`: ends the session (CSRF-checked like every form).
pub async fn sign_out(State(state): State<AppState>, parts: Parts, body: Bytes) -> PageResult {
    let Some((caller, csrf)) = session_of(&state, &parts).await? else {
        return Ok(Redirect::to("/signin").into_response());
    };
    let (_, sent) = split_csrf(&body)?;
    if !same_token(&sent, &csrf) {
        return Err(PortalError::Csrf);
    }
    sessions::revoke(&state.db, caller.actor(&state), caller.session_id).await?;
    let jar = without_session_cookies(CookieJar::from_headers(&parts.headers));
    let res = redirect_with(&state, "/signin", true, EN.signin.signed_out);
    Ok((jar, res).into_response())
}
