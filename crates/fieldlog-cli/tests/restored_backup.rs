//! `fieldlog sync` on a profile restored from a backup older than its device's last sync (issue
//! 20), as a technician runs it: the real binary, a real server on a loopback port. The sync
//! fails with the laptop's own Chinese-first sentence saying what to do, `sync --status` shows it
//! with the change still waiting, and the profile is unchanged by the refusal.

mod common;

use common::{Enrolled, enrolled_laptop, fails, json, ok};
use fieldlog_server::admin;
use std::path::Path;

/// Every table but the sync state (which notes the failed round).
fn kept(laptop: &Path) -> String {
    let conn = rusqlite::Connection::open(laptop).unwrap();
    let dump = fieldlog_store::migrations::data_dump_except(&conn, &["sync_state"]).unwrap();
    assert!(dump.contains("== sync_outbox"), "the dump names its tables");
    dump
}

#[test]
fn sync_after_restoring_an_older_backup_says_what_to_do_and_keeps_the_change() {
    let dir = tempfile::tempdir().unwrap();
    // The server runs while `_server` lives.
    let Enrolled {
        laptop,
        server: _server,
        storage,
        technician,
        ..
    } = enrolled_laptop(dir.path(), "测试丙");
    // The demo's second contract too, so the whole profile syncs.
    admin::add_contract(&*storage, "city-egov-extranet", "市电子政务外网运维").unwrap();
    admin::assign(&*storage, &technician, "city-egov-extranet").unwrap();
    ok(&laptop, &["sync"]);
    let backup = dir.path().join("较旧.fieldlog-backup");
    ok(&laptop, &["backup", "--out", backup.to_str().unwrap()]);
    // The device goes on after the backup: one more change sent.
    json(&laptop, &["parts", "use", "BJ-WPC", "--qty", "1"]);
    ok(&laptop, &["sync"]);

    json(&laptop, &["restore", backup.to_str().unwrap()]);
    json(&laptop, &["parts", "use", "BJ-WPC", "--qty", "1"]);
    let before = kept(&laptop);
    let said = fails(&laptop, &["sync"]);
    assert!(
        said.contains("本机档案来自较旧的备份：请管理员在控制台停用本机，然后重新注册；未上传的记录会保留并在重新注册后上传"),
        "{said}"
    );
    let status: serde_json::Value =
        serde_json::from_str(&ok(&laptop, &["--json", "sync", "--status"])).unwrap();
    assert!(status["pending_changes"].as_i64().unwrap() > 0, "{status}");
    assert!(
        status["last_error"]
            .as_str()
            .unwrap()
            .contains("较旧的备份"),
        "{status}"
    );
    // Only the sync state's note of the failure changed: the change still waits.
    assert_eq!(kept(&laptop), before);
}
