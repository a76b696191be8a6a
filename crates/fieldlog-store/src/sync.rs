//! The laptop's side of sync (`docs/sync-protocol.md`): the outbox the triggers of migration 0005
//! fill inside every user action, the enrollment and pull cursor, and applying what the server
//! sends back. Applying is idempotent: a record version is taken only if it is newer (by server
//! revision) than what this laptop holds, and a record with changes still waiting to go up is left
//! alone until they have been merged on the server.
//!
//! No network here: `fieldlog-sync` moves the batches; every function below is one transaction.

use crate::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use fieldlog_wire::sync::v1::{
    AckStatus, Change, ChangeOp, ConflictRule, Entity, FeedRecord, PullResponse, PushResponse, Row,
    StoredRow, entity_named,
};
use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Where this laptop stands with the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    pub server_url: Option<String>,
    pub device_id: Option<String>,
    pub technician_id: Option<String>,
    pub enrolled: bool,
    /// Changes made here that the server has not yet stored.
    pub pending_changes: i64,
    pub pull_cursor: i64,
    pub last_good_sync_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    /// Conflicts waiting for the technician.
    pub open_conflicts: i64,
    /// The server's clock minus this laptop's, in seconds, as measured at the last push.
    #[serde(default)]
    pub clock_offset_secs: Option<i64>,
}

/// What a laptop needs to talk to its server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    pub server_url: String,
    pub device_id: String,
    pub token: String,
    pub technician_id: String,
}

/// Numbers the waiting changes from 1, oldest first, for a new device.
fn renumber_outbox(tx: &Connection) -> Result<()> {
    // Oldest first, each moves down to its place, never onto a number still in use.
    let waiting: Vec<i64> = tx
        .prepare("SELECT seq FROM sync_outbox ORDER BY seq")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for (i, seq) in waiting.iter().enumerate() {
        tx.execute(
            "UPDATE sync_outbox SET seq = ?1 WHERE seq = ?2",
            (i as i64 + 1, seq),
        )?;
    }
    tx.execute(
        "UPDATE sqlite_sequence SET seq = ?1 WHERE name = 'sync_outbox'",
        [waiting.len() as i64],
    )?;
    Ok(())
}

/// Writes the enrollment into `sync_state` (inside the caller's transaction).
pub(crate) fn write_enrollment(tx: &Connection, enrollment: &Enrollment) -> Result<()> {
    // A new device's changes are numbered from 1 (the server answers a gap with 409): what is
    // still waiting keeps its order, renumbered from 1, and the next change follows it.
    let device: Option<String> =
        tx.query_row("SELECT device_id FROM sync_state WHERE id = 1", [], |r| {
            r.get(0)
        })?;
    if device.as_deref() != Some(enrollment.device_id.as_str()) {
        renumber_outbox(tx)?;
        // The server keeps one evidence chain per device: a new device's starts empty, so the
        // whole chain goes up again from its first link (the old device's copy stays there).
        tx.execute("DELETE FROM meta WHERE key = 'chain_sent_seq'", [])?;
    }
    tx.execute(
        "UPDATE sync_state SET server_url = ?1, device_id = ?2, device_token = ?3,
                technician_id = ?4, pull_cursor = 0, last_error = NULL WHERE id = 1",
        (
            &enrollment.server_url,
            &enrollment.device_id,
            &enrollment.token,
            &enrollment.technician_id,
        ),
    )?;
    Ok(())
}

/// A PDF-signing certificate the sync server issued for the profile's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedSigningCertificate {
    /// The profile's private key (PKCS#8 PEM): the one it already had, or made for enrolling.
    pub key_pem: String,
    pub certificate_pem: String,
    /// The issuer's certificate and any above it, up to the server's root (PEM).
    pub chain_pem: String,
}

/// A conflict kept for the technician to settle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncConflict {
    pub id: i64,
    pub entity: String,
    pub record_id: String,
    pub fields: Vec<String>,
    pub ours: Option<Row>,
    pub theirs: Option<Row>,
    pub reason: String,
    pub recorded_at: DateTime<Utc>,
}

