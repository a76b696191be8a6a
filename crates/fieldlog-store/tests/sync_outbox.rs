//! The laptop's side of sync: every user action queues its changes in the outbox inside its own
//! transaction (a refused action queues nothing), and applying what the server sends is idempotent
//! and never echoes back into the outbox.

mod support;

use fieldlog_domain::stock::MovementKind;
use fieldlog_store::NewMovement;
use fieldlog_wire::sync::v1::{ChangeOp, FeedRecord, PullResponse};
use support::fixture;

#[test]
fn every_action_queues_its_changes_with_consecutive_sequence_numbers() {
    let f = fixture();
    let batch = f.store.outbox_batch(1000).unwrap();
    let kinds: Vec<&str> = batch.iter().map(|c| c.entity.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "technicians",
            "contracts",
            "sla_policies",
            "sites",
            "devices",
            "spare_parts",
            "stock_movements"
        ]
    );
    for (i, change) in batch.iter().enumerate() {
        assert_eq!(change.seq, batch[0].seq + i as i64);
        assert_eq!(change.op, ChangeOp::Insert);
    }
    // The rows are the rows as stored.
    assert_eq!(batch[1].row["code"], "test-contract");
    assert_eq!(batch[6].row["quantity"], 5);
}

#[test]
fn an_update_carries_the_row_it_edited() {
    let mut f = fixture();
    let before = f.store.outbox_batch(1000).unwrap().len();
    fieldlog_store::desk::set_profile(&mut f.store, "改名技服", Some("T-009"), f.now).unwrap();
    let batch = f.store.outbox_batch(1000).unwrap();
    assert_eq!(batch.len(), before + 1);
    let change = batch.last().unwrap();
    assert_eq!(change.op, ChangeOp::Update);
    assert_eq!(change.row["name"], "改名技服");
    assert_eq!(change.base.as_ref().unwrap()["name"], "测试技服甲");
}

#[test]
fn a_refused_action_queues_nothing() {
    let mut f = fixture();
    let before = f.dump();
    let refused = f.store.record_movement(
        NewMovement {
            part_id: f.part.id,
            kind: MovementKind::Used,
            quantity: 99,
            at: f.now,
            technician_id: Some(f.me.id),
            fault_id: None,
            old_serial: None,
            new_serial: None,
            note: None,
        },
        f.now,
    );
    assert!(refused.is_err());
    assert_eq!(before, f.dump(), "the outbox (or anything else) changed");
}

#[test]
fn applying_a_pulled_page_twice_changes_nothing_and_queues_nothing() {
    let source = fixture();
    let mut target = {
        let dir = tempfile::tempdir().unwrap();
        let store = fieldlog_store::Store::open(dir.path().join("other.sqlite")).unwrap();
        (dir, store)
    };
    // What the server would send: the source laptop's changes, as feed records.
    let records: Vec<FeedRecord> = source
        .store
        .outbox_batch(1000)
        .unwrap()
        .into_iter()
        .enumerate()
        .map(|(i, change)| FeedRecord {
            seq: i as i64 + 1,
            id: fieldlog_wire::sync::v1::entity_named(&change.entity)
                .unwrap()
                .record_id(&change.row)
                .unwrap(),
            entity: change.entity,
            rev: 1,
            row: change.row,
            received_at: source.now,
            clock_suspect: false,
        })
        .collect();
    let page = PullResponse {
        cursor: records.len() as i64,
        records,
        more: false,
    };
    let applied = target.1.apply_pull_page(&page, &[], source.now).unwrap();
    assert_eq!(applied.applied, 7);
    assert_eq!(applied.refused, 0);
    let once = fieldlog_store::migrations::data_dump(target.1.connection()).unwrap();
    let again = target.1.apply_pull_page(&page, &[], source.now).unwrap();
    assert_eq!(again.applied, 0);
    assert_eq!(
        once,
        fieldlog_store::migrations::data_dump(target.1.connection()).unwrap()
    );
    assert!(
        target.1.outbox_batch(10).unwrap().is_empty(),
        "pulled records echoed into the outbox"
    );
    assert_eq!(
        target.1.synced_records().unwrap(),
        source.store.synced_records().unwrap()
    );
    assert_eq!(target.1.part_balance(source.part.id).unwrap(), 5);
    assert_eq!(target.1.sync_status().unwrap().pull_cursor, 7);
}
