//! The monthly summary (每月维护报告汇总), for a month or any date range: a pure function of the
//! contract's faults, their events, who worked on them and the stock ledger. Every figure carries
//! the ids of the faults behind it, so a screen can drill down from a number to the faults.
//!
//! # Definitions
//!
//! A range is `[from, to)` in Asia/Shanghai calendar days (a month is `[1st, 1st of next month)`).
//! Its **close** is the last instant of the range, or `now` if that comes first (a summary of
//! the running month). Everything is judged **as it stood at the close**, on the events that had
//! happened by then (`FaultEvent::at`): a summary of a closed month reads the same whenever it is
//! made again, so the PDF handed to the client last month can be reproduced, and it agrees with
//! the daily reports signed during that month. What happened afterwards belongs to a later range.
//!
//! - **Reported** (报修设备数量): faults *reported* in the range, one per fault (a device reported twice
//!   counts twice: each report is a repair the contract is judged on). This is the month's
//!   *cohort*; the next figures are about the cohort, so that
//!   `reported = repaired + unresolved` and the rate is at most 100%, which is the first thing a
//!   client's clerk checks.
//! - **Repaired** (已维护完毕): of the cohort, those whose status at the close is resolved (the last
//!   of resolved / unresolved / on-site is "resolved", `fault::status`). A fault reported on the 31st
//!   and repaired on the 2nd is *unresolved* in its own month (that is how it stood when the month
//!   closed) and appears in the next month as **carried over, repaired** (上期遗留本期修复): reported
//!   before the range, resolved within it. It is never counted as reported or repaired twice.
//! - **Unresolved** (未解决): the rest of the cohort, each under one reason: the reason of its latest
//!   "unresolved" event before the close (电源 power, 传输 transmission, 设备 device, 不可抗拒因素
//!   force majeure, 其他 other); a force-majeure fault without such an event counts as force
//!   majeure; a fault still being worked on with no reason given yet counts as **pending**
//!   (处理中，未说明原因) rather than being guessed into "other".
//! - **Carried over, still open** (上期遗留未解决): reported before the range and not resolved at the
//!   close: the backlog a project manager tracks.
//! - **Resolution rate** (故障解决率) = repaired / reported; none when nothing was reported.
//! - **SLA compliance** per level and clock: `clocks::compliance` over the cohort, judged at the
//!   close. A clock still running at the close is neither met nor breached (it is listed as
//!   running); exempt clocks (force majeure, fixed remotely) are left out of the rates, as there.
//! - **Force majeure** (不可抗拒因素): cohort faults counted apart at the close, i.e. whose claim the
//!   client had accepted by then (`clocks::clocks`). Beside it, the claims of the cohort as they
//!   stood at the close: **claimed** (every claim), **pending** (no answer yet), **accepted**,
//!   **refused** (counted like any other fault). The cases are listed with the cause, whom the
//!   client was told by and when, and the answer.
//! - **Substitutions** (备品备件替代): same-model spare units installed in the range (up to the
//!   close) on the contract's faults, with the part and the old and the new serial.
//! - **Parts consumed** (备件消耗): "used" movements of the contract's parts dated in the range, per
//!   part (returns are not subtracted: a part used and returned was still taken out for a repair).
//!   **Stock at the close** is `stock::main_equipment_floor` over the balances of the movements
//!   dated before the close (the spares of the main equipment only), against the contract's floor;
//!   the main-equipment parts whose kind is under the floor are listed.
//! - **Per technician**: a fault belongs to every technician who checked in on site for it or wrote
//!   a report entry about it (two technicians on one fault both count it, so the per-technician
//!   rows may add up to more than the total); their parts are the movements they recorded. A
//!   technician is listed when anything of theirs falls in the range (a fault reported or carried
//!   over, or a part used). Cohort faults no technician touched are listed as unattributed.
//! - **Clock suspect** (时间存疑): arrivals on site dated in the range (up to the close) whose time
//!   may be wrong because the device's clock was off: the laptop's own check found its clock
//!   running behind a time it had already recorded, or the sync server found the device's clock
//!   off by more than the tolerance when it sent them. The figure names the faults those arrivals
//!   were for; the arrivals are listed with who, where, the recorded time and the server's receive
//!   time. They still count in the SLA clocks (the time is what was recorded); the flag tells the
//!   reader which arrival times to check.
//! - **Entered later** (补录的事件): events of the contract's faults that happened in the range (up
//!   to the close) and were saved more than `event_time::ENTERED_LATER_AFTER` after the time stated
//!   for them (a phone acknowledgement typed in afterwards). They count in the clocks at their
//!   stated time; the list tells the reader which times rest on the technician's word.

