-- Service desk: cases, their timeline, holds, escalations, SLA timers, the
-- notification outbox and preferences. Building facts triage and the SLA
-- calendar need.

ALTER TABLE buildings ADD COLUMN hospital BIGINT NOT NULL DEFAULT 0;
-- JSON business calendar (working days, hours, extra closed dates); NULL
-- means Mon-Fri 08:00-17:00 with the country's public holidays.
ALTER TABLE buildings ADD COLUMN business_calendar TEXT;
ALTER TABLE units ADD COLUMN accessible_route BIGINT NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN high_traffic BIGINT NOT NULL DEFAULT 0;

CREATE TABLE case_sequences (
    year BIGINT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    number TEXT NOT NULL UNIQUE,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    building_id BIGINT NOT NULL REFERENCES buildings(id),
    unit_id BIGINT REFERENCES units(id),
    contract_id BIGINT REFERENCES contracts(id),
    tier TEXT NOT NULL,
    channel TEXT NOT NULL,
    symptoms TEXT NOT NULL,
    error_codes TEXT NOT NULL,
    passengers_trapped BIGINT NOT NULL,
    medical_condition BIGINT NOT NULL,
    car_near_landing BIGINT,
    unit_removed_from_service BIGINT NOT NULL,
    unit_out_of_service BIGINT NOT NULL,
    hazards TEXT NOT NULL,
    access_instructions TEXT,
    po_number TEXT,
    spending_limit_cents BIGINT,
    reporter_name TEXT,
    reporter_user_id BIGINT,
    callback_phone TEXT,
    priority TEXT NOT NULL,
    triage_rule TEXT NOT NULL,
    triage_rationale TEXT NOT NULL,
    status TEXT NOT NULL,
    technician_id BIGINT REFERENCES users(id),
    eta BIGINT,
    on_site_at BIGINT,
    first_on_site_at BIGINT,
    site_visits BIGINT NOT NULL DEFAULT 0,
    resolved_at BIGINT,
    closed_at BIGINT,
    hold_part TEXT,
    hold_lead_days BIGINT,
    report TEXT,
    quote_decision TEXT,
    -- Pre-emptive cases: one open case per (unit, finding kind).
    finding_key TEXT,
    response_due BIGINT,
    resolution_due BIGINT,
    sla_response TEXT,
    sla_resolution TEXT,
    -- The SLA timer: when to evaluate next, and who holds it now.
    timer_due BIGINT,
    timer_lease_until BIGINT,
    timer_holder TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX cases_customer ON cases(customer_id, id);
CREATE INDEX cases_unit ON cases(unit_id, id);
CREATE INDEX cases_timer ON cases(timer_due);
CREATE UNIQUE INDEX cases_open_finding ON cases(finding_key);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    at BIGINT NOT NULL,
    actor_user_id BIGINT,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    detail TEXT,
    internal BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TABLE case_holds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    from_at BIGINT NOT NULL,
    until_at BIGINT
);
CREATE INDEX case_holds_case ON case_holds(case_id);

CREATE TABLE case_escalations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id BIGINT NOT NULL REFERENCES cases(id),
    kind TEXT NOT NULL,
    due_at BIGINT NOT NULL,
    repeat_no BIGINT NOT NULL,
    sent_at BIGINT NOT NULL,
    reason TEXT NOT NULL,
    target_roles TEXT NOT NULL,
    acknowledged_by BIGINT,
    acknowledged_at BIGINT,
    UNIQUE (case_id, kind, due_at)
);

CREATE TABLE notification_preferences (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    matrix TEXT NOT NULL
);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_key TEXT NOT NULL,
    event TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    channel TEXT NOT NULL,
    customer_id BIGINT,
    case_id BIGINT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until BIGINT,
    delivered_at BIGINT,
    last_error TEXT,
    UNIQUE (event_key, user_id, channel)
);
CREATE INDEX outbox_pending ON outbox(delivered_at, next_attempt_at);
CREATE INDEX outbox_user ON outbox(user_id, id);
