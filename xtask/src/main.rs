//! `cargo xtask`: the two commands of the README, and the set-up they share.
//!
//! - `cargo xtask run`: installs what the app needs, builds it, seeds demo data into the default
//!   profile on first run, and starts the desktop app.
//! - `cargo xtask test`: installs what the tests need, then runs every check CI runs: rustfmt,
//!   clippy with `-D warnings`, every test, and the end-to-end tests of the real app under Xvfb.
//! - `cargo xtask setup [run|test]`: only the installs.
//! - `cargo xtask bench-startup`, `cargo xtask bench-pdf`: the benchmarks of BENCHMARKS.md that need
//!   more than `cargo bench` (a display; reportlab and a TrueType CJK font).
//! - `cargo xtask with-postgres [--durable] COMMAND…`: runs one command (say `cargo test -p
//!   fieldlog-sync`) with a throwaway PostgreSQL cluster and `FIELDLOG_TEST_POSTGRES_URL` pointing
//!   at it (`--durable`: fsync on, for benchmarks).
//!
//! Installs are idempotent (a present package is not touched) and say clearly what failed. No
//! dependencies: this must build in seconds on a fresh machine.

use std::env;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

mod test_postgres;

/// Debian packages the desktop app needs to build and run (Tauri 2 on WebKitGTK 4.1), and a CJK
/// font so Chinese shows as text, not boxes.
const APT_RUN: &[&str] = &[
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
];

/// pyHanko's command line, a second PDF signature validator beside pdfsig, in the project's own
/// virtual environment (`.venv/`), pinned.
const PYHANKO: &str = "pyhanko-cli==0.6.0";

/// The PDF benchmark's other side (BENCHMARKS.md): reportlab, pinned, in the same `.venv`, and a
/// TrueType CJK font it can read (reportlab cannot read Noto CJK's CFF outlines).
const REPORTLAB: &str = "reportlab==5.1.0";
const BENCH_FONT_PACKAGE: &str = "fonts-wqy-microhei";
const BENCH_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

