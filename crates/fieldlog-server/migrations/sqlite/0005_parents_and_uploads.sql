-- Issue 13. A report's entries and signatures keep the report's id beside the row (`Tx::children`),
-- so the server finds a report's children without reading rows. Those kept before learn it from
-- their row. Other kinds keep none. Rows kept before these checks are looked over once after
-- this migration (`rules::flag_cross_contract`).
ALTER TABLE records ADD COLUMN parent TEXT;
UPDATE records SET parent = json_extract(row, '$.report_id') WHERE entity = 'report_entries';
UPDATE records SET parent = json_extract(row, '$.subject_id') WHERE entity = 'signatures';
CREATE INDEX records_by_parent ON records (entity, parent) WHERE parent IS NOT NULL;

-- Who started an upload and when: only they, and devices that may read a record pointing at it,
-- learn its state; an upload no record points at expires. Uploads kept before have no start
-- time: those no record points at expire at the next upload.
ALTER TABLE blobs ADD COLUMN uploaded_by TEXT;
ALTER TABLE blobs ADD COLUMN started_at TEXT;
