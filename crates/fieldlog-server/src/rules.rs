//! The sync rules, written once over [`Tx`] for every backend (`docs/sync-protocol.md`):
//! - a batch is applied exactly once: changes carry the device's sequence; one already stored is
//!   answered with its stored ack, and a gap is refused, so nothing is skipped either;
//! - which contract a record belongs to is worked out here from the record and its parents, never
//!   taken from the device's word, and a technician writes only contracts assigned to them;
//! - evidence is never overwritten: a second, different version is kept for review;
//! - editable records merge field by field against the version the device edited;
//! - a record that needs an attachment reaches the feed only once the attachment has arrived.

use crate::error::{Result, ServerError};
use crate::storage::{BlobState, ConflictNote, DeviceAuth, StoredRecord, Tx};
use chrono::{DateTime, TimeDelta, Utc};
use fieldlog_wire::sync::v1::{
    Ack, AckStatus, AttachmentStatus, CLOCK_TOLERANCE_SECS, Change, ChangeOp, ConflictRule,
    EnrollRequest, EnrollResponse, Entity, MAX_BATCH_CHANGES, PullResponse, PushRequest,
    PushResponse, Row, Scope, StoredRow, entity_named,
};
use serde_json::Value;
use sha2::{Digest, Sha256};

mod transfers;

