//! Web Push delivery (RFC 8030): one POST per subscribed browser of the
//! user to the browser's push service, the message encrypted for that
//! browser with `aes128gcm` (RFC 8291, by `web-push-native`) and signed
//! with the server's VAPID key (RFC 8292, `hoistway_app::web_push`).
//!
//! The service worker shows the message (`showNotification`) and opens
//! its `link` on click. A push service that answers 404 or 410 has
//! forgotten the subscription (the browser unsubscribed or was reset): the
//! subscription is removed, audited as the system's doing.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hoistway_app::state::AppState;
use hoistway_app::web_push::{check_subscription, vapid_key, VapidKey};
use hoistway_store::notifications::Notification;
use hoistway_store::push::{self, Subscription};
use std::time::Duration;
use web_push_native::{p256, Auth, WebPushBuilder};

/// How long a push service keeps a message for a browser that is offline
/// (the `TTL` header); also how long the VAPID token is valid.
pub const TTL: Duration = Duration::from_secs(12 * 60 * 60);

/// Longest body text in a push: push services take 4 kB, encryption
/// included.
const MAX_BODY_CHARS: usize = 600;

/// What a round of pushes to one user's browsers did.
#[derive(Debug, Default)]
pub struct Sent {
    /// Browsers whose push service took the message.
    pub accepted: usize,
    /// Subscriptions the push service no longer knows, now removed.
    pub gone: usize,
    /// Other failures, one line per browser.
    pub errors: Vec<String>,
}

/// The JSON the service worker receives: title, text, the page to open
/// and a tag (a repeat of the same notice replaces the shown one).
pub fn payload(n: &Notification) -> Vec<u8> {
    let link = n.user_role.and_then(|role| {
        hoistway_app::links::notice_page(role, n.case_number.as_deref(), n.invoice_id)
            .or_else(|| hoistway_app::links::event_page(role, &n.event))
    });
    let body: String = n.body.chars().take(MAX_BODY_CHARS).collect();
    serde_json::json!({
        "title": n.subject,
        "body": body,
        "link": link.unwrap_or_else(|| "/notifications".into()),
        "tag": n.dedupe_key,
    })
    .to_string()
    .into_bytes()
}

/// Pushes `n` to every subscribed browser of its user.
pub async fn send(state: &AppState, http: &reqwest::Client, n: &Notification) -> Sent {
    let mut sent = Sent::default();
    let subs = match push::of_user(&state.db, n.user_id).await {
        Ok(s) => s,
        Err(e) => {
            sent.errors.push(format!("reading push subscriptions: {e}"));
            return sent;
        }
    };
    if subs.is_empty() {
        return sent;
    }
    let key = match vapid_key(state).await {
        Ok(k) => k,
        Err(e) => {
            sent.errors.push(format!("VAPID key: {e}"));
            return sent;
        }
    };
    let body = payload(n);
    for sub in subs {
        match one(state, http, &key, &sub, &body).await {
            Ok(status) if status.is_success() => sent.accepted += 1,
            Ok(status) if status == 404 || status == 410 => {
                match push::remove_gone(&state.db, state.system_actor(), &sub).await {
                    Ok(()) => sent.gone += 1,
                    Err(e) => sent
                        .errors
                        .push(format!("removing a gone subscription: {e}")),
                }
            }
            Ok(status) => sent.errors.push(format!(
                "push service answered {status} for subscription {}",
                sub.id
            )),
            Err(e) => sent
                .errors
                .push(format!("push to subscription {}: {e}", sub.id)),
        }
    }
    sent
}

/// One encrypted, signed POST to one browser's push service.
async fn one(
    state: &AppState,
    http: &reqwest::Client,
    key: &VapidKey,
    sub: &Subscription,
    body: &[u8],
) -> Result<reqwest::StatusCode, String> {
    // Checked again: a setting may have changed since it was stored.
    check_subscription(
        &state.settings.web_push,
        &sub.endpoint,
        &sub.p256dh,
        &sub.auth,
    )
    .map_err(|e| e.to_string())?;
    let decode = |t: &str| URL_SAFE_NO_PAD.decode(t).map_err(|e| e.to_string());
    let ua_public =
        p256::PublicKey::from_sec1_bytes(&decode(&sub.p256dh)?).map_err(|e| e.to_string())?;
    let auth = Auth::clone_from_slice(&decode(&sub.auth)?);
    let endpoint: http::Uri = sub.endpoint.parse().map_err(|e| format!("{e}"))?;
    let request = WebPushBuilder::new(endpoint, ua_public, auth)
        .with_valid_duration(TTL)
        .build(body.to_vec())
        .map_err(|e| e.to_string())?;
    let expires = state.clock.now() + chrono::Duration::from_std(TTL).unwrap_or_default();
    let authorization = key
        .authorization(&sub.endpoint, state.settings.web_push.subject(), expires)
        .map_err(|e| e.to_string())?;
    let mut request = reqwest::Request::try_from(request).map_err(|e| e.to_string())?;
    request.headers_mut().insert(
        http::header::AUTHORIZATION,
        http::HeaderValue::from_str(&authorization).map_err(|e| e.to_string())?,
    );
    let res = http.execute(request).await.map_err(|e| e.to_string())?;
    Ok(res.status())
}
