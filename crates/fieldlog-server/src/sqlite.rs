//! The SQLite backend: one file, no set-up. One connection behind a mutex is the single writer
//! SQLite wants anyway, so feed cursors are handed out in commit order and a reader never sees a
//! later cursor before an earlier one.
//!
//! **Group commit.** Every acknowledged push must survive a power cut (the laptop deletes what the
//! server acknowledged), so commits fsync (`synchronous=FULL`), about 10 ms each. When requests
//! queue for the writer, they share one transaction: each runs under its own savepoint (its
//! failure rolls back only its own work), the last one in the queue commits for all of them, and
//! nobody answers before that commit is durable. A lone request commits at once, so nothing waits
//! for company. If the group's commit fails, every request in it gets the error and nothing of it
//! is kept, exactly as if each had failed alone.

use crate::error::{Result, ServerError};
use crate::storage::{
    BlobState, ConflictNote, DeviceAuth, IssuedCertificateRecord, Storage, StoredRecord, Tx, Work,
    row_json, stored_row,
};
use chrono::{DateTime, Utc};
use fieldlog_wire::sync::chain_v1::{ChainHead, ChainLink};
use fieldlog_wire::sync::v1::{Ack, FeedRecord, Row, Scope, StoredRow};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS contracts (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS technicians (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS assignments (
    technician_id TEXT NOT NULL REFERENCES technicians (id),
    contract_code TEXT NOT NULL REFERENCES contracts (code),
    PRIMARY KEY (technician_id, contract_code)
) STRICT;
CREATE TABLE IF NOT EXISTS enrollment_codes (
    code_hash     TEXT PRIMARY KEY,
    technician_id TEXT NOT NULL REFERENCES technicians (id),
    created_at    TEXT NOT NULL,
    used_at       TEXT
) STRICT;
CREATE TABLE IF NOT EXISTS devices (
    id            TEXT PRIMARY KEY,
    technician_id TEXT NOT NULL REFERENCES technicians (id),
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    high_seq      INTEGER NOT NULL DEFAULT 0,
    enrolled_at   TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS acks (
    device_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    ack       TEXT NOT NULL,
    PRIMARY KEY (device_id, seq)
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS records (
    entity        TEXT NOT NULL,
    id            TEXT NOT NULL,
    rev           INTEGER NOT NULL,
    row           TEXT NOT NULL,
    scope         TEXT,
    owner         TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    clock_suspect INTEGER NOT NULL,
    waiting_for   TEXT,
    -- The report of a report's entry or signature (`Tx::children`); NULL for other kinds.
    parent        TEXT,
    PRIMARY KEY (entity, id)
) STRICT;
CREATE INDEX IF NOT EXISTS records_waiting ON records (waiting_for) WHERE waiting_for IS NOT NULL;
CREATE INDEX IF NOT EXISTS records_by_parent ON records (entity, parent) WHERE parent IS NOT NULL;
CREATE TABLE IF NOT EXISTS feed (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    entity        TEXT NOT NULL,
    id            TEXT NOT NULL,
    rev           INTEGER NOT NULL,
    row           TEXT NOT NULL,
    scope         TEXT,
    owner         TEXT NOT NULL,
    attachment    TEXT,
    received_at   TEXT NOT NULL,
    clock_suspect INTEGER NOT NULL,
    -- The device that sent exactly this version: its own pulls skip it (added after the first
    -- release: `upgrade` adds it to older files).
    device_id     TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS feed_by_attachment ON feed (attachment) WHERE attachment IS NOT NULL;
-- A pull reads each of the device's contracts as one range of this index (an index ends in the
-- rowid, here seq), and technician profiles (no contract) through the second.
CREATE INDEX IF NOT EXISTS feed_by_scope ON feed (scope) WHERE scope IS NOT NULL;
CREATE INDEX IF NOT EXISTS feed_profiles ON feed (owner) WHERE scope IS NULL;
-- Who shares a contract with a technician (whose profiles the technician may read).
CREATE INDEX IF NOT EXISTS assignments_by_contract ON assignments (contract_code);
CREATE TABLE IF NOT EXISTS conflicts (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity    TEXT NOT NULL,
    record_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    fields    TEXT NOT NULL,
    kept      TEXT NOT NULL,
    offered   TEXT NOT NULL,
    at        TEXT NOT NULL
) STRICT;
-- The server's certificate authority (one row). The private key lives here, with the data it
-- vouches for: backed up with it, never sent over HTTP (only the certificate is exported).
CREATE TABLE IF NOT EXISTS server_ca (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    key_pem         TEXT NOT NULL,
    certificate_pem TEXT NOT NULL,
    created_at      TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS issued_certificates (
    serial          TEXT PRIMARY KEY,
    technician_id   TEXT NOT NULL REFERENCES technicians (id),
    device_id       TEXT NOT NULL REFERENCES devices (id),
    not_after       TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    certificate_pem TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS blobs (
    sha256   TEXT PRIMARY KEY,
    mime     TEXT NOT NULL,
    total    INTEGER NOT NULL,
    bytes    BLOB NOT NULL,
    complete INTEGER NOT NULL DEFAULT 0,
    -- Who started the upload and when (added after the first release): only they, and devices
    -- that may read a record pointing at it, learn its state; unreferenced ones expire.
    uploaded_by TEXT,
    started_at  TEXT
) STRICT;
";

/// Brings a file made by an earlier release to what [`SCHEMA`] creates, before `SCHEMA` runs
/// (its `IF NOT EXISTS` leaves existing tables as they are). Each step checks for itself, so it
/// runs on every open; a new file has nothing to upgrade.
/// Returns whether the file predates issue 13's checks (its rows are then looked over once:
/// `rules::flag_cross_contract`).
fn upgrade(conn: &Connection) -> rusqlite::Result<bool> {
    let has_column = |table: &str, column: &str| -> rusqlite::Result<bool> {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
            (table, column),
            |r| r.get(0),
        )
    };
    let has_table = |table: &str| -> rusqlite::Result<bool> {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1)",
            [table],
            |r| r.get(0),
        )
    };
    if has_table("feed")? && !has_column("feed", "device_id")? {
        // Versions stored before have no sender on record: everyone pulls them, as before.
        conn.execute_batch("ALTER TABLE feed ADD COLUMN device_id TEXT")?;
    }
    let before_checks = has_table("records")? && !has_column("records", "parent")?;
    if before_checks {
        conn.execute_batch("ALTER TABLE records ADD COLUMN parent TEXT")?;
        // Report entries and signatures kept before know their report from their row.
        for entity in fieldlog_wire::sync::v1::ENTITIES {
            let column = match entity.scope {
                Scope::Parent("daily_reports", column) => column,
                Scope::SignatureSubject => "subject_id",
                _ => continue,
            };
            conn.execute(
                "UPDATE records SET parent = json_extract(row, '$.' || ?2) WHERE entity = ?1",
                (entity.name, column),
            )?;
        }
    }
    if has_table("blobs")? && !has_column("blobs", "uploaded_by")? {
        // Uploads kept before have no start time: those no record points at expire at once.
        conn.execute_batch(
            "ALTER TABLE blobs ADD COLUMN uploaded_by TEXT; ALTER TABLE blobs ADD COLUMN started_at TEXT;",
        )?;
    }
    Ok(before_checks)
}

pub struct SqliteStorage {
    writer: Mutex<Writer>,
    /// Requests waiting for the writer right now: while any wait, the group stays open for them.
    queued: AtomicUsize,
    finished: Mutex<Finished>,
    group_done: Condvar,
    commits: AtomicU64,
    /// Read-only connections for pulls and downloads: in WAL mode they read a committed snapshot
    /// while the writer works, so a pull never waits for another device's push (and its fsync).
    readers: Vec<Mutex<Connection>>,
    next_reader: AtomicUsize,
    checkpoints: Checkpoints,
}

/// Copies committed pages from the WAL back into the database file on a thread of its own, so a
/// commit does not do it on a request's time (SQLite's automatic checkpoint runs inside the
/// commit that crosses its threshold). PASSIVE: it never blocks the writer or the readers, and
/// copies what no reader still needs; the writer's own automatic checkpoint stays as a backstop
/// at a larger size, should this thread fall behind.
struct Checkpoints {
    shared: std::sync::Arc<(Mutex<CheckpointState>, Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Default)]
struct CheckpointState {
    /// Commits since the last checkpoint started.
    pending: bool,
    /// A checkpoint is being made now.
    running: bool,
    stop: bool,
    /// Checkpoints run so far (for tests).
    done: u64,
}

/// How long the checkpoint thread lets commits gather before it copies them back.
const CHECKPOINT_DELAY: std::time::Duration = std::time::Duration::from_millis(50);

/// The writer's own automatic checkpoint, as a backstop (pages; SQLite's default is 1000).
const BACKSTOP_CHECKPOINT_PAGES: i64 = 10_000;

impl Checkpoints {
    fn start(path: &Path) -> Result<Checkpoints> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let shared = std::sync::Arc::new((Mutex::new(CheckpointState::default()), Condvar::new()));
        let theirs = shared.clone();
        let thread = std::thread::Builder::new()
            .name("fieldlog-checkpoint".into())
            .spawn(move || {
                let (state, wake) = &*theirs;
                loop {
                    {
                        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
                        while !s.pending && !s.stop {
                            s = wake.wait(s).unwrap_or_else(|e| e.into_inner());
                        }
                        if s.stop {
                            return;
                        }
                    }
                    std::thread::sleep(CHECKPOINT_DELAY);
                    {
                        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
                        s.pending = false;
                        s.running = true;
                    }
                    // A failure (a busy lock) leaves the pages in the WAL for the next round.
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
                    s.running = false;
                    s.done += 1;
                    wake.notify_all();
                }
            })
            .map_err(|e| ServerError::Storage(e.to_string()))?;
        Ok(Checkpoints {
            shared,
            thread: Some(thread),
        })
    }

    /// A commit happened: a checkpoint follows soon.
    fn committed(&self) {
        let (state, wake) = &*self.shared;
        state.lock().unwrap_or_else(|e| e.into_inner()).pending = true;
        // All: a test may be waiting on the same condition variable (`settle`).
        wake.notify_all();
    }

    fn done(&self) -> u64 {
        self.shared.0.lock().unwrap_or_else(|e| e.into_inner()).done
    }

    /// Waits (up to `limit`) until every commit so far has been through a checkpoint that began
    /// after it: nothing pending, nothing running. For tests.
    #[cfg(test)]
    fn settle(&self, limit: std::time::Duration) -> bool {
        let (state, wake) = &*self.shared;
        let deadline = std::time::Instant::now() + limit;
        let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
        while s.pending || s.running {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            s = wake
                .wait_timeout(s, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        true
    }
}

impl Drop for Checkpoints {
    fn drop(&mut self) {
        let (state, wake) = &*self.shared;
        state.lock().unwrap_or_else(|e| e.into_inner()).stop = true;
        wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The writing connection and the group of requests its open transaction holds.
struct Writer {
    conn: Connection,
    /// A transaction is open (work in it is not yet committed).
    open: bool,
    /// Number of the open group, or of the last one.
    group: u64,
    /// Requests in the open group.
    members: usize,
}

/// Groups whose commit has finished, for the requests waiting on them.
struct Finished {
    through: u64,
    /// The recent groups whose commit failed, with the reason.
    failures: Vec<(u64, String)>,
}

const READERS: usize = 4;

/// A group commits when no request is queued, or at this size, so that a steady stream of
/// requests cannot hold its first members' answers back indefinitely.
const MAX_GROUP: usize = 128;

impl SqliteStorage {
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStorage> {
        let conn = Connection::open(path.as_ref())?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // Each request runs under a savepoint: its statement journal stays in memory instead
        // of a temp file opened, written and deleted per request.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.pragma_update(None, "wal_autocheckpoint", BACKSTOP_CHECKPOINT_PAGES)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let before_checks = upgrade(&conn)?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(crate::chain::SQLITE_SCHEMA)?;
        let checkpoints = Checkpoints::start(path.as_ref())?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let reader = Connection::open_with_flags(
                path.as_ref(),
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            reader.busy_timeout(std::time::Duration::from_secs(10))?;
            readers.push(Mutex::new(reader));
        }
        SqliteStorage {
            writer: Mutex::new(Writer {
                conn,
                open: false,
                group: 0,
                members: 0,
            }),
            queued: AtomicUsize::new(0),
            finished: Mutex::new(Finished {
                through: 0,
                failures: Vec::new(),
            }),
            group_done: Condvar::new(),
            commits: AtomicU64::new(0),
            readers,
            next_reader: AtomicUsize::new(0),
            checkpoints,
        }
        .looked_over(before_checks)
    }

    /// Rows accepted before the reference checks existed are looked over once (and flagged).
    fn looked_over(self, before_checks: bool) -> Result<SqliteStorage> {
        if before_checks {
            use crate::Storage;
            self.transaction(|tx| crate::rules::flag_cross_contract(tx, Utc::now()))?;
        }
        Ok(self)
    }

    /// Background checkpoints run so far: for tests.
    pub fn checkpoints(&self) -> u64 {
        self.checkpoints.done()
    }

    /// Transactions committed so far (each may hold several requests): for tests and benchmarks.
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    fn writer(&self) -> MutexGuard<'_, Writer> {
        // A panic inside a request is caught before it can poison the lock (see `transaction`);
        // should one get through anyway, the connection itself is still sound.
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Marks `group` finished (with the failure, if any) and wakes the requests waiting on it.
    fn finish(&self, group: u64, failure: Option<String>) {
        let mut finished = self.finished.lock().unwrap_or_else(|e| e.into_inner());
        finished.through = group;
        if let Some(reason) = failure {
            finished.failures.push((group, reason));
            let excess = finished.failures.len().saturating_sub(64);
            finished.failures.drain(..excess);
        }
        self.group_done.notify_all();
    }

    /// Blocks until `group` has committed (Ok) or failed (its reason).
    fn wait_for(&self, group: u64) -> Result<()> {
        let mut finished = self.finished.lock().unwrap_or_else(|e| e.into_inner());
        while finished.through < group {
            finished = self
                .group_done
                .wait(finished)
                .unwrap_or_else(|e| e.into_inner());
        }
        match finished.failures.iter().find(|(g, _)| *g == group) {
            Some((_, reason)) => Err(ServerError::Storage(reason.clone())),
            None => Ok(()),
        }
    }

    /// Commits the open group (or rolls back what is left of it) and reports the outcome.
    fn close_group(&self, writer: &mut Writer, failure: Option<String>) -> Result<()> {
        let group = writer.group;
        let failure = failure.or_else(|| {
            writer
                .conn
                .execute_batch("COMMIT")
                .err()
                .map(|e| e.to_string())
        });
        if failure.is_some() && !writer.conn.is_autocommit() {
            let _ = writer.conn.execute_batch("ROLLBACK");
        }
        writer.open = false;
        writer.members = 0;
        if failure.is_none() {
            self.commits.fetch_add(1, Ordering::Relaxed);
            self.checkpoints.committed();
        }
        self.finish(group, failure.clone());
        failure.map_or(Ok(()), |reason| Err(ServerError::Storage(reason)))
    }
}

impl Storage for SqliteStorage {
    fn transaction<T>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let mut outcomes = self.transactions(vec![Box::new(work) as Work<'_, T>]);
        outcomes.pop().expect("one outcome per work")
    }

    fn transactions<'a, T>(&self, works: Vec<Work<'a, T>>) -> Vec<Result<T>> {
        self.queued.fetch_add(1, Ordering::SeqCst);
        let mut writer = self.writer();
        self.queued.fetch_sub(1, Ordering::SeqCst);
        if !writer.open {
            if let Err(e) = writer.conn.execute_batch("BEGIN IMMEDIATE") {
                let reason = e.to_string();
                return works
                    .iter()
                    .map(|_| Err(ServerError::Storage(reason.clone())))
                    .collect();
            }
            writer.open = true;
            writer.group += 1;
        }
        let group = writer.group;
        let total = works.len();
        let mut outcomes = Vec::with_capacity(total);
        for work in works {
            let outcome = run_under_savepoint(&mut writer.conn, work);
            if writer.conn.is_autocommit() {
                // SQLite gave up the whole transaction (a full disk, an I/O error): the group's
                // earlier members lost their work too, so they must not report success.
                let reason = match &outcome {
                    Err(e) => e.to_string(),
                    Ok(_) => "transaction rolled back".to_owned(),
                };
                let _ = self.close_group(&mut writer, Some(reason.clone()));
                return (0..total)
                    .map(|_| Err(ServerError::Storage(reason.clone())))
                    .collect();
            }
            writer.members += 1;
            outcomes.push(outcome);
        }
        let durable = if self.queued.load(Ordering::SeqCst) == 0 || writer.members >= MAX_GROUP {
            self.close_group(&mut writer, None)
        } else if outcomes.iter().all(Result::is_err) {
            // Nothing of ours to make durable: failures answer at once.
            return outcomes;
        } else {
            drop(writer);
            // Someone queued behind us will commit the group; answer only once it is durable.
            self.wait_for(group)
        };
        match durable {
            Ok(()) => outcomes,
            Err(e) => {
                let reason = e.to_string();
                outcomes
                    .into_iter()
                    .map(|outcome| outcome.and(Err(ServerError::Storage(reason.clone()))))
                    .collect()
            }
        }
    }

    fn read<T>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let i = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        let mut conn = self.readers[i]
            .lock()
            .map_err(|_| ServerError::Storage("connection poisoned".into()))?;
        // DEFERRED: the snapshot is taken at the first read and holds for the whole request.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let out = work(&mut SqliteTx::new(&tx))?;
        tx.commit()?;
        Ok(out)
    }
}

/// Runs one work under its own savepoint of the writer's open transaction: kept on success,
/// rolled back alone on failure (or panic: it must not leave the group open with others waiting).
fn run_under_savepoint<T>(conn: &mut Connection, work: Work<'_, T>) -> Result<T> {
    // Dropped without commit (its default behaviour), a savepoint rolls back this work alone.
    let savepoint = conn.savepoint()?;
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        work(&mut SqliteTx::new(&savepoint))
    }))
    .unwrap_or_else(|_| Err(ServerError::Storage("request panicked".into())));
    match run {
        Ok(value) => savepoint
            .commit()
            .map(|()| value)
            .map_err(ServerError::from),
        Err(e) => Err(e),
    }
}

/// One request's view of the database: the writer's savepoint, or a reader's snapshot.
struct SqliteTx<'c> {
    tx: &'c Connection,
    /// The last receive time stored and its text: every change of a push shares one.
    time_text: Option<(DateTime<Utc>, String)>,
}

impl<'c> SqliteTx<'c> {
    fn new(tx: &'c Connection) -> Self {
        SqliteTx {
            tx,
            time_text: None,
        }
    }

    /// `at` as stored: the same text as rusqlite's own `ToSql` for `DateTime<Utc>` writes, made
    /// once per distinct instant (chrono's formatting reads its pattern anew each time, the
    /// largest single cost of binding a record).
    fn time_text(&mut self, at: DateTime<Utc>) -> String {
        match &self.time_text {
            Some((cached, text)) if *cached == at => text.clone(),
            _ => {
                let text = at.format("%F %T%.f%:z").to_string();
                self.time_text = Some((at, text.clone()));
                text
            }
        }
    }
}

fn from_json(text: &str) -> rusqlite::Result<Row> {
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        _ => Err(rusqlite::Error::InvalidColumnType(
            0,
            "row".into(),
            rusqlite::types::Type::Text,
        )),
    }
}

