-- Raw telemetry in arrival order (SQLite only).
--
-- Keyed by (unit_id, seq), every batch inserted ~200 rows of ~200 bytes
-- at ~200 places in the table's B-tree, splitting pages as it went; the
-- ingest path spent a fifth of its database time there. Rows now append
-- at the end of a rowid table; the unique index on (unit_id, seq), whose
-- entries are a few bytes, still decides what is a duplicate. Arrival
-- order also serves retention (rowid ranges), so the received_at index
-- goes.
CREATE TABLE telemetry_events_by_arrival (
    id INTEGER PRIMARY KEY,
    unit_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    ts BIGINT NOT NULL,
    received_at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL
);
INSERT INTO telemetry_events_by_arrival (unit_id, seq, ts, received_at, kind, payload)
    SELECT unit_id, seq, ts, received_at, kind, payload
    FROM telemetry_events
    ORDER BY received_at, unit_id, seq;
DROP TABLE telemetry_events;
ALTER TABLE telemetry_events_by_arrival RENAME TO telemetry_events;
CREATE UNIQUE INDEX telemetry_events_unit_seq ON telemetry_events(unit_id, seq);
