-- Issue 13: same records on two laptops (docs/sync-protocol.md, "Reports on several laptops").
--
-- 1. Report entries are ordered by (position, id): two entries added to one draft on two
--    laptops may take the same position, and both are kept (the UNIQUE (report_id, position)
--    of 0002 made the second laptop refuse the other's entry, then its parts and stock
--    movements). The table is rebuilt without it; the copy keeps every row.
-- 2. `held_at`: an entry that reached the server after its report was signed there, or that
--    the report's signature does not cover, is kept apart: never part of the signed report
--    (its content, its hash, its PDF), shown for review. The server sets it; laptops take it.
-- 3. `signatures.covers`: the entries a signature covers, as [{"id", "sha256"}], so the server
--    and every laptop know exactly what the signer saw.
-- 4. Reals (coordinates) go into the outbox with 17 significant digits, so they round-trip:
--    json_object() wrote 15, and the laptop that made a check-in held another latitude than
--    everyone else.
-- 5. Old data: pulled rows this laptop refused because of the old position rule (the entry,
--    then its parts and movements) are forgotten and the feed is read again from the start,
--    so they are applied now; the conflicts that recorded the refusals are marked settled.

-- The rebuild, as SQLite documents it: the runner applies migrations with foreign keys off and
-- checks them before committing. The legacy rename leaves other tables' triggers, which name
-- `report_entries`, as they are.
CREATE TABLE report_entries_new (
    id                TEXT PRIMARY KEY,
    report_id         TEXT NOT NULL REFERENCES daily_reports (id),
    position          INTEGER NOT NULL CHECK (position >= 1),
    site_id           TEXT NOT NULL REFERENCES sites (id),
    device_id         TEXT REFERENCES devices (id),
    fault_id          TEXT REFERENCES faults (id),
    fault_cause       TEXT NOT NULL,
    resolved          INTEGER NOT NULL CHECK (resolved IN (0, 1)),
    unresolved_reason TEXT,
    work_done         TEXT NOT NULL,
    held_at           TEXT,
    CHECK (resolved = 1 OR unresolved_reason IS NOT NULL)
) STRICT;
INSERT INTO report_entries_new (id, report_id, position, site_id, device_id, fault_id,
                                fault_cause, resolved, unresolved_reason, work_done)
SELECT id, report_id, position, site_id, device_id, fault_id, fault_cause, resolved,
       unresolved_reason, work_done
FROM report_entries;
DROP TABLE report_entries;
PRAGMA legacy_alter_table = ON;
ALTER TABLE report_entries_new RENAME TO report_entries;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX report_entries_by_report ON report_entries (report_id, position, id);

-- 0002's guards, except that an entry kept apart may join a signed report's list of held entries.
CREATE TRIGGER report_entries_signed_no_insert BEFORE INSERT ON report_entries
WHEN NEW.held_at IS NULL AND (SELECT status FROM daily_reports WHERE id = NEW.report_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'fieldlog:signed_immutable'); END;
CREATE TRIGGER report_entries_signed_no_update BEFORE UPDATE ON report_entries
WHEN (SELECT status FROM daily_reports WHERE id = OLD.report_id) = 'signed'
  OR (SELECT status FROM daily_reports WHERE id = NEW.report_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'fieldlog:signed_immutable'); END;
CREATE TRIGGER report_entries_signed_no_delete BEFORE DELETE ON report_entries
WHEN (SELECT status FROM daily_reports WHERE id = OLD.report_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'fieldlog:signed_immutable'); END;

DROP TRIGGER entry_parts_signed_no_insert;
CREATE TRIGGER entry_parts_signed_no_insert BEFORE INSERT ON entry_parts
WHEN (SELECT r.status FROM report_entries e JOIN daily_reports r ON r.id = e.report_id
      WHERE e.id = NEW.entry_id AND e.held_at IS NULL) = 'signed'
BEGIN SELECT RAISE(ABORT, 'fieldlog:signed_immutable'); END;

ALTER TABLE signatures ADD COLUMN covers TEXT CHECK (covers IS NULL OR json_valid(covers));

