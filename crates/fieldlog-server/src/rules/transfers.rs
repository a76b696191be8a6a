//! The push rules of stock transfers (issue 19): a transfer out to a colleague names a
//! technician of the movement's own contract; a transfer in (the receiver's confirmation) is
//! written only by the receiver the out names, of a transfer out the server holds, with the same
//! part (or, to another contract, the part of the same code there, by the same technician) and
//! quantity, once: its id is `stock::confirmation_id` of the out, and a second version of it is
//! refused. Anything else refuses the whole batch (`403 forbidden`), nothing of it stored.

use crate::error::{Result, ServerError};
use crate::storage::{DeviceAuth, StoredRecord, Tx};
use fieldlog_domain::stock::{self, MovementKind, StockMovement};
use fieldlog_wire::sync::v1::Row;
use serde_json::Value;

fn refuse<T>(zh: impl Into<String>, en: impl Into<String>) -> Result<T> {
    Err(ServerError::NotYourTransfer {
        zh: zh.into(),
        en: en.into(),
    })
}

fn movement(row: &Row) -> Result<StockMovement> {
    serde_json::from_value(Value::Object(row.clone())).map_err(|e| {
        ServerError::Malformed(format!(
            "stock_movements 的记录无法读取：{e} (a stock movement that cannot be read: {e})"
        ))
    })
}

/// The server's technician a laptop's profile id stands for: the technician the office knows by
/// that id, or the one whose laptop sent that profile.
fn server_technician(tx: &mut dyn Tx, profile_id: &str) -> Result<Option<String>> {
    if !tx.contracts_of(profile_id)?.is_empty() {
        return Ok(Some(profile_id.to_owned()));
    }
    Ok(tx.record("technicians", profile_id)?.map(|r| r.owner))
}

fn part_code(tx: &mut dyn Tx, part_id: &str) -> Result<Option<String>> {
    Ok(tx
        .record("spare_parts", part_id)?
        .and_then(|r| r.row.get("code").and_then(Value::as_str).map(str::to_owned)))
}

/// Checks one pushed stock movement; `scope` is its contract, `current` the server's version.
pub(crate) fn check_movement(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    row: &Row,
    scope: &Option<String>,
    current: Option<&StoredRecord>,
) -> Result<()> {
    // Only transfers are checked (and read): the bulk of a ledger is receipts and uses.
    if !matches!(
        row.get("kind").and_then(Value::as_str),
        Some("transfer_out" | "transfer_in")
    ) {
        return Ok(());
    }
    let moved = movement(row)?;
    match moved.kind {
        MovementKind::TransferOut => check_transfer_out(tx, auth, &moved, scope),
        MovementKind::TransferIn => match moved.transfer_of {
            Some(_) => check_confirmation(tx, auth, &moved, row, scope, current),
            // A transfer in of the ledger before issue 19, pointing at nothing.
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

fn check_transfer_out(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    out: &StockMovement,
    scope: &Option<String>,
) -> Result<()> {
    let Some(to) = out.to_technician_id else {
        return Ok(());
    };
    let to = to.to_string();
    let Some(receiver) = server_technician(tx, &to)? else {
        return refuse(
            format!("调拨的接收人 {to} 服务器上没有；只能调拨给本合同的技服同事"),
            format!(
                "the transfer's receiver {to} is unknown to the server: transfer only to a colleague on the contract"
            ),
        );
    };
    if out.technician_id == out.to_technician_id {
        // To another contract: the same technician, who must be this device's.
        if receiver != auth.technician_id {
            return refuse(
                "调往其他合同只能由本人记录",
                "a transfer to another contract is recorded by its own technician only",
            );
        }
        return Ok(());
    }
    let code = scope.clone().unwrap_or_default();
    if !tx.contracts_of(&receiver)?.contains(&code) {
        return refuse(
            format!("接收人不是合同“{code}”的技服人员，不能调拨给他"),
            format!("the receiver is not a technician of contract '{code}': no transfer to them"),
        );
    }
    Ok(())
}

fn check_confirmation(
    tx: &mut dyn Tx,
    auth: &DeviceAuth,
    confirmation: &StockMovement,
    row: &Row,
    scope: &Option<String>,
    current: Option<&StoredRecord>,
) -> Result<()> {
    let out_id = confirmation.transfer_of.expect("checked by the caller");
    if confirmation.id != stock::confirmation_id(out_id) {
        return refuse(
            "这笔调拨的确认收货编号不对：每笔调拨只能确认一次",
            "a confirmation's id follows from its transfer: each transfer is confirmed once",
        );
    }
    if current.is_some_and(|c| c.row != *row) {
        return refuse(
            "这笔调拨已确认收货，不能再次确认",
            "this transfer is already confirmed: it cannot be confirmed twice",
        );
    }
    let Some(out_record) = tx.record("stock_movements", &out_id.to_string())? else {
        return Err(ServerError::conflict(
            format!("确认收货所指的调出 {out_id} 服务器上没有；请先同步它"),
            format!("the confirmation's transfer out {out_id} is unknown to the server"),
        ));
    };
    let out = movement(&out_record.row)?;
    let Some(receiver) = out.to_technician_id else {
        return refuse(
            "所确认的记录不是调给同事的调出",
            "the record confirmed is not a transfer out to a colleague",
        );
    };
    if server_technician(tx, &receiver.to_string())?.as_deref() != Some(auth.technician_id.as_str())
        || confirmation.technician_id != Some(receiver)
    {
        return refuse(
            "这笔调拨不是调给您的，只有接收人能确认收货",
            "this transfer is not addressed to you: only its receiver confirms it",
        );
    }
    let part_matches = if out.part_id == confirmation.part_id {
        true
    } else {
        // To another contract: the same technician, the same code, a contract they hold too.
        crate::rules::authorise(auth, &out_record.scope)?;
        out.technician_id == out.to_technician_id && out_record.scope != *scope && {
            let code = part_code(tx, &out.part_id.to_string())?;
            code.is_some() && code == part_code(tx, &confirmation.part_id.to_string())?
        }
    };
    stock::check_confirmation(&out, receiver, part_matches, confirmation.quantity, false)
        .or_else(|e| refuse(e.message_zh, e.message_en))
}
