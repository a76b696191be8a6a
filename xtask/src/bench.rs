//! The benchmarks of BENCHMARKS.md that need more than `cargo bench`: `cargo xtask
//! bench-startup` (the app's start-up and memory beside an empty Tauri window, under Xvfb) and
//! `cargo xtask bench-pdf` (the daily-report PDF beside reportlab's, whole processes).

use crate::install::{Purpose, install_apt, install_in_venv, setup, tauri_driver_path};
use crate::shell::{Result, cargo, run, step, target_dir, workspace_root};
use std::os::unix::process::CommandExt;
use std::process::Command;

/// The PDF benchmark's other side (BENCHMARKS.md): reportlab, pinned, in the same `.venv`, and a
/// TrueType CJK font it can read (reportlab cannot read Noto CJK's CFF outlines).
const REPORTLAB: &str = "reportlab==5.1.0";
const BENCH_FONT_PACKAGE: &str = "fonts-wqy-microhei";
const BENCH_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

/// The start-up and memory benchmark (BENCHMARKS.md): release builds of the app and of an empty
/// Tauri window, driven under Xvfb in a process group of their own.
pub fn bench_startup() -> Result {
    setup(Purpose::Test)?;
    let cargo = cargo();
    step("Building release binaries (the app, the empty window, the harness)");
    run(
        &cargo,
        &[
            "build",
            "--release",
            "-p",
            "fieldlog-app",
            "-p",
            "empty-window",
        ],
    )?;
    run(
        &cargo,
        &[
            "build",
            "--release",
            "-p",
            "fieldlog-system-tests",
            "--bin",
            "startup-bench",
        ],
    )?;
    step("Measuring");
    let harness = target_dir().join("release/startup-bench");
    let mut command = Command::new("dbus-run-session");
    command
        .args(["--", "xvfb-run", "-a", "-s", "-screen 0 1280x800x24"])
        .arg(&harness)
        .env("TAURI_DRIVER", tauri_driver_path())
        .process_group(0);
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start the benchmark: {e}"))?;
    let status = child.wait().map_err(|e| e.to_string())?;
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .status();
    if status.success() {
        Ok(())
    } else {
        Err(format!("the benchmark exited with {status}"))
    }
}

/// fieldlog's daily-report PDF beside reportlab's, whole processes, same font, in one run
/// (BENCHMARKS.md): installs the font and reportlab, builds the release CLI, runs the comparison.
pub fn bench_pdf() -> Result {
    step("Checking the benchmark's font and reportlab");
    install_apt(&[BENCH_FONT_PACKAGE, "poppler-utils", "python3-venv"])?;
    install_in_venv("reportlab", &[], REPORTLAB)?;
    step("Building the release CLI");
    run(&cargo(), &["build", "--release", "-p", "fieldlog-cli"])?;
    step("Measuring");
    let root = workspace_root();
    run(
        &root.join(".venv/bin/python").to_string_lossy(),
        &[
            &root
                .join("bench/pdf-vs-reportlab/compare.py")
                .to_string_lossy(),
            &target_dir().join("release/fieldlog").to_string_lossy(),
            BENCH_FONT,
        ],
    )
}
