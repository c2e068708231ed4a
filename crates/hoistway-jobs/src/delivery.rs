//! Notification drivers: they take outbox rows and deliver them.
//!
//! - email over SMTP (lettre), with a `Message-ID` derived from the row's
//!   dedupe key so a mail client shows a redelivered message once;
//! - SMS through a provider webhook: a JSON POST carrying the dedupe key as
//!   `Idempotency-Key`, so the provider drops a repeat;
//! - push: Web Push (VAPID, `aes128gcm`; [`crate::web_push`]) to every
//!   browser the user subscribed, and into the portal's live stream of
//!   that user. A push counts as delivered when a push service took it or
//!   an open stream did; otherwise the attempt is recorded as failed and
//!   retried with backoff.
//!
//! A channel with no driver configured keeps its rows pending; a driver
//! that fails schedules a retry with backoff. Nothing is dropped.

use chrono::Duration;
use hoistway_app::live::LiveEvent;
use hoistway_app::state::AppState;
use hoistway_store::notifications::{self, Notification};
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// Where notifications go.
#[derive(Debug, Clone, Default)]
pub struct DeliverySettings {
    /// `smtp://host:port` (plain SMTP; put a relay with TLS in front for the
    /// internet).
    pub smtp_url: Option<String>,
    /// The From address of e-mails.
    pub smtp_from: String,
    /// URL the SMS provider webhook listens on.
    pub sms_webhook_url: Option<String>,
}

/// The configured drivers.
#[derive(Clone)]
pub struct Drivers {
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
    from: lettre::message::Mailbox,
    sms_url: Option<String>,
    http: reqwest::Client,
    /// For push services: follows no redirect, so a stored endpoint cannot
    /// bounce the server to another address.
    push_http: reqwest::Client,
}

/// What one delivery round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryRun {
    pub delivered: usize,
    pub failed: usize,
}

impl Drivers {
    pub fn new(settings: &DeliverySettings) -> Result<Self, String> {
        let smtp = match settings.smtp_url.as_deref() {
            None => None,
            Some(url) => {
                let rest = url
                    .strip_prefix("smtp://")
                    .ok_or_else(|| format!("SMTP URL {url:?} must start with smtp://"))?;
                let (host, port) = match rest.rsplit_once(':') {
                    Some((h, p)) => (
                        h.to_string(),
                        p.trim_end_matches('/')
                            .parse::<u16>()
                            .map_err(|_| format!("bad SMTP port in {url:?}"))?,
                    ),
                    None => (rest.trim_end_matches('/').to_string(), 25),
                };
                Some(
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                        .port(port)
                        .timeout(Some(std::time::Duration::from_secs(10)))
                        .build(),
                )
            }
        };
        let from_text = if settings.smtp_from.is_empty() {
            "Hoistway <noreply@hoistway.example>"
        } else {
            &settings.smtp_from
        };
        let from = from_text
            .parse()
            .map_err(|e| format!("bad From address {from_text:?}: {e}"))?;
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        let push_http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            smtp,
            from,
            sms_url: settings.sms_webhook_url.clone(),
            http,
            push_http,
        })
    }

    async fn email(&self, n: &Notification) -> Result<bool, String> {
        let Some(smtp) = &self.smtp else {
            return Ok(false);
        };
        let to = n
            .address
            .as_deref()
            .ok_or("the user has no e-mail address")?
            .parse()
            .map_err(|e| format!("bad recipient: {e}"))?;
        let id = n.dedupe_key.replace(['/', ':', ' '], ".");
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&n.subject)
            .message_id(Some(format!("<{id}@hoistway>")))
            .header(ContentType::TEXT_PLAIN)
            .body(n.body.clone())
            .map_err(|e| e.to_string())?;
        smtp.send(message).await.map_err(|e| e.to_string())?;
        Ok(true)
    }

    async fn sms(&self, n: &Notification) -> Result<bool, String> {
        let Some(url) = &self.sms_url else {
            return Ok(false);
        };
        let to = n.address.as_deref().ok_or("the user has no phone number")?;
        let res = self
            .http
            .post(url)
            .header("idempotency-key", &n.dedupe_key)
            .json(&serde_json::json!({
                "to": to,
                "text": format!("{}: {}", n.subject, n.body),
                "dedupe_key": n.dedupe_key,
            }))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if res.status().is_success() {
            Ok(true)
        } else {
            Err(format!("SMS webhook answered {}", res.status()))
        }
    }
}

