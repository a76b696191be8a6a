//! A signed report cannot be changed through any path: the store API, raw SQL on the store's own
//! connection, or another SQLite connection to the same file. Amendments are new linked records.

mod support;

use chrono::TimeDelta;
use fieldlog_domain::report::ReportStatus;
use fieldlog_store::StoreError;
use support::fixture;

fn signed_report(f: &mut support::Fixture) -> fieldlog_domain::ids::ReportId {
    f.signed_report()
}

#[test]
fn the_store_api_refuses_changes_to_a_signed_report() {
    let mut f = fixture();
    let id = signed_report(&mut f);
    let before = f.dump();
    let later = f.now + TimeDelta::minutes(10);
    assert!(matches!(
        f.store.add_report_entry(id, f.entry("补记", 0), later),
        Err(StoreError::SignedImmutable)
    ));
    assert!(matches!(
        f.store.sign_report(id, f.signature(), later),
        Err(StoreError::SignedImmutable)
    ));
    assert_eq!(f.dump(), before, "a refused action must write nothing");
    let doc = f.store.report_document(id).unwrap();
    assert_eq!(doc.report.status, ReportStatus::Signed);
    assert_eq!(doc.content_intact, Some(true));
}

/// Each statement is something a buggy caller or a curious admin might run.
const RAW_CHANGES: &[&str] = &[
    "UPDATE daily_reports SET work_date = '2026-01-01' WHERE id = ?1",
    "UPDATE daily_reports SET status = 'draft', signed_at = NULL WHERE id = ?1",
    "DELETE FROM daily_reports WHERE id = ?1",
    "UPDATE report_entries SET work_done = '改过的内容' WHERE report_id = ?1",
    "DELETE FROM report_entries WHERE report_id = ?1",
    "INSERT INTO report_entries (id, report_id, position, site_id, fault_cause, resolved, work_done)
     SELECT 'x', ?1, 99, site_id, '加塞', 1, '加塞' FROM report_entries WHERE report_id = ?1 LIMIT 1",
    "UPDATE signatures SET signer_name = '别人' WHERE subject_id = ?1",
    "DELETE FROM signatures WHERE subject_id = ?1",
    "DELETE FROM entry_parts WHERE entry_id IN (SELECT id FROM report_entries WHERE report_id = ?1)",
    "UPDATE stock_movements SET quantity = 99 WHERE entry_id IN (SELECT id FROM report_entries WHERE report_id = ?1)",
    "DELETE FROM stock_movements WHERE entry_id IN (SELECT id FROM report_entries WHERE report_id = ?1)",
];

#[test]
fn raw_sql_through_the_store_connection_is_refused() {
    let mut f = fixture();
    let id = signed_report(&mut f);
    let before = f.dump();
    for sql in RAW_CHANGES {
        let result = f.store.connection().execute(sql, [id.to_string()]);
        let error = StoreError::from(result.expect_err(sql));
        assert!(
            matches!(
                error,
                StoreError::SignedImmutable | StoreError::AppendOnly(_)
            ),
            "{sql}: {error}"
        );
    }
    assert_eq!(f.dump(), before);
    assert_eq!(
        f.store.report_document(id).unwrap().content_intact,
        Some(true)
    );
}

#[test]
fn raw_sql_from_another_connection_to_the_file_is_refused() {
    let mut f = fixture();
    let id = signed_report(&mut f);
    let before = f.dump();
    let other = rusqlite::Connection::open(f.store.path()).unwrap();
    for sql in RAW_CHANGES {
        assert!(
            other.execute(sql, [id.to_string()]).is_err(),
            "{sql} went through"
        );
    }
    assert_eq!(f.dump(), before);
}

#[test]
fn an_amendment_is_a_new_linked_record_and_the_original_stays_intact() {
    let mut f = fixture();
    let id = signed_report(&mut f);
    let balance_before = f.store.part_balance(f.part.id).unwrap();
    let original_before = f.store.report_document(id).unwrap();
    let later = f.now + TimeDelta::hours(1);

    let amendment = f.store.amend_report(id, "补记旧件序列号", later).unwrap();
    assert_eq!(amendment.amends, Some(id));
    assert_eq!(amendment.status, ReportStatus::Draft);
    // The amendment starts as a copy, and its part line is the same ledger movement: no part is
    // counted twice.
    let copy = f.store.report_document(amendment.id).unwrap();
    assert_eq!(copy.entries.len(), 2);
    assert_eq!(
        copy.entries[0].parts[0].movement_id,
        original_before.entries[0].parts[0].movement_id
    );
    assert_eq!(f.store.part_balance(f.part.id).unwrap(), balance_before);

    // A second open amendment of the same report is refused: finish the first.
    assert!(matches!(
        f.store.amend_report(id, "再改", later),
        Err(StoreError::Conflict { .. })
    ));

    f.store
        .add_report_entry(amendment.id, f.entry("补记的点位", 0), later)
        .unwrap();
    f.store
        .sign_report(amendment.id, f.signature(), later)
        .unwrap();

    let original_after = f.store.report_document(id).unwrap();
    assert_eq!(original_after.entries, original_before.entries);
    assert_eq!(original_after.signatures, original_before.signatures);
    assert_eq!(original_after.content_intact, Some(true));
    assert_eq!(original_after.amended_by, vec![amendment.id]);
    assert_eq!(
        f.store.report_document(amendment.id).unwrap().entries.len(),
        3
    );
}

#[test]
fn signing_needs_entries_the_owner_and_real_ink() {
    let mut f = fixture();
    let report = f
        .store
        .create_report(f.me.id, f.contract.id, f.today(), f.now)
        .unwrap();
    let empty = f
        .store
        .sign_report(report.id, f.signature(), f.now)
        .unwrap_err();
    assert!(
        matches!(&empty, StoreError::Invalid(i) if i.field == "entries"),
        "{empty}"
    );

    f.store
        .add_report_entry(report.id, f.entry("断电", 0), f.now)
        .unwrap();
    let mut someone_else = f.signature();
    someone_else.signer_name = "别人".into();
    let wrong = f
        .store
        .sign_report(report.id, someone_else, f.now)
        .unwrap_err();
    assert!(
        matches!(&wrong, StoreError::Invalid(i) if i.field == "signer_name"),
        "{wrong}"
    );

    let mut blank = f.signature();
    blank.strokes.clear();
    blank.image_png = fieldlog_store::signature_image::render_strokes_png(&[], 400, 150);
    let no_ink = f.store.sign_report(report.id, blank, f.now).unwrap_err();
    assert!(
        matches!(&no_ink, StoreError::Invalid(i) if i.field == "image_png"),
        "{no_ink}"
    );

    // Nothing of the refused signatures was kept; the report still takes entries.
    assert_eq!(
        f.store.report(report.id).unwrap().status,
        ReportStatus::Draft
    );
    f.store
        .add_report_entry(report.id, f.entry("补充", 0), f.now)
        .unwrap();
}

#[test]
fn a_report_altered_behind_the_triggers_shows_as_not_intact() {
    let mut f = fixture();
    let id = signed_report(&mut f);
    // Someone with file access drops the protection and edits the text: the signature's content
    // hash no longer matches, and the report says so.
    let other = rusqlite::Connection::open(f.store.path()).unwrap();
    other
        .execute_batch(&format!(
            "DROP TRIGGER report_entries_signed_no_update;
             UPDATE report_entries SET work_done = '篡改' WHERE report_id = '{id}';"
        ))
        .unwrap();
    assert_eq!(
        f.store.report_document(id).unwrap().content_intact,
        Some(false)
    );
}
