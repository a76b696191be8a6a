-- Laptops cut off by the office, and the certificate revocation lists the CA published
-- (issue 17; crate::revocation).

-- A revoked device: its token is refused from `revoked_at` on, and its signing certificates are
-- on every CRL published since. One row per device, never changed or deleted: who, when, why.
CREATE TABLE device_revocations (
    device_id  TEXT PRIMARY KEY REFERENCES devices (id),
    revoked_at TEXT NOT NULL,
    revoked_by TEXT NOT NULL,
    reason     TEXT NOT NULL
) STRICT;

-- Every CRL the CA signed, by its CRL number (the highest is the current one): served as kept,
-- so one number always names one list.
CREATE TABLE published_crls (
    number      INTEGER PRIMARY KEY,
    this_update TEXT NOT NULL,
    next_update TEXT NOT NULL,
    der         BLOB NOT NULL
) STRICT;

-- The server's own settings, by name (`public_url`: the address laptops and validators reach
-- it at, which every certificate names as its CRL's location).
CREATE TABLE server_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