CREATE TRIGGER sync_outbox_report_entries_insert AFTER INSERT ON report_entries
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('report_entries', NEW.id, 'insert',
        json_object('id', NEW.id, 'report_id', NEW.report_id, 'position', NEW.position, 'site_id', NEW.site_id, 'device_id', NEW.device_id, 'fault_id', NEW.fault_id, 'fault_cause', NEW.fault_cause, 'resolved', NEW.resolved, 'unresolved_reason', NEW.unresolved_reason, 'work_done', NEW.work_done, 'held_at', NEW.held_at),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sync_outbox_report_entries_update AFTER UPDATE ON report_entries
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('report_entries', NEW.id, 'update',
        json_object('id', NEW.id, 'report_id', NEW.report_id, 'position', NEW.position, 'site_id', NEW.site_id, 'device_id', NEW.device_id, 'fault_id', NEW.fault_id, 'fault_cause', NEW.fault_cause, 'resolved', NEW.resolved, 'unresolved_reason', NEW.unresolved_reason, 'work_done', NEW.work_done, 'held_at', NEW.held_at),
        json_object('id', OLD.id, 'report_id', OLD.report_id, 'position', OLD.position, 'site_id', OLD.site_id, 'device_id', OLD.device_id, 'fault_id', OLD.fault_id, 'fault_cause', OLD.fault_cause, 'resolved', OLD.resolved, 'unresolved_reason', OLD.unresolved_reason, 'work_done', OLD.work_done, 'held_at', OLD.held_at), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

DROP TRIGGER sync_outbox_signatures_insert;
CREATE TRIGGER sync_outbox_signatures_insert AFTER INSERT ON signatures
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('signatures', NEW.id, 'insert',
        json_object('id', NEW.id, 'subject', NEW.subject, 'subject_id', NEW.subject_id, 'signer_name', NEW.signer_name, 'role', NEW.role, 'signed_at', NEW.signed_at, 'image_sha256', NEW.image_sha256, 'strokes', NEW.strokes, 'content_hash', NEW.content_hash, 'covers', NEW.covers),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

DROP TRIGGER sync_outbox_signatures_update;
CREATE TRIGGER sync_outbox_signatures_update AFTER UPDATE ON signatures
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('signatures', NEW.id, 'update',
        json_object('id', NEW.id, 'subject', NEW.subject, 'subject_id', NEW.subject_id, 'signer_name', NEW.signer_name, 'role', NEW.role, 'signed_at', NEW.signed_at, 'image_sha256', NEW.image_sha256, 'strokes', NEW.strokes, 'content_hash', NEW.content_hash, 'covers', NEW.covers),
        json_object('id', OLD.id, 'subject', OLD.subject, 'subject_id', OLD.subject_id, 'signer_name', OLD.signer_name, 'role', OLD.role, 'signed_at', OLD.signed_at, 'image_sha256', OLD.image_sha256, 'strokes', OLD.strokes, 'content_hash', OLD.content_hash, 'covers', OLD.covers), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

DROP TRIGGER sync_outbox_sites_insert;
CREATE TRIGGER sync_outbox_sites_insert AFTER INSERT ON sites
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('sites', NEW.id, 'insert',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'code', NEW.code, 'name', NEW.name, 'kind', NEW.kind, 'address', NEW.address, 'lat', json(CASE WHEN NEW.lat IS NULL THEN 'null' ELSE printf('%!.17g', NEW.lat) END), 'lon', json(CASE WHEN NEW.lon IS NULL THEN 'null' ELSE printf('%!.17g', NEW.lon) END)),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

DROP TRIGGER sync_outbox_sites_update;
CREATE TRIGGER sync_outbox_sites_update AFTER UPDATE ON sites
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('sites', NEW.id, 'update',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'code', NEW.code, 'name', NEW.name, 'kind', NEW.kind, 'address', NEW.address, 'lat', json(CASE WHEN NEW.lat IS NULL THEN 'null' ELSE printf('%!.17g', NEW.lat) END), 'lon', json(CASE WHEN NEW.lon IS NULL THEN 'null' ELSE printf('%!.17g', NEW.lon) END)),
        json_object('id', OLD.id, 'contract_id', OLD.contract_id, 'code', OLD.code, 'name', OLD.name, 'kind', OLD.kind, 'address', OLD.address, 'lat', json(CASE WHEN OLD.lat IS NULL THEN 'null' ELSE printf('%!.17g', OLD.lat) END), 'lon', json(CASE WHEN OLD.lon IS NULL THEN 'null' ELSE printf('%!.17g', OLD.lon) END)), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

DROP TRIGGER sync_outbox_arrivals_insert;
CREATE TRIGGER sync_outbox_arrivals_insert AFTER INSERT ON arrivals
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('arrivals', NEW.id, 'insert',
        json_object('id', NEW.id, 'technician_id', NEW.technician_id, 'site_id', NEW.site_id, 'fault_id', NEW.fault_id, 'arrived_at', NEW.arrived_at, 'lat', json(CASE WHEN NEW.lat IS NULL THEN 'null' ELSE printf('%!.17g', NEW.lat) END), 'lon', json(CASE WHEN NEW.lon IS NULL THEN 'null' ELSE printf('%!.17g', NEW.lon) END), 'accuracy_m', json(CASE WHEN NEW.accuracy_m IS NULL THEN 'null' ELSE printf('%!.17g', NEW.accuracy_m) END), 'site_confirmed_by_hand', NEW.site_confirmed_by_hand, 'recorded_at', NEW.recorded_at, 'clock_suspect', NEW.clock_suspect),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

DROP TRIGGER sync_outbox_arrivals_update;
CREATE TRIGGER sync_outbox_arrivals_update AFTER UPDATE ON arrivals
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('arrivals', NEW.id, 'update',
        json_object('id', NEW.id, 'technician_id', NEW.technician_id, 'site_id', NEW.site_id, 'fault_id', NEW.fault_id, 'arrived_at', NEW.arrived_at, 'lat', json(CASE WHEN NEW.lat IS NULL THEN 'null' ELSE printf('%!.17g', NEW.lat) END), 'lon', json(CASE WHEN NEW.lon IS NULL THEN 'null' ELSE printf('%!.17g', NEW.lon) END), 'accuracy_m', json(CASE WHEN NEW.accuracy_m IS NULL THEN 'null' ELSE printf('%!.17g', NEW.accuracy_m) END), 'site_confirmed_by_hand', NEW.site_confirmed_by_hand, 'recorded_at', NEW.recorded_at, 'clock_suspect', NEW.clock_suspect),
        json_object('id', OLD.id, 'technician_id', OLD.technician_id, 'site_id', OLD.site_id, 'fault_id', OLD.fault_id, 'arrived_at', OLD.arrived_at, 'lat', json(CASE WHEN OLD.lat IS NULL THEN 'null' ELSE printf('%!.17g', OLD.lat) END), 'lon', json(CASE WHEN OLD.lon IS NULL THEN 'null' ELSE printf('%!.17g', OLD.lon) END), 'accuracy_m', json(CASE WHEN OLD.accuracy_m IS NULL THEN 'null' ELSE printf('%!.17g', OLD.accuracy_m) END), 'site_confirmed_by_hand', OLD.site_confirmed_by_hand, 'recorded_at', OLD.recorded_at, 'clock_suspect', OLD.clock_suspect), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;


-- Old data (5): rows refused under the old position rule are applied again by reading the feed
-- from the start (records already held are skipped by revision).
UPDATE sync_state SET pull_cursor = 0
WHERE EXISTS (SELECT 1 FROM sync_conflicts WHERE settled_at IS NULL AND ours IS NULL
              AND entity IN ('report_entries', 'entry_parts', 'stock_movements')
              AND (reason LIKE '%UNIQUE%report_entries%' OR reason LIKE '%FOREIGN KEY%'));
DELETE FROM sync_revs WHERE EXISTS (
    SELECT 1 FROM sync_conflicts c
    WHERE c.entity = sync_revs.entity AND c.record_id = sync_revs.record_id
      AND c.settled_at IS NULL AND c.ours IS NULL
      AND c.entity IN ('report_entries', 'entry_parts', 'stock_movements')
      AND (c.reason LIKE '%UNIQUE%report_entries%' OR c.reason LIKE '%FOREIGN KEY%'));
UPDATE sync_conflicts SET settled_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
                          settlement = '{"repaired":"migration 0007"}'
WHERE settled_at IS NULL AND ours IS NULL
  AND entity IN ('report_entries', 'entry_parts', 'stock_movements')
  AND (reason LIKE '%UNIQUE%report_entries%' OR reason LIKE '%FOREIGN KEY%');