/// tauri-driver from crates.io, pinned so CI installs what was tested.
const TAURI_DRIVER_VERSION: &str = "2.1.0";

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run_app(),
        Some("test") => test_all(),
        Some("bench-startup") => bench_startup(),
        Some("bench-pdf") => bench_pdf(),
        Some("with-postgres") => with_postgres(&args[1..]),
        Some("setup") => match args.get(1).map(String::as_str) {
            Some("run") => setup(Purpose::Run),
            None | Some("test") => setup(Purpose::Test),
            Some(other) => Err(format!("unknown setup target '{other}' (run or test)")),
        },
        _ => Err(
            "usage: cargo xtask run | test | bench-startup | bench-pdf | with-postgres [--durable] COMMAND… | setup [run|test]".into(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: 失败 FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

fn step(title: &str) {
    println!("\n== {title}");
}

/// Runs a command in the workspace root, inheriting output; fails with the command line.
fn run(program: &str, args: &[&str]) -> Result {
    run_with(Command::new(program).args(args))
}

fn run_with(command: &mut Command) -> Result {
    let line = format!("{command:?}");
    if command.get_current_dir().is_none() {
        command.current_dir(workspace_root());
    }
    let status = command
        .status()
        .map_err(|e| format!("cannot start {line}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{line} exited with {status}"))
    }
}

fn cargo() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

#[derive(Clone, Copy, PartialEq)]
enum Purpose {
    Run,
    Test,
}

fn setup(purpose: Purpose) -> Result {
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
    step("Building the UI (npm ci, vite build)");
    build_ui()
}

/// Installs the UI's pinned npm packages (once per lock file) and builds `ui/dist`, which Tauri
/// embeds into the app at compile time.
fn build_ui() -> Result {
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

fn install_apt(wanted: &[&str]) -> Result {
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
fn install_in_venv(probe: &str, probe_args: &[&str], spec: &str) -> Result {
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

fn tauri_driver_path() -> PathBuf {
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

/// Totals of `test result:` lines, so CI and people see one closing line for the whole run.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    ignored: u64,
}

impl Tally {
    /// Runs `cargo test ...`, echoing its output and adding up its results. With `own_group`, the
    /// command runs in a new process group that is killed whole when it ends.
    fn cargo_test(&mut self, command: &mut Command, own_group: bool) -> Result {
        if own_group {
            command.process_group(0);
        }
        let line = format!("{command:?}");
        let mut child = command
            .current_dir(workspace_root())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {line}: {e}"))?;
        let stdout = child.stdout.take().expect("piped");
        for text in BufReader::new(stdout)
            .lines()
            .map_while(std::result::Result::ok)
        {
            println!("{text}");
            if let Some(rest) = text.strip_prefix("test result: ") {
                let count = |word: &str| -> u64 {
                    rest.split(';')
                        .find_map(|part| part.trim().strip_suffix(word).map(str::trim))
                        .and_then(|n| n.rsplit(' ').next())
                        .and_then(|n| n.parse().ok())
                        .unwrap_or(0)
                };
                self.passed += count("passed");
                self.failed += count("failed");
                self.ignored += count("ignored");
            }
        }
        let status = child.wait().map_err(|e| e.to_string());
        if own_group {
            // The group's id is its first process's pid. WebKit, the drivers, Xvfb and the session
            // bus outlive their parents; this ends them all, and nothing outside the group.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
        }
        let status = status?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{line} exited with {status}"))
        }
    }
}

fn test_all() -> Result {
    let started = Instant::now();
    setup(Purpose::Test)?;
    let cargo = cargo();

    step("rustfmt");
    run(&cargo, &["fmt", "--all", "--", "--check"])
        .map_err(|e| format!("{e}: run `cargo fmt --all`"))?;

    step("clippy (-D warnings)");
    run(
        &cargo,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;

    let mut tally = Tally::default();
    step("PostgreSQL test cluster (the sync server's second backend)");
    let postgres = test_postgres::TestPostgres::start(test_postgres::Durability::Off)?;
    step("tests");
    tally.cargo_test(
        Command::new(&cargo)
            .args(["test", "--workspace"])
            .env("PYHANKO", workspace_root().join(".venv/bin/pyhanko"))
            .env(test_postgres::URL_VAR, &postgres.url),
        false,
    )?;
    postgres.stop()?;

    step("end-to-end: the real app under Xvfb + tauri-driver");
    run(&cargo, &["build", "-p", "fieldlog-app"])?;
    let e2e = e2e_tests(&cargo, &mut tally);

    println!(
        "\nxtask: every check ran in {:.0} s ({} ignored outside the end-to-end run)",
        started.elapsed().as_secs_f64(),
        tally.ignored
    );
    // One plain closing line for the whole run.
    println!("{} passed, {} failed", tally.passed, tally.failed);
    e2e
}

/// Runs the `#[ignore]`d end-to-end tests inside a private session bus and X display, in a process
/// group of their own that is killed afterwards: WebKit and the drivers leave daemons behind.
fn e2e_tests(cargo: &str, tally: &mut Tally) -> Result {
    let mut command = Command::new("dbus-run-session");
    command
        .args([
            "--",
            "xvfb-run",
            "-a",
            "-s",
            "-screen 0 1280x800x24",
            cargo,
            "test",
            "-p",
            "fieldlog-system-tests",
        ])
        .args(["--test", "e2e_app", "--", "--ignored", "--test-threads=1"])
        .env("TAURI_DRIVER", tauri_driver_path());
    tally.cargo_test(&mut command, true)
}

/// The start-up and memory benchmark (BENCHMARKS.md): release builds of the app and of an empty
/// Tauri window, driven under Xvfb in a process group of their own.
fn bench_startup() -> Result {
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
    let harness = workspace_root().join("target/release/startup-bench");
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

/// `cargo xtask with-postgres [--durable] COMMAND…`: the command, with a throwaway PostgreSQL
/// cluster for its whole run (to run some tests against the PostgreSQL backend without all of
/// `cargo xtask test`; `--durable` keeps fsync on, for benchmarks).
fn with_postgres(args: &[String]) -> Result {
    let (durability, command) = match args.split_first() {
        Some((flag, rest)) if flag == "--durable" => (test_postgres::Durability::Full, rest),
        _ => (test_postgres::Durability::Off, args),
    };
    let Some((program, args)) = command.split_first() else {
        return Err(
            "usage: cargo xtask with-postgres [--durable] COMMAND… (e.g. cargo test -p fieldlog-sync)"
                .into(),
        );
    };
    install_apt(&[test_postgres::APT_PACKAGE])?;
    let postgres = test_postgres::TestPostgres::start(durability)?;
    let result = run_with(
        Command::new(program)
            .args(args)
            .env(test_postgres::URL_VAR, &postgres.url),
    );
    postgres.stop()?;
    result
}

/// fieldlog's daily-report PDF beside reportlab's, whole processes, same font, in one run
/// (BENCHMARKS.md): installs the font and reportlab, builds the release CLI, runs the comparison.
fn bench_pdf() -> Result {
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
            &root.join("target/release/fieldlog").to_string_lossy(),
            BENCH_FONT,
        ],
    )
}

fn run_app() -> Result {
    setup(Purpose::Run)?;
    let cargo = cargo();
    step("Building the CLI and the desktop app");
    run(
        &cargo,
        &["build", "-p", "fieldlog-cli", "-p", "fieldlog-app"],
    )?;
    let root = workspace_root();
    let bin = root.join("target/debug");
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
