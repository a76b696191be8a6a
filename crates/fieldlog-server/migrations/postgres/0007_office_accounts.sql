-- Office accounts, their sessions and grants, failed sign-ins, and the append-only office audit
-- log (issue 17; crate::office).
CREATE TABLE office_accounts (
    id            TEXT PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL
        CHECK (role IN ('administrator', 'project_manager', 'customer_manager')),
    -- An Argon2id PHC string (algorithm, parameters, salt and hash).
    password_hash TEXT NOT NULL,
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMPTZ NOT NULL
);
-- Server-side sessions: the cookie carries a random token, only its SHA-256 is kept here.
CREATE TABLE office_sessions (
    token_hash   TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES office_accounts (id),
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    address      TEXT
);
CREATE INDEX office_sessions_by_account ON office_sessions (account_id);
-- Which contracts a project or customer manager sees.
CREATE TABLE office_grants (
    account_id    TEXT NOT NULL REFERENCES office_accounts (id),
    contract_code TEXT NOT NULL REFERENCES contracts (code),
    PRIMARY KEY (account_id, contract_code)
);
-- Failed sign-ins, counted per login and per address for throttling.
CREATE TABLE office_failed_sign_ins (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login   TEXT NOT NULL,
    address TEXT NOT NULL,
    at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX office_failed_by_login ON office_failed_sign_ins (login, at);
CREATE INDEX office_failed_by_address ON office_failed_sign_ins (address, at);
-- Every office action: who, when, what, from where. Rows are only ever added: the triggers
-- below refuse any change, removal or truncation, whoever asks.
CREATE TABLE office_audit (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
    actor_id    TEXT,
    actor_login TEXT NOT NULL,
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL,
    address     TEXT NOT NULL
);
-- Throttled sign-ins are audited once per address and failure: looked up by address.
CREATE INDEX office_audit_by_address ON office_audit (address, at);
CREATE FUNCTION office_audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'office_audit is append-only';
END;
$$;
CREATE TRIGGER office_audit_no_update BEFORE UPDATE OR DELETE ON office_audit
    FOR EACH ROW EXECUTE FUNCTION office_audit_refuse_change();
CREATE TRIGGER office_audit_no_truncate BEFORE TRUNCATE ON office_audit
    FOR EACH STATEMENT EXECUTE FUNCTION office_audit_refuse_change();
