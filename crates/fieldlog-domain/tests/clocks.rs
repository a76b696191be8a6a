//! SLA clocks, table by table. Every row names the rule of `shared/domain.md` it proves (for the
//! further promises: the row of "which contract promises what" and the contract), with both
//! contracts' numbers, and the boundaries: exactly at the limit (met) and one second over
//! (breached).

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use fieldlog_domain::clocks::{
    ClockKind, ClockState, FaultFacts, clocks, compliance, month_bounds,
};
use fieldlog_domain::fault::{
    Fault, FaultCause, FaultEvent, FaultEventKind, ForceMajeureState, ReportChannel,
    UnresolvedReason,
};
use fieldlog_domain::ids::{ArrivalId, ContractId, FaultEventId, FaultId, PartId, SiteId};
use fieldlog_domain::site::{DeviceKind, SiteKind};
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
    /// Escalated to on-site support (转现场支持).
    EscalateOnSite,
    /// Force majeure claimed, the client told.
    Claim(FaultCause),
    /// The client's answer to the claim.
    Agree(bool),
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
        caller: None,
        caller_phone: None,
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
                    old_serial: None,
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
                Step::EscalateOnSite => FaultEventKind::EscalatedOnSite {
                    by: "远程支持".into(),
                    reason: "远程无法解决".into(),
                },
                Step::Claim(cause) => FaultEventKind::ForceMajeureClaimed {
                    cause,
                    told: "采购人代表甲".into(),
                    note: "已电话告知".into(),
                },
                Step::Agree(accepted) => FaultEventKind::ForceMajeureAgreement {
                    accepted,
                    by: "采购人代表甲".into(),
                    note: "协商".into(),
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
    site: Option<SiteKind>,
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
            site_kind: case.site,
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
            site: None,
            steps: &[(15 * M, Ack)],
            at: H,
            expect: &[(Response, Met)],
        },
        Case {
            rule: "police A response 15 min, one second over",
            preset: POLICE,
            level: FaultLevel::A,
            device: None,
            site: None,
            steps: &[(15 * M + 1, Ack)],
            at: H,
            expect: &[(Response, Breached)],
        },
        Case {
            rule: "police C response 15 min",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            site: None,
            steps: &[(15 * M + 1, Ack)],
            at: H,
            expect: &[(Response, Breached)],
        },
        Case {
            rule: "egov A response 15 min",
            preset: EGOV,
            level: FaultLevel::A,
            device: None,
            site: None,
            steps: &[(15 * M, Ack)],
            at: H,
            expect: &[(Response, Met)],
        },
        Case {
            rule: "egov B response 30 min, at the limit",
            preset: EGOV,
            level: FaultLevel::B,
            device: None,
            site: None,
            steps: &[(30 * M, Ack)],
            at: H,
            expect: &[(Response, Met)],
        },
        Case {
            rule: "egov B response 30 min, one second over",
            preset: EGOV,
            level: FaultLevel::B,
            device: None,
            site: None,
            steps: &[(30 * M + 1, Ack)],
            at: H,
            expect: &[(Response, Breached)],
        },
        Case {
            rule: "egov C response 45 min, at the limit",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            site: None,
            steps: &[(45 * M, Ack)],
            at: H,
            expect: &[(Response, Met)],
        },
        Case {
            rule: "egov C response 45 min, one second over",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            site: None,
            steps: &[(45 * M + 1, Ack)],
            at: H,
            expect: &[(Response, Breached)],
        },
        Case {
            rule: "response still open within the limit runs",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            site: None,
            steps: &[],
            at: 45 * M,
            expect: &[(Response, Running)],
        },
        Case {
            rule: "response still open past the limit is breached",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            site: None,
            steps: &[],
            at: 45 * M + 1,
            expect: &[(Response, Breached)],
        },
        Case {
            rule: "an arrival without an acknowledgement is a response",
            preset: POLICE,
            level: FaultLevel::B,
            device: None,
            site: None,
            steps: &[(10 * M, Step::Arrive)],
            at: H,
            expect: &[(Response, Met)],
        },
        Case {
            rule: "an escalation is a response",
            preset: POLICE,
            level: FaultLevel::B,
            device: None,
            site: None,
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
            site: None,
            steps: &[(5 * M, Ack), (H, Arrive)],
            at: 2 * H,
            expect: &[(Arrival, Met)],
        },
        Case {
            rule: "police A on site 60 min, one second over",
            preset: POLICE,
            level: FaultLevel::A,
            device: None,
            site: None,
            steps: &[(5 * M, Ack), (H + 1, Arrive)],
            at: 2 * H,
            expect: &[(Arrival, Breached)],
        },
        Case {
            rule: "police B on site 2 h",
            preset: POLICE,
            level: FaultLevel::B,
            device: None,
            site: None,
            steps: &[(5 * M, Ack), (2 * H, Arrive)],
            at: 3 * H,
            expect: &[(Arrival, Met)],
        },
        Case {
            rule: "police C on site 2 h, one second over",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            site: None,
            steps: &[(5 * M, Ack), (2 * H + 1, Arrive)],
            at: 3 * H,
            expect: &[(Arrival, Breached)],
        },
        Case {
            rule: "egov A on site 60 min",
            preset: EGOV,
            level: FaultLevel::A,
            device: None,
            site: None,
            steps: &[(5 * M, Ack), (H + 1, Arrive)],
            at: 2 * H,
            expect: &[(Arrival, Breached)],
        },
        Case {
            rule: "egov B on site 2 h",
            preset: EGOV,
            level: FaultLevel::B,
            device: None,
            site: None,
            steps: &[(5 * M, Ack), (2 * H, Arrive)],
            at: 3 * H,
            expect: &[(Arrival, Met)],
        },
        Case {
            rule: "egov C on site 4 h, at the limit",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            site: None,
            steps: &[(5 * M, Ack), (4 * H, Arrive)],
            at: 5 * H,
            expect: &[(Arrival, Met)],
        },
        Case {
            rule: "egov C on site 4 h, one second over",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            site: None,
            steps: &[(5 * M, Ack), (4 * H + 1, Arrive)],
            at: 5 * H,
            expect: &[(Arrival, Breached)],
        },
        Case {
            rule: "not yet on site within the limit runs",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            site: None,
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
            site: None,
            steps: &[(5 * M, Ack), (30 * M, Arrive), (30 * M + 4 * H, Resolve)],
            at: 6 * H,
            expect: &[(Resolution, Met)],
        },
        Case {
            rule: "police A resolved 4 h after arrival, one second over",
            preset: POLICE,
            level: FaultLevel::A,
            device: None,
            site: None,
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
            site: None,
            steps: &[(5 * M, Ack), (H, Arrive), (4 * H, Resolve)],
            at: 6 * H,
            expect: &[(Resolution, Met)],
        },
        Case {
            rule: "police C resolved 2 h after arrival, one second over",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            site: None,
            steps: &[(5 * M, Ack), (H, Arrive), (3 * H + 1, Resolve)],
            at: 6 * H,
            expect: &[(Resolution, Breached)],
        },
        Case {
            rule: "egov A resolved 5 h after arrival",
            preset: EGOV,
            level: FaultLevel::A,
            device: None,
            site: None,
            steps: &[(5 * M, Ack), (H, Arrive), (6 * H, Resolve)],
            at: 7 * H,
            expect: &[(Resolution, Met)],
        },
        Case {
            rule: "egov B resolved 8 h after arrival, one second over",
            preset: EGOV,
            level: FaultLevel::B,
            device: None,
            site: None,
            steps: &[(5 * M, Ack), (H, Arrive), (9 * H + 1, Resolve)],
            at: 10 * H,
            expect: &[(Resolution, Breached)],
        },
        Case {
            rule: "egov C resolved 24 h after arrival, at the limit",
            preset: EGOV,
            level: FaultLevel::C,
            device: None,
            site: None,
            steps: &[(5 * M, Ack), (H, Arrive), (25 * H, Resolve)],
            at: 26 * H,
            expect: &[(Resolution, Met)],
        },
        Case {
            rule: "a late arrival does not shorten the resolution clock",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            site: None,
            steps: &[(5 * M, Ack), (5 * H, Arrive), (7 * H, Resolve)],
            at: 8 * H,
            expect: &[(Arrival, Breached), (Resolution, Met)],
        },
        Case {
            rule: "open after arrival, within the limit, runs",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            site: None,
            steps: &[(5 * M, Ack), (H, Arrive)],
            at: 3 * H,
            expect: &[(Resolution, Running)],
        },
        Case {
            rule: "unresolved keeps the resolution clock running out",
            preset: POLICE,
            level: FaultLevel::C,
            device: None,
            site: None,
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

/// A row of domain.md's "which contract promises what", for one contract, on a fault with no
/// device named at an ordinary site.
const fn row(
    rule: &'static str,
    preset: Preset,
    level: FaultLevel,
    steps: &'static [(i64, Step)],
    at: i64,
    expect: &'static [(ClockKind, ClockState)],
) -> Case {
    Case {
        rule,
        preset,
        level,
        device: None,
        site: None,
        steps,
        at,
        expect,
    }
}

/// The same, on a fault at a given device and site.
const fn row_at(
    rule: &'static str,
    preset: Preset,
    level: FaultLevel,
    (device, site): (Option<DeviceKind>, Option<SiteKind>),
    steps: &'static [(i64, Step)],
    at: i64,
    expect: &'static [(ClockKind, ClockState)],
) -> Case {
    Case {
        rule,
        preset,
        level,
        device,
        site,
        steps,
        at,
        expect,
    }
}

use FaultLevel::{A, B, C};
use Step::{
    Ack, Agree, Arrive, Claim, EscalateOnSite, Inform, RemoteFailed, RemoteFixed, Resolve, Spare,
};

/// Row "Remote first" and row "Direct on-site": remote first never extends the table's on-site
/// limit. Before issue 15 police read 1 h + 2 h (180 min) and e-government 1 h + 1 h (120 min) for
/// level A after a failed remote attempt: the cases marked "was met" prove that reading gone.
#[test]
fn row_remote_first_never_extends_the_on_site_limit() {
    run(&[
        // County police: "在接到报修电话之后 2小时内到达现场": the table's limit from the report.
        row(
            "remote first / police: C, remote failed, on site at 2 h (the table's limit)",
            POLICE,
            C,
            &[(5 * M, Ack), (30 * M, RemoteFailed), (2 * H, Arrive)],
            4 * H,
            &[(Arrival, Met)],
        ),
        row(
            "remote first / police: C, remote failed, on site 2 h + 1 s (was met: 1 h + 2 h)",
            POLICE,
            C,
            &[(5 * M, Ack), (30 * M, RemoteFailed), (2 * H + 1, Arrive)],
            4 * H,
            &[(Arrival, Breached)],
        ),
        row(
            "direct on-site / police: A, remote failed, on site at 60 min",
            POLICE,
            A,
            &[(5 * M, Ack), (20 * M, RemoteFailed), (H, Arrive)],
            4 * H,
            &[(Arrival, Met)],
        ),
        row(
            "direct on-site / police: A, remote failed, on site 60 min + 1 s (was met: 180 min)",
            POLICE,
            A,
            &[(5 * M, Ack), (20 * M, RemoteFailed), (H + 1, Arrive)],
            4 * H,
            &[(Arrival, Breached)],
        ),
        row(
            "remote first / police: fixed remotely within the hour, no arrival owed",
            POLICE,
            A,
            &[(5 * M, Ack), (40 * M, RemoteFixed), (50 * M, Resolve)],
            5 * H,
            &[(Arrival, Exempt), (Resolution, Met)],
        ),
        row(
            "remote first / police: a remote fix after the arrival was overdue exempts nothing",
            POLICE,
            A,
            &[(5 * M, Ack), (H + 1, RemoteFixed), (H + 2, Resolve)],
            5 * H,
            &[(Arrival, Breached)],
        ),
        // City e-government: on site within 1 h of the escalation, never past the table.
        row(
            "remote first / egov: C, escalated at minute 59, on site 60 min later",
            EGOV,
            C,
            &[
                (5 * M, Ack),
                (20 * M, RemoteFailed),
                (59 * M, EscalateOnSite),
                (119 * M, Arrive),
            ],
            5 * H,
            &[(Arrival, Met)],
        ),
        row(
            "remote first / egov: C, escalated at minute 59, on site 60 min + 1 s later",
            EGOV,
            C,
            &[
                (5 * M, Ack),
                (20 * M, RemoteFailed),
                (59 * M, EscalateOnSite),
                (119 * M + 1, Arrive),
            ],
            5 * H,
            &[(Arrival, Breached)],
        ),
        row(
            "remote first / egov: C, escalated at minute 61 counts from the window's end (60)",
            EGOV,
            C,
            &[(5 * M, Ack), (61 * M, EscalateOnSite), (120 * M, Arrive)],
            5 * H,
            &[(Arrival, Met)],
        ),
        row(
            "remote first / egov: C, escalated at minute 61, on site at 120 min + 1 s",
            EGOV,
            C,
            &[
                (5 * M, Ack),
                (61 * M, EscalateOnSite),
                (120 * M + 1, Arrive),
            ],
            5 * H,
            &[(Arrival, Breached)],
        ),
        row(
            "remote first / egov: C, still open 1 h after the escalation is breached",
            EGOV,
            C,
            &[(5 * M, Ack), (30 * M, EscalateOnSite)],
            90 * M + 1,
            &[(Arrival, Breached), (Response, Met)],
        ),
        row(
            "remote first / egov: C, never escalated: the table's 4 h",
            EGOV,
            C,
            &[(5 * M, Ack), (20 * M, RemoteFailed), (4 * H, Arrive)],
            5 * H,
            &[(Arrival, Met)],
        ),
        row(
            "direct on-site / egov: A, escalated at minute 59: never later than the table's 60 min",
            EGOV,
            A,
            &[(5 * M, Ack), (59 * M, EscalateOnSite), (H, Arrive)],
            5 * H,
            &[(Arrival, Met)],
        ),
        row(
            "direct on-site / egov: A, escalated at minute 59, on site 60 min + 1 s",
            EGOV,
            A,
            &[(5 * M, Ack), (59 * M, EscalateOnSite), (H + 1, Arrive)],
            5 * H,
            &[(Arrival, Breached)],
        ),
        row(
            "direct on-site / egov: A, remote failed, on site at 2 h (was met: 120 min)",
            EGOV,
            A,
            &[(5 * M, Ack), (20 * M, RemoteFailed), (2 * H, Arrive)],
            3 * H,
            &[(Arrival, Breached)],
        ),
        row(
            "remote first / egov: an escalation to on-site support is a response",
            EGOV,
            B,
            &[(10 * M, EscalateOnSite)],
            H,
            &[(Response, Met)],
        ),
    ]);
}

/// Row "Major fault": county police only (7 h with spares, 11 h without, from the report).
#[test]
fn row_major_fault_police_only() {
    run(&[
        row(
            "major fault / police: with spares, 7 h at the limit",
            POLICE,
            B,
            &[(5 * M, Ack), (H, Arrive), (3 * H, Spare), (7 * H, Resolve)],
            8 * H,
            &[(MajorRestoration, Met)],
        ),
        row(
            "major fault / police: with spares, 7 h + 1 s",
            POLICE,
            B,
            &[
                (5 * M, Ack),
                (H, Arrive),
                (3 * H, Spare),
                (7 * H + 1, Resolve),
            ],
            8 * H,
            &[(MajorRestoration, Breached)],
        ),
        row(
            "major fault / police: without spares, replaced within 11 h",
            POLICE,
            B,
            &[(5 * M, Ack), (H, Arrive), (11 * H, Resolve)],
            12 * H,
            &[(MajorRestoration, Met)],
        ),
        row(
            "major fault / police: without spares, 11 h + 1 s",
            POLICE,
            B,
            &[(5 * M, Ack), (2 * H, Arrive), (11 * H + 1, Resolve)],
            12 * H,
            &[(MajorRestoration, Breached)],
        ),
        row(
            "major fault / police: still open at 11 h runs",
            POLICE,
            B,
            &[(5 * M, Ack), (H, Arrive)],
            11 * H,
            &[(MajorRestoration, Running)],
        ),
    ]);
}

/// Which clocks each contract carries at level B: police has major restoration and no feedback,
/// e-government feedback and no major restoration (rows "Major fault" and "Feedback").
#[test]
fn each_contract_carries_exactly_its_clocks() {
    for (row, preset, kinds) in [
        (
            "major fault: police / feedback: —",
            POLICE,
            [Response, Arrival, Resolution, MajorRestoration],
        ),
        (
            "major fault: — / feedback: egov",
            EGOV,
            [Response, Arrival, Resolution, Feedback],
        ),
    ] {
        let f = fault(B, reported());
        let policy = preset.policy();
        let judged = clocks(
            FaultFacts {
                fault: &f,
                policy: &policy,
                device_kind: None,
                site_kind: None,
                events: &[],
            },
            reported(),
        );
        let got: Vec<ClockKind> = judged.clocks.iter().map(|c| c.kind).collect();
        assert_eq!(got, kinds, "{row}");
    }
}

/// Row "Fibre lines": e-government only; a fault on a fibre line whether it names a fibre-line
/// device or only a fibre segment site.
#[test]
fn row_fibre_lines() {
    let fibre_device = (Some(DeviceKind::FibreLine), Some(SiteKind::MachineRoom));
    let fibre_site = (None, Some(SiteKind::FibreSegment));
    run(&[
        row_at(
            "fibre / egov: a fibre-line device, 24 h at the limit",
            EGOV,
            C,
            fibre_device,
            &[(5 * M, Ack), (3 * H, Arrive), (24 * H, Resolve)],
            30 * H,
            &[(Resolution, Met)],
        ),
        row_at(
            "fibre / egov: a fibre-line device, 24 h + 1 s",
            EGOV,
            C,
            fibre_device,
            &[(5 * M, Ack), (3 * H, Arrive), (24 * H + 1, Resolve)],
            30 * H,
            &[(Resolution, Breached)],
        ),
        row_at(
            "fibre / egov: only a fibre segment site, 24 h at the limit",
            EGOV,
            C,
            fibre_site,
            &[(5 * M, Ack), (3 * H, Arrive), (24 * H, Resolve)],
            30 * H,
            &[(Resolution, Met)],
        ),
        row_at(
            "fibre / egov: only a fibre segment site, 24 h + 1 s (was the 24 h after arrival)",
            EGOV,
            C,
            fibre_site,
            &[(5 * M, Ack), (3 * H, Arrive), (24 * H + 1, Resolve)],
            30 * H,
            &[(Resolution, Breached)],
        ),
        row_at(
            "fibre / egov: fibre segment site, external force, 7 days",
            EGOV,
            C,
            fibre_site,
            &[
                (5 * M, Ack),
                (3 * H, Arrive),
                (4 * H, Step::Cause(FaultCause::ExternalForce)),
                (7 * 24 * H, Resolve),
            ],
            8 * 24 * H,
            &[(Resolution, Met)],
        ),
        row_at(
            "fibre / egov: natural disaster, 7 days + 1 s",
            EGOV,
            C,
            fibre_device,
            &[
                (5 * M, Ack),
                (3 * H, Arrive),
                (4 * H, Step::Cause(FaultCause::NaturalDisaster)),
                (7 * 24 * H + 1, Resolve),
            ],
            8 * 24 * H,
            &[(Resolution, Breached)],
        ),
        row_at(
            "fibre / egov: a power unit at a fibre segment site is not the line",
            EGOV,
            C,
            (Some(DeviceKind::PowerUnit), Some(SiteKind::FibreSegment)),
            &[(5 * M, Ack), (3 * H, Arrive), (26 * H, Resolve)],
            30 * H,
            &[(Resolution, Met)],
        ),
        row_at(
            "fibre / police: —, the table's C 2 h after arrival",
            POLICE,
            C,
            fibre_site,
            &[(5 * M, Ack), (H, Arrive), (3 * H + 1, Resolve)],
            30 * H,
            &[(Resolution, Breached)],
        ),
    ]);
}

/// Row "Feedback": e-government only, within 24 h after the fault is cleared.
#[test]
fn row_feedback_egov_only() {
    run(&[
        row(
            "feedback / egov: 24 h after resolution, at the limit",
            EGOV,
            C,
            &[
                (5 * M, Ack),
                (H, Arrive),
                (2 * H, Resolve),
                (26 * H, Inform),
            ],
            30 * H,
            &[(Feedback, Met)],
        ),
        row(
            "feedback / egov: 24 h + 1 s",
            EGOV,
            C,
            &[
                (5 * M, Ack),
                (H, Arrive),
                (2 * H, Resolve),
                (26 * H + 1, Inform),
            ],
            30 * H,
            &[(Feedback, Breached)],
        ),
        row(
            "feedback / egov: waits for resolution",
            EGOV,
            C,
            &[(5 * M, Ack), (H, Arrive)],
            2 * H,
            &[(Feedback, NotStarted)],
        ),
    ]);
}

/// Row "Force majeure": county police only, and the client's to accept.
#[test]
fn row_force_majeure_police_by_agreement() {
    use FaultCause::{Stolen, VehicleHit, Weather};
    run(&[
        row(
            "force majeure / police: claimed before the breach, accepted after: exempt",
            POLICE,
            B,
            &[
                (10 * M, Ack),
                (30 * M, Claim(VehicleHit)),
                (5 * H, Arrive),
                (6 * H, Agree(true)),
            ],
            30 * H,
            &[(Response, Met), (Arrival, Exempt), (Resolution, Exempt)],
        ),
        row(
            "force majeure / police: claimed after the breach, accepted: exempt",
            POLICE,
            B,
            &[
                (10 * M, Ack),
                (5 * H, Arrive),
                (6 * H, Claim(Stolen)),
                (7 * H, Agree(true)),
            ],
            30 * H,
            &[(Arrival, Exempt), (MajorRestoration, Exempt)],
        ),
        row(
            "force majeure / police: still pending: counts as usual",
            POLICE,
            B,
            &[(10 * M, Ack), (30 * M, Claim(Weather)), (5 * H, Arrive)],
            30 * H,
            &[(Arrival, Breached), (Resolution, Breached)],
        ),
        row(
            "force majeure / police: refused: counts like any other fault",
            POLICE,
            B,
            &[
                (10 * M, Ack),
                (30 * M, Claim(Weather)),
                (5 * H, Arrive),
                (6 * H, Agree(false)),
            ],
            30 * H,
            &[(Arrival, Breached)],
        ),
        row(
            "force majeure / police: the determined cause alone is no exemption",
            POLICE,
            B,
            &[
                (10 * M, Ack),
                (5 * H, Arrive),
                (6 * H, Step::Cause(VehicleHit)),
            ],
            30 * H,
            &[(Arrival, Breached)],
        ),
        row(
            "force majeure / police: accepted, the response is still owed and a met arrival stays met",
            POLICE,
            B,
            &[
                (20 * M, Ack),
                (H, Arrive),
                (2 * H, Claim(Stolen)),
                (3 * H, Agree(true)),
            ],
            30 * H,
            &[(Response, Breached), (Arrival, Met), (Resolution, Exempt)],
        ),
        row(
            "force majeure / egov: —, even an accepted claim is no exemption",
            EGOV,
            B,
            &[
                (10 * M, Ack),
                (30 * M, Claim(Weather)),
                (5 * H, Arrive),
                (6 * H, Agree(true)),
            ],
            30 * H,
            &[(Arrival, Breached), (Resolution, Breached)],
        ),
        row(
            "force majeure / egov: unresolved for force majeure is no exemption",
            EGOV,
            B,
            &[
                (5 * M, Ack),
                (H, Arrive),
                (2 * H, Step::Unresolved(UnresolvedReason::ForceMajeure)),
            ],
            30 * H,
            &[(Resolution, Breached)],
        ),
        row(
            "external force on a non-fibre device is no exemption",
            POLICE,
            C,
            &[
                (5 * M, Ack),
                (H, Arrive),
                (H + 5 * M, Step::Cause(FaultCause::ExternalForce)),
            ],
            5 * H,
            &[(Resolution, Breached)],
        ),
    ]);
}

/// A claim made on 31 October (Shanghai) and answered on 2 November: pending at October's close
/// (the arrival reads breached), exempt once accepted; refused, it stays breached.
#[test]
fn force_majeure_pending_at_the_month_close_then_answered() {
    let policy = POLICE.policy();
    // 23:30 on 31 October in Shanghai.
    let reported_at: DateTime<Utc> = "2026-10-31T15:30:00Z".parse().unwrap();
    let october_close: DateTime<Utc> = "2026-10-31T15:59:59Z".parse().unwrap();
    let f = fault(A, reported_at);
    for (accepted, after) in [(true, Exempt), (false, Breached)] {
        let evs = events(
            &f,
            &[
                (5 * M, Ack),
                (20 * M, Claim(FaultCause::Stolen)),
                (2 * 24 * H, Agree(accepted)),
            ],
        );
        let facts = FaultFacts {
            fault: &f,
            policy: &policy,
            device_kind: None,
            site_kind: None,
            events: &evs,
        };
        // The arrival was due 00:30 on 1 November; at October's close it still runs.
        let at_close = clocks(facts, october_close);
        assert_eq!(
            at_close.force_majeure_claim,
            Some(ForceMajeureState::Pending)
        );
        assert_eq!(at_close.get(Arrival).unwrap().state, Running);
        let before_answer = clocks(facts, reported_at + TimeDelta::hours(24));
        assert_eq!(before_answer.get(Arrival).unwrap().state, Breached);
        assert!(!before_answer.force_majeure);
        let answered = clocks(facts, reported_at + TimeDelta::days(3));
        assert_eq!(answered.get(Arrival).unwrap().state, after);
        assert_eq!(answered.force_majeure, accepted);
        assert_eq!(
            answered.force_majeure_claim,
            Some(if accepted {
                ForceMajeureState::Accepted
            } else {
                ForceMajeureState::Refused
            })
        );
    }
}

/// Policies saved before issue 15 keep their reading: the faults opened under them are judged as
/// they were (remote first extended; the determined cause alone exempted).
#[test]
fn a_legacy_policy_version_is_judged_as_before() {
    let mut legacy = POLICE.policy();
    legacy.remote_first = Some(fieldlog_domain::sla::RemoteFirst {
        remote_window_min: 60,
        on_site_within_min: 120,
        on_site: fieldlog_domain::sla::RemoteOnSite::LegacyExtends,
    });
    legacy.force_majeure_by_agreement = false;
    let f = fault(C, reported());
    let evs = events(
        &f,
        &[
            (5 * M, Ack),
            (30 * M, RemoteFailed),
            (3 * H, Arrive),
            (4 * H, Step::Cause(FaultCause::Weather)),
        ],
    );
    let facts = |policy| FaultFacts {
        fault: &f,
        policy,
        device_kind: None,
        site_kind: None,
        events: &evs,
    };
    let before_cause = clocks(facts(&legacy), reported() + TimeDelta::seconds(3 * H + 60));
    assert_eq!(before_cause.get(Arrival).unwrap().state, Met);
    let later = clocks(facts(&legacy), reported() + TimeDelta::hours(30));
    assert!(later.force_majeure);
    assert_eq!(later.get(Arrival).unwrap().state, Exempt);
    let current = POLICE.policy();
    let now = clocks(facts(&current), reported() + TimeDelta::hours(30));
    assert_eq!(now.get(Arrival).unwrap().state, Breached);
}

#[test]
fn force_majeure_counts_when_the_contract_says_so() {
    let f = fault(B, reported());
    let mut policy = POLICE.policy();
    policy.force_majeure_counts_as_breach = true;
    let events = events(
        &f,
        &[
            (5 * M, Ack),
            (H, Claim(FaultCause::Weather)),
            (5 * H, Arrive),
            (6 * H, Agree(true)),
        ],
    );
    let judged = clocks(
        FaultFacts {
            fault: &f,
            policy: &policy,
            device_kind: None,
            site_kind: None,
            events: &events,
        },
        f.reported_at + TimeDelta::hours(30),
    );
    assert!(!judged.force_majeure);
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
            site_kind: None,
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
            site_kind: None,
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
            site_kind: None,
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
            site_kind: None,
            events: &ea,
        },
        FaultFacts {
            fault: &b,
            policy: &policy,
            device_kind: None,
            site_kind: None,
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
    let policy = POLICE.policy();
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
            (40 * M, Step::Claim(FaultCause::Stolen)),
            (50 * M, Step::Agree(true)),
        ], // exempt arrival (accepted force majeure)
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
            site_kind: None,
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

/// Row "Remote first" (e-government) across midnight and the month's end: reported 23:30 on 31
/// October (Shanghai), escalated at minute 59 (00:29 on 1 November): due on site at 01:29, met at
/// 01:29:00 and breached at 01:29:01; the fault is October's.
#[test]
fn egov_escalation_across_midnight_at_the_month_end() {
    let policy = EGOV.policy();
    let reported_at: DateTime<Utc> = "2026-10-31T15:30:00Z".parse().unwrap();
    let f = fault(C, reported_at);
    for (arrive, state) in [(119 * M, Met), (119 * M + 1, Breached)] {
        let evs = events(
            &f,
            &[(5 * M, Ack), (59 * M, EscalateOnSite), (arrive, Arrive)],
        );
        let facts = FaultFacts {
            fault: &f,
            policy: &policy,
            device_kind: None,
            site_kind: None,
            events: &evs,
        };
        let judged = clocks(facts, reported_at + TimeDelta::hours(5));
        let arrival = judged.get(Arrival).unwrap();
        assert_eq!(arrival.state, state, "arrived {arrive} s after the report");
        assert_eq!(
            arrival.deadline,
            Some("2026-10-31T17:29:00Z".parse().unwrap()),
            "01:29 on 1 November in Shanghai"
        );
        let (from, to) = month_bounds("2026-10").unwrap();
        assert_eq!(
            compliance(&[facts], from, to, reported_at + TimeDelta::hours(5)).faults,
            1
        );
    }
}
