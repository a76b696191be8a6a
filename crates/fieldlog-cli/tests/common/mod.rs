//! Running the `fieldlog` binary from tests, as a user or a script would, against a real database
//! file: shared by the CLI's test files.

#![allow(dead_code)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

pub fn fieldlog(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fieldlog"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("FIELDLOG_DB")
        .output()
        .unwrap()
}

/// Runs a command that must succeed and returns its stdout.
pub fn ok(db: &Path, args: &[&str]) -> String {
    let out = fieldlog(db, args);
    assert!(
        out.status.success(),
        "fieldlog {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn json(db: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&ok(db, &all)).unwrap()
}

/// Runs a command that must fail; returns stderr.
pub fn fails(db: &Path, args: &[&str]) -> String {
    let out = fieldlog(db, args);
    assert!(
        !out.status.success(),
        "fieldlog {args:?} should have failed"
    );
    assert!(
        out.stdout.is_empty(),
        "a failed command prints nothing on stdout"
    );
    String::from_utf8(out.stderr).unwrap()
}

pub fn dump(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    fieldlog_store::migrations::data_dump(&conn).unwrap()
}

/// Exports the demo's signed daily report to `pdf`.
pub fn export_signed(db: &Path, pdf: &Path) {
    let reports = json(db, &["report", "list"]);
    let signed = reports
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "signed")
        .expect("the demo has a signed report")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let exported = json(
        db,
        &["export", "daily", &signed, "--out", pdf.to_str().unwrap()],
    );
    assert_eq!(exported["signed"], true);
}
