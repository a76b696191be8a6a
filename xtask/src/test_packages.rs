//! The install, upgrade and remove test of `cargo xtask test` (issue 20), with `apt`/`dpkg` for
//! real (CI is root on a throwaway machine; so is `cargo xtask test-packages` alone):
//!
//! 1. package the debug build the test run already compiled ([`dist::package`]): version N;
//!    check the `.rpm`'s metadata and file list with `rpm -qip`/`-qlp`/`-qpR`;
//! 2. install the previous release's packages, the fixture `tests/fixtures/packages/0.1.0/`;
//! 3. seed a laptop profile with the OLD `fieldlog` (demo month, signed reports included) and
//!    the server database through the OLD server (a technician, the laptop enrolled and synced);
//! 4. upgrade to version N, configuration kept (`--force-confold`: the test changed the port);
//! 5. check: the NEW `fieldlog` reads every record of the old profile (the same report and fault
//!    ids), the installed app binary starts on that profile under Xvfb and keeps running, and under
//!    WebDriver its Faults and Reports screens list exactly those ids (`tests/installed_app.rs`;
//!    the full walks run on the debug build in the e2e step), the upgraded server answers on
//!    its port, a second laptop enrolls and receives every report, and the first syncs again;
//! 6. `apt-get remove`: the data, settings and user are kept; `dpkg --purge`: all three gone.
//!
//! Where systemd does not run (containers, CI), the server is started the way the unit would:
//! its `ExecStart` line read from the installed unit, as its `User`, in its `WorkingDirectory`,
//! and stopped with SIGTERM as `systemctl stop` would; the output says so.

use crate::dist::{self, Packages, Profile};
use crate::install::{install_apt, tauri_driver_path};
use crate::shell::{Result, run_with, step, workspace_root};
use std::fs;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The previous release: the first packaged one.
const PREVIOUS: &str = "0.1.0";
const UNIT_FILE: &str = "/usr/lib/systemd/system/fieldlog-server.service";
const CONFIG_FILE: &str = "/etc/fieldlog/server.toml";
const DATA_DIR: &str = "/var/lib/fieldlog";
/// The demo month's contracts (fieldlog-demo), the technician's on the server.
const CONTRACTS: [&str; 2] = ["county-police-village-query", "city-egov-extranet"];

