//! Issue 19, item 6: stock held per technician, used on its own, given back, transferred to a
//! colleague or another contract, parts added by the technician. Every refusal says what to do
//! and leaves the whole database as it was.

mod support;

use chrono::{NaiveDate, TimeDelta};
use fieldlog_domain::contract::SpareFloor;
use fieldlog_domain::ids::{MovementId, TechnicianId};
use fieldlog_domain::sla::Preset;
use fieldlog_domain::stock::{MovementKind, SpareKind};
use fieldlog_store::desk::{self, StockAction, TechnicianPart};
use fieldlog_store::{NewPart, StoreError};
use support::fixture;

fn message(error: &StoreError) -> String {
    error.to_string()
}

#[test]
fn a_transfer_above_the_senders_balance_is_refused_and_nothing_changes() {
    let mut f = fixture();
    let colleague = f.store.add_technician("测试技服乙", None, f.now).unwrap();
    let before = f.dump();
    let error = desk::stock_action(
        &mut f.store,
        StockAction::TransferToColleague {
            part_id: f.part.id,
            to: colleague.id,
            quantity: 6,
            note: None,
        },
        f.now,
    )
    .unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::InsufficientStock {
                balance: 5,
                wanted: 6,
                ..
            }
        ),
        "{error}"
    );
    assert!(message(&error).contains("库存不足"), "{error}");
    assert_eq!(f.dump(), before);
}

#[test]
fn a_transfer_to_a_technician_not_on_the_contract_is_refused_and_nothing_changes() {
    let mut f = fixture();
    let before = f.dump();
    for to in [TechnicianId(uuid::Uuid::now_v7()), f.me.id] {
        let error = desk::stock_action(
            &mut f.store,
            StockAction::TransferToColleague {
                part_id: f.part.id,
                to,
                quantity: 1,
                note: None,
            },
            f.now,
        )
        .unwrap_err();
        assert!(
            matches!(&error, StoreError::Invalid(i) if i.field == "to"),
            "{error}"
        );
        assert!(
            message(&error).contains("同事") || message(&error).contains("自己"),
            "{error}"
        );
    }
    assert_eq!(f.dump(), before);
}

#[test]
fn confirming_a_transfer_not_addressed_to_you_is_refused_and_nothing_changes() {
    let mut f = fixture();
    let colleague = f.store.add_technician("测试技服乙", None, f.now).unwrap();
    let out = desk::stock_action(
        &mut f.store,
        StockAction::TransferToColleague {
            part_id: f.part.id,
            to: colleague.id,
            quantity: 2,
            note: Some("支援乙的片区".into()),
        },
        f.now,
    )
    .unwrap();
    // Sent: in transit, still the contract's, no longer the sender's.
    let stock = f.store.stock_report(f.contract.id).unwrap();
    let row = &stock.parts[0];
    assert_eq!((row.mine, row.in_transit, row.balance), (3, 2, 5));
    assert_eq!(stock.transfers.len(), 1);
    assert!(!stock.transfers[0].incoming && stock.transfers[0].confirmed_at.is_none());
    assert_eq!(stock.transfers[0].to_name, "测试技服乙");

    let before = f.dump();
    let error = desk::stock_action(
        &mut f.store,
        StockAction::ConfirmTransfer {
            transfer_id: out.id,
        },
        f.now,
    )
    .unwrap_err();
    assert!(message(&error).contains("不是调给您的"), "{error}");
    // A movement that is no transfer at all.
    let other = MovementId(uuid::Uuid::now_v7());
    let missing = desk::stock_action(
        &mut f.store,
        StockAction::ConfirmTransfer { transfer_id: other },
        f.now,
    )
    .unwrap_err();
    assert!(matches!(missing, StoreError::NotFound { .. }), "{missing}");
    assert_eq!(f.dump(), before);
}

#[test]
fn adding_a_part_where_the_contract_does_not_allow_it_is_refused_and_nothing_changes() {
    let mut f = fixture();
    let part = |contract_id| TechnicianPart {
        contract_id,
        code: "BJ-NEW".into(),
        name: "新增防水胶带".into(),
        kind: SpareKind::Part,
        model: None,
        main_equipment: true,
    };
    // A contract made on the laptop: its technician keeps its catalogue.
    let stock = desk::add_part(&mut f.store, part(f.contract.id)).unwrap();
    assert!(stock[0].technicians_add_parts);
    assert!(stock[0].parts.iter().any(|p| p.code == "BJ-NEW"));
    // The office's contract, as sync brings it (the office has not allowed it: 0).
    f.store
        .connection()
        .execute(
            "UPDATE contracts SET technicians_add_parts = 0 WHERE id = ?1",
            [f.contract.id.to_string()],
        )
        .unwrap();
    let before = f.dump();
    let mut refused = part(f.contract.id);
    refused.code = "BJ-NEW2".into();
    let error = desk::add_part(&mut f.store, refused).unwrap_err();
    assert!(matches!(error, StoreError::Conflict { .. }), "{error}");
    assert!(message(&error).contains("联系办公室添加"), "{error}");
    assert_eq!(f.dump(), before);
}