/// What applying a pulled page did (counts, for progress and tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullApplied {
    pub applied: u64,
    pub skipped: u64,
    pub refused: u64,
}

impl Store {
    pub fn sync_status(&self) -> Result<SyncStatus> {
        let conn = &self.conn;
        let (server_url, device_id, token, technician_id, pull_cursor, last_good, last_error) =
            conn.query_row(
                "SELECT server_url, device_id, device_token, technician_id, pull_cursor,
                        last_good_sync_at, last_error FROM sync_state WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, Option<String>>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, Option<DateTime<Utc>>>(5)?,
                        r.get::<_, Option<String>>(6)?,
                    ))
                },
            )?;
        let clock_offset_secs = conn.query_row(
            "SELECT clock_offset_secs FROM sync_state WHERE id = 1",
            [],
            |r| r.get::<_, Option<i64>>(0),
        )?;
        let pending_changes =
            conn.query_row("SELECT count(*) FROM sync_outbox", [], |r| r.get(0))?;
        let open_conflicts = conn.query_row(
            "SELECT count(*) FROM sync_conflicts WHERE settled_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(SyncStatus {
            enrolled: token.is_some(),
            server_url,
            device_id,
            technician_id,
            pending_changes,
            pull_cursor,
            last_good_sync_at: last_good,
            last_error,
            open_conflicts,
            clock_offset_secs,
        })
    }

    /// The highest change number this laptop has ever queued (it only grows, also after the
    /// server stored and the outbox forgot the change): a new value means a new local change.
    pub fn outbox_mark(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// Notes this laptop's clock against the server's (server minus laptop, in seconds).
    pub fn record_clock_offset(&mut self, offset_secs: i64, at: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE sync_state SET clock_offset_secs = ?1, clock_checked_at = ?2 WHERE id = 1",
                (offset_secs, at),
            )?;
            Ok(())
        })
    }

    /// The server address and token, if this laptop is enrolled.
    pub fn enrollment(&self) -> Result<Option<Enrollment>> {
        Ok(self
            .conn
            .query_row(
                "SELECT server_url, device_id, device_token, technician_id FROM sync_state
                 WHERE id = 1 AND device_token IS NOT NULL",
                [],
                |r| {
                    Ok(Enrollment {
                        server_url: r.get(0)?,
                        device_id: r.get(1)?,
                        token: r.get(2)?,
                        technician_id: r.get(3)?,
                    })
                },
            )
            .optional()?)
    }

    /// Remembers the server this laptop enrolled with. A new enrollment starts pulling afresh.
    pub fn save_enrollment(&mut self, enrollment: &Enrollment) -> Result<()> {
        self.write(|tx| write_enrollment(tx, enrollment))
    }

    /// The oldest `limit` changes not yet stored by the server, oldest first.
    pub fn outbox_batch(&self, limit: usize) -> Result<Vec<Change>> {
        self.outbox_changes(0, limit, |text| parse_row(&text))
    }

    /// The oldest changes after sequence number `after`, each row as the JSON text the outbox
    /// holds, for sending: nothing is parsed only to be written out again. (`after` lets a round
    /// send the next batch before it has recorded the answer to the last one.)
    pub fn outbox_batch_text_after(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<Change<StoredRow>>> {
        self.outbox_changes(after, limit, |text| {
            serde_json::value::RawValue::from_string(text)
                .map_err(|e| StoreError::Corrupt(format!("outbox row: {e}")))
        })
    }

    fn outbox_changes<R>(
        &self,
        after: i64,
        limit: usize,
        row: impl Fn(String) -> Result<R>,
    ) -> Result<Vec<Change<R>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, entity, op, row, base, at FROM sync_outbox WHERE seq > ?1
             ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map((after, limit as i64), |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for found in rows {
            let (seq, entity, op, text, base, at) = found?;
            out.push(Change {
                seq,
                entity,
                op: if op == "insert" {
                    ChangeOp::Insert
                } else {
                    ChangeOp::Update
                },
                row: row(text)?,
                base: base.map(&row).transpose()?,
                at: at
                    .parse()
                    .map_err(|e| StoreError::Corrupt(format!("outbox time {at}: {e}")))?,
            });
        }
        Ok(out)
    }

    /// Takes the server's answer to a push: drops what it stored from the outbox, remembers the
    /// revisions, takes merged versions, and keeps conflicts for the technician. One transaction,
    /// so a crash leaves either the old outbox (the batch is resent and answered the same) or this.
    pub fn apply_push_response(
        &mut self,
        response: &PushResponse,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM sync_outbox WHERE seq <= ?1",
                [response.stored_through],
            )?;
            for ack in &response.acks {
                let Some(entity) = entity_named(&ack.entity) else {
                    continue;
                };
                if let Some(received_at) = ack.received_at {
                    note_receipt_of(tx, entity.name, &ack.id, received_at, ack.clock_suspect)?;
                }
                if ack.status == AckStatus::Conflict || !ack.fields.is_empty() {
                    tx.execute(
                        "INSERT INTO sync_conflicts (entity, record_id, fields, ours, theirs, reason, recorded_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, 'server', ?6)",
                        (
                            entity.name,
                            &ack.id,
                            serde_json::to_string(&ack.fields).unwrap_or_default(),
                            local_row(tx, entity, &ack.id)?
                                .map(|r| Value::Object(r).to_string()),
                            ack.row.as_ref().map(|r| Value::Object(r.clone()).to_string()),
                            now,
                        ),
                    )?;
                }
                // A merged version is the server's answer, whatever the rule: a draft merged with
                // others' edits, the server's version of a record this laptop was behind on, an
                // entry the server kept apart from a signed report. A conflict's row replaces
                // only an editable record (evidence here is never rewritten).
                let take_row = ack.status == AckStatus::Merged
                    || (entity.rule == ConflictRule::Mergeable
                        && ack.status == AckStatus::Conflict);
                match (&ack.row, take_row) {
                    (Some(row), true) => {
                        set_applying(tx, true)?;
                        apply_record(tx, entity, &ack.id, ack.rev, row, now)?;
                        set_applying(tx, false)?;
                    }
                    _ => bump_rev(tx, entity.name, &ack.id, ack.rev)?,
                }
            }
            Ok(())
        })
    }

    /// SHA-256s of attachments that records in `page` need and this laptop lacks.
    pub fn missing_attachments(&self, page: &PullResponse) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for record in &page.records {
            let Some(column) = entity_named(&record.entity).and_then(|e| e.attachment) else {
                continue;
            };
            let Some(sha) = record.row.get(column).and_then(Value::as_str) else {
                continue;
            };
            if crate::attachments::get(&self.conn, sha)?.is_none() && !out.iter().any(|s| s == sha)
            {
                out.push(sha.to_owned());
            }
        }
        Ok(out)
    }

    /// SHA-256s of attachments that changes in `batch` point at, with their bytes and type.
    pub fn attachments_for(
        &self,
        batch: &[Change<StoredRow>],
    ) -> Result<Vec<(String, String, Vec<u8>)>> {
        let mut out: Vec<(String, String, Vec<u8>)> = Vec::new();
        for change in batch {
            let Some(column) = entity_named(&change.entity).and_then(|e| e.attachment) else {
                continue;
            };
            // Only kinds with an attachment (signatures) are parsed here.
            let row = parse_row(change.row.get())?;
            let Some(sha) = row.get(column).and_then(Value::as_str) else {
                continue;
            };
            if out.iter().any(|(s, _, _)| s == sha) {
                continue;
            }
            let found = self
                .conn
                .query_row(
                    "SELECT mime, bytes FROM attachments WHERE sha256 = ?1",
                    [sha],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)),
                )
                .optional()?;
            if let Some((mime, bytes)) = found {
                out.push((sha.to_owned(), mime, bytes));
            }
        }
        Ok(out)
    }

    /// Applies one pulled page and moves the pull cursor, in one transaction: a page is taken
    /// whole or not at all, and taking it twice changes nothing. `attachments` are the bytes of
    /// attachments the page needs (from [`Store::missing_attachments`]) as (sha256, mime, bytes).
    pub fn apply_pull_page(
        &mut self,
        page: &PullResponse,
        attachments: &[(String, String, Vec<u8>)],
        now: DateTime<Utc>,
    ) -> Result<PullApplied> {
        self.write(|tx| {
            for (sha, mime, bytes) in attachments {
                if crate::attachments::sha256_hex(bytes) != *sha {
                    return Err(StoreError::conflict(
                        format!("服务器发来的附件 {sha} 内容与编号不符，请稍后重试同步"),
                        format!("attachment {sha} from the server does not match its hash"),
                    ));
                }
                // The server caps what it takes (30 MB, a photo's cap): any kind arrives here.
                crate::attachments::put_checked(tx, bytes, mime, now)?;
            }
            let mut counts = PullApplied::default();
            set_applying(tx, true)?;
            for record in &page.records {
                note_receipt(tx, record)?;
                match apply_feed_record(tx, record, now)? {
                    Applied::Yes => counts.applied += 1,
                    Applied::Skipped => counts.skipped += 1,
                    Applied::Refused => counts.refused += 1,
                }
            }
            retry_refused(tx, now)?;
            set_applying(tx, false)?;
            tx.execute(
                "UPDATE sync_state SET pull_cursor = max(pull_cursor, ?1) WHERE id = 1",
                [page.cursor],
            )?;
            Ok(counts)
        })
    }

    /// Notes a finished round: the time of the last good sync, or what went wrong.
    pub fn record_sync_outcome(
        &mut self,
        outcome: std::result::Result<DateTime<Utc>, String>,
    ) -> Result<()> {
        self.write(|tx| {
            match outcome {
                Ok(at) => tx.execute(
                    "UPDATE sync_state SET last_good_sync_at = ?1, last_error = NULL WHERE id = 1",
                    [at],
                )?,
                Err(message) => tx.execute(
                    "UPDATE sync_state SET last_error = ?1 WHERE id = 1",
                    [message],
                )?,
            };
            Ok(())
        })
    }

    /// Conflicts not yet settled, oldest first.
    pub fn sync_conflicts(&self) -> Result<Vec<SyncConflict>> {
        open_conflicts(&self.conn, None)
    }

    /// Every synced record this laptop holds as (entity, id, row), sorted: two laptops with the
    /// same list hold the same data. For tests and for checking a sync end to end.
    pub fn synced_records(&self) -> Result<Vec<(String, String, Row)>> {
        let mut out = Vec::new();
        for entity in fieldlog_wire::sync::v1::ENTITIES {
            let columns = table_columns(&self.conn, entity.name)?;
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT * FROM \"{}\"", entity.name))?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let row = row_to_json(r, &columns)?;
                let id = entity.record_id(&row).unwrap_or_default();
                out.push((entity.name.to_owned(), id, row));
            }
        }
        out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        Ok(out)
    }
}

