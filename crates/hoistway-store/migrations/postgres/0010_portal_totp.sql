-- Second factor (issue 4): a TOTP secret per user, hashed one-time
-- recovery codes, and the short-lived challenge between a correct password
-- and the code. The secret is pending until confirmed with a code
-- (enabled_at set); last_step is the newest time step accepted, so a code
-- is never accepted twice. Only SHA-256 of recovery codes and challenge
-- tokens is kept.
CREATE TABLE user_totp (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    secret TEXT NOT NULL,
    enabled_at BIGINT,
    last_step BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE TABLE user_recovery_codes (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at BIGINT
);
CREATE INDEX user_recovery_codes_user ON user_recovery_codes(user_id, code_hash);
CREATE TABLE signin_challenges (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    expires_at BIGINT NOT NULL
);
