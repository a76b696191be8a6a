//! SLA clocks, table by table. Every row names the rule of `shared/domain.md` it proves, with both
//! contracts' numbers, and the boundaries: exactly at the limit (met) and one second over
//! (breached).

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use fieldlog_domain::clocks::{
    ClockKind, ClockState, FaultFacts, clocks, compliance, month_bounds,
};
use fieldlog_domain::fault::{
    Fault, FaultCause, FaultEvent, FaultEventKind, ReportChannel, UnresolvedReason,
};
use fieldlog_domain::ids::{ArrivalId, ContractId, FaultEventId, FaultId, PartId, SiteId};
use fieldlog_domain::site::DeviceKind;
use fieldlog_domain::sla::{FaultLevel, Preset};
use uuid::Uuid;

use ClockKind::*;
use ClockState::*;
use Preset::{CityEgovExtranet as EGOV, CountyPoliceVillageQuery as POLICE};

const H: i64 = 3600;
const M: i64 = 60;

/// What happens, `seconds` after the report.
#[derive(Clone, Copy)]
enum Step {
    Ack,
    RemoteFailed,
    RemoteFixed,
    Escalate,
    Arrive,
    Spare,
    Resolve,
    Unresolved(UnresolvedReason),
    Inform,
    Cause(FaultCause),
}

fn reported() -> DateTime<Utc> {
    // 09:00 in Shanghai.
    "2026-11-02T01:00:00Z".parse().unwrap()
}

fn fault(level: FaultLevel, reported_at: DateTime<Utc>) -> Fault {
    Fault {
        id: FaultId(Uuid::from_u128(1)),
        contract_id: ContractId(Uuid::nil()),
        site_id: SiteId(Uuid::nil()),
        device_id: None,
        level,
        reported_at,
        channel: ReportChannel::Phone,
        description: "测试故障".into(),
        first_receiver: "客户经理甲".into(),
        policy_version: 1,
        recorded_at: reported_at,
    }
}

fn events(fault: &Fault, steps: &[(i64, Step)]) -> Vec<FaultEvent> {
    steps
        .iter()
        .enumerate()
        .map(|(i, &(seconds, step))| FaultEvent {
            id: FaultEventId(Uuid::from_u128(100 + i as u128)),
            fault_id: fault.id,
            at: fault.reported_at + TimeDelta::seconds(seconds),
            recorded_at: fault.reported_at + TimeDelta::seconds(seconds),
            kind: match step {
                Step::Ack => FaultEventKind::Acknowledged {
                    by: "技服甲".into(),
                },
                Step::RemoteFailed => FaultEventKind::RemoteAttempt {
                    fixed: false,
                    note: "远程无效".into(),
                },
                Step::RemoteFixed => FaultEventKind::RemoteAttempt {
                    fixed: true,
                    note: "远程修复".into(),
                },
                Step::Escalate => FaultEventKind::Escalated {
                    to: "二线".into(),
                    reason: "需厂家".into(),
                },
                Step::Arrive => FaultEventKind::OnSite {
                    arrival_id: ArrivalId(Uuid::from_u128(9)),
                },
                Step::Spare => FaultEventKind::SpareSubstituted {
                    part_id: PartId(Uuid::nil()),
                    serial: None,
                },
                Step::Resolve => FaultEventKind::Resolved {
                    note: "已修复".into(),
                },
                Step::Unresolved(reason) => FaultEventKind::Unresolved {
                    reason,
                    note: "未修复".into(),
                },
                Step::Inform => FaultEventKind::CustomerInformed {
                    how: "电话".into()
                },
                Step::Cause(cause) => FaultEventKind::CauseDetermined {
                    cause,
                    note: "认定".into(),
                },
            },
        })
        .collect()
}

struct Case {
    rule: &'static str,
    preset: Preset,
    level: FaultLevel,
    device: Option<DeviceKind>,
    steps: &'static [(i64, Step)],
    /// Seconds after the report the clocks are read at.
    at: i64,
    expect: &'static [(ClockKind, ClockState)],
}

