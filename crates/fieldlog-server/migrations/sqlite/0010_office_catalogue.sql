-- The office console's catalogue (issue 17; crate::office::catalogue).

-- A contract the office closed at its end: its catalogue is read-only from then on (laptops
-- keep syncing what they recorded). Who closed it is an office account's login.
ALTER TABLE contracts ADD COLUMN closed_at TEXT;
ALTER TABLE contracts ADD COLUMN closed_by TEXT;

-- The office writes the catalogue as a device of its own, through the same rules as a laptop's
-- push: this technician and device are the server's. The token hash is no SHA-256 (not hex, not
-- 64 characters), so no bearer token ever opens it.
INSERT INTO technicians (id, name) VALUES ('office', '办公室 office');
INSERT INTO devices (id, technician_id, name, token_hash, high_seq, enrolled_at)
VALUES ('office', 'office', '办公室控制台 office console', 'none: the server''s own device', 0,
        '2026-12-07 00:00:00+00:00');

-- A console page lists a contract's sites, devices or parts: one range of this index each,
-- however many other contracts the server keeps.
CREATE INDEX records_by_scope ON records (entity, scope);
