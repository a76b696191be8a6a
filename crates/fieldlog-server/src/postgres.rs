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
//! and a push's feed versions and acks go in one multi-row INSERT each (see `PostgresTx`),
//! since every round trip to the database counts here as an fsync does on SQLite.
//! A connection the database closed (a restart) is opened again on its next use.

use crate::error::{Result, ServerError};
use crate::storage::{
    BlobState, ConflictNote, DeviceAuth, IssuedCertificateRecord, Storage, StoredRecord, Tx, Work,
    row_json, stored_row,
};
use ::postgres::types::ToSql;
use ::postgres::{Client, Config, IsolationLevel, NoTls, Statement, Transaction};
use chrono::{DateTime, Utc};
use fieldlog_wire::sync::chain_v1::{ChainHead, ChainLink};
use fieldlog_wire::sync::v1::{Ack, FeedRecord, Row, StoredRow};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The schema, as numbered migrations applied in order on open (each once, recorded in
/// `schema_migrations`).
const MIGRATIONS: &[(i32, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_schema.sql")),
    (
        2,
        include_str!("../migrations/postgres/0002_certificates.sql"),
    ),
    (
        3,
        include_str!("../migrations/postgres/0003_feed_by_scope.sql"),
    ),
    (
        4,
        include_str!("../migrations/postgres/0004_feed_sender.sql"),
    ),
    (
        5,
        include_str!("../migrations/postgres/0005_parents_and_uploads.sql"),
    ),
    (
        6,
        include_str!("../migrations/postgres/0006_evidence_chain.sql"),
    ),
];

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

/// One connection and the statements prepared on it.
struct Session {
    client: Client,
    statements: HashMap<String, Statement>,
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
        let before_checks = migrate(&mut writer.client)?;
        let mut sessions = vec![Mutex::new(writer)];
        for _ in 0..READERS {
            sessions.push(Mutex::new(Session::connect(&config)?));
        }
        let storage = PostgresStorage {
            config,
            sessions,
            next_reader: AtomicUsize::new(0),
        };
        if before_checks {
            // Rows accepted before the reference checks existed are looked over once.
            use crate::Storage;
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

/// Applies the migrations this database lacks, in one transaction under the writer lock (two
/// servers starting at once do not both migrate).
///
/// Returns whether the database predates issue 13's reference checks (migration 5 was applied
/// now to a database that had data before).
fn migrate(client: &mut Client) -> Result<bool> {
    let mut tx = client.transaction()?;
    tx.batch_execute(&format!(
        "SELECT pg_advisory_xact_lock({WRITER_LOCK});
         CREATE TABLE IF NOT EXISTS schema_migrations (
             version    INTEGER PRIMARY KEY,
             applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
         );"
    ))?;
    let applied: Option<i32> = tx
        .query_one("SELECT max(version) FROM schema_migrations", &[])?
        .try_get(0)?;
    let applied = applied.unwrap_or(0);
    let newest = MIGRATIONS.last().map_or(0, |(v, _)| *v);
    if applied > newest {
        return Err(ServerError::Storage(format!(
            "数据库结构版本 {applied} 比本程序新（{newest}），请升级 fieldlog-server \
             (the database schema is version {applied}, newer than this server's {newest}: upgrade the server)"
        )));
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > applied) {
        tx.batch_execute(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version) VALUES ($1)",
            &[version],
        )?;
    }
    tx.commit()?;
    Ok((1..5).contains(&applied))
}

/// A lock that a panicking request poisoned is still usable: the panic dropped its
/// transaction, and dropping a transaction rolls it back.
fn lock(session: &Mutex<Session>) -> MutexGuard<'_, Session> {
    session.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Storage for PostgresStorage {
    fn transaction<T>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let mut guard = lock(&self.sessions[0]);
        let Session { client, statements } = guard.live(&self.config)?;
        // READ COMMITTED: every statement sees what committed before it, so once the lock is
        // held the transaction sees every earlier writer's work.
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()?;
        let mut pg = PostgresTx::new(tx, statements);
        pg.tx
            .batch_execute(&format!("SELECT pg_advisory_xact_lock({WRITER_LOCK})"))?;
        let out = work(&mut pg)?;
        pg.flush()?;
        pg.tx.commit()?;
        Ok(out)
    }

    /// Group commit, as on SQLite: one transaction under the writer lock, each work under a
    /// savepoint of its own (a failing one rolls back alone), one commit for the lot.
    fn transactions<'a, T>(&self, works: Vec<Work<'a, T>>) -> Vec<Result<T>> {
        let total = works.len();
        let mut guard = lock(&self.sessions[0]);
        let all_failed = |reason: String| -> Vec<Result<T>> {
            (0..total)
                .map(|_| Err(ServerError::Storage(reason.clone())))
                .collect()
        };
        let Session { client, statements } = match guard.live(&self.config) {
            Ok(session) => session,
            Err(e) => return all_failed(e.to_string()),
        };
        let begun = client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()
            .and_then(|mut tx| {
                tx.batch_execute(&format!("SELECT pg_advisory_xact_lock({WRITER_LOCK})"))?;
                Ok(tx)
            });
        let mut tx = match begun {
            Ok(tx) => tx,
            Err(e) => return all_failed(ServerError::from(e).to_string()),
        };
        let mut outcomes = Vec::with_capacity(total);
        for work in works {
            let savepoint = match tx.savepoint("work") {
                Ok(savepoint) => savepoint,
                Err(e) => return all_failed(ServerError::from(e).to_string()),
            };
            let mut pg = PostgresTx::new(savepoint, statements);
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let value = work(&mut pg)?;
                pg.flush()?;
                Ok(value)
            }))
            .unwrap_or_else(|_| Err(ServerError::Storage("request panicked".into())));
            // Released on success; dropped (rolled back to) on failure.
            let outcome = match run {
                Ok(value) => pg.tx.commit().map(|()| value).map_err(ServerError::from),
                Err(e) => Err(e),
            };
            outcomes.push(outcome);
        }
        match tx.commit() {
            Ok(()) => outcomes,
            Err(e) => {
                let reason = ServerError::from(e).to_string();
                outcomes
                    .into_iter()
                    .map(|outcome| outcome.and(Err(ServerError::Storage(reason.clone()))))
                    .collect()
            }
        }
    }

    fn read<T>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let i = 1 + self.next_reader.fetch_add(1, Ordering::Relaxed) % READERS;
        let mut guard = lock(&self.sessions[i]);
        let Session { client, statements } = guard.live(&self.config)?;
        // One snapshot for the whole request, like SQLite's DEFERRED read; READ ONLY makes a
        // stray write an error rather than a write outside the writer lock.
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let mut pg = PostgresTx::new(tx, statements);
        let out = work(&mut pg)?;
        pg.tx.commit()?;
        Ok(out)
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

