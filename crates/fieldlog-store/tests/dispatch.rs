//! The technician's side of dispatch (issue 18): the holder each fault list shows, Today's order
//! (mine, then unassigned, then others'), and the take (接单): one transaction, refused with
//! nothing written when the fault is held or the laptop is not enrolled.

mod support;

use chrono::{DateTime, TimeDelta, Utc};
use fieldlog_domain::dispatch::{AssignmentKind, Holder};
use fieldlog_domain::fault::{NewFault, ReportChannel};
use fieldlog_domain::ids::FaultId;
use fieldlog_domain::sla::FaultLevel;
use fieldlog_store::StoreError;
use fieldlog_store::desk;
use fieldlog_store::sync::Enrollment;
use fieldlog_wire::v1::FaultHolder;
use support::{Fixture, fixture};
use uuid::Uuid;

/// The server's id for this laptop's technician: not the profile's local id.
const ME: &str = "01900000-0000-7000-8000-00000000000a";
const OTHER: &str = "01900000-0000-7000-8000-00000000000b";

fn enrol(f: &mut Fixture) {
    f.store
        .save_enrollment(&Enrollment {
            server_url: "http://127.0.0.1:9".into(),
            device_id: "device-a".into(),
            token: "token-a".into(),
            technician_id: ME.into(),
        })
        .unwrap();
}

fn report(f: &mut Fixture, minutes_ago: i64, caller: Option<&str>) -> FaultId {
    f.store
        .record_fault(
            NewFault {
                contract_id: f.contract.id,
                site_id: f.site.id,
                device_id: Some(f.device.id),
                level: FaultLevel::B,
                reported_at: f.now - TimeDelta::minutes(minutes_ago),
                channel: ReportChannel::Phone,
                description: format!("画面中断（{minutes_ago}）"),
                first_receiver: "测试客户经理".into(),
                caller: caller.map(str::to_owned),
                caller_phone: caller.map(|_| "13800001234".to_owned()),
            },
            f.now,
        )
        .unwrap()
        .id
}

/// An assignment record as sync brings one from the office (written as a pulled row is).
fn pulled_assignment(
    f: &Fixture,
    fault: FaultId,
    technician: &str,
    name: &str,
    supersedes: &[String],
    at: DateTime<Utc>,
) -> String {
    let id = Uuid::now_v7().to_string();
    let conn = rusqlite::Connection::open(f.store.path()).unwrap();
    conn.execute("UPDATE sync_state SET applying = 1", [])
        .unwrap();
    conn.execute(
        "INSERT INTO fault_assignments (id, fault_id, kind, technician_id, technician_name,
                supersedes, reason, assigned_by, at, recorded_at)
         VALUES (?1, ?2, 'assign', ?3, ?4, ?5, '', '调度员', ?6, ?6)",
        rusqlite::params![
            id,
            fault.to_string(),
            technician,
            name,
            serde_json::to_string(supersedes).unwrap(),
            at.to_rfc3339()
        ],
    )
    .unwrap();
    conn.execute("UPDATE sync_state SET applying = 0", [])
        .unwrap();
    id
}

fn holder_of(f: &Fixture, id: FaultId) -> FaultHolder {
    desk::fault_rows(&f.store, false, f.now)
        .unwrap()
        .into_iter()
        .find(|r| r.id == id)
        .unwrap()
        .holder
}

#[test]
fn the_caller_is_kept_with_the_fault() {
    let mut f = fixture();
    let with = report(&mut f, 30, Some("  报修人甲 "));
    let without = report(&mut f, 20, None);
    let fault = f.store.fault(with).unwrap();
    assert_eq!(fault.caller.as_deref(), Some("报修人甲"));
    assert_eq!(fault.caller_phone.as_deref(), Some("13800001234"));
    assert_eq!(f.store.fault(without).unwrap().caller, None);
}

