//! Today's fault list (issue 19) as a pure function: groups mine → unassigned → others' →
//! customer to be told, each by the most urgent counting clock's time left (overdue first), and
//! the filters. Data-driven: each case is a row of facts and the order it must come out in.

use chrono::{DateTime, TimeDelta, Utc};
use fieldlog_domain::clocks::{Clock, ClockKind, ClockState};
use fieldlog_domain::fault::FaultStatus;
use fieldlog_domain::ids::ContractId;
use fieldlog_domain::sla::FaultLevel;
use fieldlog_domain::today::{Holding, TodayFault, TodayFilter, TodayGroup, TodayOffer, arrange};
use uuid::Uuid;

fn now() -> DateTime<Utc> {
    "2026-12-07T02:00:00Z".parse().unwrap()
}

/// A clock of `kind` with `left` seconds left (negative: overdue), running, or stopped.
fn clock(kind: ClockKind, left: Option<i64>, stopped: bool) -> Clock {
    Clock {
        kind,
        state: match (stopped, left) {
            (true, _) => ClockState::Met,
            (false, Some(l)) if l < 0 => ClockState::Breached,
            (false, Some(_)) => ClockState::Running,
            (false, None) => ClockState::NotStarted,
        },
        started_at: left.map(|_| now() - TimeDelta::hours(1)),
        deadline: left.map(|l| now() + TimeDelta::seconds(l)),
        stopped_at: stopped.then(now),
        remaining_seconds: if stopped { None } else { left },
        rule: String::new(),
        rule_en: String::new(),
    }
}

/// One fault's facts: a name, its contract (1 or 2), level, status, holding, minutes since the
/// report, and its clocks.
struct Row {
    name: &'static str,
    contract: u128,
    level: FaultLevel,
    status: FaultStatus,
    holding: Holding,
    reported_minutes_ago: i64,
    clocks: Vec<Clock>,
}

fn row(
    name: &'static str,
    holding: Holding,
    status: FaultStatus,
    reported_minutes_ago: i64,
    clocks: Vec<Clock>,
) -> Row {
    Row {
        name,
        contract: 1,
        level: FaultLevel::B,
        status,
        holding,
        reported_minutes_ago,
        clocks,
    }
}

fn facts(r: &Row) -> TodayFault<'_> {
    TodayFault {
        contract_id: ContractId(Uuid::from_u128(r.contract)),
        level: r.level,
        status: r.status,
        holding: r.holding,
        reported_at: now() - TimeDelta::minutes(r.reported_minutes_ago),
        clocks: &r.clocks,
    }
}

fn shown(rows: Vec<Row>, filter: &TodayFilter) -> Vec<(TodayGroup, Vec<&'static str>)> {
    arrange(rows, filter, facts)
        .into_iter()
        .map(|(g, rows)| (g, rows.iter().map(|r| r.name).collect()))
        .collect()
}

fn rows() -> Vec<Row> {
    use ClockKind::*;
    use FaultStatus::*;
    use Holding::*;
    vec![
        // Others' first in the input, to show the groups are not the input's order.
        row(
            "others-late",
            Others,
            Acknowledged,
            90,
            vec![clock(Arrival, Some(-600), false)],
        ),
        row(
            "mine-calm",
            Mine,
            Acknowledged,
            5,
            vec![
                clock(Response, None, true),
                clock(Arrival, Some(6000), false),
            ],
        ),
        row(
            "mine-overdue",
            Mine,
            Reported,
            40,
            vec![clock(Response, Some(-1500), false)],
        ),
        row(
            "mine-tight",
            Mine,
            OnSite,
            100,
            vec![
                clock(Resolution, Some(300), false),
                clock(Arrival, None, true),
            ],
        ),
        // No clock counting (all stopped): after the ones with time left, newest report first.
        row(
            "mine-no-clock-old",
            Mine,
            Unresolved,
            300,
            vec![clock(Resolution, None, true)],
        ),
        row("mine-no-clock-new", Mine, Unresolved, 200, vec![]),
        row(
            "free-a",
            Unassigned,
            Reported,
            3,
            vec![clock(Response, Some(720), false)],
        ),
        row(
            "free-b",
            Unassigned,
            Reported,
            12,
            vec![clock(Response, Some(180), false)],
        ),
        // Resolved, customer not told yet: its feedback clock runs.
        row(
            "told-pending",
            Others,
            Resolved,
            600,
            vec![clock(Feedback, Some(80_000), false)],
        ),
        row(
            "mine-told-pending",
            Mine,
            Resolved,
            700,
            vec![clock(Feedback, Some(20_000), false)],
        ),
        // Resolved and told (feedback stopped), or never owed a word (no feedback clock): gone.
        row(
            "told",
            Mine,
            Resolved,
            800,
            vec![clock(Feedback, None, true)],
        ),
        row(
            "police-resolved",
            Mine,
            Resolved,
            900,
            vec![clock(Resolution, None, true)],
        ),
    ]
}

