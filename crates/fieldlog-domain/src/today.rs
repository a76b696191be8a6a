//! Today's faults (issue 19): which faults the Today screen shows, in which group and order, as a
//! pure function of each fault's facts (time passed in through its clocks, judged at the moment
//! the screen reads them).
//!
//! - Groups, in this order: **mine** (我的), **unassigned** (待接单: anybody may take it), **others'**
//!   (他人的), then **customer to be told** (待告知客户): faults no longer open whose feedback clock
//!   is still running (the e-government promise: tell the customer the result within 24 h). A
//!   resolved fault stays on Today in that last group until a `CustomerInformed` event stops its
//!   clock; other closed faults leave Today.
//! - Within a group, by the time left on the most urgent counting clock (`clocks::most_urgent`):
//!   overdue first (most overdue first), then the least time left; faults with no counting clock
//!   after them, newest report first.
//! - Filters: contract, level, status, and "mine only" (the faults the technician holds, in any
//!   group).

use crate::clocks::{self, Clock};
use crate::fault::FaultStatus;
use crate::ids::ContractId;
use crate::sla::FaultLevel;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

code_enum! {
    /// A group of Today's fault list.
    pub enum TodayGroup {
        Mine = "mine", "我的故障", "Mine";
        Unassigned = "unassigned", "待接单", "Unassigned";
        Others = "others", "他人处理中", "Others'";
        /// Resolved (or closed) and the customer still has to be told the result.
        AwaitingFeedback = "awaiting_feedback", "待告知客户", "Customer to be told";
    }
}

code_enum! {
    /// A one-tap action Today offers beside each fault of a group (opening the fault is always
    /// there). Decided here, from the group, so that the window only draws what the core offers.
    pub enum TodayOffer {
        /// 接单: only while nobody holds the fault and it is still open.
        Take = "take", "接单", "Take";
        /// 已告知客户: the customer told the result (`desk::inform_customer`).
        InformCustomer = "inform_customer", "已告知客户", "Customer informed";
    }
}

impl TodayGroup {
    /// What Today offers on each fault of this group: a fault waiting for its customer to be
    /// told is closed, so it is not taken any more, even when nobody holds it.
    pub fn offers(self) -> &'static [TodayOffer] {
        match self {
            TodayGroup::Unassigned => &[TodayOffer::Take],
            TodayGroup::AwaitingFeedback => &[TodayOffer::InformCustomer],
            TodayGroup::Mine | TodayGroup::Others => &[],
        }
    }
}

/// Who holds a fault, seen from this laptop's technician (the holder's three cases; a disputed
/// fault is the technician's when they are one of its claimants).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding {
    Mine,
    Unassigned,
    Others,
}

/// What narrows Today's fault list (every field empty: everything).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct TodayFilter {
    #[serde(default)]
    pub contract_id: Option<ContractId>,
    #[serde(default)]
    pub level: Option<FaultLevel>,
    #[serde(default)]
    pub status: Option<FaultStatus>,
    /// Only the faults this technician holds.
    #[serde(default)]
    pub mine_only: bool,
}

/// What placing one fault on Today looks at.
#[derive(Debug, Clone, Copy)]
pub struct TodayFault<'a> {
    pub contract_id: ContractId,
    pub level: FaultLevel,
    pub status: FaultStatus,
    pub holding: Holding,
    pub reported_at: DateTime<Utc>,
    /// Its clocks as of the moment Today is read.
    pub clocks: &'a [Clock],
}

/// The group a fault goes in, or `None` when it is not on Today (closed, customer told or never
/// owed a word).
pub fn group_of(fault: &TodayFault<'_>) -> Option<TodayGroup> {
    if !fault.status.is_open() {
        return clocks::awaiting_feedback(fault.status, fault.clocks)
            .then_some(TodayGroup::AwaitingFeedback);
    }
    Some(match fault.holding {
        Holding::Mine => TodayGroup::Mine,
        Holding::Unassigned => TodayGroup::Unassigned,
        Holding::Others => TodayGroup::Others,
    })
}

/// Whether `filter` keeps the fault.
pub fn kept(filter: &TodayFilter, fault: &TodayFault<'_>) -> bool {
    filter.contract_id.is_none_or(|c| c == fault.contract_id)
        && filter.level.is_none_or(|l| l == fault.level)
        && filter.status.is_none_or(|s| s == fault.status)
        && (!filter.mine_only || fault.holding == Holding::Mine)
}

/// Today's groups, in order, each with its faults most urgent first; empty groups left out.
/// `facts` reads an item's facts (the store's rows, a test's tuples).
pub fn arrange<T>(
    items: Vec<T>,
    filter: &TodayFilter,
    facts: impl Fn(&T) -> TodayFault<'_>,
) -> Vec<(TodayGroup, Vec<T>)> {
    let mut placed: Vec<(TodayGroup, Option<i64>, DateTime<Utc>, T)> = items
        .into_iter()
        .filter_map(|item| {
            let fault = facts(&item);
            let group = group_of(&fault).filter(|_| kept(filter, &fault))?;
            let left = clocks::most_urgent(fault.clocks).and_then(|c| c.remaining_seconds);
            let reported_at = fault.reported_at;
            Some((group, left, reported_at, item))
        })
        .collect();
    placed.sort_by_key(|(group, left, reported_at, _)| {
        (
            *group,
            left.is_none(),
            *left,
            std::cmp::Reverse(*reported_at),
        )
    });
    let mut groups: Vec<(TodayGroup, Vec<T>)> = Vec::new();
    for (group, _, _, item) in placed {
        match groups.last_mut() {
            Some((last, items)) if *last == group => items.push(item),
            _ => groups.push((group, vec![item])),
        }
    }
    groups
}
