//! The server's storage written once, over SQL both backends speak.
//!
//! A backend is an [`Executor`]: one connection that runs a statement with neutral parameters
//! ([`Param`]) and hands back rows to read by position ([`Columns`]). Everything the sync rules ask
//! of storage ([`Tx`], [`ChainStore`]) is written here once, as SQL that SQLite and PostgreSQL
//! both accept: parameters are written `?1`, `?2` … (the PostgreSQL executor turns them into `$1`
//! once per statement it prepares), upserts are `ON CONFLICT … DO UPDATE`, booleans `TRUE`, and a
//! NULL-safe comparison `IS DISTINCT FROM`. What really differs stays with the backend, behind a
//! named hook: how a transaction begins (SQLite's `IMMEDIATE` writer; PostgreSQL's advisory lock
//! and snapshot levels), how the feed's and acks' rows go in (row by row on SQLite, one
//! `unnest` per table on PostgreSQL, where each round trip counts as an fsync does on SQLite),
//! appending to a blob, and the types of a time.
//!
//! Transactions are written once too ([`write_group`], [`read_only`]): works given together run
//! in one transaction, each under its own savepoint, and commit once.

use crate::chain::ChainStore;
use crate::error::{Result, ServerError};
use crate::office::write::OFFICE_TECHNICIAN;
use crate::storage::{
    BlobState, ConflictNote, DeviceAuth, FeedVersion, IssuedCertificateRecord, LaptopReport,
    StoredRecord, Tx, Work, row_json, stored_row,
};
use chrono::{DateTime, Utc};
use fieldlog_wire::sync::chain_v1::{ChainHead, ChainLink};
use fieldlog_wire::sync::v1::{Ack, FeedRecord, Row, StoredRow};

/// A statement's parameter, as both backends bind it.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Int(i64),
    Bool(bool),
    Text(&'a str),
    /// Text or NULL.
    OptText(Option<&'a str>),
    Bytes(&'a [u8]),
    /// SQLite keeps times as text (as rusqlite writes them); PostgreSQL as `timestamptz`.
    Time(DateTime<Utc>),
}

impl<'a> From<&'a str> for Param<'a> {
    fn from(v: &'a str) -> Self {
        Param::Text(v)
    }
}
impl<'a> From<&'a String> for Param<'a> {
    fn from(v: &'a String) -> Self {
        Param::Text(v)
    }
}
impl<'a> From<Option<&'a str>> for Param<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Param::OptText(v)
    }
}
impl<'a> From<&'a Option<String>> for Param<'a> {
    fn from(v: &'a Option<String>) -> Self {
        Param::OptText(v.as_deref())
    }
}
impl From<i64> for Param<'_> {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}
impl From<bool> for Param<'_> {
    fn from(v: bool) -> Self {
        Param::Bool(v)
    }
}
impl<'a> From<&'a [u8]> for Param<'a> {
    fn from(v: &'a [u8]) -> Self {
        Param::Bytes(v)
    }
}
impl From<DateTime<Utc>> for Param<'_> {
    fn from(v: DateTime<Utc>) -> Self {
        Param::Time(v)
    }
}

/// `params![a, b]`: a statement's parameters, each turned into a [`Param`].
macro_rules! params {
    ($($p:expr),* $(,)?) => { &[$(crate::sql::Param::from($p)),*] };
}

/// A result row, read by column position.
pub trait Columns {
    fn text(&self, i: usize) -> Result<String>;
    fn opt_text(&self, i: usize) -> Result<Option<String>>;
    fn int(&self, i: usize) -> Result<i64>;
    fn bool(&self, i: usize) -> Result<bool>;
    fn time(&self, i: usize) -> Result<DateTime<Utc>>;
    fn bytes(&self, i: usize) -> Result<Vec<u8>>;
}

/// [`Columns`] for a driver's row type, whose getter (`$get(i)`) converts to what is asked.
macro_rules! columns_through {
    ($row:ty, $get:ident) => {
        impl crate::sql::Columns for $row {
            fn text(&self, i: usize) -> crate::error::Result<String> {
                Ok(self.$get(i)?)
            }
            fn opt_text(&self, i: usize) -> crate::error::Result<Option<String>> {
                Ok(self.$get(i)?)
            }
            fn int(&self, i: usize) -> crate::error::Result<i64> {
                Ok(self.$get(i)?)
            }
            fn bool(&self, i: usize) -> crate::error::Result<bool> {
                Ok(self.$get(i)?)
            }
            fn time(&self, i: usize) -> crate::error::Result<chrono::DateTime<chrono::Utc>> {
                Ok(self.$get(i)?)
            }
            fn bytes(&self, i: usize) -> crate::error::Result<Vec<u8>> {
                Ok(self.$get(i)?)
            }
        }
    };
}
pub(crate) use columns_through;