struct PostgresTx<'c> {
    tx: Transaction<'c>,
    statements: &'c mut HashMap<String, Statement>,
    /// Feed versions and acks this transaction wrote but has not sent yet. Each change of a push
    /// writes one of each, and nothing in a push reads them back, so they go in one multi-row
    /// INSERT per table (two statements for a batch of 1,000 instead of 2,000 round trips),
    /// sent before anything reads those tables and before the commit, in the order written, so
    /// the feed's cursor follows it. An error they cause (none is expected) fails the request
    /// then, as it would have a moment earlier.
    feed: FeedBatch,
    acks: AckBatch,
}

/// Feed rows waiting to be inserted, a column each (sent as arrays and `unnest`ed).
#[derive(Default)]
struct FeedBatch {
    entity: Vec<String>,
    id: Vec<String>,
    rev: Vec<i64>,
    row: Vec<String>,
    scope: Vec<Option<String>>,
    owner: Vec<String>,
    attachment: Vec<Option<String>>,
    received_at: Vec<DateTime<Utc>>,
    clock_suspect: Vec<bool>,
    device_id: Vec<Option<String>>,
}

#[derive(Default)]
struct AckBatch {
    device_id: Vec<String>,
    seq: Vec<i64>,
    ack: Vec<String>,
}

/// `WITH ORDINALITY ... ORDER BY n`: rows are inserted, and draw their cursor, in the order
/// they were appended.
const FEED_INSERT: &str = "
    INSERT INTO feed (entity, id, rev, row, scope, owner, attachment, received_at, clock_suspect,
                      device_id)
    SELECT entity, id, rev, row, scope, owner, attachment, received_at, clock_suspect, device_id
    FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                $7::text[], $8::timestamptz[], $9::boolean[], $10::text[])
         WITH ORDINALITY AS batch (entity, id, rev, row, scope, owner, attachment, received_at,
                                   clock_suspect, device_id, n)
    ORDER BY n";

