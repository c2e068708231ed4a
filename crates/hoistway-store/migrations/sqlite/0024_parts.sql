-- The parts catalogue (issue #21, seed 000: "request visibility of parts
-- lead times for critical components (door operators, VVVF drives,
-- CPUs)"): what the care center orders, which unit kinds it fits, whether
-- it is a critical spare, how long the supplier takes, and what it costs.
-- `category` is the contract-scope class: `wear` parts are covered by
-- standard and comprehensive contracts, `major` ones by comprehensive
-- only. Provider data, not tenant data.
CREATE TABLE parts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    part_number TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL,
    -- The unit kinds it fits, comma separated in the order of UnitKind
    -- (e.g. 'elevator,escalator'), so one LIKE filters on both backends.
    unit_kinds TEXT NOT NULL,
    category TEXT NOT NULL,
    critical BIGINT NOT NULL DEFAULT 0,
    lead_time_days BIGINT NOT NULL,
    unit_price_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Stock on hand per depot (a depot is named, not a row of its own: the
-- provider's warehouses are few and change rarely). Quantity 0 rows are
-- kept so a depot that ran out still shows.
CREATE TABLE part_stock (
    part_id BIGINT NOT NULL REFERENCES parts(id),
    depot TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (part_id, depot)
);

-- The day the part a case waits for is expected (YYYY-MM-DD), computed
-- when the case goes on hold for parts; NULL otherwise.
ALTER TABLE cases ADD COLUMN hold_parts_expected_on TEXT;
-- The part each parts hold waited for, so time lost can be told per part.
ALTER TABLE case_holds ADD COLUMN part TEXT;