use crate::clocks::{self, ClockKind, ClockState, Compliance, FaultFacts};
use crate::contract::SpareFloor;
use crate::fault::{
    self, FaultCause, FaultEvent, FaultEventKind, FaultStatus, ForceMajeureState, UnresolvedReason,
};
use crate::ids::{ArrivalId, ContractId, FaultEventId, FaultId, PartId, SiteId, TechnicianId};
use crate::sla::FaultLevel;
use crate::stock::{self, FloorStatus, MovementKind, SpareKind, SparePart, StockMovement};
use crate::time::{local_date, local_day_bounds};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A count and the faults behind it (for drill-down).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Figure {
    pub count: u32,
    pub fault_ids: Vec<FaultId>,
}

impl Figure {
    fn of(mut fault_ids: Vec<FaultId>) -> Figure {
        fault_ids.sort();
        fault_ids.dedup();
        Figure {
            count: fault_ids.len() as u32,
            fault_ids,
        }
    }
}

/// Why an unresolved fault is unresolved, as the summary groups it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum UnresolvedGroup {
    Power,
    Transmission,
    Device,
    ForceMajeure,
    Other,
    /// Still being worked on, no reason given yet.
    Pending,
}

impl UnresolvedGroup {
    pub const ALL: [UnresolvedGroup; 6] = [
        UnresolvedGroup::Power,
        UnresolvedGroup::Transmission,
        UnresolvedGroup::Device,
        UnresolvedGroup::ForceMajeure,
        UnresolvedGroup::Other,
        UnresolvedGroup::Pending,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UnresolvedGroup::Power => "power",
            UnresolvedGroup::Transmission => "transmission",
            UnresolvedGroup::Device => "device",
            UnresolvedGroup::ForceMajeure => "force_majeure",
            UnresolvedGroup::Other => "other",
            UnresolvedGroup::Pending => "pending",
        }
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            UnresolvedGroup::Pending => crate::labels::UNRESOLVED_PENDING.get(lang),
            _ => crate::Label::of(UnresolvedReason::LABELS, self.code(), lang),
        }
    }

    pub fn label_zh(self) -> &'static str {
        self.label(crate::Lang::ZhCn)
    }

    fn of(reason: UnresolvedReason) -> UnresolvedGroup {
        match reason {
            UnresolvedReason::Power => UnresolvedGroup::Power,
            UnresolvedReason::Transmission => UnresolvedGroup::Transmission,
            UnresolvedReason::Device => UnresolvedGroup::Device,
            UnresolvedReason::ForceMajeure => UnresolvedGroup::ForceMajeure,
            UnresolvedReason::Other => UnresolvedGroup::Other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct UnresolvedByReason {
    pub reason: UnresolvedGroup,
    pub label: String,
    pub figure: Figure,
}

/// The faults behind one clock's tally at one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClockFaults {
    pub level: FaultLevel,
    pub clock: ClockKind,
    pub met: Vec<FaultId>,
    pub breached: Vec<FaultId>,
    pub running: Vec<FaultId>,
    pub exempt: Vec<FaultId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ForceMajeureCase {
    pub fault_id: FaultId,
    pub reported_at: DateTime<Utc>,
    /// The cause as determined, when one was (stolen, vehicle hit, weather, ...).
    pub cause: Option<FaultCause>,
    /// The cause's label and the note given with it, for the client.
    pub description: String,
    /// Where the claim stood at the close; `None` for a case counted apart under a policy saved
    /// before claims were recorded (the determined cause alone).
    #[serde(default)]
    pub state: Option<ForceMajeureState>,
    /// Its label (待确认 / 已认可 / 未认可), empty without a claim.
    #[serde(default)]
    pub state_label: String,
    /// Whom the client was told by the claim, and when.
    #[serde(default)]
    pub told: Option<String>,
    #[serde(default)]
    pub told_at: Option<DateTime<Utc>>,
    /// The client's answer, once recorded by the close: when, by whom, the note.
    #[serde(default)]
    pub answered_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub answered_by: Option<String>,
    #[serde(default)]
    pub answer_note: Option<String>,
}

/// The force-majeure claims of the cohort, as they stood at the close.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ForceMajeureClaims {
    pub claimed: Figure,
    pub pending: Figure,
    pub accepted: Figure,
    pub refused: Figure,
}

/// A same-model spare unit installed on a fault (备品备件替代).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Substitution {
    pub fault_id: FaultId,
    pub at: DateTime<Utc>,
    pub part_id: PartId,
    pub part_code: String,
    pub part_name: String,
    pub model: Option<String>,
    pub old_serial: Option<String>,
    pub new_serial: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PartConsumed {
    pub part_id: PartId,
    pub code: String,
    pub name: String,
    pub kind: SpareKind,
    pub quantity: i64,
    /// The faults the parts went to (movements not tied to a fault are counted but name none).
    pub fault_ids: Vec<FaultId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PartAtClose {
    pub part_id: PartId,
    pub code: String,
    pub name: String,
    pub kind: SpareKind,
    pub balance: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct StockAtClose {
    pub floor: FloorStatus,
    /// The parts of each kind that is under the contract's floor at the close.
    pub under_floor: Vec<PartAtClose>,
    pub parts: Vec<PartAtClose>,
}

/// The core figures, for the whole contract or one technician.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Figures {
    pub reported: Figure,
    pub repaired: Figure,
    pub unresolved: Figure,
    pub unresolved_by_reason: Vec<UnresolvedByReason>,
    /// repaired / reported, rounded to 0.1 % by `rounding::share`; `None` when nothing was reported.
    pub resolution_rate: Option<f64>,
    pub carried_over_repaired: Figure,
    pub carried_over_open: Figure,
    pub force_majeure: Figure,
    /// Claimed / pending / accepted / refused, at the close.
    #[serde(default)]
    pub force_majeure_claims: ForceMajeureClaims,
    pub compliance: Compliance,
    pub clock_faults: Vec<ClockFaults>,
    pub parts_consumed: Vec<PartConsumed>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct TechnicianSummary {
    pub technician_id: TechnicianId,
    pub name: String,
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Summary {
    pub contract_id: ContractId,
    pub from: NaiveDate,
    /// Exclusive.
    pub to: NaiveDate,
    /// The close: what everything is judged as of.
    pub as_of: DateTime<Utc>,
    pub figures: Figures,
    pub force_majeure_cases: Vec<ForceMajeureCase>,
    /// Spare substitutions of the range, oldest first.
    #[serde(default)]
    pub substitutions: Vec<Substitution>,
    pub stock: StockAtClose,
    pub technicians: Vec<TechnicianSummary>,
    pub unattributed: Figure,
    /// Arrivals whose time is in doubt (see the module docs).
    #[serde(default)]
    pub clock_suspect: ClockSuspect,
    /// Events entered later than they happened (see the module docs; issue 19).
    #[serde(default)]
    pub entered_later: EnteredLater,
}

impl Summary {
    /// Every fault a figure names (reported, carried over, clock suspect): the faults a view of
    /// the summary lists for drill-down, on the laptop and in the console alike.
    pub fn named_faults(&self) -> BTreeSet<FaultId> {
        self.figures
            .reported
            .fault_ids
            .iter()
            .chain(&self.figures.carried_over_repaired.fault_ids)
            .chain(&self.figures.carried_over_open.fault_ids)
            .chain(&self.clock_suspect.faults.fault_ids)
            .chain(&self.entered_later.faults.fault_ids)
            .copied()
            .collect()
    }
}

/// Why an arrival's time is in doubt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ClockDoubt {
    /// The laptop's clock read earlier than a time it had already recorded.
    Device,
    /// The server found the device's clock off by more than the tolerance when it sent the arrival.
    Server,
    /// Both.
    Both,
}

impl ClockDoubt {
    /// The stable code (as serialised).
    pub fn code(self) -> &'static str {
        match self {
            ClockDoubt::Device => "device",
            ClockDoubt::Server => "server",
            ClockDoubt::Both => "both",
        }
    }

    pub fn label(self, lang: crate::Lang) -> &'static str {
        crate::Label::of(crate::labels::CLOCK_DOUBTS, self.code(), lang)
    }

    pub fn label_zh(self) -> &'static str {
        self.label(crate::Lang::ZhCn)
    }

    fn of(device: bool, server: bool) -> Option<ClockDoubt> {
        match (device, server) {
            (true, true) => Some(ClockDoubt::Both),
            (true, false) => Some(ClockDoubt::Device),
            (false, true) => Some(ClockDoubt::Server),
            (false, false) => None,
        }
    }
}

