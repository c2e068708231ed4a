//! The broker connection: telemetry in, command acknowledgements in,
//! commands out.
//!
//! Hoistway subscribes with a shared subscription
//! (`$share/hoistway/hoistway/v1/units/+/telemetry`), so several nodes on
//! one broker split the stream. Sessions are persistent (clean session off,
//! a stable client id per node) and acknowledgements are manual: a PUBACK
//! goes out only after the transaction holding the message's events has
//! committed. A node killed mid-batch leaves its messages unacknowledged,
//! and the broker sends them again when the node reconnects; the database
//! drops the ones that had been stored.
//!
//! Broker settings this relies on (see `hoistway mqtt acl`, which writes
//! them): `max_queued_messages 0` (the default, 1000, drops QoS 1 messages
//! beyond it for a slow or offline subscriber) and a larger
//! `max_inflight_messages` for throughput.
//!
//! A message payload is one event or NDJSON (several events of the topic's
//! unit); every event's `unit` must name the topic's unit (its equipment
//! number or id), otherwise it is dead-lettered.

use super::credentials::TOPIC_PREFIX;
use super::publisher::Publisher;
use hoistway_app::state::AppState;
use hoistway_domain::Invalid;
use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS, TlsConfiguration, Transport};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Where and how to connect.
#[derive(Clone)]
pub struct MqttConfig {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<String>,
    /// Stable per node, so the broker keeps its session across restarts.
    pub client_id: String,
    /// Largest message accepted, bytes.
    pub max_packet: usize,
    /// TLS (`mqtts://`): the client configuration, trusting the public
    /// web roots or, after [`MqttConfig::trust_only`], one CA.
    pub tls: Option<Arc<rustls::ClientConfig>>,
}

impl std::fmt::Debug for MqttConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MqttConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("client_id", &self.client_id)
            .field("tls", &self.tls.is_some())
            .finish()
    }
}

impl MqttConfig {
    /// Parses `mqtt://[user[:password]@]host[:port]` (port 1883 by
    /// default) or `mqtts://…` for TLS (port 8883 by default).
    pub fn parse(url: &str, client_id: &str) -> Result<MqttConfig, Invalid> {
        let bad = |why: &str| Invalid::new("mqtt_url", format!("'{url}' {why}"));
        let (rest, tls) = if let Some(r) = url
            .strip_prefix("mqtts://")
            .or_else(|| url.strip_prefix("ssl://"))
        {
            (r, true)
        } else {
            let r = url
                .strip_prefix("mqtt://")
                .or_else(|| url.strip_prefix("tcp://"))
                .ok_or_else(|| bad("must start with mqtt:// or mqtts://"))?;
            (r, false)
        };
        let rest = rest.trim_end_matches('/');
        let (creds, hostport) = match rest.rsplit_once('@') {
            Some((c, h)) => (Some(c), h),
            None => (None, rest),
        };
        let (username, password) = match creds {
            Some(c) => match c.split_once(':') {
                Some((u, p)) => (Some(u.to_string()), Some(p.to_string())),
                None => (Some(c.to_string()), None),
            },
            None => (None, None),
        };
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (
                h.to_string(),
                p.parse::<u16>().map_err(|_| bad("has a bad port"))?,
            ),
            None => (hostport.to_string(), if tls { 8883 } else { 1883 }),
        };
        if host.is_empty() {
            return Err(bad("has no host"));
        }
        Ok(MqttConfig {
            host,
            port,
            username,
            password,
            client_id: client_id.to_string(),
            max_packet: 1024 * 1024,
            tls: tls.then(|| Arc::new(client_config(web_roots()))),
        })
    }

    /// Trusts only the CA certificate(s) in `ca_pem` (a private broker's
    /// CA, e.g. the one `hoistway dev-cert` writes). Refused for a plain
    /// `mqtt://` URL, so a CA given by mistake never means "unencrypted".
    pub fn trust_only(mut self, ca_pem: &[u8]) -> Result<MqttConfig, Invalid> {
        use rustls::pki_types::{pem::PemObject, CertificateDer};
        let bad = |why: String| Invalid::new("mqtt_ca", why);
        if self.tls.is_none() {
            return Err(bad("a CA only applies to an mqtts:// broker URL".into()));
        }
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem) {
            let cert = cert.map_err(|e| bad(format!("not a PEM certificate: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| bad(format!("not a usable CA certificate: {e}")))?;
        }
        if roots.is_empty() {
            return Err(bad("holds no certificate".into()));
        }
        self.tls = Some(Arc::new(client_config(roots)));
        Ok(self)
    }

    fn options(&self) -> MqttOptions {
        let mut o = MqttOptions::new(&self.client_id, &self.host, self.port);
        o.set_keep_alive(Duration::from_secs(30))
            .set_clean_session(false)
            .set_manual_acks(true)
            .set_max_packet_size(self.max_packet, self.max_packet)
            .set_request_channel_capacity(10_000);
        if let Some(u) = &self.username {
            o.set_credentials(u, self.password.clone().unwrap_or_default());
        }
        if let Some(tls) = &self.tls {
            o.set_transport(Transport::tls_with_config(TlsConfiguration::Rustls(
                tls.clone(),
            )));
        }
        o
    }
}

fn web_roots() -> rustls::RootCertStore {
    rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    }
}

