//! Spare stock between holders (issue 19, item 6): a transfer to a colleague of the contract
//! (in transit until the receiver confirms it with a transfer in pointing at the out), a transfer
//! to the part of the same code in another contract (the same technician: written out and in
//! together, nothing in transit), use on its own, giving back to the warehouse, and parts the
//! technician adds to a contract's catalogue where the contract allows it. Each function runs
//! inside the caller's one transaction; the ledger stays append-only.

use crate::{Result, Store, StoreError, catalog, stock};
use chrono::{DateTime, Utc};
use fieldlog_domain::ids::{ContractId, FaultId, MovementId, PartId, TechnicianId};
use fieldlog_domain::stock::{MovementKind, SparePart, StockMovement};
use fieldlog_domain::technician::Technician;
use fieldlog_domain::validate::{self, InvalidInput};
use fieldlog_wire::v1::{FloorWarning, TransferRow};
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

/// The profile's technician: the holder of what this laptop records.
fn holder(conn: &Connection) -> Result<TechnicianId> {
    Ok(crate::desk::technician_of(conn)?.id)
}

fn quantity(quantity: i64) -> Result<i64> {
    Ok(validate::positive_quantity(
        "quantity",
        quantity,
        stock::MAX_MOVEMENT_QUANTITY,
    )?)
}

fn note(note: Option<&str>) -> Result<Option<String>> {
    Ok(validate::optional_multiline_text(
        "note",
        "备注",
        note.unwrap_or(""),
        200,
    )?)
}

fn new_movement(
    part: &SparePart,
    kind: MovementKind,
    quantity: i64,
    technician_id: TechnicianId,
    now: DateTime<Utc>,
) -> StockMovement {
    StockMovement {
        id: MovementId(Uuid::now_v7()),
        part_id: part.id,
        kind,
        quantity,
        at: now,
        technician_id: Some(technician_id),
        fault_id: None,
        entry_id: None,
        old_serial: None,
        new_serial: None,
        note: None,
        to_technician_id: None,
        transfer_of: None,
    }
}

/// Sends parts to a colleague: a transfer out naming them, in transit until they confirm it.
pub(crate) fn transfer_to_colleague(
    conn: &Connection,
    part_id: PartId,
    to: TechnicianId,
    wanted: i64,
    text: Option<&str>,
    now: DateTime<Utc>,
) -> Result<StockMovement> {
    let me = holder(conn)?;
    let part = catalog::part(conn, part_id)?;
    let wanted = quantity(wanted)?;
    if to == me {
        return Err(InvalidInput::new(
            "to",
            "不能调拨给自己；请选择接收的同事",
            "you cannot transfer to yourself: choose the colleague who receives the parts",
        )
        .into());
    }
    // A colleague is a technician whose profile reached this laptop by sync: the server sends
    // only the profiles of technicians sharing a contract, and checks the very contract when
    // the transfer is pushed (`rules::check_movement`).
    if !colleagues(conn, Some(me))?.iter().any(|t| t.id == to) {
        return Err(InvalidInput::new(
            "to",
            "接收人不是本合同的技服同事（本机没有他的资料）；请先同步，或选择列表中的同事",
            "the receiver is not a colleague on this contract (this laptop has no profile of them): sync first, or choose a colleague from the list",
        )
        .into());
    }
    let note = note(text)?;
    stock::check_held(conn, &part, Some(me), wanted)?;
    let movement = StockMovement {
        to_technician_id: Some(to),
        note,
        ..new_movement(&part, MovementKind::TransferOut, wanted, me, now)
    };
    stock::insert(conn, &movement, now)?;
    Ok(movement)
}

fn already_confirmed(conn: &Connection, out: MovementId) -> Result<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM stock_movements WHERE transfer_of = ?1",
            [out.to_string()],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// The receiver confirms a transfer (确认收货): a transfer in of the same part and quantity,
/// pointing at the out. Only the receiver named, once.
pub(crate) fn confirm_transfer(
    conn: &Connection,
    out_id: MovementId,
    now: DateTime<Utc>,
) -> Result<StockMovement> {
    let me = holder(conn)?;
    let out = stock::movement(conn, out_id)?;
    fieldlog_domain::stock::check_confirmation(
        &out,
        me,
        true,
        out.quantity,
        already_confirmed(conn, out_id)?,
    )?;
    let part = catalog::part(conn, out.part_id)?;
    let movement = StockMovement {
        id: fieldlog_domain::stock::confirmation_id(out.id),
        transfer_of: Some(out.id),
        ..new_movement(&part, MovementKind::TransferIn, out.quantity, me, now)
    };
    stock::insert(conn, &movement, now)?;
    Ok(movement)
}

