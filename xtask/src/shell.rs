//! Running other programs from the workspace root: each step titled, each failure naming the
//! command line that failed, so a red CI log says what to run again.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every task's result: `Err` carries the sentence shown after `xtask: 失败 FAILED:`.
pub type Result<T = ()> = std::result::Result<T, String>;

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` when set (relative to the workspace, as
/// cargo reads it), else `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    }
}

pub fn step(title: &str) {
    println!("\n== {title}");
}

/// Runs a command in the workspace root, inheriting output; fails with the command line.
pub fn run(program: &str, args: &[&str]) -> Result {
    run_with(Command::new(program).args(args))
}

pub fn run_with(command: &mut Command) -> Result {
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

pub fn cargo() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}
