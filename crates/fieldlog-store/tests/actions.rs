//! Every user action is one transaction: it lands whole or not at all, and bad input loses nothing
//! already saved.

mod support;

use chrono::TimeDelta;
use fieldlog_domain::arrival::NewArrival;
use fieldlog_domain::fault::{FaultEventKind, FaultStatus, NewFault, ReportChannel};
use fieldlog_domain::report::NewPartLine;
use fieldlog_domain::sla::FaultLevel;
use fieldlog_domain::stock::MovementKind;
use fieldlog_store::{NewMovement, StoreError};
use support::fixture;

fn new_fault(f: &support::Fixture) -> NewFault {
    NewFault {
        contract_id: f.contract.id,
        site_id: f.site.id,
        device_id: Some(f.device.id),
        level: FaultLevel::B,
        reported_at: f.now - TimeDelta::hours(1),
        channel: ReportChannel::Phone,
        description: "画面中断".into(),
        first_receiver: "测试客户经理".into(),
        caller: None,
        caller_phone: None,
    }
}

#[test]
fn an_entry_whose_second_part_is_short_writes_nothing() {
    let mut f = fixture();
    let report = f
        .store
        .create_report(f.me.id, f.contract.id, f.today(), f.now)
        .unwrap();
    let before = f.dump();
    let mut entry = f.entry("两处故障", 2);
    entry.parts.push(NewPartLine {
        part_id: f.part.id,
        quantity: 4,
        old_serial: None,
        new_serial: None,
    });
    let error = f
        .store
        .add_report_entry(report.id, entry, f.now)
        .unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::InsufficientStock {
                balance: 3,
                wanted: 4,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("库存不足"));
    // Neither the entry nor the first part's movement was kept.
    assert_eq!(f.dump(), before);
    assert_eq!(f.store.part_balance(f.part.id).unwrap(), 5);
}

#[test]
fn bad_input_is_refused_with_the_field_and_saved_data_stays() {
    let mut f = fixture();
    let report = f
        .store
        .create_report(f.me.id, f.contract.id, f.today(), f.now)
        .unwrap();
    f.store
        .add_report_entry(report.id, f.entry("第一条", 0), f.now)
        .unwrap();
    let before = f.dump();
    let mut blank = f.entry("   ", 0);
    blank.work_done = "x".into();
    let error = f
        .store
        .add_report_entry(report.id, blank, f.now)
        .unwrap_err();
    let body = error.to_body();
    assert_eq!(body.code, fieldlog_wire::ErrorCode::InvalidInput);
    assert_eq!(body.field.as_deref(), Some("fault_cause"));
    assert!(body.message.contains("故障原因"), "{}", body.message);
    assert_eq!(f.dump(), before);
}

#[test]
fn checking_in_for_a_fault_stops_its_arrival_clock_once() {
    let mut f = fixture();
    let fault = f.store.record_fault(new_fault(&f), f.now).unwrap();
    let arrive = |at| NewArrival {
        technician_id: f.me.id,
        site_id: f.site.id,
        fault_id: Some(fault.id),
        arrived_at: at,
        location: None,
        site_confirmed_by_hand: true,
    };
    let first = f
        .store
        .record_arrival(arrive(f.now - TimeDelta::minutes(20)), f.now)
        .unwrap();
    f.store.record_arrival(arrive(f.now), f.now).unwrap();
    let detail = f.store.fault_detail(fault.id, f.now).unwrap();
    let on_site: Vec<_> = detail
        .events
        .iter()
        .filter(|e| matches!(e.kind, FaultEventKind::OnSite { .. }))
        .collect();
    assert_eq!(on_site.len(), 1);
    assert_eq!(
        on_site[0].kind,
        FaultEventKind::OnSite {
            arrival_id: first.id
        }
    );
    assert_eq!(detail.arrivals.len(), 2);
    assert_eq!(detail.row.status, FaultStatus::OnSite);
}

#[test]
fn impossible_arrivals_are_refused_and_nothing_is_written() {
    let mut f = fixture();
    let fault = f.store.record_fault(new_fault(&f), f.now).unwrap();
    let before = f.dump();
    let cases = [
        (f.now - TimeDelta::hours(2), true, "arrived_at"), // before the report
        (f.now + TimeDelta::hours(1), true, "arrived_at"), // in the future
        (f.now, false, "site_confirmed_by_hand"),          // no location and no confirmation
    ];
    for (arrived_at, confirmed, field) in cases {
        let error = f
            .store
            .record_arrival(
                NewArrival {
                    technician_id: f.me.id,
                    site_id: f.site.id,
                    fault_id: Some(fault.id),
                    arrived_at,
                    location: None,
                    site_confirmed_by_hand: confirmed,
                },
                f.now,
            )
            .unwrap_err();
        assert!(
            matches!(&error, StoreError::Invalid(i) if i.field == field),
            "{field}: {error}"
        );
    }
    assert_eq!(f.dump(), before);
}

