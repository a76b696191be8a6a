//! The sync rules, written once over [`Tx`] for every backend (`docs/sync-protocol.md`):
//! - a batch is applied exactly once: changes carry the device's sequence; one already stored is
//!   answered with its stored ack, and a gap is refused, so nothing is skipped either;
//! - which contract a record belongs to is worked out here from the record and its parents, never
//!   taken from the device's word, and a technician writes only contracts assigned to them;
//! - evidence is never overwritten: a second, different version is kept for review;
//! - editable records merge field by field against the version the device edited;
//! - a record that needs an attachment reaches the feed only once the attachment has arrived.

use crate::error::{Result, ServerError};
use crate::storage::{ConflictNote, DeviceAuth, StoredRecord, Tx};
use chrono::{DateTime, Utc};
use fieldlog_wire::sync::v1::{
    Ack, AckStatus, AttachmentStatus, CLOCK_TOLERANCE_SECS, Change, ChangeOp, ConflictRule,
    EnrollRequest, EnrollResponse, Entity, MAX_BATCH_CHANGES, PullResponse, PushRequest,
    PushResponse, Row, Scope, StoredRow, entity_named,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Largest attachment accepted (a photo of a few MB; signatures are a few KB).
pub const MAX_ATTACHMENT_BYTES: u64 = 16 * 1024 * 1024;

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh secret of 32 random bytes as hex (tokens, enrollment codes).
pub fn random_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the OS random source is available");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn enroll(
    tx: &mut dyn Tx,
    request: &EnrollRequest,
    now: DateTime<Utc>,
) -> Result<EnrollResponse> {
    let device_name = request.device_name.trim();
    if device_name.is_empty() || device_name.chars().count() > 100 {
        return Err(ServerError::Malformed(
            "设备名称应为 1–100 个字 (device_name must be 1–100 characters)".into(),
        ));
    }
    // Checked before the code is used, so a bad key costs the technician nothing.
    let public_key = request
        .signing_public_key
        .as_deref()
        .map(crate::ca::check_public_key)
        .transpose()?;
    let token = random_secret(32);
    let device_id = uuid::Uuid::now_v7().to_string();
    let Some((technician_id, technician_name)) = tx.redeem_enrollment_code(
        &sha256_hex(request.code.trim().as_bytes()),
        &device_id,
        device_name,
        &sha256_hex(token.as_bytes()),
        now,
    )?
    else {
        return Err(ServerError::BadEnrollmentCode);
    };
    let contracts = tx.contracts_of(&technician_id)?;
    let signing_certificate = public_key
        .map(|key| {
            crate::ca::issue_signing_certificate(
                tx,
                &technician_id,
                &technician_name,
                &device_id,
                key,
                now,
            )
        })
        .transpose()?;
    Ok(EnrollResponse {
        device_id,
        token,
        technician_id,
        technician_name,
        contracts,
        signing_certificate,
    })
}

/// The device behind a bearer token.
pub fn authenticate(tx: &mut dyn Tx, token: Option<&str>) -> Result<DeviceAuth> {
    let token = token.ok_or(ServerError::MissingToken)?;
    tx.device_by_token_hash(&sha256_hex(token.as_bytes()))?
        .ok_or(ServerError::BadToken)
}

/// Checks a batch's shape before anything is written.
fn validate(request: &PushRequest) -> Result<()> {
    if request.changes.len() > MAX_BATCH_CHANGES {
        return Err(ServerError::Malformed(format!(
            "一批最多 {MAX_BATCH_CHANGES} 条变更 (at most {MAX_BATCH_CHANGES} changes per batch)"
        )));
    }
    for pair in request.changes.windows(2) {
        if pair[1].seq != pair[0].seq + 1 {
            return Err(ServerError::Malformed(format!(
                "变更序号须连续递增：{} 之后是 {} (sequence numbers must be consecutive)",
                pair[0].seq, pair[1].seq
            )));
        }
    }
    for change in &request.changes {
        let Some(entity) = entity_named(&change.entity) else {
            return Err(ServerError::Malformed(format!(
                "未知的记录类型“{}” (unknown record kind)",
                change.entity
            )));
        };
        if change.seq < 1 || entity.record_id(&change.row).is_none() {
            return Err(ServerError::Malformed(format!(
                "第 {} 条变更缺少序号或主键 (change {} lacks a sequence or key)",
                change.seq, change.seq
            )));
        }
    }
    Ok(())
}

