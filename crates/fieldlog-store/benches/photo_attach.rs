//! Photo attach benchmark (issue 19): a 12-megapixel camera JPEG (made up in the run: gradients,
//! texture and sensor-like noise at quality 90, with EXIF time and GPS) attached to a fault
//! through `Store::add_photo`: the image check, EXIF, the 320 px thumbnail (DCT-scaled decode)
//! and the one durable transaction that saves original and thumbnail. Goal: ≤ 300 ms (release).
//! Also times the thumbnail step alone (`photo_image::inspect`). Reported, never asserted.
//!
//! Run: `cargo bench -p fieldlog-store --bench photo_attach`
//! Environment: `FIELDLOG_BENCH_N` (measured attachments, default 20).

use chrono::{NaiveDate, Utc};
use fieldlog_demo::photo::{SampleExif, sample_jpeg};
use fieldlog_domain::photo::{PhotoStage, PhotoSubject};
use fieldlog_store::{NewPhoto, Store, photo_image};
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
    let (_contract, _site, fault) =
        fieldlog_demo::one_fault(&mut store, "BENCH-PHOTO", now).unwrap();
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
