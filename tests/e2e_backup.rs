//! Backup and restore in the real app (issue 20), under tauri-driver + WebKitWebDriver in Xvfb:
//! Settings → 立即备份 writes a backup into the export folder (as PDFs go there, no native
//! dialog); the technician's name is then changed; a file that is no backup is refused with the
//! core's message and nothing changed; the backup is restored after the confirmation, which says
//! the current profile is kept aside; the profile is the backup's again (every table), and the
//! profile as it was before the restore is kept beside the database. Screenshots under
//! `artifacts/e2e/`.

use fieldlog_store::Store;
use fieldlog_store::migrations::data_dump;
use fieldlog_system_tests::app::{WAIT, open_app, seeded_db, shot, wait_text};
use fieldlog_system_tests::webdriver::TauriDriver;
use std::path::{Path, PathBuf};

fn backups_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "fieldlog-backup"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
#[ignore = "needs Xvfb, tauri-driver and WebKitWebDriver: run through `cargo xtask test`"]
fn settings_backs_the_profile_up_and_restores_it_keeping_the_current_one_aside() {
    let dir = tempfile::tempdir().unwrap();
    let db = seeded_db(dir.path());
    {
        let mut store = Store::open(&db).unwrap();
        store
            .init_profile("林晓东", Some("T-0042"), chrono::Utc::now())
            .unwrap();
    }
    let exports = dir.path().join("exports");
    let not_a_backup = dir.path().join("巡检笔记.txt");
    std::fs::write(&not_a_backup, "不是备份\n".repeat(100)).unwrap();

    let gpu = Path::new("1");
    let keystore = Path::new("file");
    let driver = TauriDriver::start(&[
        ("FIELDLOG_DB", db.as_path()),
        ("FIELDLOG_EXPORT_DIR", exports.as_path()),
        ("FIELDLOG_KEYSTORE", keystore),
        ("FIELDLOG_GPU", gpu),
    ]);
    let s = open_app(&driver);
    s.click_on("[data-testid=nav-settings]");
    s.find("[data-testid=backup-panel]");
    wait_text(&s, "[data-testid=backup-moving]", "换电脑");
    shot(&s, "backup-01-settings");

    // Back up.
    s.click_on("[data-testid=backup-now]");
    let done = wait_text(&s, "[data-testid=backup-done]", "已备份到");
    let made = backups_in(&exports);
    assert_eq!(made.len(), 1, "{made:?}");
    let backup = made[0].clone();
    assert!(
        done.contains(&*backup.file_name().unwrap().to_string_lossy()),
        "{done}"
    );
    shot(&s, "backup-02-done");
    let backed_up = {
        let conn = rusqlite::Connection::open(&backup).unwrap();
        data_dump(&conn).unwrap()
    };

    // Then the technician's name changes (a change the restore must undo).
    s.type_into(
        "[data-testid=form-profile] [data-testid=field-name]",
        "林晓东（改）",
    );
    s.click_on("[data-testid=form-profile] [data-testid=submit]");
    wait_text(&s, "[data-testid=form-profile] [data-testid=saved]", "");
    let changed = data_dump(Store::open(&db).unwrap().connection()).unwrap();
    assert_ne!(changed, backed_up);

    // Not a backup: the core's message, nothing changed, the confirmation gone.
    s.type_into(
        "[data-testid=field-backup-file]",
        &not_a_backup.display().to_string(),
    );
    s.click_on("[data-testid=restore]");
    wait_text(&s, "[data-testid=restore-confirm]", "不会被删除");
    s.click_on("[data-testid=confirm-restore]");
    wait_text(
        &s,
        "[data-testid=backup-panel] [data-testid=error]",
        "不是 Fieldlog 档案备份",
    );
    shot(&s, "backup-03-not-a-backup");
    assert_eq!(
        data_dump(Store::open(&db).unwrap().connection()).unwrap(),
        changed
    );

    // The backup: the confirmation says what happens to the current profile; then restored.
    s.type_into(
        "[data-testid=field-backup-file]",
        &backup.display().to_string(),
    );
    s.click_on("[data-testid=restore]");
    let confirm = wait_text(&s, "[data-testid=restore-confirm]", "另存");
    assert!(confirm.contains("重新打开"), "{confirm}");
    shot(&s, "backup-04-confirm");
    s.click_on("[data-testid=confirm-restore]");
    let restored = wait_text(&s, "[data-testid=restore-done]", "已恢复");
    assert!(restored.contains("before-restore"), "{restored}");
    shot(&s, "backup-05-restored");

    // Every table is the backup's; the profile as it was is kept beside the database.
    assert_eq!(
        data_dump(Store::open(&db).unwrap().connection()).unwrap(),
        backed_up
    );
    let kept: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("profile.sqlite.before-restore-")
        })
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let aside = rusqlite::Connection::open(&kept[0]).unwrap();
    assert_eq!(data_dump(&aside).unwrap(), changed);

    // The window shows the restored profile: the name as it was backed up.
    s.click_on("[data-testid=nav-today]");
    s.click_on("[data-testid=nav-settings]");
    s.wait_for(
        "[data-testid=form-profile] [data-testid=field-name]",
        WAIT,
        |f| !f.is_empty(),
    );
    let name = s.execute(
        "return document.querySelector('[data-testid=form-profile] [data-testid=field-name]').value",
        serde_json::json!([]),
    );
    assert_eq!(name, serde_json::json!("林晓东"), "{name}");
    shot(&s, "backup-06-settings-after-restore");
}
