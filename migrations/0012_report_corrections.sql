-- Issue 19, item 4: draft entries edited and deleted, signed reports corrected entry by entry.
--
-- Report entries stay written once (they are `Immutable` in sync: a second version under the
-- same id would be kept for review, never applied). So a change is a new row:
-- * `supersedes_id`: the earlier row of the SAME report this one replaces (an edit, a deletion,
--   a strike). A row that another row of its report supersedes is history: no longer part of
--   the report, never counted, kept so every laptop and the server converge on the same rows.
-- * `amends_entry_id`: in an amendment, the signed report's entry this one corrects (its copy
--   when the amendment starts, and every later version of that copy). NULL for an added entry.
-- * `struck`: this version strikes the entry. In an amendment (with `amends_entry_id`) it is
--   shown struck through, with its reason; in a draft of its own it is a deletion (not shown).
-- * `change_reason`: why an amended entry was changed or struck (required then, by the store).
-- A report created after its work day ended is said to be filled in later (补填); that is read
-- from `created_at` and `work_date`, no column.
ALTER TABLE report_entries ADD COLUMN supersedes_id TEXT REFERENCES report_entries (id);
ALTER TABLE report_entries ADD COLUMN amends_entry_id TEXT REFERENCES report_entries (id);
ALTER TABLE report_entries ADD COLUMN struck INTEGER NOT NULL DEFAULT 0 CHECK (struck IN (0, 1));
ALTER TABLE report_entries ADD COLUMN change_reason TEXT;
CREATE INDEX report_entries_by_supersedes ON report_entries (supersedes_id)
    WHERE supersedes_id IS NOT NULL;

DROP TRIGGER sync_outbox_report_entries_insert;
CREATE TRIGGER sync_outbox_report_entries_insert AFTER INSERT ON report_entries
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('report_entries', NEW.id, 'insert',
        json_object('id', NEW.id, 'report_id', NEW.report_id, 'position', NEW.position, 'site_id', NEW.site_id, 'device_id', NEW.device_id, 'fault_id', NEW.fault_id, 'fault_cause', NEW.fault_cause, 'resolved', NEW.resolved, 'unresolved_reason', NEW.unresolved_reason, 'work_done', NEW.work_done, 'held_at', NEW.held_at, 'supersedes_id', NEW.supersedes_id, 'amends_entry_id', NEW.amends_entry_id, 'struck', NEW.struck, 'change_reason', NEW.change_reason),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

DROP TRIGGER sync_outbox_report_entries_update;
CREATE TRIGGER sync_outbox_report_entries_update AFTER UPDATE ON report_entries
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('report_entries', NEW.id, 'update',
        json_object('id', NEW.id, 'report_id', NEW.report_id, 'position', NEW.position, 'site_id', NEW.site_id, 'device_id', NEW.device_id, 'fault_id', NEW.fault_id, 'fault_cause', NEW.fault_cause, 'resolved', NEW.resolved, 'unresolved_reason', NEW.unresolved_reason, 'work_done', NEW.work_done, 'held_at', NEW.held_at, 'supersedes_id', NEW.supersedes_id, 'amends_entry_id', NEW.amends_entry_id, 'struck', NEW.struck, 'change_reason', NEW.change_reason),
        json_object('id', OLD.id, 'report_id', OLD.report_id, 'position', OLD.position, 'site_id', OLD.site_id, 'device_id', OLD.device_id, 'fault_id', OLD.fault_id, 'fault_cause', OLD.fault_cause, 'resolved', OLD.resolved, 'unresolved_reason', OLD.unresolved_reason, 'work_done', OLD.work_done, 'held_at', OLD.held_at, 'supersedes_id', OLD.supersedes_id, 'amends_entry_id', OLD.amends_entry_id, 'struck', OLD.struck, 'change_reason', OLD.change_reason), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