#[test]
fn the_balance_is_the_sum_of_the_ledger() {
    let mut f = fixture();
    let movement = |kind, quantity| NewMovement {
        part_id: f.part.id,
        kind,
        quantity,
        at: f.now,
        technician_id: Some(f.me.id),
        fault_id: None,
        old_serial: None,
        new_serial: None,
        note: None,
    };
    f.store
        .record_movement(movement(MovementKind::Used, 2), f.now)
        .unwrap();
    // Back into stock, unused (退回): what a stored `returned` has always meant.
    f.store
        .record_movement(movement(MovementKind::Returned, 1), f.now)
        .unwrap();
    f.store
        .record_movement(movement(MovementKind::TransferOut, 4), f.now)
        .unwrap();
    assert_eq!(f.store.part_balance(f.part.id).unwrap(), 0);
    let refused = f
        .store
        .record_movement(movement(MovementKind::Used, 1), f.now)
        .unwrap_err();
    assert!(matches!(
        refused,
        StoreError::InsufficientStock { balance: 0, .. }
    ));
    let stock = f.store.stock_report(f.contract.id).unwrap();
    assert_eq!(stock.parts[0].balance, 0);
    assert!(stock.floor.parts_below_floor);
    assert_eq!(f.store.movements(&Default::default()).unwrap().len(), 4);
}

#[test]
fn one_report_per_day_and_none_for_the_future() {
    let mut f = fixture();
    f.store
        .create_report(f.me.id, f.contract.id, f.today(), f.now)
        .unwrap();
    let twice = f
        .store
        .create_report(f.me.id, f.contract.id, f.today(), f.now)
        .unwrap_err();
    assert!(matches!(twice, StoreError::Conflict { .. }), "{twice}");
    let tomorrow = f.today() + TimeDelta::days(1);
    let future = f
        .store
        .create_report(f.me.id, f.contract.id, tomorrow, f.now)
        .unwrap_err();
    assert!(
        matches!(&future, StoreError::Invalid(i) if i.field == "work_date"),
        "{future}"
    );
}

#[test]
fn demo_seeds_once_and_a_second_run_changes_nothing() {
    let mut f = fixture();
    let first = fieldlog_demo::seed(&mut f.store, f.now).unwrap();
    assert!(first.created);
    assert!(
        first.sites >= 50 && first.faults >= 30 && first.signed_reports >= 10,
        "{first:?}"
    );
    let after_first = f.dump();
    let second = fieldlog_demo::seed(&mut f.store, f.now + TimeDelta::hours(3)).unwrap();
    assert!(!second.created);
    assert_eq!(f.dump(), after_first);
    // Every signed demo report still matches what was signed.
    for row in f.store.report_rows(&Default::default()).unwrap() {
        let doc = f.store.report_document(row.id).unwrap();
        assert_ne!(
            doc.content_intact,
            Some(false),
            "report {} on {}",
            row.id,
            row.work_date
        );
    }
}

#[test]
fn a_panic_inside_a_batch_leaves_no_transaction_open() {
    let mut f = fixture();
    let input = new_fault(&f);
    let before = f.dump();
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = f.store.batch(|store| {
            store.record_fault(input.clone(), f.now)?;
            panic!("a bug inside the batch");
            #[allow(unreachable_code)]
            Ok(())
        });
    }));
    assert!(panicked.is_err());
    assert_eq!(f.dump(), before, "the batch's fault was rolled back");
    // The same store writes again, and what it writes is committed: another connection sees it.
    let fault = f.store.record_fault(input, f.now).unwrap();
    let other = rusqlite::Connection::open(f.store.path()).unwrap();
    let seen: i64 = other
        .query_row(
            "SELECT count(*) FROM faults WHERE id = ?1",
            [fault.id.to_string()],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(seen, 1);
}

#[test]
fn a_batch_lands_whole_or_not_at_all() {
    let mut f = fixture();
    let input = new_fault(&f);
    let (me, contract, tomorrow) = (f.me.id, f.contract.id, f.today() + TimeDelta::days(1));
    let before = f.dump();
    // The last action is refused: nothing of the batch is kept, not even the fault before it.
    let error = f
        .store
        .batch(|store| {
            store.record_fault(input.clone(), f.now)?;
            store.create_report(me, contract, tomorrow, f.now)
        })
        .unwrap_err();
    assert!(
        matches!(&error, StoreError::Invalid(i) if i.field == "work_date"),
        "{error}"
    );
    assert_eq!(f.dump(), before);

    // A refused action the batch goes past writes nothing itself; the rest lands, and reads
    // inside the batch see its own writes.
    let fault = f
        .store
        .batch(|store| {
            let fault = store.record_fault(input.clone(), f.now)?;
            assert!(store.create_report(me, contract, tomorrow, f.now).is_err());
            assert_eq!(store.fault(fault.id)?.description, input.description);
            Ok(fault)
        })
        .unwrap();
    assert_eq!(f.store.fault(fault.id).unwrap().id, fault.id);
    assert!(f.store.report_rows(&Default::default()).unwrap().is_empty());
    // The store is back to one transaction per action afterwards.
    f.store
        .create_report(me, contract, f.today(), f.now)
        .unwrap();
}