#[test]
fn today_lists_mine_then_unassigned_then_others() {
    let mut f = fixture();
    enrol(&mut f);
    // Inside each group the least time left first (issue 19): the older call's clocks run out
    // sooner.
    let others = report(&mut f, 50, None);
    let free_old = report(&mut f, 40, None);
    let mine = report(&mut f, 30, None);
    let free_new = report(&mut f, 20, None);
    pulled_assignment(&f, others, OTHER, "技服乙", &[], f.now);
    pulled_assignment(&f, mine, ME, "测试技服甲", &[], f.now);
    let today = desk::today(&f.store, f.now).unwrap();
    let order: Vec<FaultId> = today.open_faults.iter().map(|r| r.id).collect();
    assert_eq!(order, vec![mine, free_old, free_new, others]);
    assert_eq!(holder_of(&f, mine), FaultHolder::Mine);
    assert_eq!(holder_of(&f, free_new), FaultHolder::Unassigned);
    assert_eq!(
        holder_of(&f, others),
        FaultHolder::Other {
            name: "技服乙".into()
        }
    );
}

#[test]
fn a_take_records_the_enrolled_technician_and_makes_the_fault_mine() {
    let mut f = fixture();
    enrol(&mut f);
    let fault = report(&mut f, 10, None);
    let detail = desk::take_fault(&mut f.store, fault, f.now).unwrap();
    assert_eq!(detail.row.holder, FaultHolder::Mine);
    let [record] = detail.assignments.as_slice() else {
        panic!("one record: {:?}", detail.assignments)
    };
    assert_eq!(record.kind, AssignmentKind::Take);
    assert_eq!(record.technician_id.to_string(), ME);
    assert_eq!(record.technician_name, f.me.name);
    assert!(record.supersedes.is_empty());
    // It goes to the server like every other record.
    let outbox: i64 = f
        .store
        .connection()
        .query_row(
            "SELECT count(*) FROM sync_outbox WHERE entity = 'fault_assignments'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(outbox, 1);
    // Taking it again changes nothing.
    let before = f.dump();
    let again = f.store.take_fault(fault, f.now).unwrap_err();
    assert!(again.to_string().contains("已经是您的"), "{again}");
    assert_eq!(f.dump(), before);
}

#[test]
fn a_held_or_disputed_fault_cannot_be_taken_and_nothing_is_written() {
    let mut f = fixture();
    enrol(&mut f);
    let held = report(&mut f, 10, None);
    pulled_assignment(&f, held, OTHER, "技服乙", &[], f.now);
    let disputed = report(&mut f, 5, None);
    pulled_assignment(&f, disputed, OTHER, "技服乙", &[], f.now);
    pulled_assignment(
        &f,
        disputed,
        ME,
        "测试技服甲",
        &[],
        f.now + TimeDelta::seconds(1),
    );
    assert_eq!(
        holder_of(&f, disputed),
        FaultHolder::Disputed {
            names: vec!["技服乙".into(), "测试技服甲".into()],
            mine: true
        }
    );
    let before = f.dump();
    let error = f.store.take_fault(held, f.now).unwrap_err();
    assert!(matches!(error, StoreError::Conflict { .. }), "{error:?}");
    assert!(error.to_string().contains("已派给 技服乙"), "{error}");
    let error = f.store.take_fault(disputed, f.now).unwrap_err();
    assert!(error.to_string().contains("多人接单"), "{error}");
    assert_eq!(f.dump(), before);
}

#[test]
fn a_reassignment_moves_the_fault_away() {
    let mut f = fixture();
    enrol(&mut f);
    let fault = report(&mut f, 10, None);
    let first = pulled_assignment(&f, fault, ME, "测试技服甲", &[], f.now);
    pulled_assignment(&f, fault, OTHER, "技服乙", &[first], f.now);
    assert_eq!(
        holder_of(&f, fault),
        FaultHolder::Other {
            name: "技服乙".into()
        }
    );
    assert!(matches!(
        f.store.fault_holder(fault).unwrap(),
        Holder::Assigned { .. }
    ));
}

#[test]
fn an_unenrolled_laptop_cannot_take_and_nothing_is_written() {
    let mut f = fixture();
    let fault = report(&mut f, 10, None);
    let before = f.dump();
    let error = f.store.take_fault(fault, f.now).unwrap_err();
    assert!(error.to_string().contains("注册"), "{error}");
    assert_eq!(f.dump(), before);
}