mod catalogue;
mod office;

/// Feed versions waiting to be inserted, a column each (PostgreSQL sends them as arrays).
#[derive(Default)]
pub struct FeedBatch {
    pub entity: Vec<String>,
    pub id: Vec<String>,
    pub rev: Vec<i64>,
    pub row: Vec<String>,
    pub scope: Vec<Option<String>>,
    pub owner: Vec<String>,
    pub attachment: Vec<Option<String>>,
    pub received_at: Vec<DateTime<Utc>>,
    pub clock_suspect: Vec<bool>,
    pub device_id: Vec<Option<String>>,
}

/// Acks waiting to be inserted.
#[derive(Default)]
pub struct AckBatch {
    pub device_id: Vec<String>,
    pub seq: Vec<i64>,
    pub ack: Vec<String>,
}

/// One connection of a backend.
pub trait Executor {
    /// Begins the writing transaction (only one runs at a time, so the feed's cursor follows
    /// commit order).
    fn begin_write(&mut self) -> Result<()>;
    /// Begins a read-only transaction on one snapshot.
    fn begin_read(&mut self) -> Result<()>;
    /// Runs transaction control (`SAVEPOINT`, `COMMIT` …): no parameters, no rows.
    fn batch(&mut self, sql: &str) -> Result<()>;
    /// Runs a statement (prepared once per connection); returns the rows it changed.
    fn execute(&mut self, sql: &'static str, params: &[Param<'_>]) -> Result<u64>;
    /// Runs a query, handing each row to `each`.
    fn query(
        &mut self,
        sql: &'static str,
        params: &[Param<'_>],
        each: &mut dyn FnMut(&dyn Columns) -> Result<()>,
    ) -> Result<()>;
    /// Inserts feed versions in the order given (they draw their cursor in that order).
    fn insert_feed(&mut self, batch: &FeedBatch) -> Result<()>;
    fn insert_acks(&mut self, batch: &AckBatch) -> Result<()>;
    /// Appends `?2` to blob `?1`'s bytes (SQLite's `||` makes text of a blob, so it casts back).
    fn blob_append_sql(&self) -> &'static str;
}

/// The rows of a query, each read by `read`.
fn rows<T>(
    db: &mut dyn Executor,
    sql: &'static str,
    params: &[Param<'_>],
    read: impl Fn(&dyn Columns) -> Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    db.query(sql, params, &mut |r| {
        out.push(read(r)?);
        Ok(())
    })?;
    Ok(out)
}

/// The first row of a query, if any (asked only of queries that return at most one).
fn row<T>(
    db: &mut dyn Executor,
    sql: &'static str,
    params: &[Param<'_>],
    read: impl Fn(&dyn Columns) -> Result<T>,
) -> Result<Option<T>> {
    Ok(rows(db, sql, params, read)?.into_iter().next())
}

/// The one row a query always returns.
fn one<T>(
    db: &mut dyn Executor,
    sql: &'static str,
    params: &[Param<'_>],
    read: impl Fn(&dyn Columns) -> Result<T>,
) -> Result<T> {
    row(db, sql, params, read)?.ok_or_else(|| ServerError::Storage("query returned no rows".into()))
}

/// Runs `works` in one writing transaction, each under its own savepoint (one failing, or
/// panicking, rolls back only its own writes), and commits once. Returns each outcome and whether
/// the commit happened. If the commit fails, or the database gives up the whole transaction,
/// every work fails: nothing of the group is kept.
pub fn write_group<T>(db: &mut dyn Executor, works: Vec<Work<'_, T>>) -> (Vec<Result<T>>, bool) {
    let total = works.len();
    let all_failed = |reason: String| -> Vec<Result<T>> {
        (0..total)
            .map(|_| Err(ServerError::Storage(reason.clone())))
            .collect()
    };
    if let Err(e) = db.begin_write() {
        let _ = db.batch("ROLLBACK");
        return (all_failed(e.to_string()), false);
    }
    let mut outcomes = Vec::with_capacity(total);
    for work in works {
        if let Err(e) = db.batch("SAVEPOINT work") {
            let _ = db.batch("ROLLBACK");
            return (all_failed(e.to_string()), false);
        }
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut tx = SqlTx::new(&mut *db);
            let value = work(&mut tx)?;
            tx.flush()?;
            Ok(value)
        }))
        .unwrap_or_else(|_| Err(ServerError::Storage("request panicked".into())));
        let outcome = run.and_then(|value| db.batch("RELEASE work").map(|()| value));
        if let Err(e) = &outcome
            && let Err(lost) = db.batch("ROLLBACK TO work; RELEASE work")
        {
            // The database gave up the whole transaction (SQLite on a full disk or an I/O
            // error): the group's earlier members lost their work too, so none may report success.
            let _ = db.batch("ROLLBACK");
            return (all_failed(format!("{e} ({lost})")), false);
        }
        outcomes.push(outcome);
    }
    match db.batch("COMMIT") {
        Ok(()) => (outcomes, true),
        Err(e) => {
            let _ = db.batch("ROLLBACK");
            let reason = e.to_string();
            let outcomes = outcomes
                .into_iter()
                .map(|outcome| outcome.and(Err(ServerError::Storage(reason.clone()))))
                .collect();
            (outcomes, false)
        }
    }
}

