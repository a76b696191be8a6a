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

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `fieldlog` with the platform's default profile (no `--db`), under a made-up home.
#[cfg(unix)]
fn fieldlog_default(home: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_fieldlog"))
        .args(args)
        .env_remove("FIELDLOG_DB")
        // The tests read zh-CN text, whatever the machine's locale.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "zh_CN.UTF-8")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("FIELDLOG_KEYSTORE", "file")
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn profile_files_are_the_technicians_alone_and_old_ones_are_tightened() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data/fieldlog");
    let profiles = data.join("profiles");
    let file = profiles.join("default.sqlite");
    let out = fieldlog_default(home.path(), &["init", "--name", "张三"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mode(&data), 0o700, "the data folder");
    assert_eq!(mode(&profiles), 0o700, "the profiles folder");
    assert_eq!(mode(&file), 0o600, "the database");

    // A profile an older build left readable by everyone is tightened when opened.
    set_mode(&data, 0o755);
    set_mode(&profiles, 0o755);
    set_mode(&file, 0o644);
    let wal = profiles.join("default.sqlite-wal");
    std::fs::write(&wal, b"").unwrap();
    set_mode(&wal, 0o644);
    let out = fieldlog_default(home.path(), &["fault", "list"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        (mode(&data), mode(&profiles), mode(&file)),
        (0o700, 0o700, 0o600)
    );
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }

    // With --db: the file is made private; a folder the user chose is theirs to share, but
    // one fieldlog creates is private.
    let chosen = home.path().join("shared");
    std::fs::create_dir(&chosen).unwrap();
    set_mode(&chosen, 0o755);
    let db = chosen.join("work.sqlite");
    std::fs::write(&db, b"").unwrap();
    set_mode(&db, 0o644);
    ok(&db, &["init", "--name", "张三"]);
    assert_eq!((mode(&chosen), mode(&db)), (0o755, 0o600));
    let nested = home.path().join("new/deeper/p.sqlite");
    ok(&nested, &["init", "--name", "张三"]);
    assert_eq!(mode(nested.parent().unwrap()), 0o700);
    assert_eq!(mode(&nested), 0o600);
}

/// A private session bus with a real Secret Service (GNOME Keyring, its login keyring unlocked
/// with a made-up password) in a throwaway home: the keyring the tests use is their own.
#[cfg(unix)]
struct SecretService {
    home: tempfile::TempDir,
    bus: std::process::Child,
    keyring: std::process::Child,
    address: String,
}

#[cfg(unix)]
impl SecretService {
    fn start() -> SecretService {
        use std::io::{BufRead, Write};
        use std::process::{Command, Stdio};
        let home = tempfile::tempdir().unwrap();
        let runtime = home.path().join("run");
        std::fs::create_dir(&runtime).unwrap();
        set_mode(&runtime, 0o700);
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (cargo xtask setup test installs it)");
        let mut address = String::new();
        std::io::BufReader::new(bus.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        let address = address.trim().to_owned();
        let mut keyring = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_RUNTIME_DIR", &runtime)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon (cargo xtask setup test installs gnome-keyring)");
        keyring
            .stdin
            .take()
            .unwrap()
            .write_all(b"made-up-test-password")
            .unwrap();
        let service = SecretService {
            home,
            bus,
            keyring,
            address,
        };
        for _ in 0..100 {
            let owned = Command::new("dbus-send")
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .env("DBUS_SESSION_BUS_ADDRESS", &service.address)
                .output()
                .unwrap();
            if String::from_utf8_lossy(&owned.stdout).contains("boolean true") {
                return service;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("the Secret Service did not start on the test's bus");
    }

    fn fieldlog(&self, db: &Path, keystore: &str, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_fieldlog"))
            .arg("--db")
            .arg(db)
            .args(args)
            .env_remove("FIELDLOG_DB")
            // The tests read zh-CN text, whatever the machine's locale.
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "zh_CN.UTF-8")
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("FIELDLOG_KEYSTORE", keystore)
            .output()
            .unwrap()
    }

    /// `export daily REPORT --out OUT` under `keystore`, which must succeed; its output.
    fn export(&self, db: &Path, keystore: &str, report: &str, out: &Path) -> std::process::Output {
        let output = self.fieldlog(
            db,
            keystore,
            &["export", "daily", report, "--out", out.to_str().unwrap()],
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// The secret stored under `fieldlog-key`, read by libsecret's own tool.
    fn lookup(&self, account: &str) -> String {
        let out = std::process::Command::new("secret-tool")
            .args(["lookup", "application", "fieldlog", "fieldlog-key", account])
            .env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("HOME", self.home.path())
            .output()
            .expect("secret-tool (cargo xtask setup test installs libsecret-tools)");
        String::from_utf8(out.stdout).unwrap()
    }
}

#[cfg(unix)]
impl Drop for SecretService {
    fn drop(&mut self) {
        let _ = self.keyring.kill();
        let _ = self.keyring.wait();
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}

fn meta(db: &Path, key: &str) -> Option<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .ok()
}

/// Every byte of the profile: the database and its WAL.
fn profile_bytes(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    if let Ok(more) = std::fs::read(&wal) {
        bytes.extend(more);
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn first_signed_report(db: &Path) -> String {
    json(db, &["report", "list"])
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "signed")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[cfg(unix)]
#[test]
fn the_signing_key_lives_in_a_real_secret_service_and_leaves_the_file() {
    let service = SecretService::start();
    let db = db();
    ok(&db.path, &["demo"]);
    let report = first_signed_report(&db.path);

    // An older profile: the key was made while it lived in the file.
    let pdf1 = db.path.with_file_name("one.pdf");
    let out = service.export(&db.path, "file", &report, &pdf1);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("未找到可用的系统密钥库"),
        "the CLI says the key stays in the file"
    );
    let key = meta(&db.path, "signing_key_pem").expect("the key in the file");
    let key_line = key.lines().nth(1).unwrap().to_owned();
    assert!(contains(&profile_bytes(&db.path), &key_line));

    // With the Secret Service at hand, the next signing moves it there and erases it here.
    let pdf2 = db.path.with_file_name("two.pdf");
    let out = service.export(&db.path, "os", &report, &pdf2);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("未找到"));
    assert_eq!(meta(&db.path, "signing_key_pem"), None);
    let account = meta(&db.path, "signing_key_ref").expect("a reference to the key store");
    assert_eq!(
        service.lookup(&account).trim(),
        key.trim(),
        "secret-tool reads the same key"
    );
    assert!(
        !contains(&profile_bytes(&db.path), &key_line),
        "no trace of the key is left in the database or its WAL"
    );
    assert!(!contains(&profile_bytes(&db.path), "PRIVATE KEY"));

    // Signing again reads it from the key store: the same signer verifies.
    let pdf3 = db.path.with_file_name("three.pdf");
    service.export(&db.path, "os", &report, &pdf3);
    // The demo profile is not enrolled: its self-issued signer verifies intact but not trusted
    // (`verify` exits 3), which is all this test needs to compare the two signers.
    let verify = |pdf: &std::path::Path| -> serde_json::Value {
        let out = fieldlog(&db.path, &["--json", "verify", pdf.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(3),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let one = verify(&pdf1);
    let three = verify(&pdf3);
    assert_eq!(three["intact"], true);
    assert_eq!(one["signer"], three["signer"]);

    // A new profile with the key store at hand never writes its key to the file.
    let fresh = db.path.with_file_name("fresh.sqlite");
    let out = service.fieldlog(&fresh, "os", &["demo"]);
    assert!(out.status.success());
    let report = first_signed_report(&fresh);
    service.export(&fresh, "os", &report, &pdf3.with_extension("f.pdf"));
    assert!(!contains(&profile_bytes(&fresh), "PRIVATE KEY"));
    assert_ne!(meta(&fresh, "signing_key_ref"), Some(account));
}

/// What an attacker with the whole SQLite file does first: drops the guard triggers on the
/// evidence tables (the chain's own triggers are left alone).
fn drop_guards(conn: &rusqlite::Connection) {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'trigger'
             AND tbl_name IN ('daily_reports', 'report_entries', 'signatures', 'entry_parts', 'stock_movements')",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for name in names {
        conn.execute_batch(&format!("DROP TRIGGER \"{name}\""))
            .unwrap();
    }
}

fn audit(db: &Path) -> (bool, serde_json::Value) {
    let out = fieldlog(db, &["--json", "audit", "verify"]);
    let body: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    (out.status.success(), body)
}

fn problems(audit: &serde_json::Value) -> Vec<(String, String)> {
    audit["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["problem"].as_str().unwrap().to_owned(),
                f["record_id"]
                    .as_str()
                    .or(f["report_id"].as_str())
                    .unwrap_or("")
                    .to_owned(),
            )
        })
        .collect()
}

#[test]
fn an_untouched_profile_audits_intact() {
    let db = db();
    ok(&db.path, &["demo"]);
    let (ok_exit, body) = audit(&db.path);
    assert!(ok_exit, "{body}");
    assert!(body["links"].as_i64().unwrap() > 20, "{body}");
    assert_eq!(body["findings"], serde_json::json!([]));
}

/// A demo profile whose first signed report had an entry edited with the guard triggers dropped.
fn signed_report_edited_behind_the_store() -> (Db, String) {
    let db = db();
    ok(&db.path, &["demo"]);
    let report = first_signed_report(&db.path);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    drop_guards(&conn);
    conn.execute(
        "UPDATE report_entries SET work_done = '改过的处理情况' WHERE report_id = ?1",
        [&report],
    )
    .unwrap();
    drop(conn);
    (db, report)
}

#[test]
fn dropped_triggers_and_an_edited_entry_export_refuses_and_audit_finds_it() {
    let (db, report) = signed_report_edited_behind_the_store();
    assert_eq!(
        json(&db.path, &["report", "show", &report])["content_intact"],
        false
    );
    let pdf = db.path.with_file_name("forged.pdf");
    let out = fieldlog(
        &db.path,
        &["export", "daily", &report, "--out", pdf.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "export signed altered content");
    assert!(!pdf.exists(), "no PDF is written");
    assert!(
        err.contains("证据校验未通过") && err.contains(&report),
        "{err}"
    );
    let (ok_exit, body) = audit(&db.path);
    assert!(!ok_exit);
    let found = problems(&body);
    assert!(
        found.contains(&("edited".into(), report.clone())),
        "{found:?}"
    );
    assert!(
        found.contains(&("signed_content_changed".into(), report.clone())),
        "{found:?}"
    );
}

#[test]
fn an_edit_with_a_recomputed_content_hash_is_found() {
    let (db, report) = signed_report_edited_behind_the_store();
    // The attacker recomputes the signed-content hash and the entries the signature covers the
    // way the store does, and the signer's name for good measure: `report show` is fooled.
    let store = fieldlog_store::Store::open(&db.path).unwrap();
    let doc = store.report_document(report.parse().unwrap()).unwrap();
    let hash = fieldlog_domain::report::content_hash(&doc.report, &doc.entries);
    let covers = fieldlog_domain::report::coverage(&doc.entries);
    drop(store);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    conn.execute(
        "UPDATE signatures SET content_hash = ?1, covers = ?2, signer_name = '别人' WHERE subject_id = ?3",
        [&hash, &covers, &report],
    )
    .unwrap();
    drop(conn);
    assert_eq!(
        json(&db.path, &["report", "show", &report])["content_intact"],
        true,
        "the re-hash fools the old check"
    );
    let (ok_exit, body) = audit(&db.path);
    assert!(!ok_exit);
    let found = problems(&body);
    assert!(
        found.contains(&("edited".into(), report.clone())),
        "{found:?}"
    );
    let signature_edited = body["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["problem"] == "edited" && f["kind"] == "signature");
    assert!(signature_edited, "{body}");
    let text = String::from_utf8(fieldlog(&db.path, &["audit", "verify"]).stdout).unwrap();
    assert!(text.contains("被改动"), "{text}");
    let pdf = db.path.with_file_name("forged.pdf");
    let err = fails(
        &db.path,
        &["export", "daily", &report, "--out", pdf.to_str().unwrap()],
    );
    assert!(err.contains("证据校验未通过"), "{err}");
}

#[test]
fn a_deleted_signed_report_is_found() {
    let db = db();
    ok(&db.path, &["demo"]);
    let report = first_signed_report(&db.path);
    let conn = rusqlite::Connection::open(&db.path).unwrap();
    drop_guards(&conn);
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    for sql in [
        "DELETE FROM entry_parts WHERE entry_id IN (SELECT id FROM report_entries WHERE report_id = ?1)",
        "DELETE FROM report_entries WHERE report_id = ?1",
        "DELETE FROM signatures WHERE subject_id = ?1",
        "DELETE FROM daily_reports WHERE id = ?1 OR amends_id = ?1",
    ] {
        conn.execute(sql, [&report]).unwrap();
    }
    drop(conn);
    let (ok_exit, body) = audit(&db.path);
    assert!(!ok_exit);
    let found = problems(&body);
    assert!(
        found.contains(&("deleted".into(), report.clone())),
        "{found:?}"
    );
    assert!(
        body["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["problem"] == "deleted" && f["kind"] == "signature"),
        "{body}"
    );
}

/// The whole attack: with the file in hand, delete a signed report and rebuild the chain over
/// what is left (the hash function is public), so the laptop's own check passes.
fn delete_report_and_rebuild_chain(db: &Path, report: &str) {
    let store = fieldlog_store::Store::open(db).unwrap();
    let conn = store.connection();
    drop_guards(conn);
    conn.execute_batch(
        "DROP TRIGGER evidence_chain_append_only_delete; PRAGMA foreign_keys = OFF;",
    )
    .unwrap();
    for sql in [
        "DELETE FROM entry_parts WHERE entry_id IN (SELECT id FROM report_entries WHERE report_id = ?1)",
        "DELETE FROM report_entries WHERE report_id = ?1",
        "DELETE FROM signatures WHERE subject_id = ?1",
        "DELETE FROM daily_reports WHERE id = ?1 OR amends_id = ?1",
    ] {
        conn.execute(sql, [report]).unwrap();
    }
    conn.execute_batch(&format!(
        "DELETE FROM evidence_chain; {}",
        fieldlog_store::migrations::chain_backfill_sql()
    ))
    .unwrap();
}

#[test]
fn a_deleted_report_hidden_by_a_rebuilt_chain_is_found_against_the_server() {
    use fieldlog_server::{RunningServer, SqliteStorage, admin};
    let dir = tempfile::tempdir().unwrap();
    let storage =
        std::sync::Arc::new(SqliteStorage::open(dir.path().join("server.sqlite")).unwrap());
    let contracts = ["county-police-village-query", "city-egov-extranet"];
    for code in contracts {
        admin::add_contract(&*storage, code, code).unwrap();
    }
    let server = RunningServer::start(storage.clone(), "127.0.0.1:0".parse().unwrap()).unwrap();
    let db = dir.path().join("laptop.sqlite");
    ok(&db, &["init", "--name", "林晓东"]);
    ok(&db, &["demo"]);
    let id = admin::add_technician(&*storage, "林晓东").unwrap();
    for code in contracts {
        admin::assign(&*storage, &id, code).unwrap();
    }
    let code = admin::enrollment_code(&*storage, &id, chrono::Utc::now()).unwrap();
    ok(&db, &["enroll", "--server", &server.url(), "--code", &code]);
    ok(&db, &["sync"]);

    let (intact, body) = audit(&db);
    assert!(intact, "{body}");
    assert_eq!(
        body["server_links"], body["links"],
        "compared with the server's copy"
    );

    let report = first_signed_report(&db);
    delete_report_and_rebuild_chain(&db, &report);
    let store = fieldlog_store::Store::open(&db).unwrap();
    assert!(
        store.audit().unwrap().intact(),
        "the laptop alone is fooled"
    );
    drop(store);

    let (intact, body) = audit(&db);
    assert!(!intact, "{body}");
    let kinds: Vec<&str> = body["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["problem"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"differs_from_server") || kinds.contains(&"missing_here"),
        "{body}"
    );
    let text = String::from_utf8(fieldlog(&db, &["audit", "verify"]).stdout).unwrap();
    assert!(text.contains("服务器"), "{text}");
}