fn run(cases: &[Case]) {
    for case in cases {
        let fault = fault(case.level, reported());
        let policy = case.preset.policy();
        let events = events(&fault, case.steps);
        let facts = FaultFacts {
            fault: &fault,
            policy: &policy,
            device_kind: case.device,
            events: &events,
        };
        let judged = clocks(facts, fault.reported_at + TimeDelta::seconds(case.at));
        for &(kind, state) in case.expect {
            let clock = judged
                .get(kind)
                .unwrap_or_else(|| panic!("{}: no {kind} clock", case.rule));
            assert_eq!(
                clock.state, state,
                "{} ({:?} {}): {kind} clock {clock:?}",
                case.rule, case.preset, case.level
            );
        }
    }
}

/// domain.md, "SLA clocks": response (响应) from report to acknowledgement, per contract and level.
#[test]
fn response_limits_of_both_contracts() {
    use Step::Ack;
    run(&[
        Case {
            rule: "police A response 15 min, at the limit",
            preset: POLICE,
            level: FaultLevel::A,
            device: None,
            steps: &[(15 * M, Ack)],
            at: H,
            expect: &[(Response, Met)],
        },
        Case {
            rule: "police A response 15 min, one second over",
            preset: POLICE,
            level: FaultLevel::A,
            device: None,
            steps: &[(15 * M + 1, Ack)],
            at: H,
            expect: &[(Response, Breached)],
        },
        Case {
            rule: "police C response 15 min",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            steps: &[(15 * M + 1, Ack)],
            at: H,
            expect: &[(Response, Breached)],
        },
        Case {
            rule: "egov A response 15 min",
            preset: EGOV,
            level: FaultLevel::A,
            device: None,
            steps: &[(15 * M, Ack)],
            at: H,
            expect: &[(Response, Met)],
        },
        Case {
            rule: "egov B response 30 min, at the limit",
            preset: EGOV,
            level: FaultLevel::B,
            device: None,
            steps: &[(30 * M, Ack)],
            at: H,
            expect: &[(Response, Met)],
        },
        Case {
            rule: "egov B response 30 min, one second over",
            preset: EGOV,
            level: FaultLevel::B,
            device: None,
            steps: &[(30 * M + 1, Ack)],
            at: H,
            expect: &[(Response, Breached)],
        },
        Case {
            rule: "egov C response 45 min, at the limit",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            steps: &[(45 * M, Ack)],
            at: H,
            expect: &[(Response, Met)],
        },
        Case {
            rule: "egov C response 45 min, one second over",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            steps: &[(45 * M + 1, Ack)],
            at: H,
            expect: &[(Response, Breached)],
        },
        Case {
            rule: "response still open within the limit runs",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            steps: &[],
            at: 45 * M,
            expect: &[(Response, Running)],
        },
        Case {
            rule: "response still open past the limit is breached",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            steps: &[],
            at: 45 * M + 1,
            expect: &[(Response, Breached)],
        },
        Case {
            rule: "an arrival without an acknowledgement is a response",
            preset: POLICE,
            level: FaultLevel::B,
            device: None,
            steps: &[(10 * M, Step::Arrive)],
            at: H,
            expect: &[(Response, Met)],
        },
        Case {
            rule: "an escalation is a response",
            preset: POLICE,
            level: FaultLevel::B,
            device: None,
            steps: &[(16 * M, Step::Escalate)],
            at: H,
            expect: &[(Response, Breached)],
        },
    ]);
}

