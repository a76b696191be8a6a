//! Planned inspections (巡检): quarterly security inspections and routine visits, each with a
//! checklist, done by an arrival on site and recorded like any maintenance visit.

use crate::ids::{ArrivalId, ContractId, SiteId};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
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

// ---- Plans by contract (issue 19 item 5) ----------------------------------------------------
//
// A plan says "inspect these sites of this contract every month (routine) or every quarter
// (security), with this checklist". The concrete inspection of a period is not made by a person:
// every laptop of the contract derives it from the plan, the site and the period, with an id that
// is a pure function of the three (`planned_inspection_id`). Two laptops that both open the month
// offline therefore make the same row, which sync merges as one record instead of two.

impl InspectionKind {
    /// How often a plan of this kind comes due: routine inspections monthly (巡检), security
    /// inspections quarterly (每季度系统安全巡检).
    pub fn cadence_months(self) -> u32 {
        match self {
            Self::Routine => 1,
            Self::SecurityQuarterly => 3,
        }
    }

    /// The checklist a new plan of this kind starts with (made up, editable per contract).
    pub fn default_checklist(self) -> &'static [&'static str] {
        match self {
            Self::Routine => &[
                "设备运行指示灯正常",
                "机柜温度与通风正常",
                "电源与UPS状态正常",
                "线缆标签与走线整齐",
                "摄像机画面清晰无遮挡",
            ],
            Self::SecurityQuarterly => &[
                "系统账号与口令策略核查",
                "操作系统与固件补丁检查",
                "安全日志留存与审计检查",
                "备份与恢复演练记录核查",
                "网络访问控制策略核查",
                "病毒库与防护软件更新",
            ],
        }
    }
}

/// One period of a plan: a calendar month or quarter, from its first to its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
}

impl Period {
    /// The period of `kind` that holds `day`.
    pub fn holding(kind: InspectionKind, day: NaiveDate) -> Self {
        let months = kind.cadence_months();
        let first_month = (day.month0() / months) * months + 1;
        let first_day =
            NaiveDate::from_ymd_opt(day.year(), first_month, 1).expect("a month's first day");
        let last_day = first_day
            .checked_add_months(chrono::Months::new(months))
            .and_then(|next| next.pred_opt())
            .expect("a period within the calendar");
        Self {
            first_day,
            last_day,
        }
    }

    /// The period right after this one.
    pub fn next(self, kind: InspectionKind) -> Self {
        Self::holding(
            kind,
            self.last_day.succ_opt().expect("a day after the period"),
        )
    }

    /// The period's code as people write it: `2026-12` for a month, `2026-Q4` for a quarter.
    pub fn code(self, kind: InspectionKind) -> String {
        match kind {
            InspectionKind::Routine => self.first_day.format("%Y-%m").to_string(),
            InspectionKind::SecurityQuarterly => {
                format!(
                    "{}-Q{}",
                    self.first_day.year(),
                    self.first_day.month0() / 3 + 1
                )
            }
        }
    }
}

/// The most periods a plan makes at once: a plan started long ago, or a laptop that was off for a
/// year, makes at most this many past periods (the most recent ones), not one per month since 2000.
pub const MAX_PERIODS_AT_ONCE: usize = 13;

/// The periods of a plan of `kind` that started on `starts_on` which have begun by `today`, oldest
/// first, at most [`MAX_PERIODS_AT_ONCE`] (the latest ones). None before the plan starts.
pub fn periods_begun(kind: InspectionKind, starts_on: NaiveDate, today: NaiveDate) -> Vec<Period> {
    if today < starts_on {
        return Vec::new();
    }
    let first = Period::holding(kind, starts_on);
    let mut period = Period::holding(kind, today);
    let mut periods = vec![period];
    while periods.len() < MAX_PERIODS_AT_ONCE {
        period = Period::holding(kind, period.first_day.pred_opt().expect("a day before"));
        if period < first {
            break;
        }
        periods.push(period);
    }
    periods.reverse();
    periods
}

