//! The PostgreSQL backend, for a server that outgrows one file: the same tables and the same
//! [`Tx`] semantics as the SQLite backend, so the rules and the HTTP API cannot tell them apart.
//!
//! **Commit order of the feed.** The feed's cursor comes from an identity column (a sequence),
//! and a sequence hands out numbers when a transaction *asks*, not when it commits: two writers
//! running side by side could commit 8 before 7, and a reader that already passed 8 would never
//! see 7. So writers are serialised, as SQLite serialises them: one writer connection behind a
//! mutex (within this process), and every writing transaction first takes a transaction-level
//! advisory lock (`pg_advisory_xact_lock`, across processes: a second server or the admin CLI on
//! the same database). Asking order is then commit order. Reads (pulls, downloads) run beside
//! the writer on their own connections, each request in one `REPEATABLE READ, READ ONLY`
//! snapshot, which — writers being serialised — always holds a prefix of the feed.
//!
//! The driver is rust-postgres' synchronous client: [`Storage`] is synchronous and the HTTP
//! layer already calls it on tokio's blocking threads. Connections are a writer and a few
//! readers, like the SQLite backend; statements are prepared once per connection and reused,
//! and a push's feed versions and acks go in one multi-row INSERT each (`insert_feed`), since
//! every round trip to the database counts here as an fsync does on SQLite. What is stored is
//! written once, in `crate::sql`; this module is the connection (`Session`) and the schema's
//! numbered migrations (`migrations/postgres/`). A connection the database closed (a restart)
//! is opened again on its next use.

use crate::error::{Result, ServerError};
use crate::sql::{AckBatch, Columns, Executor, FeedBatch, Param};
use crate::storage::{Storage, Tx, Work};
use ::postgres::types::ToSql;
use ::postgres::{Client, Config, NoTls, Statement};
use chrono::Utc;
use fieldlog_migrate::Migration;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The schema, as numbered migrations applied in order on open (each once, recorded in
/// `schema_migrations`).
pub const MIGRATIONS: &[Migration] = fieldlog_migrate::migrations!(
    "../migrations/postgres":
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

/// The advisory lock every writing transaction holds: "fieldlog" in ASCII, a key no other
/// application is likely to pick.
const WRITER_LOCK: i64 = 0x6669_656c_646c_6f67;

/// Read-only connections beside the writer, as many as the SQLite backend keeps.
const READERS: usize = 4;

pub struct PostgresStorage {
    config: Config,
    /// The writer first, then the readers.
    sessions: Vec<Mutex<Session>>,
    next_reader: AtomicUsize,
}

/// One connection and the statements prepared on it: what `crate::sql` runs statements on.
pub(crate) struct Session {
    client: Client,
    /// Keyed by the statement as `crate::sql` writes it (`?N`), prepared as PostgreSQL's `$N`.
    statements: HashMap<&'static str, Statement>,
}

impl Session {
    fn connect(config: &Config) -> Result<Session> {
        let client = config.connect(NoTls).map_err(|e| {
            ServerError::Storage(format!(
                "无法连接 PostgreSQL，请检查 --db 地址以及数据库是否已启动 \
                 (cannot connect to PostgreSQL: check the --db URL and that the database is up): {}",
                describe(&e)
            ))
        })?;
        Ok(Session {
            client,
            statements: HashMap::new(),
        })
    }

    /// The session, reconnected first if the database closed the connection.
    fn live(&mut self, config: &Config) -> Result<&mut Session> {
        if self.client.is_closed() {
            *self = Session::connect(config)?;
        }
        Ok(self)
    }

    /// The statement for `sql`, prepared on this connection once and reused.
    fn statement(&mut self, sql: &'static str) -> Result<Statement> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(&dollar_parameters(sql))?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }
}

/// `?N` parameters written as PostgreSQL's `$N` (the statements have no `?` elsewhere).
fn dollar_parameters(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '?' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('$');
        } else {
            out.push(c);
        }
    }
    out
}

impl PostgresStorage {
    /// Opens the database at a `postgres://` or `postgresql://` URL (or a libpq key=value string)
    /// and brings its schema up to date.
    pub fn open(url: &str) -> Result<PostgresStorage> {
        let config: Config = url.parse().map_err(|e: ::postgres::Error| {
            ServerError::Storage(format!(
                "PostgreSQL 地址格式不正确 (malformed PostgreSQL URL): {e}"
            ))
        })?;
        PostgresStorage::connect(config)
    }

    pub fn connect(mut config: Config) -> Result<PostgresStorage> {
        if config.get_application_name().is_none() {
            // Shown in pg_stat_activity, so an administrator sees who holds a connection.
            config.application_name("fieldlog-server");
        }
        let mut writer = Session::connect(&config)?;
        let upgrade = migrate(&mut writer.client)?;
        let mut sessions = vec![Mutex::new(writer)];
        for _ in 0..READERS {
            sessions.push(Mutex::new(Session::connect(&config)?));
        }
        let storage = PostgresStorage {
            config,
            sessions,
            next_reader: AtomicUsize::new(0),
        };
        if upgrade.crossed(crate::sqlite::REFERENCE_CHECKS) {
            // Rows accepted before the reference checks existed are looked over once.
            storage.transaction(|tx| crate::rules::flag_cross_contract(tx, Utc::now()))?;
        }
        Ok(storage)
    }
}

impl Drop for PostgresStorage {
    fn drop(&mut self) {
        // The driver closes a connection by blocking on its own runtime, which panics on a
        // thread that drives tokio, and that is where a server drops its storage when it shuts
        // down. There, the connections are closed on a plain thread of their own.
        if tokio::runtime::Handle::try_current().is_ok() {
            let sessions = std::mem::take(&mut self.sessions);
            let _ = std::thread::spawn(move || drop(sessions)).join();
        }
    }
}

/// The migration runner's view of a PostgreSQL transaction: every pending migration is applied
/// in the one transaction that holds the writer lock (two servers starting at once do not both
/// migrate).
struct Migrating<'c>(::postgres::Transaction<'c>);