/// Applies a batch: changes already stored are answered from their stored acks; new ones must
/// follow on without a gap. The caller's transaction makes it all or nothing.
pub fn push(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    request: &PushRequest,
    now: DateTime<Utc>,
) -> Result<PushResponse> {
    validate(request)?;
    let clock_suspect = (now - request.sent_at).num_seconds().abs() > CLOCK_TOLERANCE_SECS;
    let mut high = tx.device_high_seq(&auth.device_id)?;
    let mut acks = Vec::with_capacity(request.changes.len());
    let mut scopes = Scopes::default();
    for change in &request.changes {
        if change.seq <= high {
            if let Some(ack) = tx.stored_ack(&auth.device_id, change.seq)? {
                acks.push(ack);
            }
            continue;
        }
        if change.seq != high + 1 && high != 0 {
            return Err(ServerError::conflict(
                format!(
                    "变更序号不连续：服务器已存到 {high}，收到 {}；请重新同步",
                    change.seq
                ),
                format!(
                    "sequence gap: server holds up to {high}, got {}",
                    change.seq
                ),
            ));
        }
        let ack = apply_change(tx, auth, change, now, clock_suspect, &mut scopes)?;
        tx.store_ack(&auth.device_id, &ack)?;
        acks.push(ack);
        high = change.seq;
    }
    tx.set_device_high_seq(&auth.device_id, high)?;
    Ok(PushResponse {
        stored_through: high,
        acks,
        clock_suspect,
    })
}

/// Contract codes of records looked up during one push, by (entity, id): a batch's changes
/// mostly point at a few parents (one report's entries, one part's movements), each looked up
/// once. A record saved in the batch updates its entry, so a lookup after it sees the new scope.
#[derive(Default)]
struct Scopes(std::collections::HashMap<(&'static str, String), Option<String>>);

impl Scopes {
    fn of(
        &mut self,
        tx: &mut dyn Tx,
        entity: &'static str,
        id: &str,
    ) -> Result<Option<Option<String>>> {
        if let Some(scope) = self.0.get(&(entity, id.to_owned())) {
            return Ok(Some(scope.clone()));
        }
        let found = tx.record_scope(entity, id)?;
        if let Some(scope) = &found {
            self.0.insert((entity, id.to_owned()), scope.clone());
        }
        Ok(found)
    }

    fn saved(&mut self, entity: &'static str, id: &str, scope: &Option<String>) {
        self.0.insert((entity, id.to_owned()), scope.clone());
    }
}

/// The contract code a row belongs to, from the row itself or its parent (already on the server).
fn scope_of(
    tx: &mut dyn Tx,
    entity: &Entity,
    row: &Row,
    scopes: &mut Scopes,
) -> Result<Option<String>> {
    let parent = match entity.scope {
        Scope::Technician => return Ok(None),
        Scope::OwnCode(column) => {
            return match row.get(column).and_then(Value::as_str) {
                Some(code) => Ok(Some(code.to_owned())),
                None => Err(ServerError::Malformed(format!(
                    "{} 缺少 {column} ({} lacks {column})",
                    entity.name, entity.name
                ))),
            };
        }
        Scope::Parent(parent, column) => (parent, column),
        Scope::SignatureSubject => match row.get("subject").and_then(Value::as_str) {
            Some("daily_report") => ("daily_reports", "subject_id"),
            _ => ("faults", "subject_id"),
        },
    };
    let (parent_entity, column) = parent;
    let parent_id = match row.get(column) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            return Err(ServerError::Malformed(format!(
                "{} 缺少 {column} ({} lacks {column})",
                entity.name, entity.name
            )));
        }
    };
    match scopes.of(tx, parent_entity, &parent_id)? {
        Some(scope) => Ok(scope),
        None => Err(ServerError::conflict(
            format!(
                "{} 引用的 {parent_entity} {parent_id} 服务器上没有；请先同步它",
                entity.name
            ),
            format!(
                "{} refers to {parent_entity} {parent_id}, unknown to the server",
                entity.name
            ),
        )),
    }
}

