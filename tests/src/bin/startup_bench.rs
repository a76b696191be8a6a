//! Start-up and memory benchmark of the desktop app, beside an empty Tauri window in the same run.
//!
//! For each round and each app: WebDriver starts it (through tauri-driver), the clock runs from the
//! session request until the window shows `data-ready="true"` (Fieldlog sets it once the Today
//! screen has its data from the store; the empty page has it from the start); then, after a settle
//! second, the PSS of every process of that app (the app and its WebKit web and network processes)
//! is summed from /proc/<pid>/smaps_rollup.
//!
//! Run: `cargo xtask bench-startup` (release builds, under Xvfb; see BENCHMARKS.md). Environment:
//! FIELDLOG_APP_BIN, EMPTY_WINDOW_BIN (binaries to compare), ROUNDS (default 5).

use fieldlog_system_tests::webdriver::{Session, TauriDriver, parent_pid};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn pss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("Pss:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn exe_name(pid: u32) -> Option<String> {
    let target = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
    Some(target.file_name()?.to_string_lossy().into_owned())
}

/// The app's processes: every process running `binary`, and all their descendants.
fn app_processes(binary: &str) -> Vec<u32> {
    let pids: Vec<u32> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    let roots: Vec<u32> = pids
        .iter()
        .copied()
        .filter(|&p| exe_name(p).as_deref() == Some(binary))
        .collect();
    pids.into_iter()
        .filter(|&pid| {
            let mut p = Some(pid);
            while let Some(current) = p {
                if roots.contains(&current) {
                    return true;
                }
                p = parent_pid(current).filter(|&pp| pp > 1);
            }
            false
        })
        .collect()
}

struct Sample {
    ready_ms: f64,
    pss_mib: f64,
    processes: usize,
}

fn measure(driver: &TauriDriver, binary: &Path) -> Sample {
    let started = Instant::now();
    let session = Session::new(driver, binary);
    session.wait_for("[data-ready=true]", Duration::from_secs(30), |found| {
        !found.is_empty()
    });
    let ready_ms = started.elapsed().as_secs_f64() * 1000.0;
    std::thread::sleep(Duration::from_secs(1));
    let name = binary.file_name().unwrap().to_string_lossy().into_owned();
    let pids = app_processes(&name);
    let pss_mib = pids.iter().map(|&p| pss_kib(p)).sum::<u64>() as f64 / 1024.0;
    drop(session);
    std::thread::sleep(Duration::from_millis(500));
    Sample {
        ready_ms,
        pss_mib,
        processes: pids.len(),
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target");
    let profile = std::env::var("PROFILE_DIR").unwrap_or_else(|_| "release".into());
    let app: PathBuf = std::env::var_os("FIELDLOG_APP_BIN")
        .map_or_else(|| target.join(&profile).join("fieldlog-app"), PathBuf::from);
    let empty: PathBuf = std::env::var_os("EMPTY_WINDOW_BIN")
        .map_or_else(|| target.join(&profile).join("empty-window"), PathBuf::from);
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    for binary in [&app, &empty] {
        assert!(binary.exists(), "{} is not built", binary.display());
    }

    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("profile.sqlite");
    let mut store = fieldlog_store::Store::open(&db).unwrap();
    fieldlog_demo::seed(&mut store, chrono::Utc::now()).unwrap();
    drop(store);
    let driver = TauriDriver::start(&[("FIELDLOG_DB", db.as_path())]);

    // One uncounted start of each warms the page cache, as a laptop that has run the app before.
    measure(&driver, &app);
    measure(&driver, &empty);
    let (mut app_samples, mut empty_samples) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        app_samples.push(measure(&driver, &app));
        empty_samples.push(measure(&driver, &empty));
    }
    let row = |name: &str, samples: &[Sample]| {
        let ready: Vec<f64> = samples.iter().map(|s| s.ready_ms).collect();
        let pss: Vec<f64> = samples.iter().map(|s| s.pss_mib).collect();
        println!(
            "| {name} | {} | {:.0} | {:.0} | {:.0} | {:.1} | {} |",
            samples.len(),
            median(ready.clone()),
            ready.iter().copied().fold(f64::INFINITY, f64::min),
            ready.iter().copied().fold(0.0, f64::max),
            median(pss),
            samples[0].processes
        );
    };
    println!("| app | rounds | ready median ms | min | max | PSS median MiB | processes |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    row("Fieldlog (Today screen with demo data)", &app_samples);
    row("empty Tauri window", &empty_samples);
    let app_ready = median(app_samples.iter().map(|s| s.ready_ms).collect());
    let app_pss = median(app_samples.iter().map(|s| s.pss_mib).collect());
    let empty_pss = median(empty_samples.iter().map(|s| s.pss_mib).collect());
    println!();
    println!(
        "first screen with data: {app_ready:.0} ms (goal ≤ 1500 ms: {})",
        if app_ready <= 1500.0 {
            "met"
        } else {
            "NOT met"
        }
    );
    println!(
        "memory: {app_pss:.1} MiB vs {empty_pss:.1} MiB = {:.2}x (goal ≤ 1.3x: {})",
        app_pss / empty_pss,
        if app_pss / empty_pss <= 1.3 {
            "met"
        } else {
            "NOT met"
        }
    );
}