/// An arrival on site, with what is known about the clock that timed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrivalTime {
    pub arrival_id: ArrivalId,
    pub fault_id: Option<FaultId>,
    pub site_id: SiteId,
    /// The site as a reader knows it ("CS-001 测试村村口").
    pub site: String,
    pub technician_id: TechnicianId,
    pub arrived_at: DateTime<Utc>,
    /// The laptop's own check (`arrival::clock_suspect`).
    pub device_suspect: bool,
    /// The sync server's receipt, once it has one: when it received the arrival, and whether the
    /// device's clock was off by more than the tolerance then.
    pub received: Option<(DateTime<Utc>, bool)>,
}

/// One arrival whose time is in doubt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SuspectArrival {
    pub arrival_id: ArrivalId,
    pub fault_id: Option<FaultId>,
    pub site: String,
    pub technician: String,
    pub arrived_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
    pub doubt: ClockDoubt,
    pub label: String,
}

/// Arrivals in the range whose time is in doubt, and the faults they were for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClockSuspect {
    pub faults: Figure,
    pub arrivals: Vec<SuspectArrival>,
}

/// The arrivals of `[from, to)` (up to the close) whose device clock was in doubt, oldest first.
pub fn clock_suspect(
    arrivals: &[ArrivalTime],
    technicians: &[(TechnicianId, String)],
    from: NaiveDate,
    to: NaiveDate,
    close: DateTime<Utc>,
) -> ClockSuspect {
    let mut flagged: Vec<SuspectArrival> = arrivals
        .iter()
        .filter(|a| in_range(a.arrived_at, from, to) && a.arrived_at <= close)
        .filter_map(|a| {
            let doubt = ClockDoubt::of(a.device_suspect, a.received.is_some_and(|(_, s)| s))?;
            Some(SuspectArrival {
                arrival_id: a.arrival_id,
                fault_id: a.fault_id,
                site: a.site.clone(),
                technician: technicians
                    .iter()
                    .find(|(t, _)| *t == a.technician_id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default(),
                arrived_at: a.arrived_at,
                received_at: a.received.map(|(at, _)| at),
                doubt,
                label: doubt.label_zh().to_owned(),
            })
        })
        .collect();
    flagged.sort_by_key(|a| (a.arrived_at, a.arrival_id));
    ClockSuspect {
        faults: Figure::of(flagged.iter().filter_map(|a| a.fault_id).collect()),
        arrivals: flagged,
    }
}

/// A technician's hand in a fault: checked in for it, or wrote a report entry about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultWork {
    pub fault_id: FaultId,
    pub technician_id: TechnicianId,
}