/// Open conflicts, oldest first: all of them, or the one numbered `only`.
pub(crate) fn open_conflicts(conn: &Connection, only: Option<i64>) -> Result<Vec<SyncConflict>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, entity, record_id, fields, ours, theirs, reason, recorded_at
         FROM sync_conflicts WHERE settled_at IS NULL AND (?1 IS NULL OR id = ?1) ORDER BY id",
    )?;
    let rows = stmt.query_map([only], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, Option<String>>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, DateTime<Utc>>(7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, entity, record_id, fields, ours, theirs, reason, recorded_at) = row?;
        out.push(SyncConflict {
            id,
            entity,
            record_id,
            fields: serde_json::from_str(&fields).unwrap_or_default(),
            ours: ours.as_deref().map(parse_row).transpose()?,
            theirs: theirs.as_deref().map(parse_row).transpose()?,
            reason,
            recorded_at,
        });
    }
    Ok(out)
}

enum Applied {
    Yes,
    Skipped,
    Refused,
}

fn parse_row(text: &str) -> Result<Row> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(StoreError::Corrupt(format!(
            "sync row is not a JSON object: {text}"
        ))),
    }
}

/// Keeps the server's receipt of an arrival (when it arrived, and whether the sending device's
/// clock was off): the summaries flag arrivals whose time may be wrong.
fn note_receipt(tx: &Connection, record: &FeedRecord) -> Result<()> {
    note_receipt_of(
        tx,
        &record.entity,
        &record.id,
        record.received_at,
        record.clock_suspect,
    )
}

