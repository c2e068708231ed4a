-- Outgoing webhooks per customer (issue #20): endpoints, the deliveries
-- queued for them (an outbox like `outbox`, claimed with a lease) and the
-- log of every attempt.

-- An endpoint of one customer. `events` is a comma-separated list of the
-- kinds it hears (case, visit, finding, invoice). The secret signs every
-- delivery (HMAC needs it in clear); the API never shows it after it was
-- made or rotated.
CREATE TABLE webhook_endpoints (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    url TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    events TEXT NOT NULL,
    enabled BIGINT NOT NULL DEFAULT 1,
    secret TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_customer ON webhook_endpoints(customer_id, enabled);

-- One message to one endpoint. `message_id` is the `webhook-id` header,
-- the same on every attempt so a receiver can drop repeats.
-- `next_attempt_at` is NULL once the delivery is settled (delivered, or
-- given up after the last attempt).
CREATE TABLE webhook_deliveries (
    id BIGSERIAL PRIMARY KEY,
    endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints(id),
    customer_id BIGINT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT,
    lease_until BIGINT,
    delivered_at BIGINT,
    failed_at BIGINT,
    last_status BIGINT,
    last_error TEXT
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at);

-- Every attempt: when, the receiver's status code (none when the request
-- did not get an answer) and the error.
CREATE TABLE webhook_attempts (
    id BIGSERIAL PRIMARY KEY,
    delivery_id BIGINT NOT NULL REFERENCES webhook_deliveries(id),
    at BIGINT NOT NULL,
    status_code BIGINT,
    error TEXT,
    duration_ms BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts(delivery_id, id);
