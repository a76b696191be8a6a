//! The evidence chain covers issue 19's evidence (migration 0017), on a real database file: a
//! photo (its row and its original's bytes), an inspection's tick, finding and the fault made from
//! it, a signed correction's reasons and supersessions, a stock transfer's columns and a fault's
//! caller. Each is altered in the file behind the app's triggers, as an attacker with the file
//! would, and `audit verify` names the altered record; the chain made before 0017 still verifies.

mod support;

use chrono::TimeDelta;
use fieldlog_demo::photo::sample_jpeg;
use fieldlog_domain::fault::{NewFault, ReportChannel};
use fieldlog_domain::inspection::{InspectionKind, TickOutcome};
use fieldlog_domain::photo::{PhotoStage, PhotoSubject};
use fieldlog_domain::sla::FaultLevel;
use fieldlog_store::NewPhoto;
use fieldlog_store::chain::Finding;
use fieldlog_store::desk::{self, StockAction};
use fieldlog_wire::v1::{FindingToFault, NewFinding, NewInspectionPlan, NewTick};
use support::{Fixture, fixture};

/// The ids of one of each of issue 19's records, all recorded on this laptop.
struct Recorded {
    fault: String,
    photo: String,
    tick: String,
    finding: String,
    finding_fault: String,
    amendment: String,
    transfer: String,
}

fn record_a_month(f: &mut Fixture) -> Recorded {
    let fault = f
        .store
        .record_fault(
            NewFault {
                contract_id: f.contract.id,
                site_id: f.site.id,
                device_id: Some(f.device.id),
                level: FaultLevel::B,
                reported_at: f.now - TimeDelta::hours(1),
                channel: ReportChannel::Phone,
                description: "画面中断".into(),
                first_receiver: "测试客户经理".into(),
                caller: Some("测试报修人".into()),
                caller_phone: Some("13800000017".into()),
            },
            f.now,
        )
        .unwrap();
    let photo = f
        .store
        .add_photo(
            NewPhoto {
                subject: PhotoSubject::Fault,
                subject_id: fault.id.to_string(),
                stage: PhotoStage::Before,
                file_name: "修复前.jpg".into(),
                bytes: sample_jpeg(64, 48, 3, None),
            },
            f.now,
        )
        .unwrap();
    f.store
        .add_inspection_plan(
            NewInspectionPlan {
                contract_id: f.contract.id,
                kind: InspectionKind::Routine,
                checklist: vec!["指示灯正常".into()],
                site_ids: None,
                starts_on: f.today(),
            },
            f.now,
        )
        .unwrap();
    let inspection = f.store.inspection_list(f.now).unwrap().open[0].id;
    let detail = f
        .store
        .tick_inspection(
            inspection,
            NewTick {
                position: 0,
                outcome: TickOutcome::NotOk,
                note: "指示灯不亮".into(),
            },
            f.now,
        )
        .unwrap();
    let tick = detail.items[0].tick.as_ref().unwrap().id.to_string();
    let detail = f
        .store
        .note_finding(
            inspection,
            NewFinding {
                site_id: f.site.id,
                device_id: Some(f.device.id),
                description: "摄像机画面偏色".into(),
            },
            f.now,
        )
        .unwrap();
    let finding = detail.findings[0].id;
    f.store
        .finding_to_fault(
            finding,
            FindingToFault {
                level: FaultLevel::C,
                reported_at: None,
            },
            f.now,
        )
        .unwrap();
    // A signed report corrected: one entry changed with its reason.
    let signed = f.signed_report();
    let later = f.now + TimeDelta::minutes(10);
    let amendment = f.store.amend_report(signed, "原因填写有误", later).unwrap();
    let copy = f.store.report_document(amendment.id).unwrap().entries[0].clone();
    f.store
        .edit_report_entry(
            copy.id,
            f.entry("交换机端口故障", 0),
            Some("现场复核为交换机端口"),
            later,
        )
        .unwrap();
    f.store
        .sign_report(amendment.id, f.signature(), later + TimeDelta::minutes(1))
        .unwrap();
    let colleague = f.store.add_technician("测试技服乙", None, f.now).unwrap();
    let transfer = desk::stock_action(
        &mut f.store,
        StockAction::TransferToColleague {
            part_id: f.part.id,
            to: colleague.id,
            quantity: 1,
            note: None,
        },
        f.now,
    )
    .unwrap();
    Recorded {
        fault: fault.id.to_string(),
        photo: photo.id.to_string(),
        tick,
        finding: finding.to_string(),
        finding_fault: finding.to_string(),
        amendment: amendment.id.to_string(),
        transfer: transfer.id.to_string(),
    }
}

/// Alters the file as an attacker with it would: the app's guards on `tables` dropped, foreign
/// keys off, then `sql` run with `?1` = `id`.
fn alter(f: &Fixture, tables: &[&str], sql: &str, id: &str) {
    let conn = f.store.connection();
    let list = tables
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let guards: Vec<String> = conn
        .prepare(&format!(
            "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name IN ({list})
               AND name NOT LIKE 'evidence_chain%' AND name NOT LIKE 'sync_outbox%'"
        ))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for name in guards {
        conn.execute_batch(&format!("DROP TRIGGER \"{name}\""))
            .unwrap();
    }
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    assert_eq!(conn.execute(sql, [id]).unwrap(), 1, "{sql}");
}

