//! Photo attach benchmark (issue 19): a 12-megapixel camera JPEG (made up in the run: gradients,
//! texture and sensor-like noise at quality 90, with EXIF time and GPS) attached to a fault
//! through `Store::add_photo`: the image check, EXIF, the 320 px thumbnail (DCT-scaled decode)
//! and the one durable transaction that saves original and thumbnail. Goal: ≤ 300 ms (release).
//! Also times the thumbnail step alone (`photo_image::inspect`). Reported, never asserted.
//!
//! Run: `cargo bench -p fieldlog-store --bench photo_attach`
//! Environment: `FIELDLOG_BENCH_N` (measured attachments, default 20).

use chrono::{NaiveDate, TimeDelta, Utc};
use fieldlog_demo::photo::{SampleExif, sample_jpeg};
use fieldlog_domain::fault::{NewFault, ReportChannel};
use fieldlog_domain::photo::{PhotoStage, PhotoSubject};
use fieldlog_domain::site::SiteKind;
use fieldlog_domain::sla::{FaultLevel, Preset};
use fieldlog_store::{NewPhoto, NewSite, Store, photo_image};
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<32} n={:<4} p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
        samples.len(),
        percentile(&samples, 0.5).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3,
    );
}

fn main() {
    let n: usize = std::env::var("FIELDLOG_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("profile.sqlite")).unwrap();
    let now = Utc::now();
    store.init_profile("测试技服", None, now).unwrap();
    let contract = store
        .add_contract(
            "BENCH-PHOTO",
            "测试项目",
            "测试采购人",
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
            code: "B-01".into(),
            name: "测试点位".into(),
            kind: SiteKind::CameraPole,
            address: "测试地址".into(),
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
                reported_at: now - TimeDelta::hours(1),
                channel: ReportChannel::Phone,
                description: "画面中断".into(),
                first_receiver: "测试客户经理".into(),
                caller: None,
                caller_phone: None,
            },
            now,
        )
        .unwrap();
    // Distinct photos (seeds), so every attach stores a new original.
    let made = Instant::now();
    let photos: Vec<Vec<u8>> = (0..n as u32 + 2)
        .map(|seed| {
            sample_jpeg(
                4000,
                3000,
                seed,
                Some(SampleExif {
                    taken: NaiveDate::from_ymd_opt(2026, 11, 10)
                        .unwrap()
                        .and_hms_opt(9, 30, 0)
                        .unwrap(),
                    lat: 30.2,
                    lon: 120.1,
                    orientation: 1,
                }),
            )
        })
        .collect();
    println!(
        "{} photos of 4000x3000 made in {:.1} s, {:.1} MB each",
        photos.len(),
        made.elapsed().as_secs_f64(),
        photos[0].len() as f64 / 1e6
    );
    let mut inspect = Vec::new();
    let mut attach = Vec::new();
    for (i, bytes) in photos.into_iter().enumerate() {
        let start = Instant::now();
        photo_image::inspect(&bytes).unwrap();
        let inspected = start.elapsed();
        let start = Instant::now();
        store
            .add_photo(
                NewPhoto {
                    subject: PhotoSubject::Fault,
                    subject_id: fault.id.to_string(),
                    stage: PhotoStage::Before,
                    file_name: format!("IMG_{i}.JPG"),
                    bytes,
                },
                now,
            )
            .unwrap();
        // Two warm-up rounds are not counted.
        if i >= 2 {
            inspect.push(inspected);
            attach.push(start.elapsed());
        }
    }
    report("thumbnail + EXIF (inspect)", inspect);
    report("attach 12-MP JPEG (add_photo)", attach);
}
