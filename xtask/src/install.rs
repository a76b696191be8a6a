//! `cargo xtask setup [run|test]`, and the installs every other task starts with: Debian
//! packages, tauri-driver, pyHanko (and reportlab for a benchmark) in the project's `.venv`, and
//! the UI's npm packages and build (the app's window and the office console). Idempotent (a present package is not touched), and each
//! failure says what to install by hand.

use crate::shell::{Result, cargo, run, run_with, step, workspace_root};
use crate::test_postgres;
use std::env;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// Debian packages the desktop app needs to build and run (Tauri 2 on WebKitGTK 4.1), and a CJK
/// font so Chinese shows as text, not boxes.
pub const APT_RUN: &[&str] = &[
    "build-essential",
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libgtk-3-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libssl-dev",
    "libxdo-dev",
    "fonts-noto-cjk",
];

/// What the tests add: a virtual display, a session bus, WebKit's WebDriver, and sqlite3 for
/// looking at a test database by hand.
const APT_TEST: &[&str] = &[
    "xvfb",
    "xauth",
    "dbus-x11",
    "webkit2gtk-driver",
    "sqlite3",
    // A TrueType (glyf) CJK face: the PDF compaction test trims its hinting; Noto CJK is CFF.
    "fonts-wqy-microhei",
    // pdftotext, pdftoppm and pdfsig read the PDFs back; python3-venv holds pyHanko.
    "poppler-utils",
    "python3-venv",
    // certutil: a throwaway NSS database trusting the sync server's root, so pdfsig can say a
    // server-issued signing certificate is trusted (crates/fieldlog-cli/tests/certificates.rs).
    "libnss3-tools",
    // A real Secret Service in the tests' own D-Bus session holds the signing key
    // (crates/fieldlog-cli/tests/evidence.rs); secret-tool reads it back independently.
    "gnome-keyring",
    "libsecret-tools",
    // soffice --headless converts the summary XLSX back to CSV in tests (proves it opens). The
    // -nogui build is the smallest Calc (24 MB against 31 MB) and needs no display.
    "libreoffice-calc-nogui",
    // The sync server's tests run against PostgreSQL too, on a throwaway cluster (test_postgres).
    test_postgres::APT_PACKAGE,
    // The office console's walk (tests/console_walk.rs): Debian's own headless browser and its
    // WebDriver, the same version from the same archive (no browser download at test time).
    "chromium",
    "chromium-driver",
];

/// pyHanko's command line, a second PDF signature validator beside pdfsig, in the project's own
/// virtual environment (`.venv/`), pinned.
const PYHANKO: &str = "pyhanko-cli==0.6.0";

/// tauri-driver from crates.io, pinned so CI installs what was tested.
const TAURI_DRIVER_VERSION: &str = "2.1.0";

/// What the installs are for: running the app, or every test (a superset).
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Purpose {
    Run,
    Test,
}

pub fn setup(purpose: Purpose) -> Result {
    step("Checking system packages (apt)");
    let mut wanted: Vec<&str> = APT_RUN.to_vec();
    if purpose == Purpose::Test {
        wanted.extend_from_slice(APT_TEST);
    }
    install_apt(&wanted)?;
    if purpose == Purpose::Test {
        step("Checking tauri-driver");
        install_tauri_driver()?;
        step("Checking pyHanko (.venv)");
        install_pyhanko()?;
    }
    step("Building the UI and the office console (npm ci, vite build)");
    build_ui()
}

/// Installs the UI's pinned npm packages (once per lock file) and builds `ui/dist`, which Tauri
/// embeds into the app at compile time, and `ui/dist-console`, which `fieldlog-server` embeds
/// (its build.rs): so every task that builds the UI builds the console before the server.
pub fn build_ui() -> Result {
    let ui = workspace_root().join("ui");
    if Command::new("npm").arg("--version").output().is_err() {
        return Err(
            "npm not found: install Node.js 20.19 or newer (Debian: apt-get install nodejs npm)"
                .into(),
        );
    }
    let lock = ui.join("package-lock.json");
    let stamp = ui.join("node_modules/.fieldlog-lock");
    let installed = std::fs::read(&stamp).ok();
    let wanted = std::fs::read(&lock).map_err(|e| format!("{}: {e}", lock.display()))?;
    if installed.as_deref() != Some(wanted.as_slice()) {
        run_with(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&ui),
        )
        .map_err(|e| {
            format!(
                "{e}\n  npm could not install the UI's packages (is the npm registry reachable?)"
            )
        })?;
        std::fs::write(&stamp, &wanted).map_err(|e| e.to_string())?;
    }
    run_with(Command::new("npm").args(["run", "build"]).current_dir(&ui))
}

fn is_installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("install ok installed"))
}