/// Largest attachment accepted: a photo (issue 19) up to 30 MB, as the laptop allows it
/// (signatures are a few KB; the laptop caps them lower).
pub const MAX_ATTACHMENT_BYTES: u64 = 30 * 1024 * 1024;

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
        now - TimeDelta::days(fieldlog_wire::office::v1::people::ENROLLMENT_CODE_DAYS),
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
    let auth = tx
        .device_by_token_hash(&sha256_hex(token.as_bytes()))?
        .ok_or(ServerError::BadToken)?;
    match auth.revoked_at {
        Some(at) => Err(ServerError::DeviceRevoked { at }),
        None => Ok(auth),
    }
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
                // A resent batch names the same records; another record under a number already
                // used means the laptop numbers afresh from an older copy of its profile (a
                // restored backup): its stored ack would say "sent" for a change never applied.
                let id = entity_named(&change.entity).and_then(|e| e.record_id(&change.row));
                if ack.entity != change.entity || id.as_deref() != Some(ack.id.as_str()) {
                    return Err(ServerError::SequenceReused {
                        seq: change.seq,
                        held_entity: ack.entity,
                        held_id: ack.id,
                    });
                }
                acks.push(ack);
            }
            continue;
        }
        // A new device's first batch starts at 1 too: the laptop numbers its outbox afresh when
        // it enrolls, so a first batch that starts later has lost changes.
        if change.seq != high + 1 {
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
struct Scopes(
    std::collections::HashMap<(&'static str, String), Option<String>>,
    /// Whether a report is signed on the server, by id (for its entries and signatures).
    std::collections::HashMap<String, bool>,
);

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

    /// Whether the daily report `id` is signed on the server (false when it does not have it).
    fn report_signed(&mut self, tx: &mut dyn Tx, id: &str) -> Result<bool> {
        if let Some(signed) = self.1.get(id) {
            return Ok(*signed);
        }
        let reports = entity_named("daily_reports").expect("reports are synced");
        let signed = tx
            .record(reports.name, id)?
            .is_some_and(|r| reports.is_final(&r.row));
        self.1.insert(id.to_owned(), signed);
        Ok(signed)
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
        Scope::Subject(kinds) => {
            let subject = row.get("subject").and_then(Value::as_str).unwrap_or("");
            match kinds.iter().find(|(value, _)| *value == subject) {
                Some((_, parent)) => (*parent, "subject_id"),
                None => {
                    return Err(ServerError::Malformed(format!(
                        "{} 的 subject “{subject}” 无法识别 ({} has an unknown subject)",
                        entity.name, entity.name
                    )));
                }
            }
        }
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

pub(crate) fn authorise(auth: &DeviceAuth, scope: &Option<String>) -> Result<()> {
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
    /// Nothing to store, but the device's version differs from the server's (it changed fields
    /// to what the server already has, and has not seen the server's other changes): the device
    /// must take the server's version, or it would keep its own for good.
    Behind,
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
            Merge::Behind
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
    if entity.scope == Scope::Technician {
        own_profile(auth, &id, current.as_ref())?;
    }
    if entity.name == "fault_assignments" {
        check_assignment(tx, auth, &change.row)?;
    }
    // Issue 19: who may transfer stock to whom, and confirm it.
    if entity.name == "stock_movements" {
        transfers::check_movement(tx, auth, &change.row, &scope, current.as_ref())?;
    }
    check_references(tx, entity, &change.row, &scope, scopes)?;
    if let Scope::OwnCode(_) = entity.scope {
        check_unique_code(tx, entity, &id, &scope)?;
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
    let note = |fields: &[String], kept: &Row| ConflictNote {
        entity: entity.name.to_owned(),
        id: id.clone(),
        device_id: auth.device_id.clone(),
        fields: fields.to_vec(),
        kept: kept.clone(),
        offered: change.row.clone(),
        at: now,
    };
    let mut offered = std::borrow::Cow::Borrowed(change);
    if current.is_none() {
        match after_signing(tx, entity, &change.row, scopes)? {
            Late::No => {}
            Late::Hold => {
                // Kept apart, never part of the signed report: stored and published (its parts
                // and stock movements still count), marked so every laptop shows it for review.
                let mut held = change.clone();
                held.row
                    .insert(HELD_COLUMN.into(), Value::String(time_text(now)));
                offered = std::borrow::Cow::Owned(held);
            }
            Late::Refuse => {
                // A second signature, or a part line added to a signed entry: kept for review
                // only, never stored or published.
                let fields = vec!["signed".to_owned()];
                tx.add_conflict(&note(&fields, &Row::new()))?;
                return Ok(ack(AckStatus::Conflict, 0, None, fields));
            }
        }
    }
    let held = matches!(offered, std::borrow::Cow::Owned(_));
    match merge(entity, current.as_ref().map(|c| &c.row), &offered) {
        Merge::Unchanged => {
            let rev = current.as_ref().map_or(0, |c| c.rev);
            Ok(ack(AckStatus::Unchanged, rev, None, Vec::new()))
        }
        Merge::Behind => {
            // Nothing new is stored; the device takes the server's version with its revision.
            let current = current.expect("behind implies a current version");
            Ok(Ack {
                received_at: None,
                clock_suspect: false,
                ..ack(
                    AckStatus::Merged,
                    current.rev,
                    Some(current.row),
                    Vec::new(),
                )
            })
        }
        Merge::Keep { fields } => {
            let current = current.expect("keep implies a current version");
            tx.add_conflict(&note(&fields, &current.row))?;
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
            let (merged, fields) = if held {
                (true, vec![HELD_COLUMN.to_owned()])
            } else {
                (merged, fields)
            };
            if !fields.is_empty() {
                tx.add_conflict(&note(&fields, &row))?;
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
            let becomes_final = entity.rule == ConflictRule::Mergeable
                && entity.is_final(&row)
                && !current.as_ref().is_some_and(|c| entity.is_final(&c.row));
            if becomes_final && entity.name == "daily_reports" {
                hold_uncovered_entries(tx, auth, &id, now, clock_suspect)?;
            }
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
            if entity.name == "daily_reports" {
                scopes.1.insert(id.clone(), entity.is_final(&row));
            }
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

/// The column of a report entry that marks it kept apart: it reached the server after its
/// report was signed there, or the report's signature does not cover it.
pub const HELD_COLUMN: &str = "held_at";

fn time_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// What becomes of a new child of a daily report that is already signed on the server.
enum Late {
    /// Its report is not signed: an ordinary record.
    No,
    /// An entry: stored, but kept apart from the signed report.
    Hold,
    /// A second signature for a signed report, a part line of a signed entry: kept for review
    /// only.
    Refuse,
}

fn after_signing(tx: &mut dyn Tx, entity: &Entity, row: &Row, scopes: &mut Scopes) -> Result<Late> {
    let text = |column: &str| row.get(column).and_then(Value::as_str).map(str::to_owned);
    match entity.name {
        "report_entries" => match text("report_id") {
            Some(report) if text(HELD_COLUMN).is_none() && scopes.report_signed(tx, &report)? => {
                Ok(Late::Hold)
            }
            _ => Ok(Late::No),
        },
        "signatures" if text("subject").as_deref() == Some("daily_report") => {
            // The first signature may follow the signing (profiles older than sync queued it
            // so); a second one for a signed report never joins it.
            match text("subject_id") {
                Some(report)
                    if scopes.report_signed(tx, &report)?
                        && !tx.children("signatures", &report)?.is_empty() =>
                {
                    Ok(Late::Refuse)
                }
                _ => Ok(Late::No),
            }
        }
        "entry_parts" => {
            let Some(entry) = text("entry_id")
                .map(|e| tx.record("report_entries", &e))
                .transpose()?
                .flatten()
            else {
                return Ok(Late::No);
            };
            let held = entry.row.get(HELD_COLUMN).is_some_and(|v| !v.is_null());
            match entry.row.get("report_id").and_then(Value::as_str) {
                Some(report) if !held && scopes.report_signed(tx, report)? => Ok(Late::Refuse),
                _ => Ok(Late::No),
            }
        }
        _ => Ok(Late::No),
    }
}

/// When a report becomes signed on the server, the entries its signatures do not cover (added
/// on another laptop while the signer was offline) are kept apart: a signature covers exactly
/// the entries its signer saw. A signature from before coverage was recorded covers all.
fn hold_uncovered_entries(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    report_id: &str,
    now: DateTime<Utc>,
    clock_suspect: bool,
) -> Result<()> {
    let mut covered = std::collections::BTreeSet::new();
    let mut any = false;
    for signature in tx.children("signatures", report_id)? {
        let Some(covers) = signature.row.get("covers").and_then(Value::as_str) else {
            continue;
        };
        let Ok(Value::Array(items)) = serde_json::from_str::<Value>(covers) else {
            continue;
        };
        any = true;
        covered.extend(
            items
                .iter()
                .filter_map(|i| i.get("id").and_then(Value::as_str).map(str::to_owned)),
        );
    }
    if !any {
        return Ok(());
    }
    for mut entry in tx.children("report_entries", report_id)? {
        if covered.contains(&entry.id) || entry.row.get(HELD_COLUMN).is_some_and(|v| !v.is_null()) {
            continue;
        }
        let before = entry.row.clone();
        entry
            .row
            .insert(HELD_COLUMN.into(), Value::String(time_text(now)));
        tx.add_conflict(&ConflictNote {
            entity: entry.entity.clone(),
            id: entry.id.clone(),
            device_id: auth.device_id.clone(),
            fields: vec![HELD_COLUMN.to_owned()],
            kept: entry.row.clone(),
            offered: before,
            at: now,
        })?;
        entry.rev += 1;
        entry.received_at = now;
        entry.clock_suspect = clock_suspect;
        tx.save_record(&entry, entry.waiting_for.is_none(), None)?;
    }
    Ok(())
}

/// A device writes its own technician's profile, a profile new to the server (a colleague a lead
/// adds), or one it wrote last; never another technician's.
fn own_profile(auth: &DeviceAuth, id: &str, current: Option<&StoredRecord>) -> Result<()> {
    match current {
        Some(current) if id != auth.technician_id && current.owner != auth.technician_id => {
            Err(ServerError::NotYourProfile(id.to_owned()))
        }
        _ => Ok(()),
    }
}

/// Who may write which assignment record (issue 18, `fieldlog_domain::dispatch`): the office
/// device assigns (派单, 改派); a laptop only takes (接单), in its own technician's name. Either
/// supersedes only assignment records of the same fault that the server already holds, so no
/// record can make another fault's records, or records nobody can see, look settled.
fn check_assignment(tx: &mut dyn Tx, auth: &DeviceAuth, row: &Row) -> Result<()> {
    let text = |column: &str| row.get(column).and_then(Value::as_str).unwrap_or_default();
    let office = auth.device_id == crate::office::write::OFFICE_DEVICE;
    let refuse = |zh: String, en: String| Err(ServerError::NotYourDispatch { zh, en });
    match (office, text("kind")) {
        (true, "assign") | (false, "take") => {}
        (true, kind) => {
            return refuse(
                format!("办公室只能派单，不能写“{kind}”记录"),
                format!("the office only assigns; it cannot write a '{kind}' record"),
            );
        }
        (false, kind) => {
            return refuse(
                format!("本机只能接单，派单和改派由办公室完成（收到“{kind}”）"),
                format!("a laptop may only take a fault; assigning is the office's (got '{kind}')"),
            );
        }
    }
    if !office && text("technician_id") != auth.technician_id {
        return refuse(
            "本机只能以本人名义接单".into(),
            format!(
                "a laptop takes faults only in its own technician's name, not {}'s",
                text("technician_id")
            ),
        );
    }
    let fault = text("fault_id");
    // The laptop's row holds the ids as JSON text (its column is TEXT); anything else is a row
    // no laptop and no reader of the server's records could take.
    let supersedes: Vec<String> = match row.get("supersedes") {
        Some(Value::String(json)) => serde_json::from_str(json).ok(),
        _ => None,
    }
    .ok_or_else(|| {
        ServerError::Malformed(
            "fault_assignments 的 supersedes 应为编号数组的 JSON 文本 (supersedes must be a JSON array of ids, as text)"
                .into(),
        )
    })?;
    // A take is made on a fault the laptop saw unassigned (`dispatch::check`): it supersedes
    // nothing. One that names the office's record would move the fault without a dispute anyone
    // sees; only the office settles who holds a fault.
    if !office && !supersedes.is_empty() {
        return refuse(
            "接单只能针对未派出的故障；已派出的故障请联系调度改派".into(),
            "a take is only of an unassigned fault; ask the office to reassign one that is held"
                .into(),
        );
    }
    for id in supersedes {
        match tx.record("fault_assignments", &id)? {
            Some(earlier) if earlier.row.get("fault_id").and_then(Value::as_str) == Some(fault) => {
            }
            Some(_) => {
                return refuse(
                    format!("派单记录只能取代同一故障的派单记录，{id} 属于另一个故障"),
                    format!(
                        "an assignment supersedes only records of its own fault; {id} is another fault's"
                    ),
                );
            }
            None => {
                return Err(ServerError::conflict(
                    format!("派单记录取代的 {id} 服务器上没有；请先同步它"),
                    format!("the assignment supersedes {id}, unknown to the server"),
                ));
            }
        }
    }
    Ok(())
}

fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Every record a row points at (`Entity::refs`) must be on the server and in the row's own
/// contract: a laptop on one contract could never apply a row pointing into another.
fn check_references(
    tx: &mut dyn Tx,
    entity: &Entity,
    row: &Row,
    scope: &Option<String>,
    scopes: &mut Scopes,
) -> Result<()> {
    for (column, target) in entity.refs {
        let Some(target_id) = row.get(*column).and_then(id_text) else {
            continue;
        };
        match scopes.of(tx, target, &target_id)? {
            None => {
                return Err(ServerError::conflict(
                    format!(
                        "{} 的 {column} 引用的 {target} {target_id} 服务器上没有；请先同步它",
                        entity.name
                    ),
                    format!(
                        "{}.{column} refers to {target} {target_id}, unknown to the server",
                        entity.name
                    ),
                ));
            }
            Some(theirs) if theirs != *scope => {
                return Err(ServerError::Malformed(format!(
                    "{} 的 {column} 引用了另一个合同的 {target} {target_id} ({}.{column} refers to {target} {target_id} of another contract)",
                    entity.name, entity.name
                )));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Looks over rows stored before the reference checks existed (once, when a database from before
/// issue 13 is opened): each row that points into another contract, or at a record the server
/// lacks, and each contract whose code another contract also has, is flagged for review (a
/// conflict note from `migration`; `fieldlog-server conflicts` lists them). Nothing is changed:
/// they are evidence of what was accepted. Returns how many were flagged.
pub fn flag_cross_contract(tx: &mut dyn Tx, now: DateTime<Utc>) -> Result<u64> {
    let mut scopes = Scopes::default();
    let mut flagged = 0;
    let mut codes = std::collections::HashMap::<String, u32>::new();
    for entity in fieldlog_wire::sync::v1::ENTITIES {
        let contracts = matches!(entity.scope, Scope::OwnCode(_));
        if entity.refs.is_empty() && !contracts {
            continue;
        }
        let records = tx.records_of(entity.name)?;
        if contracts {
            for record in &records {
                if let Some(code) = &record.scope {
                    *codes.entry(code.clone()).or_default() += 1;
                }
            }
        }
        for record in records {
            let mut fields = Vec::new();
            for (column, target) in entity.refs {
                let Some(target_id) = record.row.get(*column).and_then(id_text) else {
                    continue;
                };
                if scopes.of(tx, target, &target_id)?.as_ref() != Some(&record.scope) {
                    fields.push(format!(
                        "{column} (跨合同或缺失的引用 cross-contract or missing)"
                    ));
                }
            }
            if contracts
                && record
                    .scope
                    .as_ref()
                    .is_some_and(|code| codes.get(code).is_some_and(|n| *n > 1))
            {
                fields.push("code (合同编号重复 duplicate code)".to_owned());
            }
            if fields.is_empty() {
                continue;
            }
            tx.add_conflict(&ConflictNote {
                entity: entity.name.to_owned(),
                id: record.id.clone(),
                device_id: "migration".to_owned(),
                fields,
                kept: record.row.clone(),
                offered: record.row,
                at: now,
            })?;
            flagged += 1;
        }
    }
    Ok(flagged)
}

/// A contract's code names it everywhere: a second contract record with a code already taken
/// could never be applied by the laptops (their codes are unique).
fn check_unique_code(
    tx: &mut dyn Tx,
    entity: &Entity,
    id: &str,
    scope: &Option<String>,
) -> Result<()> {
    let Some(code) = scope else {
        return Ok(());
    };
    if tx
        .records_in_scope(entity.name, code)?
        .iter()
        .any(|other| other.id != id)
    {
        return Err(ServerError::conflict(
            format!("合同编号“{code}”已被另一份合同使用，请换一个编号"),
            format!("contract code {code} is taken by another contract"),
        ));
    }
    Ok(())
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

/// An upload no record points at is dropped this long after it started.
pub const UNREFERENCED_UPLOAD_HOURS: i64 = 24;

/// How much of an upload the server holds, as the device may know it: the device that started
/// it, and devices that may read a record pointing at it, see its state; to anyone else every
/// hash reads as never uploaded (the status is no oracle for another contract's files).
pub fn attachment_status(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    sha256: &str,
) -> Result<AttachmentStatus> {
    check_sha(sha256)?;
    let state = match tx.blob_state(sha256)? {
        Some(state) if visible(tx, auth, sha256, &state)? => Some(state),
        _ => None,
    };
    Ok(AttachmentStatus {
        sha256: sha256.to_owned(),
        received: state.as_ref().map_or(0, |s| s.received),
        complete: state.is_some_and(|s| s.complete),
    })
}

fn visible(tx: &mut dyn Tx, auth: &DeviceAuth, sha256: &str, state: &BlobState) -> Result<bool> {
    Ok(
        state.uploaded_by.as_deref() == Some(auth.device_id.as_str())
            || tx.may_read_blob(auth, sha256)?,
    )
}

/// Takes one chunk of an upload at `offset`. A chunk the server already holds is acknowledged
/// again (a retry); one that would leave a gap is refused with where to resume. When the last
/// byte arrives the whole is checked against its hash, and records waiting for it are released
/// into the feed.
#[allow(clippy::too_many_arguments)]
pub fn upload_chunk(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    sha256: &str,
    mime: &str,
    offset: u64,
    total: u64,
    chunk: &[u8],
    now: DateTime<Utc>,
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
            // Uploads nobody pointed at within a day are not kept (up to 30 MiB each).
            tx.blob_discard_unreferenced(now - TimeDelta::hours(UNREFERENCED_UPLOAD_HOURS))?;
            tx.blob_start(sha256, mime, total, &auth.device_id, now)?;
            tx.blob_state(sha256)?.expect("just started")
        }
    };
    if state.complete {
        if visible(tx, auth, sha256, &state)? {
            return attachment_status(tx, auth, sha256);
        }
        // Someone else's complete upload: this device learns nothing it did not send. Its
        // chunk must be the stored bytes at that place; it is complete when it reaches the end.
        let end = offset.saturating_add(chunk.len() as u64);
        let bytes = tx.blob_bytes(sha256)?.unwrap_or_default();
        if total != state.total
            || end > total
            || bytes.get(offset as usize..end as usize) != Some(chunk)
        {
            return Err(ServerError::Malformed(
                "附件内容与编号不符，已丢弃，请重新上传 (attachment does not match its hash; upload again)".into(),
            ));
        }
        return Ok(AttachmentStatus {
            sha256: sha256.to_owned(),
            received: end,
            complete: end == total,
        });
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
    attachment_status(tx, auth, sha256)
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
    fn a_change_the_server_already_has_sends_the_servers_version_back() {
        // Another laptop renamed it and raised `v`; this laptop, behind, raised `v` too.
        let base = json!({"id": "r", "status": "draft", "name": "旧", "v": 1});
        let server = row(json!({"id": "r", "status": "draft", "name": "新", "v": 2}));
        let c = change(
            ChangeOp::Update,
            json!({"id": "r", "status": "draft", "name": "旧", "v": 2}),
            Some(base),
        );
        assert_eq!(merge(reports(), Some(&server), &c), Merge::Behind);
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
