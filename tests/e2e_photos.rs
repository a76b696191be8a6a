//! Photos in the real app (issue 19), under tauri-driver + WebKitWebDriver in Xvfb: the
//! technician attaches a before photo to a draft report's entry from a file, the entry shows its
//! thumbnail, a file that is no photo is refused with the core's message and nothing lost, the
//! app syncs, and a second laptop (the core, against the same real server on a loopback port)
//! holds the photo byte for byte and its thumbnail. Screenshots under `artifacts/e2e/`.

use fieldlog_demo::photo::{SampleExif, sample_jpeg};
use fieldlog_domain::photo::PhotoSubject;
use fieldlog_store::Store;
use fieldlog_system_tests::app::{
    SharedContract, WAIT, open_app, shared_contract, shot, wait_text,
};
use fieldlog_system_tests::webdriver::TauriDriver;
use std::path::Path;
use std::time::Duration;

#[test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver: run through `cargo xtask test`"]
fn a_photo_attached_in_the_app_reaches_a_second_laptop() {
    let dir = tempfile::tempdir().unwrap();
    let now = chrono::Utc::now();
    // The other laptop has set the contract and its site up and sent them.
    let SharedContract {
        server,
        mut other,
        contract,
        site,
        code_app,
        ..
    } = shared_contract(dir.path(), "E2E-PHOTO-01", now);

    // The app's profile: enrolled, the contract received, today's draft report with one entry.
    let db = dir.path().join("profile.sqlite");
    let entry_id = {
        let mut app = Store::open(&db).unwrap();
        let me = app.init_profile("林晓东", Some("T-0042"), now).unwrap();
        fieldlog_sync::enroll(
            &mut app,
            &server.url(),
            &code_app,
            "林晓东的笔记本",
            Default::default(),
        )
        .unwrap();
        fieldlog_sync::sync_round(&mut app, &Default::default()).unwrap();
        let report = app
            .create_report(
                me.id,
                contract.id,
                fieldlog_domain::time::local_date(now),
                now,
            )
            .unwrap();
        let entry = app
            .add_report_entry(
                report.id,
                fieldlog_domain::report::NewEntry {
                    site_id: site.id,
                    device_id: None,
                    fault_id: None,
                    fault_cause: "摄像机供电故障".into(),
                    resolved: true,
                    unresolved_reason: None,
                    work_done: "更换电源适配器，画面恢复".into(),
                    parts: vec![],
                },
                now,
            )
            .unwrap();
        entry.id.to_string()
    };

    // The camera's photo, as a file on the laptop; and a file that only claims to be one.
    let photo = sample_jpeg(
        1600,
        1200,
        19,
        Some(SampleExif {
            taken: fieldlog_domain::time::local_date(now)
                .and_hms_opt(9, 30, 0)
                .unwrap(),
            lat: 30.25,
            lon: 120.16,
            orientation: 1,
        }),
    );
    let photo_path = dir.path().join("维修前.jpg");
    std::fs::write(&photo_path, &photo).unwrap();
    let fake_path = dir.path().join("not-a-photo.jpg");
    std::fs::write(&fake_path, b"%PDF-1.7 this is a document").unwrap();

    let gpu = Path::new("1");
    let driver = TauriDriver::start(&[("FIELDLOG_DB", db.as_path()), ("FIELDLOG_GPU", gpu)]);
    let s = open_app(&driver);
    // What WebKitGTK offers for a camera here: the file input's `capture` is all the app relies on.
    let media = s.execute(
        "return String(!!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia))",
        serde_json::json!([]),
    );
    println!("navigator.mediaDevices.getUserMedia offered: {media}");
    s.click_on("[data-testid=nav-reports]");
    s.wait_for("[data-testid=report-row]", WAIT, |rows| !rows.is_empty());
    // The row's date link, as a technician clicks it: a `<tr>`'s centre falls on the collapsed
    // border between its six cells, which WebDriver refuses as "element not interactable".
    s.click_on("[data-testid=report-row] a");
    let strip = format!("[data-testid=photo-strip][data-subject-id='{entry_id}']");
    wait_text(
        &s,
        &format!("{strip} [data-testid=photo-none]"),
        "还没有照片",
    );
    shot(&s, "photos-01-entry-without-photos");

    // Not a photo: the core's message, the entry still without photos.
    s.choose_file(&format!("{strip} [data-testid=photo-file]"), &fake_path);
    wait_text(
        &s,
        &format!("{strip} [data-testid=error]"),
        "不是可读取的照片",
    );
    shot(&s, "photos-02-refused");

    // The before photo, from a file.
    s.select(&format!("{strip} [data-testid=photo-stage]"), "before");
    s.choose_file(&format!("{strip} [data-testid=photo-file]"), &photo_path);
    let caption = wait_text(&s, &format!("{strip} [data-testid=photo]"), "维修前");
    assert!(caption.contains("09:30"), "EXIF time shown: {caption}");
    s.wait_for(
        &format!("{strip} [data-testid=photo-thumbnail]"),
        WAIT,
        |found| !found.is_empty(),
    );
    // The thumbnail is really drawn (a decoded image, not a broken one), and in view for the
    // screenshot: the strip sits below the entry's fields.
    let drawn = s.execute(
        "const img = document.querySelector(arguments[0]); img.scrollIntoView({block: 'center'}); \
         return [img.complete, img.naturalWidth];",
        serde_json::json!([format!("{strip} img[data-testid=photo-thumbnail]")]),
    );
    assert_eq!(drawn[0], true, "the thumbnail finished loading: {drawn}");
    assert!(
        drawn[1].as_u64().unwrap_or(0) > 0,
        "the thumbnail decoded to an image: {drawn}"
    );
    shot(&s, "photos-03-entry-with-thumbnail");

    // The original opens full size.
    s.click_on(&format!("{strip} [data-testid=photo-open]"));
    s.find("[data-testid=photo-original]");
    shot(&s, "photos-04-original");
    s.click_on("[data-testid=photo-close]");

    // Sync: the second laptop receives the photo and its thumbnail.
    s.click_on("[data-testid=nav-sync]");
    s.click_on("[data-testid=sync-now]");
    let deadline = std::time::Instant::now() + WAIT * 3;
    let received = loop {
        fieldlog_sync::sync_round(&mut other, &Default::default()).unwrap();
        let photos = other
            .photos_of(PhotoSubject::ReportEntry, &entry_id)
            .unwrap_or_default();
        if let Some(p) = photos.first()
            && other.photo_thumbnail(p).unwrap().is_some()
        {
            break p.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the photo never reached the second laptop"
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_eq!(other.photo_original(&received).unwrap(), photo);
    assert_eq!((received.width, received.height), (1600, 1200));
    shot(&s, "photos-05-synced");
}
