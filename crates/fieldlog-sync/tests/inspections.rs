//! Inspections by plan (issue 19 item 5) through a real server on a loopback port, both backends:
//! two laptops of a contract that open a new month offline make the same inspection (one record on
//! the server, not two); ticks, findings and the fault a finding became reach the other laptop;
//! the office console's month counts the inspections as the laptop's summary does.

mod support;

use chrono::{NaiveDate, TimeDelta};
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::inspection::{InspectionKind, TickOutcome};
use fieldlog_domain::sla::FaultLevel;
use fieldlog_server::office;
use fieldlog_wire::office::v1::{NewAccount, Role};
use fieldlog_wire::v1::{FindingToFault, NewFinding, NewInspectionPlan, NewTick};
use support::office::Console;
use support::{
    Backend, CONTRACT, Laptop, Server, assert_converged, on_each_backend, settle, start_time,
};

on_each_backend!(
    two_laptops_make_the_same_periods_inspection_once_and_its_ticks_and_findings_travel,
    two_laptops_turning_the_same_finding_into_a_fault_offline_make_one_fault,
);

fn two_laptops_make_the_same_periods_inspection_once_and_its_ticks_and_findings_travel(
    backend: Backend,
) {
    let server = Server::start(backend);
    let mut a = Laptop::enrolled(
        "技服甲",
        &server.url(),
        &server.technician("技服甲", &[CONTRACT]),
    );
    let b = Laptop::enrolled(
        "技服乙",
        &server.url(),
        &server.technician("技服乙", &[CONTRACT]),
    );
    let (contract, site, _) = a.set_up_contract(CONTRACT);
    // November's plan, made on A at the start (2026-11-02): November's inspection is made there.
    a.store
        .add_inspection_plan(
            NewInspectionPlan {
                contract_id: contract,
                kind: InspectionKind::Routine,
                checklist: vec!["指示灯正常".into(), "机柜清洁".into()],
                site_ids: None,
                starts_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            },
            start_time(),
        )
        .unwrap();
    let mut laptops = [a, b];
    settle(&mut laptops);
    let [mut a, mut b] = laptops;

    // December begins while both are offline: each makes December's inspection on its own.
    let december = start_time() + TimeDelta::days(31);
    let on_a = a.store.inspection_list(december).unwrap();
    let on_b = b.store.inspection_list(december).unwrap();
    let ids = |list: &fieldlog_wire::v1::InspectionList| {
        list.open.iter().map(|i| i.id).collect::<Vec<_>>()
    };
    assert_eq!(ids(&on_a), ids(&on_b), "both laptops made the same ids");
    assert_eq!(on_a.open.len(), 2);
    let dec = on_a.open[1].id;
    assert_eq!(
        on_a.open[1].planned_for,
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    );
    assert!(on_a.open[0].overdue, "November's is overdue in December");

    // A ticks and notes a finding, turned into a fault; B ticks the other item, offline too.
    a.store
        .tick_inspection(
            dec,
            NewTick {
                position: 0,
                outcome: TickOutcome::Ok,
                note: String::new(),
            },
            december,
        )
        .unwrap();
    let found = a
        .store
        .note_finding(
            dec,
            NewFinding {
                site_id: site,
                device_id: None,
                description: "立杆倾斜".into(),
            },
            december,
        )
        .unwrap()
        .findings[0]
        .id;
    a.store
        .finding_to_fault(
            found,
            FindingToFault {
                level: FaultLevel::C,
                reported_at: None,
            },
            december,
        )
        .unwrap();
    b.store
        .tick_inspection(
            dec,
            NewTick {
                position: 1,
                outcome: TickOutcome::Skipped,
                note: "机柜钥匙在业主处".into(),
            },
            december,
        )
        .unwrap();

    let mut laptops = [a, b];
    settle(&mut laptops);
    for laptop in &laptops {
        assert!(
            laptop.store.sync_conflicts().unwrap().is_empty(),
            "{}: {:?}",
            laptop.name,
            laptop.store.sync_conflicts().unwrap()
        );
    }
    // One record per inspection on the server, though both laptops pushed December's.
    let held = server.count(&format!(
        "SELECT count(*) FROM records WHERE entity = 'inspections' AND id = '{dec}'"
    ));
    assert_eq!(held, 1);
    assert_eq!(
        server.count("SELECT count(*) FROM records WHERE entity = 'inspections'"),
        2
    );
    // Each laptop sees both ticks, the finding and its fault; B can complete it.
    let [a, mut b] = laptops;
    let on_b = b.store.inspection_detail(dec, december).unwrap();
    assert!(
        on_b.items.iter().all(|i| i.tick.is_some()),
        "{:?}",
        on_b.items
    );
    assert!(on_b.findings[0].fault_id.is_some());
    let me = b.store.profile().unwrap().unwrap();
    let arrival = b
        .store
        .record_arrival(
            NewArrival {
                technician_id: me.id,
                site_id: site,
                fault_id: None,
                arrived_at: december,
                location: None,
                site_confirmed_by_hand: true,
            },
            december,
        )
        .unwrap();
    b.store
        .complete_inspection(dec, arrival.id, december)
        .unwrap();
    let mut laptops = [a, b];
    settle(&mut laptops);
    assert_converged(&server, &laptops, &[CONTRACT]);
    assert!(
        laptops[0]
            .store
            .inspection_detail(dec, december)
            .unwrap()
            .inspection
            .done_at
            .is_some()
    );

    // The console's month counts what the laptop's counts: December, one routine inspection
    // planned and done, one finding that became a fault.
    office::add_account_from_command_line(
        &*server.storage,
        &NewAccount {
            login: "admin.zhao".into(),
            name: "赵管理员".into(),
            role: Role::Administrator,
            password: "administrator-pass".into(),
        },
        "command line:test",
        chrono::Utc::now(),
    )
    .unwrap();
    let console = Console::sign_in(&server, "admin.zhao", "administrator-pass");
    let from = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let laptop = laptops[0]
        .store
        .summary_view(contract, from, to, chrono::Utc::now())
        .unwrap()
        .inspections;
    let routine = laptop
        .iter()
        .find(|t| t.kind == InspectionKind::Routine)
        .unwrap();
    assert_eq!(
        (
            routine.planned,
            routine.done,
            routine.overdue,
            routine.findings,
            routine.findings_to_faults
        ),
        (1, 1, 0, 1, 1)
    );
    let answer = console.send(
        reqwest::Method::GET,
        &format!("/office/v1/summary?contract={CONTRACT}&month=2026-12"),
        String::new().into(),
    );
    assert_eq!(
        answer["inspections"],
        serde_json::to_value(&laptop).unwrap()
    );
    // November's, never done, is overdue in November's count.
    let november = laptops[0]
        .store
        .summary_view(
            contract,
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            from,
            chrono::Utc::now(),
        )
        .unwrap()
        .inspections;
    let answer = console.send(
        reqwest::Method::GET,
        &format!("/office/v1/summary?contract={CONTRACT}&month=2026-11"),
        String::new().into(),
    );
    assert_eq!(
        answer["inspections"],
        serde_json::to_value(&november).unwrap()
    );
    assert_eq!(
        november
            .iter()
            .find(|t| t.kind == InspectionKind::Routine)
            .unwrap()
            .overdue,
        1
    );
}

