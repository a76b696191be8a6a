//! `fieldlog enroll` and `fieldlog sync`, the real binary against a real server on a loopback port:
//! one laptop's demo data reaches another; an unreachable server or a missing enrollment is one
//! clear sentence and loses nothing.

mod common;

use common::{fieldlog, ok};
use fieldlog_server::{RunningServer, SqliteStorage, admin};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;

const CONTRACTS: [&str; 2] = ["county-police-village-query", "city-egov-extranet"];

fn status(db: &Path) -> Value {
    serde_json::from_str(&ok(db, &["--json", "sync", "--status"])).unwrap()
}

fn code_for(storage: &SqliteStorage, name: &str) -> String {
    let id = admin::add_technician(storage, name).unwrap();
    for contract in CONTRACTS {
        admin::assign(storage, &id, contract).unwrap();
    }
    admin::enrollment_code(storage, &id, chrono::Utc::now()).unwrap()
}

#[test]
fn demo_data_from_one_laptop_reaches_another_through_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Arc::new(SqliteStorage::open(dir.path().join("server.sqlite")).unwrap());
    for code in CONTRACTS {
        admin::add_contract(&*storage, code, code).unwrap();
    }
    let server = RunningServer::start(storage.clone(), "127.0.0.1:0".parse().unwrap()).unwrap();
    let url = server.url();

    let a = dir.path().join("a.sqlite");
    ok(&a, &["init", "--name", "测试甲"]);
    ok(&a, &["demo"]);
    let missing = fieldlog(&a, &["sync"]);
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("尚未注册"));
    ok(
        &a,
        &[
            "enroll",
            "--server",
            &url,
            "--code",
            &code_for(&storage, "测试甲"),
        ],
    );
    assert!(status(&a)["pending_changes"].as_i64().unwrap() > 0);
    let round: Value = serde_json::from_str(&ok(&a, &["--json", "sync"])).unwrap();
    assert!(round["round"]["pushed"].as_u64().unwrap() > 0);
    assert_eq!(status(&a)["pending_changes"], 0);
    assert!(status(&a)["last_good_sync_at"].is_string());

    // The second laptop enrolls with the text of the office console's QR code.
    let b = dir.path().join("b.sqlite");
    ok(&b, &["init", "--name", "测试乙"]);
    let not_a_link = fieldlog(&b, &["enroll", "fieldlog-enroll:2?server=x&code=y"]);
    assert!(!not_a_link.status.success());
    assert!(
        String::from_utf8_lossy(&not_a_link.stderr).contains("fieldlog-enroll:1"),
        "{}",
        String::from_utf8_lossy(&not_a_link.stderr)
    );
    let link = fieldlog_wire::office::v1::people::EnrollmentLink {
        server_url: url.clone(),
        code: code_for(&storage, "测试乙"),
    };
    ok(&b, &["enroll", &link.to_text()]);
    ok(&b, &["sync"]);
    for args in [
        &["--json", "contract"][..],
        &["--json", "report", "list"][..],
        &["--json", "parts", "balance"][..],
    ] {
        // A stock report names the laptop's colleagues: everyone but its own technician, so
        // that list differs between two laptops by design; everything else must be the same.
        let without_colleagues = |mut v: Value| {
            if let Some(rows) = v.as_array_mut() {
                for row in rows {
                    if let Some(row) = row.as_object_mut() {
                        row.remove("colleagues");
                    }
                }
            }
            v
        };
        let from_a: Value = without_colleagues(serde_json::from_str(&ok(&a, args)).unwrap());
        let from_b: Value = without_colleagues(serde_json::from_str(&ok(&b, args)).unwrap());
        assert_eq!(from_a, from_b, "fieldlog {args:?} differs after sync");
    }

    // The server goes away: a sync is one clear sentence, and the new work waits, unharmed.
    drop(server);
    ok(&b, &["init", "--name", "测试乙"]);
    let pending = status(&b)["pending_changes"].clone();
    let out = fieldlog(&b, &["sync"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("无法连接同步服务器"), "{stderr}");
    assert_eq!(status(&b)["pending_changes"], pending);
    assert!(status(&b)["last_error"].is_string());
}
