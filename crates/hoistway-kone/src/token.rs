//! `POST /api/v2/oauth2/token` (client credentials), the access tokens it
//! signs, and the bearer extractor of the other compatible endpoints.
//!
//! Tokens are stateless: `hw1.<payload>.<signature>`, base64url without
//! padding, HMAC-SHA256 over `hw1.<payload>` with the server's key. The
//! contract only needs URL-safe characters (the WebSocket client pastes the
//! token into a query string unencoded); being stateless keeps token issue
//! free of writes. Each use still looks the application up, so revoking it
//! ends its tokens at once; expiry follows `AppState::clock`, so tests can
//! expire a token without sleeping.
//!
//! Scopes are checked against the application's customer when the token is
//! issued: a building, group or equipment of another customer (or one that
//! does not exist) is refused with 403, exactly alike.

use super::{customer_scope, group_no, parse_ken, unit_of_ken, KoneError, KoneResult};
use axum::extract::{FromRequestParts, State};
use axum::http::{header, request::Parts, HeaderMap, StatusCode};
use axum::Json;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use hmac::{Hmac, Mac};
use hoistway_app::state::AppState;
use hoistway_store::api_clients::{self, ApiClient};
use hoistway_store::{buildings, topology, StoreError};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

const PREFIX: &str = "hw1";
/// The scope granted when the request names none (as the real service).
pub const INVENTORY: &str = "application/inventory";
/// Most scopes one token may carry; keeps tokens (and checks) small.
const MAX_SCOPES: usize = 50;

/// The signing key: the configured secret, or 32 random bytes.
pub fn signing_key(secret: Option<&str>) -> Vec<u8> {
    match secret {
        Some(s) if !s.is_empty() => s.as_bytes().to_vec(),
        _ => {
            let mut key = vec![0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            key
        }
    }
}

/// What a token carries.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    /// The application's row id.
    pub app: i64,
    /// Its customer (checked again against the live application on use).
    pub cus: i64,
    /// Granted scopes, space-separated.
    pub scope: String,
    /// Issued and expiry, epoch seconds.
    pub iat: i64,
    pub exp: i64,
    /// Set on limited tokens: the end user they were made for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    /// Set on single-use limited tokens: the id their one use is recorded under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub once: Option<String>,
    /// A limited token (may not mint further limited tokens).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub limited: bool,
}

fn mac(key: &[u8], data: &str) -> Hmac<Sha256> {
    // HMAC takes keys of any length; this cannot fail.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length");
    m.update(data.as_bytes());
    m
}

/// Signs claims into a token.
pub fn sign(key: &[u8], claims: &Claims) -> String {
    let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    let head = format!("{PREFIX}.{payload}");
    let sig = URL_SAFE_NO_PAD.encode(mac(key, &head).finalize().into_bytes());
    format!("{head}.{sig}")
}

/// Verifies a token's signature and expiry (`now` in epoch seconds).
pub fn verify(key: &[u8], token: &str, now: i64) -> Option<Claims> {
    let (head, sig) = token.rsplit_once('.')?;
    let payload = head.strip_prefix(PREFIX)?.strip_prefix('.')?;
    let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
    // Constant-time comparison through the MAC itself.
    mac(key, head).verify_slice(&sig).ok()?;
    let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    (claims.exp > now).then_some(claims)
}

/// The form body of the token request.
#[derive(Debug, Deserialize)]
struct TokenForm {
    grant_type: Option<String>,
    #[serde(default)]
    scope: Option<String>,
}

/// The token response (the contract's fields).
#[derive(Debug, Serialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: i64,
    pub scope: String,
}

