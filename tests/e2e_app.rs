//! The real desktop app under a real WebDriver (tauri-driver + WebKitWebDriver, under Xvfb).
//! Needs a display and the drivers, so it is `#[ignore]`d in a plain `cargo test`;
//! `cargo xtask test` runs it inside `dbus-run-session -- xvfb-run`.

use fieldlog_system_tests::webdriver::{Session, TauriDriver, app_binary};
use std::collections::BTreeSet;
use std::time::Duration;

#[test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver: run through `cargo xtask test`"]
fn first_window_shows_the_open_faults_from_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("profile.sqlite");
    let expected: BTreeSet<String> = {
        let mut store = fieldlog_store::Store::open(&db).unwrap();
        store.seed_demo(chrono::Utc::now()).unwrap();
        store
            .open_fault_rows(chrono::Utc::now())
            .unwrap()
            .iter()
            .map(|f| f.id.to_string())
            .collect()
    };
    assert!(!expected.is_empty());

    let driver = TauriDriver::start(&[("FIELDLOG_DB", db.as_path())]);
    let session = Session::new(&driver, &app_binary());
    let rows = session.wait_for(
        "[data-testid=fault-row]",
        Duration::from_secs(20),
        |found| found.len() == expected.len(),
    );
    let shown: BTreeSet<String> = rows
        .iter()
        .map(|row| session.attribute(row, "data-fault-id").unwrap())
        .collect();
    assert_eq!(
        shown, expected,
        "the window shows exactly the store's open faults"
    );

    let first = session.text(&rows[0]);
    assert!(
        first.contains("重大故障") && first.contains("待响应"),
        "newest fault first, in Chinese: {first}"
    );
    let profile = session.find_all("[data-testid=profile]");
    assert!(session.text(&profile[0]).contains("林晓东"));
    let status = session.find_all("[data-testid=status]");
    assert_eq!(
        session.text(&status[0]),
        format!("共 {} 条", expected.len())
    );
    // Let WebKit paint the table before the picture is taken.
    std::thread::sleep(Duration::from_millis(300));
    session.screenshot("first-window");
}
