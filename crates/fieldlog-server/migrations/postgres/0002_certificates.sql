-- The server's certificate authority (one row, made on first use) and the certificates it issued
-- at enrollment, as in the SQLite backend's schema.
CREATE TABLE server_ca (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    key_pem         TEXT NOT NULL,
    certificate_pem TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
CREATE TABLE issued_certificates (
    serial          TEXT PRIMARY KEY,
    technician_id   TEXT NOT NULL REFERENCES technicians (id),
    device_id       TEXT NOT NULL REFERENCES devices (id),
    not_after       TIMESTAMPTZ NOT NULL,
    issued_at       TIMESTAMPTZ NOT NULL,
    certificate_pem TEXT NOT NULL
);
