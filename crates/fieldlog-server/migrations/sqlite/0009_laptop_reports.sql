-- What a laptop last said of itself when it synced (issue 17; the office's laptops list):
-- when it last pushed or pulled, its app version and how many changes its outbox still held
-- (the `X-Fieldlog-App-Version` and `X-Fieldlog-Waiting` request headers). NULL until it says:
-- older apps send neither header, and keep syncing.
ALTER TABLE devices ADD COLUMN last_seen_at TEXT;
ALTER TABLE devices ADD COLUMN app_version TEXT;
ALTER TABLE devices ADD COLUMN waiting_changes INTEGER;
