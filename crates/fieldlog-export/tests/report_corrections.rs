//! Issue 19: a correction's signed PDF shows what changed against the original (a changed entry
//! with its old and new values, a struck entry struck through with its reason, an added one),
//! read back with poppler's pdftotext; the original's PDF is what it was (the file exported
//! before the correction is untouched and still verifies; exported again it reads the same),
//! and both signatures verify. A missed day's report says it was filled in later.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use fieldlog_domain::contract::SpareFloor;
use fieldlog_domain::ids::ReportId;
use fieldlog_domain::report::NewEntry;
use fieldlog_domain::signature::{NewSignature, SignerRole};
use fieldlog_domain::site::SiteKind;
use fieldlog_domain::sla::Preset;
use fieldlog_export::Font;
use fieldlog_store::{NewSite, Store, signature_image};
use std::path::Path;
use std::process::Command;

fn pdftotext(path: &Path) -> String {
    let out = Command::new(std::env::var("PDFTOTEXT").unwrap_or_else(|_| "pdftotext".into()))
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: cargo xtask setup installs it");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

fn sign(store: &mut Store, report: ReportId, at: DateTime<Utc>) {
    let me = store.profile().unwrap().unwrap();
    let strokes = signature_image::scribble(3, 11);
    store
        .sign_report(
            report,
            NewSignature {
                signer_name: me.name,
                role: SignerRole::Technician,
                image_png: signature_image::render_strokes_png(&strokes, 400, 150),
                strokes,
            },
            at,
        )
        .unwrap();
}

fn export(store: &mut Store, report: ReportId, font: &Font, path: &Path) -> Vec<u8> {
    let pdf = fieldlog_export::daily_report(store, report, font, Utc::now()).unwrap();
    std::fs::write(path, &pdf).unwrap();
    let verification = fieldlog_export::verify_pdf(&pdf).unwrap();
    assert!(
        verification.intact && verification.covers_whole_file,
        "{path:?}"
    );
    pdf
}

#[test]
fn a_corrections_pdf_shows_what_changed_and_the_original_stays_as_signed() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("profile.sqlite")).unwrap();
    // 2026-11-05 10:00 in Asia/Shanghai; the report is for the 3rd: filled in later.
    let now: DateTime<Utc> = "2026-11-05T02:00:00Z".parse().unwrap();
    let me = store.init_profile("测试技服丁", None, now).unwrap();
    let contract = store
        .add_contract(
            "T-CORR",
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
            code: "CS-021".into(),
            name: "测试村西口".into(),
            kind: SiteKind::CameraPole,
            address: "测试县测试村".into(),
            location: None,
        })
        .unwrap();
    let entry = |cause: &str, work: &str| NewEntry {
        site_id: site.id,
        device_id: None,
        fault_id: None,
        fault_cause: cause.into(),
        resolved: true,
        unresolved_reason: None,
        work_done: work.into(),
        parts: vec![],
    };
    let day = NaiveDate::from_ymd_opt(2026, 11, 3).unwrap();
    let report = store.create_report(me.id, contract.id, day, now).unwrap();
    store
        .add_report_entry(report.id, entry("网口松动", "重新压接网线"), now)
        .unwrap();
    store
        .add_report_entry(report.id, entry("镜头起雾", "清洁镜头"), now)
        .unwrap();
    sign(&mut store, report.id, now + TimeDelta::minutes(1));

    let font = Font::locate().expect("a CJK font: cargo xtask setup installs fonts-noto-cjk");
    let original_path = dir.path().join("original.pdf");
    let original = export(&mut store, report.id, &font, &original_path);
    let original_text = pdftotext(&original_path);
    assert!(original_text.contains("补填于"), "{original_text}");

    let later = now + TimeDelta::minutes(10);
    let amendment = store
        .amend_report(report.id, "原因填写有误", later)
        .unwrap();
    let copies = store.report_document(amendment.id).unwrap().entries;
    store
        .edit_report_entry(
            copies[0].id,
            entry("交换机端口故障", "重新压接网线"),
            Some("现场复核为交换机端口"),
            later,
        )
        .unwrap();
    store
        .remove_report_entry(copies[1].id, Some("当日未到该点位"), later)
        .unwrap();
    store
        .add_report_entry(
            amendment.id,
            entry("电源适配器老化", "更换电源适配器"),
            later,
        )
        .unwrap();
    sign(&mut store, amendment.id, later + TimeDelta::minutes(1));

    let corrected_path = dir.path().join("corrected.pdf");
    export(&mut store, amendment.id, &font, &corrected_path);
    let text = pdftotext(&corrected_path);
    for needle in [
        "更正说明",
        "原因填写有误",
        "更改",
        "网口松动 → 交换机端口故障",
        "现场复核为交换机端口",
        "划去",
        "当日未到该点位",
        "【已划去】",
        "新增",
        "电源适配器老化",
    ] {
        assert!(
            text.contains(needle),
            "{needle} in the correction's PDF:\n{text}"
        );
    }

    // The original: its file untouched and still verifying; exported again, the same report.
    let kept = std::fs::read(&original_path).unwrap();
    assert_eq!(
        kept, original,
        "the original's PDF file is byte for byte what it was"
    );
    let verification = fieldlog_export::verify_pdf(&kept).unwrap();
    assert!(verification.intact && verification.covers_whole_file);
    let again_path = dir.path().join("original-again.pdf");
    export(&mut store, report.id, &font, &again_path);
    assert_eq!(pdftotext(&again_path), original_text);
    assert!(!original_text.contains("更正说明"));
}