fn authorise(auth: &DeviceAuth, scope: &Option<String>) -> Result<()> {
    match scope {
        Some(code) if !auth.contracts.iter().any(|c| c == code) => {
            Err(ServerError::NotAssigned(code.clone()))
        }
        _ => Ok(()),
    }
}

/// The merge of one change into the server's current version.
#[derive(Debug, PartialEq)]
pub enum Merge {
    /// Store this row (as sent, or merged); `fields` are those that conflicted.
    Store {
        row: Row,
        merged: bool,
        fields: Vec<String>,
    },
    /// The server already has exactly this.
    Unchanged,
    /// Nothing can be taken: keep the current version, review the offered one.
    Keep { fields: Vec<String> },
}

/// The conflict rules, as a pure function: `current` is the server's version, if any.
pub fn merge(entity: &Entity, current: Option<&Row>, change: &Change) -> Merge {
    let Some(current) = current else {
        return Merge::Store {
            row: change.row.clone(),
            merged: false,
            fields: Vec::new(),
        };
    };
    if *current == change.row {
        return Merge::Unchanged;
    }
    let differing = || -> Vec<String> {
        let mut fields: Vec<String> = change
            .row
            .iter()
            .filter(|(k, v)| current.get(*k) != Some(*v))
            .map(|(k, _)| k.clone())
            .collect();
        fields.sort();
        fields
    };
    if entity.rule == ConflictRule::Immutable || entity.is_final(current) {
        return Merge::Keep {
            fields: differing(),
        };
    }
    // Three-way, field by field: a field the device did not change keeps the server's value; a
    // field only one side changed takes that change; both changed it differently: conflict.
    let empty = Row::new();
    let base = match (change.op, &change.base) {
        (ChangeOp::Update, Some(base)) => base,
        _ => &empty,
    };
    let mut result = current.clone();
    let mut conflicts = Vec::new();
    for (field, ours) in &change.row {
        if base.get(field) == Some(ours) {
            continue;
        }
        let theirs = current.get(field);
        if theirs == base.get(field) || theirs == Some(ours) {
            result.insert(field.clone(), ours.clone());
        } else {
            conflicts.push(field.clone());
        }
    }
    conflicts.sort();
    if result == *current {
        return if conflicts.is_empty() {
            Merge::Unchanged
        } else {
            Merge::Keep { fields: conflicts }
        };
    }
    let merged = result != change.row;
    Merge::Store {
        row: result,
        merged,
        fields: conflicts,
    }
}

fn apply_change(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    change: &Change,
    now: DateTime<Utc>,
    clock_suspect: bool,
    scopes: &mut Scopes,
) -> Result<Ack> {
    let entity = entity_named(&change.entity).expect("validated");
    let id = entity.record_id(&change.row).expect("validated");
    let current = tx.record(entity.name, &id)?;
    let scope = scope_of(tx, entity, &change.row, scopes)?;
    authorise(auth, &scope)?;
    if let Some(current) = &current {
        // Also the contract it belonged to: moving a record out of reach is not allowed either.
        authorise(auth, &current.scope)?;
    }
    let ack = |status, rev, row: Option<Row>, fields| {
        let stored = !matches!(status, AckStatus::Unchanged | AckStatus::Conflict);
        Ack {
            seq: change.seq,
            entity: entity.name.to_owned(),
            id: id.clone(),
            status,
            rev,
            row,
            fields,
            received_at: stored.then_some(now),
            clock_suspect: stored && clock_suspect,
        }
    };
    match merge(entity, current.as_ref().map(|c| &c.row), change) {
        Merge::Unchanged => {
            let rev = current.as_ref().map_or(0, |c| c.rev);
            Ok(ack(AckStatus::Unchanged, rev, None, Vec::new()))
        }
        Merge::Keep { fields } => {
            let current = current.expect("keep implies a current version");
            tx.add_conflict(&ConflictNote {
                entity: entity.name.to_owned(),
                id: id.clone(),
                device_id: auth.device_id.clone(),
                fields: fields.clone(),
                kept: current.row.clone(),
                offered: change.row.clone(),
                at: now,
            })?;
            Ok(ack(
                AckStatus::Conflict,
                current.rev,
                Some(current.row),
                fields,
            ))
        }
        Merge::Store {
            row,
            merged,
            fields,
        } => {
            if !fields.is_empty() {
                tx.add_conflict(&ConflictNote {
                    entity: entity.name.to_owned(),
                    id: id.clone(),
                    device_id: auth.device_id.clone(),
                    fields: fields.clone(),
                    kept: row.clone(),
                    offered: change.row.clone(),
                    at: now,
                })?;
            }
            let waiting_for = match entity
                .attachment
                .and_then(|c| row.get(c))
                .and_then(Value::as_str)
            {
                Some(sha) if !tx.blob_state(sha)?.is_some_and(|b| b.complete) => {
                    Some(sha.to_owned())
                }
                _ => None,
            };
            let record = StoredRecord {
                entity: entity.name.to_owned(),
                id: id.clone(),
                rev: current.as_ref().map_or(0, |c| c.rev) + 1,
                row: row.clone(),
                scope: row_scope(tx, entity, &row, scope, scopes)?,
                owner: auth.technician_id.clone(),
                received_at: now,
                clock_suspect,
                waiting_for: waiting_for.clone(),
            };
            // Published once complete: a record waiting for its attachment is not in the feed.
            // The device holds exactly what it sent unless the server merged it, so only a
            // merged version needs to go back to it.
            let sent_by = (!merged).then_some(auth.device_id.as_str());
            tx.save_record(&record, waiting_for.is_none(), sent_by)?;
            scopes.saved(entity.name, &record.id, &record.scope);
            let status = if waiting_for.is_some() {
                AckStatus::WaitingForAttachment
            } else if merged {
                AckStatus::Merged
            } else {
                AckStatus::Applied
            };
            Ok(ack(status, record.rev, merged.then_some(row), fields))
        }
    }
}