#[test]
fn groups_then_time_left_overdue_first_and_the_customer_to_be_told_last() {
    let expected = vec![
        (
            TodayGroup::Mine,
            vec![
                "mine-overdue",
                "mine-tight",
                "mine-calm",
                "mine-no-clock-new",
                "mine-no-clock-old",
            ],
        ),
        (TodayGroup::Unassigned, vec!["free-b", "free-a"]),
        (TodayGroup::Others, vec!["others-late"]),
        (
            TodayGroup::AwaitingFeedback,
            vec!["mine-told-pending", "told-pending"],
        ),
    ];
    assert_eq!(shown(rows(), &TodayFilter::default()), expected);
}

/// (what, filter, expected names in order)
#[test]
fn filters_narrow_the_list_and_keep_the_order() {
    let contract2 = ContractId(Uuid::from_u128(2));
    let cases: Vec<(&str, TodayFilter, Vec<&str>)> = vec![
        (
            "mine only, in every group",
            TodayFilter {
                mine_only: true,
                ..TodayFilter::default()
            },
            vec![
                "mine-overdue",
                "mine-tight",
                "mine-calm",
                "mine-no-clock-new",
                "mine-no-clock-old",
                "mine-told-pending",
            ],
        ),
        (
            "one status",
            TodayFilter {
                status: Some(FaultStatus::Reported),
                ..TodayFilter::default()
            },
            vec!["mine-overdue", "free-b", "free-a", "c2"],
        ),
        (
            "another contract",
            TodayFilter {
                contract_id: Some(contract2),
                ..TodayFilter::default()
            },
            vec!["c2"],
        ),
        (
            "a level nobody has",
            TodayFilter {
                level: Some(FaultLevel::A),
                ..TodayFilter::default()
            },
            vec!["c2"],
        ),
    ];
    for (what, filter, expected) in cases {
        let mut all = rows();
        all.push(Row {
            name: "c2",
            contract: 2,
            level: FaultLevel::A,
            status: FaultStatus::Reported,
            holding: Holding::Others,
            reported_minutes_ago: 1,
            clocks: vec![],
        });
        let names: Vec<&str> = shown(all, &filter)
            .into_iter()
            .flat_map(|(_, names)| names)
            .collect();
        assert_eq!(names, expected, "{what}");
    }
}

/// What Today offers beside each fault, decided by the core from the fault's group (issue 19
/// leftover: a resolved fault nobody holds sat in 待告知客户 with a 接单 button). (name, holding,
/// status, clocks, the group it lands in, what it offers.)
#[test]
fn each_group_offers_only_its_own_one_tap_actions() {
    use ClockKind::*;
    use FaultStatus::*;
    use Holding::*;
    use TodayOffer::*;
    let feedback = || vec![clock(Feedback, Some(3_600), false)];
    type Case = (
        &'static str,
        Holding,
        FaultStatus,
        Vec<Clock>,
        TodayGroup,
        Vec<TodayOffer>,
    );
    let cases: Vec<Case> = vec![
        (
            "open, nobody holds it",
            Unassigned,
            Reported,
            vec![],
            TodayGroup::Unassigned,
            vec![Take],
        ),
        ("open, mine", Mine, OnSite, vec![], TodayGroup::Mine, vec![]),
        (
            "open, a colleague's",
            Others,
            Acknowledged,
            vec![],
            TodayGroup::Others,
            vec![],
        ),
        (
            "resolved, nobody holds it",
            Unassigned,
            Resolved,
            feedback(),
            TodayGroup::AwaitingFeedback,
            vec![InformCustomer],
        ),
        (
            "resolved, mine",
            Mine,
            Resolved,
            feedback(),
            TodayGroup::AwaitingFeedback,
            vec![InformCustomer],
        ),
        (
            "resolved, a colleague's",
            Others,
            Resolved,
            feedback(),
            TodayGroup::AwaitingFeedback,
            vec![InformCustomer],
        ),
    ];
    for (what, holding, status, clocks, group, offers) in cases {
        let placed = arrange(
            vec![row(what, holding, status, 10, clocks)],
            &TodayFilter::default(),
            facts,
        );
        assert_eq!(placed.len(), 1, "{what}: on Today");
        assert_eq!(placed[0].0, group, "{what}: its group");
        assert_eq!(
            placed[0].0.offers(),
            offers.as_slice(),
            "{what}: what it offers"
        );
    }
}
