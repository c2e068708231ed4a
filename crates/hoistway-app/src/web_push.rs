//! Web Push's server identity and the checks on a browser's subscription.
//!
//! The server signs every push with its VAPID key (RFC 8292): a P-256 key
//! pair whose public half the browser received as `applicationServerKey`
//! when it subscribed, so the push service accepts pushes only from us.
//! The key comes from the configuration (`HOISTWAY_VAPID_PRIVATE_KEY`) or
//! is made on first use and kept in the database, one for every node
//! ([`vapid_key`]). The message itself is encrypted for the browser
//! (RFC 8291) by the delivery job (`hoistway-jobs`).
//!
//! The VAPID token is an ES256 JWT written here rather than by a JWT
//! library: three claims, signed with `p256`, dated by the app's clock
//! (a library would read the wall clock) and with the endpoint's full
//! origin as audience, port included.

use crate::error::AppError;
use crate::state::AppState;
use axum::http::Uri;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use hoistway_domain::Invalid;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use std::sync::Arc;

/// Settings of Web Push.
#[derive(Clone, Default)]
pub struct WebPushSettings {
    /// The VAPID private key, base64url of the 32-byte P-256 scalar. Unset:
    /// made on first use and stored in the database.
    pub vapid_private_key: Option<String>,
    /// Who runs this server, for push services to contact (`mailto:` or
    /// `https:`); the VAPID token's `sub`.
    pub subject: String,
    /// Accept `http://` push endpoints. Only for tests, whose stand-in push
    /// service has no certificate: real browsers' endpoints are HTTPS, and
    /// a plain-HTTP one would let a user aim the server at internal
    /// addresses.
    pub allow_insecure_endpoints: bool,
}

impl std::fmt::Debug for WebPushSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebPushSettings")
            .field(
                "vapid_private_key",
                &self.vapid_private_key.as_ref().map(|_| "***"),
            )
            .field("subject", &self.subject)
            .field("allow_insecure_endpoints", &self.allow_insecure_endpoints)
            .finish()
    }
}

impl WebPushSettings {
    /// The `sub` claim: the configured contact, or a placeholder address.
    pub fn subject(&self) -> &str {
        if self.subject.is_empty() {
            "mailto:noreply@hoistway.example"
        } else {
            &self.subject
        }
    }
}

/// The server's VAPID key pair.
pub struct VapidKey {
    signing: SigningKey,
    public: String,
}

impl std::fmt::Debug for VapidKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VapidKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}

fn decode(field: &'static str, text: &str) -> Result<Vec<u8>, Invalid> {
    URL_SAFE_NO_PAD
        .decode(text.trim().trim_end_matches('='))
        .map_err(|_| Invalid::new(field, "must be base64url"))
}

impl VapidKey {
    /// A new random key pair.
    pub fn generate() -> Self {
        Self::from_signing(SigningKey::random(&mut rand::rngs::OsRng))
    }

    fn from_signing(signing: SigningKey) -> Self {
        let point = signing.verifying_key().to_encoded_point(false);
        Self {
            public: URL_SAFE_NO_PAD.encode(point.as_bytes()),
            signing,
        }
    }

    /// The key of a base64url private scalar (the configuration's form).
    pub fn from_private(text: &str) -> Result<Self, Invalid> {
        let bytes = decode("vapid_private_key", text)?;
        let signing = SigningKey::from_slice(&bytes)
            .map_err(|_| Invalid::new("vapid_private_key", "is not a P-256 private key"))?;
        Ok(Self::from_signing(signing))
    }

    /// The private scalar, base64url (to store it).
    pub fn private(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.signing.to_bytes())
    }

    /// The uncompressed public point, base64url: the browser's
    /// `applicationServerKey` and the `k` of every push.
    pub fn public(&self) -> &str {
        &self.public
    }

    /// The `Authorization` header of a push to `endpoint`:
    /// `vapid t=<ES256 JWT>, k=<public key>`, valid until `expires`
    /// (RFC 8292 allows at most 24 hours ahead).
    pub fn authorization(
        &self,
        endpoint: &str,
        subject: &str,
        expires: DateTime<Utc>,
    ) -> Result<String, Invalid> {
        let aud = origin(endpoint).ok_or_else(|| Invalid::new("endpoint", "must be a URL"))?;
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
        let claims = serde_json::json!({ "aud": aud, "exp": expires.timestamp(), "sub": subject });
        let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
        let input = format!("{header}.{claims}");
        let signature: Signature = self.signing.sign(input.as_bytes());
        let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()));
        Ok(format!("vapid t={token}, k={}", self.public))
    }
}

/// `scheme://host[:port]` of a URL, the port only when it is not the
/// scheme's default (the JWT's audience, RFC 8292 §2).
pub fn origin(url: &str) -> Option<String> {
    let uri: Uri = url.parse().ok()?;
    let scheme = uri.scheme_str()?;
    let host = uri.host()?;
    Some(match (scheme, uri.port_u16()) {
        ("https", Some(443)) | ("http", Some(80)) | (_, None) => format!("{scheme}://{host}"),
        (_, Some(port)) => format!("{scheme}://{host}:{port}"),
    })
}

