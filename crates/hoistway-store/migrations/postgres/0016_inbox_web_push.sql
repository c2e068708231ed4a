-- Notifications that reach people (issue #19): the in-portal list with
-- its read state, Web Push subscriptions and the server's VAPID key.

-- One row per (notice, user), whatever channels the user chose: the list
-- under the portal's bell. The outbox keeps one row per channel.
CREATE TABLE inbox (
    id BIGSERIAL PRIMARY KEY,
    event_key TEXT NOT NULL,
    event TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    customer_id BIGINT,
    case_id BIGINT,
    invoice_id BIGINT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    read_at BIGINT,
    UNIQUE (event_key, user_id)
);
CREATE INDEX inbox_user ON inbox(user_id, id);
CREATE INDEX inbox_unread ON inbox(user_id, read_at);

-- The invoice a notice is about, so a push can open it.
ALTER TABLE outbox ADD COLUMN invoice_id BIGINT;

-- A browser's push subscription (PushSubscription.toJSON()). The endpoint
-- is the browser's own address at its push service: one owner at a time
-- (the last user who subscribed on that browser).
CREATE TABLE push_subscriptions (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    endpoint TEXT NOT NULL UNIQUE,
    p256dh TEXT NOT NULL,
    auth TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions(user_id);

-- The server's VAPID key pair (RFC 8292), made on first use: one row,
-- shared by every node. Keys are base64url: the private scalar and the
-- uncompressed public point the browser gets as applicationServerKey.
CREATE TABLE vapid_keys (
    id BIGINT PRIMARY KEY,
    private_key TEXT NOT NULL,
    public_key TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
