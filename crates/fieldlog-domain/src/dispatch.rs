//! Who holds a fault (派单 / 接单), as a pure function of its assignment records.
//!
//! Dispatch is a ledger, like every other piece of a fault's history: nothing is overwritten. The
//! office assigns (派单) or reassigns (改派, with a reason); a technician takes an unassigned fault
//! on the laptop (接单), offline too. Every record names in `supersedes` the records its writer saw
//! as current when it was made. The rule, in words a dispatcher can check:
//!
//! - A record that no other record supersedes is *current*.
//! - One current record: the fault is that record's technician's.
//! - No record: the fault is unassigned.
//! - Two or more current records: they were made without seeing each other (two technicians took
//!   it offline, or one took it while the office assigned it to another). The fault is *disputed*:
//!   the office sees every claimant, each claimant's laptop sees the others, nobody's record is
//!   dropped. The office settles it by assigning again; its record supersedes all of them.
//!
//! The answer depends only on the set of records, never on the order they arrived in, so every
//! laptop and the server agree once they hold the same records.

use crate::ids::{AssignmentId, FaultId, TechnicianId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

code_enum! {
    /// Who made an assignment record.
    pub enum AssignmentKind {
        /// The office sent it to a technician (派单; a reassignment when something was current).
        Assign = "assign", "派单", "Assigned";
        /// A technician took it on the laptop (接单).
        Take = "take", "接单", "Taken";
    }
}

/// One assignment record (`fault_assignments`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Assignment {
    pub id: AssignmentId,
    pub fault_id: FaultId,
    pub kind: AssignmentKind,
    pub technician_id: TechnicianId,
    pub technician_name: String,
    /// The records its writer saw as current (none: the fault was unassigned to them).
    pub supersedes: Vec<AssignmentId>,
    /// Why (a reassignment carries one).
    pub reason: String,
    /// Who made it: the office account's name, or the technician's.
    pub assigned_by: String,
    /// When it was made, as its writer stated it.
    pub at: DateTime<Utc>,
    /// When it was saved.
    pub recorded_at: DateTime<Utc>,
}

/// Who holds a fault now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Holder {
    Unassigned,
    /// Exactly one current record.
    Assigned {
        current: Assignment,
    },
    /// Several current records made without seeing each other, oldest first: the office must
    /// assign again. Until then each claimant's laptop shows the fault as contested.
    Disputed {
        claims: Vec<Assignment>,
    },
}

impl Holder {
    /// The technician the fault is assigned to, when exactly one is.
    pub fn technician(&self) -> Option<TechnicianId> {
        match self {
            Holder::Assigned { current } => Some(current.technician_id),
            Holder::Unassigned | Holder::Disputed { .. } => None,
        }
    }

    /// Whether `technician` holds or claims the fault.
    pub fn involves(&self, technician: TechnicianId) -> bool {
        self.current().iter().any(|a| a.technician_id == technician)
    }

    /// The current records (none, one, or the disputed claims).
    pub fn current(&self) -> Vec<&Assignment> {
        match self {
            Holder::Unassigned => Vec::new(),
            Holder::Assigned { current } => vec![current],
            Holder::Disputed { claims } => claims.iter().collect(),
        }
    }

    /// The ids a new record made now must supersede: everything current.
    pub fn supersede_all(&self) -> Vec<AssignmentId> {
        self.current().iter().map(|a| a.id).collect()
    }
}

/// Who holds the fault, from its assignment records (in any order; records of other faults are
/// the caller's mistake and are ignored by nobody: pass one fault's records).
pub fn holder(records: &[Assignment]) -> Holder {
    let superseded: HashSet<AssignmentId> = records
        .iter()
        .flat_map(|r| r.supersedes.iter().copied())
        .collect();
    let mut current: Vec<&Assignment> = records
        .iter()
        .filter(|r| !superseded.contains(&r.id))
        .collect();
    // The same record twice (a resend) is one claim.
    current.sort_by_key(|r| (r.at, r.id));
    current.dedup_by_key(|r| r.id);
    match current.as_slice() {
        [] => Holder::Unassigned,
        [one] => Holder::Assigned {
            current: (*one).clone(),
        },
        many => Holder::Disputed {
            claims: many.iter().map(|r| (*r).clone()).collect(),
        },
    }
}

/// Why a new assignment record cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DispatchRefusal {
    /// A technician may take only a fault nobody holds (as the laptop knows it).
    #[error("the fault is already assigned")]
    AlreadyHeld,
    /// A reassignment must say why.
    #[error("a reassignment needs a reason")]
    ReasonRequired,
    /// Assigning it to whoever already holds it changes nothing.
    #[error("the fault is already assigned to this technician")]
    SameTechnician,
}