/// Keeps when the server received an arrival and whether the sender's clock was off (the
/// summary's clock check): from the feed for others' arrivals, from the acks for this laptop's.
fn note_receipt_of(
    tx: &Connection,
    entity: &str,
    id: &str,
    received_at: DateTime<Utc>,
    clock_suspect: bool,
) -> Result<()> {
    if entity != "arrivals" {
        return Ok(());
    }
    tx.prepare_cached(
        "INSERT INTO sync_receipts (entity, record_id, received_at, clock_suspect)
         VALUES ('arrivals', ?1, ?2, ?3)
         ON CONFLICT (entity, record_id) DO UPDATE SET received_at = excluded.received_at,
             clock_suspect = excluded.clock_suspect",
    )?
    .execute((id, received_at, clock_suspect))?;
    Ok(())
}

fn apply_feed_record(tx: &Connection, record: &FeedRecord, now: DateTime<Utc>) -> Result<Applied> {
    let Some(entity) = entity_named(&record.entity) else {
        return Ok(Applied::Skipped);
    };
    apply_record(tx, entity, &record.id, record.rev, &record.row, now)
}

/// Takes `row` as revision `rev` of the record (with the triggers silenced by the caller) unless this laptop already holds that revision or a
/// newer one, or has its own changes to it still waiting to go up (the server merges those and
/// sends the result back). A row the database refuses (a signed record here differs, a duplicate
/// contract code) is kept as a conflict instead; the rest of the page still applies.
fn apply_record(
    tx: &Connection,
    entity: &Entity,
    id: &str,
    rev: i64,
    row: &Row,
    now: DateTime<Utc>,
) -> Result<Applied> {
    // Statements are cached: an initial pull applies tens of thousands of records in a row.
    let known: Option<i64> = tx
        .prepare_cached("SELECT rev FROM sync_revs WHERE entity = ?1 AND record_id = ?2")?
        .query_row((entity.name, id), |r| r.get(0))
        .optional()?;
    if known.is_some_and(|k| k >= rev) {
        return Ok(Applied::Skipped);
    }
    let pending: bool = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM sync_outbox WHERE entity = ?1 AND record_id = ?2)",
        )?
        .query_row((entity.name, id), |r| r.get(0))?;
    if pending {
        return Ok(Applied::Skipped);
    }
    tx.prepare_cached("SAVEPOINT apply_record")?.execute([])?;
    let outcome = write_row(tx, entity, id, row);
    let applied = match outcome {
        Ok(()) => {
            tx.prepare_cached("RELEASE apply_record")?.execute([])?;
            Applied::Yes
        }
        Err(error) => {
            tx.execute("ROLLBACK TO apply_record", [])?;
            tx.execute("RELEASE apply_record", [])?;
            tx.execute(
                "INSERT INTO sync_conflicts (entity, record_id, fields, ours, theirs, reason, recorded_at)
                 VALUES (?1, ?2, '[]', ?3, ?4, ?5, ?6)",
                (
                    entity.name,
                    id,
                    local_row(tx, entity, id)?.map(|r| Value::Object(r).to_string()),
                    Value::Object(row.clone()).to_string(),
                    error.to_string(),
                    now,
                ),
            )?;
            Applied::Refused
        }
    };
    bump_rev(tx, entity.name, id, rev)?;
    Ok(applied)
}

