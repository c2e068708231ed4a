//! What every portal page handler works with: [`Ctx`], the signed-in
//! viewer (from the session cookie only, never a bearer token), and
//! [`PortalError`], a refusal rendered as an HTML page.
//!
//! Pages reach data exactly like the API: through the store with
//! `ctx.caller.scope`, after `ctx.caller.require(..)`; a row outside the
//! scope is a 404 page, a role without the right a 403 page.

use super::areas;
use super::strings::Strings;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use hoistway_app::auth::{token_hash, Caller, SESSION_COOKIE};
use hoistway_app::error::AppError;
use hoistway_app::state::AppState;
use hoistway_domain::{Action, Resource};
use hoistway_store::sessions;
use hoistway_store::StoreError;

/// Cookie carrying a one-shot message to the next page.
pub const FLASH_COOKIE: &str = "hoistway_flash";

/// A one-shot message shown at the top of the next page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub ok: bool,
    pub text: String,
}

impl Flash {
    fn parse(raw: &str) -> Option<Flash> {
        let decoded: Vec<(String, String)> = serde_urlencoded::from_str(raw).ok()?;
        let get = |k: &str| decoded.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let text: String = get("m")?.chars().take(400).collect();
        Some(Flash {
            ok: get("k").as_deref() != Some("error"),
            text,
        })
    }

    fn encode(&self) -> String {
        let kind = if self.ok { "ok" } else { "error" };
        let text: String = self.text.chars().take(400).collect();
        serde_urlencoded::to_string([("k", kind), ("m", text.as_str())]).unwrap_or_default()
    }
}

/// A redirect (303, so the browser follows with GET) carrying a flash.
pub fn redirect_with(state: &AppState, to: &str, ok: bool, text: impl Into<String>) -> Response {
    let flash = Flash {
        ok,
        text: text.into(),
    };
    let cookie = Cookie::build((FLASH_COOKIE, flash.encode()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.secure_cookies)
        .path("/")
        .build();
    (CookieJar::new().add(cookie), Redirect::to(to)).into_response()
}

/// Maps a refusal of a form (bad input, a conflict) to a message on the
/// page it came from; other errors are error pages.
pub fn back_with(s: &AppState, to: &str, e: impl Into<AppError>) -> PageResult {
    match e.into() {
        AppError::Invalid(i) => Ok(redirect_with(s, to, false, i.to_string())),
        AppError::Conflict(m) | AppError::BadRequest(m) => Ok(redirect_with(s, to, false, m)),
        other => Err(other.into()),
    }
}

/// Like [`back_with`], and a role refusal is a message too: for pages
/// every role of an area sees, whose forms only some roles may use.
pub fn back_with_refusal(s: &AppState, to: &str, e: impl Into<AppError>) -> PageResult {
    match e.into() {
        AppError::Forbidden(m) => Ok(redirect_with(s, to, false, m)),
        other => back_with(s, to, other),
    }
}

/// The flash message sent along with a request, if any.
pub fn flash_of(parts: &Parts) -> Option<Flash> {
    CookieJar::from_headers(&parts.headers)
        .get(FLASH_COOKIE)
        .and_then(|c| Flash::parse(c.value()))
}

/// The signed-in viewer of a page.
pub struct Ctx {
    pub caller: Caller,
    /// The session's CSRF token, put into every form.
    pub csrf: String,
    /// The strings of the viewer's language.
    pub t: &'static Strings,
    pub flash: Option<Flash>,
    /// Path of the page, for the navigation's current item.
    pub path: String,
    /// The viewer's unread notifications (the bell's number).
    pub unread: i64,
}

impl Ctx {
    /// 403 page unless the role may do `action` on `resource` (the API's check).
    pub fn require(&self, resource: Resource, action: Action) -> Result<(), PortalError> {
        self.caller
            .require(resource, action)
            .map_err(PortalError::from)
    }

    /// Whether the role may do `action` on `resource`, to show or hide parts.
    pub fn may(&self, resource: Resource, action: Action) -> bool {
        self.caller.user.role.permits(resource, action)
    }

    /// 403 page unless the area is one of the role's tabs.
    pub fn require_area(&self, area: areas::Area) -> Result<(), PortalError> {
        if areas::areas(self.caller.user.role).contains(&area) {
            Ok(())
        } else {
            Err(PortalError::Forbidden)
        }
    }
}

/// Looks up the session of the `hoistway_session` cookie.
pub async fn session_of(
    state: &AppState,
    parts: &Parts,
) -> Result<Option<(Caller, String)>, PortalError> {
    let jar = CookieJar::from_headers(&parts.headers);
    let Some(cookie) = jar.get(SESSION_COOKIE) else {
        return Ok(None);
    };
    let found = sessions::find(&state.db, &token_hash(cookie.value()), state.clock.now())
        .await
        .map_err(|e| PortalError::from(AppError::from(e)))?;
    Ok(found.map(|s| {
        let csrf = s.csrf_token.clone();
        (Caller::from_session(s), csrf)
    }))
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = PortalError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PortalError> {
        let path = parts.uri.path().to_string();
        let Some((caller, csrf)) = session_of(state, parts).await? else {
            let next = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "/".into());
            return Err(PortalError::SignIn { next });
        };
        let flash = flash_of(parts);
        let unread = hoistway_store::inbox::unread_count(&state.db, caller.user.id).await?;
        let t = super::strings::for_language(&caller.user.language);
        Ok(Ctx {
            caller,
            csrf,
            t,
            flash,
            path,
            unread,
        })
    }
}

/// A refusal, rendered as a page (or a redirect to sign in).
#[derive(Debug)]
pub enum PortalError {
    /// Not signed in: go to `/signin`, then back to `next`.
    SignIn {
        next: String,
    },
    NotFound,
    Forbidden,
    /// The form's CSRF field is missing or wrong.
    Csrf,
    BadRequest(String),
    TooMany(u64),
    Internal,
}

impl From<AppError> for PortalError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Unauthorized => PortalError::SignIn { next: "/".into() },
            AppError::NotFound(_) => PortalError::NotFound,
            AppError::Forbidden(_) => PortalError::Forbidden,
            AppError::TooManyRequests { retry_after_s } => PortalError::TooMany(retry_after_s),
            AppError::Internal(cause) | AppError::Unavailable(cause) => {
                tracing::error!(%cause, "portal page failed");
                PortalError::Internal
            }
            other => PortalError::BadRequest(other.to_string()),
        }
    }
}

impl From<StoreError> for PortalError {
    fn from(e: StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl From<hoistway_domain::Invalid> for PortalError {
    fn from(e: hoistway_domain::Invalid) -> Self {
        PortalError::BadRequest(e.to_string())
    }
}

pub type PageResult<T = Response> = Result<T, PortalError>;

/// Only local paths are followed after sign-in (no open redirect).
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flash_round_trips_and_survives_odd_text() {
        let f = Flash {
            ok: false,
            text: "a & b = \"c\"; <d>".into(),
        };
        assert_eq!(Flash::parse(&f.encode()), Some(f));
        assert_eq!(Flash::parse("garbage"), None);
    }

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next("/equipment/4"), "/equipment/4");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
        assert_eq!(safe_next("/\\evil.example"), "/");
    }
}
