//! The page shell: head (stylesheet, script, manifest), the top bar with
//! the signed-in user, the notification bell and sign-out, the navigation of the viewer's role
//! (a tab bar at the bottom on phones), flash messages and the footer.
//!
//! Which tabs a role has is decided here ([`areas`]); pages check it with
//! `ctx.require_area`, on top of the API's role × resource check.

pub use super::areas::{areas, landing, Area};
use super::assets;
use super::forms::csrf_field;
use super::page::Ctx;
use super::page::{safe_next, PortalError};
use super::strings::Strings;
use super::strings::EN;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{html, Markup, DOCTYPE};

/// The `<head>` shared by every page.
fn head(t: &Strings, title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover";
            title { (title) " · " (t.common.app_name) }
            meta name="theme-color" content="#0b3b6f";
            meta name="description" content=(t.common.tagline);
            link rel="icon" href=(assets::url("icon.svg")) type="image/svg+xml";
            link rel="apple-touch-icon" href=(assets::url("icon.svg"));
            link rel="manifest" href="/manifest.webmanifest";
            link rel="stylesheet" href=(assets::url("app.css"));
            script src=(assets::url("app.js")) defer {}
        }
    }
}

fn logo() -> Markup {
    html! {
        svg.logo viewBox="0 0 32 32" aria-hidden="true" focusable="false" {
            rect x="1" y="1" width="30" height="30" rx="7" class="logo-bg" {}
            path d="M10 8v16M22 8v16M10 16h12" class="logo-fg" {}
            path d="M16 6l-2.5 3h5zM16 26l-2.5-3h5z" class="logo-ar" {}
        }
    }
}

fn icon(d: &str) -> Markup {
    html! {
        svg.icon viewBox="0 0 24 24" aria-hidden="true" focusable="false" {
            path d=(d) {}
        }
    }
}

/// A full page for a signed-in viewer. `body` goes into `<main>`.
pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let t = ctx.t;
    let user = &ctx.caller.user;
    let tabs = areas(user.role);
    html! {
        (DOCTYPE)
        html lang=(t.lang) {
            (head(t, title))
            body data-live="on" data-labels=(status_labels(t)) {
                a.skip href="#main" { (t.common.skip_to_content) }
                header.topbar {
                    a.brand href="/" { (logo()) span { (t.common.app_name) } }
                    div.user {
                        // Shown by app.js while the event stream is open; the
                        // word is visible on wider screens, read out on all.
                        span.live data-live-indicator hidden title=(t.common.live_title) {
                            span.live-dot aria-hidden="true" {}
                            span.live-label { (t.common.live_connected) }
                        }
                        span.who {
                            span.sr-only { (t.common.signed_in_as) " " }
                            strong { (user.name) }
                            span.role { ((t.labels.role)(user.role.as_str())) }
                        }
                        (bell(ctx))
                        a.btn.btn-ghost href="/account/security" { (t.security.nav) }
                        form.signout method="post" action="/signout" {
                            (csrf_field(ctx))
                            button.btn.btn-ghost type="submit" { (t.common.sign_out) }
                        }
                    }
                }
                @if tabs.len() > 1 {
                    nav.tabs aria-label=(t.common.main_nav) {
                        ul {
                            @for a in tabs {
                                li {
                                    a href=(a.href()) aria-current=[a.contains(&ctx.path).then_some("page")] {
                                        (icon(a.icon()))
                                        @if a.short_label(t) == a.label(t) {
                                            span { (a.label(t)) }
                                        } @else {
                                            span.tab-long { (a.label(t)) }
                                            span.tab-short { (a.short_label(t)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main tabindex="-1" {
                    @if let Some(f) = &ctx.flash {
                        div.flash.(if f.ok { "flash-ok" } else { "flash-error" }) role=(if f.ok { "status" } else { "alert" }) {
                            (f.text)
                        }
                    }
                    (body)
                }
                footer.foot { (t.common.app_name) " · " (t.common.tagline) }
            }
        }
    }
}

/// The bell of the top bar: a link to the notification list with the
/// unread count (on phones too; the top bar stays).
fn bell(ctx: &Ctx) -> Markup {
    let t = ctx.t;
    let n = ctx.unread;
    html! {
        a.bell href="/notifications" aria-label=((t.notices.bell)(n)) title=((t.notices.bell)(n))
            aria-current=[ctx.path.starts_with("/notifications").then_some("page")] data-bell {
            (icon("M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9M10.3 21a1.94 1.94 0 0 0 3.4 0"))
            @if n > 0 {
                span.bell-count aria-hidden="true" data-bell-count { @if n > 99 { "99+" } @else { (n) } }
            }
        }
    }
}

/// A page without a signed-in viewer (sign-in, errors).
pub fn bare(t: &Strings, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(t.lang) {
            (head(t, title))
            body.bare {
                a.skip href="#main" { (t.common.skip_to_content) }
                main #main tabindex="-1" {
                    div.bare-card {
                        a.brand href="/" { (logo()) span { (t.common.app_name) } }
                        (body)
                    }
                }
            }
        }
    }
}

/// The page of a refusal (404, 403, 400, 500).
pub fn error_page(t: &Strings, title: &str, text: &str) -> Markup {
    bare(
        t,
        title,
        html! {
            h1 { (title) }
            p { (text) }
            p { a.btn.btn-primary href="/" { (t.common.back_home) } }
        },
    )
}

/// Case-status labels for the live updater, as a JSON object in a data
/// attribute (the CSP allows no inline script).
fn status_labels(t: &Strings) -> String {
    let map: serde_json::Map<String, serde_json::Value> = hoistway_desk::Status::ALL
        .iter()
        .map(|s| {
            (
                s.as_str().to_string(),
                serde_json::Value::String((t.labels.case_status)(s.as_str()).into()),
            )
        })
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// A refusal as a page (a redirect to sign in for `SignIn`), never cached.
impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        let t = &EN;
        let (status, title, text) = match &self {
            PortalError::SignIn { next } => {
                let to = format!(
                    "/signin?{}",
                    serde_urlencoded::to_string([("next", safe_next(next))]).unwrap_or_default()
                );
                return Redirect::to(&to).into_response();
            }
            PortalError::NotFound => (
                StatusCode::NOT_FOUND,
                t.errors.not_found_title,
                t.errors.not_found.to_string(),
            ),
            PortalError::Forbidden => (
                StatusCode::FORBIDDEN,
                t.errors.forbidden_title,
                t.errors.forbidden.to_string(),
            ),
            PortalError::Csrf => (
                StatusCode::FORBIDDEN,
                t.errors.csrf_title,
                t.errors.csrf.to_string(),
            ),
            PortalError::BadRequest(m) => (
                StatusCode::BAD_REQUEST,
                t.errors.bad_request_title,
                m.clone(),
            ),
            PortalError::TooMany(s) => (
                StatusCode::TOO_MANY_REQUESTS,
                t.errors.too_many_title,
                (t.signin.throttled)(*s),
            ),
            PortalError::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                t.errors.internal_title,
                t.errors.internal.to_string(),
            ),
        };
        let mut res = (status, error_page(t, title, &text)).into_response();
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
        res
    }
}
