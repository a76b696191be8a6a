-- The device that sent exactly this version: its own pulls skip it. Versions stored before have
-- no sender on record, so everyone pulls them, as before.
ALTER TABLE feed ADD COLUMN device_id TEXT;
