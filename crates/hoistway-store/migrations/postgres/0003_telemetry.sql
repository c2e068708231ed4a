-- Connected equipment (issue 5): device credentials, raw telemetry, dead
-- letters, live unit state, hourly/daily rollups, findings, remote commands.

-- One row per issued device credential. Only the SHA-256 of the token is
-- kept (like sessions); `mqtt_hash` is the same token hashed the way
-- Mosquitto's password file wants it (PBKDF2-SHA512, `$7$`), so
-- `hoistway mqtt acl` can write that file without ever seeing the token.
CREATE TABLE device_credentials (
    id BIGSERIAL PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    label TEXT,
    token_hash TEXT NOT NULL UNIQUE,
    mqtt_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX device_credentials_unit ON device_credentials(unit_id, id);

-- Raw events as received. The primary key is the dedupe: an event is
-- stored once per (unit, seq), whichever node or restart sees it again.
CREATE TABLE telemetry_events (
    unit_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (unit_id, seq)
);
CREATE INDEX telemetry_events_received ON telemetry_events(received_at);

-- Lines that could not be accepted, with the reason, for inspection.
CREATE TABLE telemetry_dead_letters (
    id BIGSERIAL PRIMARY KEY,
    received_at BIGINT NOT NULL,
    unit_id BIGINT,
    source TEXT NOT NULL,
    line BIGINT NOT NULL,
    reason TEXT NOT NULL,
    raw TEXT NOT NULL
);
CREATE INDEX telemetry_dead_letters_received ON telemetry_dead_letters(received_at);

-- What each unit is doing now, as the last accepted events say.
CREATE TABLE unit_state (
    unit_id BIGINT PRIMARY KEY REFERENCES units(id),
    customer_id BIGINT NOT NULL,
    mode TEXT,
    available BIGINT NOT NULL DEFAULT 0,
    last_seen BIGINT,
    current_floor BIGINT,
    passengers BIGINT,
    starts BIGINT,
    run_hours DOUBLE PRECISION,
    alarms TEXT NOT NULL DEFAULT '[]',
    faults TEXT NOT NULL DEFAULT '[]',
    version BIGINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL
);

-- Hourly and daily counts per unit; counts are added in the transaction
-- that stores the events, so each stored event is counted exactly once.
CREATE TABLE telemetry_rollups (
    unit_id BIGINT NOT NULL,
    customer_id BIGINT NOT NULL,
    period TEXT NOT NULL,
    start_ms BIGINT NOT NULL,
    events BIGINT NOT NULL DEFAULT 0,
    starts BIGINT NOT NULL DEFAULT 0,
    run_ms BIGINT NOT NULL DEFAULT 0,
    door_cycles BIGINT NOT NULL DEFAULT 0,
    door_reopens BIGINT NOT NULL DEFAULT 0,
    door_obstructions BIGINT NOT NULL DEFAULT 0,
    levelling_count BIGINT NOT NULL DEFAULT 0,
    levelling_sum_mm DOUBLE PRECISION NOT NULL DEFAULT 0,
    levelling_sum_sq_mm2 DOUBLE PRECISION NOT NULL DEFAULT 0,
    levelling_max_abs_mm DOUBLE PRECISION NOT NULL DEFAULT 0,
    levelling_over_10mm BIGINT NOT NULL DEFAULT 0,
    faults BIGINT NOT NULL DEFAULT 0,
    counter_starts BIGINT NOT NULL DEFAULT 0,
    counter_run_hours DOUBLE PRECISION NOT NULL DEFAULT 0,
    available_ms BIGINT NOT NULL DEFAULT 0,
    observed_ms BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, period, start_ms)
);
CREATE INDEX telemetry_rollups_customer ON telemetry_rollups(customer_id, period, start_ms);

-- Analytics findings. At most one open finding per (unit, kind): the
-- partial unique index makes a second "raise" an update, never a duplicate.
CREATE TABLE findings (
    id BIGSERIAL PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    customer_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    explanation TEXT NOT NULL,
    likely_fault TEXT NOT NULL,
    spares TEXT NOT NULL DEFAULT '[]',
    evidence TEXT,
    opened_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    cleared_at BIGINT
);
CREATE UNIQUE INDEX findings_one_open ON findings(unit_id, kind) WHERE status = 'open';
CREATE INDEX findings_customer ON findings(customer_id, id);

-- Remote diagnostics and resets sent to units, and what became of them.
CREATE TABLE unit_commands (
    id BIGSERIAL PRIMARY KEY,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    customer_id BIGINT NOT NULL,
    command TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_by BIGINT,
    created_at BIGINT NOT NULL,
    deadline BIGINT NOT NULL,
    acked_at BIGINT,
    result TEXT,
    updated_at BIGINT NOT NULL
);
CREATE INDEX unit_commands_unit ON unit_commands(unit_id, id);
CREATE INDEX unit_commands_open ON unit_commands(status, deadline);
