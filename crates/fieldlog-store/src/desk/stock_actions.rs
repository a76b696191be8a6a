//! The stock screen's actions of issue 19 (item 6), for the app and the CLI alike: one store
//! call each, answered with what the screen shows next (the stock of every contract).

use super::stock;
use crate::{NewPart, Result, Store};
use chrono::{DateTime, Utc};
use fieldlog_domain::stock::{MovementKind, StockMovement};
use fieldlog_wire::v1::StockReport;
pub use fieldlog_wire::v1::{StockAction, TechnicianPart};

/// Records one stock action; returns the movement it wrote (for a transfer to another contract,
/// the transfer in).
pub fn stock_action(
    store: &mut Store,
    action: StockAction,
    now: DateTime<Utc>,
) -> Result<StockMovement> {
    match action {
        StockAction::Use {
            part_id,
            quantity,
            reason,
            fault_id,
        } => store.take_out_of_stock(
            part_id,
            MovementKind::Used,
            quantity,
            fault_id,
            Some(&reason),
            now,
        ),
        StockAction::GiveBack {
            part_id,
            quantity,
            note,
        } => store.take_out_of_stock(
            part_id,
            // 退库: out of the contract's stock to the office's warehouse, a transfer out to
            // nobody (`returned` is stock coming back in, as profiles have always stored it).
            MovementKind::TransferOut,
            quantity,
            None,
            note.as_deref(),
            now,
        ),
        StockAction::TransferToColleague {
            part_id,
            to,
            quantity,
            note,
        } => store.transfer_to_colleague(part_id, to, quantity, note.as_deref(), now),
        StockAction::ConfirmTransfer { transfer_id } => store.confirm_transfer(transfer_id, now),
        StockAction::TransferToContract {
            part_id,
            to_contract,
            quantity,
            note,
        } => store.transfer_to_contract(part_id, to_contract, quantity, note.as_deref(), now),
    }
}

/// The stock screen's action: recorded now, answered with the stock of every contract.
pub fn record_stock_action(
    store: &mut Store,
    action: StockAction,
    now: DateTime<Utc>,
) -> Result<Vec<StockReport>> {
    stock_action(store, action, now)?;
    stock(store, None)
}

/// Adds the part; answers with the stock of every contract.
pub fn add_part(store: &mut Store, part: TechnicianPart) -> Result<Vec<StockReport>> {
    store.add_part_by_technician(
        NewPart {
            contract_id: part.contract_id,
            code: part.code,
            name: part.name,
            kind: part.kind,
            model: part.model,
        },
        part.main_equipment,
    )?;
    stock(store, None)
}