/// Evidence this laptop refused on an earlier page, tried again: the feed holds every version, so
/// an entry may come first as it was sent (refused here: its report was already signed), then as
/// the server kept it apart (taken), and its parts and stock movements, refused while it was
/// missing, fit now. One that fits is written and its conflict settled; one that a newer version
/// replaced is settled too. Nothing to do (one indexed query) when no refusal is open.
fn retry_refused(tx: &Connection, now: DateTime<Utc>) -> Result<()> {
    let open: Vec<(i64, String, String, String)> = tx
        .prepare_cached(
            "SELECT id, entity, record_id, theirs FROM sync_conflicts
             WHERE settled_at IS NULL AND ours IS NULL AND theirs IS NOT NULL AND reason <> 'server'
             ORDER BY id",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (conflict, entity, id, theirs) in open {
        let Some(entity) = entity_named(&entity) else {
            continue;
        };
        if entity.rule != ConflictRule::Immutable {
            continue;
        }
        let settled = if local_row(tx, entity, &id)?.is_some() {
            Some("superseded")
        } else {
            tx.execute("SAVEPOINT retry_refused", [])?;
            match write_row(tx, entity, &id, &parse_row(&theirs)?) {
                Ok(()) => {
                    tx.execute("RELEASE retry_refused", [])?;
                    Some("applied")
                }
                Err(_) => {
                    tx.execute("ROLLBACK TO retry_refused", [])?;
                    tx.execute("RELEASE retry_refused", [])?;
                    None
                }
            }
        };
        if let Some(how) = settled {
            tx.execute(
                "UPDATE sync_conflicts SET settled_at = ?2, settlement = ?3 WHERE id = ?1",
                (conflict, now, json!({ "retried": how }).to_string()),
            )?;
        }
    }
    Ok(())
}