/// Everything a summary is computed from. The caller may pass more than needed (faults reported
/// after the range, movements after the close); they are filtered here.
#[derive(Debug, Clone, Copy)]
pub struct SummaryInput<'a> {
    pub contract_id: ContractId,
    /// The contract's faults reported before the range's end. Faults resolved before the range
    /// began may be left out (they figure nowhere).
    pub faults: &'a [FaultFacts<'a>],
    pub work: &'a [FaultWork],
    pub technicians: &'a [(TechnicianId, String)],
    /// The contract's parts and their movements.
    pub parts: &'a [SparePart],
    pub movements: &'a [StockMovement],
    pub floor: SpareFloor,
    /// The contract's arrivals (any outside the range are filtered here).
    pub arrivals: &'a [ArrivalTime],
}

/// The close of `[from, to)`: the last instant of the range, or `now` if earlier. Events at or
/// before it count (as `clocks::clocks` counts events at or before the instant asked about).
pub fn close_of(to: NaiveDate, now: DateTime<Utc>) -> DateTime<Utc> {
    (local_day_bounds(to).0 - TimeDelta::nanoseconds(1)).min(now)
}

fn happened_by(events: &[FaultEvent], close: DateTime<Utc>) -> Vec<&FaultEvent> {
    let mut happened: Vec<&FaultEvent> = events.iter().filter(|e| e.at <= close).collect();
    happened.sort_by_key(|e| (e.at, e.id));
    happened
}

fn status_at(events: &[FaultEvent], close: DateTime<Utc>) -> FaultStatus {
    let happened: Vec<FaultEvent> = happened_by(events, close).into_iter().cloned().collect();
    fault::status(&happened)
}

fn resolved_at(events: &[FaultEvent], close: DateTime<Utc>) -> Option<DateTime<Utc>> {
    happened_by(events, close)
        .iter()
        .rev()
        .find(|e| matches!(e.kind, FaultEventKind::Resolved { .. }))
        .map(|e| e.at)
}

fn unresolved_group(
    events: &[FaultEvent],
    close: DateTime<Utc>,
    force_majeure: bool,
) -> UnresolvedGroup {
    let reason = happened_by(events, close)
        .iter()
        .rev()
        .find_map(|e| match &e.kind {
            FaultEventKind::Unresolved { reason, .. } => Some(*reason),
            _ => None,
        });
    match reason {
        Some(reason) => UnresolvedGroup::of(reason),
        None if force_majeure => UnresolvedGroup::ForceMajeure,
        None => UnresolvedGroup::Pending,
    }
}

