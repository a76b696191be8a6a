//! Photos (issue 19) on a real database file: EXIF time and place read from a made-up camera
//! JPEG, the thumbnail's size and orientation, the original kept byte for byte, and every refusal
//! the issue names (not an image, HEIC, over 30 MB, an unknown subject, a signed report's entry)
//! with its clear message and the full data dump unchanged.

mod support;

use chrono::{NaiveDate, TimeDelta};
use fieldlog_demo::photo::{SampleExif, sample_jpeg};
use fieldlog_domain::Lang;
use fieldlog_domain::fault::{NewFault, ReportChannel};
use fieldlog_domain::photo::{PhotoStage, PhotoSubject};
use fieldlog_domain::sla::FaultLevel;
use fieldlog_store::photo_image::{MAX_PHOTO_BYTES, THUMBNAIL_MAX_PX};
use fieldlog_store::{NewPhoto, StoreError, desk};

fn fault(f: &mut support::Fixture) -> fieldlog_domain::fault::Fault {
    f.store
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
                caller: None,
                caller_phone: None,
            },
            f.now,
        )
        .unwrap()
}

fn camera_exif() -> SampleExif {
    SampleExif {
        taken: NaiveDate::from_ymd_opt(2026, 11, 2)
            .unwrap()
            .and_hms_opt(17, 45, 30)
            .unwrap(),
        lat: 30.123456,
        lon: -120.654321,
        orientation: 1,
    }
}

fn photo(subject: PhotoSubject, id: String, bytes: Vec<u8>) -> NewPhoto {
    NewPhoto {
        subject,
        subject_id: id,
        stage: PhotoStage::Before,
        file_name: "/home/someone/DCIM/IMG_0001.JPG".into(),
        bytes,
    }
}

fn jpeg_size(bytes: &[u8]) -> (u16, u16) {
    let mut decoder = jpeg_decoder::Decoder::new(bytes);
    decoder.read_info().unwrap();
    let info = decoder.info().unwrap();
    (info.width, info.height)
}

#[test]
fn a_camera_photo_keeps_its_original_exif_time_and_place_and_gets_a_thumbnail() {
    let mut f = support::fixture();
    let fault = fault(&mut f);
    let bytes = sample_jpeg(1600, 1200, 1, Some(camera_exif()));
    let added = f
        .store
        .add_photo(
            photo(PhotoSubject::Fault, fault.id.to_string(), bytes.clone()),
            f.now,
        )
        .unwrap();
    assert_eq!((added.width, added.height), (1600, 1200));
    assert_eq!(added.mime, "image/jpeg");
    assert_eq!(added.size_bytes, bytes.len() as u64);
    assert_eq!(
        added.file_name, "IMG_0001.JPG",
        "only the name, never the path"
    );
    // 17:45:30 on the camera, no offset written: China's time, 09:45:30 UTC.
    assert_eq!(
        added.taken_at,
        Some("2026-11-02T09:45:30Z".parse().unwrap())
    );
    assert!((added.lat.unwrap() - 30.123456).abs() < 1e-5, "{added:?}");
    assert!((added.lon.unwrap() + 120.654321).abs() < 1e-5, "{added:?}");
    // The original, byte for byte, under its SHA-256.
    assert_eq!(f.store.photo_original(&added).unwrap(), bytes);
    let thumbnail = f.store.photo_thumbnail(&added).unwrap().unwrap();
    assert_eq!(jpeg_size(&thumbnail), (320, 240));
    // The fault's list shows it, by a short id too.
    let short = &fault.id.to_string()[28..];
    let listed = desk::photos::list(&f.store, PhotoSubject::Fault, short).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].photo, added);
    assert!(
        listed[0]
            .thumbnail_data_url
            .as_deref()
            .unwrap()
            .starts_with("data:image/jpeg;base64,/9j/")
    );
    let original = desk::photos::original(&f.store, &added.id.to_string()).unwrap();
    assert!(original.data_url.starts_with("data:image/jpeg;base64,"));
    // Evidence: no path rewrites it.
    let err = f
        .store
        .connection()
        .execute("UPDATE photos SET stage = 'after'", [])
        .unwrap_err();
    assert!(err.to_string().contains("append_only"), "{err}");
    // And it waits in the outbox, with its thumbnail, for the next sync.
    let queued: Vec<String> = f
        .store
        .connection()
        .prepare("SELECT entity FROM sync_outbox WHERE entity LIKE 'photo%' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(queued, ["photos", "photo_thumbnails"]);
}

