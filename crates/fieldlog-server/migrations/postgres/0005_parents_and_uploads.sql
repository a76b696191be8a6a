-- Issue 13. Each record keeps the id of its scope parent (a report's entries and signatures point
-- at the report), so a report's children are found without reading rows: the server checks them
-- when a report is signed. Records kept before learn it from their row.
ALTER TABLE records ADD COLUMN parent TEXT;
UPDATE records SET parent = row::jsonb ->> 'contract_id' WHERE entity IN ('sla_policies', 'sites', 'spare_parts', 'faults', 'inspections', 'daily_reports');
UPDATE records SET parent = row::jsonb ->> 'site_id' WHERE entity IN ('devices', 'arrivals');
UPDATE records SET parent = row::jsonb ->> 'fault_id' WHERE entity = 'fault_events';
UPDATE records SET parent = row::jsonb ->> 'report_id' WHERE entity = 'report_entries';
UPDATE records SET parent = row::jsonb ->> 'part_id' WHERE entity = 'stock_movements';
UPDATE records SET parent = row::jsonb ->> 'entry_id' WHERE entity = 'entry_parts';
UPDATE records SET parent = row::jsonb ->> 'subject_id' WHERE entity = 'signatures';
CREATE INDEX records_by_parent ON records (entity, parent) WHERE parent IS NOT NULL;

-- Who started an upload and when: only they, and devices that may read a record pointing at it,
-- learn its state; an upload no record points at expires. Uploads kept before have no start
-- time: those no record points at expire at the next upload.
ALTER TABLE blobs ADD COLUMN uploaded_by TEXT;
ALTER TABLE blobs ADD COLUMN started_at TIMESTAMPTZ;
