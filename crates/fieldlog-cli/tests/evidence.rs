//! Issue 14 as an attacker and a tired user would try it, through the real `fieldlog` binary on a
//! real profile file: text that cannot be printed, terminal escapes, the profile's permissions,
//! and the evidence chain.

mod common;

use common::{dump, fails, fieldlog, json, ok};
use std::path::{Path, PathBuf};

struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile.sqlite");
    Db { _dir: dir, path }
}

/// The demo's draft report of today for `林晓东`, and a site code of its contract.
fn todays_draft(db: &Path) -> (String, String) {
    let reports = json(
        db,
        &[
            "report",
            "list",
            "--contract",
            "county-police-village-query",
        ],
    );
    let draft = reports
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "draft" && r["technician_name"] == "林晓东")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let sites = json(
        db,
        &["site", "list", "--contract", "county-police-village-query"],
    );
    let site = sites[5]["code"].as_str().unwrap().to_owned();
    (draft, site)
}

fn add_entry(db: &Path, report: &str, site: &str, work: &str) -> std::process::Output {
    fieldlog(
        db,
        &[
            "report",
            "add-entry",
            report,
            "--site",
            site,
            "--cause",
            "光模块老化",
            "--work",
            work,
        ],
    )
}

#[test]
fn emoji_and_control_characters_are_refused_at_input_naming_the_character() {
    let db = db();
    ok(&db.path, &["demo"]);
    let (report, site) = todays_draft(&db.path);
    let before = dump(&db.path);

    for (work, named) in [
        ("更换光模块，恢复正常👍", "U+1F44D"),
        ("更换光模块\u{1b}[2J", "U+001B"),
        ("更换\u{202E}模块", "U+202E"),
        ("更换\u{E000}模块", "U+E000"),
    ] {
        let out = add_entry(&db.path, &report, &site, work);
        assert!(!out.status.success(), "{work:?} was accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(named), "{work:?}: {err}");
        assert!(
            err.contains("处理情况"),
            "the message names the field: {err}"
        );
        assert!(
            !err.contains('\u{1b}'),
            "the refusal does not echo the escape"
        );
    }
    assert_eq!(dump(&db.path), before, "nothing saved is lost or changed");

    // A multi-line field keeps its line breaks, and the report still signs and exports.
    let doc = json(
        &db.path,
        &[
            "report",
            "add-entry",
            &report,
            "--site",
            &site,
            "--cause",
            "光模块老化",
            "--work",
            "更换光模块\r\n复测 -12.3 dBm，35℃，①号口",
        ],
    );
    assert_eq!(
        doc["entries"][0]["work_done"],
        "更换光模块\n复测 -12.3 dBm，35℃，①号口"
    );
    // A one-line field refuses one.
    let err = fails(
        &db.path,
        &[
            "report",
            "add-entry",
            &report,
            "--site",
            &site,
            "--cause",
            "光模块\n老化",
            "--work",
            "更换",
        ],
    );
    assert!(err.contains("只能填一行"), "{err}");
}

#[test]
fn report_show_escapes_what_it_prints() {
    let db = db();
    ok(&db.path, &["demo"]);
    let (report, site) = todays_draft(&db.path);
    let out = add_entry(&db.path, &report, &site, "更换光模块");
    assert!(out.status.success());
    // A row saved before input was checked (or written behind the store's back) holds escapes.
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute(
        "UPDATE report_entries SET work_done = ?1 WHERE report_id = ?2",
        ("清屏\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m结束", &report),
    )
    .unwrap();
    drop(conn);

    let text = ok(&db.path, &["report", "show", &report]);
    for c in ['\u{1b}', '\u{7}', '\u{9b}'] {
        assert!(!text.contains(c), "{c:?} reached the terminal: {text:?}");
    }
    assert!(text.contains("清屏\\u{1b}[2J"), "{text}");
    let as_json = ok(&db.path, &["--json", "report", "show", &report]);
    assert!(!as_json.contains('\u{9b}') && !as_json.contains('\u{1b}'));
    let parsed: serde_json::Value = serde_json::from_str(&as_json).unwrap();
    assert_eq!(
        parsed["entries"][0]["work_done"], "清屏\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m结束",
        "JSON keeps the value exactly, escaped"
    );
}
