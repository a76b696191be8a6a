//! The commit a binary was built from, for `--version` and the app's About: a build-dependency of
//! the three binaries' crates only (`fieldlog-app`, `fieldlog-cli`, `fieldlog-server`), so a new
//! commit rebuilds those and never the core crates.
//!
//! [`emit`] sets `FIELDLOG_COMMIT` for the crate (read with `env!("FIELDLOG_COMMIT")`) and `FIELDLOG_VERSION_LINE`
//! (`0.2.0 (commit 1a2b3c4)`, for clap's `version`): the
//! `FIELDLOG_COMMIT` environment variable when set (builds from a tarball, distribution builds),
//! else `git rev-parse --short HEAD`, else `unknown`. It tells cargo to run the build script
//! again only when that variable, `HEAD` or the branch `HEAD` points at changes, so the commit is
//! never stale and an ordinary rebuild does not rerun it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The name of the environment variable, both the override read here and the one set for rustc.
pub const VARIABLE: &str = "FIELDLOG_COMMIT";

/// Prints the cargo directives; call it from a build script.
pub fn emit() {
    println!("cargo:rerun-if-env-changed={VARIABLE}");
    let commit = match std::env::var(VARIABLE) {
        Ok(value) if !value.trim().is_empty() => value.trim().to_owned(),
        _ => {
            for file in git_files_naming_head() {
                println!("cargo:rerun-if-changed={}", file.display());
            }
            git(&["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into())
        }
    };
    println!("cargo:rustc-env={VARIABLE}={commit}");
    // What `--version` prints after the program's name: `0.2.0 (commit 1a2b3c4)`.
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    println!("cargo:rustc-env=FIELDLOG_VERSION_LINE={version} (commit {commit})");
}

/// `HEAD` (per worktree), the branch file it names and `packed-refs` (shared): a commit, a
/// checkout or a `git pack-refs` changes one of them.
fn git_files_naming_head() -> Vec<PathBuf> {
    let (Some(git_dir), Some(common_dir)) = (
        git(&["rev-parse", "--absolute-git-dir"]),
        git(&["rev-parse", "--path-format=absolute", "--git-common-dir"]),
    ) else {
        return Vec::new();
    };
    let git_dir = PathBuf::from(git_dir);
    let common_dir = PathBuf::from(common_dir);
    let mut files = vec![git_dir.join("HEAD"), common_dir.join("packed-refs")];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        files.push(common_dir.join(branch));
    }
    // cargo reruns a script whose listed file is missing on every build: list only present ones.
    files.retain(|file| Path::new(file).exists());
    files
}

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !text.is_empty()).then_some(text)
}