fn edited(f: &Fixture) -> Vec<(String, String)> {
    f.store
        .audit()
        .unwrap()
        .findings
        .into_iter()
        .filter_map(|finding| match finding {
            Finding::Edited {
                kind, record_id, ..
            } => Some((kind, record_id)),
            _ => None,
        })
        .collect()
}

/// Records a month, checks the chain is whole, alters one record and expects exactly that
/// record named as edited.
fn altered_is_found(tables: &[&str], sql: &str, pick: fn(&Recorded) -> &str, kind: &str) {
    let mut f = fixture();
    let recorded = record_a_month(&mut f);
    let audit = f.store.audit().unwrap();
    assert!(audit.intact(), "{:?}", audit.findings);
    let id = pick(&recorded).to_owned();
    alter(&f, tables, sql, &id);
    assert_eq!(edited(&f), vec![(kind.to_owned(), id)], "{sql}");
}

#[test]
fn a_photos_metadata_altered_in_the_file_is_found() {
    altered_is_found(
        &["photos"],
        "UPDATE photos SET taken_at = '2026-10-01T00:00:00Z', lat = 30.5, lon = 120.5 WHERE id = ?1",
        |r| &r.photo,
        "photo",
    );
}

#[test]
fn a_photos_original_bytes_replaced_in_the_file_are_found() {
    altered_is_found(
        &["attachments"],
        "UPDATE attachments SET bytes = X'FFD8FFD9'
         WHERE sha256 = (SELECT original_sha256 FROM photos WHERE id = ?1)",
        |r| &r.photo,
        "photo",
    );
}

#[test]
fn an_inspection_tick_altered_in_the_file_is_found() {
    altered_is_found(
        &["inspection_ticks"],
        "UPDATE inspection_ticks SET outcome = 'ok', note = '' WHERE id = ?1",
        |r| &r.tick,
        "inspection_tick",
    );
}

#[test]
fn an_inspection_finding_altered_in_the_file_is_found() {
    altered_is_found(
        &["inspection_findings"],
        "UPDATE inspection_findings SET description = '一切正常' WHERE id = ?1",
        |r| &r.finding,
        "inspection_finding",
    );
}

#[test]
fn a_finding_unlinked_from_its_fault_in_the_file_is_found() {
    altered_is_found(
        &["inspection_finding_faults"],
        "UPDATE inspection_finding_faults SET recorded_at = '2026-10-01T00:00:00Z' WHERE finding_id = ?1",
        |r| &r.finding_fault,
        "finding_fault",
    );
}

#[test]
fn a_corrections_reason_altered_in_the_file_is_found() {
    altered_is_found(
        &["report_entries", "daily_reports"],
        "UPDATE report_entries SET change_reason = '随便改的' WHERE report_id = ?1 AND change_reason IS NOT NULL",
        |r| &r.amendment,
        "report",
    );
}

#[test]
fn a_corrections_supersession_altered_in_the_file_is_found() {
    altered_is_found(
        &["report_entries", "daily_reports"],
        "UPDATE report_entries SET supersedes_id = NULL, amends_entry_id = NULL
         WHERE report_id = ?1 AND change_reason IS NOT NULL",
        |r| &r.amendment,
        "report",
    );
}

#[test]
fn a_transfers_receiver_altered_in_the_file_is_found() {
    altered_is_found(
        &["stock_movements"],
        "UPDATE stock_movements SET to_technician_id = 'someone-else' WHERE id = ?1",
        |r| &r.transfer,
        "stock_movement",
    );
}

#[test]
fn a_faults_caller_altered_in_the_file_is_found() {
    altered_is_found(
        &["faults"],
        "UPDATE faults SET caller_phone = '13800000099' WHERE id = ?1",
        |r| &r.fault,
        "fault",
    );
}

#[test]
fn a_signed_reports_export_check_refuses_an_altered_photo_of_its_entry() {
    let mut f = fixture();
    let report = f
        .store
        .create_report(f.me.id, f.contract.id, f.today(), f.now)
        .unwrap();
    let entry = f
        .store
        .add_report_entry(report.id, f.entry("镜头起雾", 0), f.now)
        .unwrap();
    let photo = f
        .store
        .add_photo(
            NewPhoto {
                subject: PhotoSubject::ReportEntry,
                subject_id: entry.id.to_string(),
                stage: PhotoStage::After,
                file_name: "修复后.jpg".into(),
                bytes: sample_jpeg(64, 48, 5, None),
            },
            f.now,
        )
        .unwrap();
    f.store
        .sign_report(report.id, f.signature(), f.now + TimeDelta::minutes(5))
        .unwrap();
    f.store.check_report_evidence(report.id).unwrap();

    alter(
        &f,
        &["photos"],
        "UPDATE photos SET stage = 'before' WHERE id = ?1",
        &photo.id.to_string(),
    );
    let error = f.store.check_report_evidence(report.id).unwrap_err();
    assert!(
        matches!(error, fieldlog_store::StoreError::Tampered(_)),
        "{error:?}"
    );
    assert!(error.to_string().contains("照片"), "{error}");
}
