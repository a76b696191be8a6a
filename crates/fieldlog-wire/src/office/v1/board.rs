//! Office API v1: the board (看板) — every open fault of the contracts the account sees, across
//! all technicians, with its live SLA clocks, most urgent first.
//!
//! | request | who | body → answer |
//! |---|---|---|
//! | `GET /office/v1/board?contract=&level=&technician=&state=` | everyone signed in (managers: granted contracts) | → [`Board`] |
//!
//! The clocks are the laptop's (`fieldlog_domain::clocks`, one pure function) over what the
//! server holds at [`Board::computed_at`]: **what the board shows is what has synced**, and
//! [`BoardTechnician::last_heard_at`] says when each technician's laptops last synced. A fault is
//! on the board while it is open (`fieldlog_domain::fault::status`), and after it is resolved
//! while the customer still waits to be told the result (反馈, e-government), until told.
//!
//! The console polls every [`REFRESH_SECONDS`] (a plain GET: works through any proxy, nothing held
//! open per browser); the server catches its in-memory model up with what synced since the last
//! read, so a refresh costs the change, not a rescan.
//!
//! Filters: `contract` (a code; one the account does not see is 404), `level` (A/B/C),
//! `technician` (a server technician id: faults they hold or claim), `state` ([`BoardState`]).

use chrono::{DateTime, Utc};
use fieldlog_domain::clocks::{ClockKind, ClockState};
use fieldlog_domain::dispatch::Holder;
use fieldlog_domain::fault::FaultStatus;
use fieldlog_domain::ids::FaultId;
use fieldlog_domain::sla::FaultLevel;
use serde::{Deserialize, Serialize};

/// How often the console asks again.
pub const REFRESH_SECONDS: u32 = 5;

/// Share of a clock's limit below which it is near breach (under 25 % left).
pub const NEAR_SHARE: f64 = 0.25;

/// How a fault stands on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum BoardState {
    /// Every running clock has a quarter of its limit or more left.
    Ok,
    /// A running clock has less than a quarter of its limit left.
    Near,
    /// A clock is breached (overdue and running, or stopped late).
    Breached,
    /// Resolved, the customer not yet told (only the feedback clock runs), within its limit.
    WaitingFeedback,
}

/// `GET /office/v1/board` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct BoardQuery {
    #[serde(default)]
    pub contract: Option<String>,
    #[serde(default)]
    pub level: Option<FaultLevel>,
    #[serde(default)]
    pub technician: Option<String>,
    #[serde(default)]
    pub state: Option<BoardState>,
}

/// One fault on the board.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct BoardRow {
    pub fault_id: FaultId,
    pub contract_code: String,
    pub site_code: String,
    pub site_name: String,
    /// The device's label (kind and model), when the fault names one.
    pub device: Option<String>,
    pub level: FaultLevel,
    pub reported_at: DateTime<Utc>,
    pub description: String,
    pub first_receiver: String,
    pub caller: Option<String>,
    pub status: FaultStatus,
    /// Who holds it (a disputed fault lists every claimant).
    pub holder: Holder,
    /// Every clock that has started, as the domain judges it at [`Board::computed_at`] (its rule
    /// in words is on the fault's own page).
    pub clocks: Vec<BoardClock>,
    /// The running clock with the least time left (None: none runs).
    pub urgent: Option<ClockKind>,
    /// Its seconds left (negative: overdue).
    pub seconds_left: Option<i64>,
    /// Its whole limit, in seconds (deadline − start).
    pub limit_seconds: Option<i64>,
    pub state: BoardState,
    /// Resolved and the customer not yet told.
    pub waiting_feedback: bool,
}

/// A clock as the board shows it: the domain's `Clock` without its rule's words (2,000 rows of
/// them every few seconds is the board's whole weight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct BoardClock {
    pub kind: ClockKind,
    pub state: ClockState,
    pub deadline: Option<DateTime<Utc>>,
    /// Seconds left while it runs (negative: overdue and still running).
    pub remaining_seconds: Option<i64>,
}

/// A laptop of a technician, when the server last heard from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct BoardLaptop {
    pub id: String,
    pub name: String,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

/// A technician of the contracts shown, and when their laptops last synced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct BoardTechnician {
    pub id: String,
    pub name: String,
    /// The latest sync of any of their laptops (None: never synced).
    pub last_heard_at: Option<DateTime<Utc>>,
    pub laptops: Vec<BoardLaptop>,
}

/// A contract the account sees (the contract filter's choices).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct BoardContract {
    pub code: String,
    pub name: String,
}

/// `GET /office/v1/board`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Board {
    /// The server's time the clocks were computed at.
    pub computed_at: DateTime<Utc>,
    pub refresh_seconds: u32,
    /// Sorted by time left, least first (overdue first); faults with no running clock last.
    pub rows: Vec<BoardRow>,
    pub technicians: Vec<BoardTechnician>,
    pub contracts: Vec<BoardContract>,
}
