//! Inspections by plan (issue 19 item 5) on a real database file: a plan makes its periods'
//! inspections, the checklist is ticked, a finding becomes a fault in one step, completion needs
//! every item ticked; each refusal says what to do and leaves the data as it was.

mod support;

use chrono::{NaiveDate, TimeDelta};
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::contract::SpareFloor;
use fieldlog_domain::inspection::{InspectionKind, TickOutcome};
use fieldlog_domain::site::SiteKind;
use fieldlog_domain::sla::{FaultLevel, Preset};
use fieldlog_store::{NewSite, StoreError};
use fieldlog_wire::v1::{FindingToFault, NewFinding, NewInspectionPlan, NewTick};
use support::{Fixture, fixture};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A monthly plan over every site of the fixture's contract, started the month before.
fn routine_plan(f: &mut Fixture) -> fieldlog_wire::v1::InspectionPlan {
    f.store
        .add_inspection_plan(
            NewInspectionPlan {
                contract_id: f.contract.id,
                kind: InspectionKind::Routine,
                checklist: vec!["指示灯正常".into(), "机柜清洁".into()],
                site_ids: None,
                starts_on: d("2026-10-01"),
            },
            f.now,
        )
        .unwrap()
}

/// A check-in at the fixture's site, now.
fn arrive(f: &mut Fixture) -> fieldlog_domain::arrival::Arrival {
    f.store
        .record_arrival(
            NewArrival {
                technician_id: f.me.id,
                site_id: f.site.id,
                fault_id: None,
                arrived_at: f.now,
                location: None,
                site_confirmed_by_hand: true,
            },
            f.now,
        )
        .unwrap()
}

fn refused(f: &Fixture, error: StoreError, expected: &str, before: &str) {
    let message = error.to_string();
    assert!(message.contains(expected), "{message}");
    assert_eq!(f.dump(), before, "a refusal changed the data");
}

#[test]
fn a_plan_makes_each_begun_periods_inspection_once_and_the_past_one_is_overdue() {
    let mut f = fixture();
    let plan = routine_plan(&mut f);
    assert_eq!(plan.checklist, ["指示灯正常", "机柜清洁"]);
    // The fixture's now is 2026-11-02: October's (overdue) and November's (due).
    let list = f.store.inspection_list(f.now).unwrap();
    let periods: Vec<_> = list
        .open
        .iter()
        .map(|r| (r.planned_for, r.overdue))
        .collect();
    assert_eq!(periods, [(d("2026-10-01"), true), (d("2026-11-01"), false)]);
    assert_eq!(list.open[0].due_by, Some(d("2026-10-31")));
    // Listing again makes nothing new; a month later December's appears.
    assert_eq!(f.store.inspection_list(f.now).unwrap().open.len(), 2);
    let later = f
        .store
        .inspection_list(f.now + TimeDelta::days(31))
        .unwrap();
    assert_eq!(later.open.len(), 3);
    assert_eq!(later.open.iter().filter(|r| r.overdue).count(), 2);
}

#[test]
fn an_empty_checklist_takes_the_kinds_default_items() {
    let mut f = fixture();
    let plan = f
        .store
        .add_inspection_plan(
            NewInspectionPlan {
                contract_id: f.contract.id,
                kind: InspectionKind::SecurityQuarterly,
                checklist: vec![],
                site_ids: Some(vec![f.site.id]),
                starts_on: d("2026-11-01"),
            },
            f.now,
        )
        .unwrap();
    assert_eq!(
        plan.checklist.len(),
        InspectionKind::SecurityQuarterly.default_checklist().len()
    );
    let list = f.store.inspection_list(f.now).unwrap();
    assert_eq!(list.open.len(), 1);
    assert_eq!(list.open[0].due_by, Some(d("2026-12-31")));
}