/// domain.md, "SLA clocks": on site within 60 min to 4 h of the report.
#[test]
fn arrival_limits_of_both_contracts() {
    use Step::{Ack, Arrive};
    run(&[
        Case {
            rule: "police A on site 60 min, at the limit",
            preset: POLICE,
            level: FaultLevel::A,
            device: None,
            steps: &[(5 * M, Ack), (H, Arrive)],
            at: 2 * H,
            expect: &[(Arrival, Met)],
        },
        Case {
            rule: "police A on site 60 min, one second over",
            preset: POLICE,
            level: FaultLevel::A,
            device: None,
            steps: &[(5 * M, Ack), (H + 1, Arrive)],
            at: 2 * H,
            expect: &[(Arrival, Breached)],
        },
        Case {
            rule: "police B on site 2 h",
            preset: POLICE,
            level: FaultLevel::B,
            device: None,
            steps: &[(5 * M, Ack), (2 * H, Arrive)],
            at: 3 * H,
            expect: &[(Arrival, Met)],
        },
        Case {
            rule: "police C on site 2 h, one second over",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            steps: &[(5 * M, Ack), (2 * H + 1, Arrive)],
            at: 3 * H,
            expect: &[(Arrival, Breached)],
        },
        Case {
            rule: "egov A on site 60 min",
            preset: EGOV,
            level: FaultLevel::A,
            device: None,
            steps: &[(5 * M, Ack), (H + 1, Arrive)],
            at: 2 * H,
            expect: &[(Arrival, Breached)],
        },
        Case {
            rule: "egov B on site 2 h",
            preset: EGOV,
            level: FaultLevel::B,
            device: None,
            steps: &[(5 * M, Ack), (2 * H, Arrive)],
            at: 3 * H,
            expect: &[(Arrival, Met)],
        },
        Case {
            rule: "egov C on site 4 h, at the limit",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            steps: &[(5 * M, Ack), (4 * H, Arrive)],
            at: 5 * H,
            expect: &[(Arrival, Met)],
        },
        Case {
            rule: "egov C on site 4 h, one second over",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            steps: &[(5 * M, Ack), (4 * H + 1, Arrive)],
            at: 5 * H,
            expect: &[(Arrival, Breached)],
        },
        Case {
            rule: "not yet on site within the limit runs",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            steps: &[(5 * M, Ack)],
            at: 4 * H,
            expect: &[(Arrival, Running), (Resolution, NotStarted)],
        },
    ]);
}

/// domain.md, "SLA clocks": resolved within hours, counted from arrival on site.
#[test]
fn resolution_limits_count_from_arrival() {
    use Step::{Ack, Arrive, Resolve};
    run(&[
        Case {
            rule: "police A resolved 4 h after arrival, at the limit",
            preset: POLICE,
            level: FaultLevel::A,
            device: None,
            steps: &[(5 * M, Ack), (30 * M, Arrive), (30 * M + 4 * H, Resolve)],
            at: 6 * H,
            expect: &[(Resolution, Met)],
        },
        Case {
            rule: "police A resolved 4 h after arrival, one second over",
            preset: POLICE,
            level: FaultLevel::A,
            device: None,
            steps: &[
                (5 * M, Ack),
                (30 * M, Arrive),
                (30 * M + 4 * H + 1, Resolve),
            ],
            at: 6 * H,
            expect: &[(Resolution, Breached)],
        },
        Case {
            rule: "police B resolved 3 h after arrival",
            preset: POLICE,
            level: FaultLevel::B,
            device: None,
            steps: &[(5 * M, Ack), (H, Arrive), (4 * H, Resolve)],
            at: 6 * H,
            expect: &[(Resolution, Met)],
        },
        Case {
            rule: "police C resolved 2 h after arrival, one second over",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            steps: &[(5 * M, Ack), (H, Arrive), (3 * H + 1, Resolve)],
            at: 6 * H,
            expect: &[(Resolution, Breached)],
        },
        Case {
            rule: "egov A resolved 5 h after arrival",
            preset: EGOV,
            level: FaultLevel::A,
            device: None,
            steps: &[(5 * M, Ack), (H, Arrive), (6 * H, Resolve)],
            at: 7 * H,
            expect: &[(Resolution, Met)],
        },
        Case {
            rule: "egov B resolved 8 h after arrival, one second over",
            preset: EGOV,
            level: FaultLevel::B,
            device: None,
            steps: &[(5 * M, Ack), (H, Arrive), (9 * H + 1, Resolve)],
            at: 10 * H,
            expect: &[(Resolution, Breached)],
        },
        Case {
            rule: "egov C resolved 24 h after arrival, at the limit",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            steps: &[(5 * M, Ack), (H, Arrive), (25 * H, Resolve)],
            at: 26 * H,
            expect: &[(Resolution, Met)],
        },
        Case {
            rule: "a late arrival does not shorten the resolution clock",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            steps: &[(5 * M, Ack), (5 * H, Arrive), (7 * H, Resolve)],
            at: 8 * H,
            expect: &[(Arrival, Breached), (Resolution, Met)],
        },
        Case {
            rule: "open after arrival, within the limit, runs",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            steps: &[(5 * M, Ack), (H, Arrive)],
            at: 3 * H,
            expect: &[(Resolution, Running)],
        },
        Case {
            rule: "unresolved keeps the resolution clock running out",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            steps: &[
                (5 * M, Ack),
                (H, Arrive),
                (2 * H, Step::Unresolved(UnresolvedReason::Power)),
            ],
            at: 3 * H + 1,
            expect: &[(Resolution, Breached)],
        },
    ]);
}

