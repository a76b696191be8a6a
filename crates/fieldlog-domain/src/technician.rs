//! Technicians (技服人员 / 运维工程师): the people who own a profile on a laptop.

use crate::ids::TechnicianId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Technician {
    pub id: TechnicianId,
    pub name: String,
    /// Employee number, as the branch writes it.
    pub staff_no: Option<String>,
}