/// Moves parts to the part of the same code in another contract, held by the same technician:
/// the out and the in together (nothing in transit, so no confirmation). Returns the in.
pub(crate) fn transfer_to_contract(
    conn: &Connection,
    part_id: PartId,
    to_contract: ContractId,
    wanted: i64,
    text: Option<&str>,
    now: DateTime<Utc>,
) -> Result<StockMovement> {
    let me = holder(conn)?;
    let part = catalog::part(conn, part_id)?;
    let wanted = quantity(wanted)?;
    let target = catalog::contract(conn, to_contract)?;
    if to_contract == part.contract_id {
        return Err(InvalidInput::new(
            "to_contract",
            "调往的合同与备件所在合同相同；请选择另一个合同",
            "the part is already kept for that contract: choose another contract",
        )
        .into());
    }
    let Some(target_part) = catalog::parts(conn, to_contract)?
        .into_iter()
        .find(|p| p.code == part.code)
    else {
        return Err(InvalidInput::new(
            "to_contract",
            format!(
                "合同“{}”没有物料编码为 {} 的备件；请先在该合同中添加此备件",
                target.name, part.code
            ),
            format!(
                "contract '{}' keeps no part coded {}: add the part to that contract first",
                target.code, part.code
            ),
        )
        .into());
    };
    let note = note(text)?;
    stock::check_held(conn, &part, Some(me), wanted)?;
    let out = StockMovement {
        to_technician_id: Some(me),
        note: note.clone(),
        ..new_movement(&part, MovementKind::TransferOut, wanted, me, now)
    };
    stock::insert(conn, &out, now)?;
    let movement = StockMovement {
        id: fieldlog_domain::stock::confirmation_id(out.id),
        transfer_of: Some(out.id),
        note,
        ..new_movement(&target_part, MovementKind::TransferIn, wanted, me, now)
    };
    stock::insert(conn, &movement, now)?;
    Ok(movement)
}

/// A part used on its own, outside a report entry (a reason is required; a fault optional), or
/// given back to the warehouse (退库; a note optional): out of the technician's own stock.
pub(crate) fn take_out(
    conn: &Connection,
    part_id: PartId,
    kind: MovementKind,
    wanted: i64,
    fault_id: Option<FaultId>,
    text: Option<&str>,
    now: DateTime<Utc>,
) -> Result<StockMovement> {
    let me = holder(conn)?;
    if kind == MovementKind::Used && text.is_none_or(|t| t.trim().is_empty()) {
        return Err(InvalidInput::new(
            "note",
            "不在日报中使用备件时，请写明用途（原因）",
            "a part used outside a report needs a reason: say what it was used for",
        )
        .into());
    }
    if let Some(fault_id) = fault_id {
        let fault = crate::faults::fault(conn, fault_id)?;
        let part = catalog::part(conn, part_id)?;
        if fault.contract_id != part.contract_id {
            return Err(StoreError::conflict(
                format!("备件“{}”不属于该故障的合同", part.name),
                format!("part {} is not kept for this fault's contract", part.code),
            ));
        }
    }
    stock::record_movement(
        conn,
        stock::NewMovement {
            part_id,
            kind,
            quantity: wanted,
            at: now,
            technician_id: Some(me),
            fault_id,
            old_serial: None,
            new_serial: None,
            note: text.map(str::to_owned),
        },
        None,
        now,
    )
}

/// Whether technicians may add parts to this contract's catalogue.
pub(crate) fn technicians_add_parts(conn: &Connection, contract_id: ContractId) -> Result<bool> {
    conn.query_row(
        "SELECT technicians_add_parts FROM contracts WHERE id = ?1",
        [contract_id.to_string()],
        |r| r.get::<_, bool>(0),
    )
    .optional()?
    .ok_or_else(|| StoreError::not_found("contract", contract_id))
}

/// A part the technician adds to a contract's catalogue, where the contract allows it.
pub(crate) fn add_part(
    conn: &Connection,
    input: catalog::NewPart,
    main_equipment: bool,
) -> Result<SparePart> {
    if !technicians_add_parts(conn, input.contract_id)? {
        let contract = catalog::contract(conn, input.contract_id)?;
        return Err(StoreError::conflict(
            format!(
                "合同“{}”的备件目录由办公室维护，技服人员不能添加备件；请联系办公室添加",
                contract.name
            ),
            format!(
                "the office keeps contract '{}''s parts catalogue: technicians cannot add parts; ask the office",
                contract.code
            ),
        ));
    }
    catalog::add_part_as(conn, input, main_equipment)
}

