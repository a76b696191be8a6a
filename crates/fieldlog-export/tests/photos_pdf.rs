//! The daily report's PDF with photos (issue 19): 20 camera photos on a signed report's entries
//! come out as their thumbnails beside their entries, embedded as JPEG (DCTDecode, read back with
//! poppler's pdfimages), the PDF stays under 1 MB, parses, and its signature verifies intact.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use fieldlog_demo::photo::{SampleExif, sample_jpeg};
use fieldlog_domain::photo::{PhotoStage, PhotoSubject};
use fieldlog_domain::report::NewEntry;
use fieldlog_domain::signature::{NewSignature, SignerRole};
use fieldlog_domain::site::SiteKind;
use fieldlog_domain::sla::Preset;
use fieldlog_export::Font;
use fieldlog_store::{NewPhoto, NewSite, Store, signature_image};
use std::process::Command;

#[test]
fn twenty_photos_stay_under_one_megabyte_and_the_pdf_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("profile.sqlite")).unwrap();
    let now: DateTime<Utc> = "2026-11-10T08:00:00Z".parse().unwrap();
    let me = store.init_profile("测试技服丁", None, now).unwrap();
    let contract = store
        .add_contract(
            "PH-2026-01",
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
            code: "PH-01".into(),
            name: "测试村村口".into(),
            kind: SiteKind::CameraPole,
            address: "测试县测试村".into(),
            location: None,
        })
        .unwrap();
    let report = store
        .create_report(
            me.id,
            contract.id,
            fieldlog_domain::time::local_date(now),
            now,
        )
        .unwrap();
    let mut originals = 0usize;
    for e in 0..4 {
        let entry = store
            .add_report_entry(
                report.id,
                NewEntry {
                    site_id: site.id,
                    device_id: None,
                    fault_id: None,
                    fault_cause: format!("第{e}处供电故障"),
                    resolved: true,
                    unresolved_reason: None,
                    work_done: "更换电源适配器，画面恢复".into(),
                    parts: vec![],
                },
                now,
            )
            .unwrap();
        for p in 0..5u32 {
            // 12-megapixel camera photos would take minutes to make here; 3 MP ones give the
            // same 320 px thumbnails.
            let bytes = sample_jpeg(
                2000,
                1500,
                e * 10 + p,
                Some(SampleExif {
                    taken: NaiveDate::from_ymd_opt(2026, 11, 10)
                        .unwrap()
                        .and_hms_opt(9, p, 0)
                        .unwrap(),
                    lat: 30.2,
                    lon: 120.1,
                    orientation: 1,
                }),
            );
            originals += bytes.len();
            store
                .add_photo(
                    NewPhoto {
                        subject: PhotoSubject::ReportEntry,
                        subject_id: entry.id.to_string(),
                        stage: if p < 2 {
                            PhotoStage::Before
                        } else {
                            PhotoStage::After
                        },
                        file_name: format!("IMG_{e}{p}.JPG"),
                        bytes,
                    },
                    now,
                )
                .unwrap();
        }
    }
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
            now + TimeDelta::minutes(5),
        )
        .unwrap();
    let font = Font::locate().expect("a CJK font: cargo xtask setup installs fonts-noto-cjk");
    let pdf = fieldlog_export::daily_report(&mut store, report.id, &font, now).unwrap();
    assert!(
        pdf.len() < 1024 * 1024,
        "{} bytes with 20 photos ({originals} bytes of originals)",
        pdf.len()
    );
    let verification = fieldlog_pdf::verify::verify_pdf(&pdf).unwrap();
    assert!(
        verification.intact && verification.covers_whole_file,
        "{verification:?}"
    );

    let path = dir.path().join("daily.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let images = Command::new("pdfimages")
        .arg("-list")
        .arg(&path)
        .output()
        .expect("pdfimages (poppler-utils) is needed: cargo xtask setup installs it");
    let list = String::from_utf8(images.stdout).unwrap();
    let jpegs = list.lines().filter(|l| l.contains(" jpeg ")).count();
    assert_eq!(jpegs, 20, "20 thumbnails embedded as JPEG:\n{list}");
    assert!(list.contains(" 320   240 "), "{list}");
    let text = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    for needle in [
        "第 1 条维护记录的照片",
        "第 4 条维护记录的照片",
        "维修前 · 2026-11-10 09:00",
    ] {
        assert!(text.contains(needle), "{needle} in the PDF:\n{text}");
    }
}
