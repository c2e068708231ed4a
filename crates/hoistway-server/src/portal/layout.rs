//! The page shell: head (stylesheet, script, manifest), the top bar with
//! the signed-in user and sign-out, the navigation of the viewer's role
//! (a tab bar at the bottom on phones), flash messages and the footer.
//!
//! Which tabs a role has is decided here ([`areas`]); pages check it with
//! `ctx.require_area`, on top of the API's role × resource check.

use super::assets;
use super::forms::csrf_field;
use super::page::Ctx;
use super::strings::Strings;
use hoistway_domain::Role;
use maud::{html, Markup, DOCTYPE};

/// A tab of the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Home,
    Equipment,
    Requests,
    Services,
    Reports,
    Documents,
    Setup,
    Desk,
    Tech,
}

impl Area {
    pub fn href(self) -> &'static str {
        match self {
            Area::Home => "/",
            Area::Equipment => "/equipment",
            Area::Requests => "/requests",
            Area::Services => "/services",
            Area::Reports => "/reports",
            Area::Documents => "/documents",
            Area::Setup => "/setup",
            Area::Desk => "/desk",
            Area::Tech => "/tech",
        }
    }

    pub fn label(self, t: &Strings) -> &'static str {
        match self {
            Area::Home => t.nav.home,
            Area::Equipment => t.nav.equipment,
            Area::Requests => t.nav.requests,
            Area::Services => t.nav.services,
            Area::Reports => t.nav.reports,
            Area::Documents => t.nav.documents,
            Area::Setup => t.nav.setup,
            Area::Desk => t.nav.desk,
            Area::Tech => t.nav.tech,
        }
    }

    /// A label short enough for the phone's bottom tab bar.
    pub fn short_label(self, t: &Strings) -> &'static str {
        match self {
            Area::Requests => t.nav.requests_short,
            Area::Setup => t.nav.setup_short,
            Area::Documents => t.nav.documents_short,
            other => other.label(t),
        }
    }

    /// Whether `path` is inside this area.
    fn contains(self, path: &str) -> bool {
        match self {
            Area::Home => path == "/",
            other => {
                let base = other.href();
                path == base || path.starts_with(&format!("{base}/"))
            }
        }
    }

    /// A 24×24 outline icon (SVG path data).
    fn icon(self) -> &'static str {
        match self {
            Area::Home => "M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z",
            Area::Equipment => "M6 3h12v18H6zM12 3v18M9 8l-1.5 2h3zM15 14l-1.5 2h3z",
            Area::Requests => "M4 5h16v11H8l-4 4zM9 9h6M9 12h4",
            Area::Services => "M4 6h16v14H4zM4 10h16M8 3v5M16 3v5",
            Area::Reports => "M4 20V10M10 20V4M16 20v-7M22 20H2",
            Area::Documents => "M6 3h9l4 4v14H6zM14 3v5h5M9 13h7M9 17h7",
            Area::Setup => "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2",
            Area::Desk => "M4 14v-2a8 8 0 0 1 16 0v2M4 14h3v5H4zM17 14h3v5h-3z",
            Area::Tech => "M14 6l4 4-9 9H5v-4zM13 7l4 4",
        }
    }
}

/// The tabs of a role, in order. The first is where the role lands.
pub fn areas(role: Role) -> &'static [Area] {
    use Area::*;
    match role {
        Role::CustomerAdmin | Role::PropertyManager => &[
            Home, Equipment, Requests, Services, Reports, Documents, Setup,
        ],
        // Front desk: service requests only (SPEC roles).
        Role::FrontDesk => &[Home, Requests, Setup],
        // Finance: contracts and invoices only.
        Role::Finance => &[Documents, Setup],
        Role::Operator | Role::DutyManager | Role::ProviderAdmin => &[Desk],
        Role::Technician => &[Tech],
        Role::Resident => &[Home],
    }
}

/// Where a role lands after signing in (and on `/`).
pub fn landing(role: Role) -> &'static str {
    areas(role).first().map(|a| a.href()).unwrap_or("/")
}

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
                        span.live-dot data-live-indicator hidden title=(t.common.live_connected) {
                            span.sr-only { (t.common.live_connected) }
                        }
                        span.who {
                            span.sr-only { (t.common.signed_in_as) " " }
                            strong { (user.name) }
                            span.role { ((t.labels.role)(user.role.as_str())) }
                        }
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