/// The application named by `Authorization: Basic base64(id:secret)`,
/// with the sign-in throttle's limits: a client id and an address that
/// keep failing are locked for a while (429), so secrets cannot be guessed
/// at line rate (issue #18).
async fn basic_client(
    state: &AppState,
    headers: &HeaderMap,
    address: Option<std::net::IpAddr>,
) -> KoneResult<ApiClient> {
    use hoistway_app::throttle::{PER_ACCOUNT, PER_ADDRESS};
    let now = state.clock.now();
    let address_key = address.map(|a| format!("kone-address:{a}"));
    let locked = |key: &str, limit| state.throttle.locked_for(key, limit, now);
    if let Some(wait) = address_key.as_deref().and_then(|k| locked(k, PER_ADDRESS)) {
        return Err(too_many(wait));
    }
    let claimed = claimed_id(headers);
    let client_key = claimed.as_deref().map(|id| format!("kone-client:{id}"));
    if let Some(wait) = client_key.as_deref().and_then(|k| locked(k, PER_ACCOUNT)) {
        return Err(too_many(wait));
    }
    let checked = check_basic(state, headers).await;
    match &checked {
        Ok(_) => {
            if let Some(k) = &client_key {
                state.throttle.clear(k);
            }
        }
        Err(e) if e.status == StatusCode::UNAUTHORIZED => {
            for k in [&address_key, &client_key].into_iter().flatten() {
                state.throttle.fail(k, now);
            }
        }
        Err(_) => {}
    }
    checked
}

fn too_many(wait_seconds: u64) -> KoneError {
    KoneError::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!("too many failed attempts: try again in {wait_seconds} s"),
    )
}

/// The client id a Basic header names, checked or not.
fn claimed_id(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (_, encoded) = value.trim().split_once(' ')?;
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    Some(text.split_once(':')?.0.to_string())
}

async fn check_basic(state: &AppState, headers: &HeaderMap) -> KoneResult<ApiClient> {
    let refuse = || KoneError::unauthorized("invalid client credentials");
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            KoneError::unauthorized("send the client credentials as HTTP Basic authorization")
        })?;
    let (scheme, encoded) = value.trim().split_once(' ').ok_or_else(refuse)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(KoneError::unauthorized(
            "send the client credentials as HTTP Basic authorization",
        ));
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| refuse())?;
    let text = String::from_utf8(decoded).map_err(|_| refuse())?;
    let (id, secret) = text.split_once(':').ok_or_else(refuse)?;
    api_clients::authenticate(&state.db, id, secret)
        .await?
        .ok_or_else(refuse)
}

/// Checks one requested scope against the application's customer.
async fn check_scope(state: &AppState, client: &ApiClient, scope: &str) -> KoneResult<()> {
    let refuse = || {
        KoneError::forbidden(format!(
            "scope '{scope}' is not allowed for this application"
        ))
    };
    if scope == INVENTORY {
        return Ok(());
    }
    if let Some(group) = scope.strip_prefix("callgiving/group:") {
        let (building, group) = group.split_once(':').ok_or_else(|| {
            KoneError::bad_request(format!(
                "scope '{scope}': use callgiving/group:<building>:<group>"
            ))
        })?;
        let building: i64 = building.parse().map_err(|_| {
            KoneError::bad_request(format!("scope '{scope}': the building id is a number"))
        })?;
        if group.is_empty() {
            return Err(KoneError::bad_request(format!(
                "scope '{scope}': the group is missing"
            )));
        }
        let cust = customer_scope(client.customer_id);
        match buildings::get(&state.db, &cust, building).await {
            Ok(_) => {}
            Err(StoreError::NotFound(_)) => return Err(refuse()),
            Err(e) => return Err(e.into()),
        }
        // Only groups of the building's stored topology can be called, by
        // their number (see `group_no`).
        return match topology::get(&state.db, &cust, building).await {
            Ok(t) if group_no::id_of(t.groups.iter().map(|g| g.id.as_str()), group).is_some() => {
                Ok(())
            }
            Ok(_) | Err(StoreError::NotFound(_)) => Err(refuse()),
            Err(e) => Err(e.into()),
        };
    }
    for prefix in ["rtm/", "serviceinfo/"] {
        if let Some(ken) = scope.strip_prefix(prefix) {
            parse_ken(ken)
                .map_err(|e| KoneError::bad_request(format!("scope '{scope}': {}", e.message)))?;
            return match unit_of_ken(state, client.customer_id, ken).await? {
                Some(_) => Ok(()),
                None => Err(refuse()),
            };
        }
    }
    Err(KoneError::bad_request(format!("unknown scope '{scope}'")))
}

