//! The spare-stock ledger. Movements are appended, never changed; a balance is always computed by
//! the domain's `stock::balance` over the movements, never stored.

use crate::catalog;
use crate::sql::{opt_text, parse, parse_opt};
use crate::{Result, Store, StoreError};
use chrono::{DateTime, Utc};
use fieldlog_domain::fault;
use fieldlog_domain::ids::{ContractId, EntryId, FaultId, MovementId, PartId, TechnicianId};
use fieldlog_domain::stock::{self, Holdings, MovementKind, SparePart, StockMovement};
use fieldlog_domain::validate;
use fieldlog_wire::v1::{PartBalance, StockReport};
use rusqlite::{Connection, Row};
use std::collections::HashSet;
use uuid::Uuid;

/// At most this many units in one movement: more is a typo.
pub const MAX_MOVEMENT_QUANTITY: i64 = 100_000;

/// A stock movement as entered.
#[derive(Debug, Clone)]
pub struct NewMovement {
    pub part_id: PartId,
    pub kind: MovementKind,
    pub quantity: i64,
    pub at: DateTime<Utc>,
    pub technician_id: Option<TechnicianId>,
    pub fault_id: Option<FaultId>,
    pub old_serial: Option<String>,
    pub new_serial: Option<String>,
    pub note: Option<String>,
}

/// Which movements to list.
#[derive(Debug, Clone, Default)]
pub struct StockFilter {
    pub part_id: Option<PartId>,
}

pub(crate) fn record_movement(
    conn: &Connection,
    input: NewMovement,
    entry_id: Option<EntryId>,
    now: DateTime<Utc>,
) -> Result<StockMovement> {
    let part = catalog::part(conn, input.part_id)?;
    let quantity = validate::positive_quantity("quantity", input.quantity, MAX_MOVEMENT_QUANTITY)?;
    fault::not_in_future("at", "发生时间", input.at, now)?;
    if input.kind.sign() < 0 {
        // Issue 19: what the technician holds, not the contract's total (a colleague's parts
        // on this laptop, or parts in transit, are not theirs to use).
        check_held(conn, &part, input.technician_id, quantity)?;
    }
    let movement = StockMovement {
        id: MovementId(Uuid::now_v7()),
        part_id: part.id,
        kind: input.kind,
        quantity,
        at: input.at,
        technician_id: input.technician_id,
        fault_id: input.fault_id,
        entry_id,
        old_serial: validate::optional_text(
            "old_serial",
            "旧件序列号",
            input.old_serial.as_deref().unwrap_or(""),
            64,
        )?,
        new_serial: validate::optional_text(
            "new_serial",
            "新件序列号",
            input.new_serial.as_deref().unwrap_or(""),
            64,
        )?,
        note: validate::optional_multiline_text(
            "note",
            "备注",
            input.note.as_deref().unwrap_or(""),
            200,
        )?,
        to_technician_id: None,
        transfer_of: None,
    };
    insert(conn, &movement, now)?;
    Ok(movement)
}

/// Refuses taking more of `part` than `holder` holds.
pub(crate) fn check_held(
    conn: &Connection,
    part: &SparePart,
    holder: Option<TechnicianId>,
    quantity: i64,
) -> Result<()> {
    let balance = part_holdings(conn, part.id)?.of(holder);
    if balance < quantity {
        return Err(StoreError::InsufficientStock {
            part: format!("{} {}", part.code, part.name),
            balance,
            wanted: quantity,
        });
    }
    Ok(())
}

/// Appends one movement to the ledger as it is.
pub(crate) fn insert(
    conn: &Connection,
    movement: &StockMovement,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO stock_movements (id, part_id, kind, quantity, at, technician_id, fault_id, entry_id,
                                      old_serial, new_serial, note, recorded_at, to_technician_id,
                                      transfer_of)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(rusqlite::params![
        movement.id.to_string(),
        movement.part_id.to_string(),
        movement.kind.code(),
        movement.quantity,
        movement.at,
        opt_text(movement.technician_id),
        opt_text(movement.fault_id),
        opt_text(movement.entry_id),
        movement.old_serial,
        movement.new_serial,
        movement.note,
        now,
        opt_text(movement.to_technician_id),
        opt_text(movement.transfer_of),
    ])?;
    Ok(())
}

pub(crate) fn substitute_spare(
    conn: &Connection,
    fault_id: FaultId,
    part_id: PartId,
    serial: Option<&str>,
    technician_id: Option<TechnicianId>,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<StockMovement> {
    let fault = crate::faults::fault(conn, fault_id)?;
    let part = catalog::part(conn, part_id)?;
    if part.contract_id != fault.contract_id {
        return Err(StoreError::conflict(
            format!("备品“{}”不属于该故障的合同", part.name),
            format!("spare {} is not kept for this fault's contract", part.code),
        ));
    }
    // The failed device: its model must be the spare's, and its serial is the old one.
    let device = match fault.device_id {
        Some(id) => Some(catalog::device(conn, id)?),
        None => None,
    };
    stock::check_substitution(device.as_ref().map(|d| d.model.as_str()), &part)?;
    let old_serial = device.and_then(|d| d.serial);
    let serial = validate::optional_text("serial", "备品序列号", serial.unwrap_or(""), 64)?;
    crate::faults::record_event(
        conn,
        fault_id,
        at,
        fieldlog_domain::fault::FaultEventKind::SpareSubstituted {
            part_id,
            serial: serial.clone(),
            old_serial: old_serial.clone(),
        },
        now,
    )?;
    record_movement(
        conn,
        NewMovement {
            part_id,
            kind: MovementKind::Used,
            quantity: 1,
            at,
            technician_id,
            fault_id: Some(fault_id),
            old_serial,
            new_serial: serial,
            note: Some("备品替代".into()),
        },
        None,
        now,
    )
}

/// The contract's total of one part: held by anyone, or in transit between colleagues.
pub(crate) fn part_balance(conn: &Connection, part_id: PartId) -> Result<i64> {
    Ok(part_holdings(conn, part_id)?.total())
}

/// Who holds one part (`stock::holdings` over its ledger).
pub(crate) fn part_holdings(conn: &Connection, part_id: PartId) -> Result<Holdings> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} WHERE part_id = ?1"))?;
    let movements = stmt
        .query_map([part_id.to_string()], movement_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let confirmed = confirmed_transfers(conn)?;
    Ok(stock::holdings(&movements, |id| confirmed.contains(&id)))
}