/// Runs `work` in a read-only transaction on one snapshot. It must not write.
pub fn read_only<T>(
    db: &mut dyn Executor,
    work: impl FnOnce(&mut dyn Tx) -> Result<T>,
) -> Result<T> {
    db.begin_read()?;
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        work(&mut SqlTx::new(&mut *db))
    }));
    match run {
        Ok(Ok(value)) => {
            db.batch("COMMIT")?;
            Ok(value)
        }
        Ok(Err(e)) => {
            let _ = db.batch("ROLLBACK");
            Err(e)
        }
        Err(panic) => {
            // The connection goes back to its pool outside any transaction.
            let _ = db.batch("ROLLBACK");
            std::panic::resume_unwind(panic)
        }
    }
}

/// One request's view of the database, over whichever backend.
pub struct SqlTx<'e> {
    db: &'e mut dyn Executor,
    /// Feed versions and acks this work wrote but has not sent yet. Each change of a push writes
    /// one of each, and nothing in a push reads them back, so they go in together (on PostgreSQL
    /// one statement per table instead of a round trip per change), sent before anything reads
    /// those tables and before the savepoint is released, in the order written, so the feed's
    /// cursor follows it. Dropped unsent with a work that fails.
    feed: FeedBatch,
    acks: AckBatch,
}

impl<'e> SqlTx<'e> {
    pub fn new(db: &'e mut dyn Executor) -> Self {
        SqlTx {
            db,
            feed: FeedBatch::default(),
            acks: AckBatch::default(),
        }
    }