fn force_majeure_case(facts: &FaultFacts<'_>, close: DateTime<Utc>) -> ForceMajeureCase {
    let happened = happened_by(facts.events, close);
    // The client needs the cause as determined (stolen, vehicle hit, ...), which says more than
    // the "unresolved: force majeure" that usually follows it.
    let determined = happened.iter().rev().find_map(|e| match &e.kind {
        FaultEventKind::CauseDetermined { cause, note } if cause.is_force_majeure() => {
            Some((Some(*cause), cause.label_zh(), note.as_str()))
        }
        _ => None,
    });
    let found = determined.or_else(|| {
        happened.iter().rev().find_map(|e| match &e.kind {
            FaultEventKind::Unresolved {
                reason: UnresolvedReason::ForceMajeure,
                note,
            } => Some((
                None,
                UnresolvedReason::ForceMajeure.label_zh(),
                note.as_str(),
            )),
            _ => None,
        })
    });
    let claim = fault::force_majeure_claim(facts.events, close);
    // The claim names its cause; the determined cause (or the unresolved reason) otherwise.
    let found = match &claim {
        Some(c) => Some((Some(c.cause), c.cause.label_zh(), c.note.as_str())),
        None => found,
    };
    let (cause, description) = match found {
        Some((cause, label, "")) => (cause, label.to_owned()),
        Some((cause, label, note)) => (cause, format!("{label}：{note}")),
        None => (None, facts.fault.description.clone()),
    };
    ForceMajeureCase {
        fault_id: facts.fault.id,
        reported_at: facts.fault.reported_at,
        cause,
        description,
        state: claim.as_ref().map(|c| c.state),
        state_label: claim
            .as_ref()
            .map(|c| c.state.label_zh().to_owned())
            .unwrap_or_default(),
        told: claim.as_ref().map(|c| c.told.clone()),
        told_at: claim.as_ref().map(|c| c.told_at),
        answered_at: claim.as_ref().and_then(|c| c.answered_at),
        answered_by: claim.as_ref().and_then(|c| c.answered_by.clone()),
        answer_note: claim.and_then(|c| c.answer_note),
    }
}

fn in_range(at: DateTime<Utc>, from: NaiveDate, to: NaiveDate) -> bool {
    (from..to).contains(&local_date(at))
}

