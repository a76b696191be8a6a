//! Backing up and restoring a profile (issue 20): a demo month with photos and signed reports
//! backed up, restored on a "new laptop" (another profile file) with every table equal and its
//! PDFs still signing and verifying with the same key; each refusal the issue names (not a
//! profile, a newer version, damaged, the profile's own files) with its message and the data
//! dump unchanged; an older backup migrated.

use chrono::{DateTime, Utc};
use fieldlog_domain::photo::{PhotoStage, PhotoSubject};
use fieldlog_export::files::WriteError;
use fieldlog_export::profile_backup::backup_profile;
use fieldlog_export::{ExportError, Font};
use fieldlog_store::backup::RestoreError;
use fieldlog_store::migrations::{data_dump, data_dump_except};
use fieldlog_store::{NewPhoto, ReportFilter, Store};
use std::path::{Path, PathBuf};

fn now() -> DateTime<Utc> {
    "2026-11-20T08:00:00Z".parse().unwrap()
}

/// A demo month, two photos on a fault, and a signing identity made (a PDF exported).
fn demo_profile(path: &Path) -> Store {
    let mut store = Store::open(path).unwrap();
    store.init_profile("测试技服甲", None, now()).unwrap();
    fieldlog_demo::seed(&mut store, now()).unwrap();
    let fault = store.fault_rows(now()).unwrap()[0].id;
    for (n, stage) in [(1, PhotoStage::Before), (2, PhotoStage::After)] {
        store
            .add_photo(
                NewPhoto {
                    subject: PhotoSubject::Fault,
                    subject_id: fault.to_string(),
                    stage,
                    file_name: format!("IMG_{n}.JPG"),
                    bytes: fieldlog_demo::photo::sample_jpeg(640, 480, n, None),
                },
                now(),
            )
            .unwrap();
    }
    // The first export makes the profile's signing key and certificate.
    let report = signed_report(&store);
    fieldlog_export::daily_report(&mut store, report, &font(), now()).unwrap();
    store
}

fn font() -> Font {
    Font::locate().expect("a CJK font: cargo xtask setup installs fonts-noto-cjk")
}

fn signed_report(store: &Store) -> fieldlog_domain::ids::ReportId {
    store
        .report_rows(&ReportFilter::default())
        .unwrap()
        .into_iter()
        .find(|r| r.signed_at.is_some())
        .expect("the demo month has signed reports")
        .id
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

#[test]
fn a_demo_profile_restored_on_a_new_laptop_holds_every_table_and_its_pdfs_verify() {
    let old = tempfile::tempdir().unwrap();
    let store = demo_profile(&old.path().join("profile.sqlite"));
    let photos: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM photos", [], |r| r.get(0))
        .unwrap();
    assert!(photos >= 2);
    let identity = store
        .signing_identity_pem()
        .unwrap()
        .expect("a signing key");
    let before = data_dump(store.connection()).unwrap();

    let out = old.path().join("备份.fieldlog-backup");
    let made = backup_profile(&store, &out, false).unwrap();
    assert!(made.signing_key, "{made:?}");
    assert!(made.bytes > 100_000, "{made:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the backup holds the signing key");
    }
    // One file: no WAL or journal belongs to it, no temporary file stays.
    assert!(!old.path().join("备份.fieldlog-backup-wal").exists());
    assert!(
        files_in(old.path()).iter().all(|n| !n.ends_with(".part")),
        "{:?}",
        files_in(old.path())
    );
    // Backing up changed nothing of the profile.
    assert_eq!(data_dump(store.connection()).unwrap(), before);

    // The new laptop: a fresh profile of its own, then the restore.
    let new = tempfile::tempdir().unwrap();
    let mut laptop = Store::open(new.path().join("profile.sqlite")).unwrap();
    let fresh = data_dump(laptop.connection()).unwrap();
    let restored = laptop.restore_from(&out, now()).unwrap();
    assert_eq!(
        data_dump(laptop.connection()).unwrap(),
        before,
        "every table equal"
    );
    assert!(restored.contents.signing_key);
    let kept = &restored.previous_kept_at;
    assert!(
        kept.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("profile.sqlite.before-restore-20261120T080000Z"),
        "{kept:?}"
    );
    let aside = Store::open(kept).unwrap();
    assert_eq!(data_dump(aside.connection()).unwrap(), fresh);
    drop(aside);

    // The same key and certificate; a signed report's PDF exports and verifies.
    assert_eq!(laptop.signing_identity_pem().unwrap().unwrap(), identity);
    let report = signed_report(&laptop);
    let pdf = fieldlog_export::daily_report(&mut laptop, report, &font(), now()).unwrap();
    let verification = fieldlog_pdf::verify::verify_pdf(&pdf).unwrap();
    assert!(
        verification.intact && verification.covers_whole_file,
        "{verification:?}"
    );
    // And after reopening (what the app does at its next start).
    drop(laptop);
    let reopened = Store::open(new.path().join("profile.sqlite")).unwrap();
    assert_eq!(data_dump(reopened.connection()).unwrap(), before);
}

