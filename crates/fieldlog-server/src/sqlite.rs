//! The SQLite backend: one file, no set-up. One writing connection behind a mutex is the single
//! writer SQLite wants anyway, so feed cursors are handed out in commit order and a reader never
//! sees a later cursor before an earlier one. What the server stores is written once, in
//! `crate::sql`; this module is the connection (`SqliteExecutor`), the readers beside it, the
//! checkpoint thread, and the schema's numbered migrations (`migrations/sqlite/`).
//!
//! Every acknowledged push must survive a power cut (the laptop deletes what the server
//! acknowledged), so commits fsync (`synchronous=FULL`). Pushes share commits through the push
//! queue (`push_queue.rs`), the one group-commit mechanism of both backends.

use crate::error::{Result, ServerError};
use crate::sql::{AckBatch, Columns, Executor, FeedBatch, Param};
use crate::storage::{Storage, Tx, Work};
use chrono::{DateTime, Utc};
use fieldlog_migrate::Migration;
use rusqlite::types::ToSqlOutput;
use rusqlite::{Connection, ToSql};
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

/// The schema, as numbered migrations applied in order on open (each once, recorded in
/// `schema_migrations`). Files made before versions were recorded are recognised by their shape
/// (`unrecorded_version`).
pub const MIGRATIONS: &[Migration] = fieldlog_migrate::migrations!(
    "../migrations/sqlite":
    "0001_schema",
    "0002_certificates",
    "0003_feed_by_scope",
    "0004_feed_sender",
    "0005_parents_and_uploads",
    "0006_evidence_chain",
    "0007_office_accounts",
    "0008_revocation",
    "0009_laptop_reports",
    "0010_office_catalogue",
    "0011_fault_children",
);

/// The migration that brought issue 13's reference checks: rows kept before it are looked over
/// once (`rules::flag_cross_contract`), on both backends.
pub(crate) const REFERENCE_CHECKS: i64 = 5;

/// The versions a file made before versions were recorded already holds (its schema was created
/// inline, `IF NOT EXISTS`, at every open, and upgraded by hand), or None when the file records
/// its versions or is new. Each step is recognised by what it added; a file holds the steps up to
/// the first it lacks (0006 is the only one made beside another, and it is written to find its
/// table already there).
fn unrecorded_version(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let exists = |sql: &str, params: &[&str]| -> rusqlite::Result<bool> {
        conn.query_row(sql, rusqlite::params_from_iter(params), |r| r.get(0))
    };
    let has_table = |name: &str| {
        exists(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1)",
            &[name],
        )
    };
    let has_index = |name: &str| {
        exists(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?1)",
            &[name],
        )
    };
    let has_column = |table: &str, column: &str| {
        exists(
            "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
            &[table, column],
        )
    };
    if has_table("schema_migrations")? || !has_table("contracts")? {
        return Ok(None);
    }
    let steps = [
        has_table("server_ca")?,
        has_index("feed_by_scope")?,
        has_column("feed", "device_id")?,
        has_column("records", "parent")? && has_column("blobs", "uploaded_by")?,
        has_table("evidence_chains")?,
    ];
    Ok(Some(
        1 + steps.iter().take_while(|held| **held).count() as i64,
    ))
}

/// Brings the file's schema up to date: a file from before version records is stamped with the
/// versions it holds first. Returns the versions it went from and to.
fn migrate(conn: &mut Connection) -> Result<fieldlog_migrate::Upgrade> {
    if let Some(version) = unrecorded_version(conn)? {
        fieldlog_migrate::sqlite::record_applied(conn, MIGRATIONS, version)?;
    }
    fieldlog_migrate::migrate(conn, MIGRATIONS).map_err(|e| match e {
        fieldlog_migrate::MigrateError::TooNew { found, supported } => {
            ServerError::schema_too_new(found, supported)
        }
        fieldlog_migrate::MigrateError::Database(e) => ServerError::Storage(e.to_string()),
    })
}