#[test]
fn thumbnails_fit_320_px_and_stand_upright() {
    let mut f = support::fixture();
    let fault = fault(&mut f);
    // Turned on its side by the camera (orientation 6): the thumbnail is turned back, portrait.
    let turned = SampleExif {
        orientation: 6,
        ..camera_exif()
    };
    let cases = [
        (sample_jpeg(4000, 3000, 2, Some(turned)), (240, 320)),
        (sample_jpeg(900, 1600, 3, None), (180, 320)),
        // Smaller than a thumbnail: kept at its size, never enlarged.
        (sample_jpeg(200, 100, 4, None), (200, 100)),
    ];
    for (bytes, size) in cases {
        let added = f
            .store
            .add_photo(
                photo(PhotoSubject::Fault, fault.id.to_string(), bytes),
                f.now,
            )
            .unwrap();
        let thumbnail = f.store.photo_thumbnail(&added).unwrap().unwrap();
        assert_eq!(jpeg_size(&thumbnail), size);
        let (w, h) = size;
        assert!(u32::from(w.max(h)) <= THUMBNAIL_MAX_PX);
    }
    // A PNG (a screenshot of a device's page, say) is a photo too.
    let png = fieldlog_store::signature_image::render_strokes_png(
        &fieldlog_store::signature_image::scribble(2, 5),
        640,
        480,
    );
    let added = f
        .store
        .add_photo(photo(PhotoSubject::Fault, fault.id.to_string(), png), f.now)
        .unwrap();
    assert_eq!(added.mime, "image/png");
    assert_eq!(added.taken_at, None);
    let thumbnail = f.store.photo_thumbnail(&added).unwrap().unwrap();
    assert_eq!(jpeg_size(&thumbnail), (320, 240));
}

/// Runs a refused add and checks its message (both languages) and that nothing changed.
fn refused(f: &mut support::Fixture, input: NewPhoto, zh: &str, en: &str) -> StoreError {
    let before = f.dump();
    let err = f.store.add_photo(input, f.now).unwrap_err();
    let (message_zh, message_en) = (err.message(Lang::ZhCn), err.message(Lang::En));
    assert!(message_zh.contains(zh), "{message_zh}");
    assert!(message_en.contains(en), "{message_en}");
    assert_eq!(f.dump(), before, "a refused photo changes nothing");
    err
}

#[test]
fn what_is_not_a_photo_is_refused_with_a_clear_message_and_nothing_saved() {
    let mut f = support::fixture();
    let fault = fault(&mut f);
    let id = fault.id.to_string();
    // A PDF renamed .jpg.
    refused(
        &mut f,
        photo(PhotoSubject::Fault, id.clone(), b"%PDF-1.7\n...".to_vec()),
        "不是可读取的照片",
        "not a readable photo",
    );
    // A JPEG's start and then rubbish: the header says JPEG, the decoder does not agree.
    let mut broken = sample_jpeg(640, 480, 5, None);
    broken.truncate(600);
    refused(
        &mut f,
        photo(PhotoSubject::Fault, id.clone(), broken),
        "不是可读取的照片",
        "not a readable photo",
    );
    // An iPhone's HEIC.
    let mut heic = vec![0, 0, 0, 0x18];
    heic.extend(b"ftypheic\0\0\0\0mif1heic");
    heic.resize(4096, 0);
    refused(
        &mut f,
        photo(PhotoSubject::Fault, id.clone(), heic),
        "HEIC",
        "HEIC/HEIF photos are not supported",
    );
    // Over 30 MB: refused before anything is decoded.
    let mut huge = sample_jpeg(64, 64, 6, None);
    huge.resize(MAX_PHOTO_BYTES + 1, 0);
    refused(
        &mut f,
        photo(PhotoSubject::Fault, id, huge),
        "上限 30 MB",
        "limit 30 MB",
    );
    // Exactly 30 MB is still a photo (the limit is inclusive): padding after the JPEG's end.
    let mut at_limit = sample_jpeg(64, 64, 7, None);
    at_limit.resize(MAX_PHOTO_BYTES, 0);
    f.store
        .add_photo(
            photo(PhotoSubject::Fault, fault.id.to_string(), at_limit),
            f.now,
        )
        .unwrap();
}

#[test]
fn a_photo_of_an_unknown_subject_or_a_signed_entry_is_refused_and_nothing_saved() {
    let mut f = support::fixture();
    let bytes = sample_jpeg(640, 480, 8, None);
    let err = refused(
        &mut f,
        photo(
            PhotoSubject::Fault,
            "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b".into(),
            bytes.clone(),
        ),
        "找不到故障",
        "fault '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' not found",
    );
    assert!(matches!(err, StoreError::NotFound { .. }));
    refused(
        &mut f,
        photo(PhotoSubject::Arrival, "abcdef12".into(), bytes.clone()),
        "找不到到场记录",
        "not found",
    );
    // An entry of a signed report: the signature covers it as it was.
    let report = f
        .store
        .create_report(f.me.id, f.contract.id, f.today(), f.now)
        .unwrap();
    let entry = f
        .store
        .add_report_entry(report.id, f.entry("供电故障", 0), f.now)
        .unwrap();
    let entry_photo = f
        .store
        .add_photo(
            photo(
                PhotoSubject::ReportEntry,
                entry.id.to_string(),
                bytes.clone(),
            ),
            f.now,
        )
        .unwrap();
    assert_eq!(entry_photo.subject, PhotoSubject::ReportEntry);
    f.store
        .sign_report(report.id, f.signature(), f.now + TimeDelta::minutes(5))
        .unwrap();
    refused(
        &mut f,
        photo(PhotoSubject::ReportEntry, entry.id.to_string(), bytes),
        "日报已签字",
        "report is signed",
    );
}
