-- The server's tables on SQLite as the first server (27f8811, 2026-11-22) created them, inline
-- and without a version record; `src/sqlite.rs` recognises such a file by its shape and records
-- the versions it already holds. Rows stay the JSON text the device sent.

CREATE TABLE contracts (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;
CREATE TABLE technicians (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;
CREATE TABLE assignments (
    technician_id TEXT NOT NULL REFERENCES technicians (id),
    contract_code TEXT NOT NULL REFERENCES contracts (code),
    PRIMARY KEY (technician_id, contract_code)
) STRICT;
CREATE TABLE enrollment_codes (
    code_hash     TEXT PRIMARY KEY,
    technician_id TEXT NOT NULL REFERENCES technicians (id),
    created_at    TEXT NOT NULL,
    used_at       TEXT
) STRICT;
CREATE TABLE devices (
    id            TEXT PRIMARY KEY,
    technician_id TEXT NOT NULL REFERENCES technicians (id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    high_seq      INTEGER NOT NULL DEFAULT 0,
    enrolled_at   TEXT NOT NULL
) STRICT;
CREATE TABLE acks (
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    ack       TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) STRICT, WITHOUT ROWID;
CREATE TABLE records (
    entity        TEXT NOT NULL,
    id            TEXT NOT NULL,
    rev           INTEGER NOT NULL,
    row           TEXT NOT NULL,
    scope         TEXT,
    owner         TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    clock_suspect INTEGER NOT NULL,
    waiting_for   TEXT,
    PRIMARY KEY (entity, id)
) STRICT;
CREATE INDEX records_waiting ON records (waiting_for) WHERE waiting_for IS NOT NULL;
CREATE TABLE feed (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    entity        TEXT NOT NULL,
    id            TEXT NOT NULL,
    rev           INTEGER NOT NULL,
    row           TEXT NOT NULL,
    scope         TEXT,
    owner         TEXT NOT NULL,
    attachment    TEXT,
    received_at   TEXT NOT NULL,
    clock_suspect INTEGER NOT NULL
) STRICT;
CREATE INDEX feed_by_attachment ON feed (attachment) WHERE attachment IS NOT NULL;
CREATE TABLE conflicts (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT NOT NULL,
    record_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    fields    TEXT NOT NULL,
    kept      TEXT NOT NULL,
    offered   TEXT NOT NULL,
    at        TEXT NOT NULL
) STRICT;
CREATE TABLE blobs (
    sha256   TEXT PRIMARY KEY,
    mime     TEXT NOT NULL,
    total    INTEGER NOT NULL,
    bytes    BLOB NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0
) STRICT;
