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
        /// Back into stock, unused (退回): also the movement that puts a draft entry's parts back
        /// when the entry is changed or deleted. Its sign is what profiles already hold: never
        /// reinterpret a stored kind. Giving parts back to the office's warehouse (退库) is a
        /// transfer out that names nobody.
        Returned = "returned", "退回", "Returned";
        /// Into this stock from another (调入): a colleague's transfer confirmed, or the same
        /// technician's from another contract (`StockMovement::transfer_of` names the out).
        TransferIn = "transfer_in", "调入", "Transfer in";
        /// Out of this stock to another (调出): to a colleague (`to_technician_id`), in transit
        /// until the colleague confirms; to the same code in another contract; or, naming nobody,
        /// given back to the office's warehouse (退库: it leaves the contract's stock).
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
    /// A transfer out to a colleague: the receiver (their profile id).
    #[serde(default)]
    pub to_technician_id: Option<TechnicianId>,
    /// A transfer in: the transfer out it receives (confirms).
    #[serde(default)]
    pub transfer_of: Option<MovementId>,
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

/// Who holds one part's stock (issue 19): each technician's balance, and what is on its way
/// from one to another. The contract's total is what its technicians hold plus what is in
/// transit: parts between two colleagues are still the contract's spares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Holdings {
    /// Balance by holder; `None` holds movements recorded without a technician (a laptop before
    /// its profile, the office).
    pub by_holder: std::collections::BTreeMap<Option<TechnicianId>, i64>,
    /// Transfers out to a colleague that no transfer in has confirmed yet.
    pub in_transit: i64,
}

impl Holdings {
    /// What `holder` may use, give back or pass on: their own, and what was recorded without a
    /// technician on their laptop (before a profile existed).
    /// Unnamed stock is a pool: what other technicians took beyond their own came out of it.
    pub fn of(&self, holder: Option<TechnicianId>) -> i64 {
        let drawn: i64 = self
            .by_holder
            .iter()
            .filter(|(h, qty)| h.is_some() && **h != holder && **qty < 0)
            .map(|(_, qty)| -qty)
            .sum();
        let unnamed = self.by_holder.get(&None).copied().unwrap_or(0) - drawn;
        match holder {
            Some(_) => self.by_holder.get(&holder).copied().unwrap_or(0) + unnamed,
            None => unnamed,
        }
    }

    /// The part's total in the contract: held by anyone, or in transit between colleagues.
    pub fn total(&self) -> i64 {
        self.by_holder.values().sum::<i64>() + self.in_transit
    }
}

/// One part's holdings from its movements; `confirmed` says whether a transfer out has its
/// transfer in (which may be another part's, for a transfer to another contract).
pub fn holdings<'a, I>(movements: I, confirmed: impl Fn(MovementId) -> bool) -> Holdings
where
    I: IntoIterator<Item = &'a StockMovement>,
{
    let mut out = Holdings::default();
    for m in movements {
        *out.by_holder.entry(m.technician_id).or_default() += m.kind.sign() * m.quantity;
        // Only a transfer to a colleague travels: one to another contract (to oneself) is
        // received at once, and one that names nobody (before issue 19) left the contract.
        let to_colleague = m.to_technician_id.is_some() && m.to_technician_id != m.technician_id;
        if m.kind == MovementKind::TransferOut && to_colleague && !confirmed(m.id) {
            out.in_transit += m.quantity;
        }
    }
    out
}

/// The id of the transfer in that confirms (receives) `out`: one per transfer, so a second
/// confirmation can only be the same record: the laptop's primary key refuses it, and the server
/// refuses any confirmation under another id (`rules::check_movement`).
pub fn confirmation_id(out: MovementId) -> MovementId {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("fieldlog:transfer_in:{}", out.0));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    // A version-8 (name-based, custom) UUID of the RFC 4122 variant.
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    MovementId(uuid::Uuid::from_bytes(bytes))
}