/// domain.md, "Further promises": remote first, major faults, fibre, feedback, force majeure.
#[test]
fn further_promises() {
    use Step::*;
    run(&[
        // Remote first (远程支持): not fixed remotely within 1 h, then on site within 2 h (police) / 1 h (egov).
        Case {
            rule: "police remote first: 1 h remote + 2 h on site, at the limit",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            steps: &[(5 * M, Ack), (30 * M, RemoteFailed), (3 * H, Arrive)],
            at: 4 * H,
            expect: &[(Arrival, Met)],
        },
        Case {
            rule: "police remote first: one second over",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            steps: &[(5 * M, Ack), (30 * M, RemoteFailed), (3 * H + 1, Arrive)],
            at: 4 * H,
            expect: &[(Arrival, Breached)],
        },
        Case {
            rule: "egov remote first: 1 h + 1 h extends level A's 60 min",
            preset: EGOV,
            level: FaultLevel::A,
            device: None,
            steps: &[(5 * M, Ack), (20 * M, RemoteFailed), (2 * H, Arrive)],
            at: 3 * H,
            expect: &[(Arrival, Met)],
        },
        Case {
            rule: "egov remote first never shortens level C's 4 h",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            steps: &[(5 * M, Ack), (20 * M, RemoteFailed), (4 * H, Arrive)],
            at: 5 * H,
            expect: &[(Arrival, Met)],
        },
        Case {
            rule: "a remote attempt after the window does not extend",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            steps: &[(5 * M, Ack), (H + 1, RemoteFailed), (2 * H + 1, Arrive)],
            at: 4 * H,
            expect: &[(Arrival, Breached)],
        },
        Case {
            rule: "fixed remotely: no arrival needed, resolution from the report",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            steps: &[(5 * M, Ack), (40 * M, RemoteFixed), (50 * M, Resolve)],
            at: 5 * H,
            expect: &[(Arrival, Exempt), (Resolution, Met)],
        },
        // Major fault (重大故障): 7 h with spares, 11 h without, beside the table's clocks.
        Case {
            rule: "egov major fault with spares: 7 h, at the limit",
            preset: EGOV,
            level: FaultLevel::B,
            device: None,
            steps: &[(5 * M, Ack), (H, Arrive), (3 * H, Spare), (7 * H, Resolve)],
            at: 8 * H,
            expect: &[(MajorRestoration, Met), (Resolution, Met)],
        },
        Case {
            rule: "egov major fault with spares: one second over 7 h",
            preset: EGOV,
            level: FaultLevel::B,
            device: None,
            steps: &[
                (5 * M, Ack),
                (H, Arrive),
                (3 * H, Spare),
                (7 * H + 1, Resolve),
            ],
            at: 8 * H,
            expect: &[(MajorRestoration, Breached), (Resolution, Met)],
        },
        Case {
            rule: "egov major fault without spares: 11 h",
            preset: EGOV,
            level: FaultLevel::B,
            device: None,
            steps: &[(5 * M, Ack), (H, Arrive), (9 * H, Resolve)],
            at: 12 * H,
            expect: &[(MajorRestoration, Met), (Resolution, Met)],
        },
        Case {
            rule: "egov major fault without spares: one second over 11 h",
            preset: EGOV,
            level: FaultLevel::B,
            device: None,
            steps: &[(5 * M, Ack), (2 * H, Arrive), (11 * H + 1, Resolve)],
            at: 12 * H,
            expect: &[(MajorRestoration, Breached)],
        },
        // Fibre lines (光纤线路障碍): 24 h; external force or natural disaster: 7 days.
        Case {
            rule: "egov fibre repaired within 24 h of the report",
            preset: EGOV,
            level: FaultLevel::C,
            device: Some(DeviceKind::FibreLine),
            steps: &[(5 * M, Ack), (3 * H, Arrive), (24 * H, Resolve)],
            at: 30 * H,
            expect: &[(Resolution, Met)],
        },
        Case {
            rule: "egov fibre: one second over 24 h",
            preset: EGOV,
            level: FaultLevel::C,
            device: Some(DeviceKind::FibreLine),
            steps: &[(5 * M, Ack), (3 * H, Arrive), (24 * H + 1, Resolve)],
            at: 30 * H,
            expect: &[(Resolution, Breached)],
        },
        Case {
            rule: "egov fibre cut by external force: 7 days",
            preset: EGOV,
            level: FaultLevel::C,
            device: Some(DeviceKind::FibreLine),
            steps: &[
                (5 * M, Ack),
                (3 * H, Arrive),
                (4 * H, Cause(FaultCause::ExternalForce)),
                (7 * 24 * H, Resolve),
            ],
            at: 8 * 24 * H,
            expect: &[(Resolution, Met)],
        },
        Case {
            rule: "egov fibre external: one second over 7 days",
            preset: EGOV,
            level: FaultLevel::C,
            device: Some(DeviceKind::FibreLine),
            steps: &[
                (5 * M, Ack),
                (3 * H, Arrive),
                (4 * H, Cause(FaultCause::NaturalDisaster)),
                (7 * 24 * H + 1, Resolve),
            ],
            at: 8 * 24 * H,
            expect: &[(Resolution, Breached)],
        },
        // Feedback (反馈): the customer told within 24 h after resolution.
        Case {
            rule: "feedback within 24 h of resolution, at the limit",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            steps: &[
                (5 * M, Ack),
                (H, Arrive),
                (2 * H, Resolve),
                (26 * H, Inform),
            ],
            at: 30 * H,
            expect: &[(Feedback, Met)],
        },
        Case {
            rule: "feedback one second over 24 h",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            steps: &[
                (5 * M, Ack),
                (H, Arrive),
                (2 * H, Resolve),
                (26 * H + 1, Inform),
            ],
            at: 30 * H,
            expect: &[(Feedback, Breached)],
        },
        Case {
            rule: "feedback waits for resolution",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            steps: &[(5 * M, Ack), (H, Arrive)],
            at: 2 * H,
            expect: &[(Feedback, NotStarted)],
        },
        // Force majeure (不可抗拒因素): not a breach unless the contract says so; the response is still owed.
        Case {
            rule: "pole hit by a vehicle: arrival and resolution exempt",
            preset: POLICE,
            level: FaultLevel::B,
            device: None,
            steps: &[
                (20 * M, Ack),
                (5 * H, Arrive),
                (6 * H, Cause(FaultCause::VehicleHit)),
            ],
            at: 30 * H,
            expect: &[
                (Response, Breached),
                (Arrival, Exempt),
                (Resolution, Exempt),
            ],
        },
        Case {
            rule: "unresolved for force majeure: exempt",
            preset: EGOV,
            level: FaultLevel::B,
            device: None,
            steps: &[
                (5 * M, Ack),
                (H, Arrive),
                (2 * H, Unresolved(UnresolvedReason::ForceMajeure)),
            ],
            at: 30 * H,
            expect: &[(Resolution, Exempt), (MajorRestoration, Exempt)],
        },
        Case {
            rule: "external force on a non-fibre device is no exemption",
            preset: POLICE,
            level: FaultLevel::C,
            device: Some(DeviceKind::Camera),
            steps: &[
                (5 * M, Ack),
                (H, Arrive),
                (H + 5 * M, Cause(FaultCause::ExternalForce)),
            ],
            at: 5 * H,
            expect: &[(Resolution, Breached)],
        },
    ]);
}

