-- Issue 18. A fault's events, assignment records and arrivals keep the fault's id beside the row
-- (`StoredRecord::parent`), so the office reads a fault with its children through the index of
-- migration 0005 instead of every record of its contract. Those kept before learn it here.
UPDATE records SET parent = json_extract(row, '$.fault_id')
 WHERE entity IN ('fault_events', 'fault_assignments', 'arrivals');