/// The figures over one set of faults and movements (the contract's, or one technician's).
fn figures(
    faults: &[FaultFacts<'_>],
    movements: &[&StockMovement],
    parts: &BTreeMap<PartId, &SparePart>,
    from: NaiveDate,
    to: NaiveDate,
    close: DateTime<Utc>,
) -> Figures {
    let (start, _) = local_day_bounds(from);
    let cohort: Vec<FaultFacts<'_>> = faults
        .iter()
        .filter(|f| in_range(f.fault.reported_at, from, to) && f.fault.reported_at <= close)
        .copied()
        .collect();
    let (mut repaired, mut unresolved) = (Vec::new(), Vec::new());
    let mut by_reason: BTreeMap<UnresolvedGroup, Vec<FaultId>> = BTreeMap::new();
    let mut force_majeure = Vec::new();
    let mut claims: BTreeMap<Option<ForceMajeureState>, Vec<FaultId>> = BTreeMap::new();
    let mut clock_faults: BTreeMap<(FaultLevel, ClockKind), ClockFaults> = BTreeMap::new();
    for facts in &cohort {
        let judged = clocks::clocks(*facts, close);
        let id = facts.fault.id;
        if judged.force_majeure {
            force_majeure.push(id);
        }
        if let Some(state) = judged.force_majeure_claim {
            claims.entry(None).or_default().push(id);
            claims.entry(Some(state)).or_default().push(id);
        }
        if status_at(facts.events, close) == FaultStatus::Resolved {
            repaired.push(id);
        } else {
            unresolved.push(id);
            by_reason
                .entry(unresolved_group(facts.events, close, judged.force_majeure))
                .or_default()
                .push(id);
        }
        for clock in &judged.clocks {
            let row = clock_faults
                .entry((facts.fault.level, clock.kind))
                .or_insert_with(|| ClockFaults {
                    level: facts.fault.level,
                    clock: clock.kind,
                    met: Vec::new(),
                    breached: Vec::new(),
                    running: Vec::new(),
                    exempt: Vec::new(),
                });
            match clock.state {
                ClockState::Met => row.met.push(id),
                ClockState::Breached => row.breached.push(id),
                ClockState::Running => row.running.push(id),
                ClockState::Exempt => row.exempt.push(id),
                ClockState::NotStarted => {}
            }
        }
    }
    let (mut carried_repaired, mut carried_open) = (Vec::new(), Vec::new());
    for facts in faults.iter().filter(|f| f.fault.reported_at < start) {
        let status = status_at(facts.events, close);
        if status != FaultStatus::Resolved {
            carried_open.push(facts.fault.id);
        } else if resolved_at(facts.events, close).is_some_and(|at| at >= start) {
            carried_repaired.push(facts.fault.id);
        }
    }
    let reported = Figure::of(cohort.iter().map(|f| f.fault.id).collect());
    let repaired = Figure::of(repaired);
    // Rounded by the one rule (`crate::rounding`), so the app shows the PDF's digits.
    let resolution_rate = crate::rounding::share(repaired.count, reported.count);
    let mut consumed: BTreeMap<PartId, (i64, Vec<FaultId>)> = BTreeMap::new();
    for m in movements
        .iter()
        .filter(|m| m.kind == MovementKind::Used && in_range(m.at, from, to) && m.at <= close)
    {
        let slot = consumed.entry(m.part_id).or_default();
        slot.0 += m.quantity;
        slot.1.extend(m.fault_id);
    }
    Figures {
        reported,
        repaired,
        unresolved: Figure::of(unresolved),
        unresolved_by_reason: UnresolvedGroup::ALL
            .iter()
            .map(|&reason| UnresolvedByReason {
                reason,
                label: reason.label_zh().to_owned(),
                figure: Figure::of(by_reason.remove(&reason).unwrap_or_default()),
            })
            .collect(),
        resolution_rate,
        carried_over_repaired: Figure::of(carried_repaired),
        carried_over_open: Figure::of(carried_open),
        force_majeure: Figure::of(force_majeure),
        force_majeure_claims: ForceMajeureClaims {
            claimed: Figure::of(claims.remove(&None).unwrap_or_default()),
            pending: Figure::of(
                claims
                    .remove(&Some(ForceMajeureState::Pending))
                    .unwrap_or_default(),
            ),
            accepted: Figure::of(
                claims
                    .remove(&Some(ForceMajeureState::Accepted))
                    .unwrap_or_default(),
            ),
            refused: Figure::of(
                claims
                    .remove(&Some(ForceMajeureState::Refused))
                    .unwrap_or_default(),
            ),
        },
        compliance: clocks::compliance(&cohort, from, to, close),
        clock_faults: clock_faults.into_values().collect(),
        parts_consumed: consumed
            .into_iter()
            .filter_map(|(part_id, (quantity, fault_ids))| {
                let part = parts.get(&part_id)?;
                let fault_ids = Figure::of(fault_ids).fault_ids;
                Some(PartConsumed {
                    part_id,
                    code: part.code.clone(),
                    name: part.name.clone(),
                    kind: part.kind,
                    quantity,
                    fault_ids,
                })
            })
            .collect(),
    }
}

/// The spare substitutions recorded on `faults` in `[from, to)` up to the close, oldest first.
fn substitutions(
    faults: &[FaultFacts<'_>],
    parts: &BTreeMap<PartId, &SparePart>,
    from: NaiveDate,
    to: NaiveDate,
    close: DateTime<Utc>,
) -> Vec<Substitution> {
    let mut out: Vec<Substitution> = faults
        .iter()
        .flat_map(|f| f.events.iter())
        .filter(|e| in_range(e.at, from, to) && e.at <= close)
        .filter_map(|e| match &e.kind {
            FaultEventKind::SpareSubstituted {
                part_id,
                serial,
                old_serial,
            } => {
                let part = parts.get(part_id);
                Some(Substitution {
                    fault_id: e.fault_id,
                    at: e.at,
                    part_id: *part_id,
                    part_code: part.map(|p| p.code.clone()).unwrap_or_default(),
                    part_name: part.map(|p| p.name.clone()).unwrap_or_default(),
                    model: part.and_then(|p| p.model.clone()),
                    old_serial: old_serial.clone(),
                    new_serial: serial.clone(),
                })
            }
            _ => None,
        })
        .collect();
    out.sort_by_key(|s| (s.at, s.fault_id));
    out
}

fn stock_at_close(
    parts: &[SparePart],
    movements: &[&StockMovement],
    floor: SpareFloor,
    close: DateTime<Utc>,
) -> StockAtClose {
    let mut ledger: BTreeMap<PartId, Vec<(MovementKind, i64)>> = BTreeMap::new();
    for m in movements.iter().filter(|m| m.at <= close) {
        ledger
            .entry(m.part_id)
            .or_default()
            .push((m.kind, m.quantity));
    }
    let mut rows: Vec<PartAtClose> = parts
        .iter()
        .map(|p| PartAtClose {
            part_id: p.id,
            code: p.code.clone(),
            name: p.name.clone(),
            kind: p.kind,
            balance: stock::balance(ledger.remove(&p.id).unwrap_or_default()),
        })
        .collect();
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    let main: BTreeSet<PartId> = parts
        .iter()
        .filter(|p| p.main_equipment)
        .map(|p| p.id)
        .collect();
    let floor = stock::main_equipment_floor(
        rows.iter()
            .map(|p| (p.kind, main.contains(&p.part_id), p.balance)),
        floor,
    );
    let under = |kind: SpareKind| match kind {
        SpareKind::Unit => floor.units_below_floor,
        SpareKind::Part => floor.parts_below_floor,
    };
    StockAtClose {
        floor,
        under_floor: rows
            .iter()
            .filter(|p| under(p.kind) && main.contains(&p.part_id))
            .cloned()
            .collect(),
        parts: rows,
    }
}

/// The summary of `[from, to)` (local dates) as it stood at its close (see the module docs),
/// with `now` the present instant (a range not yet over closes at `now`).
pub fn summarise(
    input: SummaryInput<'_>,
    from: NaiveDate,
    to: NaiveDate,
    now: DateTime<Utc>,
) -> Summary {
    let close = close_of(to, now);
    let faults: Vec<FaultFacts<'_>> = input
        .faults
        .iter()
        .filter(|f| f.fault.contract_id == input.contract_id)
        .copied()
        .collect();
    let part_ids: BTreeMap<PartId, &SparePart> = input
        .parts
        .iter()
        .filter(|p| p.contract_id == input.contract_id)
        .map(|p| (p.id, p))
        .collect();
    let contract_parts: Vec<SparePart> = part_ids.values().map(|p| (*p).clone()).collect();
    let movements: Vec<&StockMovement> = input
        .movements
        .iter()
        .filter(|m| part_ids.contains_key(&m.part_id))
        .collect();
    let all = figures(&faults, &movements, &part_ids, from, to, close);
    let force_majeure_cases = faults
        .iter()
        .filter(|f| {
            let listed = |figure: &Figure| figure.fault_ids.binary_search(&f.fault.id).is_ok();
            listed(&all.force_majeure) || listed(&all.force_majeure_claims.claimed)
        })
        .map(|f| force_majeure_case(f, close))
        .collect();
    let substitutions = substitutions(&faults, &part_ids, from, to, close);

    let mut by_technician: BTreeMap<TechnicianId, BTreeSet<FaultId>> = BTreeMap::new();
    for w in input.work {
        by_technician
            .entry(w.technician_id)
            .or_default()
            .insert(w.fault_id);
    }
    for m in &movements {
        if let Some(t) = m.technician_id {
            by_technician.entry(t).or_default();
        }
    }
    let name_of = |id: TechnicianId| {
        input
            .technicians
            .iter()
            .find(|(t, _)| *t == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default()
    };
    let technicians: Vec<TechnicianSummary> = by_technician
        .iter()
        .map(|(&technician_id, fault_ids)| {
            let theirs: Vec<FaultFacts<'_>> = faults
                .iter()
                .filter(|f| fault_ids.contains(&f.fault.id))
                .copied()
                .collect();
            let their_movements: Vec<&StockMovement> = movements
                .iter()
                .filter(|m| m.technician_id == Some(technician_id))
                .copied()
                .collect();
            TechnicianSummary {
                technician_id,
                name: name_of(technician_id),
                figures: figures(&theirs, &their_movements, &part_ids, from, to, close),
            }
        })
        .filter(|t| {
            t.figures.reported.count > 0
                || t.figures.carried_over_repaired.count > 0
                || t.figures.carried_over_open.count > 0
                || !t.figures.parts_consumed.is_empty()
        })
        .collect();
    let worked: BTreeSet<FaultId> = by_technician.values().flatten().copied().collect();
    let unattributed = Figure::of(
        all.reported
            .fault_ids
            .iter()
            .filter(|id| !worked.contains(id))
            .copied()
            .collect(),
    );
    Summary {
        contract_id: input.contract_id,
        from,
        to,
        as_of: close,
        stock: stock_at_close(&contract_parts, &movements, input.floor, close),
        figures: all,
        force_majeure_cases,
        substitutions,
        technicians,
        unattributed,
        clock_suspect: clock_suspect(input.arrivals, input.technicians, from, to, close),
        entered_later: entered_later(input.faults, from, to, close),
    }
}

/// One fault event saved well after the time stated for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct EnteredLaterEvent {
    pub event_id: FaultEventId,
    pub fault_id: FaultId,
    /// The event kind's code (`acknowledged`, …) and its zh-CN label (what the files print).
    pub kind: String,
    pub label: String,
    /// The stated time, and when the laptop saved it.
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
}

/// The range's events entered later, and the faults they belong to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct EnteredLater {
    pub faults: Figure,
    pub events: Vec<EnteredLaterEvent>,
}

/// The events of `faults` stated in `[from, to)` (up to the close) and saved more than
/// `event_time::ENTERED_LATER_AFTER` later, oldest first.
pub fn entered_later(
    faults: &[FaultFacts<'_>],
    from: NaiveDate,
    to: NaiveDate,
    close: DateTime<Utc>,
) -> EnteredLater {
    let mut events: Vec<EnteredLaterEvent> = faults
        .iter()
        .flat_map(|f| f.events)
        .filter(|e| in_range(e.at, from, to) && e.at <= close)
        .filter(|e| crate::event_time::entered_later(e.at, e.recorded_at))
        .map(|e| EnteredLaterEvent {
            event_id: e.id,
            fault_id: e.fault_id,
            kind: e.kind.code().to_owned(),
            label: e.kind.label(crate::Lang::ZhCn).to_owned(),
            at: e.at,
            recorded_at: e.recorded_at,
        })
        .collect();
    events.sort_by_key(|e| (e.at, e.event_id));
    EnteredLater {
        faults: Figure::of(events.iter().map(|e| e.fault_id).collect()),
        events,
    }
}

/// How a range is named for a reader: `2026-10` for a whole month, else
/// `2026-10-01 至 2026-10-10` (both days included).
pub fn period_label(from: NaiveDate, to: NaiveDate) -> String {
    let whole_month = from.format("%d").to_string() == "01"
        && from.checked_add_months(chrono::Months::new(1)) == Some(to);
    if whole_month {
        from.format("%Y-%m").to_string()
    } else {
        let last = to.pred_opt().unwrap_or(to);
        format!("{from} 至 {last}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_month_is_named_by_its_month_and_a_range_by_its_days() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(period_label(d("2026-10-01"), d("2026-11-01")), "2026-10");
        assert_eq!(period_label(d("2026-12-01"), d("2027-01-01")), "2026-12");
        assert_eq!(
            period_label(d("2026-10-01"), d("2026-10-11")),
            "2026-10-01 至 2026-10-10"
        );
        assert_eq!(
            period_label(d("2026-10-02"), d("2026-11-02")),
            "2026-10-02 至 2026-11-01"
        );
    }

    #[test]
    fn arrivals_with_a_doubtful_clock_are_flagged_by_either_check_within_the_range() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let tech = TechnicianId(uuid::Uuid::now_v7());
        let fault = FaultId(uuid::Uuid::now_v7());
        let arrival = |at: &str, device: bool, server: Option<bool>| ArrivalTime {
            arrival_id: ArrivalId(uuid::Uuid::now_v7()),
            fault_id: Some(fault),
            site_id: SiteId(uuid::Uuid::now_v7()),
            site: "CS-001 测试村村口".into(),
            technician_id: tech,
            arrived_at: t(at),
            device_suspect: device,
            received: server.map(|s| (t("2026-10-20T08:00:00Z"), s)),
        };
        let arrivals = [
            arrival("2026-10-05T02:00:00Z", false, Some(false)), // clean
            arrival("2026-10-06T02:00:00Z", true, None),         // laptop's own check
            arrival("2026-10-07T02:00:00Z", false, Some(true)),  // the server's
            arrival("2026-10-08T02:00:00Z", true, Some(true)),   // both
            arrival("2026-11-02T02:00:00Z", true, Some(true)),   // after the range
        ];
        let flagged = clock_suspect(
            &arrivals,
            &[(tech, "测试技服".into())],
            d("2026-10-01"),
            d("2026-11-01"),
            t("2026-12-01T00:00:00Z"),
        );
        let doubts: Vec<ClockDoubt> = flagged.arrivals.iter().map(|a| a.doubt).collect();
        assert_eq!(
            doubts,
            [ClockDoubt::Device, ClockDoubt::Server, ClockDoubt::Both]
        );
        assert_eq!(flagged.faults.fault_ids, [fault], "one fault, named once");
        assert_eq!(flagged.arrivals[0].technician, "测试技服");
        assert_eq!(flagged.arrivals[0].received_at, None);
        assert!(flagged.arrivals[1].received_at.is_some());
    }

    #[test]
    fn the_close_is_the_last_instant_of_the_range_or_now() {
        let to = "2026-11-01".parse().unwrap();
        let later: DateTime<Utc> = "2026-12-01T00:00:00Z".parse().unwrap();
        let close = close_of(to, later);
        // 1 Nov 00:00 in Shanghai is 31 Oct 16:00 UTC; the close is just before it.
        assert_eq!(local_date(close).to_string(), "2026-10-31");
        assert_eq!((local_day_bounds(to).0 - close).num_nanoseconds(), Some(1));
        let earlier: DateTime<Utc> = "2026-10-20T00:00:00Z".parse().unwrap();
        assert_eq!(close_of(to, earlier), earlier);
    }
}
