//! Settling sync conflicts on the laptop (`docs/sync-protocol.md`, "Conflict rules").
//!
//! Two kinds of conflict reach the technician:
//! - an **editable record** (a site, a device, a draft, an undone inspection) whose same field was
//!   changed here and on the server in two ways. The server kept its value and this laptop took the
//!   server's version; the technician now picks, per field, this laptop's value or the server's.
//!   Settling writes the result as an ordinary local change (the outbox triggers queue it, with
//!   the server's version as its base), so the next sync sends it up and the server's three-way
//!   merge takes exactly the fields picked. One transaction: the change and "settled" land together.
//! - **evidence** (a fault, an arrival, a signature, a signed report, …) of which a second, different
//!   version met the first. Evidence is never rewritten, so nothing can be picked: it is shown for
//!   review, and the technician can only acknowledge it (the server keeps both for the manager).

use crate::sync::{SyncConflict, local_row, open_conflicts, table_columns, write_row};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use fieldlog_domain::InvalidInput;
use fieldlog_wire::sync::v1::{ConflictRule, Row, entity_named};
use serde_json::Value;
use std::collections::BTreeMap;

// The conflict as the window sees it is a wire type (`fieldlog_wire::v1`): re-exported here, where
// it is worked out.
pub use fieldlog_wire::v1::{ConflictField, ConflictKind, ConflictView, Side};

/// The columns that name a record for a person, in order of preference.
const TITLE_COLUMNS: &[&str] = &["name", "code", "description", "work_date", "signer_name"];

fn title_of(row: Option<&Row>) -> Option<String> {
    let row = row?;
    TITLE_COLUMNS
        .iter()
        .find_map(|c| row.get(*c).and_then(Value::as_str).map(str::to_owned))
}

fn stored(conn: &rusqlite::Connection, id: i64) -> Result<Option<SyncConflict>> {
    Ok(open_conflicts(conn, Some(id))?.pop())
}

/// Settle or review: only an editable record that is not final here, with fields in conflict,
/// can be settled by picking.
fn kind_of(conn: &rusqlite::Connection, conflict: &SyncConflict) -> Result<ConflictKind> {
    let Some(entity) = entity_named(&conflict.entity) else {
        return Ok(ConflictKind::Review);
    };
    if entity.rule != ConflictRule::Mergeable || conflict.fields.is_empty() {
        return Ok(ConflictKind::Review);
    }
    Ok(match local_row(conn, entity, &conflict.record_id)? {
        Some(current) if !entity.is_final(&current) => ConflictKind::Settle,
        _ => ConflictKind::Review,
    })
}

