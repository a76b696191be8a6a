//! Migrations: an old schema plus every upgrade equals a fresh schema, with data written at each
//! old version surviving the upgrade; the schema is pinned by a reviewed snapshot.
//!
//! Data-driven: every prefix of `MIGRATIONS` is an "old version", so a new migration file is
//! covered by adding one row of old-version data to `DATA_AT_VERSION`.

use fieldlog_store::migrations::{self, MIGRATIONS, data_dump, migrate_to, schema_dump};
use fieldlog_store::{Store, StoreError};
use rusqlite::Connection;

/// Rows a database at version N could hold, written with that version's own columns.
const DATA_AT_VERSION: &[(i64, &str)] = &[
    (
        1,
        "INSERT INTO technicians VALUES ('t1', '旧版技服', NULL, '2025-01-01 00:00:00+00:00');
         INSERT INTO contracts VALUES ('c1', 'old', '旧合同', '旧采购人', '2025-01-01', '2026-12-31', 10, 50, 1);
         INSERT INTO sla_policies VALUES ('c1', 1, '{}', '2025-01-01 00:00:00+00:00');
         INSERT INTO sites VALUES ('s1', 'c1', 'OLD-1', '旧点位', 'camera_pole', '旧地址', NULL, NULL);
         INSERT INTO faults VALUES ('f1', 'c1', 's1', NULL, 'B', '2025-02-01 01:00:00+00:00', 'phone', '旧故障', '旧经理', 1, '2025-02-01 01:00:00+00:00');
         INSERT INTO arrivals VALUES ('a1', 't1', 's1', 'f1', '2025-02-01 02:00:00+00:00', NULL, NULL, NULL, 1, '2025-02-01 02:00:00+00:00');",
    ),
    (
        2,
        "INSERT INTO daily_reports VALUES ('r1', 't1', 'c1', '2025-02-01', 'draft', NULL, NULL, '2025-02-01 10:00:00+00:00', NULL);
         INSERT INTO report_entries VALUES ('e1', 'r1', 1, 's1', NULL, 'f1', '旧原因', 1, NULL, '旧处理');",
    ),
    (
        3,
        "INSERT INTO spare_parts VALUES ('p1', 'c1', 'OLD-P', '旧备件', 'part', NULL);
         INSERT INTO stock_movements VALUES ('m1', 'p1', 'received', 3, '2025-02-01 00:00:00+00:00', NULL, NULL, NULL, NULL, NULL, NULL, '2025-02-01 00:00:00+00:00');",
    ),
    (
        4,
        "INSERT INTO inspections VALUES ('i1', 'c1', 's1', 'routine', '2025-02-03', '[\"检查立杆\"]', NULL, NULL);
         INSERT INTO form_drafts VALUES ('entry-form:r1', '{\"fault_cause\":\"半句\"}', '2025-02-01 10:00:00+00:00');
         INSERT INTO arrivals VALUES ('a2', 't1', 's1', NULL, '2025-02-02 02:00:00+00:00', NULL, NULL, NULL, 1, '2025-02-02 02:00:00+00:00', 1);",
    ),
    (
        5,
        "INSERT INTO technicians VALUES ('t2', '同步技服', NULL, '2025-03-01 00:00:00+00:00');
         UPDATE sync_state SET server_url = 'http://127.0.0.1:1', pull_cursor = 7 WHERE id = 1;
         INSERT INTO sync_revs VALUES ('technicians', 't1', 3);",
    ),
    (
        6,
        "INSERT INTO sync_receipts VALUES ('arrivals', 'a2', '2025-02-02T02:09:00Z', 1);
         UPDATE sync_state SET clock_offset_secs = -420, clock_checked_at = '2025-02-02T02:09:00Z' WHERE id = 1;",
    ),
    (
        7,
        "INSERT INTO report_entries VALUES ('e2', 'r1', 1, 's1', NULL, NULL, '同一位置', 1, NULL, '另一台笔记本加的', NULL);
         INSERT INTO report_entries VALUES ('e3', 'r1', 2, 's1', NULL, NULL, '签字后到达', 1, NULL, '待审核', '2025-02-02T00:00:00.000Z');",
    ),
    (
        8,
        "INSERT INTO spare_parts VALUES ('p2', 'c1', 'OLD-ACC', '旧配件', 'part', NULL, 0);",
    ),
    (
        // The evidence chain: an event recorded at version 9 is linked by the triggers.
        9,
        "INSERT INTO fault_events VALUES ('ev9', 'f1', 'acknowledged', '2025-02-01 01:05:00+00:00', '{\"kind\":\"acknowledged\",\"by\":\"旧经理\"}', '2025-02-01 01:05:00+00:00');",
    ),
    (
        // Dispatch (issue 18): a fault with its caller, and an assignment of it.
        10,
        "INSERT INTO faults VALUES ('f10', 'c1', 's1', NULL, 'C', '2025-02-03 01:00:00+00:00', 'phone', '来电', '客户经理', 1, '2025-02-03 01:01:00+00:00', '来电人', '13800000000');
         INSERT INTO fault_assignments VALUES ('as10', 'f10', 'assign', 't1', '旧技服', '[]', '', '客户经理', '2025-02-03 01:02:00+00:00', '2025-02-03 01:02:00+00:00');",
    ),
    (
        // Reports over a real month (issue 19): a draft entry changed (a row superseding it)
        // and another deleted (a struck row correcting nothing).
        12,
        "INSERT INTO report_entries VALUES ('e12', 'r1', 1, 's1', NULL, NULL, '改过的原因', 1, NULL, '另一台笔记本加的', NULL, 'e2', NULL, 0, NULL);
         INSERT INTO report_entries VALUES ('e13', 'r1', 1, 's1', NULL, 'f1', '旧原因', 1, NULL, '旧处理', NULL, 'e1', NULL, 1, NULL);",
    ),
    (
        // Inspections by plan (issue 19): a plan, its period's inspection, a tick, a finding
        // turned into a fault.
        13,
        "INSERT INTO inspection_plans VALUES ('ip13', 'c1', 'routine', '[\"检查立杆\"]', NULL, '2025-02-01', NULL, '2025-02-01 00:00:00+00:00');
         INSERT INTO inspections VALUES ('i13', 'c1', 's1', 'routine', '2025-02-01', '[\"检查立杆\"]', NULL, NULL, 'ip13', '2025-02-28');
         INSERT INTO inspection_ticks VALUES ('tk13', 'i13', 0, '检查立杆', 'not_ok', '立杆倾斜', '2025-02-04 01:00:00+00:00');
         INSERT INTO inspection_findings VALUES ('fd13', 'i13', 's1', NULL, '立杆倾斜', '2025-02-04 01:01:00+00:00');
         INSERT INTO inspection_finding_faults VALUES ('fd13', 'f10', '2025-02-04 01:02:00+00:00');",
    ),
    (
        // Stock between holders (issue 19, item 6): a transfer to a colleague, its confirmation.
        14,
        "INSERT INTO stock_movements VALUES ('m14', 'p1', 'transfer_out', 1, '2025-02-04 00:00:00+00:00', 't1', NULL, NULL, NULL, NULL, NULL, '2025-02-04 00:00:00+00:00', 't2', NULL);
         INSERT INTO stock_movements VALUES ('m14in', 'p1', 'transfer_in', 1, '2025-02-04 01:00:00+00:00', 't2', NULL, NULL, NULL, NULL, NULL, '2025-02-04 01:00:00+00:00', NULL, 'm14');",
    ),
    (
        // Photos (issue 19): a photo of a fault, its original and thumbnail as attachments.
        15,
        "INSERT INTO attachments VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'image/jpeg', X'FFD8FFD9', '2025-02-04 01:00:00+00:00');
         INSERT INTO attachments VALUES ('bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 'image/jpeg', X'FFD8FFDA', '2025-02-04 01:00:00+00:00');
         INSERT INTO photos VALUES ('p15', 'fault', 'f10', 'before', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'image/jpeg', 4, 4000, 3000, '2025-02-04 00:59:00+00:00', 30.1, 120.2, 'IMG_1.JPG', 't1', '2025-02-04 01:00:00+00:00');
         INSERT INTO photo_thumbnails VALUES ('p15', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 320, 240);",
    ),
    (
        // The chain covers issue 19's evidence (0017): a tick recorded now is linked in form 2.
        17,
        "INSERT INTO inspection_ticks VALUES ('tk17', 'i13', 1, '检查箱体', 'ok', '', '2025-02-05 01:00:00+00:00');",
    ),
];

fn fresh_schema() -> String {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("fresh.sqlite")).unwrap();
    schema_dump(store.connection()).unwrap()
}