impl fieldlog_migrate::Database for Migrating<'_> {
    type Error = ::postgres::Error;

    fn applied_version(&mut self) -> std::result::Result<i64, ::postgres::Error> {
        self.0.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                 version    INTEGER PRIMARY KEY,
                 applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             );",
        )?;
        let applied: Option<i32> = self
            .0
            .query_one("SELECT max(version) FROM schema_migrations", &[])?
            .try_get(0)?;
        Ok(applied.map_or(0, i64::from))
    }

    fn apply(&mut self, migration: &Migration) -> std::result::Result<(), ::postgres::Error> {
        self.0.batch_execute(migration.sql)?;
        let version = i32::try_from(migration.version).expect("a migration number fits");
        self.0.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[&version],
        )?;
        Ok(())
    }

    fn execute_batch(&mut self, sql: &str) -> std::result::Result<(), ::postgres::Error> {
        self.0.batch_execute(sql)
    }
}

/// Applies the migrations this database lacks, in one transaction under the writer lock.
fn migrate(client: &mut Client) -> Result<fieldlog_migrate::Upgrade> {
    let mut tx = client.transaction()?;
    tx.batch_execute(&format!("SELECT pg_advisory_xact_lock({WRITER_LOCK})"))?;
    let mut migrating = Migrating(tx);
    let upgrade = fieldlog_migrate::migrate(&mut migrating, MIGRATIONS).map_err(|e| match e {
        fieldlog_migrate::MigrateError::TooNew { found, supported } => {
            ServerError::schema_too_new(found, supported)
        }
        fieldlog_migrate::MigrateError::Database(e) => ServerError::from(e),
    })?;
    migrating.0.commit()?;
    Ok(upgrade)
}

/// A lock that a panicking request poisoned is still usable: the panic is caught inside the
/// transaction, which is rolled back.
fn lock(session: &Mutex<Session>) -> MutexGuard<'_, Session> {
    session.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Storage for PostgresStorage {
    /// Group commit, as on SQLite: one transaction under the writer lock, each work under a
    /// savepoint of its own (a failing one rolls back alone), one commit for the lot.
    fn transactions<'a, T>(&self, works: Vec<Work<'a, T>>) -> Vec<Result<T>> {
        let mut guard = lock(&self.sessions[0]);
        match guard.live(&self.config) {
            Ok(session) => crate::sql::write_group(session, works).0,
            Err(e) => works
                .iter()
                .map(|_| Err(ServerError::Storage(e.to_string())))
                .collect(),
        }
    }

    fn read<T>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let i = 1 + self.next_reader.fetch_add(1, Ordering::Relaxed) % READERS;
        let mut guard = lock(&self.sessions[i]);
        crate::sql::read_only(guard.live(&self.config)?, work)
    }
}