    /// Sends the feed versions and acks written so far.
    fn flush(&mut self) -> Result<()> {
        if !self.feed.entity.is_empty() {
            let feed = std::mem::take(&mut self.feed);
            self.db.insert_feed(&feed)?;
        }
        if !self.acks.device_id.is_empty() {
            let acks = std::mem::take(&mut self.acks);
            self.db.insert_acks(&acks)?;
        }
        Ok(())
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

/// The columns [`stored_record`] reads, in its order.
macro_rules! record_columns {
    () => {
        "entity, id, rev, row, scope, owner, received_at, clock_suspect, waiting_for"
    };
}

fn stored_record(r: &dyn Columns) -> Result<StoredRecord> {
    Ok(StoredRecord {
        entity: r.text(0)?,
        id: r.text(1)?,
        rev: r.int(2)?,
        row: from_json(&r.text(3)?)?,
        scope: r.opt_text(4)?,
        owner: r.text(5)?,
        received_at: r.time(6)?,
        clock_suspect: r.bool(7)?,
        waiting_for: r.opt_text(8)?,
    })
}

/// A feed row (seq, entity, id, rev, row, received_at, clock_suspect) for a pull answer, the row
/// text passed through unparsed.
fn feed_record(r: &dyn Columns) -> Result<FeedRecord<StoredRow>> {
    Ok(FeedRecord {
        seq: r.int(0)?,
        entity: r.text(1)?,
        id: r.text(2)?,
        rev: r.int(3)?,
        row: stored_row(r.text(4)?)?,
        received_at: r.time(5)?,
        clock_suspect: r.bool(6)?,
    })
}

fn chain_link(r: &dyn Columns) -> Result<ChainLink> {
    Ok(ChainLink {
        seq: r.int(0)?,
        kind: r.text(1)?,
        record_id: r.text(2)?,
        content_hash: r.text(3)?,
        prev_hash: r.text(4)?,
        link_hash: r.text(5)?,
    })
}

/// The columns [`laptop_report`] reads of `devices d`, in its order (no nullable integer or time
/// reader exists, so NULLs come as flags and stand-ins).
macro_rules! laptop_report_columns {
    () => {
        "d.last_seen_at IS NOT NULL, COALESCE(d.last_seen_at, d.enrolled_at), d.app_version,
         d.waiting_changes IS NOT NULL, COALESCE(d.waiting_changes, 0)"
    };
}

/// What a device last said of itself, from [`laptop_report_columns`] starting at column `at`.
pub(crate) fn laptop_report(r: &dyn Columns, at: usize) -> Result<LaptopReport> {
    Ok(LaptopReport {
        last_seen_at: if r.bool(at)? {
            Some(r.time(at + 1)?)
        } else {
            None
        },
        app_version: r.opt_text(at + 2)?,
        waiting_changes: if r.bool(at + 3)? {
            Some(r.int(at + 4)?)
        } else {
            None
        },
    })
}

fn json_error(e: serde_json::Error) -> ServerError {
    ServerError::Storage(e.to_string())
}

impl Tx for SqlTx<'_> {
    fn chain(&mut self) -> &mut dyn ChainStore {
        self
    }

    fn office(&mut self) -> &mut dyn crate::office::OfficeStore {
        self
    }

    fn revocation(&mut self) -> &mut dyn crate::revocation::RevocationStore {
        self
    }

    fn catalogue(&mut self) -> &mut dyn crate::office::catalogue::CatalogueStore {
        self
    }

    fn add_contract(&mut self, code: &str, name: &str) -> Result<()> {
        let added = self.db.execute(
            "INSERT INTO contracts (code, name) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![code, name],
        )?;
        if added == 0 {
            return Err(ServerError::contract_exists(code));
        }
        Ok(())
    }

    fn add_technician(&mut self, id: &str, name: &str) -> Result<()> {
        self.db.execute(
            "INSERT INTO technicians (id, name) VALUES (?1, ?2)",
            params![id, name],
        )?;
        Ok(())
    }

    fn assign(&mut self, technician_id: &str, contract_code: &str) -> Result<()> {
        let known = one(
            self.db,
            // The office's own technician (migration 0010) is nobody's to assign.
            "SELECT EXISTS (SELECT 1 FROM technicians WHERE id = ?1 AND id <> ?3)
                AND EXISTS (SELECT 1 FROM contracts WHERE code = ?2)",
            params![technician_id, contract_code, OFFICE_TECHNICIAN],
            |r| r.bool(0),
        )?;
        if !known {
            return Err(ServerError::NotFound(format!(
                "技服 {technician_id} 或合同 {contract_code}"
            )));
        }
        self.db.execute(
            "INSERT INTO assignments (technician_id, contract_code) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            params![technician_id, contract_code],
        )?;
        Ok(())
    }

    fn unassign(&mut self, technician_id: &str, contract_code: &str) -> Result<bool> {
        let removed = self.db.execute(
            "DELETE FROM assignments WHERE technician_id = ?1 AND contract_code = ?2",
            params![technician_id, contract_code],
        )?;
        Ok(removed == 1)
    }

    fn technicians(&mut self) -> Result<Vec<(String, String)>> {
        rows(
            self.db,
            // The office's own technician (migration 0010) is nobody's to list.
            "SELECT id, name FROM technicians WHERE id <> ?1 ORDER BY id",
            params![OFFICE_TECHNICIAN],
            |r| Ok((r.text(0)?, r.text(1)?)),
        )
    }

    fn assignments(&mut self) -> Result<Vec<(String, String)>> {
        rows(
            self.db,
            "SELECT technician_id, contract_code FROM assignments
             ORDER BY technician_id, contract_code",
            &[],
            |r| Ok((r.text(0)?, r.text(1)?)),
        )
    }

    fn record_laptop_report(&mut self, device_id: &str, report: &LaptopReport) -> Result<()> {
        let seen = report
            .last_seen_at
            .ok_or_else(|| ServerError::Storage("a laptop report needs its time".into()))?;
        // No NULL integer parameter exists: -1 stands for "not said" (a count is never below 0).
        self.db.execute(
            "UPDATE devices SET last_seen_at = ?2, app_version = ?3,
                                waiting_changes = NULLIF(?4, CAST(-1 AS BIGINT))
             WHERE id = ?1",
            params![
                device_id,
                seen,
                report.app_version.as_deref(),
                report.waiting_changes.unwrap_or(-1)
            ],
        )?;
        Ok(())
    }

    fn add_enrollment_code(
        &mut self,
        code_hash: &str,
        technician_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.db.execute(
            "INSERT INTO enrollment_codes (code_hash, technician_id, created_at) VALUES (?1, ?2, ?3)",
            params![code_hash, technician_id, now],
        )?;
        Ok(())
    }

    fn cancel_enrollment_codes(&mut self, technician_id: &str, now: DateTime<Utc>) -> Result<u32> {
        // Marked used, not deleted: the table keeps when each code stopped being good.
        let cancelled = self.db.execute(
            "UPDATE enrollment_codes SET used_at = ?2 WHERE technician_id = ?1 AND used_at IS NULL",
            params![technician_id, now],
        )?;
        Ok(u32::try_from(cancelled).unwrap_or(u32::MAX))
    }

    fn redeem_enrollment_code(
        &mut self,
        code_hash: &str,
        device_id: &str,
        device_name: &str,
        token_hash: &str,
        now: DateTime<Utc>,
        issued_after: DateTime<Utc>,
    ) -> Result<Option<(String, String)>> {
        let Some((technician_id, name, issued_at)) = row(
            self.db,
            "SELECT t.id, t.name, c.created_at
             FROM enrollment_codes c JOIN technicians t ON t.id = c.technician_id
             WHERE c.code_hash = ?1 AND c.used_at IS NULL AND t.id <> ?2",
            params![code_hash, OFFICE_TECHNICIAN],
            |r| Ok((r.text(0)?, r.text(1)?, r.time(2)?)),
        )?
        else {
            return Ok(None);
        };
        // Compared here, not in SQL: SQLite keeps times as text.
        if issued_at < issued_after {
            return Ok(None);
        }
        self.db.execute(
            "UPDATE enrollment_codes SET used_at = ?2 WHERE code_hash = ?1",
            params![code_hash, now],
        )?;
        self.db.execute(
            "INSERT INTO devices (id, technician_id, name, token_hash, enrolled_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![device_id, &technician_id, device_name, token_hash, now],
        )?;
        Ok(Some((technician_id, name)))
    }

    fn device_by_token_hash(&mut self, token_hash: &str) -> Result<Option<DeviceAuth>> {
        // The revocation comes in the same query (every request asks): no round trip more.
        let Some((device_id, technician_id, revoked, revoked_at, report)) = row(
            self.db,
            concat!(
                "SELECT d.id, d.technician_id, r.device_id IS NOT NULL,
                        COALESCE(r.revoked_at, d.enrolled_at), ",
                laptop_report_columns!(),
                " FROM devices d LEFT JOIN device_revocations r ON r.device_id = d.id
                 WHERE d.token_hash = ?1"
            ),
            params![token_hash],
            |r| {
                Ok((
                    r.text(0)?,
                    r.text(1)?,
                    r.bool(2)?,
                    r.time(3)?,
                    laptop_report(r, 4)?,
                ))
            },
        )?
        else {
            return Ok(None);
        };
        let revoked_at = revoked.then_some(revoked_at);
        let contracts = match revoked_at {
            Some(_) => Vec::new(),
            None => self.contracts_of(&technician_id)?,
        };
        Ok(Some(DeviceAuth {
            device_id,
            technician_id,
            contracts,
            revoked_at,
            report,
        }))
    }

    fn contracts_of(&mut self, technician_id: &str) -> Result<Vec<String>> {
        rows(
            self.db,
            "SELECT contract_code FROM assignments WHERE technician_id = ?1 ORDER BY contract_code",
            params![technician_id],
            |r| r.text(0),
        )
    }

    fn device_high_seq(&mut self, device_id: &str) -> Result<i64> {
        one(
            self.db,
            "SELECT high_seq FROM devices WHERE id = ?1",
            params![device_id],
            |r| r.int(0),
        )
    }

    fn set_device_high_seq(&mut self, device_id: &str, seq: i64) -> Result<()> {
        self.db.execute(
            "UPDATE devices SET high_seq = ?2 WHERE id = ?1",
            params![device_id, seq],
        )?;
        Ok(())
    }

    fn stored_ack(&mut self, device_id: &str, seq: i64) -> Result<Option<Ack>> {
        self.flush()?;
        let text = row(
            self.db,
            "SELECT ack FROM acks WHERE device_id = ?1 AND seq = ?2",
            params![device_id, seq],
            |r| r.text(0),
        )?;
        text.map(|t| serde_json::from_str(&t).map_err(json_error))
            .transpose()
    }

    fn store_ack(&mut self, device_id: &str, ack: &Ack) -> Result<()> {
        let text = serde_json::to_string(ack).map_err(json_error)?;
        self.acks.device_id.push(device_id.to_owned());
        self.acks.seq.push(ack.seq);
        self.acks.ack.push(text);
        Ok(())
    }

    fn record(&mut self, entity: &str, id: &str) -> Result<Option<StoredRecord>> {
        row(
            self.db,
            concat!(
                "SELECT ",
                record_columns!(),
                " FROM records WHERE entity = ?1 AND id = ?2"
            ),
            params![entity, id],
            stored_record,
        )
    }

    fn record_scope(&mut self, entity: &str, id: &str) -> Result<Option<Option<String>>> {
        row(
            self.db,
            "SELECT scope FROM records WHERE entity = ?1 AND id = ?2",
            params![entity, id],
            |r| r.opt_text(0),
        )
    }

    fn children(&mut self, entity: &str, parent_id: &str) -> Result<Vec<StoredRecord>> {
        rows(
            self.db,
            concat!(
                "SELECT ",
                record_columns!(),
                " FROM records WHERE entity = ?1 AND parent = ?2 ORDER BY id"
            ),
            params![entity, parent_id],
            stored_record,
        )
    }

    fn records_of(&mut self, entity: &str) -> Result<Vec<StoredRecord>> {
        rows(
            self.db,
            concat!(
                "SELECT ",
                record_columns!(),
                " FROM records WHERE entity = ?1 ORDER BY id"
            ),
            params![entity],
            stored_record,
        )
    }

    fn records_in_scope(&mut self, entity: &str, scope: &str) -> Result<Vec<StoredRecord>> {
        rows(
            self.db,
            concat!(
                "SELECT ",
                record_columns!(),
                " FROM records WHERE entity = ?1 AND scope = ?2 ORDER BY id"
            ),
            params![entity, scope],
            stored_record,
        )
    }

    fn save_record(
        &mut self,
        r: &StoredRecord,
        publish: bool,
        sent_by: Option<&str>,
    ) -> Result<()> {
        let row = row_json(&r.row);
        self.db.execute(
            concat!(
                "INSERT INTO records (",
                record_columns!(),
                ", parent)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (entity, id) DO UPDATE SET
                    rev = excluded.rev, row = excluded.row, scope = excluded.scope,
                    owner = excluded.owner, received_at = excluded.received_at,
                    clock_suspect = excluded.clock_suspect, waiting_for = excluded.waiting_for,
                    parent = excluded.parent"
            ),
            params![
                &r.entity,
                &r.id,
                r.rev,
                row.as_str(),
                &r.scope,
                &r.owner,
                r.received_at,
                r.clock_suspect,
                &r.waiting_for,
                r.parent().as_deref(),
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
        one(
            self.db,
            "SELECT coalesce(max(seq), 0) FROM feed",
            &[],
            |r| r.int(0),
        )
    }

    fn add_conflict(&mut self, note: &ConflictNote) -> Result<()> {
        let fields = serde_json::to_string(&note.fields).unwrap_or_default();
        let (kept, offered) = (row_json(&note.kept), row_json(&note.offered));
        self.db.execute(
            "INSERT INTO conflicts (entity, record_id, device_id, fields, kept, offered, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                &note.entity,
                &note.id,
                &note.device_id,
                &fields,
                &kept,
                &offered,
                note.at,
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
        rows(
            self.db,
            "SELECT seq, entity, id, rev, row, received_at, clock_suspect FROM feed
             WHERE scope = ?1 AND seq > ?2 AND device_id IS DISTINCT FROM ?4
             ORDER BY seq LIMIT ?3",
            params![scope, after, i64::from(limit), device_id],
            feed_record,
        )
    }

    fn pull_profiles(
        &mut self,
        technician_id: &str,
        after: i64,
        limit: u32,
        device_id: &str,
    ) -> Result<Vec<FeedRecord<StoredRow>>> {
        self.flush()?;
        rows(
            self.db,
            "SELECT seq, entity, id, rev, row, received_at, clock_suspect FROM feed
             WHERE scope IS NULL AND seq > ?1 AND device_id IS DISTINCT FROM ?4 AND owner IN (
                SELECT b.technician_id FROM assignments a
                JOIN assignments b ON b.contract_code = a.contract_code
                WHERE a.technician_id = ?2
                UNION SELECT ?2)
             ORDER BY seq LIMIT ?3",
            params![after, technician_id, i64::from(limit), device_id],
            feed_record,
        )
    }

    fn feed_after(&mut self, after: i64, limit: u32) -> Result<Vec<FeedVersion>> {
        self.flush()?;
        rows(
            self.db,
            "SELECT seq, entity, id, row, scope, received_at, clock_suspect FROM feed
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            params![after, i64::from(limit)],
            |r| {
                Ok(FeedVersion {
                    seq: r.int(0)?,
                    entity: r.text(1)?,
                    id: r.text(2)?,
                    row: r.text(3)?,
                    scope: r.opt_text(4)?,
                    received_at: r.time(5)?,
                    clock_suspect: r.bool(6)?,
                })
            },
        )
    }

    fn waiting_for(&mut self, sha256: &str) -> Result<Vec<StoredRecord>> {
        rows(
            self.db,
            concat!(
                "SELECT ",
                record_columns!(),
                " FROM records WHERE waiting_for = ?1 ORDER BY received_at"
            ),
            params![sha256],
            stored_record,
        )
    }

    fn blob_state(&mut self, sha256: &str) -> Result<Option<BlobState>> {
        row(
            self.db,
            "SELECT mime, total, CAST(octet_length(bytes) AS BIGINT), complete, uploaded_by
             FROM blobs WHERE sha256 = ?1",
            params![sha256],
            |r| {
                Ok(BlobState {
                    mime: r.text(0)?,
                    total: r.int(1)? as u64,
                    received: r.int(2)? as u64,
                    complete: r.bool(3)?,
                    uploaded_by: r.opt_text(4)?,
                })
            },
        )
    }

    fn blob_start(
        &mut self,
        sha256: &str,
        mime: &str,
        total: u64,
        device_id: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.db.execute(
            "INSERT INTO blobs (sha256, mime, total, bytes, uploaded_by, started_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![sha256, mime, total as i64, &[][..], device_id, now],
        )?;
        Ok(())
    }

    fn blob_discard_unreferenced(&mut self, before: DateTime<Utc>) -> Result<u64> {
        // The feed's pending rows count as references too.
        self.flush()?;
        self.db.execute(
            "DELETE FROM blobs WHERE (started_at IS NULL OR started_at < ?1)
               AND NOT EXISTS (SELECT 1 FROM feed WHERE feed.attachment = blobs.sha256)
               AND NOT EXISTS (SELECT 1 FROM records WHERE records.waiting_for = blobs.sha256)",
            params![before],
        )
    }

    fn blob_append(&mut self, sha256: &str, chunk: &[u8]) -> Result<()> {
        let sql = self.db.blob_append_sql();
        self.db.execute(sql, params![sha256, chunk])?;
        Ok(())
    }

    fn blob_bytes(&mut self, sha256: &str) -> Result<Option<Vec<u8>>> {
        row(
            self.db,
            "SELECT bytes FROM blobs WHERE sha256 = ?1",
            params![sha256],
            |r| r.bytes(0),
        )
    }

    fn blob_mark_complete(&mut self, sha256: &str) -> Result<()> {
        self.db.execute(
            "UPDATE blobs SET complete = TRUE WHERE sha256 = ?1",
            params![sha256],
        )?;
        Ok(())
    }

    fn blob_discard(&mut self, sha256: &str) -> Result<()> {
        self.db
            .execute("DELETE FROM blobs WHERE sha256 = ?1", params![sha256])?;
        Ok(())
    }

    fn may_read_blob(&mut self, auth: &DeviceAuth, sha256: &str) -> Result<bool> {
        self.flush()?;
        one(
            self.db,
            "SELECT EXISTS (SELECT 1 FROM feed WHERE attachment = ?1 AND scope IN
                (SELECT contract_code FROM assignments WHERE technician_id = ?2))",
            params![sha256, &auth.technician_id],
            |r| r.bool(0),
        )
    }

    fn conflicts(&mut self) -> Result<Vec<ConflictNote>> {
        rows(
            self.db,
            "SELECT entity, record_id, device_id, fields, kept, offered, at FROM conflicts ORDER BY id",
            &[],
            |r| {
                Ok(ConflictNote {
                    entity: r.text(0)?,
                    id: r.text(1)?,
                    device_id: r.text(2)?,
                    fields: serde_json::from_str(&r.text(3)?).unwrap_or_default(),
                    kept: from_json(&r.text(4)?)?,
                    offered: from_json(&r.text(5)?)?,
                    at: r.time(6)?,
                })
            },
        )
    }

    fn clock_suspects(&mut self) -> Result<Vec<(String, String, DateTime<Utc>)>> {
        rows(
            self.db,
            "SELECT entity, id, received_at FROM records WHERE clock_suspect = TRUE
             ORDER BY received_at",
            &[],
            |r| Ok((r.text(0)?, r.text(1)?, r.time(2)?)),
        )
    }

    fn server_ca(&mut self) -> Result<Option<(String, String)>> {
        row(
            self.db,
            "SELECT key_pem, certificate_pem FROM server_ca WHERE id = 1",
            &[],
            |r| Ok((r.text(0)?, r.text(1)?)),
        )
    }

    fn init_server_ca(
        &mut self,
        key_pem: &str,
        certificate_pem: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.db.execute(
            "INSERT INTO server_ca (id, key_pem, certificate_pem, created_at) VALUES (1, ?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
            params![key_pem, certificate_pem, now],
        )?;
        Ok(())
    }

    fn add_issued_certificate(&mut self, record: &IssuedCertificateRecord) -> Result<()> {
        self.db.execute(
            "INSERT INTO issued_certificates
                 (serial, technician_id, device_id, not_after, issued_at, certificate_pem)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                &record.serial,
                &record.technician_id,
                &record.device_id,
                record.not_after,
                record.issued_at,
                &record.certificate_pem,
            ],
        )?;
        Ok(())
    }

    fn issued_certificates(&mut self) -> Result<Vec<IssuedCertificateRecord>> {
        rows(
            self.db,
            "SELECT serial, technician_id, device_id, not_after, issued_at, certificate_pem
             FROM issued_certificates ORDER BY issued_at, serial",
            &[],
            |r| {
                Ok(IssuedCertificateRecord {
                    serial: r.text(0)?,
                    technician_id: r.text(1)?,
                    device_id: r.text(2)?,
                    not_after: r.time(3)?,
                    issued_at: r.time(4)?,
                    certificate_pem: r.text(5)?,
                })
            },
        )
    }
}

/// The evidence chain's storage (crate::chain), in its own table.
impl ChainStore for SqlTx<'_> {
    fn chain_head(&mut self, device_id: &str) -> Result<ChainHead> {
        Ok(row(
            self.db,
            "SELECT seq, link_hash FROM evidence_chains WHERE device_id = ?1
             ORDER BY seq DESC LIMIT 1",
            params![device_id],
            |r| {
                Ok(ChainHead {
                    seq: r.int(0)?,
                    link_hash: r.text(1)?,
                })
            },
        )?
        .unwrap_or_else(crate::chain::empty_head))
    }

    fn chain_link(&mut self, device_id: &str, seq: i64) -> Result<Option<ChainLink>> {
        row(
            self.db,
            "SELECT seq, kind, record_id, content_hash, prev_hash, link_hash
             FROM evidence_chains WHERE device_id = ?1 AND seq = ?2",
            params![device_id, seq],
            chain_link,
        )
    }

    fn append_chain_link(
        &mut self,
        device_id: &str,
        link: &ChainLink,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.db.execute(
            "INSERT INTO evidence_chains
                 (device_id, seq, kind, record_id, content_hash, prev_hash, link_hash, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                device_id,
                link.seq,
                &link.kind,
                &link.record_id,
                &link.content_hash,
                &link.prev_hash,
                &link.link_hash,
                at,
            ],
        )?;
        Ok(())
    }

    fn chain_links(&mut self, device_id: &str, after: i64, limit: i64) -> Result<Vec<ChainLink>> {
        rows(
            self.db,
            "SELECT seq, kind, record_id, content_hash, prev_hash, link_hash
             FROM evidence_chains WHERE device_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
            params![device_id, after, limit],
            chain_link,
        )
    }

    fn chain_devices(&mut self) -> Result<Vec<String>> {
        rows(
            self.db,
            "SELECT DISTINCT device_id FROM evidence_chains ORDER BY 1",
            &[],
            |r| r.text(0),
        )
    }
}

/// Revocation's storage (crate::revocation), in its own tables.
#[path = "sql_revocation.rs"]
mod revocation;