pub struct SqliteStorage {
    writer: Mutex<SqliteExecutor>,
    commits: AtomicU64,
    /// Read-only connections for pulls and downloads: in WAL mode they read a committed snapshot
    /// while the writer works, so a pull never waits for another device's push (and its fsync).
    readers: Vec<Mutex<SqliteExecutor>>,
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

const READERS: usize = 4;

/// Statements kept prepared per connection: every statement `crate::sql` writes, with room.
const PREPARED_STATEMENTS: usize = 64;

impl SqliteStorage {
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStorage> {
        let mut conn = Connection::open(path.as_ref())?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        // Each request runs under a savepoint: its statement journal stays in memory instead
        // of a temp file opened, written and deleted per request.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.pragma_update(None, "wal_autocheckpoint", BACKSTOP_CHECKPOINT_PAGES)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let upgrade = migrate(&mut conn)?;
        let checkpoints = Checkpoints::start(path.as_ref())?;
        let mut readers = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let reader = Connection::open_with_flags(
                path.as_ref(),
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            reader.busy_timeout(std::time::Duration::from_secs(10))?;
            readers.push(Mutex::new(SqliteExecutor::new(reader)));
        }
        let storage = SqliteStorage {
            writer: Mutex::new(SqliteExecutor::new(conn)),
            commits: AtomicU64::new(0),
            readers,
            next_reader: AtomicUsize::new(0),
            checkpoints,
        };
        if upgrade.crossed(REFERENCE_CHECKS) {
            // Rows accepted before the reference checks existed are looked over once.
            storage.transaction(|tx| crate::rules::flag_cross_contract(tx, Utc::now()))?;
        }
        Ok(storage)
    }

    /// Background checkpoints run so far: for tests.
    pub fn checkpoints(&self) -> u64 {
        self.checkpoints.done()
    }

    /// Transactions committed so far (each may hold several requests): for tests and benchmarks.
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }
}

/// A lock that a panicking request poisoned is still usable: the panic is caught inside the
/// transaction, which is rolled back.
fn lock(executor: &Mutex<SqliteExecutor>) -> MutexGuard<'_, SqliteExecutor> {
    executor.lock().unwrap_or_else(|e| e.into_inner())
}

impl Storage for SqliteStorage {
    fn transactions<'a, T>(&self, works: Vec<Work<'a, T>>) -> Vec<Result<T>> {
        let mut writer = lock(&self.writer);
        let (outcomes, committed) = crate::sql::write_group(&mut *writer, works);
        if committed {
            self.commits.fetch_add(1, Ordering::Relaxed);
            self.checkpoints.committed();
        }
        outcomes
    }

    fn read<T>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let i = self.next_reader.fetch_add(1, Ordering::Relaxed) % self.readers.len();
        crate::sql::read_only(&mut *lock(&self.readers[i]), work)
    }
}

/// One connection, as `crate::sql` runs statements on it.
pub(crate) struct SqliteExecutor {
    conn: Connection,
    /// The last time bound and its text: every change of a push shares one receive time.
    time_text: Option<(DateTime<Utc>, String)>,
}

impl SqliteExecutor {
    fn new(conn: Connection) -> SqliteExecutor {
        conn.set_prepared_statement_cache_capacity(PREPARED_STATEMENTS);
        SqliteExecutor {
            conn,
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

    /// The parameters as rusqlite binds them, times as their text.
    fn bind<'p>(&mut self, params: &'p [Param<'p>]) -> Vec<Bound<'p>> {
        params
            .iter()
            .map(|p| match p {
                Param::Time(at) => Bound::Time(self.time_text(*at)),
                other => Bound::Param(other),
            })
            .collect()
    }
}

/// A parameter ready for rusqlite.
enum Bound<'p> {
    Param(&'p Param<'p>),
    Time(String),
}

impl ToSql for Bound<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            Bound::Time(text) => text.to_sql(),
            Bound::Param(Param::Int(v)) => v.to_sql(),
            Bound::Param(Param::Bool(v)) => v.to_sql(),
            Bound::Param(Param::Text(v)) => v.to_sql(),
            Bound::Param(Param::OptText(v)) => v.to_sql(),
            Bound::Param(Param::Bytes(v)) => v.to_sql(),
            Bound::Param(Param::Time(_)) => unreachable!("bound as text"),
        }
    }
}