/// While set, the outbox triggers stay quiet: rows written now come from the server and must not
/// echo back as changes. Set and cleared inside the caller's transaction, so a failure that rolls
/// it back also clears it.
fn set_applying(tx: &Connection, on: bool) -> Result<()> {
    tx.prepare_cached("UPDATE sync_state SET applying = ?1 WHERE id = 1")?
        .execute([on])?;
    Ok(())
}

fn bump_rev(conn: &Connection, entity: &str, id: &str, rev: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_revs (entity, record_id, rev) VALUES (?1, ?2, ?3)
         ON CONFLICT (entity, record_id) DO UPDATE SET rev = max(rev, excluded.rev)",
    )?
    .execute((entity, id, rev))?;
    Ok(())
}

/// Inserts the row, or updates it when it differs from what is here. Columns are the table's own
/// (unknown keys in `row` are refused), so nothing from the wire reaches the SQL text but names
/// this build already knows.
pub(crate) fn write_row(tx: &Connection, entity: &Entity, id: &str, row: &Row) -> Result<()> {
    let columns = table_columns(tx, entity.name)?;
    if let Some(unknown) = row.keys().find(|k| !columns.contains(k)) {
        return Err(StoreError::Corrupt(format!(
            "{} has no column {unknown}",
            entity.name
        )));
    }
    if entity.record_id(row).as_deref() != Some(id) {
        return Err(StoreError::Corrupt(format!(
            "{} {id}: key does not match the row",
            entity.name
        )));
    }
    // A column the row does not name was added to this table after the sender's build queued
    // the row (an outbox row of an older schema, or an older laptop): it keeps its default on an
    // insert and its value on an update, instead of becoming NULL. An explicit null is a value.
    let present: Vec<&String> = columns.iter().filter(|c| row.contains_key(*c)).collect();
    let values: Vec<SqlValue> = present
        .iter()
        .map(|c| json_to_sql(row.get(*c).unwrap_or(&Value::Null)))
        .collect();
    match local_row(tx, entity, id)? {
        // Nothing the row names differs from what is here.
        Some(existing) if present.iter().all(|c| existing.get(*c) == row.get(*c)) => Ok(()),
        Some(_) => {
            let sets: Vec<String> = present
                .iter()
                .enumerate()
                .map(|(i, c)| format!("\"{c}\" = ?{}", i + 1))
                .collect();
            let keys: Vec<String> = entity
                .key
                .iter()
                .map(|k| {
                    let i = present.iter().position(|c| *c == k).unwrap_or(0);
                    format!("\"{k}\" = ?{}", i + 1)
                })
                .collect();
            tx.prepare_cached(&format!(
                "UPDATE \"{}\" SET {} WHERE {}",
                entity.name,
                sets.join(", "),
                keys.join(" AND ")
            ))?
            .execute(rusqlite::params_from_iter(values))?;
            Ok(())
        }
        None => {
            let names: Vec<String> = present.iter().map(|c| format!("\"{c}\"")).collect();
            let marks: Vec<String> = (1..=present.len()).map(|i| format!("?{i}")).collect();
            tx.prepare_cached(&format!(
                "INSERT INTO \"{}\" ({}) VALUES ({})",
                entity.name,
                names.join(", "),
                marks.join(", ")
            ))?
            .execute(rusqlite::params_from_iter(values))?;
            Ok(())
        }
    }
}