fn stored_record(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredRecord> {
    Ok(StoredRecord {
        entity: r.get(0)?,
        id: r.get(1)?,
        rev: r.get(2)?,
        row: from_json(&r.get::<_, String>(3)?)?,
        scope: r.get(4)?,
        owner: r.get(5)?,
        received_at: r.get(6)?,
        clock_suspect: r.get(7)?,
        waiting_for: r.get(8)?,
    })
}

const RECORD_COLUMNS: &str =
    "entity, id, rev, row, scope, owner, received_at, clock_suspect, waiting_for";

/// Feed rows (seq, entity, id, rev, row, received_at, clock_suspect) for a pull answer, the row
/// text passed through unparsed.
fn feed_records(mut rows: rusqlite::Rows<'_>) -> Result<Vec<FeedRecord<StoredRow>>> {
    let mut records = Vec::new();
    while let Some(r) = rows.next()? {
        records.push(FeedRecord {
            seq: r.get(0)?,
            entity: r.get(1)?,
            id: r.get(2)?,
            rev: r.get(3)?,
            row: stored_row(r.get(4)?)?,
            received_at: r.get(5)?,
            clock_suspect: r.get(6)?,
        });
    }
    Ok(records)
}

impl Tx for SqliteTx<'_> {
    fn chain(&mut self) -> &mut dyn crate::chain::ChainStore {
        self
    }

    fn add_contract(&mut self, code: &str, name: &str) -> Result<()> {
        let added = self.tx.execute(
            "INSERT INTO contracts (code, name) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            (code, name),
        )?;
        if added == 0 {
            return Err(ServerError::contract_exists(code));
        }
        Ok(())
    }

    fn add_technician(&mut self, id: &str, name: &str) -> Result<()> {
        self.tx.execute(
            "INSERT INTO technicians (id, name) VALUES (?1, ?2)",
            (id, name),
        )?;
        Ok(())
    }

    fn assign(&mut self, technician_id: &str, contract_code: &str) -> Result<()> {
        let known: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM technicians WHERE id = ?1)
                AND EXISTS (SELECT 1 FROM contracts WHERE code = ?2)",
            (technician_id, contract_code),
            |r| r.get(0),
        )?;
        if !known {
            return Err(ServerError::NotFound(format!(
                "技服 {technician_id} 或合同 {contract_code}"
            )));
        }
        self.tx.execute(
            "INSERT INTO assignments (technician_id, contract_code) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            (technician_id, contract_code),
        )?;
        Ok(())
    }

    fn add_enrollment_code(
        &mut self,
        code_hash: &str,
        technician_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO enrollment_codes (code_hash, technician_id, created_at) VALUES (?1, ?2, ?3)",
            (code_hash, technician_id, now),
        )?;
        Ok(())
    }

    fn redeem_enrollment_code(
        &mut self,
        code_hash: &str,
        device_id: &str,
        device_name: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(String, String)>> {
        let found: Option<(String, String)> = self
            .tx
            .query_row(
                "SELECT t.id, t.name FROM enrollment_codes c JOIN technicians t ON t.id = c.technician_id
                 WHERE c.code_hash = ?1 AND c.used_at IS NULL",
                [code_hash],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((technician_id, name)) = found else {
            return Ok(None);
        };
        self.tx.execute(
            "UPDATE enrollment_codes SET used_at = ?2 WHERE code_hash = ?1",
            (code_hash, now),
        )?;
        self.tx.execute(
            "INSERT INTO devices (id, technician_id, name, token_hash, enrolled_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            (device_id, &technician_id, device_name, token_hash, now),
        )?;
        Ok(Some((technician_id, name)))
    }

    fn device_by_token_hash(&mut self, token_hash: &str) -> Result<Option<DeviceAuth>> {
        // Every request starts here: the statements of the hot path are prepared once per
        // connection (`prepare_cached`), not parsed again each time.
        let found: Option<(String, String)> = self
            .tx
            .prepare_cached("SELECT id, technician_id FROM devices WHERE token_hash = ?1")?
            .query_row([token_hash], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((device_id, technician_id)) = found else {
            return Ok(None);
        };
        let contracts = self.contracts_of(&technician_id)?;
        Ok(Some(DeviceAuth {
            device_id,
            technician_id,
            contracts,
        }))
    }

    fn contracts_of(&mut self, technician_id: &str) -> Result<Vec<String>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT contract_code FROM assignments WHERE technician_id = ?1 ORDER BY contract_code",
        )?;
        let codes = stmt
            .query_map([technician_id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(codes)
    }

    fn device_high_seq(&mut self, device_id: &str) -> Result<i64> {
        Ok(self
            .tx
            .prepare_cached("SELECT high_seq FROM devices WHERE id = ?1")?
            .query_row([device_id], |r| r.get(0))?)
    }

    fn set_device_high_seq(&mut self, device_id: &str, seq: i64) -> Result<()> {
        self.tx
            .prepare_cached("UPDATE devices SET high_seq = ?2 WHERE id = ?1")?
            .execute((device_id, seq))?;
        Ok(())
    }

    fn stored_ack(&mut self, device_id: &str, seq: i64) -> Result<Option<Ack>> {
        let text: Option<String> = self
            .tx
            .prepare_cached("SELECT ack FROM acks WHERE device_id = ?1 AND seq = ?2")?
            .query_row((device_id, seq), |r| r.get(0))
            .optional()?;
        text.map(|t| serde_json::from_str(&t).map_err(|e| ServerError::Storage(e.to_string())))
            .transpose()
    }

    fn store_ack(&mut self, device_id: &str, ack: &Ack) -> Result<()> {
        let text = serde_json::to_string(ack).map_err(|e| ServerError::Storage(e.to_string()))?;
        self.tx
            .prepare_cached("INSERT INTO acks (device_id, seq, ack) VALUES (?1, ?2, ?3)")?
            .execute((device_id, ack.seq, text))?;
        Ok(())
    }

    fn record(&mut self, entity: &str, id: &str) -> Result<Option<StoredRecord>> {
        Ok(self
            .tx
            .prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM records WHERE entity = ?1 AND id = ?2"
            ))?
            .query_row((entity, id), stored_record)
            .optional()?)
    }

    fn record_scope(&mut self, entity: &str, id: &str) -> Result<Option<Option<String>>> {
        Ok(self
            .tx
            .prepare_cached("SELECT scope FROM records WHERE entity = ?1 AND id = ?2")?
            .query_row((entity, id), |r| r.get(0))
            .optional()?)
    }

    fn children(&mut self, entity: &str, parent_id: &str) -> Result<Vec<StoredRecord>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE entity = ?1 AND parent = ?2 ORDER BY id"
        ))?;
        let rows = stmt
            .query_map((entity, parent_id), stored_record)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn records_of(&mut self, entity: &str) -> Result<Vec<StoredRecord>> {
        let mut stmt = self.tx.prepare(&format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE entity = ?1 ORDER BY id"
        ))?;
        let rows = stmt
            .query_map([entity], stored_record)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn records_in_scope(&mut self, entity: &str, scope: &str) -> Result<Vec<StoredRecord>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE entity = ?1 AND scope = ?2 ORDER BY id"
        ))?;
        let rows = stmt
            .query_map((entity, scope), stored_record)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn save_record(
        &mut self,
        r: &StoredRecord,
        publish: bool,
        sent_by: Option<&str>,
    ) -> Result<()> {
        let row = row_json(&r.row);
        let received_at = self.time_text(r.received_at);
        self.tx
            .prepare_cached(&format!(
                "INSERT OR REPLACE INTO records ({RECORD_COLUMNS}, parent)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            ))?
            .execute((
                &r.entity,
                &r.id,
                r.rev,
                &row,
                &r.scope,
                &r.owner,
                &received_at,
                r.clock_suspect,
                &r.waiting_for,
                r.parent(),
            ))?;
        if publish {
            self.tx
                .prepare_cached(
                    "INSERT INTO feed (entity, id, rev, row, scope, owner, attachment, received_at,
                                       clock_suspect, device_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
                .execute((
                    &r.entity,
                    &r.id,
                    r.rev,
                    &row,
                    &r.scope,
                    &r.owner,
                    r.attachment(),
                    &received_at,
                    r.clock_suspect,
                    sent_by,
                ))?;
        }
        Ok(())
    }

    fn feed_high_water(&mut self) -> Result<i64> {
        Ok(self
            .tx
            .prepare_cached("SELECT coalesce(max(seq), 0) FROM feed")?
            .query_row([], |r| r.get(0))?)
    }

    fn add_conflict(&mut self, note: &ConflictNote) -> Result<()> {
        self.tx.execute(
            "INSERT INTO conflicts (entity, record_id, device_id, fields, kept, offered, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            (
                &note.entity,
                &note.id,
                &note.device_id,
                serde_json::to_string(&note.fields).unwrap_or_default(),
                row_json(&note.kept),
                row_json(&note.offered),
                note.at,
            ),
        )?;
        Ok(())
    }

    fn pull_scope(
        &mut self,
        scope: &str,
        after: i64,
        limit: u32,
        device_id: &str,
    ) -> Result<Vec<FeedRecord<StoredRow>>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT seq, entity, id, rev, row, received_at, clock_suspect FROM feed
             WHERE scope = ?1 AND seq > ?2 AND device_id IS NOT ?4 ORDER BY seq LIMIT ?3",
        )?;
        let rows = stmt.query((scope, after, limit, device_id))?;
        feed_records(rows)
    }

    fn pull_profiles(
        &mut self,
        technician_id: &str,
        after: i64,
        limit: u32,
        device_id: &str,
    ) -> Result<Vec<FeedRecord<StoredRow>>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT seq, entity, id, rev, row, received_at, clock_suspect FROM feed
             WHERE scope IS NULL AND seq > ?1 AND device_id IS NOT ?4 AND owner IN (
                SELECT b.technician_id FROM assignments a
                JOIN assignments b ON b.contract_code = a.contract_code
                WHERE a.technician_id = ?2
                UNION SELECT ?2)
             ORDER BY seq LIMIT ?3",
        )?;
        let rows = stmt.query((after, technician_id, limit, device_id))?;
        feed_records(rows)
    }

    fn waiting_for(&mut self, sha256: &str) -> Result<Vec<StoredRecord>> {
        let mut stmt = self.tx.prepare_cached(&format!(
            "SELECT {RECORD_COLUMNS} FROM records WHERE waiting_for = ?1 ORDER BY received_at"
        ))?;
        let rows = stmt
            .query_map([sha256], stored_record)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn blob_state(&mut self, sha256: &str) -> Result<Option<BlobState>> {
        Ok(self
            .tx
            .query_row(
                "SELECT mime, total, length(bytes), complete, uploaded_by FROM blobs WHERE sha256 = ?1",
                [sha256],
                |r| {
                    Ok(BlobState {
                        mime: r.get(0)?,
                        total: r.get::<_, i64>(1)? as u64,
                        received: r.get::<_, i64>(2)? as u64,
                        complete: r.get(3)?,
                        uploaded_by: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    fn blob_start(
        &mut self,
        sha256: &str,
        mime: &str,
        total: u64,
        device_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let started_at = self.time_text(now);
        self.tx.execute(
            "INSERT INTO blobs (sha256, mime, total, bytes, uploaded_by, started_at)
             VALUES (?1, ?2, ?3, x'', ?4, ?5)",
            (sha256, mime, total as i64, device_id, started_at),
        )?;
        Ok(())
    }

    fn blob_discard_unreferenced(&mut self, before: DateTime<Utc>) -> Result<u64> {
        let before = self.time_text(before);
        Ok(self.tx.execute(
            "DELETE FROM blobs WHERE coalesce(started_at, '') < ?1
               AND NOT EXISTS (SELECT 1 FROM feed WHERE feed.attachment = blobs.sha256)
               AND NOT EXISTS (SELECT 1 FROM records WHERE records.waiting_for = blobs.sha256)",
            [before],
        )? as u64)
    }

    fn blob_append(&mut self, sha256: &str, chunk: &[u8]) -> Result<()> {
        self.tx.execute(
            "UPDATE blobs SET bytes = CAST(bytes || ?2 AS BLOB) WHERE sha256 = ?1",
            (sha256, chunk),
        )?;
        Ok(())
    }

    fn blob_bytes(&mut self, sha256: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .tx
            .query_row("SELECT bytes FROM blobs WHERE sha256 = ?1", [sha256], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn blob_mark_complete(&mut self, sha256: &str) -> Result<()> {
        self.tx
            .execute("UPDATE blobs SET complete = 1 WHERE sha256 = ?1", [sha256])?;
        Ok(())
    }

    fn blob_discard(&mut self, sha256: &str) -> Result<()> {
        self.tx
            .execute("DELETE FROM blobs WHERE sha256 = ?1", [sha256])?;
        Ok(())
    }

    fn may_read_blob(&mut self, auth: &DeviceAuth, sha256: &str) -> Result<bool> {
        Ok(self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM feed WHERE attachment = ?1 AND scope IN
                (SELECT contract_code FROM assignments WHERE technician_id = ?2))",
            (sha256, &auth.technician_id),
            |r| r.get(0),
        )?)
    }

    fn conflicts(&mut self) -> Result<Vec<ConflictNote>> {
        let mut stmt = self.tx.prepare(
            "SELECT entity, record_id, device_id, fields, kept, offered, at FROM conflicts ORDER BY id",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(ConflictNote {
                    entity: r.get(0)?,
                    id: r.get(1)?,
                    device_id: r.get(2)?,
                    fields: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
                    kept: from_json(&r.get::<_, String>(4)?)?,
                    offered: from_json(&r.get::<_, String>(5)?)?,
                    at: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn clock_suspects(&mut self) -> Result<Vec<(String, String, DateTime<Utc>)>> {
        let mut stmt = self.tx.prepare(
            "SELECT entity, id, received_at FROM records WHERE clock_suspect = 1 ORDER BY received_at",
        )?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn server_ca(&mut self) -> Result<Option<(String, String)>> {
        Ok(self
            .tx
            .query_row(
                "SELECT key_pem, certificate_pem FROM server_ca WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    fn init_server_ca(
        &mut self,
        key_pem: &str,
        certificate_pem: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.tx.execute(
            "INSERT INTO server_ca (id, key_pem, certificate_pem, created_at) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
            (key_pem, certificate_pem, now),
        )?;
        Ok(())
    }

    fn add_issued_certificate(&mut self, record: &IssuedCertificateRecord) -> Result<()> {
        self.tx.execute(
            "INSERT INTO issued_certificates
                 (serial, technician_id, device_id, not_after, issued_at, certificate_pem)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (
                &record.serial,
                &record.technician_id,
                &record.device_id,
                record.not_after,
                record.issued_at,
                &record.certificate_pem,
            ),
        )?;
        Ok(())
    }

    fn issued_certificates(&mut self) -> Result<Vec<IssuedCertificateRecord>> {
        let mut stmt = self.tx.prepare(
            "SELECT serial, technician_id, device_id, not_after, issued_at, certificate_pem
             FROM issued_certificates ORDER BY issued_at, serial",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(IssuedCertificateRecord {
                    serial: r.get(0)?,
                    technician_id: r.get(1)?,
                    device_id: r.get(2)?,
                    not_after: r.get(3)?,
                    issued_at: r.get(4)?,
                    certificate_pem: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }
}

fn chain_link(r: &rusqlite::Row<'_>) -> rusqlite::Result<ChainLink> {
    Ok(ChainLink {
        seq: r.get(0)?,
        kind: r.get(1)?,
        record_id: r.get(2)?,
        content_hash: r.get(3)?,
        prev_hash: r.get(4)?,
        link_hash: r.get(5)?,
    })
}

/// The evidence chain's storage (crate::chain), in its own table.
impl crate::chain::ChainStore for SqliteTx<'_> {
    fn chain_head(&mut self, device_id: &str) -> Result<ChainHead> {
        Ok(self
            .tx
            .query_row(
                "SELECT seq, link_hash FROM evidence_chains WHERE device_id = ?1
                 ORDER BY seq DESC LIMIT 1",
                [device_id],
                |r| {
                    Ok(ChainHead {
                        seq: r.get(0)?,
                        link_hash: r.get(1)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_else(crate::chain::empty_head))
    }

    fn chain_link(&mut self, device_id: &str, seq: i64) -> Result<Option<ChainLink>> {
        Ok(self
            .tx
            .query_row(
                "SELECT seq, kind, record_id, content_hash, prev_hash, link_hash
                 FROM evidence_chains WHERE device_id = ?1 AND seq = ?2",
                (device_id, seq),
                chain_link,
            )
            .optional()?)
    }

    fn append_chain_link(
        &mut self,
        device_id: &str,
        link: &ChainLink,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let at = self.time_text(at);
        self.tx.execute(
            "INSERT INTO evidence_chains
                 (device_id, seq, kind, record_id, content_hash, prev_hash, link_hash, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                device_id,
                link.seq,
                link.kind,
                link.record_id,
                link.content_hash,
                link.prev_hash,
                link.link_hash,
                at
            ],
        )?;
        Ok(())
    }

    fn chain_links(&mut self, device_id: &str, after: i64, limit: i64) -> Result<Vec<ChainLink>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT seq, kind, record_id, content_hash, prev_hash, link_hash
             FROM evidence_chains WHERE device_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let links = stmt.query_map((device_id, after, limit), chain_link)?;
        Ok(links.collect::<rusqlite::Result<_>>()?)
    }

    fn chain_devices(&mut self) -> Result<Vec<String>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT DISTINCT device_id FROM evidence_chains ORDER BY 1")?;
        let devices = stmt.query_map([], |r| r.get(0))?;
        Ok(devices.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    fn storage() -> (tempfile::TempDir, Arc<SqliteStorage>) {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(dir.path().join("server.sqlite")).unwrap();
        (dir, Arc::new(storage))
    }

    /// What a reader (another connection) sees: committed data only.
    fn contract_exists(storage: &SqliteStorage, code: &str) -> bool {
        let reader = storage.readers[0].lock().unwrap();
        reader
            .query_row(
                "SELECT 1 FROM contracts WHERE code = ?1",
                [code],
                |_| Ok(()),
            )
            .optional()
            .unwrap()
            .is_some()
    }

    /// Tables, their columns in order, and indexes (with their columns): what two schemas must
    /// share. SQLite's stored `CREATE` text is left out: `ALTER TABLE` rewrites it.
    fn shape(path: &Path) -> Vec<String> {
        let conn = Connection::open(path).unwrap();
        let mut out = Vec::new();
        let objects: Vec<(String, String, String)> = conn
            .prepare(
                "SELECT type, name, tbl_name FROM sqlite_schema
                 WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for (kind, name, table) in objects {
            let info = if kind == "table" {
                "SELECT name || ' ' || type || ' ' || \"notnull\" || ' ' || pk FROM pragma_table_info(?1)"
            } else {
                "SELECT coalesce(name, '') FROM pragma_index_info(?1)"
            };
            let columns: Vec<String> = conn
                .prepare(info)
                .unwrap()
                .query_map([&name], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            out.push(format!("{kind} {name} on {table}: {}", columns.join(", ")));
        }
        out
    }

    /// A file as the first release made it, holding `rows` (SQL).
    fn first_release_file(dir: &Path, rows: &str) -> std::path::PathBuf {
        let old = dir.join("old.sqlite");
        let conn = Connection::open(&old).unwrap();
        conn.execute_batch(include_str!(
            "../tests/fixtures/sqlite-schema-first-release.sql"
        ))
        .unwrap();
        conn.execute_batch(rows).unwrap();
        old
    }

    #[test]
    fn a_file_of_the_first_release_is_upgraded_to_the_fresh_schema() {
        let dir = tempfile::tempdir().unwrap();
        let old = first_release_file(
            dir.path(),
            "INSERT INTO feed (entity, id, rev, row, scope, owner, received_at, clock_suspect)
             VALUES ('sites', 's1', 1, '{}', 'HB-01', 't1', '2026-11-22 08:00:00+00:00', 0)",
        );
        let fresh = dir.path().join("fresh.sqlite");
        drop(SqliteStorage::open(&old).unwrap());
        drop(SqliteStorage::open(&fresh).unwrap());
        assert_eq!(shape(&old), shape(&fresh));
        assert!(shape(&old).iter().any(|t| t.contains("device_id")));
        // Opening again is a no-op, and the stored version is still there, with no sender.
        drop(SqliteStorage::open(&old).unwrap());
        let sender: Option<String> = Connection::open(&old)
            .unwrap()
            .query_row("SELECT device_id FROM feed WHERE id = 's1'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(sender, None);
    }

    /// A file from before issue 13's checks: rows already accepted that point into another
    /// contract are flagged for review once, and a report's entries learn their report.
    #[test]
    fn rows_accepted_before_the_reference_checks_are_flagged_once() {
        let dir = tempfile::tempdir().unwrap();
        let old = first_release_file(dir.path(), crate::upgrade_check::OLD_ROWS);
        crate::upgrade_check::assert_flagged_once(|| SqliteStorage::open(&old).unwrap());
        let parent: Option<String> = Connection::open(&old)
            .unwrap()
            .query_row("SELECT parent FROM records WHERE id = 'e1'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(parent.as_deref(), Some("r1"));
    }

    #[test]
    fn receive_times_are_stored_as_rusqlite_writes_them() {
        let conn = Connection::open_in_memory().unwrap();
        let mut tx = SqliteTx::new(&conn);
        for at in [
            "2026-11-23T01:02:03Z",
            "2026-11-23T01:02:03.5Z",
            "2026-11-23T01:02:03.123456789Z",
        ] {
            let at: DateTime<Utc> = at.parse().unwrap();
            let theirs: String = conn.query_row("SELECT ?1", [at], |r| r.get(0)).unwrap();
            assert_eq!(tx.time_text(at), theirs);
            assert_eq!(tx.time_text(at), theirs, "from the cache");
        }
    }

    /// Commits are copied back into the database file by the checkpoint thread, not left in the
    /// WAL for a later commit to copy on a request's time.
    #[test]
    fn committed_pages_are_copied_back_in_the_background() {
        let (dir, storage) = storage();
        for i in 0..20 {
            storage
                .transaction(|tx| tx.add_contract(&format!("C{i}"), &"x".repeat(2000)))
                .unwrap();
        }
        assert!(storage.checkpoints.settle(Duration::from_secs(30)));
        assert!(storage.checkpoints() > 0);
        // The database file alone, without its WAL, holds every commit.
        let copy = dir.path().join("file-alone.sqlite");
        std::fs::copy(dir.path().join("server.sqlite"), &copy).unwrap();
        let contracts: i64 = Connection::open(&copy)
            .unwrap()
            .query_row("SELECT count(*) FROM contracts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(contracts, 20);
    }

    #[test]
    fn a_lone_request_commits_at_once() {
        let (_dir, storage) = storage();
        for code in ["A", "B", "C"] {
            storage
                .transaction(|tx| tx.add_contract(code, "x"))
                .unwrap();
            assert!(contract_exists(&storage, code), "{code} visible to readers");
        }
        assert_eq!(storage.commits(), 3);
    }

    /// The push writer's call: works given together are committed together, once, and one that
    /// fails (or panics) loses only its own writes.
    #[test]
    fn works_given_together_share_one_commit_and_each_failure_stays_its_own() {
        let (_dir, storage) = storage();
        let works: Vec<Work<'_, ()>> = vec![
            Box::new(|tx| tx.add_contract("A", "x")),
            Box::new(|tx| {
                tx.add_contract("B", "x")?;
                Err(ServerError::Malformed("refused".into()))
            }),
            Box::new(|tx| {
                tx.add_contract("C", "x")?;
                panic!("a bug in one request")
            }),
            Box::new(|tx| tx.add_contract("D", "x")),
        ];
        let outcomes = storage.transactions(works);
        let ok: Vec<bool> = outcomes.iter().map(Result::is_ok).collect();
        assert_eq!(ok, [true, false, false, true]);
        assert_eq!(storage.commits(), 1);
        for (code, kept) in [("A", true), ("B", false), ("C", false), ("D", true)] {
            assert_eq!(contract_exists(&storage, code), kept, "{code}");
        }
    }

    /// Requests that queue while one works join its group: one commit for all, and a request that
    /// fails (or panics) loses only its own writes.
    #[test]
    fn queued_requests_share_one_commit_and_each_failure_stays_its_own() {
        let (_dir, storage) = storage();
        let queued = 8;
        let first = {
            let storage = storage.clone();
            std::thread::spawn(move || {
                storage.transaction(|tx| {
                    tx.add_contract("FIRST", "x")?;
                    // Hold the writer until every other request has queued behind it.
                    let deadline = Instant::now() + Duration::from_secs(30);
                    while storage.queued.load(Ordering::SeqCst) < queued {
                        assert!(Instant::now() < deadline, "the others never queued");
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    Ok(())
                })
            })
        };
        // Wait until the first request holds the writer.
        while storage.writer.try_lock().is_ok() {
            std::thread::yield_now();
        }
        let others: Vec<_> = (0..queued)
            .map(|i| {
                let storage = storage.clone();
                std::thread::spawn(move || {
                    storage.transaction(|tx| {
                        tx.add_contract(&format!("C{i}"), "x")?;
                        match i % 4 {
                            1 => Err(ServerError::Malformed("refused".into())),
                            3 => panic!("a bug in one request"),
                            _ => Ok(i),
                        }
                    })
                })
            })
            .collect();
        assert!(first.join().unwrap().is_ok());
        for (i, handle) in others.into_iter().enumerate() {
            let result = handle
                .join()
                .expect("the panic is caught inside transaction");
            let code = format!("C{i}");
            match i % 4 {
                1 | 3 => {
                    assert!(result.is_err(), "{code}");
                    assert!(!contract_exists(&storage, &code), "{code} rolled back");
                }
                _ => {
                    assert_eq!(result.unwrap(), i);
                    assert!(contract_exists(&storage, &code), "{code} committed");
                }
            }
        }
        assert!(contract_exists(&storage, "FIRST"));
        assert_eq!(storage.commits(), 1, "one fsync for the whole queue");
        // The writer is idle and sound afterwards.
        storage
            .transaction(|tx| tx.add_contract("AFTER", "x"))
            .unwrap();
        assert_eq!(storage.commits(), 2);
    }
}