fn technicians(conn: &Connection) -> Result<Vec<Technician>> {
    let mut stmt = conn.prepare("SELECT id FROM technicians ORDER BY name, id")?;
    let ids = stmt
        .query_map([], |r| crate::sql::parse::<TechnicianId>(r, 0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.into_iter()
        .map(|id| catalog::technician(conn, id))
        .collect()
}

/// Technicians this laptop knows besides `me`, by name.
pub(crate) fn colleagues(conn: &Connection, me: Option<TechnicianId>) -> Result<Vec<Technician>> {
    Ok(technicians(conn)?
        .into_iter()
        .filter(|t| Some(t.id) != me)
        .collect())
}

/// Transfers between colleagues of one contract that involve `me`, newest first.
pub(crate) fn transfer_rows(
    conn: &Connection,
    contract_id: ContractId,
    me: Option<TechnicianId>,
) -> Result<Vec<TransferRow>> {
    let Some(me) = me else {
        return Ok(Vec::new());
    };
    let names: std::collections::HashMap<TechnicianId, String> = technicians(conn)?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let name = |id: Option<TechnicianId>| match id {
        Some(id) => names.get(&id).cloned().unwrap_or_else(|| {
            let text = id.to_string();
            text[text.len() - 8..].to_owned()
        }),
        None => String::new(),
    };
    // The movement's own columns first (as `stock::movement_row` reads them), then the part's.
    let mut stmt = conn.prepare(&format!(
        "SELECT m.*, p.code, p.name, (SELECT i.at FROM stock_movements i WHERE i.transfer_of = m.id)
           FROM (SELECT {}) m JOIN spare_parts p ON p.id = m.part_id
          WHERE p.contract_id = ?1 AND m.kind = 'transfer_out'
            AND m.to_technician_id IS NOT m.technician_id
            AND (m.technician_id = ?2 OR m.to_technician_id = ?2)
          ORDER BY m.at DESC, m.id DESC",
        stock::COLUMNS
    ))?;
    let rows = stmt
        .query_map([contract_id.to_string(), me.to_string()], |r| {
            Ok((
                stock::movement_row(r)?,
                r.get::<_, String>(13)?,
                r.get::<_, String>(14)?,
                r.get::<_, Option<DateTime<Utc>>>(15)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .map(|(m, code, part_name, confirmed_at)| TransferRow {
            id: m.id,
            part_id: m.part_id,
            code,
            name: part_name,
            quantity: m.quantity,
            at: m.at,
            from_name: name(m.technician_id),
            to_name: name(m.to_technician_id),
            incoming: m.to_technician_id == Some(me),
            confirmed_at,
            note: m.note,
        })
        .collect())
}

/// Contracts whose main-equipment spares are under the floor (Today's warning).
pub(crate) fn floor_warnings(conn: &Connection) -> Result<Vec<FloorWarning>> {
    let mut out = Vec::new();
    for contract in catalog::contracts(conn)? {
        let report = stock::stock_report(conn, contract.id)?;
        if report.floor.units_below_floor || report.floor.parts_below_floor {
            out.push(FloorWarning {
                contract_id: contract.id,
                contract_name: report.contract_name,
                floor: report.floor,
            });
        }
    }
    Ok(out)
}

impl Store {
    /// Sends parts to a colleague of the contract (调拨给同事), in transit until they confirm.
    pub fn transfer_to_colleague(
        &mut self,
        part_id: PartId,
        to: TechnicianId,
        quantity: i64,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<StockMovement> {
        self.write(|tx| transfer_to_colleague(tx, part_id, to, quantity, note, now))
    }

    /// Confirms a transfer addressed to this laptop's technician (确认收货).
    pub fn confirm_transfer(
        &mut self,
        out_id: MovementId,
        now: DateTime<Utc>,
    ) -> Result<StockMovement> {
        self.write(|tx| confirm_transfer(tx, out_id, now))
    }

    /// Moves parts to the same code in another contract (调往其他合同).
    pub fn transfer_to_contract(
        &mut self,
        part_id: PartId,
        to_contract: ContractId,
        quantity: i64,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<StockMovement> {
        self.write(|tx| transfer_to_contract(tx, part_id, to_contract, quantity, note, now))
    }

    /// A part used outside a report (`Used`, a reason required) or given back to the warehouse
    /// (退库: a `TransferOut` that names nobody), out of the profile technician's own stock.
    pub fn take_out_of_stock(
        &mut self,
        part_id: PartId,
        kind: MovementKind,
        quantity: i64,
        fault_id: Option<FaultId>,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<StockMovement> {
        self.write(|tx| take_out(tx, part_id, kind, quantity, fault_id, note, now))
    }

    /// A part the technician adds to a contract's catalogue, where the contract allows it.
    pub fn add_part_by_technician(
        &mut self,
        input: catalog::NewPart,
        main_equipment: bool,
    ) -> Result<SparePart> {
        self.write(|tx| add_part(tx, input, main_equipment))
    }

    /// Contracts whose main-equipment spares are under the floor.
    pub fn floor_warnings(&self) -> Result<Vec<FloorWarning>> {
        floor_warnings(&self.conn)
    }
}