fn view(conn: &rusqlite::Connection, conflict: SyncConflict) -> Result<ConflictView> {
    let kind = kind_of(conn, &conflict)?;
    let value = |row: &Option<Row>, field: &str| {
        row.as_ref()
            .and_then(|r| r.get(field))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let names: Vec<String> = match kind {
        ConflictKind::Settle => conflict.fields.clone(),
        ConflictKind::Review => {
            let mut names: Vec<String> = conflict
                .ours
                .iter()
                .chain(conflict.theirs.iter())
                .flat_map(|r| r.keys().cloned())
                .collect();
            names.sort();
            names.dedup();
            names.retain(|f| value(&conflict.ours, f) != value(&conflict.theirs, f));
            names
        }
    };
    Ok(ConflictView {
        id: conflict.id,
        title: title_of(conflict.theirs.as_ref()).or_else(|| title_of(conflict.ours.as_ref())),
        kind,
        fields: names
            .iter()
            .map(|f| ConflictField {
                field: f.clone(),
                ours: value(&conflict.ours, f),
                theirs: value(&conflict.theirs, f),
            })
            .collect(),
        entity: conflict.entity,
        record_id: conflict.record_id,
        reason: conflict.reason,
        recorded_at: conflict.recorded_at,
    })
}

fn not_open(id: i64) -> StoreError {
    StoreError::not_found("open sync conflict", id)
}

impl Store {
    /// Open conflicts as the app shows them, oldest first.
    pub fn conflict_views(&self) -> Result<Vec<ConflictView>> {
        open_conflicts(&self.conn, None)?
            .into_iter()
            .map(|conflict| view(&self.conn, conflict))
            .collect()
    }

    /// Settles an editable record's conflict with the technician's pick for every conflicting
    /// field, in one transaction: the record takes the picked values as a new local change (which
    /// the next sync sends up) and the conflict is marked settled. A field left to the server keeps
    /// whatever the laptop now holds from the server, so a newer edit pulled since is not undone.
    /// Answers the conflicts still open.
    pub fn settle_conflict(
        &mut self,
        conflict_id: i64,
        picks: &BTreeMap<String, Side>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ConflictView>> {
        self.write(|tx| {
            let conflict = stored(tx, conflict_id)?.ok_or_else(|| not_open(conflict_id))?;
            if kind_of(tx, &conflict)? == ConflictKind::Review {
                return Err(StoreError::conflict(
                    "这是存证记录（或已签字、已完成），两个版本都已保留供项目经理核对，不能在此修改；请点“知道了”",
                    "this is evidence (or signed, or done): both versions are kept for review and cannot be changed here; acknowledge it instead",
                ));
            }
            if let Some(unknown) = picks.keys().find(|f| !conflict.fields.contains(f)) {
                return Err(InvalidInput::new(
                    "picks",
                    format!("“{unknown}”不是这条冲突里的字段，请刷新后重选"),
                    format!("'{unknown}' is not a field of this conflict; reload and pick again"),
                )
                .into());
            }
            if let Some(missing) = conflict.fields.iter().find(|f| !picks.contains_key(*f)) {
                return Err(InvalidInput::new(
                    "picks",
                    format!("请为“{missing}”选择保留本机的还是服务器的值"),
                    format!("pick this laptop's or the server's value for '{missing}'"),
                )
                .into());
            }
            let entity = entity_named(&conflict.entity).expect("kind_of checked the entity");
            let current = local_row(tx, entity, &conflict.record_id)?
                .expect("kind_of checked the record is here");
            let columns = table_columns(tx, entity.name)?;
            let mut result = current.clone();
            for (field, side) in picks {
                let ours = conflict.ours.as_ref().and_then(|r| r.get(field));
                let theirs = conflict.theirs.as_ref().and_then(|r| r.get(field));
                let value = match side {
                    Side::Ours => ours,
                    // The server's: what the laptop holds now, unless that is still this laptop's.
                    Side::Theirs if current.get(field) == ours => theirs,
                    Side::Theirs => current.get(field),
                };
                if columns.contains(field) {
                    result.insert(field.clone(), value.cloned().unwrap_or(Value::Null));
                }
            }
            // Written like any edit (the outbox triggers queue it, the current row as its base);
            // nothing is written when every pick was already what the laptop holds.
            write_row(tx, entity, &conflict.record_id, &result)?;
            tx.execute(
                "UPDATE sync_conflicts SET settled_at = ?2, settlement = ?3 WHERE id = ?1",
                (
                    conflict_id,
                    now,
                    serde_json::to_string(picks).unwrap_or_default(),
                ),
            )?;
            Ok(())
        })?;
        self.conflict_views()
    }

    /// Acknowledges a conflict kept for review (evidence): nothing is rewritten, the list no longer
    /// shows it; the server keeps both versions for the manager. Answers the conflicts still open.
    pub fn acknowledge_conflict(
        &mut self,
        conflict_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Vec<ConflictView>> {
        self.write(|tx| {
            let conflict = stored(tx, conflict_id)?.ok_or_else(|| not_open(conflict_id))?;
            if kind_of(tx, &conflict)? == ConflictKind::Settle {
                return Err(StoreError::conflict(
                    "这条冲突需要为每一项选择保留哪个值，请在冲突页面选择后点“保存选择”",
                    "this conflict needs a pick for each field: choose and save",
                ));
            }
            tx.execute(
                "UPDATE sync_conflicts SET settled_at = ?2, settlement = '\"acknowledged\"' WHERE id = ?1",
                (conflict_id, now),
            )?;
            Ok(())
        })?;
        self.conflict_views()
    }
}
