//! Who is calling: password hashing, session tokens, and the [`Caller`]
//! every protected handler takes.
//!
//! A request authenticates with `Authorization: Bearer <token>` or with the
//! `hoistway_session` cookie. Cookie-authenticated requests that change
//! state must also carry `X-CSRF-Token` equal to the session's CSRF token
//! (which the browser reads from the `hoistway_csrf` cookie): a cross-site
//! form can send the cookie but cannot read or forge the header.

use crate::error::{ApiResult, AppError};
use crate::state::AppState;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, request::Parts, Method};
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::CookieJar;
use base64::Engine;
use hoistway_domain::{Action, Resource, Scope};
use hoistway_store::sessions::{self, Session};
use hoistway_store::users::User;
use hoistway_store::Actor;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "hoistway_session";
pub const CSRF_COOKIE: &str = "hoistway_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Hashes a password with argon2id and a fresh salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        // Hashing only fails for out-of-range parameters, which the defaults are not.
        .unwrap_or_default()
}

/// Checks a password against a stored hash; a malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random URL-safe token of `bytes` bytes.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// What is stored for a token: its SHA-256, hex.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub session_id: i64,
    pub scope: Scope,
}

impl Caller {
    /// Refuses with 403 unless the caller's role may do `action` on `resource`.
    pub fn require(&self, resource: Resource, action: Action) -> ApiResult<()> {
        if self.user.role.permits(resource, action) {
            Ok(())
        } else {
            let verb = if action == Action::Read {
                "read"
            } else {
                "change"
            };
            Err(AppError::Forbidden(format!(
                "a {} may not {verb} {resource}",
                self.user.role
            )))
        }
    }

    pub fn actor(&self, state: &AppState) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            at: state.clock.now(),
        }
    }

    pub fn from_session(s: Session) -> Self {
        let scope = Scope::for_user(
            s.user.role,
            s.user.customer_id,
            s.user.portfolio_ids.clone(),
        );
        Self {
            user: s.user,
            session_id: s.id,
            scope,
        }
    }
}

/// The result of authenticating a request, cached in its extensions so the
/// session is looked up once however many extractors ask.
#[derive(Debug, Clone)]
struct Authenticated(Option<Caller>);

async fn authenticate(state: &AppState, parts: &Parts) -> ApiResult<Option<Caller>> {
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .map(str::to_string);
    let jar = CookieJar::from_headers(&parts.headers);
    let (token, via_cookie) = match bearer {
        Some(t) => (t, false),
        None => match jar.get(SESSION_COOKIE) {
            Some(c) => (c.value().to_string(), true),
            None => return Ok(None),
        },
    };
    let Some(session) = sessions::find(&state.db, &token_hash(&token), state.clock.now()).await?
    else {
        return Ok(None);
    };
    let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if via_cookie && !safe {
        let sent = parts
            .headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if sent.is_empty() || sent != session.csrf_token {
            return Err(AppError::Forbidden(format!(
                "a signed-in browser request that changes data must send the {CSRF_HEADER} header"
            )));
        }
    }
    Ok(Some(Caller::from_session(session)))
}

/// Constant-time comparison, so the token cannot be guessed byte by byte.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The route devices post telemetry to, with their own tokens rather than
/// user sessions.
pub const INGEST_PATH: &str = "/api/v1/telemetry";

/// Middleware: authenticates once and stores the result for the extractors.
pub async fn authenticate_layer(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    // Devices authenticate with their own tokens on the ingest route, not
    // with user sessions: skip the session lookup there.
    if req.uri().path() == INGEST_PATH {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    match authenticate(&state, &parts).await {
        Ok(caller) => {
            parts.extensions.insert(Authenticated(caller));
            next.run(Request::from_parts(parts, body)).await
        }
        Err(e) => axum::response::IntoResponse::into_response(e),
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let found = match parts.extensions.get::<Authenticated>() {
            Some(Authenticated(c)) => c.clone(),
            None => authenticate(state, parts).await?,
        };
        found.ok_or(AppError::Unauthorized)
    }
}

/// The caller if signed in, without refusing anonymous requests.
pub fn caller_of(parts: &Parts) -> Option<&Caller> {
    parts
        .extensions
        .get::<Authenticated>()
        .and_then(|a| a.0.as_ref())
}

#[cfg(test)]
mod tests {
    use super::same_token;

    #[test]
    fn tokens_compare_exactly() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
        assert!(!same_token("", ""), "an empty token never matches");
    }
}
