//! The fault lifecycle: impossible sequences are refused with the rule in the message; random valid
//! sequences never panic, and a clock that was met never later reads breached.

use chrono::{DateTime, TimeDelta, Utc};
use fieldlog_domain::clocks::{ClockState, FaultFacts, clocks};
use fieldlog_domain::fault::{
    self, Fault, FaultCause, FaultEvent, FaultEventKind, FaultStatus, ReportChannel,
    UnresolvedReason,
};
use fieldlog_domain::ids::{ArrivalId, ContractId, FaultEventId, FaultId, PartId, SiteId};
use fieldlog_domain::lifecycle::check_event;
use fieldlog_domain::site::{DeviceKind, SiteKind};
use fieldlog_domain::sla::{FaultLevel, Preset};
use proptest::prelude::*;
use uuid::Uuid;

fn reported() -> DateTime<Utc> {
    "2026-11-02T01:00:00Z".parse().unwrap()
}

fn fault(level: FaultLevel) -> Fault {
    Fault {
        id: FaultId(Uuid::from_u128(1)),
        contract_id: ContractId(Uuid::nil()),
        site_id: SiteId(Uuid::nil()),
        device_id: None,
        level,
        reported_at: reported(),
        channel: ReportChannel::Phone,
        description: "测试".into(),
        first_receiver: "客户经理甲".into(),
        policy_version: 1,
        recorded_at: reported(),
        caller: None,
        caller_phone: None,
    }
}

fn kind(code: u8) -> FaultEventKind {
    match code % 14 {
        0 => FaultEventKind::Acknowledged { by: "甲".into() },
        1 => FaultEventKind::RemoteAttempt {
            fixed: false,
            note: String::new(),
        },
        2 => FaultEventKind::RemoteAttempt {
            fixed: true,
            note: String::new(),
        },
        3 => FaultEventKind::Escalated {
            to: "二线".into(),
            reason: String::new(),
        },
        4 => FaultEventKind::OnSite {
            arrival_id: ArrivalId(Uuid::nil()),
        },
        5 => FaultEventKind::SpareSubstituted {
            part_id: PartId(Uuid::nil()),
            serial: None,
            old_serial: None,
        },
        6 => FaultEventKind::Resolved {
            note: String::new(),
        },
        7 => FaultEventKind::Unresolved {
            reason: UnresolvedReason::Power,
            note: String::new(),
        },
        8 => FaultEventKind::Unresolved {
            reason: UnresolvedReason::ForceMajeure,
            note: String::new(),
        },
        9 => FaultEventKind::CustomerInformed {
            how: "电话".into()
        },
        10 => FaultEventKind::CauseDetermined {
            cause: FaultCause::ALL[(code as usize / 14) % FaultCause::ALL.len()],
            note: String::new(),
        },
        11 => FaultEventKind::EscalatedOnSite {
            by: "远程".into(),
            reason: String::new(),
        },
        12 => FaultEventKind::ForceMajeureClaimed {
            cause: FaultCause::ALL[(code as usize / 14) % FaultCause::ALL.len()],
            told: "用户".into(),
            note: String::new(),
        },
        _ => FaultEventKind::ForceMajeureAgreement {
            accepted: code >= 128,
            by: "用户".into(),
            note: String::new(),
        },
    }
}

fn event(n: u128, minutes: i64, kind: FaultEventKind) -> FaultEvent {
    let at = reported() + TimeDelta::minutes(minutes);
    FaultEvent {
        id: FaultEventId(Uuid::from_u128(100 + n)),
        fault_id: FaultId(Uuid::from_u128(1)),
        at,
        recorded_at: at,
        kind,
    }
}

/// Each row: the events already recorded, the new one, and the field its refusal names.
#[test]
fn impossible_sequences_are_refused() {
    let f = fault(FaultLevel::B);
    let now = reported() + TimeDelta::days(1);
    let ack = || event(1, 5, kind(0));
    let arrive = |m| event(2, m, kind(4));
    let resolve = |m| event(3, m, kind(6));
    let rows: Vec<(&str, Vec<FaultEvent>, FaultEvent, &str)> = vec![
        ("resolved before arrival", vec![ack()], resolve(30), "kind"),
        (
            "resolved before the arrival that is recorded later",
            vec![ack(), arrive(60)],
            resolve(30),
            "kind",
        ),
        (
            "an event before the report",
            vec![],
            event(4, -1, kind(0)),
            "at",
        ),
        (
            "an event in the future beyond the tolerance",
            vec![],
            event(5, 25 * 60, kind(0)),
            "at",
        ),
        (
            "acknowledged twice",
            vec![ack()],
            event(6, 10, kind(0)),
            "kind",
        ),
        (
            "a second arrival event",
            vec![ack(), arrive(30)],
            arrive(40),
            "kind",
        ),
        (
            "a spare substituted before arrival",
            vec![ack()],
            event(7, 20, kind(5)),
            "kind",
        ),
        (
            "the customer informed before any result",
            vec![ack(), arrive(30)],
            event(8, 40, kind(9)),
            "kind",
        ),
        (
            "unresolved with nobody there",
            vec![ack()],
            event(9, 40, kind(7)),
            "kind",
        ),
        (
            "escalated after it was resolved",
            vec![ack(), arrive(30), resolve(60)],
            event(10, 70, kind(3)),
            "kind",
        ),
        (
            "resolved twice",
            vec![ack(), arrive(30), resolve(60)],
            resolve(70),
            "kind",
        ),
        (
            "escalated to on-site support after arriving",
            vec![ack(), arrive(30)],
            event(11, 40, kind(11)),
            "kind",
        ),
        (
            "escalated to on-site support twice",
            vec![ack(), event(11, 20, kind(11))],
            event(12, 40, kind(11)),
            "kind",
        ),
        (
            "force majeure claimed for an ordinary cause",
            vec![ack()],
            event(13, 40, kind(12)),
            "cause",
        ),
        (
            "force majeure claimed twice",
            vec![ack(), event(13, 20, kind(54))],
            event(14, 40, kind(54 + 14)),
            "kind",
        ),
        (
            "the client's answer without a claim",
            vec![ack()],
            event(15, 40, kind(13)),
            "kind",
        ),
        (
            "the client answers twice",
            vec![ack(), event(13, 20, kind(54)), event(14, 30, kind(13))],
            event(15, 40, kind(153)),
            "kind",
        ),
    ];
    for (rule, existing, new, field) in rows {
        let error = check_event(&f, &existing, &new, now).expect_err(rule);
        assert_eq!(error.field, field, "{rule}: {error}");
        assert!(!error.message_zh.is_empty() && !error.message_en.is_empty());
    }
}