/// The scope of the row as stored: for a merged contract the code may come from the merge.
fn row_scope(
    tx: &mut dyn Tx,
    entity: &Entity,
    row: &Row,
    sent: Option<String>,
    scopes: &mut Scopes,
) -> Result<Option<String>> {
    match entity.scope {
        Scope::OwnCode(_) => scope_of(tx, entity, row, scopes),
        _ => Ok(sent),
    }
}

/// A page of the feed the device may read: each of its contracts' records and its colleagues'
/// profiles, merged in cursor order. Each part is read from its own index range (at most one more
/// than a page each), so a pull costs what the device may read, not the size of the whole feed.
/// Versions the device itself sent are not sent back: it holds them already (its acks said so).
pub fn pull(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    after: i64,
    limit: u32,
) -> Result<PullResponse<StoredRow>> {
    let limit = limit.clamp(1, fieldlog_wire::sync::v1::MAX_PAGE_RECORDS);
    let after = after.max(0);
    let device = auth.device_id.as_str();
    // One more than asked tells whether more are waiting.
    let mut records = tx.pull_profiles(&auth.technician_id, after, limit + 1, device)?;
    for contract in &auth.contracts {
        records.extend(tx.pull_scope(contract, after, limit + 1, device)?);
    }
    // Each part is sorted already; a stable sort of their concatenation is a merge.
    records.sort_by_key(|r| r.seq);
    let more = records.len() > limit as usize;
    records.truncate(limit as usize);
    let cursor = if more {
        records.last().map_or(after, |r| r.seq)
    } else {
        // Every part came back whole, so nothing up to the snapshot's last cursor value is left
        // for this device: the cursor moves past the versions it may not read or sent itself,
        // and the next pull does not read them again.
        tx.feed_high_water()?.max(after)
    };
    Ok(PullResponse {
        records,
        cursor,
        more,
    })
}

fn check_sha(sha256: &str) -> Result<()> {
    if sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(ServerError::Malformed(
            "附件编号应为 64 位小写十六进制 SHA-256 (attachment id must be a lowercase hex SHA-256)".into(),
        ))
    }
}

pub fn attachment_status(tx: &mut dyn Tx, sha256: &str) -> Result<AttachmentStatus> {
    check_sha(sha256)?;
    let state = tx.blob_state(sha256)?;
    Ok(AttachmentStatus {
        sha256: sha256.to_owned(),
        received: state.as_ref().map_or(0, |s| s.received),
        complete: state.is_some_and(|s| s.complete),
    })
}

