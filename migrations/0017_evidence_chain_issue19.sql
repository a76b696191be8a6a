-- The evidence chain covers issue 19's evidence (0009 was written before it).
--
-- New kinds of link: a photo (every column, and the SHA-256 of its original's bytes, as a
-- signature holds its image's; thumbnails are derived from the original and are not chained),
-- an inspection's tick, its finding, and a finding turned into a fault. And new columns of kinds
-- already chained: a fault's caller (0010), a stock movement's transfer columns (0014), a signed
-- report's entries with their correction columns (0012: supersedes, amends, struck, reason).
--
-- Links already made keep the content they hashed: each link now says which form of its
-- record's content it covers (`form`). Links made before this migration are form 1, 0009's
-- content; every link made from now on is form 2 (`evidence_content`). `evidence_content_by_form`
-- gives both, so `audit verify` checks an old link against what it hashed and a new one against
-- the whole record. The form is not part of the link's hash nor of the wire: a link switched to
-- another form no longer matches its content hash, and recomputing that hash changes the link,
-- which the sync server's copy shows.

-- The current content (form 2) of every kind of evidence.
DROP VIEW evidence_content;
CREATE VIEW evidence_content (kind, record_id, content) AS
SELECT 'fault', id, json_object('id', id, 'contract_id', contract_id, 'site_id', site_id,
        'device_id', device_id, 'level', level, 'reported_at', reported_at, 'channel', channel,
        'description', description, 'first_receiver', first_receiver,
        'policy_version', policy_version, 'recorded_at', recorded_at,
        'caller', caller, 'caller_phone', caller_phone)
FROM faults
UNION ALL
SELECT 'fault_event', id, json_object('id', id, 'fault_id', fault_id, 'kind', kind, 'at', at,
        'payload', payload, 'recorded_at', recorded_at)
FROM fault_events
UNION ALL
SELECT 'arrival', id, json_object('id', id, 'technician_id', technician_id, 'site_id', site_id,
        'fault_id', fault_id, 'arrived_at', arrived_at, 'lat', lat, 'lon', lon,
        'accuracy_m', accuracy_m, 'site_confirmed_by_hand', site_confirmed_by_hand,
        'clock_suspect', clock_suspect, 'recorded_at', recorded_at)
FROM arrivals
UNION ALL
SELECT 'stock_movement', id, json_object('id', id, 'part_id', part_id, 'kind', kind,
        'quantity', quantity, 'at', at, 'technician_id', technician_id, 'fault_id', fault_id,
        'entry_id', entry_id, 'old_serial', old_serial, 'new_serial', new_serial, 'note', note,
        'recorded_at', recorded_at,
        'to_technician_id', to_technician_id, 'transfer_of', transfer_of)
FROM stock_movements
UNION ALL
SELECT 'signature', s.id, json_object('id', s.id, 'subject', s.subject,
        'subject_id', s.subject_id, 'signer_name', s.signer_name, 'role', s.role,
        'signed_at', s.signed_at, 'image_sha256', s.image_sha256,
        'image_bytes_sha256', (SELECT fieldlog_sha256(a.bytes) FROM attachments a WHERE a.sha256 = s.image_sha256),
        'strokes', s.strokes, 'content_hash', s.content_hash, 'covers', s.covers)
FROM signatures s
UNION ALL
SELECT 'report', r.id, json_object('id', r.id, 'technician_id', r.technician_id,
        'contract_id', r.contract_id, 'work_date', r.work_date, 'status', r.status,
        'amends_id', r.amends_id, 'amend_reason', r.amend_reason, 'created_at', r.created_at,
        'signed_at', r.signed_at,
        'entries', (SELECT json_group_array(json_object('id', e.id, 'position', e.position,
                'site_id', e.site_id, 'device_id', e.device_id, 'fault_id', e.fault_id,
                'fault_cause', e.fault_cause, 'resolved', e.resolved,
                'unresolved_reason', e.unresolved_reason, 'work_done', e.work_done,
                'parts', (SELECT json_group_array(json_object('position', p.position,
                        'movement_id', p.movement_id) ORDER BY p.position)
                    FROM entry_parts p WHERE p.entry_id = e.id),
                'supersedes_id', e.supersedes_id, 'amends_entry_id', e.amends_entry_id,
                'struck', e.struck, 'change_reason', e.change_reason) ORDER BY e.position, e.id)
            FROM report_entries e WHERE e.report_id = r.id AND e.held_at IS NULL))
FROM daily_reports r WHERE r.status = 'signed'
UNION ALL
SELECT 'photo', p.id, json_object('id', p.id, 'subject', p.subject, 'subject_id', p.subject_id,
        'stage', p.stage, 'original_sha256', p.original_sha256,
        'original_bytes_sha256', (SELECT fieldlog_sha256(a.bytes) FROM attachments a WHERE a.sha256 = p.original_sha256),
        'mime', p.mime, 'size_bytes', p.size_bytes, 'width', p.width, 'height', p.height,
        'taken_at', p.taken_at, 'lat', p.lat, 'lon', p.lon, 'file_name', p.file_name,
        'technician_id', p.technician_id, 'added_at', p.added_at)
FROM photos p
UNION ALL
SELECT 'inspection_tick', id, json_object('id', id, 'inspection_id', inspection_id,
        'position', position, 'item', item, 'outcome', outcome, 'note', note,
        'recorded_at', recorded_at)
FROM inspection_ticks
UNION ALL
SELECT 'inspection_finding', id, json_object('id', id, 'inspection_id', inspection_id,
        'site_id', site_id, 'device_id', device_id, 'description', description,
        'recorded_at', recorded_at)
FROM inspection_findings
UNION ALL
SELECT 'finding_fault', finding_id, json_object('finding_id', finding_id, 'fault_id', fault_id,
        'recorded_at', recorded_at)
FROM inspection_finding_faults;

-- Each form of each kind's content: form 2 is `evidence_content`; form 1 is 0009's, word for
-- word (the kinds this migration did not change are the same in both).
CREATE VIEW evidence_content_by_form (kind, form, record_id, content) AS
SELECT kind, 2, record_id, content FROM evidence_content
UNION ALL
SELECT kind, 1, record_id, content FROM evidence_content
WHERE kind IN ('fault_event', 'arrival', 'signature')
UNION ALL
SELECT 'fault', 1, id, json_object('id', id, 'contract_id', contract_id, 'site_id', site_id,
        'device_id', device_id, 'level', level, 'reported_at', reported_at, 'channel', channel,
        'description', description, 'first_receiver', first_receiver,
        'policy_version', policy_version, 'recorded_at', recorded_at)
FROM faults
UNION ALL
SELECT 'stock_movement', 1, id, json_object('id', id, 'part_id', part_id, 'kind', kind,
        'quantity', quantity, 'at', at, 'technician_id', technician_id, 'fault_id', fault_id,
        'entry_id', entry_id, 'old_serial', old_serial, 'new_serial', new_serial, 'note', note,
        'recorded_at', recorded_at)
FROM stock_movements
UNION ALL
SELECT 'report', 1, r.id, json_object('id', r.id, 'technician_id', r.technician_id,
        'contract_id', r.contract_id, 'work_date', r.work_date, 'status', r.status,
        'amends_id', r.amends_id, 'amend_reason', r.amend_reason, 'created_at', r.created_at,
        'signed_at', r.signed_at,
        'entries', (SELECT json_group_array(json_object('id', e.id, 'position', e.position,
                'site_id', e.site_id, 'device_id', e.device_id, 'fault_id', e.fault_id,
                'fault_cause', e.fault_cause, 'resolved', e.resolved,
                'unresolved_reason', e.unresolved_reason, 'work_done', e.work_done,
                'parts', (SELECT json_group_array(json_object('position', p.position,
                        'movement_id', p.movement_id) ORDER BY p.position)
                    FROM entry_parts p WHERE p.entry_id = e.id)) ORDER BY e.position, e.id)
            FROM report_entries e WHERE e.report_id = r.id AND e.held_at IS NULL))
FROM daily_reports r WHERE r.status = 'signed';

-- The chain table again, as SQLite documents a rebuild (the runner applies migrations with
-- foreign keys off): the new kinds, and each link's form. Links already made are copied as
-- they are, form 1; the legacy rename leaves 0009's triggers on other tables, which insert into
-- `evidence_chain` (and so make form-2 links by the default), as they are.
CREATE TABLE evidence_chain_new (
    seq          INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL
                 CHECK (kind IN ('fault', 'fault_event', 'arrival', 'stock_movement', 'signature', 'report',
                                 'photo', 'inspection_tick', 'inspection_finding', 'finding_fault')),
    record_id    TEXT NOT NULL,
    content_hash TEXT CHECK (content_hash IS NULL OR length(content_hash) = 64),
    prev_hash    TEXT CHECK (prev_hash IS NULL OR length(prev_hash) = 64),
    link_hash    TEXT CHECK (link_hash IS NULL OR length(link_hash) = 64),
    -- Which form of the record's content `content_hash` is the hash of (see above).
    form         INTEGER NOT NULL DEFAULT 2 CHECK (form IN (1, 2)),
    UNIQUE (kind, record_id)
) STRICT;
INSERT INTO evidence_chain_new (seq, kind, record_id, content_hash, prev_hash, link_hash, form)
SELECT seq, kind, record_id, content_hash, prev_hash, link_hash, 1 FROM evidence_chain;
DROP TABLE evidence_chain;
PRAGMA legacy_alter_table = ON;
ALTER TABLE evidence_chain_new RENAME TO evidence_chain;
PRAGMA legacy_alter_table = OFF;

-- 0009's triggers on the chain itself (dropped with the table), the content now by form.
CREATE TRIGGER evidence_chain_link AFTER INSERT ON evidence_chain
WHEN NEW.link_hash IS NULL
BEGIN
    UPDATE evidence_chain SET
        content_hash = (SELECT fieldlog_sha256(c.content) FROM evidence_content_by_form c
                        WHERE c.kind = NEW.kind AND c.form = NEW.form AND c.record_id = NEW.record_id),
        prev_hash = coalesce((SELECT link_hash FROM evidence_chain WHERE seq = NEW.seq - 1),
                             '0000000000000000000000000000000000000000000000000000000000000000')
    WHERE seq = NEW.seq;
    UPDATE evidence_chain SET
        link_hash = fieldlog_sha256(prev_hash || '|' || seq || '|' || kind || '|' || record_id || '|' || content_hash)
    WHERE seq = NEW.seq;
END;
CREATE TRIGGER evidence_chain_in_order BEFORE INSERT ON evidence_chain
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM evidence_chain)
  OR NEW.link_hash IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only evidence_chain'); END;
