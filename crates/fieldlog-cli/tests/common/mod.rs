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
        // The tests read zh-CN text, whatever the machine's locale.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
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

/// The id of the demo's first signed daily report.
pub fn signed_report(db: &Path) -> String {
    let reports = json(db, &["report", "list"]);
    reports
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "signed")
        .expect("the demo has a signed report")["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Exports the demo's signed daily report to `pdf`.
pub fn export_signed(db: &Path, pdf: &Path) {
    let signed = signed_report(db);
    let exported = json(
        db,
        &["export", "daily", &signed, "--out", pdf.to_str().unwrap()],
    );
    assert_eq!(exported["signed"], true);
}

/// A real server on a loopback port (SQLite) with one contract and one technician, and that
/// technician's laptop (the demo data) enrolled with it.
pub struct Enrolled {
    pub storage: std::sync::Arc<fieldlog_server::SqliteStorage>,
    pub server: fieldlog_server::RunningServer,
    pub laptop: std::path::PathBuf,
    pub technician: String,
    /// The server's root certificate, written to a file.
    pub root: std::path::PathBuf,
    pub root_name: String,
}

pub fn enrolled_laptop(dir: &Path, name: &str) -> Enrolled {
    use fieldlog_server::admin;
    let storage = std::sync::Arc::new(
        fieldlog_server::SqliteStorage::open(dir.join("server.sqlite")).unwrap(),
    );
    admin::add_contract(&*storage, "county-police-village-query", "村居警务查询运维").unwrap();
    let technician = admin::add_technician(&*storage, name).unwrap();
    admin::assign(&*storage, &technician, "county-police-village-query").unwrap();
    let code = admin::enrollment_code(&*storage, &technician, chrono::Utc::now()).unwrap();
    let server =
        fieldlog_server::RunningServer::start(storage.clone(), "127.0.0.1:0".parse().unwrap())
            .unwrap();
    let laptop = dir.join("laptop.sqlite");
    ok(&laptop, &["init", "--name", name]);
    ok(&laptop, &["demo"]);
    ok(
        &laptop,
        &["enroll", "--server", &server.url(), "--code", &code],
    );
    let root_pem = admin::ca_certificate(&*storage, chrono::Utc::now()).unwrap();
    let root = dir.join("server-root.pem");
    std::fs::write(&root, &root_pem).unwrap();
    let root_name = fieldlog_certs::common_name(
        &fieldlog_certs::certificates_from_pem(&root_pem).unwrap()[0]
            .tbs_certificate
            .subject,
    )
    .unwrap();
    Enrolled {
        storage,
        server,
        laptop,
        technician,
        root,
        root_name,
    }
}
