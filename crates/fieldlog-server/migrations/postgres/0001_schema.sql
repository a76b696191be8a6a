-- The server's tables on PostgreSQL: the same tables, columns and constraints as the SQLite
-- backend's schema (src/sqlite.rs), in PostgreSQL's types. Times are timestamptz (microseconds);
-- rows stay the JSON text the device sent (the server never queries inside them), so a pull
-- returns the same bytes on either backend.

CREATE TABLE contracts (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE technicians (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
CREATE TABLE assignments (
    technician_id TEXT NOT NULL REFERENCES technicians (id),
    contract_code TEXT NOT NULL REFERENCES contracts (code),
    PRIMARY KEY (technician_id, contract_code)
);
CREATE TABLE enrollment_codes (
    code_hash     TEXT PRIMARY KEY,
    technician_id TEXT NOT NULL REFERENCES technicians (id),
    created_at    TIMESTAMPTZ NOT NULL,
    used_at       TIMESTAMPTZ
);
CREATE TABLE devices (
    id            TEXT PRIMARY KEY,
    technician_id TEXT NOT NULL REFERENCES technicians (id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    high_seq      BIGINT NOT NULL DEFAULT 0,
    enrolled_at   TIMESTAMPTZ NOT NULL
);
CREATE TABLE acks (
    device_id TEXT NOT NULL,
    seq       BIGINT NOT NULL,
    ack       TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
);
CREATE TABLE records (
    entity        TEXT NOT NULL,
    id            TEXT NOT NULL,
    rev           BIGINT NOT NULL,
    row           TEXT NOT NULL,
    scope         TEXT,
    owner         TEXT NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL,
    clock_suspect BOOLEAN NOT NULL,
    waiting_for   TEXT,
    PRIMARY KEY (entity, id)
);
CREATE INDEX records_waiting ON records (waiting_for) WHERE waiting_for IS NOT NULL;
-- The feed's cursor. An identity column draws from a sequence, which hands out numbers in the
-- order transactions *ask*, not the order they commit; the backend therefore lets only one
-- writing transaction run at a time (src/postgres.rs), so asking order is commit order. A
-- rolled-back transaction leaves a gap in the numbers, which the protocol allows (the cursor
-- only ever grows).
CREATE TABLE feed (
    seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity        TEXT NOT NULL,
    id            TEXT NOT NULL,
    rev           BIGINT NOT NULL,
    row           TEXT NOT NULL,
    scope         TEXT,
    owner         TEXT NOT NULL,
    attachment    TEXT,
    received_at   TIMESTAMPTZ NOT NULL,
    clock_suspect BOOLEAN NOT NULL
);
CREATE INDEX feed_by_attachment ON feed (attachment) WHERE attachment IS NOT NULL;
CREATE TABLE conflicts (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity    TEXT NOT NULL,
    record_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    fields    TEXT NOT NULL,
    kept      TEXT NOT NULL,
    offered   TEXT NOT NULL,
    at        TIMESTAMPTZ NOT NULL
);
CREATE TABLE blobs (
    sha256   TEXT PRIMARY KEY,
    mime     TEXT NOT NULL,
    total    BIGINT NOT NULL,
    bytes    BYTEA NOT NULL,
    complete BOOLEAN NOT NULL DEFAULT FALSE
);
