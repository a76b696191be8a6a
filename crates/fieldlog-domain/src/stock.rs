//! Spare stock (备品备件) as a ledger: parts are received, used on a repair, returned or
//! transferred; a balance is what the movements add up to, never a stored count.

use crate::contract::SpareFloor;
use crate::ids::{ContractId, EntryId, FaultId, MovementId, PartId, TechnicianId};
use crate::validate::InvalidInput;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

code_enum! {
    /// A whole spare device (备品) or a spare part (备件): the contract's floor differs for each.
    pub enum SpareKind {
        Unit = "unit", "备品", "Spare unit";
        Part = "part", "备件", "Spare part";
    }
}

code_enum! {
    pub enum MovementKind {
        /// Into stock from the warehouse or a supplier (入库).
        Received = "received", "入库", "Received";
        /// Out of stock onto a repair (使用).
        Used = "used", "使用", "Used";
        /// Back into stock, unused (退回).
        Returned = "returned", "退回", "Returned";
        /// Into this stock from another (调入).
        TransferIn = "transfer_in", "调入", "Transfer in";
        /// Out of this stock to another (调出).
        TransferOut = "transfer_out", "调出", "Transfer out";
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SparePart {
    pub id: PartId,
    pub contract_id: ContractId,
    /// The branch's material code.
    pub code: String,
    pub name: String,
    pub kind: SpareKind,
    pub model: Option<String>,
    /// A spare of the contract's main equipment (主要设备): the spare floor counts only these.
    #[serde(default = "main_by_default")]
    pub main_equipment: bool,
}

fn main_by_default() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
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

/// Spare substitution (备品备件替代) takes a spare unit of the same model as the failed device
/// (domain.md, row "Spare substitution"). Anything else is refused with both models named.
pub fn check_substitution(
    device_model: Option<&str>,
    part: &SparePart,
) -> Result<(), InvalidInput> {
    let Some(device_model) = device_model else {
        return Err(InvalidInput::new(
            "fault",
            "该故障未登记故障设备，无法核对备品型号；备品替代须针对登记了设备的故障",
            "the fault names no device, so the spare's model cannot be checked; substitute on a fault that names its device",
        ));
    };
    if part.kind != SpareKind::Unit {
        return Err(InvalidInput::new(
            "part",
            format!("“{}”是备件，备品替代须使用整机备品（备品）", part.name),
            format!(
                "{} is a spare part; a substitution takes a whole spare unit",
                part.code
            ),
        ));
    }
    let part_model = part.model.as_deref().unwrap_or("");
    if part_model.trim() != device_model.trim() {
        let shown = if part_model.is_empty() {
            "未登记"
        } else {
            part_model
        };
        return Err(InvalidInput::new(
            "part",
            format!("备品型号“{shown}”与故障设备型号“{device_model}”不同，须使用同型号备品替代"),
            format!(
                "the spare's model '{shown}' differs from the failed device's model '{device_model}'; use a spare of the same model"
            ),
        ));
    }
    Ok(())
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
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

/// The contract's floor over the spares of its *main* equipment only (domain.md, row "Spare
/// floor": ≥ 10 spare units and ≥ 50 spare parts of the main equipment). `balances` gives each
/// part's kind, whether it is main equipment, and its balance.
pub fn main_equipment_floor<I>(balances: I, floor: SpareFloor) -> FloorStatus
where
    I: IntoIterator<Item = (SpareKind, bool, i64)>,
{
    floor_status(
        balances
            .into_iter()
            .filter(|(_, main, _)| *main)
            .map(|(kind, _, qty)| (kind, qty)),
        floor,
    )
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

    /// domain.md, "which contract promises what", row "Spare floor": police ≥ 10 units and ≥ 50
    /// parts of the main equipment; spares of other equipment do not count.
    #[test]
    fn row_spare_floor_counts_main_equipment_only() {
        let floor = crate::sla::Preset::CountyPoliceVillageQuery.spare_floor();
        let with_accessories = main_equipment_floor(
            [
                (SpareKind::Unit, true, 9),
                (SpareKind::Unit, false, 5),
                (SpareKind::Part, true, 50),
                (SpareKind::Part, false, 30),
            ],
            floor,
        );
        assert_eq!((with_accessories.units, with_accessories.parts), (9, 50));
        assert!(
            with_accessories.units_below_floor,
            "9 main units, 5 others: under 10"
        );
        assert!(
            !with_accessories.parts_below_floor,
            "exactly 50 main parts meets it"
        );
        let egov = main_equipment_floor(
            [(SpareKind::Unit, true, 0), (SpareKind::Part, true, 0)],
            crate::sla::Preset::CityEgovExtranet.spare_floor(),
        );
        assert!(
            !egov.units_below_floor && !egov.parts_below_floor,
            "egov: no floor"
        );
    }

    #[test]
    fn substitution_takes_a_spare_of_the_same_model_only() {
        let part = |kind, model: Option<&str>| SparePart {
            id: PartId(uuid::Uuid::nil()),
            contract_id: ContractId(uuid::Uuid::nil()),
            code: "BP-1".into(),
            name: "枪型摄像机（备品）".into(),
            kind,
            model: model.map(Into::into),
            main_equipment: true,
        };
        assert!(check_substitution(Some("QX-200"), &part(SpareKind::Unit, Some("QX-200"))).is_ok());
        let other =
            check_substitution(Some("QX-200"), &part(SpareKind::Unit, Some("QJ-400"))).unwrap_err();
        assert!(
            other.message_zh.contains("QX-200") && other.message_zh.contains("QJ-400"),
            "{}",
            other.message_zh
        );
        assert!(check_substitution(Some("QX-200"), &part(SpareKind::Unit, None)).is_err());
        assert!(
            check_substitution(Some("QX-200"), &part(SpareKind::Part, Some("QX-200"))).is_err()
        );
        assert_eq!(
            check_substitution(None, &part(SpareKind::Unit, Some("QX-200")))
                .unwrap_err()
                .field,
            "fault"
        );
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
