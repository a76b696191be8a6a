//! What both backends' upgrade tests share: the rows a database may hold at each old version, and
//! the upgrade-time flagging test (rows from before issue 13's reference checks, and what opening
//! such a database must do with them).

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

/// Rows a server database at version N could hold, written with that version's own columns, in
/// SQL both backends take; `blob` spells a byte string (given as hex digits) in the backend's own.
pub(crate) fn rows_at_version(blob: impl Fn(&str) -> String) -> Vec<(i64, String)> {
    vec![
        (
            1,
            format!(
                "INSERT INTO contracts VALUES ('HB-01', '旧合同'), ('XY-02', '另一合同');
                 INSERT INTO technicians VALUES ('t1', '旧技服');
                 INSERT INTO assignments VALUES ('t1', 'HB-01');
                 INSERT INTO enrollment_codes VALUES ('code-hash', 't1', '2026-11-22 08:00:00+00:00', NULL);
                 INSERT INTO devices VALUES ('d1', 't1', '旧笔记本', 'token-hash', 3, '2026-11-22 08:00:00+00:00');
                 INSERT INTO acks VALUES ('d1', 3, '{{\"seq\":3}}');
                 INSERT INTO feed (entity, id, rev, row, scope, owner, attachment, received_at, clock_suspect)
                     VALUES ('sites', 's1', 1, '{{\"id\":\"s1\",\"contract_id\":\"c1\"}}', 'HB-01', 't1', NULL, '2026-11-22 08:00:00+00:00', FALSE);
                 INSERT INTO conflicts (entity, record_id, device_id, fields, kept, offered, at)
                     VALUES ('faults', 'f9', 'd1', '[]', '{{}}', '{{}}', '2026-11-22 08:00:00+00:00');
                 INSERT INTO blobs VALUES ('ab12', 'image/png', 4, {}, TRUE);",
                blob("01020304")
            ),
        ),
        (1, OLD_ROWS.to_owned()),
        (
            2,
            "INSERT INTO server_ca VALUES (1, 'key', 'root', '2026-11-22 09:00:00+00:00');
             INSERT INTO issued_certificates VALUES ('0a', 't1', 'd1', '2027-11-22 09:00:00+00:00', '2026-11-22 09:00:00+00:00', 'cert');"
                .to_owned(),
        ),
        (
            3,
            "INSERT INTO feed (entity, id, rev, row, scope, owner, attachment, received_at, clock_suspect)
                 VALUES ('technicians', 't1', 1, '{\"id\":\"t1\"}', NULL, 't1', NULL, '2026-11-23 08:00:00+00:00', TRUE);"
                .to_owned(),
        ),
        (
            4,
            "INSERT INTO feed (entity, id, rev, row, scope, owner, attachment, received_at, clock_suspect, device_id)
                 VALUES ('sites', 's1', 2, '{\"id\":\"s1\",\"contract_id\":\"c1\"}', 'HB-01', 't1', NULL, '2026-11-24 08:00:00+00:00', FALSE, 'd1');"
                .to_owned(),
        ),
        (
            5,
            format!(
                "INSERT INTO records VALUES ('signatures', 'g1', 1, '{{\"id\":\"g1\",\"subject_id\":\"r1\"}}', 'HB-01', 't1', '2026-11-25 08:00:00+00:00', FALSE, NULL, 'r1');
                 INSERT INTO blobs VALUES ('cd34', 'image/png', 2, {}, FALSE, 'd1', '2026-11-25 08:00:00+00:00');",
                blob("0102")
            ),
        ),
        (
            6,
            "INSERT INTO evidence_chains VALUES ('d1', 1, 'fault', 'f1', '00', '11', '22', '2026-11-26 08:00:00+00:00');"
                .to_owned(),
        ),
        (
            7,
            "INSERT INTO office_accounts VALUES ('a1', 'admin', '管理员', 'administrator', '$argon2id$x', FALSE, '2026-12-01 08:00:00+00:00');
             INSERT INTO office_sessions VALUES ('session-hash', 'a1', 'csrf', '2026-12-01 08:00:00+00:00', '2026-12-01 08:05:00+00:00', '127.0.0.1');
             INSERT INTO office_grants VALUES ('a1', 'HB-01');
             INSERT INTO office_failed_sign_ins (login, address, at) VALUES ('admin', '127.0.0.1', '2026-12-01 07:59:00+00:00');
             INSERT INTO office_audit (at, actor_id, actor_login, action, detail, address)
                 VALUES ('2026-12-01 08:00:00+00:00', 'a1', 'admin', 'sign_in', '{}', '127.0.0.1');"
                .to_owned(),
        ),
    ]
}

/// [`rows_at_version`] as the migration runner takes it.
pub(crate) fn borrowed(rows: &[(i64, String)]) -> Vec<(i64, &str)> {
    rows.iter().map(|(v, sql)| (*v, sql.as_str())).collect()
}

/// A fault's children as a server before migration 0011 kept them, their `parent` empty: an
/// event, an assignment record, an arrival at the fault, and an arrival for no fault.
pub(crate) const FAULT_CHILDREN_BEFORE_0011: &str = r#"INSERT INTO records VALUES
     ('fault_events', 'e1', 1, '{"id":"e1","fault_id":"f1"}', 'HB-01', 't1', '2026-12-01 08:00:00+00:00', false, NULL, NULL),
     ('fault_assignments', 'a1', 1, '{"id":"a1","fault_id":"f1"}', 'HB-01', 't1', '2026-12-01 08:00:00+00:00', false, NULL, NULL),
     ('arrivals', 'v1', 1, '{"id":"v1","site_id":"s1","fault_id":"f1"}', 'HB-01', 't1', '2026-12-01 08:00:00+00:00', false, NULL, NULL),
     ('arrivals', 'v2', 1, '{"id":"v2","site_id":"s1","fault_id":null}', 'HB-01', 't1', '2026-12-01 08:00:00+00:00', false, NULL, NULL);"#;

/// After the upgrade, the fault's children are found by their parent (`Tx::children`); the
/// arrival for no fault has none.
pub(crate) fn assert_fault_children_found<S: Storage>(storage: &S) {
    storage
        .transaction(|tx| {
            for (entity, id) in [
                ("fault_events", "e1"),
                ("fault_assignments", "a1"),
                ("arrivals", "v1"),
            ] {
                let found: Vec<String> = tx
                    .children(entity, "f1")?
                    .into_iter()
                    .map(|r| r.id)
                    .collect();
                assert_eq!(found, [id], "{entity}");
                assert_eq!(
                    tx.record(entity, id)?.and_then(|r| r.parent()).as_deref(),
                    Some("f1"),
                    "a new version keeps the same parent"
                );
            }
            assert!(tx.children("arrivals", "null")?.is_empty());
            Ok(())
        })
        .unwrap();
}
