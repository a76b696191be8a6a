-- Every laptop's evidence chain as the server received it (issue 14; crate::chain). Independent
-- of migration 0005 (the two were written side by side): a file made between them may hold this
-- table already.
CREATE TABLE IF NOT EXISTS evidence_chains (
    device_id    TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    link_hash    TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) STRICT;
