-- Issue 19, photos: before/after pictures of a repair, on a fault, an arrival or a report entry.
--
-- The original is kept whole and content-addressed in `attachments` (by SHA-256), with what the
-- camera said (EXIF time and place) and its size. Its thumbnail (a JPEG of at most 320 px, made
-- on the laptop that took the photo) is a record of its own, `photo_thumbnails`, because sync
-- moves one attachment per record: each reaches the other laptops once its own bytes have.
-- Both are evidence: append-only, like arrivals and signatures.
CREATE TABLE photos (
    id              TEXT PRIMARY KEY,
    -- What it shows: 'fault' (faults.id), 'arrival' (arrivals.id), 'report_entry' (report_entries.id).
    subject         TEXT NOT NULL CHECK (subject IN ('fault', 'arrival', 'report_entry')),
    subject_id      TEXT NOT NULL,
    -- Before the repair, after it, or neither.
    stage           TEXT NOT NULL CHECK (stage IN ('before', 'after', 'other')),
    original_sha256 TEXT NOT NULL REFERENCES attachments (sha256),
    mime            TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL CHECK (size_bytes > 0),
    width           INTEGER NOT NULL CHECK (width > 0),
    height          INTEGER NOT NULL CHECK (height > 0),
    -- EXIF: when and where the camera says it was taken (NULL when it says nothing).
    taken_at        TEXT,
    lat             REAL,
    lon             REAL,
    -- The file's name as the technician picked it (shown only; never a path to open).
    file_name       TEXT NOT NULL DEFAULT '',
    technician_id   TEXT NOT NULL,
    added_at        TEXT NOT NULL
) STRICT;
CREATE INDEX photos_by_subject ON photos (subject, subject_id);

CREATE TABLE photo_thumbnails (
    photo_id         TEXT PRIMARY KEY REFERENCES photos (id),
    thumbnail_sha256 TEXT NOT NULL REFERENCES attachments (sha256),
    width            INTEGER NOT NULL CHECK (width > 0),
    height           INTEGER NOT NULL CHECK (height > 0)
) STRICT;

CREATE TRIGGER photos_append_only_update BEFORE UPDATE ON photos
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only photos'); END;
CREATE TRIGGER photos_append_only_delete BEFORE DELETE ON photos
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only photos'); END;
CREATE TRIGGER photo_thumbnails_append_only_update BEFORE UPDATE ON photo_thumbnails
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only photo_thumbnails'); END;
CREATE TRIGGER photo_thumbnails_append_only_delete BEFORE DELETE ON photo_thumbnails
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only photo_thumbnails'); END;

CREATE TRIGGER sync_outbox_photos_insert AFTER INSERT ON photos
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('photos', NEW.id, 'insert',
        json_object('id', NEW.id, 'subject', NEW.subject, 'subject_id', NEW.subject_id, 'stage', NEW.stage, 'original_sha256', NEW.original_sha256, 'mime', NEW.mime, 'size_bytes', NEW.size_bytes, 'width', NEW.width, 'height', NEW.height, 'taken_at', NEW.taken_at, 'lat', NEW.lat, 'lon', NEW.lon, 'file_name', NEW.file_name, 'technician_id', NEW.technician_id, 'added_at', NEW.added_at),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_photo_thumbnails_insert AFTER INSERT ON photo_thumbnails
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('photo_thumbnails', NEW.photo_id, 'insert',
        json_object('photo_id', NEW.photo_id, 'thumbnail_sha256', NEW.thumbnail_sha256, 'width', NEW.width, 'height', NEW.height),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