#[test]
fn force_majeure_counts_when_the_contract_says_so() {
    let f = fault(FaultLevel::B, reported());
    let mut policy = POLICE.policy();
    policy.force_majeure_counts_as_breach = true;
    let events = events(
        &f,
        &[
            (5 * M, Step::Ack),
            (5 * H, Step::Arrive),
            (6 * H, Step::Cause(FaultCause::Weather)),
        ],
    );
    let judged = clocks(
        FaultFacts {
            fault: &f,
            policy: &policy,
            device_kind: None,
            events: &events,
        },
        f.reported_at + TimeDelta::hours(30),
    );
    assert!(judged.force_majeure);
    assert_eq!(judged.get(Arrival).unwrap().state, Breached);
}

#[test]
fn deadlines_and_remaining_time_are_exact() {
    let f = fault(FaultLevel::A, reported());
    let policy = POLICE.policy();
    let events = events(&f, &[(10 * M, Step::Ack)]);
    let at = f.reported_at + TimeDelta::minutes(45);
    let judged = clocks(
        FaultFacts {
            fault: &f,
            policy: &policy,
            device_kind: None,
            events: &events,
        },
        at,
    );
    let arrival = judged.get(Arrival).unwrap();
    assert_eq!(
        arrival.deadline,
        Some(f.reported_at + TimeDelta::minutes(60))
    );
    assert_eq!(arrival.remaining_seconds, Some(15 * M));
    assert_eq!(arrival.rule, "A级 到场 1 小时");
    // Overdue: negative remaining time while still open.
    let late = clocks(
        FaultFacts {
            fault: &f,
            policy: &policy,
            device_kind: None,
            events: &events,
        },
        f.reported_at + TimeDelta::minutes(70),
    );
    assert_eq!(late.get(Arrival).unwrap().remaining_seconds, Some(-10 * M));
}

