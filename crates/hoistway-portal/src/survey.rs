//! `/survey/{token}`: where a satisfaction survey's letter lands (issue
//! #20). No sign-in: the one-time token is the key. The form is protected
//! like the invitation's: a random value in a `SameSite=Strict` cookie that
//! the form repeats. Answering is the API's own store call
//! (`hoistway_store::surveys::answer`): once, a 1–5 rating, "solved", a
//! comment.

use super::forms::{csrf_input, PreSessionForm};
use super::layout;
use super::page::{PageResult, PortalError};
use super::strings::EN;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use hoistway_app::auth::{random_token, token_hash};
use hoistway_app::error::AppError;
use hoistway_app::extract::Path;
use hoistway_app::state::AppState;
use hoistway_store::surveys::{self, SurveyAnswer, SurveyView};
use hoistway_store::StoreError;
use maud::{html, Markup};

const FORM_COOKIE: &str = "hoistway_survey";

fn form_cookie(state: &AppState, value: String) -> Cookie<'static> {
    Cookie::build((FORM_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.settings.secure_cookies)
        .path("/survey")
        .build()
}

fn message(status: StatusCode, text: &str) -> axum::response::Response {
    let t = &EN.surveys;
    (
        status,
        layout::bare(&EN, t.title, html! { h1 { (t.title) } p.lead { (text) } }),
    )
        .into_response()
}

fn form_page(v: &SurveyView, token: &str, csrf: &str, error: Option<&str>) -> Markup {
    let t = &EN.surveys;
    layout::bare(
        &EN,
        t.title,
        html! {
            h1 { (t.title) }
            p.lead { ((t.about)(&v.case_number, &v.place)) }
            @if let Some(e) = error { div.flash.flash-error role="alert" { (e) } }
            form.stack method="post" action=(format!("/survey/{token}")) {
                (csrf_input(csrf))
                fieldset {
                    legend { (t.rating) }
                    div.checks {
                        @for n in (1..=5).rev() {
                            label.check { input type="radio" name="rating" value=(n) required; span { ((t.rating_label)(n)) } }
                        }
                    }
                }
                fieldset {
                    legend { (t.solved) }
                    div.checks {
                        label.check { input type="radio" name="solved" value="yes"; span { (t.yes) } }
                        label.check { input type="radio" name="solved" value="no"; span { (t.no) } }
                        label.check { input type="radio" name="solved" value="" checked; span { (t.not_sure) } }
                    }
                }
                div.field {
                    label for="s-comment" { (t.comment) }
                    textarea #s-comment name="comment" rows="3" maxlength="4000" {}
                }
                button.btn.btn-primary.btn-block type="submit" { (t.send) }
            }
        },
    )
}

async fn survey(state: &AppState, token: &str) -> Result<Option<SurveyView>, PortalError> {
    match surveys::open(&state.db, &token_hash(token), state.clock.now()).await {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(AppError::from(e).into()),
    }
}

/// `GET /survey/{token}`.
pub async fn show(State(state): State<AppState>, Path(token): Path<String>) -> PageResult {
    let t = &EN.surveys;
    let Some(v) = survey(&state, &token).await? else {
        return Ok(message(StatusCode::NOT_FOUND, t.unusable));
    };
    if v.answered {
        return Ok(message(StatusCode::OK, t.already));
    }
    let csrf = random_token(18);
    let jar = CookieJar::new().add(form_cookie(&state, csrf.clone()));
    Ok((jar, form_page(&v, &token, &csrf, None)).into_response())
}

/// `POST /survey/{token}`.
pub async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    jar: CookieJar,
    body: Bytes,
) -> PageResult {
    let t = &EN.surveys;
    let posted = PreSessionForm::checked(&jar, FORM_COOKIE, &body)?;
    let Some(v) = survey(&state, &token).await? else {
        return Ok(message(StatusCode::NOT_FOUND, t.unusable));
    };
    let answer = SurveyAnswer {
        rating: posted.get("rating").parse().unwrap_or(0),
        solved: match posted.get("solved").as_str() {
            "yes" => Some(true),
            "no" => Some(false),
            _ => None,
        },
        comment: Some(posted.get("comment")).filter(|c| !c.trim().is_empty()),
    };
    match surveys::answer(&state.db, &token_hash(&token), state.clock.now(), answer).await {
        Ok(()) => Ok(message(StatusCode::OK, t.thanks)),
        Err(StoreError::Conflict(_)) => Ok(message(StatusCode::OK, t.already)),
        Err(StoreError::Invalid(i)) => {
            let csrf = random_token(18);
            let jar = CookieJar::new().add(form_cookie(&state, csrf.clone()));
            Ok((
                StatusCode::BAD_REQUEST,
                jar,
                form_page(&v, &token, &csrf, Some(&i.to_string())),
            )
                .into_response())
        }
        Err(e) => Err(AppError::from(e).into()),
    }
}