const ACK_INSERT: &str = "
    INSERT INTO acks (device_id, seq, ack)
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])";

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl<'c> PostgresTx<'c> {
    fn new(tx: Transaction<'c>, statements: &'c mut HashMap<String, Statement>) -> Self {
        PostgresTx {
            tx,
            statements,
            feed: FeedBatch::default(),
            acks: AckBatch::default(),
        }
    }

    /// Sends the feed versions and acks written so far.
    fn flush(&mut self) -> Result<()> {
        if !self.feed.entity.is_empty() {
            let f = std::mem::take(&mut self.feed);
            self.execute(
                FEED_INSERT,
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
        }
        if !self.acks.device_id.is_empty() {
            let a = std::mem::take(&mut self.acks);
            self.execute(ACK_INSERT, &[&a.device_id, &a.seq, &a.ack])?;
        }
        Ok(())
    }

    /// The statement for `sql`, prepared on this connection once and reused.
    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.tx.prepare(sql)?;
        self.statements.insert(sql.to_owned(), statement.clone());
        Ok(statement)
    }

    fn execute(&mut self, sql: &str, params: Params<'_>) -> Result<u64> {
        let statement = self.statement(sql)?;
        Ok(self.tx.execute(&statement, params)?)
    }

    fn query(&mut self, sql: &str, params: Params<'_>) -> Result<Vec<::postgres::Row>> {
        let statement = self.statement(sql)?;
        Ok(self.tx.query(&statement, params)?)
    }

    fn query_opt(&mut self, sql: &str, params: Params<'_>) -> Result<Option<::postgres::Row>> {
        let statement = self.statement(sql)?;
        Ok(self.tx.query_opt(&statement, params)?)
    }

    fn query_one(&mut self, sql: &str, params: Params<'_>) -> Result<::postgres::Row> {
        let statement = self.statement(sql)?;
        Ok(self.tx.query_one(&statement, params)?)
    }
}

fn from_json(text: &str) -> Result<Row> {
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        _ => Err(ServerError::Storage(
            "stored row is not a JSON object".into(),
        )),
    }
}

const RECORD_COLUMNS: &str =
    "entity, id, rev, row, scope, owner, received_at, clock_suspect, waiting_for";

/// A feed row (seq, entity, id, rev, row, received_at, clock_suspect) for a pull answer, the row
/// text passed through unparsed.
fn feed_record(r: &::postgres::Row) -> Result<FeedRecord<StoredRow>> {
    Ok(FeedRecord {
        seq: r.try_get(0)?,
        entity: r.try_get(1)?,
        id: r.try_get(2)?,
        rev: r.try_get(3)?,
        row: stored_row(r.try_get(4)?)?,
        received_at: r.try_get(5)?,
        clock_suspect: r.try_get(6)?,
    })
}

fn stored_record(r: &::postgres::Row) -> Result<StoredRecord> {
    Ok(StoredRecord {
        entity: r.try_get(0)?,
        id: r.try_get(1)?,
        rev: r.try_get(2)?,
        row: from_json(r.try_get(3)?)?,
        scope: r.try_get(4)?,
        owner: r.try_get(5)?,
        received_at: r.try_get(6)?,
        clock_suspect: r.try_get(7)?,
        waiting_for: r.try_get(8)?,
    })
}

