-- Sync, laptop side (docs/sync-protocol.md). Every write to a synced table also appends the
-- change to `sync_outbox` — by the triggers below, so inside the very transaction of the user
-- action (invariant 4) and for every action, present or future, without each one remembering to.
-- `sync_outbox.seq` is the device's change sequence: AUTOINCREMENT never reuses a number, so a
-- retried batch carries the same numbers and the server applies it once.

-- The one row of sync state: who this laptop is to the server, where its pull stands, and
-- whether pulled records are being applied right now (then the triggers stay quiet: records from
-- the server must not echo back as new changes).
CREATE TABLE sync_state (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    applying          INTEGER NOT NULL DEFAULT 0 CHECK (applying IN (0, 1)),
    server_url        TEXT,
    device_id         TEXT,
    device_token      TEXT,
    technician_id     TEXT,
    pull_cursor       INTEGER NOT NULL DEFAULT 0,
    last_good_sync_at TEXT,
    last_error        TEXT
) STRICT;
INSERT INTO sync_state (id) VALUES (1);

CREATE TABLE sync_outbox (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT NOT NULL,
    record_id TEXT NOT NULL,
    op        TEXT NOT NULL CHECK (op IN ('insert', 'update')),
    row       TEXT NOT NULL CHECK (json_valid(row)),
    base      TEXT CHECK (base IS NULL OR json_valid(base)),
    at        TEXT NOT NULL
) STRICT;
CREATE INDEX sync_outbox_by_record ON sync_outbox (entity, record_id);

-- The server revision of each record this laptop holds: a pulled version older than it is skipped.
CREATE TABLE sync_revs (
    entity    TEXT NOT NULL,
    record_id TEXT NOT NULL,
    rev       INTEGER NOT NULL,
    PRIMARY KEY (entity, record_id)
) STRICT, WITHOUT ROWID;

-- What the server could not merge, and pulled records this laptop could not take: shown for the
-- technician to settle.
CREATE TABLE sync_conflicts (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    fields      TEXT NOT NULL CHECK (json_valid(fields)),
    ours        TEXT CHECK (ours IS NULL OR json_valid(ours)),
    theirs      TEXT CHECK (theirs IS NULL OR json_valid(theirs)),
    reason      TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    settled_at  TEXT
) STRICT;


-- Records written before this migration (a profile older than sync) go up too: they are queued
-- here once, parents before children, as the triggers would have queued them. A signed report is
-- queued as the draft it was, then its entries, then the signing, because the receiving laptop's
-- triggers refuse entries added to a signed report.

INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'technicians', id, 'insert', json_object('id', id, 'name', name, 'staff_no', staff_no, 'created_at', created_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM technicians ORDER BY rowid;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'contracts', id, 'insert', json_object('id', id, 'code', code, 'name', name, 'client', client, 'service_start', service_start, 'service_end', service_end, 'floor_units', floor_units, 'floor_parts', floor_parts, 'policy_version', policy_version), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM contracts ORDER BY rowid;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'sla_policies', contract_id || '/' || version, 'insert', json_object('contract_id', contract_id, 'version', version, 'policy', policy, 'created_at', created_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM sla_policies ORDER BY contract_id, version;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'sites', id, 'insert', json_object('id', id, 'contract_id', contract_id, 'code', code, 'name', name, 'kind', kind, 'address', address, 'lat', lat, 'lon', lon), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM sites ORDER BY rowid;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'devices', id, 'insert', json_object('id', id, 'site_id', site_id, 'kind', kind, 'model', model, 'serial', serial), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM devices ORDER BY rowid;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'spare_parts', id, 'insert', json_object('id', id, 'contract_id', contract_id, 'code', code, 'name', name, 'kind', kind, 'model', model), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM spare_parts ORDER BY rowid;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'faults', id, 'insert', json_object('id', id, 'contract_id', contract_id, 'site_id', site_id, 'device_id', device_id, 'level', level, 'reported_at', reported_at, 'channel', channel, 'description', description, 'first_receiver', first_receiver, 'policy_version', policy_version, 'recorded_at', recorded_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM faults ORDER BY rowid;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'fault_events', id, 'insert', json_object('id', id, 'fault_id', fault_id, 'kind', kind, 'at', at, 'payload', payload, 'recorded_at', recorded_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM fault_events ORDER BY rowid;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'arrivals', id, 'insert', json_object('id', id, 'technician_id', technician_id, 'site_id', site_id, 'fault_id', fault_id, 'arrived_at', arrived_at, 'lat', lat, 'lon', lon, 'accuracy_m', accuracy_m, 'site_confirmed_by_hand', site_confirmed_by_hand, 'recorded_at', recorded_at, 'clock_suspect', clock_suspect), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM arrivals ORDER BY rowid;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'inspections', id, 'insert', json_object('id', id, 'contract_id', contract_id, 'site_id', site_id, 'kind', kind, 'planned_for', planned_for, 'checklist', checklist, 'done_arrival_id', done_arrival_id, 'done_at', done_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM inspections ORDER BY rowid;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'daily_reports', id, 'insert', json_object('id', id, 'technician_id', technician_id, 'contract_id', contract_id, 'work_date', work_date, 'status', 'draft', 'amends_id', amends_id, 'amend_reason', amend_reason, 'created_at', created_at, 'signed_at', NULL), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM daily_reports ORDER BY created_at, id;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'report_entries', id, 'insert', json_object('id', id, 'report_id', report_id, 'position', position, 'site_id', site_id, 'device_id', device_id, 'fault_id', fault_id, 'fault_cause', fault_cause, 'resolved', resolved, 'unresolved_reason', unresolved_reason, 'work_done', work_done), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM report_entries ORDER BY rowid;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'stock_movements', id, 'insert', json_object('id', id, 'part_id', part_id, 'kind', kind, 'quantity', quantity, 'at', at, 'technician_id', technician_id, 'fault_id', fault_id, 'entry_id', entry_id, 'old_serial', old_serial, 'new_serial', new_serial, 'note', note, 'recorded_at', recorded_at), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM stock_movements ORDER BY rowid;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'entry_parts', entry_id || '/' || position, 'insert', json_object('entry_id', entry_id, 'position', position, 'movement_id', movement_id), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM entry_parts ORDER BY entry_id, position;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'daily_reports', id, 'update', json_object('id', id, 'technician_id', technician_id, 'contract_id', contract_id, 'work_date', work_date, 'status', status, 'amends_id', amends_id, 'amend_reason', amend_reason, 'created_at', created_at, 'signed_at', signed_at), json_object('id', id, 'technician_id', technician_id, 'contract_id', contract_id, 'work_date', work_date, 'status', 'draft', 'amends_id', amends_id, 'amend_reason', amend_reason, 'created_at', created_at, 'signed_at', NULL), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM daily_reports WHERE status = 'signed' ORDER BY created_at, id;
INSERT INTO sync_outbox (entity, record_id, op, row, base, at)
SELECT 'signatures', id, 'insert', json_object('id', id, 'subject', subject, 'subject_id', subject_id, 'signer_name', signer_name, 'role', role, 'signed_at', signed_at, 'image_sha256', image_sha256, 'strokes', strokes, 'content_hash', content_hash), NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM signatures ORDER BY rowid;

CREATE TRIGGER sync_outbox_technicians_insert AFTER INSERT ON technicians
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('technicians', NEW.id, 'insert',
        json_object('id', NEW.id, 'name', NEW.name, 'staff_no', NEW.staff_no, 'created_at', NEW.created_at),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_technicians_update AFTER UPDATE ON technicians
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('technicians', NEW.id, 'update',
        json_object('id', NEW.id, 'name', NEW.name, 'staff_no', NEW.staff_no, 'created_at', NEW.created_at),
        json_object('id', OLD.id, 'name', OLD.name, 'staff_no', OLD.staff_no, 'created_at', OLD.created_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_contracts_insert AFTER INSERT ON contracts
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('contracts', NEW.id, 'insert',
        json_object('id', NEW.id, 'code', NEW.code, 'name', NEW.name, 'client', NEW.client, 'service_start', NEW.service_start, 'service_end', NEW.service_end, 'floor_units', NEW.floor_units, 'floor_parts', NEW.floor_parts, 'policy_version', NEW.policy_version),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_contracts_update AFTER UPDATE ON contracts
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('contracts', NEW.id, 'update',
        json_object('id', NEW.id, 'code', NEW.code, 'name', NEW.name, 'client', NEW.client, 'service_start', NEW.service_start, 'service_end', NEW.service_end, 'floor_units', NEW.floor_units, 'floor_parts', NEW.floor_parts, 'policy_version', NEW.policy_version),
        json_object('id', OLD.id, 'code', OLD.code, 'name', OLD.name, 'client', OLD.client, 'service_start', OLD.service_start, 'service_end', OLD.service_end, 'floor_units', OLD.floor_units, 'floor_parts', OLD.floor_parts, 'policy_version', OLD.policy_version), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_sla_policies_insert AFTER INSERT ON sla_policies
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('sla_policies', NEW.contract_id || '/' || NEW.version, 'insert',
        json_object('contract_id', NEW.contract_id, 'version', NEW.version, 'policy', NEW.policy, 'created_at', NEW.created_at),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_sla_policies_update AFTER UPDATE ON sla_policies
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('sla_policies', NEW.contract_id || '/' || NEW.version, 'update',
        json_object('contract_id', NEW.contract_id, 'version', NEW.version, 'policy', NEW.policy, 'created_at', NEW.created_at),
        json_object('contract_id', OLD.contract_id, 'version', OLD.version, 'policy', OLD.policy, 'created_at', OLD.created_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_sites_insert AFTER INSERT ON sites
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('sites', NEW.id, 'insert',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'code', NEW.code, 'name', NEW.name, 'kind', NEW.kind, 'address', NEW.address, 'lat', NEW.lat, 'lon', NEW.lon),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_sites_update AFTER UPDATE ON sites
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('sites', NEW.id, 'update',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'code', NEW.code, 'name', NEW.name, 'kind', NEW.kind, 'address', NEW.address, 'lat', NEW.lat, 'lon', NEW.lon),
        json_object('id', OLD.id, 'contract_id', OLD.contract_id, 'code', OLD.code, 'name', OLD.name, 'kind', OLD.kind, 'address', OLD.address, 'lat', OLD.lat, 'lon', OLD.lon), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_devices_insert AFTER INSERT ON devices
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('devices', NEW.id, 'insert',
        json_object('id', NEW.id, 'site_id', NEW.site_id, 'kind', NEW.kind, 'model', NEW.model, 'serial', NEW.serial),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_devices_update AFTER UPDATE ON devices
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('devices', NEW.id, 'update',
        json_object('id', NEW.id, 'site_id', NEW.site_id, 'kind', NEW.kind, 'model', NEW.model, 'serial', NEW.serial),
        json_object('id', OLD.id, 'site_id', OLD.site_id, 'kind', OLD.kind, 'model', OLD.model, 'serial', OLD.serial), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_spare_parts_insert AFTER INSERT ON spare_parts
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('spare_parts', NEW.id, 'insert',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'code', NEW.code, 'name', NEW.name, 'kind', NEW.kind, 'model', NEW.model),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_spare_parts_update AFTER UPDATE ON spare_parts
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('spare_parts', NEW.id, 'update',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'code', NEW.code, 'name', NEW.name, 'kind', NEW.kind, 'model', NEW.model),
        json_object('id', OLD.id, 'contract_id', OLD.contract_id, 'code', OLD.code, 'name', OLD.name, 'kind', OLD.kind, 'model', OLD.model), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_faults_insert AFTER INSERT ON faults
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('faults', NEW.id, 'insert',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'site_id', NEW.site_id, 'device_id', NEW.device_id, 'level', NEW.level, 'reported_at', NEW.reported_at, 'channel', NEW.channel, 'description', NEW.description, 'first_receiver', NEW.first_receiver, 'policy_version', NEW.policy_version, 'recorded_at', NEW.recorded_at),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_faults_update AFTER UPDATE ON faults
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('faults', NEW.id, 'update',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'site_id', NEW.site_id, 'device_id', NEW.device_id, 'level', NEW.level, 'reported_at', NEW.reported_at, 'channel', NEW.channel, 'description', NEW.description, 'first_receiver', NEW.first_receiver, 'policy_version', NEW.policy_version, 'recorded_at', NEW.recorded_at),
        json_object('id', OLD.id, 'contract_id', OLD.contract_id, 'site_id', OLD.site_id, 'device_id', OLD.device_id, 'level', OLD.level, 'reported_at', OLD.reported_at, 'channel', OLD.channel, 'description', OLD.description, 'first_receiver', OLD.first_receiver, 'policy_version', OLD.policy_version, 'recorded_at', OLD.recorded_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_fault_events_insert AFTER INSERT ON fault_events
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('fault_events', NEW.id, 'insert',
        json_object('id', NEW.id, 'fault_id', NEW.fault_id, 'kind', NEW.kind, 'at', NEW.at, 'payload', NEW.payload, 'recorded_at', NEW.recorded_at),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_fault_events_update AFTER UPDATE ON fault_events
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('fault_events', NEW.id, 'update',
        json_object('id', NEW.id, 'fault_id', NEW.fault_id, 'kind', NEW.kind, 'at', NEW.at, 'payload', NEW.payload, 'recorded_at', NEW.recorded_at),
        json_object('id', OLD.id, 'fault_id', OLD.fault_id, 'kind', OLD.kind, 'at', OLD.at, 'payload', OLD.payload, 'recorded_at', OLD.recorded_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_arrivals_insert AFTER INSERT ON arrivals
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('arrivals', NEW.id, 'insert',
        json_object('id', NEW.id, 'technician_id', NEW.technician_id, 'site_id', NEW.site_id, 'fault_id', NEW.fault_id, 'arrived_at', NEW.arrived_at, 'lat', NEW.lat, 'lon', NEW.lon, 'accuracy_m', NEW.accuracy_m, 'site_confirmed_by_hand', NEW.site_confirmed_by_hand, 'recorded_at', NEW.recorded_at, 'clock_suspect', NEW.clock_suspect),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_arrivals_update AFTER UPDATE ON arrivals
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('arrivals', NEW.id, 'update',
        json_object('id', NEW.id, 'technician_id', NEW.technician_id, 'site_id', NEW.site_id, 'fault_id', NEW.fault_id, 'arrived_at', NEW.arrived_at, 'lat', NEW.lat, 'lon', NEW.lon, 'accuracy_m', NEW.accuracy_m, 'site_confirmed_by_hand', NEW.site_confirmed_by_hand, 'recorded_at', NEW.recorded_at, 'clock_suspect', NEW.clock_suspect),
        json_object('id', OLD.id, 'technician_id', OLD.technician_id, 'site_id', OLD.site_id, 'fault_id', OLD.fault_id, 'arrived_at', OLD.arrived_at, 'lat', OLD.lat, 'lon', OLD.lon, 'accuracy_m', OLD.accuracy_m, 'site_confirmed_by_hand', OLD.site_confirmed_by_hand, 'recorded_at', OLD.recorded_at, 'clock_suspect', OLD.clock_suspect), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_inspections_insert AFTER INSERT ON inspections
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('inspections', NEW.id, 'insert',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'site_id', NEW.site_id, 'kind', NEW.kind, 'planned_for', NEW.planned_for, 'checklist', NEW.checklist, 'done_arrival_id', NEW.done_arrival_id, 'done_at', NEW.done_at),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_inspections_update AFTER UPDATE ON inspections
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('inspections', NEW.id, 'update',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'site_id', NEW.site_id, 'kind', NEW.kind, 'planned_for', NEW.planned_for, 'checklist', NEW.checklist, 'done_arrival_id', NEW.done_arrival_id, 'done_at', NEW.done_at),
        json_object('id', OLD.id, 'contract_id', OLD.contract_id, 'site_id', OLD.site_id, 'kind', OLD.kind, 'planned_for', OLD.planned_for, 'checklist', OLD.checklist, 'done_arrival_id', OLD.done_arrival_id, 'done_at', OLD.done_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_daily_reports_insert AFTER INSERT ON daily_reports
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('daily_reports', NEW.id, 'insert',
        json_object('id', NEW.id, 'technician_id', NEW.technician_id, 'contract_id', NEW.contract_id, 'work_date', NEW.work_date, 'status', NEW.status, 'amends_id', NEW.amends_id, 'amend_reason', NEW.amend_reason, 'created_at', NEW.created_at, 'signed_at', NEW.signed_at),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_daily_reports_update AFTER UPDATE ON daily_reports
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('daily_reports', NEW.id, 'update',
        json_object('id', NEW.id, 'technician_id', NEW.technician_id, 'contract_id', NEW.contract_id, 'work_date', NEW.work_date, 'status', NEW.status, 'amends_id', NEW.amends_id, 'amend_reason', NEW.amend_reason, 'created_at', NEW.created_at, 'signed_at', NEW.signed_at),
        json_object('id', OLD.id, 'technician_id', OLD.technician_id, 'contract_id', OLD.contract_id, 'work_date', OLD.work_date, 'status', OLD.status, 'amends_id', OLD.amends_id, 'amend_reason', OLD.amend_reason, 'created_at', OLD.created_at, 'signed_at', OLD.signed_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_report_entries_insert AFTER INSERT ON report_entries
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('report_entries', NEW.id, 'insert',
        json_object('id', NEW.id, 'report_id', NEW.report_id, 'position', NEW.position, 'site_id', NEW.site_id, 'device_id', NEW.device_id, 'fault_id', NEW.fault_id, 'fault_cause', NEW.fault_cause, 'resolved', NEW.resolved, 'unresolved_reason', NEW.unresolved_reason, 'work_done', NEW.work_done),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_report_entries_update AFTER UPDATE ON report_entries
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('report_entries', NEW.id, 'update',
        json_object('id', NEW.id, 'report_id', NEW.report_id, 'position', NEW.position, 'site_id', NEW.site_id, 'device_id', NEW.device_id, 'fault_id', NEW.fault_id, 'fault_cause', NEW.fault_cause, 'resolved', NEW.resolved, 'unresolved_reason', NEW.unresolved_reason, 'work_done', NEW.work_done),
        json_object('id', OLD.id, 'report_id', OLD.report_id, 'position', OLD.position, 'site_id', OLD.site_id, 'device_id', OLD.device_id, 'fault_id', OLD.fault_id, 'fault_cause', OLD.fault_cause, 'resolved', OLD.resolved, 'unresolved_reason', OLD.unresolved_reason, 'work_done', OLD.work_done), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_stock_movements_insert AFTER INSERT ON stock_movements
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('stock_movements', NEW.id, 'insert',
        json_object('id', NEW.id, 'part_id', NEW.part_id, 'kind', NEW.kind, 'quantity', NEW.quantity, 'at', NEW.at, 'technician_id', NEW.technician_id, 'fault_id', NEW.fault_id, 'entry_id', NEW.entry_id, 'old_serial', NEW.old_serial, 'new_serial', NEW.new_serial, 'note', NEW.note, 'recorded_at', NEW.recorded_at),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_stock_movements_update AFTER UPDATE ON stock_movements
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('stock_movements', NEW.id, 'update',
        json_object('id', NEW.id, 'part_id', NEW.part_id, 'kind', NEW.kind, 'quantity', NEW.quantity, 'at', NEW.at, 'technician_id', NEW.technician_id, 'fault_id', NEW.fault_id, 'entry_id', NEW.entry_id, 'old_serial', NEW.old_serial, 'new_serial', NEW.new_serial, 'note', NEW.note, 'recorded_at', NEW.recorded_at),
        json_object('id', OLD.id, 'part_id', OLD.part_id, 'kind', OLD.kind, 'quantity', OLD.quantity, 'at', OLD.at, 'technician_id', OLD.technician_id, 'fault_id', OLD.fault_id, 'entry_id', OLD.entry_id, 'old_serial', OLD.old_serial, 'new_serial', OLD.new_serial, 'note', OLD.note, 'recorded_at', OLD.recorded_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_entry_parts_insert AFTER INSERT ON entry_parts
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('entry_parts', NEW.entry_id || '/' || NEW.position, 'insert',
        json_object('entry_id', NEW.entry_id, 'position', NEW.position, 'movement_id', NEW.movement_id),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_entry_parts_update AFTER UPDATE ON entry_parts
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('entry_parts', NEW.entry_id || '/' || NEW.position, 'update',
        json_object('entry_id', NEW.entry_id, 'position', NEW.position, 'movement_id', NEW.movement_id),
        json_object('entry_id', OLD.entry_id, 'position', OLD.position, 'movement_id', OLD.movement_id), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_signatures_insert AFTER INSERT ON signatures
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('signatures', NEW.id, 'insert',
        json_object('id', NEW.id, 'subject', NEW.subject, 'subject_id', NEW.subject_id, 'signer_name', NEW.signer_name, 'role', NEW.role, 'signed_at', NEW.signed_at, 'image_sha256', NEW.image_sha256, 'strokes', NEW.strokes, 'content_hash', NEW.content_hash),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_signatures_update AFTER UPDATE ON signatures
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('signatures', NEW.id, 'update',
        json_object('id', NEW.id, 'subject', NEW.subject, 'subject_id', NEW.subject_id, 'signer_name', NEW.signer_name, 'role', NEW.role, 'signed_at', NEW.signed_at, 'image_sha256', NEW.image_sha256, 'strokes', NEW.strokes, 'content_hash', NEW.content_hash),
        json_object('id', OLD.id, 'subject', OLD.subject, 'subject_id', OLD.subject_id, 'signer_name', OLD.signer_name, 'role', OLD.role, 'signed_at', OLD.signed_at, 'image_sha256', OLD.image_sha256, 'strokes', OLD.strokes, 'content_hash', OLD.content_hash), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