/// Parses and checks a space-separated scope request; an empty one grants
/// `application/inventory`.
pub async fn grant(state: &AppState, client: &ApiClient, requested: &str) -> KoneResult<String> {
    let mut scopes: Vec<&str> = Vec::new();
    for s in requested.split_whitespace() {
        if !scopes.contains(&s) {
            scopes.push(s);
        }
    }
    if scopes.is_empty() {
        scopes.push(INVENTORY);
    }
    if scopes.len() > MAX_SCOPES {
        return Err(KoneError::bad_request(format!(
            "at most {MAX_SCOPES} scopes per token"
        )));
    }
    for s in &scopes {
        check_scope(state, client, s).await?;
    }
    Ok(scopes.join(" "))
}

/// `POST /api/v2/oauth2/token`: client credentials in, bearer token out.
pub async fn issue(
    State(state): State<AppState>,
    connect: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> KoneResult<Json<TokenResponse>> {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form_type {
        return Err(KoneError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the body as application/x-www-form-urlencoded",
        ));
    }
    let client = basic_client(&state, &headers, connect.map(|c| c.0 .0.ip())).await?;
    let form: TokenForm = serde_urlencoded::from_bytes(&body)
        .map_err(|e| KoneError::bad_request(format!("malformed form body: {e}")))?;
    match form.grant_type.as_deref() {
        Some("client_credentials") => {}
        Some(other) => {
            return Err(KoneError::bad_request(format!(
                "unsupported grant_type '{other}' (client_credentials)"
            )))
        }
        None => return Err(KoneError::bad_request("grant_type is required")),
    }
    let scope = grant(&state, &client, form.scope.as_deref().unwrap_or("")).await?;
    let now = state.clock.now().timestamp();
    let ttl = state.settings.api_token_ttl.num_seconds();
    let claims = Claims {
        app: client.id,
        cus: client.customer_id,
        scope: scope.clone(),
        iat: now,
        exp: now + ttl,
        sub: None,
        once: None,
        limited: false,
    };
    Ok(Json(TokenResponse {
        access_token: sign(&crate::shared_of(&state).token_key, &claims),
        token_type: "Bearer",
        expires_in: ttl,
        scope,
    }))
}

/// An application calling with a valid bearer access token.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub client: ApiClient,
    pub scopes: Vec<String>,
    /// The token's claims (expiry, limited or not).
    pub claims: Claims,
}

impl ApiCaller {
    pub fn customer_id(&self) -> i64 {
        self.client.customer_id
    }

    /// Refuses with 403 unless the token carries `scope`.
    pub fn require(&self, scope: &str) -> KoneResult<()> {
        if self.scopes.iter().any(|s| s == scope) {
            Ok(())
        } else {
            Err(KoneError::forbidden(format!(
                "the access token does not carry scope '{scope}'"
            )))
        }
    }
}

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = KoneError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> KoneResult<Self> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, t)| t.trim().to_string())
            .ok_or_else(|| KoneError::unauthorized("send a bearer access token"))?;
        ApiCaller::of_token(state, &token).await
    }
}

impl ApiCaller {
    /// The application behind an access token (bearer header or the
    /// WebSocket's `accessToken` query parameter): signature, expiry, the
    /// application still active, single use.
    pub async fn of_token(state: &AppState, token: &str) -> KoneResult<Self> {
        let claims = verify(
            &crate::shared_of(state).token_key,
            token,
            state.clock.now().timestamp(),
        )
        .ok_or_else(|| KoneError::unauthorized("the access token is invalid or expired"))?;
        let client = api_clients::active(&state.db, claims.app)
            .await?
            .filter(|c| c.customer_id == claims.cus)
            .ok_or_else(|| KoneError::unauthorized("the application has been revoked"))?;
        if let Some(once) = &claims.once {
            if !crate::shared_of(state).used_tokens.first_use(
                once,
                claims.exp,
                state.clock.now().timestamp(),
            ) {
                return Err(KoneError::unauthorized(
                    "the single-use access token was already used",
                ));
            }
        }
        Ok(ApiCaller {
            client,
            scopes: claims.scope.split(' ').map(str::to_string).collect(),
            claims,
        })
    }
}

