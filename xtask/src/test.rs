//! `cargo xtask test`: exactly what CI runs (`.ci/run`). The installs, then the tidy step, then
//! rustfmt, clippy with `-D warnings`, every test of the workspace (the server's on SQLite and on
//! a throwaway PostgreSQL cluster), the office console's walk in headless Chromium (on both
//! backends), the real app's end-to-end tests under Xvfb and tauri-driver, and the packages'
//! install/upgrade/remove test (`test_packages`); one closing line totals every `test result:`.

use crate::install::{Purpose, setup, tauri_driver_path};
use crate::shell::{Result, cargo, run, step, workspace_root};
use crate::{dist, test_packages, test_postgres, tidy};
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Instant;

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

pub fn test_all() -> Result {
    let started = Instant::now();
    setup(Purpose::Test)?;
    let cargo = cargo();

    // First of the checks, after the installs (a generated-file check may build the app): the
    // cheapest, and the ones whose failure explains later ones.
    tidy::tidy()?;

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

    step(
        "end-to-end: the office console in headless Chromium, part 1 and dispatch (SQLite and PostgreSQL)",
    );
    run(
        &cargo,
        &["build", "-p", "fieldlog-server", "-p", "fieldlog-cli"],
    )?;
    let console = tally.cargo_test(
        Command::new(&cargo)
            .args([
                "test",
                "-p",
                "fieldlog-system-tests",
                "--test",
                "console_walk",
                "--test",
                "console_dispatch_walk",
            ])
            .args(["--", "--ignored", "--test-threads=1"])
            // The dispatch walk validates the console's signed PDF with it.
            .env("PYHANKO", workspace_root().join(".venv/bin/pyhanko"))
            .env(test_postgres::URL_VAR, &postgres.url),
        // Chromium's helper processes outlive chromedriver: the group is ended whole.
        true,
    );
    postgres.stop()?;
    console?;

    step("end-to-end: the real app under Xvfb + tauri-driver");
    run(&cargo, &["build", "-p", "fieldlog-app"])?;
    let e2e = e2e_tests(&cargo, &mut tally);

    // Issue 20: the packages of this (debug) build, installed over the previous release's.
    let packages = e2e.and_then(|()| {
        dist::build_binaries(dist::Profile::Debug)?;
        test_packages::install_upgrade_remove()
    });

    println!(
        "\nxtask: every check ran in {:.0} s ({} ignored outside the end-to-end run)",
        started.elapsed().as_secs_f64(),
        tally.ignored
    );
    // One plain closing line for the whole run.
    println!("{} passed, {} failed", tally.passed, tally.failed);
    packages
}

/// The arguments of `dbus-run-session` that run a command in a private session bus and X display.
pub const XVFB_SESSION: [&str; 5] = ["--", "xvfb-run", "-a", "-s", "-screen 0 1280x800x24"];

/// The real-app end-to-end tests: every `tests/e2e_*.rs` (each declared as a `[[test]]` of the
/// system-tests package), so a new walk is run by CI without being listed twice.
fn e2e_test_names() -> Result<Vec<String>> {
    let dir = workspace_root().join("tests");
    let entries =
        std::fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".rs").filter(|s| s.starts_with("e2e_")) {
            names.push(stem.to_string());
        }
    }
    names.sort();
    Ok(names)
}

/// Runs the `#[ignore]`d end-to-end tests inside a private session bus and X display, in a process
/// group of their own that is killed afterwards: WebKit and the drivers leave daemons behind.
fn e2e_tests(cargo: &str, tally: &mut Tally) -> Result {
    let mut command = Command::new("dbus-run-session");
    command
        .args(XVFB_SESSION)
        .args([cargo, "test", "-p", "fieldlog-system-tests"])
        .args(e2e_test_names()?.iter().flat_map(|name| ["--test", name]))
        .args(["--", "--ignored", "--test-threads=1"])
        .env("TAURI_DRIVER", tauri_driver_path());
    tally.cargo_test(&mut command, true)
}
