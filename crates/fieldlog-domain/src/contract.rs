//! Contracts / projects (项目): a client, a service period, an SLA policy and a spare-stock floor.

use crate::ids::ContractId;
use crate::sla::SlaPolicy;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The stock floor a contract promises (domain.md: at least 10 spare units and 50 spare parts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SpareFloor {
    /// Whole spare devices (备品).
    pub units: i64,
    /// Spare parts (备件).
    pub parts: i64,
}

impl Default for SpareFloor {
    fn default() -> Self {
        Self {
            units: 10,
            parts: 50,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Contract {
    pub id: ContractId,
    /// Short stable code, e.g. `county-police-village-query`.
    pub code: String,
    pub name: String,
    /// The client (采购人).
    pub client: String,
    pub service_start: NaiveDate,
    pub service_end: NaiveDate,
    pub spare_floor: SpareFloor,
    /// The policy version new faults are opened under.
    pub policy_version: u32,
    pub policy: SlaPolicy,
}

impl Contract {
    /// The service period is over on `today` (a date in Asia/Shanghai): the period includes its
    /// last day, so a contract the office closes today (its `service_end` set to today) reads as
    /// ended from tomorrow.
    pub fn service_ended(&self, today: NaiveDate) -> bool {
        today > self.service_end
    }
}
