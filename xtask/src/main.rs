//! `cargo xtask`: the two commands of the README, the set-up they share, and the checks CI runs.
//!
//! - `cargo xtask run`: installs what the app needs, builds it, seeds demo data into the default
//!   profile on first run, and starts the desktop app (`run_app`).
//! - `cargo xtask test`: installs what the tests need, then runs every check CI runs: the tidy
//!   step, rustfmt, clippy with `-D warnings`, every test, and the end-to-end tests of the real
//!   app under Xvfb (`test`).
//! - `cargo xtask tidy`: only the tidy step: the dependency invariants of ARCHITECTURE.md read
//!   from `cargo metadata`, generated files up to date, no `todo!`/`unimplemented!`/`dbg!` left
//!   in our sources (`tidy`).
//! - `cargo xtask dist`: the release packages: the app's .deb and .rpm (with the `fieldlog` CLI)
//!   and the server's .deb (`dist`).
//! - `cargo xtask test-packages`: only the install/upgrade/remove step of `test`, on the debug
//!   build (`test_packages`; root only: it installs packages).
//! - `cargo xtask setup [run|test]`: only the installs (`install`).
//! - `cargo xtask bench-startup`, `cargo xtask bench-pdf`: the benchmarks of BENCHMARKS.md that need
//!   more than `cargo bench` (a display; reportlab and a TrueType CJK font) (`bench`).
//! - `cargo xtask with-postgres [--durable] COMMAND…`: runs one command (say `cargo test -p
//!   fieldlog-sync`) with a throwaway PostgreSQL cluster and `FIELDLOG_TEST_POSTGRES_URL` pointing
//!   at it (`--durable`: fsync on, for benchmarks) (`test_postgres`).
//!
//! Installs are idempotent (a present package is not touched) and say clearly what failed. No
//! dependencies: this must build in seconds on a fresh machine (so `tidy` reads `cargo
//! metadata`'s JSON with its own small parser).

mod args;
mod bench;
mod dist;
mod install;
mod run_app;
mod shell;
mod test;
mod test_packages;
mod test_postgres;
mod tidy;

use args::Task;
use std::process::ExitCode;

fn main() -> ExitCode {
    let words: Vec<String> = std::env::args().skip(1).collect();
    let result = args::parse(&words).and_then(|task| match task {
        Task::Run => run_app::run_app(),
        Task::Test => test::test_all(),
        Task::Tidy => tidy::tidy(),
        Task::Dist => dist::dist(),
        Task::TestPackages => test_packages::install_upgrade_remove(),
        Task::Setup(purpose) => install::setup(purpose),
        Task::BenchStartup => bench::bench_startup(),
        Task::BenchPdf => bench::bench_pdf(),
        Task::WithPostgres {
            durability,
            program,
            args,
        } => test_postgres::with_postgres(durability, &program, &args),
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: 失败 FAILED: {message}");
            ExitCode::FAILURE
        }
    }
}