/// A browser's subscription as it arrives: its fields checked.
pub fn check_subscription(
    settings: &WebPushSettings,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
) -> Result<(), Invalid> {
    if endpoint.len() > 2048 {
        return Err(Invalid::new("endpoint", "is longer than 2048 characters"));
    }
    let uri: Uri = endpoint
        .parse()
        .map_err(|_| Invalid::new("endpoint", "must be a URL"))?;
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if settings.allow_insecure_endpoints => {}
        _ => return Err(Invalid::new("endpoint", "must be an https:// URL")),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(Invalid::new("endpoint", "must name a host"));
    }
    let key = decode("keys.p256dh", p256dh)?;
    if p256::PublicKey::from_sec1_bytes(&key).is_err() || key.len() != 65 {
        return Err(Invalid::new(
            "keys.p256dh",
            "must be an uncompressed P-256 public key",
        ));
    }
    if decode("keys.auth", auth)?.len() != 16 {
        return Err(Invalid::new("keys.auth", "must be 16 bytes"));
    }
    Ok(())
}

/// One slot per process: the key, once read or made.
#[derive(Default)]
struct Slot(tokio::sync::OnceCell<Arc<VapidKey>>);

/// The server's VAPID key: the configured one, else the stored one, else a
/// new one stored now (the first node to store it wins; the others read it).
pub async fn vapid_key(state: &AppState) -> Result<Arc<VapidKey>, AppError> {
    let slot = state.capabilities.get_or_init(Slot::default);
    slot.0
        .get_or_try_init(|| async {
            if let Some(text) = &state.settings.web_push.vapid_private_key {
                return Ok(Arc::new(VapidKey::from_private(text).map_err(|e| {
                    AppError::Internal(format!("the configured VAPID key: {e}"))
                })?));
            }
            let stored = match hoistway_store::push::vapid_key(&state.db).await? {
                Some(pair) => pair,
                None => {
                    let made = VapidKey::generate();
                    hoistway_store::push::vapid_key_or_insert(
                        &state.db,
                        state.clock.now(),
                        (&made.private(), made.public()),
                    )
                    .await?
                }
            };
            VapidKey::from_private(&stored.0)
                .map(Arc::new)
                .map_err(|e| AppError::Internal(format!("the stored VAPID key: {e}")))
        })
        .await
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::VerifyingKey;

    #[test]
    fn the_origin_keeps_a_port_only_when_it_is_not_the_default() {
        assert_eq!(
            origin("https://push.example/wpush/v2/abc").as_deref(),
            Some("https://push.example")
        );
        assert_eq!(
            origin("https://push.example:443/x").as_deref(),
            Some("https://push.example")
        );
        assert_eq!(
            origin("http://127.0.0.1:8123/push/1").as_deref(),
            Some("http://127.0.0.1:8123")
        );
        assert_eq!(origin("not a url"), None);
    }

    #[test]
    fn a_key_round_trips_through_its_private_text() {
        let k = VapidKey::generate();
        let again = VapidKey::from_private(&k.private()).unwrap();
        assert_eq!(k.public(), again.public());
        assert_eq!(URL_SAFE_NO_PAD.decode(k.public()).unwrap().len(), 65);
        assert_eq!(
            VapidKey::from_private("AAAA").unwrap_err().field,
            "vapid_private_key"
        );
    }

    #[test]
    fn the_token_verifies_with_the_public_key_and_names_the_origin() {
        let k = VapidKey::generate();
        let exp = DateTime::from_timestamp(2_000_000_000, 0).unwrap();
        let header = k
            .authorization("https://push.example:8443/p/1", "mailto:a@b.example", exp)
            .unwrap();
        let (t, key) = header
            .strip_prefix("vapid t=")
            .unwrap()
            .split_once(", k=")
            .unwrap();
        assert_eq!(key, k.public());
        let (input, sig) = t.rsplit_once('.').unwrap();
        let vk = VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(key).unwrap()).unwrap();
        let sig = Signature::from_slice(&URL_SAFE_NO_PAD.decode(sig).unwrap()).unwrap();
        vk.verify(input.as_bytes(), &sig).unwrap();
        let claims: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(input.split('.').nth(1).unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(claims["aud"], "https://push.example:8443");
        assert_eq!(claims["exp"], 2_000_000_000);
        assert_eq!(claims["sub"], "mailto:a@b.example");
    }

    #[test]
    fn subscriptions_are_checked_field_by_field() {
        let s = WebPushSettings::default();
        let browser = p256::SecretKey::random(&mut rand::rngs::OsRng).public_key();
        let p256dh = URL_SAFE_NO_PAD.encode(browser.to_sec1_bytes());
        let auth = URL_SAFE_NO_PAD.encode([7u8; 16]);
        let ok = "https://push.example/p/1";
        assert!(check_subscription(&s, ok, &p256dh, &auth).is_ok());
        let field = |e: &str, p: &str, a: &str| check_subscription(&s, e, p, a).unwrap_err().field;
        assert_eq!(field("http://10.0.0.1/p", &p256dh, &auth), "endpoint");
        assert_eq!(field("file:///etc/passwd", &p256dh, &auth), "endpoint");
        assert_eq!(field(ok, "AAAA", &auth), "keys.p256dh");
        assert_eq!(field(ok, &p256dh, "AAAA"), "keys.auth");
        let lax = WebPushSettings {
            allow_insecure_endpoints: true,
            ..Default::default()
        };
        assert!(check_subscription(&lax, "http://127.0.0.1:9/p", &p256dh, &auth).is_ok());
    }
}
