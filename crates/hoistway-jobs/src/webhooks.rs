//! Outgoing webhooks: the driver that sends queued deliveries
//! (`hoistway_store::webhooks::outbox`), signed per Standard Webhooks.
//!
//! Every request is a `POST` of the stored JSON body with `webhook-id`
//! (the delivery's message id, the same on every retry), `webhook-timestamp`
//! (Unix seconds of this attempt) and `webhook-signature: v1,<base64>`, the
//! HMAC-SHA256 of `{id}.{timestamp}.{body}` under the endpoint's secret
//! (the base64 after `whsec_`). A 2xx answer delivers; anything else,
//! including a redirect (never followed) or no answer within 10 s, is a
//! failed attempt retried with the outbox's backoff.
//!
//! The endpoint's address is checked again at send time: the URL against
//! the node's policy ([`hoistway_app::webhook_url`]), and every address a
//! host name resolves to (a name may point inside the network, or be
//! re-pointed after it was registered). No proxy is used, so the check
//! sees the addresses actually connected to.

use base64::Engine;
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use hoistway_app::state::AppState;
use hoistway_app::webhook_url::{self, WebhookSettings};
use hoistway_store::webhooks::outbox::{self, Due, Outcome};
use sha2::Sha256;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// Deliveries in flight at once per node.
const PARALLEL: usize = 8;

/// Claimed per round: with [`PARALLEL`] requests of at most [`TIMEOUT`]
/// each, a round ends (40 s) before its lease (60 s) runs out.
const BATCH: i64 = 32;

/// Why a signature could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SignError {
    #[error("the secret is not `whsec_` followed by base64")]
    BadSecret,
}

/// The `webhook-signature` value: `v1,` + base64 of the HMAC-SHA256 of
/// `{id}.{timestamp}.{body}` keyed with the secret's decoded bytes.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, SignError> {
    let key = secret
        .strip_prefix("whsec_")
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .ok_or(SignError::BadSecret)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|_| SignError::BadSecret)?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    ))
}

/// Resolves host names, keeping only the addresses the policy allows.
struct GuardedResolver {
    allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> = all
                .into_iter()
                .filter(|a| allow_private || webhook_url::is_public(a.ip()))
                .collect();
            if kept.is_empty() {
                return Err(format!("{host} resolves to no public address").into());
            }
            Ok(Box::new(kept.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The HTTP client of webhook deliveries.
#[derive(Clone)]
pub struct Sender {
    http: reqwest::Client,
    settings: WebhookSettings,
}

impl Sender {
    pub fn new(settings: &WebhookSettings) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private: settings.allow_private,
            }))
            .user_agent(concat!("Hoistway-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            http,
            settings: settings.clone(),
        })
    }

    /// Sends one delivery once; `timestamp` is this attempt's instant.
    pub async fn send(&self, due: &Due, timestamp: i64) -> Outcome {
        let started = std::time::Instant::now();
        let (status_code, error) = self.attempt(due, timestamp).await;
        Outcome {
            status_code,
            error,
            duration_ms: started.elapsed().as_millis().try_into().unwrap_or(i64::MAX),
        }
    }

    async fn attempt(&self, due: &Due, timestamp: i64) -> (Option<u16>, Option<String>) {
        // The policy may be stricter than when the endpoint was saved.
        if let Err(e) = webhook_url::check(&due.url, &self.settings) {
            return (None, Some(format!("refused: the url {}", e.message)));
        }
        let signature = match sign(&due.secret, &due.message_id, timestamp, &due.body) {
            Ok(s) => s,
            Err(e) => return (None, Some(e.to_string())),
        };
        let sent = self
            .http
            .post(&due.url)
            .header("content-type", "application/json")
            .header("webhook-id", &due.message_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(due.body.clone())
            .send()
            .await;
        let res = match sent {
            Ok(res) => res,
            Err(e) => return (None, Some(describe(&e))),
        };
        let status = res.status();
        if status.is_success() {
            return (Some(status.as_u16()), None);
        }
        let error = if status.is_redirection() {
            format!("the endpoint answered {status}; redirects are not followed")
        } else {
            format!("the endpoint answered {status}")
        };
        (Some(status.as_u16()), Some(error))
    }
}

