-- Issue 15, each contract preset promises exactly what its own contract promises.
--
-- The county police contract's spare floor (≥ 10 spare units, ≥ 50 spare parts) counts the spares
-- of its *main* equipment only, so a spare part now says whether it is main equipment. Parts kept
-- before this change count as main equipment, as they did: no floor moves on upgrade.
--
-- Independent of the other migrations of this round: it touches only `spare_parts` and its two
-- outbox triggers (migration 0005), recreated to carry the new column to the sync server.
ALTER TABLE spare_parts ADD COLUMN main_equipment INTEGER NOT NULL DEFAULT 1
    CHECK (main_equipment IN (0, 1));

DROP TRIGGER sync_outbox_spare_parts_insert;
DROP TRIGGER sync_outbox_spare_parts_update;

CREATE TRIGGER sync_outbox_spare_parts_insert AFTER INSERT ON spare_parts
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('spare_parts', NEW.id, 'insert',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'code', NEW.code, 'name', NEW.name, 'kind', NEW.kind, 'model', NEW.model, 'main_equipment', NEW.main_equipment),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_spare_parts_update AFTER UPDATE ON spare_parts
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('spare_parts', NEW.id, 'update',
        json_object('id', NEW.id, 'contract_id', NEW.contract_id, 'code', NEW.code, 'name', NEW.name, 'kind', NEW.kind, 'model', NEW.model, 'main_equipment', NEW.main_equipment),
        json_object('id', OLD.id, 'contract_id', OLD.contract_id, 'code', OLD.code, 'name', OLD.name, 'kind', OLD.kind, 'model', OLD.model, 'main_equipment', OLD.main_equipment), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
