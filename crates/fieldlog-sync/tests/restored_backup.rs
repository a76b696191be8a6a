//! A laptop restored from a backup OLDER than its device's last push (issue 20), on both
//! backends: its outbox numbers the next changes with sequence numbers the server already holds
//! for other records. The server must not answer those with the stored acks (the laptop would
//! mark its new records sent although they were never applied): it refuses the whole batch with
//! `sequence_reused`, stores nothing, and the laptop keeps every change waiting and says what to
//! do. The way out, enrolling the laptop again as a new device, sends the new record and brings
//! back through the pull what the device sent after the backup was taken: nothing is lost.

mod support;

use fieldlog_server::{admin, revocation};
use fieldlog_wire::ErrorCode;
use fieldlog_wire::sync::v1::entity_named;
use support::{Backend, CONTRACT, Laptop, Server, assert_converged, on_each_backend, quick};

on_each_backend!(an_older_backup_is_refused_until_enrolled_again_and_loses_nothing);

/// The outbox's changes as (entity, id).
fn waiting(laptop: &Laptop) -> Vec<(String, String)> {
    laptop
        .store
        .outbox_batch(10_000)
        .unwrap()
        .into_iter()
        .map(|change| {
            let id = entity_named(&change.entity)
                .unwrap()
                .record_id(&change.row)
                .unwrap();
            (change.entity, id)
        })
        .collect()
}

fn on_server(server: &Server, entity: &str, id: &str) -> bool {
    server.count(&format!(
        "SELECT count(*) FROM records WHERE entity = '{entity}' AND id = '{id}'"
    )) == 1
}

fn an_older_backup_is_refused_until_enrolled_again_and_loses_nothing(backend: Backend) {
    let server = Server::start(backend);
    let code = server.technician("李工", &[CONTRACT]);
    let mut laptop = Laptop::enrolled("李工", &server.url(), &code);
    laptop.set_up_contract(CONTRACT);
    laptop.offline_work(CONTRACT, 10, false);
    laptop.sync();
    let backup = laptop.dir.path().join("older-backup.sqlite");
    laptop.store.backup_into(&backup).unwrap();

    // After the backup the device goes on working and syncing: the server's high-water mark
    // moves past the backup's outbox sequence.
    laptop.offline_work(CONTRACT, 24 * 60 + 10, true);
    laptop.sync();
    assert!(waiting(&laptop).is_empty());
    let sent_after_backup = server.count("SELECT count(*) FROM records WHERE entity = 'faults'");
    assert_eq!(sent_after_backup, 2);

    // The laptop is restored from the older backup and a new fault is recorded.
    laptop
        .store
        .restore_from(&backup, support::start_time())
        .unwrap();
    laptop.offline_work(CONTRACT, 2 * 24 * 60 + 10, false);
    let new_changes = waiting(&laptop);
    assert!(!new_changes.is_empty());
    let (_, new_fault) = new_changes
        .iter()
        .find(|(entity, _)| entity == "faults")
        .unwrap()
        .clone();

    // The push is refused as a whole: nothing stored on the server, every change still waiting.
    let server_before = server.dump();
    let refused = laptop.sync_with(&quick()).unwrap_err();
    assert_eq!(refused.code(), ErrorCode::SequenceReused, "{refused}");
    let message = refused.to_string();
    assert!(
        message.starts_with("本机档案来自较旧的备份：请管理员在控制台停用本机，然后重新注册；未上传的记录会保留并在重新注册后上传"),
        "{message}"
    );
    assert!(!on_server(&server, "faults", &new_fault));
    assert_eq!(
        server.dump(),
        server_before,
        "a refused push wrote something"
    );
    assert_eq!(waiting(&laptop), new_changes, "every change stays waiting");
    // The sync status (the Sync screen's and `fieldlog sync status`'s) says it too.
    let status = laptop.store.sync_status().unwrap();
    assert_eq!(status.pending_changes, new_changes.len() as i64);
    let last_error = status.last_error.unwrap();
    assert!(last_error.contains("较旧的备份"), "{last_error}");
    // Sending it again changes nothing.
    assert_eq!(
        laptop.sync_with(&quick()).unwrap_err().code(),
        ErrorCode::SequenceReused
    );
    assert_eq!(waiting(&laptop), new_changes);

    // The way out: the office revokes the device, the laptop enrolls again as a new one.
    let old = laptop.store.enrollment().unwrap().unwrap();
    revocation::revoke_device(
        &*server.storage,
        &old.device_id,
        "办公室管理员 张三",
        "从较旧的备份恢复",
        chrono::Utc::now(),
    )
    .unwrap();
    let again =
        admin::enrollment_code(&*server.storage, &old.technician_id, chrono::Utc::now()).unwrap();
    fieldlog_sync::enroll(
        &mut laptop.store,
        &server.url(),
        &again,
        "李工的笔记本（恢复）",
        quick(),
    )
    .unwrap();
    laptop.sync();
    laptop.sync();
    assert!(waiting(&laptop).is_empty(), "everything went up");
    assert!(on_server(&server, "faults", &new_fault));
    // What the old device sent after the backup came back through the pull.
    let faults = laptop
        .records()
        .into_iter()
        .filter(|(entity, _, _)| entity == "faults")
        .count();
    assert_eq!(faults as i64, sent_after_backup + 1);
    assert_converged(&server, &[laptop], &[CONTRACT]);
}
