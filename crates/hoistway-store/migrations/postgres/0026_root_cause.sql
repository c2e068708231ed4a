-- Root-cause analyses (issue #21, seed 000: "for persistent issues on the
-- same unit, ask your account manager to schedule a root-cause analysis and
-- provide a corrective action plan with dates, parts, and cost"). The
-- provider opens one on a unit for a cause family; the customer reads it
-- and follows its actions.
CREATE TABLE root_causes (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    building_id BIGINT NOT NULL REFERENCES buildings(id),
    unit_id BIGINT NOT NULL REFERENCES units(id),
    family TEXT NOT NULL,
    summary TEXT NOT NULL,
    findings TEXT,
    status TEXT NOT NULL,
    opened_by BIGINT REFERENCES users(id),
    -- JSON array of the case numbers the analysis looks at.
    case_numbers TEXT NOT NULL,
    closed_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX root_causes_customer ON root_causes(customer_id, id);
CREATE INDEX root_causes_unit ON root_causes(unit_id, id);

CREATE TABLE root_cause_actions (
    id BIGSERIAL PRIMARY KEY,
    root_cause_id BIGINT NOT NULL REFERENCES root_causes(id),
    description TEXT NOT NULL,
    due_on TEXT NOT NULL,
    parts TEXT,
    cost_minor BIGINT,
    currency TEXT,
    status TEXT NOT NULL,
    done_on TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX root_cause_actions_rca ON root_cause_actions(root_cause_id, id);
