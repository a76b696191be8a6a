//! Issue 19, reports over a real month: a draft entry changed or deleted, an entry of a
//! correction changed or struck with its reason, and the report list with its filters and the
//! month's missing days.
//!
//! Entries are written once (they sync as `Immutable` records), so every change is a new row that
//! supersedes the earlier one at the same position (`fieldlog_domain::report_versions`). Parts are
//! a ledger: when a version stops using the parts of the one it replaces (changed parts, a
//! deletion, a strike), a `returned` movement pointing at the replaced entry puts each one back
//! in stock in the same transaction, and new lines leave stock as on any entry; no movement is
//! ever changed or deleted.

use crate::reports::{self, EntryParts, EntryVersionOf, ReportFilter};
use crate::{Result, Store, StoreError, catalog, stock};
use chrono::{DateTime, NaiveDate, Utc};
use fieldlog_domain::ids::{EntryId, TechnicianId};
use fieldlog_domain::report::{NewEntry, NewPartLine, ReportEntry, ReportStatus};
use fieldlog_domain::report_versions;
use fieldlog_domain::stock::{MovementKind, StockMovement};
use fieldlog_domain::validate::{self, InvalidInput};
use fieldlog_wire::v1::{MissingDay, ReportList, ReportListQuery, ReportListStatus, ReportRow};
use rusqlite::{Connection, OptionalExtension};
use std::collections::BTreeSet;

