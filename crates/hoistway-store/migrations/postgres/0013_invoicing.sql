-- Invoicing from contracts.
--
-- One payment term per contract (days from issue to due date), and at most
-- one invoice per contract and billing period, so the invoicing job can run
-- on any node, any number of times, and issue each period once.
ALTER TABLE contracts ADD COLUMN payment_term_days BIGINT NOT NULL DEFAULT 30;
CREATE UNIQUE INDEX invoices_contract_period ON invoices(contract_id, period_start);
