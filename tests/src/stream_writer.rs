//! The `write-stream` writer as a child process (crash safety, and issue 20's backup beside a
//! writer): its acknowledged lines (`kind id`, each printed after its commit) read on a thread,
//! and the check that a database holds every acknowledged write and no half action.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// One acknowledged write: its kind (`arrival` or `entry`) and id.
pub type Ack = (String, String);

pub struct StreamWriter {
    child: Child,
    lines: mpsc::Receiver<String>,
    reader: Option<std::thread::JoinHandle<()>>,
}

fn ack(line: &str) -> Ack {
    let (kind, id) = line.split_once(' ').expect("kind and id");
    (kind.to_owned(), id.to_owned())
}

impl StreamWriter {
    /// Starts `binary` (the test's `CARGO_BIN_EXE_write-stream`) over `db`.
    pub fn start(binary: &Path, db: &Path) -> StreamWriter {
        let mut child = Command::new(binary)
            .arg(db)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        StreamWriter {
            child,
            lines,
            reader: Some(reader),
        }
    }

    /// The first acknowledged write (the writer has opened the database and got going).
    pub fn first(&self) -> Ack {
        ack(&self
            .lines
            .recv_timeout(Duration::from_secs(30))
            .expect("the writer acknowledged nothing in 30 s"))
    }

    /// Every line that arrives within `span`, added to `into`.
    pub fn read_for(&self, span: Duration, into: &mut Vec<Ack>) {
        let until = Instant::now() + span;
        while Instant::now() < until {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(1)) {
                into.push(ack(&line));
            }
        }
    }

    /// The lines already read from the pipe, added to `into`, without waiting.
    pub fn drain(&self, into: &mut Vec<Ack>) {
        into.extend(self.lines.try_iter().map(|l| ack(&l)));
    }

    /// SIGKILL (on Unix: no destructor, no flush, no rollback); the lines it printed before dying
    /// are added to `into`.
    pub fn kill(mut self, into: &mut Vec<Ack>) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        self.drain(into);
    }
}

/// `conn` passes `integrity_check`, holds every write of `acknowledged`, and no half action (an
/// entry without its part line and movement, or a movement without its entry).
pub fn assert_holds_whole(conn: &rusqlite::Connection, acknowledged: &[Ack], what: &str) {
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok", "{what}");
    for (kind, id) in acknowledged {
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
    assert_eq!(orphans, 0, "{what}: a half-written action survived");
}