/// The visible entry `entry_id`, its draft report, and its row's own position.
fn draft_entry(
    conn: &Connection,
    entry_id: EntryId,
) -> Result<(ReportEntry, fieldlog_domain::report::DailyReport, u32)> {
    let found: Option<(String, u32)> = conn
        .query_row(
            "SELECT report_id, position FROM report_entries WHERE id = ?1",
            [entry_id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (report_id, position) = found.ok_or_else(|| StoreError::not_found("entry", entry_id))?;
    let report_id = report_id
        .parse()
        .map_err(|_| StoreError::not_found("entry", entry_id))?;
    let report = reports::report(conn, report_id)?;
    if report.status == ReportStatus::Signed {
        return Err(StoreError::SignedImmutable);
    }
    let entry = reports::entries(conn, report_id)?
        .into_iter()
        .find(|e| e.id == entry_id)
        .ok_or_else(|| {
            StoreError::conflict(
                "这条记录已被修改或删除，请刷新日报后再操作",
                "this entry has been changed or deleted since; reload the report",
            )
        })?;
    Ok((entry, report, position))
}

/// Why an entry of a correction changes: required there (the reader of the correction must see
/// it), optional on a draft of its own.
fn reason_for(entry: &ReportEntry, reason: Option<&str>) -> Result<Option<String>> {
    match (
        entry.amends_entry,
        reason.map(str::trim).filter(|r| !r.is_empty()),
    ) {
        (Some(_), None) => Err(InvalidInput::new(
            "change_reason",
            "更正已签字日报中的记录须填写原因",
            "changing or striking an entry of a signed report needs a reason",
        )
        .into()),
        (_, Some(reason)) => Ok(Some(validate::required_multiline_text(
            "change_reason",
            "更改原因",
            reason,
            500,
        )?)),
        (None, None) => Ok(None),
    }
}

/// Puts back in stock the parts `entry` took (or linked), each by a `returned` movement that
/// points at the entry.
fn return_parts(
    conn: &Connection,
    entry: &ReportEntry,
    technician_id: TechnicianId,
    now: DateTime<Utc>,
) -> Result<()> {
    for line in &entry.parts {
        stock::record_movement(
            conn,
            stock::NewMovement {
                part_id: line.part_id,
                kind: MovementKind::Returned,
                quantity: line.quantity,
                at: now,
                technician_id: Some(technician_id),
                fault_id: entry.fault_id,
                old_serial: None,
                new_serial: line.new_serial.clone(),
                note: Some(format!(
                    "日报记录更改或删除，备件退回库存 (report entry changed or removed: part back in stock) {}",
                    entry.id
                )),
            },
            Some(entry.id),
            now,
        )?;
    }
    Ok(())
}

fn same_parts(entry: &ReportEntry, lines: &[NewPartLine]) -> bool {
    entry.parts.len() == lines.len()
        && entry.parts.iter().zip(lines).all(|(have, want)| {
            have.part_id == want.part_id
                && have.quantity == want.quantity
                && have.old_serial == want.old_serial
                && have.new_serial == want.new_serial
        })
}

pub(crate) fn edit_entry(
    conn: &Connection,
    entry_id: EntryId,
    input: NewEntry,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ReportEntry> {
    let (entry, report, position) = draft_entry(conn, entry_id)?;
    let change_reason = reason_for(&entry, reason)?;
    let input = input.validate()?;
    let parts = if same_parts(&entry, &input.parts) {
        let movements: Vec<StockMovement> = entry
            .parts
            .iter()
            .map(|l| stock::movement(conn, l.movement_id))
            .collect::<Result<_>>()?;
        EntryParts::Keep(movements)
    } else {
        let parts = reports::check_parts(conn, &report, &input)?;
        return_parts(conn, &entry, report.technician_id, now)?;
        parts
    };
    reports::insert_entry(
        conn,
        &report,
        input,
        parts,
        EntryVersionOf {
            supersedes: Some(entry.id),
            position: Some(position),
            amends_entry: entry.amends_entry,
            struck: false,
            change_reason,
        },
        now,
    )
}

/// Deletes a draft entry, or strikes an entry of a correction (with its reason): a new row,
/// struck, in its place; its parts go back in stock.
pub(crate) fn remove_entry(
    conn: &Connection,
    entry_id: EntryId,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<ReportEntry> {
    let (entry, report, position) = draft_entry(conn, entry_id)?;
    if entry.struck {
        return Err(StoreError::conflict(
            "这条记录已划去",
            "this entry is struck already",
        ));
    }
    let change_reason = reason_for(&entry, reason)?;
    return_parts(conn, &entry, report.technician_id, now)?;
    let same = NewEntry {
        site_id: entry.site_id,
        device_id: entry.device_id,
        fault_id: entry.fault_id,
        fault_cause: entry.fault_cause.clone(),
        resolved: entry.resolved,
        unresolved_reason: entry.unresolved_reason,
        work_done: entry.work_done.clone(),
        parts: Vec::new(),
    };
    reports::insert_entry(
        conn,
        &report,
        same,
        EntryParts::Keep(Vec::new()),
        EntryVersionOf {
            supersedes: Some(entry.id),
            position: Some(position),
            amends_entry: entry.amends_entry,
            struck: true,
            change_reason,
        },
        now,
    )
}

pub(crate) fn report_list(
    conn: &Connection,
    technician_id: Option<TechnicianId>,
    query: &ReportListQuery,
    today: NaiveDate,
) -> Result<ReportList> {
    let month = query.month.map(|m| {
        let first = m - chrono::Days::new(u64::from(chrono::Datelike::day(&m)) - 1);
        let next = first + chrono::Months::new(1);
        (first, next - chrono::Days::new(1))
    });
    let (from, to) = match month {
        Some((first, last)) => (
            Some(query.from.map_or(first, |f| f.max(first))),
            Some(query.to.map_or(last, |t| t.min(last))),
        ),
        None => (query.from, query.to),
    };
    let rows: Vec<ReportRow> = reports::report_rows(
        conn,
        // Every report on the laptop (a colleague's synced ones too), as the list always showed;
        // the missing days are the technician's own.
        &ReportFilter {
            technician_id: None,
            contract_id: query.contract_id,
            from,
            to,
        },
    )?;
    let mut missing_days = Vec::new();
    if let (Some((first, _)), Some(technician_id)) = (month, technician_id) {
        let contracts = match query.contract_id {
            Some(id) => vec![catalog::contract(conn, id)?],
            None => catalog::contracts(conn)?,
        };
        for contract in contracts {
            let reported: BTreeSet<NaiveDate> = rows
                .iter()
                .filter(|r| r.contract_id == contract.id && r.technician_id == technician_id)
                .map(|r| r.work_date)
                .collect();
            missing_days.extend(
                report_versions::missing_days(
                    first,
                    contract.service_start,
                    contract.service_end,
                    today,
                    &reported,
                )
                .into_iter()
                .map(|date| MissingDay {
                    contract_id: contract.id,
                    contract_name: contract.name.clone(),
                    date,
                }),
            );
        }
    }
    let rows = rows
        .into_iter()
        .filter(|r| match query.status {
            None => true,
            Some(ReportListStatus::Draft) => r.status == ReportStatus::Draft,
            Some(ReportListStatus::Signed) => r.status == ReportStatus::Signed,
            Some(ReportListStatus::Corrected) => r.corrected || r.amends.is_some(),
        })
        .collect();
    missing_days.sort_by_key(|d| std::cmp::Reverse(d.date));
    Ok(ReportList { rows, missing_days })
}

impl Store {
    /// Changes a draft entry (or an entry of a correction, with its reason), in one transaction.
    pub fn edit_report_entry(
        &mut self,
        entry_id: EntryId,
        input: NewEntry,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ReportEntry> {
        self.write(|tx| edit_entry(tx, entry_id, input, reason, now))
    }

    /// Deletes a draft entry, or strikes an entry of a correction with its reason.
    pub fn remove_report_entry(
        &mut self,
        entry_id: EntryId,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ReportEntry> {
        self.write(|tx| remove_entry(tx, entry_id, reason, now))
    }

    /// An entry by id or by a unique ending of its id.
    pub fn resolve_entry(&self, key: &str) -> Result<EntryId> {
        crate::faults::resolve_id_suffix(&self.conn, "report_entries", key, "entry").map(EntryId)
    }

    /// The report list with its filters and the month's missing days of `technician_id`.
    pub fn report_list(
        &self,
        technician_id: Option<TechnicianId>,
        query: &ReportListQuery,
        today: NaiveDate,
    ) -> Result<ReportList> {
        report_list(&self.conn, technician_id, query, today)
    }
}