/// Events after the instant asked about have not happened yet.
#[test]
fn later_events_do_not_count_before_they_happen() {
    let f = fault(FaultLevel::C, reported());
    let policy = POLICE.policy();
    let events = events(&f, &[(5 * M, Step::Ack), (H, Step::Arrive)]);
    let before = clocks(
        FaultFacts {
            fault: &f,
            policy: &policy,
            device_kind: None,
            events: &events,
        },
        f.reported_at + TimeDelta::minutes(30),
    );
    assert_eq!(before.get(Arrival).unwrap().state, Running);
    assert_eq!(before.get(Resolution).unwrap().state, NotStarted);
}

/// A fault reported across midnight belongs to the local (Shanghai) day and month it was reported
/// in; clocks cross midnight and month ends like any other minute.
#[test]
fn across_midnight_and_month_end() {
    let policy = POLICE.policy();
    // 23:50 on 31 October in Shanghai = 15:50 UTC.
    let october: DateTime<Utc> = "2026-10-31T15:50:00Z".parse().unwrap();
    // 00:10 on 1 November in Shanghai = 16:10 UTC on 31 October.
    let november: DateTime<Utc> = "2026-10-31T16:10:00Z".parse().unwrap();
    let a = fault(FaultLevel::C, october);
    let b = Fault {
        id: FaultId(Uuid::from_u128(2)),
        ..fault(FaultLevel::C, november)
    };
    let ea = events(
        &a,
        &[
            (15 * M, Step::Ack),
            (2 * H, Step::Arrive),
            (4 * H, Step::Resolve),
        ],
    );
    let eb = events(&b, &[(16 * M, Step::Ack)]);
    let facts = [
        FaultFacts {
            fault: &a,
            policy: &policy,
            device_kind: None,
            events: &ea,
        },
        FaultFacts {
            fault: &b,
            policy: &policy,
            device_kind: None,
            events: &eb,
        },
    ];
    let at: DateTime<Utc> = "2026-11-05T00:00:00Z".parse().unwrap();
    let (oct_from, oct_to) = month_bounds("2026-10").unwrap();
    assert_eq!(
        (oct_from, oct_to),
        (
            NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
        )
    );
    let oct = compliance(&facts, oct_from, oct_to, at);
    assert_eq!(oct.faults, 1);
    let c = &oct.levels[2];
    assert_eq!(
        (c.response.met, c.arrival.met, c.resolution.met),
        (1, 1, 1),
        "the October fault met all three across midnight"
    );
    let (nov_from, nov_to) = month_bounds("2026-11").unwrap();
    let nov = compliance(&facts, nov_from, nov_to, at);
    assert_eq!(nov.faults, 1);
    let c = &nov.levels[2];
    assert_eq!(c.response.breached, 1);
    assert_eq!(c.response_rate, Some(0.0));
    // Still not on site days later: breached, not running.
    assert_eq!(c.arrival.breached, 1);
    assert_eq!(c.resolution.not_started, 1);
    assert_eq!(
        month_bounds("2026-12").unwrap().1,
        NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
    );
    assert!(month_bounds("2026-13").is_none());
}