/// A TLS client configuration with `ring`, the crypto provider the rest of
/// the server uses.
fn client_config(roots: rustls::RootCertStore) -> rustls::ClientConfig {
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

/// Connects, subscribes and starts the ingest tasks. Returns the tasks
/// (abort them to stop) after registering the command publisher.
pub fn start(state: AppState, cfg: MqttConfig) -> Vec<JoinHandle<()>> {
    let (client, mut eventloop) = AsyncClient::new(cfg.options(), 10_000);
    crate::pipeline_of(&state).set_publisher(Publisher::new(client.clone()));
    let (tx, rx) = mpsc::channel::<(Instant, Publish)>(50_000);
    let subscriber = client.clone();
    let poller = tokio::spawn(async move {
        loop {
            match eventloop.poll().await {
                Ok(Event::Incoming(Packet::Publish(p))) => {
                    if tx.send((Instant::now(), p)).await.is_err() {
                        return;
                    }
                }
                Ok(Event::Incoming(Packet::ConnAck(ack))) => {
                    tracing::info!(
                        session_present = ack.session_present,
                        "connected to the MQTT broker"
                    );
                    // Subscribing again is harmless when the session kept them.
                    for t in ["telemetry", "commands/ack"] {
                        let filter = format!("$share/hoistway/{TOPIC_PREFIX}/+/{t}");
                        if let Err(e) = subscriber.subscribe(filter, QoS::AtLeastOnce).await {
                            tracing::error!(error = %e, "MQTT subscribe failed");
                        }
                    }
                }
                Ok(Event::Incoming(Packet::SubAck(s))) => {
                    if s.return_codes
                        .iter()
                        .any(|c| matches!(c, rumqttc::SubscribeReasonCode::Failure))
                    {
                        tracing::error!(
                            "the MQTT broker refused a subscription (check the server's ACL)"
                        );
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "MQTT connection lost; reconnecting");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    });
    let mut tasks = vec![poller];
    tasks.extend(super::mqtt_ingest::spawn(state, client, rx));
    tasks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let c = MqttConfig::parse("mqtt://srv:pw@broker.local:1884", "n1").unwrap();
        assert_eq!((c.host.as_str(), c.port), ("broker.local", 1884));
        assert_eq!(c.username.as_deref(), Some("srv"));
        assert!(!format!("{c:?}").contains("pw"));
        assert_eq!(MqttConfig::parse("mqtt://h", "n").unwrap().port, 1883);
        assert!(MqttConfig::parse("http://h", "n").is_err());
        assert!(MqttConfig::parse("mqtt://h:x", "n").is_err());
        assert!(MqttConfig::parse("mqtt://h", "n").unwrap().tls.is_none());
        let secure = MqttConfig::parse("mqtts://broker.example", "n").unwrap();
        assert_eq!(secure.port, 8883);
        assert!(secure.tls.is_some());
        assert!(MqttConfig::parse("http://h", "n").is_err());
        // A CA only with TLS, and it must be a certificate.
        let plain = MqttConfig::parse("mqtt://h", "n").unwrap();
        assert!(plain.trust_only(b"").is_err());
        assert!(secure.clone().trust_only(b"not pem").is_err());
    }
}
