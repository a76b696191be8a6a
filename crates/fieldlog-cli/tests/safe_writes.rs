//! `--out` never destroys anything: the profile database, its WAL/SHM and its backups are
//! refused under any spelling of their path, an existing file is replaced only with `--force`,
//! and what is written arrives whole (a temporary file renamed into place).

mod common;

use common::{dump, fails, fieldlog, ok, signed_report};

#[test]
fn out_at_the_database_is_refused_and_nothing_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.sqlite");
    ok(&db, &["demo"]);
    let report = signed_report(&db);
    let before = dump(&db);
    let db_bytes = std::fs::read(&db).unwrap();
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let targets = [
        db.clone(),
        sub.join("../d.sqlite"),
        dir.path().join("d.sqlite-wal"),
        dir.path().join("d.sqlite-shm"),
        dir.path().join("d.sqlite.bak"),
    ];
    for target in &targets {
        for force in [&[][..], &["--force"][..]] {
            let args = [
                &[
                    "export",
                    "daily",
                    &report,
                    "--out",
                    target.to_str().unwrap(),
                ][..],
                force,
            ]
            .concat();
            let err = fails(&db, &args);
            assert!(err.contains("数据库"), "{target:?}: {err}");
            assert!(err.contains("已保存的数据未受影响"), "{err}");
        }
    }
    let monthly = fails(
        &db,
        &[
            "export",
            "monthly",
            "--contract",
            "county-police-village-query",
            "--month",
            "2026-11",
            "--out",
            // A CSV named like a backup of the database.
            dir.path().join("d.sqlite.csv").to_str().unwrap(),
            "--force",
        ],
    );
    assert!(monthly.contains("数据库"), "{monthly}");
    // The profile is what it was, and every command still works.
    assert_eq!(std::fs::read(&db).unwrap(), db_bytes);
    assert_eq!(dump(&db), before);
    ok(&db, &["report", "list"]);
    assert!(!dir.path().join("d.sqlite.bak").exists());
}

#[test]
fn an_existing_file_is_replaced_only_with_force_and_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("profile.sqlite");
    ok(&db, &["demo"]);
    let report = signed_report(&db);
    let out = dir.path().join("日报.pdf");
    std::fs::write(&out, b"someone else's file").unwrap();
    let args = ["export", "daily", &report, "--out", out.to_str().unwrap()];
    let err = fails(&db, &args);
    assert!(err.contains("已存在") && err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(&out).unwrap(), b"someone else's file");

    let replaced = fieldlog(&db, &[&args[..], &["--force"][..]].concat());
    assert!(replaced.status.success(), "{replaced:?}");
    let pdf = std::fs::read(&out).unwrap();
    assert!(pdf.starts_with(b"%PDF-") && pdf.ends_with(b"%%EOF\n") || pdf.ends_with(b"%%EOF"));
    // Only the database, its companions and the PDF: no temporary file left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".fieldlog-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    // The --json error is a conflict on the field `out`.
    let refused = fieldlog(&db, &[&["--json"][..], &args[..]].concat());
    let body: serde_json::Value = serde_json::from_slice(&refused.stderr).unwrap();
    assert_eq!(body["error"]["code"], "conflict", "{body}");
    assert_eq!(body["error"]["field"], "out", "{body}");
}