/// A copy of the profile's files and its dump, to check a refusal left everything as it was.
struct Unchanged {
    dump: String,
    files: Vec<String>,
    dir: PathBuf,
}

impl Unchanged {
    fn of(store: &Store) -> Unchanged {
        let dir = store.path().parent().unwrap().to_path_buf();
        Unchanged {
            dump: data_dump(store.connection()).unwrap(),
            files: files_in(&dir),
            dir,
        }
    }

    fn check(&self, store: &Store) {
        assert_eq!(data_dump(store.connection()).unwrap(), self.dump);
        assert_eq!(files_in(&self.dir), self.files, "no file added or removed");
    }
}

#[test]
fn restores_that_would_lose_data_are_refused_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = demo_profile(&dir.path().join("profile.sqlite"));
    let elsewhere = tempfile::tempdir().unwrap();

    // Not a profile: a text file, an empty file, another program's SQLite database.
    let text = elsewhere.path().join("notes.txt");
    std::fs::write(&text, "巡检记录\n".repeat(200)).unwrap();
    let empty = elsewhere.path().join("empty.fieldlog-backup");
    std::fs::write(&empty, b"").unwrap();
    let other = elsewhere.path().join("other.sqlite");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE photos (id TEXT); INSERT INTO photos VALUES ('x');")
        .unwrap();
    let missing = elsewhere.path().join("missing.fieldlog-backup");
    for file in [&text, &empty, &other, &missing] {
        let unchanged = Unchanged::of(&store);
        let err = store.restore_from(file, now()).unwrap_err();
        assert!(
            matches!(err, RestoreError::NotAProfile(_)),
            "{file:?}: {err}"
        );
        assert!(err.to_string().contains("不是 Fieldlog 档案备份"), "{err}");
        assert!(err.to_string().contains("未做任何改动"), "{err}");
        unchanged.check(&store);
    }

    // From a newer Fieldlog: the schema says a version this build does not know.
    let newer = elsewhere.path().join("newer.fieldlog-backup");
    backup_profile(&store, &newer, false).unwrap();
    let latest = fieldlog_store::migrations::latest_version();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, 'future', '2027-01-01T00:00:00Z')",
            [latest + 5],
        )
        .unwrap();
    let unchanged = Unchanged::of(&store);
    let err = store.restore_from(&newer, now()).unwrap_err();
    match &err {
        RestoreError::TooNew {
            found, supported, ..
        } => {
            assert_eq!((*found, *supported), (latest + 5, latest));
        }
        other => panic!("{other}"),
    }
    assert!(
        err.to_string()
            .contains("请先把本机 Fieldlog 升级到最新版本"),
        "{err}"
    );
    unchanged.check(&store);

    // Damaged: a page of the backup overwritten.
    let damaged = elsewhere.path().join("damaged.fieldlog-backup");
    backup_profile(&store, &damaged, false).unwrap();
    let mut bytes = std::fs::read(&damaged).unwrap();
    let page = 4096;
    let start = bytes.len() / 2 / page * page;
    bytes[start..start + page].fill(0x5a);
    std::fs::write(&damaged, &bytes).unwrap();
    let err = store.restore_from(&damaged, now()).unwrap_err();
    assert!(matches!(err, RestoreError::Damaged { .. }), "{err}");
    assert!(err.to_string().contains("已损坏"), "{err}");
    unchanged.check(&store);

    // The profile's own database and WAL.
    for own in ["profile.sqlite", "profile.sqlite-wal"] {
        let path = dir.path().join(own);
        if !path.exists() {
            continue;
        }
        let err = store.restore_from(&path, now()).unwrap_err();
        assert!(matches!(err, RestoreError::OwnDatabase(_)), "{own}: {err}");
        assert!(err.to_string().contains("不能从它恢复"), "{err}");
        unchanged.check(&store);
    }
    // English, for `--lang en`.
    let body = fieldlog_wire::ToErrorBody::error_body(
        &RestoreError::NotAProfile(text.clone()),
        fieldlog_domain::Lang::En,
    );
    assert!(
        body.message.contains("is not a Fieldlog profile backup"),
        "{}",
        body.message
    );
}

