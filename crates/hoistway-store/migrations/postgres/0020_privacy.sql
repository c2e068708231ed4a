-- Privacy rights and retention (issue #20). A user may object to the use of
-- their data for analytics (the time they did so; none: no objection) and
-- may be erased: the account stays as a pseudonym so history keeps its
-- shape, and `erased_at` says when the person left it.
ALTER TABLE users ADD COLUMN analytics_objection_at BIGINT;
ALTER TABLE users ADD COLUMN erased_at BIGINT;

-- How long each kind of record is kept, in days; the retention job deletes
-- what is older. Telemetry's period is the connected-equipment setting.
CREATE TABLE retention_policies (
    kind TEXT PRIMARY KEY,
    days BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
INSERT INTO retention_policies (kind, days, updated_at) VALUES
    ('closed_cases', 3650, 0),
    ('audit', 2555, 0),
    ('notifications', 365, 0),
    ('sign_ins', 180, 0),
    ('idempotency_keys', 2, 0);
