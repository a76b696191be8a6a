//! `cargo xtask run`, README's first command: installs what the app needs, builds the CLI and the
//! app, seeds the demo month (`fieldlog demo`, the `fieldlog-demo` crate) into the default
//! profile on first run, and starts the desktop app on it.

use crate::install::{Purpose, setup};
use crate::shell::{Result, cargo, run, run_with, step, target_dir};
use std::env;
use std::path::PathBuf;
use std::process::Command;

/// Builds and starts the app, seeding the demo month into a profile that does not exist yet.
pub fn run_app() -> Result {
    setup(Purpose::Run)?;
    let cargo = cargo();
    step("Building the CLI and the desktop app");
    run(
        &cargo,
        &["build", "-p", "fieldlog-cli", "-p", "fieldlog-app"],
    )?;
    let bin = target_dir().join("debug");
    // The CLI resolves the profile path exactly as the app does (FIELDLOG_DB, else the platform
    // data directory), so ask it rather than guess.
    let out = Command::new(bin.join("fieldlog"))
        .arg("where")
        .output()
        .map_err(|e| format!("cannot run the fieldlog CLI: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    let db = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if !db.exists() {
        step(&format!("First run: demo data into {}", db.display()));
        let db_arg = db.to_string_lossy().into_owned();
        run(
            bin.join("fieldlog").to_str().unwrap_or("fieldlog"),
            &["--db", &db_arg, "demo"],
        )?;
    }
    if env::var_os("DISPLAY").is_none() && env::var_os("WAYLAND_DISPLAY").is_none() {
        return Err(
            "no display (DISPLAY is not set): run this on a desktop, or under `xvfb-run -a`".into(),
        );
    }
    step(&format!("Starting Fieldlog on {}", db.display()));
    run_with(Command::new(bin.join("fieldlog-app")).env("FIELDLOG_DB", &db))
}
