-- Remote call: building topology, resident access grants and the per-building
-- call counters. Calls themselves are never stored (privacy statement): only
-- the counters in call_counters outlive them.

CREATE TABLE topologies (
    building_id BIGINT PRIMARY KEY REFERENCES buildings(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    main_floor BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX topologies_customer ON topologies(customer_id);

CREATE TABLE topology_floors (
    building_id BIGINT NOT NULL REFERENCES topologies(building_id),
    number BIGINT NOT NULL,
    name TEXT NOT NULL,
    level_m DOUBLE PRECISION NOT NULL,
    height_m DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (building_id, number)
);

CREATE TABLE topology_areas (
    building_id BIGINT NOT NULL REFERENCES topologies(building_id),
    area_id BIGINT NOT NULL,
    floor BIGINT NOT NULL,
    side TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (building_id, area_id)
);

CREATE TABLE topology_groups (
    building_id BIGINT NOT NULL REFERENCES topologies(building_id),
    group_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    decks BIGINT NOT NULL,
    rated_speed_mps DOUBLE PRECISION NOT NULL,
    acceleration_mps2 DOUBLE PRECISION NOT NULL,
    jerk_mps3 DOUBLE PRECISION NOT NULL,
    capacity_persons BIGINT NOT NULL,
    door_open_s DOUBLE PRECISION NOT NULL,
    door_close_s DOUBLE PRECISION NOT NULL,
    door_dwell_s DOUBLE PRECISION NOT NULL,
    transfer_s DOUBLE PRECISION NOT NULL,
    start_delay_s DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (building_id, group_id)
);

-- Floors a group serves, and whether its cars open at the rear there too.
CREATE TABLE topology_group_floors (
    building_id BIGINT NOT NULL REFERENCES topologies(building_id),
    group_id TEXT NOT NULL,
    floor BIGINT NOT NULL,
    rear BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (building_id, group_id, floor)
);

CREATE TABLE topology_lifts (
    building_id BIGINT NOT NULL REFERENCES topologies(building_id),
    lift_id TEXT NOT NULL,
    group_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    unit_id BIGINT REFERENCES units(id),
    PRIMARY KEY (building_id, lift_id)
);

-- Who may call lifts where. A grant is given by someone (granted_by) under
-- one of their own grants (parent_id) or, for customer admins, as a root;
-- revoking a grant revokes its descendants.
CREATE TABLE access_grants (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    building_id BIGINT NOT NULL REFERENCES buildings(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    granted_by BIGINT REFERENCES users(id),
    parent_id BIGINT REFERENCES access_grants(id),
    all_areas BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_by BIGINT REFERENCES users(id),
    revoke_reason TEXT
);
CREATE INDEX access_grants_customer ON access_grants(customer_id, id);
CREATE INDEX access_grants_user ON access_grants(user_id, building_id);
CREATE INDEX access_grants_parent ON access_grants(parent_id);
CREATE INDEX access_grants_granted_by ON access_grants(granted_by);

CREATE TABLE access_grant_areas (
    grant_id BIGINT NOT NULL REFERENCES access_grants(id),
    area_id BIGINT NOT NULL,
    PRIMARY KEY (grant_id, area_id)
);

-- The only trace calls leave: how many were placed, served and cancelled
-- (by reason) per building. Counter names are fixed strings, never payloads.
CREATE TABLE call_counters (
    building_id BIGINT NOT NULL REFERENCES buildings(id),
    customer_id BIGINT NOT NULL REFERENCES customers(id),
    counter TEXT NOT NULL,
    value BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (building_id, counter)
);