CREATE TRIGGER evidence_chain_append_only_update BEFORE UPDATE ON evidence_chain
WHEN OLD.link_hash IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only evidence_chain'); END;
CREATE TRIGGER evidence_chain_append_only_delete BEFORE DELETE ON evidence_chain
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only evidence_chain'); END;

-- This laptop's new kinds of evidence enter the chain in the transaction that records them.
CREATE TRIGGER evidence_chain_photos AFTER INSERT ON photos
WHEN (SELECT applying FROM sync_state) = 0
BEGIN INSERT INTO evidence_chain (seq, kind, record_id)
      VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM evidence_chain), 'photo', NEW.id); END;
CREATE TRIGGER evidence_chain_inspection_ticks AFTER INSERT ON inspection_ticks
WHEN (SELECT applying FROM sync_state) = 0
BEGIN INSERT INTO evidence_chain (seq, kind, record_id)
      VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM evidence_chain), 'inspection_tick', NEW.id); END;
CREATE TRIGGER evidence_chain_inspection_findings AFTER INSERT ON inspection_findings
WHEN (SELECT applying FROM sync_state) = 0
BEGIN INSERT INTO evidence_chain (seq, kind, record_id)
      VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM evidence_chain), 'inspection_finding', NEW.id); END;
CREATE TRIGGER evidence_chain_finding_faults AFTER INSERT ON inspection_finding_faults
WHEN (SELECT applying FROM sync_state) = 0
BEGIN INSERT INTO evidence_chain (seq, kind, record_id)
      VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM evidence_chain), 'finding_fault', NEW.finding_id); END;

-- What this laptop already held of the new kinds is chained once, in the order it was recorded.
INSERT INTO evidence_chain (seq, kind, record_id)
SELECT (SELECT coalesce(max(seq), 0) FROM evidence_chain) + row_number() OVER (ORDER BY at, ord, id), kind, id
FROM (
    SELECT 'photo' AS kind, id, added_at AS at, 1 AS ord FROM photos
    UNION ALL SELECT 'inspection_tick', id, recorded_at, 2 FROM inspection_ticks
    UNION ALL SELECT 'inspection_finding', id, recorded_at, 3 FROM inspection_findings
    UNION ALL SELECT 'finding_fault', finding_id, recorded_at, 4 FROM inspection_finding_faults
)
ORDER BY 1;