pub fn install_upgrade_remove() -> Result {
    let started = Instant::now();
    step("packages: install, upgrade, remove (issue 20)");
    if !is_root() {
        return Err("the package test installs packages for real: run it as root (CI is)".into());
    }
    // `rpm` reads the .rpm's metadata; xauth and xvfb start the installed app.
    install_apt(&["rpm", "xvfb", "xauth", "dbus-x11"])?;
    let new = dist::package(Profile::Debug)?;
    check_rpm(&new)?;
    let fixture = workspace_root()
        .join("tests/fixtures/packages")
        .join(PREVIOUS);
    let old_app = fixture.join(format!("fieldlog_{PREVIOUS}_amd64.deb"));
    let old_server = fixture.join(format!("fieldlog-server_{PREVIOUS}_amd64.deb"));

    step("clean slate: purge fieldlog and fieldlog-server if present");
    purge()?;

    step(&format!("install {PREVIOUS} (the fixture)"));
    apt_install(&[&old_app, &old_server], false)?;
    expect_version("fieldlog", PREVIOUS)?;
    expect_version("fieldlog-server", PREVIOUS)?;
    print_footprint()?;
    let port = free_port()?;
    set_listen(port)?;
    let url = format!("http://127.0.0.1:{port}");

    let work = std::env::temp_dir().join(format!("fieldlog-packages-{}", std::process::id()));
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).map_err(|e| e.to_string())?;
    let laptop = work.join("laptop-a.sqlite");
    let result = (|| -> Result {
        step(&format!(
            "seed with {PREVIOUS}: a profile by the old fieldlog, the server through the old server"
        ));
        let server = Server::start(port)?;
        server_admin(&[
            "contract-add",
            "--code",
            CONTRACTS[0],
            "--name",
            CONTRACTS[0],
        ])?;
        server_admin(&[
            "contract-add",
            "--code",
            CONTRACTS[1],
            "--name",
            CONTRACTS[1],
        ])?;
        fieldlog(&laptop, &["init", "--name", "测试甲"])?;
        fieldlog(&laptop, &["demo"])?;
        fieldlog(
            &laptop,
            &[
                "enroll",
                "--server",
                &url,
                "--code",
                &enroll_code("测试甲")?,
            ],
        )?;
        fieldlog(&laptop, &["sync"])?;
        let before = records(&laptop)?;
        println!(
            "seeded: {} reports, {} faults",
            before.reports.len(),
            before.faults.len()
        );
        if before.reports.is_empty() || before.faults.is_empty() {
            return Err("the old fieldlog seeded no reports or faults".into());
        }
        server.stop()?;

        step(&format!("upgrade to {} (configuration kept)", new.version));
        apt_install(&[&new.app_deb, &new.server_deb], true)?;
        expect_version("fieldlog", &new.version)?;
        expect_version("fieldlog-server", &new.version)?;
        print_footprint()?;
        let shown = output(Command::new("/usr/bin/fieldlog").arg("--version"))?;
        if !shown.contains(&new.version) || !shown.contains("commit") {
            return Err(format!("fieldlog --version says {shown:?}"));
        }
        if !read(Path::new(CONFIG_FILE))?.contains(&format!(":{port}\"")) {
            return Err(format!("the upgrade replaced the changed {CONFIG_FILE}"));
        }

        step("after the upgrade: every record, the app starts, the server syncs");
        let after = records(&laptop)?;
        if after.reports != before.reports || after.faults != before.faults {
            return Err(format!(
                "the new fieldlog reads {} reports and {} faults of the old profile, the old one wrote {} and {}",
                after.reports.len(),
                after.faults.len(),
                before.reports.len(),
                before.faults.len()
            ));
        }
        println!("the new fieldlog reads every record of the old profile");
        app_starts(&laptop)?;
        app_lists_every_record(&laptop, &after)?;
        let server = Server::start(port)?;
        fieldlog(&laptop, &["sync"])?;
        let second = work.join("laptop-b.sqlite");
        fieldlog(&second, &["init", "--name", "测试乙"])?;
        fieldlog(
            &second,
            &[
                "enroll",
                "--server",
                &url,
                "--code",
                &enroll_code("测试乙")?,
            ],
        )?;
        fieldlog(&second, &["sync"])?;
        let received = records(&second)?;
        if !before
            .reports
            .iter()
            .all(|id| received.reports.contains(id))
        {
            return Err(format!(
                "a laptop enrolled after the upgrade received {} of the {} reports the server held",
                received.reports.len(),
                before.reports.len()
            ));
        }
        println!(
            "the upgraded server holds every report: a new laptop received all {}",
            before.reports.len()
        );
        server.stop()?;

        step("remove: data, settings and user kept");
        run_with(apt().args(["remove", "-y", "-qq", "fieldlog", "fieldlog-server"]))?;
        for kept in [
            format!("{DATA_DIR}/fieldlog-server.sqlite"),
            CONFIG_FILE.to_owned(),
        ] {
            if !Path::new(&kept).exists() {
                return Err(format!("apt-get remove deleted {kept}"));
            }
        }
        if !user_exists()? {
            return Err("apt-get remove deleted the user fieldlog".into());
        }
        if records(&laptop).is_ok() {
            return Err("/usr/bin/fieldlog is still there after apt-get remove".into());
        }

        step("purge: data, settings and user gone");
        purge()?;
        for gone in [DATA_DIR, CONFIG_FILE] {
            if Path::new(gone).exists() {
                return Err(format!("dpkg --purge left {gone}"));
            }
        }
        if user_exists()? {
            return Err("dpkg --purge left the user fieldlog".into());
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = purge();
    }
    let _ = fs::remove_dir_all(&work);
    result?;
    println!(
        "packages: install {PREVIOUS}, upgrade to {}, remove, purge: passed in {:.0} s",
        new.version,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The `.rpm`: named and versioned, with the CLI, the app, the desktop entry, the icon, and
/// WebKitGTK 4.1 and a CJK font required.
fn check_rpm(new: &Packages) -> Result {
    step("the .rpm's metadata and file list (rpm -qip, -qlp, -qpR)");
    let rpm = |flag: &str| output(Command::new("rpm").arg(flag).arg(&new.app_rpm));
    let info = rpm("-qip")?;
    let files = rpm("-qlp")?;
    let requires = rpm("-qpR")?;
    println!("{info}{files}{requires}");
    let wanted = [
        (info.as_str(), format!("Version     : {}", new.version)),
        (files.as_str(), "/usr/bin/fieldlog\n".into()),
        (files.as_str(), "/usr/bin/fieldlog-app\n".into()),
        (files.as_str(), ".desktop".into()),
        (files.as_str(), "/usr/share/icons/hicolor/".into()),
        (requires.as_str(), "webkit2gtk4.1".into()),
        (requires.as_str(), "google-noto-sans-cjk-fonts".into()),
    ];
    for (text, part) in wanted {
        if !text.contains(&part) {
            return Err(format!("{} lacks {part:?}", new.app_rpm.display()));
        }
    }
    Ok(())
}

fn is_root() -> bool {
    output(Command::new("id").arg("-u")).is_ok_and(|id| id.trim() == "0")
}

fn apt() -> Command {
    let mut command = Command::new("apt-get");
    command.env("DEBIAN_FRONTEND", "noninteractive");
    command
}

/// `apt-get install ./a.deb ./b.deb`: local packages, dependencies from the archive.
fn apt_install(debs: &[&Path], keep_config: bool) -> Result {
    let mut command = apt();
    command.args([
        "install",
        "-y",
        "-qq",
        "--no-install-recommends",
        "--allow-downgrades",
    ]);
    if keep_config {
        command.args(["-o", "Dpkg::Options::=--force-confold"]);
    }
    run_with(command.args(debs))
}

fn purge() -> Result {
    for package in ["fieldlog", "fieldlog-server"] {
        if output(Command::new("dpkg-query").args(["-W", "-f=${db:Status-Status}", package]))
            .is_ok_and(|status| !status.trim().is_empty() && status.trim() != "not-installed")
        {
            run_with(Command::new("dpkg").args(["--purge", package]))?;
        }
    }
    Ok(())
}

fn expect_version(package: &str, version: &str) -> Result {
    let installed = output(Command::new("dpkg-query").args(["-W", "-f=${Version}", package]))?;
    if installed.trim() == version {
        Ok(())
    } else {
        Err(format!(
            "{package} is {installed:?} after the install, not {version}"
        ))
    }
}

/// The installed footprint (BENCHMARKS.md): dpkg's `Installed-Size` and what `du` counts.
fn print_footprint() -> Result {
    for package in ["fieldlog", "fieldlog-server"] {
        let size =
            output(Command::new("dpkg-query").args(["-W", "-f=${Installed-Size}", package]))?;
        let files = output(Command::new("dpkg-query").args(["-L", package]))?;
        let regular: Vec<&str> = files.lines().filter(|f| Path::new(f).is_file()).collect();
        let du = output(Command::new("du").args(["-ck"]).args(&regular))?;
        let total = du
            .lines()
            .last()
            .unwrap_or_default()
            .split_whitespace()
            .next()
            .unwrap_or("?");
        println!(
            "installed {package}: Installed-Size {} KiB, du of its files {total} KiB",
            size.trim()
        );
    }
    Ok(())
}

fn user_exists() -> Result<bool> {
    Ok(Command::new("getent")
        .args(["passwd", "fieldlog"])
        .output()
        .map_err(|e| e.to_string())?
        .status
        .success())
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// The admin's one change to the conffile: the port (a free one, the machine may run another).
fn set_listen(port: u16) -> Result {
    let text = read(Path::new(CONFIG_FILE))?;
    let changed: String = text
        .lines()
        .map(|line| {
            if line.starts_with("listen = ") {
                format!("listen = \"127.0.0.1:{port}\"\n")
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    fs::write(CONFIG_FILE, changed).map_err(|e| format!("cannot write {CONFIG_FILE}: {e}"))
}

/// The running server: by systemd where it runs, else the unit's command line as its user.
/// Dropped without [`Server::stop`] (a failed check), it is stopped all the same.
enum Server {
    Systemd,
    Process(Option<Child>),
}

impl Drop for Server {
    fn drop(&mut self) {
        match self {
            Server::Systemd => {
                let _ = Command::new("systemctl")
                    .args(["stop", "fieldlog-server.service"])
                    .status();
            }
            Server::Process(child) => {
                if let Some(child) = child.take() {
                    let _ = terminate(child);
                }
            }
        }
    }
}

/// SIGTERM, as `systemctl stop` sends, then the wait: the server ends cleanly (status 0).
fn terminate(mut child: Child) -> Result {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait().map_err(|e| e.to_string())?;
    println!("server stopped ({status})");
    Ok(())
}

impl Server {
    fn start(port: u16) -> Result<Server> {
        let server = if Path::new("/run/systemd/system").is_dir() {
            run_with(Command::new("systemctl").args(["restart", "fieldlog-server.service"]))?;
            Server::Systemd
        } else {
            let unit = Unit::read(Path::new(UNIT_FILE))?;
            println!(
                "systemd is not running here: starting the unit's ExecStart as user {} in {} \
                 (as fieldlog-server.service would): {}",
                unit.user,
                unit.working_directory,
                unit.exec_start.join(" ")
            );
            // setpriv execs the server itself as the user (no process in between), so SIGTERM
            // reaches it as systemd's would.
            let child = Command::new("setpriv")
                .args([
                    "--reuid",
                    &unit.user,
                    "--regid",
                    &unit.user,
                    "--init-groups",
                    "--",
                ])
                .args(&unit.exec_start)
                .current_dir(&unit.working_directory)
                .stdin(Stdio::null())
                .spawn()
                .map_err(|e| format!("cannot start {}: {e}", unit.exec_start.join(" ")))?;
            Server::Process(Some(child))
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                let _ = server.stop();
                return Err(format!(
                    "the server does not answer on port {port} within 30 s"
                ));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(server)
    }

    /// Stops it as `systemctl stop` would, and waits for it to end.
    fn stop(mut self) -> Result {
        match &mut self {
            Server::Systemd => {
                run_with(Command::new("systemctl").args(["stop", "fieldlog-server.service"]))
            }
            Server::Process(child) => match child.take() {
                Some(child) => terminate(child),
                None => Ok(()),
            },
        }
    }
}

/// What the test needs of the installed unit file.
#[derive(Debug, PartialEq)]
struct Unit {
    exec_start: Vec<String>,
    user: String,
    working_directory: String,
}

impl Unit {
    fn read(path: &Path) -> Result<Unit> {
        Unit::parse(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn parse(text: &str) -> Result<Unit> {
        let value = |key: &str| {
            text.lines()
                .find_map(|line| line.trim().strip_prefix(key)?.strip_prefix('='))
                .map(str::trim)
                .ok_or(format!("no {key}="))
        };
        Ok(Unit {
            // The unit's ExecStart has no quoting: words split on spaces.
            exec_start: value("ExecStart")?
                .split_whitespace()
                .map(String::from)
                .collect(),
            user: value("User")?.to_owned(),
            working_directory: value("WorkingDirectory")?.to_owned(),
        })
    }
}

/// `fieldlog-server --config /etc/fieldlog/server.toml …` as the service's user.
fn server_admin(args: &[&str]) -> Result<String> {
    output(
        Command::new("runuser")
            .args([
                "-u",
                "fieldlog",
                "--",
                "/usr/bin/fieldlog-server",
                "--config",
                CONFIG_FILE,
            ])
            .args(args)
            .current_dir("/"),
    )
}

/// A technician on both contracts and their one-time code.
fn enroll_code(name: &str) -> Result<String> {
    let id = server_admin(&["technician-add", "--name", name])?;
    let id = id.trim();
    for contract in CONTRACTS {
        server_admin(&["assign", "--technician", id, "--contract", contract])?;
    }
    Ok(server_admin(&["enroll-code", "--technician", id])?
        .trim()
        .to_owned())
}

/// The installed `fieldlog` on a profile.
fn fieldlog(db: &Path, args: &[&str]) -> Result<String> {
    output(
        Command::new("/usr/bin/fieldlog")
            .arg("--db")
            .arg(db)
            .args(args),
    )
}

/// The ids of a profile's reports and faults, as the installed CLI lists them.
#[derive(Debug, PartialEq)]
struct Records {
    reports: Vec<String>,
    faults: Vec<String>,
}

fn records(db: &Path) -> Result<Records> {
    let ids = |args: &[&str]| -> Result<Vec<String>> {
        // Pretty-printed JSON: `"id": "…"`; only the listed records' own ids start with `"id"`.
        let text = fieldlog(db, args)?.replace("\": \"", "\":\"");
        let mut ids: Vec<String> = text
            .split("\"id\":\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next().map(String::from))
            .collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    };
    Ok(Records {
        reports: ids(&["--json", "report", "list"])?,
        faults: ids(&["--json", "fault", "list", "--all"])?,
    })
}

/// The installed app on the old profile, under Xvfb: still running after 10 s (a failed
/// migration or a missing library ends it at once).
fn app_starts(db: &Path) -> Result {
    let mut child = Command::new("dbus-run-session")
        .args(crate::test::XVFB_SESSION)
        .arg("/usr/bin/fieldlog-app")
        .env("FIELDLOG_DB", db)
        .stdin(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start the installed app under Xvfb: {e}"))?;
    std::thread::sleep(Duration::from_secs(10));
    let exited = child.try_wait().map_err(|e| e.to_string())?;
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.wait();
    match exited {
        None => {
            println!("the installed app ran 10 s on the old profile under Xvfb");
            Ok(())
        }
        Some(status) => Err(format!(
            "the installed app ended at once on the old profile ({status})"
        )),
    }
}

/// The installed app under WebDriver on the old profile: its Faults (all) and Reports (every
/// month) screens list exactly the ids the old `fieldlog` wrote (`tests/installed_app.rs`).
fn app_lists_every_record(db: &Path, records: &Records) -> Result {
    let cargo = crate::shell::cargo();
    run_with(
        Command::new("dbus-run-session")
            .args(crate::test::XVFB_SESSION)
            .args([&cargo, "test", "-q", "-p", "fieldlog-system-tests"])
            .args(["--test", "installed_app", "--", "--ignored"])
            .current_dir(workspace_root())
            .env("TAURI_DRIVER", tauri_driver_path())
            .env("FIELDLOG_APP_BIN", "/usr/bin/fieldlog-app")
            .env("FIELDLOG_INSTALLED_DB", db)
            .env("FIELDLOG_EXPECT_FAULTS", records.faults.join(","))
            .env("FIELDLOG_EXPECT_REPORTS", records.reports.join(",")),
    )?;
    println!(
        "the installed app lists every record of the old profile ({} faults, {} reports)",
        records.faults.len(),
        records.reports.len()
    );
    Ok(())
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// A command's standard output; a failure carries its standard error.
fn output(command: &mut Command) -> Result<String> {
    let line = format!("{command:?}");
    let out = command
        .output()
        .map_err(|e| format!("cannot start {line}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{line} exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_units_command_line_user_and_folder_are_read_from_the_shipped_unit() {
        let shipped =
            read(&workspace_root().join("packaging/server/fieldlog-server.service")).unwrap();
        assert_eq!(
            Unit::parse(&shipped).unwrap(),
            Unit {
                exec_start: ["/usr/bin/fieldlog-server", "--config", CONFIG_FILE, "serve"]
                    .map(String::from)
                    .to_vec(),
                user: "fieldlog".into(),
                working_directory: DATA_DIR.into(),
            }
        );
        assert!(
            Unit::parse("[Service]\nUser=x\n")
                .unwrap_err()
                .contains("ExecStart")
        );
    }
}