impl Tx for PostgresTx<'_> {
    fn chain(&mut self) -> &mut dyn crate::chain::ChainStore {
        self
    }

    fn add_contract(&mut self, code: &str, name: &str) -> Result<()> {
        let added = self.execute(
            "INSERT INTO contracts (code, name) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&code, &name],
        )?;
        if added == 0 {
            return Err(ServerError::contract_exists(code));
        }
        Ok(())
    }

    fn add_technician(&mut self, id: &str, name: &str) -> Result<()> {
        self.execute(
            "INSERT INTO technicians (id, name) VALUES ($1, $2)",
            &[&id, &name],
        )?;
        Ok(())
    }

    fn assign(&mut self, technician_id: &str, contract_code: &str) -> Result<()> {
        let known: bool = self
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM technicians WHERE id = $1)
                    AND EXISTS (SELECT 1 FROM contracts WHERE code = $2)",
                &[&technician_id, &contract_code],
            )?
            .try_get(0)?;
        if !known {
            return Err(ServerError::NotFound(format!(
                "技服 {technician_id} 或合同 {contract_code}"
            )));
        }
        self.execute(
            "INSERT INTO assignments (technician_id, contract_code) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            &[&technician_id, &contract_code],
        )?;
        Ok(())
    }

    fn add_enrollment_code(
        &mut self,
        code_hash: &str,
        technician_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO enrollment_codes (code_hash, technician_id, created_at) VALUES ($1, $2, $3)",
            &[&code_hash, &technician_id, &now],
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
        let Some(found) = self.query_opt(
            "SELECT t.id, t.name FROM enrollment_codes c JOIN technicians t ON t.id = c.technician_id
             WHERE c.code_hash = $1 AND c.used_at IS NULL",
            &[&code_hash],
        )?
        else {
            return Ok(None);
        };
        let (technician_id, name): (String, String) = (found.try_get(0)?, found.try_get(1)?);
        self.execute(
            "UPDATE enrollment_codes SET used_at = $2 WHERE code_hash = $1",
            &[&code_hash, &now],
        )?;
        self.execute(
            "INSERT INTO devices (id, technician_id, name, token_hash, enrolled_at) VALUES ($1, $2, $3, $4, $5)",
            &[&device_id, &technician_id, &device_name, &token_hash, &now],
        )?;
        Ok(Some((technician_id, name)))
    }

    fn device_by_token_hash(&mut self, token_hash: &str) -> Result<Option<DeviceAuth>> {
        let Some(found) = self.query_opt(
            "SELECT id, technician_id FROM devices WHERE token_hash = $1",
            &[&token_hash],
        )?
        else {
            return Ok(None);
        };
        let (device_id, technician_id): (String, String) = (found.try_get(0)?, found.try_get(1)?);
        let contracts = self.contracts_of(&technician_id)?;
        Ok(Some(DeviceAuth {
            device_id,
            technician_id,
            contracts,
        }))
    }

    fn contracts_of(&mut self, technician_id: &str) -> Result<Vec<String>> {
        self.query(
            "SELECT contract_code FROM assignments WHERE technician_id = $1 ORDER BY contract_code",
            &[&technician_id],
        )?
        .iter()
        .map(|r| Ok(r.try_get(0)?))
        .collect()
    }

    fn device_high_seq(&mut self, device_id: &str) -> Result<i64> {
        Ok(self
            .query_one("SELECT high_seq FROM devices WHERE id = $1", &[&device_id])?
            .try_get(0)?)
    }

    fn set_device_high_seq(&mut self, device_id: &str, seq: i64) -> Result<()> {
        self.execute(
            "UPDATE devices SET high_seq = $2 WHERE id = $1",
            &[&device_id, &seq],
        )?;
        Ok(())
    }

    fn stored_ack(&mut self, device_id: &str, seq: i64) -> Result<Option<Ack>> {
        self.flush()?;
        let Some(found) = self.query_opt(
            "SELECT ack FROM acks WHERE device_id = $1 AND seq = $2",
            &[&device_id, &seq],
        )?
        else {
            return Ok(None);
        };
        let text: &str = found.try_get(0)?;
        serde_json::from_str(text)
            .map(Some)
            .map_err(|e| ServerError::Storage(e.to_string()))
    }

    fn store_ack(&mut self, device_id: &str, ack: &Ack) -> Result<()> {
        let text = serde_json::to_string(ack).map_err(|e| ServerError::Storage(e.to_string()))?;
        self.acks.device_id.push(device_id.to_owned());
        self.acks.seq.push(ack.seq);
        self.acks.ack.push(text);
        Ok(())
    }

    fn record(&mut self, entity: &str, id: &str) -> Result<Option<StoredRecord>> {
        self.query_opt(
            &format!("SELECT {RECORD_COLUMNS} FROM records WHERE entity = $1 AND id = $2"),
            &[&entity, &id],
        )?
        .as_ref()
        .map(stored_record)
        .transpose()
    }

    fn record_scope(&mut self, entity: &str, id: &str) -> Result<Option<Option<String>>> {
        self.query_opt(
            "SELECT scope FROM records WHERE entity = $1 AND id = $2",
            &[&entity, &id],
        )?
        .map(|r| Ok(r.try_get(0)?))
        .transpose()
    }

    fn children(&mut self, entity: &str, parent_id: &str) -> Result<Vec<StoredRecord>> {
        self.query(
            &format!(
                "SELECT {RECORD_COLUMNS} FROM records WHERE entity = $1 AND parent = $2 ORDER BY id"
            ),
            &[&entity, &parent_id],
        )?
        .iter()
        .map(stored_record)
        .collect()
    }

    fn records_of(&mut self, entity: &str) -> Result<Vec<StoredRecord>> {
        self.query(
            &format!("SELECT {RECORD_COLUMNS} FROM records WHERE entity = $1 ORDER BY id"),
            &[&entity],
        )?
        .iter()
        .map(stored_record)
        .collect()
    }

    fn records_in_scope(&mut self, entity: &str, scope: &str) -> Result<Vec<StoredRecord>> {
        self.query(
            &format!(
                "SELECT {RECORD_COLUMNS} FROM records WHERE entity = $1 AND scope = $2 ORDER BY id"
            ),
            &[&entity, &scope],
        )?
        .iter()
        .map(stored_record)
        .collect()
    }

    fn save_record(
        &mut self,
        r: &StoredRecord,
        publish: bool,
        sent_by: Option<&str>,
    ) -> Result<()> {
        let row = row_json(&r.row);
        self.execute(
            &format!(
                "INSERT INTO records ({RECORD_COLUMNS}, parent)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (entity, id) DO UPDATE SET
                    rev = excluded.rev, row = excluded.row, scope = excluded.scope,
                    owner = excluded.owner, received_at = excluded.received_at,
                    clock_suspect = excluded.clock_suspect, waiting_for = excluded.waiting_for,
                    parent = excluded.parent"
            ),
            &[
                &r.entity,
                &r.id,
                &r.rev,
                &row,
                &r.scope,
                &r.owner,
                &r.received_at,
                &r.clock_suspect,
                &r.waiting_for,
                &r.parent(),
            ],
        )?;
        if publish {
            let f = &mut self.feed;
            f.entity.push(r.entity.clone());
            f.id.push(r.id.clone());
            f.rev.push(r.rev);
            f.row.push(row);
            f.scope.push(r.scope.clone());
            f.owner.push(r.owner.clone());
            f.attachment.push(r.attachment());
            f.received_at.push(r.received_at);
            f.clock_suspect.push(r.clock_suspect);
            f.device_id.push(sent_by.map(str::to_owned));
        }
        Ok(())
    }

    fn feed_high_water(&mut self) -> Result<i64> {
        self.flush()?;
        Ok(self
            .query_one("SELECT coalesce(max(seq), 0) FROM feed", &[])?
            .try_get(0)?)
    }

    fn add_conflict(&mut self, note: &ConflictNote) -> Result<()> {
        self.execute(
            "INSERT INTO conflicts (entity, record_id, device_id, fields, kept, offered, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &note.entity,
                &note.id,
                &note.device_id,
                &serde_json::to_string(&note.fields).unwrap_or_default(),
                &row_json(&note.kept),
                &row_json(&note.offered),
                &note.at,
            ],
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
        self.flush()?;
        self.query(
            "SELECT seq, entity, id, rev, row, received_at, clock_suspect FROM feed
             WHERE scope = $1 AND seq > $2 AND device_id IS DISTINCT FROM $4
             ORDER BY seq LIMIT $3",
            &[&scope, &after, &i64::from(limit), &device_id],
        )?
        .iter()
        .map(feed_record)
        .collect()
    }

    fn pull_profiles(
        &mut self,
        technician_id: &str,
        after: i64,
        limit: u32,
        device_id: &str,
    ) -> Result<Vec<FeedRecord<StoredRow>>> {
        self.flush()?;
        self.query(
            "SELECT seq, entity, id, rev, row, received_at, clock_suspect FROM feed
             WHERE scope IS NULL AND seq > $1 AND device_id IS DISTINCT FROM $4 AND owner IN (
                SELECT b.technician_id FROM assignments a
                JOIN assignments b ON b.contract_code = a.contract_code
                WHERE a.technician_id = $2
                UNION SELECT $2)
             ORDER BY seq LIMIT $3",
            &[&after, &technician_id, &i64::from(limit), &device_id],
        )?
        .iter()
        .map(feed_record)
        .collect()
    }

    fn waiting_for(&mut self, sha256: &str) -> Result<Vec<StoredRecord>> {
        self.query(
            &format!(
                "SELECT {RECORD_COLUMNS} FROM records WHERE waiting_for = $1 ORDER BY received_at"
            ),
            &[&sha256],
        )?
        .iter()
        .map(stored_record)
        .collect()
    }

    fn blob_state(&mut self, sha256: &str) -> Result<Option<BlobState>> {
        self.query_opt(
            "SELECT mime, total, octet_length(bytes)::bigint, complete, uploaded_by
             FROM blobs WHERE sha256 = $1",
            &[&sha256],
        )?
        .map(|r| {
            Ok(BlobState {
                mime: r.try_get(0)?,
                total: r.try_get::<_, i64>(1)? as u64,
                received: r.try_get::<_, i64>(2)? as u64,
                complete: r.try_get(3)?,
                uploaded_by: r.try_get(4)?,
            })
        })
        .transpose()
    }

    fn blob_start(
        &mut self,
        sha256: &str,
        mime: &str,
        total: u64,
        device_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO blobs (sha256, mime, total, bytes, uploaded_by, started_at)
             VALUES ($1, $2, $3, '', $4, $5)",
            &[&sha256, &mime, &(total as i64), &device_id, &now],
        )?;
        Ok(())
    }

    fn blob_discard_unreferenced(&mut self, before: DateTime<Utc>) -> Result<u64> {
        // The feed's pending rows count as references too.
        self.flush()?;
        self.execute(
            "DELETE FROM blobs WHERE (started_at IS NULL OR started_at < $1)
               AND NOT EXISTS (SELECT 1 FROM feed WHERE feed.attachment = blobs.sha256)
               AND NOT EXISTS (SELECT 1 FROM records WHERE records.waiting_for = blobs.sha256)",
            &[&before],
        )
    }

    fn blob_append(&mut self, sha256: &str, chunk: &[u8]) -> Result<()> {
        self.execute(
            "UPDATE blobs SET bytes = bytes || $2 WHERE sha256 = $1",
            &[&sha256, &chunk],
        )?;
        Ok(())
    }

    fn blob_bytes(&mut self, sha256: &str) -> Result<Option<Vec<u8>>> {
        self.query_opt("SELECT bytes FROM blobs WHERE sha256 = $1", &[&sha256])?
            .map(|r| Ok(r.try_get(0)?))
            .transpose()
    }

    fn blob_mark_complete(&mut self, sha256: &str) -> Result<()> {
        self.execute(
            "UPDATE blobs SET complete = TRUE WHERE sha256 = $1",
            &[&sha256],
        )?;
        Ok(())
    }

    fn blob_discard(&mut self, sha256: &str) -> Result<()> {
        self.execute("DELETE FROM blobs WHERE sha256 = $1", &[&sha256])?;
        Ok(())
    }

    fn may_read_blob(&mut self, auth: &DeviceAuth, sha256: &str) -> Result<bool> {
        self.flush()?;
        Ok(self
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM feed WHERE attachment = $1 AND scope IN
                    (SELECT contract_code FROM assignments WHERE technician_id = $2))",
                &[&sha256, &auth.technician_id],
            )?
            .try_get(0)?)
    }

    fn conflicts(&mut self) -> Result<Vec<ConflictNote>> {
        self.query(
            "SELECT entity, record_id, device_id, fields, kept, offered, at FROM conflicts ORDER BY id",
            &[],
        )?
        .iter()
        .map(|r| {
            Ok(ConflictNote {
                entity: r.try_get(0)?,
                id: r.try_get(1)?,
                device_id: r.try_get(2)?,
                fields: serde_json::from_str(r.try_get(3)?).unwrap_or_default(),
                kept: from_json(r.try_get(4)?)?,
                offered: from_json(r.try_get(5)?)?,
                at: r.try_get(6)?,
            })
        })
        .collect()
    }

    fn clock_suspects(&mut self) -> Result<Vec<(String, String, DateTime<Utc>)>> {
        self.query(
            "SELECT entity, id, received_at FROM records WHERE clock_suspect ORDER BY received_at",
            &[],
        )?
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect()
    }

    fn server_ca(&mut self) -> Result<Option<(String, String)>> {
        let found = self.query_opt(
            "SELECT key_pem, certificate_pem FROM server_ca WHERE id = 1",
            &[],
        )?;
        Ok(match found {
            Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
            None => None,
        })
    }

    fn init_server_ca(
        &mut self,
        key_pem: &str,
        certificate_pem: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO server_ca (id, key_pem, certificate_pem, created_at) VALUES (1, $1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&key_pem, &certificate_pem, &now],
        )?;
        Ok(())
    }

    fn add_issued_certificate(&mut self, record: &IssuedCertificateRecord) -> Result<()> {
        self.execute(
            "INSERT INTO issued_certificates
                 (serial, technician_id, device_id, not_after, issued_at, certificate_pem)
             VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                &record.serial,
                &record.technician_id,
                &record.device_id,
                &record.not_after,
                &record.issued_at,
                &record.certificate_pem,
            ],
        )?;
        Ok(())
    }

    fn issued_certificates(&mut self) -> Result<Vec<IssuedCertificateRecord>> {
        let rows = self.query(
            "SELECT serial, technician_id, device_id, not_after, issued_at, certificate_pem
             FROM issued_certificates ORDER BY issued_at, serial",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok(IssuedCertificateRecord {
                    serial: r.try_get(0)?,
                    technician_id: r.try_get(1)?,
                    device_id: r.try_get(2)?,
                    not_after: r.try_get(3)?,
                    issued_at: r.try_get(4)?,
                    certificate_pem: r.try_get(5)?,
                })
            })
            .collect()
    }
}

