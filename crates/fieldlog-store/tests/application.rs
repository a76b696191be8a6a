//! The application layer (`desk`) that the app and the CLI both call: what each front door relies
//! on it for, checked once here rather than through each door.

mod support;

use chrono::TimeDelta;
use fieldlog_domain::ids::ContractId;
use fieldlog_domain::stock::MovementKind;
use fieldlog_store::desk::{self, StockMove};
use fieldlog_store::{Store, StoreError};
use support::fixture;

/// "No profile yet" is one error, an invalid input on `profile` (the CLI words it as
/// `fieldlog init`), refused before anything else is looked at and with nothing written.
#[test]
fn actions_in_a_technicians_name_need_a_profile_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(dir.path().join("profile.sqlite")).unwrap();
    let now = support::now();
    let unknown = ContractId(uuid::Uuid::now_v7());
    let refused = [
        desk::new_report(&mut store, unknown, now.date_naive(), now).map(|_| ()),
        desk::today_report(&mut store, unknown, now).map(|_| ()),
        desk::technician(&store).map(|_| ()),
    ];
    for result in refused {
        match result {
            Err(StoreError::Invalid(invalid)) => assert_eq!(invalid.field, "profile"),
            other => panic!("expected the profile to be asked for, got {other:?}"),
        }
    }
    assert!(store.profile().unwrap().is_none());
}

/// The CLI's `--at` and the app's "now" are the same use case: the time given, else now, and the
/// profile's technician in both.
#[test]
fn check_in_and_stock_moves_take_the_time_given_and_the_profiles_technician() {
    let mut f = fixture();
    let earlier = f.now - TimeDelta::minutes(20);
    let arrival = desk::check_in(
        &mut f.store,
        f.site.id,
        None,
        None,
        true,
        Some(earlier),
        f.now,
    )
    .unwrap();
    assert_eq!(arrival.arrived_at, earlier);
    assert_eq!(arrival.technician_id, f.me.id);
    let now_arrival =
        desk::check_in(&mut f.store, f.site.id, None, None, true, None, f.now).unwrap();
    assert_eq!(now_arrival.arrived_at, f.now);

    let movement = desk::move_stock(
        &mut f.store,
        StockMove {
            part_id: f.part.id,
            kind: MovementKind::Used,
            quantity: 2,
            at: None,
            fault_id: None,
            old_serial: None,
            new_serial: None,
            note: Some("测试领用".into()),
        },
        f.now,
    )
    .unwrap();
    assert_eq!(movement.technician_id, Some(f.me.id));
    assert_eq!(movement.at, f.now);
    let stock = desk::stock(&f.store, Some(f.contract.id)).unwrap();
    assert_eq!(stock.len(), 1);
    assert_eq!(stock[0].parts[0].balance, 3);
    assert_eq!(desk::stock(&f.store, None).unwrap(), stock);
}

#[test]
fn a_month_is_its_local_days_or_an_error_on_month() {
    let (from, to) = desk::month_range("2026-11").unwrap();
    assert_eq!(
        (from.to_string(), to.to_string()),
        ("2026-11-01".into(), "2026-12-01".into())
    );
    match desk::month_range("2026-13") {
        Err(StoreError::Invalid(invalid)) => assert_eq!(invalid.field, "month"),
        other => panic!("expected a month error, got {other:?}"),
    }
}
