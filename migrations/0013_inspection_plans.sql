-- Issue 19 item 5: inspections planned by contract, their checklists ticked, their findings noted
-- and turned into faults.
--
-- A plan says which sites of a contract are inspected every month (routine, 巡检) or every quarter
-- (security, 每季度系统安全巡检), with which checklist. The concrete inspection of a period is made
-- by every laptop alike from (plan, site, period), with an id derived from the three
-- (`fieldlog_domain::inspection::planned_inspection_id`), so two laptops of the contract that open
-- the month offline make the same row and sync merges it as one record.
CREATE TABLE inspection_plans (
    id          TEXT PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    kind        TEXT NOT NULL CHECK (kind IN ('security_quarterly', 'routine')),
    checklist   TEXT NOT NULL CHECK (json_valid(checklist) AND json_type(checklist) = 'array'),
    -- A JSON array of the sites inspected; NULL: every site of the contract.
    site_ids    TEXT CHECK (site_ids IS NULL OR (json_valid(site_ids) AND json_type(site_ids) = 'array')),
    starts_on   TEXT NOT NULL,
    -- The last day the plan makes periods for; NULL: until further notice.
    ends_on     TEXT,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX inspection_plans_by_contract ON inspection_plans (contract_id);

-- The plan an inspection was made from (NULL: planned by hand, one visit), and the last day of
-- its period: after it the inspection is overdue (NULL: its planned day).
ALTER TABLE inspections ADD COLUMN plan_id TEXT REFERENCES inspection_plans (id);
ALTER TABLE inspections ADD COLUMN due_by TEXT;

-- One tick of one checklist item. Ticks are never changed: ticking an item again (changing one's
-- mind before the inspection is done) adds a tick, and the latest one counts. The item's text is
-- kept as it read when ticked, so a later edit of the plan changes nothing ticked.
CREATE TABLE inspection_ticks (
    id            TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    position      INTEGER NOT NULL CHECK (position >= 0),
    item          TEXT NOT NULL,
    outcome       TEXT NOT NULL CHECK (outcome IN ('ok', 'not_ok', 'skipped')),
    -- What is wrong, or why it was not checked (required unless ok).
    note          TEXT NOT NULL DEFAULT '' CHECK (outcome = 'ok' OR note <> ''),
    recorded_at   TEXT NOT NULL
) STRICT;
CREATE INDEX inspection_ticks_by_inspection ON inspection_ticks (inspection_id, position);

-- Something found while inspecting: where, on which device if any, what.
CREATE TABLE inspection_findings (
    id            TEXT PRIMARY KEY,
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    site_id       TEXT NOT NULL REFERENCES sites (id),
    device_id     TEXT REFERENCES devices (id),
    description   TEXT NOT NULL CHECK (description <> ''),
    recorded_at   TEXT NOT NULL
) STRICT;
CREATE INDEX inspection_findings_by_inspection ON inspection_findings (inspection_id);

-- A finding turned into a fault: recorded in the same transaction as the fault. One fault per
-- finding, one finding per fault.
CREATE TABLE inspection_finding_faults (
    finding_id  TEXT PRIMARY KEY REFERENCES inspection_findings (id),
    fault_id    TEXT NOT NULL UNIQUE REFERENCES faults (id),
    recorded_at TEXT NOT NULL
) STRICT;

-- Ticks, findings and their faults are never changed or removed; once the inspection is done,
-- none is added to it either (it is evidence like the arrival that did it). Rows arriving by
-- sync (`applying`) are what another laptop recorded before it knew; they are kept.
CREATE TRIGGER inspection_ticks_append_only_update BEFORE UPDATE ON inspection_ticks
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only inspection_ticks'); END;
CREATE TRIGGER inspection_ticks_append_only_delete BEFORE DELETE ON inspection_ticks
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only inspection_ticks'); END;
CREATE TRIGGER inspection_ticks_done_is_final BEFORE INSERT ON inspection_ticks
WHEN (SELECT applying FROM sync_state) = 0
 AND (SELECT done_at FROM inspections WHERE id = NEW.inspection_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only inspection_ticks'); END;
CREATE TRIGGER inspection_findings_append_only_update BEFORE UPDATE ON inspection_findings
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only inspection_findings'); END;
CREATE TRIGGER inspection_findings_append_only_delete BEFORE DELETE ON inspection_findings
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only inspection_findings'); END;
CREATE TRIGGER inspection_findings_done_is_final BEFORE INSERT ON inspection_findings
WHEN (SELECT applying FROM sync_state) = 0
 AND (SELECT done_at FROM inspections WHERE id = NEW.inspection_id) IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only inspection_findings'); END;
CREATE TRIGGER inspection_finding_faults_append_only_update BEFORE UPDATE ON inspection_finding_faults
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only inspection_finding_faults'); END;
CREATE TRIGGER inspection_finding_faults_append_only_delete BEFORE DELETE ON inspection_finding_faults
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only inspection_finding_faults'); END;

-- Every change queued for sync, like the other synced tables (0005).
CREATE TRIGGER sync_outbox_inspection_plans_insert AFTER INSERT ON inspection_plans
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('inspection_plans', NEW.id, 'insert',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'kind', NEW.kind, 'checklist', NEW.checklist, 'site_ids', NEW.site_ids, 'starts_on', NEW.starts_on, 'ends_on', NEW.ends_on, 'created_at', NEW.created_at),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_inspection_plans_update AFTER UPDATE ON inspection_plans
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('inspection_plans', NEW.id, 'update',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'kind', NEW.kind, 'checklist', NEW.checklist, 'site_ids', NEW.site_ids, 'starts_on', NEW.starts_on, 'ends_on', NEW.ends_on, 'created_at', NEW.created_at),
        json_object('id', OLD.id, 'contract_id', OLD.contract_id, 'kind', OLD.kind, 'checklist', OLD.checklist, 'site_ids', OLD.site_ids, 'starts_on', OLD.starts_on, 'ends_on', OLD.ends_on, 'created_at', OLD.created_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

DROP TRIGGER sync_outbox_inspections_insert;
DROP TRIGGER sync_outbox_inspections_update;
CREATE TRIGGER sync_outbox_inspections_insert AFTER INSERT ON inspections
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('inspections', NEW.id, 'insert',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'site_id', NEW.site_id, 'kind', NEW.kind, 'planned_for', NEW.planned_for, 'checklist', NEW.checklist, 'done_arrival_id', NEW.done_arrival_id, 'done_at', NEW.done_at, 'plan_id', NEW.plan_id, 'due_by', NEW.due_by),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_inspections_update AFTER UPDATE ON inspections
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('inspections', NEW.id, 'update',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'site_id', NEW.site_id, 'kind', NEW.kind, 'planned_for', NEW.planned_for, 'checklist', NEW.checklist, 'done_arrival_id', NEW.done_arrival_id, 'done_at', NEW.done_at, 'plan_id', NEW.plan_id, 'due_by', NEW.due_by),
        json_object('id', OLD.id, 'contract_id', OLD.contract_id, 'site_id', OLD.site_id, 'kind', OLD.kind, 'planned_for', OLD.planned_for, 'checklist', OLD.checklist, 'done_arrival_id', OLD.done_arrival_id, 'done_at', OLD.done_at, 'plan_id', OLD.plan_id, 'due_by', OLD.due_by), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_inspection_ticks_insert AFTER INSERT ON inspection_ticks
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('inspection_ticks', NEW.id, 'insert',
        json_object('id', NEW.id, 'inspection_id', NEW.inspection_id, 'position', NEW.position, 'item', NEW.item, 'outcome', NEW.outcome, 'note', NEW.note, 'recorded_at', NEW.recorded_at),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_inspection_findings_insert AFTER INSERT ON inspection_findings
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('inspection_findings', NEW.id, 'insert',
        json_object('id', NEW.id, 'inspection_id', NEW.inspection_id, 'site_id', NEW.site_id, 'device_id', NEW.device_id, 'description', NEW.description, 'recorded_at', NEW.recorded_at),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_inspection_finding_faults_insert AFTER INSERT ON inspection_finding_faults
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('inspection_finding_faults', NEW.finding_id, 'insert',
        json_object('finding_id', NEW.finding_id, 'fault_id', NEW.fault_id, 'recorded_at', NEW.recorded_at),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
