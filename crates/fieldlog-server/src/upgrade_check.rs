//! The upgrade-time flagging test, shared by both backends: the rows a database from before
//! issue 13's reference checks may hold, and what opening it must do with them.

use crate::Storage;

/// `records` rows as the previous release accepted them: a site of contract c1, a fault of
/// contract c2 on that site (crosses contracts), a report entry (learns its report).
pub(crate) const OLD_ROWS: &str = r#"INSERT INTO records VALUES
     ('sites', 's1', 1, '{"id":"s1","contract_id":"c1"}', 'HB-01', 't1', '2026-11-22 08:00:00+00:00', false, NULL),
     ('faults', 'f2', 1, '{"id":"f2","contract_id":"c2","site_id":"s1","device_id":null}', 'XY-02', 't1', '2026-11-22 08:00:00+00:00', false, NULL),
     ('report_entries', 'e1', 1, '{"id":"e1","report_id":"r1","site_id":"s1","device_id":null,"fault_id":null}', 'HB-01', 't1', '2026-11-22 08:00:00+00:00', false, NULL);"#;

/// Opens the old database twice: the crossing fault is flagged on the first open, by the
/// migration, and not again on the second.
pub(crate) fn assert_flagged_once<S: Storage>(open: impl Fn() -> S) {
    let storage = open();
    let flagged = crate::admin::conflicts(&storage).unwrap();
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    assert_eq!(
        (flagged[0].entity.as_str(), flagged[0].id.as_str()),
        ("faults", "f2")
    );
    assert_eq!(flagged[0].device_id, "migration");
    drop(storage);
    let storage = open();
    assert_eq!(crate::admin::conflicts(&storage).unwrap().len(), 1);
}
