//! The evidence chain (migrations 0009 and 0017): every piece of this laptop's evidence linked, as it is
//! recorded, into one append-only hash chain. This module registers the SQL function the
//! chain's triggers hash with, and checks the chain: each link against the record it covers
//! (edited, re-hashed or deleted records) and against the link before it (a rewritten chain).

use crate::{Result, Store, StoreError};
use fieldlog_domain::Lang;
use fieldlog_domain::labels::{EVIDENCE_KINDS, EVIDENCE_RECORD};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use fieldlog_wire::sync::chain_v1::{ChainLink as Link, GENESIS};

/// `fieldlog_sha256(x)`: the SHA-256 (lower-case hex) of a text's UTF-8 bytes or a blob's bytes;
/// NULL for NULL. Registered on every connection the store opens (the chain's triggers call it);
/// another connection on a profile that writes evidence (the write-path benchmark's raw side)
/// must register it too, or the chain's triggers refuse the write.
pub fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "fieldlog_sha256",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            Ok(match ctx.get_raw(0) {
                ValueRef::Null => None,
                ValueRef::Text(bytes) | ValueRef::Blob(bytes) => Some(hex(&Sha256::digest(bytes))),
                ValueRef::Integer(i) => Some(hex(&Sha256::digest(i.to_string().as_bytes()))),
                ValueRef::Real(r) => Some(hex(&Sha256::digest(r.to_string().as_bytes()))),
            })
        },
    )
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A link's own hash, as the trigger computes it (the wire's definition, `chain_v1`).
pub fn link_hash(
    prev_hash: &str,
    seq: i64,
    kind: &str,
    record_id: &str,
    content_hash: &str,
) -> String {
    hex(&Sha256::digest(
        fieldlog_wire::sync::chain_v1::link_preimage(prev_hash, seq, kind, record_id, content_hash)
            .as_bytes(),
    ))
}

/// Something the chain check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum Finding {
    /// The record's content no longer hashes to what its link holds: it was edited (and perhaps
    /// its own content hash recomputed to match).
    Edited {
        seq: i64,
        kind: String,
        record_id: String,
    },
    /// The link names a record that is no longer there.
    Deleted {
        seq: i64,
        kind: String,
        record_id: String,
    },
    /// The link does not follow from the one before it, or its own hash is wrong: the chain was
    /// rewritten or cut here.
    BrokenLink { seq: i64 },
    /// A signed report's entries no longer hash to what its signatures signed.
    SignedContentChanged { report_id: String },
    /// The sync server holds a different link at this place of this laptop's chain: the chain
    /// here was rewritten (records edited or deleted and the chain recomputed to match).
    DiffersFromServer { seq: i64 },
    /// The sync server holds links this laptop no longer has: the chain here was cut.
    MissingHere { seq: i64 },
}

impl Finding {
    /// One line for the technician, Chinese first.
    pub fn describe(&self) -> String {
        self.describe_in(Lang::ZhCn)
    }

    /// The same line in `lang`: zh-CN is Chinese then English (as [`Self::describe`]), English
    /// is English only (the CLI's `--lang en`).
    pub fn describe_in(&self, lang: Lang) -> String {
        let (zh, en) = match self {
            Finding::Edited {
                seq,
                kind,
                record_id,
            } => (
                format!(
                    "第 {seq} 环：{}“{record_id}”的内容与记录时不同（被改动）",
                    kind_label(kind, Lang::ZhCn)
                ),
                match lang {
                    Lang::ZhCn => {
                        format!("link {seq}: {kind} {record_id} was changed after it was recorded")
                    }
                    Lang::En => format!(
                        "Link {seq}: {} {record_id} was changed after it was recorded",
                        kind_label(kind, lang)
                    ),
                },
            ),
            Finding::Deleted {
                seq,
                kind,
                record_id,
            } => (
                format!(
                    "第 {seq} 环：{}“{record_id}”已被删除",
                    kind_label(kind, Lang::ZhCn)
                ),
                match lang {
                    Lang::ZhCn => format!("link {seq}: {kind} {record_id} was deleted"),
                    Lang::En => format!(
                        "Link {seq}: {} {record_id} was deleted",
                        kind_label(kind, lang)
                    ),
                },
            ),
            Finding::BrokenLink { seq } => (
                format!("第 {seq} 环与前一环接不上（证据链被改写或截断）"),
                format!(
                    "link {seq} does not follow from the one before: the chain was rewritten or cut"
                ),
            ),
            Finding::SignedContentChanged { report_id } => (
                format!("日报“{report_id}”的内容与签字时不一致"),
                format!("report {report_id} differs from what was signed"),
            ),
            Finding::DiffersFromServer { seq } => (
                format!("第 {seq} 环与服务器保存的不同（本机证据链被改写）"),
                format!("link {seq} differs from the server's copy: the chain here was rewritten"),
            ),
            Finding::MissingHere { seq } => (
                format!("服务器保存的第 {seq} 环在本机已不存在（证据被删除）"),
                format!("the server holds link {seq}, which is gone here: evidence was deleted"),
            ),
        };
        lang.pick(format!("{zh} / {en}"), en)
    }

