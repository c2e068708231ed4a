-- Invitations: a user is invited by e-mail and sets their own password
-- through a one-time link. The invited account exists from the start with
-- no password (it cannot sign in); the invitation holds the link's token
-- hash, its expiry and when it was used.
CREATE TABLE invitations (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    invited_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    accepted_at BIGINT
);
CREATE INDEX invitations_user ON invitations(user_id);