#[test]
fn tick_find_turn_into_a_fault_and_complete() {
    let mut f = fixture();
    routine_plan(&mut f);
    let id = f.store.inspection_list(f.now).unwrap().open[1].id;
    let detail = f
        .store
        .tick_inspection(
            id,
            NewTick {
                position: 0,
                outcome: TickOutcome::Ok,
                note: String::new(),
            },
            f.now,
        )
        .unwrap();
    assert_eq!(
        detail.items[0].tick.as_ref().unwrap().outcome,
        TickOutcome::Ok
    );
    assert!(detail.items[1].tick.is_none());
    assert_eq!(detail.period.as_deref(), Some("2026-11"));
    // Completion waits for every item.
    let arrival = arrive(&mut f);
    let before = f.dump();
    let error = f
        .store
        .complete_inspection(id, arrival.id, f.now)
        .unwrap_err();
    refused(&f, error, "还有1项检查未勾选（第2项）", &before);
    // Ticking again: the latest tick counts.
    f.store
        .tick_inspection(
            id,
            NewTick {
                position: 1,
                outcome: TickOutcome::Ok,
                note: String::new(),
            },
            f.now,
        )
        .unwrap();
    let detail = f
        .store
        .tick_inspection(
            id,
            NewTick {
                position: 1,
                outcome: TickOutcome::NotOk,
                note: "机柜积灰".into(),
            },
            f.now + TimeDelta::seconds(1),
        )
        .unwrap();
    assert_eq!(detail.items[1].tick.as_ref().unwrap().note, "机柜积灰");
    let detail = f
        .store
        .note_finding(
            id,
            NewFinding {
                site_id: f.site.id,
                device_id: Some(f.device.id),
                description: "摄像机画面偏色".into(),
            },
            f.now,
        )
        .unwrap();
    let finding = detail.findings[0].id;
    let faults_before = f.store.fault_rows(f.now).unwrap().len();
    let detail = f
        .store
        .finding_to_fault(
            finding,
            FindingToFault {
                level: FaultLevel::C,
                reported_at: None,
            },
            f.now,
        )
        .unwrap()
        .1;
    let fault_id = detail.findings[0]
        .fault_id
        .expect("the finding names its fault");
    let faults = f.store.fault_rows(f.now).unwrap();
    assert_eq!(faults.len(), faults_before + 1);
    let fault = faults.iter().find(|r| r.id == fault_id).unwrap();
    assert_eq!(fault.description, "摄像机画面偏色");
    assert!(!fault.clocks.is_empty(), "the new fault has its clocks");
    // A second time is refused, nothing changes.
    let before = f.dump();
    let error = f
        .store
        .finding_to_fault(
            finding,
            FindingToFault {
                level: FaultLevel::C,
                reported_at: None,
            },
            f.now,
        )
        .unwrap_err();
    refused(&f, error, "该发现已转为故障", &before);

    let done = f.store.complete_inspection(id, arrival.id, f.now).unwrap();
    assert!(done.done_at.is_some());
    let row = f
        .store
        .inspection_list(f.now)
        .unwrap()
        .done
        .into_iter()
        .find(|r| r.id == id)
        .unwrap();
    assert_eq!((row.items_ticked, row.findings), (2, 1));

    // Counted in the summary: November's done with its finding (a fault now); October's overdue.
    let routine = |from: &str, to: &str| {
        f.store
            .summary_view(f.contract.id, d(from), d(to), f.now + TimeDelta::days(40))
            .unwrap()
            .inspections
            .into_iter()
            .find(|t| t.kind == InspectionKind::Routine)
            .unwrap()
    };
    let november = routine("2026-11-01", "2026-12-01");
    assert_eq!(
        (
            november.planned,
            november.done,
            november.overdue,
            november.findings,
            november.findings_to_faults
        ),
        (1, 1, 0, 1, 1)
    );
    let october = routine("2026-10-01", "2026-11-01");
    assert_eq!((october.planned, october.done, october.overdue), (1, 0, 1));
}