    /// Whether the finding concerns `(kind, record_id)`.
    fn concerns(&self, wanted_kind: &str, wanted_id: &str) -> bool {
        match self {
            Finding::Edited {
                kind, record_id, ..
            }
            | Finding::Deleted {
                kind, record_id, ..
            } => kind == wanted_kind && record_id == wanted_id,
            Finding::SignedContentChanged { report_id } => {
                wanted_kind == "report" && report_id == wanted_id
            }
            Finding::BrokenLink { .. }
            | Finding::DiffersFromServer { .. }
            | Finding::MissingHere { .. } => true,
        }
    }
}

/// The kind of an evidence record by its code in the chain, from the label table; "record" for
/// a kind this build does not know.
fn kind_label(kind: &str, lang: Lang) -> &'static str {
    EVIDENCE_KINDS
        .iter()
        .find(|l| l.code == kind)
        .unwrap_or(&EVIDENCE_RECORD)
        .get(lang)
}

/// What `audit verify` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Audit {
    /// How many links the chain holds.
    pub links: i64,
    /// The last link's hash (what the server holds for this laptop, once synced).
    pub head: Option<String>,
    /// How many links were compared with the sync server's copy (None: not compared).
    pub server_links: Option<usize>,
    pub findings: Vec<Finding>,
}

