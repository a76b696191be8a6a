-- Sync in the app: time integrity and settled conflicts (docs/sync-protocol.md, "Time").
--
-- The server's receipt of each arrival (when it arrived, and whether the device that sent it had a
-- clock off by more than the tolerance when it pushed) comes down with the feed. It is kept here,
-- beside the record rather than in it, because arrivals are evidence (their rows never change) and
-- the flag is the server's judgement, not the technician's. Only arrivals are kept: they are what
-- the summary flags, and an initial pull of 100,000 records should not pay for a row each.
CREATE TABLE sync_receipts (
    entity        TEXT NOT NULL,
    record_id     TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    clock_suspect INTEGER NOT NULL CHECK (clock_suspect IN (0, 1)),
    PRIMARY KEY (entity, record_id)
) STRICT, WITHOUT ROWID;

-- This laptop's clock against the server's (the server's `Date` minus ours, in seconds), measured
-- at the last push: the app asks the technician to fix the clock when it is off.
ALTER TABLE sync_state ADD COLUMN clock_offset_secs INTEGER;
ALTER TABLE sync_state ADD COLUMN clock_checked_at TEXT;

-- How a conflict was settled: the fields and the side taken for each ({"name": "ours"}).
ALTER TABLE sync_conflicts ADD COLUMN settlement TEXT CHECK (settlement IS NULL OR json_valid(settlement));
