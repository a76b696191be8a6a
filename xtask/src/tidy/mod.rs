//! `cargo xtask tidy`, also the first check of `cargo xtask test`: what the compiler and the tests
//! do not see. Four parts, each in its module:
//!
//! - [`deps`]: the dependency invariants of ARCHITECTURE.md, on `cargo metadata`'s resolved graph;
//! - [`generated`]: generated files up to date (a registry of checks);
//! - [`macros`]: no `todo!`, `unimplemented!` or `dbg!` in our sources;
//! - [`server_pdf`]: only the server's `office/month.rs` names the PDF crates.
//!
//! Every part runs, then every problem is listed at once with where it is, so one run shows all
//! there is to fix.

mod deps;
mod generated;
mod json;
mod macros;
mod server_pdf;

use crate::shell::{Result, cargo, step, workspace_root};
use std::process::Command;

pub fn tidy() -> Result {
    let mut problems = Vec::new();

    step("tidy: dependency invariants (cargo metadata)");
    let graph = deps::Graph::from_metadata(&metadata()?)?;
    problems.extend(deps::check(&graph, &deps::rules()));

    step("tidy: no todo!/unimplemented!/dbg! in our sources");
    problems.extend(macros::scan(&workspace_root(), macros::ROOTS)?);

    step("tidy: only the server's office/month.rs names the PDF crates");
    problems.extend(server_pdf::scan(&workspace_root())?);

    step("tidy: generated files up to date");
    if generated::CHECKS.is_empty() {
        println!("no generated files registered");
    }
    problems.extend(generated::check(generated::CHECKS));

    if problems.is_empty() {
        println!("tidy: all clear");
        Ok(())
    } else {
        Err(format!(
            "tidy found {} problem(s):\n  - {}",
            problems.len(),
            problems.join("\n  - ")
        ))
    }
}

/// `cargo metadata` of the workspace, with the resolved graph for every platform.
fn metadata() -> Result<json::Json> {
    let out = Command::new(cargo())
        .args(["metadata", "--format-version", "1"])
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = String::from_utf8(out.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    json::parse(&text).map_err(|e| format!("cargo metadata's output: {e}"))
}