/// Issue 19 leftover: A and B both hold a finding and, offline, both turn it into a fault (B also
/// acknowledges "its" fault). Before, that made two faults for one finding on the server and on
/// both laptops. The fault's id follows from the finding, so there is one fault: the first push
/// stores it, the second laptop's differing version of the row (and of its link) is kept for
/// review, never lost, and B's acknowledgement lands on the one fault everywhere.
fn two_laptops_turning_the_same_finding_into_a_fault_offline_make_one_fault(backend: Backend) {
    let server = Server::start(backend);
    let mut a = Laptop::enrolled(
        "技服甲",
        &server.url(),
        &server.technician("技服甲", &[CONTRACT]),
    );
    let b = Laptop::enrolled(
        "技服乙",
        &server.url(),
        &server.technician("技服乙", &[CONTRACT]),
    );
    let (contract, site, _) = a.set_up_contract(CONTRACT);
    let now = start_time();
    a.store
        .add_inspection_plan(
            NewInspectionPlan {
                contract_id: contract,
                kind: InspectionKind::Routine,
                checklist: vec!["立杆稳固".into()],
                site_ids: None,
                starts_on: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            },
            now,
        )
        .unwrap();
    let inspection = a.store.inspection_list(now).unwrap().open[0].id;
    let found = a
        .store
        .note_finding(
            inspection,
            NewFinding {
                site_id: site,
                device_id: None,
                description: "立杆倾斜".into(),
            },
            now,
        )
        .unwrap()
        .findings[0]
        .id;
    let mut laptops = [a, b];
    settle(&mut laptops);
    let [mut a, mut b] = laptops;

    // Offline, both turn the finding into a fault; B acknowledges its own.
    let later = now + TimeDelta::minutes(10);
    let turn = |laptop: &mut Laptop, level| {
        laptop
            .store
            .finding_to_fault(
                found,
                FindingToFault {
                    level,
                    reported_at: None,
                },
                later,
            )
            .unwrap()
            .0
    };
    let on_a = turn(&mut a, FaultLevel::C);
    let on_b = turn(&mut b, FaultLevel::B);
    b.store
        .record_fault_event(
            on_b,
            later + TimeDelta::minutes(1),
            fieldlog_domain::fault::FaultEventKind::Acknowledged {
                by: "技服乙".into(),
            },
            later + TimeDelta::minutes(1),
        )
        .unwrap();

    a.sync();
    b.sync();
    let mut laptops = [a, b];
    settle(&mut laptops);

    // One fault on the server and on each laptop, the same one.
    assert_eq!(
        server.count("SELECT count(*) FROM records WHERE entity = 'faults'"),
        1,
        "one finding, one fault on the server"
    );
    for laptop in &laptops {
        let faults = laptop.store.fault_rows(later).unwrap();
        assert_eq!(
            faults.iter().map(|f| f.id).collect::<Vec<_>>(),
            vec![on_a],
            "{}: one fault for the finding",
            laptop.name
        );
        let detail = laptop.store.inspection_detail(inspection, later).unwrap();
        assert_eq!(detail.findings[0].fault_id, Some(on_a), "{}", laptop.name);
        // B's acknowledgement survived, on the one fault.
        let events = laptop.store.fault_detail(on_a, later).unwrap().events;
        assert!(
            events.iter().any(|e| matches!(
                &e.kind,
                fieldlog_domain::fault::FaultEventKind::Acknowledged { by } if by == "技服乙"
            )),
            "{}: {events:?}",
            laptop.name
        );
    }
    assert_eq!(on_a, on_b);
    // Nothing B wrote is lost: its version of the fault (level B) is kept for review.
    assert!(
        server.count("SELECT count(*) FROM conflicts WHERE entity = 'faults'") >= 1,
        "the second version is kept for review"
    );
    assert!(
        laptops[0].store.sync_conflicts().unwrap().is_empty(),
        "the first laptop has nothing to review"
    );
}