/// The id of the inspection of `site_id` under `plan_id` in `period`: the same on every laptop
/// (a UUIDv8 made of the SHA-256 of the three), so offline laptops never make two of it.
pub fn planned_inspection_id(plan_id: Uuid, site_id: SiteId, period: Period) -> Uuid {
    let mut hash = Sha256::new();
    hash.update(b"fieldlog inspection v1\n");
    hash.update(plan_id.as_bytes());
    hash.update(site_id.to_string().as_bytes());
    hash.update(period.first_day.to_string().as_bytes());
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The id of the fault a finding becomes: the same on every laptop (a UUIDv8 of the SHA-256 of
/// the finding's id), so two laptops turning the same finding into a fault offline make one fault
/// (docs/sync-protocol.md, "Inspections by plan"), and each one's events land on it.
pub fn finding_fault_id(finding_id: Uuid) -> Uuid {
    let mut hash = Sha256::new();
    hash.update(b"fieldlog finding fault v1\n");
    hash.update(finding_id.as_bytes());
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The last day an inspection may be done without being overdue: the end of its period, or, for a
/// single inspection planned by hand (no period), its planned day.
pub fn due_by(planned_for: NaiveDate, period_last_day: Option<NaiveDate>) -> NaiveDate {
    period_last_day.unwrap_or(planned_for)
}

/// Overdue on `day`: not done, and its last day has passed.
pub fn is_overdue(due_by: NaiveDate, done: bool, day: NaiveDate) -> bool {
    !done && day > due_by
}

code_enum! {
    /// What the technician found at one checklist item.
    pub enum TickOutcome {
        Ok = "ok", "正常", "OK";
        NotOk = "not_ok", "异常", "Not OK";
        /// Could not be checked (no access, equipment off …): allowed, with the reason as note.
        Skipped = "skipped", "未检查（已说明原因）", "Not checked (reason given)";
    }
}

impl TickOutcome {
    /// Whether a note must come with this outcome: what is wrong, or why it was not checked.
    pub fn needs_note(self) -> bool {
        !matches!(self, Self::Ok)
    }
}

/// The checklist items that still have no tick, by position, given the positions ticked.
pub fn unticked(items: usize, ticked: impl IntoIterator<Item = usize>) -> Vec<usize> {
    let mut done = vec![false; items];
    for position in ticked {
        if let Some(slot) = done.get_mut(position) {
            *slot = true;
        }
    }
    (0..items).filter(|&i| !done[i]).collect()
}

/// One inspection as the month's count sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionFact {
    pub id: Uuid,
    pub contract_id: ContractId,
    pub kind: InspectionKind,
    pub due_by: NaiveDate,
    pub done_at: Option<DateTime<Utc>>,
    pub findings: u32,
    pub findings_to_faults: u32,
}

/// The inspections of one kind due in a range, as the monthly summary counts them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct InspectionTally {
    pub kind: InspectionKind,
    /// Due within the range (their last day falls in it).
    pub planned: u32,
    /// Of those, done by the range's close.
    pub done: u32,
    /// Of those, not done and past their last day at the range's close.
    pub overdue: u32,
    /// Findings noted on them.
    pub findings: u32,
    /// Of those findings, turned into faults.
    pub findings_to_faults: u32,
}

/// Whether the last day `due_by` is over at `close`: `close` is its last instant or later (the
/// summary's close of a month is the month's last instant, when its inspections fall overdue).
fn period_over(due_by: NaiveDate, close: DateTime<Utc>) -> bool {
    close >= crate::time::local_day_bounds(due_by).1 - chrono::TimeDelta::nanoseconds(1)
}

/// The inspections due in the local days `[from, to)` (the summary's range), counted per kind as
/// of `close` (`summary::close_of`). Every kind appears, in declaration order, even with zero.
pub fn count_inspections(
    facts: &[InspectionFact],
    from: NaiveDate,
    to: NaiveDate,
    close: DateTime<Utc>,
) -> Vec<InspectionTally> {
    InspectionKind::ALL
        .iter()
        .map(|&kind| {
            let mut tally = InspectionTally {
                kind,
                planned: 0,
                done: 0,
                overdue: 0,
                findings: 0,
                findings_to_faults: 0,
            };
            for fact in facts
                .iter()
                .filter(|f| f.kind == kind && f.due_by >= from && f.due_by < to)
            {
                tally.planned += 1;
                if fact.done_at.is_some_and(|at| at <= close) {
                    tally.done += 1;
                } else if period_over(fact.due_by, close) {
                    tally.overdue += 1;
                }
                tally.findings += fact.findings;
                tally.findings_to_faults += fact.findings_to_faults;
            }
            tally
        })
        .collect()
}

#[cfg(test)]
mod plan_tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_are_calendar_months_and_quarters() {
        let m = Period::holding(InspectionKind::Routine, d("2026-02-17"));
        assert_eq!(
            (m.first_day, m.last_day),
            (d("2026-02-01"), d("2026-02-28"))
        );
        assert_eq!(m.code(InspectionKind::Routine), "2026-02");
        let q = Period::holding(InspectionKind::SecurityQuarterly, d("2026-12-07"));
        assert_eq!(
            (q.first_day, q.last_day),
            (d("2026-10-01"), d("2026-12-31"))
        );
        assert_eq!(q.code(InspectionKind::SecurityQuarterly), "2026-Q4");
        let next = q.next(InspectionKind::SecurityQuarterly);
        assert_eq!(
            (next.first_day, next.last_day),
            (d("2027-01-01"), d("2027-03-31"))
        );
    }

    #[test]
    fn a_plan_makes_the_periods_begun_since_it_started_and_no_more() {
        let months = periods_begun(InspectionKind::Routine, d("2026-10-15"), d("2026-12-07"));
        let codes: Vec<_> = months
            .iter()
            .map(|p| p.code(InspectionKind::Routine))
            .collect();
        assert_eq!(codes, ["2026-10", "2026-11", "2026-12"]);
        assert!(
            periods_begun(InspectionKind::Routine, d("2026-12-08"), d("2026-12-07")).is_empty()
        );
        let quarters = periods_begun(
            InspectionKind::SecurityQuarterly,
            d("2026-05-01"),
            d("2026-12-07"),
        );
        let codes: Vec<_> = quarters
            .iter()
            .map(|p| p.code(InspectionKind::SecurityQuarterly))
            .collect();
        assert_eq!(codes, ["2026-Q2", "2026-Q3", "2026-Q4"]);
        let long_ago = periods_begun(InspectionKind::Routine, d("2000-01-01"), d("2026-12-07"));
        assert_eq!(long_ago.len(), MAX_PERIODS_AT_ONCE);
        assert_eq!(
            long_ago.last().unwrap().code(InspectionKind::Routine),
            "2026-12"
        );
    }

    #[test]
    fn the_period_inspection_id_is_the_same_on_every_laptop_and_differs_by_each_part() {
        let plan = Uuid::from_u128(1);
        let site = SiteId(Uuid::from_u128(2));
        let p = Period::holding(InspectionKind::Routine, d("2026-12-07"));
        let id = planned_inspection_id(plan, site, p);
        assert_eq!(id, planned_inspection_id(plan, site, p));
        assert_ne!(id, planned_inspection_id(Uuid::from_u128(3), site, p));
        assert_ne!(
            id,
            planned_inspection_id(plan, SiteId(Uuid::from_u128(3)), p)
        );
        assert_ne!(
            id,
            planned_inspection_id(plan, site, p.next(InspectionKind::Routine))
        );
        assert_eq!(id.get_version_num(), 8);
    }

    #[test]
    fn overdue_only_after_the_last_day_and_never_once_done() {
        assert!(!is_overdue(d("2026-11-30"), false, d("2026-11-30")));
        assert!(is_overdue(d("2026-11-30"), false, d("2026-12-01")));
        assert!(!is_overdue(d("2026-11-30"), true, d("2026-12-01")));
        assert_eq!(due_by(d("2026-11-03"), None), d("2026-11-03"));
    }

    #[test]
    fn unticked_items_are_listed_by_position() {
        assert_eq!(unticked(4, [0, 2, 2, 9]), [1, 3]);
        assert!(unticked(2, [1, 0]).is_empty());
    }

    #[test]
    fn the_month_counts_planned_done_overdue_and_findings_per_kind() {
        let contract = ContractId(Uuid::from_u128(9));
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let fact = |kind, due: &str, done: Option<&str>, findings, to_faults| InspectionFact {
            id: Uuid::now_v7(),
            contract_id: contract,
            kind,
            due_by: d(due),
            done_at: done.map(at),
            findings,
            findings_to_faults: to_faults,
        };
        let facts = [
            fact(
                InspectionKind::Routine,
                "2026-11-30",
                Some("2026-11-20T02:00:00Z"),
                2,
                1,
            ),
            fact(InspectionKind::Routine, "2026-11-30", None, 0, 0),
            // done after the close: not done at the close, so overdue
            fact(
                InspectionKind::Routine,
                "2026-11-30",
                Some("2026-12-02T02:00:00Z"),
                1,
                0,
            ),
            // due outside the range: not counted
            fact(InspectionKind::Routine, "2026-10-31", None, 5, 5),
            fact(InspectionKind::SecurityQuarterly, "2026-12-31", None, 0, 0),
        ];
        let close = crate::summary::close_of(d("2026-12-01"), at("2027-01-01T00:00:00Z"));
        let counts = count_inspections(&facts, d("2026-11-01"), d("2026-12-01"), close);
        assert_eq!(counts[0].kind, InspectionKind::SecurityQuarterly);
        assert_eq!(counts[0].planned, 0);
        let routine = &counts[1];
        assert_eq!(
            (
                routine.planned,
                routine.done,
                routine.overdue,
                routine.findings,
                routine.findings_to_faults
            ),
            (3, 1, 2, 3, 1)
        );
        // Asked mid-month, nothing is overdue yet.
        let mid = count_inspections(
            &facts,
            d("2026-11-01"),
            d("2026-12-01"),
            at("2026-11-15T02:00:00Z"),
        );
        assert_eq!(mid[1].overdue, 0);
    }
}
