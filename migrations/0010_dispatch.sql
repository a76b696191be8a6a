-- Issue 18, the office takes the call and dispatches it.
--
-- A fault taken by the office names who called and on which number (a fault recorded on the laptop
-- may leave both empty, as before). Dispatch is a ledger of assignment records, append-only like
-- every other piece of a fault's history: the office assigns (派单) or reassigns (改派, with a
-- reason), a technician takes an unassigned fault on the laptop (接单, offline too). Each record
-- names in `supersedes` the records its writer saw as current; who holds the fault now is a pure
-- function of the records (`fieldlog_domain::dispatch`), the same on every laptop and the server
-- whatever order they arrive in: one record that nothing supersedes is the assignee, two are a
-- conflict shown to the office until it assigns again.
ALTER TABLE faults ADD COLUMN caller TEXT;
ALTER TABLE faults ADD COLUMN caller_phone TEXT;

DROP TRIGGER sync_outbox_faults_insert;
DROP TRIGGER sync_outbox_faults_update;
CREATE TRIGGER sync_outbox_faults_insert AFTER INSERT ON faults
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('faults', NEW.id, 'insert',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'site_id', NEW.site_id, 'device_id', NEW.device_id, 'level', NEW.level, 'reported_at', NEW.reported_at, 'channel', NEW.channel, 'description', NEW.description, 'first_receiver', NEW.first_receiver, 'policy_version', NEW.policy_version, 'recorded_at', NEW.recorded_at, 'caller', NEW.caller, 'caller_phone', NEW.caller_phone),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_faults_update AFTER UPDATE ON faults
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('faults', NEW.id, 'update',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'site_id', NEW.site_id, 'device_id', NEW.device_id, 'level', NEW.level, 'reported_at', NEW.reported_at, 'channel', NEW.channel, 'description', NEW.description, 'first_receiver', NEW.first_receiver, 'policy_version', NEW.policy_version, 'recorded_at', NEW.recorded_at, 'caller', NEW.caller, 'caller_phone', NEW.caller_phone),
        json_object('id', OLD.id, 'contract_id', OLD.contract_id, 'site_id', OLD.site_id, 'device_id', OLD.device_id, 'level', OLD.level, 'reported_at', OLD.reported_at, 'channel', OLD.channel, 'description', OLD.description, 'first_receiver', OLD.first_receiver, 'policy_version', OLD.policy_version, 'recorded_at', OLD.recorded_at, 'caller', OLD.caller, 'caller_phone', OLD.caller_phone), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TABLE fault_assignments (
    id              TEXT PRIMARY KEY,
    fault_id        TEXT NOT NULL REFERENCES faults (id),
    -- 'assign': made by the office (派单, 改派); 'take': a technician took it on the laptop (接单).
    kind            TEXT NOT NULL CHECK (kind IN ('assign', 'take')),
    -- The server's technician id. No foreign key: a technician the office adds has no profile
    -- record on a laptop until his own laptop syncs, so the name travels with the record.
    technician_id   TEXT NOT NULL,
    technician_name TEXT NOT NULL,
    -- A JSON array of the assignment ids the writer saw as current (none: unassigned).
    supersedes      TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(supersedes) AND json_type(supersedes) = 'array'),
    -- Why (required for a reassignment; may be empty otherwise).
    reason          TEXT NOT NULL DEFAULT '',
    -- Who made it: the office account's name, or the technician's.
    assigned_by     TEXT NOT NULL,
    at              TEXT NOT NULL,
    recorded_at     TEXT NOT NULL
) STRICT;
CREATE INDEX fault_assignments_by_fault ON fault_assignments (fault_id);

CREATE TRIGGER fault_assignments_append_only_update BEFORE UPDATE ON fault_assignments
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only fault_assignments'); END;
CREATE TRIGGER fault_assignments_append_only_delete BEFORE DELETE ON fault_assignments
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only fault_assignments'); END;

CREATE TRIGGER sync_outbox_fault_assignments_insert AFTER INSERT ON fault_assignments
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('fault_assignments', NEW.id, 'insert',
        json_object('id', NEW.id, 'fault_id', NEW.fault_id, 'kind', NEW.kind, 'technician_id', NEW.technician_id, 'technician_name', NEW.technician_name, 'supersedes', NEW.supersedes, 'reason', NEW.reason, 'assigned_by', NEW.assigned_by, 'at', NEW.at, 'recorded_at', NEW.recorded_at),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_fault_assignments_update AFTER UPDATE ON fault_assignments
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('fault_assignments', NEW.id, 'update',
        json_object('id', NEW.id, 'fault_id', NEW.fault_id, 'kind', NEW.kind, 'technician_id', NEW.technician_id, 'technician_name', NEW.technician_name, 'supersedes', NEW.supersedes, 'reason', NEW.reason, 'assigned_by', NEW.assigned_by, 'at', NEW.at, 'recorded_at', NEW.recorded_at),
        json_object('id', OLD.id, 'fault_id', OLD.fault_id, 'kind', OLD.kind, 'technician_id', OLD.technician_id, 'technician_name', OLD.technician_name, 'supersedes', OLD.supersedes, 'reason', OLD.reason, 'assigned_by', OLD.assigned_by, 'at', OLD.at, 'recorded_at', OLD.recorded_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
