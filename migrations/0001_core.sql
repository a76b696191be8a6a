-- Core records: the profile, contracts with versioned SLA policies, sites, devices, faults with
-- their append-only lifecycle events, and arrivals on site.
-- Conventions: ids are UUIDv7 text; instants are UTC text written by chrono (sortable); enums are
-- their stable codes; evidence tables are append-only (triggers below).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE technicians (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    staff_no   TEXT,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE contracts (
    id             TEXT PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    client         TEXT NOT NULL,
    service_start  TEXT NOT NULL,
    service_end    TEXT NOT NULL,
    floor_units    INTEGER NOT NULL CHECK (floor_units >= 0),
    floor_parts    INTEGER NOT NULL CHECK (floor_parts >= 0),
    policy_version INTEGER NOT NULL
) STRICT;

CREATE TABLE sla_policies (
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    version     INTEGER NOT NULL CHECK (version >= 1),
    policy      TEXT NOT NULL CHECK (json_valid(policy)),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (contract_id, version)
) STRICT;

CREATE TABLE sites (
    id          TEXT PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    address     TEXT NOT NULL,
    lat         REAL,
    lon         REAL,
    UNIQUE (contract_id, code)
) STRICT;

CREATE TABLE devices (
    id      TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites (id),
    kind    TEXT NOT NULL,
    model   TEXT NOT NULL,
    serial  TEXT
) STRICT;
CREATE INDEX devices_by_site ON devices (site_id);

CREATE TABLE faults (
    id             TEXT PRIMARY KEY,
    contract_id    TEXT NOT NULL REFERENCES contracts (id),
    site_id        TEXT NOT NULL REFERENCES sites (id),
    device_id      TEXT REFERENCES devices (id),
    level          TEXT NOT NULL CHECK (level IN ('A', 'B', 'C')),
    reported_at    TEXT NOT NULL,
    channel        TEXT NOT NULL,
    description    TEXT NOT NULL,
    first_receiver TEXT NOT NULL,
    policy_version INTEGER NOT NULL,
    recorded_at    TEXT NOT NULL,
    FOREIGN KEY (contract_id, policy_version) REFERENCES sla_policies (contract_id, version)
) STRICT;
CREATE INDEX faults_by_reported_at ON faults (reported_at);

CREATE TABLE fault_events (
    id          TEXT PRIMARY KEY,
    fault_id    TEXT NOT NULL REFERENCES faults (id),
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    payload     TEXT NOT NULL CHECK (json_valid(payload)),
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX fault_events_by_fault ON fault_events (fault_id, at);

CREATE TABLE arrivals (
    id                    TEXT PRIMARY KEY,
    technician_id         TEXT NOT NULL REFERENCES technicians (id),
    site_id               TEXT NOT NULL REFERENCES sites (id),
    fault_id              TEXT REFERENCES faults (id),
    arrived_at            TEXT NOT NULL,
    lat                   REAL,
    lon                   REAL,
    accuracy_m            REAL,
    site_confirmed_by_hand INTEGER NOT NULL CHECK (site_confirmed_by_hand IN (0, 1)),
    recorded_at           TEXT NOT NULL
) STRICT;
CREATE INDEX arrivals_by_fault ON arrivals (fault_id);
CREATE INDEX arrivals_by_technician_time ON arrivals (technician_id, arrived_at);

-- Evidence is append-only: a fault's report facts, its events and arrivals are never rewritten.
CREATE TRIGGER faults_append_only_update BEFORE UPDATE ON faults
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only faults'); END;
CREATE TRIGGER faults_append_only_delete BEFORE DELETE ON faults
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only faults'); END;
CREATE TRIGGER fault_events_append_only_update BEFORE UPDATE ON fault_events
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only fault_events'); END;
CREATE TRIGGER fault_events_append_only_delete BEFORE DELETE ON fault_events
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only fault_events'); END;
CREATE TRIGGER arrivals_append_only_update BEFORE UPDATE ON arrivals
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only arrivals'); END;
CREATE TRIGGER arrivals_append_only_delete BEFORE DELETE ON arrivals
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only arrivals'); END;
-- A policy version, once faults may point at it, is never rewritten: edits make a new version.
CREATE TRIGGER sla_policies_append_only_update BEFORE UPDATE ON sla_policies
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only sla_policies'); END;
