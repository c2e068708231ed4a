//! The second sign-in step: after a right password, an account with TOTP
//! gets a challenge (a random token, only its hash stored, five minutes,
//! in a `SameSite=Strict` cookie scoped to `/signin`) and a form asking
//! for the authenticator code or a recovery code. The code is checked by
//! [`hoistway_app::second_factor::verify`], throttled like passwords.

use crate::forms::{csrf_input, PreSessionForm};
use crate::layout;
use crate::page::{safe_next, Flash, PageResult};
use crate::signin::{after_sign_in, pre_cookie, PRE_COOKIE};
use crate::strings::EN;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::Extension;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use hoistway_api::auth::{open_session, with_session_cookies};
use hoistway_app::auth::{random_token, token_hash};
use hoistway_app::error::AppError;
use hoistway_app::state::AppState;
use hoistway_store::second_factor;
use hoistway_store::users::User;
use maud::{html, Markup};
use std::net::SocketAddr;

/// Cookie holding the challenge token between the two steps.
const CHALLENGE_COOKIE: &str = "hoistway_2fa";
/// How long the code may take.
const CHALLENGE_MINUTES: i64 = 5;

fn form(token: &str, next: &str, message: Option<&Flash>) -> Markup {
    let t = &EN;
    let s = &t.security;
    layout::bare(
        t,
        s.code_title,
        html! {
            h1 { (s.code_heading) }
            p.lead { (s.code_lead) }
            @if let Some(f) = message {
                div.flash.(if f.ok { "flash-ok" } else { "flash-error" }) role=(if f.ok { "status" } else { "alert" }) { (f.text) }
            }
            form.stack method="post" action="/signin/code" {
                (csrf_input(token))
                input type="hidden" name="next" value=(next);
                div.field {
                    label for="code" { (s.code_label) }
                    input #code.code-input type="text" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus maxlength="20" spellcheck="false";
                    p.hint { (s.code_hint) }
                }
                button.btn.btn-primary.btn-block type="submit" { (s.code_submit) }
            }
            p.note { a href="/signin" { (s.code_restart) } }
        },
    )
}

/// After a right password: open a challenge and ask for the code.
pub async fn ask(state: &AppState, jar: CookieJar, user: User, next: &str) -> PageResult {
    let token = random_token(32);
    let expires = state.clock.now() + chrono::Duration::minutes(CHALLENGE_MINUTES);
    second_factor::open_challenge(&state.db, &token_hash(&token), user.id, expires).await?;
    let challenge = Cookie::build((CHALLENGE_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.secure_cookies)
        .path("/signin")
        .build();
    let csrf = random_token(18);
    let jar = jar.add(challenge).add(pre_cookie(state, csrf.clone()));
    Ok((jar, form(&csrf, next, None)).into_response())
}

/// `POST /signin/code`.
pub async fn submit(
    State(state): State<AppState>,
    connect: Option<Extension<ConnectInfo<SocketAddr>>>,
    jar: CookieJar,
    body: Bytes,
) -> PageResult {
    let posted = PreSessionForm::checked(&jar, PRE_COOKIE, &body)?;
    let get = |k: &str| posted.get(k);
    let next = safe_next(&get("next")).to_string();
    let t = &EN;
    let now = state.clock.now();
    let challenge = jar
        .get(CHALLENGE_COOKIE)
        .map(|c| token_hash(c.value()))
        .unwrap_or_default();
    let user_id = second_factor::find_challenge(&state.db, &challenge, now).await?;
    let Some(user_id) = user_id else {
        // Expired or never started: back to the password.
        return Ok(Redirect::to("/signin").into_response());
    };
    let user = hoistway_store::users::get(&state.db, &hoistway_domain::Scope::All, user_id).await?;
    let address = connect.map(|c| c.0 .0.ip());
    match hoistway_app::second_factor::verify(&state, &user, &get("code"), address).await {
        Ok(()) => {
            second_factor::close_challenge(&state.db, &challenge, now).await?;
            let signed = open_session(&state, user).await?;
            let jar = with_session_cookies(&state, jar, &signed)
                .remove(Cookie::build(PRE_COOKIE).path("/signin").build())
                .remove(Cookie::build(CHALLENGE_COOKIE).path("/signin").build());
            Ok((jar, Redirect::to(&after_sign_in(signed.user.role, &next))).into_response())
        }
        Err(e) => {
            let (status, text) = match e {
                AppError::Unauthorized => {
                    (StatusCode::UNAUTHORIZED, t.security.code_wrong.to_string())
                }
                AppError::TooManyRequests { retry_after_s } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    (t.signin.throttled)(retry_after_s),
                ),
                other => return Err(other.into()),
            };
            let csrf = random_token(18);
            let jar = jar.add(pre_cookie(&state, csrf.clone()));
            let message = Flash { ok: false, text };
            Ok((status, jar, form(&csrf, &next, Some(&message))).into_response())
        }
    }
}
