//! Issue 20's check: "a backup taken while a writer process is saving (and killed mid-way)
//! restores to a profile that passes `integrity_check` and holds every acknowledged write".
//!
//! The writer is a separate process (`write-stream`, the crash-safety test's: an arrival, then a
//! report entry with its part line and stock movement, each one transaction), which prints a
//! record's id only after its commit returned. **Acknowledged before the backup** means: the
//! id's line was read by this test from the writer's pipe before the test called the backup.
//! Such a line was printed after its commit, and the backup's snapshot (one read transaction)
//! begins after the call, so each of those ids must be in the backup. Ids read later may or may
//! not be there; whichever are must be whole actions. The writer is then SIGKILLed mid-stream,
//! and the backup restored into a fresh profile; so is the file the killed writer left behind
//! (the live database and its WAL), which must hold every id the writer ever printed.

use fieldlog_store::Store;
use fieldlog_system_tests::stream_writer::{Ack, StreamWriter, assert_holds_whole};
use std::path::Path;
use std::time::{Duration, Instant};

const ROUNDS: usize = 3;

/// `file` restored into a fresh profile holds every write of `must_hold`, whole.
fn check_restored(file: &Path, must_hold: &[Ack], what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Store::open(dir.path().join("new-laptop.sqlite")).unwrap();
    fresh
        .restore_from(file, chrono::Utc::now())
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_holds_whole(fresh.connection(), must_hold, what);
}

#[test]
fn a_backup_taken_while_a_killed_writer_saves_restores_whole_with_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("profile.sqlite");
    drop(fieldlog_system_tests::prepare_stream_db(&db));
    let mut printed_ever: Vec<Ack> = Vec::new();

    for round in 0..ROUNDS {
        let writer = StreamWriter::start(Path::new(env!("CARGO_BIN_EXE_write-stream")), &db);
        let mut printed = vec![writer.first()];
        writer.read_for(
            Duration::from_millis(200 + 150 * round as u64),
            &mut printed,
        );

        // Acknowledged before the backup: every line read up to this instant.
        writer.drain(&mut printed);
        let acknowledged = printed.len();
        let backup = dir.path().join(format!("round-{round}.fieldlog-backup"));
        let started = Instant::now();
        {
            // Another connection, in another process than the writer's, as `fieldlog backup`
            // beside the app is.
            let store = Store::open(&db).unwrap();
            fieldlog_export::profile_backup::backup_profile(&store, &backup, false).unwrap();
        }
        let took = started.elapsed();
        // The writer kept committing while the backup ran (WAL: a reader blocks no writer).
        writer.read_for(Duration::from_millis(100), &mut printed);
        assert!(
            printed.len() > acknowledged,
            "round {round}: the writer wrote nothing during or after the backup ({took:?})"
        );
        writer.kill(&mut printed);
        println!(
            "round {round}: {acknowledged} acknowledged before the backup ({took:?}), {} printed before the kill",
            printed.len()
        );

        printed_ever.extend(printed[..acknowledged].iter().cloned());
        check_restored(
            &backup,
            &printed_ever,
            &format!("round {round}: the backup"),
        );
        printed_ever.extend(printed[acknowledged..].iter().cloned());
        // The file the killed writer left behind, restored as it is (its WAL included).
        check_restored(
            &db,
            &printed_ever,
            &format!("round {round}: the killed writer's own file"),
        );
    }
}
