-- Daily maintenance reports, their entries, and handwritten signatures with their images.
-- A signed report is evidence: the triggers refuse any change to it or its entries, whatever path
-- the SQL comes from. A correction is a new report whose amends_id points at the signed one.

CREATE TABLE attachments (
    sha256     TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    mime       TEXT NOT NULL,
    bytes      BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE daily_reports (
    id            TEXT PRIMARY KEY,
    technician_id TEXT NOT NULL REFERENCES technicians (id),
    contract_id   TEXT NOT NULL REFERENCES contracts (id),
    work_date     TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'signed')),
    amends_id     TEXT REFERENCES daily_reports (id),
    amend_reason  TEXT,
    created_at    TEXT NOT NULL,
    signed_at     TEXT,
    CHECK ((status = 'signed') = (signed_at IS NOT NULL)),
    CHECK ((amends_id IS NULL) = (amend_reason IS NULL))
) STRICT;
-- One original report per technician, contract and day; amendments are extra.
CREATE UNIQUE INDEX daily_reports_one_per_day
    ON daily_reports (technician_id, contract_id, work_date) WHERE amends_id IS NULL;
CREATE INDEX daily_reports_by_amends ON daily_reports (amends_id) WHERE amends_id IS NOT NULL;

CREATE TABLE report_entries (
    id                TEXT PRIMARY KEY,
    report_id         TEXT NOT NULL REFERENCES daily_reports (id),
    position          INTEGER NOT NULL CHECK (position >= 1),
    site_id           TEXT NOT NULL REFERENCES sites (id),
    device_id         TEXT REFERENCES devices (id),
    fault_id          TEXT REFERENCES faults (id),
    fault_cause       TEXT NOT NULL,
    resolved          INTEGER NOT NULL CHECK (resolved IN (0, 1)),
    unresolved_reason TEXT,
    work_done         TEXT NOT NULL,
    CHECK (resolved = 1 OR unresolved_reason IS NOT NULL),
    UNIQUE (report_id, position)
) STRICT;

CREATE TABLE signatures (
    id           TEXT PRIMARY KEY,
    subject      TEXT NOT NULL CHECK (subject IN ('daily_report', 'completion_form')),
    subject_id   TEXT NOT NULL,
    signer_name  TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('technician', 'customer')),
    signed_at    TEXT NOT NULL,
    image_sha256 TEXT NOT NULL REFERENCES attachments (sha256),
    strokes      TEXT NOT NULL CHECK (json_valid(strokes)),
    content_hash TEXT NOT NULL CHECK (length(content_hash) = 64)
) STRICT;
CREATE INDEX signatures_by_subject ON signatures (subject, subject_id);

CREATE TRIGGER daily_reports_signed_no_update BEFORE UPDATE ON daily_reports
WHEN OLD.status = 'signed'
BEGIN SELECT RAISE(ABORT, 'fieldlog:signed_immutable'); END;
CREATE TRIGGER daily_reports_signed_no_delete BEFORE DELETE ON daily_reports
WHEN OLD.status = 'signed'
BEGIN SELECT RAISE(ABORT, 'fieldlog:signed_immutable'); END;

CREATE TRIGGER report_entries_signed_no_insert BEFORE INSERT ON report_entries
WHEN (SELECT status FROM daily_reports WHERE id = NEW.report_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'fieldlog:signed_immutable'); END;
CREATE TRIGGER report_entries_signed_no_update BEFORE UPDATE ON report_entries
WHEN (SELECT status FROM daily_reports WHERE id = OLD.report_id) = 'signed'
  OR (SELECT status FROM daily_reports WHERE id = NEW.report_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'fieldlog:signed_immutable'); END;
CREATE TRIGGER report_entries_signed_no_delete BEFORE DELETE ON report_entries
WHEN (SELECT status FROM daily_reports WHERE id = OLD.report_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'fieldlog:signed_immutable'); END;

CREATE TRIGGER signatures_append_only_update BEFORE UPDATE ON signatures
BEGIN SELECT RAISE(ABORT, 'fieldlog:signed_immutable'); END;
CREATE TRIGGER signatures_append_only_delete BEFORE DELETE ON signatures
BEGIN SELECT RAISE(ABORT, 'fieldlog:signed_immutable'); END;
-- An image that a signature points at is evidence too.
CREATE TRIGGER attachments_append_only_update BEFORE UPDATE ON attachments
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only attachments'); END;