#[test]
fn a_use_above_the_balance_or_without_a_reason_is_refused_and_nothing_changes() {
    let mut f = fixture();
    let before = f.dump();
    let above = desk::stock_action(
        &mut f.store,
        StockAction::Use {
            part_id: f.part.id,
            quantity: 6,
            reason: "更换损坏的接头".into(),
            fault_id: None,
        },
        f.now,
    )
    .unwrap_err();
    assert!(
        matches!(above, StoreError::InsufficientStock { balance: 5, .. }),
        "{above}"
    );
    let no_reason = desk::stock_action(
        &mut f.store,
        StockAction::Use {
            part_id: f.part.id,
            quantity: 1,
            reason: "  ".into(),
            fault_id: None,
        },
        f.now,
    )
    .unwrap_err();
    assert!(
        matches!(&no_reason, StoreError::Invalid(i) if i.field == "note"),
        "{no_reason}"
    );
    assert!(message(&no_reason).contains("用途"), "{no_reason}");
    assert_eq!(f.dump(), before);
}

#[test]
fn use_on_its_own_and_giving_back_leave_the_technicians_stock() {
    let mut f = fixture();
    desk::stock_action(
        &mut f.store,
        StockAction::Use {
            part_id: f.part.id,
            quantity: 1,
            reason: "巡检时更换松动接头".into(),
            fault_id: None,
        },
        f.now,
    )
    .unwrap();
    let given_back = desk::stock_action(
        &mut f.store,
        StockAction::GiveBack {
            part_id: f.part.id,
            quantity: 2,
            note: Some("多余备件交回仓库".into()),
        },
        f.now,
    )
    .unwrap();
    // 退库 leaves the contract: a transfer out naming nobody (a stored `returned` is stock coming
    // back in, and keeps that meaning).
    assert_eq!(given_back.kind, MovementKind::TransferOut);
    assert_eq!(given_back.to_technician_id, None);
    let row = &f.store.stock_report(f.contract.id).unwrap().parts[0];
    assert_eq!((row.mine, row.balance), (2, 2), "5 - 1 used - 2 given back");
}

#[test]
fn a_transfer_to_another_contract_moves_parts_to_the_same_code_at_once() {
    let mut f = fixture();
    let other = f
        .store
        .add_contract(
            "test-contract-2",
            "测试项目二",
            "测试采购人二",
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
            SpareFloor::default(),
            &Preset::CityEgovExtranet.policy(),
            f.now - TimeDelta::hours(1),
        )
        .unwrap();
    let to_contract = |f: &mut support::Fixture| {
        desk::stock_action(
            &mut f.store,
            StockAction::TransferToContract {
                part_id: f.part.id,
                to_contract: other.id,
                quantity: 3,
                note: None,
            },
            f.now,
        )
    };
    // Refused while the other contract keeps no part of that code, nothing written.
    let before = f.dump();
    let error = to_contract(&mut f).unwrap_err();
    assert!(message(&error).contains("BJ-T"), "{error}");
    assert_eq!(f.dump(), before);

    let target = f
        .store
        .add_part(NewPart {
            contract_id: other.id,
            code: "BJ-T".into(),
            name: "测试备件".into(),
            kind: SpareKind::Part,
            model: None,
        })
        .unwrap();
    let moved = to_contract(&mut f).unwrap();
    assert_eq!(
        (moved.kind, moved.part_id, moved.quantity),
        (MovementKind::TransferIn, target.id, 3)
    );
    let here = &f.store.stock_report(f.contract.id).unwrap().parts[0];
    let there = &f.store.stock_report(other.id).unwrap().parts[0];
    assert_eq!((here.mine, here.in_transit, here.balance), (2, 0, 2));
    assert_eq!((there.mine, there.balance), (3, 3));
}

#[test]
fn today_warns_of_a_contract_under_its_floor() {
    let f = fixture();
    let today = desk::today(&f.store, f.now).unwrap();
    assert_eq!(today.stock_below_floor.len(), 1, "5 parts, floor 50");
    let warning = &today.stock_below_floor[0];
    assert_eq!(warning.contract_id, f.contract.id);
    assert!(warning.floor.parts_below_floor);
    assert_eq!(warning.floor.parts, 5);
}