/// The columns of a synced table, in order. Every store is migrated to this build's schema when
/// it opens, so the answer is the same for every store in the process: it is read once and kept
/// (an initial pull asks it for every one of tens of thousands of records).
pub(crate) fn table_columns(conn: &Connection, table: &'static str) -> Result<Vec<String>> {
    static COLUMNS: std::sync::OnceLock<
        std::sync::Mutex<std::collections::HashMap<&'static str, Vec<String>>>,
    > = std::sync::OnceLock::new();
    let cache = COLUMNS.get_or_init(Default::default);
    if let Some(columns) = cache.lock().ok().and_then(|c| c.get(table).cloned()) {
        return Ok(columns);
    }
    let mut stmt = conn.prepare_cached("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let columns = stmt
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    if let Ok(mut c) = cache.lock() {
        c.insert(table, columns.clone());
    }
    Ok(columns)
}

/// The record's row as this laptop holds it.
pub(crate) fn local_row(conn: &Connection, entity: &Entity, id: &str) -> Result<Option<Row>> {
    let columns = table_columns(conn, entity.name)?;
    let parts: Vec<&str> = id.splitn(entity.key.len(), '/').collect();
    if parts.len() != entity.key.len() {
        return Ok(None);
    }
    let filter: Vec<String> = entity
        .key
        .iter()
        .enumerate()
        .map(|(i, k)| format!("\"{k}\" = ?{}", i + 1))
        .collect();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT * FROM \"{}\" WHERE {}",
        entity.name,
        filter.join(" AND ")
    ))?;
    // Key parts are UUID text or whole numbers (a policy version, a line position).
    let values = parts.iter().map(|p| match p.parse::<i64>() {
        Ok(n) => SqlValue::Integer(n),
        Err(_) => SqlValue::Text((*p).to_owned()),
    });
    let mut rows = stmt.query(rusqlite::params_from_iter(values))?;
    match rows.next()? {
        Some(r) => Ok(Some(row_to_json(r, &columns)?)),
        None => Ok(None),
    }
}

fn row_to_json(r: &rusqlite::Row<'_>, columns: &[String]) -> Result<Row> {
    let mut map = Row::new();
    for (i, c) in columns.iter().enumerate() {
        let value = match r.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(n) => Value::from(n),
            ValueRef::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
            ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(_) => {
                return Err(StoreError::Corrupt(format!("blob in synced column {c}")));
            }
        };
        map.insert(c.clone(), value);
    }
    Ok(map)
}

pub(crate) fn json_to_sql(value: &Value) -> SqlValue {
    match value {
        Value::Null => SqlValue::Null,
        Value::Bool(b) => SqlValue::Integer(i64::from(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => SqlValue::Integer(i),
            None => SqlValue::Real(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}