/// Every transfer out that a transfer in confirms (of any part: a transfer to another contract
/// is confirmed by the other contract's part).
pub(crate) fn confirmed_transfers(conn: &Connection) -> Result<HashSet<MovementId>> {
    let mut stmt = conn
        .prepare_cached("SELECT transfer_of FROM stock_movements WHERE transfer_of IS NOT NULL")?;
    let ids = stmt
        .query_map([], |r| parse::<MovementId>(r, 0))?
        .collect::<rusqlite::Result<HashSet<_>>>()?;
    Ok(ids)
}

pub(crate) const COLUMNS: &str =
    "id, part_id, kind, quantity, at, technician_id, fault_id, entry_id,
     old_serial, new_serial, note, to_technician_id, transfer_of FROM stock_movements";

pub(crate) fn movement_row(row: &Row<'_>) -> rusqlite::Result<StockMovement> {
    // The transfer columns (issue 19) come last; readers that list the first eleven columns
    // (a report's part lines, the summary's facts) need neither.
    let transfers = row.as_ref().column_count() > 11;
    Ok(StockMovement {
        id: parse(row, 0)?,
        part_id: parse(row, 1)?,
        kind: parse(row, 2)?,
        quantity: row.get(3)?,
        at: row.get(4)?,
        technician_id: parse_opt(row, 5)?,
        fault_id: parse_opt(row, 6)?,
        entry_id: parse_opt(row, 7)?,
        old_serial: row.get(8)?,
        new_serial: row.get(9)?,
        note: row.get(10)?,
        to_technician_id: if transfers { parse_opt(row, 11)? } else { None },
        transfer_of: if transfers { parse_opt(row, 12)? } else { None },
    })
}

pub(crate) fn movement(conn: &Connection, id: MovementId) -> Result<StockMovement> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        &format!("SELECT {COLUMNS} WHERE id = ?1"),
        [id.to_string()],
        movement_row,
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("movement", id))
}

pub(crate) fn stock_report(conn: &Connection, contract_id: ContractId) -> Result<StockReport> {
    let contract = catalog::contract(conn, contract_id)?;
    let me = catalog::profile(conn)?.map(|t| t.id);
    let mut parts = Vec::new();
    for part in catalog::parts(conn, contract_id)? {
        let held = part_holdings(conn, part.id)?;
        parts.push(PartBalance {
            balance: held.total(),
            mine: held.of(me),
            in_transit: held.in_transit,
            main_equipment: part.main_equipment,
            part_id: part.id,
            contract_id,
            code: part.code,
            name: part.name,
            kind: part.kind,
        });
    }
    let floor = stock::main_equipment_floor(
        parts.iter().map(|p| (p.kind, p.main_equipment, p.balance)),
        contract.spare_floor,
    );
    Ok(StockReport {
        contract_id,
        contract_name: contract.name,
        parts,
        floor,
        transfers: crate::transfers::transfer_rows(conn, contract_id, me)?,
        colleagues: crate::transfers::colleagues(conn, me)?,
        technicians_add_parts: crate::transfers::technicians_add_parts(conn, contract_id)?,
    })
}

impl Store {
    /// Records one stock movement (received, used, returned, transferred).
    pub fn record_movement(
        &mut self,
        input: NewMovement,
        now: DateTime<Utc>,
    ) -> Result<StockMovement> {
        self.write(|tx| record_movement(tx, input, None, now))
    }

    /// Spare substitution (备品备件替代): one same-model spare unit leaves stock and the fault
    /// records it, in one transaction.
    pub fn substitute_spare(
        &mut self,
        fault_id: FaultId,
        part_id: PartId,
        serial: Option<&str>,
        technician_id: Option<TechnicianId>,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<StockMovement> {
        self.write(|tx| substitute_spare(tx, fault_id, part_id, serial, technician_id, at, now))
    }

    pub fn part_balance(&self, part_id: PartId) -> Result<i64> {
        part_balance(&self.conn, part_id)
    }

    /// Every part of a contract with its balance, and the totals against the contract's floor.
    pub fn stock_report(&self, contract_id: ContractId) -> Result<StockReport> {
        stock_report(&self.conn, contract_id)
    }

    /// Movements, oldest first.
    pub fn movements(&self, filter: &StockFilter) -> Result<Vec<StockMovement>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} WHERE ?1 IS NULL OR part_id = ?1 ORDER BY at, id"
        ))?;
        Ok(stmt
            .query_map([filter.part_id.map(|p| p.to_string())], movement_row)?
            .collect::<rusqlite::Result<_>>()?)
    }
}
