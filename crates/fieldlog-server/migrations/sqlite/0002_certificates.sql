-- The server's certificate authority (one row). The private key lives here, with the data it
-- vouches for: backed up with it, never sent over HTTP (only the certificate is exported).
CREATE TABLE server_ca (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    key_pem         TEXT NOT NULL,
    certificate_pem TEXT NOT NULL,
    created_at      TEXT NOT NULL
) STRICT;
CREATE TABLE issued_certificates (
    serial          TEXT PRIMARY KEY,
    technician_id   TEXT NOT NULL REFERENCES technicians (id),
    device_id       TEXT NOT NULL REFERENCES devices (id),
    not_after       TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    certificate_pem TEXT NOT NULL
) STRICT;
