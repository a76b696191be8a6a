//! The server's backup and restore (issue 20), on both backends: a server on a loopback port
//! holding a laptop's records is backed up with `fieldlog-server backup` while it serves
//! (SQLite: the online backup API; PostgreSQL: pg_dump), restored the documented way into a
//! fresh file or database, and a new server on it holds every table row for row, answers a
//! fresh laptop with every record, and the first laptop carries on syncing to it.

mod support;

use support::{Backend, CONTRACT, Laptop, Server, assert_converged, on_each_backend};

on_each_backend!(a_restored_backup_serves_every_record_and_laptops_keep_syncing);

fn a_restored_backup_serves_every_record_and_laptops_keep_syncing(backend: Backend) {
    let server = Server::start(backend);
    let mut laptop = Laptop::enrolled(
        "技服甲",
        &server.url(),
        &server.technician("技服甲", &[CONTRACT]),
    );
    laptop.set_up_contract(CONTRACT);
    laptop.offline_work(CONTRACT, 30, true);
    laptop.sync();
    assert!(laptop.store.sync_conflicts().unwrap().is_empty());
    let before = server.dump();

    let dir = tempfile::tempdir().unwrap();
    let restored = server.backup_and_restore(dir.path());
    assert_eq!(restored.dump(), before, "every table, row for row");
    // The backup never replaces a file.
    let again = fieldlog_server::backup::backup(
        &match backend {
            Backend::Sqlite => "unused.sqlite".to_owned(),
            Backend::Postgres => "postgres://unused@127.0.0.1:1/none".to_owned(),
        },
        &dir.path().join("server-backup"),
    )
    .unwrap_err();
    assert!(again.to_string().contains("已存在"), "{again}");
    drop(server);

    // The laptop now talks to the restored server (the office moved its address there).
    laptop
        .store
        .connection()
        .execute(
            "UPDATE sync_state SET server_url = ?1 WHERE id = 1",
            [restored.url()],
        )
        .unwrap();
    laptop.offline_work(CONTRACT, 90, false);
    laptop.sync();
    laptop.sync();
    assert!(laptop.store.sync_conflicts().unwrap().is_empty());
    assert_converged(&restored, &[laptop], &[CONTRACT]);
}