fn chain_link(r: &::postgres::Row) -> Result<ChainLink> {
    Ok(ChainLink {
        seq: r.try_get(0)?,
        kind: r.try_get(1)?,
        record_id: r.try_get(2)?,
        content_hash: r.try_get(3)?,
        prev_hash: r.try_get(4)?,
        link_hash: r.try_get(5)?,
    })
}

/// The evidence chain's storage (crate::chain), in its own table.
impl crate::chain::ChainStore for PostgresTx<'_> {
    fn chain_head(&mut self, device_id: &str) -> Result<ChainHead> {
        Ok(self
            .query_opt(
                "SELECT seq, link_hash FROM evidence_chains WHERE device_id = $1
                 ORDER BY seq DESC LIMIT 1",
                &[&device_id],
            )?
            .map(|r| -> Result<ChainHead> {
                Ok(ChainHead {
                    seq: r.try_get(0)?,
                    link_hash: r.try_get(1)?,
                })
            })
            .transpose()?
            .unwrap_or_else(crate::chain::empty_head))
    }

    fn chain_link(&mut self, device_id: &str, seq: i64) -> Result<Option<ChainLink>> {
        self.query_opt(
            "SELECT seq, kind, record_id, content_hash, prev_hash, link_hash
             FROM evidence_chains WHERE device_id = $1 AND seq = $2",
            &[&device_id, &seq],
        )?
        .map(|r| chain_link(&r))
        .transpose()
    }

    fn append_chain_link(
        &mut self,
        device_id: &str,
        link: &ChainLink,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO evidence_chains
                 (device_id, seq, kind, record_id, content_hash, prev_hash, link_hash, received_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &device_id,
                &link.seq,
                &link.kind,
                &link.record_id,
                &link.content_hash,
                &link.prev_hash,
                &link.link_hash,
                &at,
            ],
        )?;
        Ok(())
    }

    fn chain_links(&mut self, device_id: &str, after: i64, limit: i64) -> Result<Vec<ChainLink>> {
        self.query(
            "SELECT seq, kind, record_id, content_hash, prev_hash, link_hash
             FROM evidence_chains WHERE device_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            &[&device_id, &after, &limit],
        )?
        .iter()
        .map(chain_link)
        .collect()
    }

    fn chain_devices(&mut self) -> Result<Vec<String>> {
        self.query(
            "SELECT DISTINCT device_id FROM evidence_chains ORDER BY 1",
            &[],
        )?
        .iter()
        .map(|r| Ok(r.try_get(0)?))
        .collect()
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
        for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v <= 4) {
            client.batch_execute(sql).unwrap();
            client
                .execute(
                    "INSERT INTO schema_migrations (version) VALUES ($1)",
                    &[version],
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
}