/// Why a transfer in may not confirm a transfer out (the laptop's store and the server's push
/// rules ask the same questions): only the named receiver, of a transfer out, the same part (or,
/// to another contract, the part of the same code there: `part_matches`) and quantity, once.
pub fn check_confirmation(
    out: &StockMovement,
    receiver: TechnicianId,
    part_matches: bool,
    quantity: i64,
    already_confirmed: bool,
) -> Result<(), InvalidInput> {
    let refuse = |zh: String, en: String| Err(InvalidInput::new("transfer_of", zh, en));
    if out.kind != MovementKind::TransferOut || out.to_technician_id.is_none() {
        return refuse(
            "所确认的记录不是调给同事的调出".into(),
            "the record confirmed is not a transfer out to a colleague".into(),
        );
    }
    if out.to_technician_id != Some(receiver) {
        return refuse(
            "这笔调拨不是调给您的，只有接收人能确认收货".into(),
            "this transfer is not addressed to you: only its receiver confirms it".into(),
        );
    }
    if already_confirmed {
        return refuse(
            "这笔调拨已确认收货，不能再次确认".into(),
            "this transfer is already confirmed: it cannot be confirmed twice".into(),
        );
    }
    if !part_matches || out.quantity != quantity {
        return refuse(
            format!("确认收货须与调出相同：同一备件，数量 {}", out.quantity),
            format!(
                "a confirmation matches its transfer: the same part, quantity {}",
                out.quantity
            ),
        );
    }
    Ok(())
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

    fn moved(
        kind: MovementKind,
        quantity: i64,
        holder: u128,
        to: Option<u128>,
        of: Option<u128>,
    ) -> StockMovement {
        StockMovement {
            id: MovementId(uuid::Uuid::now_v7()),
            part_id: PartId(uuid::Uuid::nil()),
            kind,
            quantity,
            at: chrono::DateTime::UNIX_EPOCH,
            technician_id: Some(TechnicianId(uuid::Uuid::from_u128(holder))),
            fault_id: None,
            entry_id: None,
            old_serial: None,
            new_serial: None,
            note: None,
            to_technician_id: to.map(|t| TechnicianId(uuid::Uuid::from_u128(t))),
            transfer_of: of.map(|o| MovementId(uuid::Uuid::from_u128(o))),
        }
    }

    /// Issue 19: balances per holder; a transfer to a colleague is in transit (still the
    /// contract's) until confirmed; then it is the receiver's.
    #[test]
    fn holdings_per_technician_and_in_transit() {
        let tech = |n| Some(TechnicianId(uuid::Uuid::from_u128(n)));
        let received = moved(Received, 20, 1, None, None);
        let used = moved(Used, 3, 1, None, None);
        let out = moved(TransferOut, 5, 1, Some(2), None);
        // 退库: a transfer out that names nobody leaves the contract.
        let given_back = moved(TransferOut, 2, 1, None, None);
        let ledger = [received, used, out.clone(), given_back];
        let before = holdings(&ledger, |_| false);
        assert_eq!(
            before.of(tech(1)),
            10,
            "20 - 3 used - 5 sent - 2 given back"
        );
        assert_eq!(before.of(tech(2)), 0, "not the receiver's until confirmed");
        assert_eq!(before.in_transit, 5);
        assert_eq!(
            before.total(),
            15,
            "in transit still counts for the contract"
        );
        let confirm = StockMovement {
            transfer_of: Some(out.id),
            ..moved(TransferIn, 5, 2, None, None)
        };
        let mut after_ledger = ledger.to_vec();
        after_ledger.push(confirm);
        let after = holdings(&after_ledger, |id| id == out.id);
        assert_eq!((after.of(tech(1)), after.of(tech(2))), (10, 5));
        assert_eq!((after.in_transit, after.total()), (0, 15));
        // Recorded without a technician: the laptop's own, whoever its profile is.
        let unnamed = StockMovement {
            technician_id: None,
            ..moved(Received, 4, 0, None, None)
        };
        assert_eq!(holdings([&unnamed], |_| false).of(tech(7)), 4);
    }

    #[test]
    fn a_confirmation_is_the_receivers_of_the_same_part_and_quantity_once() {
        let me = TechnicianId(uuid::Uuid::from_u128(2));
        let out = moved(TransferOut, 5, 1, Some(2), None);
        let part = true;
        assert!(check_confirmation(&out, me, part, 5, false).is_ok());
        assert!(check_confirmation(&out, me, false, 5, false).is_err());
        let other = TechnicianId(uuid::Uuid::from_u128(3));
        assert!(
            check_confirmation(&out, other, part, 5, false)
                .unwrap_err()
                .message_zh
                .contains("不是调给您的")
        );
        assert!(
            check_confirmation(&out, me, part, 5, true)
                .unwrap_err()
                .message_zh
                .contains("已确认")
        );
        assert!(
            check_confirmation(&out, me, part, 4, false)
                .unwrap_err()
                .message_zh
                .contains("数量 5")
        );
        let not_a_transfer = moved(Received, 5, 1, None, None);
        assert!(check_confirmation(&not_a_transfer, me, part, 5, false).is_err());
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
