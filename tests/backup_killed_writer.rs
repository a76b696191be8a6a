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
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const ROUNDS: usize = 3;

fn drain(rx: &mpsc::Receiver<String>, into: &mut Vec<(String, String)>) {
    for line in rx.try_iter() {
        let (kind, id) = line.split_once(' ').expect("kind and id");
        into.push((kind.to_owned(), id.to_owned()));
    }
}

/// Reads lines for `span`, keeping them.
fn read_for(rx: &mpsc::Receiver<String>, span: Duration, into: &mut Vec<(String, String)>) {
    let until = Instant::now() + span;
    while Instant::now() < until {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(2)) {
            let (kind, id) = line.split_once(' ').expect("kind and id");
            into.push((kind.to_owned(), id.to_owned()));
        }
    }
}

/// The profile restored from `file` into a fresh profile passes integrity_check, holds every
/// id of `must_hold`, and no half action.
fn check_restored(file: &Path, must_hold: &[(String, String)], what: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = Store::open(dir.path().join("new-laptop.sqlite")).unwrap();
    fresh
        .restore_from(file, chrono::Utc::now())
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let conn = fresh.connection();
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "{what}");
    for (kind, id) in must_hold {
        let table = if kind == "arrival" {
            "arrivals"
        } else {
            "report_entries"
        };
        let present: bool = conn
            .query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)"),
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert!(present, "{what}: acknowledged {kind} {id} is missing");
    }
    let orphans: i64 = conn
        .query_row(
            "SELECT (SELECT count(*) FROM report_entries e WHERE NOT EXISTS (SELECT 1 FROM entry_parts p WHERE p.entry_id = e.id))
                  + (SELECT count(*) FROM stock_movements m WHERE m.kind = 'used' AND NOT EXISTS (SELECT 1 FROM entry_parts p WHERE p.movement_id = m.id))",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(orphans, 0, "{what}: a half-written action in the restore");
}

#[test]
fn a_backup_taken_while_a_killed_writer_saves_restores_whole_with_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("profile.sqlite");
    drop(fieldlog_system_tests::prepare_stream_db(&db));
    let mut printed_ever: Vec<(String, String)> = Vec::new();

    for round in 0..ROUNDS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_write-stream"))
            .arg(&db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut printed: Vec<(String, String)> = Vec::new();
        let first = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the writer acknowledged nothing in 30 s");
        let (kind, id) = first.split_once(' ').unwrap();
        printed.push((kind.to_owned(), id.to_owned()));
        read_for(&rx, Duration::from_millis(200 + 150 * round as u64), &mut printed);

        // Acknowledged before the backup: every line read up to this instant.
        drain(&rx, &mut printed);
        let acknowledged = printed.clone();
        let backup = dir.path().join(format!("round-{round}.fieldlog-backup"));
        let started = Instant::now();
        {
            // Another connection in this process, as `fieldlog backup` beside the app is.
            let store = Store::open(&db).unwrap();
            fieldlog_export::profile_backup::backup_profile(&store, &backup, false).unwrap();
        }
        let took = started.elapsed();
        // The writer kept committing while the backup ran (WAL: a reader blocks no writer).
        read_for(&rx, Duration::from_millis(100), &mut printed);
        assert!(
            printed.len() > acknowledged.len(),
            "round {round}: the writer wrote nothing during or after the backup ({took:?})"
        );
        child.kill().unwrap(); // SIGKILL: no destructor, no flush, no rollback.
        child.wait().unwrap();
        reader.join().unwrap();
        drain(&rx, &mut printed);
        println!(
            "round {round}: {} acknowledged before the backup ({took:?}), {} printed before the kill",
            acknowledged.len(),
            printed.len()
        );

        printed_ever.extend(acknowledged.iter().cloned());
        check_restored(
            &backup,
            &printed_ever,
            &format!("round {round}: the backup"),
        );
        printed_ever.extend(printed[acknowledged.len()..].iter().cloned());
        // The file the killed writer left behind, restored as it is (its WAL included).
        check_restored(
            &db,
            &printed_ever,
            &format!("round {round}: the killed writer's own file"),
        );
    }
}
