-- A pull reads each of the device's contracts as one range of feed_by_scope, and technician
-- profiles (no contract) through feed_profiles, instead of filtering the whole feed after the
-- cursor: a pull then costs what the device may read, however many contracts share the server.
CREATE INDEX feed_by_scope ON feed (scope, seq) WHERE scope IS NOT NULL;
CREATE INDEX feed_profiles ON feed (owner, seq) WHERE scope IS NULL;
-- Who shares a contract with a technician (whose profiles the technician may read).
CREATE INDEX assignments_by_contract ON assignments (contract_code);
