-- Issue 19, item 6: spare stock held by technicians, moved between them and between contracts.
--
-- A movement's `technician_id` is who holds the parts (the profile that recorded it). A transfer
-- to a colleague is a `transfer_out` naming the receiver (`to_technician_id`, the receiver's
-- profile id as every laptop of the contract knows it); until the receiver records a
-- `transfer_in` pointing at it (`transfer_of`), the parts are in transit. A transfer to another
-- contract is the same technician's `transfer_out` and `transfer_in`, written together. At most
-- one confirmation per transfer: the unique index below on the laptop, `rules.rs` on the server.
--
-- `returned` now means given back to the office's warehouse (退库): it leaves the technician's
-- stock (`MovementKind::sign`). No screen recorded it before; the CLI's `parts return` did.
--
-- Whether technicians may add parts to a contract's catalogue: contracts made on a laptop allow
-- it (the store sets 1), the office's are 0 until the console allows it.
ALTER TABLE stock_movements ADD COLUMN to_technician_id TEXT;
ALTER TABLE stock_movements ADD COLUMN transfer_of TEXT;
CREATE UNIQUE INDEX stock_movements_one_confirmation ON stock_movements (transfer_of)
    WHERE transfer_of IS NOT NULL;
CREATE INDEX stock_movements_to_technician ON stock_movements (to_technician_id)
    WHERE to_technician_id IS NOT NULL;

ALTER TABLE contracts ADD COLUMN technicians_add_parts INTEGER NOT NULL DEFAULT 0
    CHECK (technicians_add_parts IN (0, 1));

DROP TRIGGER sync_outbox_stock_movements_insert;
CREATE TRIGGER sync_outbox_stock_movements_insert AFTER INSERT ON stock_movements
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('stock_movements', NEW.id, 'insert',
        json_object('id', NEW.id, 'part_id', NEW.part_id, 'kind', NEW.kind, 'quantity', NEW.quantity, 'at', NEW.at, 'technician_id', NEW.technician_id, 'fault_id', NEW.fault_id, 'entry_id', NEW.entry_id, 'old_serial', NEW.old_serial, 'new_serial', NEW.new_serial, 'note', NEW.note, 'recorded_at', NEW.recorded_at, 'to_technician_id', NEW.to_technician_id, 'transfer_of', NEW.transfer_of),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

DROP TRIGGER sync_outbox_contracts_insert;
DROP TRIGGER sync_outbox_contracts_update;
CREATE TRIGGER sync_outbox_contracts_insert AFTER INSERT ON contracts
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('contracts', NEW.id, 'insert',
        json_object('id', NEW.id, 'code', NEW.code, 'name', NEW.name, 'client', NEW.client, 'service_start', NEW.service_start, 'service_end', NEW.service_end, 'floor_units', NEW.floor_units, 'floor_parts', NEW.floor_parts, 'policy_version', NEW.policy_version, 'technicians_add_parts', NEW.technicians_add_parts),
        NULL, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
CREATE TRIGGER sync_outbox_contracts_update AFTER UPDATE ON contracts
WHEN (SELECT applying FROM sync_state) = 0
BEGIN
    INSERT INTO sync_outbox (entity, record_id, op, row, base, at) VALUES ('contracts', NEW.id, 'update',
        json_object('id', NEW.id, 'code', NEW.code, 'name', NEW.name, 'client', NEW.client, 'service_start', NEW.service_start, 'service_end', NEW.service_end, 'floor_units', NEW.floor_units, 'floor_parts', NEW.floor_parts, 'policy_version', NEW.policy_version, 'technicians_add_parts', NEW.technicians_add_parts),
        json_object('id', OLD.id, 'code', OLD.code, 'name', OLD.name, 'client', OLD.client, 'service_start', OLD.service_start, 'service_end', OLD.service_end, 'floor_units', OLD.floor_units, 'floor_parts', OLD.floor_parts, 'policy_version', OLD.policy_version, 'technicians_add_parts', OLD.technicians_add_parts), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
