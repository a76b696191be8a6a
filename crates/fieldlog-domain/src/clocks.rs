//! SLA clocks (时限) of a fault at an instant, and compliance over a period: pure functions of the
//! fault, the policy version it was opened under, its events, and the instant asked about.
//!
//! The rules, as a person would explain them (all wall clock, 7×24):
//! - **Response** (响应) runs from the report and stops at the first sign of a response: the
//!   acknowledgement, a remote attempt, an escalation (up the chain or to on-site support) or an
//!   arrival, whichever came first.
//! - **Arrival** (到场) runs from the report and stops at check-in on site. *Remote first never
//!   extends the table's on-site limit* (the customer may ask for on-site support straight away).
//!   County police: the table's limit from the report stands ("在接到报修电话之后 2小时内到达现场").
//!   City e-government: once the fault is escalated to on-site support (a recorded event), the
//!   technician is due within 1 h of that moment, never later than the table's limit; an
//!   escalation later than the remote window counts as made at the window's end ("at once").
//!   A fault fixed remotely before the arrival deadline needs no arrival: that clock is exempt.
//!   (Policies saved before issue 15 carry `RemoteOnSite::LegacyExtends`, the old reading: a
//!   failed remote attempt within the window moved the limit to window + on-site limit. They keep
//!   it so that nothing already judged changes.)
//! - **Resolution** (修复) runs from arrival (from the report when fixed remotely) and stops at
//!   "resolved". Fibre lines (光纤线路): 24 h from the report instead, 7 days when the cause was
//!   external force or natural disaster (that promise, not the force-majeure exemption, applies).
//!   A fault is on a fibre line when it names a fibre-line device, or names no device at a fibre
//!   segment site.
//! - **Major restoration** (重大故障恢复), for level-B faults under a policy with that promise (the
//!   county police), beside the table's clocks: from the report to "resolved", 7 h when a spare
//!   was substituted, 11 h (replacement by other equipment) otherwise.
//! - **Feedback** (反馈, the e-government contract) runs from "resolved" and stops when the
//!   customer is informed.
//! - **Force majeure** (不可抗拒因素, the county police contract) is the client's to accept: the
//!   technician claims it (cause, the client told), the client's answer is recorded. Only an
//!   accepted claim counts apart: its arrival, resolution and major-restoration clocks that were
//!   not met become exempt (a promise kept stays met); the response is still owed. A pending
//!   claim changes nothing yet, a refused one counts like any other fault. Under a policy without
//!   a force-majeure rule (e-government) nothing is exempt. (Policies saved before issue 15 lack
//!   `force_majeure_by_agreement`: there a determined force-majeure cause alone exempted.)
//!
//! A clock is judged only on the events that had happened by the instant asked about, and a stopped
//! clock on what was known when it stopped; so a clock stopped within its limit reads "met" for
//! ever after (a later force-majeure finding can only make it exempt). Exactly at the limit is met; one second
//! over is breached.

use crate::fault::{self, Fault, FaultEvent, FaultEventKind, ForceMajeureState, UnresolvedReason};
use crate::ids::FaultId;
use crate::site::{DeviceKind, SiteKind};
use crate::sla::{FaultLevel, RemoteOnSite, SlaPolicy};
use crate::time::local_date;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

code_enum! {
    pub enum ClockKind {
        Response = "response", "响应", "Response";
        Arrival = "arrival", "到场", "On site";
        Resolution = "resolution", "修复", "Resolution";
        Feedback = "feedback", "反馈", "Feedback";
        /// Major faults only, where the contract promises it: service restored within 7 h with
        /// spares, 11 h by other equipment without.
        MajorRestoration = "major_restoration", "重大故障恢复", "Major restoration";
    }
}

