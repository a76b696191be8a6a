//! Office API v1: taking a fault call (报修登记), dispatching it (派单 / 改派), the client's answer
//! to a force-majeure claim, and one fault read whole with its live clocks.
//!
//! | request | who | body → answer |
//! |---|---|---|
//! | `POST /office/v1/faults` | every role (granted contract); CSRF | [`TakeCall`] → 201 [`FaultDetail`] |
//! | `GET /office/v1/faults/{id}` | granted contract | → [`FaultDetail`] |
//! | `POST /office/v1/faults/{id}/assignments` | every role (granted contract); CSRF | [`AssignRequest`] → [`FaultDetail`] |
//! | `POST /office/v1/faults/{id}/force-majeure-answer` | administrator, customer manager (granted contract); CSRF | [`ForceMajeureAnswer`] → [`FaultDetail`] |
//!
//! Every write is a synced record the server's own `office` device makes (a `faults` row, a
//! `fault_assignments` record, a `fault_events` row), so laptops receive it by their next pull. A
//! fault of a contract the account does not see is answered 404; a closed contract takes no new
//! call (409). The call time is when the client called (the clocks start there), not when it
//! was typed: both are kept.

use chrono::{DateTime, Utc};
use fieldlog_domain::clocks::FaultClocks;
use fieldlog_domain::dispatch::{Assignment, Holder};
use fieldlog_domain::fault::{FaultEvent, FaultStatus, ForceMajeureClaim, ReportChannel};
use fieldlog_domain::site::{DeviceKind, SiteKind};
use fieldlog_domain::sla::FaultLevel;
use serde::{Deserialize, Serialize};

/// `POST /office/v1/faults`: a call taken (报修登记). The signed-in account is its first
/// receiver (首问负责人); with `assign_to`, the call and its first assignment are one action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct TakeCall {
    /// The fault's id (a UUID the console makes when the form opens): the same call sent again
    /// after a lost answer is the same fault. Absent: the server makes one.
    #[serde(default)]
    pub id: Option<String>,
    /// The contract's code.
    pub contract: String,
    pub site_id: String,
    #[serde(default)]
    pub device_id: Option<String>,
    pub level: FaultLevel,
    /// When the client called: at most 7 days ago, not ahead of the server's clock by more than
    /// a few minutes.
    pub reported_at: DateTime<Utc>,
    /// Who called, and on which number (digits, `+`, `-`, spaces; at most 20 characters).
    pub caller: String,
    pub caller_phone: String,
    /// What the caller said.
    pub description: String,
    /// How the call came (the hotline is a phone call). Absent: phone. The office takes calls,
    /// messages and alerts; faults found on inspection or on site are the laptop's to record.
    #[serde(default)]
    pub channel: Option<ReportChannel>,
    /// A technician (server id) of the contract to dispatch it to at once.
    #[serde(default)]
    pub assign_to: Option<String>,
}

/// `POST /office/v1/faults/{id}/assignments`: assign (派单) or reassign (改派) the fault. A
/// reassignment (someone holds it) needs a reason; a disputed fault is settled by it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    pub technician_id: String,
    #[serde(default)]
    pub reason: String,
}

/// `POST /office/v1/faults/{id}/force-majeure-answer`: the client's answer to the technician's
/// force-majeure claim (协商结果), as the customer manager heard it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct ForceMajeureAnswer {
    pub accepted: bool,
    /// The client's person who answered.
    pub by: String,
    #[serde(default)]
    pub note: String,
    /// When they answered.
    pub at: DateTime<Utc>,
}

/// A technician the fault may be dispatched to (assigned to its contract).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TechnicianChoice {
    pub id: String,
    pub name: String,
}

/// An arrival on site recorded for the fault (by a laptop).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct FaultArrival {
    pub id: String,
    pub technician_id: String,
    pub arrived_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
}

/// One fault, whole, as the server holds it now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct FaultDetail {
    pub id: String,
    pub contract: String,
    pub contract_name: String,
    pub site_id: String,
    pub site_code: String,
    pub site_name: String,
    pub site_kind: Option<SiteKind>,
    pub device_id: Option<String>,
    pub device_kind: Option<DeviceKind>,
    pub device_model: Option<String>,
    pub level: FaultLevel,
    pub channel: ReportChannel,
    /// When the client called: the clocks start here.
    pub reported_at: DateTime<Utc>,
    /// When it was recorded (typed in).
    pub recorded_at: DateTime<Utc>,
    /// Absent on faults a laptop recorded without a caller.
    pub caller: Option<String>,
    pub caller_phone: Option<String>,
    pub description: String,
    /// The first receiver (首问负责人): owner until it is closed.
    pub first_receiver: String,
    pub policy_version: u32,
    pub status: FaultStatus,
    /// Its events, in the order they happened.
    pub events: Vec<FaultEvent>,
    pub arrivals: Vec<FaultArrival>,
    /// Its assignment records, oldest first.
    pub assignments: Vec<Assignment>,
    /// Who holds it now (`fieldlog_domain::dispatch::holder`); disputed claims are listed.
    pub holder: Holder,
    /// The force-majeure claim and the client's answer, when a claim was made.
    pub force_majeure: Option<ForceMajeureClaim>,
    /// Whether the client's answer to a pending claim may be recorded (the policy asks for it).
    pub force_majeure_answerable: bool,
    /// Its clocks as of `clocks.at` (`fieldlog_domain::clocks::clocks`, as on the laptop).
    pub clocks: FaultClocks,
    /// Technicians of the contract it may be dispatched to.
    pub technicians: Vec<TechnicianChoice>,
}
