//! Inspections on the PDFs (issue 19): a signed daily report lists the inspections its
//! technician completed that day (kind and period, site, ok / not ok / not checked, findings with
//! the fault each became), and the monthly summary has a section with the counts the summary
//! screen and XLSX show. Both read back with poppler's pdftotext; the daily report's signature
//! still verifies intact.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::inspection::{InspectionKind, TickOutcome};
use fieldlog_domain::report::NewEntry;
use fieldlog_domain::signature::{NewSignature, SignerRole};
use fieldlog_domain::site::SiteKind;
use fieldlog_domain::sla::{FaultLevel, Preset};
use fieldlog_export::Font;
use fieldlog_store::{NewSite, Store, signature_image};
use fieldlog_wire::v1::{FindingToFault, NewFinding, NewInspectionPlan, NewTick};
use std::process::Command;

fn pdf_text(dir: &std::path::Path, name: &str, pdf: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: cargo xtask setup installs it");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_daily_report_and_the_monthly_summary_show_the_inspections() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("profile.sqlite")).unwrap();
    let now: DateTime<Utc> = "2026-11-10T08:00:00Z".parse().unwrap();
    let me = store.init_profile("测试技服丙", None, now).unwrap();
    let contract = store
        .add_contract(
            "IN-2026-01",
            "测试县雪亮工程运维",
            "测试县公安局",
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
            Default::default(),
            &Preset::CountyPoliceVillageQuery.policy(),
            now,
        )
        .unwrap();
    let site = store
        .add_site(NewSite {
            contract_id: contract.id,
            code: "IN-01".into(),
            name: "测试村村口".into(),
            kind: SiteKind::CameraPole,
            address: "测试县测试村".into(),
            location: None,
        })
        .unwrap();
    store
        .add_inspection_plan(
            NewInspectionPlan {
                contract_id: contract.id,
                kind: InspectionKind::Routine,
                checklist: vec!["指示灯正常".into(), "立杆稳固".into(), "机柜清洁".into()],
                site_ids: None,
                starts_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            },
            now,
        )
        .unwrap();
    let inspection = store.inspection_list(now).unwrap().open[0].id;
    for (position, outcome, note) in [
        (0, TickOutcome::Ok, ""),
        (1, TickOutcome::NotOk, "立杆倾斜约 5 度"),
        (2, TickOutcome::Skipped, "机柜钥匙在业主处"),
    ] {
        store
            .tick_inspection(
                inspection,
                NewTick {
                    position,
                    outcome,
                    note: note.into(),
                },
                now,
            )
            .unwrap();
    }
    let finding = store
        .note_finding(
            inspection,
            NewFinding {
                site_id: site.id,
                device_id: None,
                description: "立杆倾斜".into(),
            },
            now,
        )
        .unwrap()
        .findings[0]
        .id;
    let (fault, _) = store
        .finding_to_fault(
            finding,
            FindingToFault {
                level: FaultLevel::C,
                reported_at: None,
            },
            now,
        )
        .unwrap();
    let arrival = store
        .record_arrival(
            NewArrival {
                technician_id: me.id,
                site_id: site.id,
                fault_id: None,
                arrived_at: now + TimeDelta::minutes(10),
                location: None,
                site_confirmed_by_hand: true,
            },
            now + TimeDelta::minutes(10),
        )
        .unwrap();
    store
        .complete_inspection(inspection, arrival.id, now + TimeDelta::minutes(10))
        .unwrap();

    let report = store
        .create_report(
            me.id,
            contract.id,
            fieldlog_domain::time::local_date(now),
            now,
        )
        .unwrap();
    store
        .add_report_entry(
            report.id,
            NewEntry {
                site_id: site.id,
                device_id: None,
                fault_id: None,
                fault_cause: "摄像机镜头污损".into(),
                resolved: true,
                unresolved_reason: None,
                work_done: "巡检时清洁镜头，画面恢复".into(),
                parts: vec![],
            },
            now + TimeDelta::minutes(20),
        )
        .unwrap();
    let strokes = signature_image::scribble(3, 7);
    store
        .sign_report(
            report.id,
            NewSignature {
                signer_name: me.name.clone(),
                role: SignerRole::Technician,
                image_png: signature_image::render_strokes_png(&strokes, 400, 150),
                strokes,
            },
            now + TimeDelta::minutes(30),
        )
        .unwrap();
    let font = Font::locate().expect("a CJK font: cargo xtask setup installs fonts-noto-cjk");
    let later = now + TimeDelta::hours(1);
    let pdf = fieldlog_export::daily_report(&mut store, report.id, &font, later).unwrap();
    let verification = fieldlog_pdf::verify::verify_pdf(&pdf).unwrap();
    assert!(
        verification.intact && verification.covers_whole_file,
        "{verification:?}"
    );
    let text = pdf_text(dir.path(), "daily.pdf", &pdf);
    let fault_tail = &fault.to_string()[28..];
    let routine = InspectionKind::Routine.label_zh();
    for needle in [
        "三、巡检记录",
        "四、签字确认",
        routine,
        "2026-11",
        "IN-01 测试村",
        "立杆倾斜 → 已转故障",
        fault_tail,
    ] {
        assert!(text.contains(needle), "{needle} in the daily PDF:\n{text}");
    }
    // The row's numbers (cells wrap, the numbers sit on one line): 序号 1, then 正常 1, 异常 1,
    // 未检查 1.
    let numbers = |line: &str| -> Vec<String> {
        line.split_whitespace()
            .filter(|w| w.chars().all(|c| c.is_ascii_digit()))
            .map(str::to_owned)
            .collect()
    };
    assert!(
        text.lines().any(|l| numbers(l) == ["1", "1", "1", "1"]),
        "the counts in the daily PDF:\n{text}"
    );

    let pdf =
        fieldlog_export::monthly_summary(&mut store, contract.id, "2026-11", &font, later).unwrap();
    let text = pdf_text(dir.path(), "monthly.pdf", &pdf);
    assert!(text.contains("八、巡检情况"), "{text}");
    let row = text
        .lines()
        .find(|l| l.contains(routine))
        .unwrap_or_else(|| panic!("a routine row:\n{text}"));
    // Planned 1, done 1, overdue 0, findings 1, turned into faults 1.
    assert_eq!(numbers(row), ["1", "1", "0", "1", "1"], "{row}");
}
