//! The office's writes (issues 17, 18): every change the office makes (a contract, a site, a
//! fault call, an assignment …) becomes the server's own `office` device's next numbered changes,
//! applied by [`rules::push`] in the action's one transaction, beside its audit entry. So the rows
//! are exactly the laptop's table rows, their contract is worked out and checked as for any push,
//! each version reaches the feed under the next cursor value and every assigned laptop pulls it
//! unchanged (`docs/sync-protocol.md`, "Office writes").

use super::{OfficeError, Result};
use crate::rules;
use crate::storage::{DeviceAuth, StoredRecord, Tx};
use chrono::{DateTime, Utc};
use fieldlog_wire::sync::v1::{AckStatus, Change, ChangeOp, MAX_BATCH_CHANGES, PushRequest, Row};
use serde::Serialize;

/// The office's own device and technician (migration 0010): never enrolled, never assigned.
pub const OFFICE_DEVICE: &str = "office";
pub const OFFICE_TECHNICIAN: &str = "office";

pub(crate) fn to_row(value: &impl Serialize) -> Row {
    match serde_json::to_value(value).expect("a row serialises") {
        serde_json::Value::Object(row) => row,
        _ => unreachable!("rows are structs"),
    }
}

/// The laptop's time text (as rusqlite writes a UTC time).
pub(crate) fn time_text(at: DateTime<Utc>) -> String {
    at.format("%F %T%.f%:z").to_string()
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

// ---------------------------------------------------------------------------------------------
// The office device's writes.

/// One change the office makes: a new row, or a row's new version over `base` (the server's).
pub(crate) struct Write {
    pub(crate) entity: &'static str,
    pub(crate) row: Row,
    pub(crate) base: Option<Row>,
}

impl Write {
    pub(crate) fn insert(entity: &'static str, row: Row) -> Write {
        Write {
            entity,
            row,
            base: None,
        }
    }

    /// The current record with `fields` replaced (columns the office does not know stay).
    pub(crate) fn update(entity: &'static str, current: &StoredRecord, fields: Row) -> Write {
        let mut row = current.row.clone();
        row.extend(fields);
        Write {
            entity,
            row,
            base: Some(current.row.clone()),
        }
    }
}

/// Applies `writes` as the office device's next changes, through the sync rules, in batches of
/// at most [`MAX_BATCH_CHANGES`], all in the caller's transaction; the contract `code` is the
/// only one they may touch.
pub(crate) fn write_as_office(
    tx: &mut dyn Tx,
    code: &str,
    writes: Vec<Write>,
    now: DateTime<Utc>,
) -> Result<()> {
    let auth = DeviceAuth {
        device_id: OFFICE_DEVICE.to_owned(),
        technician_id: OFFICE_TECHNICIAN.to_owned(),
        contracts: vec![code.to_owned()],
        revoked_at: None,
        // The office device says nothing of itself (no app version, no outbox).
        report: Default::default(),
    };
    let mut seq = tx.device_high_seq(OFFICE_DEVICE)?;
    let mut writes = writes.into_iter().peekable();
    while writes.peek().is_some() {
        let changes: Vec<Change> = writes
            .by_ref()
            .take(MAX_BATCH_CHANGES)
            .map(|w| {
                seq += 1;
                Change {
                    seq,
                    entity: w.entity.to_owned(),
                    op: if w.base.is_some() {
                        ChangeOp::Update
                    } else {
                        ChangeOp::Insert
                    },
                    row: w.row,
                    base: w.base,
                    at: now,
                }
            })
            .collect();
        let request = PushRequest {
            sent_at: now,
            changes,
        };
        let response = rules::push(tx, &auth, &request, now)?;
        if let Some(ack) = response
            .acks
            .iter()
            .find(|a| a.status == AckStatus::Conflict)
        {
            return Err(OfficeError::Conflict(format!(
                "{} {} 已有另一个版本，未保存；请刷新后重试 ({} {} has another version: reload and try again)",
                ack.entity, ack.id, ack.entity, ack.id
            )));
        }
    }
    Ok(())
}
