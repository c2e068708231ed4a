//! Forms: the hidden CSRF field every form carries, and [`Posted`], the
//! extractor of a submitted form that refuses (403 page) unless the field
//! equals the session's CSRF token. A cross-site page can make the browser
//! send the session cookie, but cannot read the token to put in the form.
//!
//! Fields come as ordered name/value pairs, so repeated names (check-box
//! lists) work; [`Posted::parse`] deserialises them into a struct.

use super::page::{Ctx, PortalError};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use hoistway_app::state::AppState;
use maud::{html, Markup};
use serde::de::DeserializeOwned;

/// Name of the hidden field.
pub const CSRF_FIELD: &str = "_csrf";

/// Largest form body accepted, bytes.
const MAX_FORM: usize = 64 * 1024;

/// The hidden CSRF input; put it in every `<form method="post">`.
pub fn csrf_field(ctx: &Ctx) -> Markup {
    csrf_input(&ctx.csrf)
}

/// The hidden CSRF input for a token (the sign-in form's pre-session one).
pub fn csrf_input(token: &str) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(token); }
}

pub use hoistway_app::auth::same_token;

/// Name/value pairs of an `application/x-www-form-urlencoded` body.
pub fn pairs_of(body: &[u8]) -> Result<Vec<(String, String)>, PortalError> {
    serde_urlencoded::from_bytes(body)
        .map_err(|e| PortalError::BadRequest(format!("the form could not be read: {e}")))
}

/// A submitted form of a signed-in viewer, its CSRF field checked.
pub struct Posted {
    pub ctx: Ctx,
    /// The fields without the CSRF field, in order.
    pub pairs: Vec<(String, String)>,
}

impl Posted {
    /// The first value of `name`, trimmed; `None` if missing or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Every value of `name` (check-box lists).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The fields as a struct (blank fields left out, so `Option`s are `None`).
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, PortalError> {
        let kept: Vec<(&str, &str)> = self
            .pairs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let encoded = serde_urlencoded::to_string(kept).map_err(|_| PortalError::Internal)?;
        serde_urlencoded::from_str(&encoded)
            .map_err(|e| PortalError::BadRequest(format!("the form could not be read: {e}")))
    }
}

impl FromRequest<AppState> for Posted {
    type Rejection = PortalError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PortalError> {
        let (mut parts, body) = req.into_parts();
        let ctx = Ctx::from_request_parts(&mut parts, state).await?;
        let req = Request::from_parts(parts, body);
        let body = axum::body::to_bytes(req.into_body(), MAX_FORM)
            .await
            .map_err(|_| PortalError::BadRequest("the form is too large".into()))?;
        let (pairs, sent) = split_csrf(&body)?;
        if !same_token(&sent, &ctx.csrf) {
            return Err(PortalError::Csrf);
        }
        Ok(Posted { ctx, pairs })
    }
}

/// The fields of a form and its CSRF value.
pub fn split_csrf(body: &Bytes) -> Result<(Vec<(String, String)>, String), PortalError> {
    let mut pairs = pairs_of(body)?;
    let sent = pairs
        .iter()
        .find(|(n, _)| n == CSRF_FIELD)
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    pairs.retain(|(n, _)| n != CSRF_FIELD);
    Ok((pairs, sent))
}

/// A form posted before there is a session (sign-in, its second step, an
/// invitation): its CSRF field must repeat the value of `cookie`, a
/// `SameSite=Strict` cookie the page set (double submit).
pub struct PreSessionForm {
    pairs: Vec<(String, String)>,
}

impl PreSessionForm {
    pub fn checked(
        jar: &axum_extra::extract::cookie::CookieJar,
        cookie: &str,
        body: &Bytes,
    ) -> Result<Self, PortalError> {
        let (pairs, sent) = split_csrf(body)?;
        let expected = jar.get(cookie).map(|c| c.value().to_string());
        if !expected.is_some_and(|e| same_token(&e, &sent)) {
            return Err(PortalError::Csrf);
        }
        Ok(Self { pairs })
    }

    /// A field's value ("" when absent).
    pub fn get(&self, name: &str) -> String {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

/// A filter's selected id; a blank select means "any".
pub fn id_of(v: &Option<String>) -> Option<i64> {
    v.as_deref().and_then(|s| s.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_field_is_split_off() {
        let (pairs, sent) = split_csrf(&Bytes::from_static(b"a=1&_csrf=tok&b=x+y&b=z")).unwrap();
        assert_eq!(sent, "tok");
        assert_eq!(
            pairs,
            vec![
                ("a".to_string(), "1".to_string()),
                ("b".to_string(), "x y".to_string()),
                ("b".to_string(), "z".to_string())
            ]
        );
    }
}
