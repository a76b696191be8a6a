//! Issue 19 on the laptop: a fault recorded in the app (报修, a call the technician takes), and
//! Today's fault list by time left (`fieldlog_domain::today`), with the faults whose customer
//! still has to be told kept on it. The fault row itself is written by `faults::record_fault`
//! (the one place); event times entered later are checked in `faults::record_event`.

use crate::{Result, Store};
use chrono::{DateTime, Utc};
use fieldlog_domain::fault::NewFault;
use fieldlog_domain::today::{self, Holding, TodayFault, TodayFilter};
use fieldlog_wire::v1::{FaultDetail, FaultHolder, FaultRow, TodayFaultGroup};

/// Whose a fault is, as Today groups it (a disputed fault is mine when I am a claimant).
pub(crate) fn holding(holder: &FaultHolder) -> Holding {
    match holder {
        FaultHolder::Mine | FaultHolder::Disputed { mine: true, .. } => Holding::Mine,
        FaultHolder::Unassigned => Holding::Unassigned,
        FaultHolder::Other { .. } | FaultHolder::Disputed { mine: false, .. } => Holding::Others,
    }
}

/// Today's fault groups from every fault row (clocks judged as of the read), narrowed by `filter`.
pub(crate) fn today_groups(rows: Vec<FaultRow>, filter: &TodayFilter) -> Vec<TodayFaultGroup> {
    today::arrange(rows, filter, |row| TodayFault {
        contract_id: row.contract_id,
        level: row.level,
        status: row.status,
        holding: holding(&row.holder),
        reported_at: row.reported_at,
        clocks: &row.clocks,
    })
    .into_iter()
    .map(|(group, faults)| TodayFaultGroup {
        group,
        faults,
        offers: group.offers().to_vec(),
    })
    .collect()
}

impl Store {
    /// Today's fault groups as of `now` (every fault's clocks are judged: a resolved fault may
    /// still owe the customer a word).
    pub fn today_fault_groups(
        &self,
        filter: &TodayFilter,
        now: DateTime<Utc>,
    ) -> Result<Vec<TodayFaultGroup>> {
        Ok(today_groups(self.fault_rows(now)?, filter))
    }
}

/// A call the technician takes in the app (报修): the call time may be earlier than now (the
/// clocks start at the call) but not more than `fault::MAX_CALL_AGE` ago, the caller's number is
/// checked when given. Answered with the fault as it now stands.
pub fn record_call(store: &mut Store, fault: NewFault, now: DateTime<Utc>) -> Result<FaultDetail> {
    fieldlog_domain::fault::check_call_time(fault.reported_at, now)?;
    crate::desk::report_fault(store, fault, now)
}
