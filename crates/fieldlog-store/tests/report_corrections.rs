//! Issue 19, item 4 on a real SQLite file: a missed day filled in later (and saying so), the
//! refusals of a day to come and of a day outside the service period, draft entries changed and
//! deleted with the stock ledger kept true, and a signed report corrected entry by entry. Every
//! refusal leaves the whole data dump as it was.

mod support;

use chrono::{NaiveDate, TimeDelta};
use fieldlog_domain::ids::ReportId;
use fieldlog_domain::report::ReportStatus;
use fieldlog_domain::report_versions::EntryChangeKind;
use fieldlog_domain::stock::MovementKind;
use fieldlog_store::{StockFilter, StoreError};
use fieldlog_wire::v1::{ReportListQuery, ReportListStatus};
use support::{Fixture, fixture};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn invalid_field(err: StoreError) -> (&'static str, String) {
    match err {
        StoreError::Invalid(e) => (e.field, e.message_zh),
        other => panic!("expected an invalid input, got {other:?}"),
    }
}

fn balance(f: &Fixture) -> i64 {
    f.store
        .movements(&StockFilter::default())
        .unwrap()
        .iter()
        .filter(|m| m.part_id == f.part.id)
        .map(|m| m.kind.sign() * m.quantity)
        .sum()
}

#[test]
fn a_missed_day_is_filled_in_later_and_says_so() {
    let mut f = fixture();
    // f.now is 2026-11-02 18:00 in Asia/Shanghai.
    let late = f
        .store
        .create_report(f.me.id, f.contract.id, day(2026, 10, 28), f.now)
        .unwrap();
    let today = f
        .store
        .create_report(f.me.id, f.contract.id, f.today(), f.now)
        .unwrap();
    let late_doc = f.store.report_document(late.id).unwrap();
    assert_eq!(late_doc.row.filled_late_at, Some(f.now));
    assert_eq!(
        f.store
            .report_document(today.id)
            .unwrap()
            .row
            .filled_late_at,
        None
    );
    // October's missing days: the whole month but the 28th (the service period began in January).
    let list = f
        .store
        .report_list(
            Some(f.me.id),
            &ReportListQuery {
                month: Some(day(2026, 10, 1)),
                ..Default::default()
            },
            f.today(),
        )
        .unwrap();
    assert_eq!(list.rows.len(), 1);
    assert_eq!(list.missing_days.len(), 30);
    assert!(
        list.missing_days
            .iter()
            .all(|d| d.date != day(2026, 10, 28))
    );
    // November: the 1st is missing, the 2nd is today (not missing: still being written).
    let november = f
        .store
        .report_list(
            Some(f.me.id),
            &ReportListQuery {
                month: Some(day(2026, 11, 15)),
                status: Some(ReportListStatus::Signed),
                ..Default::default()
            },
            f.today(),
        )
        .unwrap();
    assert!(november.rows.is_empty(), "the draft is filtered out");
    let missing: Vec<NaiveDate> = november.missing_days.iter().map(|d| d.date).collect();
    assert_eq!(missing, vec![day(2026, 11, 1)]);
}

#[test]
fn a_day_to_come_is_refused_and_nothing_changes() {
    let mut f = fixture();
    let before = f.dump();
    let err = f
        .store
        .create_report(f.me.id, f.contract.id, day(2026, 11, 3), f.now)
        .unwrap_err();
    let (field, message) = invalid_field(err);
    assert_eq!(field, "work_date");
    assert!(message.contains("不能为将来的日期"), "{message}");
    assert_eq!(f.dump(), before);
}

#[test]
fn a_day_outside_the_service_period_is_refused_and_nothing_changes() {
    let mut f = fixture();
    let before = f.dump();
    let err = f
        .store
        .create_report(f.me.id, f.contract.id, day(2025, 12, 31), f.now)
        .unwrap_err();
    let (field, message) = invalid_field(err);
    assert_eq!(field, "work_date");
    assert!(
        message.contains("不在合同服务期（2026-01-01 至 2027-12-31）内"),
        "{message}"
    );
    assert_eq!(f.dump(), before);
}