/// Takes one chunk of an upload at `offset`. A chunk the server already holds is acknowledged
/// again (a retry); one that would leave a gap is refused with where to resume. When the last
/// byte arrives the whole is checked against its hash, and records waiting for it are released
/// into the feed.
pub fn upload_chunk(
    tx: &mut dyn Tx,
    sha256: &str,
    mime: &str,
    offset: u64,
    total: u64,
    chunk: &[u8],
) -> Result<AttachmentStatus> {
    check_sha(sha256)?;
    if total == 0 || total > MAX_ATTACHMENT_BYTES {
        return Err(ServerError::TooLarge {
            limit: MAX_ATTACHMENT_BYTES as usize,
        });
    }
    let state = match tx.blob_state(sha256)? {
        Some(state) => state,
        None => {
            tx.blob_start(sha256, mime, total)?;
            tx.blob_state(sha256)?.expect("just started")
        }
    };
    if state.complete {
        return attachment_status(tx, sha256);
    }
    if state.total != total {
        return Err(ServerError::conflict(
            "附件总长度与先前上传的不一致",
            "attachment total length differs from the earlier upload",
        ));
    }
    let end = offset + chunk.len() as u64;
    if offset > state.received || end > total {
        return Err(ServerError::conflict(
            format!("附件应从第 {} 字节续传", state.received),
            format!("resume the upload at byte {}", state.received),
        ));
    }
    if end > state.received {
        tx.blob_append(sha256, &chunk[(state.received - offset) as usize..])?;
    }
    if end == total {
        let bytes = tx.blob_bytes(sha256)?.unwrap_or_default();
        if sha256_hex(&bytes) != sha256 {
            tx.blob_discard(sha256)?;
            return Err(ServerError::Malformed(
                "附件内容与编号不符，已丢弃，请重新上传 (attachment does not match its hash; upload again)".into(),
            ));
        }
        tx.blob_mark_complete(sha256)?;
        for mut record in tx.waiting_for(sha256)? {
            record.waiting_for = None;
            // Released by the upload, not by a push: every reader gets it, its sender too.
            tx.save_record(&record, true, None)?;
        }
    }
    attachment_status(tx, sha256)
}

