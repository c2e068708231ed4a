-- Planned maintenance (issue 8): plans, visits, checklists, reports,
-- inspection certificates, technician profiles, building maintenance
-- windows, plan defaults, calendar feed tokens.

CREATE TABLE maintenance_plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id BIGINT NOT NULL UNIQUE REFERENCES units(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    contract_id BIGINT REFERENCES contracts(id),
    interval_weeks BIGINT NOT NULL,
    interval_starts BIGINT,
    inspection_months BIGINT,
    -- 1 once edited by hand: a tier change no longer resets it to defaults.
    custom BIGINT NOT NULL DEFAULT 0,
    anchor_date TEXT NOT NULL,
    since_date TEXT NOT NULL,
    until_date TEXT,
    active BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX maintenance_plans_customer ON maintenance_plans(customer_id, id);
CREATE INDEX maintenance_plans_contract ON maintenance_plans(contract_id);

CREATE TABLE visits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    plan_id BIGINT REFERENCES maintenance_plans(id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    due_on TEXT,
    planned_for BIGINT NOT NULL,
    -- The building's local date of planned_for.
    planned_date TEXT NOT NULL,
    duration_min BIGINT NOT NULL,
    technician_id BIGINT REFERENCES users(id),
    pinned BIGINT NOT NULL DEFAULT 0,
    started_at BIGINT,
    completed_at BIGINT,
    completed_on TEXT,
    -- A failed safety item is waiting to become a service case.
    case_pending BIGINT NOT NULL DEFAULT 0,
    notes TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX visits_unit ON visits(unit_id, planned_for);
CREATE INDEX visits_customer ON visits(customer_id, id);
CREATE INDEX visits_technician ON visits(technician_id, planned_for);
CREATE INDEX visits_status_date ON visits(status, planned_date);
CREATE INDEX visits_planned_for ON visits(planned_for, id);

CREATE TABLE checklist_templates (
    unit_kind TEXT PRIMARY KEY,
    items_json TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE visit_checklist_items (
    visit_id BIGINT NOT NULL REFERENCES visits(id),
    position BIGINT NOT NULL,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    safety BIGINT NOT NULL,
    outcome TEXT,
    note TEXT,
    recorded_by BIGINT,
    recorded_at BIGINT,
    -- When the failed-safety hook fired for this item (at most once).
    case_hook_at BIGINT,
    PRIMARY KEY (visit_id, code)
);

CREATE TABLE visit_reports (
    visit_id BIGINT PRIMARY KEY REFERENCES visits(id),
    findings TEXT NOT NULL,
    parts_json TEXT NOT NULL,
    time_on_site_min BIGINT NOT NULL,
    posted_by BIGINT,
    posted_at BIGINT NOT NULL
);

CREATE TABLE inspection_certificates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    visit_id BIGINT REFERENCES visits(id),
    authority TEXT NOT NULL,
    certificate_number TEXT,
    issued_on TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content_base64 TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX inspection_certificates_unit ON inspection_certificates(unit_id, expires_on);
CREATE INDEX inspection_certificates_customer ON inspection_certificates(customer_id, id);

CREATE TABLE technician_profiles (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    countries TEXT NOT NULL,
    regions TEXT NOT NULL DEFAULT '',
    skills TEXT NOT NULL,
    weekly_capacity_min BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE maintenance_windows (
    building_id BIGINT PRIMARY KEY REFERENCES buildings(id),
    working_days TEXT NOT NULL,
    opens TEXT NOT NULL,
    closes TEXT NOT NULL,
    blackout_dates TEXT NOT NULL DEFAULT '',
    region TEXT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE maintenance_defaults (
    tier TEXT NOT NULL,
    unit_kind TEXT NOT NULL,
    interval_weeks BIGINT NOT NULL,
    interval_starts BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (tier, unit_kind)
);

CREATE TABLE calendar_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX calendar_tokens_user ON calendar_tokens(user_id);

-- Stand-in for the telemetry rollups of issue 5: starts per unit per day.
-- Read only through maintenance::usage::daily_starts, which is to be pointed
-- at the rollups table when both land (then this table can be dropped).
CREATE TABLE unit_starts_daily (
    unit_id BIGINT NOT NULL REFERENCES units(id),
    day TEXT NOT NULL,
    starts BIGINT NOT NULL,
    PRIMARY KEY (unit_id, day)
);
