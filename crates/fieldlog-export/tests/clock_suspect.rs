//! Arrivals whose device clock was in doubt reach the exported summary: a count line and a line
//! per arrival in the XLSX (read back with calamine) and a section in the signed PDF (read back
//! with poppler's pdftotext), from a real SQLite file.

use calamine::{Data, Reader, Xlsx};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::contract::SpareFloor;
use fieldlog_domain::fault::{NewFault, ReportChannel};
use fieldlog_domain::site::SiteKind;
use fieldlog_domain::sla::{FaultLevel, Preset};
use fieldlog_export::{Font, spreadsheet, summary_pdf};
use fieldlog_store::{NewSite, Store};
use std::io::Cursor;
use std::process::Command;

fn store_with_a_doubtful_arrival(dir: &std::path::Path) -> (Store, fieldlog_wire::v1::SummaryView) {
    let mut store = Store::open(dir.join("profile.sqlite")).unwrap();
    let now: DateTime<Utc> = "2026-11-10T02:00:00Z".parse().unwrap();
    let me = store.init_profile("测试技服丙", None, now).unwrap();
    let contract = store
        .add_contract(
            "T-CLOCK",
            "测试项目",
            "测试采购人",
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
            SpareFloor::default(),
            &Preset::CountyPoliceVillageQuery.policy(),
            now,
        )
        .unwrap();
    let site = store
        .add_site(NewSite {
            contract_id: contract.id,
            code: "CS-009".into(),
            name: "测试村东口".into(),
            kind: SiteKind::CameraPole,
            address: "测试县测试村".into(),
            location: None,
        })
        .unwrap();
    let fault = store
        .record_fault(
            NewFault {
                contract_id: contract.id,
                site_id: site.id,
                device_id: None,
                level: FaultLevel::B,
                reported_at: now - TimeDelta::hours(3),
                channel: ReportChannel::Phone,
                description: "摄像机无图像".into(),
                first_receiver: "测试经理".into(),
                caller: None,
                caller_phone: None,
            },
            now,
        )
        .unwrap();
    let mut arrive = |at: DateTime<Utc>| {
        store
            .record_arrival(
                NewArrival {
                    technician_id: me.id,
                    site_id: site.id,
                    fault_id: Some(fault.id),
                    arrived_at: at,
                    location: None,
                    site_confirmed_by_hand: true,
                },
                at,
            )
            .unwrap()
    };
    assert!(!arrive(now).clock_suspect);
    // The laptop's clock then ran back: its own check flags the next arrival.
    assert!(arrive(now - TimeDelta::minutes(90)).clock_suspect);
    let view = store
        .summary_view(
            contract.id,
            "2026-11-01".parse().unwrap(),
            "2026-12-01".parse().unwrap(),
            now + TimeDelta::days(30),
        )
        .unwrap();
    (store, view)
}

#[test]
fn the_xlsx_has_a_line_for_the_count_and_one_per_doubtful_arrival() {
    let dir = tempfile::tempdir().unwrap();
    let (_store, view) = store_with_a_doubtful_arrival(dir.path());
    let bytes = spreadsheet::xlsx(&view).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range(spreadsheet::SUMMARY_SHEET).unwrap();
    let text = |d: &Data| d.to_string();
    let lines: Vec<Vec<String>> = sheet
        .rows()
        .filter(|r| r.first().map(text).as_deref() == Some("时间存疑的到场"))
        .map(|r| r.iter().map(text).collect())
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0][1], "到场次数");
    assert_eq!(lines[0][2], "1");
    assert!(lines[1][1].contains("CS-009 测试村东口") && lines[1][1].contains("测试技服丙"));
    assert!(lines[1][3].contains("本机时钟倒退"), "{lines:?}");
    let fault = view.summary.clock_suspect.faults.fault_ids[0].to_string();
    assert!(
        fault.ends_with(&lines[1][4]),
        "the fault's short id: {lines:?}"
    );
}

#[test]
fn the_signed_pdf_has_a_section_naming_the_doubtful_arrival() {
    let dir = tempfile::tempdir().unwrap();
    let (mut store, view) = store_with_a_doubtful_arrival(dir.path());
    let font = Font::locate().expect("a CJK font: cargo xtask setup installs fonts-noto-cjk");
    let pdf = summary_pdf(&mut store, &view, &font, Utc::now()).unwrap();
    let path = dir.path().join("summary.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new(std::env::var("PDFTOTEXT").unwrap_or_else(|_| "pdftotext".into()))
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: cargo xtask setup installs it");
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in ["时间存疑的到场", "共 1 次", "测试村东口", "本机时钟倒退"] {
        assert!(text.contains(needle), "{needle} in the PDF:\n{text}");
    }
}