impl Audit {
    pub fn intact(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Compares this laptop's chain with the links the sync server holds for it.
pub fn compare_with_server(local: &[Link], server: &[Link]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for theirs in server {
        match local.iter().find(|l| l.seq == theirs.seq) {
            None => findings.push(Finding::MissingHere { seq: theirs.seq }),
            Some(ours) if ours != theirs => {
                findings.push(Finding::DiffersFromServer { seq: theirs.seq })
            }
            Some(_) => {}
        }
    }
    findings
}

pub(crate) fn links(conn: &Connection, after_seq: i64) -> Result<Vec<Link>> {
    let mut stmt = conn.prepare(
        "SELECT seq, kind, record_id, coalesce(content_hash, ''), coalesce(prev_hash, ''),
                coalesce(link_hash, '')
         FROM evidence_chain WHERE seq > ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([after_seq], |r| {
        Ok(Link {
            seq: r.get(0)?,
            kind: r.get(1)?,
            record_id: r.get(2)?,
            content_hash: r.get(3)?,
            prev_hash: r.get(4)?,
            link_hash: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Checks every link: it follows from the one before (hashes recomputed here, in Rust, not by the
/// SQL that wrote them), and the record it covers still hashes to what it holds. Signed reports'
/// content is checked against their signatures too.
pub(crate) fn audit(conn: &Connection) -> Result<Audit> {
    let chain = links(conn, 0)?;
    let mut findings = broken_links(&chain);
    findings.extend(content_findings(conn, None)?);
    let signed: Vec<String> = conn
        .prepare("SELECT id FROM daily_reports WHERE status = 'signed' ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in signed {
        findings.extend(signed_content_finding(conn, &id)?);
    }
    Ok(Audit {
        links: chain.len() as i64,
        head: chain.last().map(|l| l.link_hash.clone()),
        server_links: None,
        findings,
    })
}

/// Links that do not follow from the one before, or whose own hash is wrong.
fn broken_links(chain: &[Link]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut prev = GENESIS.to_owned();
    for (i, link) in chain.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        let recomputed = link_hash(
            &prev,
            link.seq,
            &link.kind,
            &link.record_id,
            &link.content_hash,
        );
        if link.seq != expected_seq || link.prev_hash != prev || link.link_hash != recomputed {
            findings.push(Finding::BrokenLink { seq: link.seq });
        }
        prev = link.link_hash.clone();
    }
    findings
}

/// The linked records (all, or the one `only` names by kind and id) whose current content no
/// longer hashes to what their link holds, or that are gone. Recomputing content is the costly
/// part of a check (a photo's is the hash of its original's megabytes), so an export's check
/// recomputes only the records it prints.
fn content_findings(conn: &Connection, only: Option<(&str, &str)>) -> Result<Vec<Finding>> {
    // Current content of every linked record, in the form its link hashed (migration 0017: links
    // made before it cover 0009's content), hashed the way the trigger hashed it.
    let mut stmt = conn.prepare(
        "SELECT l.seq, l.kind, l.record_id, l.content_hash,
                (SELECT fieldlog_sha256(c.content) FROM evidence_content_by_form c
                 WHERE c.kind = l.kind AND c.form = l.form AND c.record_id = l.record_id)
         FROM evidence_chain l
         WHERE ?1 IS NULL OR (l.kind = ?1 AND l.record_id = ?2)
         ORDER BY l.seq",
    )?;
    let (kind, id) = only.unzip();
    let rows = stmt.query_map(rusqlite::params![kind, id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    let mut findings = Vec::new();
    for row in rows {
        let (seq, kind, record_id, linked, now) = row?;
        match now {
            None => findings.push(Finding::Deleted {
                seq,
                kind,
                record_id,
            }),
            Some(now) if Some(&now) != linked.as_ref() => findings.push(Finding::Edited {
                seq,
                kind,
                record_id,
            }),
            Some(_) => {}
        }
    }
    Ok(findings)
}

/// Whether the signed report `id`'s entries no longer hash to what its signatures signed.
fn signed_content_finding(conn: &Connection, id: &str) -> Result<Option<Finding>> {
    let report_id = id
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("report id {id}")))?;
    let changed = crate::reports::document(conn, report_id)?.content_intact == Some(false);
    Ok(changed.then(|| Finding::SignedContentChanged {
        report_id: id.to_owned(),
    }))
}

impl Store {
    /// `fieldlog audit verify` on this laptop: the whole chain and every record it covers.
    pub fn audit(&self) -> Result<Audit> {
        audit(&self.conn)
    }

    /// [`Store::audit`], then this laptop's chain against the sync server's copy of it.
    pub fn audit_against_server(&self, server: &[Link]) -> Result<Audit> {
        let mut audit = audit(&self.conn)?;
        audit
            .findings
            .extend(compare_with_server(&links(&self.conn, 0)?, server));
        audit.server_links = Some(server.len());
        Ok(audit)
    }

    /// The chain's links after `after_seq`, at most `limit` (what sync sends the server).
    pub fn chain_links(&self, after_seq: i64, limit: usize) -> Result<Vec<Link>> {
        let mut links = links(&self.conn, after_seq)?;
        links.truncate(limit);
        Ok(links)
    }

    /// The last link the sync server has acknowledged (0 before the first).
    pub fn chain_sent_seq(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row(
                "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'chain_sent_seq'",
                [],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    }

    /// Records the server's acknowledgement of the chain up to `seq`.
    pub fn record_chain_sent(&mut self, seq: i64) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('chain_sent_seq', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [seq.to_string()],
            )?;
            Ok(())
        })
    }

    /// Refuses a signed report whose content, signatures, entries' photos or chain links fail
    /// the check.
    pub fn check_report_evidence(&self, id: fieldlog_domain::ids::ReportId) -> Result<()> {
        let mut records = vec![("report", id.to_string())];
        records.extend(self.related(
            "SELECT 'signature', id FROM signatures WHERE subject = 'daily_report' AND subject_id = ?1
             UNION ALL
             SELECT 'photo', p.id FROM photos p JOIN report_entries e ON e.id = p.subject_id
             WHERE p.subject = 'report_entry' AND e.report_id = ?1",
            &id.to_string(),
        )?);
        self.check_evidence(&records)
    }

    /// Refuses a completion form whose fault, events or signatures fail the check.
    pub fn check_completion_evidence(&self, id: fieldlog_domain::ids::FaultId) -> Result<()> {
        let mut records = vec![("fault", id.to_string())];
        records.extend(self.related(
            "SELECT 'fault_event', id FROM fault_events WHERE fault_id = ?1
             UNION ALL
             SELECT 'signature', id FROM signatures WHERE subject = 'completion_form' AND subject_id = ?1",
            &id.to_string(),
        )?);
        self.check_evidence(&records)
    }

    fn related(&self, sql: &str, id: &str) -> Result<Vec<(&'static str, String)>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map([id], |r| {
            let kind: String = r.get(0)?;
            let kind = match kind.as_str() {
                "signature" => "signature",
                // The photos printed beside a report's entries (issue 19).
                "photo" => "photo",
                _ => "fault_event",
            };
            Ok((kind, r.get::<_, String>(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Refuses evidence that fails the check: any finding about one of `records` (kind, id), or
    /// a broken chain. The error lists what was found. Only the content of `records` is
    /// recomputed (what [`Store::audit`] would find about them, without hashing every photo).
    pub fn check_evidence(&self, records: &[(&str, String)]) -> Result<()> {
        let mut findings = broken_links(&links(&self.conn, 0)?);
        for (kind, id) in records {
            findings.extend(content_findings(&self.conn, Some((kind, id)))?);
            if *kind == "report"
                && self
                    .conn
                    .query_row(
                        "SELECT status = 'signed' FROM daily_reports WHERE id = ?1",
                        [id],
                        |r| r.get::<_, bool>(0),
                    )
                    .optional()?
                    == Some(true)
            {
                findings.extend(signed_content_finding(&self.conn, id)?);
            }
        }
        let found: Vec<String> = findings
            .iter()
            .filter(|f| records.iter().any(|(kind, id)| f.concerns(kind, id)))
            .map(Finding::describe)
            .collect();
        if found.is_empty() {
            return Ok(());
        }
        Err(StoreError::Tampered(found.join("；")))
    }
}
