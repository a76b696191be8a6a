-- The evidence chain (issue 14): every piece of evidence this laptop records is linked, in the
-- transaction that records it, into one append-only hash chain per profile.
--
-- A link holds the SHA-256 of the record's whole canonical content (the `evidence_content` view:
-- every column, a signed report with its entries and parts, a signature with its signer, time,
-- strokes, content hash and the hash of its image's bytes) and the hash of the link before it.
-- Editing a record, recomputing its content hash or deleting it breaks its link
-- (`fieldlog audit verify`); rewriting the chain itself to match is caught by the copy the sync
-- server keeps of every laptop's chain.
--
-- Links are written by triggers, so no code path can forget one. The triggers insert only
-- (kind, record_id); one trigger on the chain fills in the hashes with `fieldlog_sha256`, an
-- SQL function every Fieldlog connection registers (a raw sqlite3 shell has no such function,
-- so it cannot add evidence without dropping the triggers first). Records applied from the sync
-- feed are other laptops' evidence, chained there: only this laptop's own are linked here.
-- Written after 0007: a report's content is its entries in (position, id) order without the
-- entries kept apart (`held_at`, which no signature covers), and a signature's includes the
-- entries it covers (`covers`).

CREATE TABLE evidence_chain (
    seq          INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL
                 CHECK (kind IN ('fault', 'fault_event', 'arrival', 'stock_movement', 'signature', 'report')),
    record_id    TEXT NOT NULL,
    content_hash TEXT CHECK (content_hash IS NULL OR length(content_hash) = 64),
    prev_hash    TEXT CHECK (prev_hash IS NULL OR length(prev_hash) = 64),
    link_hash    TEXT CHECK (link_hash IS NULL OR length(link_hash) = 64),
    UNIQUE (kind, record_id)
) STRICT;

-- Each record's canonical content as JSON: the same text when the chain links it and when
-- `audit verify` or an export checks it.
CREATE VIEW evidence_content (kind, record_id, content) AS
SELECT 'fault', id, json_object('id', id, 'contract_id', contract_id, 'site_id', site_id,
        'device_id', device_id, 'level', level, 'reported_at', reported_at, 'channel', channel,
        'description', description, 'first_receiver', first_receiver,
        'policy_version', policy_version, 'recorded_at', recorded_at)
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
        'recorded_at', recorded_at)
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
                    FROM entry_parts p WHERE p.entry_id = e.id)) ORDER BY e.position, e.id)
            FROM report_entries e WHERE e.report_id = r.id AND e.held_at IS NULL))
FROM daily_reports r WHERE r.status = 'signed';

-- A new link gets its content hash, the hash of the link before it, and its own hash:
-- sha256(prev_hash | seq | kind | record_id | content_hash).
CREATE TRIGGER evidence_chain_link AFTER INSERT ON evidence_chain
WHEN NEW.link_hash IS NULL
BEGIN
    UPDATE evidence_chain SET
        content_hash = (SELECT fieldlog_sha256(c.content) FROM evidence_content c
                        WHERE c.kind = NEW.kind AND c.record_id = NEW.record_id),
        prev_hash = coalesce((SELECT link_hash FROM evidence_chain WHERE seq = NEW.seq - 1),
                             '0000000000000000000000000000000000000000000000000000000000000000')
    WHERE seq = NEW.seq;
    UPDATE evidence_chain SET
        link_hash = fieldlog_sha256(prev_hash || '|' || seq || '|' || kind || '|' || record_id || '|' || content_hash)
    WHERE seq = NEW.seq;
END;

-- A link, once made, is never changed or removed; links come in order, without gaps.
CREATE TRIGGER evidence_chain_in_order BEFORE INSERT ON evidence_chain
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM evidence_chain)
  OR NEW.link_hash IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only evidence_chain'); END;
CREATE TRIGGER evidence_chain_append_only_update BEFORE UPDATE ON evidence_chain
WHEN OLD.link_hash IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only evidence_chain'); END;
CREATE TRIGGER evidence_chain_append_only_delete BEFORE DELETE ON evidence_chain
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only evidence_chain'); END;

-- This laptop's evidence enters the chain in the transaction that records it.
CREATE TRIGGER evidence_chain_faults AFTER INSERT ON faults
WHEN (SELECT applying FROM sync_state) = 0
BEGIN INSERT INTO evidence_chain (seq, kind, record_id)
      VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM evidence_chain), 'fault', NEW.id); END;
CREATE TRIGGER evidence_chain_fault_events AFTER INSERT ON fault_events
WHEN (SELECT applying FROM sync_state) = 0
BEGIN INSERT INTO evidence_chain (seq, kind, record_id)
      VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM evidence_chain), 'fault_event', NEW.id); END;
CREATE TRIGGER evidence_chain_arrivals AFTER INSERT ON arrivals
WHEN (SELECT applying FROM sync_state) = 0
BEGIN INSERT INTO evidence_chain (seq, kind, record_id)
      VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM evidence_chain), 'arrival', NEW.id); END;
CREATE TRIGGER evidence_chain_stock_movements AFTER INSERT ON stock_movements
WHEN (SELECT applying FROM sync_state) = 0
BEGIN INSERT INTO evidence_chain (seq, kind, record_id)
      VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM evidence_chain), 'stock_movement', NEW.id); END;
CREATE TRIGGER evidence_chain_signatures AFTER INSERT ON signatures
WHEN (SELECT applying FROM sync_state) = 0
BEGIN INSERT INTO evidence_chain (seq, kind, record_id)
      VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM evidence_chain), 'signature', NEW.id); END;
-- A report becomes evidence when it is signed (its entries are then frozen by 0002's triggers).
CREATE TRIGGER evidence_chain_reports AFTER UPDATE OF status ON daily_reports
WHEN NEW.status = 'signed' AND OLD.status <> 'signed' AND (SELECT applying FROM sync_state) = 0
BEGIN INSERT INTO evidence_chain (seq, kind, record_id)
      VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM evidence_chain), 'report', NEW.id); END;

-- What this laptop already held is chained once, in the order it was recorded.
INSERT INTO evidence_chain (seq, kind, record_id)
SELECT (SELECT coalesce(max(seq), 0) FROM evidence_chain) + row_number() OVER (ORDER BY at, ord, id), kind, id
FROM (
    SELECT 'fault' AS kind, id, recorded_at AS at, 1 AS ord FROM faults
    UNION ALL SELECT 'fault_event', id, recorded_at, 2 FROM fault_events
    UNION ALL SELECT 'arrival', id, recorded_at, 3 FROM arrivals
    UNION ALL SELECT 'stock_movement', id, recorded_at, 4 FROM stock_movements
    UNION ALL SELECT 'report', id, signed_at, 5 FROM daily_reports WHERE status = 'signed'
    UNION ALL SELECT 'signature', id, signed_at, 6 FROM signatures
)
ORDER BY 1;
