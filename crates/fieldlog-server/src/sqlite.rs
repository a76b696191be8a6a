//! The SQLite backend: one file, no set-up. One connection behind a mutex is the single writer
//! SQLite wants anyway; every request is one IMMEDIATE transaction, so feed cursors are handed out
//! in commit order and a reader never sees a later cursor before an earlier one.

use crate::error::{Result, ServerError};
use crate::storage::{
    BlobState, ConflictNote, DeviceAuth, IssuedCertificateRecord, Storage, StoredRecord, Tx,
};
use chrono::{DateTime, Utc};
use fieldlog_wire::sync::v1::{Ack, FeedRecord, Row};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use std::path::Path;
use std::sync::Mutex;

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
    PRIMARY KEY (entity, id)
) STRICT;
CREATE INDEX IF NOT EXISTS records_waiting ON records (waiting_for) WHERE waiting_for IS NOT NULL;
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
    clock_suspect INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS feed_by_attachment ON feed (attachment) WHERE attachment IS NOT NULL;
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
    complete INTEGER NOT NULL DEFAULT 0
) STRICT;
";

pub struct SqliteStorage {
    conn: Mutex<Connection>,
    /// Read-only connections for pulls and downloads: in WAL mode they read a committed snapshot
    /// while the writer works, so a pull never waits for another device's push (and its fsync).
    readers: Vec<Mutex<Connection>>,
    next_reader: std::sync::atomic::AtomicUsize,
}

const READERS: usize = 4;

impl SqliteStorage {
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStorage> {
        let conn = Connection::open(path.as_ref())?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(SCHEMA)?;
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
        Ok(SqliteStorage {
            conn: Mutex::new(conn),
            readers,
            next_reader: std::sync::atomic::AtomicUsize::new(0),
        })
    }
}

impl Storage for SqliteStorage {
    fn transaction<T>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        run_in(&self.conn, TransactionBehavior::Immediate, work)
    }

    fn read<T>(&self, work: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        let i = self
            .next_reader
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            % self.readers.len();
        // DEFERRED: the snapshot is taken at the first read and holds for the whole request.
        run_in(&self.readers[i], TransactionBehavior::Deferred, work)
    }
}

/// Runs `work` in one transaction on `conn`, committed only when `work` succeeds.
fn run_in<T>(
    conn: &Mutex<Connection>,
    behavior: TransactionBehavior,
    work: impl FnOnce(&mut dyn Tx) -> Result<T>,
) -> Result<T> {
    let mut conn = conn
        .lock()
        .map_err(|_| ServerError::Storage("connection poisoned".into()))?;
    let tx = conn.transaction_with_behavior(behavior)?;
    let mut sqlite_tx = SqliteTx { tx };
    let out = work(&mut sqlite_tx)?;
    sqlite_tx.tx.commit()?;
    Ok(out)
}

struct SqliteTx<'c> {
    tx: Transaction<'c>,
}

fn to_json(row: &Row) -> String {
    serde_json::Value::Object(row.clone()).to_string()
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

impl Tx for SqliteTx<'_> {
    fn add_contract(&mut self, code: &str, name: &str) -> Result<()> {
        let added = self.tx.execute(
            "INSERT INTO contracts (code, name) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            (code, name),
        )?;
        if added == 0 {
            return Err(ServerError::conflict(
                format!("合同编号“{code}”已存在"),
                format!("contract '{code}' already exists"),
            ));
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
        let found: Option<(String, String)> = self
            .tx
            .query_row(
                "SELECT id, technician_id FROM devices WHERE token_hash = ?1",
                [token_hash],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
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
        Ok(self.tx.query_row(
            "SELECT high_seq FROM devices WHERE id = ?1",
            [device_id],
            |r| r.get(0),
        )?)
    }

    fn set_device_high_seq(&mut self, device_id: &str, seq: i64) -> Result<()> {
        self.tx.execute(
            "UPDATE devices SET high_seq = ?2 WHERE id = ?1",
            (device_id, seq),
        )?;
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

    fn save_record(&mut self, r: &StoredRecord) -> Result<()> {
        self.tx
            .prepare_cached(&format!(
                "INSERT OR REPLACE INTO records ({RECORD_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            ))?
            .execute((
                &r.entity,
                &r.id,
                r.rev,
                to_json(&r.row),
                &r.scope,
                &r.owner,
                r.received_at,
                r.clock_suspect,
                &r.waiting_for,
            ))?;
        Ok(())
    }

    fn append_feed(&mut self, r: &StoredRecord) -> Result<()> {
        let attachment = fieldlog_wire::sync::v1::entity_named(&r.entity)
            .and_then(|e| e.attachment)
            .and_then(|c| r.row.get(c))
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        self.tx
            .prepare_cached(
                "INSERT INTO feed (entity, id, rev, row, scope, owner, attachment, received_at, clock_suspect)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute((
                &r.entity,
                &r.id,
                r.rev,
                to_json(&r.row),
                &r.scope,
                &r.owner,
                attachment,
                r.received_at,
                r.clock_suspect,
            ))?;
        Ok(())
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
                to_json(&note.kept),
                to_json(&note.offered),
                note.at,
            ),
        )?;
        Ok(())
    }

    fn pull(&mut self, auth: &DeviceAuth, after: i64, limit: u32) -> Result<Vec<FeedRecord>> {
        // A technician reads the contracts assigned to them, and the profiles of technicians
        // they share a contract with (so arrivals and reports can name who made them).
        let mut stmt = self.tx.prepare_cached(
            "SELECT seq, entity, id, rev, row, received_at, clock_suspect FROM feed
             WHERE seq > ?1 AND (
                scope IN (SELECT contract_code FROM assignments WHERE technician_id = ?2)
                OR (scope IS NULL AND owner IN (
                    SELECT b.technician_id FROM assignments a
                    JOIN assignments b ON b.contract_code = a.contract_code
                    WHERE a.technician_id = ?2
                    UNION SELECT ?2)))
             ORDER BY seq LIMIT ?3",
        )?;
        let rows = stmt
            .query_map((after, &auth.technician_id, limit), |r| {
                Ok(FeedRecord {
                    seq: r.get(0)?,
                    entity: r.get(1)?,
                    id: r.get(2)?,
                    rev: r.get(3)?,
                    row: from_json(&r.get::<_, String>(4)?)?,
                    received_at: r.get(5)?,
                    clock_suspect: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
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
                "SELECT mime, total, length(bytes), complete FROM blobs WHERE sha256 = ?1",
                [sha256],
                |r| {
                    Ok(BlobState {
                        mime: r.get(0)?,
                        total: r.get::<_, i64>(1)? as u64,
                        received: r.get::<_, i64>(2)? as u64,
                        complete: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    fn blob_start(&mut self, sha256: &str, mime: &str, total: u64) -> Result<()> {
        self.tx.execute(
            "INSERT INTO blobs (sha256, mime, total, bytes) VALUES (?1, ?2, ?3, x'')",
            (sha256, mime, total as i64),
        )?;
        Ok(())
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
