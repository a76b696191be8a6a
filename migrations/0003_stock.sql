-- Spare stock as a ledger of movements (never a stored count), and the part lines of report
-- entries, which point at the movement that took the part out of stock.

CREATE TABLE spare_parts (
    id          TEXT PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts (id),
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('unit', 'part')),
    model       TEXT,
    UNIQUE (contract_id, code)
) STRICT;

CREATE TABLE stock_movements (
    id            TEXT PRIMARY KEY,
    part_id       TEXT NOT NULL REFERENCES spare_parts (id),
    kind          TEXT NOT NULL
                  CHECK (kind IN ('received', 'used', 'returned', 'transfer_in', 'transfer_out')),
    quantity      INTEGER NOT NULL CHECK (quantity > 0),
    at            TEXT NOT NULL,
    technician_id TEXT REFERENCES technicians (id),
    fault_id      TEXT REFERENCES faults (id),
    entry_id      TEXT REFERENCES report_entries (id),
    old_serial    TEXT,
    new_serial    TEXT,
    note          TEXT,
    recorded_at   TEXT NOT NULL
) STRICT;
CREATE INDEX stock_movements_by_part ON stock_movements (part_id);

CREATE TABLE entry_parts (
    entry_id    TEXT NOT NULL REFERENCES report_entries (id),
    position    INTEGER NOT NULL CHECK (position >= 1),
    movement_id TEXT NOT NULL REFERENCES stock_movements (id),
    PRIMARY KEY (entry_id, position)
) STRICT;
CREATE INDEX entry_parts_by_movement ON entry_parts (movement_id);

CREATE TRIGGER stock_movements_append_only_update BEFORE UPDATE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only stock_movements'); END;
CREATE TRIGGER stock_movements_append_only_delete BEFORE DELETE ON stock_movements
BEGIN SELECT RAISE(ABORT, 'fieldlog:append_only stock_movements'); END;

CREATE TRIGGER entry_parts_signed_no_insert BEFORE INSERT ON entry_parts
WHEN (SELECT r.status FROM report_entries e JOIN daily_reports r ON r.id = e.report_id
      WHERE e.id = NEW.entry_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'fieldlog:signed_immutable'); END;
CREATE TRIGGER entry_parts_signed_no_update BEFORE UPDATE ON entry_parts
WHEN (SELECT r.status FROM report_entries e JOIN daily_reports r ON r.id = e.report_id
      WHERE e.id = OLD.entry_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'fieldlog:signed_immutable'); END;
CREATE TRIGGER entry_parts_signed_no_delete BEFORE DELETE ON entry_parts
WHEN (SELECT r.status FROM report_entries e JOIN daily_reports r ON r.id = e.report_id
      WHERE e.id = OLD.entry_id) = 'signed'
BEGIN SELECT RAISE(ABORT, 'fieldlog:signed_immutable'); END;
