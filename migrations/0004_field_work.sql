-- Field work on the laptop: planned inspections (巡检), what the user is typing (autosaved form
-- drafts), and a clock-skew flag on arrivals.

-- Quarterly security inspections and routine inspections: planned visits with a checklist,
-- done once by an arrival on site.
CREATE TABLE inspections (
    id              TEXT PRIMARY KEY,
    contract_id     TEXT NOT NULL REFERENCES contracts (id),
    site_id         TEXT NOT NULL REFERENCES sites (id),
    kind            TEXT NOT NULL CHECK (kind IN ('security_quarterly', 'routine')),
    planned_for     TEXT NOT NULL,
    checklist       TEXT NOT NULL CHECK (json_valid(checklist)),
    done_arrival_id TEXT REFERENCES arrivals (id),
    done_at         TEXT,
    CHECK ((done_arrival_id IS NULL) = (done_at IS NULL))
) STRICT;
CREATE INDEX inspections_open_by_date ON inspections (planned_for) WHERE done_at IS NULL;
-- Once done, an inspection is evidence like the arrival that did it.
CREATE TRIGGER inspections_done_is_final BEFORE UPDATE ON inspections
WHEN OLD.done_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only inspections'); END;

-- What a form holds while the user types, saved within a second so a crash or power cut loses
-- at most that second. Not a record: cleared when the form is submitted.
CREATE TABLE form_drafts (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL CHECK (json_valid(value)),
    updated_at TEXT NOT NULL
) STRICT;

-- Set when the machine's clock read earlier than a time this profile had already recorded: the
-- arrival time may be wrong. Kept with the arrival, shown in the app and the summaries.
ALTER TABLE arrivals ADD COLUMN clock_suspect INTEGER NOT NULL DEFAULT 0 CHECK (clock_suspect IN (0, 1));
