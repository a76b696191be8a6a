//! Entries kept apart from a signed report (`held_at`, issue 13) on a real database file: they
//! are not part of the report, so the monthly summary does not count them as anyone's work.

mod support;

use support::summary_fixture::{load, summary_json};

/// The hand-counted month's F5 (nobody on site: unattributed). A signed report of technician
/// 甲 receives, after its signing, an entry about F5 (as the sync server publishes it: `held_at`
/// set). The month's summary is exactly what it was: F5 stays unattributed, 甲's figures do not
/// take it.
#[test]
fn a_held_entry_is_nobodys_work_in_the_monthly_summary() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fieldlog_store::Store::open(dir.path().join("profile.sqlite")).unwrap();
    let loaded = load(&mut store);
    let f5 = loaded.ids["F5"];
    let (from, to) = fieldlog_domain::clocks::month_bounds("2026-10").unwrap();
    let before = store
        .summary(loaded.contract.id, from, to, loaded.now)
        .unwrap();
    assert!(before.unattributed.fault_ids.contains(&f5));

    let technician = store.profile().unwrap().unwrap().id;
    let report = uuid::Uuid::now_v7().to_string();
    let conn = store.connection();
    conn.execute(
        "INSERT INTO daily_reports (id, technician_id, contract_id, work_date, status, created_at,
                                    signed_at)
         VALUES (?1, ?2, ?3, '2026-10-15', 'signed', '2026-10-15T10:00:00Z', '2026-10-15T10:30:00Z')",
        (&report, technician.to_string(), loaded.contract.id.to_string()),
    )
    .unwrap();
    conn.execute(
        "INSERT INTO report_entries (id, report_id, position, site_id, fault_id, fault_cause,
                                     resolved, work_done, held_at)
         SELECT ?1, ?2, 1, site_id, id, '签字后才到的记录', 1, '远程处理', '2026-10-15T11:00:00Z'
         FROM faults WHERE id = ?3",
        (uuid::Uuid::now_v7().to_string(), &report, f5.to_string()),
    )
    .unwrap();

    let after = store
        .summary(loaded.contract.id, from, to, loaded.now)
        .unwrap();
    assert!(
        after.unattributed.fault_ids.contains(&f5),
        "a held entry made F5 someone's work"
    );
    assert_eq!(summary_json(&after), summary_json(&before));
    // The report shows it apart, never among its entries.
    let document = store.report_document(report.parse().unwrap()).unwrap();
    assert!(document.entries.is_empty());
    assert_eq!(document.row.entry_count, 0);
    assert_eq!(document.held_entries.len(), 1);
    assert_eq!(document.held_entries[0].entry.fault_id, Some(f5));
}