/// A request error in plain words, with its innermost cause.
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        return format!("no answer within {} s", TIMEOUT.as_secs());
    }
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    if e.is_connect() {
        format!("could not connect: {cause}")
    } else {
        format!("request failed: {cause}")
    }
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WebhookRun {
    pub delivered: usize,
    pub failed: usize,
}

/// Sends every due delivery once (claimed with a lease, so one node sends
/// each) and records the attempts.
pub async fn deliver_due(state: &AppState, sender: &Sender) -> WebhookRun {
    let mut run = WebhookRun::default();
    let now = state.clock.now();
    let due = match outbox::claim(&state.db, now, chrono::Duration::seconds(60), BATCH).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::warn!(error = %e, "claiming webhook deliveries failed");
            return run;
        }
    };
    let results: Vec<(Due, Outcome)> = futures_util::stream::iter(due)
        .map(|d| async move {
            let outcome = sender.send(&d, state.clock.now().timestamp()).await;
            (d, outcome)
        })
        .buffer_unordered(PARALLEL)
        .collect()
        .await;
    for (d, outcome) in results {
        if outcome.delivered() {
            run.delivered += 1;
        } else {
            run.failed += 1;
            tracing::info!(
                delivery = d.id,
                endpoint = d.endpoint_id,
                error = outcome.error.as_deref().unwrap_or(""),
                "webhook delivery failed; will retry"
            );
        }
        if let Err(e) = outbox::record_attempt(&state.db, &d, state.clock.now(), &outcome).await {
            tracing::warn!(error = %e, delivery = d.id, "recording a webhook attempt failed");
        }
    }
    run
}

/// Starts the delivery loop of this node (and, hourly, the purge of
/// settled deliveries past [`outbox::retention`]); it runs until the
/// runtime shuts down.
pub fn spawn(state: AppState, every: Duration) -> Result<JoinHandle<()>, String> {
    let sender = Sender::new(&state.settings.webhooks)?;
    Ok(tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut purged_at = None;
        loop {
            tick.tick().await;
            deliver_due(&state, &sender).await;
            // The log keeps settled deliveries for a while, then forgets
            // them; hourly is plenty (idempotent, so every node may do it).
            let now = state.clock.now();
            if purged_at.is_none_or(|at| now - at >= chrono::Duration::hours(1)) {
                purged_at = Some(now);
                if let Err(e) = outbox::purge_settled(&state.db, now - outbox::retention()).await {
                    tracing::warn!(error = %e, "purging the webhook log failed");
                }
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification's reference
    /// libraries.
    #[test]
    fn signs_like_the_standard_webhooks_reference() {
        let sig = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        )
        .unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    /// A name that resolves inside the network is refused at connect
    /// time too (the URL check cannot see where a name points).
    #[tokio::test]
    async fn the_resolver_keeps_only_public_addresses() {
        use reqwest::dns::Resolve;
        let name = || "localhost".parse::<reqwest::dns::Name>().unwrap();
        let strict = GuardedResolver {
            allow_private: false,
        };
        let refused = match strict.resolve(name()).await {
            Ok(_) => panic!("localhost must not resolve for a webhook"),
            Err(e) => e.to_string(),
        };
        assert!(refused.contains("no public address"), "{refused}");
        let open = GuardedResolver {
            allow_private: true,
        };
        let addrs: Vec<SocketAddr> = open.resolve(name()).await.unwrap().collect();
        assert!(addrs.iter().any(|a| a.ip().is_loopback()), "{addrs:?}");
    }

    #[test]
    fn a_secret_without_its_prefix_is_refused() {
        assert!(sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", 1, "{}").is_err());
    }
}
