-- Issues #19 and #20: the customer's request form says where in the
-- building the fault is (floor or zone) and whether it repeats; a customer
-- may ask for escalation of an open case and for a callback. The latest ask
-- of each kind is kept on the case, pending until the care center
-- acknowledges the escalation or marks the callback done; every ask and
-- answer is also a timeline entry and an audit row.
ALTER TABLE cases ADD COLUMN location_in_building TEXT;
-- yes, no or unknown; NULL when the reporter did not say.
ALTER TABLE cases ADD COLUMN repeatable TEXT;
ALTER TABLE cases ADD COLUMN escalation_requested_at BIGINT;
ALTER TABLE cases ADD COLUMN escalation_request_reason TEXT;
ALTER TABLE cases ADD COLUMN escalation_requested_by BIGINT REFERENCES users(id);
ALTER TABLE cases ADD COLUMN escalation_acknowledged_at BIGINT;
ALTER TABLE cases ADD COLUMN callback_requested_at BIGINT;
ALTER TABLE cases ADD COLUMN callback_request_phone TEXT;
-- as_soon_as_possible, morning or afternoon.
ALTER TABLE cases ADD COLUMN callback_request_window TEXT;
ALTER TABLE cases ADD COLUMN callback_requested_by BIGINT REFERENCES users(id);
ALTER TABLE cases ADD COLUMN callback_done_at BIGINT;