#[test]
fn draft_entries_change_and_go_with_the_ledger_kept_true() {
    let mut f = fixture();
    let report = f
        .store
        .create_report(f.me.id, f.contract.id, f.today(), f.now)
        .unwrap();
    let entry = f
        .store
        .add_report_entry(report.id, f.entry("网口松动", 1), f.now)
        .unwrap();
    let keep = f
        .store
        .add_report_entry(report.id, f.entry("镜头起雾", 0), f.now)
        .unwrap();
    assert_eq!(balance(&f), 4);

    // A new cause, the same part: the part line keeps its movement; nothing moves.
    let mut changed = f.entry("网线水晶头氧化", 1);
    changed.work_done = "重做水晶头".into();
    let v2 = f
        .store
        .edit_report_entry(entry.id, changed, None, f.now)
        .unwrap();
    assert_eq!(v2.parts[0].movement_id, entry.parts[0].movement_id);
    assert_eq!(balance(&f), 4);
    let doc = f.store.report_document(report.id).unwrap();
    assert_eq!(doc.entries.len(), 2);
    assert_eq!(doc.entries[0].fault_cause, "网线水晶头氧化");
    assert_eq!(doc.entries[0].position, 1, "the change keeps its place");
    assert_eq!(doc.entries[1].id, keep.id);

    // Two parts instead of one: the first goes back (a `returned` movement), two leave.
    let v3 = f
        .store
        .edit_report_entry(v2.id, f.entry("网线水晶头氧化", 2), None, f.now)
        .unwrap();
    assert_eq!(balance(&f), 3);
    // Deleting it puts both back; the earlier version can no longer be changed.
    f.store.remove_report_entry(v3.id, None, f.now).unwrap();
    assert_eq!(balance(&f), 5);
    let doc = f.store.report_document(report.id).unwrap();
    assert_eq!(doc.entries.len(), 1);
    assert_eq!(doc.entries[0].id, keep.id);
    assert_eq!(doc.row.entry_count, 1);
    let movements = f.store.movements(&StockFilter::default()).unwrap();
    let kinds: Vec<MovementKind> = movements
        .iter()
        .filter(|m| m.part_id == f.part.id)
        .map(|m| m.kind)
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == MovementKind::Returned)
            .count(),
        2,
        "{kinds:?}"
    );
    assert!(
        movements
            .iter()
            .filter(|m| m.kind == MovementKind::Returned)
            .all(|m| m.entry_id.is_some()),
        "each compensating movement points at the entry it corrects"
    );
    let before = f.dump();
    let err = f
        .store
        .edit_report_entry(v2.id, f.entry("旧版本", 0), None, f.now)
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert_eq!(f.dump(), before);

    // Signing covers what is left; the report is intact.
    f.store
        .sign_report(report.id, f.signature(), f.now + TimeDelta::minutes(1))
        .unwrap();
    let doc = f.store.report_document(report.id).unwrap();
    assert_eq!(doc.content_intact, Some(true));
}

fn signed_report(f: &mut Fixture) -> ReportId {
    f.signed_report()
}

#[test]
fn entries_of_a_signed_report_cannot_be_changed_or_deleted() {
    let mut f = fixture();
    let id = signed_report(&mut f);
    let entry = f.store.report_document(id).unwrap().entries[0].clone();
    let before = f.dump();
    let later = f.now + TimeDelta::minutes(10);
    let edit = f
        .store
        .edit_report_entry(entry.id, f.entry("改", 0), Some("原因"), later)
        .unwrap_err();
    assert!(matches!(edit, StoreError::SignedImmutable), "{edit:?}");
    assert!(edit.to_string().contains("已签字") || edit.to_string().contains("存证"));
    let delete = f
        .store
        .remove_report_entry(entry.id, Some("原因"), later)
        .unwrap_err();
    assert!(matches!(delete, StoreError::SignedImmutable), "{delete:?}");
    assert_eq!(f.dump(), before);
}

