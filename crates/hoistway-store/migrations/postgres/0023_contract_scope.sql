-- Contract scope (issue #21, seed 000 "Warranty, Parts, and Approvals"):
-- the line items a contract includes (NULL = its tier's defaults), the
-- causes it excludes, its warranty and labour rate; the work done under it,
-- classified covered / warranty / billable; and invoice lines, so billable
-- work reaches the next invoice beside the contract's own charge.
ALTER TABLE contracts ADD COLUMN scope_items TEXT;
ALTER TABLE contracts ADD COLUMN exclusions TEXT NOT NULL DEFAULT 'vandalism,water_ingress,misuse,power_quality';
ALTER TABLE contracts ADD COLUMN warranty_months BIGINT;
ALTER TABLE contracts ADD COLUMN labour_rate_cents BIGINT NOT NULL DEFAULT 9500;

CREATE TABLE contract_work (
    id BIGSERIAL PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES contracts(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    -- No foreign key: retention may delete an old closed case, but the
    -- work billed for it stays with its invoice.
    case_id BIGINT NOT NULL,
    case_number TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units(id),
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    value_cents BIGINT NOT NULL,
    charge_cents BIGINT NOT NULL,
    currency TEXT NOT NULL,
    coverage TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    po_number TEXT,
    work_date TEXT NOT NULL,
    invoice_id BIGINT REFERENCES invoices(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX contract_work_case ON contract_work(case_id, id);
CREATE INDEX contract_work_contract ON contract_work(contract_id, invoice_id, status);
CREATE INDEX contract_work_customer ON contract_work(customer_id, id);

CREATE TABLE invoice_lines (
    id BIGSERIAL PRIMARY KEY,
    invoice_id BIGINT NOT NULL REFERENCES invoices(id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    case_number TEXT,
    work_id BIGINT REFERENCES contract_work(id),
    UNIQUE (invoice_id, position)
);
