//! Planned inspections (巡检): quarterly security inspections and routine visits, each with a
//! checklist, done by an arrival on site and recorded like any maintenance visit.

use crate::ids::{ArrivalId, ContractId, SiteId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

code_enum! {
    pub enum InspectionKind {
        /// 每季度系统安全巡检.
        SecurityQuarterly = "security_quarterly", "季度安全巡检", "Quarterly security inspection";
        /// 日常巡检.
        Routine = "routine", "日常巡检", "Routine inspection";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Inspection {
    pub id: Uuid,
    pub contract_id: ContractId,
    pub site_id: SiteId,
    pub kind: InspectionKind,
    pub planned_for: NaiveDate,
    pub checklist: Vec<String>,
    pub done_arrival_id: Option<ArrivalId>,
    pub done_at: Option<DateTime<Utc>>,
}

impl Inspection {
    /// Due on `day`: planned for it or earlier, and not done yet.
    pub fn is_due(&self, day: NaiveDate) -> bool {
        self.done_at.is_none() && self.planned_for <= day
    }
}