fn checks_ok(conn: &Connection) {
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let fk_violations: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(fk_violations, 0);
}

#[test]
fn every_old_version_upgrades_to_the_fresh_schema_keeping_its_data() {
    let fresh = fresh_schema();
    assert_eq!(
        DATA_AT_VERSION.len(),
        MIGRATIONS.len(),
        "add old-version data for the new migration"
    );
    // Every version a laptop can be at: none, and each migration's (numbers need not be
    // consecutive, though today they are: 0007, 0008 and 0009 were written side by side).
    for old in fieldlog_migrate::old_versions(MIGRATIONS) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        let data_before = {
            let mut conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "foreign_keys", true).unwrap();
            // The evidence chain's triggers (0009) hash with the store's own function.
            migrate_to(&mut conn, 0).unwrap();
            // Each version's rows are written while the database is at that version, as a
            // laptop that skipped updates would have them.
            fieldlog_migrate::build_old(&mut conn, MIGRATIONS, DATA_AT_VERSION, old).unwrap();
            assert_eq!(migrations::current_version(&conn).unwrap(), old);
            data_dump(&conn).unwrap()
        };
        let store = Store::open(&path).unwrap();
        let conn = store.connection();
        assert_eq!(
            schema_dump(conn).unwrap(),
            fresh,
            "upgrading from version {old}"
        );
        checks_ok(conn);
        // Everything the old version held is still there, row for row.
        let data_after = data_dump(conn).unwrap();
        let lost = fieldlog_migrate::rows_lost(&data_before, &data_after, "schema_migrations");
        assert!(lost.is_empty(), "rows lost upgrading from {old}: {lost:?}");
        // The evidence chain made before the upgrade still verifies after it (0017 keeps old
        // links' content form), and covers what was held of 0017's new kinds.
        let audit = store.audit().unwrap();
        assert!(audit.intact(), "upgrading from {old}: {:?}", audit.findings);
    }
}

