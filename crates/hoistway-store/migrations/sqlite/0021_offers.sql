-- Offers (issue #20, seed 000): a customer asks for a modernization, repair
-- or door upgrade offer for a building or one of its units; the care
-- center answers with a quote (amount, text, valid until) that the customer
-- accepts or declines.
CREATE TABLE offers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    building_id BIGINT NOT NULL REFERENCES buildings(id),
    unit_id BIGINT REFERENCES units(id),
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    requested_by BIGINT REFERENCES users(id),
    status TEXT NOT NULL,
    quote_cents BIGINT,
    currency TEXT,
    quote_text TEXT,
    valid_until TEXT,
    quoted_by BIGINT REFERENCES users(id),
    quoted_at BIGINT,
    decided_by BIGINT REFERENCES users(id),
    decided_at BIGINT,
    decline_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX offers_customer ON offers(customer_id, id);
CREATE INDEX offers_status ON offers(status, id);