/// Checks that `kind` to `technician` may be recorded over `now_held` (what the writer sees),
/// with `reason` (trimmed by the caller).
pub fn check(
    now_held: &Holder,
    kind: AssignmentKind,
    technician: TechnicianId,
    reason: &str,
) -> Result<(), DispatchRefusal> {
    match (kind, now_held) {
        (AssignmentKind::Take, Holder::Unassigned) => Ok(()),
        (AssignmentKind::Take, _) => Err(DispatchRefusal::AlreadyHeld),
        (AssignmentKind::Assign, Holder::Assigned { current })
            if current.technician_id == technician =>
        {
            Err(DispatchRefusal::SameTechnician)
        }
        (AssignmentKind::Assign, Holder::Assigned { .. }) if reason.trim().is_empty() => {
            Err(DispatchRefusal::ReasonRequired)
        }
        (AssignmentKind::Assign, _) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn record(n: u128, technician: u128, kind: AssignmentKind, supersedes: &[u128]) -> Assignment {
        let at = DateTime::from_timestamp(1_800_000_000 + n as i64 * 60, 0).unwrap();
        Assignment {
            id: AssignmentId(Uuid::from_u128(n)),
            fault_id: FaultId(Uuid::from_u128(1000)),
            kind,
            technician_id: TechnicianId(Uuid::from_u128(technician)),
            technician_name: format!("技服{technician}"),
            supersedes: supersedes
                .iter()
                .map(|s| AssignmentId(Uuid::from_u128(*s)))
                .collect(),
            reason: String::new(),
            assigned_by: "调度".into(),
            at,
            recorded_at: at,
        }
    }

    use AssignmentKind::{Assign, Take};

    /// (case, records, expected current record numbers)
    #[test]
    fn holder_follows_the_records_whatever_their_order() {
        let cases: &[(&str, Vec<Assignment>, Vec<u128>)] = &[
            ("nothing", vec![], vec![]),
            ("assigned", vec![record(1, 7, Assign, &[])], vec![1]),
            (
                "reassigned",
                vec![record(1, 7, Assign, &[]), record(2, 8, Assign, &[1])],
                vec![2],
            ),
            (
                "two offline takes",
                vec![record(1, 7, Take, &[]), record(2, 8, Take, &[])],
                vec![1, 2],
            ),
            (
                "taken while the office assigned another",
                vec![record(1, 8, Assign, &[]), record(2, 7, Take, &[])],
                vec![1, 2],
            ),
            (
                "dispute settled by the office",
                vec![
                    record(1, 7, Take, &[]),
                    record(2, 8, Take, &[]),
                    record(3, 8, Assign, &[1, 2]),
                ],
                vec![3],
            ),
            (
                "a resent record is one claim",
                vec![record(1, 7, Take, &[]), record(1, 7, Take, &[])],
                vec![1],
            ),
        ];
        for (case, records, expected) in cases {
            let mut forwards = records.clone();
            let mut backwards = records.clone();
            backwards.reverse();
            for records in [&mut forwards, &mut backwards] {
                let got: Vec<u128> = holder(records)
                    .current()
                    .iter()
                    .map(|a| a.id.0.as_u128())
                    .collect();
                assert_eq!(&got, expected, "{case}");
            }
        }
    }

    #[test]
    fn a_take_needs_an_unassigned_fault_and_a_reassignment_a_reason() {
        let t7 = TechnicianId(Uuid::from_u128(7));
        let t8 = TechnicianId(Uuid::from_u128(8));
        let held = holder(&[record(1, 7, Assign, &[])]);
        let disputed = holder(&[record(1, 7, Take, &[]), record(2, 8, Take, &[])]);
        assert_eq!(check(&Holder::Unassigned, Take, t7, ""), Ok(()));
        assert_eq!(
            check(&held, Take, t8, ""),
            Err(DispatchRefusal::AlreadyHeld)
        );
        assert_eq!(
            check(&held, Assign, t8, " "),
            Err(DispatchRefusal::ReasonRequired)
        );
        assert_eq!(
            check(&held, Assign, t7, "again"),
            Err(DispatchRefusal::SameTechnician)
        );
        assert_eq!(check(&held, Assign, t8, "病假"), Ok(()));
        assert_eq!(check(&disputed, Assign, t8, ""), Ok(()));
        assert_eq!(check(&Holder::Unassigned, Assign, t8, ""), Ok(()));
    }
}
