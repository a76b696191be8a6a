//! Photos syncing in the background vs. the technician's input latency (issue 19's "Speed": 50
//! photos sync in the background without the UI's input latency rising above 50 ms).
//!
//! A real server on 127.0.0.1 (SQLite file in a temp dir; `FIELDLOG_BENCH_BACKEND=postgres` as
//! the other sync benches), one enrolled laptop profile holding 50 12-megapixel camera JPEGs
//! (4000×3000, about 5 MB each) attached to a fault and not yet synced. The app's background
//! worker (`fieldlog_sync::background::Worker`, its own connection to the profile, as in the
//! app) uploads them, while the foreground, on the app's other connection to the same profile,
//! does what a technician does: opens Today (`desk::today`) and saves a report entry
//! (`desk::add_entry`), one pair every 50 ms, until the server holds every photo. Both actions'
//! latencies are reported as percentiles, first with sync idle (the baseline), then during it.
//! Reported, never asserted.
//!
//! Run: `cargo bench -p fieldlog-sync --bench photo_background_sync`
//! Environment: `FIELDLOG_BENCH_PHOTOS` (photos, default 50).

mod common;

use chrono::Utc;
use common::{open_database, percentile};
use fieldlog_domain::photo::{PhotoStage, PhotoSubject};
use fieldlog_domain::report::NewEntry;
use fieldlog_server::{RunningServer, admin};
use fieldlog_store::{NewPhoto, Store, desk};
use fieldlog_sync::SyncOptions;
use fieldlog_sync::background::{Policy, Worker};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CONTRACT: &str = "BENCH-PHOTO-SYNC";

fn report(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{name:<40} n={:<5} p50 {:>7.1} ms  p95 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
        samples.len(),
        percentile(&samples, 0.5).as_secs_f64() * 1e3,
        percentile(&samples, 0.95).as_secs_f64() * 1e3,
        percentile(&samples, 0.99).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3,
    );
}

