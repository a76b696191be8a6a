//! Generated files up to date: files written from Rust (the UI's TypeScript types, the label
//! tables) are committed, and each has a command that fails when the committed copy differs
//! from what its generator writes now. The tidy step runs every registered command.
//!
//! To register a generated file, add a [`GeneratedCheck`] to [`CHECKS`]: what is generated, the
//! command that fails on drift (a leading `cargo` runs the cargo that runs xtask), and the
//! command that writes it afresh, shown to whoever sees the failure.

use crate::shell::{cargo, run_with, workspace_root};
use std::process::Command;

/// One generated file (or folder) and how to tell that it is stale.
pub struct GeneratedCheck {
    /// What is generated, as a reader finds it: a path, and from what.
    pub what: &'static str,
    /// Fails (non-zero exit) when the committed file is stale; run in the workspace root.
    pub check: &'static [&'static str],
    /// What to run to write the file afresh.
    pub fix: &'static str,
}

/// Every generated file of the workspace.
pub const CHECKS: &[GeneratedCheck] = &[GeneratedCheck {
    what: "ui/src/generated/wire.ts and office.ts (the window's and the console's types, from fieldlog-wire)",
    check: &[
        "cargo",
        "test",
        "-p",
        "fieldlog-wire",
        "--test",
        "ui_contract",
    ],
    fix: "UPDATE_SNAPSHOTS=1 cargo test -p fieldlog-wire --test ui_contract",
}];

/// Runs each check; one sentence per stale file.
pub fn check(checks: &[GeneratedCheck]) -> Vec<String> {
    let mut problems = Vec::new();
    for generated in checks {
        let Some((program, args)) = generated.check.split_first() else {
            problems.push(format!("{}: no check command registered", generated.what));
            continue;
        };
        let program = if *program == "cargo" {
            cargo()
        } else {
            (*program).to_owned()
        };
        println!("checking {}", generated.what);
        if let Err(error) = run_with(
            Command::new(program)
                .args(args.iter())
                .current_dir(workspace_root()),
        ) {
            problems.push(format!(
                "{} is stale or its check failed ({error}): regenerate with `{}` and commit it",
                generated.what, generated.fix
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_check_names_the_file_and_the_fix_and_a_passing_one_is_quiet() {
        let checks = [
            GeneratedCheck {
                what: "fresh.ts",
                check: &["true"],
                fix: "nothing",
            },
            GeneratedCheck {
                what: "stale.ts",
                check: &["false"],
                fix: "make stale.ts",
            },
            GeneratedCheck {
                what: "unchecked.ts",
                check: &[],
                fix: "",
            },
        ];
        let problems = check(&checks);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("stale.ts is stale"), "{problems:?}");
        assert!(problems[0].contains("`make stale.ts`"), "{problems:?}");
        assert!(
            problems[1].contains("unchecked.ts: no check command"),
            "{problems:?}"
        );
    }
}