pub fn install_apt(wanted: &[&str]) -> Result {
    if Command::new("dpkg-query")
        .arg("--version")
        .output()
        .is_err()
    {
        return Err(format!(
            "this is not a Debian/Ubuntu system (no dpkg). Install by hand: {}",
            wanted.join(" ")
        ));
    }
    let missing: Vec<&str> = wanted
        .iter()
        .copied()
        .filter(|p| !is_installed(p))
        .collect();
    if missing.is_empty() {
        println!("all {} packages present", wanted.len());
        return Ok(());
    }
    println!("installing: {}", missing.join(" "));
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
    let sudo: &[&str] = if is_root {
        &[]
    } else if Command::new("sudo")
        .arg("-n")
        .arg("true")
        .status()
        .is_ok_and(|s| s.success())
        || Command::new("sudo").arg("--version").output().is_ok()
    {
        &["sudo"]
    } else {
        return Err(format!(
            "not root and no sudo: ask an administrator to run\n  apt-get install -y {}",
            missing.join(" ")
        ));
    };
    // A private archive cache: another apt run cleaning the shared cache at the same time makes
    // downloads vanish mid-install (seen on these machines).
    let cache = workspace_root().join("target/apt-cache");
    std::fs::create_dir_all(cache.join("partial"))
        .map_err(|e| format!("cannot create {}: {e}", cache.display()))?;
    let cache_opt = format!("Dir::Cache::Archives={}", cache.display());
    let apt = |args: &[&str]| -> Result {
        let (program, rest) = match sudo {
            [] => ("apt-get", args.to_vec()),
            [s] => (*s, [&["apt-get"], args].concat()),
            _ => unreachable!(),
        };
        run_with(
            Command::new(program)
                .args(rest)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )
    };
    let mut last_error = String::new();
    for attempt in 1..=3 {
        let update = apt(&["-o", &cache_opt, "update", "-qq"]);
        let mut install = vec![
            "-o",
            cache_opt.as_str(),
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
        ];
        install.extend_from_slice(&missing);
        match update.and_then(|()| apt(&install)) {
            Ok(()) => break,
            Err(e) => {
                last_error = e;
                eprintln!("apt attempt {attempt} failed: {last_error}; retrying");
                std::thread::sleep(Duration::from_secs(5 * attempt));
            }
        }
    }
    let still_missing: Vec<&str> = missing
        .iter()
        .copied()
        .filter(|p| !is_installed(p))
        .collect();
    if !still_missing.is_empty() {
        return Err(format!(
            "apt could not install {} ({last_error}). Check the network and run:\n  apt-get install -y {}",
            still_missing.join(" "),
            still_missing.join(" ")
        ));
    }
    Ok(())
}

fn install_pyhanko() -> Result {
    install_in_venv("pyhanko", &["--version"], PYHANKO)
}

/// Installs the pinned `spec` into the project's `.venv` unless `.venv/bin/{probe} {probe_args}`
/// already succeeds; the interpreter itself is probed as `python -c 'import {probe}'`.
pub fn install_in_venv(probe: &str, probe_args: &[&str], spec: &str) -> Result {
    let venv = workspace_root().join(".venv");
    let present = if probe_args.is_empty() {
        Command::new(venv.join("bin/python"))
            .args(["-c", &format!("import {probe}")])
            .output()
    } else {
        Command::new(venv.join("bin").join(probe))
            .args(probe_args)
            .output()
    };
    if present.is_ok_and(|o| o.status.success()) {
        println!("{spec} present in {}", venv.display());
        return Ok(());
    }
    let python = if Command::new("python3").arg("--version").output().is_ok() {
        "python3"
    } else {
        "python"
    };
    if !venv.join("bin/pip").exists() {
        run(python, &["-m", "venv", &venv.to_string_lossy()])
            .map_err(|e| format!("{e}\n  python3 -m venv failed: install python3-venv"))?;
    }
    run(
        &venv.join("bin/pip").to_string_lossy(),
        &["install", "--quiet", spec],
    )
    .map_err(|e| format!("{e}\n  pip could not install {spec} (is PyPI reachable?)"))
}

pub fn tauri_driver_path() -> PathBuf {
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin/tauri-driver")
}

fn install_tauri_driver() -> Result {
    let path = tauri_driver_path();
    let installed = Command::new(&path).arg("--help").output().is_ok();
    if installed {
        println!("tauri-driver present: {}", path.display());
        return Ok(());
    }
    println!("installing tauri-driver {TAURI_DRIVER_VERSION} (about a minute)");
    run(
        &cargo(),
        &[
            "install",
            "tauri-driver",
            "--locked",
            "--version",
            TAURI_DRIVER_VERSION,
        ],
    )
    .map_err(|e| format!("{e}\n  tauri-driver is needed for the end-to-end tests"))
}
