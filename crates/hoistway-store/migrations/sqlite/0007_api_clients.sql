-- API applications of the KONE-compatible surface (issue 7): OAuth2 client
-- credentials, one customer each. Only the SHA-256 of the secret is kept
-- (like sessions and device tokens); the secret is shown once at creation.
-- Revoked applications stay as rows (with revoked_at) for the audit trail.
CREATE TABLE api_clients (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    name TEXT NOT NULL,
    client_id TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX api_clients_customer ON api_clients(customer_id, id);