#[test]
fn a_change_to_a_correction_without_a_reason_is_refused() {
    let mut f = fixture();
    let id = signed_report(&mut f);
    let later = f.now + TimeDelta::minutes(10);
    let amendment = f.store.amend_report(id, "网口原因写错", later).unwrap();
    let copy = f.store.report_document(amendment.id).unwrap().entries[0].clone();
    let before = f.dump();
    let (field, message) = invalid_field(
        f.store
            .edit_report_entry(copy.id, f.entry("改正", 1), None, later)
            .unwrap_err(),
    );
    assert_eq!(field, "change_reason");
    assert!(message.contains("须填写原因"), "{message}");
    let (field, _) = invalid_field(
        f.store
            .remove_report_entry(copy.id, Some("  "), later)
            .unwrap_err(),
    );
    assert_eq!(field, "change_reason");
    assert_eq!(f.dump(), before);
}

#[test]
fn a_signed_report_is_corrected_entry_by_entry() {
    let mut f = fixture();
    let id = signed_report(&mut f);
    let original_before = f.store.report_document(id).unwrap();
    let later = f.now + TimeDelta::minutes(10);
    let amendment = f.store.amend_report(id, "原因填写有误", later).unwrap();
    let doc = f.store.report_document(amendment.id).unwrap();
    assert_eq!(
        doc.entries.len(),
        2,
        "the correction starts from the signed entries"
    );
    assert!(doc.changes.iter().all(|c| c.kind == EntryChangeKind::Kept));
    let (first, second) = (doc.entries[0].clone(), doc.entries[1].clone());
    assert_eq!(first.amends_entry, Some(original_before.entries[0].id));

    f.store
        .edit_report_entry(
            first.id,
            f.entry("交换机端口故障", 1),
            Some("现场复核为交换机端口"),
            later,
        )
        .unwrap();
    f.store
        .remove_report_entry(second.id, Some("当日未到该点位"), later)
        .unwrap();
    f.store
        .add_report_entry(amendment.id, f.entry("补记：电源适配器老化", 0), later)
        .unwrap();
    f.store
        .sign_report(amendment.id, f.signature(), later + TimeDelta::minutes(1))
        .unwrap();

    let doc = f.store.report_document(amendment.id).unwrap();
    assert_eq!(doc.content_intact, Some(true));
    let kinds: Vec<EntryChangeKind> = doc.changes.iter().map(|c| c.kind).collect();
    assert_eq!(
        kinds,
        vec![
            EntryChangeKind::Changed,
            EntryChangeKind::Struck,
            EntryChangeKind::Added
        ]
    );
    assert_eq!(doc.changes[0].fields, vec!["fault_cause".to_owned()]);
    assert_eq!(
        doc.changes[0].before.as_ref().unwrap().fault_cause,
        "摄像机网口松动"
    );
    assert_eq!(
        doc.changes[1].entry.change_reason.as_deref(),
        Some("当日未到该点位")
    );
    // The signed original reads exactly as before, still intact, now marked corrected.
    let original = f.store.report_document(id).unwrap();
    assert_eq!(original.entries, original_before.entries);
    assert_eq!(original.signatures, original_before.signatures);
    assert_eq!(original.content_intact, Some(true));
    assert!(original.row.corrected);
    assert_eq!(original.report.status, ReportStatus::Signed);

    // A further correction amends the latest signed version, not the original again.
    let before = f.dump();
    let err = f
        .store
        .amend_report(id, "再改一次", later + TimeDelta::minutes(2))
        .unwrap_err();
    assert!(err.to_string().contains("请在最新版本上更正"), "{err}");
    assert_eq!(f.dump(), before);
    f.store
        .amend_report(amendment.id, "再改一次", later + TimeDelta::minutes(2))
        .unwrap();
}