crate::sql::columns_through!(rusqlite::Row<'_>, get);

impl Executor for SqliteExecutor {
    fn begin_write(&mut self) -> Result<()> {
        Ok(self.conn.execute_batch("BEGIN IMMEDIATE")?)
    }

    fn begin_read(&mut self) -> Result<()> {
        // DEFERRED: the snapshot is taken at the first read and holds for the whole request.
        Ok(self.conn.execute_batch("BEGIN DEFERRED")?)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.conn.execute_batch(sql)?)
    }

    fn execute(&mut self, sql: &'static str, params: &[Param<'_>]) -> Result<u64> {
        let bound = self.bind(params);
        let bound: Vec<&dyn ToSql> = bound.iter().map(|b| b as &dyn ToSql).collect();
        Ok(self.conn.prepare_cached(sql)?.execute(&*bound)? as u64)
    }

    fn query(
        &mut self,
        sql: &'static str,
        params: &[Param<'_>],
        each: &mut dyn FnMut(&dyn Columns) -> Result<()>,
    ) -> Result<()> {
        let bound = self.bind(params);
        let bound: Vec<&dyn ToSql> = bound.iter().map(|b| b as &dyn ToSql).collect();
        let mut statement = self.conn.prepare_cached(sql)?;
        let mut rows = statement.query(&*bound)?;
        while let Some(row) = rows.next()? {
            each(row)?;
        }
        Ok(())
    }

    fn insert_feed(&mut self, f: &FeedBatch) -> Result<()> {
        for i in 0..f.entity.len() {
            let received_at = self.time_text(f.received_at[i]);
            self.conn
                .prepare_cached(
                    "INSERT INTO feed (entity, id, rev, row, scope, owner, attachment, received_at,
                                       clock_suspect, device_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                )?
                .execute((
                    &f.entity[i],
                    &f.id[i],
                    f.rev[i],
                    &f.row[i],
                    &f.scope[i],
                    &f.owner[i],
                    &f.attachment[i],
                    &received_at,
                    f.clock_suspect[i],
                    &f.device_id[i],
                ))?;
        }
        Ok(())
    }

    fn insert_acks(&mut self, a: &AckBatch) -> Result<()> {
        let mut insert = self
            .conn
            .prepare_cached("INSERT INTO acks (device_id, seq, ack) VALUES (?1, ?2, ?3)")?;
        for i in 0..a.device_id.len() {
            insert.execute((&a.device_id[i], a.seq[i], &a.ack[i]))?;
        }
        Ok(())
    }

    fn blob_append_sql(&self) -> &'static str {
        // `||` makes text of a blob in SQLite: cast back.
        "UPDATE blobs SET bytes = CAST(bytes || ?2 AS BLOB) WHERE sha256 = ?1"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::OptionalExtension;
    use std::sync::Arc;
    use std::time::Duration;

    /// The last release that created its schema inline: later files record their versions.
    const LAST_INLINE_VERSION: i64 = 6;

    fn storage() -> (tempfile::TempDir, Arc<SqliteStorage>) {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(dir.path().join("server.sqlite")).unwrap();
        (dir, Arc::new(storage))
    }

    /// What a reader (another connection) sees: committed data only.
    fn contract_exists(storage: &SqliteStorage, code: &str) -> bool {
        let reader = storage.readers[0].lock().unwrap();
        reader
            .conn
            .query_row(
                "SELECT 1 FROM contracts WHERE code = ?1",
                [code],
                |_| Ok(()),
            )
            .optional()
            .unwrap()
            .is_some()
    }

    /// Tables, their columns in order, and indexes (with their columns and the rows they
    /// cover): what two schemas must share. A table's stored `CREATE` text is left out:
    /// `ALTER TABLE` rewrites it, and the inline schema carried comments.
    fn shape(path: &Path) -> Vec<String> {
        let conn = Connection::open(path).unwrap();
        let mut out = Vec::new();
        let objects: Vec<(String, String, String, String)> = conn
            .prepare(
                "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema
                 WHERE name NOT LIKE 'sqlite_%' AND name != 'schema_migrations'
                 ORDER BY type, name",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for (kind, name, table, sql) in objects {
            if kind == "index" {
                // A partial index's condition, spelt alike whatever made it.
                let condition = sql.split_once(" WHERE ").map_or("", |(_, c)| c);
                out.push(format!("index {name} where {condition}"));
            }
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
        let mut tx = SqliteExecutor::new(Connection::open_in_memory().unwrap());
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

    /// The rows of each old version, blobs spelt as SQLite's `x'…'`.
    fn rows_at_version() -> Vec<(i64, String)> {
        crate::upgrade_check::rows_at_version(|hex| format!("x'{hex}'"))
    }

    /// Every row of every table but the version record (`fieldlog_migrate::sqlite::data_dump`).
    fn data_dump(path: &Path) -> String {
        let conn = Connection::open(path).unwrap();
        fieldlog_migrate::sqlite::data_dump(&conn, &["schema_migrations"]).unwrap()
    }

    fn fresh_shape(dir: &Path) -> Vec<String> {
        let fresh = dir.join("fresh.sqlite");
        drop(SqliteStorage::open(&fresh).unwrap());
        shape(&fresh)
    }

    fn versions(path: &Path) -> Vec<i64> {
        Connection::open(path)
            .unwrap()
            .prepare("SELECT version FROM schema_migrations ORDER BY version")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    /// Opens the old file as the server does and checks it is now the fresh schema, every
    /// version recorded once, and every old row still there.
    fn assert_upgraded(path: &Path, fresh: &[String], data_before: &str, from: &str) {
        drop(SqliteStorage::open(path).unwrap());
        assert_eq!(shape(path), fresh, "upgrading {from}");
        assert_eq!(
            versions(path),
            MIGRATIONS.iter().map(|m| m.version).collect::<Vec<_>>(),
            "{from}"
        );
        let lost = fieldlog_migrate::rows_lost(data_before, &data_dump(path), "schema_migrations");
        assert!(lost.is_empty(), "rows lost upgrading {from}: {lost:?}");
    }

    /// Old + upgrade == fresh, with rows written at each old version, for files that record
    /// their versions.
    #[test]
    fn every_old_version_upgrades_to_the_fresh_schema_keeping_its_data() {
        let rows = rows_at_version();
        let data = crate::upgrade_check::borrowed(&rows);
        let dir = tempfile::tempdir().unwrap();
        let fresh = fresh_shape(dir.path());
        for old in fieldlog_migrate::old_versions(MIGRATIONS) {
            let path = dir.path().join(format!("numbered-{old}.sqlite"));
            let mut conn = Connection::open(&path).unwrap();
            conn.pragma_update(None, "foreign_keys", true).unwrap();
            fieldlog_migrate::build_old(&mut conn, MIGRATIONS, &data, old).unwrap();
            drop(conn);
            let data_before = data_dump(&path);
            assert_upgraded(&path, &fresh, &data_before, &format!("from version {old}"));
        }
    }

    /// Files of every release before version records (each release's schema was what the
    /// numbered files up to its version make, created inline): recognised by their shape,
    /// stamped at that version, upgraded, their rows kept.
    #[test]
    fn files_without_version_records_are_recognised_at_their_version_and_upgraded() {
        let data = rows_at_version();
        let dir = tempfile::tempdir().unwrap();
        let fresh = fresh_shape(dir.path());
        for old in 1..=LAST_INLINE_VERSION {
            let path = dir.path().join(format!("inline-{old}.sqlite"));
            let conn = Connection::open(&path).unwrap();
            for m in MIGRATIONS.iter().filter(|m| m.version <= old) {
                conn.execute_batch(m.sql).unwrap();
                for (_, rows) in data.iter().filter(|(v, _)| *v == m.version) {
                    conn.execute_batch(rows).unwrap();
                }
            }
            assert_eq!(unrecorded_version(&conn).unwrap(), Some(old));
            drop(conn);
            let data_before = data_dump(&path);
            assert_upgraded(
                &path,
                &fresh,
                &data_before,
                &format!("inline version {old}"),
            );
        }
    }

    /// The file the last release before numbered migrations made (its inline schema, as it
    /// was): version 6, stamped so, then upgraded by the migrations since.
    #[test]
    fn a_file_of_the_last_inline_release_is_stamped_and_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(include_str!(
            "../tests/fixtures/sqlite-schema-before-numbered.sql"
        ))
        .unwrap();
        assert_eq!(
            unrecorded_version(&conn).unwrap(),
            Some(LAST_INLINE_VERSION)
        );
        drop(conn);
        let fresh = fresh_shape(dir.path());
        // Opening it applies the numbered migrations made since, and keeps the rest as it was.
        assert_upgraded(&path, &fresh, "", "the last inline release");
    }
}
