//! Prometheus metrics, served as text at `/metrics`.

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

type Labels = Vec<(String, String)>;

pub struct Metrics {
    registry: Registry,
    pub http_requests: Family<Labels, Counter>,
    pub http_duration: Family<Labels, Histogram>,
    pub login_failures: Counter,
    pub cases_opened: Counter,
    pub escalations_sent: Counter,
    pub notifications_delivered: Family<Labels, Counter>,
    pub notifications_failed: Family<Labels, Counter>,
    /// Telemetry events by result: accepted, duplicate, rejected.
    pub telemetry_events: Family<Labels, Counter>,
    /// Time to store one telemetry batch (transaction included).
    pub telemetry_batch_seconds: Histogram,
    /// Finding transitions by kind and transition.
    pub findings: Family<Labels, Counter>,
    /// MQTT messages received by outcome (ingested, dead_letter).
    pub mqtt_messages: Family<Labels, Counter>,
    /// From receiving a batch holding an entrapment alarm to the committed
    /// finding having passed the cases hook.
    pub alarm_to_case_seconds: Histogram,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("hoistway");
        let http_requests = Family::<Labels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            http_requests.clone(),
        );
        let http_duration = Family::<Labels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route",
            http_duration.clone(),
        );
        let login_failures = Counter::default();
        registry.register(
            "login_failures",
            "Failed sign-in attempts",
            login_failures.clone(),
        );
        let cases_opened = Counter::default();
        registry.register("cases_opened", "Service cases opened", cases_opened.clone());
        let escalations_sent = Counter::default();
        registry.register(
            "escalations_sent",
            "SLA escalations sent",
            escalations_sent.clone(),
        );
        let notifications_delivered = Family::<Labels, Counter>::default();
        registry.register(
            "notifications_delivered",
            "Notifications delivered by channel",
            notifications_delivered.clone(),
        );
        let notifications_failed = Family::<Labels, Counter>::default();
        registry.register(
            "notifications_failed",
            "Failed notification attempts by channel",
            notifications_failed.clone(),
        );
        let telemetry_events = Family::<Labels, Counter>::default();
        registry.register(
            "telemetry_events",
            "Telemetry events by result (accepted, duplicate, rejected)",
            telemetry_events.clone(),
        );
        let telemetry_batch_seconds = Histogram::new(exponential_buckets(0.0002, 2.0, 16));
        registry.register(
            "telemetry_batch_seconds",
            "Time to store one telemetry batch",
            telemetry_batch_seconds.clone(),
        );
        let findings = Family::<Labels, Counter>::default();
        registry.register(
            "findings",
            "Analytics finding transitions by kind",
            findings.clone(),
        );
        let mqtt_messages = Family::<Labels, Counter>::default();
        registry.register(
            "mqtt_messages",
            "MQTT messages received by outcome",
            mqtt_messages.clone(),
        );
        let alarm_to_case_seconds = Histogram::new(exponential_buckets(0.0005, 1.25, 40));
        registry.register(
            "alarm_to_case_seconds",
            "Entrapment alarm received to case hook committed",
            alarm_to_case_seconds.clone(),
        );
        Self {
            registry,
            http_requests,
            http_duration,
            login_failures,
            cases_opened,
            escalations_sent,
            notifications_delivered,
            notifications_failed,
            alarm_to_case_seconds,
            telemetry_events,
            telemetry_batch_seconds,
            findings,
            mqtt_messages,
        }
    }

    /// Counts one stored telemetry batch: events accepted, duplicates
    /// dropped, lines rejected.
    pub fn record_ingest(
        &self,
        accepted: usize,
        duplicates: usize,
        rejected: usize,
        took: std::time::Duration,
    ) {
        for (result, n) in [
            ("accepted", accepted),
            ("duplicate", duplicates),
            ("rejected", rejected),
        ] {
            if n > 0 {
                self.telemetry_events
                    .get_or_create(&vec![("result".to_string(), result.to_string())])
                    .inc_by(n as u64);
            }
        }
        self.telemetry_batch_seconds.observe(took.as_secs_f64());
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