/// What a push attempt records when its user has no subscribed browser and
/// no open stream here.
pub const NO_OPEN_STREAM: &str =
    "no push subscription and no open live stream of the user on this node";

/// Pushes a row to the user's subscribed browsers (Web Push) and hands it
/// to the user's open live streams (published in the user's own tenant,
/// addressed to them alone). Delivered if either took it; a push that
/// neither took is a failed attempt retried with the usual backoff (the
/// in-portal list shows it meanwhile).
async fn push(state: &AppState, drivers: &Drivers, n: &Notification) -> Result<bool, String> {
    let event = LiveEvent::personal(
        "notification",
        n.user_id,
        n.user_customer_id,
        serde_json::json!({
            "id": n.id, "event": n.event, "subject": n.subject, "body": n.body, "case_id": n.case_id,
        }),
    );
    let streamed = state.live.deliver(event);
    let sent = crate::web_push::send(state, &drivers.push_http, n).await;
    if sent.gone > 0 {
        tracing::info!(
            id = n.id,
            gone = sent.gone,
            "push subscriptions gone; removed"
        );
    }
    if sent.accepted > 0 || streamed {
        if !sent.errors.is_empty() {
            tracing::warn!(id = n.id, errors = ?sent.errors, "some browsers got no push");
        }
        Ok(true)
    } else if sent.errors.is_empty() {
        Err(NO_OPEN_STREAM.to_string())
    } else {
        Err(sent.errors.join("; "))
    }
}

/// Delivers what is due on every channel once.
pub async fn deliver_due(state: &AppState, drivers: &Drivers) -> DeliveryRun {
    let mut run = DeliveryRun::default();
    for channel in ["email", "sms", "push"] {
        let now = state.clock.now();
        let rows =
            match notifications::claim(&state.db, channel, now, Duration::seconds(60), 100).await {
                Ok(rows) => rows,
                Err(e) => {
                    tracing::warn!(error = %e, channel, "claiming notifications failed");
                    continue;
                }
            };
        for n in rows {
            let outcome = match channel {
                "email" => drivers.email(&n).await,
                "sms" => drivers.sms(&n).await,
                _ => push(state, drivers, &n).await,
            };
            let labels = vec![("channel".to_string(), channel.to_string())];
            let now = state.clock.now();
            let stored = match outcome {
                Ok(true) => {
                    state
                        .metrics
                        .notifications_delivered
                        .get_or_create(&labels)
                        .inc();
                    run.delivered += 1;
                    notifications::mark_delivered(&state.db, n.id, now).await
                }
                // No driver configured: put it back for later, untouched.
                Ok(false) => notifications::release(&state.db, n.id).await,
                Err(error) => {
                    if error == NO_OPEN_STREAM {
                        // Routine: the user is not in the portal right now.
                        tracing::debug!(id = n.id, "push waits for its user's stream");
                    } else {
                        tracing::warn!(%error, channel, id = n.id, "delivery failed; will retry");
                    }
                    state
                        .metrics
                        .notifications_failed
                        .get_or_create(&labels)
                        .inc();
                    run.failed += 1;
                    notifications::mark_failed(&state.db, &n, now, &error).await
                }
            };
            if let Err(e) = stored {
                tracing::warn!(error = %e, id = n.id, "recording a delivery failed");
            }
        }
    }
    run
}