#[test]
fn each_migration_is_recorded_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    drop(Store::open(&path).unwrap());
    // Opening again applies nothing twice.
    let store = Store::open(&path).unwrap();
    let versions: Vec<i64> = store
        .connection()
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        versions,
        MIGRATIONS.iter().map(|m| m.version).collect::<Vec<_>>()
    );
}

#[test]
fn a_database_from_a_newer_build_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    drop(Store::open(&path).unwrap());
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO schema_migrations (version, name) VALUES (99, 'future')",
            [],
        )
        .unwrap();
    }
    match Store::open(&path) {
        Err(StoreError::SchemaTooNew { found: 99, .. }) => {}
        Err(other) => panic!("expected SchemaTooNew, got {other}"),
        Ok(_) => panic!("a newer schema must be refused"),
    }
}

/// The schema as reviewed. A change to a migration shows up here as a diff; regenerate with
/// `UPDATE_SNAPSHOTS=1 cargo test -p fieldlog-store --test migrations` and review it.
#[test]
fn schema_matches_the_reviewed_snapshot() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/schema.txt");
    let fresh = fresh_schema();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let reviewed =
        std::fs::read_to_string(&path).expect("snapshot missing: run with UPDATE_SNAPSHOTS=1");
    assert_eq!(
        fresh, reviewed,
        "schema changed: review and regenerate the snapshot"
    );
}

/// Migration 0007 repairs what the old position rule left: pulled entries (and their parts and
/// movements) this laptop refused are forgotten and the feed is read again from the start, so
/// they are applied now; their conflicts are settled.
#[test]
fn refusals_of_the_old_position_rule_are_pulled_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let mut conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        migrate_to(&mut conn, 6).unwrap();
        conn.execute_batch(
            "UPDATE sync_state SET pull_cursor = 70 WHERE id = 1;
             INSERT INTO sync_revs VALUES ('report_entries', 'e9', 4), ('entry_parts', 'e9/1', 5), ('faults', 'f1', 2);
             INSERT INTO sync_conflicts (entity, record_id, fields, ours, theirs, reason, recorded_at) VALUES
               ('report_entries', 'e9', '[]', NULL, '{\"id\":\"e9\"}', 'local database error: UNIQUE constraint failed: report_entries.report_id, report_entries.position', '2025-02-02T00:00:00Z'),
               ('entry_parts', 'e9/1', '[]', NULL, '{\"entry_id\":\"e9\"}', 'local database error: FOREIGN KEY constraint failed', '2025-02-02T00:00:00Z'),
               ('faults', 'f1', '[\"description\"]', '{\"id\":\"f1\"}', '{\"id\":\"f1\"}', 'server', '2025-02-02T00:00:00Z');",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    let conn = store.connection();
    let cursor: i64 = conn
        .query_row("SELECT pull_cursor FROM sync_state", [], |r| r.get(0))
        .unwrap();
    assert_eq!(cursor, 0);
    let revs: Vec<String> = conn
        .prepare("SELECT record_id FROM sync_revs ORDER BY 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(revs, ["f1"]);
    let open: Vec<String> = conn
        .prepare("SELECT record_id FROM sync_conflicts WHERE settled_at IS NULL")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        open,
        ["f1"],
        "the evidence conflict stays for the technician"
    );
}
