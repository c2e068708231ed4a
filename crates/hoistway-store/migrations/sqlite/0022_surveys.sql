-- Satisfaction surveys (issue #20, seed 002): a user who consented (and has
-- not objected to analytics) is asked once after a case they reported is
-- closed, through a one-time link; only the link's hash is stored.
ALTER TABLE users ADD COLUMN survey_consent_at BIGINT;
CREATE TABLE surveys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    sent_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    answered_at BIGINT,
    rating BIGINT,
    solved BIGINT,
    comment TEXT,
    UNIQUE (case_id, user_id)
);
CREATE INDEX surveys_customer ON surveys(customer_id, sent_at);