#[test]
fn a_done_inspection_takes_no_tick_and_no_finding() {
    let mut f = fixture();
    routine_plan(&mut f);
    let id = f.store.inspection_list(f.now).unwrap().open[1].id;
    for position in 0..2 {
        f.store
            .tick_inspection(
                id,
                NewTick {
                    position,
                    outcome: TickOutcome::Ok,
                    note: String::new(),
                },
                f.now,
            )
            .unwrap();
    }
    let arrival = arrive(&mut f);
    f.store.complete_inspection(id, arrival.id, f.now).unwrap();
    let before = f.dump();
    let error = f
        .store
        .tick_inspection(
            id,
            NewTick {
                position: 0,
                outcome: TickOutcome::NotOk,
                note: "后补".into(),
            },
            f.now,
        )
        .unwrap_err();
    refused(&f, error, "该巡检已完成，不能再勾选检查项", &before);
    let error = f
        .store
        .note_finding(
            id,
            NewFinding {
                site_id: f.site.id,
                device_id: None,
                description: "后补".into(),
            },
            f.now,
        )
        .unwrap_err();
    refused(&f, error, "该巡检已完成，不能再记录发现", &before);
    // Behind the store's back, the triggers refuse it too.
    let sql = f.store.connection().execute(
        "INSERT INTO inspection_ticks (id, inspection_id, position, item, outcome, note, recorded_at)
         VALUES ('x', ?1, 0, 'x', 'ok', '', '2026-11-02T10:00:00Z')",
        [id.to_string()],
    );
    assert!(sql.unwrap_err().to_string().contains("append_only"));
    assert_eq!(f.dump(), before);
}

#[test]
fn refused_input_says_what_to_do_and_changes_nothing() {
    let mut f = fixture();
    routine_plan(&mut f);
    let id = f.store.inspection_list(f.now).unwrap().open[1].id;
    // Another contract's site.
    let other = f
        .store
        .add_contract(
            "other-contract",
            "另一项目",
            "另一采购人",
            d("2026-01-01"),
            d("2027-12-31"),
            SpareFloor::default(),
            &Preset::CountyPoliceVillageQuery.policy(),
            f.now,
        )
        .unwrap();
    let far = f
        .store
        .add_site(NewSite {
            contract_id: other.id,
            code: "O-001".into(),
            name: "另一村监控点".into(),
            kind: SiteKind::CameraPole,
            address: "另一县".into(),
            location: None,
        })
        .unwrap();
    let before = f.dump();
    let error = f
        .store
        .note_finding(
            id,
            NewFinding {
                site_id: far.id,
                device_id: None,
                description: "线缆松动".into(),
            },
            f.now,
        )
        .unwrap_err();
    refused(&f, error, "不属于本巡检的合同", &before);
    // Not ok without saying what is wrong.
    let error = f
        .store
        .tick_inspection(
            id,
            NewTick {
                position: 0,
                outcome: TickOutcome::NotOk,
                note: " ".into(),
            },
            f.now,
        )
        .unwrap_err();
    refused(&f, error, "请填写“说明（异常情况或未检查原因）”", &before);
    // Skipped without a reason.
    let error = f
        .store
        .tick_inspection(
            id,
            NewTick {
                position: 0,
                outcome: TickOutcome::Skipped,
                note: String::new(),
            },
            f.now,
        )
        .unwrap_err();
    refused(&f, error, "未检查原因", &before);
    // An item the checklist does not have.
    let error = f
        .store
        .tick_inspection(
            id,
            NewTick {
                position: 7,
                outcome: TickOutcome::Ok,
                note: String::new(),
            },
            f.now,
        )
        .unwrap_err();
    refused(&f, error, "检查项第8项不存在", &before);
    // A plan naming another contract's site.
    let error = f
        .store
        .add_inspection_plan(
            NewInspectionPlan {
                contract_id: f.contract.id,
                kind: InspectionKind::Routine,
                checklist: vec![],
                site_ids: Some(vec![far.id]),
                starts_on: d("2026-11-01"),
            },
            f.now,
        )
        .unwrap_err();
    refused(&f, error, "不属于合同", &before);
}
