-- A pull reads each of the device's contracts as one range of this index (an index ends in the
-- rowid, here seq), and technician profiles (no contract) through the second.
CREATE INDEX feed_by_scope ON feed (scope) WHERE scope IS NOT NULL;
CREATE INDEX feed_profiles ON feed (owner) WHERE scope IS NULL;
-- Who shares a contract with a technician (whose profiles the technician may read).
CREATE INDEX assignments_by_contract ON assignments (contract_code);
