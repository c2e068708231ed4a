CREATE TABLE customers (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    contact_email TEXT,
    contact_phone TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE buildings (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    name TEXT NOT NULL,
    address TEXT NOT NULL,
    country TEXT NOT NULL,
    timezone TEXT NOT NULL,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX buildings_customer ON buildings(customer_id, id);

CREATE TABLE portfolios (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX portfolios_customer ON portfolios(customer_id, id);

CREATE TABLE portfolio_buildings (
    portfolio_id BIGINT NOT NULL REFERENCES portfolios(id),
    building_id BIGINT NOT NULL REFERENCES buildings(id),
    PRIMARY KEY (portfolio_id, building_id)
);
CREATE INDEX portfolio_buildings_building ON portfolio_buildings(building_id);

CREATE TABLE units (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    building_id BIGINT NOT NULL REFERENCES buildings(id),
    kind TEXT NOT NULL,
    equipment_number TEXT NOT NULL UNIQUE,
    name TEXT,
    manufacturer TEXT,
    model TEXT,
    controller_type TEXT,
    drive_type TEXT,
    door_operator_model TEXT,
    install_date TEXT,
    takeover_date TEXT,
    modernization_date TEXT,
    floors_served BIGINT,
    rise_m DOUBLE PRECISION,
    location TEXT,
    connected BIGINT NOT NULL DEFAULT 0,
    emergency_phone TEXT,
    service_label TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX units_customer ON units(customer_id, id);
CREATE INDEX units_building ON units(building_id, id);

CREATE TABLE contracts (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    number TEXT NOT NULL UNIQUE,
    tier TEXT NOT NULL,
    billing_interval TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT,
    monthly_price_cents BIGINT NOT NULL DEFAULT 0,
    currency TEXT NOT NULL DEFAULT 'EUR',
    spending_limit_cents BIGINT NOT NULL DEFAULT 0,
    po_required BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX contracts_customer ON contracts(customer_id, id);

CREATE TABLE contract_units (
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (contract_id, unit_id)
);
CREATE INDEX contract_units_unit ON contract_units(unit_id);

CREATE TABLE invoices (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    number TEXT NOT NULL UNIQUE,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    paid_on TEXT,
    status TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX invoices_customer ON invoices(customer_id, id);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    customer_id BIGINT REFERENCES customers(id),
    phone TEXT,
    password_hash TEXT NOT NULL,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX users_customer ON users(customer_id, id);

CREATE TABLE user_portfolios (
    user_id BIGINT NOT NULL REFERENCES users(id),
    portfolio_id BIGINT NOT NULL REFERENCES portfolios(id),
    PRIMARY KEY (user_id, portfolio_id)
);

CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    csrf_token TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_user_id BIGINT,
    customer_id BIGINT,
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT
);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);
CREATE INDEX audit_customer ON audit_log(customer_id, id);

CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT,
    body TEXT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
