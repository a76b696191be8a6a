//! Spare stock (备品备件) as a ledger: parts are received, used on a repair, returned or
//! transferred; a balance is what the movements add up to, never a stored count.

use crate::contract::SpareFloor;
use crate::ids::{ContractId, EntryId, FaultId, MovementId, PartId, TechnicianId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

code_enum! {
    /// A whole spare device (备品) or a spare part (备件): the contract's floor differs for each.
    pub enum SpareKind {
        Unit = "unit", "备品";
        Part = "part", "备件";
    }
}

code_enum! {
    pub enum MovementKind {
        /// Into stock from the warehouse or a supplier (入库).
        Received = "received", "入库";
        /// Out of stock onto a repair (使用).
        Used = "used", "使用";
        /// Back into stock, unused (退回).
        Returned = "returned", "退回";
        /// Into this stock from another (调入).
        TransferIn = "transfer_in", "调入";
        /// Out of this stock to another (调出).
        TransferOut = "transfer_out", "调出";
    }
}

impl MovementKind {
    /// +1 for movements that add to stock, -1 for those that take from it.
    pub fn sign(self) -> i64 {
        match self {
            MovementKind::Received | MovementKind::Returned | MovementKind::TransferIn => 1,
            MovementKind::Used | MovementKind::TransferOut => -1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SparePart {
    pub id: PartId,
    pub contract_id: ContractId,
    /// The branch's material code.
    pub code: String,
    pub name: String,
    pub kind: SpareKind,
    pub model: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockMovement {
    pub id: MovementId,
    pub part_id: PartId,
    pub kind: MovementKind,
    /// Always positive; the kind gives the direction.
    pub quantity: i64,
    pub at: DateTime<Utc>,
    pub technician_id: Option<TechnicianId>,
    pub fault_id: Option<FaultId>,
    pub entry_id: Option<EntryId>,
    pub old_serial: Option<String>,
    pub new_serial: Option<String>,
    pub note: Option<String>,
}

/// The balance a ledger adds up to.
pub fn balance<I>(movements: I) -> i64
where
    I: IntoIterator<Item = (MovementKind, i64)>,
{
    movements
        .into_iter()
        .map(|(kind, qty)| kind.sign() * qty)
        .sum()
}

/// Stock against the contract's floor: what the manager must see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FloorStatus {
    pub units: i64,
    pub parts: i64,
    pub floor: SpareFloor,
    pub units_below_floor: bool,
    pub parts_below_floor: bool,
}

/// Totals per kind from per-part balances, checked against the floor.
pub fn floor_status<I>(balances: I, floor: SpareFloor) -> FloorStatus
where
    I: IntoIterator<Item = (SpareKind, i64)>,
{
    let (mut units, mut parts) = (0, 0);
    for (kind, qty) in balances {
        match kind {
            SpareKind::Unit => units += qty,
            SpareKind::Part => parts += qty,
        }
    }
    FloorStatus {
        units,
        parts,
        floor,
        units_below_floor: units < floor.units,
        parts_below_floor: parts < floor.parts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MovementKind::*;

    #[test]
    fn balance_is_the_signed_sum_of_movements() {
        let cases: &[(&[(MovementKind, i64)], i64)] = &[
            (&[], 0),
            (&[(Received, 10)], 10),
            (&[(Received, 10), (Used, 3)], 7),
            (&[(Received, 10), (Used, 3), (Returned, 1)], 8),
            (&[(TransferIn, 5), (TransferOut, 2), (Used, 4)], -1),
        ];
        for (movements, expected) in cases {
            assert_eq!(
                balance(movements.iter().copied()),
                *expected,
                "{movements:?}"
            );
        }
    }

    #[test]
    fn floor_is_checked_per_kind_at_the_boundary() {
        let floor = SpareFloor::default();
        let at = floor_status([(SpareKind::Unit, 10), (SpareKind::Part, 49)], floor);
        assert!(!at.units_below_floor, "exactly 10 units meets the floor");
        assert!(at.parts_below_floor, "49 parts is under a floor of 50");
        let split = floor_status(
            [
                (SpareKind::Part, 30),
                (SpareKind::Part, 20),
                (SpareKind::Unit, 9),
            ],
            floor,
        );
        assert_eq!((split.units, split.parts), (9, 50));
        assert!(split.units_below_floor && !split.parts_below_floor);
    }
}