/// Ids of single-use tokens already used, until they expire. Per node: on a
/// cluster a single-use token could be used once per node (stateless tokens
/// have no shared record); the short lifetime bounds that.
#[derive(Debug, Default)]
pub struct UsedTokens(std::sync::Mutex<std::collections::HashMap<String, i64>>);

impl UsedTokens {
    /// Records a use; false if the id was used before.
    pub fn first_use(&self, id: &str, exp: i64, now: i64) -> bool {
        let mut used = self.0.lock().unwrap_or_else(|p| p.into_inner());
        used.retain(|_, e| *e > now);
        used.insert(id.to_string(), exp).is_none()
    }
}

/// The body of `POST /api/v2/oauth2/limited-token`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LimitedRequest {
    #[serde(default)]
    end_user_identity: Option<String>,
    scopes: Vec<String>,
    #[serde(default)]
    max_age_seconds: Option<i64>,
    #[serde(default)]
    single_use: bool,
}

/// `POST /api/v2/oauth2/limited-token`: a shorter-lived token, for an end
/// user, carrying a subset of the caller's (master token's) scopes.
pub async fn limited(
    State(state): State<AppState>,
    caller: ApiCaller,
    body: axum::body::Bytes,
) -> KoneResult<Json<TokenResponse>> {
    if caller.claims.limited {
        return Err(KoneError::forbidden(
            "a limited token cannot create further limited tokens",
        ));
    }
    let req: LimitedRequest = serde_json::from_slice(&body).map_err(|e| {
        KoneError::bad_request(format!(
            "send {{\"scopes\": [...], \"maxAgeSeconds\": N, \"singleUse\": bool}} as JSON: {e}"
        ))
    })?;
    let mut scopes: Vec<&str> = Vec::new();
    for s in req.scopes.iter().flat_map(|s| s.split_whitespace()) {
        if !scopes.contains(&s) {
            scopes.push(s);
        }
    }
    if scopes.is_empty() || scopes.len() > MAX_SCOPES {
        return Err(KoneError::bad_request(format!(
            "scopes must name 1 to {MAX_SCOPES} scopes"
        )));
    }
    for s in &scopes {
        caller.require(s)?;
    }
    let max_age = req.max_age_seconds.unwrap_or(60);
    if !(1..=3600).contains(&max_age) {
        return Err(KoneError::bad_request("maxAgeSeconds must be 1 to 3600"));
    }
    let sub = req
        .end_user_identity
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty());
    if sub.as_ref().is_some_and(|u| u.chars().count() > 200) {
        return Err(KoneError::bad_request(
            "endUserIdentity is at most 200 characters",
        ));
    }
    let now = state.clock.now().timestamp();
    // Never outlives the token it was made from.
    let exp = (now + max_age).min(caller.claims.exp);
    let mut id = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut id);
    let claims = Claims {
        app: caller.client.id,
        cus: caller.client.customer_id,
        scope: scopes.join(" "),
        iat: now,
        exp,
        sub,
        once: req.single_use.then(|| URL_SAFE_NO_PAD.encode(id)),
        limited: true,
    };
    Ok(Json(TokenResponse {
        access_token: sign(&crate::shared_of(&state).token_key, &claims),
        token_type: "Bearer",
        expires_in: exp - now,
        scope: claims.scope,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_refuse_tampering_and_expiry() {
        let key = signing_key(Some("k"));
        let c = Claims {
            app: 1,
            cus: 2,
            scope: "rtm/ken:1".into(),
            iat: 100,
            exp: 200,
            sub: None,
            once: None,
            limited: false,
        };
        let t = sign(&key, &c);
        assert!(t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)));
        assert_eq!(verify(&key, &t, 150), Some(c.clone()));
        assert_eq!(verify(&key, &t, 200), None, "expired");
        assert_eq!(verify(&signing_key(Some("other")), &t, 150), None);
        let forged = sign(
            &signing_key(Some("other")),
            &Claims {
                cus: 3,
                ..c.clone()
            },
        );
        let (_, sig) = t.rsplit_once('.').unwrap();
        let (head, _) = forged.rsplit_once('.').unwrap();
        assert_eq!(verify(&key, &format!("{head}.{sig}"), 150), None);
        assert_eq!(verify(&key, "garbage", 150), None);
    }
}
