//! A throwaway PostgreSQL cluster for the tests (the server's PostgreSQL backend): Debian's
//! binaries (`/usr/lib/postgresql/N/bin`), a fresh `initdb` in a directory under `target/` (or
//! the temp directory when the postgres user cannot reach `target/`), the
//! server on a free loopback port with its unix socket in that directory, stopped and removed
//! when the [`TestPostgres`] is dropped (on success, on failure, and on a panic).
//!
//! initdb refuses to run as root, and CI runs as root: the cluster is then made and run as the
//! `postgres` user that Debian's package creates (`runuser -u postgres --`). It is a test
//! cluster, nothing more: trust authentication on loopback, and for the tests `fsync=off`
//! ([`Durability`]; benchmarks keep PostgreSQL's durable defaults).

use crate::install::install_apt;
use crate::shell::{Result, run_with, workspace_root};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The environment variable the tests read (crates/fieldlog-sync/tests/support).
pub const URL_VAR: &str = "FIELDLOG_TEST_POSTGRES_URL";

/// Debian's package of the default PostgreSQL (15 on Debian 12).
pub const APT_PACKAGE: &str = "postgresql";

/// Whether the cluster flushes to disk on commit.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Durability {
    /// PostgreSQL's defaults (fsync, synchronous commit): for benchmarks, to compare with the
    /// SQLite backend's `synchronous=FULL`.
    Full,
    /// No fsync: the tests run about a fifth faster (about 20 s less on this machine), and
    /// nothing they check depends on surviving a power cut.
    Off,
}

pub struct TestPostgres {
    /// `postgres://postgres@127.0.0.1:PORT/postgres`: the cluster's maintenance database, where a
    /// test may `CREATE DATABASE` its own.
    pub url: String,
    bin: PathBuf,
    dir: PathBuf,
    stopped: bool,
}

impl TestPostgres {
    pub fn start(durability: Durability) -> Result<TestPostgres> {
        let bin = binaries()?;
        let root = cluster_root();
        sweep(&root, &bin);
        let dir = root.join(format!("run-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let mut cluster = TestPostgres {
            url: String::new(),
            bin,
            dir,
            stopped: false,
        };
        if is_root() {
            // The postgres user must own the directory (initdb and the server run as it).
            cluster.run_quiet(
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(&cluster.dir),
                "chown the cluster directory to the postgres user (does the user exist? \
                 Debian's postgresql package creates it)",
            )?;
        }
        let data = cluster.dir.join("data");
        let mut initdb = cluster.as_owner("initdb");
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C"])
            .args(["--no-sync", "--no-instructions"]);
        cluster.run_quiet(&mut initdb, "initdb")?;
        let port = free_port()?;
        let mut options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {} -c max_connections=300",
            cluster.dir.display()
        );
        if durability == Durability::Off {
            options.push_str(" -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        }
        let mut start = cluster.as_owner("pg_ctl");
        start
            .arg("start")
            .arg("-D")
            .arg(&data)
            .arg("-l")
            .arg(cluster.dir.join("server.log"))
            .args(["-w", "-t", "60", "-o", &options]);
        if let Err(e) = cluster.run_quiet(&mut start, "pg_ctl start") {
            let log = std::fs::read_to_string(cluster.dir.join("server.log")).unwrap_or_default();
            return Err(format!("{e}\n  server log:\n{log}"));
        }
        cluster.url = format!("postgres://postgres@127.0.0.1:{port}/postgres");
        println!(
            "PostgreSQL test cluster: {} (in {})",
            cluster.url,
            cluster.dir.display()
        );
        Ok(cluster)
    }

    /// Stops the cluster and removes its directory; says so when it could not.
    pub fn stop(mut self) -> Result {
        self.stopped = true;
        stop_cluster(&self.bin, &self.dir)
    }

    fn as_owner(&self, program: &str) -> Command {
        as_owner(&self.bin, program)
    }

    fn run_quiet(&self, command: &mut Command, what: &str) -> Result {
        let line = format!("{command:?}");
        let out = command
            .current_dir(&self.dir)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("{what}: cannot start {line}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{what} failed ({}): {line}\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        if !self.stopped
            && let Err(e) = stop_cluster(&self.bin, &self.dir)
        {
            eprintln!("{e}");
        }
    }
}

/// Where clusters live: `target/test-postgres`, unless we are root and the postgres user cannot
/// reach `target/` (a checkout under `/root`, say): then the system's temp directory.
fn cluster_root() -> PathBuf {
    let target = workspace_root().join("target");
    let _ = std::fs::create_dir_all(&target);
    let reachable = !is_root()
        || Command::new("runuser")
            .args(["-u", "postgres", "--", "test", "-x"])
            .arg(&target)
            .status()
            .is_ok_and(|s| s.success());
    if reachable {
        target.join("test-postgres")
    } else {
        std::env::temp_dir().join("fieldlog-test-postgres")
    }
}

/// `program` from the PostgreSQL binaries, run as the postgres user when we are root.
fn as_owner(bin: &Path, program: &str) -> Command {
    let path = bin.join(program);
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(path);
        command
    } else {
        Command::new(path)
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// The newest `/usr/lib/postgresql/N/bin` that has initdb and pg_ctl.
fn binaries() -> Result<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            (bin.join("initdb").exists() && bin.join("pg_ctl").exists()).then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin).ok_or_else(|| {
        format!(
            "PostgreSQL's server binaries are not installed (no /usr/lib/postgresql/N/bin/initdb): \
             apt-get install -y {APT_PACKAGE}"
        )
    })
}

/// A free loopback port (the OS picks one; it stays free until the cluster takes it, barring a
/// race with another program that is not worth more than this).
fn free_port() -> Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("cannot find a free loopback port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

fn stop_cluster(bin: &Path, dir: &Path) -> Result {
    let data = dir.join("data");
    if data.join("postmaster.pid").exists() {
        let status = as_owner(bin, "pg_ctl")
            .arg("stop")
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "-t", "60"])
            .stdout(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run pg_ctl stop: {e}"))?;
        if !status.success() {
            return Err(format!(
                "could not stop the PostgreSQL test cluster in {} (pg_ctl stop: {status})",
                dir.display()
            ));
        }
    }
    std::fs::remove_dir_all(dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))
}

/// Clusters left by runs that were killed (their xtask process is gone): stopped and removed.
fn sweep(root: &Path, bin: &Path) {
    for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("run-"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = stop_cluster(bin, &entry.path());
        }
    }
}

/// `cargo xtask with-postgres [--durable] COMMAND…`: the command, with a throwaway PostgreSQL
/// cluster for its whole run (to run some tests against the PostgreSQL backend without all of
/// `cargo xtask test`; `--durable` keeps fsync on, for benchmarks).
pub fn with_postgres(durability: Durability, program: &str, args: &[String]) -> Result {
    install_apt(&[APT_PACKAGE])?;
    let postgres = TestPostgres::start(durability)?;
    let result = run_with(Command::new(program).args(args).env(URL_VAR, &postgres.url));
    postgres.stop()?;
    result
}