/// The parameters as rust-postgres binds them.
fn bind<'p>(params: &'p [Param<'p>]) -> Vec<&'p (dyn ToSql + Sync)> {
    params
        .iter()
        .map(|p| -> &(dyn ToSql + Sync) {
            match p {
                Param::Int(v) => v,
                Param::Bool(v) => v,
                Param::Text(v) => v,
                Param::OptText(v) => v,
                Param::Bytes(v) => v,
                Param::Time(v) => v,
            }
        })
        .collect()
}

crate::sql::columns_through!(::postgres::Row, try_get);

/// `WITH ORDINALITY ... ORDER BY n`: rows are inserted, and draw their cursor, in the order
/// they were appended.
const FEED_INSERT: &str = "
    INSERT INTO feed (entity, id, rev, row, scope, owner, attachment, received_at, clock_suspect,
                      device_id)
    SELECT entity, id, rev, row, scope, owner, attachment, received_at, clock_suspect, device_id
    FROM unnest(?1::text[], ?2::text[], ?3::bigint[], ?4::text[], ?5::text[], ?6::text[],
                ?7::text[], ?8::timestamptz[], ?9::boolean[], ?10::text[])
         WITH ORDINALITY AS batch (entity, id, rev, row, scope, owner, attachment, received_at,
                                   clock_suspect, device_id, n)
    ORDER BY n";

const ACK_INSERT: &str = "
    INSERT INTO acks (device_id, seq, ack)
    SELECT * FROM unnest(?1::text[], ?2::bigint[], ?3::text[])";

impl Executor for Session {
    fn begin_write(&mut self) -> Result<()> {
        // READ COMMITTED: every statement sees what committed before it, so once the lock is
        // held the transaction sees every earlier writer's work.
        Ok(self.client.batch_execute(&format!(
            "BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock({WRITER_LOCK})"
        ))?)
    }

    fn begin_read(&mut self) -> Result<()> {
        // One snapshot for the whole request, like SQLite's DEFERRED read; READ ONLY makes a
        // stray write an error rather than a write outside the writer lock.
        Ok(self
            .client
            .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")?)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.client.batch_execute(sql)?)
    }

    fn execute(&mut self, sql: &'static str, params: &[Param<'_>]) -> Result<u64> {
        let statement = self.statement(sql)?;
        Ok(self.client.execute(&statement, &bind(params))?)
    }

    fn query(
        &mut self,
        sql: &'static str,
        params: &[Param<'_>],
        each: &mut dyn FnMut(&dyn Columns) -> Result<()>,
    ) -> Result<()> {
        let statement = self.statement(sql)?;
        for row in self.client.query(&statement, &bind(params))? {
            each(&row)?;
        }
        Ok(())
    }

    fn insert_feed(&mut self, f: &FeedBatch) -> Result<()> {
        let statement = self.statement(FEED_INSERT)?;
        self.client.execute(
            &statement,
            &[
                &f.entity,
                &f.id,
                &f.rev,
                &f.row,
                &f.scope,
                &f.owner,
                &f.attachment,
                &f.received_at,
                &f.clock_suspect,
                &f.device_id,
            ],
        )?;
        Ok(())
    }

    fn insert_acks(&mut self, a: &AckBatch) -> Result<()> {
        let statement = self.statement(ACK_INSERT)?;
        self.client
            .execute(&statement, &[&a.device_id, &a.seq, &a.ack])?;
        Ok(())
    }

    fn blob_append_sql(&self) -> &'static str {
        "UPDATE blobs SET bytes = bytes || ?2 WHERE sha256 = ?1"
    }
}

/// The environment variable naming the PostgreSQL cluster for tests and benchmarks (a URL of
/// its maintenance database, whose user may `CREATE DATABASE`); `cargo xtask test` and
/// `cargo xtask with-postgres` start a throwaway cluster and set it.
pub const TEST_CLUSTER_VAR: &str = "FIELDLOG_TEST_POSTGRES_URL";

/// A database of its own in a PostgreSQL cluster, made for one test or benchmark run (so runs
/// can go side by side) and dropped, with any connection still open, when this is dropped.
pub struct ThrowawayDatabase {
    cluster_url: String,
    name: String,
    /// Where the database is: the cluster's settings with this database's name.
    pub config: Config,
}

impl ThrowawayDatabase {
    /// A fresh database in the cluster at [`TEST_CLUSTER_VAR`]. Panics, saying how to provide
    /// one, when the variable is not set: a PostgreSQL test must fail, never pass unrun.
    pub fn for_test() -> ThrowawayDatabase {
        let cluster_url = std::env::var(TEST_CLUSTER_VAR).unwrap_or_else(|_| {
            panic!(
                "{TEST_CLUSTER_VAR} is not set, so this PostgreSQL test cannot run. Run \
                 `cargo xtask test` (it starts a throwaway PostgreSQL), or \
                 `cargo xtask with-postgres cargo test -p CRATE`, or set it to a cluster where \
                 you may CREATE DATABASE, e.g. postgres://postgres@127.0.0.1:5432/postgres"
            )
        });
        ThrowawayDatabase::create(&cluster_url)
            .unwrap_or_else(|e| panic!("{TEST_CLUSTER_VAR}={cluster_url}: {e}"))
    }

    /// The database's URL, for `fieldlog-server --db`: the cluster's URL with this database's
    /// name as its path (the cluster URL must be a `postgres://` URL, not key=value settings).
    pub fn url(&self) -> String {
        let (scheme, rest) = self
            .cluster_url
            .split_once("://")
            .unwrap_or(("postgres", &self.cluster_url));
        let query = rest.find('?').map_or("", |i| &rest[i..]);
        let before_query = &rest[..rest.len() - query.len()];
        let authority = before_query.split('/').next().unwrap_or(before_query);
        format!("{scheme}://{authority}/{}{query}", self.name)
    }

    /// Creates a fresh database, uniquely named, in the cluster at `cluster_url` (a URL whose
    /// user may `CREATE DATABASE`).
    pub fn create(cluster_url: &str) -> Result<ThrowawayDatabase> {
        let name = format!("fieldlog_scratch_{}", uuid::Uuid::now_v7().simple());
        let mut config: Config = cluster_url.parse()?;
        Client::connect(cluster_url, NoTls)?.batch_execute(&format!("CREATE DATABASE {name}"))?;
        config.dbname(&name);
        Ok(ThrowawayDatabase {
            cluster_url: cluster_url.to_owned(),
            name,
            config,
        })
    }

    /// The server's storage on this database (migrated).
    pub fn open(&self) -> Result<PostgresStorage> {
        PostgresStorage::connect(self.config.clone())
    }
}

impl Drop for ThrowawayDatabase {
    fn drop(&mut self) {
        let name = &self.name;
        // FORCE ends connections still open (a storage that outlived its test).
        let dropped = Client::connect(&self.cluster_url, NoTls).and_then(|mut cluster| {
            cluster.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        });
        if let Err(e) = dropped {
            eprintln!(
                "could not drop the throwaway database {name}: {}",
                describe(&e)
            );
        }
    }
}

/// The text of a driver error: the database's own message when it sent one.
fn describe(error: &::postgres::Error) -> String {
    match error.as_db_error() {
        Some(db) => db.to_string(),
        None => error.to_string(),
    }
}

impl From<::postgres::Error> for ServerError {
    fn from(error: ::postgres::Error) -> Self {
        ServerError::Storage(describe(&error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The push writer's call on PostgreSQL: works given together are committed together, and
    /// one that fails (or panics) loses only its own writes. Needs the test cluster (it fails,
    /// never skips, without one).
    #[test]
    fn works_given_together_commit_together_and_each_failure_stays_its_own() {
        let database = ThrowawayDatabase::for_test();
        let storage = database.open().unwrap();
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
            // A statement the database itself refuses (the code exists) inside its savepoint.
            Box::new(|tx| tx.add_contract("A", "again")),
            Box::new(|tx| tx.add_contract("D", "x")),
        ];
        let outcomes = storage.transactions(works);
        let ok: Vec<bool> = outcomes.iter().map(Result::is_ok).collect();
        assert_eq!(ok, [true, false, false, false, true]);
        let mut client = database.config.connect(NoTls).unwrap();
        let codes: Vec<String> = client
            .query("SELECT code FROM contracts ORDER BY code", &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(codes, ["A", "D"]);
        drop(client);
        drop(storage);
    }

    /// A database from before issue 13's checks (migrations 1-4, as the previous release left
    /// it): rows already accepted that point into another contract are flagged for review once,
    /// and a report's entries learn their report (migration 5). The same rows as SQLite's test.
    #[test]
    fn rows_accepted_before_the_reference_checks_are_flagged_once() {
        let database = ThrowawayDatabase::for_test();
        let mut client = database.config.connect(NoTls).unwrap();
        client
            .batch_execute(
                "CREATE TABLE schema_migrations (
                     version    INTEGER PRIMARY KEY,
                     applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                 );",
            )
            .unwrap();
        for m in MIGRATIONS.iter().filter(|m| m.version <= 4) {
            client.batch_execute(m.sql).unwrap();
            client
                .execute(
                    "INSERT INTO schema_migrations (version) VALUES ($1)",
                    &[&(m.version as i32)],
                )
                .unwrap();
        }
        client
            .batch_execute(crate::upgrade_check::OLD_ROWS)
            .unwrap();
        crate::upgrade_check::assert_flagged_once(|| database.open().unwrap());
        let parent: Option<String> = client
            .query_one("SELECT parent FROM records WHERE id = 'e1'", &[])
            .unwrap()
            .get(0);
        assert_eq!(parent.as_deref(), Some("r1"));
    }

    /// Tables with their columns (type, nullability, default) and indexes with their definition.
    fn shape(client: &mut Client) -> Vec<String> {
        let mut out: Vec<String> = client
            .query(
                "SELECT table_name || '.' || column_name || ' ' || data_type || ' '
                        || is_nullable || ' ' || coalesce(column_default, '') || ' '
                        || ordinal_position
                 FROM information_schema.columns WHERE table_schema = 'public'
                 ORDER BY table_name, ordinal_position",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        out.extend(
            client
                .query(
                    "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname",
                    &[],
                )
                .unwrap()
                .iter()
                .map(|r| r.get::<_, String>(0)),
        );
        out
    }

    /// Every row of every table but the version record, one line each: a row kept by an
    /// upgrade is a prefix of its line after (columns added later come last).
    fn data_dump(client: &mut Client) -> String {
        let tables: Vec<String> = client
            .query(
                "SELECT table_name::text FROM information_schema.tables
                 WHERE table_schema = 'public' AND table_name != 'schema_migrations'
                 ORDER BY table_name",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut out = String::new();
        for table in tables {
            out.push_str(&format!("== {table}\n"));
            let columns: Vec<String> = client
                .query(
                    "SELECT column_name::text FROM information_schema.columns
                     WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                    &[&table],
                )
                .unwrap()
                .iter()
                .map(|r| format!("coalesce({}::text, 'NULL')", r.get::<_, String>(0)))
                .collect();
            let sql = format!(
                "SELECT concat_ws(' | ', {}) FROM {table} ORDER BY 1",
                columns.join(", ")
            );
            for row in client.query(&sql, &[]).unwrap() {
                out.push_str(&row.get::<_, String>(0));
                out.push('\n');
            }
        }
        out
    }

    /// Old + upgrade == fresh on PostgreSQL, with rows written at each old version.
    #[test]
    fn every_old_version_upgrades_to_the_fresh_schema_keeping_its_data() {
        // Blobs spelt as PostgreSQL's `'\x…'` bytea text.
        let rows = crate::upgrade_check::rows_at_version(|hex| format!("'\\x{hex}'"));
        let data = crate::upgrade_check::borrowed(&rows);
        let fresh_database = ThrowawayDatabase::for_test();
        drop(fresh_database.open().unwrap());
        let fresh = shape(&mut fresh_database.config.connect(NoTls).unwrap());
        for old in fieldlog_migrate::old_versions(MIGRATIONS) {
            let database = ThrowawayDatabase::for_test();
            let mut client = database.config.connect(NoTls).unwrap();
            {
                let mut migrating = Migrating(client.transaction().unwrap());
                fieldlog_migrate::build_old(&mut migrating, MIGRATIONS, &data, old).unwrap();
                migrating.0.commit().unwrap();
            }
            let data_before = data_dump(&mut client);
            drop(database.open().unwrap());
            assert_eq!(shape(&mut client), fresh, "upgrading from version {old}");
            let versions: Vec<i32> = client
                .query("SELECT version FROM schema_migrations ORDER BY 1", &[])
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            let all: Vec<i32> = MIGRATIONS
                .iter()
                .map(|m| i32::try_from(m.version).unwrap())
                .collect();
            assert_eq!(versions, all, "from version {old}");
            let lost = fieldlog_migrate::rows_lost(
                &data_before,
                &data_dump(&mut client),
                "schema_migrations",
            );
            assert!(lost.is_empty(), "rows lost upgrading from {old}: {lost:?}");
        }
    }
}