code_enum! {
    pub enum ClockState {
        /// Its start has not happened yet (resolution before arrival, feedback before resolution).
        NotStarted = "not_started", "未开始", "Not started";
        Running = "running", "计时中", "Running";
        Met = "met", "达标", "Met";
        Breached = "breached", "超时", "Breached";
        /// Does not count: force majeure, or not needed (fixed remotely).
        Exempt = "exempt", "不计时", "Exempt";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Clock {
    pub kind: ClockKind,
    pub state: ClockState,
    pub started_at: Option<DateTime<Utc>>,
    pub deadline: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    /// Seconds left until the deadline while running; negative once overdue and still open.
    pub remaining_seconds: Option<i64>,
    /// Which promise this clock measures, in words (e.g. "B级 到场 2 小时").
    pub rule: String,
    /// The same in English (e.g. "Level B: on site within 2 hours"), for the English screens.
    #[serde(default)]
    pub rule_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct FaultClocks {
    pub fault_id: FaultId,
    pub at: DateTime<Utc>,
    /// Counted apart as force majeure (under the current rule: the client accepted the claim).
    pub force_majeure: bool,
    /// Where a force-majeure claim stands, when one was made.
    #[serde(default)]
    pub force_majeure_claim: Option<ForceMajeureState>,
    pub clocks: Vec<Clock>,
}

impl FaultClocks {
    pub fn get(&self, kind: ClockKind) -> Option<&Clock> {
        self.clocks.iter().find(|c| c.kind == kind)
    }
}

/// Everything the clocks of one fault depend on.
#[derive(Debug, Clone, Copy)]
pub struct FaultFacts<'a> {
    pub fault: &'a Fault,
    /// The policy version the fault was opened under.
    pub policy: &'a SlaPolicy,
    pub device_kind: Option<DeviceKind>,
    /// The kind of the fault's site (a fault naming no device at a fibre segment is on a fibre line).
    pub site_kind: Option<SiteKind>,
    /// The fault's events, in any order.
    pub events: &'a [FaultEvent],
}

fn hours(minutes: u32) -> String {
    if minutes.is_multiple_of(1440) && minutes >= 1440 {
        format!("{} 天", minutes / 1440)
    } else if minutes.is_multiple_of(60) {
        format!("{} 小时", minutes / 60)
    } else {
        format!("{minutes} 分钟")
    }
}

fn hours_en(minutes: u32) -> String {
    let (n, unit) = if minutes.is_multiple_of(1440) && minutes >= 1440 {
        (minutes / 1440, "day")
    } else if minutes.is_multiple_of(60) {
        (minutes / 60, "hour")
    } else {
        (minutes, "minute")
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// A clock's rule in both languages.
struct Rule {
    zh: String,
    en: String,
}

impl Rule {
    fn new(zh: String, en: String) -> Rule {
        Rule { zh, en }
    }
}

fn minutes(m: u32) -> TimeDelta {
    TimeDelta::minutes(i64::from(m))
}

/// Whether a fault is on a fibre line: it names a fibre-line device, or it names no device and
/// its site is a fibre segment.
pub fn on_fibre_line(device_kind: Option<DeviceKind>, site_kind: Option<SiteKind>) -> bool {
    match device_kind {
        Some(kind) => kind == DeviceKind::FibreLine,
        None => site_kind == Some(SiteKind::FibreSegment),
    }
}

fn judge(
    kind: ClockKind,
    rule: Rule,
    start: Option<DateTime<Utc>>,
    limit: u32,
    stop: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> Clock {
    judge_until(kind, rule, start.map(|s| (s, s + minutes(limit))), stop, at)
}

/// Judges a clock that runs from `span.0` to the deadline `span.1`.
fn judge_until(
    kind: ClockKind,
    rule: Rule,
    span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    stop: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> Clock {
    let Some((start, deadline)) = span else {
        return Clock {
            kind,
            state: ClockState::NotStarted,
            started_at: None,
            deadline: None,
            stopped_at: None,
            remaining_seconds: None,
            rule: rule.zh,
            rule_en: rule.en,
        };
    };
    let (state, remaining_seconds) = match stop {
        Some(stop) if stop <= deadline => (ClockState::Met, None),
        Some(_) => (ClockState::Breached, None),
        None if at <= deadline => (ClockState::Running, Some((deadline - at).num_seconds())),
        None => (ClockState::Breached, Some((deadline - at).num_seconds())),
    };
    Clock {
        kind,
        state,
        started_at: Some(start),
        deadline: Some(deadline),
        stopped_at: stop,
        remaining_seconds,
        rule: rule.zh,
        rule_en: rule.en,
    }
}

fn exempt(mut clock: Clock, why: &str, why_en: &str) -> Clock {
    clock.state = ClockState::Exempt;
    clock.remaining_seconds = None;
    clock.rule = format!("{}（{why}）", clock.rule);
    clock.rule_en = format!("{} ({why_en})", clock.rule_en);
    clock
}

/// The clocks of one fault as of `at`.
pub fn clocks(facts: FaultFacts<'_>, at: DateTime<Utc>) -> FaultClocks {
    let FaultFacts {
        fault,
        policy,
        device_kind,
        site_kind,
        events,
    } = facts;
    let mut happened: Vec<&FaultEvent> = events.iter().filter(|e| e.at <= at).collect();
    happened.sort_by_key(|e| (e.at, e.id));
    let first = |pred: &dyn Fn(&FaultEventKind) -> bool| {
        happened.iter().find(|e| pred(&e.kind)).map(|e| e.at)
    };

    // The first sign of a response, whichever it was: a later explicit acknowledgement cannot
    // undo a response that already happened.
    let acknowledged_at = first(&|k| {
        matches!(
            k,
            FaultEventKind::Acknowledged { .. }
                | FaultEventKind::RemoteAttempt { .. }
                | FaultEventKind::Escalated { .. }
                | FaultEventKind::EscalatedOnSite { .. }
                | FaultEventKind::OnSite { .. }
        )
    });
    let escalated_on_site_at = first(&|k| matches!(k, FaultEventKind::EscalatedOnSite { .. }));
    let on_site_at = first(&|k| matches!(k, FaultEventKind::OnSite { .. }));
    let remote_fixed_at =
        first(&|k| matches!(k, FaultEventKind::RemoteAttempt { fixed: true, .. }));
    let remote_failed_at =
        first(&|k| matches!(k, FaultEventKind::RemoteAttempt { fixed: false, .. }));
    let substituted = first(&|k| matches!(k, FaultEventKind::SpareSubstituted { .. })).is_some();
    let resolved_at = first(&|k| matches!(k, FaultEventKind::Resolved { .. }));
    let informed_at = first(&|k| matches!(k, FaultEventKind::CustomerInformed { .. }));
    let cause = happened.iter().rev().find_map(|e| match &e.kind {
        FaultEventKind::CauseDetermined { cause, .. } => Some(*cause),
        _ => None,
    });
    let claim = fault::force_majeure_claim(events, at).map(|c| c.state);
    let (force_majeure, exempt_force_majeure) = if policy.force_majeure_by_agreement {
        let accepted = claim == Some(ForceMajeureState::Accepted) && policy.has_force_majeure();
        (accepted, accepted)
    } else {
        // Policies saved before issue 15: the determined cause alone.
        let legacy = cause.is_some_and(|c| c.is_force_majeure())
            || happened.iter().any(|e| {
                matches!(
                    e.kind,
                    FaultEventKind::Unresolved {
                        reason: UnresolvedReason::ForceMajeure,
                        ..
                    }
                )
            });
        (legacy, legacy && !policy.force_majeure_counts_as_breach)
    };
    // Under the agreement rule a promise kept stays met; the legacy rule exempted every clock.
    let legacy_exemption = !policy.force_majeure_by_agreement;
    let exempt_fm = |clock: Clock| {
        if exempt_force_majeure && (legacy_exemption || clock.state != ClockState::Met) {
            exempt(
                clock,
                "不可抗拒因素，用户已认可",
                "force majeure, accepted by the client",
            )
        } else {
            clock
        }
    };

    let level = fault.level;
    let limits = *policy.levels.get(level);
    let reported = fault.reported_at;
    let mut out = Vec::with_capacity(5);

    out.push(judge(
        ClockKind::Response,
        Rule::new(
            format!("{level}级 响应 {}", hours(limits.response_min)),
            format!(
                "Level {level}: respond within {}",
                hours_en(limits.response_min)
            ),
        ),
        Some(reported),
        limits.response_min,
        acknowledged_at,
        at,
    ));

    let table_deadline = reported + minutes(limits.arrival_min);
    let table_rule = Rule::new(
        format!("{level}级 到场 {}", hours(limits.arrival_min)),
        format!(
            "Level {level}: on site within {}",
            hours_en(limits.arrival_min)
        ),
    );
    let (arrival_deadline, arrival_rule) = match policy.remote_first {
        Some(remote) if remote.on_site == RemoteOnSite::LegacyExtends => {
            let mut deadline = table_deadline;
            let mut rule = table_rule;
            if let Some(failed_at) = remote_failed_at
                && failed_at <= reported + minutes(remote.remote_window_min)
                && remote.remote_window_min + remote.on_site_within_min > limits.arrival_min
            {
                deadline = reported + minutes(remote.remote_window_min + remote.on_site_within_min);
                rule = Rule::new(
                    format!(
                        "远程支持 {} 未解决，其后 {} 内到场",
                        hours(remote.remote_window_min),
                        hours(remote.on_site_within_min)
                    ),
                    format!(
                        "remote support for {} without a fix, then on site within {}",
                        hours_en(remote.remote_window_min),
                        hours_en(remote.on_site_within_min)
                    ),
                );
            }
            (deadline, rule)
        }
        Some(remote) if remote.on_site == RemoteOnSite::AfterEscalation => {
            match escalated_on_site_at {
                Some(escalated) => {
                    // "At once": an escalation after the remote window counts from its end.
                    let counted = escalated.min(reported + minutes(remote.remote_window_min));
                    let due = counted + minutes(remote.on_site_within_min);
                    if due < table_deadline {
                        (
                            due,
                            Rule::new(
                                format!(
                                    "转现场支持后 {} 内到场（不晚于{}）",
                                    hours(remote.on_site_within_min),
                                    table_rule.zh
                                ),
                                format!(
                                    "on site within {} of the escalation to on-site support (no later than {})",
                                    hours_en(remote.on_site_within_min),
                                    table_rule.en
                                ),
                            ),
                        )
                    } else {
                        (table_deadline, table_rule)
                    }
                }
                None => (table_deadline, table_rule),
            }
        }
        _ => (table_deadline, table_rule),
    };
    let arrival = judge_until(
        ClockKind::Arrival,
        arrival_rule,
        Some((reported, arrival_deadline)),
        on_site_at,
        at,
    );
    // A remote fix makes the arrival unnecessary, if it came before the arrival was overdue
    // (the legacy rule exempted any remote fix).
    let fixed_in_time = remote_fixed_at.is_some_and(|fixed| {
        fixed <= arrival_deadline
            || policy
                .remote_first
                .is_some_and(|r| r.on_site == RemoteOnSite::LegacyExtends)
    });
    out.push(if exempt_force_majeure && legacy_exemption {
        exempt(arrival, "不可抗拒因素", "force majeure")
    } else if fixed_in_time && on_site_at.is_none() {
        exempt(
            arrival,
            "已远程修复，无需到场",
            "fixed remotely, no visit needed",
        )
    } else {
        exempt_fm(arrival)
    });

    // The fibre promise names its own case for external force and natural disaster (7 days), so
    // for fibre lines that promise applies instead of the force-majeure exemption.
    let fibre_line = on_fibre_line(device_kind, site_kind);
    let fibre_rule = fibre_line && policy.fibre.is_some();
    let resolution = match policy.fibre.filter(|_| fibre_line) {
        Some(fibre) => {
            // Judged on what was known when the clock stopped: a later change of the cause does
            // not rewrite a repair that was already on time.
            let known_by = resolved_at.unwrap_or(at);
            let cause_then = happened
                .iter()
                .rev()
                .filter(|e| e.at <= known_by)
                .find_map(|e| match &e.kind {
                    FaultEventKind::CauseDetermined { cause, .. } => Some(*cause),
                    _ => None,
                });
            let external = cause_then.is_some_and(|c| c.is_external());
            let limit = if external {
                fibre.external_cause_min
            } else {
                fibre.repair_min
            };
            let (why, why_en) = if external {
                (
                    "光纤线路（外力/自然灾害）",
                    "Fibre line (external force / natural disaster)",
                )
            } else {
                ("光纤线路", "Fibre line")
            };
            judge(
                ClockKind::Resolution,
                Rule::new(
                    format!("{why} 自报修 {} 内修复", hours(limit)),
                    format!(
                        "{why_en}: repaired within {} of the report",
                        hours_en(limit)
                    ),
                ),
                Some(reported),
                limit,
                resolved_at,
                at,
            )
        }
        None => judge(
            ClockKind::Resolution,
            Rule::new(
                format!("{level}级 到场后 {} 内修复", hours(limits.resolution_min)),
                format!(
                    "Level {level}: repaired within {} of arrival",
                    hours_en(limits.resolution_min)
                ),
            ),
            on_site_at.or(remote_fixed_at.map(|_| reported)),
            limits.resolution_min,
            resolved_at,
            at,
        ),
    };
    out.push(if fibre_rule {
        resolution
    } else if exempt_force_majeure && legacy_exemption {
        exempt(resolution, "不可抗拒因素", "force majeure")
    } else {
        exempt_fm(resolution)
    });

    if let (Some(major), FaultLevel::B) = (policy.major_fault_spares, level) {
        let (limit, why, why_en) = if substituted {
            (major.with_spares_min, "使用备件", "with a spare")
        } else {
            (
                major.replaced_without_spares_min,
                "无备件时以其他设备替换",
                "replaced by other equipment, no spare",
            )
        };
        let restoration = judge(
            ClockKind::MajorRestoration,
            Rule::new(
                format!("重大故障 {why} 自报修 {} 内恢复", hours(limit)),
                format!(
                    "Major fault, {why_en}: restored within {} of the report",
                    hours_en(limit)
                ),
            ),
            Some(reported),
            limit,
            resolved_at,
            at,
        );
        out.push(if exempt_force_majeure && legacy_exemption {
            exempt(restoration, "不可抗拒因素", "force majeure")
        } else {
            exempt_fm(restoration)
        });
    }

    if let Some(feedback_min) = policy.feedback_min {
        out.push(judge(
            ClockKind::Feedback,
            Rule::new(
                format!("解决后 {} 内告知用户", hours(feedback_min)),
                format!(
                    "customer informed within {} of the fix",
                    hours_en(feedback_min)
                ),
            ),
            resolved_at,
            feedback_min,
            informed_at,
            at,
        ));
    }
    FaultClocks {
        fault_id: fault.id,
        at,
        force_majeure,
        force_majeure_claim: claim,
        clocks: out,
    }
}

/// How one clock fared over a set of faults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ClockTally {
    pub met: u32,
    pub breached: u32,
    pub running: u32,
    pub not_started: u32,
    pub exempt: u32,
}

impl ClockTally {
    fn add(&mut self, state: ClockState) {
        match state {
            ClockState::Met => self.met += 1,
            ClockState::Breached => self.breached += 1,
            ClockState::Running => self.running += 1,
            ClockState::NotStarted => self.not_started += 1,
            ClockState::Exempt => self.exempt += 1,
        }
    }

    /// Share within the limit among the clocks already decided (met or breached); `None` when
    /// none is decided yet. Running, not-started and exempt clocks are left out.
    /// Rounded by the one rule (`crate::rounding`), so every format shows the same digits.
    pub fn rate(&self) -> Option<f64> {
        crate::rounding::share(self.met, self.met + self.breached)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct LevelCompliance {
    pub level: FaultLevel,
    pub faults: u32,
    pub response: ClockTally,
    pub arrival: ClockTally,
    pub resolution: ClockTally,
    pub feedback: ClockTally,
    pub major_restoration: ClockTally,
    pub response_rate: Option<f64>,
    pub arrival_rate: Option<f64>,
    pub resolution_rate: Option<f64>,
    pub feedback_rate: Option<f64>,
    pub major_restoration_rate: Option<f64>,
}

/// SLA compliance per level and clock for the faults reported in [from, to) (local dates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Compliance {
    pub from: NaiveDate,
    /// Exclusive.
    pub to: NaiveDate,
    /// The instant the clocks were judged at.
    pub at: DateTime<Utc>,
    pub faults: u32,
    pub force_majeure_faults: u32,
    pub levels: Vec<LevelCompliance>,
}

/// A fault belongs to the period in which it was reported (Asia/Shanghai calendar), and its clocks
/// are judged as of `at`: a clock still running then can still turn met or breached later.
pub fn compliance(
    faults: &[FaultFacts<'_>],
    from: NaiveDate,
    to: NaiveDate,
    at: DateTime<Utc>,
) -> Compliance {
    let mut levels: Vec<LevelCompliance> = FaultLevel::ALL
        .iter()
        .map(|&level| LevelCompliance {
            level,
            faults: 0,
            response: ClockTally::default(),
            arrival: ClockTally::default(),
            resolution: ClockTally::default(),
            feedback: ClockTally::default(),
            major_restoration: ClockTally::default(),
            response_rate: None,
            arrival_rate: None,
            resolution_rate: None,
            feedback_rate: None,
            major_restoration_rate: None,
        })
        .collect();
    let (mut total, mut force_majeure_faults) = (0, 0);
    for facts in faults {
        let day = local_date(facts.fault.reported_at);
        if day < from || day >= to {
            continue;
        }
        total += 1;
        let judged = clocks(*facts, at);
        force_majeure_faults += u32::from(judged.force_majeure);
        let row = levels
            .iter_mut()
            .find(|l| l.level == facts.fault.level)
            .expect("every level has a row");
        row.faults += 1;
        for clock in &judged.clocks {
            match clock.kind {
                ClockKind::Response => row.response.add(clock.state),
                ClockKind::Arrival => row.arrival.add(clock.state),
                ClockKind::Resolution => row.resolution.add(clock.state),
                ClockKind::Feedback => row.feedback.add(clock.state),
                ClockKind::MajorRestoration => row.major_restoration.add(clock.state),
            }
        }
    }
    for row in &mut levels {
        row.response_rate = row.response.rate();
        row.arrival_rate = row.arrival.rate();
        row.resolution_rate = row.resolution.rate();
        row.feedback_rate = row.feedback.rate();
        row.major_restoration_rate = row.major_restoration.rate();
    }
    Compliance {
        from,
        to,
        at,
        faults: total,
        force_majeure_faults,
        levels,
    }
}

/// The first day of `YYYY-MM` and of the month after it.
pub fn month_bounds(month: &str) -> Option<(NaiveDate, NaiveDate)> {
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d").ok()?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    Some((first, next))
}

/// A clock still counting down, or overdue and still open (issue 19, shared by Today and the
/// office board).
pub fn counting(clock: &Clock) -> bool {
    clock.stopped_at.is_none()
        && matches!(clock.state, ClockState::Running | ClockState::Breached)
        && clock.remaining_seconds.is_some()
}

/// The most urgent of a fault's clocks: the counting one with the least time left (an overdue
/// one first), if any is counting.
pub fn most_urgent(clocks: &[Clock]) -> Option<&Clock> {
    clocks
        .iter()
        .filter(|c| counting(c))
        .min_by_key(|c| c.remaining_seconds)
}

/// A fault no longer open whose customer still has to be told the result: its feedback clock
/// (反馈, e-government: within 24 h) has started and not stopped (no `CustomerInformed` yet).
pub fn awaiting_feedback(status: fault::FaultStatus, clocks: &[Clock]) -> bool {
    !status.is_open()
        && clocks.iter().any(|c| {
            c.kind == ClockKind::Feedback && c.started_at.is_some() && c.stopped_at.is_none()
        })
}