/// Photos held by this laptop that the server has not acknowledged yet.
fn photos_waiting(store: &Store) -> i64 {
    store
        .connection()
        .query_row(
            "SELECT count(*) FROM sync_outbox WHERE entity IN ('photos', 'photo_thumbnails')",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// One Today and one saved entry, timed.
fn foreground(
    store: &mut Store,
    report_id: fieldlog_domain::ids::ReportId,
    entry: &NewEntry,
    today: &mut Vec<Duration>,
    save: &mut Vec<Duration>,
) {
    let start = Instant::now();
    desk::today(store, Utc::now()).unwrap();
    today.push(start.elapsed());
    let start = Instant::now();
    desk::add_entry(store, report_id, entry.clone(), Utc::now()).unwrap();
    save.push(start.elapsed());
}

fn main() {
    let photos: u32 = std::env::var("FIELDLOG_BENCH_PHOTOS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let pause = Duration::from_millis(50);
    let dir = tempfile::tempdir().unwrap();
    let (database, _throwaway) = open_database(dir.path());
    let storage = Arc::new(database);
    admin::add_contract(&*storage, CONTRACT, "测试项目").unwrap();
    let server = RunningServer::start(storage.clone(), "127.0.0.1:0".parse().unwrap()).unwrap();
    let technician = admin::add_technician(&*storage, "测试技服").unwrap();
    admin::assign(&*storage, &technician, CONTRACT).unwrap();
    let code = admin::enrollment_code(&*storage, &technician, Utc::now()).unwrap();

    let path = dir.path().join("profile.sqlite");
    let mut store = Store::open(&path).unwrap();
    let now = Utc::now();
    store.init_profile("测试技服", None, now).unwrap();
    fieldlog_sync::enroll(
        &mut store,
        &server.url(),
        &code,
        "测试笔记本",
        SyncOptions::default(),
    )
    .unwrap();
    let (contract, site, fault) = fieldlog_demo::one_fault(&mut store, CONTRACT, now).unwrap();
    let report_id = desk::today_report(&mut store, contract.id, now)
        .unwrap()
        .report
        .id;
    let entry = NewEntry {
        site_id: site.id,
        device_id: None,
        fault_id: Some(fault.id),
        fault_cause: "电源适配器老化".into(),
        resolved: true,
        unresolved_reason: None,
        work_done: "更换电源适配器，恢复正常".into(),
        parts: vec![],
    };
    // Everything but the photos reaches the server first, so the timed rounds carry photos.
    fieldlog_sync::sync_round(&mut store, &SyncOptions::default()).unwrap();

    // Distinct 12-MP photos: a few made whole, the rest the same images with a few bytes after
    // the JPEG's end (viewers ignore them; their SHA-256, so their attachment, differs), which
    // keeps the setup short on 2 cores.
    let made = Instant::now();
    let bases: Vec<Vec<u8>> = (0..3).map(sample_jpeg).collect();
    let mut attach = Vec::new();
    for i in 0..photos {
        let mut bytes = bases[i as usize % bases.len()].clone();
        bytes.extend_from_slice(format!("fieldlog-bench-{i}").as_bytes());
        let start = Instant::now();
        store
            .add_photo(
                NewPhoto {
                    subject: PhotoSubject::Fault,
                    subject_id: fault.id.to_string(),
                    stage: PhotoStage::After,
                    file_name: format!("IMG_{i:04}.JPG"),
                    bytes,
                },
                Utc::now(),
            )
            .unwrap();
        attach.push(start.elapsed());
    }
    println!(
        "{photos} photos of 4000x3000 ({:.1} MB each) made and attached in {:.1} s",
        bases[0].len() as f64 / 1e6,
        made.elapsed().as_secs_f64()
    );
    report("attach 12-MP JPEG (setup)", attach);
    assert!(photos_waiting(&store) >= i64::from(photos));

    // Baseline: the same actions with sync idle, as many pairs as will be timed below at most.
    let (mut today_idle, mut save_idle) = (Vec::new(), Vec::new());
    for _ in 0..40 {
        foreground(
            &mut store,
            report_id,
            &entry,
            &mut today_idle,
            &mut save_idle,
        );
        std::thread::sleep(pause);
    }

    // The app's worker on its own connection, told to sync now (as after an attach).
    let worker = Worker::start(
        path.clone(),
        SyncOptions::for_background(),
        Policy::default(),
        |_| {},
    );
    worker.sync_now();
    let synced = Instant::now();
    let (mut today_busy, mut save_busy) = (Vec::new(), Vec::new());
    let limit = Duration::from_secs(150);
    while photos_waiting(&store) > 0 {
        assert!(
            synced.elapsed() < limit,
            "photos still waiting after {limit:?}: {:?}",
            worker.activity()
        );
        foreground(
            &mut store,
            report_id,
            &entry,
            &mut today_busy,
            &mut save_busy,
        );
        std::thread::sleep(pause);
    }
    let took = synced.elapsed();
    drop(worker);
    let held = store.sync_status().unwrap();
    println!(
        "{photos} photos ({:.0} MB) synced in the background in {:.1} s; {} changes still waiting",
        bases[0].len() as f64 * f64::from(photos) / 1e6,
        took.as_secs_f64(),
        held.pending_changes
    );
    report("Today, sync idle", today_idle);
    report("save entry, sync idle", save_idle);
    report(&format!("Today, {photos} photos syncing"), today_busy);
    report(&format!("save entry, {photos} photos syncing"), save_busy);
}

/// A 12-megapixel camera-like JPEG with EXIF time and place.
fn sample_jpeg(seed: u32) -> Vec<u8> {
    fieldlog_demo::photo::sample_jpeg(
        4000,
        3000,
        seed,
        Some(fieldlog_demo::photo::SampleExif {
            taken: chrono::NaiveDate::from_ymd_opt(2026, 11, 10)
                .unwrap()
                .and_hms_opt(9, 30, 0)
                .unwrap(),
            lat: 30.2,
            lon: 120.1,
            orientation: 1,
        }),
    )
}
