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
        Self {
            registry,
            http_requests,
            http_duration,
            login_failures,
            cases_opened,
            escalations_sent,
            notifications_delivered,
            notifications_failed,
        }
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