#[test]
fn the_ordinary_paths_are_accepted() {
    let f = fault(FaultLevel::B);
    let now = reported() + TimeDelta::days(2);
    let paths: &[&[(i64, u8)]] = &[
        &[(5, 0), (30, 4), (90, 6), (100, 9)], // ack, arrive, resolve, inform
        &[(5, 0), (20, 1), (150, 4), (160, 5), (200, 6)], // remote failed, arrive, spare, resolve
        &[(5, 0), (30, 2), (35, 6), (40, 9)],  // fixed remotely
        &[(5, 0), (10, 3), (60, 4), (90, 7), (900, 6), (910, 9)], // escalated, unresolved (power), later resolved
        &[(5, 0), (60, 4), (70, 10), (80, 8), (90, 9)],           // cause determined, force majeure
        &[(60, 4), (30, 0), (120, 6)], // acknowledgement recorded late, in the past
        &[(5, 0), (20, 11), (70, 4), (80, 54), (100, 6), (200, 153)], // escalated on site, claim, resolved, accepted
    ];
    for path in paths {
        let mut accepted: Vec<FaultEvent> = Vec::new();
        for (i, &(minutes, code)) in path.iter().enumerate() {
            let e = event(i as u128, minutes, kind(code));
            check_event(&f, &accepted, &e, now)
                .unwrap_or_else(|err| panic!("{path:?} step {i}: {err}"));
            accepted.push(e);
        }
        accepted.sort_by_key(|e| (e.at, e.id));
        assert_ne!(fault::status(&accepted), FaultStatus::Reported);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random attempts at events (every kind, escalation to on-site support and force-majeure claims
    /// and answers included): the valid ones are kept. Nothing panics, the status derives, and
    /// for any two instants, a clock met at the first is never breached at the second.
    #[test]
    fn random_valid_sequences_never_panic_and_met_stays_met(
        level in 0usize..3,
        preset in 0usize..2,
        fibre in 0u8..3,
        attempts in proptest::collection::vec((0i64..3000, any::<u8>()), 0..24),
        instants in proptest::collection::vec(0i64..4000, 2..12),
    ) {
        let f = fault(FaultLevel::ALL[level]);
        let policy = Preset::ALL[preset].policy();
        let now = reported() + TimeDelta::days(3);
        let mut accepted: Vec<FaultEvent> = Vec::new();
        for (n, (minutes, code)) in attempts.into_iter().enumerate() {
            let e = event(n as u128, minutes, kind(code));
            if check_event(&f, &accepted, &e, now).is_ok() {
                accepted.push(e);
            }
        }
        accepted.sort_by_key(|e| (e.at, e.id));
        let _ = fault::status(&accepted);
        // A fibre-line device, only a fibre segment site, or neither.
        let device_kind = (fibre == 1).then_some(DeviceKind::FibreLine);
        let site_kind = (fibre == 2).then_some(SiteKind::FibreSegment);
        let facts = FaultFacts { fault: &f, policy: &policy, device_kind, site_kind, events: &accepted };
        let mut instants: Vec<DateTime<Utc>> = instants.into_iter().map(|m| reported() + TimeDelta::minutes(m)).collect();
        instants.sort();
        let judged: Vec<_> = instants.iter().map(|&at| clocks(facts, at)).collect();
        for (i, earlier) in judged.iter().enumerate() {
            for later in &judged[i + 1..] {
                for clock in &earlier.clocks {
                    if clock.state == ClockState::Met {
                        let after = later.get(clock.kind).unwrap();
                        prop_assert_ne!(after.state, ClockState::Breached, "{:?} met at {} but breached at {}: {:?}", clock.kind, earlier.at, later.at, accepted);
                    }
                }
            }
        }
    }
}
