-- On call (issue #21, seed 000): technicians' shifts and on-call rota
-- entries per territory (a country, optionally a region), and declared
-- extreme-weather periods. Who is on call now reads both with the
-- building's business calendar (hoistway-desk `on_call`).
CREATE TABLE shifts (
    id BIGSERIAL PRIMARY KEY,
    technician_id BIGINT NOT NULL REFERENCES users(id),
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    country TEXT NOT NULL,
    region TEXT,
    note TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX shifts_time ON shifts(country, ends_at, starts_at);
CREATE INDEX shifts_technician ON shifts(technician_id, starts_at);

CREATE TABLE extreme_weather (
    id BIGSERIAL PRIMARY KEY,
    country TEXT NOT NULL,
    region TEXT,
    from_at BIGINT NOT NULL,
    until_at BIGINT NOT NULL,
    note TEXT NOT NULL,
    declared_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX extreme_weather_time ON extreme_weather(country, until_at);