#[test]
fn compliance_rates_leave_out_running_and_exempt_clocks() {
    let policy = EGOV.policy();
    let faults: Vec<Fault> = (0..4)
        .map(|i| Fault {
            id: FaultId(Uuid::from_u128(10 + i)),
            ..fault(FaultLevel::A, reported())
        })
        .collect();
    let plans: [&[(i64, Step)]; 4] = [
        &[(10 * M, Step::Ack)], // met
        &[(16 * M, Step::Ack)], // breached
        &[
            (10 * M, Step::Ack),
            (30 * M, Step::Arrive),
            (40 * M, Step::Cause(FaultCause::Stolen)),
        ], // exempt arrival
        &[],                    // running at 10 min
    ];
    let evs: Vec<Vec<FaultEvent>> = faults
        .iter()
        .zip(plans)
        .map(|(f, p)| events(f, p))
        .collect();
    let facts: Vec<FaultFacts> = faults
        .iter()
        .zip(&evs)
        .map(|(f, e)| FaultFacts {
            fault: f,
            policy: &policy,
            device_kind: None,
            events: e,
        })
        .collect();
    let (from, to) = month_bounds("2026-11").unwrap();
    let at = reported() + TimeDelta::minutes(12);
    let result = compliance(&facts, from, to, at);
    let a = &result.levels[0];
    assert_eq!(a.faults, 4);
    // At 12 min: fault 2 (ack due 16 min) is not yet acknowledged, so it still runs.
    assert_eq!(
        (a.response.met, a.response.breached, a.response.running),
        (2, 0, 2)
    );
    assert_eq!(a.response_rate, Some(1.0));
    let later = compliance(&facts, from, to, reported() + TimeDelta::hours(1));
    let a = &later.levels[0];
    assert_eq!((a.response.met, a.response.breached), (2, 2));
    assert_eq!(a.response_rate, Some(0.5));
    assert_eq!(a.arrival.exempt, 1);
    assert_eq!(later.force_majeure_faults, 1);
}