#[test]
fn a_backup_is_never_written_over_the_profile_or_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_profile(&dir.path().join("profile.sqlite"));
    let db_bytes = || std::fs::read(dir.path().join("profile.sqlite")).unwrap();
    let unchanged = Unchanged::of(&store);
    let bytes = db_bytes();
    for target in [
        "profile.sqlite",
        "profile.sqlite-wal",
        "profile.sqlite-shm",
        "profile.sqlite.bak",
    ] {
        for replace in [false, true] {
            let err = backup_profile(&store, &dir.path().join(target), replace).unwrap_err();
            assert!(
                matches!(err, ExportError::Write(WriteError::Protected(_))),
                "{target}: {err}"
            );
            assert!(err.to_string().contains("不能写到"), "{err}");
        }
    }
    assert_eq!(db_bytes(), bytes);
    unchanged.check(&store);

    let elsewhere = tempfile::tempdir().unwrap();
    let taken = elsewhere.path().join("taken.fieldlog-backup");
    std::fs::write(&taken, b"somebody's file").unwrap();
    let err = backup_profile(&store, &taken, false).unwrap_err();
    assert!(
        matches!(err, ExportError::Write(WriteError::Exists(_))),
        "{err}"
    );
    assert_eq!(std::fs::read(&taken).unwrap(), b"somebody's file");
    // Replaced only when asked.
    backup_profile(&store, &taken, true).unwrap();
    unchanged.check(&store);
}

#[test]
fn an_older_backup_is_migrated_when_restored() {
    let dir = tempfile::tempdir().unwrap();
    // A profile as a release before photos (migration 0015) left it.
    let old_file = dir.path().join("old.fieldlog-backup");
    let old_version = 14;
    {
        let mut conn = rusqlite::Connection::open(&old_file).unwrap();
        fieldlog_store::migrations::migrate_to(&mut conn, old_version).unwrap();
        conn.execute(
            "INSERT INTO technicians (id, name, staff_no, created_at) VALUES ('0190a1b2-0000-7000-8000-000000000001', '旧版技服乙', NULL, '2026-06-01T00:00:00Z')",
            [],
        )
        .unwrap();
    }
    let mut laptop = Store::open(dir.path().join("profile.sqlite")).unwrap();
    let restored = laptop.restore_from(&old_file, now()).unwrap();
    assert_eq!(restored.backup_version, old_version);
    assert_eq!(
        fieldlog_store::migrations::current_version(laptop.connection()).unwrap(),
        fieldlog_store::migrations::latest_version()
    );
    let name: String = laptop
        .connection()
        .query_row("SELECT name FROM technicians", [], |r| r.get(0))
        .unwrap();
    assert_eq!(name, "旧版技服乙");
    // The outbox the old release's triggers left is the same as a fresh upgrade's.
    let mut upgraded = rusqlite::Connection::open(&old_file).unwrap();
    fieldlog_store::migrations::migrate(&mut upgraded).unwrap();
    assert_eq!(
        data_dump_except(laptop.connection(), &["schema_migrations"]).unwrap(),
        data_dump_except(&upgraded, &["schema_migrations"]).unwrap()
    );
}
