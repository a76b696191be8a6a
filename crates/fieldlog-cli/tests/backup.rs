//! `fieldlog backup --out` / `fieldlog restore` (issue 20) as a technician runs them: a demo
//! profile backed up and restored into another profile file with every table equal, the current
//! profile kept aside as the output says; refusals (the profile's own files, not a backup) with
//! their message and the data unchanged; the help says how to move to a new laptop.

mod common;

use common::{dump, fails, json, ok};

#[test]
fn a_backup_restores_into_another_profile_and_refusals_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.sqlite");
    ok(&old, &["demo"]);
    let before = dump(&old);
    let out = dir.path().join("备份.fieldlog-backup");
    let said = ok(&old, &["backup", "--out", out.to_str().unwrap()]);
    assert!(said.contains("已备份本机档案"), "{said}");

    // The profile's own database and WAL are never the backup's target.
    for own in ["old.sqlite", "old.sqlite-wal"] {
        let err = fails(
            &old,
            &["backup", "--out", dir.path().join(own).to_str().unwrap()],
        );
        assert!(err.contains("不能写到"), "{own}: {err}");
    }
    assert_eq!(dump(&old), before);

    let new = dir.path().join("new.sqlite");
    ok(&new, &["init", "--name", "新电脑技服"]);
    let fresh = dump(&new);
    // Not a backup: refused, nothing changed.
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "不是备份").unwrap();
    let err = fails(&new, &["restore", text.to_str().unwrap()]);
    assert!(err.contains("不是 Fieldlog 档案备份"), "{err}");
    assert_eq!(dump(&new), fresh);

    let restored = json(&new, &["restore", out.to_str().unwrap()]);
    let kept = restored["previous_kept_at"].as_str().unwrap();
    assert!(kept.contains("new.sqlite.before-restore-"), "{restored}");
    assert_eq!(dump(&new), before, "every table equal");
    assert_eq!(
        dump(std::path::Path::new(kept)),
        fresh,
        "the profile as it was"
    );

    let help = ok(&new, &["restore", "--help"]);
    assert!(help.contains("换电脑") && help.contains("吊销"), "{help}");
}