/// An attachment's bytes and type, for a device that may read a record pointing at it.
pub fn download(tx: &mut dyn Tx, auth: &DeviceAuth, sha256: &str) -> Result<(String, Vec<u8>)> {
    check_sha(sha256)?;
    let not_found = || ServerError::NotFound(format!("附件 {sha256} (attachment)"));
    if !tx.may_read_blob(auth, sha256)? {
        return Err(not_found());
    }
    match tx.blob_state(sha256)? {
        Some(state) if state.complete => {
            Ok((state.mime, tx.blob_bytes(sha256)?.ok_or_else(not_found)?))
        }
        _ => Err(not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn row(value: serde_json::Value) -> Row {
        value.as_object().unwrap().clone()
    }

    fn change(op: ChangeOp, new: serde_json::Value, base: Option<serde_json::Value>) -> Change {
        Change {
            seq: 1,
            entity: "daily_reports".into(),
            op,
            row: row(new),
            base: base.map(row),
            at: Utc::now(),
        }
    }

    fn reports() -> &'static Entity {
        entity_named("daily_reports").unwrap()
    }

    #[test]
    fn a_new_record_is_stored_as_sent() {
        let c = change(
            ChangeOp::Insert,
            json!({"id": "r", "status": "draft"}),
            None,
        );
        assert_eq!(
            merge(reports(), None, &c),
            Merge::Store {
                row: c.row.clone(),
                merged: false,
                fields: vec![]
            }
        );
    }

    #[test]
    fn the_same_version_again_changes_nothing() {
        let c = change(
            ChangeOp::Insert,
            json!({"id": "r", "status": "draft"}),
            None,
        );
        assert_eq!(merge(reports(), Some(&c.row.clone()), &c), Merge::Unchanged);
    }

    #[test]
    fn drafts_merge_field_by_field() {
        // The server has another laptop's edit of `a`; this laptop edited `b` from the same base.
        let base = json!({"id": "r", "status": "draft", "a": 1, "b": 1});
        let server = row(json!({"id": "r", "status": "draft", "a": 2, "b": 1}));
        let c = change(
            ChangeOp::Update,
            json!({"id": "r", "status": "draft", "a": 1, "b": 3}),
            Some(base),
        );
        assert_eq!(
            merge(reports(), Some(&server), &c),
            Merge::Store {
                row: row(json!({"id": "r", "status": "draft", "a": 2, "b": 3})),
                merged: true,
                fields: vec![]
            }
        );
    }

    #[test]
    fn the_same_field_changed_two_ways_is_a_conflict_and_the_server_value_stays() {
        let base = json!({"id": "r", "status": "draft", "a": 1, "b": 1});
        let server = row(json!({"id": "r", "status": "draft", "a": 2, "b": 1}));
        let c = change(
            ChangeOp::Update,
            json!({"id": "r", "status": "draft", "a": 5, "b": 3}),
            Some(base),
        );
        assert_eq!(
            merge(reports(), Some(&server), &c),
            Merge::Store {
                row: row(json!({"id": "r", "status": "draft", "a": 2, "b": 3})),
                merged: true,
                fields: vec!["a".into()]
            }
        );
        // Only the conflicting field changed: nothing to store, the offer is kept for review.
        let base = json!({"id": "r", "status": "draft", "a": 1});
        let server = row(json!({"id": "r", "status": "draft", "a": 2}));
        let c = change(
            ChangeOp::Update,
            json!({"id": "r", "status": "draft", "a": 5}),
            Some(base),
        );
        assert_eq!(
            merge(reports(), Some(&server), &c),
            Merge::Keep {
                fields: vec!["a".into()]
            }
        );
    }

    #[test]
    fn a_signed_record_is_never_overwritten() {
        let server = row(json!({"id": "r", "status": "signed", "a": 1}));
        let c = change(
            ChangeOp::Update,
            json!({"id": "r", "status": "draft", "a": 9}),
            Some(json!({"id": "r", "status": "signed", "a": 1})),
        );
        assert_eq!(
            merge(reports(), Some(&server), &c),
            Merge::Keep {
                fields: vec!["a".into(), "status".into()]
            }
        );
    }

    #[test]
    fn evidence_keeps_the_first_version() {
        let faults = entity_named("faults").unwrap();
        let first = row(json!({"id": "f", "description": "无图像"}));
        let c = Change {
            entity: "faults".into(),
            ..change(
                ChangeOp::Insert,
                json!({"id": "f", "description": "改过的"}),
                None,
            )
        };
        assert_eq!(
            merge(faults, Some(&first), &c),
            Merge::Keep {
                fields: vec!["description".into()]
            }
        );
    }
}

#[cfg(test)]
mod scope_tests {
    use super::*;
    use crate::{SqliteStorage, Storage};
    use serde_json::json;

    fn stored(entity: &str, id: &str, scope: Option<&str>) -> StoredRecord {
        StoredRecord {
            entity: entity.into(),
            id: id.into(),
            rev: 1,
            row: json!({"id": id}).as_object().unwrap().clone(),
            scope: scope.map(str::to_owned),
            owner: "t1".into(),
            received_at: Utc::now(),
            clock_suspect: false,
            waiting_for: None,
        }
    }

    /// A device's contract is its site's; a device whose site the server lacks is refused (the
    /// laptop must send the site first), and a site on no contract gives no contract.
    #[test]
    fn a_childs_contract_comes_from_its_parent_and_an_unknown_parent_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let storage = SqliteStorage::open(dir.path().join("server.sqlite")).unwrap();
        let devices = entity_named("devices").unwrap();
        let device = |site: &str| {
            json!({"id": "d1", "site_id": site})
                .as_object()
                .unwrap()
                .clone()
        };
        storage
            .transaction(|tx| {
                tx.save_record(&stored("sites", "s1", Some("HB-01")), false, None)?;
                tx.save_record(&stored("sites", "s2", None), false, None)?;
                assert_eq!(
                    scope_of(tx, devices, &device("s1"), &mut Scopes::default())?,
                    Some("HB-01".into())
                );
                assert_eq!(
                    scope_of(tx, devices, &device("s2"), &mut Scopes::default())?,
                    None
                );
                let unknown =
                    scope_of(tx, devices, &device("s9"), &mut Scopes::default()).unwrap_err();
                assert!(
                    matches!(unknown, ServerError::Conflict { .. }),
                    "{unknown:?}"
                );
                Ok(())
            })
            .unwrap();
    }
}
